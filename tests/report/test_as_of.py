"""The war room as of any moment equals replaying the journal's prefix (hypothesis), through the
CLI's ``status --as-of TIME|SEQ`` and the core's ``replay_as_of``; tiles come from the metric history."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_support import war_room
from warroom.actions import Actions
from warroom.as_of import AsOf, replay_as_of
from warroom.cli import main
from warroom.report import status_data
from warroom.errors import ActionError
from warroom.journal import Journal
from warroom.metrics.history import HistSample, MetricHistory, history_path
from warroom.state import LaunchState
from warroom.workspace import load_workspace

START = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def launch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal of ~120 random actions (holds, recycles, polls, signs, ticks, notes) one to
    ninety seconds apart, and a metric history alongside."""
    tmp = tmp_path_factory.mktemp("asof")
    layout = war_room(tmp, "http://127.0.0.1:9")  # nothing is polled here
    ws = load_workspace(layout)
    journal = Journal(layout.with_name("launch.journal.yaml"))
    rnd = random.Random(15)
    clock = [START]

    def now() -> datetime:
        return clock[0]

    actions = Actions(journal, "op", now=now)
    state = LaunchState(ws)
    items = list(ws.items)
    roles = [r.name for r in ws.layout.roles]
    history = MetricHistory(history_path(journal.path))
    ops = ["tick", "tick", "status", "note", "hold", "resume", "recycle", "sign", "poll", "answer", "assess"]
    actions.set_t0(state, START + timedelta(minutes=20))
    state.apply(journal.load().events[-1])
    while state.event_count < 120:
        clock[0] += timedelta(seconds=rnd.randint(1, 90))
        history.append([HistSample(clock[0].timestamp() - 0.5, "lat", float(rnd.randint(100, 900)),
                                   rnd.choice(["OK", "WARN", "CRIT"]), True)])
        op = rnd.choice(ops)
        try:
            if op == "tick":
                ev = actions.toggle(state, rnd.choice(items))
            elif op == "status":
                ev = actions.set_status(state, rnd.choice(items), rnd.choice(["blocked", "skipped", "in-progress"]), "why")
            elif op == "note":
                ev = actions.note(state, rnd.choice(items + [""]) or None, f"note {state.event_count}")
            elif op == "hold":
                ev = actions.hold(state, "hold it")
            elif op == "resume":
                ev = actions.resume(state)
            elif op == "recycle":
                ev = actions.recycle(state, "T-30m", "again")
            elif op == "sign":
                ev = actions.sign(state, rnd.choice(roles), rnd.choice(["go", "no-go"]), "because")
            elif op == "poll":
                ev = actions.poll_start(state)
            elif op == "answer":
                ev = actions.poll_answer(state, rnd.choice(["go", "no-go"]), "because")
            else:
                ev = actions.assess(state, "load-test-signed", rnd.choice(["pass", "fail"]))
        except ActionError:
            continue
        state.apply(ev)
    journal.close()
    return layout


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(k=st.integers(min_value=0, max_value=125), by_time=st.booleans(), offset=st.integers(min_value=0, max_value=89))
def test_as_of_equals_replaying_the_prefix(launch: Path, capsys: pytest.CaptureFixture[str], k: int, by_time: bool, offset: int) -> None:
    events = Journal(launch.with_name("launch.journal.yaml"), read_only=True).load().events
    ws = load_workspace(launch)
    k = min(k, len(events))
    if by_time:
        at = (events[k - 1].at if k else START) + timedelta(seconds=offset)  # on an event, or between two
        prefix = [e for e in events if e.at <= at]
        arg = at.isoformat()
    else:
        prefix = events[:k]
        at = prefix[-1].at if prefix else events[0].at
        arg = str(k)
    # the core: the same projection as the live screen, over the prefix
    assert replay_as_of(ws, events, AsOf.parse(arg)).snapshot() == LaunchState.replay(ws, prefix).snapshot()
    # the CLI shows exactly that state, read at that moment, with the tiles the history had then
    assert main(["status", str(launch), "--as-of", arg, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    from warroom.as_of import tiles_as_of
    from warroom.metrics.history import read_history

    tiles = tiles_as_of(ws, read_history(history_path(launch.with_name("launch.journal.yaml"))), at)
    expected = status_data(ws, LaunchState.replay(ws, prefix), at, tiles, str(launch.with_name("launch.journal.yaml")), [])
    expected["tiles"] = {n: r.to_json() for n, r in tiles.items()}
    expected = json.loads(json.dumps(expected, default=str))
    for key in ("clock", "decision", "signoffs", "criteria", "poll", "checklists", "overdue", "tiles", "now"):
        assert shown[key] == expected[key], key
    assert shown["journal"]["events"] == len(prefix)


def test_as_of_rejects_nonsense(launch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(launch), "--as-of", "yesterday-ish"]) == 1
    assert "--as-of: expected an event number or an ISO 8601 time" in capsys.readouterr().err
