"""Edits of a layout by warroom: comments kept, stale saves refused, symlinks followed, journaled."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from flow_support import REPO, room

from warroom.errors import InputError
from warroom.journal import Journal
from warroom.layout_edit import LayoutChanged, layout_as_of, read_layout, save
from warroom.workspace import load_workspace

HEALTH = {"name": "health", "source": "http", "url": "http://127.0.0.1:9/health", "check": "status", "threshold": "== 200"}


@pytest.mark.parametrize("path", sorted((REPO / "layouts").glob("*.yaml")), ids=lambda p: p.name)
def test_an_unchanged_layout_renders_byte_for_byte(path):
    doc = read_layout(path)
    assert doc.render() == doc.text


def test_an_edit_keeps_comments_key_order_and_quoting_and_validates(tmp_path):
    layout = room(tmp_path)
    before = layout.read_text(encoding="utf-8")
    doc = read_layout(layout)
    doc.add_tile(dict(HEALTH), comment="the service's own health check")
    doc.bind("error-rate", "health")
    saved = save(doc, "ana", "added tile health")
    after = layout.read_text(encoding="utf-8")
    assert after == saved.after and saved.before == before
    for line in before.splitlines():
        if line.strip() not in ("criteria:",):
            assert line in after  # every line the user wrote is still there, as written
    assert "    threshold: < 0.1%\n    tile: health\n" in after  # bound after its threshold
    assert "  # the service's own health check\n  - name: health\n" in after
    ws = load_workspace(layout)
    assert [t.name for t in ws.layout.tiles] == ["health"] and ws.criterion("error-rate").tile == "health"


def test_a_save_after_someone_elses_is_refused_and_loses_nothing(tmp_path):
    layout = room(tmp_path)
    first, second = read_layout(layout), read_layout(layout)
    first.add_tile(dict(HEALTH))
    save(first, "ana", "added tile health")
    second.add_tile(dict(HEALTH, name="other"))
    with pytest.raises(LayoutChanged, match="changed since it was read"):
        save(second, "bo", "added tile other")
    assert [t.name for t in load_workspace(layout).layout.all_tiles] == ["health"]
    # a reload sees the first edit and can add its own on top
    again = read_layout(layout)
    again.add_tile(dict(HEALTH, name="other"))
    save(again, "bo", "added tile other")
    assert [t.name for t in load_workspace(layout).layout.all_tiles] == ["health", "other"]


def _racer(path: str, name: str, barrier, out) -> None:  # noqa: ANN001
    doc = read_layout(path)
    doc.add_tile(dict(HEALTH, name=name))
    barrier.wait()
    try:
        save(doc, name, f"added tile {name}")
        out.put((name, "saved"))
    except LayoutChanged:
        out.put((name, "refused"))


def test_processes_saving_at_once_one_wins_the_others_are_refused(tmp_path):
    layout = room(tmp_path)
    ctx = multiprocessing.get_context("fork")
    n = 4
    barrier, out = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_racer, args=(str(layout), f"t{i}", barrier, out)) for i in range(n)]
    for p in procs:
        p.start()
    results = dict(out.get(timeout=30) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    winners = [k for k, v in results.items() if v == "saved"]
    assert len(winners) == 1 and sorted(results.values()).count("refused") == n - 1
    assert [t.name for t in load_workspace(layout).layout.all_tiles] == winners
    events = Journal(load_workspace(layout).journal_path, read_only=True).load().events
    assert [e.payload["what"] for e in events] == [f"added tile {winners[0]}"]


def test_a_symlinked_layout_is_edited_in_its_target(tmp_path):
    layout = room(tmp_path)
    link = tmp_path / "layouts" / "current.yaml"
    link.symlink_to(layout.name)
    doc = read_layout(link)
    doc.add_tile(dict(HEALTH))
    save(doc, "ana", "added tile health")
    assert link.is_symlink() and os.readlink(link) == layout.name
    assert "- name: health" in layout.read_text(encoding="utf-8")


def test_an_edit_that_breaks_the_layout_is_refused_with_positions(tmp_path):
    layout = room(tmp_path)
    before = layout.read_text(encoding="utf-8")
    doc = read_layout(layout)
    doc.add_tile(dict(HEALTH, threshold="< 5 parsecs"))
    with pytest.raises(InputError) as exc:
        save(doc, "ana", "added tile health")
    (problem,) = exc.value.problems
    assert str(problem).startswith(f"{layout}:") and problem.line > 0 and problem.col > 0
    assert "bad threshold" in problem.message
    assert layout.read_text(encoding="utf-8") == before
    assert not load_workspace(layout).journal_path.exists()


def test_a_file_that_is_not_yaml_is_reported_with_its_position(tmp_path):
    layout = room(tmp_path)
    layout.write_text("launch: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_layout(layout)
    assert exc.value.problems[0].line >= 1 and "not valid YAML" in exc.value.problems[0].message


def test_the_journal_replays_the_layout_as_it_was(tmp_path):
    layout = room(tmp_path)
    original = layout.read_text(encoding="utf-8")
    doc = read_layout(layout)
    doc.add_tile(dict(HEALTH))
    save(doc, "ana", "added tile health")
    middle = layout.read_text(encoding="utf-8")
    doc = read_layout(layout)
    doc.set_enabled("health", False)
    save(doc, "bo", "disabled tile health")
    events = Journal(load_workspace(layout).journal_path, read_only=True).load().events
    assert [(e.kind, e.op) for e in events] == [("layout-change", "ana"), ("layout-change", "bo")]
    assert events[0].payload["before"] == original
    assert layout_as_of(events, seq=1) == middle and layout_as_of(events) == layout.read_text(encoding="utf-8")
    assert "enabled: false" in layout_as_of(events) and layout_as_of(events, seq=0) is None
    from warroom.state import LaunchState

    state = LaunchState.replay(load_workspace(layout), events)
    assert [c[2:] for c in state.layout_changes] == [("ana", "added tile health"), ("bo", "disabled tile health")]
    assert not state.ignored


def test_flush_sequence_indentation_is_kept(tmp_path):
    layout = room(tmp_path)
    layout.write_text(layout.read_text(encoding="utf-8").replace("  - ", "- ").replace("    ", "  "), encoding="utf-8")
    doc = read_layout(layout)
    assert doc.render() == doc.text
    doc.add_tile(dict(HEALTH))
    assert "\ntiles:\n- name: health\n  source: http\n" in doc.render()
