"""The war-room screen on a PostgreSQL journal: two screens see each other's ticks; when the
database goes away the header says so, writes are refused and the last state stays; when it
comes back the screen catches up by itself."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))

from tui_support import loaded, make_app, until  # noqa: E402

from warroom.actions import Actions  # noqa: E402
from warroom.journal_pg import PgJournal, parse_target  # noqa: E402
from warroom.model import Status  # noqa: E402
from warroom.state import LaunchState  # noqa: E402
from warroom.workspace import load_workspace  # noqa: E402

WATCHDOG = 60.0  # seconds: a screen that waited for a write fails its test, not hangs it
LOAD_TEST = "payments-v2/pre-launch/load-test"
RUNBOOK = "payments-v2/pre-launch/runbook"


def header_text(app) -> str:  # noqa: ANN001
    from textual.widgets import Static

    header = app.main_screen.header
    return str(header.query_one("#hdr-left", Static).render()) if header is not None else ""


def db_name(url: str) -> str:
    return url.split("?")[0].rsplit("/", 1)[1]


async def test_two_screens_on_one_database_see_each_others_ticks(pg_url: str, demo: Path) -> None:
    a = make_app(demo, pg_url, operator="alice")
    b = make_app(demo, pg_url, operator="bob")
    async with a.run_test(size=(120, 40)) as pa, b.run_test(size=(120, 40)) as pb:
        await loaded(pa)
        await loaded(pb)
        assert "on PostgreSQL" in a.sub_title and a.journal.target.launch == "demo"
        a.actions.tick(a.room.state, LOAD_TEST)
        assert await until(pb, lambda: b.room.state.items[LOAD_TEST].status is Status.DONE, timeout=10)
        b.actions.tick(b.room.state, RUNBOOK)
        assert await until(pa, lambda: a.room.state.items[RUNBOOK].status is Status.DONE, timeout=10)
        assert a.room.state.items[RUNBOOK].by == "bob" and b.room.state.items[LOAD_TEST].by == "alice"


async def test_a_lost_database_is_on_screen_writes_are_refused_and_it_catches_up(pg_url: str, demo: Path) -> None:
    target = parse_target(pg_url, "demo")
    ws = load_workspace(demo)
    Actions(PgJournal(target), "carol").note(LaunchState(ws), None, "before the split")
    app = make_app(demo, pg_url)
    admin = psycopg.connect(pg_url.replace(f"/{db_name(pg_url)}?", "/postgres?"), autocommit=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert "UNREACHABLE" not in header_text(app)
            # the split: nobody may connect, and the connections there were are cut
            admin.execute(f"ALTER DATABASE {db_name(pg_url)} ALLOW_CONNECTIONS false")
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (db_name(pg_url),))
            assert await until(pilot, lambda: "JOURNAL UNREACHABLE" in header_text(app), timeout=10)
            assert "writes refused" in header_text(app)
            assert len(app.room.state.launch_notes) == 1  # the last state stays on screen
            await pilot.press("j", "space")  # tick: refused with the reason, nothing recorded
            assert await until(pilot, lambda: any("unreachable" in str(n.message) and "Nothing was recorded" in str(n.message)
                                                  for n in app._notifications), timeout=5)
            assert app.room.state.items[LOAD_TEST].status is Status.TODO
            # the database is back: another operator writes, the screen catches up by itself
            admin.execute(f"ALTER DATABASE {db_name(pg_url)} ALLOW_CONNECTIONS true")
            Actions(PgJournal(target), "carol").note(LaunchState(ws), None, "after the split")
            assert await until(pilot, lambda: len(app.room.state.launch_notes) == 2, timeout=15)
            assert await until(pilot, lambda: "UNREACHABLE" not in header_text(app), timeout=5)
            await pilot.press("space")
            assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.DONE, timeout=10)
    finally:
        admin.execute(f"ALTER DATABASE {db_name(pg_url)} ALLOW_CONNECTIONS true")
        admin.close()
    events = PgJournal(target, read_only=True).load().events
    assert [e.kind for e in events] == ["note", "note", "set-status"]



def test_warroom_open_hands_the_url_to_the_screen_intact(pg_url: str, demo: Path, monkeypatch) -> None:  # noqa: ANN001
    """`warroom open LAYOUT --journal postgresql://...`: the URL is not read as a path."""
    import warroom.cli.screen as screen
    from warroom.cli import main
    from warroom.tui.app import WarRoomApp

    seen = []
    monkeypatch.setattr(screen, "run_app", lambda layout, journal, *a, **k: seen.append(journal) or 0)
    assert main(["open", str(demo), "--journal", pg_url]) == 0
    assert seen == [pg_url]
    assert WarRoomApp(demo, journal_path=pg_url).journal_override == pg_url
    assert WarRoomApp(demo, journal_path=str(demo)).journal_override == demo


def stored_kinds(target) -> list[str]:  # noqa: ANN001
    return [e.kind for e in PgJournal(target, read_only=True).load().events]


async def test_a_write_to_a_database_that_stopped_answering_never_holds_the_screen(pg_url: str, demo: Path) -> None:
    """The screen's own connection stops answering mid-launch (its server process is stopped;
    the follower's still answers, so nothing says the database is gone): the tick waits for the
    database in a thread, the screen keeps taking keys, a second change is told to wait, and
    the tick shows only once the database committed it — once."""
    import os
    import signal

    target = parse_target(pg_url, "demo")
    Actions(PgJournal(target), "carol").note(LaunchState(load_workspace(demo)), None, "before")
    app = make_app(demo, pg_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        backend = app.journal._connection().info.backend_pid
        os.kill(backend, signal.SIGSTOP)
        # should the screen wait for the write after all, it gets its answer in the end, and fails
        # here rather than hang
        watchdog = threading.Timer(WATCHDOG, os.kill, (backend, signal.SIGCONT))
        watchdog.start()
        try:
            await pilot.press("j", "space")  # tick the load test: its write hangs
            assert await until(pilot, lambda: app._writing, timeout=10)
            await pilot.press("question_mark")  # the screen still takes keys: the help opens
            assert await until(pilot, lambda: len(app.screen_stack) > 1, timeout=10)
            assert app._writing  # and the write is still waiting for the database
            await pilot.press("escape", "space")  # another change is told to wait for the first
            assert await until(pilot, lambda: any("still writing" in str(n.message) for n in app._notifications), timeout=10)
            assert app.room.state.items[LOAD_TEST].status is Status.TODO  # nothing shown before it is stored
        finally:
            watchdog.cancel()
            os.kill(backend, signal.SIGCONT)
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.DONE, timeout=20)
        assert await until(pilot, lambda: not app._writing, timeout=10)
    assert stored_kinds(target) == ["note", "set-status"]


async def test_a_write_as_the_database_drops_is_refused_once_the_screen_knows(pg_url: str, demo: Path) -> None:
    """The database refuses connections and the screen's writer connection is cut, while the
    follower's connection still stands (the screen does not know yet): the tick keeps trying in
    its thread and the screen keeps taking keys; once the follower loses its connection too,
    the header says so and the tick is refused at once with "Nothing was recorded"."""
    target = parse_target(pg_url, "demo")
    Actions(PgJournal(target), "carol").note(LaunchState(load_workspace(demo)), None, "before")
    app = make_app(demo, pg_url)
    admin = psycopg.connect(pg_url.replace(f"/{db_name(pg_url)}?", "/postgres?"), autocommit=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.journal.RETRY_FOR = WATCHDOG  # it would try that long: only the follower's news ends it sooner
            admin.execute(f"ALTER DATABASE {db_name(pg_url)} ALLOW_CONNECTIONS false")
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND application_name = 'warroom'",
                          (db_name(pg_url),))
            await pilot.press("j", "space")
            assert await until(pilot, lambda: app._writing, timeout=10)
            await pilot.press("question_mark")
            assert await until(pilot, lambda: len(app.screen_stack) > 1, timeout=10)
            await pilot.press("escape")
            assert app._writing and "UNREACHABLE" not in header_text(app)
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (db_name(pg_url),))
            assert await until(pilot, lambda: "JOURNAL UNREACHABLE" in header_text(app), timeout=20)
            assert await until(pilot, lambda: any("unreachable" in str(n.message) and "Nothing was recorded" in str(n.message)
                                                  for n in app._notifications), timeout=20)
            assert not app._writing and app.room.state.items[LOAD_TEST].status is Status.TODO
    finally:
        admin.execute(f"ALTER DATABASE {db_name(pg_url)} ALLOW_CONNECTIONS true")
        admin.close()
    assert stored_kinds(target) == ["note"]
