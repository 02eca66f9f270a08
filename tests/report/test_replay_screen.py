"""The screen as of a moment, and the replay: the state shown equals replaying the journal's
prefix through the live path; ] [ } { step, F5 plays; the tiles show the metric history then;
the metric history chart, the export and the report are one key or palette entry away."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from report_support import war_room
from warroom.actions import Actions
from warroom.as_of import AsOf
from warroom.journal import Journal
from warroom.metrics.history import HistSample, MetricHistory, history_path
from warroom.state import LaunchState
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.tiles import TilesPane
from warroom.workspace import load_workspace

START = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def launch(tmp_path: Path) -> Path:
    layout = war_room(tmp_path, "http://127.0.0.1:9")
    ws = load_workspace(layout)
    clock = [START]
    with Journal(layout.with_name("launch.journal.yaml")) as journal:
        acts = Actions(journal, "op", now=lambda: clock[0])
        state = LaunchState(ws)
        steps = [lambda s: acts.set_t0(s, START + timedelta(minutes=30)), lambda s: acts.tick(s, "load-test"),
                 lambda s: acts.hold(s, "waiting"), lambda s: acts.note(s, None, "still waiting"),
                 lambda s: acts.resume(s), lambda s: acts.sign(s, "Security", "no-go", "open finding"),
                 lambda s: acts.tick(s, "pen-test"), lambda s: acts.sign(s, "Security", "go")]
        for step in steps:
            clock[0] += timedelta(seconds=30)
            state.apply(step(state))
    history = MetricHistory(history_path(layout.with_name("launch.journal.yaml")))
    history.append([HistSample((START + timedelta(seconds=10 + 30 * i)).timestamp(), "lat", 100.0 + 200 * (i % 4),
                               "CRIT" if i % 4 == 3 else "OK", i % 4 != 3) for i in range(9)])
    return layout


def app_for(layout: Path, **kwargs) -> WarRoomApp:
    return WarRoomApp(layout, operator="viewer", poll_interval=0.05, **kwargs)


async def ready(pilot) -> None:
    await asyncio.wait_for(pilot.app.ready.wait(), 10)
    await pilot.pause()


async def test_as_of_shows_the_prefix_read_only(launch: Path) -> None:
    events = Journal(launch.with_name("launch.journal.yaml"), read_only=True).load().events
    ws = load_workspace(launch)
    app = app_for(launch, as_of=AsOf.parse("4"))
    async with app.run_test(size=(140, 44)) as pilot:
        await ready(pilot)
        assert app.read_only and app.follower is None
        assert app.room.state.snapshot() == LaunchState.replay(ws, events[:4]).snapshot()
        assert app.room.state.countdown.holding  # the hold is in force at event 4
        assert app.now() == events[3].at
        assert app.main_screen.header.mode == "REPLAY 4/8"
        # the tiles show what the metric history had then (the sample 10 s after the third event)
        pane = app.query_one(TilesPane)
        assert pane.results["lat"].value == 700.0 and pane.results["lat"].state == "CRIT"
        await pilot.press("o")  # a write key: refused, nothing written
        await pilot.pause()
    assert len(Journal(launch.with_name("launch.journal.yaml"), read_only=True).load().events) == 8


async def test_replay_steps_jumps_and_plays_through_the_live_path(launch: Path) -> None:
    events = Journal(launch.with_name("launch.journal.yaml"), read_only=True).load().events
    ws = load_workspace(launch)
    app = app_for(launch, replay=True)
    async with app.run_test(size=(140, 44)) as pilot:
        await ready(pilot)
        assert app.cursor.pos == 0 and app.room.state.event_count == 0

        def shown(n: int) -> bool:
            return app.room.state.snapshot() == LaunchState.replay(ws, events[:n]).snapshot()

        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert app.cursor.pos == 2 and shown(2)
        await pilot.press("right_curly_bracket")  # the next hold or sign-off: the hold, event 3
        await pilot.pause()
        assert app.cursor.pos == 3 and app.room.state.countdown.holding and shown(3)
        await pilot.press("right_curly_bracket")  # the NO-GO, event 6
        await pilot.pause()
        assert app.cursor.pos == 6 and app.room.state.signoffs["Security"].decision == "NO-GO" and shown(6)
        await pilot.press("left_square_bracket")  # back one: the state is replayed from the start
        await pilot.pause()
        assert app.cursor.pos == 5 and "Security" not in app.room.state.signoffs and shown(5)
        await pilot.press("left_curly_bracket")
        await pilot.pause()
        assert app.cursor.pos == 3 and shown(3)
        for _ in range(5):
            await pilot.press("plus")
        await pilot.press("f5")  # play to the end
        for _ in range(400):
            if app.cursor.at_end:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert app.cursor.pos == 8 and not app.cursor.playing and shown(8)
        pane = app.query_one(TilesPane)
        assert pane.results["lat"].value is not None


async def test_history_chart_export_and_report_from_the_screen(launch: Path) -> None:
    app = app_for(launch, read_only=True)
    async with app.run_test(size=(140, 44)) as pilot:
        await ready(pilot)
        await pilot.press("M")
        await pilot.pause()
        from warroom.tui.screens.tile_history import TileHistoryScreen

        assert isinstance(app.screen, TileHistoryScreen)
        body = str(app.screen.query_one("#history-body").render())
        assert "Latency" in body and "threshold < 500ms" in body and "✗" in body and "9 samples" in body
        await pilot.press("escape")
        await pilot.pause()
        names = [name for name, _, _ in app.palette_commands()]
        assert "Export the launch (Markdown)" in names and "Write the launch report" in names
        await pilot.press("f6")  # asks where, offering a file beside the layout
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f7")
        out = launch.with_name("launch.report.html")
        for _ in range(300):
            if out.exists():
                break
            await pilot.pause(0.05)
    assert launch.with_name(f"{launch.stem}-export.md").read_text().startswith("# ")
    assert "<section id=\"timeline\">" in launch.with_name("launch.report.html").read_text()


async def test_a_screen_records_the_tiles_it_shows_with_a_sign_off(tmp_path: Path, value_server) -> None:
    layout = war_room(tmp_path, value_server.url, interval="0.3s")
    value_server.value = 640.0
    app = app_for(layout)
    async with app.run_test(size=(140, 44)) as pilot:
        await ready(pilot)
        for _ in range(400):
            if getattr(app.room.tiles.get("lat"), "state", None) == "CRIT":
                break
            await pilot.pause(0.05)
        ev = app.actions.sign(app.room.state, "Tech Lead", "no-go", "latency")
    evidence = ev.payload["evidence"]
    assert evidence["from"] == "screen" and evidence["tiles"]["lat"] == [640.0, "CRIT"]
    assert evidence["criteria"]["latency-ok"] == "fail" and evidence["decision"] == "NO-GO"
