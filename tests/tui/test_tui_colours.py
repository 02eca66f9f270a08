"""Legible in 16 colours (TEXTUAL_COLOR_SYSTEM=standard, a plain tmux or console).

Textual draws in true colour and Rich turns each colour into the nearest of the 16 standard
ones as it writes to such a terminal. Two different colours can meet in one: the text then
vanishes into its background. These tests take every cell the real app draws, map its
foreground and background exactly as Rich does (``Color.downgrade``), and look for glyphs
drawn in their own background's colour (the ``invisible_glyphs`` fixture, tests/conftest.py).
NO_COLOR has a snapshot of its own.
"""

from __future__ import annotations

import pytest
from tui_support import loaded, make_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 60), id="200x60")]
async def check(pilot, invisible, *keys: str) -> None:  # noqa: ANN001
    for key in keys:
        await pilot.press(key)
    await pilot.pause()
    await pilot.pause()
    assert invisible(pilot.app) == []


@pytest.mark.parametrize("size", SIZES)
async def test_the_war_room_screen(layout, journal_path, size, invisible_glyphs) -> None:  # noqa: ANN001
    app = make_app(layout, journal_path)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await check(pilot, invisible_glyphs)
        await check(pilot, invisible_glyphs, "tab")  # the next pane active
        await check(pilot, invisible_glyphs, "space")  # a ticked item (green) under the cursor


@pytest.mark.parametrize("size", SIZES)
async def test_a_hold_and_its_banner(layout, journal_path, size, invisible_glyphs) -> None:  # noqa: ANN001
    app = make_app(layout, journal_path)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await check(pilot, invisible_glyphs, "H", *"dns")  # the prompt
        await check(pilot, invisible_glyphs, "enter")  # the confirmation
        await check(pilot, invisible_glyphs, "y")  # HOLD in the header and the timeline
        assert app.room.state.countdown.holding


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("keys", [("question_mark",), ("enter",), ("w",), ("p",), ("s",), ("slash",)],
                         ids=["help", "details", "why", "poll", "status", "filter"])
async def test_every_dialog(layout, journal_path, size, keys, invisible_glyphs) -> None:  # noqa: ANN001
    app = make_app(layout, journal_path)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("j", "j")  # an item, not a section
        await check(pilot, invisible_glyphs, *keys)
        assert len(app.screen_stack) > 1


async def test_the_check_finds_a_glyph_drawn_in_its_background(invisible_glyphs) -> None:  # noqa: ANN001
    """The check itself, on an app with one line that 16 colours lose and one they keep."""
    from textual.app import App
    from textual.widgets import Static

    class TwoLines(App):
        CSS = "#lost { color: #1c1c1c; background: #000000; } #kept { color: #ffffff; background: #000000; }"

        def compose(self):  # noqa: ANN202
            yield Static("lost", id="lost")
            yield Static("kept", id="kept")

    app = TwoLines()
    async with app.run_test(size=(20, 4)) as pilot:
        await pilot.pause()
        assert invisible_glyphs(app) == ["0,0 'lost' colour 0 on 0"]
