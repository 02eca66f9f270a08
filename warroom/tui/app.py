"""The war-room app: the screen first, then the workspace and journal, then live follow.

A key never changes state: it calls ``Actions`` (which appends to the journal; the flows are in
``flows``) and the screen changes when the journal follower delivers the event, exactly as for
another operator's events. ``on_journal_events_arrived`` is the one place state moves. The
screen itself (panes, switcher, narrow mode) is ``screens.main.MainScreen``'s; start-up's
tricks are in ``startup``.
"""

from __future__ import annotations

from warroom.tui.startup import GcPause, MountHandshake, import_for_the_full_screen, imports_without_gc

with imports_without_gc():
    import asyncio
    import os
    import signal
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from typing import TYPE_CHECKING, Any, Callable

    from textual import on
    from textual.app import App
    from textual.reactive import Reactive
    from textual.screen import Screen

    from warroom.errors import ActionError, InputError
    from warroom.tui import keys
    from warroom.tui.flows import Flows
    from warroom.tui.layout_reload import LayoutReload
    from warroom.tui.messages import JournalEvents, Loaded, LoadFailed
    from warroom.tui.palette import WARROOM_ANSI
    from warroom.tui.review import ReviewMixin
    from warroom.tui.screens.main import MainScreen, is_narrow
    from warroom.tui.typeahead import TypeAheadMixin

if TYPE_CHECKING:
    from warroom.actions import Actions
    from warroom.journal import Journal
    from warroom.room import Room
    from warroom.tui.widgets.checklist import ChecklistPane
    from warroom.tui.widgets.tiles import TilesPane


def _war_room_commands() -> Any:
    """The command palette provider, imported when the palette first opens."""
    from warroom.tui.commands import WarRoomCommands

    return WarRoomCommands


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class WarRoomApp(TypeAheadMixin, Flows, LayoutReload, ReviewMixin, App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "warroom"
    COMMANDS = App.COMMANDS | {_war_room_commands}
    # PENDING yellow, NO-GO red in 16 colours (tui/palette.py). The defaults, not set in __init__:
    # setting them there re-parses every style sheet before the first frame.
    ansi_theme_dark = Reactive(WARROOM_ANSI, init=False)
    ansi_theme_light = Reactive(WARROOM_ANSI, init=False)

    def __init__(self, layout_path: Path | str, journal_path: Path | str | None = None, operator: str = "unknown",
                 read_only: bool = False, now: Callable[[], datetime] = _utcnow, poll_interval: float = 0.2,
                 watch_tty: bool = False, exit_when_ready: bool = False, workspace: Callable[[], Any] | None = None,
                 as_of: Any = None, replay: bool = False, wall: bool = False, visitor: bool = False) -> None:
        super().__init__()
        from warroom.tui.safety import ControlCharacterFilter

        self._filters.append(ControlCharacterFilter())  # nothing drawn can act on the terminal
        self.wall = wall  # the wall (screens/wall.py): read-only, no keys but quit, no palette
        if wall:
            read_only = True
            self.use_command_palette = False
        self.layout_path = Path(layout_path)
        # a file, or a postgresql:// URL (the journal is then a launch in that database)
        self.journal_override: Path | str | None = (journal_path if isinstance(journal_path, str) and journal_path.startswith(("postgresql://", "postgres://"))
                                                    else Path(journal_path) if journal_path else None)
        self.journal_problem: str | None = None  # why the journal database cannot be reached, while it cannot
        self.journal_where: Path | str | None = None  # the journal opened: a path, or a postgresql:// URL
        self.operator = operator
        # --as-of / --replay: the war room as it was, read-only, stepped by the replay keys
        self.replay_from: tuple[Any, bool] | None = (as_of, replay) if as_of is not None or replay else None
        self.read_only = read_only or self.replay_from is not None
        # What this screen may do beyond reading: "operator" everything; "visitor" (a browser visitor
        # of `warroom serve --allow-writes`) journal events only — no command runs, no layout edits,
        # no layout change accepted (its process has the server's environment, not the visitor's).
        self.mode = "wall" if wall else "read-only" if self.read_only else "visitor" if visitor else "operator"
        self.live_now = now
        self.now = self.replay_now if self.replay_from is not None else now
        self.poll_interval = poll_interval
        self.watch_tty = watch_tty
        self.exit_when_ready = exit_when_ready
        self.room: Room | None = None
        self.actions: Actions | None = None
        self._auto_hold_seen = False
        self.journal: Journal | None = None
        self.journal_path: Path | None = None
        self.follower: Any = None
        self.problems: list[str] = []
        self._head_warning: str | None = None
        self._passed = 0
        self._issues_seen = 0
        self.ready = asyncio.Event()
        self._watchdog: Any = None
        self._sighup = False
        self._gc = GcPause()
        self._mount = MountHandshake()  # the load worker hands over only once the screen is mounted
        # The files are read on the other core while this process starts Textual and draws the
        # first frame (see start_loading); the load worker collects the result. ``warroom open``
        # starts that reading before it even imports Textual, and passes it in as ``workspace``.
        if workspace is None:
            from warroom.workspace import start_loading

            workspace = start_loading(self.layout_path)
        self._workspace = workspace

    def notify(self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification is plain text: warroom's messages carry names, ids and errors from
        files and journals, and Textual would read ``[/b]`` or ``[@click=…]`` in them as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_default_screen(self) -> Screen:
        return MainScreen(str(self.layout_path))

    @property
    def main_screen(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the war-room screen is not on the stack")

    def _main_screen_or_none(self) -> MainScreen | None:
        """The war-room screen, or None once the app has begun to shut down (messages and timers
        already queued still arrive then)."""
        try:
            return self.main_screen
        except LookupError:
            return None

    # -- start-up -----------------------------------------------------------------------------
    async def run_async(self, **kwargs: Any) -> Any:
        self._pause_gc()
        try:
            return await super().run_async(**kwargs)
        finally:
            self._gc.resume()

    def _pause_gc(self) -> None:
        """The collector rests from the start of the run (or the mount, under a test pilot) until
        the first full frame is drawn, or start-up fails, or the app unmounts."""
        if self.room is None:
            self._gc.pause()

    def on_mount(self) -> None:
        self._pause_gc()
        self._parent_pid = os.getppid()
        if self.watch_tty:
            try:
                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hang_up)
                self._sighup = True
            except (RuntimeError, NotImplementedError, ValueError):
                pass
            self.set_interval(2.0, self._check_terminal)
        if self.wall:
            from warroom.tui.screens.wall import WallScreen

            self.push_screen(WallScreen(str(self.layout_path)))
        self._mount.mounted()

    def on_load(self) -> None:
        """Loading starts before Textual builds the screen: the imports and reading it does run
        while the main thread draws the first frame, and the result waits for the mount."""
        self.run_worker(self._load, thread=True, name="load", exit_on_error=False)

    def _load(self) -> None:
        try:
            import_for_the_full_screen()
            from warroom.checkpoint import load_state
            from warroom.journals import journal_spec, open_journal

            ws = self._workspace()
            self.journal_where = journal_spec(ws, self.journal_override)
            journal = open_journal(self.journal_where, self.layout_path, read_only=self.read_only)
            # a journal pane lists every event: only without one may a checkpoint stand for the past
            # a journal pane lists every event, and a replay steps through them all: only without
            # either may a checkpoint stand for the past
            whole = self.replay_from is not None or any(p.kind == "journal" for p in ws.layout.panes)
            state, result = load_state(ws, journal, use_checkpoint=not whole)
            if journal.path is not None:  # a file: the head this account saw must still be in it
                self._head_warning = _check_head(journal.path, result.head)
        except InputError as exc:
            self.post_message(LoadFailed([str(p) for p in exc.problems]))
            return
        except OSError as exc:
            self.post_message(LoadFailed([f"{getattr(exc, 'filename', '') or self.layout_path}: {exc.strerror or exc}"]))
            return
        except Exception as exc:  # noqa: BLE001 - whatever it is, say it and leave; never a spinner forever
            self.post_message(LoadFailed([f"{self.layout_path}: cannot open the war room: {exc}"], code=1))
            return
        self._mount.wait()
        self.post_message(Loaded(ws, journal, result, state))

    @on(LoadFailed)
    def load_failed(self, message: LoadFailed) -> None:
        self.problems = message.problems
        self._gc.resume()
        self.exit(return_code=message.code)

    @on(Loaded)
    async def loaded(self, message: Loaded) -> None:
        from warroom.actions import Actions
        from warroom.evidence import from_verdicts
        from warroom.journals import follower, short_name
        from warroom.room import Room

        ws, journal, result, state = message.ws, message.journal, message.load_result, message.state
        self.journal, self.journal_path = journal, journal.path
        shown = result.events
        if self.replay_from is not None:  # the journal's prefix; nothing followed live
            from warroom.replay import ReplayCursor
            from warroom.state import LaunchState

            as_of, _ = self.replay_from
            self.cursor = ReplayCursor.as_of(result.events, as_of) if as_of is not None else ReplayCursor(result.events, 0)
            shown = result.events[:self.cursor.pos]
            ws = self.replay_layout(ws, result.events)  # the layout as it was then (review.py)
            state = LaunchState.replay(ws, shown)
        self.room = Room(ws, state, self.operator, self.now)
        # a sign-off, poll answer, assessment or hold records what this screen shows then
        self.actions = Actions(journal, self.operator, now=self.now,
                               evidence=from_verdicts(lambda: self.room.tiles if self.room is not None else None))
        self.follower = follower(journal, result) if self.cursor is None else None
        if hasattr(journal, "offline"):  # a database journal refuses writes at once while the follower cannot reach it
            journal.offline = lambda: self.journal_problem
        name = short_name(journal)
        self.sub_title = f"{ws.layout.launch} — journal {name}"
        for issue in result.issues:
            self.notify(f"journal {name}:{issue}", severity="warning", timeout=10)
        if state.ignored:
            self.notify(f"{len(state.ignored)} journal event(s) did not apply (see `warroom log`)", severity="warning")
        if self._head_warning:  # events cut off the journal's end since this account last looked
            self.notify(self._head_warning, severity="error", timeout=30)
        screen = self.main_screen
        with self.batch_update():  # one full frame with everything in place, not several partial ones
            await screen.mount_panes(self.room, self.read_only, self.actions, replay=self.cursor is not None)
            wall = self.wall_screen
            if wall is not None:
                await wall.build(self.room)
                wall.add_events(shown, ws.layout.timezone)
            self._passed = self.room.due_passed()
            self.refresh_all()
            journal_pane = screen.journal_pane
            if journal_pane is not None:
                journal_pane.add_events(shown, ws.layout.timezone)
            screen.show_pane(0)
            if self.cursor is not None:
                self.replay_tiles(reset=True)
                self.show_replay()
                self.say_layout_then(self.layout_then, switched=False)
        self.set_interval(1.0, self.tick_clock, name="clock")
        self.set_interval(self.poll_interval, self.poll_journal, name="follow")
        self.ready.set()
        if self.exit_when_ready:
            self.call_after_refresh(self.exit)
        # issue 17: a changed layout is reloaded live (tui/layout_reload.py); reading and hashing
        # the files it watches waits for the first full frame
        if self.cursor is None:  # a replay shows the layouts of then, never the file's changes
            self.call_after_refresh(self.start_layout_watch)
        self.call_after_refresh(self._gc.resume)

    # -- the one path by which state changes ------------------------------------------------
    def poll_journal(self) -> None:
        """Read what was appended since the last look (ours and every other process's)."""
        follower = self.follower
        if follower is None:
            return
        events = follower.poll()
        problem = getattr(follower, "problem", None)
        if problem != self.journal_problem:  # the database went away, or came back (its events follow)
            self.journal_problem = problem
            screen = self.main_screen
            if screen.header is not None:
                screen.header.journal_problem = problem
            self.refresh_panels(timeline=False, signoff=False)
        reset, follower.reset = follower.reset, False
        issues = [str(i) for i in follower.issues[self._issues_seen:]]
        self._issues_seen = len(follower.issues)
        journal = self.journal
        if journal is not None and journal.warnings:  # this machine's clock is behind the journal's (said once)
            issues += journal.warnings
            journal.warnings = []
        if events or reset or issues:
            self.post_message(JournalEvents(events, reset, issues))

    @on(JournalEvents)
    def on_journal_events_arrived(self, message: JournalEvents) -> None:
        from textual.css.query import NoMatches

        from warroom.tui.screens.base import LiveDialog

        room, screen = self.room, self._main_screen_or_none()
        if room is None or screen is None:  # loading, or shutting down (the screens are gone)
            return
        for issue in message.issues:
            self.notify(f"journal: {issue}", severity="warning", timeout=10)
        changes = room.apply(message.events, reset=message.reset)
        t = room.t()
        passed = room.due_passed(t)
        with self.batch_update():
            if changes.reset or passed != self._passed:
                self._passed = passed
                for pane in screen.checklist_panes:
                    pane.rebuild() if changes.reset else pane.relabel_all()
            elif changes.items:
                for pane in screen.checklist_panes:
                    pane.update_items(changes.items, t)
            self.refresh_panels(timeline=bool(changes.reset or changes.items or changes.clock),
                                signoff=bool(changes.reset or changes.signoff or changes.metrics))
            journal_pane = screen.journal_pane
            if journal_pane is not None:
                if changes.reset:
                    journal_pane.clear()
                journal_pane.add_events(message.events, room.ws.layout.timezone)
            wall = self.wall_screen
            if wall is not None:
                wall.add_events(message.events, room.ws.layout.timezone, reset=changes.reset)
            for dialog in self.screen_stack:
                # one pushed but not mounted yet draws the state itself when it mounts; one torn
                # down at exit has lost its widgets already: neither is redrawn
                if isinstance(dialog, LiveDialog) and dialog.is_mounted:
                    try:
                        dialog.refresh_from_state()
                    except NoMatches:
                        pass

    def refresh_all(self) -> None:
        for pane in self.main_screen.checklist_panes:
            pane.update_title()
        self.refresh_panels()

    def refresh_panels(self, timeline: bool = True, signoff: bool = True) -> None:
        screen = self._main_screen_or_none()  # none while shutting down: a tiles pane's last verdicts may come
        if self.room is None or screen is None:
            return
        now = self.now()
        screen.refresh_panels(self.room, now, timeline=timeline, signoff=signoff)
        self._show_wall(self.room, now)

    def tick_clock(self) -> None:
        room, screen = self.room, self._main_screen_or_none()
        if room is None or screen is None:
            return
        passed = room.due_passed(room.t())
        if passed != self._passed:
            self._passed = passed
            for pane in screen.checklist_panes:
                pane.relabel_all()
        now = self.now()
        self._watch_t0(room, now)
        screen.show_clock(room, now)
        self._show_wall(room, now)

    def _watch_t0(self, room: Room, now: datetime) -> None:
        """The count at T-0: a bell and a banner when it holds for want of a GO (every screen,
        read-only ones too), and the first writable screen journals it once (with a GO, that
        the count went on). Other screens' appends of the same are refused under the lock."""
        view = room.clock(now)
        # A replay shows the hold in its header; a bell and a toast telling to press r (which a
        # replay does not have) would ring at each step onto it and linger over the steps after.
        if view.auto and not self._auto_hold_seen and self.replay_from is None:
            self.bell()
            self.notify("HOLD: the count reached T-0 without a GO. r resumes with a GO, or an override with its reason.",
                        severity="error", timeout=15)
        self._auto_hold_seen = view.auto
        if self.read_only or self.actions is None or not room.state.countdown.t0_due(now):
            return
        decision = room.decision()
        if self._on_database():  # never on the clock's beat: a database that has just gone may take seconds to refuse
            if not self._writing:
                self.write_soon(self.actions.t0_reached, decision.verdict, [r.text for r in decision.reasons])
            return
        try:
            if self.actions.t0_reached(room.state, decision.verdict, [r.text for r in decision.reasons]) is not None:
                self.poll_journal()
        except ActionError as exc:
            self.notify(str(exc), severity="error", timeout=6)

    @property
    def wall_screen(self) -> Any:
        """The wall, when ``--wall`` put it over the main screen (``None`` otherwise)."""
        if not self.wall:
            return None
        for screen in self.screen_stack:
            if screen.id == "wall":
                return screen
        return None

    def _show_wall(self, room: Room, now: datetime) -> None:
        wall = self.wall_screen
        if wall is not None:
            wall.show(room, now)

    # -- metric tiles (the tiles pane posts these) ---------------------------------------------
    def on_tiles_pane_verdicts_changed(self, message: TilesPane.VerdictsChanged) -> None:
        if self.room is None:
            return
        self.room.set_tiles(dict(message.verdicts))
        self.refresh_panels()

    def on_tiles_pane_rollback_triggered(self, message: TilesPane.RollbackTriggered) -> None:
        header = self.main_screen.header
        if header is not None:
            header.rollback_alerts[message.criterion_id] = message.text or ""
        self.bell()
        self.notify(f"rollback trigger {message.criterion_id}: {message.text}", severity="error", timeout=30)
        self.refresh_panels()

    def on_resize(self, event: Any) -> None:
        try:
            self.main_screen.narrow = is_narrow(*event.size)
        except LookupError:  # shutting down
            pass

    # -- terminal reality -----------------------------------------------------------------
    def _hang_up(self) -> None:
        """The terminal is gone: leave now. Every journal write is already on disk (fsync'd), so
        if a worker thread holds the shutdown up, a watchdog ends the process after a moment."""
        import threading

        if self._watchdog is None:
            self._watchdog = threading.Timer(3.0, os._exit, args=(129,))
            self._watchdog.daemon = True
            self._watchdog.start()
        self.exit(return_code=129)

    def _check_terminal(self) -> None:
        """A dropped SSH session leaves stdin without a terminal: exit instead of spinning."""
        try:
            alive = sys.__stdin__ is not None and os.isatty(sys.__stdin__.fileno())
        except (ValueError, OSError):
            alive = False
        if os.getppid() != self._parent_pid:  # the shell that started us is gone (a dropped SSH session)
            alive = False
        if not alive:
            self._hang_up()

    # -- the command palette: every action of the one table ------------------------------------
    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """(name, help, callback) for every action the table puts in the palette, and the panes."""
        screen = self.main_screen
        out: list[tuple[str, str, Callable[[], Any]]] = []
        for action in keys.palette_actions():
            hint = f"{action.shown}: {action.help}"
            if action.scope == keys.CHECKLIST_SCOPE:
                out.append((action.title, hint, lambda name=action.name: self._on_checklist(name)))
            elif action.scope == keys.TILES_SCOPE:  # on the metrics pane's highlighted tile
                out.append((action.title, hint, lambda name=action.name: self._on_tiles(name)))
            else:
                target = screen if hasattr(screen, f"action_{action.name}") else self
                out.append((action.title, hint, getattr(target, f"action_{action.name}")))
        for i, title in enumerate(screen.pane_titles):
            out.append((f"Go to pane {i + 1}: {title}", f"{i + 1}", lambda i=i: screen.show_pane(i)))
        return out

    def _on_checklist(self, name: str) -> None:
        """Run a checklist action from the palette, on the active checklist's cursor."""
        pane: ChecklistPane | None = self.main_screen.active_checklist
        if pane is None:
            self.notify("this layout has no checklist", severity="warning")
            return
        getattr(pane.ctree, f"action_{name}")()

    def _on_tiles(self, name: str) -> None:
        """Run a tiles action from the palette, on the metrics pane's highlighted tile."""
        from warroom.tui.widgets.tiles import TilesPane

        panes = list(self.main_screen.query(TilesPane))
        if not panes:
            self.notify("this screen shows no metric tiles", severity="warning")
            return
        getattr(panes[0], f"action_{name}")()

    def on_unmount(self) -> None:
        self._gc.resume()
        if hasattr(self.follower, "close"):  # a database follower's thread and connection
            self.follower.close()
        self._mount.mounted()  # a load worker still waiting to hand over: let it finish
        if self._watchdog is not None:  # the shutdown got this far: no need to force it
            self._watchdog.cancel()
        if self._sighup:
            try:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            except (RuntimeError, ValueError):
                pass
        if self.journal is not None:
            self.journal.close()
        if self.follower is not None and self.journal_path is not None:
            _check_head(self.journal_path, (self.follower.head_seq, self.follower.head_hash), warn=False)


def _check_head(path: Path, head: tuple[int, str], warn: bool = True) -> str | None:
    """The warning when the journal lost the head this account saw last (see warroom.heads);
    remembers the head seen now."""
    from datetime import datetime, timezone

    from warroom import heads

    warning = heads.check(path) if warn else None
    heads.remember(path, head[0], head[1], datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return warning
