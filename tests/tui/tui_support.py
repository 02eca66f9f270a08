"""Helpers for the TUI tests: a frozen clock, appends from "another process", the real app."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
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
