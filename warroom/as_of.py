"""The war room as of any moment: the journal's prefix up to a time or a sequence number,
replayed through the same ``LaunchState`` the live screen uses, with the tiles the metric
history had then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from warroom.errors import ActionError
from warroom.events import Event
from warroom.evidence import observed_from_history
from warroom.metrics.history import HistSample
from warroom.state import LaunchState
from warroom.tmarks import parse_time


@dataclass(frozen=True)
class AsOf:
    """``SEQ`` (the state right after event SEQ) or a time (every event at or before it)."""

    seq: int | None = None
    time: datetime | None = None

    @classmethod
    def parse(cls, text: str) -> "AsOf":
        text = text.strip()
        if text.isdigit():
            return cls(seq=int(text))
        try:
            return cls(time=parse_time(text))
        except ValueError as exc:
            raise ActionError(f"--as-of: expected an event number or an ISO 8601 time with a zone: {exc}") from None

    def includes(self, ev: Event) -> bool:
        return ev.seq <= self.seq if self.seq is not None else ev.at <= self.time  # type: ignore[operator]

    def prefix(self, events: Sequence[Event]) -> list[Event]:
        """The events up to this moment (the journal is in seq order, so a prefix)."""
        out = []
        for ev in events:
            if (self.seq is not None and ev.seq > self.seq) or (self.time is not None and ev.at > self.time):
                break
            out.append(ev)
        return out

    def moment(self, events: Sequence[Event], now: datetime) -> datetime:
        """The wall time the clock is read at: the time given, or the event's own time."""
        if self.time is not None:
            return self.time
        prefix = self.prefix(events)
        return prefix[-1].at if prefix else (events[0].at if events else now)


def replay_as_of(ws: Any, events: Sequence[Event], as_of: AsOf) -> LaunchState:
    return LaunchState.replay(ws, as_of.prefix(events))


def tiles_as_of(ws: Any, samples: dict[str, list[HistSample]], at: datetime) -> dict[str, Any]:
    """Each tile as the metric history had it at ``at`` (its latest sample no older than two intervals)."""
    t = at.timestamp()
    before = {name: [s for s in rows if s.t <= t] for name, rows in samples.items()}
    return observed_from_history(ws, before, t)
