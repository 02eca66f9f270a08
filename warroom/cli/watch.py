"""``warroom watch LAYOUT [--for SECONDS]``: the war room's metric poller without a screen.

It shares the poller with the screens of the same war room on this machine (one lease): it
polls while it holds the lease, appending every sample to the metric history and journaling tile
and rollback transitions; otherwise it follows the samples another process appends. For a
journal in PostgreSQL the lease and the history are in the database: one poller for the war
room on every machine.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "watch", parents=[common], help="poll the metric tiles into the metric history (shared with open screens)",
        description="Poll the layout's metric tiles on their intervals, keep every sample in the metric history "
                    "beside the journal (or in its PostgreSQL database) and journal tile and rollback transitions. Screens and "
                    "watchers of one war room on one machine (with PostgreSQL: on every machine) share one poller: "
                    "only the holder of the lease polls.")
    p.add_argument("layout", metavar="LAYOUT", help="the layout YAML file")
    p.add_argument("--for", dest="duration", type=float, metavar="SECONDS", help="stop after this long (default: until interrupted)")
    p.add_argument("--stall", type=float, default=15.0, metavar="SECONDS",
                   help="take the lease over when its holder has not renewed it for this long (default 15; a journal "
                        "file's lease: on PostgreSQL the lease goes when its holder's connection does)")
    p.set_defaults(func=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    from warroom.actions import Actions
    from warroom.errors import ActionError
    from warroom.evidence import from_verdicts
    from warroom.journals import journal_spec, open_journal
    from warroom.metrics.shared import SharedPoller
    from warroom.metrics.side import where_of
    from warroom.state import LaunchState
    from warroom.who import current_operator
    from warroom.workspace import load_workspace

    if args.duration is not None and args.duration <= 0:
        raise ActionError("--for must be positive")
    if args.stall <= 0:
        raise ActionError("--stall must be positive")
    ws = load_workspace(args.layout)
    if not ws.layout.tiles:
        raise ActionError(f"{args.layout} declares no metric tiles (add a 'tiles:' list to the layout)")
    spec = journal_spec(ws, args.journal)  # a file, or a launch in PostgreSQL
    journal = open_journal(spec, args.layout)
    reader = open_journal(spec, args.layout, read_only=True)

    def state() -> LaunchState:
        return LaunchState.replay(ws, reader.load().events)

    shared: SharedPoller
    actions = Actions(journal, current_operator(args.operator), evidence=from_verdicts(lambda: shared.results, "poller"))
    shown: dict[str, str] = {}

    def on_result(name: str, result: object, fired: list) -> None:
        st = getattr(result, "state")
        if shown.get(name) != st:
            shown[name] = st
            print(f"{name}: {st} {getattr(result, 'summary')}", flush=True)
        for f in fired:
            print(f.text, flush=True)

    shared = SharedPoller(ws, where_of(journal), actions, state, stall=args.stall, on_result=on_result)
    for problem in shared.problems:
        print(f"warroom: warning: {problem}", file=sys.stderr)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, shared.stop)
        await shared.run(args.duration)

    try:
        asyncio.run(main())
    finally:
        journal.close()
        reader.close()
    for problem in shared.journal_errors[:5]:
        print(f"warroom: warning: {problem}", file=sys.stderr)
    print(f"watched: {shared.polled} sample(s) polled here, {shared.followed} followed")
    return 0
