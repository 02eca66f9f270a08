"""A command's output as the operator sees it: through a terminal emulator (pyte).

The emulator applies carriage returns, line erases, cursor moves and colours; what comes out
is plain characters with styles, so no escape sequence of the command's (OSC, DCS, a title
change, a bracketed-paste trap, C1 controls) ever reaches the operator's terminal. Characters
that are controls or format marks (bidi overrides) are dropped as well.

pyte reads well under a megabyte a second, so the war room does not push every byte through
it: ``render`` emulates the tail of the output (a bounded number of bytes) when the pane is
drawn, and ``LineFeed`` (the CLI) emulates as fast as it can and skips what it cannot keep up
with, saying so — the output file always has every byte.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import deque
from typing import Any, Callable

import pyte
from wcwidth import wcwidth
from rich.color import Color, ColorSystem
from rich.style import Style
from rich.text import Text

_DROP = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Control strings pyte does not parse (DCS, SOS, PM, APC), and OSC: from their start to the
# string terminator (ESC \\, or BEL for OSC), or to the end of what has come so far.
_STRING = re.compile(rb"\x1b[PX^_][\s\S]*?(?:\x1b\\|$)|\x1b\][\s\S]*?(?:\x07|\x1b\\|$)")
_HOLD_LIMIT = 64 * 1024


class ControlStrings:
    """Removes control strings from a byte stream before the emulator sees it; an unfinished
    one is held until its terminator comes (or dropped past 64 KiB)."""

    def __init__(self) -> None:
        self.held = b""

    def feed(self, data: bytes) -> bytes:
        data = self.held + data
        self.held = b""
        out, last = [], 0
        for m in _STRING.finditer(data):
            out.append(data[last:m.start()])
            last = m.end()
            if not m.group().endswith((b"\x1b\\", b"\x07")) and m.end() == len(data):
                self.held = m.group() if len(m.group()) < _HOLD_LIMIT else b""
        out.append(data[last:])
        text = b"".join(out)
        if text.endswith(b"\x1b"):  # may start a string: wait for the next byte
            self.held, text = b"\x1b" + self.held, text[:-1]
        return text
_NAMES = {"brown": "yellow", "brightbrown": "bright_yellow"}


def _colour(value: str) -> Color | None:
    if not value or value == "default":
        return None
    name = _NAMES.get(value, value)
    if name.startswith("bright") and not name.startswith("bright_"):
        name = "bright_" + name[6:]
    try:
        color = Color.parse(name if not _is_hex(name) else "#" + name)
    except Exception:  # noqa: BLE001 - an odd colour from the emulator: no colour
        return None
    return color.downgrade(ColorSystem.STANDARD)  # the war room draws in the 16 standard colours


def _is_hex(value: str) -> bool:
    return len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value)


_STYLES: dict[tuple[Any, ...], Style] = {}


def _style(ch: Any) -> Style | None:
    key = (ch.fg, ch.bg, ch.bold, ch.italics, ch.underscore, ch.reverse, ch.strikethrough)
    if key == ("default", "default", False, False, False, False, False):
        return None
    style = _STYLES.get(key)
    if style is None:
        style = _STYLES[key] = Style(color=_colour(ch.fg), bgcolor=_colour(ch.bg), bold=ch.bold or None,
                                     italic=ch.italics or None, underline=ch.underscore or None,
                                     reverse=ch.reverse or None, strike=ch.strikethrough or None)
    return style


def safe_char(data: str) -> str:
    return "".join(c for c in data if unicodedata.category(c) not in _DROP)


def line_text(line: Any, columns: int) -> Text:
    """One row of the emulator's buffer as Rich text, trailing blanks dropped."""
    text = Text(no_wrap=True, overflow="crop")
    run, style = [], None
    last = -1
    for x in range(columns):
        ch = line[x]
        if ch.data.strip():
            last = x
    for x in range(last + 1):
        ch = line[x]
        s = _style(ch)
        if s != style and run:
            text.append("".join(run), style)
            run = []
        style = s
        run.append(safe_char(ch.data))
    if run:
        text.append("".join(run), style)
    return text


class _Screen(pyte.Screen):
    """A screen that keeps the lines scrolled off its top (and hands them on)."""

    def __init__(self, columns: int, lines: int, keep: int, on_scroll: Callable[[Text], None] | None = None,
                 on_clear: Callable[[], None] | None = None) -> None:
        super().__init__(columns, lines)
        self.history: deque[Text] = deque(maxlen=keep)
        self.on_scroll = on_scroll
        self.on_clear = on_clear

    def index(self) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        if self.cursor.y == bottom and top == 0:
            gone = line_text(self.buffer[0], self.columns)
            self.history.append(gone)
            if self.on_scroll is not None:
                self.on_scroll(gone)
        super().index()

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        super().erase_in_display(how, *args, **kwargs)
        if how in (2, 3) and self.on_clear is not None:
            self.on_clear()

    def draw(self, data: str) -> None:
        """Controls, format marks (bidi overrides) and unprintables are dropped first: pyte
        stops drawing a chunk at the first character it cannot place."""
        if not data.isprintable():
            data = "".join(c for c in data if unicodedata.category(c) not in _DROP and wcwidth(c) >= 0)
        super().draw(data)

    def set_title(self, param: str) -> None:  # an OSC title: kept out of everything
        pass

    def set_icon_name(self, param: str) -> None:
        pass

    def visible(self) -> list[Text]:
        rows = [line_text(self.buffer[y], self.columns) for y in range(self.lines)]
        last = max((y for y, t in enumerate(rows) if t.plain), default=-1)
        return rows[:max(last, self.cursor.y if self.cursor.x else self.cursor.y - 1) + 1]


def render(data: bytes, columns: int = 120, lines: int = 40, whole: bool = True, keep: int = 2000) -> list[Text]:
    """Emulate ``data`` (the output's tail, or all of it when ``whole``) on a fresh screen;
    the lines scrolled off and the screen's lines, oldest first."""
    if not whole:
        cut = data.find(b"\n")
        data = data[cut + 1:] if cut >= 0 else data
    screen = _Screen(columns, lines, keep)
    pyte.ByteStream(screen).feed(ControlStrings().feed(data))
    return list(screen.history) + screen.visible()


class LineFeed:
    """Emulate output as it comes and hand on each line as soon as it is finished (the cursor
    has left it downwards: a line feed), so the CLI prints output as it arrives; ``partial``
    is told the unfinished line (a progress bar redrawn by carriage returns, a prompt) whenever
    it changes. A line the command redraws after it was handed on (the cursor moved back up to
    it) is not handed on again; a cleared screen starts afresh. ``finish`` hands on what is
    left. When the output comes faster than the emulator reads, what it cannot keep up with is
    skipped and counted (the output file has every byte)."""

    def __init__(self, emit: Callable[[Text], None], columns: int = 120, lines: int = 40, backlog: int = 256 * 1024,
                 partial: Callable[[Text], None] | None = None) -> None:
        self.screen = _Screen(columns, lines, 1, on_scroll=self._scrolled, on_clear=self._cleared)
        self.stream = pyte.ByteStream(self.screen)
        self.strings = ControlStrings()
        self.emit = emit
        self.partial = partial
        self.backlog = backlog
        self.pending = bytearray()
        self.skipped = 0
        self.done = 0  # the screen's top rows already handed on
        self._partial: str | None = None  # the unfinished line as last told
        self._lock = threading.Lock()  # add() comes from the reader thread

    def _scrolled(self, line: Text) -> None:
        if self.done > 0:
            self.done -= 1  # handed on already
        else:
            self.emit(line)

    def _cleared(self) -> None:
        self.done = 0

    def _row(self, y: int) -> Text:
        return line_text(self.screen.buffer[y], self.screen.columns)

    def _settle(self) -> None:
        """Hand on the rows the cursor has left downwards; tell the unfinished one."""
        y = self.screen.cursor.y
        while self.done < y:
            self.emit(self._row(self.done))
            self.done += 1
        if self.partial is not None:
            line = self._row(y) if y >= self.done else Text()
            if line.plain != self._partial:
                self._partial = line.plain
                self.partial(line)

    def add(self, data: bytes) -> None:
        with self._lock:
            self.pending += data
            if len(self.pending) > self.backlog:
                over = len(self.pending) - self.backlog // 2
                cut = self.pending.find(b"\n", over)
                cut = over if cut < 0 else cut + 1
                self.skipped += cut
                del self.pending[:cut]

    def _rest(self) -> None:
        rows = self.screen.visible()
        for line in rows[self.done:]:
            self.emit(line)
        self.done = max(self.done, len(rows))

    def pump(self, budget: int = 64 * 1024) -> None:
        with self._lock:
            skipped, self.skipped = self.skipped, 0
            chunk = bytes(self.pending[:budget])
            del self.pending[:budget]
        if skipped:  # what is on the screen goes out first, then the gap is said
            self._rest()
            self.screen.reset()
            self.done, self._partial = 0, None
            self.emit(Text(f"[… {skipped} bytes not shown here; the output file has them]", style="dim"))
        self.stream.feed(self.strings.feed(chunk))
        self._settle()

    def finish(self) -> None:
        while self.pending or self.skipped:
            self.pump()
        self._rest()
