"""Replaying events: all at once equals one at a time, through any follower chunking; never raises."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from core_support import BASE, DEMO_LAYOUT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.decision import decide
from warroom.events import (
    ASSESS,
    HOLD,
    KINDS,
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
from warroom.journal import Follower, Journal
from warroom.state import LaunchState
from warroom.workspace import Workspace, load_workspace

# targets that exist in the bundled demo (whatever it holds today) mixed with ones that do not
_DEMO = load_workspace(DEMO_LAYOUT)
ITEMS = sorted(_DEMO.items)
ROLES = [r.name for r in _DEMO.layout.roles]
CRITERIA = [c.id for c in _DEMO.layout.criteria] + [getattr(t, "name", "") for t in _DEMO.layout.tiles]
JUNK = st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=6), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
TARGETS = st.one_of(st.sampled_from(ITEMS + ROLES + CRITERIA + [""]), st.text(max_size=8))


def _payload(kind: str):
    good = {
        SET_STATUS: st.fixed_dictionaries({"status": st.sampled_from(["todo", "in-progress", "done", "blocked", "skipped"])},
                                            optional={"reason": st.text(max_size=5)}),
        NOTE: st.fixed_dictionaries({"text": st.text(max_size=8)}),
        SIGN: st.fixed_dictionaries({"decision": st.sampled_from(["GO", "NO-GO", "go", "maybe"]), "comment": st.text(max_size=4)}),
        POLL_ANSWER: st.fixed_dictionaries({"decision": st.sampled_from(["GO", "NO-GO"]), "comment": st.just("")}),
        HOLD: st.fixed_dictionaries({"reason": st.text(max_size=5)}),
        RESUME: st.just({}),
        RECYCLE: st.fixed_dictionaries({"to": st.sampled_from(["T-1h", "T-30m", "T-0", "T+10m", "soon"])}),
        SCRUB: st.fixed_dictionaries({"reason": st.text(max_size=5)}),
        SET_T0: st.fixed_dictionaries({"t0": st.sampled_from(["2026-11-23T13:00:00Z", "2026-11-23T12:30:00+01:00", "not a time"])}),
        POLL_START: st.fixed_dictionaries({"roles": st.lists(st.sampled_from(ROLES), min_size=1, max_size=5, unique=True)}),
        POLL_CANCEL: st.just({}),
        ASSESS: st.fixed_dictionaries({"result": st.sampled_from(["pass", "fail", "meh"])}, optional={"value": st.text(max_size=3)}),
        METRIC_STATE: st.fixed_dictionaries({"state": st.sampled_from(["ok", "breach", "stale"]), "value": JUNK}),
        ROLLBACK: st.fixed_dictionaries({"state": st.sampled_from(["fired", "cleared"])}),
        RUN_START: st.fixed_dictionaries({"run": st.sampled_from(["a", "b"]), "host": st.just("h"), "pid": st.integers(0, 2)}),
        RUN_END: st.fixed_dictionaries({"run": st.sampled_from(["a", "b"]), "exit": st.integers(0, 2)}),
        RUN_RELEASE: st.fixed_dictionaries({"run": st.sampled_from(["a", "b"]), "reason": st.text(max_size=3)}),
    }.get(kind, st.just({}))
    bad = st.dictionaries(st.sampled_from(["status", "text", "decision", "to", "t0", "roles", "result", "state", "run", "pid", "x"]), JUNK, max_size=3)
    return st.one_of(good, good, good, bad)


@st.composite
def event_specs(draw):
    kind = draw(st.one_of(st.sampled_from(KINDS), st.sampled_from(["launch-party", ""])))
    target = draw(TARGETS)
    payload = draw(_payload(kind))
    gap = draw(st.integers(0, 900))
    return kind, target, payload, gap


@st.composite
def hand_edited_specs(draw):
    """Also what a hand-edited or foreign journal may hold: a payload that is not a mapping, a bad time."""
    kind, target, payload, gap = draw(event_specs())
    payload = draw(st.one_of(st.just(payload), st.just(payload), st.lists(st.integers(), max_size=2), st.text(max_size=3)))
    return kind, target, payload, draw(st.one_of(st.just(gap), st.just(gap), st.just(-1)))


def _events(specs) -> list[Event]:
    out, t = [], BASE - timedelta(hours=2)
    for seq, (kind, target, payload, gap) in enumerate(specs, start=1):
        t += timedelta(seconds=max(gap, 0))
        ts = t.isoformat(timespec="milliseconds").replace("+00:00", "Z") if gap >= 0 else "yesterday-ish"
        out.append(Event(seq, ts, "op", kind, target, payload, "", f"h{seq}"))
    return out


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(specs=st.lists(hand_edited_specs(), max_size=30), cut=st.integers(0, 30))
def test_replay_at_once_equals_applying_one_at_a_time(demo_ws: Workspace, specs, cut) -> None:
    evs = _events(specs)
    state = LaunchState.replay(demo_ws, evs)
    at_once = state.snapshot()
    one_by_one = LaunchState(demo_ws)
    for i, ev in enumerate(evs):
        one_by_one.apply(ev)
        if i + 1 == cut:  # "as of" any moment equals replaying the prefix
            assert one_by_one.snapshot() == LaunchState.replay(demo_ws, evs[:cut]).snapshot()
    assert one_by_one.snapshot() == at_once
    # an event that does not fit is kept in `ignored` with a reason, never raised
    assert all(isinstance(seq, int) and reason for seq, reason in at_once["ignored"])
    assert at_once["last_seq"] == len(evs)
    # and every question asked of any such state has an answer
    decision = decide(state)
    assert decision.verdict in ("GO", "NO-GO", "PENDING")
    assert (decision.verdict == "GO") == (not decision.reasons)
    state.overdue(BASE + timedelta(hours=3))
    for sign in state.signoffs.values():
        state.stale_reason(sign)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(specs=st.lists(event_specs(), min_size=1, max_size=16), chunks=st.lists(st.integers(1, 5), min_size=1, max_size=16))
def test_a_follower_applying_events_as_they_arrive_ends_in_the_loaded_state(demo_ws: Workspace, specs, chunks) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.journal.yaml"
        follower = Follower(path)
        live = LaunchState(demo_ws)
        with Journal(path) as j:
            i, c = 0, 0
            while i < len(specs):
                for kind, target, payload, gap in specs[i: i + chunks[c % len(chunks)]]:
                    j.append(kind, target, payload, op="op", now=BASE + timedelta(seconds=gap))
                    i += 1
                c += 1
                for ev in follower.poll():
                    live.apply(ev)
        loaded = Journal(path, read_only=True).load()
        assert not loaded.issues and not follower.issues
        assert live.snapshot() == LaunchState.replay(demo_ws, loaded.events).snapshot()
        assert live.last_seq == len(specs) and live.head_hash == loaded.events[-1].hash
