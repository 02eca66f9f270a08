"""A layout change that needs this operator's yes before this screen applies it (issue 17):
it adds a host, a ``${NAME}`` reference, or alters a ``run:``. The screen keeps the layout it
has until the operator has seen the difference and accepted it."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from warroom.tui.screens.base import DialogScreen

MAX_DIFF_LINES = 200
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """Text from a file, fit for the screen: control and bidi characters shown as U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


def diff_text(lines: list[str]) -> Text:
    out = Text()
    for line in lines[:MAX_DIFF_LINES]:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
        out.append(printable(line) + "\n", style=style)
    if len(lines) > MAX_DIFF_LINES:
        out.append(f"… {len(lines) - MAX_DIFF_LINES} more lines\n", style="dim")
    return out


class LayoutReviewScreen(DialogScreen[bool]):
    """``y`` applies the change on this screen; ``n`` keeps the layout shown until now."""

    BINDINGS = [
        Binding("y", "answer(True)", "Accept", id="layout.accept"),
        Binding("n,escape", "answer(False)", "Keep", id="layout.keep"),
    ]

    def __init__(self, update: Any) -> None:
        super().__init__(classes="dialog-screen")
        self.update = update

    def compose(self) -> ComposeResult:
        u = self.update
        with Vertical(classes="dialog layout-review"):
            yield Label(printable(u.headline()), classes="dialog-title", markup=False)
            reasons = Text("This change needs your yes before this screen applies it:\n", style="bold")
            for r in u.sensitive:
                reasons.append(f"  • {printable(r)}\n", style="yellow")
            reasons.append("Tiles poll from this process, with its environment: a new host or name could send it "
                           "somewhere new.", style="dim")
            yield Static(reasons, classes="dialog-detail")
            with VerticalScroll(id="layout-diff"):
                yield Static(diff_text(u.diff), markup=False)
            yield Label("[b]y[/b] accept and apply    [b]n[/b]/escape keep the layout shown now", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
