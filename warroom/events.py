"""Journal events: one per user action (and per metric state transition)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from warroom.textsafe import one_line
from warroom.tmarks import YEARS, parse_time, parse_tmark

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
T0_REACHED = "t0-reached"  # the count reached T-0: with a GO it goes on, without one it holds (the auto-hold)
LAYOUT_CHANGE = "layout-change"  # the layout file was edited by warroom (tiles, bindings): text before and after

KINDS = [SET_STATUS, NOTE, SIGN, HOLD, RESUME, RECYCLE, SCRUB, SET_T0, POLL_START, POLL_ANSWER, POLL_CANCEL,
         ASSESS, METRIC_STATE, ROLLBACK, RUN_START, RUN_END, RUN_RELEASE, LAYOUT_CHANGE, T0_REACHED]

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
    # The real account that wrote it ({"user", "sudo_user", "ssh"}; empty in journals older
    # than the field): ``op`` is only the name claimed with --as.
    acct: dict[str, str] = field(default_factory=dict, compare=False)
    line: int = field(default=0, compare=False)  # where it stands in its journal file (0: not read from one)

    @cached_property
    def at(self) -> datetime:
        return parse_time(self.ts)

    @property
    def who(self) -> str:
        """The claimed name and, beside it, the account that wrote the event: ``mallory [alice]``."""
        account = format_account(self.acct)
        return one_line(self.op) + (f" [{account}]" if account else "")

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
            return (f"criterion {self.target}: {p.get('result')}" + (f" ({p['value']})" if p.get("value") else "")
                    + (f" — override: {p['override']}" if p.get("override") else ""))
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
            return "resume" + (f" past T-0 without a GO (override: {p['override']})" if p.get("override") else "")
        if self.kind == T0_REACHED:
            if p.get("verdict") == "GO":
                return "T-0 reached with GO: the count goes on"
            return f"HOLD: no GO at T-0 ({p.get('verdict', 'PENDING')})"
        return f"{self.kind} {self.target}".strip()


def format_account(acct: dict[str, str] | None) -> str:
    """``alice``, ``root via sudo from alice``, ``alice from 10.0.0.7``: the account in one line."""
    if not acct:
        return ""
    text = one_line(acct.get("user") or "?")
    if acct.get("sudo_user"):
        text += f" via sudo from {one_line(acct['sudo_user'])}"
    if acct.get("ssh"):
        text += f" from {one_line(acct['ssh'])}"
    return text


# -- the shape of each event, checked when it is read and when it is replayed ------------------

def envelope_problem(d: dict[str, Any]) -> str | None:
    """What is wrong with an event's own fields (seq, ts, op, kind, target, payload, ...), or None."""
    if (type(d.get("seq")) is int and d["seq"] > 0 and type(d.get("ts")) is str and type(d.get("op")) is str
            and type(d.get("kind")) is str and type(d.get("target", "")) is str and type(d.get("payload", {})) is dict
            and type(d.get("prev")) is str and type(d.get("hash")) is str
            and ("acct" not in d or (type(d["acct"]) is dict and all(type(v) is str for v in d["acct"].values())))
            and _CANONICAL_TS.fullmatch(d["ts"]) and YEARS[0] <= int(d["ts"][:4]) <= YEARS[1]):
        try:  # the shape warroom writes: only the date itself is left to check
            datetime.fromisoformat(d["ts"][:23])
            return None
        except ValueError:
            pass
    for key in ("seq", "ts", "op", "kind", "prev", "hash"):
        if key not in d:
            return f"event lacks the field '{key}'"
    seq = d["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        return f"'seq' must be a whole number from 1, got {_shape(seq)}"
    for key in ("ts", "op", "kind", "prev", "hash"):
        if not isinstance(d[key], str):
            return f"'{key}' must be text, got {_shape(d[key])}"
    if "target" in d and not isinstance(d["target"], str):
        return f"'target' must be text, got {_shape(d['target'])}"
    if "payload" in d and d["payload"] is not None and not isinstance(d["payload"], dict):
        return f"'payload' must be a mapping, got {_shape(d['payload'])}"
    acct = d.get("acct")
    if acct is not None and not (isinstance(acct, dict) and all(isinstance(v, str) for v in acct.values())):
        return f"'acct' must be a mapping of text, got {_shape(acct)}"
    # ('prev' and 'hash' need no check of their own: the chain compares them with what it computes)
    ts = d["ts"]
    if _CANONICAL_TS.fullmatch(ts):  # what warroom writes: the fast path
        try:
            if YEARS[0] <= datetime.fromisoformat(ts[:23]).year <= YEARS[1]:
                return None
        except ValueError:
            pass
    try:
        parse_time(ts)
    except (ValueError, OverflowError):
        return f"'ts' is not a time: {one_line(repr(ts)[:60])}"
    return None


_CANONICAL_TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _shape(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({one_line(repr(value)[:40])})"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__


# Each known kind: its payload's keys and what each must be. "text" is a string, "text?" an
# optional string, "int?" an optional whole number, "scalar?" an optional string, number,
# boolean or nothing, "texts" a list of strings, "time" a parseable time, "tmark" a T-mark.
_SCHEMA: dict[str, dict[str, str]] = {
    SET_STATUS: {"status": "text", "reason": "text?"},
    NOTE: {"text": "text"},
    SIGN: {"decision": "text", "comment": "text?", "poll": "int?"},
    POLL_ANSWER: {"decision": "text", "comment": "text?", "poll": "int?"},
    HOLD: {"reason": "text?"},
    RESUME: {},
    RECYCLE: {"to": "tmark", "reason": "text?"},
    SCRUB: {"reason": "text?"},
    SET_T0: {"t0": "time"},
    POLL_START: {"roles": "texts"},
    POLL_CANCEL: {"reason": "text?", "poll": "int?"},
    ASSESS: {"result": "text", "value": "scalar?", "comment": "text?"},
    METRIC_STATE: {"from": "scalar?", "state": "text", "value": "scalar?", "reason": "text?"},
    ROLLBACK: {"state": "text", "value": "scalar?", "reason": "text?"},
    RUN_START: {"run": "text", "host": "text?", "pid": "int?", "cwd": "text?", "shell": "text?", "label": "text?",
                "command": "text?", "command_sha256": "text?", "partial": "text?"},
    RUN_END: {"run": "text", "exit": "int?", "duration": "scalar?", "bytes": "int?", "output_file": "text?",
              "timed_out": "scalar?", "stopped": "scalar?", "error": "text?"},
    RUN_RELEASE: {"run": "text", "reason": "text?"},
    LAYOUT_CHANGE: {"what": "text?", "file": "text?", "before": "text?", "after": "text?"},
}


_RULES = {kind: [(key, rule.rstrip("?"), rule.endswith("?")) for key, rule in rules.items()] for kind, rules in _SCHEMA.items()}
_WANT = {"text": "text", "time": "text", "tmark": "text", "int": "a whole number", "scalar": "a single value",
         "texts": "a list of text"}


# The kinds whose every field is text, optional text or an optional whole number (the common
# ones: set-status, note, sign): (required text, optional text, optional whole numbers), checked
# at once; anything else they hold goes through the full check below, which says what is wrong.
_FAST = {kind: (tuple(k for k, b, o in rules if b == "text" and not o), tuple(k for k, b, o in rules if b == "text" and o),
                tuple(k for k, b, o in rules if b == "int" and o))
         for kind, rules in _RULES.items() if all((b, o) in (("text", False), ("text", True), ("int", True)) for _, b, o in rules)}


def payload_problem(ev: Event) -> str | None:
    """What is wrong with a known kind's payload (a missing or mistyped field), or None.
    Keys a newer warroom may add are allowed; an unknown kind is not checked."""
    p = ev.payload
    fast = _FAST.get(ev.kind)
    if fast is not None and type(p) is dict:
        texts, optional, ints = fast
        for key in texts:
            if type(p.get(key)) is not str:
                break
        else:
            for key in optional:
                value = p.get(key)
                if value is not None and type(value) is not str:
                    break
            else:
                for key in ints:
                    value = p.get(key)
                    if value is not None and type(value) is not int:
                        break
                else:
                    return None
    schema = _RULES.get(ev.kind)
    if schema is None:
        return None
    if not isinstance(p, dict):
        return f"{ev.kind} event: its payload must be a mapping, got {_shape(p)}"
    for key, base, optional in schema:
        value = p.get(key)
        if value is None:
            if key in p and optional:
                continue
            if not optional:
                if key in p:
                    return f"{ev.kind} event: '{key}' must be {_WANT[base]}, got nothing"
                return f"{ev.kind} event lacks '{key}' in its payload"
            continue
        if base == "text" and type(value) is str:  # the common case
            continue
        if base in ("text", "time", "tmark") and not isinstance(value, str):
            return f"{ev.kind} event: '{key}' must be text, got {_shape(value)}"
        if base == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            return f"{ev.kind} event: '{key}' must be a whole number, got {_shape(value)}"
        if base == "scalar" and not isinstance(value, (str, int, float, bool)):
            return f"{ev.kind} event: '{key}' must be a single value, got {_shape(value)}"
        if base == "texts" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"{ev.kind} event: '{key}' must be a list of text, got {_shape(value)}"
        try:
            if base == "time":
                parse_time(value)
            elif base == "tmark":
                parse_tmark(value)
        except (ValueError, OverflowError) as exc:
            return f"{ev.kind} event: '{key}': {exc}"
    return None
