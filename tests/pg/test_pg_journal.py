"""The journal in a real PostgreSQL: the same events and chain as a file, compare-and-append,
no acknowledged event lost or doubled when the connection is killed, followers that catch up,
`journal copy` both ways, `verify` on both, credentials kept out of layouts and output."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psycopg
import pytest
from pg_support import wait_for  # noqa: E402

from warroom.actions import Actions
from warroom.checkpoint import load_state
from warroom.cli import main
from warroom.errors import ActionError
from warroom.journal import Journal, ReadOnlyJournal, verify
from warroom.journal_pg import (
    PgFollower,
    PgJournal,
    Target,
    parse_target,
    redact,
    verify_pg,
)
from warroom.state import LaunchState
from warroom.workspace import load_workspace

REPO = Path(__file__).resolve().parents[2]


def terminate(url: str, application: str) -> int:
    """pg_terminate_backend on every connection of ``application``; how many were killed."""
    with psycopg.connect(url, autocommit=True) as conn:
        return sum(1 for (ok,) in conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application,)).fetchall() if ok)


def rows(url: str, launch: str = "demo") -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT seq, prev, hash, line FROM warroom_events WHERE launch = %s ORDER BY seq", (launch,)).fetchall()


def test_events_and_chain_are_the_files(pg_url: str, tmp_path: Path) -> None:
    """The same appends to a file and to a database give the same lines, hashes and head."""
    target = parse_target(pg_url, "demo")
    file_journal = Journal(tmp_path / "demo.journal.yaml")
    with PgJournal(target) as pg:
        for i in range(5):
            at = __import__("datetime").datetime(2026, 11, 23, 14, 0, i, tzinfo=__import__("datetime").timezone.utc)
            a = pg.append("note", "", {"text": f"ñote {i} \u2028 'quoted'"}, op="ana@bastion", now=at)
            b = file_journal.append("note", "", {"text": f"ñote {i} \u2028 'quoted'"}, op="ana@bastion", now=at)
            assert a == b
        assert pg.head == file_journal.head
    file_lines = [ln for ln in (tmp_path / "demo.journal.yaml").read_text().split("\n") if ln.startswith("- {")]
    assert [r[3] for r in rows(pg_url)] == file_lines
    report = verify_pg(target)
    assert report.ok and report.events == 5 and report.head_hash == verify(tmp_path / "demo.journal.yaml").head_hash
    loaded = PgJournal(target, read_only=True).load()
    assert [e.hash for e in loaded.events] == [json.loads(ln[2:])["hash"] for ln in file_lines] and not loaded.issues


def test_launches_share_a_database_and_read_only_refuses_writes(pg_url: str) -> None:
    a, b = PgJournal(parse_target(pg_url + "&launch=alpha", None)), PgJournal(parse_target(pg_url, "beta"))
    a.append("note", "", {"text": "a1"})
    b.append("note", "", {"text": "b1"})
    a.append("note", "", {"text": "a2"})
    assert [e.payload["text"] for e in a.load().events] == ["a1", "a2"]
    assert [e.seq for e in b.load().events] == [1]
    with pytest.raises(ReadOnlyJournal):
        PgJournal(parse_target(pg_url, "alpha"), read_only=True).append("note", "", {"text": "x"})
    # the table refuses edits, not only warroom
    with psycopg.connect(pg_url) as conn, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute("UPDATE warroom_events SET target = 'x'")


def test_compare_and_append_on_a_stale_head(pg_url: str) -> None:
    """A writer that did not see the other's event appends after it, never beside it."""
    target = parse_target(pg_url, "demo")
    one, two = PgJournal(target), PgJournal(target)
    one.load(), two.load()
    e1 = one.append("note", "", {"text": "first"})
    e2 = two.append("note", "", {"text": "second"})  # two's head was 0: the insert conflicts, it catches up
    assert (e1.seq, e2.seq, e2.prev) == (1, 2, e1.hash)
    # unless= is asked about the latest state event as the database has it
    seen = []
    assert one.append("metric-state", "p95", {"state": "red"}, unless=lambda ev: seen.append(ev) or False).seq == 3
    assert two.append("metric-state", "p95", {"state": "red"}, unless=lambda ev: ev is not None and ev.payload["state"] == "red") is None
    assert verify_pg(target).ok and verify_pg(target).events == 3


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    from warroom.journal_pg import PgJournal, parse_target
    url, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    j = PgJournal(parse_target(url, "demo"))
    j.RETRY_FOR = 60
    for i in range(n):
        ev = j.append("note", "", {{"text": f"{{name}}-{{i}}"}}, op=name)
        print(ev.seq, ev.hash, ev.payload["text"], flush=True)
""")


def _writers(url: str, tmp_path: Path, names: list[str], n: int) -> list[subprocess.Popen]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(repo=str(REPO)))
    return [subprocess.Popen([sys.executable, str(script), url, name, str(n)], stdout=subprocess.PIPE, text=True)
            for name in names]


def test_concurrent_writer_processes_never_fork_or_interleave(pg_url: str, tmp_path: Path) -> None:
    procs = _writers(pg_url, tmp_path, [f"w{k}" for k in range(6)], 15)
    acked = []
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        acked += [line.split() for line in out.splitlines()]
    stored = rows(pg_url)
    texts = [json.loads(r[3][2:])["payload"]["text"] for r in stored]
    assert len(stored) == 90 and len(set(texts)) == 90
    assert {(int(s), h) for s, h, _ in acked} == {(r[0], r[2]) for r in stored}
    report = verify_pg(parse_target(pg_url, "demo"))
    assert report.ok and report.events == 90


def test_killing_the_writers_connection_mid_append_loses_and_doubles_nothing(pg_url: str, tmp_path: Path) -> None:
    """pg_terminate_backend on the writer's connection, over and over, while it appends: every
    acknowledged event is stored, and none is stored twice."""
    import random

    procs = _writers(pg_url, tmp_path, ["solo"], 60)
    killed, rnd = 0, random.Random(5)
    while procs[0].poll() is None:
        killed += terminate(pg_url, "warroom")
        time.sleep(rnd.uniform(0.005, 0.05))
    out, _ = procs[0].communicate(timeout=60)
    assert procs[0].returncode == 0
    assert killed > 0, "the writer's connection was never killed: the test proved nothing"
    acked = [line.split() for line in out.splitlines()]
    stored = rows(pg_url)
    texts = [json.loads(r[3][2:])["payload"]["text"] for r in stored]
    assert texts == [f"solo-{i}" for i in range(60)]  # each once, in order
    assert [(int(s), h) for s, h, _ in acked] == [(r[0], r[2]) for r in stored]
    assert verify_pg(parse_target(pg_url, "demo")).ok


def test_a_follower_catches_up_after_its_connection_drops(pg_url: str) -> None:
    target = parse_target(pg_url, "demo")
    writer = PgJournal(target)
    writer.append("note", "", {"text": "before"})
    follower = PgFollower(target, interval=0.2)
    try:
        seen = []
        wait_for(lambda: seen.extend(follower.poll()) or len(seen) == 1, "the first event")
        wait_for(lambda: terminate(pg_url, "warroom-follow"), "the follower's connection killed")
        writer.append("note", "", {"text": "while it was away"})
        writer.append("note", "", {"text": "and after"})
        wait_for(lambda: seen.extend(follower.poll()) or len(seen) == 3, "the events appended while it reconnected")
        assert [e.payload["text"] for e in seen] == ["before", "while it was away", "and after"]
        assert [e.seq for e in seen] == [1, 2, 3] and not follower.issues
    finally:
        follower.close()


def test_an_unreachable_database_refuses_writes_and_says_so(tmp_path: Path, demo: Path) -> None:
    """Nothing listens on the port: a write fails with a clear message and a follower says why."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://warroom@127.0.0.1:{port}/warroom?launch=demo&sslmode=disable"
    journal = PgJournal(parse_target(url, None))
    journal.RETRY_FOR = 0.5
    ws = load_workspace(demo)
    with pytest.raises(ActionError, match=r"unreachable.*Nothing was recorded"):
        Actions(journal, "ana").note(LaunchState(ws), None, "hello")
    follower = PgFollower(journal.target, interval=0.2)
    try:
        assert "unreachable" in wait_for(lambda: follower.problem, "the follower's problem")
        assert follower.poll() == []
    finally:
        follower.close()


def test_cli_on_a_database_journal(pg_url: str, demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tick", str(demo), "--journal", pg_url, "--as", "ana", "load-test"]) == 0
    assert main(["note", str(demo), "--journal", pg_url, "--as", "bo", "--launch", "all quiet"]) == 0
    capsys.readouterr()
    assert main(["status", str(demo), "--journal", pg_url, "--json", "--no-probe"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["journal"]["events"] == 2 and "launch demo" in data["journal"]["path"]
    assert main(["verify", str(demo), "--journal", pg_url]) == 0
    assert "chain ok" in capsys.readouterr().out
    # the layout itself may name the database (no password in it)
    text = demo.read_text() + f"journal: {pg_url}\n"
    demo.write_text(text)
    assert main(["log", str(demo), "--json"]) == 0
    assert [json.loads(line)["kind"] for line in capsys.readouterr().out.splitlines()] == ["set-status", "note"]


def test_a_password_in_the_layout_is_refused_and_urls_are_redacted(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = demo.read_text().splitlines()
    demo.write_text("\n".join(lines) + "\njournal: postgresql://ana:s3cret@db.example/warroom?sslmode=require\n")
    assert main(["status", str(demo), "--no-probe"]) == 2
    err = capsys.readouterr().err
    assert f"{demo}:{len(lines) + 1}:10: the journal URL holds a password" in err and "s3cret" not in err
    assert redact("postgresql://ana:s3cret@db/w?sslmode=require") == "postgresql://ana:***@db/w?sslmode=require"
    assert redact("postgresql://db/w?password=s3cret&launch=x") == "postgresql://db/w?password=***&launch=x"
    assert redact("postgresql:///w?host=/run/postgresql") == "postgresql:///w?host=/run/postgresql"
    assert "s3cret" not in Target("postgresql://ana:s3cret@db/w", "x").display


def test_copy_round_trips_file_to_database_to_file(pg_url: str, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = demo.with_name("demo.journal.yaml")
    for item in ("load-test", "runbook"):
        assert main(["tick", str(demo), "--as", "ana", item]) == 0
    assert main(["t0", str(demo), "--as", "bo", "2026-11-23T16:00:00+01:00"]) == 0
    assert main(["hold", str(demo), "--as", "bo", "weather — 'gusts' ñ"]) == 0
    assert main(["journal", "copy", str(src), pg_url]) == 0  # launch 'demo', from the file's name
    assert main(["journal", "copy", str(src), pg_url]) == 1  # an existing destination is refused
    assert "already holds events" in capsys.readouterr().err
    back = tmp_path / "back.journal.yaml"
    assert main(["journal", "copy", pg_url, str(back)]) == 0  # the only launch in the database
    assert back.read_bytes() == src.read_bytes()
    assert main(["journal", "copy", pg_url, str(back)]) == 1  # the file exists
    # a second launch in the database: the source must be named
    assert main(["journal", "copy", str(src), pg_url + "&launch=rehearsal"]) == 0
    assert main(["journal", "copy", pg_url, str(tmp_path / "x.journal.yaml")]) == 1
    assert "2 launches" in capsys.readouterr().err
    assert main(["journal", "copy", pg_url, str(tmp_path / "x.journal.yaml"), "--launch", "rehearsal"]) == 0


def test_copy_refuses_a_broken_source(pg_url: str, demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = demo.with_name("demo.journal.yaml")
    assert main(["note", str(demo), "--as", "ana", "--launch", "one"]) == 0
    assert main(["note", str(demo), "--as", "ana", "--launch", "two"]) == 0
    src.write_text(src.read_text().replace('"one"', '"0ne"'))
    assert main(["journal", "copy", str(src), pg_url]) == 1
    assert "chain is broken" in capsys.readouterr().err
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('warroom_events')").fetchone()[0] is None


def test_verify_pinpoints_an_edited_row(pg_url: str) -> None:
    target = parse_target(pg_url, "demo")
    journal = PgJournal(target)
    for i in range(3):
        journal.append("note", "", {"text": f"n{i}"})
    with psycopg.connect(pg_url) as conn:
        conn.execute("ALTER TABLE warroom_events DISABLE TRIGGER warroom_events_append_only")
        conn.execute("UPDATE warroom_events SET line = replace(line, 'n1', 'N1') WHERE seq = 2")
    report = verify_pg(target)
    assert report.problems == ["seq 2: event seq 2 was edited (its hash does not match its content)"]


def test_checkpoints_in_the_database(pg_url: str, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import warroom.checkpoint as checkpoint

    monkeypatch.setattr(checkpoint, "EVERY", 5)
    ws = load_workspace(demo)
    target = parse_target(pg_url, "demo")
    journal = PgJournal(target)
    actions = Actions(journal, "ana")
    for i in range(8):
        actions.note(LaunchState(ws), None, f"note {i}")
    state, result = load_state(ws, PgJournal(target))
    assert len(result.events) == 8  # no checkpoint yet: all read, and one written
    journal.append("note", "", {"text": "after"}, op="bo")
    state2, result2 = load_state(ws, PgJournal(target))
    assert [e.seq for e in result2.events] == [9]
    full = LaunchState.replay(ws, PgJournal(target).load().events)
    assert state2.snapshot() == full.snapshot()


def test_pg_journal_in_two_threads_sees_each_other(pg_url: str) -> None:
    """Two writers in one process, each with its own connection, alternate without a fork."""
    target = parse_target(pg_url, "demo")
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            j = PgJournal(target)
            for i in range(20):
                j.append("note", "", {"text": f"{name}{i}"}, op=name)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert verify_pg(target).ok and verify_pg(target).events == 40


def test_a_layout_edit_is_journaled_in_the_layouts_database(pg_url: str, demo: Path) -> None:
    """`journal: postgresql://…` in the layout: warroom's own layout edits land there, not in a file."""
    from warroom.layout_edit import read_layout, save

    demo.write_text(demo.read_text() + f"journal: {pg_url}\n")
    doc = read_layout(demo)
    doc.add_tile({"name": "health", "source": "http", "url": "http://127.0.0.1:9/health", "check": "status", "threshold": "== 200"})
    saved = save(doc, "ana", "added tile health")
    events = PgJournal(parse_target(pg_url, "demo"), read_only=True).load().events
    assert saved.event is not None and [(e.kind, e.seq) for e in events] == [("layout-change", saved.event.seq)]
    assert not demo.with_name("demo.journal.yaml").exists()


def test_checkpoints_in_the_database_keep_long_lists_aside(pg_url: str, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row holds the main document and, after it, the long lists read when first used; a
    list whose line was edited in the row is not used: it comes from a replay of the journal."""
    import warroom.checkpoint as checkpoint
    from warroom.state import LazyList

    monkeypatch.setattr(checkpoint, "EVERY", 5)
    monkeypatch.setattr(checkpoint, "LAZY_MIN", 3)
    ws = load_workspace(demo)
    target = parse_target(pg_url, "demo")
    item = sorted(ws.items)[0]
    actions = Actions(PgJournal(target), "ana")
    for i in range(12):
        actions.note(LaunchState(ws), item if i % 2 else None, f"note {i}")
    load_state(ws, PgJournal(target))  # writes the checkpoint
    full = LaunchState.replay(ws, PgJournal(target).load().events)
    state, result = load_state(ws, PgJournal(target))
    assert result.events == [] and isinstance(state.launch_notes, LazyList) and isinstance(state.items[item].notes, LazyList)
    assert len(state.launch_notes) == 6 and not state.launch_notes.loaded
    assert state.snapshot() == full.snapshot()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT body FROM warroom_checkpoints").fetchone()[0].count("\n") == 3  # main, two lists
        conn.execute("UPDATE warroom_checkpoints SET body = replace(body, '\"note 4\"', '\"note 9\"')")
    state, result = load_state(ws, PgJournal(target))
    assert result.events == [] and isinstance(state.launch_notes, LazyList)
    assert state.snapshot() == full.snapshot() and [n.text for n in state.launch_notes] == [f"note {i}" for i in range(0, 12, 2)]
