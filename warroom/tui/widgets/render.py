"""Rich text for items, sections and times: glyphs carry the meaning, colour only helps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

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


def item_label(room, item: Item, t: timedelta | None) -> Text:  # noqa: ANN001 - Room
    st = room.state.items[item.id]
    style = STATUS_STYLE[st.status]
    label = Text()
    label.append(st.status.glyph, style=style or "bold")
    label.append(" ")
    if item.critical:
        label.append(CRITICAL + " ", style="bold magenta")
    label.append(item.text, style="strike dim" if st.status is Status.SKIPPED else (style if st.status is Status.DONE else ""))
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
