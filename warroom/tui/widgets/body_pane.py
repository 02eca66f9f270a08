"""A pane that scrolls one rendered body (the timeline, the sign-off panel)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static
from warroom.tui.safety import plain


class BodyPane(VerticalScroll, can_focus=True):
    DEFAULT_TITLE = ""
    BODY_ID = ""

    def __init__(self, title: str = "", **kwargs) -> None:  # noqa: ANN003
        super().__init__(classes="pane", **kwargs)
        self.border_title = plain(title or self.DEFAULT_TITLE)
        self.body = Static("", id=self.BODY_ID)

    def compose(self) -> ComposeResult:
        yield self.body

    @property
    def focus_target(self) -> "BodyPane":
        return self
