"""The screen's last guard against text that would act on a terminal.

Text is neutralised where it is rendered (``warroom.textsafe.neutralise`` in the render
helpers: an ESC shows as ``\\x1b``). Whatever still carries a control, escape, bidi or
invisible character when a line is drawn — from a widget that forgot, a notification, a value
an endpoint served — is caught here, in every segment of every line, and drawn as a visible
one-cell glyph (``␛``, ``␇``, ``�``) instead of being sent to the terminal.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from warroom.textsafe import UNSAFE


def _glyph(ch: str) -> str:
    n = ord(ch)
    if n < 0x20:
        return chr(0x2400 + n)  # the Control Pictures block: ␀ … ␛ … ␟
    if n == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls, bidi and invisible format characters


class ControlCharacterFilter(LineFilter):
    """Draw every unsafe character as a visible glyph; the line keeps its width (the raw
    characters took no cells, the glyphs take one each: the line is cut back to its width)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(UNSAFE.search(seg.text) for seg in segments if seg.control is None):
            return segments
        width = Segment.get_line_length(segments)
        out = [Segment(UNSAFE.sub(lambda m: _glyph(m.group()), seg.text), seg.style, seg.control)
               if seg.control is None else seg for seg in segments]
        # a control segment (cursor moves Textual itself emits) is not text and keeps its codes
        return list(Segment.adjust_line_length(out, width)) if Segment.get_line_length(out) != width else out
