from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo war room without metric tiles (the CLI tests poll nothing):
    its checklist, phases, roles and manual criteria. Returns the layout path."""
    (tmp_path / "layouts").mkdir()
    (tmp_path / "checklists").mkdir()
    shutil.copy(ROOT / "checklists" / "demo-payments-v2.yaml", tmp_path / "checklists")
    data = yaml.safe_load((ROOT / "layouts" / "demo.yaml").read_text())
    data.pop("tiles", None)
    data.pop("rollback", None)
    data["criteria"] = [c for c in data.get("criteria", []) if not c.get("tile")]
    layout = tmp_path / "layouts" / "demo.yaml"
    layout.write_text(yaml.safe_dump(data, sort_keys=False))
    return layout
