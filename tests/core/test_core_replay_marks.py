"""The replay's ``}`` stops at every hold: the auto-hold at T-0 is one (QA: it was skipped,
the marks named an ``auto-hold`` kind that no event has)."""

from __future__ import annotations

from datetime import datetime, timezone

from warroom.events import HOLD, NOTE, SET_T0, SIGN, T0_REACHED, Event
from warroom.replay import ReplayCursor

AT = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def event(seq: int, kind: str) -> Event:
    return Event(seq=seq, ts=AT.strftime("%Y-%m-%dT%H:%M:%S.000Z"), op="op", kind=kind)


def test_the_next_mark_stops_at_the_count_reaching_t0() -> None:
    kinds = [SET_T0, NOTE, T0_REACHED, NOTE, SIGN, HOLD]
    cursor = ReplayCursor([event(i + 1, k) for i, k in enumerate(kinds)])
    stops = []
    while cursor.next_mark() is not None:
        stops.append(cursor.events[cursor.pos - 1].kind)
    assert stops == [T0_REACHED, SIGN, HOLD]
