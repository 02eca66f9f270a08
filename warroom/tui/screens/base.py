"""The base of every modal screen: its look is ``dialogs.tcss``."""

from __future__ import annotations

from textual.screen import ModalScreen, ScreenResultType


class DialogScreen(ModalScreen[ScreenResultType]):
    """A modal screen styled by ``dialogs.tcss``. Textual reads a screen's CSS when the first
    one is shown, so the main screen's start-up does not parse the dialogs' rules."""

    CSS_PATH = "dialogs.tcss"
