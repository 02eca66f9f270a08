"""Helpers for the TUI tests: a frozen clock, appends from "another process", the real app."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

REPO = Path(__file__).resolve().parents[2]
FROZEN = datetime(2026, 11, 23, 14, 0, 0, tzinfo=timezone.utc)


def frozen() -> datetime:
    return FROZEN


def append(layout: Path, journal_path: Path, method: str, *args, op: str = "bob", **kwargs):  # noqa: ANN002, ANN003, ANN201
    """Append one event the way another process would (its own Journal and state)."""
    ws = load_workspace(layout)
    with Journal(journal_path) as journal:
        state = LaunchState.replay(ws, journal.load().events)
        return getattr(Actions(journal, op, now=frozen), method)(state, *args, **kwargs)


def shop_room(tmp_path: Path, checklist: str, layout_text: str, t0_in: timedelta) -> tuple[Path, Path]:
    """A war room in ``tmp_path`` (``layouts/shop.yaml`` naming ``checklists/shop.yaml``) with T-0
    set ``t0_in`` after the frozen clock. Returns (layout, journal)."""
    (tmp_path / "layouts").mkdir()
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "shop.yaml").write_text(checklist, encoding="utf-8")
    layout = tmp_path / "layouts" / "shop.yaml"
    layout.write_text(layout_text, encoding="utf-8")
    journal_path = tmp_path / "shop.journal.yaml"
    with Journal(journal_path) as journal:
        journal.load()
        Actions(journal, "director", now=frozen).set_t0(LaunchState(load_workspace(layout)), FROZEN + t0_in)
    return layout, journal_path


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


async def pick(pilot, label: str) -> None:  # noqa: ANN001
    """In the picker on screen, press the number of the first entry whose label holds ``label``."""
    labels = [str(o.prompt) for o in pilot.app.screen.query_one("#choice-list").options]
    await pilot.press(str(next(i for i, text in enumerate(labels) if label in text) + 1))
    await pilot.pause()
