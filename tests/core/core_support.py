"""Shared helpers of the core tests (imported by conftest and the test modules)."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
DEMO_LAYOUT = REPO / "layouts" / "demo.yaml"  # the bundled demo (the replay properties run over it)
FIXTURES = Path(__file__).resolve().parent / "fixtures"  # a frozen copy of the demo (the rest of the core tests)
BASE = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)

# A writer process: appends `count` events (forever when count is 0) and prints each seq
# right after `append` returned, i.e. once the event is acknowledged as written.
WRITER = textwrap.dedent(
    """
    import sys
    from warroom.journal import Journal
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    j = Journal(path)
    i = 0
    while count == 0 or i < count:
        i += 1
        ev = j.append("note", "", {"text": f"{name} #{i}", "writer": name, "n": i}, op=name)
        print(ev.seq, flush=True)
    j.close()
    """
)


class Clock:
    """A hand-driven clock for Actions: ``clock.advance(minutes=5)``."""

    def __init__(self, start: datetime = BASE) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


class Room:
    """A war room driven the way the CLI/TUI drive it: Actions append, state is replayed."""

    def __init__(self, ws: Workspace, clock: Clock, operator: str = "ana@bastion") -> None:
        self.ws = ws
        self.clock = clock
        self.journal = Journal(ws.journal_path)
        self.actions = Actions(self.journal, operator, now=clock)

    @property
    def state(self) -> LaunchState:
        return LaunchState.replay(self.ws, Journal(self.ws.journal_path, read_only=True).load().events)

    def do(self, name: str, *args, **kwargs):
        """Run an action against the current replayed state."""
        return getattr(self.actions, name)(self.state, *args, **kwargs)
