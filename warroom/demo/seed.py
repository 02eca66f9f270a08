"""The demo journal: a fresh war room with T-0 ninety minutes ahead."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

DEMO_LEAD = timedelta(minutes=90)


def seed_demo_journal(layout: Path, journal_path: Path, operator: str) -> None:
    """Give a new (or empty) demo journal its T-0; a journal with events is left as it is.
    Raises InputError for a bad layout, ActionError or OSError when it cannot be written."""
    if journal_path.exists() and journal_path.stat().st_size > 0:
        return
    ws = load_workspace(layout)
    with Journal(journal_path) as journal:
        journal.load()
        Actions(journal, operator).set_t0(LaunchState(ws), datetime.now(timezone.utc) + DEMO_LEAD)
