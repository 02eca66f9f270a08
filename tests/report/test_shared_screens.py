"""Screens share one poller: a tiles pane given the journal's path follows the samples another
process (here a real `warroom watch`) polls into the metric history, polls nothing itself and
journals nothing; when that process exits, the pane takes the lease and polls."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from report_support import war_room
from textual.app import App, ComposeResult

from warroom.actions import Actions
from warroom.events import METRIC_STATE
from warroom.journal import Journal
from warroom.metrics.history import history_path, lease_path, read_history
from warroom.state import LaunchState
from warroom.tui.widgets.tiles import TilesPane
from warroom.workspace import load_workspace


class PaneApp(App):
    def __init__(self, layout: Path) -> None:
        super().__init__()
        self.ws = load_workspace(layout)
        self.journal = Journal(self.ws.journal_path)
        self.actions = Actions(self.journal, "screen")

    def state(self) -> LaunchState:
        return LaunchState.replay(self.ws, Journal(self.ws.journal_path, read_only=True).load().events)

    def compose(self) -> ComposeResult:
        yield TilesPane(self.ws, self.actions, self.state, id="tiles", journal_path=self.ws.journal_path)


async def wait_until(pilot, predicate, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


async def test_a_screen_follows_the_poller_and_takes_over_when_it_exits(tmp_path: Path, value_server) -> None:
    layout = war_room(tmp_path, value_server.url, interval="0.3s")
    journal = layout.with_name("launch.journal.yaml")
    watcher = subprocess.Popen([sys.executable, "-m", "warroom", "watch", str(layout), "--as", "poller"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        hist = history_path(journal)
        for _ in range(600):  # the watcher holds the lease before the screen opens
            if lease_path(journal).exists() and json.loads(lease_path(journal).read_text() or "{}").get("pid") == watcher.pid:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the watcher never took the lease")
        app = PaneApp(layout)
        async with app.run_test(size=(80, 24)) as pilot:
            pane = app.query_one(TilesPane)
            await wait_until(pilot, lambda: len(read_history(hist).get("lat", [])) >= 1)
            value_server.value = 650.0  # CRIT: the watcher journals it; the screen shows it, journals nothing
            await wait_until(pilot, lambda: "lat" in pane.results and pane.results["lat"].state == "CRIT")
            assert pane.shared is not None and not pane.shared.leading
            n = len(read_history(hist)["lat"])
            assert value_server.hits in (n, n + 1)  # only the watcher polled
            watcher.send_signal(signal.SIGTERM)
            watcher.communicate(timeout=30)
            await wait_until(pilot, lambda: pane.shared.leading)  # the lease passed on when it exited
            value_server.value = 120.0
            await wait_until(pilot, lambda: pane.results["lat"].state == "OK")
        for _ in range(200):  # the poller's thread lets go of the lease as it ends, after the app
            if not lease_path(journal).exists():
                break
            time.sleep(0.05)
        assert not lease_path(journal).exists()
        events = [e for e in Journal(journal, read_only=True).load().events if e.kind == METRIC_STATE]
        assert [(e.op, e.payload["state"]) for e in events] == [("poller", "OK"), ("poller", "CRIT"), ("screen", "OK")]
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()


async def test_a_screen_opening_beside_a_poller_shows_the_latest_fresh_sample_at_once(tmp_path: Path) -> None:
    """Another screen holds the lease (its beat is fresh) but polls nothing new here: the tile
    shows the last sample of the history, since it is fresh, and nothing is polled."""
    from warroom.metrics.history import HistSample, Lease, MetricHistory

    layout = war_room(tmp_path, "http://127.0.0.1:9", interval="30s")  # nothing answers there
    journal = layout.with_name("launch.journal.yaml")
    other = Lease(lease_path(journal), holder="another screen")
    assert other.acquire()
    MetricHistory(history_path(journal)).append([HistSample(time.time() - 200, "lat", 900.0, "CRIT", False),
                                                 HistSample(time.time() - 5, "lat", 321.0, "OK", True)])
    app = PaneApp(layout)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TilesPane)
        await wait_until(pilot, lambda: pane.results.get("lat") is not None and pane.results["lat"].value == 321.0)
        assert pane.shared is not None and not pane.shared.leading and pane.shared.polled == 0
        assert pane.results["lat"].state == "OK"
