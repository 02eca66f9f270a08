"""An item in full (text, status history, notes, commands, links), and a section in full (its
description: the prose, code blocks and tables of the source that are not items)."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from warroom.importer.parse import code_blocks
from warroom.model import Command, Section
from warroom.tui.screens.base import DialogScreen, ScrollingBox
from warroom.tui.widgets.text import STATUS_STYLE, inline_markdown, local_time, zone_of


class DetailsScreen(ScrollingBox, DialogScreen[None]):
    SCROLL_BOX = "#details-box"

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="details.close"),
        Binding("c", "copy", "Copy command", id="details.copy"),
        Binding("j,down", "scroll_down", "Down", id="details.down", show=False),
        Binding("k,up", "scroll_up", "Up", id="details.up", show=False),
        Binding("g,home", "scroll_home", "Top", id="details.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="details.bottom", show=False),
    ]

    def __init__(self, room, item_id: str) -> None:  # noqa: ANN001 - Room
        super().__init__()
        self.room = room
        self.item_id = item_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="details-box"):
            yield Label("Item details", classes="dialog-title")
            yield Static(self.render_item(), id="details-body")
            commands = self.room.ws.items[self.item_id].commands
            keys = ("c copy the command · " if len(commands) == 1 else "c copy a command · " if commands else "") + "j/k scroll · escape closes"
            yield Label(keys, classes="dialog-keys")

    def render_item(self) -> Group:
        room, item = self.room, self.room.ws.items[self.item_id]
        st = room.state.items[item.id]
        zone = zone_of(room.ws.layout.timezone)
        head = Text()
        head.append(f"{st.status.glyph} {st.status.value}", style=STATUS_STYLE[st.status] or "bold")
        if item.critical:
            head.append("  ★ critical", style="bold magenta")
        if room.overdue(item.id, room.t()):
            head.append("  ⚠ overdue", style="bold red")
        head.append("\n\n")
        text = inline_markdown(item.text).copy()
        text.stylize_before("bold")
        head.append_text(text)
        head.append("\n")
        head.append(f"\nid       {item.id}\n", style="dim")
        if item.owner:
            head.append(f"owner    {item.owner}\n")
        if item.role:
            head.append(f"role     {item.role}\n")
        due = room.due_of(item.id)
        if due is not None:
            phase = next((p.name for p in room.ws.layout.phases if p.mark == due), "")
            head.append(f"due      {room.mark_label(due)}" + (f" ({phase})" if phase else "") + "\n")
        if st.by:
            head.append(f"set by   {st.by} at {local_time(st.at, zone, seconds=True)}\n")
        if st.reason:
            head.append(f"reason   {st.reason}\n")
        parts: list = [head]
        notes = Text()
        if item.notes or st.notes:
            notes.append("Notes\n", style="bold underline")
            for n in item.notes:
                notes.append(f"· {n}\n", style="dim")
            for entry in st.notes:
                notes.append(f"· {local_time(entry.at, zone)} {entry.by.split(' (ssh', 1)[0]}: ", style="cyan")
                notes.append(entry.text + "\n")
            parts.append(notes)
        if item.commands:
            parts.append(Text("Commands (c copies the first; nothing runs from here)", style="bold underline"))
            for cmd in item.commands:
                parts.append(Syntax(cmd.code.rstrip("\n"), cmd.language or "text", theme="ansi_dark", word_wrap=True))
        from warroom.tui.run_flow import run_block

        run = run_block(room, item.id, getattr(self.app, "journal", None))
        if run is not None:
            parts.append(run)
        if item.links:
            links = Text("Links\n", style="bold underline")
            for link in item.links:
                links.append(f"· {link.title + ': ' if link.title else ''}{link.url}\n")
            parts.append(links)
        return Group(*parts)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast from before would sit over the item's text
        self.set_interval(0.5, self._follow_run, name="run-tail")

    def _follow_run(self) -> None:
        """While the item's command runs (here or on another screen), its output's tail follows."""
        rec = self.room.state.runs.get(self.item_id)
        if rec is not None and (rec.open or rec.seq != getattr(self, "_run_seen", None)):
            self._run_seen = rec.seq if not rec.open else None
            self.query_one("#details-body", Static).update(self.render_item())

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_command(self.item_id)


def section_commands(section: Section) -> list[Command]:
    """The code blocks of a section's description, as commands to copy."""
    return [Command(code=code, language=lang) for code, lang in code_blocks(section.prose)] if section.prose else []


class SectionDetailsScreen(DetailsScreen):
    """A section's description as the source wrote it: prose, code blocks (``c`` copies one) and
    tables, rendered; with the section's progress."""

    def __init__(self, room, section_id: str) -> None:  # noqa: ANN001 - Room
        super().__init__(room, "")
        self.section_id = section_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="details-box"):
            yield Label("Section details", classes="dialog-title")
            yield Static(self.render_section(), id="details-body")
            n = len(section_commands(self.room.ws.sections[self.section_id]))
            keys = ("c copy the code block · " if n == 1 else "c copy a code block · " if n else "") + "escape closes"
            yield Label(keys, classes="dialog-keys")

    def render_section(self) -> Group:
        room, section = self.room, self.room.ws.sections[self.section_id]
        head = Text()
        title = inline_markdown(section.title).copy()
        title.stylize_before("bold")
        head.append_text(title)
        head.append(f"\n\nid       {section.id}\n", style="dim")
        done, total = room.section_done.get(section.id, 0), room.section_total.get(section.id, 0)
        if total:
            head.append(f"items    {done} of {total} done\n")
        if section.status_hint:
            head.append(f"source   marked {section.status_hint}\n")
        parts: list = [head]
        if section.prose:
            parts.append(Text("Description (from the source; c copies a code block, nothing runs from here)", style="bold underline"))
            parts.append(Markdown(section.prose, code_theme="ansi_dark", hyperlinks=False))
        else:
            parts.append(Text("No description: everything under this heading is in its items.", style="dim"))
        return Group(*parts)

    def action_copy(self) -> None:
        self.app.copy_section_code(self.section_id)
