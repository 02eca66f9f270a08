"""``warroom run LAYOUT ITEM``: run an item's command, confirmed, recorded, its output kept
(the core is ``warroom.runner``).

    warroom run LAYOUT ITEM --dry-run              # what would run, masked; runs nothing
    warroom run LAYOUT ITEM --yes                  # a non-critical item
    warroom run LAYOUT ITEM --confirm SHORT-ID     # a critical one (or `confirm: typed`)
    warroom run LAYOUT ITEM --choice 2 ...         # one of several commands or alternatives
    warroom run LAYOUT --phase T-0 --dry-run       # rehearsal: every command due in a phase
    warroom run LAYOUT ITEM --release REASON       # an abandoned run: say it is over
    warroom run LAYOUT ITEM --output               # the last run's output, through the emulator

Output is printed as it arrives, through the emulator. Ctrl-C, SIGTERM and SIGHUP stop the
command and record its end. Exit status: 0 the command ran and exited 0 (or a dry run found
nothing wrong); 1 refused, or the command failed or was stopped; 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
import time
from typing import Any

from warroom.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, err, open_session
from warroom.errors import ActionError
from warroom.textsafe import styled_stdout


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("run", parents=[common], help="run an item's command (confirmed, recorded, output kept)",
                              description="Run an item's command under a terminal, record run-start/run-end in the journal "
                                          "and keep its masked output beside it (or, for a journal in PostgreSQL, in its database). Off unless the layout has `run: {enabled: true}`.")
    p.add_argument("layout", metavar="LAYOUT", help="the layout file (layouts/NAME.yaml)")
    p.add_argument("item", metavar="ITEM", nargs="?", help="item id (or an unambiguous end of one), or a section with code blocks")
    p.add_argument("--choice", type=int, metavar="N", help="which command, when the item offers several or alternatives")
    p.add_argument("--dry-run", action="store_true", help="print the resolved command, masked, and run nothing")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--yes", action="store_true", help="confirm a non-critical item's run")
    how.add_argument("--confirm", metavar="SHORT-ID", help="confirm by the item's short id (critical items, `confirm: typed`)")
    p.add_argument("--phase", metavar="T-MARK", help="with --dry-run: list every command due in this phase")
    p.add_argument("--no-block", action="store_true", help="a failure does not mark the item blocked")
    p.add_argument("--release", metavar="REASON", help="release the item's abandoned run, saying why")
    p.add_argument("--output", action="store_true",
                   help="show the output of the item's last run, through the terminal emulator (never `cat` the raw file)")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    try:
        return _command(args)
    except BadInput as exc:
        err(str(exc))
        return EXIT_INPUT


class BadInput(Exception):
    """The command line names something that is not there (exit 2, not 1)."""


def _command(args: argparse.Namespace) -> int:
    if args.phase:
        if not args.dry_run or args.item:
            raise BadInput("--phase lists a phase's commands for a rehearsal: use it with --dry-run and no ITEM")
        return _rehearse(open_session(args, read_only=True), args.phase)
    if not args.item:
        raise BadInput("which item? `warroom run LAYOUT ITEM` (or --phase T-MARK --dry-run)")
    if args.output:
        return _show_output(open_session(args, read_only=True), args.item)
    s = open_session(args, read_only=args.dry_run and args.release is None)
    if args.release is not None:
        return _release(s, args.item, args.release)
    return _run(s, args)


def _target(ws: Any, ref: str) -> Any:
    """The item or section named on the command line; one that is not there is bad input."""
    from warroom.runner.resolve import choices, resolve_target

    try:
        target = resolve_target(ws, ref)
    except ActionError as exc:
        raise BadInput(str(exc)) from None
    return target, choices(target)


def _print_plan(plan: Any, out: Any = None) -> None:
    out = out or sys.stdout
    for line in plan.describe():
        print(f"  {_safe(line)}", file=out)
    print("  ┌ command", file=out)
    for line in plan.command.splitlines() or [""]:
        print(f"  │ {_safe(line)}", file=out)
    print("  └", file=out)
    for problem in plan.problems:
        print(f"  ✗ {problem}", file=out)


def _safe(text: str) -> str:
    from warroom.runner.terminal import safe_char

    return safe_char(text.replace("\t", "    "))


def _print_choices(ws: Any, target: Any, offered: list[Any]) -> int:
    """Every command a target offers, resolved and masked; how many would be refused."""
    from warroom.runner.plan import prepare

    bad = 0
    for choice in offered:
        plan = prepare(ws, target.id, choice.number)
        print(f"{target.id} [{choice.number}]")
        _print_plan(plan)
        bad += bool(plan.problems)
    return bad


def _rehearse(s: Any, mark: str) -> int:
    from warroom.runner.resolve import choices, resolve_target
    from warroom.tmarks import format_tmark, parse_tmark

    try:
        wanted = format_tmark(parse_tmark(mark))
    except ValueError:
        names = {p.name.lower(): format_tmark(p.mark) for p in s.ws.layout.phases}
        if mark.lower() not in names:
            known = ", ".join(f"{format_tmark(p.mark)} ({p.name})" for p in s.ws.layout.phases) or "(none)"
            raise BadInput(f"--phase: expected a T-mark like T-0 or a phase name, got {mark!r}; the phases: {known}") from None
        wanted = names[mark.lower()]
    if wanted not in {format_tmark(p.mark) for p in s.ws.layout.phases} and not any(i.phase == wanted for i in s.ws.items.values()):
        known = ", ".join(f"{format_tmark(p.mark)} ({p.name})" for p in s.ws.layout.phases) or "(none)"
        raise BadInput(f"--phase: {wanted} is no phase of this launch; the phases: {known}")
    items = [i for i in s.ws.items.values() if i.phase == wanted and i.commands]
    if not items:
        print(f"no item of phase {wanted} has a command")
        return EXIT_OK
    bad = 0
    for item in items:
        bad += _print_choices(s.ws, resolve_target(s.ws, item.id), choices(resolve_target(s.ws, item.id)))
    print(f"{len(items)} item(s) of phase {wanted}; " + (f"{bad} command(s) would be refused" if bad else "every command can run"))
    return EXIT_FAIL if bad else EXIT_OK


def _show_output(s: Any, ref: str) -> int:
    """The output of the item's last run, through the emulator (never the raw bytes: the file
    keeps every escape sequence the command wrote, OSC 52 clipboard writes included)."""
    from rich.console import Console

    from warroom.runner.terminal import LineFeed

    from warroom.runner.store import outputs_for

    target, _ = _target(s.ws, ref)
    rec = s.state.runs.get(target.id)
    outputs = outputs_for(s.journal)
    if rec is None or not outputs.has_output(rec):
        raise ActionError(f"{target.id} has never been run")
    console = Console(file=styled_stdout(), highlight=False, markup=False, emoji=False, soft_wrap=True)
    cols = max(40, min(shutil.get_terminal_size((120, 40)).columns, 300))
    printer = _Printer(console, False, cols)
    feed = LineFeed(printer.line, columns=cols, lines=40)
    _say(f"{rec.summary()}; {outputs.describe(rec)}" + ("" if rec.end is not None else " (still being written)"), printer)
    try:
        for block in outputs.chunks(rec):
            feed.add(block)
            feed.pump(len(block))
    except OSError as exc:
        raise ActionError(f"cannot read the output of {target.id} ({outputs.describe(rec)}): {exc.strerror or exc}") from None
    finally:
        outputs.close()
    feed.finish()
    return EXIT_OK


def _release(s: Any, ref: str, reason: str) -> int:
    from warroom.runner.execute import release

    target, _ = _target(s.ws, ref)
    rec = s.state.runs.get(target.id)
    if rec is None:
        raise ActionError(f"{target.id} has never been run")
    ev = release(s.journal, s.operator, rec, reason)
    print(f"recorded #{ev.seq}: {ev.describe()}")
    return EXIT_OK


def _run(s: Any, args: argparse.Namespace) -> int:
    from rich.console import Console

    from warroom.journal import Journal
    from warroom.runner.execute import Run, follow_outcome
    from warroom.runner.plan import prepare
    from warroom.runner.store import outputs_for
    from warroom.runner.terminal import LineFeed
    from warroom.state import LaunchState

    target, offered = _target(s.ws, args.item)
    if args.choice is not None and not 1 <= args.choice <= len(offered):
        raise BadInput(f"{target.kind} '{target.id}' offers {len(offered)} command(s); there is no choice {args.choice}")
    if args.dry_run and args.choice is None and len(offered) > 1:
        print(f"dry run: nothing runs; {target.id} offers {len(offered)} commands (one runs, chosen with --choice N)")
        bad = _print_choices(s.ws, target, offered)
        if bad:
            print(f"{bad} of them would be refused")
        return EXIT_FAIL if bad else EXIT_OK
    plan = prepare(s.ws, target.id, args.choice)
    if args.dry_run:
        print("dry run: nothing runs")
        _print_plan(plan)
        return EXIT_FAIL if plan.problems else EXIT_OK
    plan.check()
    rec = s.state.runs.get(plan.target.id)
    if rec is not None and rec.open and not outputs_for(s.journal).abandoned(rec, plan.host):
        raise ActionError(f"{plan.target.id} is already being run by {rec.by} since {rec.at} (on {rec.host}); one run at a time")
    if args.yes and plan.typed:
        why = "a critical item" if plan.target.critical else "an item the layout marks `confirm: typed`"
        raise ActionError(f"--yes does not confirm {why}: use --confirm {plan.short_id}")
    if args.confirm is not None and args.confirm.strip() != plan.short_id:
        raise ActionError(f"--confirm {args.confirm!r} is not the short id of {plan.target.id} ({plan.short_id}); nothing was run")
    if not args.yes and args.confirm is None:
        if not sys.stdin.isatty():
            raise ActionError(f"confirm with --confirm {plan.short_id}" if plan.typed else "confirm with --yes (or run it from a terminal)")
        _print_plan(plan)
        answer = input(f"Type '{plan.confirm_word}' to run it: ")
        if not plan.accepts(answer):
            raise ActionError("not confirmed; nothing was run")
    # the emulator's lines, made visible by _Printer, with their colours: behind the stdout guard
    console = Console(file=styled_stdout(), highlight=False, markup=False, emoji=False, soft_wrap=True)
    tty = console.is_terminal
    cols = max(40, min(shutil.get_terminal_size((120, 40)).columns, 300))
    printer = _Printer(console, tty, cols)
    feed = LineFeed(printer.line, columns=cols, lines=40, partial=printer.partial)
    run = Run(plan, s.journal, s.operator, size=(cols, 40), on_output=feed.add)
    caught: list[int] = []

    def stop_on_signal(signum: int, _frame: object) -> None:
        """SIGTERM or SIGHUP (the terminal closed): like Ctrl-C, stop the command and record its end."""
        caught.append(signum)
        if signum == signal.SIGHUP:
            printer.gone = True  # nobody to print to any more
        run.stop(s.operator)

    previous = {}
    if threading.current_thread() is threading.main_thread():  # (signal handlers can only be set there)
        previous = {sig: signal.signal(sig, stop_on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        if caught:
            raise ActionError(f"{signal.Signals(caught[0]).name} received before the run started; nothing was run")
        started = run.start()
        _say(f"recorded #{started.seq}: {started.describe()}", printer)
        told = 0
        while True:
            try:
                while run.wait(0.05) is None:
                    feed.pump()
                    printer.tick()
                    if len(caught) > told:
                        told = len(caught)
                        _say(f"\n{signal.Signals(caught[-1]).name}: stopping the command (SIGINT, then SIGTERM and SIGKILL "
                             f"{plan.grace.total_seconds():g}s apart)…", printer)
                break
            except KeyboardInterrupt:
                _say(f"\nstopping (SIGINT, then SIGTERM and SIGKILL {plan.grace.total_seconds():g}s apart)…", printer)
                run.stop(s.operator)
        feed.finish()
        printer.done()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    result = run.result
    assert result is not None
    if result.event is not None:
        _say(f"recorded #{result.event.seq}: {result.event.describe()}", printer)
    _say(f"output: {result.where} (sha256 {result.sha256}); view it with: warroom run {args.layout} {args.item} --output", printer)
    if result.error:
        _say(f"warroom: error: {result.error}", printer)
    journal = Journal(s.journal.path) if s.journal.path is not None else s.journal  # a PostgreSQL journal reloads itself
    state = LaunchState.replay(s.ws, journal.load().events)
    from warroom.actions import Actions

    followed = follow_outcome(Actions(journal, s.operator), state, plan, result, block_on_failure=not args.no_block)
    if followed is not None:
        _say(f"recorded #{followed.seq}: {followed.describe()}", printer)
    if printer.gone:  # the terminal has gone: nothing is left to flush to it at exit
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    return EXIT_OK if result.ok else EXIT_FAIL


def _say(message: str, printer: "_Printer") -> None:
    """A line of warroom's own, on stderr (after the command's unfinished line, if one is drawn)."""
    if printer.gone:
        return
    printer.break_line()
    try:
        print(message, file=sys.stderr, flush=True)
    except OSError:
        printer.gone = True


def _visible(text: Any) -> Any:
    """A line from the emulator with any unsafe character left in it drawn as one glyph (spans
    keep their places): the console prints it behind the stdout guard, with its colours."""
    from rich.text import Text

    from warroom.textsafe import visible

    plain = visible(text.plain)
    if plain == text.plain:
        return text
    return Text(plain, style=text.style, spans=list(text.spans), end=text.end, no_wrap=text.no_wrap)


class _Printer:
    """The command's output on warroom's stdout, as it comes, through the emulator (``LineFeed``):
    each finished line is printed at once. The unfinished line (a progress bar, a prompt) is
    drawn in place on a terminal (carriage return, padded with blanks); into a pipe or a file it
    is written once the output has paused for a moment (``QUIET`` s), and the rest of the line
    follows when it is finished, so a log reads like the screen did."""

    QUIET = 0.5

    def __init__(self, console: Any, tty: bool, columns: int) -> None:
        self.console, self.tty, self.columns = console, tty, columns
        self.gone = False  # the terminal closed (SIGHUP) or the pipe broke
        self.pending: Any = None  # the unfinished line, not drawn yet
        self.pending_at = 0.0
        self.drawn = ""  # the unfinished line as drawn (terminal) or written (pipe)
        self.width = 0  # its width in cells, on a terminal

    def _write(self, fn: Any) -> None:
        if self.gone:
            return
        try:
            fn()
            self.console.file.flush()
        except OSError:
            self.gone = True

    def line(self, text: Any) -> None:
        """A finished line."""
        text = _visible(text)
        self.pending = None
        if self.tty:
            if self.drawn:
                self._write(lambda: self.console.file.write("\r" + " " * self.width + "\r"))
            self._write(lambda: self.console.print(text))
        elif self.drawn and text.plain.startswith(self.drawn):
            rest = text[len(self.drawn):]
            self._write(lambda: self.console.print(rest))
        else:
            if self.drawn:
                self._write(lambda: self.console.print())
            self._write(lambda: self.console.print(text))
        self.drawn, self.width = "", 0

    def partial(self, text: Any) -> None:
        """The unfinished line changed."""
        self.pending, self.pending_at = _visible(text), time.monotonic()

    def tick(self) -> None:
        text = self.pending
        if text is None or text.plain == self.drawn:
            return
        if self.tty:
            text = text[: self.columns - 1]
            pad = max(0, self.width - text.cell_len)
            self._write(lambda: (self.console.file.write("\r"), self.console.print(text, end=""),
                                 self.console.file.write(" " * pad + "\b" * pad)))
            self.drawn, self.width = text.plain, text.cell_len
        elif time.monotonic() - self.pending_at < self.QUIET:
            return  # into a pipe: only once the output pauses
        elif text.plain:
            if self.drawn and text.plain.startswith(self.drawn):
                rest = text[len(self.drawn):]
                self._write(lambda: self.console.print(rest, end=""))
            else:
                self._write(lambda: (self.drawn and self.console.print(), self.console.print(text, end="")))
            self.drawn = text.plain
        self.pending = None

    def break_line(self) -> None:
        """warroom says something: an unfinished line drawn so far ends here."""
        if self.drawn:
            self._write(lambda: self.console.print())
            self.drawn, self.width = "", 0

    def done(self) -> None:
        self.break_line()
