"""The journal survives edits and accidents: type-confused events, a file deleted or replaced
under a writer, events cut off its end, a clock behind the journal, a full disk."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from security_support import no_raw
from warroom.journal import Journal

T = "2026-01-01T00:00:00.000Z"


def _body(n: int, fields: dict | None = None) -> dict:
    return {**{"seq": n, "ts": T, "op": "eve", "kind": "note", "target": "", "payload": {"text": "hi"}}, **(fields or {})}


# -- type-checked replay ----------------------------------------------------------------------

ENVELOPES = [  # (what is planted as event 2, the message at its line)
    ("seq as text", {"seq": "2"}, "unreadable event: 'seq' must be a whole number from 1, got text ('2')"),
    ("ts not a time", {"ts": "yesterday"}, "unreadable event: 'ts' is not a time: 'yesterday'"),
    ("op a number", {"op": 7}, "unreadable event: 'op' must be text, got a number (7)"),
    ("payload a list", {"payload": [1, 2]}, "unreadable event: 'payload' must be a mapping, got a list"),
    ("target a mapping", {"target": {"x": 1}}, "unreadable event: 'target' must be text, got a mapping"),
    ("ts year 9999", {"ts": "9999-12-31T23:59:59-14:00"}, "unreadable event: 'ts' is not a time: '9999-12-31T23:59:59-14:00'"),
]


@pytest.mark.parametrize("name, fields, message", ENVELOPES, ids=[e[0] for e in ENVELOPES])
def test_a_mistyped_event_is_reported_at_its_line_and_the_rest_still_works(room, name, fields, message) -> None:
    room.plant_raw(_body(1), _body(2, fields))
    for argv in (["status", room.layout, "--no-probe"], ["log", room.layout], ["tick", room.layout, "backup", "--as", "ana"]):
        code, out, err = room.cli(*argv)
        assert code == 0, err
        assert f"warroom: warning: {room.journal}:3: {message}" in err
        no_raw(out, err)
    code, _, err = room.cli("verify", room.layout)
    said = message.replace("unreadable event: ", "unreadable event (") + ")"
    assert code == 1 and f"{room.journal}:3: {said}" in err


PAYLOADS = [  # (kind, target, payload, message)
    ("set-status", "app/pre/backup", {"status": 5}, "set-status event: 'status' must be text, got a number (5)"),
    ("set-status", "app/pre/backup", {"status": "maybe"}, "malformed set-status event: 'maybe' is not a valid Status"),
    ("set-status", "app/pre/nope", {"status": "done"}, "unknown item 'app/pre/nope'"),
    ("note", "", {"text": ["a"]}, "note event: 'text' must be text, got a list"),
    ("sign", "CTO", {"decision": None}, "sign event: 'decision' must be text, got nothing"),
    ("sign", "Janitor", {"decision": "GO"}, "unknown role 'Janitor'"),
    ("poll-start", "", {"roles": "CTO"}, "poll-start event: 'roles' must be a list of text, got text ('CTO')"),
    ("set-t0", "", {"t0": "0001-01-01T00:00:00Z"}, "set-t0 event: 't0': time '0001-01-01T00:00:00Z' is out of range: warroom handles the years 1970 to 9000"),
    ("recycle", "", {"to": "T-99999999999999d"}, "recycle event: 'to': T-mark 'T-99999999999999d': duration '99999999999999d' is too long; at most 3660 days"),
    ("assess", "nope", {"result": "pass"}, "unknown criterion 'nope'"),
    ("metric-state", "ghost", {"state": "CRIT", "value": 1}, "unknown tile 'ghost'"),
    ("hold", "", {"reason": {"deep": True}}, "hold event: 'reason' must be text, got a mapping"),
]


@pytest.mark.parametrize("kind, target, payload, message", PAYLOADS, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAYLOADS)])
def test_a_known_kind_with_a_wrong_payload_is_skipped_with_a_warning(room, kind, target, payload, message) -> None:
    room.plant(("note", "", {"text": "fine"}), (kind, target, payload))
    code, out, err = room.cli("status", room.layout, "--no-probe")
    assert code == 0
    assert f"warroom: warning: {room.journal}:3: event seq 2 skipped: {message}" in err
    code, out, err = room.cli("verify", room.layout)
    assert code == 1 and "INVALID: 1 event(s)" in err


def test_an_unknown_kind_is_kept_reported_once_and_never_fatal(room) -> None:
    room.plant(("launch-party", "", {}), ("launch-party", "", {"x": 1}), ("note", "", {"text": "ok"}))
    code, out, err = room.cli("log", room.layout)
    assert code == 0 and len([row for row in out.splitlines() if "launch-party" in row]) == 2
    assert err.count("unknown event kind 'launch-party'") == 1 and "(2 event(s))" in err
    code, out, err = room.cli("verify", room.layout)
    assert code == 0 and "chain ok" in out


def test_a_deeply_nested_payload_is_an_unreadable_line_not_a_crash(room) -> None:
    room.plant(("note", "", {"text": "before"}))
    with open(room.journal, "a") as f:
        f.write('- {"seq": 2, "payload": ' + "[" * 100000 + "]" * 100000 + "}\n")
    code, out, err = room.cli("log", room.layout)
    assert code == 0 and f"{room.journal}:3: unreadable event: nested too deeply" in err


def test_log_since_with_5000_digits_is_a_message(room) -> None:
    code, out, err = room.cli("log", room.layout, "--since", "9" * 5000)
    assert code == 1 and err.startswith("warroom: error: --since: the sequence number 9999") and "too large" in err


# -- deleted, moved or replaced under a writer (real processes) ---------------------------------

WRITER = textwrap.dedent("""
    import sys, time
    from warroom.journal import Journal
    j = Journal(sys.argv[1])
    j.load()
    print(j.append("note", "", {"text": "first"}, op="w").seq, flush=True)
    sys.stdin.readline()  # the test changes the file now
    try:
        ev = j.append("note", "", {"text": "second"}, op="w")
        print("wrote", ev.seq, flush=True)
    except Exception as exc:
        print("refused", type(exc).__name__, exc, flush=True)
""")


def _writer(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "1"
    return proc


def _go(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate("go\n", timeout=30)
    return out.strip()


def test_a_deleted_journal_is_never_written_into(tmp_path) -> None:
    path = tmp_path / "j.journal.yaml"
    proc = _writer(path)
    path.unlink()
    out = _go(proc)
    assert out.startswith("refused JournalReplaced") and "was deleted or moved away while open; nothing was written" in out
    assert not path.exists()


def test_a_journal_moved_away_is_refused(tmp_path) -> None:
    path = tmp_path / "j.journal.yaml"
    proc = _writer(path)
    path.rename(tmp_path / "elsewhere.yaml")
    assert "deleted or moved away" in _go(proc)
    assert (tmp_path / "elsewhere.yaml").read_text().count("- {") == 1


def test_a_replacement_that_goes_on_from_our_head_is_reopened(tmp_path) -> None:
    path = tmp_path / "j.journal.yaml"
    proc = _writer(path)
    copy = tmp_path / "copy"
    copy.write_bytes(path.read_bytes())
    with Journal(copy) as other:  # the same chain, one more event (a restore from a later backup)
        other.load()
        other.append("note", "", {"text": "from the copy"}, op="x")
    os.replace(copy, path)
    assert _go(proc) == "wrote 3"
    lines = [l for l in path.read_text().splitlines() if l.startswith("- {")]
    assert len(lines) == 3 and '"second"' in lines[2]


def test_a_replacement_with_another_chain_is_refused(tmp_path) -> None:
    path = tmp_path / "j.journal.yaml"
    proc = _writer(path)
    other = tmp_path / "other"
    with Journal(other) as j:
        j.load()
        j.append("note", "", {"text": "someone else's"}, op="x")
    os.replace(other, path)
    out = _go(proc)
    assert out.startswith("refused JournalReplaced") and "does not contain this process's last event (seq 1," in out
    assert "someone else's" in path.read_text() and "second" not in path.read_text()


# -- truncation --------------------------------------------------------------------------------

def _cut_last(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))


def test_truncation_passes_the_chain_but_not_verify_head(room) -> None:
    for word in ("one", "two", "three"):
        assert room.cli("note", room.layout, word, "--as", "ana")[0] == 0
    code, out, _ = room.cli("verify", room.layout)
    head = out.split("head ")[1].split()[0]
    _cut_last(room.journal)
    code, out, err = room.cli("verify", room.layout)
    assert code == 0 and "chain ok" in out  # what the unkeyed chain cannot see
    code, out, err = room.cli("verify", room.layout, "--head", head)
    assert code == 1 and f"the journal does not contain the head {head}" in err


def test_each_operator_is_warned_when_the_head_they_saw_is_gone(room) -> None:
    for word in ("one", "two"):
        room.cli("note", room.layout, word, "--as", "ana")
    _cut_last(room.journal)
    code, out, err = room.cli("status", room.layout, "--no-probe")
    assert code == 0 and "no longer contains event seq 2" in err and "warroom verify LAYOUT --head" in err


def test_the_remembered_head_lives_in_the_operators_state_dir(room) -> None:
    room.cli("note", room.layout, "one", "--as", "ana")
    store = Path(os.environ["XDG_STATE_HOME"]) / "warroom" / "heads.json"
    assert str(room.journal.resolve()) in store.read_text()
    assert not list(room.journal.parent.glob("*head*"))


# -- clocks and disks --------------------------------------------------------------------------

def test_a_writer_behind_the_journals_clock_is_warned(room) -> None:
    room.plant(("note", "", {"text": "from the future"}), ts="2099-01-01T00:00:00.000Z")
    code, out, err = room.cli("note", room.layout, "now", "--as", "ana")
    assert code == 0 and "this machine's clock is" in err and "behind the last event" in err
    assert [e["seq"] for e in room.events()] == [1, 2]


def test_a_full_disk_names_the_journal_and_leaves_nothing_behind(room) -> None:
    room.cli("note", room.layout, "one", "--as", "ana")
    size = room.journal.stat().st_size
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size + 20}, {size + 20}))
        from warroom.cli import main
        sys.exit(main(["note", {str(room.layout)!r}, "x" * 400, "--as", "ana"]))
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert f"cannot write the journal {room.journal}: File too large (nothing was recorded)" in res.stderr
    assert room.journal.stat().st_size == size
    assert sorted(p.name for p in room.journal.parent.iterdir()) == ["app.journal.yaml", "app.yaml"]
    assert room.cli("verify", room.layout)[0] == 0
