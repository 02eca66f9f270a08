"""Checkpoints: the state they restore is the full replay's, only the events after them are read,
and one that does not match its head, layout, checklists or warroom version is ignored."""

from __future__ import annotations

import json
import os
from pathlib import Path

import hypothesis
import hypothesis.strategies as st
import pytest

import warroom.checkpoint as checkpoint
from warroom.actions import Actions
from warroom.checkpoint import checkpoint_path, load_state
from warroom.cli import main
from warroom.journal import Journal
from warroom.state import LaunchState, LazyList
from warroom.workspace import Workspace, load_workspace


@pytest.fixture
def busy(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A journal of 30 events of every kind the state keeps (a checkpoint every 10 events)."""
    monkeypatch.setattr(checkpoint, "EVERY", 10)
    items = sorted(ws.items)
    roles = [r.name for r in ws.layout.roles]
    with Journal(ws.journal_path) as j:
        j.load()
        a = Actions(j, "ana@bastion")

        def state() -> LaunchState:
            return LaunchState.replay(ws, Journal(ws.journal_path, read_only=True).load().events)

        a.set_t0(state(), "2026-11-23T16:00:00+01:00")
        for i, item in enumerate(items[:8]):
            a.tick(state(), item)
            a.note(state(), item, f"note {i} ‘quoted’ \u2028")
        a.set_status(state(), items[9], "blocked", "vendor")
        a.hold(state(), "weather")
        a.sign(state(), roles[0], "go", "")
        a.poll_start(state())
        a.poll_answer(state(), "go", "fine")
        a.note(state(), None, "launch note")
        a.resume(state(), override="T-0 is past: going on anyway")  # every kind of event, the override too
        j.append("metric-state", "p95", {"state": "red", "value": 512.5, "from": "green"}, op="poller")
        j.append("mystery-kind", "x", {"odd": {"$dt": "not a date"}}, op="future")  # kept in ignored
        a.recycle(state(), "T-1h", "retry")
    return ws


def full(ws: Workspace) -> LaunchState:
    return LaunchState.replay(ws, Journal(ws.journal_path, read_only=True).load().events)


def same(a: LaunchState, b: LaunchState) -> bool:
    return {k: v for k, v in vars(a).items() if k != "ws"} == {k: v for k, v in vars(b).items() if k != "ws"}


def test_a_checkpoint_restores_exactly_the_replayed_state(busy: Workspace) -> None:
    journal = busy.journal_path
    state, result = load_state(busy, Journal(journal, read_only=True))
    assert len(result.events) >= 27 and checkpoint_path(journal).exists()
    restored, result = load_state(busy, Journal(journal, read_only=True))
    assert result.events == []  # nothing after the checkpoint: nothing read
    assert same(restored, full(busy)) and restored.snapshot() == full(busy).snapshot()
    assert restored.poll is None or restored.poll is restored.polls[-1]
    body = main_document(journal)
    assert body["schema"] == checkpoint.SCHEMA and body["head"] == [restored.last_seq, restored.head_hash]


def test_events_after_the_checkpoint_are_read_and_appended_on(busy: Workspace) -> None:
    load_state(busy, Journal(busy.journal_path, read_only=True))
    with Journal(busy.journal_path) as j:
        state, result = load_state(busy, j)
        assert result.events == []
        Actions(j, "bo").tick(state, sorted(busy.items)[-1])
        # unless= still sees the state events from before the checkpoint
        assert j.append("metric-state", "p95", {"state": "red"}, unless=lambda ev: ev is not None and ev.payload["state"] == "red") is None
    state, result = load_state(busy, Journal(busy.journal_path, read_only=True))
    assert [e.op for e in result.events] == ["bo"]
    assert same(state, full(busy))


def main_document(journal: Path) -> dict:
    """The checkpoint's first line: everything but the long lists kept after it."""
    return json.loads(checkpoint_path(journal).read_text().partition("\n")[0])


def tamper(journal: Path, **changes: object) -> None:
    """Give the checkpoint's state an item status the journal never had, and apply ``changes``."""
    path = checkpoint_path(journal)
    main, _, side = path.read_text().partition("\n")
    body = json.loads(main)
    body["state"]["last_seq"] = 424242
    body.update(changes)
    path.write_text(json.dumps(body) + "\n" + side)


def test_a_checkpoint_is_trusted_without_rereading_its_prefix(busy: Workspace) -> None:
    """The control for the tests below: a tampered state with valid keys is used as it is."""
    load_state(busy, Journal(busy.journal_path, read_only=True))
    tamper(busy.journal_path)
    assert load_state(busy, Journal(busy.journal_path, read_only=True))[0].last_seq == 424242


def test_a_checkpoint_of_another_version_is_ignored(busy: Workspace) -> None:
    load_state(busy, Journal(busy.journal_path, read_only=True))
    tamper(busy.journal_path, version="0.0.1+0000")
    state, result = load_state(busy, Journal(busy.journal_path, read_only=True))
    assert state.last_seq == full(busy).last_seq and len(result.events) == state.last_seq


def test_a_checkpoint_of_another_layout_or_checklist_is_ignored(busy: Workspace, demo_dir: Path) -> None:
    load_state(busy, Journal(busy.journal_path, read_only=True))
    tamper(busy.journal_path)
    checklist = busy.checklists[0].path
    checklist.write_text(checklist.read_text() + "\n# edited\n")
    ws = load_workspace(busy.layout.path)
    assert load_state(ws, Journal(ws.journal_path, read_only=True))[0].last_seq == full(ws).last_seq
    tamper(busy.journal_path)
    busy.layout.path.write_text(busy.layout.path.read_text() + "\n# edited\n")
    ws = load_workspace(busy.layout.path)
    assert load_state(ws, Journal(ws.journal_path, read_only=True))[0].last_seq == full(ws).last_seq


def test_a_checkpoint_whose_head_is_not_the_journals_is_ignored(busy: Workspace, tmp_path: Path) -> None:
    """The journal was replaced by another of the same length (a rehearsal's, say): the line at
    the checkpoint's offset is not its head event."""
    journal = busy.journal_path
    load_state(busy, Journal(journal, read_only=True))
    tamper(journal)
    lines = journal.read_text().split("\n")
    swapped = [ln.replace('"ana@bastion"', '"ANA@bastion"') for ln in lines]
    journal.write_text("\n".join(swapped))  # same length, other events (a broken chain too)
    state, result = load_state(busy, Journal(journal, read_only=True))
    assert state.last_seq != 424242 and result.issues  # replayed, and the edits reported
    tamper(journal)
    journal.write_text("\n".join(lines[:-3]) + "\n")  # shorter than the checkpoint's offset
    assert load_state(busy, Journal(journal, read_only=True))[0].last_seq != 424242


def test_status_uses_the_checkpoint_and_log_and_verify_read_everything(busy: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    layout = str(busy.layout.path)
    assert main(["status", layout, "--json", "--no-probe"]) == 0
    assert checkpoint_path(busy.journal_path).exists()
    capsys.readouterr()
    tamper(busy.journal_path)
    assert main(["status", layout, "--json", "--no-probe"]) == 0
    assert json.loads(capsys.readouterr().out)["journal"]["events"] == full(busy).event_count  # same count: the state came from it
    assert main(["log", layout, "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == full(busy).last_seq
    # verify reads every event: it finds the one the checkpoint covers that does not fit (no tile p95 here)
    assert main(["verify", layout]) == 1
    out, err = capsys.readouterr()
    assert f": {full(busy).last_seq} events; head " in out and "event seq 25 skipped: unknown tile 'p95'" in err


def test_a_corrupt_checkpoint_is_ignored(busy: Workspace) -> None:
    load_state(busy, Journal(busy.journal_path, read_only=True))
    path = checkpoint_path(busy.journal_path)
    for junk in ("", "{", "[]", '{"schema": 1}', path.read_text().replace('"$status"', '"$nope"')):
        path.write_text(junk)
        state, _ = load_state(busy, Journal(busy.journal_path, read_only=True))
        assert same(state, full(busy))


def test_many_records_round_trip_as_columns(busy: Workspace) -> None:
    """Hundreds of notes by a few operators: kept as columns, the operators as a table; the
    state restored is the replayed one, hostile-looking text included."""
    item = sorted(busy.items)[0]
    with Journal(busy.journal_path) as j:
        j.load()
        for i in range(300):
            j.append("note", item if i % 3 else "", {"text": ["$NoteEntry", "{\"$map\": 1}", f"n{i}"][i % 3]},
                     op=["ana", "bo", "cy"][i % 3])
    state, _ = load_state(busy, Journal(busy.journal_path, read_only=True))
    assert '"$t"' in checkpoint_path(busy.journal_path).read_text()  # some column was kept as a table
    restored, result = load_state(busy, Journal(busy.journal_path, read_only=True))
    assert result.events == [] and same(restored, full(busy)) and same(state, restored)


def test_a_run_started_before_the_checkpoint_ends_after_it(busy: Workspace) -> None:
    """The item's latest run and the run history are one record: a run-end read after the
    checkpoint closes it in both, as a full replay does."""
    from warroom.events import RUN_END, RUN_START

    item = sorted(busy.items)[0]
    with Journal(busy.journal_path) as j:
        j.load()
        j.append(RUN_START, item, {"run": "r1", "host": "bastion", "pid": 42, "command": "make deploy"}, op="ana")
    load_state(busy, Journal(busy.journal_path, read_only=True))  # the checkpoint holds the open run
    with Journal(busy.journal_path) as j:
        state, result = load_state(busy, j)
        assert result.events == [] and state.runs[item].open
        j.append(RUN_END, item, {"run": "r1", "exit": 0}, op="ana")
    restored, result = load_state(busy, Journal(busy.journal_path, read_only=True))
    assert [e.kind for e in result.events] == [RUN_END]
    assert restored.runs[item] is restored.run_history[-1] and not restored.runs[item].open
    assert same(restored, full(busy))


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(data=st.binary(max_size=300), needle=st.binary(min_size=1, max_size=8), chunk=st.integers(1, 64))
def test_the_head_search_from_the_end_finds_what_a_whole_read_finds(tmp_path_factory, data: bytes, needle: bytes, chunk: int) -> None:
    """`contains_head` (the remembered-head check every command makes) reads a long journal from
    its end back a chunk at a time, so a checkpointed command does not read it all; it must still
    find a needle that crosses a chunk's edge."""
    from warroom.journal import _in_from_end

    path = tmp_path_factory.mktemp("search") / "j"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _in_from_end(fd, needle, chunk) == (needle in data)
    finally:
        os.close(fd)


# -- the side part: long lists read when first used ------------------------------------------------
@pytest.fixture
def noted(busy: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The busy journal with many notes on items and on the launch, and many invalidations
    (a critical item ticked and un-ticked): long enough lists to go to the side part."""
    monkeypatch.setattr(checkpoint, "LAZY_MIN", 5)
    items = sorted(busy.items)
    critical = next(i.id for i in busy.items.values() if i.critical)
    with Journal(busy.journal_path) as j:
        j.load()
        for i in range(120):
            j.append("note", items[i % 4] if i % 5 else "", {"text": f"note {i} \u2028 ‘{i}’"}, op=["ana", "bo"][i % 2])
            if i % 10 == 0:
                j.append("set-status", critical, {"status": "done"}, op="cy")
                j.append("set-status", critical, {"status": "todo"}, op="cy")
    return busy


def lazy_lists(state: LaunchState) -> list[LazyList]:
    lists = [state.launch_notes, state.invalidations, *(st.notes for st in state.items.values())]
    return [v for v in lists if isinstance(v, LazyList)]


def test_long_lists_are_read_only_when_used(noted: Workspace) -> None:
    load_state(noted, Journal(noted.journal_path, read_only=True))  # writes the checkpoint
    assert len(checkpoint_path(noted.journal_path).read_text().splitlines()) > 3  # the main document, then the lists
    state, result = load_state(noted, Journal(noted.journal_path, read_only=True))
    replayed = full(noted)
    assert result.events == [] and len(lazy_lists(state)) >= 6 and not any(v.loaded for v in lazy_lists(state))
    # what the screen and a sign-off ask, without reading them
    assert [len(st.notes) for st in state.items.values()] == [len(st.notes) for st in replayed.items.values()]
    assert state.invalidations[-1] == replayed.invalidations[-1] and state.launch_notes[-1] == replayed.launch_notes[-1]
    sign = next(iter(replayed.signoffs.values()))
    assert state.stale_reason(sign) == replayed.stale_reason(sign)
    assert not any(v.loaded for v in lazy_lists(state))
    # an event applied to the unread list waits behind it, in order
    with Journal(noted.journal_path) as j:
        j.load()
        j.append("note", "", {"text": "after the checkpoint"}, op="dee")
    state, result = load_state(noted, Journal(noted.journal_path, read_only=True))
    assert [e.op for e in result.events] == ["dee"] and state.launch_notes[-1].text == "after the checkpoint"
    assert not state.launch_notes.loaded
    assert same(state, full(noted)) and state.snapshot() == full(noted).snapshot()


def side_lines(journal: Path) -> tuple[str, list[str]]:
    main, *side = checkpoint_path(journal).read_text(encoding="utf-8").split("\n")
    return main, side


@pytest.mark.parametrize("how", ["stale", "swapped", "flipped", "cut", "missing"])
def test_a_side_part_that_is_not_the_checkpoints_is_not_used(noted: Workspace, how: str) -> None:
    """A side part from an older checkpoint of the same journal, lines swapped, a byte changed,
    cut short or gone: the lists come from a replay of the journal up to the checkpoint's head,
    and the checkpoint file is removed (the next command writes a good one)."""
    journal = noted.journal_path
    load_state(noted, Journal(journal, read_only=True))
    old_main, old_side = side_lines(journal)
    with Journal(journal) as j:  # more notes: a newer checkpoint, whose lists are longer
        j.load()
        for i in range(12):
            j.append("note", sorted(noted.items)[i % 4] if i % 3 else "", {"text": f"later {i}"}, op="bo")
    load_state(noted, Journal(journal, read_only=True))
    main, side = side_lines(journal)
    assert main != old_main
    text = {
        "stale": main + "\n" + "\n".join(old_side),
        "swapped": main + "\n" + "\n".join([side[1], side[0], *side[2:]]),
        "flipped": main + "\n" + "\n".join(side).replace("later 7", "later 8"),
        "cut": main + "\n" + "\n".join(side)[: len("\n".join(side)) // 2],
        "missing": main + "\n",
    }[how]
    checkpoint_path(journal).write_text(text, encoding="utf-8")
    state, result = load_state(noted, Journal(journal, read_only=True))
    assert result.events == [] and state.last_seq == full(noted).last_seq  # the main document was used
    assert same(state, full(noted)) and state.snapshot() == full(noted).snapshot()
    assert not checkpoint_path(journal).exists()
    state, result = load_state(noted, Journal(journal, read_only=True))  # no checkpoint: all read, a new one written
    assert len(result.events) == full(noted).last_seq and checkpoint_path(journal).exists()
    restored, _ = load_state(noted, Journal(journal, read_only=True))
    assert same(restored, full(noted))


def test_a_side_part_replaced_after_the_load_is_still_the_one_read(noted: Workspace) -> None:
    """A newer checkpoint renamed over the file after the load: the lists are read from the
    checkpoint the load opened, not from the newer one (nor replayed)."""
    journal = noted.journal_path
    load_state(noted, Journal(journal, read_only=True))
    state, _ = load_state(noted, Journal(journal, read_only=True))
    with Journal(journal) as j:
        j.load()
        for i in range(12):
            j.append("note", "", {"text": f"later {i}"}, op="bo")
    expected = LaunchState.replay(noted, [e for e in Journal(journal, read_only=True).load().events if e.seq <= state.last_seq])
    load_state(noted, Journal(journal, read_only=True))  # a new checkpoint replaces the file
    journal.rename(journal.with_name("gone.journal.yaml"))  # a replay would fail: the lists must come from the side part
    assert same(state, expected)


@pytest.mark.parametrize("args", [["status", "--no-probe"], ["status", "--no-probe", "--json"], ["status", "--no-probe", "--items"],
                                  ["export"]])
def test_commands_print_the_same_from_a_checkpoint_as_from_the_whole_journal(noted: Workspace, monkeypatch: pytest.MonkeyPatch,
                                                                             capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    import time_machine

    layout = str(noted.layout.path)
    cp = checkpoint_path(noted.journal_path)
    with time_machine.travel("2026-11-23T14:00:00Z", tick=False):
        monkeypatch.setattr(checkpoint, "EVERY", 10**9)  # no checkpoint: the whole journal replayed
        assert main([args[0], layout, *args[1:]]) == 0
        whole = capsys.readouterr()
        assert not cp.exists()
        monkeypatch.setattr(checkpoint, "EVERY", 10)
        assert main([args[0], layout, *args[1:]]) == 0  # writes the checkpoint
        capsys.readouterr()
        assert len(cp.read_text().splitlines()) > 3
        assert main([args[0], layout, *args[1:]]) == 0
        assert capsys.readouterr() == whole


def test_tick_prints_the_same_from_a_checkpoint_as_from_the_whole_journal(noted: Workspace, monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import shutil

    import time_machine

    layout = str(noted.layout.path)
    copy = tmp_path / "copy.journal.yaml"
    shutil.copy(noted.journal_path, copy)
    load_state(noted, Journal(noted.journal_path, read_only=True))  # a checkpoint beside the first, none beside the copy
    monkeypatch.setattr(checkpoint, "EVERY", 10**9)
    item = sorted(noted.items)[0]
    out = []
    for path in (noted.journal_path, copy):
        with time_machine.travel("2026-11-23T14:00:00Z", tick=False):
            for argv in (["tick", layout, "--as", "dee", item], ["tick", layout, "--as", "dee", item, "--undo"],
                         ["note", layout, "--as", "dee", item, "one more"], ["status", layout, "--no-probe", "--items"]):
                assert main([*argv, "--journal", str(path)]) == 0
            captured = capsys.readouterr()
            out.append((captured.out.replace(str(path), "JOURNAL"), captured.err.replace(str(path), "JOURNAL")))
    assert checkpoint_path(noted.journal_path).exists() and not checkpoint_path(copy).exists()
    assert out[0][0] == out[1][0]
    assert out[0][1].splitlines() == out[1][1].splitlines()
    assert Journal(noted.journal_path, read_only=True).load().events[-3:] == Journal(copy, read_only=True).load().events[-3:]
