"""Messages that carry journal and load results to the screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from warroom.events import Event


@dataclass
class JournalEvents(Message):
    """New events from the journal follower: the one path by which the screen changes."""

    events: list[Event]
    reset: bool = False
    issues: list[str] = field(default_factory=list)


@dataclass
class Loaded(Message):
    """The workspace and the journal are read (done in a thread after the first frame)."""

    ws: Any
    journal: Any
    load_result: Any
    state: Any  # the LaunchState replayed (from a checkpoint, when one matched)


@dataclass
class LoadFailed(Message):
    """The layout or a checklist could not be loaded: ``problems`` as ``path:line:col: message``."""

    problems: list[str]
    code: int = 2
