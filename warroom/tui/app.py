"""The war-room app: the screen first, then the workspace and journal, then live follow.

A key never changes state: it calls ``Actions`` (which appends to the journal) and the screen
changes when the journal follower delivers the event, exactly as for another operator's
events. ``on_journal_events`` is the one place state moves.
"""

from __future__ import annotations

import gc

# Importing Textual and Rich builds a few hundred thousand objects that live as long as the
# process; the cyclic collector would walk them again and again while they load and while the
# first frame is built. Collect nothing during the imports, then freeze what they built so
# later collections skip it (gc.freeze: they are never garbage anyway).
_GC_WAS_ON = gc.isenabled()
gc.disable()
try:
    import asyncio
    import os
    import signal
    import sys
    import threading
    from dataclasses import replace
    from time import monotonic
    from datetime import datetime, timezone
    from pathlib import Path
    from typing import TYPE_CHECKING, Any, Callable

    from textual import on, work
    from textual.app import App, ComposeResult
    from textual.containers import Container
    from textual.css.query import NoMatches
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import Static

    from warroom.errors import ActionError, InputError
    from warroom.model import Pane, Status
    from warroom.tmarks import format_tmark, parse_duration
    from warroom.tui import keys
    from warroom.tui.messages import JournalEvents, Loaded, LoadFailed
    from warroom.tui.typeahead import TypeAheadMixin
    from warroom.tui.widgets.header import WarHeader
    from warroom.tui.widgets.keybar import KeyBar
    from warroom.tui.widgets.render import local_time, zone_of
finally:
    if _GC_WAS_ON:
        gc.enable()
gc.freeze()

if TYPE_CHECKING:
    from warroom.actions import Actions
    from warroom.journal import Journal
    from warroom.tui.room import Room
    from warroom.tui.widgets.checklist import ChecklistPane


def _import_for_the_full_screen() -> None:
    """What the full screen needs and the first frame does not (the journal, state, actions, the
    panes). The load worker imports it while the child process reads the files."""
    import warroom.actions  # noqa: F401
    import warroom.journal  # noqa: F401
    import warroom.state  # noqa: F401
    import warroom.tui.room  # noqa: F401
    import warroom.tui.widgets.checklist  # noqa: F401
    import warroom.tui.widgets.signoff  # noqa: F401
    import warroom.tui.widgets.timeline  # noqa: F401

NARROW_WIDTH = 110
NARROW_HEIGHT = 30
_MOUNT_TIMEOUT = 10.0  # seconds the load worker waits for the screen before handing over anyway
PANE_NAMES = {"timeline": "Timeline", "signoff": "Sign-off", "tiles": "Metrics", "journal": "Journal"}


def _war_room_commands() -> Any:
    """The command palette provider, imported when the palette first opens."""
    from warroom.tui.commands import WarRoomCommands

    return WarRoomCommands


# The modal screens are imported on first use: start-up does not pay for them.
def _dialogs() -> Any:
    from warroom.tui.screens import dialogs

    return dialogs


def _screen(name: str) -> Any:
    """``details``, ``filter``, ``help`` or ``poll``: that screen's module."""
    import importlib

    return importlib.import_module(f"warroom.tui.screens.{name}")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class MainScreen(Screen):
    """The war-room screen. Its keys are app actions, so they do not leak into dialogs."""

    BINDINGS = [replace(b, action=b.action if b.action.startswith("app.") else "app." + b.action) for b in keys.SCREEN]

    def compose(self) -> ComposeResult:
        """The first frame says what is loading, and nothing more: the header, the panes and the
        key bar come together when the launch is read (``WarRoomApp.loaded``), in one frame."""
        app: WarRoomApp = self.app  # type: ignore[assignment]
        with Container(id="panes"):
            yield Static(f"Loading {app.layout_path} …", id="loading")

    def on_descendant_focus(self, event: Any) -> None:
        app: WarRoomApp = self.app  # type: ignore[assignment]
        node = event.widget
        while node is not None and node not in app.pane_widgets:
            node = node.parent
        if node is not None:
            app.set_active(app.pane_widgets.index(node))


class WarRoomApp(TypeAheadMixin, App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "warroom"
    COMMANDS = App.COMMANDS | {_war_room_commands}

    def __init__(self, layout_path: Path | str, journal_path: Path | str | None = None, operator: str = "unknown",
                 read_only: bool = False, now: Callable[[], datetime] = _utcnow, poll_interval: float = 0.2,
                 watch_tty: bool = False, exit_when_ready: bool = False, workspace: Callable[[], Any] | None = None,
                 wall: bool = False) -> None:
        super().__init__()
        self.wall = wall  # the wall (screens/wall.py): read-only, no keys but quit, no palette
        if wall:
            read_only = True
            self.use_command_palette = False
        self.layout_path = Path(layout_path)
        self.journal_override = Path(journal_path) if journal_path else None
        self.operator = operator
        self.read_only = read_only
        self.now = now
        self.poll_interval = poll_interval
        self.watch_tty = watch_tty
        self.exit_when_ready = exit_when_ready
        self.room: Room | None = None
        self.actions: Actions | None = None
        self.journal: Journal | None = None
        self.journal_path: Path | None = None
        self.follower: Any = None
        self.pane_widgets: list[Widget] = []
        self.pane_titles: list[str] = []
        self.checklist_panes: list[ChecklistPane] = []
        self.active = 0
        self.narrow = False
        self.problems: list[str] = []
        self._passed = 0
        self._issues_seen = 0
        self.ready = asyncio.Event()
        self._watchdog: Any = None
        self._sighup = False
        self._gc_paused = False
        self._read_only_told_at = -1e9
        self._mounted = threading.Event()  # set in on_mount: the load worker hands over only then
        # The files are read on the other core while this process starts Textual and draws the
        # first frame (see start_loading); the load worker collects the result. ``warroom open``
        # starts that reading before it even imports Textual, and passes it in as ``workspace``.
        if workspace is None:
            from warroom.workspace import start_loading

            workspace = start_loading(self.layout_path)
        self._workspace = workspace

    def get_default_screen(self) -> Screen:
        return MainScreen()

    # -- start-up -----------------------------------------------------------------------------
    async def run_async(self, **kwargs: Any) -> Any:
        self._pause_gc()
        try:
            return await super().run_async(**kwargs)
        finally:
            self._resume_gc()

    def _pause_gc(self) -> None:
        """Start-up builds tens of thousands of objects that all stay; collection passes over them
        find nothing. The collector rests from the start of the run (or the mount, under a test
        pilot) until the first full frame is drawn, or start-up fails, or the app unmounts."""
        if gc.isenabled() and not self._gc_paused and self.room is None:
            gc.disable()
            self._gc_paused = True

    def on_mount(self) -> None:
        self._pause_gc()
        self.narrow = self._is_narrow()
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
        self._mounted.set()

    def on_load(self) -> None:
        """Loading starts before Textual builds the screen: the imports and reading it does run
        while the main thread draws the first frame, and the result waits for the mount."""
        self.run_worker(self._load, thread=True, name="load", exit_on_error=False)

    def _load(self) -> None:
        try:
            _import_for_the_full_screen()
            from warroom.journal import Journal

            ws = self._workspace()
            path = self.journal_override or ws.journal_path
            journal = Journal(path, read_only=self.read_only)
            result = journal.load()
        except InputError as exc:
            self.post_message(LoadFailed([str(p) for p in exc.problems]))
            return
        except OSError as exc:
            self.post_message(LoadFailed([f"{getattr(exc, 'filename', '') or self.layout_path}: {exc.strerror or exc}"]))
            return
        except Exception as exc:  # noqa: BLE001 - whatever it is, say it and leave; never a spinner forever
            self.post_message(LoadFailed([f"{self.layout_path}: cannot open the war room: {exc}"], code=1))
            return
        self._mounted.wait(_MOUNT_TIMEOUT)
        self.post_message(Loaded(ws, journal, result))

    @on(LoadFailed)
    def load_failed(self, message: LoadFailed) -> None:
        self.problems = message.problems
        self._resume_gc()
        self.exit(return_code=message.code)

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    @on(Loaded)
    async def loaded(self, message: Loaded) -> None:
        from warroom.actions import Actions
        from warroom.journal import follow_from
        from warroom.state import LaunchState
        from warroom.tui.room import Room

        ws, journal, result = message.ws, message.journal, message.load_result
        self.journal, self.journal_path = journal, journal.path
        state = LaunchState.replay(ws, result.events)
        self.room = Room(ws, state, self.operator, self.now)
        self.actions = Actions(journal, self.operator, now=self.now)
        self.follower = follow_from(result, journal.path)
        self.sub_title = f"{ws.layout.launch} — journal {journal.path.name}"
        for issue in result.issues:
            self.notify(f"journal {journal.path.name}:{issue}", severity="warning", timeout=10)
        if state.ignored:
            self.notify(f"{len(state.ignored)} journal event(s) did not apply (see `warroom log`)", severity="warning")
        with self.batch_update():  # one full frame with everything in place, not several partial ones
            await self._mount_panes()
            wall = self._wall_screen()
            if wall is not None:
                await wall.build(self.room)
                wall.add_events(result.events, ws.layout.timezone)
            self._passed = self.room.due_passed()
            self.refresh_all()
            journal_pane = self._journal_pane()
            if journal_pane is not None:
                journal_pane.add_events(result.events, ws.layout.timezone)
            self.show_pane(0)
        self.set_interval(1.0, self.tick_clock, name="clock")
        self.set_interval(self.poll_interval, self.poll_journal, name="follow")
        self.ready.set()
        if self.exit_when_ready:
            self.call_after_refresh(self.exit)
        self.call_after_refresh(self._resume_gc)

    async def _mount_panes(self) -> None:
        from warroom.tui.widgets.checklist import ChecklistPane
        from warroom.tui.widgets.signoff import SignoffPane
        from warroom.tui.widgets.timeline import TimelinePane

        room = self.room
        assert room is not None
        layout = room.ws.layout
        screen = self.screen_main()
        container = screen.query_one("#panes", Container)
        await container.query("#loading").remove()
        await screen.mount_all([WarHeader(layout.launch, read_only=self.read_only), Static("", id="switcher")], before=container)
        await screen.mount(KeyBar(hide=keys.WRITES if self.read_only else frozenset()))
        checklists = {c.id: c for c in room.ws.checklists}
        placed: list[tuple[Pane, Widget, str]] = []
        for pane in layout.panes:
            widget: Widget | None = None
            title = pane.title
            if pane.kind == "checklist":
                checklist = checklists.get(pane.checklist)
                if checklist is None:
                    continue
                widget = ChecklistPane(checklist, room, title=pane.title)
                title = title or checklist.title
                self.checklist_panes.append(widget)  # type: ignore[arg-type]
            elif pane.kind == "timeline":
                widget = TimelinePane(pane.title)
            elif pane.kind == "signoff":
                widget = SignoffPane(pane.title)
            elif pane.kind == "journal":
                from warroom.tui.widgets.journal_log import JournalPane

                widget = JournalPane(pane.title)
            elif pane.kind == "tiles":
                if layout.tiles:
                    from warroom.tui.tiles import TilesPane  # the poller starts behind it, after the first frame

                    widget = TilesPane(room.ws, None if self.read_only else self.actions, lambda: self.room.state)
                    widget.add_class("pane")
                else:  # nothing to poll: the first frame does not wait for the metrics modules
                    from warroom.metrics import NO_TILES

                    widget = Static(NO_TILES, classes="pane tiles-empty")
                widget.border_title = pane.title or widget.border_title or "Metrics"
            if widget is None:
                continue
            placed.append((pane, widget, title or PANE_NAMES.get(pane.kind, pane.kind)))
        # grid cells in row-major order, so Textual's auto-placement puts each pane at its row/column
        occupied: dict[tuple[int, int], bool] = {}
        spans = {id(p): (p.row_span, p.column_span) for p, _, _ in placed}
        taken = {(r, c) for p, _, _ in placed for r in range(p.row, p.row + p.row_span)
                 for c in range(p.column, p.column + p.column_span)}
        for p, _, _ in sorted(placed, key=lambda x: (x[0].row, x[0].column)):
            # a pane grows down into empty cells below it, so a short column has no holes
            rows, cols = spans[id(p)]
            while p.row + rows <= layout.rows and all((p.row + rows, c) not in taken for c in range(p.column, p.column + cols)):
                taken.update((p.row + rows, c) for c in range(p.column, p.column + cols))
                rows += 1
            spans[id(p)] = (rows, cols)
        starts = {(p.row, p.column): (p, w) for p, w, _ in placed}
        ordered: list[Widget] = []
        for row in range(1, layout.rows + 1):
            for col in range(1, layout.columns + 1):
                if (row, col) in occupied:
                    continue
                if (row, col) in starts:
                    p, w = starts[(row, col)]
                    row_span, column_span = spans[id(p)]
                    w.styles.row_span, w.styles.column_span = row_span, column_span
                    for r in range(row, row + row_span):
                        for c in range(col, col + column_span):
                            occupied[(r, c)] = True
                    ordered.append(w)
                else:
                    ordered.append(Static("", classes="filler"))
        container.styles.grid_size_columns = layout.columns
        wide_cols = {c for p, w, _ in placed if p.kind in ("checklist", "journal") for c in range(p.column, p.column + p.column_span)}
        container.styles.grid_columns = " ".join("2fr" if c in wide_cols and len(wide_cols) < layout.columns else "1fr"
                                                 for c in range(1, layout.columns + 1))
        container.styles.grid_size_rows = layout.rows
        self.pane_widgets = [w for _, w, _ in placed]
        if placed:  # the first pane starts active: styled once, not again when shown
            self.pane_widgets[0].add_class("-active")
            self.active = 0
        self.pane_titles = [t for _, _, t in placed]
        await container.mount_all(ordered)
        self._apply_mode()

    # -- the one path by which state changes ------------------------------------------------
    def poll_journal(self) -> None:
        """Read what was appended since the last look (ours and every other process's)."""
        follower = self.follower
        if follower is None:
            return
        events = follower.poll()
        reset, follower.reset = follower.reset, False
        issues = [str(i) for i in follower.issues[self._issues_seen:]]
        self._issues_seen = len(follower.issues)
        if events or reset or issues:
            self.post_message(JournalEvents(events, reset, issues))

    @on(JournalEvents)
    def on_journal_events_arrived(self, message: JournalEvents) -> None:
        room = self.room
        if room is None:
            return
        for issue in message.issues:
            self.notify(f"journal: {issue}", severity="warning", timeout=10)
        changes = room.apply(message.events, reset=message.reset)
        t = room.t()
        passed = room.due_passed(t)
        with self.batch_update():
            if changes.reset or passed != self._passed:
                self._passed = passed
                for pane in self.checklist_panes:
                    pane.rebuild() if changes.reset else pane.relabel_all()
            elif changes.items:
                for pane in self.checklist_panes:
                    pane.update_items(changes.items, t)
            self.refresh_panels(timeline=bool(changes.reset or changes.items or changes.clock),
                                signoff=bool(changes.reset or changes.signoff or changes.metrics))
            journal_pane = self._journal_pane()
            if journal_pane is not None:
                if changes.reset:
                    journal_pane.clear()
                journal_pane.add_events(message.events, room.ws.layout.timezone)
            wall = self._wall_screen()
            if wall is not None:
                wall.add_events(message.events, room.ws.layout.timezone, reset=changes.reset)
            for screen in self.screen_stack:
                if type(screen).__name__ in ("PollScreen", "WhyScreen"):
                    screen.refresh_from_state()

    def refresh_all(self) -> None:
        for pane in self.checklist_panes:
            pane.update_title()
        self.refresh_panels()

    def refresh_panels(self, timeline: bool = True, signoff: bool = True) -> None:
        """Header, timeline and sign-off: small (the sign-off list is capped), redrawn whole."""
        from warroom.tui.widgets.signoff import SignoffPane
        from warroom.tui.widgets.timeline import TimelinePane

        room = self.room
        if room is None:
            return
        now = self.now()
        self._show_header(room, now)
        for w in self.pane_widgets:
            if timeline and isinstance(w, TimelinePane):
                w.show(room, now)
            elif signoff and isinstance(w, SignoffPane):
                w.show(room)
        self._show_switcher()
        self._show_wall(room, now)

    def tick_clock(self) -> None:
        room = self.room
        if room is None:
            return
        t = room.t()
        passed = room.due_passed(t)
        if passed != self._passed:
            self._passed = passed
            for pane in self.checklist_panes:
                pane.relabel_all()
        from warroom.tui.widgets.timeline import TimelinePane

        now = self.now()
        self._show_header(room, now)
        for w in self.pane_widgets:
            if isinstance(w, TimelinePane):
                w.show(room, now)
        self._show_wall(room, now)

    def _wall_screen(self) -> Any:
        """The wall, when ``--wall`` put it over the main screen."""
        if not self.wall:
            return None
        for screen in self.screen_stack:
            if screen.id == "wall":
                return screen
        return None

    def _show_wall(self, room: Room, now: datetime) -> None:
        wall = self._wall_screen()
        if wall is not None:
            wall.show(room, now)

    def _header(self) -> WarHeader | None:
        """The header: mounted with the panes, gone again while the app shuts down."""
        try:
            return self.screen_main().query_one(WarHeader)
        except NoMatches:
            return None

    def _show_header(self, room: Room, now: datetime) -> None:
        header = self._header()
        if header is not None:
            header.show(room, now, self.narrow)

    def screen_main(self) -> Screen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return self.screen

    def _journal_pane(self) -> Any:
        for w in self.pane_widgets:
            if type(w).__name__ == "JournalPane":
                return w
        return None

    # -- metric tiles (the metrics area's TilesPane posts these) ------------------------------
    def on_tiles_pane_verdicts_changed(self, message: Any) -> None:
        if self.room is None:
            return
        self.room.set_tiles(dict(message.verdicts))
        self.refresh_panels()

    def on_tiles_pane_rollback_triggered(self, message: Any) -> None:
        header = self._header()
        if header is not None:
            header.rollback_alerts[str(message.criterion_id)] = str(message.text or "")
        self.bell()
        self.notify(f"rollback trigger {message.criterion_id}: {message.text}", severity="error", timeout=30)
        self.refresh_panels()

    # -- small and big screens ---------------------------------------------------------------
    def _is_narrow(self, size: Any = None) -> bool:
        width, height = size or self.size
        return width < NARROW_WIDTH or height < NARROW_HEIGHT

    def on_resize(self, event: Any) -> None:
        narrow = self._is_narrow(event.size)
        if narrow != self.narrow:
            self.narrow = narrow
            self._apply_mode()
            self.refresh_panels()

    def _apply_mode(self) -> None:
        screen = self.screen_main()
        screen.set_class(self.narrow, "-narrow")
        try:
            container = screen.query_one("#panes", Container)
        except NoMatches:  # not composed yet
            return
        container.styles.layout = "vertical" if self.narrow else "grid"
        for i, w in enumerate(self.pane_widgets):
            w.display = (not self.narrow) or i == self.active
        for filler in container.query(".filler"):
            filler.display = not self.narrow
        self._show_switcher()

    def _show_switcher(self) -> None:
        if not self.pane_titles:  # still loading (there is no switcher yet), or no panes (it stays hidden)
            return
        try:
            switcher = self.screen_main().query_one("#switcher", Static)
        except NoMatches:  # the app is shutting down
            return
        switcher.display = self.narrow
        parts = []
        for i, title in enumerate(self.pane_titles):
            label = f" {i + 1} {title[:18]} "
            parts.append(f"[reverse b]{label}[/]" if i == self.active else label)
        switcher.update("│".join(parts) + "  [dim]tab switches[/]")

    def set_active(self, index: int) -> None:
        if index == self.active:
            return
        for i, w in enumerate(self.pane_widgets):
            w.set_class(i == index, "-active")
        self.active = index
        if self.narrow:
            self._apply_mode()
        else:
            self._show_switcher()

    def action_show_pane(self, index: int) -> None:
        self.show_pane(index)

    def show_pane(self, index: int) -> None:
        if not self.pane_widgets or index >= len(self.pane_widgets):
            return
        self.active = -1
        self.set_active(index)
        self._apply_mode()
        target = getattr(self.pane_widgets[index], "focus_target", self.pane_widgets[index])
        if target.can_focus:
            target.focus()

    def action_next_pane(self) -> None:
        if self.pane_widgets:
            self.show_pane((self.active + 1) % len(self.pane_widgets))

    def action_previous_pane(self) -> None:
        if self.pane_widgets:
            self.show_pane((self.active - 1) % len(self.pane_widgets))

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

    # -- writing: every change is an appended event -------------------------------------------
    def _can_write(self) -> bool:
        if self.room is None or self.actions is None:
            self.notify("still loading", severity="warning", timeout=2)
            return False
        if self.read_only:
            now = monotonic()
            if now - self._read_only_told_at > 3:  # one notice at a time, not a stack of them
                self._read_only_told_at = now
                self.notify("read-only: this screen cannot change anything", severity="warning", timeout=3)
            return False
        return True

    def _do(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        assert self.room is not None
        try:
            fn(self.room.state, *args, **kwargs)
        except ActionError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return False
        self.poll_journal()
        return True

    def tick_item(self, item_id: str) -> None:
        if self._can_write():
            self._do(self.actions.toggle, item_id)  # type: ignore[union-attr]

    @work(group="dialog")
    async def set_item_status(self, item_id: str) -> None:
        if not self._can_write():
            return
        room = self.room
        item = room.ws.items[item_id]
        current = room.state.items[item_id].status
        options = [("t", "○ todo", Status.TODO), ("i", "~ in progress", Status.IN_PROGRESS), ("d", "✓ done", Status.DONE),
                   ("b", "✗ blocked (asks why)", Status.BLOCKED), ("k", "– skipped (asks why)", Status.SKIPPED)]
        status = await self.push_screen_wait(_dialogs().ChoiceScreen(f"Status of: {item.text}", options,
                                                          [o[2] for o in options].index(current)))
        if status is None:
            return
        reason = ""
        if status.needs_reason:
            reason = await self.push_screen_wait(_dialogs().PromptScreen(f"Why is it {status.value}?", "the reason, for the journal"))
            if reason is None:
                return
        self._do(self.actions.set_status, item_id, status, reason)

    @work(group="dialog")
    async def note_item(self, item_id: str) -> None:
        if not self._can_write():
            return
        text = await self.push_screen_wait(_dialogs().PromptScreen(f"Note on: {self.room.ws.items[item_id].text}", "what happened"))
        if text:
            self._do(self.actions.note, item_id, text)

    def show_details(self, item_id: str) -> None:
        if self.room is not None:
            self.push_screen(_screen("details").DetailsScreen(self.room, item_id))

    @work(group="dialog")
    async def copy_command(self, item_id: str) -> None:
        if self.room is None:
            return
        item = self.room.ws.items[item_id]
        if not item.commands:
            self.notify("this item has no command to copy", severity="warning", timeout=3)
            return
        cmd = item.commands[0]
        if len(item.commands) > 1:
            options = [(str(i + 1), c.code.strip().splitlines()[0][:60], c) for i, c in enumerate(item.commands[:9])]
            cmd = await self.push_screen_wait(_dialogs().ChoiceScreen("Copy which command?", options))
            if cmd is None:
                return
        self.copy_to_clipboard(cmd.code.rstrip("\n"))
        self.notify(f"copied: {cmd.code.strip().splitlines()[0][:50]} (OSC 52)", timeout=3)

    @work(group="dialog")
    async def ask_filter(self, pane: ChecklistPane) -> None:
        result = await self.push_screen_wait(_screen("filter").FilterScreen(pane.filter_text, pane.quick))
        if result is not None:
            pane.set_filter(*result)

    def _clock_text(self) -> str:
        t = self.room.t() if self.room else None
        return "no T-0" if t is None else format_tmark(t)

    @work(group="dialog")
    async def action_hold(self) -> None:
        if not self._can_write():
            return
        reason = await self.push_screen_wait(_dialogs().PromptScreen("Hold the count: why?", "the reason, for everyone"))
        if reason and await self.push_screen_wait(_dialogs().ConfirmScreen(f"HOLD the count at {self._clock_text()}?", reason)):
            self._do(self.actions.hold, reason)

    def action_resume(self) -> None:
        if self._can_write():
            self._do(self.actions.resume)

    @work(group="dialog")
    async def action_recycle(self) -> None:
        if not self._can_write():
            return
        room = self.room
        t = room.t()
        default = ""
        if t is not None:
            from warroom.countdown import phase_index

            idx = phase_index(room.ws.layout.phases, t)
            if idx >= 0:
                default = room.ws.layout.phases[idx].label
        mark = await self.push_screen_wait(_dialogs().PromptScreen("Recycle the count to which T-mark?", "e.g. T-30m", value=default))
        if not mark:
            return
        reason = await self.push_screen_wait(_dialogs().PromptScreen("Why recycle?", "the reason", required=False))
        if reason is None:
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"RECYCLE the count to {mark}? It holds there until resumed.", reason)):
            self._do(self.actions.recycle, mark, reason)

    @work(group="dialog")
    async def action_scrub(self) -> None:
        if not self._can_write():
            return
        reason = await self.push_screen_wait(_dialogs().PromptScreen("SCRUB the launch: why?", "the reason"))
        if reason and await self.push_screen_wait(_dialogs().ConfirmScreen("SCRUB this launch attempt? A new T-0 starts the next one.", reason)):
            self._do(self.actions.scrub, reason)

    @work(group="dialog")
    async def action_set_t0(self) -> None:
        if not self._can_write():
            return
        text = await self.push_screen_wait(_dialogs().PromptScreen(
            "Set T-0", "90m (from now) or 2026-11-23T16:00:00+01:00",
            hint="a delay from now (90m, 2h) or an ISO time with a zone; escape cancels"))
        if not text:
            return
        when: Any = text
        try:
            when = self.now() + parse_duration(text)
        except ValueError:
            pass
        shown = when if isinstance(when, str) else f"{local_time(when, zone_of(self.room.ws.layout.timezone), True)} {self.room.ws.layout.timezone}"
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Set T-0 to {shown}?", "Everyone's clock moves with it.")):
            self._do(self.actions.set_t0, when)

    @work(group="dialog")
    async def action_sign(self) -> None:
        if not self._can_write():
            return
        room = self.room
        roles = room.ws.layout.roles_in_poll_order()
        if not roles:
            self.notify("this layout has no sign-off roles", severity="warning")
            return
        options = [(str(i + 1) if i < 9 else "", f"{r.name}" + (f" ({r.person})" if r.person else ""), r.name) for i, r in enumerate(roles)]
        role = await self.push_screen_wait(_dialogs().ChoiceScreen("Sign as which role?", options))
        if role is None:
            return
        decision = await self.push_screen_wait(_dialogs().ChoiceScreen(f"{role}: your decision?", [("g", "GO", "GO"), ("n", "NO-GO", "NO-GO")]))
        if decision is None:
            return
        comment = await self.push_screen_wait(_dialogs().PromptScreen(
            f"{role} {decision}: comment" + (" (required: why NO-GO?)" if decision == "NO-GO" else ""),
            "comment", required=decision == "NO-GO"))
        if comment is None:
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Sign {role}: {decision}?", comment)):
            self._do(self.actions.sign, role, decision, comment)

    @work(group="dialog")
    async def action_assess(self) -> None:
        """Record a manual go/no-go criterion as pass or fail (tile-bound ones read their tile)."""
        if not self._can_write():
            return
        room = self.room
        manual = [c for c in room.ws.layout.criteria if c.kind == "go" and not c.tile]
        if not manual:
            self.notify("this layout has no criteria assessed by hand (tile-bound ones read their tiles)", severity="warning")
            return
        views = {v.criterion.id: v for v in room.decision().criteria}
        options = []
        for i, c in enumerate(manual):
            state = views[c.id].state if c.id in views else "unknown"
            mark = {"pass": "✓", "fail": "✗"}.get(state, "?")
            label = f"{mark} {c.name}" + (f" ({c.threshold})" if c.threshold else "") + ("" if c.required else " — optional")
            options.append((str(i + 1) if i < 9 else "", label, c.id))
        cid = await self.push_screen_wait(_dialogs().ChoiceScreen("Assess which criterion?", options))
        if cid is None:
            return
        crit = room.ws.criterion(cid)
        result = await self.push_screen_wait(_dialogs().ChoiceScreen(f"{crit.name}: result?", [("p", "✓ pass", "pass"), ("f", "✗ fail", "fail")]))
        if result is None:
            return
        value = await self.push_screen_wait(_dialogs().PromptScreen(
            f"{crit.name}: the value seen" + (f" (threshold {crit.threshold})" if crit.threshold else ""),
            "e.g. 99.9% — optional", required=False))
        if value is None:
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Record {crit.name}: {result.upper()}?", value)):
            self._do(self.actions.assess, cid, result, value)

    @work(group="dialog")
    async def action_poll(self) -> None:
        if not self._can_write():
            return
        room = self.room
        if room.state.poll is None:
            roles = [r.name for r in room.ws.layout.roles_in_poll_order()]
            if not roles:
                self.notify("this layout has no sign-off roles to poll", severity="warning")
                return
            if not await self.push_screen_wait(_dialogs().ConfirmScreen("Start a go/no-go poll?", " → ".join(roles))):
                return
            if not self._do(self.actions.poll_start):
                return
        self.push_screen(_screen("poll").PollScreen(room))

    @work(group="dialog")
    async def answer_poll(self, decision: str) -> None:
        if not self._can_write():
            return
        room = self.room
        poll = room.state.poll
        if poll is None:
            self.notify("no poll in progress", severity="warning")
            return
        comment = ""
        if decision == "NO-GO":
            comment = await self.push_screen_wait(_dialogs().PromptScreen(f"{poll.current_role} is NO-GO: why?", "the reason"))
            if not comment:
                return
        self._do(self.actions.poll_answer, decision, comment)

    @work(group="dialog")
    async def cancel_poll(self) -> None:
        if not self._can_write():
            return
        if self.room.state.poll is None:
            self.notify("no poll in progress", severity="warning")
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen("Cancel the poll? Answers given so far stay recorded as sign-offs.")):
            self._do(self.actions.poll_cancel, "cancelled from the war room")

    def action_why(self) -> None:
        if self.room is not None and type(self.screen).__name__ != "WhyScreen":
            self.push_screen(_screen("why").WhyScreen(self.room))

    def action_help(self) -> None:
        if not type(self.screen).__name__ == "HelpScreen":
            self.push_screen(_screen("help").HelpScreen())

    # -- commands for the palette ----------------------------------------------------------
    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """(name, help, callback) for every action; the palette lists them."""

        def on_item(fn: Callable[[str], Any]) -> Callable[[], Any]:
            def run() -> None:
                pane = self._active_checklist()
                item = pane.ctree.item_id if pane else None
                if item is None:
                    self.notify("select an item in a checklist first", severity="warning")
                else:
                    fn(item)
            return run

        def filt() -> None:
            pane = self._active_checklist()
            if pane is not None:
                self.ask_filter(pane)

        out: list[tuple[str, str, Callable[[], Any]]] = [
            ("Tick / untick the item", "space or x in a checklist", on_item(self.tick_item)),
            ("Set the item's status", "s: todo, in progress, done, blocked (why), skipped (why)", on_item(self.set_item_status)),
            ("Add a note to the item", "n", on_item(self.note_item)),
            ("Item details", "enter: full text, notes, commands, links", on_item(self.show_details)),
            ("Copy the item's command", "c: OSC 52 clipboard, works over SSH", on_item(self.copy_command)),
            ("Filter the checklist", "/: text, open, overdue, critical, mine", filt),
            ("Hold the count", "h: asks the reason, confirmed", self.action_hold),
            ("Resume the count", "r", self.action_resume),
            ("Recycle to a T-mark", "R: confirmed", self.action_recycle),
            ("Scrub the launch", "X: confirmed", self.action_scrub),
            ("Set T-0", "T: confirmed", self.action_set_t0),
            ("Sign off as a role", "o: GO / NO-GO with a comment, confirmed", self.action_sign),
            ("Go/no-go poll", "p: walks the roles in order", self.action_poll),
            ("Why not GO yet", "w: every reason, in full", self.action_why),
            ("Next pane", "tab", self.action_next_pane),
            ("Help: every key", "? or F1", self.action_help),
        ]
        for i, title in enumerate(self.pane_titles):
            out.append((f"Go to pane {i + 1}: {title}", f"{i + 1}", lambda i=i: self.show_pane(i)))
        return out

    def _active_checklist(self) -> ChecklistPane | None:
        from warroom.tui.widgets.checklist import ChecklistPane

        if 0 <= self.active < len(self.pane_widgets) and isinstance(self.pane_widgets[self.active], ChecklistPane):
            return self.pane_widgets[self.active]  # type: ignore[return-value]
        return self.checklist_panes[0] if self.checklist_panes else None

    def on_unmount(self) -> None:
        self._resume_gc()
        self._mounted.set()  # a load worker still waiting to hand over: let it finish
        if self._watchdog is not None:  # the shutdown got this far: no need to force it
            self._watchdog.cancel()
        if self._sighup:
            try:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            except (RuntimeError, ValueError):
                pass
        if self.journal is not None:
            self.journal.close()
