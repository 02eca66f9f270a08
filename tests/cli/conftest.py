from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo layout and checklist; returns the layout path."""
    (tmp_path / "layouts").mkdir()
    (tmp_path / "checklists").mkdir()
    shutil.copy(ROOT / "checklists" / "demo-payments-v2.yaml", tmp_path / "checklists")
    text = (ROOT / "layouts" / "demo.yaml").read_text()
    # The CLI tests need no metric tiles: keep the layout's checklist, phases, roles, criteria.
    if "\ntiles:" in text:
        head, _, rest = text.partition("\ntiles:")
        keep = [line for line in rest.splitlines() if line and not line.startswith((" ", "-", "#"))]
        text = head + "\n" + "\n".join(keep[1:] if keep and keep[0].startswith("tiles") else keep)
    layout = tmp_path / "layouts" / "demo.yaml"
    layout.write_text(text)
    return layout
