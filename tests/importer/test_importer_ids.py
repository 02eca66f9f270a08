"""Ids are readable, stable across re-imports, and survive edits to other items."""

from __future__ import annotations

from importer_support import seed_path

from warroom.importer.build import import_file, import_text


def ids(result):
    return [i.id for i in result.checklist.walk_items()] + [s.id for s in result.checklist.walk_sections()]


def test_reimport_gives_the_same_ids(seed):
    for prefix in ("000", "002", "004"):
        assert ids(import_file(seed_path(prefix))) == ids(seed(prefix))


def test_ids_are_readable_slugs_deduplicated_in_order():
    r = import_text("## Deploy & Verify ✅\n- [ ] Check it\n- [ ] Check it\n- [ ] **Check** it\n", "x.md")
    assert [i.id for i in r.checklist.walk_items()] == [
        "x/deploy-and-verify/check-it", "x/deploy-and-verify/check-it-2", "x/deploy-and-verify/check-it-3"]


def test_editing_one_item_keeps_the_other_ids(seed):
    path = seed_path("002")
    text = path.read_text(encoding="utf-8")
    edited = text.replace("- [ ] Team assembled", "- [x] Whole team assembled in the war room")
    edited = edited.replace("### T-24 Hours\n", "### T-24 Hours\n- [ ] A brand new first task\n")
    before = {i.id: i.text for i in seed("002").checklist.walk_items()}
    after = {i.id: i.text for i in import_text(edited, str(path)).checklist.walk_items()}
    gone = set(before) - set(after)
    new = set(after) - set(before)
    cid = seed("002").checklist.id
    assert gone == {f"{cid}/launch-day-protocol/t-1-hour/team-assembled"}
    assert new == {f"{cid}/launch-day-protocol/t-1-hour/whole-team-assembled-in-the-war-room",
                   f"{cid}/launch-day-protocol/t-24-hours/a-brand-new-first-task"}
    assert all(before[k] == after[k] for k in set(before) & set(after))


def test_status_and_heading_marks_do_not_change_ids():
    a = import_text("## Infra [🔴]\n- [ ] DNS\n- [🟡] TLS\n", "x.md")
    b = import_text("## Infra ✅\n- [x] DNS\n- [🟢] TLS\n", "x.md")
    assert ids(a) == ids(b)


def test_renumbered_headings_keep_ids():
    a = import_text("## 1. Code\n- [ ] x\n## 2. Infra\n- [ ] y\n", "x.md")
    b = import_text("## 2. Code\n- [ ] x\n## 1. Infra\n- [ ] y\n", "x.md")
    assert sorted(ids(a)) == sorted(ids(b))
