"""The launch parts of an import: who signs (roles), what must hold (criteria), what stops the
launch (rollback triggers), when (phases, T-0) — read from tables, lines and check boxes.

The reading rules, each recorded with its source line for ``warroom import --explain``:

* **Roles** — sign-off tables and lines (``**CPO:** ____ Date: ____``), approval boxes
  (``- [ ] **Tech Lead Approval**`` over a ``Signature: ___`` line, ``- [ ] **Business Owner:**
  GO / NO-GO - [Signature] [Date]``) are required roles. Team and responsibility tables
  (``| Role | Name | Phone |``) name roles too, with person and contact; they are *optional*
  when the file has a sign-off section elsewhere, and required when it has none. A file that
  names nobody gets one required role, ``Launch Director``, so every imported war room can
  reach GO.
* **Criteria** — go/no-go and success tables (a name column and a threshold, required or status
  column), check boxes under a go/no-go heading (required unless the heading says should / nice
  to have), NO-GO condition boxes (criteria named ``NO-GO if: ...`` that pass while the condition
  does not hold), ``**Name:** > 95%`` lists under a success-criteria or thresholds heading.
* **Rollback triggers** — tables, lists and boxes under a rollback-trigger / abort-condition
  heading or label, and ``If X > 5%: roll back`` sentences; threshold and ``for 30 minutes``
  parsed where written.
* **Decision options** — ``[ ] GO  [ ] NO-GO  [ ] CONDITIONAL GO`` are the decision itself,
  not tasks: they are kept in the section's description.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from warroom.ids import slugify, unique
from warroom.importer import boxes, phases, tables
from warroom.importer.parse import Block
from warroom.importer.result import ImportResult
from warroom.importer.thresholds import Threshold, parse_threshold, split_condition
from warroom.model import Criterion, Item, Phase, Role, Status
from warroom.tmarks import format_tmark

if TYPE_CHECKING:
    from warroom.model import Checklist

LAUNCH_DIRECTOR = "Launch Director"

ROLLBACK_CTX = re.compile(r"rollback\s+trigger|roll\s*back\s+(?:if|when|required|triggers?)|abort\s+(?:criteria|conditions?|triggers?)"
                          r"|rollback\s+(?:criteria|conditions?|when|required\s+if|if)|trigger\s+(?:criteria|conditions?)"
                          r"|consider\s+(?:a\s+)?roll\s*back|revert\s+if|back\s*out\s+(?:criteria|triggers?)"
                          r"|(?:halt|pause|stop)\s+(?:the\s+)?(?:rollout|release|deploy\w*)\s+(?:if|when)"
                          r"|retour\s+arri[eè]re|marcha\s+atr[aá]s|reversi[oó]n", re.I)  # French, Spanish
IF_ROLLBACK = re.compile(r"^\s*if\s+(.+?)\s*[:,→-]+\s*.*\b(roll\s*back|rollback|abort|revert)\b", re.I)
# "We roll back if the error rate is > 5% for 10 minutes." — the condition after the verb
# ... and "Halt the rollout if crash-free users drop below 99% for 2 hours."
ROLLBACK_IF = re.compile(r"\b(?:roll\s*back|rollback|abort|revert|(?:halt|pause|stop)\**\s+(?:the\s+)?(?:rollout|release|deploy\w*))"
                         r"\**(?:\s+\w+){0,3}?\s+(?:if|when|once|should)\s+(.+?)\s*(?:[.;]\s|[.;]?$)", re.I)
# "Error rate ≥ 1% (5-min window) → rollback"
ARROW_ROLLBACK = re.compile(r"^\W*(.+?)\s*(?:→|->|=>|⇒)\s*\**(?:immediate\s+)?(?:roll\s*back|rollback|abort|revert)\b", re.I)
# "Trigger: error rate above 2% for 10 min", "**Rollback trigger:** p95 > 2s" (a threshold is still needed)
TRIGGER_LINE = re.compile(r"^\W*(?:roll\s*back\s+|abort\s+)?triggers?\**\s*:\**\s*(.+)$", re.I)
NOGO_CTX = re.compile(r"\bno[\s-]*go\s+(?:criteria|conditions?|if|triggers?)|\bno[\s-]go\b(?!\s*(?:decision|criteria\s+and|/))"
                      r"|\bdo\s+not\s+launch\s+if|\bblockers?\s+\(no[\s-]go\)", re.I)
GO_BOX_CTX = tables.GO_DECISION_CONTEXT
OPTIONAL_CTX = re.compile(r"should[\s-]+have|nice[\s-]+to[\s-]+have|optional|could[\s-]+have|recommended", re.I)
SUCCESS_LIST_CTX = re.compile(r"success\s+criteria|acceptance\s+criteria|thresholds?\b|\bslos?\b|\bkpis?\b|go\s+criteria", re.I)
_DECISION_WORDS = (r"(?:conditional\s+)?go(?:\s+live|\s+to\s+production|\s+ahead)?|no[\s-]*go|defer(?:\s+\w+)?|delay|postpone"
                   r"|roll\s*back|proceed|hold|abort|continue|cancel|launch|approve[d]?|reject(?:ed)?")
_DECISION_OPTION = re.compile(r"^\W*(?:" + _DECISION_WORDS + r")\W*(?:$|[-–—:(]|\s+[-–—]\s)", re.I)
_INLINE_OPTIONS = re.compile(r"(?:\[\s?\]|☐)\s*\**\s*(?:" + _DECISION_WORDS + r")\b", re.I)
_APPROVAL = re.compile(r"^(?P<role>.{2,60}?)\s+(?:approval|sign[\s-]?off|signature|approver)\b\s*(?:\((?P<note>[^)]*)\))?\s*:?$", re.I)
_SIGN_WORDS = re.compile(r"\[\s*signature\s*\]|\bsignature\b|\bsigned\b|\bGO\s*/\s*NO[\s-]*GO\b|\[\s*date\s*\]", re.I)
_GO_NOGO = re.compile(r"\bgo\s*/\s*no[\s-]*go\b", re.I)  # "Go/No-Go Criteria" names both, not NO-GO conditions
_NAMES_CRITERIA = re.compile(r"criteria|conditions?|\bif\b|\bgates?\b|requirements?|\bmust\b|blockers?|triggers?", re.I)
_SIGN_NOTE = re.compile(r"^\s*(?:signature|signed|sign)\s*:?\s*(?:_{2,}|\\_|\[|$)", re.I)
_BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)(?P<label>.+?)(?:\*\*|__)\s*(?P<rest>.*)$")
_ROW_NOGO = re.compile(r"\bno[\s-]*go\b|\babort\b|\bstop\b|\bdo\s+not\s+(?:launch|proceed|go)\b", re.I)
_ROW_GO_ON = re.compile(r"^(?:proceed|continue|go\b(?!\s*/)|monitor|watch|accept|carry\s+on)", re.I)
_LEAD_TMARK = re.compile(r"^[\s*_(\[]*(T\s*[-+−–]\s*(?:\d+(?:\.\d+)?\s*(?:weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m)?|0)"
                         r"(?![\w.]))[*_)\]]*\s*[:—–-]?\s+\S", re.I)
_NO_MARK = re.compile(r"^\s*(?:❌|✗|✘|❎|✖️?|no|n|false)\s*$", re.I)
_NOT_A_ROLE = re.compile(r"^(all|final|overall|go|no|the|this|release|launch|deployment|production|decision|status)\b", re.I)


def one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def decision_options(texts: list[str]) -> bool:
    """Box texts that are the choices of a decision (``GO``, ``NO-GO``, ``CONDITIONAL GO``,
    ``DEFER``), not tasks: at least two, every one opening with a decision word."""
    plain = [t.replace("*", "").replace("_", " ").strip() for t in texts]
    return len(plain) >= 2 and all(_DECISION_OPTION.match(t) for t in plain) and any(re.match(r"\W*(no[\s-]*go|go)\b", t, re.I) for t in plain)


def inline_options(text: str) -> bool:
    """``DECISION: [ ] GO TO PRODUCTION  [ ] DEFER DEPLOYMENT`` — two decision boxes inside one line."""
    return len(_INLINE_OPTIONS.findall(text)) >= 2


_ROLE_NOUN = re.compile(r"\b(?:lead|owner|manager|director|officer|engineer|sponsor|architect|head|chief|vp|cto|ceo|cfo|ciso|cpo|coo"
                        r"|cio|president|administrator|admin|dba|sre|qa|security|legal|compliance|support|operations|ops|devops"
                        r"|product|engineering|marketing|finance|stakeholder|approver|champion|coordinator|commander|counsel|captain|reviewer"
                        r"|representative|chair|steward|on[\s-]call|on\s+duty)\b|(?-i:\bC[A-Z]{1,3}O\b)", re.I)
_NOT_A_SIGNER = re.compile(r"\b(?:obtained|complete[d]?|received|reviewed|signed|sent|updated|scheduled|notified|approved|ready"
                           r"|done|all|every|each|tested|verified|confirmed|documented)\b", re.I)


def signer_box(text: str) -> str | None:
    """A box in a sign-off section that names who signs — ``- [ ] Engineering Lead``,
    ``- [ ] **QA Lead** — ______``, ``- [ ] Security approval: ____`` — not a task
    (``- [ ] Security review complete``): the role it names."""
    flat = one_line(text.replace("*", "").replace("_", " ")).strip()
    name = re.split(r"\s*(?::|\s[-–—]\s|\(|\[|\.{3,}|_{2,})", flat, maxsplit=1)[0]
    name = re.sub(r"\s+(?:approval|sign[\s-]?off|signature|approver)$", "", name.strip(" -–—:"), flags=re.I).strip(" -–—:")
    if not name or len(name.split()) > 5 or not _ROLE_NOUN.search(name) or _NOT_A_SIGNER.search(name):
        return None
    if not role_noun_last(name) and (_NOT_A_ROLE.match(name) or tables._NOT_ROLE.search(name)):
        return None
    return name


_PERSON = re.compile(r"\(\s*(@[\w.-]+|[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s*\)"
                     r"|\s[-–—:]\s*(@[\w.-]+|[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s*$")


def signer_person(text: str) -> str:
    """``Product Owner (Jane Doe)`` / ``Engineering Manager — @bob`` -> the person named beside the role."""
    m = _PERSON.search(one_line(text.replace("*", "")))
    return (m[1] or m[2]) if m else ""


def role_noun_last(name: str) -> bool:
    """"Release Manager", "Launch captain": a role noun ends a name that starts like a field ("Release date")."""
    words = name.split()
    return len(words) >= 2 and bool(_ROLE_NOUN.fullmatch(words[-1]))


def approval_role(text: str, sub_texts: list[str], signoff_context: bool) -> str | None:
    """The role an approval box names, or None: ``**Tech Lead Approval**`` with a ``Signature:``
    line under it, or ``**Business Owner:** GO / NO-GO - [Signature]``. A box that asks for a
    sign-off without a place to sign (``- [ ] **Security sign-off**``) stays a task."""
    if not sub_texts and not _SIGN_WORDS.search(text):
        return None  # nowhere to sign
    m = _BOLD_LEAD.match(text)
    label, rest = (m["label"], m["rest"]) if m else (text, "")
    label = label.strip().rstrip(":").strip()
    signs_below = any(_SIGN_NOTE.match(s) for s in sub_texts)
    a = _APPROVAL.match(label)
    signs = signs_below or bool(_SIGN_WORDS.search(rest))  # a box that only asks for a sign-off is a task
    if a and signs:
        role = a["role"]
    elif m and signs and (signoff_context or _SIGN_WORDS.search(rest)) and len(label) <= 48:
        role = label
    else:
        return None
    role = one_line(role.strip(" :-–—"))
    if not role or len(role) > 48 or _NOT_A_ROLE.match(role) or tables._NOT_ROLE.search(role):
        return None
    return role


class BoxContext(NamedTuple):
    sign: bool  # a sign-off / approval heading or label above
    sign_inner: bool  # ... the innermost one
    rollback: bool  # a rollback-trigger / abort-condition heading or label
    nogo: bool  # a NO-GO condition heading
    go: bool  # a go/no-go heading
    optional: bool  # should / nice to have


class LaunchParts:
    """Mixed into the builder: reads roles, criteria, rollback triggers, phases and T-0. Uses the
    builder's ``result``, ``checklist``, ``lines``, ``legend``, ``ctx``, ``describe`` and friends."""

    result: ImportResult
    checklist: "Checklist"
    if TYPE_CHECKING:  # what the builder provides
        legend: boxes.Legend
        last_label: str
        item_line: int

        @property
        def ctx(self) -> Any: ...
        def describe(self, text: str) -> None: ...
        def source_of(self, block: Block) -> str: ...
        def context_words(self) -> str: ...
        def inner_words(self) -> str: ...
        def unplaced(self, block: Block | int, text: str, why: str) -> None: ...
        def section_for_items(self) -> Any: ...
        def new_item(self, ctx: Any, parent: Item | None, text: str, status: Status, mark: str,
                     phase: str | None = None) -> Item: ...

    def init_parts(self) -> None:
        self.phase_names: dict[timedelta, tuple[str, int]] = {}  # mark -> (name, priority)
        self.role_names: dict[str, Role] = {}
        self.team_only: set[str] = set()  # roles named only by team tables (optional when someone signs)
        self.signoff_seen = False
        self.criterion_ids: set[str] = set()
        self.box_contexts: dict[tuple[str, str], BoxContext] = {}
        self.launch_date: tuple[date, time | None, str] | None = None
        self.launch_clock: tuple[time, str] | None = None
        self.t0_clock: tuple[time, str] | None = None

    def explain(self, line: int, text: str) -> None:
        self.result.explain(line, text)

    # -- phases ------------------------------------------------------------------------------------
    def add_phase(self, mark: timedelta, name: str, line: int, how: str, explicit: bool, priority: int | None = None) -> str:
        """Record a phase (a heading with a T-mark names it before a vaguer heading, and a
        heading before a schedule table's cell); its label."""
        label = format_tmark(mark)
        priority = priority if priority is not None else (0 if explicit else 1)
        old = self.phase_names.get(mark)
        if old is None or priority < old[1]:
            self.phase_names[mark] = (name, priority)
        self.explain(line, f"phase {label} from {how} in '{name}'")
        return label

    # -- T-0 ---------------------------------------------------------------------------------------
    def launch_field(self, line: str, lineno: int = 0) -> None:
        m = phases.LAUNCH_FIELD.match(line)
        if m:
            value = m[2].replace("*", " ")
            d, t, zone = phases.parse_date(value)
            if d and self.launch_date is None:
                self.launch_date = (d, t, zone)
                self.explain(lineno, f"T-0 date from '{one_line(line)[:60]}'")
            elif not d and "time" in m[1].lower():
                t, _, zone = phases.parse_clock(value)
                if t and self.launch_clock is None:
                    self.launch_clock = (t, zone)
                    self.explain(lineno, f"T-0 time from '{one_line(line)[:60]}'")
            return
        ctx = self.ctx
        if ctx and ctx.phase == "T-0":
            m = phases.TIME_FIELD.match(line)
            if m:
                t, _, zone = phases.parse_clock(m[1])
                if t and self.t0_clock is None:
                    self.t0_clock = (t, zone)
                    self.explain(lineno, f"T-0 time from '{one_line(line)[:60]}' under the T-0 heading")

    # -- roles -------------------------------------------------------------------------------------
    def add_role(self, name: str, person: str = "", contact: str = "", line: int = 0, how: str = "",
                 team: bool = False) -> None:
        name = one_line(name).strip("*_ :")
        if not name:
            return
        if not team:
            self.signoff_seen = True
            self.team_only.discard(name.lower())
        role = self.role_names.get(name.lower())
        if role is not None:
            role.person = role.person or person
            role.contact = role.contact or contact
        else:
            role = Role(name=name, person=person, contact=contact, required=True, poll_order=len(self.role_names) + 1)
            self.role_names[name.lower()] = role
            self.result.roles.append(role)
            if team:
                self.team_only.add(name.lower())
        if how:
            who = f" ({', '.join(x for x in (person, contact) if x)})" if person or contact else ""
            self.explain(line, f"role '{name}'{who} {how}")

    # -- criteria and rollback triggers ---------------------------------------------------------
    def add_criterion(self, name: str, threshold: Threshold, kind: str, required: bool = True, description: str = "",
                      line: int = 0, how: str = "") -> Criterion:
        name = one_line(name)
        base = slugify(name, "criterion")
        if kind == "rollback":
            base = f"rollback-{base}"
        cid = unique(base, self.criterion_ids)
        if threshold.parsed:
            text = threshold.text()
        else:
            text = threshold.source if threshold.source and threshold.source.lower() != name.lower() else ""
        crit = Criterion(id=cid, name=name, threshold=text,
                         required=required, kind=kind, description=description, for_=threshold.for_)
        (self.result.rollback if kind == "rollback" else self.result.criteria).append(crit)
        if how:
            what = "rollback trigger" if kind == "rollback" else ("criterion" if required else "criterion (does not block GO)")
            cond = f" {crit.threshold}" if crit.threshold else ""
            dur = f" for {format_tmark(crit.for_)[2:]}" if crit.for_ else ""
            self.explain(line, f"{what} '{name}'{cond}{dur} {how}")
        return crit

    def rollback_line(self, text: str, block: Block | int, explicit: bool) -> bool:
        flat = one_line(text)
        line = block if isinstance(block, int) else block.line
        for rx, how in ((IF_ROLLBACK, "from an 'if ...: roll back' sentence"), (ROLLBACK_IF, "from a 'roll back if ...' sentence"),
                        (TRIGGER_LINE, "from a 'Trigger: ...' line"), (ARROW_ROLLBACK, "from a 'condition → rollback' line")):
            m = rx.search(flat) if rx is ROLLBACK_IF else rx.match(flat)
            if m:
                # "errors > 5% for 10 minutes or p95 > 2s": one trigger per condition that has a threshold
                read = [split_condition(part) for part in re.split(r",?\s+or\s+", m[1], flags=re.I)]
                read = [(name, th) for name, th in read if th.value is not None]
                if not read:
                    continue
                for name, th in read:
                    self.add_criterion(name, th, "rollback", description=flat, line=line, how=how)
                return True
        if not explicit:
            return False
        label = re.match(r"^\s*\*\*(.+?):?\*\*\s*:?\s*(.*)$", flat)
        if label:
            name, rest = label[1].strip(": "), label[2]
            _, th = split_condition(rest)
        else:
            name, th = split_condition(flat)
        self.add_criterion(name, th, "rollback", description=flat, line=line, how="from a list under a rollback-trigger heading")
        return True

    def box_context(self, context: str, inner: str) -> BoxContext:
        """What the headings above a box say about it (read once per heading pair, not per box)."""
        key = (context, inner)
        found = self.box_contexts.get(key)
        if found is None:
            found = self.box_contexts[key] = BoxContext(
                sign=bool(tables.SIGN_CONTEXT.search(context)), sign_inner=bool(tables.SIGN_CONTEXT.search(inner)),
                rollback=bool(ROLLBACK_CTX.search(context)), nogo=bool(NOGO_CTX.search(_GO_NOGO.sub(" ", inner))),
                go=bool(GO_BOX_CTX.search(context)), optional=bool(OPTIONAL_CTX.search(inner)))
        return found

    def box_as_launch_part(self, text: str, li: Block, sub_texts: list[str], context: str, inner: str) -> str:
        """What a check box under a sign-off, go/no-go or rollback-trigger heading is instead of an
        item: "role", "criterion", "rollback", or "" (an item after all)."""
        ctx = self.box_context(context, inner)
        line_role = tables.signoff_line(text, context)  # "- [ ] Chef de projet : ____ Date : ____"
        if line_role:
            line_role = re.sub(r"\s+(?:approval|sign[\s-]?off|signature|approver)$", "", line_role, flags=re.I) or line_role
        role = approval_role(text, sub_texts, ctx.sign)
        if role or line_role:
            how = "an approval box" if role else "a box shaped as a sign-off line ('Role: ____ Date: ____')"
            self.add_role(role or line_role, line=li.line, how=f"from {how} (read as a role, not an item)")  # type: ignore[arg-type]
            return "role"
        only_signing = all(_SIGN_NOTE.match(t) or re.match(r"^\W*(?:date|name)\b", t, re.I) for t in sub_texts)
        role = signer_box(text) if ctx.sign_inner and only_signing else None  # a task has details below it
        if role:
            self.add_role(role, signer_person(text), line=li.line,
                          how="from a box naming a signer under a sign-off heading (read as a role, not an item)")
            return "role"
        flat = one_line(text.replace("**", ""))
        if ctx.rollback:
            name, th = split_condition(flat)
            self.add_criterion(name, th, "rollback", description=flat, line=li.line,
                               how="from a box under a rollback-trigger heading (read as a trigger, not an item)")
            return "rollback"
        if ctx.nogo:
            self.add_criterion(f"NO-GO if: {flat}", parse_threshold(""), "go",
                               description="a NO-GO condition: it must stay false; assess it 'pass' while it does not hold",
                               line=li.line, how="from a NO-GO condition box (must stay false; read as a criterion, not an item)")
            return "criterion"
        if ctx.go:
            name, th = split_condition(flat)
            required = not ctx.optional
            self.add_criterion(name if th.value is not None else flat, th, "go", required=required, description=flat,
                               line=li.line, how="from a box under a go/no-go heading (read as a criterion, not an item)")
            return "criterion"
        return ""

    def go_list(self, entries: list[tuple[Block, str]], context: str, inner: str) -> bool:
        """A plain list under a heading that names go/no-go criteria or NO-GO conditions
        (``## NO-GO Conditions`` / ``- Sev1 incident open``): criteria, as boxes there would be."""
        ctx = self.box_context(context, inner)
        if not (ctx.nogo or ctx.go) or not _NAMES_CRITERIA.search(inner) or not entries:
            return False
        if any(len(li.children) != 1 or not text.strip() for li, text in entries):
            return False  # entries with sub-lists or code are steps, not criteria
        for li, text in entries:
            flat = one_line(text.replace("**", ""))
            if ctx.nogo:
                self.add_criterion(f"NO-GO if: {flat}", parse_threshold(""), "go",
                                   description="a NO-GO condition: it must stay false; assess it 'pass' while it does not hold",
                                   line=li.line, how="from a NO-GO condition list (must stay false)")
            else:
                name, th = split_condition(flat)
                self.add_criterion(name if th.value is not None else flat, th, "go", required=not ctx.optional,
                                   description=flat, line=li.line, how="from a list under a go/no-go criteria heading or label")
        return True

    def criteria_list(self, entries: list[tuple[Block, str]], context: str, line: int) -> bool:
        """``- **Total Users:** 75+`` / ``- `stripe_upsert`: P95 ≤ 20ms`` entries under a success
        criteria or thresholds heading -> criteria; True when the whole list was read so."""
        if not SUCCESS_LIST_CTX.search(context) or not entries:
            return False
        read = []
        for li, text in entries:
            flat = one_line(text)
            m = re.match(r"^\s*(?:\*\*|__)?(.+?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.+)$", flat)
            if not m:
                return False
            th = parse_threshold(m[2])
            if th.value is None:
                return False
            read.append((li, m[1].strip("`*_ "), th, flat))
        required = bool(tables.GO_CONTEXT.search(context)) or not re.search(
            r"success|metrics?\b|kpis?\b|week|month|post[- ]?(?:launch|release|go[- ]?live)", context, re.I)
        for li, name, th, flat in read:
            self.add_criterion(name, th, "go", required=required, description=flat, line=li.line,
                               how="from a 'name: threshold' list under a criteria heading")
        return True

    # -- tables ------------------------------------------------------------------------------------
    def table(self, block: Block) -> None:
        context = self.context_words()
        inner = self.inner_words()
        roles = tables.signoff_roles(block.rows, context)
        if roles:
            for r in roles:
                self.add_role(r.name, r.person, line=block.line, how=f"from the sign-off table at line {block.line}"
                              + ("" if r.required else " (optional: its sign-off column does not say required)"))
                role = self.role_names.get(one_line(r.name).strip("*_ :").lower())
                if role is not None and not r.required:
                    role.required = False
            self.describe("Sign-off roles: " + ", ".join(r.name for r in roles) + ".")
            self.describe(self.source_of(block))
            return
        team = tables.team_roles(block.rows, inner)
        if team:
            for t in team:
                self.add_role(t.name, t.person, t.contact, line=block.line, team=True,
                              how=f"from the team table at line {block.line}")
            self.describe(self.source_of(block))
            return
        if ROLLBACK_CTX.search(context):
            conds = tables.condition_rows(block.rows)
            if conds:
                for cond, rest in conds:
                    name, th = split_condition(cond)
                    self.add_criterion(name, th, "rollback", description="; ".join(x for x in (cond, rest) if x),
                                       line=block.line, how=f"from the rollback-trigger table at line {block.line}")
                self.describe(self.source_of(block))
                return
        box_rows = tables.box_rows(block.rows)
        if box_rows and GO_BOX_CTX.search(context) and not tables.threshold_column(block.rows):
            for row in box_rows:
                self.add_criterion(row.text, parse_threshold(""), "go", required=not OPTIONAL_CTX.search(inner),
                                   description="; ".join(row.details), line=block.line,
                                   how=f"from a box row of the go/no-go table at line {block.line} (read as a criterion)")
            self.describe(self.source_of(block))
            return
        crits = tables.criteria_rows(block.rows, context)
        if crits and self.nogo_table(block, crits, inner):
            return
        if crits:
            made = []
            for row in crits:
                c = self.add_criterion(row.name, row.threshold, "go", required=row.required,
                                       description="; ".join([f"from '{self.context_label()}'"] + row.details),
                                       line=block.line, how=f"from the criteria table at line {block.line}")
                if not row.threshold.parsed and row.threshold.source:
                    self.unplaced(block, f"{row.name}: {row.threshold.source}", "threshold not understood, kept as text")
                made.append(f"{c.name} {c.threshold}".strip())
            kind = "Go/no-go criteria" if crits[0].required else "Success criteria (do not block GO)"
            self.describe(f"{kind}: " + "; ".join(made) + ".")
            return
        tasks = tables.task_rows(block.rows)
        if tasks:
            self.task_table(block, tasks)
            return
        if box_rows:
            self.box_table(block, box_rows)
            return
        schedule = tables.schedule_rows(block.rows, lambda cell: phases.phase_and_form(cell, strict=True)[0])
        if schedule:
            for cell, mark in schedule:
                _, how = phases.phase_and_form(cell, strict=True)
                self.add_phase(mark, cell, block.line, f"{how} in the schedule table at line {block.line}",  # type: ignore[arg-type]
                               explicit=True, priority=2)
        self.describe(self.source_of(block))

    def nogo_table(self, block: Block, crits: list[tables.CriterionRow], inner: str) -> bool:
        """A NO-GO matrix (``| Condition | Threshold | If breached |`` with ``NO-GO`` / ``proceed``
        cells, or under a NO-GO heading): its rows are conditions that must stay false, not targets
        to reach. A row whose decision is to go on (``proceed``, ``monitor``) does not block GO."""
        decisions = [next((d.split(":", 1)[1].strip() for d in row.details if _ROW_NOGO.search(d.split(":", 1)[-1])
                           or _ROW_GO_ON.match(d.split(":", 1)[-1].strip())), "") for row in crits]
        if not (NOGO_CTX.search(_GO_NOGO.sub(" ", inner)) or any(_ROW_NOGO.search(d) for d in decisions)):
            return False
        for row, decision in zip(crits, decisions):
            cond = one_line(f"{row.name} {row.threshold.source}") if row.threshold.source else row.name
            goes_on = bool(decision) and not _ROW_NOGO.search(decision)
            name = f"If {cond}: {decision}" if goes_on else f"NO-GO if: {cond}"
            note = ("a condition to watch: the file says to go on when it holds" if goes_on else
                    "a NO-GO condition: it must stay false; assess it 'pass' while it does not hold")
            self.add_criterion(name, tables.parse_threshold(""), "go", required=not goes_on,
                               description="; ".join([note] + row.details), line=block.line,
                               how=f"from the NO-GO table at line {block.line}" + (" (does not block: the file says go on)" if goes_on
                                                                                  else " (must stay false)"))
        self.describe(self.source_of(block))
        return True

    def lead_phase(self, text: str, line: int) -> str | None:
        """``**T-2h** Notify customers``, ``(T-1h) Scale up``, ``T+30m: verify``: an item that opens
        with a T-mark is due there (a phase of its own when no heading names that mark)."""
        m = _LEAD_TMARK.match(text)
        if not m:
            return None
        mark, how = phases.phase_and_form(m[1], strict=True)
        if mark is None:
            return None
        return self.add_phase(mark, m[1], line, f"{how} opening an item", explicit=True, priority=3)

    def row_phase(self, when: str, line: int) -> str | None:
        mark, how = phases.phase_and_form(when, strict=True)
        if mark is None:
            return None
        return self.add_phase(mark, when, line, f"{how} in a table row", explicit=True, priority=2)

    def task_table(self, block: Block, tasks: list[tables.TaskRow]) -> None:
        self.item_line = block.line
        ctx = self.section_for_items()
        for row in tasks:
            text, status_cell = row.text, row.status
            lead = boxes.lead_box(text)
            if lead and lead.rest.strip():  # "| [ ] Logging in place | ..." — the box is in the task cell
                text, status_cell = lead.rest.strip(), status_cell or f"[{lead.mark}]"
            box = boxes.lead_box(status_cell + " x") if status_cell else None
            if box:
                status, note = self.legend.read(box.mark)
            else:
                status, note = (boxes.meaning_status(status_cell) if status_cell else None), ""
            read, status = status, _cell_status(status_cell, status, row.yes_no)
            if read is Status.BLOCKED and status is Status.TODO:
                self.explain(block.line, f"'{status_cell}' in a yes/no column read as not done, not blocked: {text}")
            phase = self.row_phase(row.when, block.line) if row.when else None
            item = self.new_item(ctx, None, text, status or Status.TODO, status_cell, phase)
            if row.priority and not item.critical:
                item.critical = True
                self.explain(block.line, f"'{row.priority}' in the row: critical (blocks GO): {text[:60]}")
            if row.owner:
                item.owner = row.owner
            item.notes += row.details + ([note] if note else [])
        self.explain(block.line, f"{len(tasks)} items from the task table at line {block.line} (a task and a status column)")
        self.describe("Task table: " + str(len(tasks)) + " items (listed below).")

    def box_table(self, block: Block, rows: list[tables.BoxRow]) -> None:
        self.item_line = block.line
        ctx = self.section_for_items()
        for row in rows:
            if len(row.marks) == 1:
                status, note = self.legend.read(row.marks[0][1])
                item = self.new_item(ctx, None, row.text, status or Status.TODO, row.marks[0][1])
            else:
                item = self.new_item(ctx, None, row.text, Status.TODO, "")
                for header, mark in row.marks:
                    status, _ = self.legend.read(mark)
                    self.new_item(ctx, item, header, status or Status.TODO, mark)
            item.notes += row.details
        self.explain(block.line, f"{len(rows)} items from the table at line {block.line} whose cells hold check boxes"
                                 + (" (one sub-item per box column)" if len(rows[0].marks) > 1 else ""))
        self.describe(self.source_of(block))

    def context_label(self) -> str:
        return self.last_label or (self.ctx.section.title if self.ctx else self.checklist.title)

    # -- the end -----------------------------------------------------------------------------------
    def finish(self) -> ImportResult:
        r = self.result
        r.launch = self.checklist.title
        for mark in sorted(self.phase_names):
            r.phases.append(Phase(mark=mark, name=self.phase_names[mark][0], label=format_tmark(mark)))
        if self.launch_date:
            d, t, zone = self.launch_date
            if t is None:
                clock = self.launch_clock or self.t0_clock
                if clock:
                    t, zone = clock[0], zone or clock[1]
            lt = phases.launch_time(d, t, zone)
            r.t0, r.timezone = lt.t0, lt.timezone
            r.notes.append(f"T-0 from the launch date: {lt.t0.isoformat()}" + (f" ({lt.assumed})" if lt.assumed else ""))
            if t is not None:
                timed = sum(_due_from_clock(item, lt.t0) for item in self.checklist.walk_items())
                if timed:
                    r.notes.append(f"{timed} items due at the clock time in their text (e.g. '10:00-10:15 AM')")
        if self.signoff_seen and self.team_only:
            for role in r.roles:
                if role.name.lower() in self.team_only:
                    role.required = False
            r.notes.append(f"{len(self.team_only)} roles from team tables are optional: the file names who signs elsewhere")
            self.explain(0, "roles named only by team tables are optional (" + ", ".join(
                r.name for r in r.roles if not r.required)
                         + "): the file has a sign-off section")
        if not any(role.required for role in r.roles):
            r.roles.append(Role(name=LAUNCH_DIRECTOR, required=True, poll_order=len(r.roles) + 1))
            r.added_director = True
            r.notes.append(f"no signer named in the file: added the required role '{LAUNCH_DIRECTOR}' so the war room can reach GO")
            self.explain(0, f"no signer found: added {LAUNCH_DIRECTOR}")
        roles = {role.name.lower(): role.name for role in r.roles}
        for item in self.checklist.walk_items():
            if item.owner and item.owner.lower() in roles:
                item.role = roles[item.owner.lower()]
        if self.legend.meanings:
            legend = self.legend
            r.notes.append(f"status legend (line {legend.line}): " + ", ".join(
                f"{m} = {s.value}" for m, (s, _) in legend.meanings.items()))
            self.explain(legend.line, "the document's status legend, read as meanings of its marks (not items)")
        r.explained.sort(key=lambda e: e[0])
        return r


def _cell_status(cell: str, status: Status | None, yes_no: bool) -> Status | None:
    """What a task table's status cell says beyond a box or a status word: "Yes" / "No" in a
    yes/no column (Done?, Complete), ❌ there is "not done" (not blocked), "N/A" does not apply,
    "WIP" and "40%" are in progress, "100%" done."""
    flat = cell.strip().lower()
    if yes_no and re.fullmatch(r"yes|y|true", flat):
        return Status.DONE
    if yes_no and _NO_MARK.match(cell):
        return Status.TODO
    if re.fullmatch(r"n/?a", flat):
        return Status.SKIPPED
    if status is None and re.fullmatch(r"wip|in[\s-]?flight|doing", flat):
        return Status.IN_PROGRESS
    m = re.fullmatch(r"(\d{1,3})\s*%", flat)
    if status is None and m:
        return Status.DONE if int(m[1]) >= 100 else (Status.TODO if int(m[1]) == 0 else Status.IN_PROGRESS)
    return status


_WINDOW = re.compile(r"\(\s*(?:at\s+|until\s+|by\s+)?(\d{1,2}:\d{2})\s*(am|pm)?\s*(?:(?:-|–|to)\s*(\d{1,2}:\d{2})\s*(am|pm)?)?\s*\)", re.I)


def _due_from_clock(item: Item, t0: datetime) -> bool:
    """``**Database Migration** (10:00-10:15 AM)`` on a launch day whose T-0 is 10:00 -> due T+15m
    (the end of the window, on the launch date, in T-0's zone). Only within 24 hours of T-0."""
    m = _WINDOW.search(item.text)
    if not m or item.due is not None:
        return False
    end, ampm = (m[3], m[4] or m[2]) if m[3] else (m[1], m[2])
    hour, minute = (int(x) for x in end.split(":"))
    if ampm and ampm.lower() == "pm" and hour < 12:
        hour += 12
    if ampm and ampm.lower() == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return False
    due = datetime.combine(t0.date(), time(hour, minute), tzinfo=t0.tzinfo) - t0
    if abs(due) > timedelta(hours=24):
        return False
    item.due = due
    return True
