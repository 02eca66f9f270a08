"""What an import found: the checklist, the layout parts, what was assumed, explained or not placed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from warroom.importer.mojibake import Repair
from warroom.model import Checklist, Criterion, Phase, Role, Status


@dataclass
class Unplaced:
    line: int  # 1-based
    text: str
    why: str
    col: int = 1

    def __str__(self) -> str:
        return f"line {self.line}: {self.why}: {self.text}"

    def problem(self, path: str) -> str:
        """``path:line:col: why: text``, like every other warroom message about a file."""
        return f"{path}:{self.line}:{self.col}: {self.why}: {self.text}"


@dataclass
class ImportResult:
    checklist: Checklist
    launch: str
    phases: list[Phase] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)  # go criteria
    rollback: list[Criterion] = field(default_factory=list)  # rollback triggers
    t0: datetime | None = None
    timezone: str = "UTC"
    notes: list[str] = field(default_factory=list)  # what the importer did or assumed
    unplaced: list[Unplaced] = field(default_factory=list)
    repair: Repair | None = None
    added_director: bool = False  # the file named no signer: "Launch Director" was added
    explained: list[tuple[int, str]] = field(default_factory=list)  # (1-based source line, inference)

    def explain(self, line: int, text: str) -> None:
        """Record one inference the importer made, with the source line it read it from."""
        self.explained.append((line, text))

    def counts(self) -> dict[str, int]:
        items = list(self.checklist.walk_items())
        return {
            "items": len(items),
            "done": sum(1 for i in items if i.status is Status.DONE),
            "sections": sum(1 for _ in self.checklist.walk_sections()),
            "commands": sum(len(i.commands) for i in items),
            "roles": len(self.roles),
            "criteria": len(self.criteria),
            "rollback": len(self.rollback),
            "phases": len(self.phases),
        }
