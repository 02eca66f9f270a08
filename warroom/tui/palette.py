"""The 16 ANSI colours the war room's named colours stand for.

Textual turns a named colour (``yellow`` in ``bold black on yellow``) into true colour through
the app's ANSI theme, and a 16-colour terminal (tmux with TERM=screen, TERM=linux, SSH without
COLORTERM) gets the nearest of its 16 colours back. Textual's own theme has an orange yellow
and a pink red, which come back as bright red and magenta: PENDING read as an alarm and NO-GO
as something else. This theme's colours come back as themselves, so PENDING stays yellow
(waiting), NO-GO red and GO green on any terminal; tests/tui/test_tui_colours.py checks it.
"""

from __future__ import annotations

from rich.terminal_theme import TerminalTheme

# (r, g, b) for black red green yellow blue magenta cyan white, then the bright ones; each maps
# to its own index under Rich's 16-colour downgrade.
NORMAL = [(0, 0, 0), (215, 0, 0), (0, 175, 0), (215, 175, 0), (0, 0, 205), (175, 0, 175), (0, 175, 175), (192, 192, 192)]
BRIGHT = [(100, 100, 100), (255, 85, 85), (85, 255, 85), (255, 255, 85), (95, 135, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255)]

WARROOM_ANSI = TerminalTheme((18, 18, 18), (224, 224, 224), NORMAL, BRIGHT)
