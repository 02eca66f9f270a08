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


def test_team_table_names_roles_with_person_and_contact():
    r, _ = items_of("## Team\n\n| Role | Name | Contact |\n|---|---|---|\n| Lead | Bo | bo@x |\n| Ops | [Name] | [Email] |\n")
    assert [(x.name, x.person, x.contact, x.required) for x in r.roles] == [("Lead", "Bo", "bo@x", True), ("Ops", "", "", True)]
    assert "| Lead | Bo | bo@x |" in r.checklist.sections[0].description
    assert not r.added_director


def test_team_roles_are_optional_when_someone_signs_elsewhere_and_contacts_are_not_roles():
    md = ("## Team\n\n| Role | Name |\n|---|---|\n| Lead | Bo |\n| Scribe | Al |\n\n"
          "## Emergency Contacts\n\n| Role | Name |\n|---|---|\n| DBA | Cy |\n\n"
          "## Sign-Off\n\n- [ ] **Lead:** GO / NO-GO - [Signature] [Date]\n")
    r, items = items_of(md)
    assert [(x.name, x.person, x.required) for x in r.roles] == [("Lead", "Bo", True), ("Scribe", "Al", False)]
    assert items == {}  # the approval box is the Lead's sign-off, not a task


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
    ("Launch Day Protocol", timedelta(0)), ("T-Shirt sizes", None), ("Weekly review", None),
    ("⏰ T-Minus 24 Hours (Today)", timedelta(hours=-24)), ("T-Plus 6 Hours (Mid-Day)", timedelta(hours=6)),
    ("T-Zero (Launch Time)", timedelta(0)), ("Final Pre-Launch (1 hour before)", timedelta(hours=-1)),
    ("Launch (Go Live)", timedelta(0)), ("4 Weeks Before Go-Live", timedelta(weeks=-4)), ("Day Before Go-Live", timedelta(days=-1)),
    ("🏥 PRE-CUTOVER (24 HOURS BEFORE)", timedelta(hours=-24)), ("15 MINUTES BEFORE", timedelta(minutes=-15)),
    ("🚀 DURING CUTOVER (1 HOUR WINDOW)", timedelta(0)), ("9.3 Post-Deployment 24-Hour Monitoring", timedelta(hours=24)),
    ("two hours after launch", timedelta(hours=2)), ("Deployment Day Checklist", timedelta(0)),
    ("Sprint 18 Day 1", None), ("Daily Standup (First Week)", None), ("Day 2+ Cadence", None), ("Launch Overview", None),
    ("Release Notes", None), ("Day 99999999999999", None), ("999999999999 weeks before launch", None),
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
                   ("Fix bug", "Dev", "T-0", "blocked", ["Notes: waiting"])]  # "## Cutover" is the launch moment
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


# -- launch parts read from the shapes real files use (issue #11) ---------------------------------

def test_go_and_no_go_boxes_are_criteria_and_decision_options_are_the_decision():
    md = ("## Go/No-Go Criteria\n\n### Must Have\n- [ ] Error budget intact\n- [ ] p95 < 300ms\n\n"
          "### Nice to Have\n- [ ] Docs polished\n\n### NO-GO Conditions\n- [ ] Sev1 open\n\n"
          "## Decision\n- [ ] **GO** - proceed\n- [ ] **NO-GO** - delay\n- [ ] **CONDITIONAL GO**\n\n"
          "## Tasks\n- [ ] Go to the dashboard and check graphs\n")
    r, items = items_of(md)
    assert [(c.name, c.threshold, c.required) for c in r.criteria] == [
        ("Error budget intact", "", True), ("p95", "< 300ms", True), ("Docs polished", "", False), ("NO-GO if: Sev1 open", "", True)]
    assert list(items) == ["tasks/go-to-the-dashboard-and-check-graphs"]
    assert "- [ ] **CONDITIONAL GO**" in r.checklist.sections[1].description
    assert [x.name for x in r.roles] == ["Launch Director"] and r.added_director


def test_rollback_trigger_boxes_tables_and_numbered_steps():
    md = ("## Abort Conditions\n- [ ] Error rate > 2% for more than 10 minutes\n- [ ] Checkout broken\n\n"
          "If any abort condition fires:\n\n1. Stop the deploy\n2. Page the on-call\n\n"
          "## Rollback Triggers\n| Trigger | Action |\n|---|---|\n| p99 > 2s for 5 min | roll back |\n")
    r, items = items_of(md)
    assert [(c.name, c.threshold, c.for_) for c in r.rollback] == [
        ("Error rate", "> 2%", timedelta(minutes=10)), ("Checkout broken", "", None), ("p99", "> 2s", timedelta(minutes=5))]
    assert items == {}


def test_approval_boxes_sign_off_boxes_that_are_tasks_and_placeholders():
    md = ("## Approvals\n- [ ] **Security Approval**\n  - [ ] Pen test reviewed\n  - Signature: ______ Date: ____\n"
          "- [ ] **Legal sign-off**\n  - Owner: Dana\n\n## Metrics\n- [ ] Record numbers\n  - Users: [X]\n  - Done [x]\n")
    r, items = items_of(md)
    assert [(x.name, x.required) for x in r.roles] == [("Security", True)]
    assert set(items) == {"approvals/pen-test-reviewed", "approvals/legal-sign-off", "metrics/record-numbers",
                          "metrics/record-numbers/done"}
    assert items["metrics/record-numbers"].notes == ["Users: [X]"] and items["metrics/record-numbers/done"].status is Status.DONE
    assert any("placeholder" in t for _, t in r.explained)


def test_steps_group_boxes_and_alternative_commands_stay_separate():
    md = ("## Rollback\n\n**Step 1: Decide**\n- [ ] Call it\n\n**Step 2: Revert**\n- [ ] Revert\n"
          "  ```sh\n  # Option 1: helm\n  helm rollback app\n\n  # OR kubectl\n  kubectl rollout undo deploy/app\n  ```\n")
    r, items = items_of(md)
    assert [s.title for s in r.checklist.sections[0].sections] == ["Step 1: Decide", "Step 2: Revert"]
    assert list(items) == ["rollback/step-1-decide/call-it", "rollback/step-2-revert/revert"]
    assert [c.code for c in items["rollback/step-2-revert/revert"].commands] == [
        "# Option 1: helm\nhelm rollback app", "# OR kubectl\nkubectl rollout undo deploy/app"]


def test_condition_bullets_legends_and_advice_marks_are_not_status():
    md = ("## Status\n\n**Legend:**\n- ✅ Complete\n- 🟡 In progress\n- ⚠️ At risk\n\n## Green Signals\n- ✅ Latency fine\n- ✅ No errors\n\n"
          "## Don'ts ❌\n1. Don't deploy on Friday\n\n## Work\n- ✅ Shipped\n- [ ] Announce\n")
    r, items = items_of(md)
    assert [(i.text, i.status.value) for i in r.checklist.walk_items()] == [("Shipped", "done"), ("Announce", "todo")]
    assert next(s for s in r.checklist.sections if s.title.startswith("Don'ts")).status_hint == ""


def test_box_tables_schedule_tables_and_task_tables_with_roles():
    md = ("## Checks\n| System | Status | By |\n|---|---|---|\n| API up | [x] | |\n| DB up | [ ] | Al |\n\n"
          "## Schedule\n| Checkpoint | When |\n|---|---|\n| T-3 days review | Mon |\n| Launch day sync | Thu |\n| Sprint 4 Day 2 | x |\n\n"
          "## Launch Team\n| Task | Role | Status |\n|---|---|---|\n| Page on-call | Ops | todo |\n")
    r, items = items_of(md)
    assert [(i.text, i.status.value) for i in r.checklist.walk_items()] == [
        ("API up", "done"), ("DB up", "todo"), ("Page on-call", "todo")]
    assert [(p.label, p.name) for p in r.phases] == [("T-3d", "T-3 days review"), ("T-0", "Launch day sync")]
    assert [x.name for x in r.roles] == ["Launch Director"]  # a task table's Role column says who does a task, not who signs


def test_rollback_sentences_in_prose():
    r, _ = items_of("## Plan\n\nWe roll back if the error rate is > 5% for 10 minutes. Then we talk.\n\n"
                    "If p95 > 2s: rollback\n\nRollback is easy.\n")
    assert [(c.name, c.threshold, c.for_) for c in r.rollback] == [("error rate", "> 5%", timedelta(minutes=10)), ("p95", "> 2s", None)]


def test_sign_off_boxes_naming_signers_are_roles_and_tasks_stay_items():
    md = ("## Sign-off\n- [ ] Engineering Lead\n- [ ] **QA Lead** — ______\n- [ ] Security approval: ____\n"
          "- [ ] Security review complete\n- [ ] All approvals obtained\n- [ ] **Business owner sign-off**\n  - Owner: [Business Owner]\n"
          "\n## Decision\n- ☐ GO\n- ☐ NO-GO\n\n## Tasks\n- [ ] Engineering Lead\n- [ ] [P0] Fix the login bug\n- [ ] No P0 bugs open\n")
    r, items = items_of(md)
    assert [(x.name, x.required) for x in r.roles] == [("Engineering Lead", True), ("QA Lead", True), ("Security", True)]
    assert [i.text for i in r.checklist.walk_items()] == [
        "Security review complete", "All approvals obtained", "**Business owner sign-off**", "Engineering Lead",
        "[P0] Fix the login bug", "No P0 bugs open"]
    assert [i.critical for i in r.checklist.walk_items()][-2:] == [True, False]


@pytest.mark.parametrize("title,mark", [
    ("D-7: Final checks", timedelta(days=-7)), ("D-Day", timedelta(0)), ("D+1 review", timedelta(days=1)),
    ("H-2", timedelta(hours=-2)), ("Launch + 2 days", timedelta(days=2)), ("Go-Live - 1 week", timedelta(weeks=-1)),
    ("Hour 0: Deploy", timedelta(0)), ("Post-Launch (Hours 1-4)", timedelta(hours=4)),
    ("Release - 2 week sprint", None), ("Office Hours 9-5", None), ("H-1B visa", None), ("Launch - Marketing", None),
])
def test_more_launch_relative_forms(title, mark):
    assert heading_phase(title) == mark


def test_a_status_column_makes_table_rows_items():
    md = ("## Readiness\n| Check | Owner | Status |\n|---|---|---|\n| Backups verified | Ops | Done |\n"
          "| Pager rota | SRE | In progress |\n| | | |\n\n## Risks\n| Risk | Impact | Status |\n|---|---|---|\n| Vendor late | High | Open |\n")
    r, _ = items_of(md)
    assert [(i.text, i.owner, i.status.value) for i in r.checklist.walk_items()] == [
        ("Backups verified", "Ops", "done"), ("Pager rota", "SRE", "in-progress")]  # a risk register is not a task list


def test_plain_lists_under_go_no_go_criteria_and_no_go_conditions_are_criteria():
    md = ("## Go/No-Go Criteria\n- All tests pass\n- Error rate < 1%\n\n## NO-GO Conditions\n- Sev1 incident open\n\n"
          "## Go/No-Go Meeting\n- Review dashboards\n\n## Go/No-Go\n- [ ] Boxed criterion\n")
    r, items = items_of(md)
    assert [(c.name, c.threshold, c.required) for c in r.criteria] == [
        ("All tests pass", "", True), ("Error rate", "< 1%", True), ("NO-GO if: Sev1 incident open", "", True),
        ("Boxed criterion", "", True)]
    assert items == {} and "- Review dashboards" in r.checklist.sections[2].description  # a meeting's agenda stays prose
