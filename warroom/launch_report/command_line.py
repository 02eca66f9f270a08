"""``warroom report LAYOUT [--format html|markdown] [--out FILE]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


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


def write_report(layout: str | Path, journal: str | Path | None = None, fmt: str = "html") -> str:
    """The report's text (the CLI and the screen's palette share this)."""
    from warroom.journal import VerifyReport, verify
    from warroom.launch_report.model import build_report
    from warroom.metrics.history import history_path, read_history
    from warroom.workspace import load_workspace

    ws = load_workspace(layout)
    path = Path(journal) if journal else ws.journal_path
    events: list = []
    report = verify(path, events) if path.exists() else VerifyReport()  # one read: the events and the verdict
    report_data = build_report(ws, events, report, path, read_history(history_path(path)))
    if fmt == "markdown":
        from warroom.launch_report.markdown import render_markdown

        return render_markdown(report_data)
    from warroom.launch_report.html import render_html

    return render_html(report_data)


def cmd_report(args: argparse.Namespace) -> int:
    text = write_report(args.layout, args.journal, args.format)
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True) if tmp.parent.is_dir() else None
        from warroom.errors import ActionError

        raise ActionError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out} ({args.format}, {len(text.encode('utf-8'))} bytes)", file=sys.stderr)
    return 0
