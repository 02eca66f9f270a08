"""The key bar (the keys that work here, fitted to the width) and checklist labels built when drawn."""

from __future__ import annotations

import time
from datetime import timedelta

import yaml
from textual.widgets import Static
from tui_support import FROZEN, loaded, make_app, until

from warroom.tui.widgets.checklist import UNBUILT
from warroom.tui.widgets.keybar import KeyBar
from warroom.workspace import load_workspace

RETRO = "payments-v2/post-launch/retro"
MIGRATION = "payments-v2/launch-day/db-migration"  # due at T-1h
CANARY = "payments-v2/launch-day/canary"  # due at T-0


def bar_text(app) -> str:  # noqa: ANN001
    bar = app.screen.query_one(KeyBar)
    return bar.render().plain


def line_of(tree, item_id: str) -> str:  # noqa: ANN001
    """The tree's line for an item as drawn now (scrolled into view first)."""
    node = tree.pane.nodes[item_id]
    tree.scroll_to_line(node.line, animate=False)
    return "".join(seg.text for seg in tree.render_line(node.line - tree.scroll_offset.y))


async def test_the_key_bar_shows_the_keys_that_work_here(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        text = bar_text(app)
        for shown in ("space Tick", "s Status", "n Note", "H Hold", "o Sign", "p Poll", "? Help", "q Quit"):
            assert shown in text
        assert text.rstrip().endswith("? Help  q Quit")


async def test_read_only_leaves_the_writing_keys_off_the_bar(layout, journal_path) -> None:
    app = make_app(layout, journal_path, read_only=True)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        text = bar_text(app)
        for gone in ("Tick", "Status", "Note", "Hold", "Resume", "Sign", "Poll"):
            assert gone not in text
        for shown in ("Details", "Copy cmd", "Filter", "Help", "Quit"):
            assert shown in text


async def test_a_narrow_bar_drops_keys_but_keeps_help_and_quit(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(44, 24)) as pilot:
        await loaded(pilot)
        bar = app.screen.query_one(KeyBar)
        text = bar.render()
        assert text.cell_len <= bar.size.width
        assert text.plain.rstrip().endswith("? Help q Quit")
        assert "Details" in text.plain  # the first keys stay; the later ones went


async def test_a_click_on_a_key_presses_it(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        bar = app.screen.query_one(KeyBar)
        bar.render()
        start = next(s for s, _, key in bar._spans if key == "question_mark")
        await pilot.click(KeyBar, offset=(start, 0))
        assert await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")


async def test_a_label_is_built_when_its_line_is_drawn(tmp_path) -> None:
    items = [{"id": f"i{k}", "text": f"Check thing number {k}"} for k in range(300)]
    (tmp_path / "long.yaml").write_text(yaml.safe_dump({"id": "long", "title": "Long", "sections": [
        {"id": "s", "title": "Everything", "items": items}]}))
    layout = tmp_path / "long-layout.yaml"
    layout.write_text(yaml.safe_dump({"launch": "Long", "checklists": ["long.yaml"], "roles": [{"name": "Ops"}]}))
    app = make_app(layout, tmp_path / "long.journal.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        pane = app.main_screen.checklist_panes[0]
        unbuilt = [k for k in range(300) if pane.nodes[f"long/s/i{k}"]._label is UNBUILT]
        assert 0 not in unbuilt and len(unbuilt) > 250  # the lines on screen, and not the rest
        await pilot.press("G")
        assert await until(pilot, lambda: pane.nodes["long/s/i299"]._label is not UNBUILT)
        assert "Check thing number 299" in line_of(pane.ctree, "long/s/i299")


async def test_a_due_mark_passing_flags_the_overdue_items_on_screen(layout, journal_path) -> None:
    clock = [FROZEN]  # T-1:30
    app = make_app(layout, journal_path, now=lambda: clock[0])
    async with app.run_test(size=(200, 60)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.checklist_panes[0].ctree
        assert "overdue" not in line_of(tree, MIGRATION)
        clock[0] = FROZEN + timedelta(minutes=31)  # T-0:59: past T-1h
        app.tick_clock()
        await pilot.pause()
        drawn = line_of(tree, MIGRATION)
        assert "⚠" in drawn and "overdue" in drawn
        assert "⚠" not in line_of(tree, CANARY)  # due at T-0: not yet


async def test_a_slow_load_shows_what_is_loading_and_survives_a_resize(layout, journal_path) -> None:
    def slow_workspace():  # noqa: ANN202 - a layout on a slow disk
        time.sleep(0.6)
        return load_workspace(layout)

    app = make_app(layout, journal_path, workspace=slow_workspace)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause(0.1)
        assert not app.ready.is_set()
        assert "Loading" in str(app.screen.query_one("#loading", Static).render())
        await pilot.resize_terminal(80, 24)  # to the small-screen mode and back, mid-load
        await pilot.pause(0.05)
        await pilot.resize_terminal(200, 60)
        await loaded(pilot)
        assert app.main_screen.checklist_panes and not app.main_screen.narrow
        assert "q Quit" in bar_text(app)
