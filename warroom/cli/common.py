"""What every command group shares: exit codes, the error printer, the session a command acts in."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from warroom.actions import Actions
from warroom.events import Event
from warroom.journal import JournalIssue
from warroom.state import LaunchState
from warroom.who import current_operator
from warroom.workspace import Workspace, load_workspace

# Exit status: 0 success; 1 an action was refused or a check failed; 2 bad input or usage;
# ``status --exit-code`` adds 3 for PENDING.
EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_PENDING = 0, 1, 2, 3


def err(message: str) -> None:
    print(f"warroom: error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"warroom: warning: {message}", file=sys.stderr)


def print_problems(problems: Iterable[object], outcome: str) -> int:
    """Print every problem (``path:line:col: message``) and a count line ending in *outcome*;
    returns how many there were."""
    problems = list(problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s); {outcome}", file=sys.stderr)
    return len(problems)


@dataclass
class Session:
    ws: Workspace
    journal: Any  # a warroom.journal.Journal or a warroom.journal_pg.PgJournal
    state: LaunchState
    issues: list[JournalIssue]
    operator: str
    events: list[Event]  # every event in the journal (the state may be of fewer: --as-of)

    @property
    def actions(self) -> Actions:
        from warroom.evidence import (
            from_history,  # the CLI records the metric history's latest, never polls
        )
        from warroom.metrics.side import where_of

        return Actions(self.journal, self.operator, evidence=from_history(where_of(self.journal)))


def open_session(args: argparse.Namespace, read_only: bool = False, until: Callable[[Event], bool] | None = None,
                 every_event: bool = False) -> Session:
    """The workspace, its journal (a file or a launch in PostgreSQL) and the state. Without
    ``until`` or ``every_event`` the state comes from a checkpoint when one matches, and
    ``events`` are only those after it."""
    from warroom.checkpoint import load_state
    from warroom.journals import describe, journal_spec, open_journal

    ws = load_workspace(args.layout)
    journal = open_journal(journal_spec(ws, getattr(args, "journal", None)), args.layout, read_only=read_only)
    if until is None and not every_event:
        state, result = load_state(ws, journal)
    else:
        result = journal.load()
        state = LaunchState.replay(ws, result.events if until is None else [e for e in result.events if until(e)])
    where = describe(journal)
    for issue in result.issues:
        warn(f"{where}:{str(issue).removeprefix('line ')}")
    operator = current_operator(getattr(args, "operator", None))
    for line, problem in state.problems() + state.notices():
        warn(f"{where}:{line}: {problem}")
    if journal.path is not None:  # a file: the head this account saw must still be in it
        check_head(journal.path, result.head)
    return Session(ws, journal, state, result.issues, operator, result.events)


def check_head(path: Path, head: tuple[int, str], at: str = "") -> None:
    """Warn when the journal lost the head this operator saw last; remember the head seen now."""
    from datetime import datetime, timezone

    from warroom import heads

    warning = heads.check(path)
    if warning:
        warn(warning)
    heads.remember(path, head[0], head[1], at or datetime.now(timezone.utc).isoformat(timespec="seconds"))
