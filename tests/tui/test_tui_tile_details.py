"""A tile's details (Enter on a tile in the metrics pane): its source, query, unit, thresholds,
the criteria and triggers bound to it, its state, last value and error, and its whole history as
a chart with the threshold line and the breaches marked. Snapshots at 80x24 and 200x60 on a
frozen clock, the 16-colour check, the keys (j/k move and scroll, Enter opens, Escape closes),
the history followed while the details are open, and the palette entry.

The tiles are fed fixed samples (another screen holds the poller's lease, and the pane's poller
is stopped) and the metric history is a real file beside the journal written before the screen
opens."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from tui_support import FROZEN, loaded, make_app, shop_room, until

from warroom.metrics.evaluate import TileEvaluator
from warroom.metrics.history import (
    HistSample,
    Lease,
    MetricHistory,
    history_path,
    lease_path,
)
from warroom.metrics.sample import Sample

NOW = FROZEN.timestamp()
CHECKLIST = """\
id: shop
title: Shop launch
sections:
  - id: pre
    title: Pre-launch
    items:
      - {id: freeze, text: Code freeze announced, owner: Tech Lead}
      - {id: backup, text: Database backup verified, owner: Operations, critical: true}
"""
LAYOUT = """\
launch: Shop v3
timezone: UTC
checklists: [../checklists/shop.yaml]
roles:
  - {name: Tech Lead, person: Ada}
criteria:
  - {id: p95-ok, name: p95 under 500 ms, tile: p95}
rollback:
  - {id: p95-rollback, name: p95 above 800 ms, tile: p95, threshold: "> 800ms"}
tiles:
  - {name: p95, label: API p95, source: promql, url: "http://user:hunter2@127.0.0.1:9", query: "histogram_quantile(0.95, sum by (le) (rate(http_seconds_bucket[5m])))", source_unit: s, unit: ms, threshold: {warn: "< 400ms", crit: "< 500ms"}, for: 30s, interval: 10s}
  - {name: errors, label: Error rate, source: json, url: "http://127.0.0.1:9/h", path: e, unit: "%", threshold: "< 1%", interval: 10s}
screen:
  columns: 2
  rows: 1
  panes:
    - {pane: checklist, checklist: shop, row: 1, column: 1}
    - {pane: tiles, row: 1, column: 2}
"""


def history() -> list[HistSample]:
    """Ten minutes of p95 every 10 s: fine, then a breach (CRIT) for a minute and a half, then fine."""
    out = []
    for i in range(60):
        t = NOW - 600 + 10 * i
        v = 650.0 + 5 * (i % 3) if 30 <= i < 39 else 200.0 + 3 * (i % 7) + i
        state = "CRIT" if v >= 500 else "OK"
        out.append(HistSample(t, "p95", v, state, state == "OK"))
        out.append(HistSample(t, "errors", 0.2, "OK", True))
    return out


@pytest.fixture
def room(tmp_path: Path) -> tuple[Path, Path]:
    layout, journal_path = shop_room(tmp_path, CHECKLIST, LAYOUT, timedelta(minutes=30))
    MetricHistory(history_path(journal_path)).append(history())
    # another screen holds the poller's lease: this one follows the history and polls nothing
    Lease(lease_path(journal_path), holder="another screen").acquire()
    return layout, journal_path


async def fed(pilot) -> None:  # noqa: ANN001
    """The poller stopped, then the tiles fed their last samples on the frozen clock."""
    from warroom.tui.widgets.tiles import TilesPane

    app = pilot.app
    await loaded(pilot)
    pane = app.main_screen.query_one(TilesPane)
    pane.stop_polling()
    await asyncio.wait_for(app.workers.wait_for_complete(), 10)
    await pilot.pause()
    pane.clock = lambda: NOW
    pane.monitor.evaluators = {s.name: TileEvaluator(s) for s in pane.specs}
    for v, ago in ((230.5, 22), (241.0, 12), (262.4, 2)):
        pane.feed("p95", Sample(NOW - ago, value=v))
    pane.feed("errors", Sample(NOW - 30, value=0.2))
    pane.feed("errors", Sample(NOW - 3, error="connection refused by 127.0.0.1:9"))
    pane._tick()
    await pilot.pause()


async def open_details(pilot, down: int = 0) -> None:  # noqa: ANN001
    from warroom.tui.screens.tile_details import TileDetailsScreen
    from warroom.tui.widgets.tiles import TilesPane

    app = pilot.app
    await fed(pilot)
    app.main_screen.show_pane(1)
    await pilot.pause()
    assert app.focused is app.main_screen.query_one(TilesPane)
    for _ in range(down):
        await pilot.press("j")
    await pilot.press("enter")
    assert await until(pilot, lambda: isinstance(app.screen, TileDetailsScreen))
    assert await until(pilot, lambda: app.screen.samples is not None)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_a_tiles_details_with_its_history(snap_compare, room, size: tuple[int, int]) -> None:  # noqa: ANN001
    layout, journal_path = room
    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=open_details)


async def test_the_details_say_everything_about_the_tile(room) -> None:  # noqa: ANN001
    layout, journal_path = room
    app = make_app(layout, journal_path)
    async with app.run_test(size=(200, 60)) as pilot:
        await open_details(pilot)
        body = str(app.screen.query_one("#tile-body").render())
        for text in ("OK  API p95  (p95)", "262.4 ms · 2s ago", "last error none", "source     promql",
                     "http://user:***@127.0.0.1:9", "histogram_quantile(0.95", "unit       ms (the source's: s)",
                     "crit < 500ms · warn < 400ms · for 30s", "go/no-go p95-ok", "rollback trigger p95-rollback",
                     "> 800ms", "60 samples, 9 breaching", "┄", "✗"):
            assert text in body, text
        assert "hunter2" not in body
        marks = body.split("   breach ", 1)[1].split("\n", 1)[0]
        assert marks.count("✗") == 9  # wide enough for a column a sample: the 9 breaching ones, and only they


async def test_j_k_pick_the_tile_enter_opens_j_scrolls_escape_closes(room) -> None:  # noqa: ANN001
    from warroom.tui.widgets.tiles import TilesPane

    layout, journal_path = room
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_details(pilot, down=1)  # j: the second tile
        body = str(app.screen.query_one("#tile-body").render())
        assert "Error rate  (errors)" in body and "connection refused by 127.0.0.1:9" in body
        assert "path       e" in body and "no criterion or rollback trigger" in body
        box = app.screen.query_one("#details-box")
        assert box.max_scroll_y > 0  # 80x24 cannot hold it all: j scrolls
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert box.scroll_y > 0
        await pilot.press("k")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen
        await pilot.press("k", "enter")  # back to the first tile
        assert await until(pilot, lambda: app.screen is not app.main_screen)
        assert "API p95  (p95)" in str(app.screen.query_one("#tile-body").render())
        await pilot.press("escape")
        await pilot.pause()
        pane = app.main_screen.query_one(TilesPane)
        assert pane.cursor == 0 and pane.views["p95"].cursor and not pane.views["errors"].cursor


async def test_the_details_follow_the_metric_history_while_open(room) -> None:  # noqa: ANN001
    layout, journal_path = room
    app = make_app(layout, journal_path)
    async with app.run_test(size=(200, 60)) as pilot:
        await open_details(pilot)
        assert len(app.screen.samples) == 60
        MetricHistory(history_path(journal_path)).append([HistSample(NOW + 1, "p95", 990.0, "CRIT", False),
                                                          HistSample(NOW + 1, "errors", 0.3, "OK", True)])
        assert await until(pilot, lambda: len(app.screen.samples) == 61, timeout=5)
        assert await until(pilot, lambda: "61 samples, 10 breaching" in str(app.screen.query_one("#tile-body").render()))


async def test_the_palette_opens_the_highlighted_tiles_details(room) -> None:  # noqa: ANN001
    from warroom.tui.screens.tile_details import TileDetailsScreen

    layout, journal_path = room
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(pilot)
        entries = {name: (hint, run) for name, hint, run in app.palette_commands()}
        hint, run = entries["Tile details"]
        assert hint.startswith("enter:")
        run()
        assert await until(pilot, lambda: isinstance(app.screen, TileDetailsScreen))
        assert app.screen.spec.name == "p95"


async def test_the_details_in_16_colours(room, invisible_glyphs) -> None:  # noqa: ANN001
    layout, journal_path = room
    app = make_app(layout, journal_path)
    async with app.run_test(size=(200, 60)) as pilot:
        await open_details(pilot)
        assert invisible_glyphs(app) == []
