"""Arbitrary Markdown never crashes the importer; what it writes always loads back cleanly."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest

from warroom.checklist_format import dump_checklist, load_checklist
from warroom.errors import InputError
from warroom.importer.mojibake import clean
from warroom.textsafe import find_unsafe
from warroom.importer.build import import_text
from warroom.importer.layout import dump_layout, layout_data
from warroom.workspace import load_workspace

FRAGMENTS = [
    "# Title", "## Section", "### T-1 Hour", "### Launch (T-0) ✅", "#### Week 1 [🔴]", "## Day 2", "######",
    "- [ ] task", "* [x] done", "+ [X] more", "1. [ ] step", "- [🟢] green", "- [🟡]", "- ☐ box", "- ✅ ok",
    "  - [ ] nested", "    - [ ] deeper", "\t- [ ] tabbed", "- plain", "-", "- [ ]", "1. **Svc** [🔴]",
    "```bash", "```", "~~~", "    indented code", "echo $HOME", "| Role | Name | Date | Signature |", "|---|---|---|---|",
    "| CTO | Ana | | |", "| Criterion | Threshold |", "| Error | < 0.1% |", "| a |", "**CPO:** ____ Date: ____",
    "**Launch Date:** 2026-01-01", "**Launch Time:** 25:99 XYZ", "- 🟢 Complete", "- 🔴 Not started", "> quote", "<div>",
    "---", "", "", "ðŸŸ¢ mojibake", "â³ lost", "üîê mac", "ðŸ", "\ufeff", "\r", "text with `code` and [link](x)",
    "If CFUR < 99.5%: ROLLBACK", "---\ntitle: fm\n---", "| Task | Status | When |", "| a | ✅ | T-1h |", "## Rollback Triggers", "- P95 > 2s for 5 minutes", "T-", "Day -3", "- [ ] " + "x" * 200,
    # the shapes of real files (issue #11): sign-off boxes, go/no-go boxes, decision options, team,
    # box, schedule and criterion tables, steps, alternatives, placeholders, launch-relative headings
    "## Go/No-Go Criteria", "### NO-GO Conditions", "- [ ] **Tech Lead Approval**", "  - Signature: ____ Date: ____",
    "- [ ] **Owner:** GO / NO-GO - [Signature] [Date]", "- [ ] **GO** - proceed", "- [ ] **NO-GO**", "- [ ] DEFER",
    "| Role | Name | Phone |", "| Lead | Bo | +1-XXX |", "| System | Status |", "| API | [ ] |", "| | [x] | [ ] |",
    "| Checkpoint | Date |", "| T-7 days review | x |", "| Launch day sync | y |", "**Step 1: Decide**", "  # OR netlify",
    "- Users: [X]", "## 24 HOURS BEFORE", "## Launch Day", "### Day Before Go-Live", "## Abort Conditions",
    "- [ ] CPU > 80% for > 5 min", "## Team", "## Success Criteria", "- **Users:** 75+", "## Green Signals", "## Don'ts ❌",
    "| Criterion | Required | Status |", "| P0 done | Yes | |", "## Sprint 18 Day 1", "**Legend:**", "- ⚠️ At risk",
    "- [ ] **DECISION: [ ] GO TO PRODUCTION  [ ] DEFER**", "## Critical Incident Response", "## T-Minus 24 Hours",
]

markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40).map("\n".join)


def _check(md: str) -> None:
    if find_unsafe(clean(md).text, newlines=True) >= 0:  # all text is hostile: refused at the door, where it stands
        with pytest.raises(InputError) as refused:
            import_text(md, "fuzz.md")
        (problem,) = refused.value.problems
        assert problem.path == "fuzz.md" and problem.line >= 1 and "control or invisible character" in problem.message
        return
    result = import_text(md, "fuzz.md")
    counts = result.counts()
    assert counts["items"] >= 0
    for u in result.unplaced:
        assert u.line >= 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cpath = root / "checklists" / "fuzz.yaml"
        cpath.parent.mkdir()
        cpath.write_text(dump_checklist(result.checklist), encoding="utf-8")
        checklist, problems = load_checklist(cpath)
        assert problems == [], problems
        assert [i.id for i in checklist.walk_items()] == [i.id for i in result.checklist.walk_items()]
        lpath = root / "layouts" / "fuzz.yaml"
        lpath.parent.mkdir()
        lpath.write_text(dump_layout(layout_data([result], [cpath], lpath), ["fuzz.md"]), encoding="utf-8")
        load_workspace(lpath)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_markdownish_input_never_crashes_and_round_trips(md):
    _check(md)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(md):
    _check(md)
