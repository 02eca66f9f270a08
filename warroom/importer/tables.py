"""Tables and lines that carry people and criteria rather than tasks.

* **Sign-off tables** — a role column (Role, Approver, Team, Stakeholder, Function) and a
  signing column (Signature, Sign-off, Approved, Date, Decision, Initials), or a role column
  under a heading about sign-off / approval — give the layout's roles, in order; a Name /
  Person / Owner column gives the person when it holds one (not ``TBD`` or blanks).
* **Sign-off lines** — ``**CPO:** ____ Date: ____`` — give roles the same way. A line needs
  a blank to sign (``___``) and either a ``Date``/``Signature`` blank or a sign-off heading, so
  ``**Launch Date**: ____`` is not a role.
* **Criteria tables** — a name column (Criterion, Metric, KPI, Check, Indicator, SLO) and a
  threshold column (Threshold, Target, Goal, Limit, Expected) — give criteria with parsed
  thresholds. Go/no-go tables give required criteria; success-metric tables (a heading or label
  that says "success" or "metrics" without "go") give criteria that do not block GO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warroom.importer.thresholds import Threshold, parse_threshold

_BLANK = re.compile(r"^[\s_\-—–.?*]*$|^\s*(tbd|tba|n/?a|none|to\s?do|pending|\[[^\]]*\]|<[^>]*>)\s*$", re.I)

ROLE_COLS = ("role", "approver", "team", "stakeholder", "function", "area", "sign-off by", "signatory", "position")
SIGN_COLS = ("signature", "sign-off", "signoff", "signed", "approved", "approval", "date", "decision", "initials", "go/no-go")
PERSON_COLS = ("name", "person", "owner", "who", "assignee", "contact name")
NAME_COLS = ("criterion", "criteria", "metric", "kpi", "check", "indicator", "slo", "sli", "measure", "gate")
THRESHOLD_COLS = ("threshold", "target", "goal", "limit", "expected", "requirement", "slo target", "pass criteria")
SIGN_CONTEXT = re.compile(r"sign[\s-]?off|approv|signature", re.I)
GO_CONTEXT = re.compile(r"go\s*/\s*no|go[\s-]no|no-go|launch\s+criteria|readiness|gate|exit\s+criteria|go\s+criteria", re.I)


def clean_cell(text: str) -> str:
    return " ".join(text.replace("**", "").replace("__", " ").split()).strip()


def blank_cell(text: str) -> bool:
    return bool(_BLANK.match(clean_cell(text)))


def _col(header: list[str], names: tuple[str, ...]) -> int:
    for i, h in enumerate(header):
        key = clean_cell(h).lower().strip(" :")
        if key in names or any(key.startswith(n) for n in names):
            return i
    return -1


@dataclass
class RoleRow:
    name: str
    person: str = ""


@dataclass
class CriterionRow:
    name: str
    threshold: Threshold
    details: list[str]  # "Actual: 99.9%", "Status: ⏳ Awaiting", "Check: Daily"
    required: bool


def _two_columns(rows: list[list[str]], first: tuple[str, ...], second: tuple[str, ...]) -> tuple[int, int] | None:
    """The two columns a table of that kind needs (distinct ones, and a body under them), or None."""
    if len(rows) < 2:
        return None
    a, b = _col(rows[0], first), _col(rows[0], second)
    return (a, b) if a >= 0 and b >= 0 and a != b else None


def signoff_roles(rows: list[list[str]], context: str) -> list[RoleRow] | None:
    """The roles a sign-off table names, or None when the table is not one."""
    if len(rows) < 2:
        return None
    header = rows[0]
    rc = _col(header, ROLE_COLS)
    if rc < 0:
        return None
    if _col(header, SIGN_COLS) < 0 and not SIGN_CONTEXT.search(context):
        return None
    pc = _col(header, PERSON_COLS)
    out: list[RoleRow] = []
    for row in rows[1:]:
        if rc >= len(row) or blank_cell(row[rc]):
            continue
        person = row[pc] if 0 <= pc < len(row) and not blank_cell(row[pc]) else ""
        out.append(RoleRow(clean_cell(row[rc]).strip(": "), clean_cell(person)))
    return out


def criteria_rows(rows: list[list[str]], context: str) -> list[CriterionRow] | None:
    """The criteria a go/no-go or success-metric table gives, or None when it is not one."""
    cols = _two_columns(rows, NAME_COLS, THRESHOLD_COLS)
    if cols is None:
        return None
    header, (nc, tc) = rows[0], cols
    required = bool(GO_CONTEXT.search(context)) or not re.search(r"success|metric|kpi|week|month|post", context, re.I)
    rq = _col(header, ("required", "blocking", "must"))
    out: list[CriterionRow] = []
    for row in rows[1:]:
        if nc >= len(row) or blank_cell(row[nc]):
            continue
        threshold = parse_threshold(row[tc]) if tc < len(row) else parse_threshold("")
        details = []
        for i, cell in enumerate(row):
            if i in (nc, tc, rq) or i >= len(header) or blank_cell(cell):
                continue
            details.append(f"{clean_cell(header[i])}: {clean_cell(cell)}")
        row_required = required
        if 0 <= rq < len(row) and not blank_cell(row[rq]):
            row_required = clean_cell(row[rq]).lower() in ("yes", "y", "true", "required", "must", "x", "✓", "✅")
        out.append(CriterionRow(clean_cell(row[nc]), threshold, details, row_required))
    return out


_SIGN_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?P<role>[^*_:|\n]{1,48}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*"
    r"(?P<blank>_{3,}|\\_(?:\\_){2,}|\[\s*\]|\.{3,})(?P<rest>.*)$")
_NOT_ROLE = re.compile(r"^(launch|release|go[- ]live|target|last|next|final|date|time|version|status|updated|owner|approved|signed|signature|name|by|notes?|comments?)\b|\b(date|time|contact|decision|updated|review)$", re.I)


def signoff_line(line: str, context: str) -> str | None:
    """``**CPO:** ____ Date: ____`` -> "CPO"; None when the line is not a sign-off line."""
    m = _SIGN_LINE.match(line)
    if not m:
        return None
    role = m["role"].strip()
    if not role or _NOT_ROLE.search(role):
        return None
    signing_blank = re.search(r"\b(date|signature|signed|initials)\b", m["rest"], re.I)
    if not signing_blank and not SIGN_CONTEXT.search(context):
        return None
    return role


TASK_COLS = ("task", "item", "action", "step", "activity", "deliverable", "to do", "todo")
STATUS_COLS = ("status", "done", "state", "complete", "completed", "✓", "✔", "[x]", "check")
OWNER_COLS = ("owner", "assignee", "who", "responsible", "role", "team", "dri")
WHEN_COLS = ("when", "due", "phase", "deadline", "time", "t-mark", "timing")


@dataclass
class TaskRow:
    text: str
    status: str  # the status cell as written ("✅", "[x]", "Done", "")
    owner: str
    when: str
    details: list[str]


def task_rows(rows: list[list[str]]) -> list[TaskRow] | None:
    """A task table — a Task / Item / Action column and a Status / Done column — gives items."""
    cols = _two_columns(rows, TASK_COLS, STATUS_COLS)
    if cols is None:
        return None
    header, (xc, sc) = rows[0], cols
    oc, wc = _col(header, OWNER_COLS), _col(header, WHEN_COLS)
    out: list[TaskRow] = []
    for row in rows[1:]:
        if xc >= len(row) or blank_cell(row[xc]):
            continue
        cell = lambda i: row[i].strip() if 0 <= i < len(row) and not blank_cell(row[i]) else ""  # noqa: E731
        details = [f"{clean_cell(header[i])}: {clean_cell(c)}" for i, c in enumerate(row)
                   if i not in (xc, sc, oc, wc) and i < len(header) and not blank_cell(c)]
        out.append(TaskRow(" ".join(row[xc].split()), cell(sc), clean_cell(cell(oc)), clean_cell(cell(wc)), details))
    return out
