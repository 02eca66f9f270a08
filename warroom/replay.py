"""Replaying a journal: a cursor over its events that says which events the screen must apply
to move (the same ``JournalEvents`` path the live follower feeds), and when.

Forward moves hand over the events between the old and the new position; a backward move hands
over the whole prefix with ``reset`` (the state is replayed from the start, as after a journal
was replaced). Playing at a speed waits the recorded gap between two events divided by the speed
(capped, so a night without events does not stall the replay).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from warroom.as_of import AsOf
from warroom.events import HOLD, POLL_ANSWER, RECYCLE, SCRUB, SIGN, T0_REACHED, Event

# ``}``: the next of these. The count reaching T-0 (the auto-hold without a GO) is a hold too:
# its event kind is ``t0-reached`` (there is no ``auto-hold`` kind).
MARKS = frozenset({HOLD, RECYCLE, SCRUB, SIGN, POLL_ANSWER, T0_REACHED})
SPEEDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
MAX_GAP = 2.0  # wall seconds at most between two events while playing


@dataclass
class Move:
    events: list[Event]
    reset: bool


class ReplayCursor:
    """``pos`` events of ``events`` are applied (0: none). ``moment`` is the time the screen shows."""

    def __init__(self, events: Sequence[Event], pos: int = 0, at: datetime | None = None) -> None:
        self.events = list(events)
        self.pos = max(0, min(pos, len(self.events)))
        self.at = at  # an --as-of time between two events: the clock reads it, not the last event's
        self.speed_index = 3
        self.playing = False

    @classmethod
    def as_of(cls, events: Sequence[Event], as_of: AsOf) -> "ReplayCursor":
        return cls(events, len(as_of.prefix(events)), as_of.time)

    @property
    def moment(self) -> datetime | None:
        if self.at is not None:
            return self.at
        if self.pos:
            return self.events[self.pos - 1].at
        return self.events[0].at if self.events else None

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    @property
    def at_end(self) -> bool:
        return self.pos >= len(self.events)

    def seek(self, pos: int) -> Move:
        pos = max(0, min(pos, len(self.events)))
        self.at = None
        if pos >= self.pos:
            move = Move(self.events[self.pos:pos], False)
        else:
            move = Move(self.events[:pos], True)
        self.pos = pos
        return move

    def step(self, n: int = 1) -> Move:
        return self.seek(self.pos + n)

    def next_mark(self, forward: bool = True) -> Move | None:
        """To the next (or previous) hold, recycle, scrub or sign-off; None when there is none."""
        if forward:
            for i in range(self.pos, len(self.events)):
                if self.events[i].kind in MARKS:
                    return self.seek(i + 1)
            return None
        for i in range(self.pos - 2, -1, -1):
            if self.events[i].kind in MARKS:
                return self.seek(i + 1)
        return None

    def faster(self, up: bool = True) -> float:
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + (1 if up else -1)))
        return self.speed

    def delay(self) -> float:
        """Wall seconds to wait before the next event while playing."""
        if self.at_end:
            return 0.0
        nxt = self.events[self.pos].at
        now = self.moment or nxt
        return max(0.0, min(MAX_GAP, (nxt - now).total_seconds() / self.speed))

    def describe(self) -> str:
        where = f"{self.pos}/{len(self.events)}"
        state = f"playing ×{self.speed:g}" if self.playing else f"paused (×{self.speed:g})"
        moment = self.moment
        when = moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment is not None else "no events"
        return f"REPLAY {where} · {when} · {state}"
