"""The metric history and the poller's lease of a launch in a real PostgreSQL: one poller for
the war room on every machine (a second `warroom watch` polls nothing while the first holds the
database lease, and takes over when the first is killed), the history survives restarts, is
bounded by the file's downsampling rule, and CLI sign-offs record their evidence from it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from pg_support import launch_url, wait_for  # noqa: E402
from report_support import ValueServer, war_room  # noqa: E402

from warroom.cli import main  # noqa: E402
from warroom.events import METRIC_STATE, SIGN  # noqa: E402
from warroom.journal_pg import PgJournal, parse_target  # noqa: E402
from warroom.metrics.history import HistSample  # noqa: E402
from warroom.metrics.history_pg import PgLease, PgMetricHistory  # noqa: E402
from warroom.metrics.side import read_samples  # noqa: E402


@pytest.fixture()
def value_server() -> ValueServer:
    s = ValueServer()
    yield s
    s.stop()


def pg_war_room(tmp_path: Path, pg_url: str, server_url: str, interval: str = "0.3s") -> Path:
    layout = war_room(tmp_path, server_url, interval=interval)
    layout.write_text(layout.read_text().replace("timezone: UTC\n", f"timezone: UTC\njournal: {launch_url(pg_url)}\n"))
    return layout


def samples(url: str) -> list[HistSample]:
    return read_samples(parse_target(launch_url(url), None)).get("lat", [])


def watch(layout: Path, who: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "warroom", "watch", str(layout), "--as", who],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_one_poller_on_the_database_lease_the_second_takes_over_when_the_first_is_killed(tmp_path: Path, pg_url: str,
                                                                                         value_server: ValueServer) -> None:
    layout = pg_war_room(tmp_path, pg_url, value_server.url)
    target = parse_target(launch_url(pg_url), None)
    first = watch(layout, "first")
    second = None
    try:
        wait_for(lambda: f":{first.pid}:" in PgLease(target).current().get("holder", ""), "the first watcher holding the lease")
        wait_for(lambda: len(samples(pg_url)) >= 2, "the first watcher's samples in the database")
        second = watch(layout, "second")
        time.sleep(3)  # ten intervals: the second one, following, polls nothing
        assert second.poll() is None
        n = len(samples(pg_url))
        assert value_server.hits in (n, n + 1), (value_server.hits, n)  # every request is a stored sample of the first's
        assert f":{first.pid}:" in PgLease(target).current()["holder"]
        first.kill()  # no release, no goodbye: its connection goes with it, and so does the lock
        first.communicate(timeout=30)
        wait_for(lambda: f":{second.pid}:" in PgLease(target).current().get("holder", ""), "the second watcher taking over")
        value_server.value = 650.0  # CRIT: the second, now polling, journals it
        wait_for(lambda: any(s.state == "CRIT" for s in samples(pg_url)), "the second watcher's samples")
        n = len(samples(pg_url))
        assert value_server.hits in (n, n + 1)  # still one request per stored sample: never two pollers
        # a CLI sign-off records its evidence from the database's history (fresh: within two intervals)
        assert main(["sign", str(layout), "Security", "no-go", "--comment", "latency", "--as", "lena"]) == 0
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=30)
        assert PgLease(target).current() == {}  # released on exit
    finally:
        for p in (first, second):
            if p is not None and p.poll() is None:
                p.kill()
                p.communicate()
    with PgJournal(target, read_only=True) as j:
        events = j.load().events
    assert [(e.op, e.payload["state"]) for e in events if e.kind == METRIC_STATE] == [("first", "OK"), ("second", "CRIT")]
    sign = [e for e in events if e.kind == SIGN][-1]
    assert sign.payload["evidence"]["from"] == "metric history"
    assert sign.payload["evidence"]["tiles"] == {"lat": [650.0, "CRIT"]}
    assert not list(layout.parent.glob("*.metrics*"))  # nothing beside the layout: it is all in the database


def test_a_cli_sign_off_says_not_observed_when_the_database_history_is_old(tmp_path: Path, pg_url: str) -> None:
    layout = pg_war_room(tmp_path, pg_url, "http://127.0.0.1:9", interval="10s")
    target = parse_target(launch_url(pg_url), None)
    history = PgMetricHistory(target)
    history.append([HistSample(time.time() - 25, "lat", 321.0, "OK", True)])
    assert main(["sign", str(layout), "Tech Lead", "go", "--as", "marco"]) == 0
    history.append([HistSample(time.time() - 5, "lat", 654.0, "CRIT", False)])
    assert main(["sign", str(layout), "Security", "no-go", "--comment", "latency", "--as", "lena"]) == 0
    history.close()
    with PgJournal(target, read_only=True) as j:
        first, second = [e for e in j.load().events if e.kind == SIGN]
    assert first.payload["evidence"]["tiles"] == {"lat": [None, "not observed"]}
    assert second.payload["evidence"]["tiles"] == {"lat": [654.0, "CRIT"]}


def test_the_history_survives_a_restart_followers_see_new_samples_and_it_stays_bounded(pg_url: str) -> None:
    target = parse_target(launch_url(pg_url), None)
    writer = PgMetricHistory(target, limit=400)
    follower = PgMetricHistory(target)
    assert follower.load() == []
    t0 = 1_795_960_800.0
    states = ["OK"] * 300 + ["CRIT"] + ["OK"] * 299
    for i, state in enumerate(states):
        writer.append([HistSample(t0 + i, "lat", float(i), state, state == "OK"), HistSample(t0 + i, "err", 0.5, "OK", True)])
        if i == 10:
            assert [s.t for s in follower.poll()] == [t0 + j for j in range(11) for _ in (0, 1)]
    writer.close()
    # every sample the follower sees, it sees once, in order, even across a downsampling
    seen = follower.poll()
    assert seen and all(a.t <= b.t for a, b in zip(seen, seen[1:]))
    follower.close()
    # a new process (a restart): the history is still there, bounded, the breach kept
    again = PgMetricHistory(target).read_all()
    lat = again["lat"]
    assert len(lat) + len(again["err"]) <= 400 + 200  # bounded (checked every CHECK_EVERY rows)
    assert lat[-1].t == t0 + 599 and lat[-1].value == 599.0  # the newest kept as they are
    assert [s.state for s in lat].count("CRIT") == 1  # a state change is never dropped
    assert [s.t for s in lat] == sorted(s.t for s in lat)
    with psycopg.connect(pg_url) as conn:
        (comment,) = conn.execute("SELECT obj_description('warroom_metric_samples'::regclass)").fetchone()
    assert "side schema 1" in comment


def test_while_the_database_is_unreachable_a_screen_polls_alone_and_keeps_its_samples(pg_url: str, tmp_path: Path) -> None:
    from warroom.journal_pg import Target

    gone = Target("postgresql://127.0.0.1:9/none?connect_timeout=1", "launch")  # nothing listens there
    lease = PgLease(gone)
    assert lease.acquire() is True and lease.alone and not lease.held and lease.problem
    history = PgMetricHistory(gone)
    history.append([HistSample(1.0, "lat", 1.0, "OK", True)])  # kept in memory, no exception
    assert history.problem and history.poll() == []


async def test_a_screen_on_the_database_follows_the_watcher_and_takes_over_when_it_exits(tmp_path: Path, pg_url: str,
                                                                                         value_server: ValueServer) -> None:
    from textual.app import App, ComposeResult

    from warroom.actions import Actions
    from warroom.metrics.side import where_of
    from warroom.state import LaunchState
    from warroom.tui.widgets.tiles import TilesPane
    from warroom.workspace import load_workspace

    layout = pg_war_room(tmp_path, pg_url, value_server.url)
    target = parse_target(launch_url(pg_url), None)

    class PaneApp(App):
        def __init__(self) -> None:
            super().__init__()
            self.ws = load_workspace(layout)
            self.journal = PgJournal(target)
            self.actions = Actions(self.journal, "screen")

        def state(self) -> LaunchState:
            with PgJournal(target, read_only=True) as j:
                return LaunchState.replay(self.ws, j.load().events)

        def compose(self) -> ComposeResult:
            yield TilesPane(self.ws, self.actions, self.state, id="tiles", journal_path=where_of(self.journal))

    async def until(pilot, predicate, seconds: float = 30.0) -> None:  # noqa: ANN001
        for _ in range(int(seconds / 0.05)):
            if predicate():
                return
            await pilot.pause(0.05)
        raise AssertionError("condition not reached in time")

    watcher = watch(layout, "poller")
    try:
        wait_for(lambda: f":{watcher.pid}:" in PgLease(target).current().get("holder", ""), "the watcher holding the lease")
        app = PaneApp()
        async with app.run_test(size=(80, 24)) as pilot:
            pane = app.query_one(TilesPane)
            value_server.value = 650.0
            await until(pilot, lambda: "lat" in pane.results and pane.results["lat"].state == "CRIT")
            assert pane.shared is not None and not pane.shared.leading and pane.shared.polled == 0
            n = len(samples(pg_url))
            assert value_server.hits in (n, n + 1)  # only the watcher polled
            watcher.send_signal(signal.SIGTERM)
            watcher.communicate(timeout=30)
            await until(pilot, lambda: pane.shared.leading)  # the lease passed on when it exited
            value_server.value = 120.0
            await until(pilot, lambda: pane.results["lat"].state == "OK")
        app.journal.close()
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()
    wait_for(lambda: PgLease(target).current() == {}, "the screen letting go of the lease")
    with PgJournal(target, read_only=True) as j:
        events = [e for e in j.load().events if e.kind == METRIC_STATE]
    assert [(e.op, e.payload["state"]) for e in events][-2:] == [("poller", "CRIT"), ("screen", "OK")]


def test_a_lease_holder_that_cannot_journal_hands_the_database_lease_to_one_that_can(pg_url: str) -> None:
    target = parse_target(launch_url(pg_url), None)
    wall, screen, other_wall = PgLease(target, journals=False), PgLease(target), PgLease(target, journals=False)
    try:
        assert wall.acquire() and wall.held  # alone, the wall polls (a wall on a TV shows live values)
        assert not screen.acquire()  # a screen that journals waits, and says so
        assert not wall.acquire() and not wall.held  # the wall sees it and lets go at its next beat
        assert not other_wall.acquire()  # nor does another wall take it meanwhile
        assert screen.acquire() and screen.held  # the screen takes over
        assert f":{screen.pid}:" in PgLease(target).current()["holder"]
        assert not wall.acquire() and not other_wall.acquire()  # the walls follow
        assert screen.acquire()  # and it keeps it
        screen.release()
        assert wall.acquire()  # gone: a wall takes it again
    finally:
        for lease in (wall, screen, other_wall):
            lease.release()
