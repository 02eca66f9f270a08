"""The go/no-go decision over the demo war room, every state reached through Actions + replay."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from core_support import BASE, Clock, Room
from warroom.decision import GO, NO_GO, PENDING, decide
from warroom.errors import ActionError
from warroom.workspace import load_workspace

REQUIRED = ["Product Owner", "Tech Lead", "Security", "Operations"]
CRITICAL = ["load-test", "pen-test", "db-migration", "feature-flag"]


def _all_go(room: Room) -> None:
    for item in CRITICAL:
        room.do("tick", item)
    room.do("assess", "load-test-signed", "pass", "report #42")
    for role in REQUIRED:
        room.do("sign", role, "go")


def _reasons(room: Room, tiles=None) -> list[tuple[str, str, str]]:
    return [(r.verdict, r.kind, r.target) for r in decide(room.state, tiles).reasons]


def test_a_fresh_launch_is_pending_with_every_reason(room) -> None:
    d = decide(room.state)
    assert d.verdict == PENDING
    assert sorted((r.kind, r.target) for r in d.reasons) == sorted(
        [("role", r) for r in REQUIRED]
        + [("item", f"payments-v2/{s}") for s in ("pre-launch/load-test", "pre-launch/pen-test", "launch-day/db-migration", "launch-day/feature-flag")]
        + [("criterion", "load-test-signed")])
    texts = [r.text for r in d.reasons]
    assert "Security has not signed" in texts
    assert "criterion Load test report signed off (passed): not assessed yet" in texts
    # non-required role and criterion never appear as reasons
    assert not any("Support" in t for t in texts)
    assert [rv.name for rv in d.roles] == REQUIRED + ["Support"]


def test_go_only_when_everything_holds(room) -> None:
    _all_go(room)
    d = decide(room.state)
    assert (d.verdict, d.reasons) == (GO, [])
    assert all(rv.state == "GO" for rv in d.roles if rv.required)
    assert [cv.state for cv in d.criteria] == ["pass", "unknown"]


@pytest.mark.parametrize("missing", ["role", "item", "criterion"])
def test_any_one_thing_missing_keeps_it_pending(room, missing) -> None:
    for item in CRITICAL if missing != "item" else CRITICAL[1:]:
        room.do("tick", item)
    if missing != "criterion":
        room.do("assess", "load-test-signed", "pass")
    for role in REQUIRED if missing != "role" else REQUIRED[:-1]:
        room.do("sign", role, "go")
    d = decide(room.state)
    assert d.verdict == PENDING and len(d.reasons) == 1 and d.reasons[0].kind == missing


def test_a_required_role_saying_no_go_makes_it_no_go(room) -> None:
    _all_go(room)
    with pytest.raises(ActionError, match="comment"):
        room.do("sign", "Security", "no-go")
    room.do("sign", "Security", "no-go", "open CVE in the TLS library")
    d = decide(room.state)
    assert d.verdict == NO_GO
    assert [r.text for r in d.reasons] == ["Security is NO-GO (ana@bastion): open CVE in the TLS library"]
    room.do("sign", "Security", "go", "patched")  # the latest sign-off counts
    assert decide(room.state).verdict == GO


def test_non_required_roles_and_criteria_do_not_block(room) -> None:
    _all_go(room)
    room.do("sign", "Support", "no-go", "FAQ not published")
    room.do("assess", "support-ready", "fail")
    d = decide(room.state)
    assert d.verdict == GO
    assert {rv.name: rv.state for rv in d.roles}["Support"] == "NO-GO"


def test_a_failed_criterion_or_a_blocked_critical_item_is_no_go(room) -> None:
    _all_go(room)
    room.do("assess", "load-test-signed", "fail", "p99 2.1s")
    assert _reasons(room) == [(NO_GO, "criterion", "load-test-signed")]
    room.do("assess", "load-test-signed", "pass")
    room.do("set_status", "db-migration", "blocked", "replica lag")
    d = decide(room.state)
    assert d.verdict == NO_GO and [r.text for r in d.reasons][0] == "critical item blocked (replica lag): Run the database migration on the primary"


def test_non_critical_items_do_not_block(room) -> None:
    _all_go(room)
    room.do("set_status", "runbook", "blocked", "wiki down")
    assert decide(room.state).verdict == GO


def test_a_go_before_a_critical_item_was_unticked_is_stale(room) -> None:
    _all_go(room)
    room.do("tick", "load-test", undo=True)
    d = decide(room.state)
    assert d.verdict == PENDING
    stale = {rv.name: rv.stale_reason for rv in d.roles if rv.state == "stale"}
    assert set(stale) == set(REQUIRED)
    assert stale["Security"] == "critical item 'payments-v2/pre-launch/load-test' was un-ticked"
    assert "Security's GO is stale: critical item 'payments-v2/pre-launch/load-test' was un-ticked after it" in [r.text for r in d.reasons]
    # ticking it again does not revive the old GOs: the roles sign again
    room.do("tick", "load-test")
    assert {r.kind for r in decide(room.state).reasons} == {"role"}
    for role in REQUIRED:
        room.do("sign", role, "go")
    assert decide(room.state).verdict == GO


def test_unticking_a_non_critical_item_leaves_the_go_standing(room) -> None:
    room.do("tick", "runbook")
    _all_go(room)
    room.do("tick", "runbook", undo=True)
    assert decide(room.state).verdict == GO


@pytest.mark.parametrize("event", ["hold", "recycle"])
def test_a_go_before_a_hold_or_recycle_is_stale(room, clock, event) -> None:
    room.do("set_t0", BASE.replace(hour=13))
    _all_go(room)
    clock.advance(minutes=5)
    if event == "hold":
        room.do("hold", "provider incident")
        expected = "the count was held (provider incident)"
    else:
        room.do("recycle", "T-1h", "redo the migration")
        expected = "the count was recycled to T-1h"
    d = decide(room.state)
    assert d.verdict == PENDING
    assert {rv.stale_reason for rv in d.roles if rv.required} == {expected}
    room.do("resume")
    assert decide(room.state).verdict == PENDING  # resuming does not revive the GOs
    for role in REQUIRED:
        room.do("sign", role, "go")
    assert decide(room.state).verdict == GO


def test_a_scrub_is_no_go(room) -> None:
    _all_go(room)
    room.do("scrub", "vendor outage")
    d = decide(room.state)
    assert d.verdict == NO_GO and d.reasons[0].text == "the launch was scrubbed: vendor outage"


def test_a_poll_asks_the_roles_in_order_and_its_answers_are_sign_offs(room) -> None:
    for item in CRITICAL:
        room.do("tick", item)
    room.do("assess", "load-test-signed", "pass")
    room.do("poll_start")
    with pytest.raises(ActionError, match="already in progress"):
        room.do("poll_start")
    assert room.state.poll.current_role == "Product Owner"
    with pytest.raises(ActionError, match="waiting on Product Owner"):
        room.do("poll_answer", "go", role="Security")
    for role in REQUIRED + ["Support"]:
        assert room.state.poll.current_role == role
        room.do("poll_answer", "go")
    state = room.state
    assert state.poll is None and len(state.polls) == 1 and not state.polls[0].open
    assert all(s.via_poll for s in state.signoffs.values())
    assert decide(state).verdict == GO
    with pytest.raises(ActionError, match="no poll"):
        room.do("poll_answer", "go")


def test_a_role_that_signs_while_the_poll_waits_has_answered_it(room) -> None:
    """QA: a role that signed by the CLI after the poll started was still asked ('✓ GO ◀ asking CTO')."""
    room.do("poll_start")
    first, second = room.state.poll.roles[:2]
    room.do("sign", first, "go", comment="signed from the bastion")
    assert room.state.poll.current_role == second and room.state.poll.answers[first].comment == "signed from the bastion"
    room.do("sign", room.state.poll.roles[-1], "no-go", comment="not yet")  # a later role: answered too, never asked
    for role in room.state.poll.roles[1:-1]:
        assert room.state.poll.current_role == role
        room.do("poll_answer", "go")
    assert room.state.poll is None and room.state.polls[-1].answers[first].decision == "GO"


def test_a_cancelled_poll_keeps_the_answers_given(room) -> None:
    room.do("poll_start")
    room.do("poll_answer", "go")
    room.do("poll_cancel", "call dropped")
    state = room.state
    assert state.poll is None and state.signoffs["Product Owner"].decision == "GO"


@dataclass
class Verdict:
    passing: bool
    summary: str
    state: str = "OK"


def test_tile_criteria_follow_the_tiles_verdicts(tmp_path: Path, clock) -> None:
    (tmp_path / "c.yaml").write_text("id: c\ntitle: C\nsections:\n  - title: S\n    items:\n      - {id: a, text: A, critical: true}\n")
    (tmp_path / "l.yaml").write_text(
        "launch: L\nchecklists: [c.yaml]\nroles: [Lead]\n"
        "tiles:\n  - {name: p95, source: json, url: 'http://127.0.0.1:9/health', path: p95, threshold: {crit: '< 500'}}\n"
        "criteria:\n  - {id: latency, name: p95 latency, threshold: '< 500ms', tile: p95}\n")
    ws = load_workspace(tmp_path / "l.yaml")
    room = Room(ws, clock)
    room.do("tick", "a")
    room.do("sign", "Lead", "go")
    with pytest.raises(ActionError, match="not assessed by hand"):
        room.do("assess", "latency", "pass")
    assert _reasons(room) == [(PENDING, "criterion", "latency")]
    assert decide(room.state).reasons[0].text == "criterion p95 latency (< 500ms): no live value from tile 'p95'"
    assert _reasons(room, {"p95": Verdict(False, "p95 (612ms) < 500ms ✗", "CRIT")}) == [(NO_GO, "criterion", "latency")]
    assert decide(room.state, {"p95": Verdict(True, "p95 (212ms) < 500ms ✓")}).verdict == GO
    # A breach still inside its `for:` window, a stale or errored tile: not a pass, not a failure.
    for state in ("PENDING", "STALE", "ERROR", "NO DATA"):
        assert _reasons(room, {"p95": Verdict(False, "p95 ...", state)}) == [(PENDING, "criterion", "latency")]
    assert decide(room.state, {"p95": Verdict(True, "p95 (450ms) < 500ms ✓ pending 5s of 30s", "PENDING")}).verdict == GO
    room.journal.close()
