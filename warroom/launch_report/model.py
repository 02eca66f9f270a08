"""What a launch report says, as plain data: built from the layout, the journal (replayed once,
event by event) and the metric history. Renderers (``html``, ``markdown``) only format it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

from warroom.countdown import item_due
from warroom.decision import decide
from warroom.events import (
    ASSESS,
    HOLD,
    NOTE,
    POLL_ANSWER,
    POLL_START,
    RECYCLE,
    RESUME,
    ROLLBACK,
    RUN_END,
    RUN_RELEASE,
    RUN_START,
    SCRUB,
    SET_STATUS,
    SET_T0,
    SIGN,
    Event,
)
from warroom.evidence import ObservedTile
from warroom.journal import VerifyReport
from warroom.metrics.history import HistSample
from warroom.metrics.threshold import format_value
from warroom.model import Status
from warroom.state import LaunchState
from warroom.tmarks import format_clock, format_tmark, parse_time
from warroom.workspace import Workspace

# Kinds another change adds (command runs): rendered by name when present.
RUN_KINDS = ("run-command", RUN_START, RUN_END, RUN_RELEASE)
# Kinds after which the decision may have changed (recomputed only there, not per event).
_DECISIVE = {SIGN, POLL_ANSWER, ASSESS, HOLD, RECYCLE, SCRUB, SET_T0}


def _at(ev: Event, fallback: datetime) -> datetime:
    """An event's time: the journal writes ``2026-11-23T14:00:00.000Z`` (read fast); anything else
    through ``Event.at``; an unreadable time takes the one before it (the report still renders)."""
    try:
        at = datetime.fromisoformat(ev.ts)
        if at.tzinfo is not None:
            return at
    except (TypeError, ValueError):
        pass
    try:
        return ev.at
    except (TypeError, ValueError):
        return fallback


def _category(status: Status) -> int:
    """How ``decide`` reads a critical item's status: done, blocked (NO-GO) or anything else (PENDING)."""
    return 0 if status is Status.DONE else 1 if status is Status.BLOCKED else 2


def _same_for_decide(state: LaunchState, ev: Event) -> Any:
    """What ``decide`` reads of the thing ``ev`` changes, before it applies; compared after, an
    equal value means the verdict cannot have moved (so ``decide`` is not asked again)."""
    if ev.kind in (SIGN, POLL_ANSWER):
        sign = state.signoffs.get(ev.target)
        return None if sign is None else (sign.decision, state.stale_reason(sign) is None)
    if ev.kind == SET_STATUS:
        st = state.items.get(ev.target)
        return None if st is None else _category(st.status)
    return ...  # always ask


@dataclass
class Row:
    seq: int
    at: datetime
    op: str
    kind: str
    target: str
    text: str
    t: str  # the T-clock when it happened ("" with no T-0)
    held: bool  # the count was holding (or scrubbed) then
    stamp: str = ""  # "2026-11-23 14:00:00": the time as shown, in UTC


@dataclass
class HoldRow:
    start: datetime
    end: datetime | None
    reason: str
    by: str
    t: str  # T when the hold began
    duration: timedelta


@dataclass
class PhaseRow:
    name: str
    label: str
    planned: datetime | None
    actual: datetime | None
    late: list[tuple[str, str, str]] = field(default_factory=list)  # (item id, due mark, done at T / "not done")
    early: bool = False  # already past when T-0 was set (or the clock recycled past it)


@dataclass
class SignRow:
    seq: int
    at: datetime
    role: str
    decision: str
    by: str
    comment: str
    via_poll: bool
    evidence: dict[str, Any] | None
    stands: bool  # the role's latest sign-off, not made stale by what came after


@dataclass
class CriterionRow:
    id: str
    name: str
    kind: str
    threshold: str
    tile: str
    required: bool
    state: str
    detail: str
    history: list[tuple[int, datetime, str, str, str]] = field(default_factory=list)  # seq, at, by, result, value


@dataclass
class StatusRow:
    seq: int
    at: datetime
    item: str
    text: str
    status: str
    reason: str
    by: str
    current: str  # the item's status at the end


@dataclass
class Chart:
    tile: str
    label: str
    unit: str
    samples: list[HistSample]
    warn: float | None
    crit: float | None
    crit_text: str
    warn_text: str
    breaches: int  # samples in CRIT
    fired: list[tuple[datetime, str]]  # rollback triggers fired on this tile (at, criterion)
    holds: list[tuple[datetime, datetime]]


@dataclass
class Report:
    launch: str
    layout: str
    journal: str
    generated: datetime
    timezone: str
    t0_planned: datetime | None
    t0_actual: datetime | None
    t0_effective: datetime | None
    clock_state: str
    attempts: int
    recycles: int
    decision: str
    decision_at: datetime | None
    decision_seq: int
    decision_changes: list[tuple[int, datetime, str]]  # every move of the decision (journal alone, no tiles)
    reasons: list[str]
    signers: list[tuple[str, str, str, str]]  # role, latest decision (stale?), by, at
    rows: list[Row]
    holds: list[HoldRow]
    phases: list[PhaseRow]
    signoffs: list[SignRow]
    polls: list[tuple[int, datetime, str, list[str]]]
    criteria: list[CriterionRow]
    rollbacks: list[Row]  # rollback triggers that fired
    evidence_rows: dict[int, dict[str, Any]]  # seq -> evidence, for holds and rollback triggers
    notes: list[tuple[int, datetime, str, str, str]]  # seq, at, by, target, text
    statuses: list[StatusRow]
    runs: list[Row]
    charts: list[Chart]
    head: str
    events: int
    verify: VerifyReport
    ignored: list[tuple[int, str]]
    last_event_at: datetime | None


def _run_text(kind: str, p: dict[str, Any], default: str) -> str:
    if kind == "run-start":
        what = p.get("label") or p.get("command") or ""
        return f"started: {what}" if what else "started"
    if kind == "run-end":
        how = ("timed out" if p.get("timed_out") else "stopped" if p.get("stopped") else
               f"failed to start: {p['error']}" if p.get("error") else
               f"killed by signal {p['signal']}" if p.get("signal") else f"exit {p.get('exit')}")
        return how + (f" after {p['duration']}s" if p.get("duration") is not None else "")
    if kind == "run-release":
        return "released" + (f": {p['reason']}" if p.get("reason") else "")
    return default


def _numeric(cond: Any) -> float | None:
    target = getattr(cond, "target", None)
    return float(target) if isinstance(target, (int, float)) and not isinstance(target, bool) else None


def build_report(ws: Workspace, events: Iterable[Event], verify: VerifyReport, journal_path: Path | str,
                 history: dict[str, list[HistSample]] | None = None, now: datetime | None = None) -> Report:
    now = now or datetime.now(timezone.utc)
    layout, history = ws.layout, history or {}
    state = LaunchState(ws)
    cd = state.countdown
    phases = layout.phases
    marks = {p.mark: None for p in phases}  # mark -> when the clock reached it (latest attempt)
    marks.setdefault(timedelta(0), None)
    early: set[timedelta] = set()
    planned: datetime | None = layout.t0
    rows: list[Row] = []
    signs: list[SignRow] = []
    polls: list[tuple[int, datetime, str, list[str]]] = []
    crit_history: dict[str, list[tuple[int, datetime, str, str, str]]] = {}
    rollbacks: list[Row] = []
    evidence_rows: dict[int, dict[str, Any]] = {}
    notes: list[tuple[int, datetime, str, str, str]] = []
    statuses: list[StatusRow] = []
    runs: list[Row] = []
    done_t: dict[str, timedelta | None] = {}
    verdict, decision_at, decision_seq = "PENDING", None, 0
    changes: list[tuple[int, datetime, str]] = []  # (seq, at, verdict) each time the decision moved
    prev_at: datetime | None = None
    tile_end: dict[str, ObservedTile] = {}

    def reach(until: datetime) -> None:
        """Marks the counting clock passed between the last event and ``until``."""
        if cd.anchor is None or cd.holding or cd.scrubbed or prev_at is None:
            return
        for m, seen in marks.items():
            if seen is None:
                when = cd.anchor + m
                if prev_at <= when <= until:
                    marks[m] = when

    for ev in events:
        at = _at(ev, prev_at or now)
        reach(at)
        t_before = cd.t(at)
        decisive = kind_decisive = ev.kind in _DECISIVE or (ev.kind == SET_STATUS and ev.target in ws.items
                                                            and ws.items[ev.target].critical)
        before = _same_for_decide(state, ev) if kind_decisive else ...
        if ev.kind == SET_T0 and planned is None:
            try:
                planned = parse_time(str(ev.payload.get("t0")))
            except ValueError:
                pass
        state.apply(ev)
        prev_at = at
        if ev.kind in (RECYCLE, SET_T0):  # marks ahead of the clock are reached again
            t_now = cd.t(at)
            for m in marks:
                if t_now is None or m > t_now:
                    marks[m] = None
                    early.discard(m)
                elif marks[m] is None:
                    early.add(m)  # already past when the count was set here: no time of its own
        t = cd.t(at)
        held = cd.holding or cd.scrubbed or ev.kind == RESUME
        ts = ev.ts
        stamp = f"{ts[:10]} {ts[11:19]}" if len(ts) >= 20 and ts[10] == "T" and ts[-1] == "Z" else \
            at.astimezone(timezone.utc).isoformat(" ")[:19]
        row = Row(ev.seq, at, ev.op, ev.kind, ev.target, ev.describe(), format_clock(t) if t is not None else "", held, stamp)
        rows.append(row)
        p = ev.payload
        kind = ev.kind
        if kind in (SIGN, POLL_ANSWER):
            sign = state.signoffs.get(ev.target)
            if sign is not None and sign.seq == ev.seq:
                ev_data = p.get("evidence")
                signs.append(SignRow(ev.seq, at, ev.target, sign.decision, ev.op, sign.comment, kind == POLL_ANSWER,
                                     ev_data if isinstance(ev_data, dict) else None, False))
        elif kind == POLL_START:
            polls.append((ev.seq, at, ev.op, [str(r) for r in p.get("roles", [])] if isinstance(p.get("roles"), list) else []))
        elif kind == ASSESS:
            crit_history.setdefault(ev.target, []).append((ev.seq, at, ev.op, str(p.get("result", "")), str(p.get("value") or "")))
        elif kind == ROLLBACK:
            if p.get("state") == "fired":
                rollbacks.append(row)
        elif kind == NOTE:
            notes.append((ev.seq, at, ev.op, ev.target, str(p.get("text", ""))))
        elif kind == SET_STATUS:
            status = str(p.get("status", ""))
            if status in (Status.BLOCKED.value, Status.SKIPPED.value) and ev.target in ws.items:
                statuses.append(StatusRow(ev.seq, at, ev.target, ws.items[ev.target].text, status,
                                          str(p.get("reason") or ""), ev.op, ""))
            if status == Status.DONE.value:
                done_t[ev.target] = t_before
        elif kind in RUN_KINDS:
            runs.append(Row(ev.seq, at, ev.op, kind, ev.target, _run_text(kind, p, row.text), row.t, held))
        if kind in (HOLD, ROLLBACK) and isinstance(p.get("evidence"), dict):
            evidence_rows[ev.seq] = p["evidence"]
        if decisive and (before is ... or before != _same_for_decide(state, ev)):
            v = decide(state).verdict
            if v != verdict:
                verdict, decision_at, decision_seq = v, at, ev.seq
                changes.append((ev.seq, at, v))
    end = max(now, prev_at) if prev_at else now
    reach(end)

    # tiles as last sampled (for tile-bound criteria in the final decision)
    for spec in layout.tiles:
        rows_h = history.get(spec.name)
        if rows_h:
            s = rows_h[-1]
            tile_end[spec.name] = ObservedTile(spec.name, s.value, s.state, s.passing,
                                               f"{spec.label} ({format_value(s.value, spec.unit)}): {s.state} when last sampled", s.t)
    final = decide(state, tiles=tile_end)
    if final.verdict != verdict:  # the tiles' last samples decide it: when the last of them came
        verdict = final.verdict
        decision_at = max((datetime.fromtimestamp(o.at, timezone.utc) for o in tile_end.values()), default=decision_at)
        decision_seq = state.last_seq
    for sr in signs:
        latest = state.signoffs.get(sr.role)
        sr.stands = latest is not None and latest.seq == sr.seq and state.stale_reason(latest) is None
    for st in statuses:
        st.current = state.items[st.item].status.value

    holds = [HoldRow(h.start, h.end, h.reason, h.by, format_clock(h.t_value) if h.t_value is not None else "",
                     (h.end or end) - h.start) for h in cd.holds]
    planned_t0 = planned
    phase_rows = []
    for ph in phases:
        late = []
        for item in ws.items.values():
            due = item_due(item, phases)
            if due is None or due != ph.mark:
                continue
            status = state.items[item.id].status
            if status is Status.DONE:
                dt = done_t.get(item.id)
                if dt is not None and dt > due:
                    late.append((item.id, format_tmark(due), f"done at {format_clock(dt)}"))
            elif status is not Status.SKIPPED and (marks.get(due) is not None or due in early):
                late.append((item.id, format_tmark(due), f"not done ({status.value})"))
        phase_rows.append(PhaseRow(ph.name, ph.label, planned_t0 + ph.mark if planned_t0 else None, marks.get(ph.mark), late,
                                   ph.mark in early))

    crit_rows = []
    for cv in final.criteria:
        c = cv.criterion
        crit_rows.append(CriterionRow(c.id, c.name, c.kind, c.threshold, c.tile, c.required, cv.state, cv.detail,
                                      crit_history.get(c.id, [])))
    for c in layout.criteria:  # a rollback trigger says what it did, not how its tile reads now
        if c.kind != "rollback":
            continue
        fired = [r for r in rollbacks if r.target == c.id]
        last = state.rollbacks.get(c.id)
        row = CriterionRow(c.id, c.name, c.kind, c.threshold, c.tile, c.required, last.state if last else "never fired",
                           f"fired {len(fired)} time(s)")
        crit_rows = [x for x in crit_rows if x.id != c.id] + [row]

    charts = []
    hold_spans = [(h.start, h.end or end) for h in holds]
    for spec in layout.tiles:
        samples = history.get(spec.name, [])
        fired = [(r.at, r.target) for r in rollbacks
                 if any(c.id == r.target and c.tile == spec.name for c in layout.criteria)]
        charts.append(Chart(spec.name, spec.label, spec.unit, samples, _numeric(spec.warn), _numeric(spec.crit),
                            spec.crit.text if spec.crit else "", spec.warn.text if spec.warn else "",
                            sum(1 for s in samples if s.state == "CRIT"), fired, hold_spans))

    signers = []
    for rv in final.roles:
        latest = state.signoffs.get(rv.name)
        decision = latest.decision if latest else "not signed"
        signers.append((rv.name, decision + (f" (stale: {rv.stale_reason})" if rv.state == "stale" else ""), rv.by, rv.at))
    return Report(
        launch=layout.launch, layout=str(layout.path), journal=str(journal_path), generated=now,
        timezone=layout.timezone, t0_planned=planned_t0, t0_actual=marks.get(timedelta(0)),
        t0_effective=cd.effective_t0(end), clock_state=cd.state, attempts=cd.attempt, recycles=cd.recycles,
        decision=verdict, decision_at=decision_at, decision_seq=decision_seq, decision_changes=changes,
        reasons=[r.text for r in final.reasons], signers=signers, rows=rows, holds=holds, phases=phase_rows,
        signoffs=signs, polls=polls, criteria=crit_rows, rollbacks=rollbacks, evidence_rows=evidence_rows,
        notes=notes, statuses=statuses, runs=runs, charts=charts, head=state.head_hash, events=state.event_count,
        verify=verify, ignored=list(state.ignored), last_event_at=prev_at)
