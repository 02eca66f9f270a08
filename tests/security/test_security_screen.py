"""The screen's side of the same rules: the line filter, the remembered head, a deleted journal."""

from __future__ import annotations

import asyncio

from rich.segment import Segment
from textual.color import Color

from security_support import no_raw
from warroom.tui.safety import ControlCharacterFilter


def test_the_line_filter_draws_glyphs_and_keeps_the_width() -> None:
    line = [Segment("ab\x1b]52;c;x\x07", None), Segment("\u202ecd  ", None)]
    out = ControlCharacterFilter().apply(line, Color(0, 0, 0))
    text = "".join(s.text for s in out)
    no_raw(text)
    assert text == "ab␛]52;c;x␇�c" and Segment.get_line_length(out) == Segment.get_line_length(line)


async def _open(room):
    from warroom.tui.app import WarRoomApp

    app = WarRoomApp(room.layout, journal_path=room.journal, operator="ana", poll_interval=0.05)
    return app


def test_the_screen_warns_when_the_head_this_account_saw_is_gone(room) -> None:
    for word in ("one", "two"):
        room.cli("note", room.layout, word, "--as", "ana")
    lines = room.journal.read_text().splitlines(keepends=True)
    room.journal.write_text("".join(lines[:-1]))

    async def run() -> list[str]:
        app = await _open(room)
        async with app.run_test(size=(120, 40)) as pilot:
            await asyncio.wait_for(app.ready.wait(), 20)
            await pilot.pause()
            return [str(n.message) for n in app._notifications]

    messages = asyncio.run(run())
    assert any("no longer contains event seq 2" in m for m in messages), messages


def test_a_tick_into_a_deleted_journal_is_refused_on_the_screen(room) -> None:
    room.cli("note", room.layout, "one", "--as", "ana")

    async def run() -> tuple[list[str], bool]:
        app = await _open(room)
        async with app.run_test(size=(120, 40)) as pilot:
            await asyncio.wait_for(app.ready.wait(), 20)
            room.journal.unlink()
            try:
                app.actions.tick(app.room.state, "backup")
            except Exception as exc:  # noqa: BLE001 - the screen shows this message
                return [str(exc)], room.journal.exists()
            return [], room.journal.exists()

    messages, exists = asyncio.run(run())
    assert messages and "was deleted or moved away while open; nothing was written" in messages[0] and not exists
