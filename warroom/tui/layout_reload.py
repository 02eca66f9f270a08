"""Live layout reload on every open screen (issue 17), mixed into ``WarRoomApp``.

Four times a second a worker looks at the layout file and the checklists it names (through a
symlink, by its stat, then its hash: :class:`warroom.layout_watch.LayoutWatcher`). A new version is read and checked as a war
room on that thread; then, on the screen:

* a broken layout is refused with its ``path:line:col`` problems, and the screen keeps the last
  good one;
* a change that adds a host, a ``${NAME}`` reference or alters a ``run:`` — made by another
  operator or outside warroom — waits until this operator has seen the difference and accepted
  it (:class:`~warroom.tui.screens.layout_review.LayoutReviewScreen`);
* anything else is applied at once; the screen says who changed the layout and what.

Applying rebuilds the room from the new workspace and the journal's events up to the ones the
screen has shown (the follower goes on from there), then remounts the panes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.message import Message

CHECK_EVERY = 0.25  # seconds between looks at the layout file
WHO_WAIT = 1.0  # seconds to wait for the journal's layout-change event of a new file


@dataclass
class LayoutUpdated(Message):
    """The layout file changed (checked on a worker thread)."""

    update: Any


@dataclass
class LayoutReady(Message):
    """A layout change to apply, with the journal's events as read after it."""

    update: Any
    events: list[Any]


class LayoutReload:
    """Watches the layout; applies, refuses or asks about each change. (Its handlers go by name,
    ``on_layout_updated``: ``@on`` is not read from a plain mixin.) Needs ``room``,
    ``operator``, ``layout_path``, ``journal_path``, ``read_only``, ``actions`` on the app."""

    _layout_watcher: Any = None
    _layout_checking: bool = False
    _layout_review: Any = None
    _review_waiting: Any = None  # a change to ask about once the open dialog is closed
    layout_waiting: Any = None  # the newest change not applied here (waiting for a yes, or refused with n)
    layout_notices: list[str]  # what the screen said about layout changes (for tests and the record)

    def start_layout_watch(self) -> None:
        from warroom.layout_watch import LayoutWatcher

        self.layout_notices = []
        self._layout_watcher = LayoutWatcher(self.layout_path)  # type: ignore[attr-defined]
        self.set_interval(CHECK_EVERY, self._check_layout, name="layout-watch")  # type: ignore[attr-defined]

    def _check_layout(self) -> None:
        if self._review_waiting is not None and self._on_main_screen():
            update, self._review_waiting = self._review_waiting, None
            self._ask(update)
        if self._layout_checking or self._layout_watcher is None:
            return
        self._layout_checking = True
        self._look_at_layout()

    @work(thread=True, group="layout-watch", exit_on_error=False)
    def _look_at_layout(self) -> None:
        try:
            update = self._layout_watcher.check()
            if update is not None:
                self._who_changed(update)
                self.post_message(LayoutUpdated(update))  # type: ignore[attr-defined]
        finally:
            self._layout_checking = False

    def _who_changed(self, update: Any) -> None:
        """Find the journal's layout-change event for this version (written just after the file)."""
        from warroom.journal import JournalError
        from warroom.journals import open_journal
        from warroom.layout_watch import who_from_events

        where = self.journal_where  # type: ignore[attr-defined]
        if where is None or not update.layout_changed:
            return  # a checklist edit has no layout-change event
        end = time.monotonic() + WHO_WAIT
        while True:
            try:
                with open_journal(where, self.layout_path, read_only=True) as journal:  # type: ignore[attr-defined]
                    found = who_from_events(journal.load().events)(update.digest)
            except (OSError, JournalError):
                found = None
            if found or time.monotonic() >= end:
                break
            time.sleep(0.2)
        if found:
            update.by, update.what = found

    def _say_layout(self, text: str, severity: str = "information", timeout: float = 8) -> None:
        from warroom.tui.screens.layout_review import printable

        text = printable(text)
        self.layout_notices.append(text)
        self.notify(text, severity=severity, timeout=timeout)  # type: ignore[attr-defined]

    def on_layout_updated(self, message: LayoutUpdated) -> None:
        update = message.update
        if not update.ok:
            shown = "\n".join(str(p) for p in update.problems[:4])
            more = f"\n… {len(update.problems) - 4} more" if len(update.problems) > 4 else ""
            self._say_layout(f"{update.headline()} — refused, the screen keeps the last good layout:\n{shown}{more}",
                             severity="error", timeout=20)
            return
        if update.needs_acceptance(self.operator):  # type: ignore[attr-defined]
            if getattr(self, "mode", "operator") == "visitor":  # runs with the server's environment: never
                self._say_layout(f"{update.headline()} — it needs an operator's acceptance on a terminal; "
                                 "this browser screen keeps the layout it had", severity="warning")
                return
            self.layout_notices.append(f"{update.headline()} — waiting for your acceptance")
            self._set_waiting(update)
            if self._layout_review is not None and self._layout_review.is_attached:
                self._layout_review.dismiss(None)  # a newer change: review that one (its diff has both)
                self._layout_review = None
            if self._on_main_screen():
                self._ask(update)
            else:  # a dialog is open (the tiles flow, say): ask when it is closed
                self._review_waiting = update
            return
        self._read_for_layout(update)

    def _on_main_screen(self) -> bool:
        from warroom.tui.screens.main import MainScreen

        return isinstance(self.screen, MainScreen)  # type: ignore[attr-defined]

    def _ask(self, update: Any) -> None:
        from warroom.tui.screens.layout_review import LayoutReviewScreen

        self._layout_review = LayoutReviewScreen(update)
        self.push_screen(self._layout_review, lambda yes, u=update: self._reviewed(u, yes))  # type: ignore[attr-defined]

    def _reviewed(self, update: Any, yes: bool | None) -> None:
        self._layout_review = None
        if yes:
            self._read_for_layout(update)
        elif yes is False:
            self._say_layout(f"{update.headline()} — not applied here: this screen keeps the last accepted layout; "
                             "the newer one waits (m, then v, to review it again)", severity="warning")

    def _set_waiting(self, update: Any) -> None:
        """``update`` is the newest layout and this screen does not show it: say so, everywhere."""
        self.layout_waiting = update
        self._show_waiting()

    def _show_waiting(self) -> None:
        room = self.room  # type: ignore[attr-defined]
        if room is None:
            return
        from warroom.journals import short_name

        base = f"{room.ws.layout.launch} — journal {short_name(self.journal)}"  # type: ignore[attr-defined]
        self.sub_title = base + (" — a newer layout is waiting: m, then v, to review it" if self.layout_waiting else "")  # type: ignore[attr-defined]
        for screen in self.screen_stack:  # type: ignore[attr-defined]
            if hasattr(screen, "shown_layout_changed"):
                screen.shown_layout_changed()

    def shown_layout(self) -> tuple[str, str]:
        """(text, SHA-256) of the layout this screen shows: the last one accepted here."""
        return self._layout_watcher.good_text, self._layout_watcher.good_digest

    def review_waiting_layout(self) -> bool:
        """Ask again about the change waiting here (after n); False when none waits."""
        update = self.layout_waiting
        if update is None or (self._layout_review is not None and self._layout_review.is_attached):
            return False
        self._ask(update)
        return True

    @work(thread=True, group="layout-apply", exit_on_error=False)
    def _read_for_layout(self, update: Any) -> None:
        from warroom.journals import open_journal

        with open_journal(self.journal_where, self.layout_path, read_only=True) as journal:  # type: ignore[attr-defined]
            events = journal.load().events
        self.post_message(LayoutReady(update, events))  # type: ignore[attr-defined]

    async def on_layout_ready(self, message: LayoutReady) -> None:
        room = self.room  # type: ignore[attr-defined]
        if room is None:
            return
        shown = room.state.last_seq
        if message.events and message.events[-1].seq < shown:  # read before events the screen has: read again
            self._read_for_layout(message.update)
            return
        events = [e for e in message.events if e.seq <= shown]  # the follower brings the rest
        update = message.update
        if not await self.show_workspace(update.workspace, events):
            return
        self._layout_watcher.applied(update)
        self.layout_waiting = None  # accepted, or a newer change (its diff has the waiting one's) is shown
        self._show_waiting()
        self._say_layout(update.headline())

    async def show_workspace(self, ws: Any, events: list[Any], replay: bool = False) -> bool:
        """Show the war room ``ws`` with ``events`` applied: a new room, the panes remounted, the
        journal pane and the wall filled again. The one way a screen changes layout — a reload
        here, a replay stepping across a ``layout-change`` (``replay``: its tiles poll nothing).
        False when the screen is shutting down."""
        from warroom.room import Room
        from warroom.state import LaunchState

        state = LaunchState.replay(ws, events)
        try:
            screen = self.main_screen  # type: ignore[attr-defined]
        except LookupError:  # shutting down
            return False
        new_room = Room(ws, state, self.operator, self.now)  # type: ignore[attr-defined]
        self.room = new_room  # type: ignore[attr-defined]
        with self.batch_update():  # type: ignore[attr-defined]
            await screen.remount_panes(new_room, self.read_only, self.actions, replay=replay)  # type: ignore[attr-defined]
            self._passed = new_room.due_passed()  # type: ignore[attr-defined]
            self.refresh_all()  # type: ignore[attr-defined]
            journal_pane = screen.journal_pane
            if journal_pane is not None:
                journal_pane.add_events(events, ws.layout.timezone)
            wall = getattr(self, "wall_screen", None)  # issue 13: the wall shows the new layout's tiles
            if wall is not None:
                await wall.build(new_room)
                wall.add_events(events, ws.layout.timezone)
                wall.show(new_room, self.now())  # type: ignore[attr-defined]
        return True
