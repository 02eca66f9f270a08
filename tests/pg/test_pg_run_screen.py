"""Running from the war-room screen on a PostgreSQL journal: `!` runs the command (its output
goes to the database), and another operator's screen shows who runs it and the live tail of a
run another process supervises, read from the database."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from pg_support import launch_url  # noqa: E402
from runner_support import Room, base_env  # noqa: E402

from warroom.events import RUN_END, RUN_START  # noqa: E402
from warroom.journal_pg import PgJournal, parse_target  # noqa: E402


def _events(url: str) -> list:
    with PgJournal(parse_target(launch_url(url, "room"), None), read_only=True) as j:
        return j.load().events


def _app(room: Room, **kw):  # noqa: ANN003, ANN202
    from warroom.tui.app import WarRoomApp

    kw.setdefault("poll_interval", 0.05)
    return WarRoomApp(room.layout, **kw)


async def _until(pilot, condition, timeout: float = 30.0) -> bool:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def _ready(pilot, item_id: str) -> None:  # noqa: ANN001
    await asyncio.wait_for(pilot.app.ready.wait(), 20)
    await pilot.pause()
    pane = pilot.app.main_screen.checklist_panes[0]
    pane.ctree.move_cursor(pane.nodes[item_id])
    pane.ctree.focus()
    await pilot.pause()


def _screen_text(app) -> str:  # noqa: ANN001
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


async def test_bang_runs_on_a_database_journal(pg_room) -> None:  # noqa: ANN001
    room, url = pg_room
    app = _app(room, operator="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, "room/go/hello")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "RunConfirmScreen")
        await pilot.press("y", "enter")
        assert await _until(pilot, lambda: any(e.kind == RUN_END for e in _events(url)))
        assert await _until(pilot, lambda: "world" in _screen_text(app) and "journal database" in _screen_text(app))
        assert await _until(pilot, lambda: app.room.state.items["room/go/hello"].status.value == "done")
    start = next(e for e in _events(url) if e.kind == RUN_START)
    assert start.op == "alice" and start.payload["output"] == "database"


async def test_another_operator_sees_a_run_supervised_by_another_process_live(pg_room) -> None:  # noqa: ANN001
    room, url = pg_room
    room.set_command("wait", "echo one-$((40+2)); while [ ! -e go ]; do sleep 0.02; done; echo two-$((40+3))")
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "wait", "--yes", "--as", "ana"],
                            cwd=room.dir, env=base_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    app = _app(room, operator="bo")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _ready(pilot, "room/go/wait")
            assert await _until(pilot, lambda: "room/go/wait" in app.room.state.runs)
            await pilot.press("exclamation_mark")  # its heartbeat is fresh: it runs, so no second run
            assert await _until(pilot, lambda: any("being run by ana since" in n.message for n in app._notifications))
            await pilot.press("enter")  # details: the tail, from the database
            assert await _until(pilot, lambda: "one-42" in _screen_text(app) and "running since" in _screen_text(app))
            assert "two-43" not in _screen_text(app)
            (room.dir / "go").touch()
            await pilot.press("escape")
            assert await _until(pilot, lambda: any(e.kind == RUN_END for e in _events(url)))
            assert await _until(pilot, lambda: app.room.state.runs["room/go/wait"].end is not None)
            await pilot.press("enter")
            assert await _until(pilot, lambda: "two-43" in _screen_text(app) and "exit 0" in _screen_text(app))
    finally:
        (room.dir / "go").touch()
        proc.wait(30)
