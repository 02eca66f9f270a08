"""What the screen shows, kept in step with the journal: state plus the running tallies.

No Textual here: the app feeds ``Room.apply`` the events its journal follower delivers and
asks it what changed. Tallies (done per section and checklist, open items per due mark) are
updated by the event's delta, so a tick costs the same on a 50-item and a 5,000-item list.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable

from warroom.countdown import item_due, past_due, phase_index
from warroom.decision import ClockView, Decision, clock_view, decide
from warroom.events import (
    ASSESS,
    HOLD,
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
    Event,
)
from warroom.model import Item, Status
from warroom.state import LaunchState
from warroom.tmarks import format_tmark
from warroom.workspace import Workspace

CLOCK_KINDS = {HOLD, RESUME, RECYCLE, SCRUB, SET_T0}
ITEM_KINDS = {SET_STATUS, NOTE, RUN_START, RUN_END, RUN_RELEASE}
SIGN_KINDS = {SIGN, POLL_START, POLL_ANSWER, POLL_CANCEL, ASSESS}


@dataclass
class Changes:
    """What a batch of events touched; the app repaints only that."""

    items: set[str] = field(default_factory=set)
    clock: bool = False
    signoff: bool = False
    metrics: bool = False
    reset: bool = False
    events: list[Event] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.items or self.clock or self.signoff or self.metrics or self.reset or self.events)


@dataclass
class Bucket:
    """Items due at one T-mark."""

    mark: timedelta
    total: int = 0
    open: int = 0


class Room:
    def __init__(self, ws: Workspace, state: LaunchState, operator: str, now: Callable[[], datetime]) -> None:
        self.ws = ws
        self.state = state
        self.operator = operator
        self.now = now
        self.tiles: dict[str, object] = {}
        # ancestors: the enclosing sections (innermost first) and the checklist of each item
        self._sections_of: dict[str, list[str]] = {}
        self._checklist_of: dict[str, str] = {}
        self._due: dict[str, timedelta | None] = {}
        parent: dict[str, str] = {}

        def visit(section, up: str) -> None:
            parent[section.id] = up
            for sub in section.sections:
                visit(sub, section.id)

        for checklist in ws.checklists:
            for section in checklist.sections:
                visit(section, "")
            for item in checklist.walk_items():
                self._checklist_of[item.id] = checklist.id
        for item in ws.items.values():
            chain, sid = [], item.section_id
            while sid:
                chain.append(sid)
                sid = parent.get(sid, "")
            self._sections_of[item.id] = chain
            self._due[item.id] = item_due(item, ws.layout.phases)
        self._retally()

    # -- tallies ----------------------------------------------------------------------------
    def _retally(self) -> None:
        self.section_done: dict[str, int] = {sid: 0 for sid in self.ws.sections}
        self.section_total: dict[str, int] = {sid: 0 for sid in self.ws.sections}
        self.checklist_done: dict[str, int] = {c.id: 0 for c in self.ws.checklists}
        self.checklist_total: dict[str, int] = {c.id: 0 for c in self.ws.checklists}
        self.buckets: dict[timedelta, Bucket] = {}
        for item in self.ws.items.values():
            closed = self.state.items[item.id].status.closed
            for sid in self._sections_of[item.id]:
                self.section_total[sid] += 1
                self.section_done[sid] += closed
            cid = self._checklist_of.get(item.id, item.checklist_id)
            self.checklist_total[cid] = self.checklist_total.get(cid, 0) + 1
            self.checklist_done[cid] = self.checklist_done.get(cid, 0) + closed
            due = self._due[item.id]
            if due is not None:
                b = self.buckets.setdefault(due, Bucket(due))
                b.total += 1
                b.open += not closed
        self.marks = sorted(self.buckets)
        self._decision: Decision | None = None

    def _adjust(self, item_id: str, closed_delta: int) -> None:
        for sid in self._sections_of[item_id]:
            self.section_done[sid] += closed_delta
        cid = self._checklist_of.get(item_id, "")
        if cid in self.checklist_done:
            self.checklist_done[cid] += closed_delta
        due = self._due[item_id]
        if due is not None:
            self.buckets[due].open -= closed_delta

    # -- applying events --------------------------------------------------------------------
    def apply(self, events: Iterable[Event], reset: bool = False) -> Changes:
        changes = Changes(reset=reset)
        if reset:
            self.state = LaunchState(self.ws)
        for ev in events:
            changes.events.append(ev)
            was_closed = None
            if ev.kind == SET_STATUS and ev.target in self.state.items:
                was_closed = self.state.items[ev.target].status.closed
            self.state.apply(ev)
            if was_closed is not None:
                now_closed = self.state.items[ev.target].status.closed
                if now_closed != was_closed:
                    self._adjust(ev.target, 1 if now_closed else -1)
            if ev.kind in ITEM_KINDS and ev.target in self.ws.items:
                changes.items.add(ev.target)
                item = self.ws.items[ev.target]
                if item.critical:
                    changes.signoff = True
            if ev.kind in CLOCK_KINDS:
                changes.clock = True
                changes.signoff = True
            if ev.kind in SIGN_KINDS:
                changes.signoff = True
            if ev.kind in (METRIC_STATE, ROLLBACK):
                changes.metrics = True
        if reset:
            self._retally()
        if reset or changes.signoff or changes.metrics:
            self._decision = None  # only these can move the decision; a plain tick does not
        return changes

    # -- questions ----------------------------------------------------------------------------
    def t(self) -> timedelta | None:
        return self.clock().t

    def clock(self, now: datetime | None = None) -> ClockView:
        """The T-clock as every view shows it: with the hold at T-0 without a GO, derived."""
        return clock_view(self.state, self.now() if now is None else now, self.decision())

    def due_passed(self, t: timedelta | None = None) -> int:
        """How many distinct due marks the clock has reached (changes only when T crosses one)."""
        t = self.t() if t is None else t
        return 0 if t is None else bisect.bisect_right(self.marks, t)

    def mark_label(self, mark: timedelta) -> str:
        """A T-mark as the layout writes it (``T-24h``), else in the shortest form."""
        for phase in self.ws.layout.phases:
            if phase.mark == mark:
                return phase.label
        return format_tmark(mark)

    def due_of(self, item_id: str) -> timedelta | None:
        return self._due.get(item_id)

    def overdue(self, item_id: str, t: timedelta | None) -> bool:
        return past_due(self._due.get(item_id), self.state.items[item_id].status, t)

    def overdue_count(self, t: timedelta | None) -> int:
        if t is None:
            return 0
        return sum(self.buckets[m].open for m in self.marks[: bisect.bisect_right(self.marks, t)])

    def phase_tallies(self, t: timedelta | None) -> list[tuple[int, int, int]]:
        """Per layout phase: (items due, still open, overdue)."""
        phases = self.ws.layout.phases
        out = [[0, 0, 0] for _ in phases]
        for mark, b in self.buckets.items():
            idx = max(0, phase_index(phases, mark)) if phases else -1
            if idx < 0:
                continue
            out[idx][0] += b.total
            out[idx][1] += b.open
            if t is not None and t >= mark:
                out[idx][2] += b.open
        return [tuple(x) for x in out]  # type: ignore[misc]

    def decision(self) -> Decision:
        if self._decision is None:
            self._decision = decide(self.state, tiles=self.tiles or None)  # type: ignore[arg-type]
        return self._decision

    def set_tiles(self, verdicts: dict[str, object]) -> None:
        self.tiles = dict(verdicts)
        self._decision = None

    def is_mine(self, item: Item) -> bool:
        """The item's owner or role is the operator, or a role the operator holds as its person."""
        me = self.operator.split(" (ssh", 1)[0].strip().lower()
        user = me.split("@", 1)[0]
        names = {me, user}
        for role in self.ws.layout.roles:
            person = role.person.strip().lower()
            if person and (person in names or person.split()[0] == user):
                names.add(role.name.lower())
        return (item.owner.strip().lower() in names) or (item.role.strip().lower() in names)

    def matches(self, item: Item, text: str, quick: str, t: timedelta | None) -> bool:
        st = self.state.items[item.id]
        if quick == "open" and st.status.closed:
            return False
        if quick == "overdue" and not self.overdue(item.id, t):
            return False
        if quick == "critical" and not item.critical:
            return False
        if quick == "mine" and not self.is_mine(item):
            return False
        if text:
            hay = f"{item.text} {item.owner} {item.role} {item.id} {item.phase} {st.status.value} {st.reason}".lower()
            return all(word in hay for word in text.lower().split())
        return True


def status_counts(state: LaunchState, items: Iterable[Item]) -> dict[Status, int]:
    counts = {s: 0 for s in Status}
    for item in items:
        counts[state.items[item.id].status] += 1
    return counts
