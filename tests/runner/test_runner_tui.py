"""Running from the war-room screen: `!`, a typed confirmation (never a bare Enter), the run
pane, stop, the details tail for every operator, refusals on a read-only screen."""

from __future__ import annotations

import asyncio

from runner_support import Room

from warroom.events import RUN_END, RUN_RELEASE, RUN_START
from warroom.journal import Journal
from warroom.runner.execute import Run
from warroom.tui.widgets.text import local_time, zone_of


def _app(room: Room, **kw):  # noqa: ANN003, ANN202
    from warroom.tui.app import WarRoomApp

    kw.setdefault("operator", "alice")
    kw.setdefault("poll_interval", 0.05)
    return WarRoomApp(room.layout, journal_path=room.journal_path, **kw)


async def _until(pilot, condition, timeout: float = 20.0) -> bool:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if condition():
            return True
        await pilot.pause(0.03)
    return condition()


async def _loaded(pilot) -> None:  # noqa: ANN001
    await asyncio.wait_for(pilot.app.ready.wait(), 20)
    await pilot.pause()


async def _select(pilot, item_id: str) -> None:  # noqa: ANN001
    pane = pilot.app.main_screen.checklist_panes[0]
    pane.ctree.move_cursor(pane.nodes[item_id])
    pane.ctree.focus()
    await pilot.pause()


def _kinds(room: Room) -> list[str]:
    if not room.journal_path.exists():
        return []
    return [e.kind for e in Journal(room.journal_path, read_only=True).load().events]


def _screen_text(app) -> str:  # noqa: ANN001
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


async def test_a_critical_item_runs_only_after_its_short_id_is_typed(room: Room, monkeypatch) -> None:  # noqa: ANN001
    app = _app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await _select(pilot, "room/go/crit")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "RunConfirmScreen")
        shown = _screen_text(app)
        assert "echo critical done" in shown and "cwd" in shown and "timeout" in shown and "'crit' (or 'run')" in shown
        await pilot.press("enter")  # a bare Enter
        await pilot.pause()
        await pilot.press("y", "enter")  # 'y' is not enough for a critical item
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RunConfirmScreen" and _kinds(room) == []
        assert "not confirmed" in _screen_text(app)
        await pilot.press("c", "r", "i", "t", "enter")
        assert await _until(pilot, lambda: RUN_END in _kinds(room))
        assert await _until(pilot, lambda: "critical done" in _screen_text(app))
        assert await _until(pilot, lambda: app.room.state.items["room/go/crit"].status.value == "done")  # tick_on_success
        start = Journal(room.journal_path, read_only=True).load().events[0]
        assert start.kind == RUN_START and start.op == "alice"


async def test_escape_cancels_and_nothing_runs(room: Room) -> None:
    app = _app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await _select(pilot, "room/go/hello")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "RunConfirmScreen")
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen" and _kinds(room) == []


async def test_an_escape_sequence_in_the_output_never_reaches_the_screen(room: Room) -> None:
    room.set_command("hello", "printf 'before\\033]0;pwned-title\\007\\033]52;c;cHduZWQ=\\007\\033P1|pwned-dcs\\033\\\\"
                              "\\342\\200\\256after\\n\\033[31mred\\033[0m\\nprogress 9%%\\rprogress 100%%\\n'")
    app = _app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await _select(pilot, "room/go/hello")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "RunConfirmScreen")
        await pilot.press("y", "enter")
        assert await _until(pilot, lambda: "beforeafter" in _screen_text(app))
        text = _screen_text(app)
        assert "progress 100%" in text and "progress 9%" not in text and "\nred" in text.replace(" ", "")
        for bad in ("pwned", "\x1b", "\x07", "\u202e"):
            assert bad not in text
        assert await _until(pilot, lambda: RUN_END in _kinds(room))
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "MainScreen")
        await pilot.press("enter")  # the details: the tail of the (raw) output file, through the emulator
        assert await _until(pilot, lambda: "Last run" in _screen_text(app) and "beforeafter" in _screen_text(app))
        tail = _screen_text(app).split("beforeafter", 1)[1]  # (above it, the command's text is shown as written)
        assert "progress 100%" in tail and "pwned" not in tail
        for bad in ("\x1b", "\x07", "\u202e"):
            assert bad not in _screen_text(app)


async def test_stop_from_the_run_pane(room: Room) -> None:
    app = _app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await _select(pilot, "room/go/sleepy")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "RunConfirmScreen")
        await pilot.press("y", "enter")
        assert await _until(pilot, lambda: "sleeping" in _screen_text(app))
        await pilot.press("S")
        assert await _until(pilot, lambda: RUN_END in _kinds(room))
        end = Journal(room.journal_path, read_only=True).load().events[1]
        assert end.payload["stopped"] is True and end.payload["stopped_by"] == "alice"
        # a failure asks before marking the item blocked; n keeps its status
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen")
        await pilot.press("n")
        await pilot.pause()
        assert app.room.state.items["room/go/sleepy"].status.value == "todo"


async def test_a_second_operator_sees_who_runs_it_and_the_live_tail(room: Room) -> None:
    run = Run(room.plan("wait"), Journal(room.journal_path), "ana")
    run.start()
    app = _app(room, operator="bo")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _loaded(pilot)
            await _select(pilot, "room/go/wait")
            await pilot.press("exclamation_mark")
            assert await _until(pilot, lambda: any("being run by ana since" in n.message for n in app._notifications))
            assert app.screen.__class__.__name__ == "MainScreen"
            await pilot.press("enter")  # details
            assert await _until(pilot, lambda: "first" in _screen_text(app) and "running since" in _screen_text(app))
            start = Journal(room.journal_path, read_only=True).load().events[0]
            shown = local_time(start.ts, zone_of(room.ws().layout.timezone), seconds=True)
            assert f"running since {shown} by ana" in _screen_text(app) and start.ts not in _screen_text(app)  # local time
            (room.dir / "go").touch()
            assert await _until(pilot, lambda: "second" in _screen_text(app) and "exit 0" in _screen_text(app))
    finally:
        (room.dir / "go").touch()
        run.wait(30)


async def test_a_read_only_screen_never_runs(room: Room) -> None:
    room.journal_path.write_text("")
    app = _app(room, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await _select(pilot, "room/go/hello")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: any("commands never run from this screen" in n.message for n in app._notifications))
        assert app.screen.__class__.__name__ == "MainScreen"
    assert room.journal_path.read_text() == "" and not list(room.dir.glob("*.run-*"))


async def test_a_run_left_open_on_another_host_can_be_released_with_a_reason(room: Room) -> None:
    with Journal(room.journal_path) as journal:
        journal.load()
        journal.append(RUN_START, "room/go/hello", {"run": "r1", "host": "bastion-2", "pid": 4242, "command": "echo hello"},
                       op="carol")
    app = _app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await _select(pilot, "room/go/hello")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen")
        assert "being run by carol on bastion-2" in _screen_text(app)
        await pilot.press("y")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "PromptScreen")
        await pilot.press(*"bastion-2 rebooted", "enter")
        assert await _until(pilot, lambda: RUN_RELEASE in _kinds(room))
    release = Journal(room.journal_path, read_only=True).load().events[-1]
    assert (release.op, release.payload["reason"], release.payload["run"]) == ("alice", "bastion-2 rebooted", "r1")
    assert not room.state().runs["room/go/hello"].open


async def test_at_80x24_the_run_pane_keeps_the_key_bar_and_the_checklist_usable(room: Room, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("DB_PASSWORD", "hunter2-prod")  # a secret is set: the output still shows at once
    app = _app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        await _select(pilot, "room/go/sleepy")
        await pilot.press("exclamation_mark")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "RunConfirmScreen")
        await pilot.press("y", "enter")
        assert await _until(pilot, lambda: "sleeping" in _screen_text(app))
        rows = _screen_text(app).splitlines()
        assert len(rows) == 24 and "Stop run" in rows[-1] and "Hide run" in rows[-1] and "Help" in rows[-1]  # the key bar
        assert any("S stop · esc hide" in row for row in rows)  # the pane's title, within 80 columns
        tree = app.main_screen.checklist_panes[0].ctree
        assert tree.has_focus
        before = tree.cursor_line
        await pilot.press("j")
        assert tree.cursor_line == before + 1  # j still moves the checklist
        await pilot.press("k", "escape")  # escape hides the pane; the run goes on
        assert await _until(pilot, lambda: "sleeping" not in _screen_text(app))
        assert "Stop run" not in _screen_text(app).splitlines()[-1] and not any(e == RUN_END for e in _kinds(room))
        await pilot.press("exclamation_mark")  # ! on its item shows it again
        assert await _until(pilot, lambda: "sleeping" in _screen_text(app))
        await pilot.press("S")
        assert await _until(pilot, lambda: RUN_END in _kinds(room))
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen")
        await pilot.press("n")
        assert await _until(pilot, lambda: app.screen.__class__.__name__ == "MainScreen")
        last = _screen_text(app).splitlines()[-1]
        assert "Stop run" not in last and "Hide run" in last  # nothing left to stop; the pane shows how it ended
