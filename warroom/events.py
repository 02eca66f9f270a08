"""Journal events: one per user action (and per metric state transition)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from warroom.tmarks import parse_time

# Every kind the core knows. Unknown kinds in a journal are kept and shown, never fatal.
SET_STATUS = "set-status"
NOTE = "note"
SIGN = "sign"
HOLD = "hold"
RESUME = "resume"
RECYCLE = "recycle"
SCRUB = "scrub"
SET_T0 = "set-t0"
POLL_START = "poll-start"
POLL_ANSWER = "poll-answer"
POLL_CANCEL = "poll-cancel"
ASSESS = "assess"  # a manual go/no-go criterion assessed pass/fail
METRIC_STATE = "metric-state"  # a tile's state changed (metrics issue)
ROLLBACK = "rollback-trigger"  # a rollback trigger fired or cleared (metrics issue)
# Running an item's command (warroom.runner): started, ended, or released when abandoned.
# (These replace the never-written ``run-command`` kind: an old journal holding one still loads.)
RUN_START = "run-start"
RUN_END = "run-end"
RUN_RELEASE = "run-release"
LAYOUT_CHANGE = "layout-change"  # the layout file was edited by warroom (tiles, bindings): text before and after

KINDS = [SET_STATUS, NOTE, SIGN, HOLD, RESUME, RECYCLE, SCRUB, SET_T0, POLL_START, POLL_ANSWER, POLL_CANCEL,
         ASSESS, METRIC_STATE, ROLLBACK, RUN_START, RUN_END, RUN_RELEASE, LAYOUT_CHANGE]

GENESIS = "0" * 64


@dataclass(frozen=True)
class Event:
    seq: int
    ts: str  # UTC, ISO 8601 with milliseconds and 'Z'
    op: str  # operator
    kind: str
    target: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    prev: str = GENESIS
    hash: str = ""

    @cached_property
    def at(self) -> datetime:
        return parse_time(self.ts)

    def describe(self) -> str:
        """One human line: ``tick core/deploy`` style."""
        p = self.payload
        if self.kind == SET_STATUS:
            extra = f" ({p.get('reason')})" if p.get("reason") else ""
            return f"{self.target} → {p.get('status')}{extra}"
        if self.kind == NOTE:
            return f"note on {self.target or 'the launch'}: {p.get('text', '')}"
        if self.kind in (SIGN, POLL_ANSWER):
            comment = f" — {p['comment']}" if p.get("comment") else ""
            via = " (poll)" if self.kind == POLL_ANSWER else ""
            return f"{self.target}: {p.get('decision')}{via}{comment}"
        if self.kind == HOLD:
            return f"HOLD: {p.get('reason', '')}"
        if self.kind == RECYCLE:
            return f"recycle to {p.get('to')}" + (f": {p['reason']}" if p.get("reason") else "")
        if self.kind == SCRUB:
            return f"SCRUB: {p.get('reason', '')}"
        if self.kind == SET_T0:
            return f"T-0 set to {p.get('t0')}"
        if self.kind == POLL_START:
            return f"go/no-go poll started ({', '.join(p.get('roles', []))})"
        if self.kind == POLL_CANCEL:
            return "poll cancelled" + (f": {p['reason']}" if p.get("reason") else "")
        if self.kind == ASSESS:
            return f"criterion {self.target}: {p.get('result')}" + (f" ({p['value']})" if p.get("value") else "")
        if self.kind == METRIC_STATE:
            return f"tile {self.target}: {p.get('from')} → {p.get('state')} ({p.get('value')})"
        if self.kind == ROLLBACK:
            return f"rollback trigger {self.target}: {p.get('state')}"
        if self.kind == RUN_START:
            return f"run of {self.target} started on {p.get('host')}: {p.get('label') or p.get('command')}"
        if self.kind == RUN_END:
            how = "timed out" if p.get("timed_out") else "stopped" if p.get("stopped") else f"exit {p.get('exit')}"
            return f"run of {self.target} ended: {how} after {p.get('duration')}s, {p.get('bytes')} bytes of output"
        if self.kind == RUN_RELEASE:
            return f"run of {self.target} released: {p.get('reason', '')}"
        if self.kind == LAYOUT_CHANGE:
            return f"layout {self.target} changed: {p.get('what', '')}"
        if self.kind == RESUME:
            return "resume"
        return f"{self.kind} {self.target}".strip()
