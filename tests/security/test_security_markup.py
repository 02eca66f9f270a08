"""Text is not markup: names and titles from files and journals reach Textual as plain text.

Textual reads a string given to a border title, a Label or a notification as markup: ``[/b]``
raised MarkupError and took the whole screen down (a checklist title imported from a Markdown
heading was enough), ``[@click=app.quit]`` turned a word into an action, and
``[link='…ESC]0;…']`` made a hyperlink whose address Textual sends raw inside OSC 8.
"""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from security_support import CHECKLIST, LAYOUT, make_room
from warroom.tui.safety import ControlCharacterFilter, plain

MARKUP = "[/b][@click=app.quit]q[/] [link='http://x/\x1b]0;OWNED\x1b\\\\']l[/link]"
SAFE_MARKUP = "[/b][@click=app.quit]q[/]"  # what a file may carry (no control character: the door refuses those)


def test_a_link_whose_address_carries_an_escape_is_drawn_without_it() -> None:
    line = [Segment("a"), Segment("b", Style(link="http://x/\x1b]0;OWNED\x1b\\")), Segment("c", Style(link="https://ok.example/"))]
    out = ControlCharacterFilter().apply(line, Color(0, 0, 0))
    assert [s.text for s in out] == ["a", "b", "c"]
    assert out[1].style.link is None and out[2].style.link == "https://ok.example/"  # a clean link stays
    rendered = Strip(out).render(Console())
    assert "]0;OWNED" not in rendered and "\x07" not in rendered


def test_plain_is_never_markup_and_never_raw() -> None:
    content = plain(MARKUP)
    assert content.plain.startswith("[/b][@click=app.quit]q[/] [link='http://x/\\x1b]0;OWNED")
    assert not content.spans


def test_markup_in_every_name_and_title_neither_crashes_nor_acts_on_the_screen(tmp_path, capsys) -> None:
    checklist = (CHECKLIST.replace("title: App launch", f'title: "App {SAFE_MARKUP}"')
                 .replace("title: Pre-launch", f'title: "Pre {SAFE_MARKUP}"')
                 .replace("text: Load test passed", f'text: "Load {SAFE_MARKUP}"'))
    layout = (LAYOUT.replace("launch: App v2", f'launch: "App {SAFE_MARKUP}"')
              .replace("person: Ana", f'person: "Ana {SAFE_MARKUP}"')
              .replace("name: Load test signed", f'name: "Load {SAFE_MARKUP}"')
              + "screen:\n  columns: 2\n  rows: 1\n  panes:\n"
              + f'    - {{pane: checklist, checklist: app, row: 1, column: 1, title: "Ops {SAFE_MARKUP}"}}\n'
              + f'    - {{pane: journal, row: 1, column: 2, title: "J {SAFE_MARKUP}"}}\n')
    room = make_room(tmp_path, capsys, layout=layout, checklist=checklist)
    assert room.cli("validate", room.layout)[0] == 0
    room.plant(("note", "", {"text": f"note {SAFE_MARKUP}"}), op=f"eve{SAFE_MARKUP}")

    async def run(size: tuple[int, int]) -> tuple[bool, list[tuple[str, bool]]]:
        from warroom.tui.app import WarRoomApp

        app = WarRoomApp(room.layout, journal_path=room.journal, operator="ana", poll_interval=0.05)
        async with app.run_test(size=size) as pilot:
            await asyncio.wait_for(app.ready.wait(), 20)
            for key in ("enter", "escape", "w", "escape"):  # (the details screen clears toasts as it opens)
                await pilot.press(key)
                await pilot.pause(0.1)
            app.notify(f"run by {MARKUP}")  # what a flow says with a journal's operator name in it
            await pilot.pause(0.2)
            return app.is_running, [(n.message, n.markup) for n in app._notifications]

    for size in ((120, 40), (80, 24)):  # wide, and narrow (the panes become tabs with a switcher)
        alive, notes = asyncio.run(run(size))
        assert alive
        assert (f"run by {MARKUP}", False) in notes


def test_a_choice_between_commands_shows_them_as_text(room) -> None:
    """Copy / run choices list commands; ``[ -f x ] && echo [/x]`` is shell, not markup."""
    from textual.widgets import OptionList

    from warroom.tui.screens.dialogs import ChoiceScreen

    labels = ["test [ -f /x ] && echo [/x]", "echo [@click=app.quit]q[/] [link='http://evil.example']l[/link]"]

    async def run() -> tuple[bool, list[str], list[int]]:
        from warroom.tui.app import WarRoomApp

        app = WarRoomApp(room.layout, journal_path=room.journal, operator="ana", poll_interval=0.05)
        async with app.run_test(size=(120, 40)) as pilot:
            await asyncio.wait_for(app.ready.wait(), 20)
            app.push_screen(ChoiceScreen("Copy which command?", [("1", labels[0], 0), ("", labels[1], 1)]))
            await pilot.pause(0.3)
            ol = app.screen.query_one(OptionList)
            prompts = [ol.get_option_at_index(i).prompt for i in range(ol.option_count)]
            return app.is_running, [p.plain for p in prompts], [str(span.style) for p in prompts for span in p.spans]

    alive, shown, styles = asyncio.run(run())
    assert alive and labels[0] in shown[0] and labels[1] in shown[1]  # the labels as written
    # only the picker's own number and key styles: nothing in a label became a style, an action or a link
    assert styles and all(style in ("bold", "dim") for style in styles), styles
