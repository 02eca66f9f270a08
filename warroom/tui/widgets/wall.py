"""The wall's parts, display only: each ``show(...)`` redraws from the room it is given.

Read from five metres on a TV-sized terminal: the decision as a banner in block letters on its
colour with the count of open reasons; the T-clock in block letters with its sign and the phase
under way; a big number per tile with its state and trend; what is overdue and due now; the
last events. Nothing here takes focus or a key.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Any, Iterable

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from warroom.countdown import phase_index
from warroom.metrics.evaluate import CRIT, ERROR, GLYPHS, NO_DATA, OK, PENDING, STALE, WARN, format_age
from warroom.tmarks import format_tmark
from warroom.tui.widgets.bigtext import ROWS, big_lines, fit_scale
from warroom.tui.widgets.text import DECISION_STYLE, big_clock, inline_markdown, local_time, zone_of

TILE_STYLE = {OK: "bold green", WARN: "bold yellow", CRIT: "bold white on red", PENDING: "bold yellow",
              STALE: "dim", ERROR: "bold magenta", NO_DATA: "dim"}
TICKER_LINES = 8


def _big(text: str, width: int, height: int, style: str, largest: int = 2) -> Text:
    """Block letters when they fit, else the text in bold: never cut."""
    scale = fit_scale(text, width, height, largest)
    if scale == 0:
        return Text(text, style=style, no_wrap=True, overflow="ellipsis", justify="center")
    return Text("\n".join(big_lines(text, scale)), style=style, no_wrap=True, justify="center")


class WallPart(Static):
    """A wall part: ``plain`` keeps the text last drawn (what a test or a screen reader reads)."""

    plain = ""

    def draw(self, *parts: RenderableType) -> None:
        self.plain = "\n".join(p.plain for p in parts if isinstance(p, Text))
        self.update(Group(*parts) if len(parts) != 1 else parts[0])


class DecisionBanner(WallPart):
    """The verdict in block letters on its colour, and how many reasons are still open."""

    DEFAULT_CSS = """
    DecisionBanner { width: 1fr; height: 100%; content-align: center middle; }
    DecisionBanner.-go { background: green; color: black; }
    DecisionBanner.-no-go { background: red; color: white; }
    DecisionBanner.-pending { background: yellow; color: black; }
    """

    def show(self, room: Any) -> None:
        decision = room.decision()
        verdict = decision.verdict
        for v in ("GO", "NO-GO", "PENDING"):
            self.set_class(verdict == v, f"-{v.lower()}")
        width, height = max(10, self.size.width - 2), max(3, self.size.height)
        style = DECISION_STYLE.get(verdict, "bold")
        n = len(decision.reasons)
        count = "ALL CLEAR" if n == 0 else f"{n} OPEN REASON" + ("" if n == 1 else "S")
        parts: list[RenderableType] = [_big(verdict, width, height - 2 - min(2, n), style, largest=3)]
        parts.append(Text(""))
        parts.append(Text(count, style=style, justify="center"))
        for reason in decision.reasons[:2]:
            line = inline_markdown(reason.text.splitlines()[0] if reason.text else "").copy()  # cached: never restyle it in place; "**Load Test**" reads bold, never raw
            line.style = style
            line.no_wrap, line.overflow, line.justify = True, "ellipsis", "center"
            parts.append(line)
        self.draw(*parts)


class BigClock(WallPart):
    """T-minus or T-plus in block letters, the countdown's state and the phase under way."""

    DEFAULT_CSS = """
    BigClock { width: 1fr; height: 100%; content-align: center middle; background: $panel; }
    """

    def show(self, room: Any, now: datetime) -> None:
        layout = room.ws.layout
        cd = room.state.countdown
        view = room.clock(now)  # the hold at T-0 without a GO and built-in holds, as every view shows them
        t = view.t
        width, height = max(10, self.size.width - 2), max(3, self.size.height)
        if t is None:
            clock, style = "NO T-0", "bold"
        else:
            clock, style = "T" + big_clock(t), "bold"
        state = Text(justify="center")
        if cd.scrubbed:
            state.append(" SCRUBBED ", style="bold white on red")
            if cd.scrub_reason:
                state.append(f" {cd.scrub_reason}", style="bold red")
        elif view.state == "HOLD":
            state.append(" HOLD ", style="bold black on yellow")
            if view.hold_reason:
                state.append(f" {view.hold_reason}", style="bold yellow")
            style = "bold yellow"
        elif t is not None:
            state.append("counting", style="dim")
        phases = layout.phases
        idx = phase_index(phases, t)
        phase = Text(justify="center", no_wrap=True, overflow="ellipsis")
        if idx >= 0:
            phase.append("phase ", style="dim")
            phase.append(phases[idx].name, style="bold")
            phase.append(f" (since {phases[idx].label})", style="dim")
            if idx + 1 < len(phases):
                phase.append(f" · next {phases[idx + 1].name} at {phases[idx + 1].label}", style="dim")
        elif phases and t is not None:
            phase.append(f"before the first phase ({phases[0].name} at {phases[0].label})", style="dim")
        zone = zone_of(layout.timezone)
        when = Text(f"{local_time(now, zone, seconds=True)} {layout.timezone}", style="dim", justify="center")
        self.draw(_big(clock, width, height - 4, style, largest=3), Text(""), state, phase, when)


def trend(history: list[float]) -> str:
    """↑, ↓ or → from the last value against the one five samples before (1 % counts as steady)."""
    vals = [v for v in history if isinstance(v, (int, float))]
    if len(vals) < 2:
        return " "
    before, last = vals[-min(len(vals), 6)], vals[-1]
    scale = max(abs(before), abs(last), 1e-12)
    if abs(last - before) <= 0.01 * scale:
        return "→"
    return "↑" if last > before else "↓"


class BigTile(WallPart):
    """One tile as a big number: label, value in block letters, state, trend and age."""

    DEFAULT_CSS = """
    BigTile { height: 9; border: round $panel-lighten-2; padding: 0 1; }
    BigTile.-crit { border: heavy red; }
    BigTile.-warn, BigTile.-pending { border: heavy yellow; }
    BigTile.-error { border: heavy magenta; }
    """

    def __init__(self, name: str, label: str) -> None:
        super().__init__(classes="wall-tile")
        self.tile_name = name
        self.label = label

    def show(self, result: Any) -> None:
        state = getattr(result, "state", NO_DATA) if result is not None else NO_DATA
        for s in (CRIT, WARN, PENDING, ERROR):
            self.set_class(state == s, f"-{s.lower()}")
        style = TILE_STYLE.get(state, "")
        width = max(8, self.size.width - 4)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"{GLYPHS.get(state, '?')} {state}", style=style)
        head.append(f"  {self.label}", style="bold")
        shown = (getattr(result, "display", "") or "—") if result is not None else "—"
        value_style = "bold" if state in (OK, WARN, CRIT, PENDING) else "dim"
        if state == CRIT:
            value_style = "bold red"
        value = _big(shown, width, ROWS, value_style, largest=1)
        foot = Text(no_wrap=True, overflow="ellipsis")
        if result is None or getattr(result, "polled_at", None) is None:
            foot.append("no sample yet", style="dim")
        elif state == ERROR:
            foot.append(result.error, style="magenta")
            if result.value_age is not None and result.display:
                foot.append(f" · last {result.display} {format_age(result.value_age)} ago", style="dim")
        else:
            foot.append(f"{trend(result.history)} ", style="bold")
            if result.series:
                foot.append(f"{result.series[0][0]} · ", style="")
            foot.append(f"want {result.threshold} · " if result.threshold else "", style="dim")
            foot.append(f"{format_age(result.age)} ago", style="dim")
            if result.error and state in (NO_DATA, STALE):
                foot.append(f" · {result.error}", style="dim")
        self.draw(head, value, foot)


class DueBoard(WallPart):
    """Items overdue (open past their due mark) and due now (the next 15 minutes), soonest first."""

    DEFAULT_CSS = """
    DueBoard { width: 1fr; height: 100%; border: round $panel-lighten-2; padding: 0 1; }
    """
    SOON = timedelta(minutes=15)

    def show(self, room: Any) -> None:
        t = room.t()
        overdue: list[tuple[timedelta, str]] = []
        soon: list[tuple[timedelta, str]] = []
        if t is not None:
            for item_id, item in room.ws.items.items():
                due = room.due_of(item_id)
                if due is None or room.state.items[item_id].status.closed:
                    continue
                if due <= t:
                    overdue.append((due, item.text))
                elif due <= t + self.SOON:
                    soon.append((due, item.text))
        overdue.sort(key=lambda p: p[0])
        soon.sort(key=lambda p: p[0])
        rows = max(2, self.size.height - 4)
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f"OVERDUE {len(overdue)}", style="bold red" if overdue else "bold green")
        out.append("\n")
        for due, text in overdue[: max(1, rows // 2)]:
            out.append(f"  {format_tmark(due):>7}  ", style="red")
            out.append(text.splitlines()[0] if text else "")
            out.append("\n")
        if len(overdue) > rows // 2:
            out.append(f"  … and {len(overdue) - rows // 2} more\n", style="dim")
        out.append(f"DUE NOW (next {int(self.SOON.total_seconds() // 60)} min) {len(soon)}", style="bold yellow" if soon else "bold")
        out.append("\n")
        for due, text in soon[: max(1, rows // 2)]:
            out.append(f"  {format_tmark(due):>7}  ", style="yellow")
            out.append(text.splitlines()[0] if text else "")
            out.append("\n")
        if t is None:
            out.append("  no T-0 set: nothing is due yet\n", style="dim")
        self.draw(out)


class Ticker(WallPart):
    """The last events, newest first."""

    DEFAULT_CSS = """
    Ticker { width: 1fr; height: 100%; border: round $panel-lighten-2; padding: 0 1; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.events: deque = deque(maxlen=64)
        self.timezone = "UTC"
        # item id -> its text: a tick reads 'Load Test → done' on the wall, not the item's long id
        self.names: dict[str, str] = {}

    def add_events(self, events: Iterable[Any], timezone_name: str) -> None:
        self.timezone = timezone_name
        self.events.extend(events)
        self.redraw()

    def clear(self) -> None:
        self.events.clear()

    def redraw(self) -> None:
        zone = zone_of(self.timezone)
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append("LAST EVENTS", style="bold")
        lines = max(1, min(TICKER_LINES * 3, self.size.height - 3 if self.size.height else TICKER_LINES))
        shown = list(reversed(self.events))[:lines]
        if not shown:
            out.append("\n  nothing yet", style="dim")
        for ev in shown:
            out.append("\n")
            out.append(f"{local_time(ev.ts, zone, seconds=True)} ", style="dim")
            out.append(f"{ev.op.split(' (ssh', 1)[0]}: ", style="cyan")
            line = ev.describe().replace("\n", " ")
            name = self.names.get(ev.target)
            if name and ev.target in line:
                line = line.replace(ev.target, inline_markdown(name.splitlines()[0] if name else "").plain, 1)
            out.append(line)
        self.draw(out)
