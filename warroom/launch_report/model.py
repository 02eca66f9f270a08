"""What a launch report says, as plain data: built from the layout, the journal (replayed once,
event by event, as it is read and verified) and the metric history. Renderers (``html``,
``markdown``) only format it.

The timeline of a long launch is summarised for a human: every event that tells the launch's
story is kept whole (tier 1: the clock, polls, assessments, triggers, layout changes, unknown kinds,
and any event at which the decision moved; tier 2: sign-offs, notes, blocked and skipped items,
command runs), and high-volume repetitive events (tier 3: items ticked or set in progress during
one phase, one tile's metric transitions) are counted in groups with their span; ``milestones``
makes a shorter one (tier 1 whole). Every event, one a line: ``warroom log``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from warroom.countdown import item_due
from warroom.decision import decide
from warroom.events import (
    ASSESS,
    HOLD,
    LAYOUT_CHANGE,
    METRIC_STATE,
    NOTE,
    POLL_ANSWER,
    POLL_CANCEL,
    POLL_START,
    RECYCLE,
    RESUME,
    ROLLBACK,
    RUN_END,
    RUN_RELEASE,
    RUN_START,
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
# Kinds that cannot move the decision (``decide`` reads none of what they change); every other
# kind, and a set-status of a critical item, may: the decision's inputs are compared there.
_INERT = {NOTE, POLL_START, POLL_CANCEL, LAYOUT_CHANGE, *RUN_KINDS}
_TICKS = {Status.DONE.value, Status.IN_PROGRESS.value, Status.TODO.value}
DONE, BLOCKED, SKIPPED = Status.DONE.value, Status.BLOCKED.value, Status.SKIPPED.value


_ZERO = timedelta(0)
_TWO = tuple(f"{i:02d}" for i in range(60))


class _Clocks:
    """``format_clock`` of each event's T (100,000 of them): the text depends only on the whole
    seconds, so each minute's text is made once (by ``format_clock`` itself) and the seconds put
    after it."""

    __slots__ = ("minutes",)

    def __init__(self) -> None:
        self.minutes: dict[int, str] = {}

    def __call__(self, t: timedelta | None) -> str:
        if t is None:
            return ""
        if t >= _ZERO:  # format_clock's whole seconds: toward zero either side of T-0
            a, neg = t.days * 86400 + t.seconds, False
        else:
            n = -t
            a = n.days * 86400 + n.seconds
            neg = a != 0
        key = -1 - a // 60 if neg else a // 60
        head = self.minutes.get(key)
        if head is None:
            head = self.minutes[key] = format_clock(timedelta(seconds=-a if neg else a))[:-2]
        return head + _TWO[a % 60]


def utc_stamp(at: datetime) -> str:
    """A time as the report shows it: ``2026-11-23 14:00:00`` (UTC)."""
    return at.astimezone(timezone.utc).isoformat(" ")[:19]


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


class Row(NamedTuple):
    """One event as the report shows it (a tuple: a 100,000-event journal makes 100,000 of them)."""

    seq: int
    at: datetime
    op: str
    kind: str
    target: str
    text: str
    t: str  # the T-clock when it happened ("" with no T-0)
    held: bool  # the count was holding (or scrubbed) then
    stamp: str  # "2026-11-23 14:00:00": the time as shown, in UTC
    tier: int = 1  # 1 milestone, 2 decision-relevant, 3 repetitive (see the module's docstring)
    group: str = ""  # what a run of such events is called when counted ("ticks during Pre-Launch")
    detail: str = ""  # what a group counts them by (the status set, the tile's new state, the decision)


@dataclass
class Group:
    """Repetitive events counted together: ``count`` of them, the first (``first``, as its row)
    to the last (``last_seq`` at ``last_stamp``, T ``last_t``); ``seqs`` names every one."""

    label: str
    first: Row
    count: int = 1
    held: int = 0  # how many while the count was holding
    last_seq: int = 0
    last_stamp: str = ""
    last_t: str = ""
    seqs: list[int] = field(default_factory=list)
    ops: dict[str, int] = field(default_factory=dict)
    details: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Row, label: str = "") -> "Group":
        return cls(label or row.group, row, 1, int(row.held), row.seq, row.stamp, row.t, [row.seq], {row.op: 1},
                   {row.detail: 1} if row.detail else {})

    def add(self, seq: int, stamp: str, t: str, held: bool, op: str, detail: str) -> None:
        self.count += 1
        self.held += held
        self.last_seq, self.last_stamp, self.last_t = seq, stamp, t
        self.seqs.append(seq)
        ops = self.ops
        ops[op] = ops.get(op, 0) + 1
        if detail:
            self.details[detail] = self.details.get(detail, 0) + 1

    def merge(self, other: "Group", detail: str) -> None:
        self.count += other.count
        self.held += other.held
        self.last_seq, self.last_stamp, self.last_t = other.last_seq, other.last_stamp, other.last_t
        self.seqs += other.seqs
        for op, n in other.ops.items():
            self.ops[op] = self.ops.get(op, 0) + n
        self.details[detail] = self.details.get(detail, 0) + other.count


def milestones(timeline: list[Row | Group]) -> list[Row | Group]:
    """A shorter timeline: tier-1 rows (the clock, polls, assessments, triggers, every move of the
    decision) as they are, and what came between two of them counted as one group, by kind."""
    out: list[Row | Group] = []
    between: Group | None = None
    for e in timeline:
        if type(e) is Row:
            if e.tier == 1:
                between = None
                out.append(e)
                continue
            if between is None:
                between = Group("other events", e, 0, 0, e.seq, e.stamp, e.t, [], {}, {})
                out.append(between)
            between.add(e.seq, e.stamp, e.t, e.held, e.op, e.kind)
            continue
        if between is None:
            first = e.first  # type: ignore[union-attr]
            between = Group("other events", first, 0, 0, first.seq, first.stamp, first.t, [], {}, {})
            out.append(between)
        between.merge(e, e.first.kind)  # type: ignore[arg-type, union-attr]
    return [g.first if isinstance(g, Group) and g.count == 1 else g for g in out]


def group_text(g: Group, most: int = 3) -> tuple[str, str]:
    """(what, who) of a group: ``12 × items set during Pre-Launch (T-4h): 10 done, 2 in-progress``
    and ``ana ×7, bo ×5``."""
    what = f"{g.count} × {g.label}"
    if g.details:  # most counted first; equal counts in the order first seen (the sort is stable, reversed too)
        what += ": " + ", ".join(f"{n} {d}" for d, n in sorted(g.details.items(), key=itemgetter(1), reverse=True))
    if g.held:
        what += f" ({g.held} while holding)"
    ops = sorted(g.ops.items(), key=itemgetter(1), reverse=True)
    who = ", ".join(f"{op} ×{n}" for op, n in ops[:most]) + (f", {len(ops) - most} more" if len(ops) > most else "")
    return what, who


class _Decisions:
    """The decision after each event, asking ``decide`` only when what it reads has changed:
    the scrub, the required roles' sign-offs (and whether each still stands), how many critical
    items are blocked or not done, and the inputs of the required go/no-go criteria. The verdict
    is a function of these alone, so it is remembered for each combination seen."""

    def __init__(self, state: LaunchState, ws: Workspace) -> None:
        self.state = state
        self.roles = [r.name for r in ws.layout.roles_in_poll_order() if r.required]
        self.crits = [(c.tile, c.id) for c in ws.layout.criteria if c.kind == "go" and c.required]
        self.critical = {i.id for i in ws.critical_items()}
        self.blocked = sum(1 for i in self.critical if state.items[i].status is Status.BLOCKED)
        self.open = sum(1 for i in self.critical if state.items[i].status is not Status.DONE)
        self.seen: dict[tuple, str] = {}
        self.signed = 0  # sign-offs applied so far (the loop counts them)
        self.assessed = 0  # assessments and tile transitions applied so far (the loop counts them)
        self._crits: tuple = ()
        self._crits_at = -1
        self._roles: tuple = ()
        self._roles_at = (-1, -1)  # (sign-offs, invalidations) when ``_roles`` was read

    def item_moved(self, old: Status, new: Status) -> bool:
        """Count a critical item's move; whether it changed what ``decide`` reads of it."""
        blocked = (new is Status.BLOCKED) - (old is Status.BLOCKED)
        opened = (new is not Status.DONE) - (old is not Status.DONE)
        self.blocked += blocked
        self.open += opened
        return bool(blocked or opened)

    def verdict(self) -> str:
        st = self.state
        metrics, assessed = st.metrics, st.assessments
        at = (self.signed, len(st.invalidations))  # the roles change only with a sign-off or an invalidation
        if at != self._roles_at:
            signs, roles = st.signoffs, []
            for name in self.roles:
                s = signs.get(name)
                roles.append(None if s is None else (s.decision, st.stale_reason(s) is None))
            self._roles, self._roles_at = tuple(roles), at
        if self.assessed != self._crits_at:  # the criteria change only with an assessment or a tile's transition
            crits = []
            for tile, cid in self.crits:
                got = metrics.get(tile) if tile else assessed.get(cid)
                crits.append(None if got is None else got.state if tile else got.result)
            self._crits, self._crits_at = tuple(crits), self.assessed
        key = (st.countdown.scrubbed, self.blocked, self.open, self._roles, self._crits)
        v = self.seen.get(key)
        if v is None:
            v = self.seen[key] = decide(st).verdict
        return v


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


@dataclass(slots=True)
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
    stamp: str = ""  # its time as shown


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


@dataclass(slots=True)
class StatusRow:
    seq: int
    at: datetime
    item: str
    text: str
    status: str
    reason: str
    by: str
    current: str  # the item's status at the end
    stamp: str = ""  # its time as shown


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
    timeline: list[Row | Group]  # every event, in journal order: shown whole, or counted in a group
    holds: list[HoldRow]
    phases: list[PhaseRow]
    signoffs: list[SignRow]
    polls: list[tuple[int, datetime, str, list[str]]]
    criteria: list[CriterionRow]
    rollbacks: list[Row]  # rollback triggers that fired
    hold_rows: list[Row]  # the hold events that recorded evidence
    evidence_rows: dict[int, dict[str, Any]]  # seq -> evidence, for holds and rollback triggers
    notes: list[tuple[int, str, str, str, str]]  # seq, time as shown, by, target, text
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
                 history: dict[str, list[HistSample]] | None = None, now: datetime | None = None,
                 run_events: list[Event] | None = None) -> Report:
    """The report of ``events`` (any iterable of decoded events, read once: a generator that
    verifies as it reads, such as ``journal.verified_events``, fills ``verify`` as it goes, and
    ``verify`` is read only after the last event). ``run_events``, when given, receives the
    run-start and run-end events as they go by (their outputs are checked afterwards)."""
    now = now or datetime.now(timezone.utc)
    layout, history = ws.layout, history or {}
    state = LaunchState(ws)
    cd = state.countdown
    phases = layout.phases
    marks = {p.mark: None for p in phases}  # mark -> when the clock reached it (latest attempt)
    marks.setdefault(_ZERO, None)
    early: set[timedelta] = set()
    by_mark = sorted(phases, key=lambda p: p.mark)
    phase_marks = [p.mark for p in by_mark]
    phase_names = [f"during {p.name} ({p.label})" for p in by_mark]
    first_phase = f"before {by_mark[0].name}" if by_mark else "before T-0"
    planned: datetime | None = layout.t0
    timeline: list[Row | Group] = []
    open_groups: dict[str, int] = {}  # name -> where its run is in ``timeline``
    signs: list[SignRow] = []
    polls: list[tuple[int, datetime, str, list[str]]] = []
    crit_history: dict[str, list[tuple[int, datetime, str, str, str]]] = {}
    rollbacks: list[Row] = []
    hold_rows: list[Row] = []
    evidence_rows: dict[int, dict[str, Any]] = {}
    notes: list[tuple[int, str, str, str, str]] = []
    statuses: list[StatusRow] = []
    runs: list[Row] = []
    done_t: dict[str, timedelta | None] = {}
    verdict, decision_at, decision_seq = "PENDING", None, 0
    changes: list[tuple[int, datetime, str]] = []  # (seq, at, verdict) each time the decision moved
    prev_at: datetime | None = None
    tile_end: dict[str, ObservedTile] = {}
    decisions = _Decisions(state, ws)
    critical = decisions.critical
    items, signoffs = state.items, state.signoffs
    fromiso = datetime.fromisoformat
    new_row = tuple.__new__  # a Row without NamedTuple's Python-level constructor (100,000 times)
    clock_key: tuple = ()
    clocks = _Clocks()
    upcoming: list[tuple[datetime, timedelta]] = []  # marks not reached yet, soonest last

    def reach(until: datetime) -> None:
        """Marks the counting clock passed between the last event and ``until``."""
        nonlocal clock_key, upcoming
        key = (cd.anchor, cd.held_at, cd.scrubbed)
        if key != clock_key:
            clock_key = key
            upcoming = [] if cd.anchor is None or cd.held_at is not None or cd.scrubbed else sorted(
                ((cd.anchor + m, m) for m, seen in marks.items() if seen is None), reverse=True)
        if prev_at is None:
            return
        while upcoming and upcoming[-1][0] <= until:
            when, m = upcoming.pop()
            if prev_at <= when and marks[m] is None:
                marks[m] = when

    for ev in events:
        kind, ts, p, target = ev.kind, ev.ts, ev.payload, ev.target
        try:  # the journal writes 2026-11-23T14:00:00.000Z: read fast, and shown as "2026-11-23 14:00:00"
            at = fromiso(ts)
            if at.tzinfo is None:
                raise ValueError(ts)
            # cut from a time the parser accepted: digits and separators only (never markup)
            stamp = f"{ts[:10]} {ts[11:19]}" if len(ts) == 24 and ts[-1] == "Z" else utc_stamp(at)
        except (TypeError, ValueError):
            at = _at(ev, prev_at or now)
            stamp = utc_stamp(at)
        if cd.anchor is not None:
            reach(at)
        if kind == SET_STATUS or kind == NOTE:  # most events: the general path below, cut to what applies to them
            old = items[target].status if kind == SET_STATUS and target in critical else None
            state.apply(ev)
            prev_at = at
            held_at = cd.held_at
            t = None if cd.anchor is None and held_at is None and not cd.scrubbed else cd.t(at)
            held = held_at is not None or cd.scrubbed
            if kind == NOTE:
                if open_groups:
                    open_groups.clear()
                timeline.append(new_row(Row, (ev.seq, at, ev.op, kind, target, ev.describe(), clocks(t), held, stamp, 2,
                                              "notes", "")))
                notes.append((ev.seq, stamp, ev.op, target, str(p.get("text", ""))))
                continue
            status = p.get("status")
            detail = status if isinstance(status, str) else ""
            if status in _TICKS:
                tier = 3
                group = "items set " + (phase_names[i - 1] if (i := bisect_right(phase_marks, t)) else first_phase) \
                    if t is not None else "items set (no T-0 yet)"
            else:
                tier, group = 2, "items blocked or skipped"
            if old is not None and decisions.item_moved(old, items[target].status):
                v = decisions.verdict()
                if v != verdict:
                    verdict, decision_at, decision_seq = v, at, ev.seq
                    changes.append((ev.seq, at, v))
                    tier = 1  # the decision moved here: kept whole on every timeline
            if tier == 3:  # counted: one open group per name, closed by the next event shown whole
                if detail == DONE:
                    done_t[target] = t
                g = open_groups.get(group)
                if g is None:  # the first of its run: a row (most runs are one event); a group from the second on
                    open_groups[group] = len(timeline)
                    timeline.append(new_row(Row, (ev.seq, at, ev.op, kind, target, ev.describe(), clocks(t), held, stamp,
                                                  tier, group, detail)))
                    continue
                e = timeline[g]
                if type(e) is Row:
                    e = timeline[g] = Group.of(e)  # type: ignore[arg-type]
                e.add(ev.seq, stamp, clocks(t), held, ev.op, detail)  # type: ignore[union-attr]
                continue
            if open_groups:
                open_groups.clear()
            timeline.append(new_row(Row, (ev.seq, at, ev.op, kind, target, ev.describe(), clocks(t), held, stamp, tier,
                                          group, detail)))
            status = str(p.get("status", ""))
            if (status == BLOCKED or status == SKIPPED) and target in ws.items:
                statuses.append(StatusRow(ev.seq, at, target, ws.items[target].text, status,
                                          str(p.get("reason") or ""), ev.op, "", stamp))
            if status == DONE:
                done_t[target] = t
            continue
        old = None
        if run_events is not None and (kind == RUN_START or kind == RUN_END):
            run_events.append(ev)
        was = None
        if kind == SIGN or kind == POLL_ANSWER:
            decisions.signed += 1
            sign = signoffs.get(target)
            was = sign and (sign.decision, state.stale_reason(sign) is None)
        elif kind == ASSESS or kind == METRIC_STATE:
            decisions.assessed += 1
        if kind == SET_T0 and planned is None:
            try:
                planned = parse_time(str(p.get("t0")))
            except ValueError:
                pass
        held_at_t0 = kind == RESUME and cd.held_at == _ZERO
        state.apply(ev)
        prev_at = at
        if held_at_t0 and cd.held_at is None:  # held at T-0 (no GO there, say): T-0 is when the count went on
            marks[_ZERO] = at
        if kind == RECYCLE or kind == SET_T0:  # marks ahead of the clock are reached again
            t_now = cd.t(at)
            for m in marks:
                if t_now is None or m > t_now:
                    marks[m] = None
                    early.discard(m)
                elif marks[m] is None:
                    early.add(m)  # already past when the count was set here: no time of its own
            clock_key = ()
        held_at = cd.held_at
        t = None if cd.anchor is None and held_at is None and not cd.scrubbed else cd.t(at)
        held = held_at is not None or cd.scrubbed or kind == RESUME
        tier, group, detail = 1, "", ""
        if kind == SET_STATUS:
            status = p.get("status")
            detail = status if isinstance(status, str) else ""
            if status in _TICKS:
                tier = 3
                group = "items set " + (phase_names[i - 1] if (i := bisect_right(phase_marks, t)) else first_phase) \
                    if t is not None else "items set (no T-0 yet)"
            else:
                tier, group = 2, "items blocked or skipped"
        elif kind == METRIC_STATE:
            tier, group, detail = 3, f"tile {target} changes", str(p.get("state", ""))
        elif kind == SIGN or kind == POLL_ANSWER:
            tier, group, detail = 2, "sign-offs", str(p.get("decision", "")).upper()
        elif kind == NOTE:
            tier, group = 2, "notes"
        elif kind in RUN_KINDS:
            tier, group, detail = 2, "command runs", kind
        if kind in _INERT or (kind == SET_STATUS and (old is None or not decisions.item_moved(old, items[target].status))):
            pass  # nothing ``decide`` reads has changed
        elif was and (sign := signoffs.get(target)) is not None and was == (sign.decision, True):
            pass  # the role signed as it stood (a sign-off just made stands)
        else:
            v = decisions.verdict()
            if v != verdict:
                verdict, decision_at, decision_seq = v, at, ev.seq
                changes.append((ev.seq, at, v))
                tier = 1  # the decision moved here: kept whole on every timeline
        tclock = clocks(t)
        if tier == 3:  # counted: one open group per name, closed by the next event shown whole
            if kind == SET_STATUS and detail == DONE:
                done_t[target] = t
            g = open_groups.get(group)
            if g is None:  # the first of its run: a row (most runs are one event); a group from the second on
                open_groups[group] = len(timeline)
                timeline.append(new_row(Row, (ev.seq, at, ev.op, kind, target, ev.describe(), tclock, held, stamp, tier,
                                              group, detail)))
                continue
            e = timeline[g]
            if type(e) is Row:
                e = timeline[g] = Group.of(e)  # type: ignore[arg-type]
            e.add(ev.seq, stamp, tclock, held, ev.op, detail)  # type: ignore[union-attr]
            continue
        if open_groups:
            open_groups.clear()
        row = new_row(Row, (ev.seq, at, ev.op, kind, target, ev.describe(), tclock, held, stamp, tier, group, detail))
        timeline.append(row)
        if kind == SIGN or kind == POLL_ANSWER:
            sign = state.signoffs.get(target)
            if sign is not None and sign.seq == ev.seq:
                ev_data = p.get("evidence")
                signs.append(SignRow(ev.seq, at, target, sign.decision, ev.op, sign.comment, kind == POLL_ANSWER,
                                     ev_data if isinstance(ev_data, dict) else None, False, stamp))
        elif kind == NOTE:
            notes.append((ev.seq, stamp, ev.op, target, str(p.get("text", ""))))
        elif kind == SET_STATUS:
            status = str(p.get("status", ""))
            if (status == BLOCKED or status == SKIPPED) and target in ws.items:
                statuses.append(StatusRow(ev.seq, at, target, ws.items[target].text, status,
                                          str(p.get("reason") or ""), ev.op, "", stamp))
            if status == DONE:
                done_t[target] = t
        elif kind in RUN_KINDS:
            runs.append(row._replace(text=_run_text(kind, p, row.text)))
        elif kind == POLL_START:
            polls.append((ev.seq, at, ev.op, [str(r) for r in p.get("roles", [])] if isinstance(p.get("roles"), list) else []))
        elif kind == ASSESS:
            crit_history.setdefault(target, []).append((ev.seq, at, ev.op, str(p.get("result", "")), str(p.get("value") or "")))
        elif kind == ROLLBACK:
            if p.get("state") == "fired":
                rollbacks.append(row)
        if (kind == HOLD or kind == ROLLBACK) and isinstance(p.get("evidence"), dict):
            evidence_rows[ev.seq] = p["evidence"]
            if kind == HOLD:
                hold_rows.append(row)
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
        reasons=[r.text for r in final.reasons], signers=signers, timeline=timeline, holds=holds, phases=phase_rows,
        signoffs=signs, polls=polls, criteria=crit_rows, rollbacks=rollbacks, hold_rows=hold_rows, evidence_rows=evidence_rows,
        notes=notes, statuses=statuses, runs=runs, charts=charts, head=state.head_hash, events=state.event_count,
        verify=verify, ignored=list(state.ignored), last_event_at=prev_at)
