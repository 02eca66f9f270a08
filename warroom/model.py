"""The launch model: checklists (sections, items) and the layout that assembles a war room.

Plain dataclasses, no I/O. Loading and validation live in ``checklist_format`` and
``layout_format``; live state (statuses, sign-offs, clock) is replayed from the journal in
``state``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, NamedTuple


class Status(str, Enum):
    TODO = "todo"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"
    SKIPPED = "skipped"

    @property
    def glyph(self) -> str:
        """A glyph that reads without colour."""
        return _GLYPH[self]

    @property
    def needs_reason(self) -> bool:
        return self in (Status.BLOCKED, Status.SKIPPED)

    @property
    def closed(self) -> bool:
        """Done or deliberately skipped: nothing more to do."""
        return self in (Status.DONE, Status.SKIPPED)


_GLYPH = {
    Status.TODO: "○",
    Status.IN_PROGRESS: "~",
    Status.DONE: "✓",
    Status.BLOCKED: "✗",
    Status.SKIPPED: "–",
}
STATUS_VALUES = [s.value for s in Status]


class Written(NamedTuple):
    """Where a value stands in its file (1-based line and column) and its text as written there,
    kept for checks that span files (an item's role against its layout's roles, say)."""

    line: int
    col: int
    text: str = ""


@dataclass
class Command:
    code: str
    language: str = ""


@dataclass
class Link:
    url: str
    title: str = ""


@dataclass
class Item:
    id: str  # full id: checklist/section.../item...
    local_id: str
    text: str
    checklist_id: str = ""
    section_id: str = ""  # full id of the enclosing section
    parent_id: str = ""  # full id of the parent item ("" when directly in a section)
    owner: str = ""
    role: str = ""
    critical: bool = False
    phase: str = ""  # a T-mark naming a layout phase
    due: timedelta | None = None  # relative to T-0
    commands: list[Command] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: Status = Status.TODO  # initial status, before the journal
    reason: str = ""
    children: list["Item"] = field(default_factory=list)
    depth: int = 0
    numbered: bool = False  # an entry of a numbered list in the source ("1. [ ] ..."): exported numbered
    written: dict[str, Written] = field(default_factory=dict, repr=False, compare=False)  # "role", "phase"

    def walk(self) -> Iterator["Item"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Section:
    id: str  # full id: checklist/section/...
    local_id: str
    title: str
    description: str = ""
    after: str = ""  # prose that came after the section's items in the source (exported after them)
    status_hint: str = ""  # a status a heading carried in the source ("done" from a ✅)
    items: list[Item] = field(default_factory=list)
    sections: list["Section"] = field(default_factory=list)
    depth: int = 0

    @property
    def prose(self) -> str:
        """Everything the source wrote under this heading that is not an item: the description
        before its list and what came after it (what the section's details show)."""
        return "\n\n".join(t for t in (self.description.strip(), self.after.strip()) if t)

    def walk_items(self) -> Iterator[Item]:
        for item in self.items:
            yield from item.walk()
        for sub in self.sections:
            yield from sub.walk_items()

    def walk_sections(self) -> Iterator["Section"]:
        yield self
        for sub in self.sections:
            yield from sub.walk_sections()


@dataclass
class Checklist:
    id: str
    title: str
    path: Path | None = None
    source: str = ""
    description: str = ""
    sections: list[Section] = field(default_factory=list)

    def walk_items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.walk_items()

    def walk_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk_sections()


@dataclass
class Phase:
    mark: timedelta
    name: str
    label: str  # the T-mark as written, e.g. "T-1h"


@dataclass
class BuiltinHold:
    """A hold the layout plans (``holds:``): the count stops at ``mark`` for ``duration``, on
    its own, and goes on after it. T-0 stays the launch time: the count before it runs early
    by the length of the built-in holds still to come."""

    mark: timedelta
    duration: timedelta
    name: str
    label: str = ""  # the mark as written


@dataclass
class Role:
    name: str
    person: str = ""
    required: bool = True
    poll_order: int = 0
    contact: str = ""  # how to reach the person (phone, e-mail, chat handle), as the layout gives it
    accounts: list[str] = field(default_factory=list)  # Unix accounts that may sign it (empty: anyone)
    delegates: list[str] = field(default_factory=list)  # accounts that may sign it for them


@dataclass
class Criterion:
    id: str
    name: str
    threshold: str = ""  # readable condition text, e.g. "< 0.1%"
    tile: str = ""  # a metric tile this criterion reads (metrics issue)
    required: bool = True
    kind: str = "go"  # "go" (go/no-go criterion) or "rollback" (rollback trigger)
    description: str = ""
    for_: timedelta | None = None  # how long a breach must hold (rollback triggers)


@dataclass
class Pane:
    kind: str  # checklist | timeline | signoff | tiles | journal
    checklist: str = ""  # for checklist panes
    row: int = 1
    column: int = 1
    row_span: int = 1
    column_span: int = 1
    title: str = ""
    written: dict[str, Written] = field(default_factory=dict, repr=False, compare=False)  # "checklist"


@dataclass
class Layout:
    path: Path
    launch: str
    t0: datetime | None = None
    timezone: str = "UTC"
    checklist_paths: list[Path] = field(default_factory=list)
    checklists_written: dict[Path, Written] = field(default_factory=dict, repr=False, compare=False)
    phases: list[Phase] = field(default_factory=list)
    holds: list[BuiltinHold] = field(default_factory=list)
    unread_phases: int = 0  # phase entries that could not be read (items are not checked against a partial list)
    roles: list[Role] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    tiles: list[Any] = field(default_factory=list)  # metric tile specs (warroom.metrics): the enabled ones, polled
    disabled_tiles: list[Any] = field(default_factory=list)  # tiles with ``enabled: false``: never polled
    tile_order: list[Any] = field(default_factory=list, repr=False, compare=False)  # every tile, as listed
    journal_path: Path | None = None
    journal_url: str | None = None  # a PostgreSQL journal (postgresql://...), instead of journal_path
    columns: int = 2
    rows: int = 2
    panes: list[Pane] = field(default_factory=list)
    run: Any = None  # the ``run:`` block (warroom.runner.settings.RunSettings); None: running is off

    @property
    def all_tiles(self) -> list[Any]:
        """Every tile, enabled or not, in the order the layout lists them."""
        return list(self.tile_order) if self.tile_order else self.tiles + self.disabled_tiles

    def roles_in_poll_order(self) -> list[Role]:
        return sorted(self.roles, key=lambda r: r.poll_order)
