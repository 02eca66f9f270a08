"""Runs as the journal records them: ``run-start``, ``run-end``, ``run-release``.

Pure: ``RunRecord``s are built by replay (``LaunchState`` calls ``apply_run``). Whether a run
whose process is gone is abandoned asks the operating system (``abandoned``), never the replay.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from warroom.events import RUN_END, RUN_START, Event


@dataclass
class RunRecord:
    run_id: str
    target: str
    by: str
    at: str
    seq: int
    host: str = ""
    pid: int = 0
    pid_start: str = ""
    cwd: str = ""
    shell: str = ""
    label: str = ""
    command: str = ""  # masked
    command_sha256: str = ""
    partial: str = ""  # the side file while it runs (beside the journal)
    end: dict[str, Any] | None = None  # the run-end payload
    ended_at: str = ""
    released_by: str = ""
    release_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        """Started, not ended, not released."""
        return self.end is None and not self.released_by

    @property
    def output_file(self) -> str:
        """The side file's name (beside the journal): the final one once ended."""
        if self.end is not None and self.end.get("output_file"):
            return str(self.end["output_file"])
        return self.partial

    def summary(self, at: str = "") -> str:
        """How the run stands, in a line; ``at``: its start time as the caller shows times
        (the screen: local time), else the journal's."""
        at = at or self.at
        if self.released_by:
            return f"released by {self.released_by}: {self.release_reason}"
        if self.end is None:
            return f"running since {at} by {self.by} on {self.host}"
        e = self.end
        how = "timed out" if e.get("timed_out") else "stopped" if e.get("stopped") else f"exit {e.get('exit')}"
        return f"{how} after {e.get('duration')}s ({e.get('bytes')} bytes) — run by {self.by} at {at}"


def apply_run(runs: dict[str, RunRecord], history: list[RunRecord], ev: Event) -> str | None:
    """Apply one run event; returns why it does not fit (None: applied)."""
    p = ev.payload
    if ev.kind == RUN_START:
        rec = RunRecord(str(p["run"]), ev.target, ev.op, ev.ts, ev.seq, host=str(p.get("host") or ""),
                        pid=int(p.get("pid") or 0), pid_start=str(p.get("pid_start") or ""), cwd=str(p.get("cwd") or ""),
                        shell=str(p.get("shell") or ""), label=str(p.get("label") or ""), command=str(p.get("command") or ""),
                        command_sha256=str(p.get("command_sha256") or ""), partial=_name(p.get("partial")))
        runs[ev.target] = rec
        history.append(rec)
        return None
    rec = runs.get(ev.target)
    if rec is None or rec.run_id != str(p.get("run")):
        return f"{ev.kind} of a run that did not start here ({p.get('run')!r})"
    if not rec.open:
        return f"{ev.kind} of a run already {'ended' if rec.end is not None else 'released'}"
    if ev.kind == RUN_END:
        end = dict(p)
        end["output_file"] = _name(p.get("output_file"))
        rec.end, rec.ended_at = end, ev.ts
    else:
        rec.released_by, rec.release_reason = ev.op, str(p.get("reason") or "")
    return None


def _name(value: Any) -> str:
    """A side file's bare name (a journal is hostile text: no paths)."""
    name = os.path.basename(str(value or ""))
    return "" if name in (".", "..") else name


def process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot (tells a reused pid apart); '' if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", errors="replace")
        return stat[stat.rfind(")") + 2:].split()[19]
    except (OSError, IndexError):
        return ""


def alive(pid: int, pid_start: str = "") -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    return not pid_start or process_start(pid) in ("", pid_start)


def abandoned(rec: RunRecord, host: str) -> bool:
    """An open run whose supervising process, on this host, is gone. (On another host nobody
    here can tell: an operator releases it with a reason.)"""
    return rec.open and rec.host == host and not alive(rec.pid, rec.pid_start)
