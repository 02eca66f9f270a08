"""The bad-input corpus: every case under ``corpus/`` lists, in ``expected.txt``, exactly the problems
`warroom validate` (layouts, checklists) and the journal checks (verify, load) must report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core_support import REPO
from warroom.journal import Journal, verify
from warroom.workspace import validate_paths

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _rel(text: str, case: Path) -> str:
    return text.replace(str(case.resolve()) + os.sep, "").replace(str(case) + os.sep, "")


def problems_of(case: Path) -> list[str]:
    """What warroom reports about a case, with the case folder taken off the paths."""
    problems, _ = validate_paths([case])
    out = [_rel(str(p), case) for p in problems]
    for journal in sorted(case.glob("*.journal.yaml")):
        out += [f"verify {journal.name}: {p}" for p in verify(journal).problems]
        out += [f"load {journal.name}: {i}" for i in Journal(journal, read_only=True).load().issues]
    return out


def expected_of(case: Path) -> list[str]:
    return [line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def test_the_corpus_is_big_enough_and_covers_every_kind() -> None:
    assert len(CASES) >= 25
    assert {c.split("-")[0] for c in CASES} == {"layout", "checklist", "journal"}
    for case in CASES:
        assert expected_of(CORPUS / case), f"{case}: expected.txt lists no problem"
        # (*.journal.yaml is git-ignored: the corpus journals are added with `git add -f`)
        assert list((CORPUS / case).glob("*.journal.yaml" if case.startswith("journal-") else "*.yaml")), case


@pytest.mark.parametrize("case", CASES)
def test_each_bad_input_reports_exactly_its_problems(case: str) -> None:
    assert problems_of(CORPUS / case) == expected_of(CORPUS / case)


def test_the_cli_validate_reports_every_problem_with_exit_2_and_no_traceback() -> None:
    cases = [c for c in CASES if not c.startswith("journal-")]
    out = subprocess.run([sys.executable, "-m", "warroom", "validate", *cases], cwd=CORPUS, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    # paths print as given on the command line (relative), or absolute for checklists a layout names
    got: dict[str, list[str]] = {case: [] for case in cases}
    for line in out.stderr.splitlines()[:-1]:
        case = _rel(line, CORPUS).split("/", 1)[0]
        got[case].append(_rel(_rel(line, CORPUS / case), Path(case)))
    assert got == {case: expected_of(CORPUS / case) for case in cases}
    n_problems = sum(len(v) for v in got.values())
    assert out.stderr.splitlines()[-1] == f"{n_problems} problem(s) in {len(list(CORPUS.glob('[lc]*/*.yaml')))} file(s)"


def test_the_cli_validate_of_the_bundled_demo_is_clean() -> None:
    out = subprocess.run([sys.executable, "-m", "warroom", "validate", "layouts", "checklists"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok: ")


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("journal-")])
def test_the_cli_verify_names_each_broken_line_and_fails(case: str) -> None:
    journal = CORPUS / case / "events.journal.yaml"
    before = journal.read_bytes()
    out = subprocess.run([sys.executable, "-m", "warroom", "verify", str(REPO / "layouts" / "demo.yaml"), "--journal", str(journal)],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    for line in expected_of(CORPUS / case):
        if line.startswith("verify "):
            where, message = line.split(": ", 2)[1:]
            assert f"{journal}:{where.removeprefix('line ')}: {message}" in out.stderr
    assert "head " in out.stdout
    assert journal.read_bytes() == before  # verifying never changes the journal
