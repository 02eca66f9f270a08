"""The report as text: the journal verified and read once, the metric history, rendered."""

from __future__ import annotations

from pathlib import Path


def write_report(layout: str | Path, journal: str | Path | None = None, fmt: str = "html") -> str:
    """The report's text (the CLI and the screen's palette share this). ``journal``: a journal
    file, or a ``postgresql://`` URL (default: the layout's ``journal:``, else its file)."""
    from warroom.journal import VerifyReport, verify
    from warroom.journals import default_launch, display_spec, journal_spec
    from warroom.launch_report.model import build_report
    from warroom.metrics.side import read_samples
    from warroom.workspace import load_workspace

    ws = load_workspace(layout)
    spec = journal_spec(ws, journal)
    events: list = []
    if isinstance(spec, Path):
        report = verify(spec, events) if spec.exists() else VerifyReport()  # one read: the events and the verdict
        where, name = spec, str(spec)
    else:  # a launch in PostgreSQL: its events, history and command outputs are in the database
        from warroom.journal_pg import parse_target, verify_pg

        where = parse_target(spec, default_launch(layout))
        report, name = verify_pg(where, events), f"{display_spec(spec)} (launch {where.launch})"
    report_data = build_report(ws, events, report, name, read_samples(where))
    _check_outputs(report_data, events, where)
    if fmt == "markdown":
        from warroom.launch_report.markdown import render_markdown

        return render_markdown(report_data)
    from warroom.launch_report.html import render_html

    return render_html(report_data)


def _check_outputs(report_data: object, events: list, where: object) -> None:
    """Each run-end's row says whether its output is still there, whole: its stored bytes hash
    to the SHA-256 the journal recorded (beside the journal file, or in its database)."""
    import hashlib
    from dataclasses import replace

    from warroom.events import RUN_END, RUN_START
    from warroom.runner.record import RunRecord, apply_run
    from warroom.runner.store import FileOutputs, PgOutputs

    ends = {ev.seq: ev for ev in events if ev.kind == RUN_END}
    if not ends:
        return
    outputs = FileOutputs(where) if isinstance(where, Path) else PgOutputs(where)
    runs: dict[str, RunRecord] = {}
    by_seq: dict[int, RunRecord] = {}
    for ev in events:
        if ev.kind in (RUN_START, RUN_END) and apply_run(runs, [], ev) is None and ev.kind == RUN_END:
            by_seq[ev.seq] = runs[ev.target]
    rows = report_data.runs  # type: ignore[attr-defined]
    try:
        for i, row in enumerate(rows):
            rec, end = by_seq.get(row.seq), ends.get(row.seq)
            recorded = str(end.payload.get("output_sha256") or "") if end is not None else ""
            if rec is None or not recorded:
                continue
            digest, size = hashlib.sha256(), 0
            try:
                for block in outputs.chunks(rec):
                    digest.update(block)
                    size += len(block)
            except OSError:
                size = -1
            if size < 0 or (size == 0 and not outputs.has_output(rec)):
                note = "output missing"
            elif digest.hexdigest() == recorded:
                note = f"output {size} bytes, SHA-256 matches"
            else:
                note = f"output ALTERED: {size} bytes whose SHA-256 is not the one recorded"
            rows[i] = replace(row, text=f"{row.text} · {note}")
    finally:
        outputs.close()
