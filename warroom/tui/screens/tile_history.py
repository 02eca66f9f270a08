"""`H`: every tile's history over the launch as a chart with its threshold, breaches marked.

Drawn with Rich text from ``warroom.metrics.chart`` (block characters, no plotting library):
it reads in 16 colours and over SSH, and it draws the same in a snapshot as on a terminal."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from warroom.metrics.chart import text_chart
from warroom.metrics.history import HistSample
from warroom.tui.screens.base import DialogScreen, ScrollingBox

CHART_HEIGHT = 6


class TileHistoryScreen(ScrollingBox, DialogScreen[None]):
    SCROLL_BOX = "#why-box"

    BINDINGS = [
        Binding("escape,q,H", "close", "Close", id="history.close"),
        Binding("j,down", "scroll_down", "Down", id="history.down", show=False),
        Binding("k,up", "scroll_up", "Up", id="history.up", show=False),
    ]

    def __init__(self, ws, history: dict[str, list[HistSample]], until: float | None = None) -> None:  # noqa: ANN001 - Workspace
        super().__init__()
        self.ws = ws
        self.history = history
        self.until = until  # replaying: the samples up to the moment shown

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-box"):
            yield Label("Metric history", classes="dialog-title")
            yield Static(self.render_charts(), id="history-body")
            yield Label("j/k scroll · escape closes", classes="dialog-keys")

    def render_charts(self, width: int = 60) -> Text:
        out = Text()
        for spec in self.ws.layout.tiles:
            samples = self.history.get(spec.name, [])
            if self.until is not None:
                samples = [s for s in samples if s.t <= self.until]
            out.append(f"{spec.label}", style="bold")
            out.append(f"  threshold {spec.threshold_text or 'none'}\n", style="dim")
            out.append_text(tile_chart(spec, samples, width, CHART_HEIGHT))
            out.append("\n")
        if not self.ws.layout.tiles:
            out.append("This layout has no metric tiles.", style="dim")
        return out

    def action_close(self) -> None:
        self.dismiss(None)


def tile_chart(spec: Any, samples: list[HistSample], width: int, height: int) -> Text:
    """One tile's samples as a chart: its crit threshold as a dashed red row, the columns that
    breached in bold red and marked ✗ on the line under it, then the time span."""
    out = Text()
    threshold = spec.crit.target if spec.crit is not None and isinstance(spec.crit.target, (int, float)) else None
    chart = text_chart(samples, width, height, threshold, spec.unit)
    if chart is None:
        out.append("  no numeric samples in the metric history yet\n", style="dim")
        return out
    for r, row in enumerate(chart.rows):
        label = chart.top if r == 0 else chart.bottom if r == len(chart.rows) - 1 else ""
        out.append(f"{label:>9} ", style="dim")
        for ch, bad in zip(row, chart.bad):
            if r == chart.threshold_row and ch == "┄":
                out.append(ch, style="red")
            else:
                out.append(ch, style="bold red" if bad else "green")
        out.append("\n")
    marks = "".join("✗" if bad else " " for bad in chart.bad)
    out.append(f"{'breach':>9} ", style="dim")
    out.append(marks + "\n", style="bold red")
    out.append(f"{'':>9} {chart.span}\n", style="dim")
    return out
