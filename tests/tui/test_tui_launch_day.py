"""Launch day on the screen: the hold at T-0 without a GO, the poll with typed-ahead keys, the
hold warning, a refused PASS, the override, and the key scheme in every picker and dialog."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from rich.color import ColorSystem
from textual import events
from textual.widgets import Input
from tui_support import FROZEN, append, frozen, loaded, make_app, pick, until

from warroom.actions import Actions
from warroom.events import POLL_ANSWER, T0_REACHED
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

LOAD_TEST = "payments-v2/pre-launch/load-test"


def journal_events(path: Path) -> list:
    return Journal(path, read_only=True).load().events


def screen_text(app) -> str:  # noqa: ANN001
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def pane_text(app, kind: str) -> str:  # noqa: ANN001
    """A body pane's content as plain text, whether or not it is on screen (a tab at 80x24)."""
    from rich.console import Console

    pane = next(w for w in app.main_screen.pane_widgets if type(w).__name__ == kind)
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(pane.body.content.renderable)
    return console.export_text()


def _type(app, keys: str) -> None:  # noqa: ANN001
    """Put keys in the app's queue at once, as a terminal delivers a burst of input."""
    for ch in keys:
        app.post_message(events.Key("enter", "\r") if ch == "\r" else events.Key(ch, ch))


@pytest.fixture
def past_t0(layout: Path) -> Path:
    """A journal whose T-0 was 40 seconds before the frozen clock: the count has reached it."""
    path = layout.with_name("past.journal.yaml")
    with Journal(path) as journal:
        journal.load()
        Actions(journal, "director", now=frozen).set_t0(LaunchState(load_workspace(layout)), FROZEN - timedelta(seconds=40))
    return path


@pytest.fixture
def latency_layout(layout: Path) -> Path:
    data = yaml.safe_load(layout.read_text(encoding="utf-8"))
    data["criteria"].append({"id": "latency", "name": "API Latency P95", "threshold": "< 500ms"})
    layout.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return layout


# -- the hold at T-0 ---------------------------------------------------------------------------
async def test_two_screens_past_t0_hold_the_count_and_journal_it_once(layout, past_t0) -> None:
    first, second = make_app(layout, past_t0, operator="ana"), make_app(layout, past_t0, operator="bo")
    async with first.run_test(size=(120, 40)) as p1, second.run_test(size=(120, 40)) as p2:
        await loaded(p1)
        await loaded(p2)
        for app in (first, second):
            app.tick_clock()  # both see T-0 reached at once
        assert await until(p1, lambda: first.room.state.countdown.auto_held)
        assert await until(p2, lambda: second.room.state.countdown.auto_held)
        for app in (first, second):
            app.tick_clock()
        await p1.pause(0.2)
        reached = [e for e in journal_events(past_t0) if e.kind == T0_REACHED]
        assert len(reached) == 1 and reached[0].payload["verdict"] == "PENDING"
        for app in (first, second):
            header = str(app.main_screen.query_one("#hdr-left").render())
            assert "HOLD" in header and "no GO at T-0" in header
            assert any("reached T-0 without a GO" in n.message for n in app._notifications)
            assert app.room.t() == timedelta(0)


async def test_a_read_only_screen_shows_the_hold_at_t0_and_writes_nothing(layout, past_t0) -> None:
    before = past_t0.read_bytes()
    app = make_app(layout, past_t0, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.tick_clock()
        await pilot.pause()
        header = str(app.main_screen.query_one("#hdr-left").render())
        assert "T-00:00:00" in header or "T+00:00:00" in header
        assert "HOLD" in header and "UTC" in header  # the wall clock stays on the narrow header
        # QA: a read-only screen offered "r: a GO or an override", a key it does not have
    app = make_app(layout, past_t0, read_only=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await loaded(pilot)
        app.tick_clock()
        await pilot.pause()
        header = str(app.main_screen.query_one("#hdr-left").render())
        assert "resumes with a GO or an override" in header and "r:" not in header
    assert past_t0.read_bytes() == before


async def test_a_read_only_screen_names_no_key_that_writes(layout, room_dir) -> None:
    """QA: read-only screens said "press T to set one" and "sign again or poll (p)"."""
    from warroom.tui.widgets.signoff import SignoffPane

    journal = room_dir / "layouts" / "none.journal.yaml"
    for read_only, shown in ((True, False), (False, True)):
        app = make_app(layout, journal, read_only=read_only)
        async with app.run_test(size=(200, 60)) as pilot:
            await loaded(pilot)
            header = str(app.main_screen.query_one("#hdr-left").render())
            assert "no T-0 set" in header and ("press T" in header) is shown
            pane = app.main_screen.query_one(SignoffPane)
            assert pane.read_only is read_only


async def test_a_replay_shows_the_hold_at_t0_without_a_bell_or_a_toast(layout, past_t0) -> None:
    """QA: stepping a replay onto the auto-hold rang the bell and put up a 15 s toast saying
    'r resumes…', a key a replay does not have, lingering over the steps after it."""
    from warroom.as_of import AsOf

    append(layout, past_t0, "t0_reached", "PENDING", ["nobody signed"])
    app = make_app(layout, past_t0, as_of=AsOf.parse("2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.tick_clock()
        await pilot.pause()
        assert app.room.state.countdown.auto_held
        assert "HOLD" in str(app.main_screen.query_one("#hdr-left").render())
        assert not any("reached T-0 without a GO" in n.message for n in app._notifications)


async def test_resume_past_t0_without_a_go_asks_an_override_reason_and_y(layout, past_t0) -> None:
    app = make_app(layout, past_t0)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app.tick_clock()
        assert await until(pilot, lambda: app.room.state.countdown.auto_held)
        await pilot.press("r")
        await pilot.pause()
        assert "resume past T-0 anyway" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")  # empty: refused, the prompt stays
        await pilot.pause()
        await pilot.press(*"board accepts", "enter")
        await pilot.pause()
        await pilot.press("enter")  # enter never confirms
        await pilot.pause()
        assert app.room.state.countdown.holding
        await pilot.press("y")
        assert await until(pilot, lambda: not app.room.state.countdown.holding)
        assert app.room.state.countdown.override == "board accepts"
        assert journal_events(past_t0)[-1].payload == {"override": "board accepts"}


# -- the poll ----------------------------------------------------------------------------------
async def test_poll_answers_typed_ahead_answer_one_role_never_the_next(layout, journal_path) -> None:
    append(layout, journal_path, "sign", "Product Owner", "GO", "product ready, comms drafted", op="priya")
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("p", "y")
        assert await until(pilot, lambda: app.room.state.poll is not None and type(app.screen).__name__ == "PollScreen")
        await pilot.pause()
        _type(app, "1\ry1\ry1\ry")  # three answers' keys in one burst
        assert await until(pilot, lambda: len(app.room.state.poll.answers) >= 1 if app.room.state.poll else True, timeout=10)
        await pilot.pause(0.5)
        answers = [e for e in journal_events(journal_path) if e.kind == POLL_ANSWER]
        assert [e.target for e in answers] == ["Product Owner"]
        assert app.room.state.signoffs["Product Owner"].comment == "product ready, comms drafted"  # kept
        assert app.room.state.poll.current_role == "Tech Lead"
        assert any("were dropped" in n.message for n in app._notifications)
        await pilot.press("1", "enter", "y")  # typed once the question is shown: they answer it
        assert await until(pilot, lambda: app.room.state.poll.current_role == "Security")


async def test_a_finished_poll_says_so_and_offers_no_answer(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("p", "y")
        assert await until(pilot, lambda: type(app.screen).__name__ == "PollScreen")
        for _ in range(5):  # the other roles answer from another war room
            append(layout, journal_path, "poll_answer", "GO")
        assert await until(pilot, lambda: app.room.state.poll is None)
        await pilot.pause()
        assert "the poll is over" in str(app.screen.query_one("#poll-keys").render())
        assert not app.screen.query_one("#poll-answer").display
        await pilot.press("1")
        await pilot.pause()
        assert len([e for e in journal_events(journal_path) if e.kind == POLL_ANSWER]) == 5


# -- the hold warning, the contradicting PASS --------------------------------------------------------
async def test_the_hold_dialog_says_how_many_gos_go_stale_and_the_pane_counts_them(layout, journal_path) -> None:
    for role in ("Product Owner", "Tech Lead"):
        append(layout, journal_path, "sign", role, "GO")
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("H", *"dns", "enter")
        await pilot.pause()
        detail = str(app.screen.query_one(".dialog-detail").render())
        assert "2 GOs will become stale (Product Owner, Tech Lead)" in detail
        await pilot.press("y")
        assert await until(pilot, lambda: app.room.state.countdown.holding)
        body = pane_text(app, "SignoffPane")
        assert "↺ 2 GOs stale" in body and "↺ stale" in body


async def test_a_contradicting_pass_is_refused_on_screen_until_an_override(latency_layout, journal_path) -> None:
    app = make_app(latency_layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pick(pilot, "API Latency")  # the criterion by its number
        await pilot.press("1")  # pass
        await pilot.pause()
        await pilot.press(*"900ms", "enter")
        await pilot.pause()
        assert "Refused: the value 900ms does not meet the threshold '< 500ms'" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("escape")  # nothing recorded
        await pilot.pause()
        assert "latency" not in app.room.state.assessments


async def test_the_override_confirmation_shows_the_value_and_the_reason_on_two_lines(latency_layout, journal_path) -> None:
    """QA: the confirmation read ``900ms\\x0aoverride: …``: its line break was escaped as hostile text."""
    app = make_app(latency_layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pick(pilot, "API Latency")
        await pilot.press("1")
        await pilot.pause()
        await pilot.press(*"900ms", "enter")
        await pilot.pause()
        await pilot.press(*"warm-up", "enter")
        await pilot.pause()
        detail = str(app.screen.query_one(".dialog-detail").render())
        assert "x0a" not in detail
        assert detail.splitlines()[:2] == ["900ms", "override: warm-up"]
        await pilot.press("y")
        assert await until(pilot, lambda: "latency" in app.room.state.assessments)


async def test_hold_while_the_count_holds_says_so_before_asking_a_reason(layout, journal_path) -> None:
    """QA: H during a hold asked the reason, warned that GOs go stale, took y, then refused
    ("already holding"): a refusal must come before the questions."""
    append(layout, journal_path, "hold", "dns")
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("H")
        await pilot.pause(0.3)
        assert app.screen is app.main_screen  # no dialog: nothing to answer
        assert any("already holding (dns)" in n.message for n in app._notifications)


# -- the key scheme in every picker and dialog --------------------------------------------------------
async def test_pickers_move_with_j_and_k_pick_with_enter_or_a_number(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("j", "s")  # the status picker on the load test (todo)
        await pilot.pause()
        picker = app.screen.query_one("#choice-list")
        assert picker.highlighted == 0
        await pilot.press("j", "j", "k", "j")  # down, down, up, down: 'done'
        assert picker.highlighted == 2
        await pilot.press("enter")
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status.value == "done")
        await pilot.press("s", "2")  # the second entry by its number: in progress
        assert await until(pilot, lambda: app.room.state.items[LOAD_TEST].status.value == "in-progress")
        await pilot.press("o")  # the role picker: G and g jump, escape cancels
        await pilot.pause()
        picker = app.screen.query_one("#choice-list")
        await pilot.press("G")
        assert picker.highlighted == picker.option_count - 1
        await pilot.press("g")
        assert picker.highlighted == 0
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MainScreen"


async def test_the_tenth_entry_of_a_picker_is_reached_with_0(layout, journal_path) -> None:
    from warroom.tui.screens.dialogs import ChoiceScreen

    app = make_app(layout, journal_path)
    picked: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.push_screen(ChoiceScreen("Which?", [("", f"entry {i}", i) for i in range(1, 13)]), picked.append)
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        app.push_screen(ChoiceScreen("Which?", [("", f"entry {i}", i) for i in range(1, 13)]), picked.append)
        await pilot.pause()
        await pilot.press("G", "enter")  # the 12th: j/k and enter
        await pilot.pause()
        app.push_screen(ChoiceScreen("Which?", [("", f"entry {i}", i) for i in range(1, 13)]), picked.append)
        await pilot.pause()
        assert "b entry 12" in str(app.screen.query_one("#choice-list").get_option_at_index(11).prompt)
        await pilot.press("b")  # the 12th: its spare letter (the 11th has a, and none is h j k l g q y n)
        await pilot.pause()
        app.push_screen(ChoiceScreen("Which?", [("a", "first", 1)] + [("", f"entry {i}", i) for i in range(2, 13)]), picked.append)
        await pilot.pause()
        await pilot.press("c")  # a is the first entry's own letter: the 11th and 12th have b and c
        await pilot.pause()
    assert picked == [10, 12, 12, 12]


def test_a_picker_refuses_a_letter_that_moves_or_answers() -> None:
    from warroom.tui.screens.dialogs import ChoiceScreen

    for letter in "hjklgGqyn":
        with pytest.raises(ValueError, match="a picker letter"):
            ChoiceScreen("?", [(letter, "x", 1)])
    assert ChoiceScreen("?", [("1", "x", 1), ("2", "y", 2)]).options == [("", "x", 1), ("", "y", 2)]  # numbered anyway


async def test_a_confirmation_takes_y_never_a_bare_enter(layout, journal_path) -> None:
    from warroom.tui.screens.dialogs import ConfirmScreen

    app = make_app(layout, journal_path)
    answers: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.push_screen(ConfirmScreen("Sure?"), answers.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert answers == [] and "press y" in str(app.screen.query_one("#confirm-keys").render())
        await pilot.press("y")
        await pilot.pause()
        app.push_screen(ConfirmScreen("Sure?"), answers.append)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
    assert answers == [True, False]


async def test_scrub_needs_the_word_typed(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("X", *"storm", "enter")
        await pilot.pause()
        await pilot.press("y", "enter")
        await pilot.pause()
        assert not app.room.state.countdown.scrubbed
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MainScreen" and not app.room.state.countdown.scrubbed


async def test_escape_then_q_closes_the_dialog_then_quits_never_alt_q(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        app.post_message(events.Key("alt+q", "q"))  # what a terminal sends for escape then q, quickly
        assert await until(pilot, lambda: app._exit_renderables is not None or not app.is_running or app.return_code is not None)


async def test_h_folds_and_l_unfolds_a_section(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.checklist_panes[0].ctree
        await pilot.press("h")  # on an item: to its section
        node = tree.cursor_node
        assert node.allow_expand and node.is_expanded
        await pilot.press("h")  # on an unfolded section: fold it
        assert not node.is_expanded and not app.room.state.countdown.holding
        await pilot.press("l")
        assert node.is_expanded


async def test_the_palette_lists_export_and_export_writes_markdown(layout, journal_path, tmp_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert any(name.startswith("Export") for name, _, _ in app.palette_commands())
        await pilot.press("E")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(tmp_path / "out.md")
        await pilot.press("enter")
        assert await until(pilot, lambda: (tmp_path / "out.md").exists())
    assert "Payments API v2" in (tmp_path / "out.md").read_text(encoding="utf-8")


# -- 16 colours ------------------------------------------------------------------------------------
def _verdict_colours(app, word: str) -> set[tuple[int, int]]:  # noqa: ANN001
    found = set()
    for strip in app.screen._compositor.render_strips():
        for seg in strip:
            if seg.text.strip() == word and seg.style is not None:
                st = seg.style
                fg, bg = (st.bgcolor, st.color) if st.reverse else (st.color, st.bgcolor)
                found.add((fg.downgrade(ColorSystem.STANDARD).number, bg.downgrade(ColorSystem.STANDARD).number))
    return found


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
async def test_decisions_keep_their_colours_in_16_colours(layout, journal_path, size, invisible_glyphs) -> None:
    """PENDING reads as waiting (yellow), NO-GO as red, GO as green on a 16-colour terminal."""
    app = make_app(layout, journal_path)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        assert _verdict_colours(app, "PENDING") and _verdict_colours(app, "PENDING") <= {(0, 3), (0, 11)}
        append(layout, journal_path, "sign", "Security", "NO-GO", "two highs open")
        assert await until(pilot, lambda: app.room.decision().verdict == "NO-GO")
        await pilot.pause()
        colours = _verdict_colours(app, "NO-GO")
        assert colours and all(bg in (1, 9) and fg != bg for fg, bg in colours)
        assert invisible_glyphs(app) == []
        app.room.set_tiles({})
        from rich.style import Style

        from warroom.decision import GO
        from warroom.tui.widgets.text import DECISION_STYLE

        go = Style.parse(DECISION_STYLE[GO])
        theme = app.ansi_theme
        bg = go.bgcolor.get_truecolor(theme)
        from rich.color import Color

        assert Color.from_triplet(bg).downgrade(ColorSystem.STANDARD).number in (2, 10)


async def test_the_sign_off_pane_puts_its_keys_first_on_a_narrow_key_bar(layout, journal_path) -> None:
    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        titles = app.main_screen.pane_titles
        await pilot.press(str(next(i for i, t in enumerate(titles) if "Sign" in t) + 1))
        await pilot.pause()
        bar = str(app.main_screen.query_one("KeyBar").render())
        for shown in ("o Sign", "p Poll", "a Assess", "w Why not GO", "? Help", "q Quit"):
            assert shown in bar, bar


def test_the_actions_table_keeps_the_scheme() -> None:
    """h/l only fold, j/k only move, y/n are no action's key on the screen, reserved keys stay free."""
    from warroom.tui.keys import ACTIONS, RESERVED

    by_key: dict[str, set[str]] = {}
    for a in ACTIONS:
        for k in a.keys.split(","):
            by_key.setdefault(k, set()).add(a.id)
    assert by_key["h"] == {"checklist.collapse"} and by_key["l"] == {"checklist.expand"}
    assert by_key["j"] == {"checklist.down", "tiles.down"} and by_key["k"] == {"checklist.up", "tiles.up"}  # each list's move
    assert "y" not in by_key and by_key["enter"] == {"checklist.details", "tiles.details"}  # Enter opens details
    assert not set(RESERVED) & set(by_key), set(RESERVED) & set(by_key)
    for scope in {a.scope for a in ACTIONS}:  # no key twice where it is bound
        keys = [k for a in ACTIONS if a.scope == scope for k in a.keys.split(",")]
        assert len(keys) == len(set(keys)), scope


async def test_a_rollback_trigger_fired_by_hand_shows_in_the_header(layout, journal_path) -> None:
    data = yaml.safe_load(layout.read_text(encoding="utf-8"))
    data["rollback"] = [{"id": "errors-up", "name": "Error rate above 1%", "threshold": "> 1%"}]
    layout.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        labels = [str(o.prompt) for o in app.screen.query_one("#choice-list").options]
        await pilot.press(str(next(i for i, t in enumerate(labels) if "Error rate" in t) + 1))
        await pilot.pause()
        assert [str(o.prompt) for o in app.screen.query_one("#choice-list").options][0].startswith("1 ⚠ fired")
        await pilot.press("1", *"2%", "enter")
        await pilot.pause()
        await pilot.press("y")
        assert await until(pilot, lambda: "errors-up" in app.room.state.assessments)
        app.tick_clock()
        await pilot.pause()
        assert "ROLLBACK: errors-up" in str(app.main_screen.query_one("#hdr-left").render())


@pytest.mark.parametrize("keys, shown", [
    (("slash",), "F3 open F4 overdue F5 critical F6 mine · escape cancels"),
    (("p",), "y yes · n or escape no"),
    (("question_mark", "G"), "the item has a command (c copies it)"),
    (("H",), "enter accepts · escape cancels"),
], ids=["filter", "confirm", "help legend", "prompt"])
async def test_dialog_words_are_whole_at_80_columns(layout, journal_path, keys, shown) -> None:
    """A hint, a legend line or a title wraps inside its box: never cut off."""
    import re

    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.pause()
        box = app.screen.query(".dialog, #help-box").first()
        lines = []
        for y in range(box.region.y, box.region.bottom):
            strip = app.screen._compositor.render_strips()[y]
            lines.append("".join(seg.text for seg in strip)[box.region.x + 1: box.region.right - 1])
        text = re.sub(r"[\s█▌▐▀▄]+", " ", " ".join(lines))
        assert shown in text, text


async def test_the_wall_shows_the_hold_at_t0_like_every_view(layout, past_t0) -> None:
    before = past_t0.read_bytes()
    app = make_app(layout, past_t0, wall=True, read_only=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await loaded(pilot)
        app.tick_clock()
        await pilot.pause()
        text = screen_text(app)
        assert "HOLD" in text and "no GO at T-0" in text, text
    assert past_t0.read_bytes() == before


async def test_a_replay_key_bar_leads_with_the_replay_keys(layout, past_t0) -> None:
    """QA: a replay's key bar showed Details, Copy, Filter, Help, Quit: no key to step or play."""
    from warroom.tui.widgets.keybar import KeyBar

    app = make_app(layout, past_t0, replay=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        bar = str(app.main_screen.query_one(KeyBar).render())
        assert bar.lstrip().startswith("] / [ Step")
        assert "} / { Jump" in bar and "F5 Play" in bar and "+ / - Speed" in bar and "q Quit" in bar


async def test_a_replay_says_in_its_header_that_it_plays_and_at_what_speed(layout, past_t0) -> None:
    """QA: F5 and + / - on a replay gave no sign: the play state went to the app's sub_title,
    which no widget shows."""
    app = make_app(layout, past_t0, replay=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        header = app.main_screen.header
        assert header.mode == "REPLAY 0/1"
        await pilot.press("plus")
        await pilot.pause()
        assert header.mode == f"REPLAY 0/1 ⏸ ×{app.cursor.speed:g}"
        app.cursor.playing = True  # as F5 sets it (a one-event replay would end at once)
        app.show_replay()
        assert header.mode == f"REPLAY 0/1 ▶ ×{app.cursor.speed:g}"


async def test_journal_events_arriving_before_the_poll_dialog_is_drawn_do_not_crash(layout, journal_path) -> None:
    """QA (a full run on a loaded machine): the poll-start event reached the app while the poll
    dialog was pushed but not yet composed; redrawing it raised NoMatches and the app died."""
    from warroom.tui.messages import JournalEvents
    from warroom.tui.screens.poll import PollScreen

    app = make_app(layout, journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        dialog = PollScreen(app.room)
        app.push_screen(dialog)  # on the stack, not composed yet
        app.on_journal_events_arrived(JournalEvents([], False, []))
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#poll-body") is not None
