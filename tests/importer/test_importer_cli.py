"""`warroom import` through the real command line: files written, summary printed, errors clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from importer_support import REPO, seed_path

from warroom.workspace import load_workspace


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warroom", *args], cwd=cwd, capture_output=True, text=True)


def test_import_writes_checklist_and_layout_that_validate(tmp_path):
    src = tmp_path / "launch.md"
    shutil.copy(seed_path("002"), src)
    p = run("import", str(src), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "checklists/final-launch-378-reconciliation-platform.yaml" in out
    assert "36 items (0 done), 16 sections, 2 commands, 4 roles, 10 criteria, 3 rollback triggers, 6 phases" in out
    assert "mojibake repaired: 16 sequences (cp1252, 7 with a lost byte restored)" in out
    assert "layout: layouts/final-launch-378-reconciliation-platform.yaml" in out
    ws = load_workspace(tmp_path / "layouts" / "final-launch-378-reconciliation-platform.yaml")
    assert [r.name for r in ws.layout.roles] == ["CPO", "CTO", "DevOps Lead", "Security Lead"]
    assert [p.label for p in ws.layout.phases] == ["T-1d", "T-1h", "T-0", "T+4h", "T+1d", "T+7d"]
    assert len(ws.items) == 36 and ws.checklists[0].source == "launch.md"
    assert run("validate", "layouts", "checklists", cwd=tmp_path).returncode == 0


def test_import_several_files_into_one_layout_and_unplaced_lines(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("# Alpha\n\n## T-1 Hour\n- [ ] a1\n\n## Sign-off\n**CTO:** ____ Date: ____\n")
    b.write_text("# Beta\n\n## Launch (T-0)\n- [ ] b1\n- [ ]\n")
    p = run("import", str(a), str(b), "--out-dir", "out", "--layout", "room/both.yaml", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert f"{b}:5:1: check box without text: - [ ]" in p.stdout
    ws = load_workspace(tmp_path / "room" / "both.yaml")
    assert [c.id for c in ws.checklists] == ["alpha", "beta"]
    assert [ph.label for ph in ws.layout.phases] == ["T-1h", "T-0"]
    assert [r.name for r in ws.layout.roles] == ["CTO"]


def test_reimport_overwrites_own_files_but_not_hand_written_ones(tmp_path):
    src = tmp_path / "x.md"
    src.write_text("# X\n## S\n- [ ] a\n")
    assert run("import", str(src), cwd=tmp_path).returncode == 0
    assert run("import", str(src), cwd=tmp_path).returncode == 0
    (tmp_path / "layouts" / "x.yaml").write_text("launch: mine\nchecklists: []\n")
    p = run("import", str(src), cwd=tmp_path)
    assert p.returncode == 2 and "use --force" in p.stderr and "Traceback" not in p.stderr
    assert run("import", str(src), "--force", cwd=tmp_path).returncode == 0


def test_missing_or_unreadable_input_is_a_clean_error(tmp_path):
    p = run("import", "nope.md", cwd=tmp_path)
    assert p.returncode == 2
    assert p.stderr.startswith("warroom: error: cannot read nope.md") and "Traceback" not in p.stderr
    (tmp_path / "dir.md").mkdir()
    p = run("import", "dir.md", cwd=tmp_path)
    assert p.returncode == 2 and "is a directory" in p.stderr and not (tmp_path / "checklists").exists()


def test_committed_seed_conversions_are_current(tmp_path):
    """checklists/ and layouts/ hold the five seeds as the importer converts them today."""
    names = {"000": "analytics-platform-launch", "001": "unified-events-production",
             "002": "final-launch-378-reconciliation-platform", "003": "analytics-api-beta-launch",
             "004": "candlefish-ai-production-deployment"}
    for prefix, name in names.items():
        args = ["import", str(seed_path(prefix)), "--out-dir", str(tmp_path / "checklists")]
        if prefix == "001":
            args += ["--name", name]
        assert run(*args, cwd=tmp_path).returncode == 0
        assert (tmp_path / "checklists" / f"{name}.yaml").read_text() == (REPO / "checklists" / f"{name}.yaml").read_text()
        assert (tmp_path / "layouts" / f"{name}.yaml").read_text() == (REPO / "layouts" / f"{name}.yaml").read_text()
        load_workspace(REPO / "layouts" / f"{name}.yaml")


def test_unwritable_output_is_a_clean_error(tmp_path):
    (tmp_path / "a.md").write_text("- [ ] a\n")
    (tmp_path / "checklists").write_text("a file, not a directory")
    p = run("import", "a.md", cwd=tmp_path)
    assert p.returncode == 2 and p.stderr.startswith("warroom: error: cannot write") and "Traceback" not in p.stderr


def test_dry_run_writes_nothing(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\n## S\n- [ ] a\n\n  -\n")
    p = run("import", "a.md", "--dry-run", cwd=tmp_path)
    assert p.returncode == 0 and "1 items (0 done), 1 sections" in p.stdout
    assert "a.md:6:3: empty list entry: -" in p.stdout
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.md"]


def test_reimport_keeps_hand_edits_to_the_layout(tmp_path):
    src = tmp_path / "x.md"
    src.write_text("# X\n\n## T-1 Hour\n- [ ] a\n\n## Sign-off\n| Role | Name | Signature |\n|---|---|---|\n| CTO | | |\n\n"
                   "## Go/No-Go\n| Criterion | Threshold |\n|---|---|\n| Errors | < 1% |\n")
    assert run("import", str(src), cwd=tmp_path).returncode == 0
    layout = tmp_path / "layouts" / "x.yaml"
    text = layout.read_text().replace("- name: CTO\n", "- name: CTO\n  person: Ana Ruiz\n")
    text = text.replace("t0: null", "t0: '2026-05-01T10:00:00Z'")
    layout.write_text(text + "journal: ../run/x.journal.yaml\nscreen:\n  columns: 2\n  rows: 2\n  panes:\n"
                      "    - {pane: checklist, checklist: x, row: 1, column: 1, row_span: 2}\n    - {pane: signoff, row: 1, column: 2}\n")
    src.write_text(src.read_text().replace("- [ ] a\n", "- [ ] a\n- [ ] b\n"))
    assert run("import", str(src), cwd=tmp_path).returncode == 0
    ws = load_workspace(layout)
    assert len(ws.items) == 2 and ws.layout.roles[0].person == "Ana Ruiz"
    assert ws.layout.t0 is not None and [p.kind for p in ws.layout.panes] == ["checklist", "signoff"]
    assert ws.layout.journal_path.resolve() == (tmp_path / "run" / "x.journal.yaml").resolve()
    src.write_text("# X\n\n## S\n- [ ] a\n")  # no roles, criteria or phases any more: none come back
    assert run("import", str(src), cwd=tmp_path).returncode == 0
    ws = load_workspace(layout)
    assert [r.name for r in ws.layout.roles] == ["Launch Director"]  # nobody named: the one who gives the GO
    assert ws.layout.criteria == [] and ws.layout.phases == []
    assert [p.kind for p in ws.layout.panes] == ["checklist", "signoff"]


def test_explain_prints_every_inference_with_its_source_line(tmp_path):
    src = tmp_path / "golive.md"
    shutil.copy(REPO / "tests" / "importer" / "corpus" / "13-pmtemplates-golive.md", src)
    p = run("import", str(src), "--explain", "--dry-run", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert f"{src}:612: `[X]` inside text read as a placeholder, not a box: Active users: [X]" in out
    assert f"{src}:868: role 'Business Owner' from an approval box (read as a role, not an item)" in out
    assert f"{src}:49: role 'Go-Live Manager' from the team table at line 49" in out
    assert f"{src}:68: phase T-28d from '4 Weeks Before' in '4 Weeks Before Go-Live'" in out
    assert "5 roles from team tables are optional" in out
    plain = run("import", str(src), "--dry-run", cwd=tmp_path).stdout
    assert ":612:" not in plain  # without --explain: the summary only


def test_a_file_that_names_no_signer_gets_a_launch_director_and_says_so(tmp_path):
    (tmp_path / "r.md").write_text("# Release\n\n- [ ] tag\n- [ ] publish\n")
    p = run("import", "r.md", "--explain", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "no signer named in the file: added the required role 'Launch Director'" in p.stdout
    assert "r.md: no signer found: added Launch Director" in p.stdout
    ws = load_workspace(tmp_path / "layouts" / "release.yaml")
    assert [(r.name, r.required) for r in ws.layout.roles] == [("Launch Director", True)]
