"""The report as text: the journal read, hashed and decoded once (verified as it is replayed),
the metric history, rendered."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from warroom.events import Event
from warroom.journal import VerifyReport

if TYPE_CHECKING:
    from warroom.workspace import Workspace


def journal_events(path: Path, runs: list[Event] | None = None) -> tuple[Iterable[Event], VerifyReport]:
    """The journal file's events, verified as they are read, and the verdict (complete once the
    events have been read): the report's one pass over the file. ``runs``, when given, receives
    the run-start and run-end events as they go by (their outputs are checked afterwards)."""
    from warroom.journal import verified_events

    report = VerifyReport()
    if not path.exists():
        return (), report
    events = verified_events(path, report)
    return (events if runs is None else _tap_runs(events, runs)), report


def _tap_runs(events: Iterable[Event], runs: list[Event]) -> Iterator[Event]:
    from warroom.events import RUN_END, RUN_START

    for ev in events:
        if ev.kind == RUN_START or ev.kind == RUN_END:
            runs.append(ev)
        yield ev


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
    """The report's text (the CLI and the screen's palette share this). ``journal``: a journal
    file, or a ``postgresql://`` URL (default: the layout's ``journal:``, else its file)."""
    from warroom.journals import default_launch, journal_spec
    from warroom.workspace import load_workspace

    ws = load_workspace(layout)
    spec = journal_spec(ws, journal)
    with _one_pass():
        # built and rendered in a call of its own: what it made (a row for each event) is freed
        # when it returns, before the collector runs again, instead of walked by it once more
        return _build_and_render(ws, spec, default_launch(layout), fmt)


def _build_and_render(ws: "Workspace", spec: str | Path, launch: str | None, fmt: str) -> str:
    """The report of the journal ``spec`` (a file, or a ``postgresql://`` URL whose launch
    defaults to ``launch``), built and rendered in ``fmt``."""
    from warroom.launch_report.model import build_report
    from warroom.metrics.side import read_samples

    runs: list[Event] = []  # the run-start and run-end events, as the report goes by them
    if isinstance(spec, Path):
        events, report = journal_events(spec)
        where, name = spec, str(spec)
    else:  # a launch in PostgreSQL: its events, history and command outputs are in the database
        from warroom.journal_pg import parse_target, verify_pg
        from warroom.journals import display_spec

        where = parse_target(spec, launch)
        read: list[Event] = []
        report, name = verify_pg(where, read), f"{display_spec(spec)} (launch {where.launch})"
        events = read
    report_data = build_report(ws, events, report, name, read_samples(where), run_events=runs)
    _check_outputs(report_data, runs, where)
    if fmt == "markdown":
        from warroom.launch_report.markdown import render_markdown

        return render_markdown(report_data)
    from warroom.launch_report.html import render_html

    return render_html(report_data)


def _check_outputs(report_data: object, events: list, where: object) -> None:
    """Each run-end's row says whether its output is still there, whole: its stored bytes hash
    to the SHA-256 the journal recorded (beside the journal file, or in its database).
    ``events``: the journal's run-start and run-end events (others are passed over)."""
    import hashlib

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
            rows[i] = row._replace(text=f"{row.text} · {note}")
    finally:
        outputs.close()
