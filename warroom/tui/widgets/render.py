"""Rich text for items, sections and times: glyphs carry the meaning, colour only helps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from rich.text import Text

from warroom.model import Item, Section, Status
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
ROLE_GLYPH = {"pending": ("○", ""), "GO": ("✓", "green"), "NO-GO": ("✗", "bold red"), "stale": ("~", "yellow")}


_MARKUP_CHARS = frozenset("*_`[<&\\~")
_INLINE_STYLE = {"strong": "bold", "em": "italic", "s": "strike", "link": "underline"}
_md: Any = None


@lru_cache(maxsize=8192)
def inline_markdown(text: str) -> Text:
    """Item text as written in Markdown (``**Load test**``, `` `kubectl` ``) rendered as rich text.

    Imported checklists keep their Markdown verbatim (so export gives it back unchanged); the
    screen shows it the way a Markdown viewer would. Plain text takes a fast path.
    """
    if not _MARKUP_CHARS.intersection(text):
        return Text(text)
    global _md
    if _md is None:
        from markdown_it import MarkdownIt

        _md = MarkdownIt("commonmark").enable("strikethrough")
    out = Text()
    stack: list[str] = []
    for block in _md.parseInline(text):
        for tok in block.children or []:
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


def item_label(room, item: Item, t: timedelta | None) -> Text:  # noqa: ANN001 - Room
    st = room.state.items[item.id]
    style = STATUS_STYLE[st.status]
    label = Text()
    label.append(st.status.glyph, style=style or "bold")
    label.append(" ")
    if item.critical:
        label.append(CRITICAL + " ", style="bold magenta")
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
        label.append(f"  {room.mark_label(due)}", style="dim")
    if room.overdue(item.id, t):
        label.append(f"  {OVERDUE} overdue", style="bold red")
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


def progress_bar(done: int, total: int, width: int = 10) -> str:
    if total <= 0:
        return "─" * width
    full = round(width * done / total)
    return "█" * full + "░" * (width - full)


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
