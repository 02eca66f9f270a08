"""The T-clock, driven through Actions and the journal, read back by replay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core_support import BASE
from warroom.countdown import Countdown, is_overdue, item_due, phase_index
from warroom.errors import ActionError
from warroom.model import Status
from warroom.tmarks import format_clock

H, M = timedelta(hours=1), timedelta(minutes=1)
T0 = BASE + H  # the rooms below set T-0 one hour after the clock's start


@pytest.fixture
def counting(room):
    room.do("set_t0", T0)
    return room


def test_no_t0_means_no_clock_and_nothing_to_hold(room) -> None:
    state = room.state
    assert state.countdown.state == "NO T-0" and state.countdown.t(BASE) is None
    with pytest.raises(ActionError, match="no T-0"):
        room.do("hold", "weather")
    with pytest.raises(ActionError, match="not holding"):
        room.do("resume")


def test_counting_down_to_t0(counting, clock) -> None:
    cd = counting.state.countdown
    assert cd.state == "COUNTING"
    assert cd.t(BASE) == -H and format_clock(cd.t(BASE)) == "T-01:00:00"
    assert cd.t(T0 + 10 * M) == 10 * M
    assert cd.effective_t0(BASE) == T0


def test_a_hold_stops_the_clock_and_moves_t0_later_by_its_length(counting, clock) -> None:
    clock.advance(minutes=10)
    counting.do("hold", "payment provider incident")
    clock.advance(minutes=25)
    held = counting.state.countdown
    assert held.state == "HOLD" and held.holding and held.hold_reason == "payment provider incident"
    assert held.t(clock.now) == -50 * M  # frozen at the mark where the hold began
    assert held.effective_t0(clock.now) == T0 + 25 * M
    with pytest.raises(ActionError, match="already holding"):
        counting.do("hold", "again")

    counting.do("resume")
    cd = counting.state.countdown
    assert cd.state == "COUNTING" and not cd.holding
    assert cd.t(clock.now) == -50 * M
    assert cd.t(clock.now + 5 * M) == -45 * M
    assert cd.effective_t0(clock.now) == T0 + 25 * M
    assert [(h.reason, h.end - h.start, h.t_value) for h in cd.holds] == [("payment provider incident", 25 * M, -50 * M)]


def test_two_holds_add_up(counting, clock) -> None:
    for hold in (5, 7):
        clock.advance(minutes=10)
        counting.do("hold", f"hold of {hold}")
        clock.advance(minutes=hold)
        counting.do("resume")
    assert counting.state.countdown.effective_t0(clock.now) == T0 + 12 * M


def test_recycle_sets_the_clock_back_and_holds_there_until_resumed(counting, clock) -> None:
    clock.advance(minutes=40)  # T-20m
    counting.do("recycle", "T-1h", "migration rolled back")
    clock.advance(minutes=30)
    cd = counting.state.countdown
    assert cd.state == "HOLD" and cd.t(clock.now) == -H and cd.recycles == 1
    counting.do("resume")
    cd = counting.state.countdown
    assert cd.t(clock.now) == -H and cd.t(clock.now + 15 * M) == -45 * M
    assert cd.effective_t0(clock.now) == clock.now + H


def test_recycle_only_goes_back(counting, clock) -> None:
    clock.advance(minutes=40)  # T-20m
    with pytest.raises(ActionError, match="earlier mark"):
        counting.do("recycle", "T-10m")
    with pytest.raises(ActionError, match="T-mark"):
        counting.do("recycle", "soon")
    assert counting.state.countdown.recycles == 0


def test_scrub_ends_the_attempt_and_a_new_t0_starts_the_next(counting, clock) -> None:
    clock.advance(minutes=10)
    counting.do("hold", "weather")
    counting.do("scrub", "provider outage")
    cd = counting.state.countdown
    assert cd.state == "SCRUB" and cd.scrubbed and cd.scrub_reason == "provider outage" and cd.attempt == 1
    for action, args in (("hold", ("x",)), ("resume", ()), ("scrub", ("again",)), ("recycle", ("T-1h",))):
        with pytest.raises(ActionError):
            counting.do(action, *args)
    counting.do("set_t0", "2026-11-24T12:00:00Z")
    cd = counting.state.countdown
    assert cd.state == "COUNTING" and cd.attempt == 2 and not cd.scrubbed
    assert cd.t(BASE + 24 * H) == 0 * M


def test_actions_refuse_empty_reasons(counting) -> None:
    with pytest.raises(ActionError, match="reason"):
        counting.do("hold", "  ")
    with pytest.raises(ActionError, match="reason"):
        counting.do("scrub", "")
    with pytest.raises(ActionError):
        counting.do("set_t0", "2026-11-24T12:00:00")  # no zone


def test_state_as_of_a_time_is_the_replay_of_the_events_until_then(counting, clock) -> None:
    from warroom.journal import Journal
    from warroom.state import LaunchState

    clock.advance(minutes=10)
    counting.do("hold", "weather")
    clock.advance(minutes=10)
    counting.do("resume")
    events = Journal(counting.ws.journal_path, read_only=True).load().events
    as_of = LaunchState.replay(counting.ws, [e for e in events if e.at <= BASE + 15 * M])
    assert as_of.countdown.state == "HOLD"
    assert LaunchState.replay(counting.ws, events).countdown.state == "COUNTING"


# -- phases and overdue ----------------------------------------------------------------------

def test_phase_index_follows_the_layout_phases(ws) -> None:
    phases = ws.layout.phases
    assert [p.label for p in phases] == ["T-24h", "T-4h", "T-1h", "T-0", "T+1h", "T+4h", "T+24h"]
    assert phase_index(phases, None) == -1
    assert phase_index(phases, -48 * H) == -1
    assert phase_index(phases, -24 * H) == 0
    assert phase_index(phases, -90 * M) == 1
    assert phase_index(phases, -H) == 2
    assert phase_index(phases, 0 * M) == 3
    assert phase_index(phases, 30 * H) == 6


def test_an_item_is_due_when_its_phase_begins_or_at_its_own_due_mark(ws) -> None:
    phases = ws.layout.phases
    item = ws.items["payments-v2/launch-day/db-migration"]
    assert item.phase == "T-1h" and item_due(item, phases) == -H
    assert not is_overdue(item, Status.TODO, phases, -61 * M)
    assert is_overdue(item, Status.TODO, phases, -H)
    assert is_overdue(item, Status.IN_PROGRESS, phases, -30 * M)
    assert is_overdue(item, Status.BLOCKED, phases, -30 * M)
    assert not is_overdue(item, Status.DONE, phases, -30 * M)
    assert not is_overdue(item, Status.SKIPPED, phases, -30 * M)
    assert not is_overdue(item, Status.TODO, phases, None)
    from dataclasses import replace

    early = replace(item, due=-2 * H)
    assert item_due(early, phases) == -2 * H and is_overdue(early, Status.TODO, phases, -90 * M)
    no_phase = replace(item, phase="", due=None)
    assert item_due(no_phase, phases) is None and not is_overdue(no_phase, Status.TODO, phases, 50 * H)


def test_overdue_items_follow_the_clock_and_the_ticks(counting, clock) -> None:
    def overdue(at) -> list[str]:
        return sorted(i.local_id for i in counting.state.overdue(at))

    # T-2h: the T-24h and T-4h phases have begun; 'freeze' is done in the checklist already
    assert overdue(T0 - 2 * H) == ["load-test", "pen-test", "runbook"]
    counting.do("tick", "load-test")
    counting.do("set_status", "pen-test", "skipped", "done by the vendor last week")
    assert overdue(T0 - 2 * H) == ["runbook"]
    assert overdue(T0 - 30 * M) == ["db-migration", "runbook"]
    # a hold freezes T, so nothing new becomes overdue while holding
    clock.advance(minutes=20)  # T-40m
    counting.do("hold", "weather")
    assert overdue(T0 + 5 * H) == ["db-migration", "runbook"]


def test_a_countdown_from_scratch_ignores_transitions_that_do_not_apply() -> None:
    cd = Countdown.from_t0(None)
    assert not cd.hold(BASE, "x", "op") and not cd.resume(BASE) and not cd.recycle(BASE, -H, "", "op")
    cd.set_t0(T0)
    assert cd.hold(BASE, "x", "op") and not cd.hold(BASE, "again", "op")
    assert cd.scrub(BASE, "done") and not cd.scrub(BASE, "twice") and not cd.resume(BASE)
