"""Every key binding of the war room, each with an id (remap with ``App.set_keymap``).

Every action has a key that survives tmux and SSH (letters, arrows, F-keys); vim aliases sit
beside the arrows. The help screen and the command palette are built from these lists.
"""

from __future__ import annotations

from textual.binding import Binding

# Keys of a focused checklist pane.
CHECKLIST = [
    Binding("down,j", "cursor_down", "Down", id="checklist.down", show=False),
    Binding("up,k", "cursor_up", "Up", id="checklist.up", show=False),
    Binding("home,g", "first", "First item", id="checklist.first", show=False),
    Binding("end,G", "last", "Last item", id="checklist.last", show=False),
    Binding("space,x", "tick", "Tick", id="checklist.tick"),
    Binding("s", "set_status", "Status", id="checklist.status"),
    Binding("n", "note", "Note", id="checklist.note"),
    Binding("enter", "details", "Details", id="checklist.details"),
    Binding("c", "copy_command", "Copy cmd", id="checklist.copy"),
    Binding("slash", "filter", "Filter", id="checklist.filter"),
    Binding("escape", "clear_filter", "Clear filter", id="checklist.clear_filter", show=False),
    Binding("right,l", "expand", "Expand", id="checklist.expand", show=False),
    Binding("left", "collapse", "Collapse", id="checklist.collapse", show=False),
    Binding("z", "toggle_fold", "Fold/unfold", id="checklist.fold", show=False),
]

# Keys of the war-room screen, wherever the focus is on it.
SCREEN = [
    Binding("tab", "next_pane", "Next pane", id="screen.next_pane", show=False),
    Binding("shift+tab", "previous_pane", "Previous pane", id="screen.previous_pane", show=False),
    Binding("h", "hold", "Hold", id="clock.hold"),
    Binding("r", "resume", "Resume", id="clock.resume"),
    Binding("R", "recycle", "Recycle", id="clock.recycle", show=False),
    Binding("X", "scrub", "Scrub", id="clock.scrub", show=False),
    Binding("T", "set_t0", "Set T-0", id="clock.set_t0", show=False),
    Binding("o", "sign", "Sign", id="signoff.sign"),
    Binding("p", "poll", "Poll", id="signoff.poll"),
    Binding("a", "assess", "Assess", id="signoff.assess", show=False),
    Binding("w", "why", "Why not GO", id="signoff.why", show=False),
    Binding("m", "tiles", "Tiles", id="tiles.flow", show=False),
    Binding("question_mark,f1", "help", "Help", id="app.help"),
    Binding("colon,f2", "command_palette", "Commands", id="app.palette"),
    Binding("q,f10", "quit", "Quit", id="app.quit"),
]
SCREEN += [
    Binding(str(n), f"show_pane({n - 1})", f"Pane {n}", id=f"screen.pane{n}", show=False) for n in range(1, 10)
]

# (section, keys as shown, what it does) for the help screen.
HELP: list[tuple[str, str, str]] = [
    ("Move", "j / k / ↓ / ↑", "next / previous line"),
    ("Move", "g / G / Home / End", "first / last line"),
    ("Move", "→ / l, ←, z", "expand, collapse, fold or unfold a section"),
    ("Move", "tab / shift+tab", "next / previous pane (a tab of its own on a small terminal)"),
    ("Move", "1 … 9", "go to pane N"),
    ("Checklist", "space / x", "tick or untick the item"),
    ("Checklist", "s", "set the status (asks the reason for blocked / skipped)"),
    ("Checklist", "n", "add a note to the item"),
    ("Checklist", "enter", "details: full text, notes history, commands, links"),
    ("Checklist", "c", "copy the item's command (OSC 52: works over SSH)"),
    ("Checklist", "/", "filter by text; quick filters open / overdue / critical / mine"),
    ("Checklist", "escape", "clear the filter"),
    ("Clock", "h", "hold the count (asks the reason, confirmed)"),
    ("Clock", "r", "resume the count"),
    ("Clock", "R", "recycle to a T-mark (confirmed)"),
    ("Clock", "X", "scrub the launch (confirmed)"),
    ("Clock", "T", "set T-0 (confirmed)"),
    ("Sign-off", "o", "sign as a role: GO / NO-GO with a comment (confirmed)"),
    ("Sign-off", "p", "go/no-go poll: start it, or carry on walking the roles"),
    ("Sign-off", "a", "assess a manual criterion: pass or fail, with the value (confirmed)"),
    ("Sign-off", "w", "why not GO yet: every reason, in full"),
    ("Tiles", "m", "metric tiles: add or edit with a live preview, enable, bind a criterion (writes the layout)"),
    ("App", "? / F1", "this help"),
    ("App", ": / F2 / ctrl+p", "command palette: every action by name"),
    ("App", "q / F10 / ctrl+q", "quit"),
    ("In dialogs", "y / enter", "yes, confirm"),
    ("In dialogs", "n / escape", "no, cancel"),
]

def action_name(action: str) -> str:
    """A binding's action without its namespace or arguments: ``app.show_pane(2)`` -> ``show_pane``."""
    return action.rsplit(".", 1)[-1].split("(", 1)[0]


# Actions that write to the journal: a read-only screen leaves them off its key bar.
WRITES = frozenset({"tick", "set_status", "note", "hold", "resume", "recycle", "scrub", "set_t0", "sign", "poll", "assess", "tiles"})
