"""The countdown timeline: phases with a now marker, what is due in each and what is overdue."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text

from warroom.countdown import phase_index
from warroom.tmarks import format_clock
from warroom.tui.widgets.body_pane import BodyPane
from warroom.tui.widgets.text import RenderOnce, fit, local_time, zone_of


class TimelinePane(BodyPane):
    DEFAULT_TITLE = "Timeline"
    BODY_ID = "timeline-body"

    def show(self, room, now: datetime) -> None:  # noqa: ANN001 - Room
        cd = room.state.countdown
        layout = room.ws.layout
        zone = zone_of(layout.timezone)
        view = room.clock(now)
        t = view.t
        head = Text()
        state_style = {"COUNTING": "bold green", "HOLD": "bold black on yellow", "SCRUB": "bold white on red"}.get(view.state, "bold")
        head.append(f" {view.state} ", style=state_style)
        head.append("  ")
        head.append("no T-0 set" if t is None else format_clock(t), style="bold")
        if cd.attempt > 1:
            head.append(f"  attempt {cd.attempt}", style="dim")
        t0 = cd.effective_t0(now)
        if t0 is not None:
            head.append(f"\nT-0 at {local_time(t0, zone, seconds=True)} {layout.timezone}", style="dim")
        if view.auto_pending or view.builtin:
            head.append(f"\nholding: {view.hold_reason}" + (" (since T-0)" if view.auto_pending else ""), style="yellow")
        elif cd.holding:
            last = cd.holds[-1] if cd.holds else None
            who = f" — {last.by}, since {local_time(last.start, zone)}" if last else ""
            head.append(f"\nholding: {cd.hold_reason}{who}", style="yellow")
        if cd.scrubbed:
            head.append(f"\nscrubbed: {cd.scrub_reason}", style="red")
        if cd.holds:
            head.append(f"\n{len(cd.holds)} hold(s), {cd.recycles} recycle(s) so far", style="dim")
        now_idx = phase_index(layout.phases, t)
        tallies = room.phase_tallies(t)
        rows = []  # (marker, mark, phase, done, flag, style)
        for i, phase in enumerate(layout.phases):
            due, open_, overdue = tallies[i]
            if i == now_idx:
                marker, style = "▶", "bold reverse"
            elif i < now_idx:
                marker, style = "✓" if open_ == 0 else "·", "dim"
            else:
                marker, style = " ", ""
            rows.append((marker, phase.label, phase.name, f"{due - open_}/{due}" if due else "–",
                         f"⚠ {overdue} late" if overdue else "", style))
        mark_w = max([6, *(cell_len(r[1]) for r in rows)])
        name_w = min(16, max([5, *(cell_len(r[2]) for r in rows)]))
        done_w = max([5, *(cell_len(r[3]) for r in rows)])
        table = Text(no_wrap=True, overflow="ellipsis")  # one line a phase, cut at the pane's edge
        table.append(f"  {fit('mark', mark_w)} {fit('phase', name_w)} {fit('done', done_w, right=True)}", style="dim")
        for marker, mark, name, done, flag, style in rows:
            table.append(f"\n{marker} ", style="bold")
            table.append(fit(mark, mark_w), style=style)
            table.append(" ")
            table.append(fit(name, name_w), style=style)
            table.append(f" {fit(done, done_w, right=True)} ")
            table.append(flag, style="bold red")
        if not layout.phases:
            table.append("\nthis layout has no phases", style="dim")
        total_over = room.overdue_count(t)
        foot = Text()
        if total_over:
            foot.append(f"{total_over} item(s) overdue ⚠", style="bold red")
        foot.append("" if not total_over else "\n")
        foot.append("H hold · r resume · R recycle · X scrub · T set T-0", style="dim")
        from rich.console import Group

        self.body.update(RenderOnce(Group(head, Text(""), table, Text(""), foot)))
