"""The header: launch, the T-clock in large digits, real clocks, HOLD/SCRUB banner, decision."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Digits, Static

from warroom.tmarks import format_clock
from warroom.tui.widgets.text import DECISION_STYLE, big_clock, zone_of


class WarHeader(Horizontal):
    DEFAULT_CSS = """
    WarHeader { height: 3; background: $panel; }
    WarHeader #hdr-left { width: 1fr; height: 3; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    WarHeader #hdr-digits { width: auto; height: 3; padding: 0 1; }
    WarHeader #hdr-right { width: auto; min-width: 16; height: 3; padding: 0 1; text-align: right; }
    WarHeader.-narrow { height: 2; }
    WarHeader.-narrow #hdr-digits { display: none; }
    WarHeader.-narrow #hdr-left, WarHeader.-narrow #hdr-right { height: 2; }
    """

    def __init__(self, launch: str = "", read_only: bool = False) -> None:
        super().__init__(id="header")
        self.launch = launch
        self.read_only = read_only
        self.mode = "READ-ONLY"  # what a read-only screen says it is ("REPLAY 12/40" while replaying)
        self.rollback_alerts: dict[str, str] = {}  # criterion id -> text, from the tiles pane
        self.journal_problem: str | None = None  # the journal database cannot be reached: writes are refused

    def compose(self) -> ComposeResult:
        yield Static(Text(self.launch or "warroom", style="bold"), id="hdr-left")
        yield Digits("--:--:--", id="hdr-digits")
        yield Static("", id="hdr-right")

    def show(self, room, now: datetime, narrow: bool) -> None:  # noqa: ANN001 - Room
        try:  # its parts go first at shutdown, while the clock may still tick
            left_w, digits_w, right_w = self.query_one("#hdr-left", Static), self.query_one("#hdr-digits", Digits), self.query_one("#hdr-right", Static)
        except NoMatches:
            return
        self.set_class(narrow, "-narrow")
        layout = room.ws.layout
        cd = room.state.countdown
        view = room.clock(now)
        t = view.t
        zone = zone_of(layout.timezone)
        clock = "NO T-0" if t is None else format_clock(t)
        local = now.astimezone(zone)
        zname = layout.timezone if layout.timezone.upper() != "UTC" else ""
        clocks = Text()
        if zname:
            clocks.append(f"{zname} {local:%H:%M:%S %Z}")
            clocks.append("  ·  ", style="dim")
        clocks.append(f"UTC {now.astimezone(timezone.utc):%H:%M:%S}")
        banner = self._banner(room, view)
        left = Text(no_wrap=True, overflow="ellipsis")
        if narrow:  # two lines: the clock and the banner (or the launch), then the wall clocks first
            left.append(clock, style="bold reverse" if view.state == "HOLD" else "bold")
            left.append("  ")
            left.append_text(banner) if banner.plain else left.append(layout.launch, style="bold")
            left.append("\n")
            left.append_text(clocks)
            if banner.plain:
                left.append("  ")
                left.append(layout.launch, style="bold")
        else:
            left.append(layout.launch, style="bold")
            left.append("\n")
            left.append_text(clocks)
            left.append("\n")
            if banner.plain:
                left.append_text(banner)
            elif t is not None:
                t0 = cd.effective_t0(now)
                if t0 is not None:
                    left.append(f"T-0 at {t0.astimezone(zone):%H:%M:%S}" + (f" {zname}" if zname else " UTC"), style="dim")
            else:
                left.append("no T-0 set" if self.read_only else "no T-0 set: press T to set one", style="dim")
        left_w.update(left)
        digits_w.update(big_clock(t))
        decision = room.decision()
        right = Text()
        right.append(f" {decision.verdict} ", style=DECISION_STYLE.get(decision.verdict, "bold"))
        if self.read_only:
            right.append("\n")
            right.append(f" {self.mode} ", style="bold reverse")
        elif not narrow:
            right.append("\n")
            right.append(room.operator[:28], style="dim")
        if not narrow:
            right.append("\n")
            right.append(f"{len(decision.reasons)} open reason" + ("" if len(decision.reasons) == 1 else "s"), style="dim")
        right_w.update(right)

    def _banner(self, room, view) -> Text:  # noqa: ANN001 - Room, ClockView
        cd = room.state.countdown
        text = Text()
        if self.journal_problem:
            text.append(" ⚡ JOURNAL UNREACHABLE ", style="bold white on red")
            text.append(" writes refused; showing the last state ", style="bold red")
            return text
        if cd.scrubbed:
            text.append(" ✗ SCRUB ", style="bold white on red")
            if cd.scrub_reason:
                text.append(f" {cd.scrub_reason}", style="bold red")
        elif view.auto:
            text.append(" ■ HOLD ", style="bold black on yellow")
            # the key only where it works: a read-only, replay or wall screen says what resumes it
            text.append(" no GO at T-0 · " + ("resumes with a GO or an override" if self.read_only else "r: a GO or an override"),
                        style="bold yellow")
        elif view.builtin:
            left = int(view.builtin_left.total_seconds()) if view.builtin_left is not None else 0
            text.append(" ■ HOLD ", style="bold black on yellow")
            text.append(f" built-in: {view.builtin} · {left // 60}:{left % 60:02d} left", style="bold yellow")
        elif cd.holding:
            text.append(" ■ HOLD ", style="bold black on yellow")
            if cd.hold_reason:
                text.append(f" {cd.hold_reason}", style="bold yellow")
        for cid, ms in room.state.rollbacks.items():
            if ms.state == "cleared":
                self.rollback_alerts.pop(cid, None)
        fired = [cid for cid, ms in room.state.rollbacks.items() if ms.state == "fired"]
        fired += [cid for cid, a in room.state.assessments.items() if a.result == "fired" and cid not in fired]  # by hand
        fired += [cid for cid in self.rollback_alerts if cid not in fired]
        if fired:
            if text.plain:
                text.append("  ")
            text.append(f" ⚠ ROLLBACK: {', '.join(fired)} ", style="bold white on red")
        return text
