"""The go/no-go poll: walks the roles in poll order and records each answer as it is given."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from warroom.tui.screens.base import LiveDialog
from warroom.tui.widgets.text import ROLE_GLYPH


class PollScreen(LiveDialog):
    """Shows who is being asked; ``g`` records GO, ``n`` NO-GO (asks why), ``x`` cancels the poll."""

    BINDINGS = [
        Binding("g", "answer('GO')", "GO", id="poll.go"),
        Binding("n", "answer('NO-GO')", "NO-GO", id="poll.nogo"),
        Binding("x", "cancel_poll", "Cancel poll", id="poll.cancel"),
        Binding("escape", "close", "Leave (poll stays open)", id="poll.close"),
    ]

    def __init__(self, room) -> None:  # noqa: ANN001 - Room
        super().__init__(classes="dialog-screen")
        self.room = room

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="poll-box"):
            yield Label("Go / no-go poll", classes="dialog-title")
            yield Static("", id="poll-body")
            yield Label("g GO · n NO-GO (with a reason) · x cancel the poll · escape leaves it open", classes="dialog-keys")

    def on_mount(self) -> None:
        self.refresh_from_state()

    def refresh_from_state(self) -> None:
        poll = self.room.state.poll
        body = self.query_one("#poll-body", Static)
        if poll is None:
            last = self.room.state.polls[-1] if self.room.state.polls else None
            text = Text("The poll is complete.\n\n" if last and len(last.answers) == len(last.roles) else "No poll in progress.\n\n",
                        style="bold")
            text.append(f"Decision: {self.room.decision().verdict}", style="bold")
            body.update(text)
            return
        table = Table.grid(padding=(0, 1))
        for _ in range(3):
            table.add_column(no_wrap=True)
        people = {r.name: r.person for r in self.room.ws.layout.roles}
        for role in poll.roles:
            answer = poll.answers.get(role)
            if answer is not None:
                glyph, style = ROLE_GLYPH[answer.decision]
                table.add_row(Text(f"{glyph} {answer.decision}", style=style), role, Text(answer.comment, style="dim"))
            elif role == poll.current_role:
                table.add_row(Text("▶ asking", style="bold reverse"), Text(role, style="bold"),
                              Text(f"{people.get(role, '')}: GO or NO-GO?", style="bold"))
            else:
                table.add_row(Text("○ waiting", style="dim"), Text(role, style="dim"), "")
        body.update(table)

    def action_answer(self, decision: str) -> None:
        self.app.answer_poll(decision)

    def action_cancel_poll(self) -> None:
        self.app.cancel_poll()

    def action_close(self) -> None:
        self.dismiss(None)
