"""The report as text: the journal verified and read once, the metric history, rendered."""

from __future__ import annotations

from pathlib import Path


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
