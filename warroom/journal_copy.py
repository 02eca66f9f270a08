"""What ``warroom journal copy`` moves beside the events: command outputs and the metric history.

A launch is its events and what sits beside them. After the events are copied and verified,
``copy_outputs`` copies every run output whose ``run-end`` recorded a SHA-256 (through the
stores of ``warroom.runner.store``: a 0640 side file under the recorded name beside a file
journal, ``warroom_runs``/``warroom_run_output`` in a database) and checks, on the destination,
that it holds exactly the bytes read, under that hash. ``copy_history`` copies the metric
history (``warroom.metrics.side``: the file's ``.metrics`` side file or
``warroom_metric_samples``) in its order, bounded as the destination bounds it, and reads it back.
Checkpoints are not copied: they are rebuilt.

The rule: the copy is faithful, never better than its source. A source output that is missing
is reported by run and not copied; one whose bytes no longer match the recorded SHA-256 is
reported and copied as it is, so the copy's report says "ALTERED" exactly as the source's does.
Those are the source's problems (warnings: the copy succeeds). A destination that does not hold
what was read (a write refused, a read-back that differs) is an error: the command fails.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from warroom.events import RUN_END, RUN_START, Event
from warroom.journal import JournalError
from warroom.metrics.history import HistSample, history_path
from warroom.metrics.side import history_for
from warroom.runner.record import RunRecord, apply_run
from warroom.runner.store import FileOutputs, PgOutputs, is_sha256
from warroom.textsafe import visible

BATCH = 5_000  # samples appended at a time


@dataclass
class SideReport:
    notes: list[str] = field(default_factory=list)  # what was copied (stdout)
    warnings: list[str] = field(default_factory=list)  # the source's problems, by run: the copy still succeeds
    errors: list[str] = field(default_factory=list)  # the destination does not hold what was read: it fails


def _is_file(where: Any) -> bool:
    return isinstance(where, (str, Path))


def outputs_at(where: Any) -> "FileOutputs | PgOutputs":
    return FileOutputs(Path(where)) if _is_file(where) else PgOutputs(where)


def side_taken(where: Any) -> str | None:
    """Why the destination's side stores are not empty (a copy never mixes with what is there)."""
    if _is_file(where):
        hist = history_path(where)
        return f"{hist} exists: refusing to copy a metric history over it" if hist.exists() else None
    from warroom.journal_pg import JournalUnavailable, _first_line, _psycopg
    from warroom.pg_side import SideConnection

    db = SideConnection(where, "warroom-copy", create=False)
    try:
        conn = db.get()
        if conn is None:
            return None
        for table, what in (("warroom_runs", "command outputs"), ("warroom_metric_samples", "a metric history")):
            if conn.execute(f"SELECT 1 FROM {table} WHERE launch = %s LIMIT 1", (where.launch,)).fetchone():
                return f"{where.display} holds {what} already: refusing to copy over it"
    except _psycopg().Error as exc:
        raise JournalUnavailable(f"cannot read the journal database {where.display}: {_first_line(exc)}") from None
    finally:
        db.drop()
    return None


def _has_side(target: Any) -> bool:
    from warroom.journal_pg import JournalUnavailable, _first_line, _psycopg
    from warroom.pg_side import SideConnection

    db = SideConnection(target, "warroom-copy", create=False)
    try:
        return db.get() is not None
    except _psycopg().Error as exc:
        raise JournalUnavailable(f"cannot read the journal database {target.display}: {_first_line(exc)}") from None
    finally:
        db.drop()


def ended_runs(events: list[Event]) -> list[tuple[RunRecord, str, int]]:
    """(run, the SHA-256 its run-end recorded, the run-end's seq) of every run that ended with one."""
    runs: dict[str, RunRecord] = {}
    out = []
    for ev in events:
        if ev.kind in (RUN_START, RUN_END) and apply_run(runs, [], ev) is None and ev.kind == RUN_END:
            sha = str(ev.payload.get("output_sha256") or "")
            if is_sha256(sha):
                out.append((runs[ev.target], sha, ev.seq))
    return out


class _Hashing:
    """The blocks of an output, hashed and counted as they go by (once: ``drain`` takes the rest)."""

    def __init__(self, first: bytes | None, rest: Iterator[bytes]) -> None:
        self.first, self.rest = first, rest
        self.digest, self.size = hashlib.sha256(), 0

    def __iter__(self) -> Iterator[bytes]:
        while True:
            if self.first is not None:
                block, self.first = self.first, None
            else:
                block = next(self.rest, None)
                if block is None:
                    return
            self.digest.update(block)
            self.size += len(block)
            yield block

    def drain(self) -> None:
        for _ in self:
            pass


def _read_back(store: "FileOutputs | PgOutputs", rec: RunRecord) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for block in store.chunks(rec):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def copy_outputs(src: Any, dst: Any, events: list[Event], locate: Callable[[int], str], dst_name: str) -> SideReport:
    """Copy every ended run's output; ``locate(seq)`` names the source's run-end (``path:line:col``)."""
    rep = SideReport()
    runs = ended_runs(events)
    if not runs:
        return rep
    source, dest = outputs_at(src), outputs_at(dst)
    copied = 0
    try:
        for rec, sha, seq in runs:
            what = f"{locate(seq)}: run {visible(rec.run_id)} of {visible(rec.target)!r}"  # journal text is hostile
            try:
                blocks = iter(source.chunks(rec))
                first = next(blocks, None)
            except OSError as exc:
                rep.warnings.append(f"{what}: its output is missing at the source ({exc.strerror or exc}); not copied")
                continue
            if first is None and not source.has_output(rec):
                rep.warnings.append(f"{what}: its output is missing at the source; not copied")
                continue
            read = _Hashing(first, blocks)
            try:
                dest.copy_in(rec, read, sha)
            except FileExistsError:
                pass  # a file under that name already: it is checked below like a copy
            except (OSError, JournalError) as exc:
                rep.errors.append(f"{what}: cannot store its output in {dst_name}: {getattr(exc, 'strerror', None) or exc}")
                continue
            try:
                read.drain()  # what copy_in did not take (a file that was there already: checked the same)
                got, size = _read_back(dest, rec)
            except OSError as exc:
                rep.errors.append(f"{what}: cannot read its output back from {dst_name}: {exc.strerror or exc}")
                continue
            stored = dest.stored(rec).get("sha256") if isinstance(dest, PgOutputs) else sha
            if got != read.digest.hexdigest() or size != read.size or stored != sha:
                rep.errors.append(f"{what}: {dst_name} does not hold the output read ({size} bytes, SHA-256 {got}; "
                                  f"read {read.size} bytes, SHA-256 {read.digest.hexdigest()})")
                continue
            copied += 1
            if got != sha:
                rep.warnings.append(f"{what}: its output at the source is ALTERED ({size} bytes whose SHA-256 is not the "
                                    f"one recorded); copied as it is, so the copy's report says so too")
    finally:
        source.close()
        dest.close()
    rep.notes.append(f"copied {copied} of {len(runs)} run outputs, each read back from {dst_name}")
    return rep


def copy_history(src: Any, dst: Any, src_name: str, dst_name: str) -> SideReport:
    """Copy the metric history in its order; read it back."""
    rep = SideReport()
    if not _is_file(src) and not _has_side(src):
        return rep  # no side tables in the source database: no history (and none created by reading)
    source = history_for(src)
    try:
        samples: list[HistSample] = source.load()
        problem = getattr(source, "problem", None)
    except OSError as exc:
        samples, problem = [], str(exc.strerror or exc)
    finally:
        getattr(source, "close", lambda: None)()
    if problem:
        rep.errors.append(f"{src_name}: cannot read its metric history: {problem}; none copied")
        return rep
    if not samples:
        return rep
    dest = history_for(dst)
    try:
        for i in range(0, len(samples), BATCH):
            dest.append(samples[i:i + BATCH])
            problem = getattr(dest, "problem", None)
            if problem or getattr(dest, "_pending", None):
                raise OSError(problem or "the database did not take them")
        back = dest.load()
        problem = getattr(dest, "problem", None)
    except OSError as exc:
        rep.errors.append(f"{dst_name}: cannot store the metric history: {getattr(exc, 'strerror', None) or exc}")
        return rep
    finally:
        getattr(dest, "close", lambda: None)()
    if problem:
        rep.errors.append(f"{dst_name}: cannot read the metric history back: {problem}")
    elif back == samples:
        rep.notes.append(f"copied {len(samples)} metric samples, read back identical")
    elif len(back) < len(samples) and set(back) <= set(samples):
        rep.notes.append(f"copied {len(samples)} metric samples; {dst_name} keeps {len(back)} (downsampled as it bounds "
                         "its history: every state change kept)")
    else:
        rep.errors.append(f"{dst_name}: the metric history read back differs from the one copied "
                          f"({len(back)} samples, {len(samples)} copied)")
    return rep
