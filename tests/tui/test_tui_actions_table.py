"""The one actions table: bindings, help, the palette and the write set all come from it."""

from __future__ import annotations

from tui_support import loaded, make_app

from warroom.tui import keys


def test_every_binding_comes_from_the_table_and_has_a_help_row() -> None:
    ids = {a.id for a in keys.ACTIONS}
    for binding in keys.CHECKLIST + keys.SCREEN:
        assert binding.id in ids or binding.id.startswith("screen.pane")
    shown_keys = {shown for _, shown, _ in keys.HELP}
    for action in keys.ACTIONS:
        first = action.keys.split(",")[0]
        # each action's help row (its own, or the row it shares with its pair) names its first key
        row = action.shown or next(a.shown for a in keys.ACTIONS[: keys.ACTIONS.index(action)][::-1] if a.shown)
        assert row in shown_keys
        spelled = {"question_mark": "?", "colon": ":", "slash": "/", "down": "↓", "up": "↑", "right": "→", "left": "←",
                   "home": "Home", "end": "End", "right_square_bracket": "]", "left_square_bracket": "[",
                   "right_curly_bracket": "}", "left_curly_bracket": "{", "plus": "+", "minus": "-", "exclamation_mark": "!"}.get(first, first)
        if first[:1] == "f" and first[1:].isdigit():  # F-keys are written F5
            spelled = first.upper()
        assert spelled in row, (action.id, row)


def test_the_write_and_dialog_sets_are_the_tables() -> None:
    assert keys.WRITES == {a.name for a in keys.ACTIONS if a.writes}
    assert {"tick", "set_status", "note", "hold", "resume", "recycle", "scrub", "set_t0", "sign", "poll", "assess",
            "run_command", "tiles"} == keys.WRITES
    assert "help" in keys.DIALOGS and "tick" not in keys.DIALOGS


def test_ids_are_unique_and_no_key_is_bound_twice_in_a_scope() -> None:
    assert len({a.id for a in keys.ACTIONS}) == len(keys.ACTIONS)
    for scope in (keys.CHECKLIST_SCOPE, keys.SCREEN_SCOPE):
        bound = [k for a in keys.ACTIONS if a.scope == scope for k in a.keys.split(",")]
        assert len(bound) == len(set(bound)), scope


async def test_every_palette_entry_is_a_table_action_with_its_keys(layout, journal_path) -> None:  # noqa: ANN001
    app = make_app(layout, journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        entries = {name: hint for name, hint, _ in app.palette_commands()}
        for action in keys.palette_actions():
            assert entries[action.title].startswith(action.shown + ":"), action.id
        # bound keys of the screen (bindings of the live screen) are all in the table
        live = {b.binding.id for b in app.screen.active_bindings.values()}
        assert live <= {a.id for a in keys.ACTIONS} | {f"screen.pane{n}" for n in range(1, 10)} | {None}
