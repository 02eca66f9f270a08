"""Export a war room's current state as Markdown: a GitHub task list the team can commit next to
the original checklist.

Done items are ``[x]``, the rest ``[ ]``; any other status (in progress, blocked, skipped) and
every note (from the checklist and from the journal, with who and when) is a sub-entry under the
item, so the item's own text — and therefore its id when the file is imported again — does not
change. Sections become headings; a section whose items are all done gets a ✅. The export
ends with the criteria (with their assessments), the sign-offs and the decision.
"""

from __future__ import annotations

from datetime import datetime, timezone

from warroom.decision import decide
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


def _item_lines(item: Item, state: LaunchState, depth: int) -> list[str]:
    pad = "  " * depth
    st = state.items.get(item.id)
    status = st.status if st else item.status
    box = "x" if status is Status.DONE else " "
    out = [f"{pad}- [{box}] {item.text}"]
    sub = pad + "  "
    if status not in (Status.TODO, Status.DONE):
        line = f"status: {status.value}"
        reason = st.reason if st else item.reason
        if reason:
            line += f" — {reason}"
        if st and st.by:
            line += f" ({st.by}, {st.at})"
        out.append(f"{sub}- {line}")
    elif status is Status.DONE and st and st.by:
        out.append(f"{sub}- done by {st.by} at {st.at}")
    for note in item.notes:
        if lead_box(note):  # would read back as a check box
            note = f"note: {note}"
        out += _indent(note, f"{sub}- ")
    if st:
        for entry in st.notes:
            out += _indent(f"note ({entry.by}, {entry.at}): {entry.text}", f"{sub}- ")
    for cmd in item.commands:
        fence = "````" if "```" in cmd.code else "```"
        out.append(f"{sub}{fence}{cmd.language}")
        out += [(sub + l) if l else "" for l in cmd.code.split("\n")]
        out.append(f"{sub}{fence}")
    for child in item.children:
        out += _item_lines(child, state, depth + 1)
    return out


def _all_done(section: Section, state: LaunchState) -> bool:
    items = list(section.walk_items())
    return bool(items) and all(state.items[i.id].status is Status.DONE for i in items if i.id in state.items)


def _section_lines(section: Section, state: LaunchState, level: int) -> list[str]:
    mark = " ✅" if _all_done(section, state) else ""
    out = [f"{'#' * min(level, 6)} {section.title}{mark}", ""]
    if section.description:
        out += [section.description, ""]
    if section.items:
        for item in section.items:
            out += _item_lines(item, state, 0)
        out.append("")
    for sub in section.sections:
        out += _section_lines(sub, state, level + 1)
    return out


def _checklist_lines(checklist: Checklist, state: LaunchState, level: int) -> list[str]:
    out = [f"{'#' * level} {checklist.title}", ""]
    if checklist.description:
        out += [checklist.description, ""]
    for section in checklist.sections:
        out += _section_lines(section, state, level + 1)
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
    for i, checklist in enumerate(ws.checklists):
        part = _checklist_lines(checklist, state, 1 if single else 2)
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

    decision = decide(state)
    if layout.roles:
        lines += ["## Sign-Off (state at export)", "", "| Role | Name | Decision | Signed by | At | Comment |", "|---|---|---|---|---|---|"]
        for role in layout.roles_in_poll_order():
            s = state.signoffs.get(role.name)
            lines.append("| " + " | ".join(_cell(x) for x in (
                role.name, role.person, s.decision if s else "", (s.by + (f" [{s.account}]" if s.account else "")) if s else "", s.at if s else "", s.comment if s else "")) + " |")
        lines.append("")
    lines += [f"**Decision:** {decision.verdict}", ""]
    for reason in decision.reasons:
        lines.append(f"- {reason.text}")
    if decision.reasons:
        lines.append("")
    if state.launch_notes:
        lines += ["## Launch Notes", ""]
        for entry in state.launch_notes:
            lines += _indent(f"{entry.text} ({entry.by}, {entry.at})", "- ")
        lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
