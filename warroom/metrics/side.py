"""The metric history and the poller's lease of a journal, wherever the journal is.

``where_of(journal)`` is what a journal's history is kept beside: its file's path, or its
launch in a database (a ``warroom.journal_pg.Target``). ``history_for``, ``lease_for`` and
``read_samples`` give the file's ``MetricHistory`` / ``Lease`` (``warroom.metrics.history``) or
the database's ``PgMetricHistory`` / ``PgLease`` (``warroom.metrics.history_pg``): the same
interface (``append``, ``load``, ``poll``; ``acquire``, ``release``, ``held``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warroom.metrics.history import HistSample, Lease, MetricHistory, history_path, lease_path, read_history


def where_of(journal: Any) -> Any:
    """A journal's file path, or its launch in a database; None when there is neither."""
    if journal is None:
        return None
    path = getattr(journal, "path", None)
    return path if path is not None else getattr(journal, "target", None)


def _in_database(where: Any) -> bool:
    return not isinstance(where, (str, Path)) and hasattr(where, "launch")


def history_for(where: Any, limit: int | None = None) -> Any:
    if _in_database(where):
        from warroom.metrics.history_pg import PgMetricHistory

        return PgMetricHistory(where) if limit is None else PgMetricHistory(where, limit)
    return MetricHistory.for_journal(where) if limit is None else MetricHistory.for_journal(where, limit)


def lease_for(where: Any, stall: float = 15.0, journals: bool = True) -> Any:
    """``journals``: its holder records the tiles' transitions (a wall, a read-only screen does
    not, and hands the lease to the first screen that does)."""
    if _in_database(where):
        from warroom.metrics.history_pg import PgLease

        return PgLease(where, stall=stall, journals=journals)
    return Lease(lease_path(where), stall=stall, journals=journals)


def read_samples(where: Any) -> dict[str, list[HistSample]]:
    """Every sample per tile, oldest first ({} when there is no history)."""
    if where is None:
        return {}
    if _in_database(where):
        history = history_for(where)
        try:
            return history.read_all()
        finally:
            history.close()
    return read_history(history_path(where))
