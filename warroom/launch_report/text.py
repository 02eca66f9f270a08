"""The report as text: the journal read, hashed and decoded once (verified as it is replayed),
the metric history, rendered."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from warroom.events import Event
from warroom.journal import VerifyReport


def journal_events(path: Path) -> tuple[Iterable[Event], VerifyReport]:
    """The journal's events, verified as they are read, and the verdict (complete once the
    events have been read): the report's one pass over the file."""
    from warroom.journal import verified_events

    report = VerifyReport()
    return (verified_events(path, report) if path.exists() else ()), report


@contextmanager
def _one_pass() -> Iterator[None]:
    """CPython's cyclic collector paused while the report is built and rendered. The pass keeps a
    row (and more) for each of perhaps 100,000 events, so the collector, run every few hundred
    allocations, would walk everything kept so far again and again: on a 100,000-event journal
    that was a third of the report's time. Nothing the pass makes is a reference cycle (what it
    drops, reference counting frees at once); the collector runs as before afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def write_report(layout: str | Path, journal: str | Path | None = None, fmt: str = "html") -> str:
    """The report's text (the CLI and the screen's palette share this)."""
    from warroom.launch_report.model import build_report
    from warroom.metrics.history import history_path, read_history
    from warroom.workspace import load_workspace

    ws = load_workspace(layout)
    path = Path(journal) if journal else ws.journal_path
    events, verdict = journal_events(path)
    with _one_pass():
        report_data = build_report(ws, events, verdict, path, read_history(history_path(path)))
        if fmt == "markdown":
            from warroom.launch_report.markdown import render_markdown

            return render_markdown(report_data)
        from warroom.launch_report.html import render_html

        return render_html(report_data)
