"""Rich text for items, sections and times: glyphs carry the meaning, colour only helps."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from warroom import report
from warroom.inline_text import MARKUP_CHARS, inline_tokens
from warroom.model import Item, Section, Status
from warroom.textsafe import neutralise
from warroom.tmarks import parse_time, parse_zone

STATUS_STYLE = {
    Status.TODO: "",
    Status.IN_PROGRESS: "bold yellow",
    Status.DONE: "green",
    Status.BLOCKED: "bold red",
    Status.SKIPPED: "dim",
}
CRITICAL = "★"
OVERDUE = "⚠"
DECISION_STYLE = {"GO": "bold black on green", "NO-GO": "bold white on red", "PENDING": "bold black on yellow"}
ROLE_GLYPH = {"pending": ("○", ""), "GO": ("✓", "green"), "NO-GO": ("✗", "bold red"), "stale": ("↺", "yellow")}  # ↺ sign again; ~ is in progress


_INLINE_STYLE = {"strong": "bold", "em": "italic", "s": "strike", "link": "underline"}


@lru_cache(maxsize=8192)
def inline_markdown(text: str) -> Text:
    """Item text as written in Markdown (``**Load test**``, `` `kubectl` ``) rendered as rich text.

    Imported checklists keep their Markdown verbatim (so export gives it back unchanged); the
    screen shows it the way a Markdown viewer would. Plain text, and the simple shapes real
    checklists use (one bold or italic span, code spans), take a fast path that gives exactly
    what markdown-it gives; anything else goes to markdown-it.

    The result is cached and shared by every caller: ``.copy()`` it before styling or appending.
    """
    text = neutralise(text, newlines=False)  # hostile text shows its escapes (\x1b), never acts
    if not MARKUP_CHARS.intersection(text):
        return Text(text)
    fast = _simple_inline(text)
    if fast is not None:
        return fast
    out = Text()
    stack: list[str] = []
    for tok in inline_tokens(text):
        kind = tok.type
        if kind.endswith("_open") and kind[:-5] in _INLINE_STYLE:
            stack.append(_INLINE_STYLE[kind[:-5]])
        elif kind.endswith("_close") and kind[:-6] in _INLINE_STYLE:
            if stack:
                stack.pop()
        elif kind == "code_inline":
            out.append(tok.content, style="bold cyan")
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        else:  # text, html_inline, image alt text...
            out.append(tok.content, style=" ".join(stack) or None)
    return out


_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MD_SPACE = frozenset("\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000") | frozenset(map(chr, range(0x2000, 0x200B)))
_NEVER_SIMPLE = frozenset("[\\~\n\r\x00")  # links, escapes, strikethrough, line breaks: markdown-it decides


def _flank(ch: str) -> str:
    """CommonMark's class of the character beside a delimiter run: space, punct or other."""
    if ch in _MD_SPACE:
        return "space"
    if ch in _ASCII_PUNCT:
        return "punct"
    if ch.isascii():
        return "other"
    import unicodedata

    return "punct" if unicodedata.category(ch).startswith(("P", "S")) else "other"


def _simple_inline(text: str) -> Text | None:
    """``inline_markdown`` for the shapes it can be sure of, else None.

    Sure means: no links, escapes, entities, HTML, strikethrough or line breaks; ``<`` only
    before a space or with no ``>`` after it; ``_`` only inside a word; code spans closed; at most one pair of ``*`` runs
    of the same length (1 or 2) that CommonMark's flanking rules let open and close.
    """
    if _NEVER_SIMPLE.intersection(text):
        return None
    n = len(text)
    # code spans first: they bind tighter than emphasis
    pieces: list[tuple[bool, int, int]] = []  # (is code, start, end) in text; code: the content
    pos = start = 0
    while (tick := text.find("`", pos)) >= 0:
        end = tick
        while end < n and text[end] == "`":
            end += 1
        run = end - tick
        close = end
        while True:
            close = text.find("`", close)
            if close < 0:
                return None  # an unmatched run: markdown-it decides
            stop = close
            while stop < n and text[stop] == "`":
                stop += 1
            if stop - close == run:
                break
            close = stop
        if tick > start:
            pieces.append((False, start, tick))
        pieces.append((True, end, close))
        pos = start = close + run
    if start < n:
        pieces.append((False, start, n))
    stars: list[tuple[int, int]] = []  # (start, length) of each run of *
    for is_code, a, b in pieces:
        if is_code:
            continue
        i = a
        while i < b:
            ch = text[i]
            if ch == "*":
                j = i
                while j < b and text[j] == "*":
                    j += 1
                stars.append((i, j - i))
                i = j
                continue
            if ch == "<":  # HTML and autolinks need a letter (or / ! ?) after < and a > later
                if i + 1 < n and text[i + 1] not in " \t" and ">" in text[i + 1:]:
                    return None
            elif ch == "&":
                if i + 1 < n and (text[i + 1] == "#" or text[i + 1].isalnum()):
                    return None
            elif ch == "_":
                if not (0 < i < n - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()):
                    return None
            i += 1
    strong: tuple[int, int, int] | None = None  # opener start, closer start, run length
    if len(stars) == 2 and stars[0][1] == stars[1][1] and stars[0][1] <= 2:
        (o, size), (c, _) = stars
        before = _flank(text[o - 1]) if o > 0 else "space"
        after = _flank(text[o + size]) if o + size < n else "space"
        if not (after != "space" and (after != "punct" or before != "other")):
            return None  # the opener cannot open
        before = _flank(text[c - 1]) if c > 0 else "space"
        after = _flank(text[c + size]) if c + size < n else "space"
        if not (before != "space" and (before != "punct" or after != "other")):
            return None  # the closer cannot close
        strong = (o, c, size)
    elif len(stars) > 1:
        return None
    out = Text()
    for is_code, a, b in pieces:
        if is_code:
            content = text[a:b]
            if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                content = content[1:-1]
            out.append(content, style="bold cyan")
            continue
        if strong is None:
            out.append(text[a:b])
            continue
        o, c, size = strong
        style = "bold" if size == 2 else "italic"
        for x, y, st in ((a, min(b, o), None), (max(a, o + size), min(b, c), style), (max(a, c + size), b, None)):
            if x < y:
                out.append(text[x:y], style=st)
    return out


def _marker(style: str) -> str:
    """A marker's style: its colour, or plain bold under NO_COLOR (where Textual turns colours
    into greys, and a dark one would vanish on the dark background)."""
    return "bold" if "NO_COLOR" in os.environ else style


def item_label(room, item: Item, t: timedelta | None) -> Text:  # noqa: ANN001 - Room
    st = room.state.items[item.id]
    style = STATUS_STYLE[st.status]
    label = Text()
    label.append(st.status.glyph, style=style or "bold")
    label.append(" ")
    if item.critical:
        label.append(CRITICAL + " ", style=_marker("bold magenta"))
    overdue = room.overdue(item.id, t)
    if overdue:  # up front, where a narrow pane cannot cut it off
        label.append(OVERDUE + " ", style=_marker("bold red"))
    text = inline_markdown(item.text).copy()
    base = "strike dim" if st.status is Status.SKIPPED else (style if st.status is Status.DONE else "")
    if base:
        text.stylize_before(base)
    label.append_text(text)
    owner = item.owner or item.role
    if owner:
        label.append(f"  @{owner}", style="cyan")
    due = room.due_of(item.id)
    if due is not None:
        label.append(f"  {room.mark_label(due)}" + (" overdue" if overdue else ""), style=_marker("bold red") if overdue else "dim")
    if st.reason:
        label.append(f"  — {st.status.value}: {st.reason}", style=style or "dim")
    if st.notes:
        label.append(f"  ✎{len(st.notes)}", style="dim")
    if item.commands:
        label.append("  $", style="dim")
    return label


def section_label(room, section: Section) -> Text:  # noqa: ANN001 - Room
    done, total = room.section_done.get(section.id, 0), room.section_total.get(section.id, 0)
    label = Text(section.title, style="bold")
    label.append(f"  {done}/{total}", style="green" if total and done == total else "dim")
    if total and done == total:
        label.append(" ✓", style="green")
    return label


class RenderOnce:
    """A renderable drawn once per width: Textual renders a ``Static``'s content to measure its
    height and again to paint it (the timeline and sign-off bodies: a ``Group`` of ``Text``).

    Only for content whose lines do not depend on the height offered (rich renders a group's
    parts with the height reset).
    """

    def __init__(self, renderable: Any) -> None:
        self.renderable = renderable
        self._cache: dict[tuple, list[Any]] = {}

    def __rich_console__(self, console: Any, options: Any) -> Any:
        key = (id(console), options.size, options.legacy_windows, options.min_width, options.max_width,
               options.is_terminal, options.encoding, options.justify, options.overflow, options.no_wrap,
               options.highlight, options.markup)
        segments = self._cache.get(key)
        if segments is None:
            segments = self._cache[key] = list(console.render(self.renderable, options.reset_height()))
        return segments

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.renderable)


def fit(text: str, width: int, right: bool = False) -> str:
    """``text`` in exactly ``width`` cells: cut with an ellipsis, or padded (on the left if ``right``)."""
    text = neutralise(text, newlines=False)
    size = cell_len(text)
    if size > width:
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - size)
    return pad + text if right else text + pad


def progress_bar(done: int, total: int, width: int = 10) -> str:
    return report.progress_bar(done, total, width, empty="─")


def zone_of(name: str) -> tzinfo:
    try:
        return parse_zone(name)
    except ValueError:
        return timezone.utc


def local_time(ts: str | datetime, zone: tzinfo, seconds: bool = False) -> str:
    """An event's time in the display zone, short."""
    if not ts:
        return ""
    try:
        dt = parse_time(ts) if isinstance(ts, str) else ts
    except ValueError:
        return str(ts)
    return dt.astimezone(zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def big_clock(t: timedelta | None) -> str:
    """The T-clock for the large digits: sign and hours:minutes:seconds (hours may pass 24)."""
    if t is None:
        return "--:--:--"
    secs = int(t.total_seconds()) if t >= timedelta(0) else -int((-t).total_seconds())
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}:{m:02d}:{s:02d}"
