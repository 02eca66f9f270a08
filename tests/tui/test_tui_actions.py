"""Pilot tests: every key that changes something appends an event, and the screen follows the journal."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import yaml
from rich.console import Console
from tui_support import FROZEN, append, loaded, make_app, until

from warroom.events import HOLD, POLL_ANSWER, RECYCLE, RESUME, SCRUB, SET_STATUS, SET_T0
from warroom.journal import Journal
from warroom.model import Status
from warroom.state import LaunchState
from warroom.workspace import load_workspace

FIRST = "payments-v2/pre-launch/freeze"  # done in the checklist file
LOAD_TEST = "payments-v2/pre-launch/load-test"


def journal_events(path):  # noqa: ANN001, ANN201
    return Journal(path, read_only=True).load().events


async def test_tick_and_untick_go_through_the_journal(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        pane = app.main_screen.checklist_panes[0]
        assert pane.ctree.item_id == FIRST
        await pilot.press("j")
        assert pane.ctree.item_id == LOAD_TEST
        await pilot.press("space")
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.DONE)
        last = journal_events(journal_path)[-1]
        assert (last.kind, last.target, last.payload["status"], last.op) == (SET_STATUS, LOAD_TEST, "done", "alice")
        assert "✓" in str(pane.nodes[LOAD_TEST].label)
        assert app.room.section_done["payments-v2/pre-launch"] == 2
        await pilot.press("x")
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.TODO)
        assert journal_events(journal_path)[-1].payload["status"] == "todo"
        assert app.room.section_done["payments-v2/pre-launch"] == 1
        assert "○" in str(pane.nodes[LOAD_TEST].label)


async def test_status_with_reason_and_note(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("j", "s", "b")
        await pilot.pause()
        await pilot.press(*"vendor late", "enter")
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.BLOCKED)
        assert app.room.state.items[LOAD_TEST].reason == "vendor late"
        assert "vendor late" in str(app.main_screen.checklist_panes[0].nodes[LOAD_TEST].label)
        # escape on the reason writes nothing
        before = len(journal_events(journal_path))
        await pilot.press("s", "s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert len(journal_events(journal_path)) == before
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"rerun at 14:30", "enter")
        assert await until(pilot, lambda: len(app.room.state.items[LOAD_TEST].notes) == 1)
        assert app.room.state.items[LOAD_TEST].notes[0].text == "rerun at 14:30"
        await pilot.press("enter")  # details
        await pilot.pause()
        assert app.screen.__class__.__name__ == "DetailsScreen"
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.render_item())
        body = console.export_text()
        assert "rerun at 14:30" in body and "blocked" in body and "vendor late" in body and "k6 run" in body
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"


async def test_sign_go_with_comment_is_confirmed(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("o", "2", "1")  # Tech Lead, GO
        await pilot.pause()
        await pilot.press(*"all green", "enter")
        await pilot.pause()
        await pilot.press("n")  # refuse at the confirmation: nothing written
        await pilot.pause()
        assert "Tech Lead" not in app.room.state.signoffs
        await pilot.press("o", "2", "1")
        await pilot.pause()
        await pilot.press(*"all green", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: "Tech Lead" in app.room.state.signoffs)
        sign = app.room.state.signoffs["Tech Lead"]
        assert (sign.decision, sign.comment, sign.by) == ("GO", "all green", "alice")


async def test_poll_walks_the_roles_in_order(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: app.room.state.poll is not None)
        assert app.screen.__class__.__name__ == "PollScreen"
        await pilot.press("1")  # GO
        await pilot.pause()
        await pilot.press("enter")  # no comment
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: app.room.state.poll.current_role == "Tech Lead")
        await pilot.press("2")  # NO-GO
        await pilot.pause()
        await pilot.press(*"pager noisy", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: app.room.state.poll.current_role == "Security")
        assert app.room.state.signoffs["Tech Lead"].decision == "NO-GO"
        for role in ("Security", "Operations", "Support"):
            assert await until(pilot, lambda: app.room.state.poll.current_role == role)
            await pilot.pause()
            for key in ("1", "enter", "y"):
                await pilot.press(key)
                await pilot.pause()
        assert await until(pilot, lambda: app.room.state.poll is None)
        answers = [e for e in journal_events(journal_path) if e.kind == POLL_ANSWER]
        assert [e.target for e in answers] == ["Product Owner", "Tech Lead", "Security", "Operations", "Support"]
        assert app.room.decision().verdict == "NO-GO"


async def test_hold_resume_recycle_scrub(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        cd = lambda: app.room.state.countdown  # noqa: E731
        await pilot.press("H")
        await pilot.pause()
        await pilot.press(*"dba missing", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: cd().holding)
        assert cd().hold_reason == "dba missing"
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: not cd().holding)
        await pilot.press("R")
        await pilot.pause()
        app.screen.query_one("Input").value = ""
        await pilot.press(*"T-2h", "enter")
        await pilot.pause()
        await pilot.press(*"redo load test", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: cd().recycles == 1)
        assert cd().holding
        await pilot.press("X")
        await pilot.pause()
        await pilot.press(*"weather", "enter")
        await pilot.pause()
        await pilot.press("y", "enter")  # not the word: nothing happens
        await pilot.pause()
        assert not cd().scrubbed
        app.screen.query_one("Input").value = ""
        await pilot.press(*"scrub", "enter")
        assert await until(pilot, lambda: cd().scrubbed)
        assert app.room.decision().verdict == "NO-GO"
        kinds = [e.kind for e in journal_events(journal_path)]
        assert kinds[-4:] == [HOLD, RESUME, RECYCLE, SCRUB]
        await pilot.press("T")
        await pilot.pause()
        await pilot.press(*"45m", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: not cd().scrubbed)
        assert cd().t(FROZEN).total_seconds() == -45 * 60


async def test_an_action_error_is_shown_not_raised(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("r")  # not holding
        await pilot.pause()
        assert any("not holding" in n.message for n in app._notifications)
        assert journal_events(journal_path)[-1].kind == SET_T0


async def test_filter_text_and_quick_filters(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        pane = app.main_screen.checklist_panes[0]
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"migration", "enter")
        await pilot.pause()
        assert list(pane.nodes) == ["payments-v2/launch-day/db-migration"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(pane.nodes) == 12
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("f5")  # critical
        await pilot.pause()
        assert pane.quick == "critical"
        assert set(pane.nodes) == {i.id for i in app.room.ws.items.values() if i.critical}
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("f3")  # open: not done or skipped
        await pilot.pause()
        assert FIRST not in pane.nodes and len(pane.nodes) == 11


async def test_live_follow_of_a_separate_process(layout, journal_path) -> None:
    app = make_app(layout, journal_path, poll_interval=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        code = textwrap.dedent(f"""
            from warroom.actions import Actions
            from warroom.journal import Journal
            from warroom.state import LaunchState
            from warroom.workspace import load_workspace
            ws = load_workspace({str(layout)!r})
            with Journal({str(journal_path)!r}) as j:
                st = LaunchState.replay(ws, j.load().events)
                Actions(j, "bob").tick(st, {LOAD_TEST!r})
        """)
        subprocess.run([sys.executable, "-c", code], check=True)
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.DONE, timeout=1.5)
        assert app.room.state.items[LOAD_TEST].by == "bob"
        assert "✓" in str(app.main_screen.checklist_panes[0].nodes[LOAD_TEST].label)


async def test_concurrent_ticks_end_in_the_same_state_as_the_file(layout, journal_path) -> None:
    """This app and another process tick the same checklist at once; both views match the journal."""
    app = make_app(layout, journal_path, poll_interval=0.05)
    ids = [i for i in load_workspace(layout).items]
    code = textwrap.dedent(f"""
        from warroom.actions import Actions
        from warroom.journal import Journal
        from warroom.state import LaunchState
        from warroom.workspace import load_workspace
        ws = load_workspace({str(layout)!r})
        with Journal({str(journal_path)!r}) as j:
            for n in range(3):
                for item in {ids!r}:
                    st = LaunchState.replay(ws, j.load().events)
                    Actions(j, "bob").toggle(st, item)
    """)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        proc = subprocess.Popen([sys.executable, "-c", code])
        for _ in range(20):
            await pilot.press("space", "j")
        await until(pilot, lambda: proc.poll() is not None, timeout=30)
        assert proc.returncode == 0
        result = Journal(journal_path, read_only=True).load()
        await until(pilot, lambda: app.room.state.last_seq == result.events[-1].seq)
        mine = LaunchState.replay(load_workspace(layout), result.events).snapshot()
        assert app.room.state.snapshot() == mine
        assert {e.op for e in result.events} >= {"alice", "bob"}
        # the tallies the screen shows agree with a fresh count
        for cid, done in app.room.checklist_done.items():
            checklist = app.room.ws.checklist(cid)
            assert done == app.room.state.progress(checklist.walk_items())[0]


async def test_read_only_refuses_every_write(layout, journal_path) -> None:
    before = journal_path.read_bytes()
    app = make_app(layout, journal_path, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        for key in ["space", "x", "s", "n", "H", "r", "R", "X", "T", "o", "p", "a"]:
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.__class__.__name__ == "MainScreen", key
        assert journal_path.read_bytes() == before
        assert sum("read-only" in n.message for n in app._notifications) >= 1
        header = str(app.screen.query_one("#hdr-right").render())
        assert "READ-ONLY" in header
        # it still follows what others write
        append(layout, journal_path, "tick", LOAD_TEST)
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.DONE)


async def test_help_palette_and_panes(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.main_screen.narrow
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        titles = [t for t in app.main_screen.pane_titles]
        assert titles[:2] == ["Payments API v2 launch", "Timeline"]
        await pilot.press("tab")
        await pilot.pause()
        assert app.main_screen.active == 1 and app.main_screen.pane_widgets[1].display and not app.main_screen.pane_widgets[0].display
        await pilot.press("3")
        await pilot.pause()
        assert app.main_screen.active == 2 and app.main_screen.pane_widgets[2].display
        names = [name for name, _, _ in app.palette_commands()]
        for wanted in ["Hold the count", "Scrub the launch", "Set T-0", "Go/no-go poll", "Sign off as a role", "Filter the checklist"]:
            assert wanted in names
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert not app.main_screen.narrow and all(w.display for w in app.main_screen.pane_widgets)


async def test_copy_command_uses_the_clipboard(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("j", "c")
        await pilot.pause()
        assert app.clipboard.startswith("k6 run")


async def test_a_bad_layout_exits_with_its_problems(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("launch: x\ncheklists: []\n")
    app = make_app(bad, tmp_path / "j.yaml")
    async with app.run_test() as pilot:
        await pilot.pause(0.5)
    assert app.return_code == 2
    assert app.problems and app.problems[0].startswith(str(bad))


async def test_why_not_go_lists_every_reason(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "WhyScreen"
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#why-body").render())
        text = console.export_text()
        reasons = app.room.decision().reasons
        assert len(reasons) > 5 and all(r.text in text for r in reasons)
        append(layout, journal_path, "sign", "Security", "NO-GO", "open findings")
        assert await until(pilot, lambda: "Security is NO-GO" in str(app.screen.query_one("#why-body").render()))


async def test_a_torn_journal_tail_is_reported(layout, journal_path) -> None:
    with open(journal_path, "ab") as f:
        f.write(b'- {"seq": 2, "ts": "2026-11')  # a write cut short
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert any("torn" in n.message for n in app._notifications)
        await pilot.press("j", "space")
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.DONE)


async def test_a_journal_pane_lists_and_follows_events(layout, journal_path) -> None:
    data = yaml.safe_load(layout.read_text())
    for pane in data["screen"]["panes"]:
        if pane["pane"] == "tiles":
            pane["pane"] = "journal"
    layout.write_text(yaml.safe_dump(data, sort_keys=False))
    app = make_app(layout, journal_path)
    async with app.run_test(size=(200, 60)) as pilot:
        await loaded(pilot)
        pane = app.main_screen.journal_pane
        assert pane is not None and "T-0 set to" in "\n".join(str(line.text) for line in pane.lines)
        append(layout, journal_path, "note", None, "bridge call moved to 15:00")
        assert await until(pilot, lambda: "bridge call moved" in "\n".join(str(line.text) for line in pane.lines))


async def test_a_hangup_ends_the_app(layout, journal_path) -> None:
    import os
    import signal

    app = make_app(layout, journal_path, watch_tty=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert app._sighup
        os.kill(os.getpid(), signal.SIGHUP)
        await until(pilot, lambda: app.return_code is not None, timeout=3)
    assert app.return_code == 129
    assert app._watchdog is not None and app._watchdog.finished.is_set()  # cancelled once the app unmounted


async def test_everything_is_reachable_at_80x24(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.main_screen.narrow
        await pilot.press("2")  # the timeline, alone on screen
        await pilot.pause()
        assert [w.display for w in app.main_screen.pane_widgets] == [False, True, False, False]
        await pilot.press("H")
        await pilot.pause()
        await pilot.press(*"bridge", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: app.room.state.countdown.holding)
        await pilot.press("shift+tab")  # back to the checklist
        await pilot.pause()
        assert app.main_screen.active == 0 and app.main_screen.pane_widgets[0].display
        await pilot.press("j", "x")
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status is Status.DONE)
        await pilot.press("colon")  # the command palette, without ctrl+p
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
