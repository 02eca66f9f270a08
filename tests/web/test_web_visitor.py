"""A browser visitor of `warroom serve --allow-writes` writes journal events only: its screen
(`warroom open --visitor`) never runs a command, never edits the layout and never accepts a
layout change (its process runs with the server's environment, not the visitor's)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runner"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "flow"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))
from flow_support import Service, room as flow_room, run  # noqa: E402
from runner_support import Room, make_room  # noqa: E402
from tui_support import loaded, make_app, until  # noqa: E402

from warroom.cli import build_parser  # noqa: E402
from warroom.journal import Journal  # noqa: E402
from warroom.tui.serve import WarRoomServer  # noqa: E402



@pytest.fixture
def room(tmp_path: Path) -> Room:
    return make_room(tmp_path)


def test_allow_writes_opens_visitor_screens_and_read_only_ones_otherwise(tmp_path: Path) -> None:
    assert "--visitor" in WarRoomServer(tmp_path / "l.yaml", allow_writes=True).command("ann")
    read_only = WarRoomServer(tmp_path / "l.yaml").command("ann")
    assert "--read-only" in read_only and "--visitor" not in read_only
    args = build_parser().parse_args(["open", "l.yaml", "--visitor"])
    assert args.visitor and not args.read_only


def _kinds(path: Path) -> list[str]:
    return [e.kind for e in Journal(path, read_only=True).load().events] if path.exists() else []


async def test_a_visitor_ticks_but_never_runs_a_command_or_opens_the_tiles_flow(room: Room) -> None:
    from warroom.tui.app import WarRoomApp

    room.journal_path.write_text("")
    app = WarRoomApp(room.layout, journal_path=room.journal_path, operator="ann (web)", visitor=True, poll_interval=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(app.ready.wait(), 20)
        await pilot.pause()
        pane = app.main_screen.checklist_panes[0]
        pane.ctree.move_cursor(pane.nodes["room/go/hello"])
        pane.ctree.focus()
        await pilot.pause()
        await pilot.press("exclamation_mark")
        assert await until(pilot, lambda: any("commands never run from this screen" in n.message for n in app._notifications))
        assert type(app.screen).__name__ == "MainScreen"
        await pilot.press("m")
        assert await until(pilot, lambda: any("never edits the layout" in n.message for n in app._notifications))
        assert type(app.screen).__name__ == "MainScreen"
        await pilot.press("space")  # a journal event: allowed
        assert await until(pilot, lambda: "tick" in _kinds(room.journal_path) or "set-status" in _kinds(room.journal_path))
    assert not any(k.startswith("run") for k in _kinds(room.journal_path))
    assert not list(room.dir.glob("*.run-*"))


async def test_a_visitor_never_accepts_a_new_host(tmp_path: Path) -> None:
    svc = Service()
    try:
        layout = flow_room(tmp_path, f"tiles:\n  - name: health\n    source: http\n    url: {svc.url}/health\n    interval: 1s\n")
        journal = tmp_path / "layouts" / "room.journal.yaml"
        app = make_app(layout, journal, operator="ann (web)")
        app.mode = "visitor"
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(pilot)
            port = svc.url.rsplit(":", 1)[1]
            p = await asyncio.to_thread(run, "tiles", str(layout), "add", "--name", "other", "--source", "http",
                                        "--url", f"http://localhost:{port}/health", cwd=tmp_path)
            assert p.returncode == 0, p.stderr
            assert await until(pilot, lambda: any("needs an operator's acceptance" in n for n in app.layout_notices), timeout=10)
            assert type(app.screen).__name__ == "MainScreen"  # no review dialog to accept
    finally:
        svc.stop()
