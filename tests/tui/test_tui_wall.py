"""The wall (``warroom open LAYOUT --wall``): one snapshot per decision state at 240x67 with a
frozen clock, the 16-colour check, and that it is read-only with no key hints and no cursor.

Tiles are fed fixed samples (the poller is stopped first) on the frozen clock, so the frames
do not depend on a live endpoint; the metrics tests poll real servers.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tui_support import FROZEN, append, loaded, make_app, shop_room, until

from warroom.metrics.evaluate import TileEvaluator
from warroom.metrics.sample import Sample

WALL = (240, 67)
NOW = FROZEN.timestamp()
CHECKLIST = """\
id: shop
title: Shop launch
sections:
  - id: pre
    title: Pre-launch
    items:
      - {id: freeze, text: Code freeze announced, owner: Tech Lead, phase: T-1h}
      - {id: backup, text: Database backup verified, owner: Operations, critical: true, phase: T-1h}
      - {id: flags, text: Feature flags staged at 0 %, owner: Tech Lead, phase: T-0}
      - {id: canary, text: Canary at 5 % for 10 minutes, owner: Operations, phase: T+1h}
"""
LAYOUT = """\
launch: Shop v3
timezone: UTC
checklists: [../checklists/shop.yaml]
phases:
  - {mark: T-1h, name: Final checks}
  - {mark: T-0, name: Launch}
  - {mark: T+1h, name: Watch}
roles:
  - {name: Tech Lead, person: Ada}
  - {name: Operations, person: Sam}
tiles:
  - {name: p95, label: API p95, source: promql, url: "http://127.0.0.1:9", query: "p95 by route", source_unit: s, unit: ms, threshold: "< 500ms"}
  - {name: errors, label: Error rate, source: json, url: "http://127.0.0.1:9/h", path: e, unit: "%", threshold: "< 1%"}
  - {name: bytes, label: Egress, source: json, url: "http://127.0.0.1:9/h", path: b, unit: B}
  - {name: health, label: Health, source: http, url: "http://127.0.0.1:9/h", check: status, threshold: "== 200"}
screen:
  columns: 1
  rows: 1
  panes:
    - {pane: tiles, row: 1, column: 1}
"""


def feed_samples(state: str) -> dict[str, list[Sample]]:
    # samples as the extractors make them: in the tile's unit (ms here)
    p95 = [Sample(NOW - 20 + i * 5, value=v) for i, v in enumerate([210.1, 229.9, 241.2])]
    p95.append(Sample(NOW - 2, value=312.5, series=[("route=/checkout", 312.5), ("route=/cart", 123.4)], series_total=2))
    errors = [Sample(NOW - 9, value=0.21), Sample(NOW - 4, value=0.1963 if state != "NO-GO" else 2.5)]
    egress = [Sample(NOW - 6, value=1536.0 * 1024), Sample(NOW - 1, value=3.2e9)]
    health = [Sample(NOW - 40, value=200.0, display="200"), Sample(NOW - 1, error="connection refused by 127.0.0.1:9")]
    return {"p95": p95, "errors": errors, "bytes": egress, "health": health}


@pytest.fixture
def wall_room(tmp_path: Path) -> tuple[Path, Path]:
    return shop_room(tmp_path, CHECKLIST, LAYOUT, timedelta(minutes=8))


def set_up(layout: Path, journal_path: Path, state: str) -> None:
    """Journal events that put the launch in ``state``."""
    if state in ("GO", "NO-GO"):
        append(layout, journal_path, "tick", "shop/pre/backup", op="sam")
        append(layout, journal_path, "sign", "Tech Lead", "GO", "flags ready", op="ada")
        append(layout, journal_path, "sign", "Operations", "GO" if state == "GO" else "NO-GO",
               "" if state == "GO" else "backup restore untested", op="sam")
    elif state == "HOLD":
        append(layout, journal_path, "hold", "waiting for the payment provider's window", op="director")
    elif state == "SCRUB":
        append(layout, journal_path, "scrub", "provider outage", op="director")


async def stop_tiles_and_feed(pilot, state: str) -> None:  # noqa: ANN001
    """Stop the poller, then feed fixed samples on the frozen clock."""
    from warroom.tui.widgets.tiles import TilesPane

    app = pilot.app
    await loaded(pilot)
    pane = app.main_screen.query_one(TilesPane)
    pane.stop_polling()  # nothing is polled from here on
    import asyncio
    await asyncio.wait_for(app.workers.wait_for_complete(), 10)
    await pilot.pause()
    pane.clock = lambda: NOW
    pane.monitor.evaluators = {s.name: TileEvaluator(s) for s in pane.specs}
    for name, samples in feed_samples(state).items():
        for sample in samples:
            pane.feed(name, sample)
    pane._tick()
    assert await until(pilot, lambda: app.room.tiles.get("p95") is not None and app.room.tiles["p95"].polled_at == NOW - 2)
    await pilot.pause()


STATES = ["GO", "NO-GO", "PENDING", "HOLD", "SCRUB"]


@pytest.mark.parametrize("state", STATES)
def test_the_wall_in_each_decision_state(snap_compare, wall_room, state: str) -> None:  # noqa: ANN001
    layout, journal_path = wall_room
    set_up(layout, journal_path, state)

    async def ready(pilot) -> None:  # noqa: ANN001
        await stop_tiles_and_feed(pilot, state)

    assert snap_compare(make_app(layout, journal_path, wall=True), terminal_size=WALL, run_before=ready)


@pytest.mark.parametrize("state, verdict, reasons", [
    ("GO", "GO", 0), ("NO-GO", "NO-GO", 1), ("PENDING", "PENDING", 3), ("SCRUB", "NO-GO", 4)])
async def test_the_wall_shows_what_the_snapshots_show(wall_room, state: str, verdict: str, reasons: int) -> None:  # noqa: ANN001
    """The banner's verdict and open-reason count, the tiles' scaled values, overdue and ticker."""
    from warroom.tui.widgets.wall import BigTile, DecisionBanner, DueBoard, Ticker

    layout, journal_path = wall_room
    set_up(layout, journal_path, state)
    app = make_app(layout, journal_path, wall=True)
    async with app.run_test(size=WALL) as pilot:
        await stop_tiles_and_feed(pilot, state)
        assert app.room.decision().verdict == verdict and len(app.room.decision().reasons) == reasons
        banner = app.screen.query_one(DecisionBanner).plain
        assert ("ALL CLEAR" if reasons == 0 else f"{reasons} OPEN REASON") in banner
        tiles = {t.tile_name: t for t in app.screen.query(BigTile)}
        assert app.room.tiles["p95"].display == "312.5 ms" and app.room.tiles["bytes"].display == "2.98 GiB"
        assert tiles["health"].has_class("-error")
        assert "connection refused" in tiles["health"].plain
        assert "route=/checkout" in tiles["p95"].plain
        due = app.screen.query_one(DueBoard).plain
        assert "DUE NOW (next 15 min) 1" in due and "Feature flags" in due
        assert f"OVERDUE {1 if state in ('GO', 'NO-GO') else 2}" in due  # the backup is ticked for a sign-off
        assert "T-0 set" in app.screen.query_one(Ticker).plain


async def test_the_wall_follows_the_journal(wall_room) -> None:  # noqa: ANN001
    """Another operator's sign-off reaches the wall through the journal, like the main screen."""
    from warroom.tui.widgets.wall import Ticker

    layout, journal_path = wall_room
    app = make_app(layout, journal_path, wall=True)
    async with app.run_test(size=WALL) as pilot:
        await loaded(pilot)
        append(layout, journal_path, "sign", "Tech Lead", "NO-GO", "flags not staged", op="ada")
        assert await until(pilot, lambda: app.room.decision().verdict == "NO-GO")
        await pilot.pause()
        assert "Tech Lead" in app.screen.query_one(Ticker).plain


async def test_the_wall_is_read_only_with_no_keys_no_hints_and_no_cursor(wall_room) -> None:  # noqa: ANN001
    from textual.widgets import Footer

    from warroom.tui.widgets.keybar import KeyBar

    layout, journal_path = wall_room
    before = journal_path.read_bytes()
    app = make_app(layout, journal_path, wall=True)
    async with app.run_test(size=WALL) as pilot:
        await loaded(pilot)
        assert app.read_only and app.screen.id == "wall"
        for key in ("space", "h", "s", "T", "n", "a", "p", "ctrl+p", "enter", "x"):
            await pilot.press(key)
        await pilot.pause()
        assert app.screen.id == "wall" and len(app.screen_stack) == 2  # no dialog, no palette opened
        assert not app.screen.query(KeyBar) and not app.screen.query(Footer)
        assert app.screen.focused is None
        assert not any(w.can_focus for w in app.screen.query("*"))
    assert journal_path.read_bytes() == before


@pytest.mark.parametrize("state", ["NO-GO", "PENDING", "GO", "HOLD"])
async def test_the_wall_in_16_colours(wall_room, state: str, invisible_glyphs) -> None:  # noqa: ANN001
    layout, journal_path = wall_room
    set_up(layout, journal_path, state)
    app = make_app(layout, journal_path, wall=True)
    async with app.run_test(size=WALL) as pilot:
        await stop_tiles_and_feed(pilot, state)
        assert invisible_glyphs(app) == []


async def test_the_ticker_names_items_by_their_text_not_their_id(wall_room) -> None:  # noqa: ANN001
    """QA: on seed 002 the wall's ticker read 'final-launch-378-reconciliation-platform/critical-
    pre-launch-tasks/performance-must-complete/apply-database-indexes → done' over four lines."""
    from warroom.tui.widgets.wall import Ticker

    layout, journal_path = wall_room
    app = make_app(layout, journal_path, wall=True)
    async with app.run_test(size=WALL) as pilot:
        await loaded(pilot)
        append(layout, journal_path, "tick", "shop/pre/backup", op="sam")
        assert await until(pilot, lambda: "→ done" in app.screen.query_one(Ticker).plain)
        text = app.screen.query_one(Ticker).plain
        assert "shop/pre/backup" not in text
        assert f"{app.room.ws.items['shop/pre/backup'].text} → done" in text


def test_a_tile_without_a_value_shows_a_dash_not_a_box_that_reads_as_zero() -> None:
    """QA: at 80x24 an ERROR tile (no value now) showed '—' drawn as the hollow box of a missing
    glyph: from across the room, a big 0."""
    from warroom.tui.widgets.bigtext import big_lines

    dash = big_lines("—")
    assert [row.strip() for row in dash] == ["", "", "█████", "", ""]
    assert big_lines("–") == big_lines("-")


async def test_the_wall_renders_a_reasons_markdown_never_shows_it_raw(wall_room) -> None:  # noqa: ANN001
    """QA: on seed 002 the wall read 'critical item todo: **Secrets Migration…'."""
    from warroom.tui.widgets.wall import DecisionBanner

    layout, journal_path = wall_room
    checklist = layout.parent.parent / "checklists" / "shop.yaml"
    checklist.write_text(checklist.read_text(encoding="utf-8").replace(
        "text: Database backup verified", "text: '**Database backup** verified'"), encoding="utf-8")
    append(layout, journal_path, "sign", "Tech Lead", "GO", op="ada")
    append(layout, journal_path, "sign", "Operations", "GO", op="sam")
    app = make_app(layout, journal_path, wall=True)
    async with app.run_test(size=WALL) as pilot:
        await loaded(pilot)
        await pilot.pause()
        text = app.screen.query_one(DecisionBanner).plain
        assert "Database backup verified" in text and "**" not in text
        # the rendered line is cached and shared with every pane: the wall must not restyle it
        from warroom.tui.widgets.text import inline_markdown

        shared = inline_markdown(app.room.decision().reasons[0].text)
        assert shared.justify is None and not shared.no_wrap and not shared.style
