"""``warroom run LAYOUT ITEM``: run an item's command, confirmed, recorded, its output kept
(the core is ``warroom.runner``).

    warroom run LAYOUT ITEM --dry-run              # what would run, masked; runs nothing
    warroom run LAYOUT ITEM --yes                  # a non-critical item
    warroom run LAYOUT ITEM --confirm SHORT-ID     # a critical one (or `confirm: typed`)
    warroom run LAYOUT ITEM --choice 2 ...         # one of several commands or alternatives
    warroom run LAYOUT --phase T-0 --dry-run       # rehearsal: every command due in a phase
    warroom run LAYOUT ITEM --release REASON       # an abandoned run: say it is over

Exit status: 0 the command ran and exited 0 (or a dry run found nothing wrong); 1 refused, or
the command failed; 2 bad input.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import Any

from warroom.cli.common import EXIT_FAIL, EXIT_OK, open_session
from warroom.errors import ActionError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("run", parents=[common], help="run an item's command (confirmed, recorded, output kept)",
                              description="Run an item's command under a terminal, record run-start/run-end in the journal "
                                          "and keep its masked output beside it. Off unless the layout has `run: {enabled: true}`.")
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
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    if args.phase:
        if not args.dry_run or args.item:
            raise ActionError("--phase lists a phase's commands for a rehearsal: use it with --dry-run and no ITEM")
        return _rehearse(open_session(args, read_only=True), args.phase)
    if not args.item:
        raise ActionError("which item? `warroom run LAYOUT ITEM` (or --phase T-MARK --dry-run)")
    if args.release is not None:
        return _release(open_session(args), args.item, args.release)
    return _run(open_session(args, read_only=args.dry_run), args)


def _print_plan(plan: Any, out: Any = None) -> None:
    out = out or sys.stdout
    for line in plan.describe():
        print(f"  {line}", file=out)
    print("  ┌ command", file=out)
    for line in plan.command.splitlines() or [""]:
        print(f"  │ {_safe(line)}", file=out)
    print("  └", file=out)
    for problem in plan.problems:
        print(f"  ✗ {problem}", file=out)


def _safe(text: str) -> str:
    from warroom.runner.terminal import safe_char

    return safe_char(text.replace("\t", "    "))


def _rehearse(s: Any, mark: str) -> int:
    from warroom.runner.plan import prepare
    from warroom.runner.resolve import choices, resolve_target
    from warroom.tmarks import format_tmark, parse_tmark

    try:
        wanted = format_tmark(parse_tmark(mark))
    except ValueError:
        names = {p.name.lower(): format_tmark(p.mark) for p in s.ws.layout.phases}
        if mark.lower() not in names:
            raise ActionError(f"--phase: expected a T-mark like T-0 or a phase name, got {mark!r}") from None
        wanted = names[mark.lower()]
    items = [i for i in s.ws.items.values() if i.phase == wanted and i.commands]
    if not items:
        print(f"no item of phase {wanted} has a command")
        return EXIT_OK
    bad = 0
    for item in items:
        for choice in choices(resolve_target(s.ws, item.id)):
            plan = prepare(s.ws, item.id, choice.number)
            print(f"{item.id} [{choice.number}]")
            _print_plan(plan)
            bad += bool(plan.problems)
    print(f"{len(items)} item(s) of phase {wanted}; " + (f"{bad} command(s) would be refused" if bad else "every command can run"))
    return EXIT_FAIL if bad else EXIT_OK


def _release(s: Any, ref: str, reason: str) -> int:
    from warroom.runner.execute import release
    from warroom.runner.resolve import resolve_target

    target = resolve_target(s.ws, ref)
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
    from warroom.runner.record import abandoned
    from warroom.runner.terminal import LineFeed
    from warroom.state import LaunchState

    plan = prepare(s.ws, args.item, args.choice)
    if args.dry_run:
        print(f"dry run: nothing runs")
        _print_plan(plan)
        return EXIT_FAIL if plan.problems else EXIT_OK
    plan.check()
    rec = s.state.runs.get(plan.target.id)
    if rec is not None and rec.open and not abandoned(rec, plan.host):
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
    console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True)
    cols = max(40, min(shutil.get_terminal_size((120, 40)).columns, 300))
    feed = LineFeed(console.print, columns=cols, lines=40)
    run = Run(plan, s.journal, s.operator, size=(cols, 40), on_output=feed.add)
    started = run.start()
    print(f"recorded #{started.seq}: {started.describe()}", file=sys.stderr)
    while True:
        try:
            while run.wait(0.05) is None:
                feed.pump()
            break
        except KeyboardInterrupt:
            print(f"\nstopping (SIGINT, then SIGTERM and SIGKILL {plan.grace.total_seconds():g}s apart)…", file=sys.stderr)
            run.stop(s.operator)
    feed.finish()
    result = run.result
    assert result is not None
    if result.event is not None:
        print(f"recorded #{result.event.seq}: {result.event.describe()}", file=sys.stderr)
    print(f"output: {result.output} (sha256 {result.sha256})", file=sys.stderr)
    if result.error:
        print(f"warroom: error: {result.error}", file=sys.stderr)
    journal = Journal(s.journal.path)
    state = LaunchState.replay(s.ws, journal.load().events)
    from warroom.actions import Actions

    followed = follow_outcome(Actions(journal, s.operator), state, plan, result, block_on_failure=not args.no_block)
    if followed is not None:
        print(f"recorded #{followed.seq}: {followed.describe()}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAIL
