"""F1 / ? : every key, grouped."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from warroom.tui.screens.base import DialogScreen, ScrollingBox
from warroom.tui.keys import HELP


class HelpScreen(ScrollingBox, DialogScreen[None]):
    SCROLL_BOX = "#help-box"

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
        Binding("j,down", "scroll_down", "Down", id="help.down", show=False),
        Binding("k,up", "scroll_up", "Up", id="help.up", show=False),
        Binding("g,home", "scroll_home", "Top", id="help.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="help.bottom", show=False),
    ]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        last = ""
        for group, keys, what in HELP:
            table.add_row(Text(group if group != last else "", style="bold underline"), keys, what)
            last = group
        with VerticalScroll(id="help-box"):
            yield Label("warroom — keys", classes="dialog-title")
            yield Static(table)
            yield Label("Glyphs", classes="dialog-title")
            yield Static(legend())
            yield Label("j/k scroll · g/G top/bottom · escape or q closes", classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)


GLYPHS = [
    ("○ ~ ✓ ✗ –", "to do, in progress, done, blocked, skipped"),
    ("★", "a critical item: GO needs it done"),
    ("⚠", "overdue: its due mark has passed"),
    ("$", "the item has a command (c copies it)"),
    ("✎1", "the item has 1 note (enter shows them)"),
    ("↺", "a GO made stale by a hold or a change after it: sign again"),
    ("■ HOLD", "the count is holding (no GO at T-0, a built-in or a manual hold)"),
]


def legend() -> Table:
    """The glyphs, one a line, so nothing is cut at 80 columns."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for glyph, what in GLYPHS:
        table.add_row(glyph, what)
    return table
