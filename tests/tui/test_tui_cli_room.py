"""The `open`/`demo` commands and the Room tallies the screen is drawn from."""

from __future__ import annotations

import argparse
import random
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from tui_support import FROZEN, frozen

from warroom.cli import screen as tui_cli
from warroom.events import SET_STATUS, SET_T0
from warroom.journal import Journal
from warroom.model import Status
from warroom.room import Room
from warroom.state import LaunchState
from warroom.workspace import load_workspace


def test_the_tui_commands_do_not_import_textual() -> None:
    code = "import sys, warroom.cli, warroom.cli.screen; warroom.cli.build_parser(); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_open_and_demo_are_registered_with_their_options() -> None:
    from warroom.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["open", "layouts/demo.yaml", "--read-only", "--journal", "j.yaml", "--as", "kim"])
    assert (args.layout, args.read_only, args.journal, args.operator, args.func) == (
        "layouts/demo.yaml", True, "j.yaml", "kim", tui_cli.cmd_open)
    args = parser.parse_args(["demo", "--journal", "x.yaml"])
    assert args.func is tui_cli.cmd_demo and not args.read_only


def test_open_a_missing_layout_is_a_clear_error(tmp_path, capsys) -> None:
    from warroom.cli import main

    assert main(["open", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("warroom: error:") and "nope.yaml" in err and "Traceback" not in err


def test_demo_starts_a_fresh_journal_with_t0_ahead(tmp_path, monkeypatch, capsys) -> None:
    with socket.socket() as s:  # a free port for the demo metrics server
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("WARROOM_DEMO_PORT", str(port))
    opened = []
    monkeypatch.setattr(tui_cli, "run_app", lambda *a: opened.append(a) or 0)
    journal = tmp_path / "demo.journal.yaml"
    before = datetime.now(timezone.utc)
    assert tui_cli.cmd_demo(argparse.Namespace(journal=str(journal), operator="kim", read_only=False)) == 0
    events = Journal(journal, read_only=True).load().events
    assert [e.kind for e in events] == [SET_T0] and events[0].op == "kim"
    t0 = datetime.fromisoformat(events[0].payload["t0"].replace("Z", "+00:00"))
    assert timedelta(minutes=89) < t0 - before < timedelta(minutes=91)
    layout, path, operator, read_only, loading = opened[0]
    assert layout.name == "demo.yaml" and layout.is_file() and path == journal and operator == "kim" and not read_only
    assert loading().layout.launch == load_workspace(layout).layout.launch  # read before the app was built
    out = capsys.readouterr().out
    assert str(journal) in out and f"--journal {journal}" in out
    # a second run on the same journal does not move T-0
    assert tui_cli.cmd_demo(argparse.Namespace(journal=str(journal), operator="kim", read_only=False)) == 0
    assert len(Journal(journal, read_only=True).load().events) == 1


def test_room_tallies_follow_every_event_like_a_fresh_count(layout, journal_path) -> None:
    ws = load_workspace(layout)
    room = Room(ws, LaunchState(ws), "alice", frozen)
    rng = random.Random(7)
    ids = list(ws.items)
    with Journal(journal_path) as journal:
        room.apply(journal.load().events)
        for n in range(200):
            item = rng.choice(ids)
            status = rng.choice(list(Status))
            payload = {"status": status.value, **({"reason": "r"} if status.needs_reason else {})}
            ev = journal.append(SET_STATUS, item, payload, op="x", now=FROZEN)
            changes = room.apply([ev])
            assert changes.items == {item}
    for sid, section in ws.sections.items():
        assert room.section_done[sid] == room.state.progress(section.walk_items())[0]
        assert room.section_total[sid] == len(list(section.walk_items()))
    t = room.t()
    assert room.overdue_count(t) == len(room.state.overdue(FROZEN))
    per_phase = room.phase_tallies(t)
    assert sum(p[2] for p in per_phase) == room.overdue_count(t)
    # a reset (file replaced) recounts from scratch
    events = Journal(journal_path, read_only=True).load().events
    room.apply(events, reset=True)
    assert room.state.snapshot() == LaunchState.replay(ws, events).snapshot()


def test_room_mine_and_matches(layout) -> None:
    ws = load_workspace(layout)
    room = Room(ws, LaunchState(ws), "Marco Rossi", frozen)  # the Tech Lead's person
    mine = {i.id for i in ws.items.values() if room.is_mine(i)}
    assert mine == {i.id for i in ws.items.values() if i.owner == "Tech Lead"}
    item = ws.items["payments-v2/launch-day/db-migration"]
    assert room.matches(item, "database PRIMARY", "all", None)
    assert not room.matches(item, "database nothing", "all", None)
    assert room.matches(item, "", "critical", None)
