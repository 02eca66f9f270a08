"""A tile in full (Enter on a tile in the metrics pane): where its value comes from (source,
URL with secrets hidden, query, unit), what it must meet (thresholds, ``for``), the criteria and
rollback triggers bound to it, its state, last value and age, last error, and its whole history
in the metric history as a chart with the threshold line and the breaches marked.

Live, the history is read in a worker when the screen opens and followed while it is open (the
samples the poller appends); replaying, it is the history up to the moment shown. The chart is
``tile_history.tile_chart``, the one ``M`` draws for every tile."""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from warroom.metrics.evaluate import GLYPHS, NO_DATA, format_age
from warroom.metrics.history import HistSample
from warroom.tui.screens.base import DialogScreen, ScrollingBox
from warroom.tui.screens.tile_history import tile_chart
from warroom.tui.widgets.tiles import STATE_STYLE

CHART_HEIGHT = 8
LABEL = 11  # the width of the field names


def _seconds(s: float) -> str:
    return f"{s:g}s" if s < 60 else format_age(s)


class TileDetailsScreen(ScrollingBox, DialogScreen[None]):
    SCROLL_BOX = "#details-box"

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="tile_details.close"),
        Binding("j,down", "scroll_down", "Down", id="tile_details.down", show=False),
        Binding("k,up", "scroll_up", "Up", id="tile_details.up", show=False),
        Binding("g,home", "scroll_home", "Top", id="tile_details.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="tile_details.bottom", show=False),
    ]

    def __init__(self, ws: Any, spec: Any, result: Callable[[], Any], *, journal_path: Any = None,
                 history: list[HistSample] | None = None, until: float | None = None) -> None:
        """``result()``: the tile's verdict now (the pane's). ``history``: the samples to chart
        (replaying, with ``until`` the moment shown); None: read them from the metric history
        beside ``journal_path`` and follow it."""
        super().__init__()
        self.ws = ws
        self.spec = spec
        self.result = result
        self.journal_path = journal_path
        self.until = until
        self.samples: list[HistSample] | None = None
        self._follow: Any = None
        if history is not None:
            self.samples = [s for s in history if until is None or s.t <= until]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="details-box"):
            yield Label(f"Tile details — {self.spec.label}", classes="dialog-title", markup=False)
            yield Static(self.render_tile(), id="tile-body")
            yield Label("j/k scroll · escape closes", classes="dialog-keys")

    def on_mount(self) -> None:
        if self.samples is None and self.journal_path is not None:
            self.run_worker(self._read_history, thread=True, name="tile-history", exit_on_error=False)
        self.set_interval(1.0, self._redraw, name="tile-details")
        self.call_after_refresh(self._redraw)  # the chart as wide as the box turned out

    def on_resize(self, event: Any) -> None:
        self._redraw()

    # -- the history -----------------------------------------------------------------------------
    def _read_history(self) -> None:
        from warroom.metrics.history import MetricHistory

        follow = MetricHistory.for_journal(self.journal_path)
        try:
            rows = [s for s in follow.load() if s.tile == self.spec.name]
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"the metric history cannot be read: {exc.strerror or exc}", severity="warning")
            rows = []
        rows.sort(key=lambda s: s.t)
        self.app.call_from_thread(self._history_read, follow, rows)

    def _history_read(self, follow: Any, rows: list[HistSample]) -> None:
        self._follow, self.samples = follow, rows
        self._redraw()

    def _redraw(self) -> None:
        if self._follow is not None and self.samples is not None:
            try:
                self.samples += [s for s in self._follow.poll() if s.tile == self.spec.name]
            except OSError:
                pass
        for body in self.query("#tile-body").results(Static):
            body.update(self.render_tile())

    # -- drawing ---------------------------------------------------------------------------------
    def _chart_width(self) -> int:
        """The box's width inside its border, padding and scroll bar, less the value labels."""
        boxes = self.query("#details-box")
        inside = boxes.first().scrollable_content_region.width if boxes else 0
        if not inside:  # not composed or laid out yet
            inside = min(140, self.app.size.width * 98 // 100) - 2 - 4 - 1
        return max(10, inside - 10)

    def _field(self, out: Text, name: str, value: str | Text, style: str = "") -> None:
        out.append(f"{name:<{LABEL}}", style="dim")
        if isinstance(value, Text):
            out.append_text(value)
        else:
            out.append(value, style=style)
        out.append("\n")

    def render_tile(self) -> Text:
        spec, r = self.spec, self.result()
        state = r.state if r is not None else NO_DATA
        out = Text()
        out.append(f"{GLYPHS.get(state, '?')} {state}", style=STATE_STYLE.get(state, ""))
        out.append(f"  {spec.label}", style="bold")
        out.append(f"  ({spec.name})\n\n", style="dim")
        value = Text()
        if r is not None and r.display:
            value.append(r.display, style="bold")
            age = r.value_age if r.value_age is not None else r.age
            if age is not None:
                value.append(f" · {format_age(age)} ago", style="dim")
        else:
            value.append("no value yet", style="dim")
        self._field(out, "value", value)
        if r is not None and r.series:
            self._field(out, "series", "  ·  ".join(f"{labels} {shown}" for labels, shown in r.series[:5])
                        + (f"  (+{r.series_total - 5})" if r.series_total > 5 else ""))
        if r is not None and r.polled_at is not None and r.age is not None:
            self._field(out, "polled", f"{format_age(r.age)} ago", "dim")
        self._field(out, "last error", (r.error if r is not None and r.error else "none"),
                    STATE_STYLE.get(state, "") if r is not None and r.error else "dim")
        out.append("\n")
        self._field(out, "source", spec.source)
        if spec.url:
            self._field(out, "url", spec.secret_free_url())
        for name, text in (("query", spec.query), ("path", spec.path), ("check", spec.check), ("pattern", spec.pattern),
                           ("aggregate", spec.aggregate)):
            if text:
                self._field(out, name, text)
        unit = spec.unit or "(none)"
        if spec.source_unit and spec.source_unit != spec.unit:
            unit += f" (the source's: {spec.source_unit})"
        if spec.scale != 1.0:
            unit += f" × {spec.scale:g}"
        self._field(out, "unit", unit)
        want = Text()
        if spec.crit is not None:
            want.append(f"crit {spec.crit.text}", style="red")
        if spec.warn is not None:
            want.append(" · " if want else "")
            want.append(f"warn {spec.warn.text}", style="yellow")
        if spec.for_:
            want.append(f" · for {_seconds(spec.for_)}", style="dim")
        self._field(out, "threshold", want if want else Text("none", style="dim"))
        self._field(out, "every", f"{_seconds(spec.interval)} · timeout {_seconds(spec.timeout)} · "
                    f"stale after {_seconds(spec.stale_after)}", "dim")
        bound = [c for c in self.ws.layout.criteria if c.tile == spec.name]
        if not bound:
            self._field(out, "bound to", "no criterion or rollback trigger", "dim")
        for i, c in enumerate(bound):
            line = Text()
            line.append("rollback trigger " if c.kind == "rollback" else "go/no-go ", style="bold red" if c.kind == "rollback" else "bold")
            line.append(c.id)
            line.append(f"  {c.name}", style="dim")
            if c.threshold:
                line.append(f"  {c.threshold}")
            self._field(out, "bound to" if i == 0 else "", line)
        out.append("\n")
        samples = self.samples
        if samples is None:
            out.append("History", style="bold underline")
            out.append("\n  reading the metric history …\n" if self.journal_path is not None
                       else "\n  this journal keeps no metric history here\n", style="dim")
            return out
        breaches = sum(1 for s in samples if s.state in ("CRIT", "PENDING", "WARN", "ERROR"))
        out.append("History", style="bold underline")
        out.append(f"  {len(samples)} sample{'s' if len(samples) != 1 else ''}"
                   + (f", {breaches} breaching" if breaches else "")
                   + (" — up to the moment replayed" if self.until is not None else "") + "\n", style="dim")
        out.append_text(tile_chart(spec, samples, self._chart_width(), CHART_HEIGHT))
        return out

    def action_close(self) -> None:
        self.dismiss(None)
