"""Launch day as a director runs it: the hold at T-0 without a GO, built-in holds, a PASS that
contradicts its threshold, poll answers that keep a role's comment, rollback triggers by hand,
reason kinds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core_support import BASE, Clock, Room
from warroom.actions import Actions
from warroom.decision import AUTO_HOLD_REASON, REASON_KINDS, clock_view, decide
from warroom.errors import ActionError
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.errors import InputError
from warroom.workspace import load_workspace

M, H = timedelta(minutes=1), timedelta(hours=1)
T0 = BASE + H
REQUIRED = ["Product Owner", "Tech Lead", "Security", "Operations"]

EXTRA = """
holds:
  - {at: T-10m, for: 10m, name: go/no-go poll}
  - {at: T-30m, for: 5m, name: weather}
rollback:
  - {id: errors-up, name: Error rate above 1%, threshold: "> 1%"}
"""


@pytest.fixture
def layout(demo_dir: Path) -> Path:
    path = demo_dir / "layouts" / "demo.yaml"
    text = path.read_text().replace(
        '  - {id: support-ready, name: Support team briefed, required: false}',
        '  - {id: support-ready, name: Support team briefed, required: false}\n'
        '  - {id: latency, name: API Latency P95, threshold: "< 500ms"}\n'
        '  - {id: schedule, name: Backups run, threshold: Hourly, required: false}')
    path.write_text(text.replace("screen:", EXTRA.strip() + "\nscreen:", 1))
    return path


@pytest.fixture
def day(layout: Path, clock: Clock):
    r = Room(load_workspace(layout), clock)
    r.do("set_t0", T0)
    yield r
    r.journal.close()


def all_go(room: Room) -> None:
    for role in REQUIRED:
        room.do("sign", role, "go")
    room.do("assess", "load-test-signed", "pass")
    room.do("assess", "latency", "pass", "320ms")
    for item in room.ws.critical_items():
        room.do("set_status", item.id, "done")


# -- built-in holds ---------------------------------------------------------------------------
def test_built_in_holds_stop_the_count_at_their_mark_and_t0_stays_the_launch_time(day, clock) -> None:
    cd = day.state.countdown
    assert [(h.name, h.mark) for h in cd.builtin] == [("go/no-go poll", -10 * M), ("weather", -30 * M)]
    # the count runs 15 minutes early before both holds, 10 minutes between them
    assert cd.t(T0 - 60 * M) == -45 * M
    assert cd.t(T0 - 45 * M) == -30 * M and cd.builtin_hold(T0 - 45 * M)[0].name == "weather"
    assert cd.t(T0 - 41 * M) == -30 * M and cd.builtin_hold(T0 - 41 * M)[1] == M
    assert cd.t(T0 - 40 * M) == -30 * M and cd.builtin_hold(T0 - 40 * M) is None
    assert cd.t(T0 - 25 * M) == -15 * M
    assert cd.t(T0 - 22 * M) == -12 * M
    assert cd.t(T0 - 15 * M) == -10 * M and cd.builtin_hold(T0 - 15 * M) == (cd.builtin[0], 5 * M)
    assert cd.t(T0 - 10 * M) == -10 * M and cd.builtin_hold(T0 - 10 * M) is None
    assert cd.t(T0 - 5 * M) == -5 * M
    assert cd.t(T0) == timedelta(0) and cd.t(T0 + 3 * M) == 3 * M
    assert cd.effective_t0(BASE) == T0


def test_a_hold_in_the_count_resumes_the_count_where_it_stopped_built_in_holds_still_to_come(day, clock) -> None:
    clock.now = T0 - 60 * M  # T-45m
    day.do("hold", "a question")
    clock.advance(minutes=7)
    day.do("resume")
    cd = day.state.countdown
    assert cd.t(clock.now) == -45 * M
    assert cd.t(clock.now + 15 * M) == -30 * M and cd.builtin_hold(clock.now + 15 * M) is not None
    assert cd.effective_t0(clock.now) == T0 + 7 * M


@pytest.mark.parametrize("entry, message", [
    ("{at: T+5m, for: 5m}", "a built-in hold comes before T-0"),
    ("{at: T-5m, for: soon}", "unparsable duration for 'for'"),
    ("{at: T-5m}", "missing required key 'for'"),
    ("{at: never, for: 5m}", "unparsable time for 'at'"),
    ("{at: T-5m, for: 5m, lenght: 3}", "lenght"),
])
def test_a_bad_hold_is_a_clear_error_where_it_is_written(layout: Path, entry: str, message: str) -> None:
    text = layout.read_text().replace("  - {at: T-30m, for: 5m, name: weather}", f"  - {entry}")
    layout.write_text(text)
    with pytest.raises(InputError) as exc:
        load_workspace(layout)
    shown = str(exc.value)
    assert message in shown and f"{layout.name}:" in shown


# -- the hold at T-0 without a GO --------------------------------------------------------------
def test_reaching_t0_without_a_go_holds_the_count_in_every_view_before_anything_is_journaled(day, clock) -> None:
    clock.now = T0 + 45 * timedelta(seconds=1)
    state = day.state
    decision = decide(state)
    assert decision.verdict != "GO"
    view = clock_view(state, clock.now, decision)
    assert (view.state, view.t, view.hold_reason, view.auto, view.auto_pending) == ("HOLD", timedelta(0), AUTO_HOLD_REASON, True, True)
    assert state.countdown.state == "COUNTING"  # nothing journaled: the hold is derived

    event = day.do("t0_reached", decision.verdict, [r.text for r in decision.reasons])
    assert event is not None and event.kind == "t0-reached" and event.payload["verdict"] == "PENDING"
    assert day.do("t0_reached", "PENDING") is None  # recorded already: not again
    held = day.state
    cd = held.countdown
    assert cd.state == "HOLD" and cd.auto_held and cd.t(clock.now + 10 * M) == timedelta(0)
    assert cd.holds[-1].start == T0  # the hold began at T-0, not when a screen noticed it
    kinds = [r.kind for r in decide(held).reasons]
    assert "auto-hold" in kinds and set(kinds) <= set(REASON_KINDS)
    assert [r.stale_reason for r in decide(held).roles if r.state == "stale"] == []  # the auto-hold stales no GO


def test_two_writers_seeing_t0_at_once_record_it_once(day, clock, ws_journal_twice) -> None:
    clock.now = T0 + 2 * M
    stale = day.state  # both screens decided on the same state before either wrote
    first, second = ws_journal_twice
    assert first.t0_reached(stale, "PENDING") is not None
    assert second.t0_reached(stale, "PENDING") is None
    assert [e.kind for e in Journal(day.ws.journal_path, read_only=True).load().events].count("t0-reached") == 1


@pytest.fixture
def ws_journal_twice(day, clock):
    a, b = Journal(day.ws.journal_path), Journal(day.ws.journal_path)
    yield Actions(a, "ana@one", now=clock), Actions(b, "bo@two", now=clock)
    a.close()
    b.close()


def test_resuming_past_t0_needs_a_go_or_an_override_with_a_reason(day, clock) -> None:
    clock.now = T0 + M
    day.do("t0_reached", "PENDING")
    with pytest.raises(ActionError, match="needs a GO, or an override"):
        day.do("resume")
    clock.advance(minutes=4)
    event = day.do("resume", override="the CEO accepts the risk")
    assert event.payload == {"override": "the CEO accepts the risk"}
    cd = day.state.countdown
    assert cd.state == "COUNTING" and cd.t(clock.now) == timedelta(0) and cd.t(clock.now + M) == M
    assert cd.override == "the CEO accepts the risk" and cd.override_by == "ana@bastion"
    reasons = decide(day.state).reasons
    assert [r.kind for r in reasons if r.kind == "override"] == ["override"]
    assert "override by ana@bastion: the CEO accepts the risk" in [r for r in reasons if r.kind == "override"][0].text
    assert clock_view(day.state, clock.now + M, decide(day.state)).state == "COUNTING"  # T-0 is behind: no second hold


def test_with_a_go_t0_is_passed_and_resume_past_it_needs_no_override(day, clock) -> None:
    all_go(day)
    clock.now = T0 + M
    decision = decide(day.state)
    assert decision.verdict == "GO" and clock_view(day.state, clock.now, decision).state == "COUNTING"
    day.do("t0_reached", "GO")
    assert day.state.countdown.t0_passed
    day.do("hold", "a wobble")
    with pytest.raises(ActionError, match="needs a GO"):  # the hold made every GO stale
        day.do("resume")
    for role in REQUIRED:
        day.do("sign", role, "go")
    assert day.do("resume").payload == {}
    assert day.state.countdown.override == ""


def test_an_override_before_t0_is_refused(day, clock) -> None:
    day.do("hold", "wait")
    with pytest.raises(ActionError, match="only for resuming past T-0"):
        day.do("resume", override="why not")


def test_a_recycle_before_t0_brings_the_hold_at_t0_back(day, clock) -> None:
    clock.now = T0 + M
    day.do("t0_reached", "PENDING")
    day.do("resume", override="go anyway")
    day.do("recycle", "T-5m", "a second try")
    clock.advance(minutes=1)
    day.do("resume")
    cd = day.state.countdown
    assert not cd.t0_passed and not cd.override
    assert clock_view(day.state, clock.now + 6 * M, decide(day.state)).auto_pending


def test_t0_on_the_cli_accepts_a_delay_from_now(day, clock) -> None:
    event = day.do("set_t0", "30m")
    assert event.payload["t0"] == "2026-11-23T12:30:00.000Z"
    with pytest.raises(ActionError, match="or a delay from now like 30m"):
        day.do("set_t0", "soonish")


# -- a PASS against its threshold ----------------------------------------------------------------
@pytest.mark.parametrize("value", ["900ms", "0.9s", "500 ms", "1.2 s"])
def test_a_pass_whose_value_contradicts_its_threshold_is_refused(day, value: str) -> None:
    with pytest.raises(ActionError, match=f"the value {value} does not meet the threshold '< 500ms'"):
        day.do("assess", "latency", "pass", value)
    assert "latency" not in day.state.assessments


@pytest.mark.parametrize("value", ["320ms", "0.3s", "499.9ms"])
def test_a_pass_whose_value_meets_its_threshold_in_any_unit_is_recorded(day, value: str) -> None:
    day.do("assess", "latency", "pass", value)
    view = [c for c in decide(day.state).criteria if c.criterion.id == "latency"][0]
    assert view.state == "pass" and "unverified" not in view.detail


def test_a_bare_number_is_read_in_the_thresholds_unit(day) -> None:
    """QA: ``assess cfur pass --value 99.7`` against '>= 99.8%' was recorded: a value without a
    unit skipped the check (no unit cannot be converted to %). It is read in the threshold's unit."""
    with pytest.raises(ActionError, match=r"the value 900 \(read as 900ms\) does not meet the threshold '< 500ms'"):
        day.do("assess", "latency", "pass", "900")
    assert "latency" not in day.state.assessments
    day.do("assess", "latency", "pass", "320")
    assert day.state.assessments["latency"].result == "pass"


def test_an_override_records_a_contradicting_pass_and_the_record_shows_why(day) -> None:
    event = day.do("assess", "latency", "pass", "900ms", override="one slow region, accepted by Ops")
    assert event.payload["override"] == "one slow region, accepted by Ops"
    view = [c for c in decide(day.state).criteria if c.criterion.id == "latency"][0]
    assert view.state == "pass" and "override: one slow region, accepted by Ops" in view.detail
    assert "override: one slow region" in event.describe()


def test_a_pass_without_a_value_stands_unverified_and_a_fail_or_a_word_threshold_is_not_checked(day) -> None:
    day.do("assess", "latency", "pass")
    view = [c for c in decide(day.state).criteria if c.criterion.id == "latency"][0]
    assert view.state == "pass" and "unverified: no value given" in view.detail
    day.do("assess", "latency", "fail", "900ms")  # a fail is what the value says: nothing to check
    day.do("assess", "schedule", "pass", "daily")  # 'Hourly' is not a number
    day.do("assess", "load-test-signed", "pass", "900ms")  # 'passed' is not a number
    with pytest.raises(ActionError, match="only for a PASS whose value contradicts"):
        day.do("assess", "latency", "pass", "300ms", override="because")
    day.do("assess", "latency", "pass", "12 widgets")  # units of another kind: cannot be told


def test_a_new_t0_ends_the_hold_under_way_when_it_is_set_not_at_the_new_t0(day, clock) -> None:
    """QA: a hold ended by setting a new T-0 30 minutes ahead showed in the report as lasting
    until that new T-0 (43m13s for a hold of 13 minutes)."""
    clock.now = T0 - 20 * M
    day.do("hold", "security check")
    clock.advance(minutes=5)
    set_at = clock.now
    day.do("set_t0", set_at + 30 * M)
    hold = day.state.countdown.holds[-1]
    assert (hold.reason, hold.start, hold.end) == ("security check", T0 - 20 * M, set_at)


# -- rollback triggers by hand -----------------------------------------------------------------
def test_a_rollback_trigger_is_assessed_fired_or_not_fired_never_pass(day) -> None:
    with pytest.raises(ActionError, match="rollback trigger: it is assessed 'fired' or 'not-fired', not 'pass'"):
        day.do("assess", "errors-up", "pass")
    day.do("assess", "errors-up", "fired", "1.4%")
    view = [c for c in decide(day.state).criteria if c.criterion.id == "errors-up"][0]
    assert view.state == "fail" and view.detail.startswith("fired by ana@bastion (1.4%)")
    day.do("assess", "errors-up", "not fired")
    view = [c for c in decide(day.state).criteria if c.criterion.id == "errors-up"][0]
    assert view.state == "pass" and view.detail.startswith("not fired by")


def test_not_fired_with_a_value_that_meets_the_trigger_is_refused_unless_overridden(day) -> None:
    """QA: 'assess rollback-error-rate not-fired --value 2.5%' against '> 1%' was recorded and
    shown as ✓ not fired: the dangerous contradiction (a rollback missed) went unchecked."""
    with pytest.raises(ActionError, match=r"the value 2.5% meets the rollback trigger '> 1%': NOT FIRED needs"):
        day.do("assess", "errors-up", "not-fired", "2.5%")
    assert "errors-up" not in day.state.assessments
    day.do("assess", "errors-up", "not-fired", "0.4%")  # under the trigger: all clear
    day.do("assess", "errors-up", "fired", "0.8%")  # fired by judgement: the safe side stands
    event = day.do("assess", "errors-up", "not-fired", "2.5%", override="a known batch job, not users")
    assert event.payload["override"] == "a known batch job, not users"


# -- the poll keeps a role's comment -------------------------------------------------------------
def test_a_poll_answer_keeps_the_comment_the_role_signed_with(day) -> None:
    day.do("sign", "Product Owner", "go", "product ready, comms drafted")
    day.do("poll_start")
    day.do("poll_answer", "go")
    assert day.state.signoffs["Product Owner"].comment == "product ready, comms drafted"
    day.do("poll_answer", "go", "new words")
    assert day.state.signoffs["Tech Lead"].comment == "new words"


def test_a_poll_answer_that_changes_the_decision_does_not_carry_the_old_comment(day) -> None:
    day.do("sign", "Product Owner", "go", "all good")
    day.do("poll_start")
    with pytest.raises(ActionError, match="needs a comment"):
        day.do("poll_answer", "no-go")
    day.do("poll_answer", "no-go", "a late bug")
    assert day.state.signoffs["Product Owner"].comment == "a late bug"


def test_replay_of_the_launch_day_events_is_the_same_state_twice(day, clock) -> None:
    clock.now = T0 + M
    day.do("t0_reached", "PENDING")
    day.do("resume", override="go")
    events = Journal(day.ws.journal_path, read_only=True).load().events
    a, b = LaunchState.replay(day.ws, events), LaunchState.replay(day.ws, events)
    assert a.snapshot() == b.snapshot() and a.ignored == []
