"""`w`: every reason the launch is not GO yet (the sign-off panel shows the first ones)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from warroom.tui.screens.base import LiveDialog, ScrollingBox
from warroom.tui.widgets.text import inline_markdown


class WhyScreen(ScrollingBox, LiveDialog):
    SCROLL_BOX = "#why-box"

    BINDINGS = [
        Binding("escape,q,w", "close", "Close", id="why.close"),
        Binding("j,down", "scroll_down", "Down", id="why.down", show=False),
        Binding("k,up", "scroll_up", "Up", id="why.up", show=False),
        Binding("g,home", "scroll_home", "Top", id="why.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="why.bottom", show=False),
    ]

    def __init__(self, room) -> None:  # noqa: ANN001 - Room
        super().__init__()
        self.room = room

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-box"):
            yield Label("", id="why-title", classes="dialog-title")
            yield Static("", id="why-body")
            yield Label("j/k scroll · g/G top/bottom · escape closes", classes="dialog-keys")

    def on_mount(self) -> None:
        self.refresh_from_state()

    def refresh_from_state(self) -> None:
        decision = self.room.decision()
        n = len(decision.reasons)
        self.query_one("#why-title", Label).update(f"Decision {decision.verdict}: {n} reason{'' if n == 1 else 's'} it is not GO yet")
        body = Text()
        for r in decision.reasons:
            mark, style = ("✗ NO-GO  ", "bold red") if r.verdict == "NO-GO" else ("… pending", "yellow")
            body.append(f"{mark} ", style=style)
            body.append_text(inline_markdown(r.text))  # an item's Markdown reads as it does on the pane
            body.append("\n")
        if not n:
            body.append("✓ every required role, critical item and criterion is GO", style="bold green")
        self.query_one("#why-body", Static).update(body)

    def action_close(self) -> None:
        self.dismiss(None)
