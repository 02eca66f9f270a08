"""`warroom export`: the replayed state as a GitHub task list that imports back with the same ids."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from importer_support import seed_path

from warroom.actions import Actions
from warroom.export import export_markdown
from warroom.importer.build import import_text
from warroom.journal import Journal
from warroom.model import Status
from warroom.state import LaunchState
from warroom.workspace import load_workspace

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def room(tmp_path: Path) -> Path:
    """Seed 002 imported into tmp_path; returns the layout path."""
    src = tmp_path / "launch.md"
    src.write_bytes(seed_path("002").read_bytes())
    p = subprocess.run([sys.executable, "-m", "warroom", "import", str(src), "--name", "recon"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return tmp_path / "layouts" / "recon.yaml"


def _act(layout: Path) -> LaunchState:
    ws = load_workspace(layout)
    journal = Journal(ws.journal_path)
    state = LaunchState.replay(ws, journal.load().events)
    acts = Actions(journal, "ana@bastion", now=lambda: NOW, account={"user": "ana"})
    for step in (
        lambda s: acts.tick(s, "t-24-hours/final-code-review-complete"),
        lambda s: acts.tick(s, "security-must-complete/rate-limiting-configuration"),
        lambda s: acts.set_status(s, "t-1-hour/team-assembled", "blocked", "two engineers stuck in traffic"),
        lambda s: acts.note(s, "t-1-hour/dashboards-visible", "grafana on the big screen\nand on the laptop"),
        lambda s: acts.sign(s, "CTO", "GO", "looks good"),
        lambda s: acts.sign(s, "CPO", "NO-GO", "wait for backups"),
        lambda s: acts.assess(s, "cfur", "pass", "99.91%"),
    ):
        ev = step(state)
        state.apply(ev)
    journal.close()
    return LaunchState.replay(ws, Journal(ws.journal_path, read_only=True).load().events)


def test_export_shows_done_blocked_notes_signoffs(room):
    state = _act(room)
    md = export_markdown(state.ws, state, now=NOW)
    lines = md.splitlines()
    assert lines[0] == "# 🚀 Final Launch Checklist - 378 Reconciliation Platform"
    assert "- [x] Final code review complete" in lines
    assert "  - done by ana@bastion at 2026-01-10T12:00:00.000Z" in md
    assert "- [x] **Rate Limiting Configuration**" in lines
    i = lines.index("- [ ] Team assembled")
    assert lines[i + 1].startswith("  - status: blocked — two engineers stuck in traffic (ana@bastion, ")
    assert "  - note (ana@bastion, 2026-01-10T12:00:00.000Z): grafana on the big screen\n    and on the laptop" in md
    assert "  ```bash\n  psql $PROD_DATABASE_URL" in md
    assert "| CTO |  | GO | ana@bastion [ana] | 2026-01-10T12:00:00.000Z | looks good |" in md
    assert "| CFUR | >= 99.8% | yes | pass (99.91%) — ana@bastion, 2026-01-10T12:00:00.000Z |" in md
    assert "**Decision:** NO-GO" in md
    assert "2/36 items closed" in lines[2]


def test_export_imports_back_with_the_same_ids_and_state(room):
    state = _act(room)
    md = export_markdown(state.ws, state, now=NOW)
    again = import_text(md, "recon.md", checklist_id="recon")
    before = {i.id: i for i in state.ws.items.values()}
    after = {i.id: i for i in again.checklist.walk_items()}
    assert set(before) == set(after)
    done = {i for i, st in state.items.items() if st.status is Status.DONE}
    assert {i for i, it in after.items() if it.status is Status.DONE} == done
    blocked = after["recon/launch-day-protocol/t-1-hour/team-assembled"]
    assert (blocked.status, blocked.reason) == (Status.BLOCKED, "two engineers stuck in traffic")
    assert all(after[i].critical == before[i].critical and after[i].phase == before[i].phase for i in before)
    assert all(after[i].commands == before[i].commands for i in before)
    assert [r.name for r in again.roles] == ["CPO", "CTO", "DevOps Lead", "Security Lead"]
    assert [(c.id, c.threshold, c.required) for c in again.criteria] == [
        (c.id, c.threshold, c.required) for c in state.ws.layout.criteria if c.kind == "go"]


def test_export_cli(room, tmp_path):
    _act(room)
    p = subprocess.run([sys.executable, "-m", "warroom", "export", str(room), "--format", "markdown", "-o", "final.md"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "- [x] Final code review complete" in (tmp_path / "final.md").read_text()
    p = subprocess.run([sys.executable, "-m", "warroom", "export", "missing.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 2 and p.stderr.startswith("warroom: error:") and "Traceback" not in p.stderr


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_round_trips_through_export(prefix, tmp_path):
    from warroom.importer.build import import_file
    from warroom.importer.layout import checklist_text, dump_layout, layout_data

    result = import_file(seed_path(prefix), checklist_id="room")
    cpath, lpath = tmp_path / "room.yaml", tmp_path / "layout.yaml"
    cpath.write_text(checklist_text(result))
    lpath.write_text(dump_layout(layout_data([result], [cpath], lpath), ["seed"]))
    ws = load_workspace(lpath)
    md = export_markdown(ws, LaunchState(ws), now=NOW)
    again = import_text(md, "room.md", checklist_id="room")
    assert [i.id for i in again.checklist.walk_items()] == [i.id for i in result.checklist.walk_items()]
    assert [(i.status, i.commands) for i in again.checklist.walk_items()] == [(i.status, i.commands) for i in result.checklist.walk_items()]
    assert [r.name for r in again.roles] == [r.name for r in result.roles]
    assert [p.mark for p in again.phases] == [p.mark for p in result.phases]


def test_journal_text_cannot_add_items_or_sections_to_the_export(room):
    """QA: a launch note 'fine\\n- [x] Fake ticked item\\n## Injected' exported as a nested task
    list and a heading: imported again, the checklist had one more item, ticked. Journal text
    (notes, launch notes) stays text: its lines cannot start a list, heading or box."""
    ws = load_workspace(room)
    before = len(ws.items)
    journal = Journal(ws.journal_path)
    state = LaunchState.replay(ws, journal.load().events)
    acts = Actions(journal, "mallory", now=lambda: NOW)
    for step in (
        lambda s: acts.note(s, None, "fine\n- [x] Fake launch item\n## Injected section\n1. [x] numbered fake"),
        lambda s: acts.note(s, "t-1-hour/dashboards-visible", "ok\n- [x] Fake item note"),
        lambda s: acts.note(s, None, "[x] a note that looks like a box"),
    ):
        state.apply(step(state))
    journal.close()
    state = LaunchState.replay(ws, Journal(ws.journal_path, read_only=True).load().events)
    md = export_markdown(ws, state, now=NOW)
    assert "\\- [x] Fake launch item" in md and "\\## Injected section" in md and "1\\. [x] numbered fake" in md
    again = import_text(md, "recon.md", checklist_id="recon")
    items = list(again.checklist.walk_items())
    assert len(items) == before and not [i.text for i in items if "Fake" in i.text or "a note that" in i.text]
    assert not [line for line in md.splitlines() if line.lstrip().startswith(("- [x] Fake", "- [x] a note", "## Injected"))]
