"""The base of every modal screen: its look is ``dialogs.tcss``."""

from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen, ScreenResultType


class DialogScreen(ModalScreen[ScreenResultType]):
    """A modal screen styled by ``dialogs.tcss``. Textual reads a screen's CSS when the first
    one is shown, so the main screen's start-up does not parse the dialogs' rules."""

    CSS_PATH = "dialogs.tcss"


class LiveDialog(DialogScreen[None]):
    """A dialog that shows the launch's state (the poll, the reasons it is not GO): redrawn when
    new journal events arrive, while it is open."""

    def refresh_from_state(self) -> None:
        """Redraw from the app's room (each subclass draws its own content)."""


class ScrollingBox:
    """Mixed into a dialog whose body scrolls in one box (``SCROLL_BOX``, a selector): the scroll
    actions its j/k, g/G bindings name."""

    SCROLL_BOX = ""

    def _box(self) -> Any:
        return self.query_one(self.SCROLL_BOX)  # type: ignore[attr-defined]

    def action_scroll_down(self) -> None:
        self._box().scroll_down()

    def action_scroll_up(self) -> None:
        self._box().scroll_up()

    def action_scroll_home(self) -> None:
        self._box().scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self._box().scroll_end(animate=False)
