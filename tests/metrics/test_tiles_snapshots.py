"""Snapshot tests of the tiles pane: a tile in each state, with scaled units and several series,
at 80x24 (the compact form: they do not all fit in full) and 200x60 (the full form); and a real
dashboard's worth (22 tiles) at 160x48, every one on screen.

The clock is frozen (injected) and samples are fed directly, so the pictures are stable.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from metrics_support import write_layout
from warroom.metrics.sample import Sample
from warroom.state import LaunchState
from warroom.tui.widgets.tiles import TilesPane
from warroom.workspace import load_workspace

NOW = 1_800_000_000.0
TILES = """
tiles:
  - {name: ok, label: API p95 latency, source: json, url: "http://127.0.0.1:9/h", path: p95, unit: ms, threshold: "< 500ms"}
  - {name: warn, label: DB latency, source: json, url: "http://127.0.0.1:9/h", path: db, unit: ms, threshold: {warn: "< 400ms", crit: "< 500ms"}}
  - {name: crit, label: Error rate, source: json, url: "http://127.0.0.1:9/h", path: err, unit: "%", threshold: "< 1%"}
  - {name: pending, label: Queue depth, source: json, url: "http://127.0.0.1:9/h", path: q, threshold: "< 50", for: 5m}
  - {name: stale, label: Availability, source: json, url: "http://127.0.0.1:9/h", path: a, unit: "%", threshold: ">= 99.8%"}
  - {name: error, label: Checkout health, source: json, url: "http://127.0.0.1:9/h", path: s, threshold: '== "ok"'}
  - {name: nodata, label: Refund p95, source: prometheus, url: "http://127.0.0.1:9/metrics", select: refund_seconds, quantile: 0.95, unit: ms}
  - {name: routes, label: p95 by route, source: promql, url: "http://127.0.0.1:9", query: "p95 by route", source_unit: s, unit: ms, threshold: "< 500ms"}
  - {name: egress, label: Egress, source: json, url: "http://127.0.0.1:9/h", path: b, unit: B}
  - {name: rps, label: Requests, source: json, url: "http://127.0.0.1:9/h", path: r, unit: req/s, threshold: "> 100"}
"""

FEED = {
    "ok": [(NOW - 20, 310.0), (NOW - 15, 290.0), (NOW - 10, 350.0), (NOW - 5, 330.0), (NOW - 3, 412.0)],
    "warn": [(NOW - 12, 120.0), (NOW - 7, 300.0), (NOW - 2, 450.0)],
    "crit": [(NOW - 9, 0.4), (NOW - 4, 2.7)],
    "pending": [(NOW - 70, 20.0), (NOW - 64, 80.0), (NOW - 4, 95.0)],
    "stale": [(NOW - 95, 99.9), (NOW - 90, 99.95)],
}


class TilesApp(App):
    def __init__(self, layout: Path) -> None:
        super().__init__()
        self.ws = load_workspace(layout)

    def compose(self) -> ComposeResult:
        yield TilesPane(self.ws, None, lambda: LaunchState(self.ws), id="tiles", autostart=False, clock=lambda: NOW)

    def on_mount(self) -> None:
        pane = self.query_one(TilesPane)
        for name, points in FEED.items():
            for t, v in points:
                pane.feed(name, Sample(t, value=v))
        pane.feed("error", Sample(NOW - 40, text="ok"))
        pane.feed("error", Sample(NOW - 1, error="connection refused by 127.0.0.1:9", extra={"retry_in": 20.0}))
        pane.feed("nodata", Sample(NOW - 2, nodata="a rate needs a second sample"))
        # samples as the extractors make them, in the tile's unit: shown scaled, 4 significant digits
        series = [("route=/checkout", 412.3456), ("route=/refund", 123.4), ("route=/cart", 98.7), ("route=/health", 2.0)]
        pane.feed("routes", Sample(NOW - 7, value=380.0))
        pane.feed("routes", Sample(NOW - 2, value=412.3456, series=series, series_total=4))
        for t, v in ((NOW - 6, 1.5 * 1024 ** 3), (NOW - 1, 3.2e9)):
            pane.feed("egress", Sample(t, value=v))
        for t, v in ((NOW - 6, 15000.0), (NOW - 1, 15234.0)):
            pane.feed("rps", Sample(t, value=v))


@pytest.fixture()
def layout(tmp_path: Path) -> Path:
    return write_layout(tmp_path, TILES)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_tiles_every_state(snap_compare, layout: Path, size: tuple[int, int]) -> None:
    assert snap_compare(TilesApp(layout), terminal_size=size)


def test_tiles_states_as_fed(layout: Path) -> None:
    """What the snapshots show, asserted: one tile in each state."""
    import asyncio

    async def run() -> dict[str, str]:
        app = TilesApp(layout)
        async with app.run_test(size=(80, 24)):
            pane = app.query_one(TilesPane)
            return {n: r.state for n, r in pane.results.items()}

    states = asyncio.run(run())
    assert states == {"ok": "OK", "warn": "WARN", "crit": "CRIT", "pending": "PENDING", "stale": "STALE",
                      "error": "ERROR", "nodata": "NO DATA", "routes": "OK", "egress": "OK", "rps": "OK"}


def test_tiles_layout_without_tiles(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(TilesApp(write_layout(tmp_path, "")), terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_state_is_legible_in_16_colours(layout: Path, size: tuple[int, int], invisible_glyphs) -> None:  # noqa: ANN001
    app = TilesApp(layout)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert invisible_glyphs(app) == []


def _dashboard(n: int = 22) -> str:
    lines = ["tiles:"]
    for i in range(n):
        lines.append(f'  - {{name: t{i}, label: "Service {i} p95", source: json, url: "http://127.0.0.1:9/h", path: v, '
                     f'source_unit: s, unit: ms, threshold: "< 500ms"}}')
    return "\n".join(lines) + "\n"


class DashboardApp(App):
    """A tiles pane at the demo layout's share of a 160x48 screen (one column of three)."""

    CSS = "#tiles { width: 54; border: round $panel-lighten-2; }"

    def __init__(self, layout: Path) -> None:
        super().__init__()
        self.ws = load_workspace(layout)

    def compose(self) -> ComposeResult:
        yield TilesPane(self.ws, None, lambda: LaunchState(self.ws), id="tiles", autostart=False, clock=lambda: NOW)

    def on_mount(self) -> None:
        pane = self.query_one(TilesPane)
        for i in range(22):
            for k in range(6):
                value = 120.0 + 17 * i + 9 * k + (400 if i == 5 and k == 5 else 0)
                pane.feed(f"t{i}", Sample(NOW - 30 + 5 * k, value=value))
        pane.feed("t9", Sample(NOW - 1, error="connection refused by 127.0.0.1:9"))


@pytest.fixture()
def dashboard(tmp_path: Path) -> Path:
    return write_layout(tmp_path, _dashboard())


def test_a_real_dashboard_fits_at_160x48(snap_compare, dashboard: Path) -> None:
    assert snap_compare(DashboardApp(dashboard), terminal_size=(160, 48))


async def test_22_tiles_are_all_on_screen_at_160x48(dashboard: Path) -> None:
    from warroom.tui.widgets.tiles import TileView

    app = DashboardApp(dashboard)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.pause()
        pane = app.query_one(TilesPane)
        views = list(pane.query(TileView))
        assert len(views) == 22 and all(v.compact for v in views)
        visible = pane.content_region
        assert all(visible.contains_region(v.region) for v in views), [v.region for v in views if not visible.contains_region(v.region)]
        assert pane.virtual_size.height <= pane.scrollable_content_region.height


async def test_tiles_are_full_when_they_fit(layout: Path) -> None:
    from warroom.tui.widgets.tiles import TileView

    app = TilesApp(layout)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert not any(v.compact for v in app.query(TileView))
    app = TilesApp(layout)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert all(v.compact for v in app.query(TileView))
