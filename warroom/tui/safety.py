"""The screen's last guard against text that would act on a terminal.

Text is neutralised where it is rendered (``warroom.textsafe.neutralise`` in the render
helpers: an ESC shows as ``\\x1b``). Whatever still carries a control, escape, bidi or
invisible character when a line is drawn — from a widget that forgot, a notification, a value
an endpoint served — is caught here, in every segment of every line, and drawn as a visible
one-cell glyph (``␛``, ``␇``, ``�``) instead of being sent to the terminal.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.color import Color
from textual.content import Content
from textual.filter import LineFilter

from warroom.textsafe import UNSAFE, glyph, neutralise


def plain(text: Any) -> Content:
    """Text from a file, a journal or a server as Textual content that is never read as markup.

    A string given to a border title, a Label or a notification is parsed as Textual markup:
    ``[/b]`` in a checklist title raised MarkupError and took the screen down, ``[@click=app.quit]``
    made a click run an action, ``[link='…ESC]0;…']`` put a hyperlink whose address carried escape
    codes. Wrapped in ``Content`` it is only text (neutralised: no control character either)."""
    return Content("" if text is None else neutralise(str(text)))


class ControlCharacterFilter(LineFilter):
    """Draw every unsafe character as a visible glyph; the line keeps its width (the raw
    characters took no cells, the glyphs take one each: the line is cut back to its width)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        # nearly every line has neither an unsafe character nor a link: one regex over the line's
        # text (control segments' codes included: a false alarm only costs the slow path) and one
        # look at the styles
        unsafe = UNSAFE.search("".join([seg.text for seg in segments])) is not None
        if any([seg.style is not None and seg.style._link is not None for seg in segments]) and \
                any(_bad_link(seg.style) for seg in segments):
            # a hyperlink is sent as OSC 8 with its address raw: one carrying a control character
            # (ESC ] 0 ... ESC \\ renames the window) is drawn as plain text, without the link
            segments = [Segment(seg.text, seg.style.update_link(None), seg.control) if _bad_link(seg.style) else seg
                        for seg in segments]
        if not unsafe or not any(seg.control is None and UNSAFE.search(seg.text) for seg in segments):
            return segments
        width = Segment.get_line_length(segments)
        out = [Segment(UNSAFE.sub(lambda m: glyph(m.group()), seg.text), seg.style, seg.control)
               if seg.control is None else seg for seg in segments]
        # a control segment (cursor moves Textual itself emits) is not text and keeps its codes
        return list(Segment.adjust_line_length(out, width)) if Segment.get_line_length(out) != width else out


def _bad_link(style: Any) -> bool:
    link = getattr(style, "link", None) if style is not None else None
    return bool(link) and UNSAFE.search(link) is not None
