"""The journal on real files: format, torn tails, tampering, followers."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from warroom.events import GENESIS
from warroom.journal import HEADER, Journal, decode_line, encode_event, follow_from, verify

from core_support import BASE


def _fill(path: Path, n: int, op: str = "ana@bastion") -> list:
    with Journal(path) as j:
        return [j.append("note", "", {"text": f"note {i}"}, op=op, now=BASE + timedelta(seconds=i)) for i in range(1, n + 1)]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


# -- format ----------------------------------------------------------------------------------

AWKWARD = {
    "text": 'quotes " and \' and \\ backslash, tab\tand newline\nlines, # not a comment, - not a list, : colon',
    "unicode": "Grüße — ✓ ✗ 🚀 日本語",
    "yaml-breakers": "line\u2028sep\u2029para\x85nel\ufeffbom\x7fdel",
    "nested": {"list": [1, 2.5, None, True, "x"], "empty": {}},
}


def test_the_journal_is_plain_yaml_that_pyyaml_reads_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    with Journal(path) as j:
        written = [j.append("note", "payments-v2/pre-launch/freeze", AWKWARD, op="ana@bastion (ssh 10.0.0.7)"),
                   j.append("set-status", "payments-v2/pre-launch/load-test", {"status": "done"}, op="bo@bastion")]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    data = yaml.safe_load(text)
    assert isinstance(data, list) and len(data) == 2
    for doc, ev in zip(data, written):
        assert doc == {"seq": ev.seq, "ts": ev.ts, "op": ev.op, "kind": ev.kind, "target": ev.target,
                       "payload": ev.payload, "acct": ev.acct, "prev": ev.prev, "hash": ev.hash}
    assert data[0]["payload"] == AWKWARD
    assert data[0]["prev"] == GENESIS and data[1]["prev"] == data[0]["hash"]
    # one event per line, readable in `less`: no raw control characters, one line each
    body = text[len(HEADER):]
    assert body.count("\n") == 2
    assert all(ch == "\n" or ch >= " " for ch in body)
    assert Journal(path, read_only=True).load().events == written


@pytest.mark.skipif(shutil.which("yq") is None, reason="yq is not installed")
def test_yq_reads_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    with Journal(path) as j:
        j.append("note", "", AWKWARD, op="ana")
        j.append("sign", "Security", {"decision": "GO", "comment": ""}, op="lena")
    out = subprocess.run(["yq", "-r", ".[1].payload.decision, .[0].payload.unicode", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["GO", AWKWARD["unicode"]]


def test_encode_and_decode_round_trip_and_the_hash_covers_the_line() -> None:
    line, digest = encode_event(7, "2026-11-23T12:00:00.000Z", "op", "note", "t", {"text": "hi"}, "a" * 64)
    assert line.endswith("\n") and line.count("\n") == 1
    ev = decode_line(line.rstrip("\n"))
    assert (ev.seq, ev.op, ev.kind, ev.target, ev.payload, ev.prev, ev.hash) == (7, "op", "note", "t", {"text": "hi"}, "a" * 64, digest)
    other, other_digest = encode_event(7, "2026-11-23T12:00:00.000Z", "op", "note", "t", {"text": "ho"}, "a" * 64)
    assert other_digest != digest
    with pytest.raises(ValueError):
        decode_line('{"seq": 1}')
    with pytest.raises(ValueError):
        decode_line('- {"seq": 1, "ts": "x"}')


def test_sequence_and_chain_continue_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    first = _fill(path, 3)
    with Journal(path) as j:
        result = j.load()
        assert j.head == (3, first[-1].hash)
        ev = j.append("note", "", {"text": "after reopen"}, op="bo")
    assert (ev.seq, ev.prev) == (4, first[-1].hash)
    assert [e.seq for e in result.events] == [1, 2, 3] and not result.issues
    report = verify(path)
    assert report.ok and report.events == 4 and report.head_hash == ev.hash
    assert path.read_text().count(HEADER) == 1


def test_a_writer_that_never_loaded_catches_up_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    a, b = Journal(path), Journal(path)
    a.append("note", "", {"text": "a1"}, op="a")
    b.append("note", "", {"text": "b1"}, op="b")  # b never called load(): it must read a's event first
    a.append("note", "", {"text": "a2"}, op="a")
    a.close(), b.close()
    report = verify(path)
    assert report.ok, report.problems
    assert [e.payload["text"] for e in Journal(path, read_only=True).load().events] == ["a1", "b1", "a2"]


def test_a_read_only_journal_refuses_to_write(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    _fill(path, 1)
    from warroom.journal import ReadOnlyJournal

    with pytest.raises(ReadOnlyJournal):
        Journal(path, read_only=True).append("note", "", {"text": "x"})
    assert verify(path).events == 1


def test_loading_a_missing_journal_gives_nothing(tmp_path: Path) -> None:
    result = Journal(tmp_path / "none.journal.yaml", read_only=True).load()
    assert result.events == [] and result.issues == [] and result.offset == 0


# -- torn tail -------------------------------------------------------------------------------

def _tear(path: Path, events: int = 5) -> tuple[list, bytes]:
    written = _fill(path, events)
    torn = encode_event(events + 1, "2026-11-23T12:10:00.000Z", "ana", "note", "", {"text": "half"}, written[-1].hash)[0]
    partial = torn.encode()[: len(torn) // 2]
    with open(path, "ab") as f:
        f.write(partial)
    return written, partial


def test_a_torn_tail_is_set_aside_reported_and_every_earlier_event_loads(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    written, partial = _tear(path)
    lines_before = path.read_bytes().count(b"\n")
    with Journal(path) as j:
        result = j.load()
        assert result.events == written
        assert len(result.issues) == 1
        issue = result.issues[0]
        assert issue.line == lines_before + 1
        assert "torn last record" in issue.message and f"{len(partial)} bytes" in issue.message
        assert issue.side_file is not None and issue.side_file.read_bytes() == partial
        assert issue.side_file.parent == path.parent and issue.side_file.name.startswith(path.name + ".torn-")
        assert str(issue.side_file) in str(issue)
        # the journal is back to its last complete line, and the chain goes on from there
        assert path.read_bytes().endswith(b"\n")
        ev = j.append("note", "", {"text": "after the crash"}, op="bo")
    assert (ev.seq, ev.prev) == (len(written) + 1, written[-1].hash)
    report = verify(path)
    assert report.ok and report.events == len(written) + 1


def test_a_read_only_load_reports_a_torn_tail_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    written, partial = _tear(path)
    before = path.read_bytes()
    result = Journal(path, read_only=True).load()
    assert result.events == written
    assert [i.message for i in result.issues] == [f"torn last record ({len(partial)} bytes, no newline): a write was interrupted; ignored"]
    assert path.read_bytes() == before
    assert list(path.parent.glob("*.torn-*")) == []
    report = verify(path)
    line = before.count(b"\n") + 1
    assert report.events == len(written)
    assert report.problems == [f"line {line}: torn last record ({len(partial)} bytes without a newline)"]


def test_a_writer_appending_after_a_crash_sets_the_torn_tail_aside(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    with Journal(path) as survivor:
        survivor.append("note", "", {"text": "before"}, op="bo")
        # another process crashed mid-write after this writer last looked
        with open(path, "ab") as f:
            f.write(b'- {"seq": 2, "ts": "2026-11-23T12:0')
        ev = survivor.append("note", "", {"text": "after"}, op="bo")
        assert ev.seq == 2
        assert len(survivor.issues) == 1 and survivor.issues[0].side_file is not None
        assert survivor.issues[0].side_file.read_bytes() == b'- {"seq": 2, "ts": "2026-11-23T12:0'
    report = verify(path)
    assert report.ok and report.events == 2


# -- tampering -------------------------------------------------------------------------------

@pytest.fixture
def chain(tmp_path: Path) -> tuple[Path, list[str], str]:
    path = tmp_path / "j.journal.yaml"
    evs = _fill(path, 8)
    return path, _lines(path), evs[-1].hash  # line 1 is the header; seq n is on line n + 1


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


def test_an_untouched_chain_verifies_and_prints_its_head(chain) -> None:
    path, _, head = chain
    report = verify(path)
    assert report.ok and report.events == 8 and report.head_hash == head


def test_an_edited_payload_is_pinpointed(chain) -> None:
    path, lines, _ = chain
    lines[4] = lines[4].replace('"note 4"', '"note four"')
    _write(path, lines)
    assert verify(path).problems == ["line 5: event seq 4 was edited (its hash does not match its content)"]


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(chain) -> None:
    path, lines, _ = chain
    ev = decode_line(lines[4].rstrip("\n"))
    lines[4] = encode_event(ev.seq, ev.ts, "mallory", ev.kind, ev.target, {"text": "forged"}, ev.prev)[0]
    _write(path, lines)
    assert verify(path).problems == ["line 6: event seq 5 does not link to the event before it (inserted or replaced)"]


def test_a_removed_event_is_pinpointed(chain) -> None:
    path, lines, _ = chain
    del lines[3]  # seq 3
    _write(path, lines)
    report = verify(path)
    assert report.problems == ["line 4: seq 3 removed before event seq 4"]
    assert Journal(path, read_only=True).load().issues[0].line == 4


def test_removing_several_events_names_the_range(chain) -> None:
    path, lines, _ = chain
    del lines[2:5]  # seq 2, 3, 4
    _write(path, lines)
    assert verify(path).problems == ["line 3: seq 2..4 removed before event seq 5"]


def test_a_removed_last_event_changes_the_head_hash(chain) -> None:
    path, lines, head = chain
    _write(path, lines[:-1])
    report = verify(path)
    assert report.ok and report.events == 7
    assert report.head_hash != head  # which is why `warroom verify` prints the head


def test_an_inserted_copy_of_an_event_is_pinpointed(chain) -> None:
    path, lines, _ = chain
    lines.insert(6, lines[2])  # a copy of seq 2 between seq 5 and seq 6
    _write(path, lines)
    assert verify(path).problems == ["line 7: event seq 2 is out of order or inserted (expected seq 6)"]


def test_two_swapped_events_are_pinpointed(chain) -> None:
    path, lines, _ = chain
    lines[3], lines[4] = lines[4], lines[3]  # seq 3 and seq 4
    _write(path, lines)
    assert verify(path).problems == ["line 4: seq 3 removed before event seq 4",
                                     "line 5: event seq 3 is out of order or inserted (expected seq 5)"]


def test_a_garbage_line_is_reported_and_the_rest_still_loads(chain) -> None:
    path, lines, _ = chain
    lines.insert(3, "- {this is not json\n")
    _write(path, lines)
    problems = verify(path).problems
    assert len(problems) == 1 and problems[0].startswith("line 4: unreadable event (")
    result = Journal(path, read_only=True).load()
    assert [e.seq for e in result.events] == list(range(1, 9))
    assert [i.line for i in result.issues] == [4] and result.issues[0].message.startswith("unreadable event")


# -- followers -------------------------------------------------------------------------------

def test_a_follower_sees_only_new_events_and_reads_only_new_bytes(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "j.journal.yaml"
    _fill(path, 50)
    result = Journal(path, read_only=True).load()
    follower = follow_from(result, path)
    assert follower.poll() == []

    import builtins
    import warroom.journal as jmod

    reads: list[tuple[int, int]] = []
    real_open = builtins.open

    class Spy:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def seek(self, n, *a):
            self.pos = n
            return self.f.seek(n, *a)

        def read(self, n=-1):
            data = self.f.read(n)
            reads.append((getattr(self, "pos", 0), len(data)))
            return data

    monkeypatch.setattr(jmod, "open", lambda p, mode="r", *a, **k: Spy(real_open(p, mode, *a, **k)), raising=False)
    size_before = path.stat().st_size
    with Journal(path) as j:
        j.append("note", "", {"text": "fresh 1"}, op="bo")
        j.append("note", "", {"text": "fresh 2"}, op="bo")
    new = follower.poll()
    assert [e.payload["text"] for e in new] == ["fresh 1", "fresh 2"]
    assert [e.seq for e in new] == [51, 52]
    assert reads == [(size_before, path.stat().st_size - size_before)]
    assert follower.head_seq == 52 and not follower.issues


def test_a_follower_leaves_a_half_written_line_for_the_next_poll(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    _fill(path, 2)
    follower = follow_from(Journal(path, read_only=True).load(), path)
    line, _ = encode_event(3, "2026-11-23T12:00:03.000Z", "bo", "note", "", {"text": "slow"}, verify(path).head_hash)
    raw = line.encode()
    with open(path, "ab") as f:
        f.write(raw[:20])
        f.flush()
        assert follower.poll() == []
        f.write(raw[20:])
    got = follower.poll()
    assert [e.seq for e in got] == [3] and not follower.issues


def test_a_follower_from_scratch_reads_everything_and_line_numbers_match(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    _fill(path, 4)
    lines = _lines(path)
    lines[3] = lines[3].replace('"seq": 3', '"seq": 33')
    _write(path, lines)
    from warroom.journal import Follower

    follower = Follower(path)
    assert [e.seq for e in follower.poll()] == [1, 2, 33, 4]
    assert [i.line for i in follower.issues] == [4, 5]


def test_a_follower_starts_over_when_the_file_shrinks(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    _fill(path, 5)
    follower = follow_from(Journal(path, read_only=True).load(), path)
    path.unlink()
    _fill(path, 2)
    got = follower.poll()
    assert follower.reset is True
    assert [e.seq for e in got] == [1, 2]


def test_json_loads_reads_every_event_line(tmp_path: Path) -> None:
    path = tmp_path / "j.journal.yaml"
    _fill(path, 3)
    docs = [json.loads(line[2:]) for line in _lines(path) if line.startswith("- ")]
    assert [d["seq"] for d in docs] == [1, 2, 3]


def test_after_an_inserted_old_event_at_the_end_writers_and_followers_go_on_from_the_real_head(chain) -> None:
    path, lines, head = chain
    _write(path, lines + [lines[2]])  # a copy of seq 2 pasted at the end
    result = Journal(path, read_only=True).load()
    assert result.head == (8, head)
    assert [(i.line, i.message) for i in result.issues] == [(10, "hash chain broken at seq 2: expected seq 9 after " + head[:12])]
    follower = follow_from(result, path)
    with Journal(path) as j:
        j.load()
        ev = j.append("note", "", {"text": "next"}, op="bo")
    assert (ev.seq, ev.prev) == (9, head)
    assert [e.seq for e in follower.poll()] == [9] and not follower.issues
    assert verify(path).problems == ["line 10: event seq 2 is out of order or inserted (expected seq 9)"]
