"""The go/no-go poll: walks the roles in poll order; each answer is picked, its comment kept or
asked, and confirmed with ``y`` before it is recorded (the flow is the app's ``answer_poll``).

The role being asked is a picker (``1`` GO, ``2`` NO-GO, or ``j``/``k`` and Enter). When the
next role's question is drawn, keys typed before it are dropped (``fence_keys``): a quick
``1 enter y`` typed twice answers one role, never two.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from warroom.tui.screens.base import LiveDialog
from warroom.tui.screens.dialogs import PickerList
from warroom.tui.widgets.text import DECISION_STYLE, ROLE_GLYPH

ASKING_KEYS = "1 GO · 2 NO-GO · j/k + enter · X cancel the poll · escape leaves it open"
DONE_KEYS = "the poll is over · escape closes"


class PollScreen(LiveDialog):
    """Shows who is being asked and takes their answer through the app's poll flow."""

    BINDINGS = [
        Binding("1", "poll_answer('GO')", "GO", id="poll.go", show=False),
        Binding("2", "poll_answer('NO-GO')", "NO-GO", id="poll.nogo", show=False),
        Binding("X", "cancel_poll", "Cancel poll", id="poll.cancel"),
        Binding("escape", "close", "Leave (poll stays open)", id="poll.close"),
    ]

    def __init__(self, room) -> None:  # noqa: ANN001 - Room
        super().__init__(classes="dialog-screen")
        self.room = room
        self.asking: str | None = None  # the role whose question is on screen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="poll-box"):
            yield Label("Go / no-go poll", classes="dialog-title")
            yield Static("", id="poll-body")
            yield PickerList(Option(Text("1 GO", style="bold"), id="GO"), Option(Text("2 NO-GO", style="bold"), id="NO-GO"),
                             id="poll-answer")
            yield Label(ASKING_KEYS, classes="dialog-keys", id="poll-keys", markup=False)

    def on_mount(self) -> None:
        self.refresh_from_state()

    def refresh_from_state(self) -> None:
        poll = self.room.state.poll
        body = self.query_one("#poll-body", Static)
        picker = self.query_one("#poll-answer", PickerList)
        keys = self.query_one("#poll-keys", Label)
        if poll is None:
            self.asking = None
            last = self.room.state.polls[-1] if self.room.state.polls else None
            done = last is not None and len(last.answers) == len(last.roles)
            text = Text("The poll is complete.\n\n" if done else "No poll in progress.\n\n", style="bold")
            verdict = self.room.decision().verdict
            text.append("Decision: ", style="bold")
            text.append(f" {verdict} ", style=DECISION_STYLE.get(verdict, "bold"))
            body.update(Group(text, Text(""), self._table(last)) if last is not None else text)
            picker.display = False
            keys.update(DONE_KEYS)
            return
        body.update(self._table(poll))
        picker.display = True
        keys.update(ASKING_KEYS)
        if poll.current_role != self.asking:
            self.asking = poll.current_role
            picker.highlighted = 0
            picker.focus()
            fence = getattr(self.app, "fence_keys", None)
            if fence is not None:
                fence(f"{self.asking}'s question")

    def _table(self, poll) -> Table:  # noqa: ANN001 - state.Poll
        table = Table.grid(padding=(0, 1))
        for _ in range(3):
            table.add_column(no_wrap=True)
        table.columns[2].overflow = "ellipsis"
        people = {r.name: r.person for r in self.room.ws.layout.roles}
        for role in poll.roles:
            answer = poll.answers.get(role)
            if answer is not None:
                glyph, style = ROLE_GLYPH[answer.decision]
                table.add_row(Text(f"{glyph} {answer.decision}", style=style), role, Text(answer.comment, style="dim"))
            elif poll.open and role == poll.current_role:
                table.add_row(Text("▶ asking", style="bold reverse"), Text(role, style="bold"),
                              Text(f"{people.get(role, '')}: GO or NO-GO?", style="bold"))
            else:
                table.add_row(Text("○ waiting", style="dim"), Text(role, style="dim"), "")
        return table

    @on(OptionList.OptionSelected, "#poll-answer")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_poll_answer(event.option.id or "GO")

    def action_poll_answer(self, decision: str) -> None:
        if self.room.state.poll is not None:
            self.app.answer_poll(decision)

    def action_cancel_poll(self) -> None:
        self.app.cancel_poll()

    def action_close(self) -> None:
        self.dismiss(None)
