"""The shapes launch checklists come in, beyond the seeds: markers, boxes, legends, tables, phases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from warroom.importer.build import import_text
from warroom.importer.phases import heading_phase
from warroom.importer.thresholds import parse_threshold
from warroom.model import Status


def items_of(md: str):
    r = import_text(md, "t.md")
    return r, {i.id.split("/", 1)[1]: i for i in r.checklist.walk_items()}


def test_list_markers_and_box_kinds():
    md = "# T\n\n## S\n\n- [ ] dash\n* [x] star\n+ [X] plus\n1. [ ] one\n2) [x] two\n- ☐ ballot\n- ☑ checked\n- ✅ green\n- [~] going\n"
    r, items = items_of(md)
    got = {i.text: i.status for i in r.checklist.walk_items()}
    assert got == {"dash": Status.TODO, "star": Status.DONE, "plus": Status.DONE, "one": Status.TODO, "two": Status.DONE,
                   "ballot": Status.TODO, "checked": Status.DONE, "green": Status.DONE, "going": Status.IN_PROGRESS}


def test_nesting_to_any_depth_and_plain_entries_become_notes():
    md = ("## S\n\n- [ ] a\n  - [ ] b\n    - [ ] c\n      - [ ] d\n        - [x] e\n"
          "  - just a detail\n    - with a sub-detail\n")
    r, items = items_of(md)
    e = items["s/a/b/c/d/e"]
    assert e.depth == 4 and e.status is Status.DONE
    assert items["s/a"].notes == ["just a detail\n  - with a sub-detail"]


def test_status_boxes_default_and_trailing_marks():
    md = "## S\n\n- [🟢] g\n- [🟡] y\n- [🔴] r\n- [⚪] w\n1. **Service** [🟡]\n   - [ ] part\n"
    r, items = items_of(md)
    assert [items[k].status for k in ("s/g", "s/y", "s/r", "s/w")] == [Status.DONE, Status.IN_PROGRESS, Status.TODO, Status.TODO]
    assert items["s/w"].notes == ["optional (⚪ in the source)"]
    assert items["s/service"].text == "**Service**" and items["s/service"].status is Status.IN_PROGRESS
    assert items["s/service/part"].status is Status.TODO


def test_document_legend_overrides_defaults():
    md = "## Legend\n\n- 🟢 Done\n- 🟡 Not started yet\n- 🔴 Blocked by another team\n\n## Work\n\n- [🟡] y\n- [🔴] r\n\n### Sub [🔴]\n"
    r, items = items_of(md)
    assert items["work/y"].status is Status.TODO
    assert items["work/r"].status is Status.BLOCKED and items["work/r"].reason
    assert r.checklist.sections[1].sections[0].status_hint == "blocked"
    assert r.checklist.sections[0].items == []  # the legend is not a list of items
    assert "🟢 Done" in r.checklist.sections[0].description


def test_commands_with_language_and_inline_code_in_text():
    md = "## S\n\n- [ ] Run `make deploy` now\n  ```bash\n  make deploy ENV=prod\n  ```\n  ```\n  echo plain\n  ```\n- [ ] next\n"
    r, items = items_of(md)
    run = items["s/run-make-deploy-now"]
    assert run.text == "Run `make deploy` now"
    assert [(c.code, c.language) for c in run.commands] == [("make deploy ENV=prod", "bash"), ("echo plain", "")]
    assert items["s/next"].commands == []


def test_code_after_a_blank_line_is_section_prose():
    r, items = items_of("## S\n\n- [ ] item\n\n```bash\nls\n```\n")
    assert items["s/item"].commands == []
    assert "```bash\nls\n```" in r.checklist.sections[0].after  # after the item, as in the source


def test_signoff_table_with_people_and_lines():
    md = ("## Approvals\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n| Release Manager | Ana Ruiz | | |\n"
          "| QA | TBD | | |\n\n**Security:** ________ Date: ______\n**Launch Time**: ______\n")
    r, _ = items_of(md)
    assert [(x.name, x.person) for x in r.roles] == [("Release Manager", "Ana Ruiz"), ("QA", ""), ("Security", "")]
    assert [x.poll_order for x in r.roles] == [1, 2, 3]
    assert "Launch Time" in r.checklist.sections[0].description


def test_contact_table_is_not_a_signoff_table():
    r, _ = items_of("## Team\n\n| Role | Name | Contact |\n|---|---|---|\n| Lead | Bo | bo@x |\n")
    assert r.roles == [] and "| Lead | Bo | bo@x |" in r.checklist.sections[0].description


def test_criteria_table_thresholds():
    md = ("## Go/No-Go\n\n| Criterion | Threshold | Actual | Status |\n|---|---|---|---|\n"
          "| Availability | ≥ 99.8% | 99.9% | ok |\n| Latency | <500ms | _ | |\n| Vibes | good | | |\n")
    r, _ = items_of(md)
    assert [(c.id, c.threshold, c.required) for c in r.criteria] == [
        ("availability", ">= 99.8%", True), ("latency", "< 500ms", True), ("vibes", "good", True)]
    assert "Actual: 99.9%" in r.criteria[0].description
    assert [u.why for u in r.unplaced] == ["threshold not understood, kept as text"]


@pytest.mark.parametrize("text,expected", [
    ("≥ 99.8%", ">= 99.8%"), ("< 500ms", "< 500ms"), ("< 0.1%", "< 0.1%"), ("< 80%", "< 80%"), ("Hourly", "every 1h"),
    ("Daily", "every 1d"), ("> 2 seconds", "> 2s"), ("≤ 5 min", "<= 5min"), ("at least 50", ">= 50"),
    ("> 10 errors/minute", "> 10 errors/minute"), ("99.9%", ">= 99.9%"), ("1,000+", ">= 1000"),
])
def test_thresholds(text, expected):
    th = parse_threshold(text)
    assert th.parsed and th.text() == expected


def test_threshold_for_duration_and_unparsed():
    assert parse_threshold("P95 > 5 seconds for 5 minutes").for_ == timedelta(minutes=5)
    assert not parse_threshold("looks fine").parsed


@pytest.mark.parametrize("title,mark", [
    ("T-24 Hours", timedelta(hours=-24)), ("T-1 Hour", timedelta(hours=-1)), ("Launch (T-0)", timedelta(0)),
    ("Pre-Launch (T-4 hours)", timedelta(hours=-4)), ("Post-Launch (T+1 hour)", timedelta(hours=1)),
    ("First 4 Hours", timedelta(hours=4)), ("First 24 Hours", timedelta(hours=24)), ("Week 1", timedelta(days=7)),
    ("Day 2", timedelta(days=2)), ("T-30 min", timedelta(minutes=-30)), ("Weeks 3-4", timedelta(days=28)),
    ("Day -1", timedelta(days=-1)), ("Go-live T0", timedelta(0)),
    ("Launch Day Protocol", None), ("T-Shirt sizes", None), ("Weekly review", None),
])
def test_phase_headings(title, mark):
    assert heading_phase(title) == mark


def test_phase_items_and_launch_date():
    md = ("# Launch\n\n**Launch Date:** 2026-03-01 14:00 UTC\n\n## Day of\n\n### T-1 Hour\n- [ ] a\n\n### Launch (T-0)\n"
          "- [ ] b\n#### Details\n- [ ] c\n\n### Week 1\n- [ ] d\n\n## Other\n- [ ] e\n")
    r, items = items_of(md)
    assert [(p.label, p.name) for p in r.phases] == [("T-1h", "T-1 Hour"), ("T-0", "Launch (T-0)"), ("T+7d", "Week 1")]
    assert [items[k].phase for k in ("day-of/t-1-hour/a", "day-of/launch-t-0/b", "day-of/launch-t-0/details/c",
                                     "day-of/week-1/d", "other/e")] == ["T-1h", "T-0", "T-0", "T+7d", ""]
    assert r.t0 == datetime(2026, 3, 1, 14, 0, tzinfo=timezone.utc)


def test_launch_date_without_time_assumes_midnight_and_says_so():
    r, _ = items_of("# L\n\n**Target Launch Date:** March 5, 2026\n\n## S\n- [ ] x\n")
    assert r.t0 == datetime(2026, 3, 5, tzinfo=timezone.utc)
    assert any("00:00 assumed" in n for n in r.notes)


def test_prose_and_labels_are_kept_as_descriptions():
    md = "# L\n\nIntro text.\n\n## S\n\n**Owner:** Ops team\n\nSome *prose* here.\n\n> a quote\n\n- [ ] x\n"
    r, _ = items_of(md)
    assert r.checklist.description == "Intro text."
    assert r.checklist.sections[0].description == "**Owner:** Ops team\n\nSome *prose* here.\n\n> a quote"


def test_unplaced_pieces_have_line_numbers():
    r, items = items_of("## S\n\n- [ ] ok\n- [ ]\n-\n")
    assert [(u.line, u.why) for u in r.unplaced] == [(4, "check box without text"), (5, "empty list entry")]
    assert list(items) == ["s/ok"]


def test_no_headings_at_all():
    r, items = items_of("- [ ] a\n- [x] b\n")
    assert r.checklist.title == "t" and list(items) == ["checklist/a", "checklist/b"]


def test_links_and_owners():
    md = ("## S\n\n- [ ] Read [the runbook](https://wiki.example/rb) then https://status.example/page.\n"
          "- [ ] Flip the flag (owner: Tech Lead)\n- [ ] Page the DBA — Owner: Dana Lee\n- [ ] Ping @sam\n- [ ] email a@b.c\n\n"
          "## Sign-off\n\n| Role | Name | Signature |\n|---|---|---|\n| Tech Lead | Ana | |\n")
    r, items = items_of(md)
    read = next(i for k, i in items.items() if k.startswith("s/read"))
    assert [(l.url, l.title) for l in read.links] == [("https://wiki.example/rb", "the runbook"), ("https://status.example/page", "")]
    owners = [(i.owner, i.role) for i in r.checklist.walk_items()][1:]
    assert owners == [("Tech Lead", "Tech Lead"), ("Dana Lee", ""), ("sam", ""), ("", "")]


@pytest.mark.parametrize("fields,t0,zone", [
    ("**Launch Date/Time:** 2026-03-01 14:00 CET", datetime(2026, 3, 1, 13, 0, tzinfo=timezone.utc), "Europe/Berlin"),
    ("**Launch Date**: 12 March 2026\n**Launch Time**: 9am PT", datetime(2026, 3, 12, 16, 0, tzinfo=timezone.utc), "America/Los_Angeles"),
    ("**Go-Live Date:** 2026-05-04T08:30:00Z", datetime(2026, 5, 4, 8, 30, tzinfo=timezone.utc), "UTC"),
    ("**Launch Date:** TBD\n**Launch Time:** 10:00", None, "UTC"),
])
def test_launch_date_time_fields(fields, t0, zone):
    r, _ = items_of(f"# L\n\n{fields}\n\n## S\n- [ ] x\n")
    assert (r.t0, r.timezone) == (t0, zone)


def test_items_before_the_first_section_do_not_swallow_it():
    r, items = items_of("# Title\n\n- [ ] early\n\n## Later\n- [ ] late\n")
    assert [s.id for s in r.checklist.sections] == ["t/checklist", "t/later"]
    assert list(items) == ["checklist/early", "later/late"]


def test_task_tables_become_items():
    md = ("## Cutover\n\n| Task | Owner | When | Status | Notes |\n|---|---|---|---|---|\n"
          "| Freeze deploys | Ops | T-24 Hours | ✅ | announced |\n| Run migration | DBA | T-1 Hour | In progress | |\n"
          "| Flip DNS | | T-0 | [ ] | |\n| Fix bug | Dev | | Blocked | waiting |\n")
    r, items = items_of(md)
    got = [(i.text, i.owner, i.phase, i.status.value, i.notes) for i in r.checklist.walk_items()]
    assert got == [("Freeze deploys", "Ops", "T-1d", "done", ["Notes: announced"]),
                   ("Run migration", "DBA", "T-1h", "in-progress", []),
                   ("Flip DNS", "", "T-0", "todo", []),
                   ("Fix bug", "Dev", "", "blocked", ["Notes: waiting"])]
    assert items["cutover/fix-bug"].reason
    assert [p.label for p in r.phases] == ["T-1d", "T-1h", "T-0"]


def test_front_matter_names_the_checklist_and_keeps_line_numbers():
    md = "---\ntitle: Big Launch\nlaunch_date: 2026-04-01 09:00 UTC\n---\n\n# Heading Title\n\n## S\n- [ ] x\n- [ ]\n"
    r, items = items_of(md)
    assert r.checklist.title == "Heading Title"  # an H1 wins over front matter
    assert r.t0 == datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)
    assert r.checklist.description.startswith("```yaml\ntitle: Big Launch")
    assert [u.line for u in r.unplaced] == [10]
    r, _ = items_of("---\ntitle: From Front Matter\n---\n## S\n- [ ] x\n")
    assert r.checklist.title == "From Front Matter" and [s.title for s in r.checklist.sections] == ["S"]


def test_setext_underline_inside_a_list_entry():
    r, items = items_of("## S\n\n- [ ] a\n  -\n- [x] b\n  ===\n")
    assert [(i.text, i.status.value) for i in r.checklist.walk_items()] == [("a", "todo"), ("b", "done")]


def test_items_in_a_block_quote_and_signoff_line_labels():
    md = "## Sign-off\n\n> - [ ] quoted task\n> - [x] done too\n\n**QA Lead:** ______\n**Approved by:** ______\n**Name:** ____\n"
    r, items = items_of(md)
    assert [(i.text, i.status.value) for i in r.checklist.walk_items()] == [("quoted task", "todo"), ("done too", "done")]
    assert [x.name for x in r.roles] == ["QA Lead"]
