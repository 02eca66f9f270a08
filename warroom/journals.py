"""Where a launch's journal is: a file, or a launch in a PostgreSQL database. One way to open it.

``journal_spec`` picks the journal of a workspace (``--journal`` wins over the layout's
``journal:``), ``open_journal`` opens it as a ``warroom.journal.Journal`` or a
``warroom.journal_pg.PgJournal`` (the same interface), ``follower`` follows it and
``describe`` names it for people (a database URL with its password redacted).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warroom.journal import Journal, JournalError, VerifyReport, follow_from, verify
from warroom.locations import is_database_url as is_url  # psycopg and the database code load only for a database

__all__ = ["JournalError", "default_launch", "describe", "follower", "journal_spec", "open_journal", "verify_spec"]


def default_launch(layout_path: Path | str | None) -> str | None:
    """A database journal's launch id when its URL names none: the layout file's name, without .yaml."""
    return Path(layout_path).stem if layout_path else None


def journal_spec(ws: Any, override: str | Path | None = None) -> str | Path:
    """The journal of a workspace: ``override`` (``--journal``), else the layout's."""
    if override:
        return str(override) if is_url(str(override)) else Path(override)
    layout = ws.layout
    if layout.journal_url:
        return layout.journal_url
    return ws.journal_path


def open_journal(spec: str | Path, layout_path: Path | str | None = None, read_only: bool = False) -> Any:
    if isinstance(spec, str) and is_url(spec):
        from warroom.journal_pg import PgJournal, parse_target

        return PgJournal(parse_target(spec, default_launch(layout_path)), read_only=read_only)
    return Journal(Path(spec), read_only=read_only)


def describe(journal: Any) -> str:
    """The journal's name for people: its path, or its database URL (password redacted) and launch."""
    path = getattr(journal, "path", None)
    return str(path) if path is not None else journal.location


def short_name(journal: Any) -> str:
    path = getattr(journal, "path", None)
    return path.name if path is not None else f"{journal.target.launch} on PostgreSQL"


def follower(journal: Any, result: Any) -> Any:
    """Follows the journal from where ``result`` (its load) stopped."""
    if getattr(journal, "path", None) is not None:
        return follow_from(result, journal.path)
    from warroom.journal_pg import PgFollower

    return PgFollower(journal.target, result.head[0], result.head[1])


def exists(spec: str | Path, layout_path: Path | str | None = None) -> bool:
    if isinstance(spec, str) and is_url(spec):
        return True
    return Path(spec).exists()


def verify_spec(spec: str | Path, layout_path: Path | str | None = None) -> tuple[str, VerifyReport]:
    """(the journal's name, its report): every event read and checked, no checkpoint used."""
    if isinstance(spec, str) and is_url(spec):
        from warroom.journal_pg import parse_target, verify_pg

        target = parse_target(spec, default_launch(layout_path))
        return target.display, verify_pg(target)
    return str(spec), verify(spec)


def display_spec(spec: str | Path) -> str:
    if isinstance(spec, str) and is_url(spec):
        from warroom.journal_pg import redact

        return redact(spec)
    return str(spec)
