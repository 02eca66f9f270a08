"""Fixtures for the TUI tests: the demo war room in a temp dir with T-0 set, on a frozen clock."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from tui_support import FROZEN, REPO, frozen

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace


@pytest.fixture
def room_dir(tmp_path: Path) -> Path:
    """The demo war room copied into tmp (layouts/ and checklists/ side by side)."""
    (tmp_path / "layouts").mkdir()
    (tmp_path / "checklists").mkdir()
    # No metric tiles here: the frames must not depend on live endpoints (the metrics tests cover them).
    data = yaml.safe_load((REPO / "layouts" / "demo.yaml").read_text(encoding="utf-8"))
    data.pop("tiles", None)
    data.pop("rollback", None)
    data["criteria"] = [c for c in data.get("criteria") or [] if not c.get("tile")]
    (tmp_path / "layouts" / "demo.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    shutil.copy(REPO / "checklists" / "demo-payments-v2.yaml", tmp_path / "checklists" / "demo-payments-v2.yaml")
    return tmp_path


@pytest.fixture
def layout(room_dir: Path) -> Path:
    return room_dir / "layouts" / "demo.yaml"


@pytest.fixture
def journal_path(layout: Path) -> Path:
    """A journal with T-0 set 90 minutes after the frozen clock (as `warroom demo` does)."""
    path = layout.with_name("demo.journal.yaml")
    ws = load_workspace(layout)
    with Journal(path) as journal:
        journal.load()
        Actions(journal, "director", now=frozen).set_t0(LaunchState(ws), FROZEN + timedelta(minutes=90))
    return path
