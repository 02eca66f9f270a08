"""Export a war room's current state as Markdown: a GitHub task list the team can commit next to
the original checklist.

Done items are ``[x]``, the rest ``[ ]``; any other status (in progress, blocked, skipped) and
every note (from the checklist and from the journal, with who and when) is a sub-entry under the
item, so the item's own text — and therefore its id when the file is imported again — does not
change. Sections become headings; a section whose items are all done gets a ✅. Items from a
numbered list stay numbered, and prose that came after a section's items stays after them. The
export ends with the criteria (with their assessments), the sign-offs and the decision.

The source's own placeholders are replaced by the recorded state, not repeated beside it: its
decision line (``**Decision:** ⏳ PENDING``, ``**Final Decision:** □ GO □ NO-GO``) becomes the
recorded decision with its reasons (written there, once, instead of at the end), a status line
still waiting (``**Ready for Production:** ⏳ PENDING``) says the recorded decision, a date still
to be decided (``**Launch Date:** TBD``) the recorded T-0, and ``**Last Updated:**`` the export.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from warroom.decision import Decision, decide
from warroom.importer.boxes import lead_box
from warroom.model import Checklist, Item, Section, Status
from warroom.state import LaunchState
from warroom.tmarks import format_clock, utc_iso
from warroom.workspace import Workspace


def _cell(text: str) -> str:
    return " ".join(str(text).replace("|", "\\|").split())


def _indent(text: str, pad: str) -> list[str]:
    lines = text.split("\n")
    cont = " " * len(pad)
    return [pad + lines[0]] + [(cont + l) if l.strip() else "" for l in lines[1:]]


_NUMBER_START = re.compile(r"^(\s*)(\d{1,9})([.)])")
_BLOCK_START = re.compile(r"^(\s*)([-*+>#|=`~<])")


def _journal_text(text: str) -> str:
    """Text from the journal (a note, a reason) written inside a list entry: its lines stay, but
    none can start a block of its own (``- [x] Fake item`` would read back as a ticked item on
    the next import, ``## x`` as a section): a leading list, heading, quote, fence, table or HTML
    marker is escaped with a backslash. A first line that would read as a check box is labelled."""
    lines = str(text).split("\n")
    out = [f"note: {lines[0]}" if lead_box(lines[0]) else lines[0]]
    for line in lines[1:]:
        escaped = _NUMBER_START.sub(r"\1\2\\\3", line, count=1)
        if escaped == line:
            escaped = _BLOCK_START.sub(r"\1\\\2", line, count=1)
        out.append(escaped)
    return "\n".join(out)


_DECISION = re.compile(r"^\s*(?:[-*]\s+)?\*\*\s*(?:final\s+|go\s*/\s*no[- ]?go\s+)?decision\s*:?\s*\*\*", re.I)
_BOXES = re.compile(r"^\W*(?:□|☐|\[ \])\s*GO\b.*NO[- ]?GO", re.I)
_LABEL = re.compile(r"^(\s*(?:[-*]\s+)?\*\*\s*([^*]{1,40}?)\s*:?\s*\*\*\s*:?\s*)(.*?)(\s*)$")
_WAITING = re.compile(r"⏳|\bpending\b|\btbd\b|\bawaiting\b|□|☐|_{3,}|\bto be (?:confirmed|decided|determined)\b", re.I)
_DATE_LABEL = re.compile(r"^(?:target |planned )?(?:launch|go[- ]live|release)(?: date| time| date/time)?$|^t-?0$", re.I)
_STATUS_LABEL = re.compile(r"status|ready|readiness|go[- ]?live|approved", re.I)


class _Recorded:
    """Replaces the source's placeholders with the recorded state (the decision once)."""

    def __init__(self, state: LaunchState, decision: Decision, now: datetime) -> None:
        self.state, self.decision, self.now = state, decision, now
        self.placed = False

    def decision_lines(self) -> list[str]:
        d = self.decision
        out = [f"**Decision:** {d.verdict} (recorded by the war room; exported {utc_iso(self.now)})"]
        if d.reasons:
            out += [""] + [line for r in d.reasons for line in _indent(_journal_text(r.text), "- ")] + [""]
        return out

    def text(self, text: str) -> str:
        if not text:
            return text
        out: list[str] = []
        for line in text.split("\n"):
            if _DECISION.match(line) or _BOXES.match(line):
                if not self.placed:
                    self.placed = True
                    out += self.decision_lines()
                continue  # a second placeholder of the decision: said once already
            m = _LABEL.match(line)
            if m:
                lead, label, value, _ = m.groups()
                clean = label.strip().rstrip(":")
                if clean.lower() == "last updated":
                    line = f"{lead}{utc_iso(self.now)} (exported by warroom)"
                elif _WAITING.search(value) and _DATE_LABEL.match(clean):
                    t0 = self.state.countdown.effective_t0(self.now)
                    if t0 is not None:
                        line = f"{lead}{utc_iso(t0)} (T-0 as recorded)"
                elif _WAITING.search(value) and _STATUS_LABEL.search(clean):
                    line = f"{lead}{self.decision.verdict} (the recorded decision)"
            out.append(line)
        while out and not out[-1]:
            out.pop()
        return "\n".join(out)


def _item_lines(item: Item, state: LaunchState, pad: str, number: int = 0) -> list[str]:
    st = state.items.get(item.id)
    status = st.status if st else item.status
    box = "x" if status is Status.DONE else " "
    marker = f"{number}." if item.numbered and number else "-"
    out = [f"{pad}{marker} [{box}] {item.text}"]
    sub = pad + " " * (len(marker) + 1)
    if status not in (Status.TODO, Status.DONE):
        line = f"status: {status.value}"
        reason = st.reason if st else item.reason
        if reason:
            line += f" — {reason}"
        if st and st.by:
            line += f" ({st.by}, {st.at})"
        out += _indent(_journal_text(line), f"{sub}- ")
    elif status is Status.DONE and st and st.by:
        out.append(f"{sub}- done by {st.by} at {st.at}")
    for note in item.notes:
        if lead_box(note):  # would read back as a check box
            note = f"note: {note}"
        out += _indent(note, f"{sub}- ")
    if st:
        for entry in st.notes:
            out += _indent(_journal_text(f"note ({entry.by}, {entry.at}): {entry.text}"), f"{sub}- ")
    for cmd in item.commands:
        fence = "````" if "```" in cmd.code else "```"
        out.append(f"{sub}{fence}{cmd.language}")
        out += [(sub + l) if l else "" for l in cmd.code.split("\n")]
        out.append(f"{sub}{fence}")
    out += _list_lines(item.children, state, sub)
    return out


def _list_lines(items: list[Item], state: LaunchState, pad: str) -> list[str]:
    """Sibling items; a numbered run counts from 1."""
    out: list[str] = []
    n = 0
    for item in items:
        n = n + 1 if item.numbered else 0
        out += _item_lines(item, state, pad, n)
    return out


def _all_done(section: Section, state: LaunchState) -> bool:
    items = list(section.walk_items())
    return bool(items) and all(state.items[i.id].status is Status.DONE for i in items if i.id in state.items)


def _section_lines(section: Section, state: LaunchState, level: int, rec: _Recorded) -> list[str]:
    mark = " ✅" if _all_done(section, state) else ""
    out = [f"{'#' * min(level, 6)} {section.title}{mark}", ""]
    description = rec.text(section.description)
    if description:
        out += [description, ""]
    if section.items:
        out += _list_lines(section.items, state, "")
        out.append("")
    after = rec.text(section.after)
    if after:
        out += [after, ""]
    for sub in section.sections:
        out += _section_lines(sub, state, level + 1, rec)
    return out


def _checklist_lines(checklist: Checklist, state: LaunchState, level: int, rec: _Recorded) -> list[str]:
    out = [f"{'#' * level} {checklist.title}", ""]
    description = rec.text(checklist.description)
    if description:
        out += [description, ""]
    for section in checklist.sections:
        out += _section_lines(section, state, level + 1, rec)
    return out


def export_markdown(ws: Workspace, state: LaunchState, now: datetime | None = None) -> str:
    """The workspace's checklists with the replayed state, as Markdown."""
    now = now or datetime.now(timezone.utc)
    layout = ws.layout
    closed, total = state.progress(list(ws.items.values()))
    lines: list[str] = []
    single = len(ws.checklists) == 1
    if not single:
        lines += [f"# {layout.launch}", ""]
    clock = state.countdown
    t = clock.t(now)
    info = [f"exported by warroom at {utc_iso(now)}", f"{closed}/{total} items closed"]
    if t is not None:
        info.append(f"clock {format_clock(t)} ({clock.state})")
    elif layout.t0 is None:
        info.append("no T-0 set")
    decision = decide(state)
    rec = _Recorded(state, decision, now)
    for i, checklist in enumerate(ws.checklists):
        part = _checklist_lines(checklist, state, 1 if single else 2, rec)
        if i == 0 and single:
            part = part[:2] + [f"> {'; '.join(info)}", ""] + part[2:]
        lines += part
    if not single:
        lines[2:2] = [f"> {'; '.join(info)}", ""]

    criteria = [c for c in layout.criteria if c.kind == "go"]
    if criteria:
        lines += ["## Go/No-Go Criteria (state at export)", "", "| Criterion | Threshold | Required | Assessment |", "|---|---|---|---|"]
        for c in criteria:
            a = state.assessments.get(c.id)
            assessed = f"{a.result}" + (f" ({a.value})" if a.value else "") + f" — {a.by}, {a.at}" if a else ""
            lines.append(f"| {_cell(c.name)} | {_cell(c.threshold)} | {'yes' if c.required else 'no'} | {_cell(assessed)} |")
        lines.append("")

    if layout.roles:
        lines += ["## Sign-Off (state at export)", "", "| Role | Name | Decision | Signed by | At | Comment |", "|---|---|---|---|---|---|"]
        for role in layout.roles_in_poll_order():
            s = state.signoffs.get(role.name)
            lines.append("| " + " | ".join(_cell(x) for x in (
                role.name, role.person, s.decision if s else "", (s.by + (f" [{s.account}]" if s.account else "")) if s else "", s.at if s else "", s.comment if s else "")) + " |")
        lines.append("")
    if not rec.placed:  # the source had no decision line of its own to hold it
        lines += rec.decision_lines() + [""]
    if state.launch_notes:
        lines += ["## Launch Notes", ""]
        for entry in state.launch_notes:
            lines += _indent(_journal_text(f"{entry.text} ({entry.by}, {entry.at})"), "- ")
        lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
