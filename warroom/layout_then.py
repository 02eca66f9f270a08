"""The layout as it was at a moment of the journal, for ``--as-of`` and the replay.

Every edit warroom makes to a layout journals a ``layout-change`` event with the text before and
after (``warroom.layout_edit``). The layout in force after the first ``n`` events is

* the ``after`` of the last layout change among them;
* before any change: the ``before`` of the journal's first change;
* the layout file as it is now when the journal holds no change at all.

Texts from the journal are hostile input: each is read with the same safe loader and checks as
the layout file (``workspace_from_text``; its checklists are the files it names, as they are
now). A text that does not read is refused with its ``path:line:col`` problems, and the current
layout stands in for it — :attr:`Then.problem` says so, for the screen or the CLI to show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from warroom.errors import InputError
from warroom.events import LAYOUT_CHANGE, Event

MAX_TEXT = 8 * 1024 * 1024  # characters: a layout file's own limit (warroom.safeio.MAX_INPUT)


@dataclass(frozen=True)
class Then:
    """The war room's layout at a moment: ``ws`` to show, ``key`` names its version (the same key:
    nothing to switch), ``where`` says where it came from; ``problem``: the text of then did not
    read, so ``ws`` is the current layout."""

    ws: Any
    key: str
    where: str
    problem: str | None = None
    change: Event | None = None  # the layout-change event that wrote it (None: the first's before, or the file)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()


class LayoutsThen:
    """The layouts of one journal. ``current`` is the workspace read from the file now; each
    older text is read once (stepping back and forth re-reads nothing)."""

    def __init__(self, layout_path: Path | str, events: Sequence[Event], current: Any, current_text: str | None = None) -> None:
        self.path = Path(layout_path)
        self.events = list(events)
        self.changes = [i for i, e in enumerate(self.events) if e.kind == LAYOUT_CHANGE]
        self.current = current
        if current_text is None:
            try:
                current_text = self.path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                current_text = ""
        self.current_key = _digest(current_text)
        self._read: dict[str, tuple[Any, str | None]] = {}

    def text_at(self, n: int) -> tuple[str | None, Event | None]:
        """(the layout text in force after the first ``n`` events, the change that wrote it);
        (None, None): the journal holds no layout change, the file is the layout."""
        if not self.changes:
            return None, None
        last = None
        for i in self.changes:
            if i >= n:
                break
            last = self.events[i]
        if last is None:
            return self.events[self.changes[0]].payload.get("before"), None
        return last.payload.get("after"), last

    def at(self, n: int) -> Then:
        """The layout to show after the first ``n`` events."""
        text, change = self.text_at(n)
        if not self.changes:
            return Then(self.current, self.current_key, "the layout file (the journal holds no layout change)")
        where = (f"as changed at event {change.seq} by {change.op}" if change is not None
                 else f"as it was before the first layout change (event {self.events[self.changes[0]].seq})")
        seq = change.seq if change is not None else self.events[self.changes[0]].seq
        label = f"{self.path} (journal event {seq}, {'after' if change is not None else 'before'})"
        if not isinstance(text, str):
            return Then(self.current, self.current_key, where, f"{label}: no layout text in the event", change)
        if len(text) > MAX_TEXT:
            return Then(self.current, self.current_key, where,
                        f"{label}: the layout text is too large ({len(text):,} characters; the limit is {MAX_TEXT:,})", change)
        key = _digest(text)
        if key == self.current_key:
            return Then(self.current, key, where, None, change)
        if key not in self._read:
            self._read[key] = self._workspace(text, label)
        ws, problem = self._read[key]
        if ws is None:
            return Then(self.current, self.current_key, where, problem, change)
        return Then(ws, key, where, None, change)

    def _workspace(self, text: str, label: str) -> tuple[Any, str | None]:
        from warroom.workspace import workspace_from_text

        try:
            return workspace_from_text(self.path, text), None
        except InputError as exc:
            shown = [str(p).replace(str(self.path), label, 1) if p.path == str(self.path) else str(p) for p in exc.problems[:4]]
            more = f" (and {len(exc.problems) - 4} more)" if len(exc.problems) > 4 else ""
            return None, "; ".join(shown) + more if shown else f"{label}: the layout does not read"


def refused(then: Then) -> str:
    """What a screen or the CLI says when the layout of then was refused."""
    return f"the layout of then was refused, the current layout is shown instead: {then.problem}"
