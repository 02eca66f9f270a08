"""Several real processes share one journal: no loss, no interleaving, and kill -9 loses nothing acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

from core_support import DEMO_LAYOUT, REPO
from warroom.journal import Journal, verify

WRITERS = 4


def _by_writer(events) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for ev in events:
        out[ev.payload["writer"]].append(ev)
    return out


def test_four_processes_appending_at_once_lose_nothing_and_keep_the_chain(tmp_path: Path, spawn_writer) -> None:
    path = tmp_path / "shared.journal.yaml"
    per_writer = 120
    procs = {f"op{k}": spawn_writer(path, f"op{k}", per_writer) for k in range(WRITERS + 1)}
    acked: dict[str, list[int]] = {}
    for name, p in procs.items():
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        acked[name] = [int(x) for x in out.split()]

    report = verify(path)
    assert report.ok, report.problems[:5]
    total = per_writer * len(procs)
    assert report.events == total

    result = Journal(path, read_only=True).load()
    assert not result.issues
    assert [e.seq for e in result.events] == list(range(1, total + 1))
    by = _by_writer(result.events)
    for name in procs:
        # each writer's events are all there, in the order it wrote them, at the seqs it was told
        assert [e.payload["n"] for e in by[name]] == list(range(1, per_writer + 1))
        assert [e.seq for e in by[name]] == acked[name]
    # the writers really did overlap: somebody's run was interrupted by another's event
    owners = [e.payload["writer"] for e in result.events]
    switches = sum(1 for a, b in zip(owners, owners[1:]) if a != b)
    assert switches >= len(procs)
    # one event per line, one header
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == total + 1 and text.count("# warroom journal") == 1


def _read_acks(p: subprocess.Popen, want: int) -> list[int]:
    seqs = []
    while len(seqs) < want:
        line = p.stdout.readline()
        assert line, p.stderr.read()
        seqs.append(int(line))
    return seqs


def test_kill_9_of_writers_mid_stream_loses_no_acknowledged_event(tmp_path: Path, spawn_writer) -> None:
    path = tmp_path / "shared.journal.yaml"
    names = [f"op{k}" for k in range(WRITERS)]
    procs = {n: spawn_writer(path, n) for n in names}  # each appends until killed
    acked: dict[str, list[int]] = {n: [] for n in names}
    for n in names:
        acked[n] += _read_acks(procs[n], 15)
    # kill two writers while all four are writing, let the others go on, then kill those too
    for n in names[:2]:
        os.kill(procs[n].pid, signal.SIGKILL)
    for n in names[2:]:
        acked[n] += _read_acks(procs[n], 15)
    for n in names[2:]:
        os.kill(procs[n].pid, signal.SIGKILL)
    for n in names:
        out, _ = procs[n].communicate(timeout=60)
        assert procs[n].returncode == -signal.SIGKILL
        acked[n] += [int(x) for x in out.split()]  # printed before the kill: acknowledged too

    with Journal(path) as j:
        result = j.load()
        # at most a torn tail, and if there is one it was set aside into a side file
        assert len(result.issues) <= 1
        for issue in result.issues:
            assert "torn last record" in issue.message and issue.side_file is not None and issue.side_file.exists()
        by = _by_writer(result.events)
        for n in names:
            in_file = {e.seq for e in by[n]}
            assert set(acked[n]) <= in_file, f"{n}: acknowledged but missing {sorted(set(acked[n]) - in_file)[:5]}"
            assert [e.payload["n"] for e in by[n]] == list(range(1, len(by[n]) + 1))
        # a survivor goes on writing on the same chain
        last = result.events[-1]
        ev = j.append("note", "", {"text": "after the kills", "writer": "survivor", "n": 1}, op="survivor")
        assert (ev.seq, ev.prev) == (last.seq + 1, last.hash)
    report = verify(path)
    assert report.ok, report.problems[:5]
    assert report.events == len(result.events) + 1


CRASH_MID_WRITE = textwrap.dedent(
    """
    import fcntl, os, signal, sys
    from warroom.journal import Journal, encode_event
    path = sys.argv[1]
    j = Journal(path)
    for i in range(3):
        j.append("note", "", {"text": f"whole {i}", "writer": "crasher", "n": i + 1}, op="crasher")
    seq, head = j.head
    line, _ = encode_event(seq + 1, "2026-11-23T12:00:00.000Z", "crasher", "note", "", {"text": "torn"}, head)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    fcntl.flock(fd, fcntl.LOCK_EX)
    data = line.encode()
    os.write(fd, data[: len(data) // 2])
    os.fsync(fd)
    print(len(data) // 2, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # power cut in the middle of the write, lock held
    """
)


def test_a_process_killed_in_the_middle_of_a_write_leaves_a_torn_tail_the_next_writer_sets_aside(tmp_path: Path) -> None:
    path = tmp_path / "shared.journal.yaml"
    crash = subprocess.run([sys.executable, "-c", CRASH_MID_WRITE, str(path)], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert crash.returncode == -signal.SIGKILL, crash.stderr
    torn_len = int(crash.stdout)
    assert not path.read_bytes().endswith(b"\n")

    # another operator's process appends next: the kernel released the dead writer's lock
    other = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import sys
        from warroom.journal import Journal
        j = Journal(sys.argv[1])
        ev = j.append("note", "", {"text": "next", "writer": "other", "n": 1}, op="other")
        print(ev.seq, [str(i) for i in j.issues])
        """), str(path)], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert other.returncode == 0, other.stderr
    assert other.stdout.startswith("4 ['line 5: torn last record")

    sides = list(tmp_path.glob("shared.journal.yaml.torn-*"))
    assert len(sides) == 1 and len(sides[0].read_bytes()) == torn_len
    report = verify(path)
    assert report.ok and report.events == 4
    assert [e.payload["text"] for e in Journal(path, read_only=True).load().events] == ["whole 0", "whole 1", "whole 2", "next"]


def test_a_follower_sees_every_event_of_four_live_writers_in_order(tmp_path: Path, spawn_writer) -> None:
    from warroom.journal import Follower

    path = tmp_path / "shared.journal.yaml"
    follower = Follower(path)
    procs = [spawn_writer(path, f"op{k}", 60) for k in range(WRITERS)]
    seen = []
    while any(p.poll() is None for p in procs):
        seen += follower.poll()
    seen += follower.poll()
    for p in procs:
        assert p.wait() == 0, p.stderr.read()
    assert [e.seq for e in seen] == list(range(1, 60 * WRITERS + 1))
    assert not follower.issues and not follower.reset
    assert follower.offset == path.stat().st_size
    assert seen == Journal(path, read_only=True).load().events


def test_append_fsyncs_the_event_before_returning(tmp_path: Path, monkeypatch) -> None:
    import warroom.journal as jmod

    path = tmp_path / "new" / "j.journal.yaml"
    synced: list[tuple[str, int]] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        real_fsync(fd)
        target = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(f"/proc/self/fd/{fd}") else "?"
        synced.append((target, os.fstat(fd).st_size))

    monkeypatch.setattr(jmod.os, "fsync", spy)
    with Journal(path) as j:
        j.append("note", "", {"text": "first"}, op="ana")
        size_after_first = path.stat().st_size
        assert synced[-1] == (str(path), size_after_first)  # the event's bytes, fsync'd before append returned
        assert (str(path.parent), synced[0][1]) == synced[0]  # a new journal's directory entry is synced too
        j.append("note", "", {"text": "second"}, op="ana")
        assert synced[-1] == (str(path), path.stat().st_size) and path.stat().st_size > size_after_first


SAME_TRANSITION = textwrap.dedent("""
    import os, sys, time
    from warroom.actions import Actions
    from warroom.journal import Journal
    from warroom.state import LaunchState
    from warroom.workspace import load_workspace

    layout, path, name, go = sys.argv[1:5]
    ws = load_workspace(layout)
    journal = Journal(path)
    state = LaunchState.replay(ws, journal.load().events)  # stale from here on: nobody re-reads it
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.0005)
    actions = Actions(journal, name)
    tile = actions.metric_state(state, "error-rate", "OK", "CRIT", 2.7)
    trigger = actions.rollback_trigger(state, "error-rate-rollback", True, 2.7, "error rate above 1%")
    print(int(tile is not None), int(trigger is not None), flush=True)
""")


def test_screens_seeing_the_same_transition_at_once_record_it_once(tmp_path: Path) -> None:
    """Every operator's screen polls the same tiles: when a tile turns CRIT they all see it within
    a poll. Checked against the file under its lock, the transition (and the rollback trigger it
    fires) is journaled once, however many screens race to record it."""
    path, go = tmp_path / "shared.journal.yaml", tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", SAME_TRANSITION, str(DEMO_LAYOUT), str(path), f"op{k}", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
             for k in range(WRITERS + 2)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        go.touch()
        wrote = [p.communicate(timeout=120)[0].split() for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert all(p.returncode == 0 for p in procs)
    assert sum(int(w[0]) for w in wrote) == 1 and sum(int(w[1]) for w in wrote) == 1
    kinds = [e.kind for e in Journal(path, read_only=True).load().events]
    assert sorted(kinds) == ["metric-state", "rollback-trigger"]
    assert verify(path).ok
