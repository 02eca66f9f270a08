"""Snapshot tests of the tiles pane: a tile in each state, at 80x24 and 200x60.

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
        pane.feed("error", Sample(NOW - 1, error="connection refused by 127.0.0.1:9", extra={"retry_in": 20.0}))
        pane.feed("nodata", Sample(NOW - 2, nodata="a rate needs a second sample"))


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
                      "error": "ERROR", "nodata": "NO DATA"}


def test_tiles_layout_without_tiles(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(TilesApp(write_layout(tmp_path, "")), terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_state_is_legible_in_16_colours(layout: Path, size: tuple[int, int], invisible_glyphs) -> None:  # noqa: ANN001
    app = TilesApp(layout)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert invisible_glyphs(app) == []
