"""Large block letters for the wall: text readable from five metres, in any terminal font.

A 5-row font of full blocks (``█``) for A–Z, 0–9 and ``+ - — – : . % / ! ?``; lower case reads as
upper case, and a glyph it lacks draws as a hollow box, never as nothing. ``scale=2`` doubles
every cell across and down (10 rows).
"""

from __future__ import annotations

_FONT_SRC = {
    "A": [" ### ", "#   #", "#####", "#   #", "#   #"],
    "B": ["#### ", "#   #", "#### ", "#   #", "#### "],
    "C": [" ####", "#    ", "#    ", "#    ", " ####"],
    "D": ["#### ", "#   #", "#   #", "#   #", "#### "],
    "E": ["#####", "#    ", "#### ", "#    ", "#####"],
    "F": ["#####", "#    ", "#### ", "#    ", "#    "],
    "G": [" ####", "#    ", "#  ##", "#   #", " ####"],
    "H": ["#   #", "#   #", "#####", "#   #", "#   #"],
    "I": ["###", " # ", " # ", " # ", "###"],
    "J": ["    #", "    #", "    #", "#   #", " ### "],
    "K": ["#   #", "#  # ", "###  ", "#  # ", "#   #"],
    "L": ["#    ", "#    ", "#    ", "#    ", "#####"],
    "M": ["#   #", "## ##", "# # #", "#   #", "#   #"],
    "N": ["#   #", "##  #", "# # #", "#  ##", "#   #"],
    "O": [" ### ", "#   #", "#   #", "#   #", " ### "],
    "P": ["#### ", "#   #", "#### ", "#    ", "#    "],
    "Q": [" ### ", "#   #", "# # #", "#  # ", " ## #"],
    "R": ["#### ", "#   #", "#### ", "#  # ", "#   #"],
    "S": [" ####", "#    ", " ### ", "    #", "#### "],
    "T": ["#####", "  #  ", "  #  ", "  #  ", "  #  "],
    "U": ["#   #", "#   #", "#   #", "#   #", " ### "],
    "V": ["#   #", "#   #", "#   #", " # # ", "  #  "],
    "W": ["#   #", "#   #", "# # #", "## ##", "#   #"],
    "X": ["#   #", " # # ", "  #  ", " # # ", "#   #"],
    "Y": ["#   #", " # # ", "  #  ", "  #  ", "  #  "],
    "Z": ["#####", "   # ", "  #  ", " #   ", "#####"],
    "0": [" ### ", "#  ##", "# # #", "##  #", " ### "],
    "1": [" # ", "## ", " # ", " # ", "###"],
    "2": [" ### ", "#   #", "  ## ", " #   ", "#####"],
    "3": ["#### ", "    #", " ### ", "    #", "#### "],
    "4": ["#   #", "#   #", "#####", "    #", "    #"],
    "5": ["#####", "#    ", "#### ", "    #", "#### "],
    "6": [" ### ", "#    ", "#### ", "#   #", " ### "],
    "7": ["#####", "    #", "   # ", "  #  ", "  #  "],
    "8": [" ### ", "#   #", " ### ", "#   #", " ### "],
    "9": [" ### ", "#   #", " ####", "    #", " ### "],
    "+": ["     ", "  #  ", "#####", "  #  ", "     "],
    "-": ["     ", "     ", "#####", "     ", "     "],
    # the dash a tile shows when it has no value: without a glyph it drew as the hollow box,
    # which reads as a big 0 on a wall (an ERROR tile looked like it measured zero)
    "—": ["     ", "     ", "#####", "     ", "     "],
    "–": ["     ", "     ", "#####", "     ", "     "],
    ":": [" ", "#", " ", "#", " "],
    ".": [" ", " ", " ", " ", "#"],
    "%": ["#   #", "   # ", "  #  ", " #   ", "#   #"],
    "/": ["    #", "   # ", "  #  ", " #   ", "#    "],
    "!": ["#", "#", "#", " ", "#"],
    "?": [" ### ", "#   #", "  ## ", "     ", "  #  "],
    " ": ["  ", "  ", "  ", "  ", "  "],
}
_MISSING = ["####", "#  #", "#  #", "#  #", "####"]
ROWS = 5


def _glyph(ch: str) -> list[str]:
    return _FONT_SRC.get(ch.upper(), _MISSING)


def big_width(text: str, scale: int = 1) -> int:
    """Cells the text takes across (one blank column between glyphs)."""
    if not text:
        return 0
    return (sum(len(_glyph(ch)[0]) for ch in text) + len(text) - 1) * scale


def big_lines(text: str, scale: int = 1) -> list[str]:
    """The text as ``ROWS * scale`` lines of ``█`` and spaces, all of one width."""
    rows = ["" for _ in range(ROWS)]
    for i, ch in enumerate(text):
        glyph = _glyph(ch)
        for r in range(ROWS):
            rows[r] += ("" if i == 0 else " ") + glyph[r]
    out = []
    for row in rows:
        cells = "".join(("█" if c == "#" else " ") * scale for c in row)
        out.extend([cells] * scale)
    return out


def fit_scale(text: str, width: int, height: int, largest: int = 3) -> int:
    """The largest scale (down to 1) at which the text fits; 0 when even scale 1 does not."""
    for scale in range(largest, 0, -1):
        if big_width(text, scale) <= width and ROWS * scale <= height:
            return scale
    return 0
