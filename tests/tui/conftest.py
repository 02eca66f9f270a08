"""Fixtures for the TUI tests: a war room in a temp dir, a frozen clock, the real app."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

REPO = Path(__file__).resolve().parents[2]
FROZEN = datetime(2026, 11, 23, 14, 0, 0, tzinfo=timezone.utc)


def frozen() -> datetime:
    return FROZEN


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


def append(layout: Path, journal_path: Path, method: str, *args, op: str = "bob", **kwargs):  # noqa: ANN002, ANN003, ANN201
    """Append one event the way another process would (its own Journal and state)."""
    ws = load_workspace(layout)
    with Journal(journal_path) as journal:
        state = LaunchState.replay(ws, journal.load().events)
        return getattr(Actions(journal, op, now=frozen), method)(state, *args, **kwargs)


def make_app(layout: Path, journal_path: Path, **kwargs):  # noqa: ANN003, ANN201
    from warroom.tui.app import WarRoomApp

    kwargs.setdefault("operator", "alice")
    kwargs.setdefault("now", frozen)
    kwargs.setdefault("poll_interval", 0.05)
    return WarRoomApp(layout, journal_path=journal_path, **kwargs)


async def until(pilot, condition, timeout: float = 3.0) -> bool:  # noqa: ANN001
    """Let the app run until ``condition()`` holds (or the timeout passes)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()


async def loaded(pilot) -> None:  # noqa: ANN001
    await asyncio.wait_for(pilot.app.ready.wait(), 10)
    await pilot.pause()
    await pilot.pause()
