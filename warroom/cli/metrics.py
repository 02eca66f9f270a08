"""CLI subcommands of the metrics area: ``warroom probe LAYOUT [TILE...]``."""

from __future__ import annotations

import argparse
import json

from warroom.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, err
from warroom.errors import ActionError
from warroom.metrics.evaluate import GLYPHS


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "probe", parents=[common],
        help="poll metric tiles once and print each value against its threshold",
        description="Poll the layout's metric tiles once (or the named ones) and print the value, the "
                    "condition with the value filled in, and any error. Exit 0 when every polled tile "
                    "passes, 1 when one does not, 2 on bad input.")
    p.add_argument("layout", metavar="LAYOUT", help="the layout YAML file")
    p.add_argument("tiles", metavar="TILE", nargs="*", help="tile names, disabled ones too (default: every enabled tile)")
    p.add_argument("--json", action="store_true", help="print a JSON object per tile name")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="override every tile's timeout")
    p.set_defaults(func=cmd_probe)


def cmd_probe(args: argparse.Namespace) -> int:
    from warroom.metrics.probe import poll_once, select_tiles
    from warroom.workspace import load_workspace

    ws = load_workspace(args.layout)
    if not (ws.layout.all_tiles if args.tiles else ws.layout.tiles):
        if ws.layout.disabled_tiles:
            names = ", ".join(t.name for t in ws.layout.disabled_tiles)
            raise ActionError(f"{args.layout}: every tile is off (enabled: false); probe one by name: {names}")
        raise ActionError(f"{args.layout} declares no metric tiles (add a 'tiles:' list to the layout)")
    if args.timeout is not None and args.timeout <= 0:
        err("--timeout must be positive")
        return EXIT_INPUT
    try:
        select_tiles(ws.layout, args.tiles)
    except ActionError as exc:  # a tile name the layout does not have is bad input
        err(str(exc))
        return EXIT_INPUT
    results = poll_once(ws.layout, args.tiles or None, timeout=args.timeout)
    if args.json:
        from warroom.textsafe import json_safe

        print(json_safe(json.dumps({name: r.to_json() for name, r in results.items()}, indent=2, ensure_ascii=False)))
    else:
        width = max(len(n) for n in results)
        for name, r in results.items():
            detail = r.summary if r.state in ("OK", "WARN", "CRIT", "PENDING") else r.error
            line = f"{GLYPHS[r.state]} {name:<{width}}  {r.state:<7}  {detail}"
            print(line)
    return EXIT_OK if all(r.passing for r in results.values()) else EXIT_FAIL
