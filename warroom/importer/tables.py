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
import unicodedata
from dataclasses import dataclass

from warroom.importer.thresholds import Threshold, parse_threshold

_BLANK = re.compile(r"^[\s_\-—–.?*]*$|^\s*(tbd|tba|n/?a|none|to\s?do|pending|\[[^\]]*\]|<[^>]*>)\s*$", re.I)

# a column that names who signs comes before one that groups them ("| Area | Approver |", "| Reviewer | Team |")
SIGNER_COLS = ("role", "approver", "reviewer", "signatory", "signer", "sign-off by", "approved by", "position", "rol")
ROLE_COLS = SIGNER_COLS + ("team", "stakeholder", "function", "area")
SIGN_COLS = ("signature", "sign-off", "signoff", "signed", "approved", "approval", "date", "decision", "initials", "go/no-go")
PERSON_COLS = ("name", "person", "owner", "who", "assignee", "contact name", "responsable", "nom", "nombre")
NAME_COLS = ("criterion", "criteria", "metric", "kpi", "check", "indicator", "slo", "sli", "measure", "gate", "condition")
THRESHOLD_COLS = ("threshold", "target", "goal", "limit", "expected", "requirement", "slo target", "pass criteria", "objective")
# a sign-off column that says which rows must sign ("| Role | Person | Sign-off |" with "required" / blank)
_REQUIRED_CELL = re.compile(r"^\s*(required|mandatory|must|must sign|yes\s*\(required\))\s*$", re.I)
_OPTIONAL_CELL = re.compile(r"^\s*(optional|not required|fyi|informed|no)\s*$", re.I)
SIGN_CONTEXT = re.compile(r"sign[\s-]?off|approv|signature", re.I)
GO_CONTEXT = re.compile(r"go\s*/\s*no|go[\s-]no|no-go|launch\s+criteria|readiness|gate|exit\s+criteria|go\s+criteria", re.I)
# narrower: a heading about the go/no-go decision itself (a table without thresholds there holds criteria)
GO_DECISION_CONTEXT = re.compile(r"go\s*/\s*no[\s-]*go|\bgo\s+criteria|\bgo[\s-]live\s+criteria|launch\s+criteria|release\s+criteria"
                        r"|exit\s+criteria|readiness\s+criteria|\bgo\s+if\b|launch\s+gate|go\s+conditions", re.I)


def clean_cell(text: str) -> str:
    return " ".join(text.replace("**", "").replace("__", " ").split()).strip()


def blank_cell(text: str) -> bool:
    return bool(_BLANK.match(clean_cell(text)))


def _fold(text: str) -> str:
    """Lower case without accents: "Rôle" and "Téléphone" are read as "role" and "telephone"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _col(header: list[str], names: tuple[str, ...]) -> int:
    for i, h in enumerate(header):
        key = _fold(clean_cell(h)).strip(" :?")
        if key in names or any(key.startswith(n) for n in names):
            return i
    return -1


@dataclass
class RoleRow:
    name: str
    person: str = ""
    required: bool = True


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
    rc = _col(header, SIGNER_COLS)
    rc = rc if rc >= 0 else _col(header, ROLE_COLS)
    if rc < 0:
        return None
    sc = _col(header, SIGN_COLS)
    if sc < 0 and not SIGN_CONTEXT.search(context):
        return None
    pc = _col(header, PERSON_COLS)
    says = [row[sc] for row in rows[1:] if 0 <= sc < len(row)]
    # the signing column says which rows must sign when its cells are "required" / "optional" / blank
    marks_required = any(_REQUIRED_CELL.match(clean_cell(c)) for c in says) and all(
        blank_cell(c) or _REQUIRED_CELL.match(clean_cell(c)) or _OPTIONAL_CELL.match(clean_cell(c)) for c in says)
    out: list[RoleRow] = []
    for row in rows[1:]:
        if rc >= len(row) or blank_cell(row[rc]):
            continue
        person = row[pc] if 0 <= pc < len(row) and not blank_cell(row[pc]) else ""
        required = not marks_required or (sc < len(row) and bool(_REQUIRED_CELL.match(clean_cell(row[sc]))))
        out.append(RoleRow(clean_cell(row[rc]).strip(": "), clean_cell(person), required))
    return out


def criteria_rows(rows: list[list[str]], context: str) -> list[CriterionRow] | None:
    """The criteria a go/no-go or success-metric table gives, or None when it is not one."""
    cols = _two_columns(rows, NAME_COLS, THRESHOLD_COLS)
    rq = _col(rows[0], ("required", "blocking", "must", "mandatory")) if rows else -1
    if cols is None:
        # no threshold column: a criterion table still, when it says which rows are required
        # (``| Criterion | Required | Status |``) or sits under a go/no-go heading
        nc = _col(rows[0], NAME_COLS) if len(rows) >= 2 else -1
        if nc < 0 or (rq < 0 and not GO_DECISION_CONTEXT.search(context)):
            return None
        cols = (nc, -1)
    header, (nc, tc) = rows[0], cols
    required = bool(GO_CONTEXT.search(context)) or not re.search(r"success|metric|kpi|week|month|post", context, re.I)
    out: list[CriterionRow] = []
    for row in rows[1:]:
        if nc >= len(row) or blank_cell(row[nc]):
            continue
        threshold = parse_threshold(row[tc]) if 0 <= tc < len(row) else parse_threshold("")
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


# "Release manager: ____", "Launch captain: ____": a role noun at the end makes a field-like start a role
_ROLE_LAST = re.compile(r"\s(?:lead|manager|director|owner|captain|commander|officer|engineer|sponsor|coordinator|approver)$", re.I)


def signoff_line(line: str, context: str) -> str | None:
    """``**CPO:** ____ Date: ____`` -> "CPO"; None when the line is not a sign-off line."""
    m = _SIGN_LINE.match(line)
    if not m:
        return None
    role = m["role"].strip()
    if not role or (_NOT_ROLE.search(role) and not _ROLE_LAST.search(role)):
        return None
    signing_blank = re.search(r"\b(date|signature|signed|initials)\b", m["rest"], re.I)
    if not signing_blank and not SIGN_CONTEXT.search(context):
        return None
    return role


TASK_COLS = ("task", "item", "action", "step", "activity", "deliverable", "to do", "todo", "check", "requirement", "feature",
             "milestone", "component", "service", "system")
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
    yes_no: bool = False  # the status column asks a yes/no question ("Done", "Complete?"): ❌ there is "no", not "blocked"
    priority: str = ""  # "P0", "Critical", "Blocker" from a Priority / Severity column: the item blocks GO


PRIORITY_COLS = ("priority", "prio", "severity", "sev", "criticality", "blocker", "blocking", "launch blocker", "must")
# what a priority cell says when the task blocks the launch ("Blocking? Yes" too, in a blocking column)
_BLOCKS = re.compile(r"^\W*(?:p0|sev\s*0|critical|blocker|blocking|must(?:[\s-]have)?|show[\s-]?stopper)\W*$", re.I)


_YES_NO_COL = re.compile(r"^(done|complete[d]?|finished|ready|ok|✓|✔|\[x\]|check(?:ed)?)\s*\??$", re.I)


def task_rows(rows: list[list[str]]) -> list[TaskRow] | None:
    """A task table — a Task / Item / Action column and a Status / Done column — gives items."""
    if len(rows) < 2:
        return None
    header = rows[0]
    xc = _col(header, TASK_COLS)
    sc = next((i for i in range(len(header)) if i != xc and _col([header[i]], STATUS_COLS) == 0), -1)
    if xc < 0 or sc < 0:
        return None
    oc, wc = _col(header, OWNER_COLS), _col(header, WHEN_COLS)
    pc = next((i for i in range(len(header)) if i not in (xc, sc) and _col([header[i]], PRIORITY_COLS) == 0), -1)
    yes_blocks = pc >= 0 and bool(re.match(r"(?:launch\s+)?block|must", _fold(clean_cell(header[pc]))))
    out: list[TaskRow] = []
    for row in rows[1:]:
        if xc >= len(row) or blank_cell(row[xc]):
            continue
        cell = lambda i: row[i].strip() if 0 <= i < len(row) and not blank_cell(row[i]) else ""  # noqa: E731
        details = [f"{clean_cell(header[i])}: {clean_cell(c)}" for i, c in enumerate(row)
                   if i not in (xc, sc, oc, wc) and i < len(header) and not blank_cell(c)]
        raw = row[sc].strip() if sc < len(row) else ""
        # "[x]" is a mark and "N/A" a status ("does not apply"), not blanks
        status = raw if _BOX_CELL.match(raw) or re.fullmatch(r"n/?a", clean_cell(raw), re.I) else cell(sc)
        prio = clean_cell(cell(pc))
        blocks = bool(_BLOCKS.match(prio)) or (yes_blocks and prio.lower() in ("yes", "y", "true", "x", "✓", "✔"))
        out.append(TaskRow(" ".join(row[xc].split()), status, clean_cell(cell(oc)), clean_cell(cell(wc)), details,
                           bool(_YES_NO_COL.match(clean_cell(header[sc]))), f"{clean_cell(header[pc])}: {prio}" if blocks else ""))
    return out


def threshold_column(rows: list[list[str]]) -> bool:
    """A criteria table with a threshold column (``| Criterion | Target | Met? |``): its thresholds
    matter more than the box column beside them."""
    return _two_columns(rows, NAME_COLS, THRESHOLD_COLS) is not None


# -- team tables, box tables, schedule tables, rollback tables ------------------------------------

CONTACT_COLS = ("contact", "phone", "email", "e-mail", "slack", "mobile", "pager", "primary phone", "handle", "telephone", "tel",
                "courriel", "telefono")
DUTY_COLS = ("responsibilit", "duties", "focus", "owns")
TEAM_CONTEXT = re.compile(r"\bteam\b|stakeholder|responsibilit|\broles?\b|raci|people|staff|who\s+is\s+who|war\s*room", re.I)
NOT_TEAM_CONTEXT = re.compile(r"contact|escalation|emergency|on-?call|vendor|support\s+channel", re.I)
_PLACEHOLDER = re.compile(r"X{3,}|^\[.*\]$|^<.*>$|^\{\{.*\}\}$")
_BOX_CELL = re.compile(r"^\s*(\[[ xX]?\]|☐|☑|☒|✅|✔|✓)\s*$")


def _keep(cell: str) -> str:
    text = clean_cell(cell)
    return "" if blank_cell(cell) or _PLACEHOLDER.search(text) else text


@dataclass
class TeamRow:
    name: str
    person: str = ""
    contact: str = ""


def team_roles(rows: list[list[str]], heading: str) -> list[TeamRow] | None:
    """A team / responsibilities table — a Role column and a person, contact or responsibility
    column, or a Role column under a heading about the team — names the people of the launch.
    Contact and escalation tables do not: they say whom to call, not who signs."""
    if len(rows) < 2 or NOT_TEAM_CONTEXT.search(heading):
        return None
    header = rows[0]
    rc = _col(header, ("role", "position", "function", "title", "approver", "stakeholder", "signatory", "rol"))
    if rc < 0 or _col(header, TASK_COLS) >= 0 or _col(header, STATUS_COLS) >= 0 or box_rows(rows):
        return None  # "| Task | Role | Status |" is a task table that says who does each task
    pc, cc = _col(header, PERSON_COLS), _col(header, CONTACT_COLS)
    if pc < 0 and cc < 0 and _col(header, DUTY_COLS) < 0 and not TEAM_CONTEXT.search(heading):
        return None
    contact_cols = [i for i, h in enumerate(header) if i not in (rc, pc) and _col([h], CONTACT_COLS) == 0]
    out: list[TeamRow] = []
    for row in rows[1:]:
        if rc >= len(row) or blank_cell(row[rc]):
            continue
        person = _keep(row[pc]) if 0 <= pc < len(row) else ""
        contact = ", ".join(c for c in (_keep(row[i]) for i in contact_cols if i < len(row)) if c)
        out.append(TeamRow(clean_cell(row[rc]).strip(": "), person, contact))
    return out or None


@dataclass
class BoxRow:
    text: str
    marks: list[tuple[str, str]]  # (column header, box mark) for each box column
    details: list[str]
    line_offset: int  # the row's index among the body rows


def box_rows(rows: list[list[str]]) -> list[BoxRow] | None:
    """A table whose cells hold check boxes (``| Supabase responding | [ ] |``): one row per task,
    named by its first text column (or "<first header> N" when the row leaves it blank for the
    user to fill), with one box per box column."""
    if len(rows) < 2:
        return None
    header, body = rows[0], rows[1:]
    width = len(header)
    box_cols = [i for i in range(width) if sum(1 for r in body if i < len(r) and _BOX_CELL.match(r[i])) * 2 >= len(body)
                and any(i < len(r) and _BOX_CELL.match(r[i]) for r in body)]
    if not box_cols:
        return None
    text_cols = [i for i in range(width) if i not in box_cols]
    name_col = next((i for i in text_cols if any(i < len(r) and not blank_cell(r[i]) for r in body)), text_cols[0] if text_cols else -1)
    out: list[BoxRow] = []
    for n, row in enumerate(body, 1):
        name = clean_cell(row[name_col]) if 0 <= name_col < len(row) and not blank_cell(row[name_col]) else ""
        if not name:
            name = f"{clean_cell(header[name_col]) if name_col >= 0 else 'Row'} {n}"
        marks = []
        for i in box_cols:
            m = _BOX_CELL.match(row[i]) if i < len(row) else None
            mark = m[1].strip("[]") if m else " "
            marks.append((clean_cell(header[i]) or f"column {i + 1}", mark or " "))
        details = [f"{clean_cell(header[i])}: {clean_cell(row[i])}" for i in text_cols
                   if i != name_col and i < len(row) and not blank_cell(row[i])]
        out.append(BoxRow(name, marks, details, n))
    return out


def schedule_rows(rows: list[list[str]], read: "object") -> list[tuple[str, object]] | None:
    """A schedule table (``| T-7 days review | [Date] |``): the rows whose first cell ``read``
    turns into a launch offset, when at least two do."""
    found = []
    for row in rows[1:]:
        if not row or blank_cell(row[0]):
            continue
        mark = read(clean_cell(row[0]))  # type: ignore[operator]
        if mark is not None:
            found.append((clean_cell(row[0]), mark))
    return found if len(found) >= 2 else None


DURATION_COLS = ("for", "sustained", "duration", "window", "over", "lasting", "time window")


def condition_rows(rows: list[list[str]]) -> list[tuple[str, str]] | None:
    """A rollback-trigger table (``| Condition | Action |``): (condition, the rest as a note). A
    threshold and a duration column (``| Signal | Threshold | Sustained for |``) join the
    condition: "HTTP 5xx ratio > 0.5% for 5 min"."""
    if len(rows) < 2:
        return None
    header = rows[0]
    cc = _col(header, ("condition", "trigger", "signal", "metric", "threshold", "when", "if", "symptom"))
    cc = cc if cc >= 0 else 0
    tc = next((i for i in range(len(header)) if i != cc and _col([header[i]], ("threshold", "limit", "value")) == 0), -1)
    dc = next((i for i in range(len(header)) if i not in (cc, tc) and _col([header[i]], DURATION_COLS) == 0), -1)
    out = []
    for row in rows[1:]:
        if cc >= len(row) or blank_cell(row[cc]):
            continue
        cond = clean_cell(row[cc])
        if 0 <= tc < len(row) and not blank_cell(row[tc]):
            cond += " " + clean_cell(row[tc])
        if 0 <= dc < len(row) and not blank_cell(row[dc]) and re.match(r"^\d", clean_cell(row[dc])):
            cond += " for " + clean_cell(row[dc])
        rest = "; ".join(f"{clean_cell(header[i])}: {clean_cell(c)}" for i, c in enumerate(row)
                         if i not in (cc, tc, dc) and i < len(header) and not blank_cell(c))
        out.append((cond, rest))
    return out or None
