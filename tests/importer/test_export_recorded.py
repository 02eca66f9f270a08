"""Export after a drill: the source's placeholders give way to the recorded state (not repeated
beside it), prose after a list stays after it, numbered lists stay numbered."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from importer_support import seed_path
from markdown_it import MarkdownIt

from warroom.actions import Actions
from warroom.export import export_markdown
from warroom.importer.build import import_text
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)


def _import(tmp_path: Path, prefix: str, name: str) -> Path:
    src = tmp_path / f"{name}.md"
    src.write_bytes(seed_path(prefix).read_bytes())
    p = subprocess.run([sys.executable, "-m", "warroom", "import", str(src), "--name", name], cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return tmp_path / "layouts" / f"{name}.yaml"


def test_seed_002_placeholders_become_the_recorded_state(tmp_path: Path) -> None:
    layout = _import(tmp_path, "002", "recon")
    ws = load_workspace(layout)
    journal = Journal(ws.journal_path)
    acts = Actions(journal, "ana", now=lambda: NOW)
    state = LaunchState(ws)
    for step in (lambda s: acts.set_t0(s, "2026-01-10T15:00:00Z"), lambda s: acts.sign(s, "CTO", "GO"),
                 lambda s: acts.sign(s, "Security Lead", "NO-GO", "one high open")):
        state.apply(step(state))
    journal.close()
    md = export_markdown(ws, state, now=NOW)
    assert "PENDING - COMPLETE CHECKLIST ABOVE" not in md and "□ GO □ NO-GO" not in md
    assert "⏳" not in md and "TBD" not in md and "January 2025" not in md
    assert md.count("**Decision:**") == 1  # the recorded decision, where the source had its own, once
    lines = md.splitlines()
    at = lines.index("## Go/No-Go Decision")
    decision = next(i for i, line in enumerate(lines) if line.startswith("**Decision:**"))
    assert at < decision < lines.index("## Rollback Procedure")
    assert lines[decision].startswith("**Decision:** NO-GO (recorded by the war room")
    assert "- Security Lead is NO-GO (ana): one high open" in lines[decision:decision + 4]
    assert "**Launch Date:** 2026-01-10T15:00:00.000Z (T-0 as recorded)" in lines
    assert "**Ready for Production:** NO-GO (the recorded decision)" in lines
    assert "**Last Updated:** 2026-01-10T12:00:00.000Z (exported by warroom)" in lines
    assert "**Production Readiness:** 9.5/10" in lines  # an authored claim, not a placeholder: kept


def test_seed_002_without_a_drill_still_says_the_decision_once(tmp_path: Path) -> None:
    ws = load_workspace(_import(tmp_path, "002", "recon"))
    md = export_markdown(ws, LaunchState(ws), now=NOW)
    assert md.count("**Decision:**") == 1 and "**Decision:** PENDING" in md
    assert "**Launch Date:** TBD" in md.splitlines()  # no T-0 recorded: the source's line stays


def test_numbered_lists_stay_numbered_and_prose_after_a_list_stays_after_it(tmp_path: Path) -> None:
    src = ("# Drill\n\n## Steps\n\nBefore the list.\n\n1. [ ] first\n2. [x] second\n   - [ ] sub a\n3. [ ] third\n\n"
           "After the list: call the bridge.\n\n## Other\n\n- [ ] a\n- [ ] b\n")
    (tmp_path / "drill.md").write_text(src)
    p = subprocess.run([sys.executable, "-m", "warroom", "import", "drill.md", "--name", "drill"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    ws = load_workspace(tmp_path / "layouts" / "drill.yaml")
    md = export_markdown(ws, LaunchState(ws), now=NOW)
    lines = md.splitlines()
    first = lines.index("1. [ ] first")
    assert lines[first:first + 4] == ["1. [ ] first", "2. [x] second", "   - [ ] sub a", "3. [ ] third"]
    assert lines.index("Before the list.") < first < lines.index("After the list: call the bridge.") < lines.index("## Other")
    assert "- [ ] a" in lines
    html = MarkdownIt("commonmark").render(md)
    assert "<ol>" in html and html.index("<ol>") < html.index("After the list")
    # and it imports back with the same ids, numbered still
    again = import_text(md, "drill.md", checklist_id="drill")
    assert [(i.id, i.numbered) for i in again.checklist.walk_items()] == [(i.id, i.numbered) for i in ws.items.values()]


def test_seed_000_numbered_tasks_export_numbered(tmp_path: Path) -> None:
    ws = load_workspace(_import(tmp_path, "000", "analytics"))
    md = export_markdown(ws, LaunchState(ws), now=NOW)
    assert "  1. [ ] Send test events via API" in md and "  5. [ ] Query via GraphQL API" in md
