"""The wall's tiles use the war room's one poller: a wall and a war-room screen open on one war
room poll the endpoint (a real HTTP server on 127.0.0.1, counting requests) once per interval,
not twice — every request is one sample in the metric history, appended by whichever holds the
lease — and a wall alone, on a layout whose screen has no tiles pane, takes the lease and shows
live values, journaling nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from report_support import war_room

from warroom.events import METRIC_STATE
from warroom.journal import Journal
from warroom.metrics.history import history_path, lease_path, read_history
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.tiles import TilesPane


async def wait_until(pilot, predicate, seconds: float = 30.0) -> None:  # noqa: ANN001
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


def journal_of(layout: Path) -> Path:
    return layout.with_name("launch.journal.yaml")


def opened(layout: Path) -> None:
    with Journal(journal_of(layout)) as journal:
        journal.load()
        journal.append("note", "", {"text": "war room open"}, op="ops")


def feed_of(app: WarRoomApp) -> TilesPane:
    """The tiles pane that gets this app's values: the main screen's, or the wall's own."""
    return next(iter(app.query(TilesPane).results()), None) or app.wall_screen.query_one(TilesPane)


async def test_a_wall_and_a_screen_poll_the_endpoint_once_per_interval(tmp_path: Path, value_server) -> None:  # noqa: ANN001
    """The wall opens first and polls; the war-room screen that opens beside it takes the lease
    over (it can journal the transitions, the wall cannot); the wall follows from then on."""
    layout = war_room(tmp_path, value_server.url, interval="0.3s")
    opened(layout)  # the journal exists before either opens (the wall is read-only)
    hist = history_path(journal_of(layout))
    wall = WarRoomApp(layout, operator="tv", poll_interval=0.05, wall=True)
    screen = WarRoomApp(layout, operator="ops", poll_interval=0.05)
    async with wall.run_test(size=(160, 48)) as wall_pilot:
        await asyncio.wait_for(wall.ready.wait(), 10)
        await wait_until(wall_pilot, lambda: feed_of(wall).shared is not None and feed_of(wall).shared.leading)
        await wait_until(wall_pilot, lambda: wall.room.tiles.get("lat") is not None)  # alone, the wall polls
        async with screen.run_test(size=(140, 44)) as pilot:
            await asyncio.wait_for(screen.ready.wait(), 10)
            panes = [feed_of(wall), feed_of(screen)]
            await wait_until(pilot, lambda: panes[1].shared is not None and panes[1].shared.leading)
            await wait_until(pilot, lambda: not panes[0].shared.leading)  # the wall let go at its next beat
            start = len(read_history(hist).get("lat", []))
            await wait_until(pilot, lambda: len(read_history(hist).get("lat", [])) >= start + 10)
            value_server.value = 650.0  # both show what the one poller polled
            await wait_until(pilot, lambda: all("lat" in p.results and p.results["lat"].state == "CRIT" for p in panes))
            await wait_until(wall_pilot, lambda: wall.room.tiles.get("lat") is not None and wall.room.tiles["lat"].state == "CRIT")
            assert [p.shared.leading for p in panes] == [False, True]  # one polls, one follows
            n = len(read_history(hist)["lat"])
            # one request per sample: nobody polls beside the holder (one more in flight, or two
            # around the hand-over, at most) — two pollers would make about 2n
            assert n <= value_server.hits <= n + 2
    events = [e for e in Journal(journal_of(layout), read_only=True).load().events if e.kind == METRIC_STATE]
    assert [(e.op, e.payload["state"]) for e in events][-1] == ("ops", "CRIT")  # journaled, by the screen, once
    assert [e.payload["state"] for e in events].count("CRIT") == 1


async def test_a_wall_alone_without_a_tiles_pane_takes_the_lease_and_shows_live_values(tmp_path: Path, value_server) -> None:  # noqa: ANN001
    layout = war_room(tmp_path, value_server.url, interval="0.3s")
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text + "screen:\n  columns: 1\n  rows: 1\n  panes:\n    - {pane: timeline, row: 1, column: 1}\n", encoding="utf-8")
    opened(layout)
    before = journal_of(layout).read_bytes()
    wall = WarRoomApp(layout, operator="tv", poll_interval=0.05, wall=True)
    async with wall.run_test(size=(160, 48)) as pilot:
        await asyncio.wait_for(wall.ready.wait(), 10)
        assert not wall.main_screen.query(TilesPane)  # nothing under the wall polls
        feed = wall.wall_screen.query_one(TilesPane)
        assert not feed.display and feed.actions is None
        value_server.value = 321.0
        await wait_until(pilot, lambda: wall.room.tiles.get("lat") is not None and wall.room.tiles["lat"].value == 321.0)
        await pilot.pause()
        from warroom.tui.widgets.wall import BigTile

        shown = wall.wall_screen.query_one(BigTile).plain  # the value in block letters, its state and age
        assert wall.room.tiles["lat"].display == "321 ms" and "OK  Latency" in shown and "no sample yet" not in shown
        assert feed.shared is not None and feed.shared.leading and lease_path(journal_of(layout)).exists()
        value_server.value = 900.0  # a breach: shown, never journaled by the read-only wall
        await wait_until(pilot, lambda: wall.room.tiles["lat"].state == "CRIT")
    assert journal_of(layout).read_bytes() == before
    assert len(read_history(history_path(journal_of(layout)))["lat"]) >= 2
