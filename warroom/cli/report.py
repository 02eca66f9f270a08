"""``warroom report LAYOUT [--format html|markdown] [--out FILE]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warroom.errors import ActionError
from warroom.launch_report.text import write_report
from warroom.safeio import write_atomic


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "report", parents=[common], help="the launch report: timeline, holds, sign-offs with evidence, metrics",
        description="Write one self-contained report of the launch from its journal and metric history: the "
                    "summary, every event on a timeline with holds shaded, phases planned and actual, sign-offs "
                    "with what the war room showed then, criteria, rollback triggers that fired, notes, blocked "
                    "and skipped items, command runs, metric charts, and the journal's head hash and integrity.")
    p.add_argument("layout", metavar="LAYOUT", help="the layout file (layouts/NAME.yaml)")
    p.add_argument("--format", choices=["html", "markdown"], default="html", help="html (default) or markdown")
    p.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    text = write_report(args.layout, args.journal, args.format)
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    try:
        write_atomic(out, text)
    except OSError as exc:
        raise ActionError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out} ({args.format}, {len(text.encode('utf-8'))} bytes)", file=sys.stderr)
    return 0
