"""The metric history side file, the poller lease, and evidence recorded from the history."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from report_support import war_room
from warroom.cli import main
from warroom.journal import Journal
from warroom.metrics.history import HistSample, Lease, MetricHistory, downsample, history_path, lease_path, read_history


def test_append_follow_and_reload(tmp_path: Path) -> None:
    h = MetricHistory(tmp_path / "j.metrics")
    assert h.load() == []
    h.append([HistSample(1.0, "a", 1.5, "OK", True), HistSample(2.0, "b", "found", "OK", True)])
    follower = MetricHistory(tmp_path / "j.metrics")
    assert [s.tile for s in follower.load()] == ["a", "b"]
    h.append([HistSample(3.0, "a", None, "ERROR", False)])
    assert follower.poll() == [HistSample(3.0, "a", None, "ERROR", False)]
    assert follower.poll() == []
    # a restart reads everything back; a torn or foreign line is skipped, not fatal
    with open(tmp_path / "j.metrics", "a") as f:
        f.write('{"not": "a sample"}\n[4.0, "a", 2.0, "OK"\n')
    assert [s.t for s in MetricHistory(tmp_path / "j.metrics").load()] == [1.0, 2.0, 3.0]


def test_bounded_downsampling_keeps_every_state_change(tmp_path: Path) -> None:
    h = MetricHistory(tmp_path / "j.metrics", limit=20_000)
    states = ["OK"] * 500 + ["CRIT"] * 3 + ["OK"] * 1500
    for i in range(0, len(states), 50):
        h.append([HistSample(float(j), "p95", float(j), states[j], states[j] == "OK") for j in range(i, min(i + 50, len(states)))])
    size = (tmp_path / "j.metrics").stat().st_size
    assert size <= 20_000 + 50 * 40  # at most one batch past the limit
    kept = read_history(tmp_path / "j.metrics")["p95"]
    assert len(kept) < len(states)
    assert [s.t for s in kept] == sorted(s.t for s in kept)
    assert kept[-1].t == len(states) - 1  # the newest samples stay
    assert sum(1 for s in kept if s.state == "CRIT") >= 1
    changes = [(a.state, b.state) for a, b in zip(kept, kept[1:]) if a.state != b.state]
    assert ("OK", "CRIT") in changes and ("CRIT", "OK") in changes


def test_downsample_halves_the_older_half() -> None:
    rows = [HistSample(float(i), "t", float(i), "OK", True) for i in range(100)]
    out = downsample(rows)
    assert len(out) == 25 + 50 and out[-50:] == rows[50:]


def test_lease_is_held_by_one_and_passes_on(tmp_path: Path) -> None:
    a, b = Lease(tmp_path / "l", stall=10), Lease(tmp_path / "l", stall=10)
    assert a.acquire(100.0) and not b.acquire(101.0)
    assert a.acquire(105.0)  # renewed
    assert not b.acquire(114.0)
    assert b.acquire(116.0)  # a stalled: no renewal for more than 10 s
    assert not a.acquire(117.0) and not a.held
    b.release()
    assert a.acquire(118.0)
    # a holder whose process is gone loses it at once
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "l").write_text(json.dumps({"holder": "x", "host": a.host, "pid": dead.pid, "beat": 200.0}))
    assert b.acquire(201.0)


def _watch(layout: str, seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "warroom", "watch", layout, "--for", str(seconds), "--stall", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait(cond, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


def test_watchers_share_one_poller_and_the_lease_passes_on_when_the_holder_dies(tmp_path: Path, value_server) -> None:
    layout = str(war_room(tmp_path, value_server.url, interval="0.5s"))
    journal = tmp_path / "layouts" / "launch.journal.yaml"
    hist = history_path(journal)
    procs = [_watch(layout, 60) for _ in range(3)]
    try:
        assert _wait(lambda: len(read_history(hist).get("lat", [])) >= 6)
        lease = json.loads(lease_path(journal).read_text())
        holder = next(p for p in procs if p.pid == lease["pid"])
        # only the holder polls: every request the server saw is one sample in the history
        n = len(read_history(hist)["lat"])
        assert value_server.hits in (n, n + 1)  # a request may be in flight
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        before = len(read_history(hist)["lat"])
        assert _wait(lambda: len(read_history(hist)["lat"]) >= before + 4)  # another watcher took over
        after = json.loads(lease_path(journal).read_text())
        assert after["pid"] != holder.pid and after["pid"] in [p.pid for p in procs]
        n = len(read_history(hist)["lat"])
        assert value_server.hits in (n, n + 1)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            p.communicate(timeout=30)
    assert not lease_path(journal).exists()  # released on exit
    events = Journal(journal, read_only=True).load().events
    assert [e.kind for e in events] == ["metric-state"]  # NO DATA -> OK, once, whoever polled


def test_cli_evidence_comes_from_recent_history_and_never_from_a_poll(tmp_path: Path, value_server, capsys) -> None:
    L = str(war_room(tmp_path, value_server.url, interval="10s"))
    journal = tmp_path / "layouts" / "launch.journal.yaml"
    MetricHistory(history_path(journal)).append([HistSample(time.time() - 25, "lat", 321.0, "OK", True)])
    assert main(["sign", L, "Tech Lead", "go", "--as", "marco"]) == 0  # older than two intervals
    MetricHistory(history_path(journal)).append([HistSample(time.time() - 5, "lat", 654.0, "CRIT", False)])
    assert main(["sign", L, "Security", "no-go", "--comment", "latency", "--as", "lena"]) == 0
    assert main(["assess", L, "load-test-signed", "fail", "--as", "ana"]) == 0
    capsys.readouterr()
    assert value_server.hits == 0
    first, second, third = Journal(journal, read_only=True).load().events
    assert first.payload["evidence"]["tiles"] == {"lat": [None, "not observed"]}
    assert first.payload["evidence"]["criteria"]["latency-ok"] == "unknown"
    assert second.payload["evidence"]["tiles"] == {"lat": [654.0, "CRIT"]}
    assert second.payload["evidence"]["criteria"]["latency-ok"] == "fail"
    assert second.payload["evidence"]["decision"] == "NO-GO"
    assert any("Latency" in r for r in second.payload["evidence"]["reasons"])
    # the evidence is what the war room showed before the action: Security's NO-GO is not in it yet
    assert not any("Security is NO-GO" in r for r in second.payload["evidence"]["reasons"])
    assert any("Security is NO-GO" in r for r in third.payload["evidence"]["reasons"])


def test_a_follower_is_not_handed_old_samples_again_after_a_compaction(tmp_path: Path) -> None:
    writer = MetricHistory(tmp_path / "j.metrics", limit=4_000)
    follower = MetricHistory(tmp_path / "j.metrics")
    follower.load()
    seen: list[float] = []
    inode = None
    compacted = False
    for i in range(400):
        writer.append([HistSample(float(i), "t", float(i), "OK", True)])
        ino = (tmp_path / "j.metrics").stat().st_ino
        compacted |= inode is not None and ino != inode
        inode = ino
        seen += [s.t for s in follower.poll()]
    assert compacted  # the file was replaced at least once while followed
    assert seen == [float(i) for i in range(400)]  # each sample once, in order
