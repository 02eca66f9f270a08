"""CLI subcommands of the tui area: ``warroom open LAYOUT`` (also ``warroom LAYOUT``) and ``warroom demo``.

Textual is imported only inside the handlers, so other commands do not pay for it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable

from warroom.cli.common import EXIT_FAIL, EXIT_INPUT, err, print_problems


def warroom_command() -> str:
    """How to run this warroom from another shell: ``warroom`` when that is what PATH finds,
    else the script's full path (``python3 dev.py demo`` runs .venv/bin/warroom, not on PATH),
    else ``python -m warroom``."""
    import shlex
    import shutil

    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    found = shutil.which("warroom")
    if script is not None and found and Path(found).resolve() == script:
        return "warroom"
    if script is not None and script.name == "warroom" and script.is_file():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m warroom"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``open`` and ``demo``."""
    p = subparsers.add_parser("open", parents=[common], help="open the war-room screen on a layout",
                              description="Open the war-room screen. Several operators can open the same layout "
                                          "(same journal) at once; each sees the others' changes live.")
    p.add_argument("layout", metavar="LAYOUT", help="the layout file (layouts/NAME.yaml)")
    p.add_argument("--read-only", action="store_true", help="a wall display: shows everything, cannot change anything")
    p.add_argument("--as-of", metavar="TIME|SEQ", help="the war room as it was at TIME (ISO 8601 with zone) or right after "
                                                       "event SEQ, read-only; ] [ } { step through the journal, F5 plays")
    p.add_argument("--replay", action="store_true", help="replay the launch from its first event, read-only "
                                                          "(] next event, } next hold or sign-off, F5 play, + / - speed)")
    p.add_argument("--wall", action="store_true", help="the wall: decision, T-clock, big tiles, due items and last "
                   "events, readable from across the room (read-only; ctrl+q quits)")
    p.add_argument("--visitor", action="store_true", help="a browser visitor's screen (what `warroom serve --allow-writes` "
                   "opens): journal events only — never runs a command, edits the layout or accepts a layout change")
    p.set_defaults(func=cmd_open)

    p = subparsers.add_parser("demo", parents=[common], help="open the bundled demo war room (with a demo metrics server)",
                              description="Open the bundled demo layout on a fresh journal, with T-0 90 minutes ahead.")
    p.add_argument("--read-only", action="store_true", help="open it read-only")
    p.set_defaults(func=cmd_demo)


def _operator(args: argparse.Namespace) -> str:
    from warroom.who import current_operator

    return current_operator(args.operator)


def run_app(layout: Path, journal: Path | str | None, operator: str, read_only: bool, loading: Callable[[], Any] | None = None,
            as_of: Any = None, replay: bool = False, wall: bool = False, visitor: bool = False) -> int:
    """Open the war room. The layout and its checklists are read by a forked child from here on,
    while this process imports Textual (most of its start-up): the screen collects them."""
    no_terminal = _no_terminal()
    if no_terminal:
        err(no_terminal)
        return 2
    from warroom.workspace import start_loading

    loading = loading or start_loading(layout)
    from warroom.tui.app import WarRoomApp

    app = WarRoomApp(layout, journal_path=journal, operator=operator, read_only=read_only,
                     watch_tty=sys.stdin.isatty(), workspace=loading, as_of=as_of, replay=replay, wall=wall,
                     visitor=visitor)
    app.run()
    if app.problems:
        print_problems(app.problems, "the war room was not opened")
    code = app.return_code
    if code == 129:  # the terminal hung up: nobody is left to read anything; do not wait on stray threads
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(129)
    return 0 if code is None else int(code)


def _no_terminal() -> str:
    """Why the screen cannot open here ("" when it can). The screen reads keys from standard
    input and draws on standard error; without a terminal there it would write escape codes into
    a pipe and wait for keys that never come. A driver named in TEXTUAL_DRIVER (textual-serve's
    web driver, a headless one) brings its own input and output and is let through."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return ""
    missing = [name for name, stream in (("standard input", sys.__stdin__), ("standard error", sys.__stderr__))
               if stream is None or not _isatty(stream)]
    if not missing:
        return ""
    return (f"the war-room screen needs a terminal, and {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "not one; for scripts use `warroom status LAYOUT` (or --json), `warroom log` and the action commands")


def _isatty(stream: Any) -> bool:
    try:
        return os.isatty(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False


def cmd_open(args: argparse.Namespace) -> int:
    layout = Path(args.layout)
    if not layout.is_file():
        err(f"{layout}: no such layout file")
        return EXIT_INPUT
    as_of = None
    if args.as_of:
        from warroom.as_of import AsOf

        as_of = AsOf.parse(args.as_of)  # bad input: a clear error before the screen opens
    return run_app(layout, args.journal or None, _operator(args), args.read_only,  # a path, or a postgresql:// URL
                   as_of=as_of, replay=args.replay, wall=getattr(args, "wall", False), visitor=getattr(args, "visitor", False))


def _start_demo_server() -> None:
    """Start the simulated service the demo tiles poll, and tell the tiles where it is."""
    from warroom.demo.server import serve_in_thread

    raw = os.environ.get("WARROOM_DEMO_PORT", "8787")
    try:
        port = int(raw)
    except ValueError:
        print(f"warroom: WARROOM_DEMO_PORT must be a port number, got {raw!r}; using 8787", file=sys.stderr)
        port = 8787
    try:
        server = serve_in_thread("127.0.0.1", port)
    except OSError as exc:  # another demo has the port: run ours on a free one
        server = serve_in_thread("127.0.0.1", 0)
        print(f"warroom: port {port} is taken ({exc.strerror or exc}); the demo service uses port {server.port}", file=sys.stderr)
    # The demo layout's tiles read ${WARROOM_DEMO_URL:-http://127.0.0.1:8787}.
    os.environ["WARROOM_DEMO_URL"] = server.url
    print(f"demo metrics server on {server.url}")


def cmd_demo(args: argparse.Namespace) -> int:
    from warroom.errors import ActionError, InputError
    from warroom.locations import bundled_layouts, demo_journal_path

    layout = bundled_layouts() / "demo.yaml"
    if not layout.is_file():
        err(f"the bundled demo layout is missing ({layout})")
        return EXIT_INPUT
    journal_path = Path(args.journal) if args.journal else demo_journal_path()
    operator = _operator(args)
    if not args.read_only:
        from warroom.demo.seed import seed_demo_journal

        try:
            seed_demo_journal(layout, journal_path, operator)
        except InputError as exc:
            print_problems(exc.problems, "the demo was not opened")
            return EXIT_INPUT
        except (ActionError, OSError) as exc:
            err(str(exc))
            return EXIT_FAIL
    from warroom.workspace import start_loading

    loading = start_loading(layout)  # forked before the demo server's thread starts
    _start_demo_server()
    print(f"demo journal: {journal_path}")
    print(f"a second operator can join with: {warroom_command()} open {layout} --journal {journal_path}")
    return run_app(layout, journal_path, operator, args.read_only, loading)
