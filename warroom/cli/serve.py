"""``warroom serve LAYOUT [--wall] [--host H] [--port P] [--allow-writes] [--token T]``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "serve", parents=[common], help="serve the war room to browsers (read-only unless --allow-writes)",
        description="Serve the war room to web browsers through textual-serve: each visitor gives an operator "
                    "name and gets their own read-only screen. --allow-writes lets visitors write journal events "
                    "(tick, note, sign, …); it needs --token unless the server listens on a loopback address. "
                    "Nothing in the browser runs a command or edits the layout.")
    p.add_argument("layout", metavar="LAYOUT", help="the layout file")
    p.add_argument("--wall", action="store_true", help="serve the wall (decision, clock, big tiles) instead")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--allow-writes", action="store_true", help="visitors may write journal events")
    p.add_argument("--token", default="", help="a token every visitor must give (required with --allow-writes "
                   "on a non-loopback --host)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from warroom.tui.serve import WarRoomServer

    layout = Path(args.layout)
    if not layout.is_file():
        print(f"warroom: {layout}: no such layout file", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"warroom: --port must be between 0 and 65535, got {args.port}", file=sys.stderr)
        return 2
    try:
        server = WarRoomServer(layout.resolve(), journal=_journal(args.journal),
                               wall=args.wall, host=args.host, port=args.port, allow_writes=args.allow_writes,
                               token=args.token)
    except ValueError as exc:
        print(f"warroom: {exc}", file=sys.stderr)
        return 2

    def ready(s: WarRoomServer) -> None:
        mode = "the wall" if s.wall else ("visitors may write journal events" if s.allow_writes else "read-only")
        print(f"warroom serve: {s.url} ({mode}{', token required' if s.token else ''}); Ctrl-C stops it", flush=True)

    try:
        asyncio.run(server.run(ready))
    except OSError as exc:
        print(f"warroom: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _journal(given: str | None) -> Path | str | None:
    """A journal file (resolved: the screens run elsewhere), or a postgresql:// URL as given."""
    if not given:
        return None
    return given if given.startswith(("postgresql://", "postgres://")) else Path(given).resolve()
