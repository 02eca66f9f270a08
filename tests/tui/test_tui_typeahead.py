"""Keys that arrive bunched (a slow SSH link) after a dialog key go to the dialog, not behind it."""

from __future__ import annotations

from textual import events
from textual.widgets import Input
from tui_support import loaded, make_app, until

from warroom.journal import Journal
from warroom.model import Status
from warroom.tui.widgets.checklist import ChecklistTree


def journal_kinds(path) -> list[str]:  # noqa: ANN001
    return [e.kind for e in Journal(path, read_only=True).load().events]


def _type(app, keys: str) -> None:  # noqa: ANN001
    """Put keys in the app's queue at once, as a terminal delivers a burst of input."""
    for ch in keys:
        app.post_message(events.Key("enter", "\r") if ch == "\r" else events.Key(ch, ch))


async def test_letters_typed_after_n_are_the_note_not_ticks(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        statuses = {i: s.status for i, s in app.room.state.items.items()}
        _type(app, "nxyz")
        assert await until(pilot, lambda: bool(app.screen.query(Input)) and app.screen.query_one(Input).value == "xyz", timeout=15)
        await pilot.press("enter")
        assert await until(pilot, lambda: any(s.notes for s in app.room.state.items.values()), timeout=15)
        notes = [n.text for s in app.room.state.items.values() for n in s.notes]
        assert notes == ["xyz"]
        assert {i: s.status for i, s in app.room.state.items.items()} == statuses
        assert journal_kinds(journal_path) == ["set-t0", "note"]


async def test_a_reason_then_its_confirmation_typed_ahead(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        _type(app, "Hdns\r")  # hold, the reason, enter ...
        _type(app, "y")  # ... and yes to the confirmation that follows
        assert await until(pilot, lambda: app.room.state.countdown.holding, timeout=15)
        assert app.room.state.countdown.hold_reason == "dns"
        assert journal_kinds(journal_path) == ["set-t0", "hold"]


async def test_keys_after_a_refused_dialog_key_still_reach_the_screen(layout, journal_path) -> None:
    app = make_app(layout, journal_path, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.checklist_panes[0].query_one(ChecklistTree)
        start = tree.cursor_line
        _type(app, "njj")  # n is refused (read-only): the j's still move the cursor
        assert await until(pilot, lambda: tree.cursor_line == start + 2, timeout=15)
        assert all(s.status is not Status.BLOCKED for s in app.room.state.items.values())


async def test_keys_typed_right_after_enter_in_a_shown_prompt_go_to_the_next_dialog(layout, journal_path) -> None:
    """QA: the comment prompt is on screen with the signed comment kept; ``enter y`` typed fast
    (accept it, confirm) must keep the comment and confirm, never type ``y`` into the comment:
    the ``y`` reached the input before its enter had bubbled up to run the submit binding."""
    from tui_support import append

    append(layout, journal_path, "sign", "Product Owner", "GO", "product ready, comms drafted", op="priya")
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("p", "y")
        assert await until(pilot, lambda: type(app.screen).__name__ == "PollScreen" and app.room.state.poll is not None)
        await pilot.press("1")
        assert await until(pilot, lambda: bool(app.screen.query(Input)))
        await pilot.pause(0.2)  # the prompt is drawn and ready: the user has read it
        _type(app, "\ry")
        assert await until(pilot, lambda: "poll_answer" in [k.replace("-", "_") for k in journal_kinds(journal_path)], timeout=10)
        assert app.room.state.signoffs["Product Owner"].comment == "product ready, comms drafted"
