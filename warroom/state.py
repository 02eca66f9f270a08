"""The launch state, derived only by replaying journal events over a workspace.

``LaunchState.apply(event)`` is the one way state changes; ``replay`` applies a sequence.
Events that do not fit (unknown item, bad payload) are kept in ``ignored`` with the reason,
never fatal: a journal written by a newer or older warroom still loads.
"""

from __future__ import annotations

from collections.abc import MutableSequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator

from warroom.countdown import Countdown, is_overdue
from warroom.events import (
    ASSESS,
    GENESIS,
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
    SCRUB,
    SET_STATUS,
    SET_T0,
    SIGN,
    T0_REACHED,
    Event,
    format_account,
    payload_problem,
)
from warroom.model import Item, Status
from warroom.runner.record import RunRecord, apply_run
from warroom.tmarks import parse_time, parse_tmark
from warroom.workspace import Workspace


class LazyList(MutableSequence):  # type: ignore[type-arg]
    """A list whose elements are read on first use (from a checkpoint's side part): a long
    launch's notes and invalidations, which most commands never look at.

    Its length and last element are known without reading it (the key bar counts notes, a
    sign-off asks for the latest invalidation), and appending does not read it either: what is
    appended waits behind the unread part. Anything else reads it, once, and it is a list
    from then on. Equal to a list with the same elements."""

    __slots__ = ("_load", "_items", "_count", "_last", "_added")

    def __init__(self, load: Callable[[], list[Any]], count: int, last: Any) -> None:
        self._load: Callable[[], list[Any]] | None = load
        self._items: list[Any] | None = None
        self._count = count
        self._last = last
        self._added: list[Any] = []

    @property
    def loaded(self) -> bool:
        return self._items is not None

    def _all(self) -> list[Any]:
        if self._items is None:
            assert self._load is not None
            items = list(self._load())
            items.extend(self._added)
            self._items, self._load, self._added, self._last = items, None, [], None
        return self._items

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else self._count + len(self._added)

    def __getitem__(self, index: Any) -> Any:
        if self._items is None and type(index) is int and self._count and index in (-1, len(self) - 1):
            return self._added[-1] if self._added else self._last
        return self._all()[index]

    def __setitem__(self, index: Any, value: Any) -> None:
        self._all()[index] = value

    def __delitem__(self, index: Any) -> None:
        del self._all()[index]

    def insert(self, index: int, value: Any) -> None:
        self._all().insert(index, value)

    def append(self, value: Any) -> None:
        if self._items is None:
            self._added.append(value)
        else:
            self._items.append(value)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, LazyList)):
            return self._all() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())


@dataclass
class NoteEntry:
    text: str
    by: str
    at: str
    seq: int
    account: str = ""  # the real account that wrote it (``by`` is the claimed name)


@dataclass
class ItemState:
    status: Status
    reason: str = ""
    by: str = ""
    at: str = ""
    seq: int = 0  # event that last set the status (0 = as the checklist says)
    notes: list[NoteEntry] = field(default_factory=list)
    account: str = ""  # the real account behind ``by``


@dataclass
class SignOff:
    role: str
    decision: str  # "GO" | "NO-GO"
    by: str
    at: str
    comment: str
    seq: int
    via_poll: bool = False
    account: str = ""  # the real account behind ``by`` (a claimed name)


@dataclass
class Poll:
    seq: int  # the poll-start event
    roles: list[str]
    started_by: str
    started_at: str
    answers: dict[str, SignOff] = field(default_factory=dict)
    open: bool = True

    @property
    def current_role(self) -> str | None:
        for role in self.roles:
            if role not in self.answers:
                return role
        return None


@dataclass
class Invalidation:
    seq: int
    at: str
    reason: str


@dataclass
class Assessment:
    result: str  # "pass" | "fail"
    value: str
    by: str
    at: str
    seq: int
    comment: str = ""
    override: str = ""  # why a PASS that contradicts the threshold was recorded anyway


@dataclass
class MetricState:
    state: str
    value: Any
    reason: str
    at: str
    seq: int


class LaunchState:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.items: dict[str, ItemState] = {i.id: ItemState(i.status, i.reason) for i in ws.items.values()}
        self.signoffs: dict[str, SignOff] = {}
        self.countdown = Countdown.from_t0(ws.layout.t0, ws.layout.holds)
        self.poll: Poll | None = None
        self.polls: list[Poll] = []
        self.invalidations: list[Invalidation] = []
        self.assessments: dict[str, Assessment] = {}
        self.metrics: dict[str, MetricState] = {}
        self.rollbacks: dict[str, MetricState] = {}
        self.launch_notes: list[NoteEntry] = []
        self.layout_changes: list[tuple[int, str, str, str]] = []  # (seq, ts, who, what); the texts stay in the journal
        self.runs: dict[str, RunRecord] = {}  # the latest run of each item or section
        self.run_history: list[RunRecord] = []
        self.ignored: list[tuple[int, str]] = []
        self.skipped: list[tuple[int, str]] = []  # (journal line, why) of each event that did not apply
        self.unknown_kinds: dict[str, tuple[int, int]] = {}  # kind -> (first line, count): kept, reported once
        self.last_seq = 0
        self.head_hash = GENESIS
        self.event_count = 0

    @classmethod
    def replay(cls, ws: Workspace, events: Iterable[Event]) -> "LaunchState":
        state = cls(ws)
        for ev in events:
            state.apply(ev)
        return state

    # -- applying ----------------------------------------------------------------------------
    def apply(self, ev: Event) -> None:
        self.last_seq, self.head_hash = ev.seq, ev.hash
        self.event_count += 1
        kind = ev.kind
        entry = _DISPATCH.get(kind)  # (handler, its target's check) of each known kind
        if entry is None:
            self.ignored.append((ev.seq, f"unknown event kind '{kind}'"))
            first, count = self.unknown_kinds.get(kind, (ev.line, 0))
            self.unknown_kinds[kind] = (first, count + 1)
            return
        handler, target_check = entry
        problem = payload_problem(ev)
        if problem is None and target_check is not None:
            problem = target_check(self.ws.layout, ev.target)
        if problem is None:
            try:
                problem = handler(self, ev)
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
                problem = f"malformed {kind} event: {exc}"
        if problem:
            self.ignored.append((ev.seq, problem))
            self.skipped.append((ev.line, f"event seq {ev.seq} skipped: {problem}"))

    def _target_problem(self, ev: Event) -> str | None:
        """An event about something this war room does not have (edited, or from another layout)."""
        entry = _DISPATCH.get(ev.kind)
        return None if entry is None or entry[1] is None else entry[1](self.ws.layout, ev.target)

    def problems(self) -> list[tuple[int, str]]:
        """``(journal line, message)``: every event that did not apply (invalid: ``verify`` fails
        on these), then each unknown kind once (kept and shown, never fatal)."""
        return list(self.skipped)

    def notices(self) -> list[tuple[int, str]]:
        """Each unknown event kind once: a newer warroom may have written it."""
        return [(line, f"unknown event kind '{kind}' ({count} event(s)): kept and shown, not applied; "
                       "a newer warroom may have written it") for kind, (line, count) in self.unknown_kinds.items()]

    def _layout_change(self, ev: Event) -> str | None:
        self.layout_changes.append((ev.seq, ev.ts, ev.op, str(ev.payload["what"])))
        return None

    def _set_status(self, ev: Event) -> str | None:
        st = self.items.get(ev.target)
        if st is None:
            return f"unknown item '{ev.target}'"
        status = ev.payload["status"]
        new = _STATUS_OF.get(status) if type(status) is str else None
        if new is None:
            new = Status(status)  # raises: not a status
        if st.status is Status.DONE and new is not Status.DONE:
            item = self.ws.items[ev.target]
            if item.critical:
                self.invalidations.append(Invalidation(ev.seq, ev.ts, f"critical item '{item.id}' was un-ticked"))
        st.status, st.reason, st.by, st.at, st.seq = new, str(ev.payload.get("reason") or ""), ev.op, ev.ts, ev.seq
        acct = ev.acct
        st.account = format_account(acct) if acct else ""
        return None

    def _note(self, ev: Event) -> str | None:
        acct = ev.acct
        entry = NoteEntry(str(ev.payload["text"]), ev.op, ev.ts, ev.seq, format_account(acct) if acct else "")
        if not ev.target:
            self.launch_notes.append(entry)
            return None
        st = self.items.get(ev.target)
        if st is None:
            return f"unknown item '{ev.target}'"
        st.notes.append(entry)
        return None

    def _sign(self, ev: Event) -> str | None:
        decision = str(ev.payload["decision"]).upper()
        if decision not in ("GO", "NO-GO"):
            return f"unknown decision '{decision}'"
        acct = ev.acct
        self.signoffs[ev.target] = SignOff(ev.target, decision, ev.op, ev.ts, str(ev.payload.get("comment") or ""), ev.seq,
                                           ev.kind == POLL_ANSWER, format_account(acct) if acct else "")
        # a role that signs while a poll waits on it (the CLI's sign, another screen's) has
        # answered it: the poll does not ask it again
        if self.poll is not None and (ev.kind == POLL_ANSWER or ev.target in self.poll.roles):
            self.poll.answers[ev.target] = self.signoffs[ev.target]
            if self.poll.current_role is None:
                self.poll.open = False
                self.poll = None
        return None

    def _clock(self, ev: Event) -> str | None:
        cd, at, p = self.countdown, ev.at, ev.payload
        if ev.kind == HOLD:
            ok = cd.hold(at, str(p.get("reason") or ""), ev.op)
            if ok:
                self.invalidations.append(Invalidation(ev.seq, ev.ts, "the count was held" + (f" ({p['reason']})" if p.get("reason") else "")))
        elif ev.kind == RESUME:
            ok = cd.resume(at, str(p.get("override") or ""), ev.op)
        elif ev.kind == T0_REACHED:
            ok = cd.reach_t0(parse_time(p["t0"]), p.get("verdict") == "GO", ev.op)
        elif ev.kind == RECYCLE:
            ok = cd.recycle(at, parse_tmark(p["to"]), str(p.get("reason") or ""), ev.op)
            if ok:
                self.invalidations.append(Invalidation(ev.seq, ev.ts, f"the count was recycled to {p['to']}"))
        elif ev.kind == SCRUB:
            ok = cd.scrub(at, str(p.get("reason") or ""))
        else:
            cd.set_t0(parse_time(p["t0"]), at)
            ok = True
        return None if ok else f"{ev.kind} does not apply in clock state {cd.state}"

    def _poll_start(self, ev: Event) -> str | None:
        roles = [str(r) for r in ev.payload["roles"]]
        if self.poll is not None:
            self.poll.open = False
        self.poll = Poll(ev.seq, roles, ev.op, ev.ts)
        self.polls.append(self.poll)
        return None

    def _poll_cancel(self, ev: Event) -> str | None:
        if self.poll is None:
            return "no poll in progress"
        self.poll.open = False
        self.poll = None
        return None

    def _assess(self, ev: Event) -> str | None:
        result = str(ev.payload["result"]).lower()
        if result not in ("pass", "fail", "fired", "not-fired"):
            return f"unknown result '{result}'"
        self.assessments[ev.target] = Assessment(result, str(ev.payload.get("value") or ""), ev.op, ev.ts, ev.seq,
                                                 str(ev.payload.get("comment") or ""), str(ev.payload.get("override") or ""))
        return None

    def _metric(self, ev: Event) -> str | None:
        ms = MetricState(str(ev.payload.get("state")), ev.payload.get("value"), str(ev.payload.get("reason") or ""), ev.ts, ev.seq)
        (self.metrics if ev.kind == METRIC_STATE else self.rollbacks)[ev.target] = ms
        return None

    def _run(self, ev: Event) -> str | None:
        if ev.target not in self.items and ev.target not in self.ws.sections:
            return f"unknown item '{ev.target}'"
        return apply_run(self.runs, self.run_history, ev)

    # -- questions ---------------------------------------------------------------------------
    def stale_reason(self, sign: SignOff) -> str | None:
        """Why a GO no longer stands: something that undermines it happened after it."""
        if sign.decision != "GO" or not self.invalidations:
            return None
        last = self.invalidations[-1]  # invalidations come in seq order: the latest is the one to name
        return last.reason if last.seq > sign.seq else None

    def overdue(self, now: datetime) -> list[Item]:
        t = self.countdown.t(now)
        phases = self.ws.layout.phases
        return [i for i in self.ws.items.values() if is_overdue(i, self.items[i.id].status, phases, t)]

    def progress(self, items: Iterable[Item]) -> tuple[int, int]:
        """(closed, total): done or skipped items over all items."""
        done = total = 0
        for item in items:
            total += 1
            if self.items[item.id].status.closed:
                done += 1
        return done, total

    def snapshot(self) -> dict[str, Any]:
        """Everything derived, as plain data (for comparisons and ``status --json``)."""
        return {
            "items": {k: (v.status.value, v.reason, v.by, v.seq, [(n.text, n.by, n.seq) for n in v.notes]) for k, v in self.items.items()},
            "signoffs": {k: (v.decision, v.by, v.seq, v.comment, v.via_poll) for k, v in self.signoffs.items()},
            "clock": (self.countdown.state, self.countdown.anchor, self.countdown.held_at, self.countdown.attempt, self.countdown.recycles),
            "poll": None if self.poll is None else (self.poll.seq, self.poll.roles, sorted(self.poll.answers)),
            "invalidations": [(i.seq, i.reason) for i in self.invalidations],
            "assessments": {k: (v.result, v.seq) for k, v in self.assessments.items()},
            "metrics": {k: (v.state, v.seq) for k, v in self.metrics.items()},
            "launch_notes": [(n.text, n.seq) for n in self.launch_notes],
            "runs": {k: (v.run_id, v.seq, v.open, (v.end or {}).get("exit"), v.released_by) for k, v in self.runs.items()},
            "ignored": list(self.ignored),
            "last_seq": self.last_seq,
        }


_HANDLERS = {
    SET_STATUS: LaunchState._set_status,
    NOTE: LaunchState._note,
    SIGN: LaunchState._sign,
    POLL_ANSWER: LaunchState._sign,
    HOLD: LaunchState._clock,
    RESUME: LaunchState._clock,
    RECYCLE: LaunchState._clock,
    SCRUB: LaunchState._clock,
    SET_T0: LaunchState._clock,
    POLL_START: LaunchState._poll_start,
    POLL_CANCEL: LaunchState._poll_cancel,
    ASSESS: LaunchState._assess,
    METRIC_STATE: LaunchState._metric,
    ROLLBACK: LaunchState._metric,
    RUN_START: LaunchState._run,
    RUN_END: LaunchState._run,
    RUN_RELEASE: LaunchState._run,
    LAYOUT_CHANGE: LaunchState._layout_change,
    T0_REACHED: LaunchState._clock,
}


_STATUS_OF = {st.value: st for st in Status}


# What each kind's target must name in the layout (a role, a criterion, a tile), or None: each
# check is a scan of the layout's few entries as it is now (the layout is never copied).
def _named(entries: Any, attr: str, target: str, what: str) -> str | None:
    for entry in entries:
        if getattr(entry, attr, None) == target:
            return None
    return f"unknown {what} '{target}'"


def _role_problem(layout: Any, target: str) -> str | None:
    return _named(layout.roles, "name", target, "role")


def _criterion_problem(layout: Any, target: str) -> str | None:
    return _named(layout.criteria, "id", target, "criterion")


def _trigger_problem(layout: Any, target: str) -> str | None:
    return _named(layout.criteria, "id", target, "rollback trigger")


def _tile_problem(layout: Any, target: str) -> str | None:
    return _named(layout.tiles, "name", target, "tile")


_TARGET_CHECKS: dict[str, Callable[[Any, str], str | None]] = {
    SIGN: _role_problem, POLL_ANSWER: _role_problem, ASSESS: _criterion_problem, ROLLBACK: _trigger_problem,
    METRIC_STATE: _tile_problem,
}
# Each known kind: its handler and its target's check, looked up once per event.
_DISPATCH = {kind: (handler, _TARGET_CHECKS.get(kind)) for kind, handler in _HANDLERS.items()}
