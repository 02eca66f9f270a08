"""Running an item's command on a journal in a real PostgreSQL: the output streams into the
database while the command runs (another process reads the live tail), masked, its SHA-256 the
one `run-end` records; 50 MB with memory bounded; a run whose supervisor is gone is abandoned,
seen from any machine by its heartbeat."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import tracemalloc

import psycopg
from pg_support import launch_url, wait_for  # noqa: E402
from runner_support import base_env  # noqa: E402

from warroom.events import RUN_END, RUN_START  # noqa: E402
from warroom.journal_pg import PgJournal, parse_target, verify_pg  # noqa: E402
from warroom.runner import store  # noqa: E402
from warroom.runner.execute import Run  # noqa: E402
from warroom.state import LaunchState  # noqa: E402


def _journal(url: str) -> PgJournal:
    return PgJournal(parse_target(launch_url(url, "room"), None))


def _events(url: str, kind: str) -> list:
    with _journal(url) as j:
        return [e for e in j.load().events if e.kind == kind]


def _stored(url: str, run_id: str) -> tuple[bytes, tuple]:
    with psycopg.connect(url) as conn:
        data = b"".join(bytes(r[0]) for r in conn.execute(
            "SELECT data FROM warroom_run_output WHERE launch = 'room' AND run = %s ORDER BY chunk", (run_id,)).fetchall())
        row = conn.execute("SELECT host, pid, bytes, sha256, ended_at IS NOT NULL FROM warroom_runs WHERE launch = 'room' AND run = %s",
                           (run_id,)).fetchone()
    return data, row


def test_a_run_streams_into_the_database_another_process_sees_the_live_tail_and_the_hash_matches(pg_room) -> None:  # noqa: ANN001
    room, url = pg_room
    run = Run(room.plan("wait"), _journal(url), "ana")
    run.start()
    try:
        # a second process — `warroom run … --output`, as another operator would — reads the
        # output from the database while the command still waits
        out = wait_for(lambda: (lambda p: p if "first" in p.stdout else None)(room.cli("wait", "--output")),
                       "the live tail in a second process")
        assert "still being written" in out.stderr and "second" not in out.stdout
        assert run.running
    finally:
        (room.dir / "go").touch()
    result = run.wait(30)
    assert result is not None and result.exit == 0 and result.output is None
    data, row = _stored(url, run.run_id)
    assert b"first" in data and b"second" in data and len(data) == result.bytes
    end = _events(url, RUN_END)[-1].payload
    assert hashlib.sha256(data).hexdigest() == result.sha256 == end["output_sha256"] == row[3]
    assert "output_file" not in end and row[4]  # no side file; the row is closed
    start = _events(url, RUN_START)[-1].payload
    assert start["output"] == "database" and "partial" not in start
    assert verify_pg(parse_target(launch_url(url, "room"), None)).ok
    assert not list(room.dir.glob("*.partial")) and not list(room.dir.glob("*.log"))  # nothing beside the layout
    shown = room.cli("wait", "--output")
    assert shown.returncode == 0 and "first" in shown.stdout and "second" in shown.stdout, shown.stderr


def test_the_cli_runs_on_a_database_journal_and_ticks_the_item(pg_room) -> None:  # noqa: ANN001
    room, url = pg_room
    proc = room.cli("hello", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "hello" in proc.stdout and "the journal database" in proc.stderr
    with _journal(url) as j:
        state = LaunchState.replay(room.ws(), j.load().events)
    rec = state.runs["room/go/hello"]
    assert rec.end is not None and rec.end["exit"] == 0
    assert state.items["room/go/hello"].status == "done"  # tick_on_success
    data, row = _stored(url, rec.run_id)
    assert hashlib.sha256(data).hexdigest() == rec.end["output_sha256"] == row[3]


def test_secrets_are_masked_before_they_reach_the_database(pg_room) -> None:  # noqa: ANN001
    room, url = pg_room
    secret = "s3cr3t-V4lue-9f8e7d"
    run = Run(room.plan("secret", env={"API_TOKEN": secret, "DB_PASSWORD": "hunter2-prod"}), _journal(url), "ana")
    run.start()
    result = run.wait(30)
    assert result is not None and result.exit == 0
    data, _ = _stored(url, run.run_id)
    assert b"token=[masked API_TOKEN]" in data and secret.encode() not in data
    with psycopg.connect(url) as conn:
        everything = "".join(str(r) for t in ("warroom_events", "warroom_runs", "warroom_run_output")
                             for r in conn.execute(f"SELECT * FROM {t}").fetchall())  # noqa: S608 - our table names
    assert secret not in everything and secret.encode().hex() not in everything


def test_fifty_megabytes_into_the_database_memory_bounded_hash_right(pg_room) -> None:  # noqa: ANN001
    room, url = pg_room
    size = 50 * 1024 * 1024
    line = b"0123456789 the quick brown fox jumps over the lazy dog ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
    room.set_command("hello", f"yes '{line.decode().strip()}' | head -c {size}")
    run = Run(room.plan("hello"), _journal(url), "ana")
    tracemalloc.start()
    try:
        run.start()
        result = run.wait(300)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected = (line * (size // len(line) + 1))[:size].replace(b"\n", b"\r\n")
    assert result is not None and result.exit == 0 and result.bytes == len(expected) and not result.error
    digest, total = hashlib.sha256(), 0
    outputs = store.outputs_for(_journal(url))
    rec = LaunchState.replay(room.ws(), _journal(url).load().events).runs["room/go/hello"]
    for block in outputs.chunks(rec):  # read back a few chunks at a time
        digest.update(block)
        total += len(block)
    assert total == len(expected)
    assert digest.hexdigest() == result.sha256 == hashlib.sha256(expected).hexdigest() == rec.end["output_sha256"]
    assert peak < 8 * 1024 * 1024, f"{peak} bytes allocated at the peak for {size} bytes of output"
    tail, whole = outputs.tail(rec, 64 * 1024)
    assert len(tail) == 64 * 1024 and not whole and expected.endswith(tail)


def test_the_tail_of_output_stored_in_small_chunks_is_as_long_as_asked(pg_room, monkeypatch) -> None:  # noqa: ANN001
    """A slow command's output is stored in many small chunks: the tail is still the last
    ``limit`` bytes (once, it was the last few chunks only, however short)."""
    monkeypatch.setattr(store, "FLUSH_EVERY", 0.0)  # every read of the command's output becomes a chunk
    room, url = pg_room
    room.set_command("hello", "for i in $(seq 1 200); do printf '%0999d\\n' $i; sleep 0.002; done")
    run = Run(room.plan("hello"), _journal(url), "ana")
    run.start()
    result = run.wait(120)
    expected = b"".join(b"%0999d\r\n" % i for i in range(1, 201))
    assert result is not None and result.exit == 0 and result.bytes == len(expected)
    outputs = store.outputs_for(_journal(url))
    rec = LaunchState.replay(room.ws(), _journal(url).load().events).runs["room/go/hello"]
    assert outputs.stored(rec)["bytes"] == len(expected)
    chunks = list(outputs.chunks(rec))
    assert len(chunks) > 20 and b"".join(chunks) == expected  # small chunks, as a slow command writes
    tail, whole = outputs.tail(rec, 64 * 1024)
    assert tail == expected[-64 * 1024:] and not whole
    tail, whole = outputs.tail(rec, len(expected) + 1)
    assert tail == expected and whole


def test_a_run_whose_supervisor_is_killed_is_abandoned_from_any_machine_by_its_heartbeat(pg_room, monkeypatch) -> None:  # noqa: ANN001
    room, url = pg_room
    room.set_command("sleepy", "echo $$ > cmd.pid; echo sleeping; sleep 60")
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "sleepy", "--yes"], cwd=room.dir,
                            env=base_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        def open_run():  # noqa: ANN202
            with _journal(url) as j:
                rec = LaunchState.replay(room.ws(), j.load().events).runs.get("room/go/sleepy")
            return rec if rec is not None and rec.open and (room.dir / "cmd.pid").exists() else None

        rec = wait_for(open_run, "the run started")
        outputs = store.outputs_for(_journal(url))
        monkeypatch.setattr(store, "STALE", 3 * store.BEAT)
        # seen from another machine: no pid to check; the heartbeat says it still runs
        time.sleep(store.STALE + store.BEAT)
        assert not outputs.abandoned(rec, "another-host")
        assert outputs.stored(rec)["beat_age"] < store.STALE
        proc.kill()  # the supervisor dies without a word (no run-end)
        proc.wait(10)
        os.killpg(int((room.dir / "cmd.pid").read_text()), signal.SIGKILL)
        assert outputs.abandoned(rec, rec.host)  # on its own host: the pid is gone
        wait_for(lambda: outputs.abandoned(rec, "another-host"), "the heartbeat going stale", timeout=3 * store.STALE)
        # and so the item can be run again (the claim sees the abandoned run)
        again = room.cli("sleepy", "--yes", "--dry-run")
        assert again.returncode == 0, again.stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_two_processes_racing_for_one_item_on_the_database_one_runs(pg_room) -> None:  # noqa: ANN001
    room, url = pg_room
    procs = [subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "wait", "--yes", "--as", who],
                              cwd=room.dir, env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL) for who in ("ana", "bo")]
    try:
        wait_for(lambda: any(p.poll() is not None for p in procs), "one of the two refused")
        (room.dir / "go").touch()
        outs = [p.communicate(timeout=60) for p in procs]
    finally:
        (room.dir / "go").touch()
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 1], outs
    refused = next(err for (_, err), p in zip(outs, procs) if p.returncode == 1)
    assert "already being run by" in refused
    assert len(_events(url, RUN_START)) == 1 and len(_events(url, RUN_END)) == 1
