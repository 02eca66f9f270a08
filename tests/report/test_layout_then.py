"""The layout as it was then: a replay stepping across a ``layout-change`` switches layouts at
that step (a tile added appears then, not before), ``status --as-of`` reads the layout of then,
and a layout text in the journal that does not read is refused, with the current layout shown
and the screen saying so."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from report_support import war_room
from warroom.actions import Actions
from warroom.cli import main
from warroom.events import LAYOUT_CHANGE
from warroom.journal import Journal
from warroom.layout_edit import read_layout, save
from warroom.layout_then import LayoutsThen
from warroom.metrics.history import HistSample, MetricHistory, history_path
from warroom.state import LaunchState
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.tiles import TilesPane
from warroom.workspace import load_workspace

START = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
ERRORS = {"name": "errors", "label": "Error rate", "source": "json", "url": "http://127.0.0.1:9/e", "path": "value",
          "unit": "%", "threshold": "< 1%", "interval": "30s"}


def journal_of(layout: Path) -> Path:
    return layout.with_name("launch.journal.yaml")


@pytest.fixture()
def changed(tmp_path: Path) -> Path:
    """Events 1-3, then (event 4) the tile `errors` added through `warroom tiles`' own save,
    then events 5-6; the metric history has samples of both tiles all along."""
    layout = war_room(tmp_path, "http://127.0.0.1:9")
    clock = [START]

    def now() -> datetime:
        clock[0] += timedelta(seconds=30)
        return clock[0]

    ws = load_workspace(layout)
    with Journal(journal_of(layout)) as journal:
        acts = Actions(journal, "op", now=lambda: clock[0])
        state = LaunchState(ws)
        for step in [lambda s: acts.set_t0(s, START + timedelta(minutes=30)), lambda s: acts.tick(s, "load-test"),
                     lambda s: acts.hold(s, "waiting")]:
            now()
            state.apply(step(state))
    doc = read_layout(layout)
    doc.add_tile(dict(ERRORS))
    save(doc, "ana", "added tile errors", now=now())
    ws = load_workspace(layout)
    with Journal(journal_of(layout)) as journal:
        acts = Actions(journal, "op", now=lambda: clock[0])
        state = LaunchState.replay(ws, journal.load().events)
        for step in [lambda s: acts.resume(s), lambda s: acts.sign(s, "Security", "go")]:
            now()
            state.apply(step(state))
    MetricHistory(history_path(journal_of(layout))).append(
        [HistSample((START + timedelta(seconds=10 + 30 * i)).timestamp(), tile, 0.5 if tile == "errors" else 120.0, "OK", True)
         for i in range(7) for tile in ("lat", "errors")])
    return layout


async def ready(pilot) -> None:  # noqa: ANN001
    await asyncio.wait_for(pilot.app.ready.wait(), 10)
    await pilot.pause()


def tiles_shown(app: WarRoomApp) -> list[str]:
    return list(app.query_one(TilesPane).views)


async def test_a_replay_shows_a_tile_added_by_a_layout_change_from_that_step_on(changed: Path) -> None:
    events = Journal(journal_of(changed), read_only=True).load().events
    assert [e.kind for e in events].index(LAYOUT_CHANGE) == 3  # event 4
    app = WarRoomApp(changed, operator="viewer", poll_interval=0.05, replay=True)
    async with app.run_test(size=(140, 44)) as pilot:
        await ready(pilot)
        for pos in range(4):  # before the change: the layout as it was, one tile
            assert app.cursor.pos == pos
            assert tiles_shown(app) == ["lat"], pos
            assert [t.name for t in app.room.ws.layout.tiles] == ["lat"]
            await pilot.press("right_square_bracket")
            await pilot.pause()
        assert app.cursor.pos == 4  # the change's own step: the tile appears, with its history then
        assert tiles_shown(app) == ["lat", "errors"]
        pane = app.query_one(TilesPane)
        assert pane.results["errors"].value == 0.5 and pane.shared is None and pane.poller is None
        assert app.room.state.snapshot() == LaunchState.replay(app.room.ws, events[:4]).snapshot()
        assert app.room.state.countdown.holding  # the state came along: the hold of event 3
        # the new tile's details: its history up to the moment replayed (samples at 10 s, 40 s … 100 s)
        from warroom.tui.screens.tile_details import TileDetailsScreen

        app.main_screen.show_pane(app.main_screen.pane_widgets.index(pane))
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TileDetailsScreen) and app.screen.spec.name == "errors"
        assert [s.t for s in app.screen.samples] == [(START + timedelta(seconds=10 + 30 * i)).timestamp() for i in range(4)]
        assert "4 samples — up to the moment replayed" in str(app.screen.query_one("#tile-body").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert app.cursor.pos == 6 and tiles_shown(app) == ["lat", "errors"]
        assert app.room.state.signoffs["Security"].decision == "GO"
        await pilot.press("left_curly_bracket", "left_curly_bracket")  # back past the change: the tile goes
        await pilot.pause()
        assert app.cursor.pos == 3 and tiles_shown(app) == ["lat"]
        assert app.main_screen.header.mode == "REPLAY 3/6"
    assert len(Journal(journal_of(changed), read_only=True).load().events) == 6  # nothing written


async def test_as_of_opens_with_the_layout_of_then(changed: Path) -> None:
    from warroom.as_of import AsOf

    for seq, tiles in (("2", ["lat"]), ("5", ["lat", "errors"])):
        app = WarRoomApp(changed, operator="viewer", poll_interval=0.05, as_of=AsOf.parse(seq))
        async with app.run_test(size=(140, 44)) as pilot:
            await ready(pilot)
            assert tiles_shown(app) == tiles, seq


def test_status_as_of_reads_the_layout_of_then(changed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for seq, tiles in (("3", ["lat"]), ("4", ["errors", "lat"]), ("6", ["errors", "lat"])):
        assert main(["status", str(changed), "--as-of", seq, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert sorted(shown["tiles"]) == tiles, seq
        assert shown["journal"]["events"] == int(seq)


def test_the_layout_before_any_change_is_the_first_changes_before(changed: Path) -> None:
    events = Journal(journal_of(changed), read_only=True).load().events
    then = LayoutsThen(changed, events, load_workspace(changed))
    assert then.at(0).key == then.at(3).key != then.at(4).key == then.current_key
    assert "errors" not in then.text_at(3)[0] and "errors" in then.text_at(4)[0]
    assert then.at(4).ws is then.current and then.at(0).problem is None
    none = LayoutsThen(changed, [e for e in events if e.kind != LAYOUT_CHANGE], load_workspace(changed))
    assert none.at(0).ws is none.current  # no change in the journal: the file as it is


@pytest.fixture()
def forged(tmp_path: Path) -> Path:
    """A journal whose only layout change says the layout before it was broken YAML."""
    layout = war_room(tmp_path, "http://127.0.0.1:9")
    with Journal(journal_of(layout)) as journal:
        journal.append("note", "", {"text": "before"}, op="op", now=START)
        journal.append(LAYOUT_CHANGE, layout.name, {"what": "forged", "before": "launch: [unclosed\ntiles: {",
                                                    "after": layout.read_text()}, op="mallory", now=START + timedelta(seconds=30))
    return layout


async def test_a_broken_layout_in_the_journal_is_refused_and_the_screen_says_so(forged: Path) -> None:
    app = WarRoomApp(forged, operator="viewer", poll_interval=0.05, replay=True)
    async with app.run_test(size=(140, 44)) as pilot:
        await ready(pilot)
        assert app.cursor.pos == 0
        assert tiles_shown(app) == ["lat"]  # the current layout stands in
        assert app.main_screen.header.mode == "REPLAY 0/2 · LAYOUT OF NOW"
        said = [n.message for n in app._notifications]
        assert any("refused" in m and "journal event 2, before):" in m and "YAML syntax error" in m for m in said), said
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert app.main_screen.header.mode == "REPLAY 2/2"  # after the change: its text reads


def test_status_as_of_says_a_broken_layout_was_refused(forged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(forged), "--as-of", "1", "--json"]) == 0
    out = capsys.readouterr()
    assert "the layout of then was refused" in out.err and "YAML syntax error" in out.err
    assert "Traceback" not in out.err and json.loads(out.out)["journal"]["events"] == 1
