"""The countdown timeline: phases with a now marker, what is due in each and what is overdue."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from warroom.countdown import phase_index
from warroom.tmarks import format_clock
from warroom.tui.widgets.body_pane import BodyPane
from warroom.tui.widgets.render import RenderOnce, local_time, zone_of


class TimelinePane(BodyPane):
    DEFAULT_TITLE = "Timeline"
    BODY_ID = "timeline-body"

    def show(self, room, now: datetime) -> None:  # noqa: ANN001 - Room
        cd = room.state.countdown
        layout = room.ws.layout
        zone = zone_of(layout.timezone)
        t = cd.t(now)
        head = Text()
        state_style = {"COUNTING": "bold green", "HOLD": "bold black on yellow", "SCRUB": "bold white on red"}.get(cd.state, "bold")
        head.append(f" {cd.state} ", style=state_style)
        head.append("  ")
        head.append("no T-0 set" if t is None else format_clock(t), style="bold")
        if cd.attempt > 1:
            head.append(f"  attempt {cd.attempt}", style="dim")
        t0 = cd.effective_t0(now)
        if t0 is not None:
            head.append(f"\nT-0 at {local_time(t0, zone, seconds=True)} {layout.timezone}", style="dim")
        if cd.holding:
            last = cd.holds[-1] if cd.holds else None
            who = f" — {last.by}, since {local_time(last.start, zone)}" if last else ""
            head.append(f"\nholding: {cd.hold_reason}{who}", style="yellow")
        if cd.scrubbed:
            head.append(f"\nscrubbed: {cd.scrub_reason}", style="red")
        if cd.holds:
            head.append(f"\n{len(cd.holds)} hold(s), {cd.recycles} recycle(s) so far", style="dim")
        table = Table.grid(padding=(0, 1))
        table.add_column(width=1)
        table.add_column(no_wrap=True, min_width=6)
        table.add_column(no_wrap=True, overflow="ellipsis", max_width=16)
        table.add_column(justify="right", no_wrap=True, min_width=5)
        table.add_column(no_wrap=True, min_width=4)
        table.add_row("", Text("mark", style="dim"), Text("phase", style="dim"), Text("done", style="dim"), "")
        now_idx = phase_index(layout.phases, t)
        tallies = room.phase_tallies(t)
        for i, phase in enumerate(layout.phases):
            due, open_, overdue = tallies[i]
            if i == now_idx:
                marker, style = "▶", "bold reverse"
            elif i < now_idx:
                marker, style = "✓" if open_ == 0 else "·", "dim"
            else:
                marker, style = " ", ""
            due_text = f"{due - open_}/{due}" if due else "–"
            flag = Text(f"⚠ {overdue} late", style="bold red") if overdue else Text("")
            table.add_row(Text(marker, style="bold"), Text(phase.label, style=style), Text(phase.name, style=style), due_text, flag)
        if not layout.phases:
            table.add_row("", "", Text("this layout has no phases", style="dim"), "", "")
        total_over = room.overdue_count(t)
        foot = Text()
        if total_over:
            foot.append(f"{total_over} item(s) overdue ⚠", style="bold red")
        foot.append("" if not total_over else "\n")
        foot.append("h hold · r resume · R recycle · X scrub · T set T-0", style="dim")
        from rich.console import Group

        self.body.update(RenderOnce(Group(head, Text(""), table, Text(""), foot)))
