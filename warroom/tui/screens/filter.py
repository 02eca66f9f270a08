"""`/`: filter a checklist by text, with quick filters open / overdue / critical / mine."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from warroom.tui.screens.base import DialogScreen
from warroom.tui.screens.dialogs import PickerList

QUICK = [("all", "everything"), ("open", "open: not done or skipped"), ("overdue", "overdue"),
         ("critical", "critical (★)"), ("mine", "mine: my name or my role")]


class FilterScreen(DialogScreen[tuple[str, str] | None]):
    """Returns (text, quick filter) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="filter.cancel"),
                Binding("f3", "quick('open')", "open", id="filter.open", show=False),
                Binding("f4", "quick('overdue')", "overdue", id="filter.overdue", show=False),
                Binding("f5", "quick('critical')", "critical", id="filter.critical", show=False),
                Binding("f6", "quick('mine')", "mine", id="filter.mine", show=False)]

    def __init__(self, text: str = "", quick: str = "all") -> None:
        super().__init__(classes="dialog-screen")
        self.text = text
        self.quick = quick

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Filter the checklist", classes="dialog-title")
            yield Input(value=self.text, placeholder="words to match (text, owner, id, status)", id="filter-input")
            yield PickerList(*[Option(label, id=key) for key, label in QUICK], id="filter-quick")
            yield Label("enter applies · tab: quick filters (j/k, enter) · F3 open F4 overdue F5 critical F6 mine · escape cancels",
                        classes="dialog-keys")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = [k for k, _ in QUICK].index(self.quick) if self.quick in dict(QUICK) else 0
        self.query_one(Input).cursor_blink = not self.app.is_headless  # steady frames in tests
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss((event.value, self.quick))

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.action_quick(event.option.id or "all")

    def action_quick(self, quick: str) -> None:
        self.dismiss((self.query_one(Input).value, quick))

    def action_cancel(self) -> None:
        self.dismiss(None)
