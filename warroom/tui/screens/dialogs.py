"""Small modal dialogs: yes/no confirmation, a text prompt, a choice with hot keys."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from warroom.tui.safety import plain
from warroom.tui.screens.base import DialogScreen


class ConfirmScreen(DialogScreen[bool]):
    """A yes/no question: ``y`` or enter says yes, ``n`` or escape says no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title", markup=False)
            if self.detail:
                yield Static(self.detail, classes="dialog-detail", markup=False)
            yield Label("[b]y[/b]/enter yes    [b]n[/b]/escape no", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(DialogScreen[str | None]):
    """Ask for a line of text (a reason, a note, a comment, a T-mark). Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "", required: bool = True, hint: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.required = required
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label(self.hint or ("enter to accept, escape to cancel" + ("" if self.required else " (may be left empty)")),
                        classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = not self.app.is_headless  # steady frames in tests

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if self.required and not value:
            self.notify("this cannot be left empty", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(DialogScreen[Any]):
    """Pick one of a few options: arrows + enter, or the option's hot key."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str, Any]], highlight: int = 0) -> None:
        """``options``: (hot key, label, value)."""
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.options = options
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            # a label is text from a file (a command, an item's text): never markup
            yield OptionList(*[Option(Content.assemble((key, "bold"), "  ", plain(label)) if key else plain(label), id=str(i))
                               for i, (key, label, _) in enumerate(self.options)], id="choice-list")
            yield Label("↑/↓ + enter, or the key shown; escape cancels", classes="dialog-keys")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = self.highlight

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[int(event.option.id or 0)][2])

    def on_key(self, event) -> None:  # noqa: ANN001 - textual.events.Key
        for key, _, value in self.options:
            if key and event.character == key:
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)
