"""Manual go/no-go criteria are assessed from the screen (key a), through the journal."""

from __future__ import annotations

from tui_support import loaded, make_app, until

from warroom.journal import Journal


async def test_assess_a_manual_criterion(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert "load-test-signed" not in app.room.state.assessments
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("1")  # Load test report signed off
        await pilot.pause()
        await pilot.press("p")  # pass
        await pilot.pause()
        await pilot.press(*"2.1x peak", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: "load-test-signed" in app.room.state.assessments, timeout=10)
        a = app.room.state.assessments["load-test-signed"]
        assert (a.result, a.value, a.by) == ("pass", "2.1x peak", "alice")
        assert not any(r.target == "load-test-signed" for r in app.room.decision().reasons)
        events = Journal(journal_path, read_only=True).load().events
        assert (events[-1].kind, events[-1].target, events[-1].payload["result"]) == ("assess", "load-test-signed", "pass")


async def test_assess_is_refused_read_only(layout, journal_path) -> None:
    app = make_app(layout, journal_path, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert len(app.screen_stack) == 1
        assert len(Journal(journal_path, read_only=True).load().events) == 1
