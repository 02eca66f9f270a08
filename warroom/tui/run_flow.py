"""Running an item's command from the screen: choose one, confirm it by a typed word, watch
its output in the run pane, stop it. The core (what may run, the PTY, the record) is
``warroom.runner``; this is only the screen's side of it. See docs/commands.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from warroom.errors import ActionError
from warroom.tui.screens.base import DialogScreen

RENDER_BYTES = 12 * 1024  # the output's tail drawn through the emulator (pyte reads < 1 MB/s)
DETAILS_BYTES = 6 * 1024




def _mode(app: Any) -> str:
    return "read-only" if getattr(app, "read_only", False) else getattr(app, "mode", "operator")


class RunConfirmScreen(DialogScreen[bool]):
    """What will run, where, with what — and a typed word to run it. A bare Enter never does."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="run.cancel")]
    CSS_PATH = str(Path(__file__).with_name("screens") / "dialogs.tcss")  # the dialogs' look (a path is read from here)

    def __init__(self, plan: Any) -> None:
        super().__init__(classes="dialog-screen")
        self.plan = plan

    def compose(self) -> ComposeResult:
        from warroom.runner.terminal import safe_char

        plan = self.plan
        word = f"'{plan.short_id}' (or 'run')" if plan.typed else "'y'"
        with Vertical(classes="dialog", id="run-confirm"):
            yield Label(f"Run the command of: {safe_char(plan.target.text)[:70]}", classes="dialog-title", markup=False)
            yield Static(Text("\n".join(safe_char(line) for line in plan.describe())), classes="dialog-detail")
            yield Static(Text(safe_char(plan.command.replace("\t", "    ")).replace("\r", ""), style="bold"),
                         classes="dialog-detail", id="run-command")
            yield Input(placeholder=f"type {word} and enter to run it", id="run-word")
            yield Label(f"type {word} then enter · escape cancels", classes="dialog-keys", id="run-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#run-word", Input).focus()

    @on(Input.Submitted, "#run-word")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.plan.accepts(event.value):
            self.dismiss(True)
            return
        event.input.value = ""
        word = f"'{self.plan.short_id}' or 'run'" if self.plan.typed else "'y'"
        self.query_one("#run-hint", Label).update(f"not confirmed: type {word} to run it · escape cancels")

    def action_cancel(self) -> None:
        self.dismiss(False)


class RunPane(Vertical, can_focus=True):
    """A run's output, live, below the panes (above the key bar, which keeps showing its keys:
    S stops the run, escape hides the pane). It does not take the focus: the checklist stays
    where it was and j/k still move it; a click on the pane focuses it to scroll it."""

    DEFAULT_CSS = """
    RunPane { height: 40%; max-height: 14; min-height: 5; border-top: solid $primary; background: $surface; }
    RunPane > #run-title { height: 1; width: 1fr; text-style: bold; }
    RunPane > VerticalScroll { height: 1fr; }
    RunPane.-hidden { display: none; }
    """
    BINDINGS = [
        Binding("S", "stop", "Stop run", id="run.stop"),
        Binding("escape", "hide", "Hide run", id="run.hide"),
        Binding("j,down", "scroll_down", "Down", id="run.down", show=False),
        Binding("k,up", "scroll_up", "Up", id="run.up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="run-pane")
        self.run: Any = None
        self._shown = (-1, -1)

    def compose(self) -> ComposeResult:
        yield Label("", id="run-title", markup=False)
        with VerticalScroll(id="run-scroll"):
            yield Static("", id="run-output")

    def on_mount(self) -> None:
        self.set_interval(0.3, self.refresh_output, name="run-output")

    def show(self, run: Any) -> None:
        self.run = run
        self._shown = (-1, -1)
        self.remove_class("-hidden")
        self.refresh_output()
        self.screen.refresh_bindings()  # the key bar shows S and escape

    def title_text(self) -> str:
        """The pane's keys first (so a narrow screen never cuts them off), then the run."""
        run = self.run
        if run is None:
            return ""
        plan = run.plan
        result = run.result
        what = f"{plan.target.id} [{plan.choice.number}]"
        if result is None:
            return f"S stop · esc hide │ ▶ {what} running (by {run.operator})"
        how = "timed out" if result.timed_out else "stopped" if result.stopped else f"exit {result.exit}"
        return f"esc hide │ ■ {what} {how} after {result.duration:g}s · {result.output.name if result.output is not None else 'kept in the journal database'}"

    def refresh_output(self) -> None:
        run = self.run
        if run is None or self.has_class("-hidden"):
            return
        key = (run.tail.version, 1 if run.result is not None else 0)
        if key == self._shown:
            return
        self._shown = key
        from warroom.runner.terminal import render

        data, whole = run.tail.snapshot()
        if len(data) > RENDER_BYTES:
            data, whole = data[-RENDER_BYTES:], False
        lines = render(data, columns=run.size[0], lines=run.size[1], whole=whole, keep=400)
        scroll = self.query_one("#run-scroll", VerticalScroll)
        at_end = scroll.scroll_offset.y >= scroll.max_scroll_y - 1
        self.query_one("#run-title", Label).update(self.title_text())
        self.query_one("#run-output", Static).update(Text("\n").join(lines))
        if at_end:
            scroll.scroll_end(animate=False)

    def action_stop(self) -> None:
        if self.run is not None and self.run.result is None:
            self.run.stop(self.run.operator)
            self.notify("stopping: SIGINT, then SIGTERM, then SIGKILL", timeout=3)

    def action_hide(self) -> None:
        had_focus = self.has_focus_within or self.has_focus
        self.add_class("-hidden")
        self.screen.refresh_bindings()
        pane = self.app.main_screen.active_checklist
        if pane is not None and had_focus:
            pane.ctree.focus()

    def action_scroll_down(self) -> None:
        self.query_one("#run-scroll", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#run-scroll", VerticalScroll).scroll_up()

    def on_unmount(self) -> None:
        """Leaving the war room stops what it runs (and records how it ended)."""
        for run in list(_runs(self.app).values()):
            if run.result is None:
                run.stop(run.operator)
                run.wait(run.plan.grace.total_seconds() * 3 + 2)


def shown_run_pane(screen: Any) -> RunPane | None:
    """The run pane, if it is showing a run."""
    pane = screen.run_pane
    if pane is not None and pane.is_attached and not pane.has_class("-hidden") and pane.run is not None:
        return pane
    return None


def run_key_enabled(screen: Any, action: str) -> bool:
    """S while the pane shows a running command; escape while it shows at all."""
    pane = shown_run_pane(screen)
    if pane is None:
        return False
    return action != "stop_run" or pane.run.result is None


def _local(room: Any, ts: str) -> str:
    """A journal time as the rest of the screen shows times: local (the layout's zone), with seconds."""
    from warroom.tui.widgets.text import local_time, zone_of

    return local_time(ts, zone_of(room.ws.layout.timezone), seconds=True)


def _runs(app: Any) -> dict[str, Any]:
    runs = getattr(app, "_runs_started_here", None)
    if runs is None:
        runs = app._runs_started_here = {}
    return runs


def run_command(app: Any, target_id: str) -> None:
    """The `!` key on a checklist line."""
    app.run_worker(_flow(app, target_id), group="dialog", exclusive=False)


async def _flow(app: Any, target_id: str) -> None:
    from warroom.runner.plan import prepare
    from warroom.runner.resolve import choices, resolve_target
    from warroom.runner.store import outputs_of
    from warroom.tui.screens.dialogs import ChoiceScreen

    room = app.room
    if room is None:
        app.notify("still loading", severity="warning", timeout=2)
        return
    mode = _mode(app)
    if mode != "operator":
        app.notify(f"{mode}: commands never run from this screen", severity="warning", timeout=4)
        return
    here = _runs(app).get(target_id)
    if here is not None and here.result is None:
        (await _pane(app)).show(here)
        return
    try:
        target = resolve_target(room.ws, target_id)
    except ActionError as exc:
        app.notify(str(exc), severity="error", timeout=6)
        return
    offered = choices(target)
    if not offered:
        app.notify("this item has no command to run", severity="warning", timeout=3)
        return
    choice = 1
    if len(offered) > 1:
        options = [(str(c.number) if c.number < 10 else "", f"{c.label[:60]}" + ("  (refused: " + c.refusal()[:40] + ")" if c.refusal() else ""),
                    c.number) for c in offered]
        choice = await app.push_screen_wait(ChoiceScreen("Run which one? (one runs, never all)", options))
        if choice is None:
            return
    try:
        plan = prepare(room.ws, target.id, choice, mode=mode)
        plan.check()
    except ActionError as exc:
        app.notify(str(exc), severity="error", timeout=8)
        return
    rec = room.state.runs.get(target.id)
    outputs = outputs_of(app.journal)
    if rec is not None and rec.open and not outputs.abandoned(rec, plan.host):
        if rec.host == plan.host or outputs.heartbeats:  # a database's heartbeat says it still runs over there
            app.notify(f"{target.id} is being run by {rec.by} since {_local(room, rec.at)} (on {rec.host})", severity="warning",
                       timeout=6)
        else:  # nobody here can tell whether it still runs over there: an operator may say it is over
            await _release(app, rec)
        return
    if not await app.push_screen_wait(RunConfirmScreen(plan)):
        return
    await _start(app, plan)


async def _release(app: Any, rec: Any) -> None:
    from warroom.runner.execute import release
    from warroom.tui.screens.dialogs import ConfirmScreen, PromptScreen

    if not await app.push_screen_wait(ConfirmScreen(
            f"{rec.target} is being run by {rec.by} on {rec.host} since {_local(app.room, rec.at)}. Release it?",
            "Only if its process there is gone: the journal records that you said so, and why.")):
        return
    reason = await app.push_screen_wait(PromptScreen("Why is that run over?", "e.g. the bastion rebooted mid-run"))
    if not reason:
        return
    with _own_journal(app) as journal:
        try:
            release(journal, app.operator, rec, reason)
        except ActionError as exc:
            app.notify(str(exc), severity="error", timeout=6)
            return
    app.poll_journal()
    app.notify(f"released the run of {rec.target}; ! runs it again", timeout=4)


def _own_journal(app: Any) -> Any:
    """The screen's journal opened again: a file's path, or a database launch's own connection."""
    from warroom.journals import open_journal

    return open_journal(app.journal_path if app.journal_path is not None else app.journal_where, app.layout_path)


async def _start(app: Any, plan: Any) -> None:
    from warroom.runner.execute import Run

    pane = await _pane(app)
    columns = max(40, (app.size.width or 120) - 2)
    journal = _own_journal(app)  # its own file description (or connection): the reader thread writes run-end with it
    run = Run(plan, journal, app.operator, size=(columns, 40), on_end=lambda r: _from_thread(app, r))
    try:
        if journal.path is None:  # a database: reaching it and claiming the item never hold the screen
            import asyncio

            await asyncio.to_thread(run.start)
        else:
            run.start()
    except ActionError as exc:
        journal.close()
        app.notify(str(exc), severity="error", timeout=8)
        return
    _runs(app)[plan.target.id] = run
    app.poll_journal()
    pane.show(run)


def _from_thread(app: Any, run: Any) -> None:
    """The run ended (the reader thread says so): tell the screen, unless it has closed."""
    try:
        app.call_from_thread(_ended, app, run)
    except RuntimeError:  # the app is shutting down: the run-end is recorded all the same
        run.journal.close()


async def _pane(app: Any) -> RunPane:
    screen = app.main_screen
    if screen.run_pane is not None and screen.run_pane.is_attached:
        return screen.run_pane
    pane = screen.run_pane = RunPane()  # kept by the screen: its keys are checked on every refresh
    await screen.mount(pane, after=screen.query_one("#panes"))  # below the panes, above the key bar
    return pane


def _ended(app: Any, run: Any) -> None:
    run.journal.close()
    app.poll_journal()
    result = run.result
    how = ("timed out" if result.timed_out else "stopped" if result.stopped else
           f"failed: {result.error}" if result.error else f"exit {result.exit}")
    app.notify(f"{run.plan.target.id}: {how} after {result.duration:g}s", severity="information" if result.ok else "error",
               timeout=6)
    for pane in app.main_screen.query(RunPane):
        pane.refresh_output()
    app.main_screen.refresh_bindings()  # nothing left to stop
    if run.plan.tick_on_success and run.plan.target.item is not None and not getattr(app, "read_only", False):
        app.run_worker(_follow(app, run), group="dialog", exclusive=False)


async def _follow(app: Any, run: Any) -> None:
    from warroom.runner.execute import follow_outcome
    from warroom.tui.screens.dialogs import ConfirmScreen

    result = run.result
    block = True
    if not result.ok:
        how = "timed out" if result.timed_out else "was stopped" if result.stopped else f"exited {result.exit}"
        block = await app.push_screen_wait(ConfirmScreen(f"The run {how}. Mark {run.plan.target.id} blocked?",
                                                         "n keeps its status as it is"))
    try:
        followed = follow_outcome(app.actions, app.room.state, run.plan, result, block_on_failure=bool(block))
    except ActionError as exc:
        app.notify(str(exc), severity="error", timeout=6)
        return
    if followed is not None:
        app.poll_journal()


def run_block(room: Any, item_id: str, journal: Any) -> Group | None:
    """The item's last run and the tail of its output, for the details screen (every operator).
    ``journal``: the screen's journal (a file's or a database's), or a journal file's path."""
    import socket

    from warroom.runner.store import FileOutputs, outputs_of
    from warroom.runner.terminal import render, safe_char

    rec = room.state.runs.get(item_id)
    if rec is None or journal is None:
        return None
    outputs = FileOutputs(journal) if isinstance(journal, Path) else outputs_of(journal)
    head = Text("Last run\n", style="bold underline")
    head.append(f"{safe_char(rec.summary(_local(room, rec.at)))}\n")
    if outputs.abandoned(rec, socket.gethostname()):
        head.append("abandoned: its warroom process is gone (`warroom run … --release REASON`)\n", style="bold red")
    elif rec.open and rec.host != socket.gethostname():
        head.append(f"on {rec.host}: if its process is gone, release it with a reason\n", style="yellow")
    head.append(f"{safe_char(rec.label)}\n", style="dim")
    parts: list[Any] = [head]
    if rec.output_file or rec.run_id:
        data, whole = outputs.tail(rec, DETAILS_BYTES)
        lines = render(data, columns=100, lines=20, whole=whole, keep=200)[-15:]
        if lines:
            parts.append(Text("\n").join(lines))
    return Group(*parts)
