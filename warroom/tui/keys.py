"""The one actions table of the war room: every action once, with its keys, its words and
whether it writes.

The checklist's and the screen's key bindings, the help screen's rows, the command palette and
the set of actions a read-only screen leaves off its key bar are all generated from ``ACTIONS``;
a new action is one more row here. Every binding has an id (remap with ``App.set_keymap``), and
every action has a key that survives tmux and SSH (letters, arrows, F-keys); vim aliases sit
beside the arrows.

The scheme (docs/keys.md): j/k move in every list and picker, h/l fold and unfold, Enter selects
or opens details, a destructive step needs ``y`` or a typed word and never a bare Enter, and the
big clock actions are uppercase. ``RESERVED`` keeps keys free for actions still to come.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

CHECKLIST_SCOPE = "checklist"  # bound on a focused checklist pane, acting on its item
SCREEN_SCOPE = "screen"  # bound on the war-room screen, wherever the focus is on it
TILES_SCOPE = "tiles"  # bound on a focused metrics pane, acting on its highlighted tile


@dataclass(frozen=True)
class Action:
    """One thing an operator can do.

    ``keys`` are Textual key names (the first is the one shown); ``shown`` is how help writes
    them. ``label`` is the key bar's word, ``title`` the palette's name and ``help`` the line in
    help and under the palette entry. ``bar``: on the key bar; ``palette``: in the command
    palette (moves and panes are not); ``writes``: appends to the journal, so a read-only screen
    cannot do it; ``dialog``: opens a dialog or another screen (keys typed after it wait for it).
    """

    id: str
    scope: str
    group: str
    keys: str
    shown: str
    action: str
    label: str
    title: str
    help: str
    bar: bool = True
    palette: bool = True
    writes: bool = False
    dialog: bool = False

    @property
    def name(self) -> str:
        return action_name(self.action)


def action_name(action: str) -> str:
    """A binding's action without its namespace or arguments: ``app.show_pane(2)`` -> ``show_pane``."""
    return action.rsplit(".", 1)[-1].split("(", 1)[0]


C, S, T = CHECKLIST_SCOPE, SCREEN_SCOPE, TILES_SCOPE

ACTIONS: list[Action] = [
    # -- moving --------------------------------------------------------------------------------
    Action("checklist.down", C, "Move", "down,j", "j / k / ↓ / ↑", "cursor_down", "Down", "", "next / previous line",
           bar=False, palette=False),
    Action("checklist.up", C, "Move", "up,k", "", "cursor_up", "Up", "", "", bar=False, palette=False),
    Action("checklist.first", C, "Move", "home,g", "g / G / Home / End", "first", "First item", "", "first / last line",
           bar=False, palette=False),
    Action("checklist.last", C, "Move", "end,G", "", "last", "Last item", "", "", bar=False, palette=False),
    Action("checklist.expand", C, "Move", "right,l", "l / →, h / ←, z", "expand", "Unfold", "",
           "unfold, fold (or go to the parent), toggle a section", bar=False, palette=False),
    Action("checklist.collapse", C, "Move", "left,h", "", "collapse", "Fold", "", "", bar=False, palette=False),
    Action("checklist.fold", C, "Move", "z", "", "toggle_fold", "Fold/unfold", "", "", bar=False, palette=False),
    Action("screen.next_pane", S, "Move", "tab", "tab / shift+tab", "next_pane", "Next pane", "Next pane",
           "next / previous pane (a tab of its own on a small terminal)", bar=False),
    Action("screen.previous_pane", S, "Move", "shift+tab", "", "previous_pane", "Previous pane", "", "",
           bar=False, palette=False),
    # -- the checklist ---------------------------------------------------------------------------
    Action("checklist.tick", C, "Checklist", "space,x", "space / x", "tick", "Tick", "Tick / untick the item",
           "tick or untick the item", writes=True),
    Action("checklist.status", C, "Checklist", "s", "s", "set_status", "Status", "Set the item's status",
           "set the status (asks the reason for blocked / skipped)", writes=True, dialog=True),
    Action("checklist.note", C, "Checklist", "n", "n", "note", "Note", "Add a note to the item",
           "add a note to the item", writes=True, dialog=True),
    Action("checklist.details", C, "Checklist", "enter", "enter", "details", "Details", "Item details",
           "details: full text, notes history, commands, links", dialog=True),
    Action("checklist.copy", C, "Checklist", "c", "c", "copy_command", "Copy cmd", "Copy the item's command",
           "copy the item's command (OSC 52: works over SSH)", dialog=True),
    Action("checklist.run", C, "Checklist", "exclamation_mark", "!", "run_command", "Run cmd", "Run the item's command",
           "run the item's command (when the layout allows): shown, confirmed by a typed word; S stops it",
           bar=False, writes=True, dialog=True),
    Action("run.stop", S, "Checklist", "S", "S", "stop_run", "Stop run", "",
           "while the run pane shows a running command: stop it (SIGINT, then SIGTERM, then SIGKILL)", palette=False),
    Action("run.hide", S, "Checklist", "escape", "escape", "hide_run", "Hide run", "",
           "hide the run pane (the run goes on; ! on its item shows it again)", palette=False),
    Action("checklist.filter", C, "Checklist", "slash", "/", "filter", "Filter", "Filter the checklist",
           "filter by text; quick filters open / overdue / critical / mine", dialog=True),
    Action("checklist.clear_filter", C, "Checklist", "escape", "escape", "clear_filter", "Clear filter", "",
           "clear the filter", bar=False, palette=False),
    # -- the count -------------------------------------------------------------------------------
    Action("clock.hold", S, "Clock", "H", "H", "hold", "Hold", "Hold the count",
           "hold the count: the reason; says which GOs go stale; y", writes=True, dialog=True),
    Action("clock.resume", S, "Clock", "r", "r", "resume", "Resume", "Resume the count",
           "resume: y; past T-0 without a GO, an override reason", writes=True, dialog=True),
    Action("clock.recycle", S, "Clock", "R", "R", "recycle", "Recycle", "Recycle to a T-mark",
           "recycle to an earlier T-mark; y", bar=False, writes=True, dialog=True),
    Action("clock.scrub", S, "Clock", "X", "X", "scrub", "Scrub", "Scrub the launch", "scrub the launch: the reason, then type scrub",
           bar=False, writes=True, dialog=True),
    Action("clock.set_t0", S, "Clock", "T", "T", "set_t0", "Set T-0", "Set T-0", "set T-0: 30m from now, or a time; y",
           bar=False, writes=True, dialog=True),
    # -- sign-off --------------------------------------------------------------------------------
    Action("signoff.sign", S, "Sign-off", "o", "o", "sign", "Sign", "Sign off as a role",
           "sign as a role: 1 GO / 2 NO-GO, a comment, y", writes=True, dialog=True),
    Action("signoff.poll", S, "Sign-off", "p", "p", "poll", "Poll", "Go/no-go poll",
           "go/no-go poll: 1 GO / 2 NO-GO per role, comment kept, y", writes=True, dialog=True),
    Action("signoff.assess", S, "Sign-off", "a", "a", "assess", "Assess", "Assess a criterion or rollback trigger",
           "assess: pass / fail + value, or a trigger fired / not", bar=False, writes=True, dialog=True),
    Action("signoff.why", S, "Sign-off", "w", "w", "why", "Why not GO", "Why not GO yet",
           "why not GO yet: every reason, in full", bar=False, dialog=True),
    # -- metric tiles (issue 17) ----------------------------------------------------------------
    Action("tiles.flow", S, "Tiles", "m", "m", "tiles", "Tiles", "Metric tiles: add, edit, enable, bind",
           "metric tiles: add or edit with a live preview, enable a drafted one, bind a criterion (writes the layout)",
           bar=False, writes=True, dialog=True),
    Action("tiles.down", T, "Tiles", "down,j", "j / k / ↓ / ↑", "cursor_down", "Down", "",
           "in the metrics pane: next / previous tile", bar=False, palette=False),
    Action("tiles.up", T, "Tiles", "up,k", "", "cursor_up", "Up", "", "", bar=False, palette=False),
    Action("tiles.details", T, "Tiles", "enter", "enter", "details", "Details", "Tile details",
           "in the metrics pane: the tile's details — source, query, thresholds, bindings, last value, "
           "and its history as a chart with the threshold", dialog=True),
    # -- looking back ----------------------------------------------------------------------------
    Action("metrics.history", S, "Review", "M", "M", "tile_history", "History", "Metric history",
           "every tile's history over the launch as a chart with its threshold", bar=False, dialog=True),
    Action("review.report", S, "Review", "f7", "F7", "report", "Report", "Write the launch report",
           "write the launch report (HTML: timeline, evidence, charts) beside the journal", bar=False),
    Action("replay.next", S, "Replay", "right_square_bracket", "] / [", "replay_next", "Next", "Replay: next event",
           "replaying: the next / previous event", bar=False),
    Action("replay.previous", S, "Replay", "left_square_bracket", "", "replay_previous", "Previous",
           "Replay: previous event", "", bar=False),
    Action("replay.next_mark", S, "Replay", "right_curly_bracket", "} / {", "replay_next_mark", "Next mark",
           "Replay: next hold or sign-off", "replaying: the next / previous hold, recycle, scrub or sign-off", bar=False),
    Action("replay.previous_mark", S, "Replay", "left_curly_bracket", "", "replay_previous_mark", "Previous mark",
           "Replay: previous hold or sign-off", "", bar=False),
    Action("replay.play", S, "Replay", "f5", "F5", "replay_play", "Play", "Replay: play / pause",
           "replaying: play or pause, at the speed shown", bar=False),
    Action("replay.faster", S, "Replay", "plus", "+ / -", "replay_faster", "Faster", "Replay: faster",
           "replaying: play faster / slower", bar=False),
    Action("replay.slower", S, "Replay", "minus", "", "replay_slower", "Slower", "Replay: slower", "", bar=False),
    # -- the app ---------------------------------------------------------------------------------
    Action("app.export", S, "Review", "E,f6", "E / F6", "export", "Export", "Export the launch (Markdown)",
           "export the checklists with the state recorded, as Markdown, to a file", bar=False, dialog=True),
    Action("app.help", S, "App", "question_mark,f1", "? / F1", "help", "Help", "Help: every key", "this help", dialog=True),
    Action("app.palette", S, "App", "colon,f2", ": / F2 / ctrl+p", "command_palette", "Commands", "",
           "command palette: every action by name", palette=False, dialog=True),
    Action("app.quit", S, "App", "q,f10", "q / F10 / ctrl+q", "quit", "Quit", "", "quit", palette=False),
]

# Keys that are not actions of their own but belong in help: the panes by number, and dialogs.
EXTRA_HELP: list[tuple[str, str, str, str]] = [  # (group, after which action id, keys, what)
    ("Move", "screen.next_pane", "1 … 9", "go to pane N"),
]
DIALOG_HELP: list[tuple[str, str, str]] = [
    ("In dialogs", "y", "yes, confirm (enter never confirms)"),
    ("In dialogs", "n / escape", "no, cancel, go back"),
    ("In dialogs", "j / k, enter", "move in a picker, pick"),
    ("In dialogs", "1 … 9, 0", "pick entry N (0 is the 10th)"),
]

# Keys kept free for actions other issues add (docs/keys.md): a new row takes its key from here.
RESERVED: dict[str, str] = {
    "v": "app.replay — the launch as it was at a moment (#15)",
    "W": "app.wall — the wall view (#13)",
}


def bindings(scope: str) -> list[Binding]:
    """The key bindings of one scope, in table order."""
    out = [Binding(a.keys, a.action, a.label, id=a.id, show=a.bar) for a in ACTIONS if a.scope == scope]
    if scope == SCREEN_SCOPE:
        out += [Binding(str(n), f"show_pane({n - 1})", f"Pane {n}", id=f"screen.pane{n}", show=False) for n in range(1, 10)]
    return out


def help_rows() -> list[tuple[str, str, str]]:
    """(section, keys as shown, what it does) for the help screen: actions that share a help row
    (j and k) are shown once, by the first."""
    rows: list[tuple[str, str, str]] = []
    for a in ACTIONS:
        if a.shown:
            rows.append((a.group, a.shown, a.help))
        rows += [(g, k, w) for g, after, k, w in EXTRA_HELP if after == a.id]
    return rows + DIALOG_HELP


def palette_actions() -> list[Action]:
    """The actions the command palette lists, in table order."""
    return [a for a in ACTIONS if a.palette]


CHECKLIST = bindings(CHECKLIST_SCOPE)
SCREEN = bindings(SCREEN_SCOPE)
TILES = bindings(TILES_SCOPE)
HELP = help_rows()
# Actions that write to the journal: a read-only screen leaves them off its key bar.
WRITES = frozenset(a.name for a in ACTIONS if a.writes)
# Actions whose key opens a dialog or another screen.
DIALOGS = frozenset(a.name for a in ACTIONS if a.dialog)
