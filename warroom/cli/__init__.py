"""The ``warroom`` command: a thin, scriptable shell over the core.

Exit status: 0 success; 1 an action was refused or a check failed; 2 bad input or usage
(every problem printed as ``path:line:col: message``). ``status --exit-code``: 0 GO, 1 NO-GO,
3 PENDING. Each command group lives in a module of its own; nothing imports this package back.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from warroom import __version__
from warroom.cli.acting import (
    cmd_assess,
    cmd_hold,
    cmd_note,
    cmd_poll,
    cmd_recycle,
    cmd_resume,
    cmd_scrub,
    cmd_set_status,
    cmd_sign,
    cmd_t0,
    cmd_tick,
)
from warroom.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, err, print_problems
from warroom.cli.inspect import cmd_log, cmd_status, cmd_validate, cmd_verify
from warroom.errors import ActionError, InputError, NoChange
from warroom.journal import JournalError
from warroom.textsafe import guard_std_streams
from warroom.model import Status


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--journal", metavar="PATH|URL", help="journal file, or postgresql://...[?launch=ID] (default: the layout's "
                        "journal:, else <layout>.journal.yaml beside it)")
    common.add_argument("--as", dest="operator", metavar="NAME", help="who is acting (default: $WARROOM_OPERATOR, else user@host)")

    parser = argparse.ArgumentParser(prog="warroom", description="A terminal war-room for software launches.",
                                     epilog="`warroom LAYOUT` opens the war room; `warroom demo` opens the demo.")
    parser.add_argument("--version", action="version", version=f"warroom {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, func: Callable[[argparse.Namespace], int], help: str, layout: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=help)
        if layout:
            p.add_argument("layout", metavar="LAYOUT", help="the layout file (layouts/NAME.yaml)")
        p.set_defaults(func=func)
        return p

    p = cmd("validate", cmd_validate, "check layouts and checklists; print every problem as path:line:col", layout=False)
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: layouts/ checklists/)")

    p = cmd("status", cmd_status, "progress, clock, sign-offs, the decision and why")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--items", action="store_true", help="list every item with its id and status")
    p.add_argument("--exit-code", action="store_true", help="exit 0 only for GO (1 NO-GO, 3 PENDING)")
    p.add_argument("--as-of", metavar="TIME|SEQ", help="the state as it was at TIME (ISO 8601 with zone) or right after event SEQ")
    p.add_argument("--no-probe", action="store_true", help="do not poll metric tiles")

    p = cmd("tick", cmd_tick, "mark an item done (--undo: back to todo)")
    p.add_argument("item", metavar="ITEM", help="item id or an unambiguous prefix")
    p.add_argument("--undo", action="store_true", help="untick")

    p = cmd("set-status", cmd_set_status, "set an item's status")
    p.add_argument("item", metavar="ITEM")
    p.add_argument("status", choices=[s.value for s in Status])
    p.add_argument("--reason", help="why (required for blocked and skipped)")

    p = cmd("note", cmd_note, "add a note to an item (or, with one argument or --launch, to the launch)")
    p.add_argument("words", nargs="+", metavar="[ITEM] TEXT")
    p.add_argument("--launch", action="store_true", help="the note is about the launch, not an item")

    p = cmd("sign", cmd_sign, "sign off as a role: go or no-go")
    p.add_argument("role", metavar="ROLE")
    p.add_argument("decision", choices=["go", "no-go", "GO", "NO-GO"])
    p.add_argument("--comment", help="why (required for no-go)")

    p = cmd("hold", cmd_hold, "hold the count")
    p.add_argument("reason", metavar="REASON")
    p = cmd("resume", cmd_resume, "resume the count after a hold (past T-0: needs a GO or --override)")
    p.add_argument("--override", metavar="REASON", help="resume past T-0 without a GO; the reason is recorded")
    p = cmd("recycle", cmd_recycle, "set the clock back to an earlier T-mark (and hold there)")
    p.add_argument("mark", metavar="T-MARK", help="e.g. T-1h")
    p.add_argument("--reason")
    p = cmd("scrub", cmd_scrub, "scrub this launch attempt")
    p.add_argument("reason", metavar="REASON")
    p = cmd("t0", cmd_t0, "set T-0 (starts a new attempt after a scrub)")
    p.add_argument("time", metavar="TIME", help="a delay from now (30m, 1h30m) or ISO 8601 with zone, e.g. 2026-11-23T16:00:00+01:00")

    p = cmd("poll", cmd_poll, "go/no-go poll: start, answer go|no-go for the role being asked, or cancel")
    p.add_argument("poll_action", choices=["start", "go", "no-go", "cancel"])
    p.add_argument("--role", help="the role answering (default: the one the poll is waiting on)")
    p.add_argument("--comment")
    p.add_argument("--reason", help="why the poll is cancelled")

    p = cmd("assess", cmd_assess, "record a manual criterion as pass or fail, a rollback trigger as fired or not-fired")
    p.add_argument("criterion", metavar="CRITERION")
    p.add_argument("result", choices=["pass", "fail", "fired", "not-fired"])
    p.add_argument("--value", help="the measured value (checked against a numeric threshold)")
    p.add_argument("--override", metavar="REASON", help="record a PASS whose value contradicts the threshold; the reason is recorded")
    p.add_argument("--comment")

    p = cmd("log", cmd_log, "print the journal")
    p.add_argument("--since", metavar="SEQ|TIME")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = cmd("verify", cmd_verify, "check the journal's hash chain and every event, and print the head hash")
    p.add_argument("--head", metavar="HASH", help="also check that the journal still contains this head (a hash printed by an earlier verify)")

    from warroom.cli.importer import register as register_importer
    from warroom.cli.metrics import register as register_metrics
    from warroom.cli.screen import register as register_tui

    register_importer(sub, common)
    register_metrics(sub, common)
    register_tui(sub, common)
    from warroom.cli.run import register as register_run

    register_run(sub, common)
    from warroom.cli.tiles import register as register_tiles  # issue 17: `warroom tiles`

    register_tiles(sub, common)
    from warroom.web.command_line import add_parser as add_serve  # issue 13: `warroom serve` (textual-serve)

    add_serve(sub, common)
    from warroom.cli.journal import add_parser as add_journal_parser  # issue 16: `warroom journal copy`

    add_journal_parser(sub, common)
    from warroom.launch_report.command_line import add_parser as add_report
    from warroom.metrics.command_line import add_parser as add_watch

    add_report(sub, common)
    add_watch(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    out, error = sys.stdout, sys.stderr
    guard_std_streams()  # the last guard: nothing this command prints can act on a terminal
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, error


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()  # type: ignore[union-attr]
    if argv and argv[0] not in commands and not argv[0].startswith("-") and argv[0].endswith((".yaml", ".yml")):
        argv.insert(0, "open")  # `warroom LAYOUT` opens the war room
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return args.func(args)
    except InputError as exc:
        print_problems(exc.problems, "nothing was changed")
        return EXIT_INPUT
    except NoChange as exc:
        print(f"warroom: {exc}")
        return EXIT_OK
    except (ActionError, JournalError) as exc:
        err(str(exc))
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        err(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))
        return EXIT_FAIL
    except RecursionError:
        err("the input is nested too deeply to read")
        return EXIT_INPUT
    except Exception as exc:  # noqa: BLE001 - the last guard: a message, never a traceback
        if os.environ.get("WARROOM_DEBUG"):
            raise
        err(f"internal error ({type(exc).__name__}: {exc}); please report it (WARROOM_DEBUG=1 shows where)")
        return 70


if __name__ == "__main__":
    raise SystemExit(main())
