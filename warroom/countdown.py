"""The T-clock, like a real countdown: holds, resume, recycle, scrub. Pure functions of events.

While counting, ``T(now) = now - anchor`` (``anchor`` is the effective T-0). A hold freezes T;
on resume the anchor moves later by the hold's length. Recycle sets T back to an earlier mark
and holds there until resumed. Scrub ends the attempt; a new ``set-t0`` starts the next one.

Built-in holds (the layout's ``holds:``) stop T at their mark for their length with no event:
they are part of the plan, so T-0 stays the launch time and the count before them runs early
by their length. Reaching T-0 without a GO holds the count there (``t0-reached``, journaled once
by the first screen that sees it; until then every view derives the same hold); going on past
T-0 needs a GO or an override with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from warroom.model import BuiltinHold, Item, Phase, Status
from warroom.tmarks import format_tmark, parse_tmark


@dataclass
class HoldRecord:
    start: datetime
    reason: str
    by: str
    end: datetime | None = None
    t_value: timedelta | None = None  # T when the hold began


@dataclass
class Countdown:
    anchor: datetime | None = None  # effective T-0 while counting
    held_at: timedelta | None = None  # frozen T while holding
    hold_reason: str = ""
    scrubbed: bool = False
    scrub_reason: str = ""
    scrubbed_at: timedelta | None = None  # T when the attempt was scrubbed: the clock stops there
    attempt: int = 1
    recycles: int = 0
    holds: list[HoldRecord] = field(default_factory=list)
    builtin: list[BuiltinHold] = field(default_factory=list)  # the layout's planned holds
    t0_passed: bool = False  # this attempt went past T-0 (with a GO, or an override)
    auto_held: bool = False  # the current hold is the one at T-0 for want of a GO
    override: str = ""  # why the count went on past T-0 without a GO ("" = it had one)
    override_by: str = ""

    @classmethod
    def from_t0(cls, t0: datetime | None, builtin: list[BuiltinHold] | None = None) -> "Countdown":
        return cls(anchor=t0, builtin=sorted(builtin or [], key=lambda h: h.mark, reverse=True))

    # -- built-in holds: wall offset w = now - anchor  <->  T ----------------------------------
    def _windows(self) -> list[tuple[timedelta, timedelta, BuiltinHold]]:
        """(start, end) of each built-in hold as wall offsets from T-0, latest first."""
        out, shift = [], timedelta(0)
        for h in self.builtin:
            end = h.mark - shift
            out.append((end - h.duration, end, h))
            shift += h.duration
        return out

    def _t_of(self, w: timedelta) -> timedelta:
        t = w
        for start, end, h in self._windows():
            if start <= w < end:
                return h.mark
            if w < start:
                t += h.duration
        return t

    def _w_of(self, t: timedelta) -> timedelta:
        """The wall offset at which the count shows ``t`` going on (a built-in hold at ``t`` is over)."""
        return t - sum((h.duration for h in self.builtin if h.mark > t), timedelta(0))

    def builtin_hold(self, now: datetime) -> tuple[BuiltinHold, timedelta] | None:
        """The built-in hold under way at ``now`` and the time left in it, if any."""
        if self.scrubbed or self.held_at is not None or self.anchor is None:
            return None
        w = now - self.anchor
        for start, end, h in self._windows():
            if start <= w < end:
                return h, end - w
        return None

    def t0_due(self, now: datetime) -> bool:
        """The count has reached T-0 in this attempt and nothing recorded it yet: whether it
        holds there depends on the decision (``decision.clock_view``)."""
        if self.scrubbed or self.held_at is not None or self.anchor is None or self.t0_passed:
            return False
        return now >= self.anchor

    @property
    def holding(self) -> bool:
        return self.held_at is not None

    @property
    def has_t0(self) -> bool:
        return self.anchor is not None or self.held_at is not None

    @property
    def state(self) -> str:
        if self.scrubbed:
            return "SCRUB"
        if not self.has_t0:
            return "NO T-0"
        return "HOLD" if self.holding else "COUNTING"

    def t(self, now: datetime) -> timedelta | None:
        """T at ``now``: negative before T-0 (T-01:00:00), positive after."""
        if self.scrubbed:
            return self.scrubbed_at
        if self.held_at is not None:
            return self.held_at
        if self.anchor is None:
            return None
        return self._t_of(now - self.anchor)

    def effective_t0(self, now: datetime) -> datetime | None:
        """When T-0 will be if the clock runs from ``now`` (moves later during a hold; none
        after a scrub)."""
        if self.scrubbed:
            return None
        if self.held_at is not None:
            return now - self._w_of(self.held_at)
        return self.anchor

    # -- transitions (called by state replay; validation is in actions) ---------------------
    def hold(self, at: datetime, reason: str, by: str) -> bool:
        if self.scrubbed or self.holding or self.anchor is None:
            return False
        self.held_at = self._t_of(at - self.anchor)
        self.hold_reason = reason
        self.holds.append(HoldRecord(start=at, reason=reason, by=by, t_value=self.held_at))
        return True

    def reach_t0(self, t0: datetime, go: bool, by: str) -> bool:
        """T-0 reached (``t0-reached``): with a GO the count goes on, without one it holds at
        T-0 from the moment T-0 came, however late a screen recorded it."""
        if self.scrubbed or self.held_at is not None or self.anchor != t0 or self.t0_passed:
            return False
        if go:
            self.t0_passed = True
            return True
        self.held_at, self.hold_reason, self.auto_held = timedelta(0), "no GO at T-0", True
        self.holds.append(HoldRecord(start=t0, reason=self.hold_reason, by=by, t_value=timedelta(0)))
        return True

    def resume(self, at: datetime, override: str = "", by: str = "") -> bool:
        if self.scrubbed or self.held_at is None:
            return False
        if self.held_at >= timedelta(0):
            self.t0_passed = True
            self.override, self.override_by = override, (by if override else "")
        self.anchor = at - self._w_of(self.held_at)
        self.held_at = None
        self.hold_reason, self.auto_held = "", False
        if self.holds and self.holds[-1].end is None:
            self.holds[-1].end = at
        return True

    def recycle(self, at: datetime, to: timedelta, reason: str, by: str) -> bool:
        if self.scrubbed or not self.has_t0:
            return False
        if not self.holding:
            self.holds.append(HoldRecord(start=at, reason=reason or "recycle", by=by, t_value=to))
        self.held_at = to
        self.hold_reason = reason or f"recycled to {format_tmark(to)}"
        self.recycles += 1
        self.auto_held = False
        if to < timedelta(0):
            self.t0_passed, self.override, self.override_by = False, "", ""
        return True

    def scrub(self, at: datetime, reason: str) -> bool:
        if self.scrubbed:
            return False
        if self.holds and self.holds[-1].end is None:
            self.holds[-1].end = at
        self.scrubbed_at = self.t(at)
        self.held_at, self.hold_reason, self.auto_held = None, "", False
        self.scrubbed, self.scrub_reason = True, reason
        return True

    def set_t0(self, t0: datetime, at: datetime | None = None) -> None:
        """A new T-0, set at ``at``: a hold under way ends then (not at the new T-0, which may be
        hours ahead: the report showed a 10-minute hold lasting until the new T-0)."""
        if self.scrubbed:
            self.attempt += 1
        self.anchor, self.held_at, self.hold_reason = t0, None, ""
        self.scrubbed, self.scrub_reason, self.scrubbed_at = False, "", None
        self.t0_passed, self.auto_held, self.override, self.override_by = False, False, "", ""
        if self.holds and self.holds[-1].end is None:
            self.holds[-1].end = at if at is not None else t0


def phase_index(phases: list[Phase], t: timedelta | None) -> int:
    """Index of the phase under way at T (-1 before the first, or when there is no clock)."""
    if t is None:
        return -1
    idx = -1
    for i, phase in enumerate(phases):
        if t >= phase.mark:
            idx = i
    return idx


def item_due(item: Item, phases: list[Phase]) -> timedelta | None:
    """An item is due at its ``due`` mark, else at the start of its phase."""
    if item.due is not None:
        return item.due
    if item.phase:
        try:
            mark = parse_tmark(item.phase)
        except ValueError:
            return None
        if any(phase.mark == mark for phase in phases):
            return mark
    return None


def is_overdue(item: Item, status: Status, phases: list[Phase], t: timedelta | None) -> bool:
    return past_due(item_due(item, phases), status, t)


def past_due(due: timedelta | None, status: Status, t: timedelta | None) -> bool:
    """Overdue: the clock has reached the due mark and the item is neither done nor skipped."""
    return t is not None and due is not None and not status.closed and t >= due
