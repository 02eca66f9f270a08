"""Small modal dialogs: a yes/no confirmation, a typed-word confirmation, a text prompt, a picker.

They follow the key scheme (docs/keys.md): a confirmation takes ``y`` and never a bare Enter;
pickers move with ``j``/``k`` and number their entries ``1``…``9``, ``0``; Escape goes back.
Titles may carry an item's Markdown: it is rendered, never shown raw.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from warroom.tui.screens.base import DialogScreen


Title = str | Text


def _title(text: Title) -> Text:
    """A dialog title: an item's Markdown rendered (``**Load test**`` reads as bold), other text as is."""
    if isinstance(text, Text):
        return text
    from warroom.tui.widgets.text import inline_markdown

    # A detail the app puts on two lines (a value, then its override) keeps its line break; each
    # line is rendered (and neutralised) on its own, so the break never shows as ``\x0a``.
    return Text("\n").join(inline_markdown(line) for line in text.split("\n"))


class PickerList(OptionList):
    """An option list that moves like every list in the war room: j/k, g/G, Home/End."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", id="picker.down", show=False),
        Binding("k", "cursor_up", "Up", id="picker.up", show=False),
        Binding("g", "first", "First", id="picker.first", show=False),
        Binding("G", "last", "Last", id="picker.last", show=False),
    ]


class ConfirmScreen(DialogScreen[bool]):
    """A yes/no question: ``y`` says yes; ``n`` or escape says no. Enter says neither: it only
    reminds that ``y`` confirms (a bare Enter never confirms, so a key meant for the dialog
    before never does)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
        Binding("enter", "remind", "Press y", id="dialog.enter", show=False),
    ]
    HINT = "y yes · n or escape no"

    def __init__(self, question: Title, detail: Title = "") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_title(self.question), classes="dialog-title")
            if self.detail:
                yield Static(_title(self.detail), classes="dialog-detail")
            yield Label(self.HINT, classes="dialog-keys", id="confirm-keys", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_remind(self) -> None:
        self.app.bell()
        self.query_one("#confirm-keys", Label).update(Text("enter does not confirm: press y (or n, escape)", style="bold"))


class TypedWordScreen(DialogScreen[bool]):
    """A destructive step confirmed by typing a word (``scrub``): True once it is typed."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, question: Title, word: str, detail: Title = "") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.word = word
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_title(self.question), classes="dialog-title")
            if self.detail:
                yield Static(_title(self.detail), classes="dialog-detail")
            yield Input(placeholder=f"type {self.word}", id="typed-word")
            yield Label(f"type {self.word}, then enter · escape cancels", classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = not self.app.is_headless

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip().lower() == self.word.lower():
            self.dismiss(True)
            return
        self.app.bell()
        self.notify(f"type {self.word} to confirm, or escape", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(False)


class PromptScreen(DialogScreen[str | None]):
    """Ask for a line of text (a reason, a note, a comment, a T-mark). Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: Title, placeholder: str = "", value: str = "", required: bool = True, hint: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.required = required
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_title(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label(self.hint or ("enter accepts · escape cancels" + ("" if self.required else " · may be empty")),
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


NUMBER_KEYS = "1234567890"  # a picker's first ten entries
RESERVED = frozenset("hjklgGqyn")  # never a picker's letter: they move, quit or answer
SPARE_LETTERS = "abcdefimoprstuvwxz"  # past the tenth entry, each gets one of these no entry took (then j/k only)


class ChoiceScreen(DialogScreen[Any]):
    """Pick one entry: j/k (or the arrows) and Enter, a number (1…9, 0 for the 10th), or the
    entry's letter when it has one (never one of h j k l g G q y n). Entries past the tenth
    without a letter of their own get a spare one, shown where the number would be."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: Title, options: list[tuple[str, str | Text, Any]], highlight: int = 0, hint: str = "") -> None:
        """``options``: (letter or "", label, value). Numbers are given by position (a digit given
        as a key is ignored: the entry has its number)."""
        super().__init__(classes="dialog-screen")
        # A number given as an entry's key is its position's number anyway: entries are numbered.
        options = [("" if key.isdigit() else key, label, value) for key, label, value in options]
        for key, _, _ in options:
            if key and (len(key) != 1 or key in RESERVED):
                raise ValueError(f"a picker letter is one letter, not one of {''.join(sorted(RESERVED))}: {key!r}")
        spare = iter([c for c in SPARE_LETTERS if c not in {key for key, _, _ in options}])
        self.spare = {i: letter for i in range(len(NUMBER_KEYS), len(options)) if not options[i][0]
                      and (letter := next(spare, ""))}  # entry index -> the letter it was given
        options = [(self.spare.get(i, key), label, value) for i, (key, label, value) in enumerate(options)]
        self.title_text = title
        self.options = options
        self.highlight = highlight
        self.hint = hint

    def compose(self) -> ComposeResult:
        entries = []
        for i, (key, label, _) in enumerate(self.options):
            line = Text()
            line.append(f"{NUMBER_KEYS[i]} " if i < len(NUMBER_KEYS) else f"{self.spare.get(i, ' ')} ", style="bold")
            line.append_text(label if isinstance(label, Text) else Text(label))
            if key and i not in self.spare:
                line.append(f"  ({key})", style="dim")
            entries.append(Option(line, id=str(i)))
        with Vertical(classes="dialog"):
            yield Label(_title(self.title_text), classes="dialog-title")
            yield PickerList(*entries, id="choice-list")
            yield Label(self.hint or "j/k move · enter picks · its number or letter · escape cancels",
                        classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = self.highlight

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[int(event.option.id or 0)][2])

    def on_key(self, event) -> None:  # noqa: ANN001 - textual.events.Key
        char = event.character or ""
        if char and char in NUMBER_KEYS:
            index = NUMBER_KEYS.index(char)
            if index < len(self.options):
                event.stop()
                self.dismiss(self.options[index][2])
            return
        for key, _, value in self.options:
            if key and char == key:
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)
