"""The war room as of any moment equals replaying the journal's prefix (hypothesis), through the
CLI's ``status --as-of TIME|SEQ`` and the core's ``replay_as_of``; tiles come from the metric history."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_support import random_launch
from warroom.as_of import AsOf, replay_as_of
from warroom.cli import main
from warroom.report import status_data
from warroom.journal import Journal
from warroom.metrics.history import history_path
from warroom.state import LaunchState
from warroom.workspace import load_workspace

START = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def launch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return random_launch(tmp_path_factory.mktemp("asof"), START)


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
