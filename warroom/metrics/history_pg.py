"""The metric history and the poller's lease of a launch whose journal is in PostgreSQL.

The same interface as the file's ``MetricHistory`` and ``Lease`` (``warroom.metrics.side``
picks one or the other):

- ``PgMetricHistory``: samples in ``warroom_metric_samples`` (``warroom.pg_side``), one row per
  sample holding the file's line (``history.encode``), in the order of ``id``. Appends take a
  transaction-scoped advisory lock per launch, so ids become visible in order and a follower
  that selects ``id > last`` never skips one. Bounded: past ``limit`` rows for the launch (counted
  every ``CHECK_EVERY`` appended rows), the older half of every tile's samples is downsampled by the file's rule (``history.downsample``:
  every other one kept, and every state change) — rows are deleted, the kept ones keep their
  ids, so a follower never sees a sample twice. Followers poll by id (each beat of the shared
  poller) and, after a reconnect, select again from the last id they saw.
- ``PgLease``: ``pg_try_advisory_lock`` on a dedicated session. The lease is database-wide: ONE
  poller polls for every screen on every machine of the war room. It is released when its
  holder lets go, exits, dies, or loses its connection (the server is told to notice a
  vanished client in about ten seconds: TCP keepalives); then the next screen to ask takes it.
  While the database cannot be reached, each screen polls alone (its tiles stay live) and keeps
  its samples in memory (bounded) until they can be stored. A holder that cannot journal (a
  wall, a read-only screen) hands the lease to a screen that can: such a screen, while it waits,
  holds a second session lock (``LEASE_WANTED``); a holder that cannot journal lets go at its
  next beat when it sees that lock held, and does not take the lease while it is.
"""

from __future__ import annotations

import os
import socket
import time
from collections import deque
from typing import Any, Iterable

from warroom.metrics.history import HistSample, decode, downsample, encode
from warroom.journal_pg import close_quietly
from warroom.pg_side import HISTORY_LOCK, LEASE_LOCK, LEASE_WANTED, SideConnection, side_connect

DEFAULT_ROWS = 150_000  # rows per launch before the older half is downsampled (~8 MB, as the file)
CHECK_EVERY = 200  # appended rows between two counts of the launch's rows
PENDING_MAX = 20_000  # samples kept in memory while the database is unreachable
RETRY_AFTER = 5.0  # seconds before an unreachable database is tried again (a split must not stall polling)


def _errors() -> tuple[type[BaseException], ...]:
    from warroom.journal_pg import JournalError, _psycopg

    return (_psycopg().Error, JournalError, OSError)


class PgMetricHistory:
    def __init__(self, target: Any, limit: int = DEFAULT_ROWS) -> None:
        self.target = target
        self.limit = limit
        self._db = SideConnection(target, "warroom-metrics")
        self._last_id = 0
        self._pending: deque[HistSample] = deque(maxlen=PENDING_MAX)
        self._since_count = CHECK_EVERY  # count at the first append
        self.problem: str | None = None
        self._retry_at = 0.0

    def _failed(self, exc: BaseException) -> None:
        self._db.drop()
        self.problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self._retry_at = time.monotonic() + RETRY_AFTER

    def _waiting(self) -> bool:
        return time.monotonic() < self._retry_at

    @property
    def location(self) -> str:
        return f"the metric history in {self.target.display}"

    # -- writing -------------------------------------------------------------------------------
    def append(self, samples: Iterable[HistSample]) -> None:
        """Store the samples (and any kept while the database was unreachable); never raises:
        while it cannot be reached they wait in memory, the oldest dropped past PENDING_MAX."""
        self._pending.extend(samples)
        if not self._pending or self._waiting():
            return
        rows = [(self.target.launch, s.tile, round(s.t, 3), encode(s).rstrip("\n")) for s in self._pending]
        try:
            conn = self._db.get()
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (HISTORY_LOCK, self.target.launch))
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO warroom_metric_samples (launch, tile, t, sample) VALUES (%s, %s, %s, %s)", rows)
            self._pending.clear()
            self.problem = None
            self._since_count += len(rows)
            if self._since_count >= CHECK_EVERY:
                self._since_count = 0
                self._bound(conn)
        except _errors() as exc:
            self._failed(exc)

    def _bound(self, conn: Any) -> None:
        """Past ``limit`` rows, downsample (again, until it is under: never more than ``limit`` +
        ``CHECK_EVERY`` rows stay, since a count is taken every ``CHECK_EVERY`` appended rows)."""
        while True:
            (count,) = conn.execute("SELECT count(*) FROM warroom_metric_samples WHERE launch = %s", (self.target.launch,)).fetchone()
            if count <= self.limit or not self._downsample(conn):
                return

    def _downsample(self, conn: Any) -> int:
        """One pass of the file's rule over the launch's rows; how many were dropped."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (HISTORY_LOCK, self.target.launch))
            by_tile: dict[str, list[tuple[int, HistSample]]] = {}
            for row_id, line in conn.execute("SELECT id, sample FROM warroom_metric_samples WHERE launch = %s ORDER BY id",
                                             (self.target.launch,)):
                s = decode(line)
                if s is not None:
                    by_tile.setdefault(s.tile, []).append((row_id, s))
            drop: list[int] = []
            for rows in by_tile.values():
                rows.sort(key=lambda r: r[1].t)
                kept = {id(s) for s in downsample([s for _, s in rows])}
                drop += [row_id for row_id, s in rows if id(s) not in kept]
            for i in range(0, len(drop), 10_000):
                conn.execute("DELETE FROM warroom_metric_samples WHERE launch = %s AND id = ANY(%s)",
                             (self.target.launch, drop[i:i + 10_000]))
        return len(drop)

    # -- reading -------------------------------------------------------------------------------
    def load(self) -> list[HistSample]:
        """Every sample, oldest first; the follower goes on from here."""
        self._last_id = 0
        return self.poll()

    def poll(self) -> list[HistSample]:
        """Samples stored since the last look ([] while the database cannot be reached)."""
        if self._waiting():
            return []
        try:
            conn = self._db.get()
            rows = conn.execute("SELECT id, sample FROM warroom_metric_samples WHERE launch = %s AND id > %s ORDER BY id",
                                (self.target.launch, self._last_id)).fetchall()
        except _errors() as exc:
            self._failed(exc)
            return []
        if rows:
            self._last_id = rows[-1][0]
        return [s for s in (decode(line) for _, line in rows) if s is not None]

    def read_all(self) -> dict[str, list[HistSample]]:
        """Samples per tile, oldest first (``read_history`` of the file)."""
        out: dict[str, list[HistSample]] = {}
        try:
            conn = self._db.get()
            cur = conn.execute("SELECT sample FROM warroom_metric_samples WHERE launch = %s ORDER BY id", (self.target.launch,))
            for (line,) in cur:
                s = decode(line)
                if s is not None:
                    out.setdefault(s.tile, []).append(s)
        except _errors():
            self._db.drop()
        for samples in out.values():
            samples.sort(key=lambda s: s.t)
        return out

    def close(self) -> None:
        self._db.drop()


class PgLease:
    """Who polls for a war room, database-wide: a session advisory lock on a connection of its own."""

    def __init__(self, target: Any, holder: str | None = None, stall: float = 15.0, journals: bool = True) -> None:
        self.target = target
        self.journals = journals  # a holder that cannot journal (a wall, a read-only screen) yields to one that can
        self._wanting = False  # this (journaling) contender holds LEASE_WANTED
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.holder = holder or f"{self.host}:{self.pid}:{id(self):x}"
        self.stall = stall  # (a file lease's; here the connection's keepalive decides)
        self.held = False
        self.alone = False  # the database cannot say who polls: poll alone meanwhile
        self.problem: str | None = None
        self._conn: Any = None
        self._retry_at = 0.0

    def _key(self) -> tuple[int, str]:
        return LEASE_LOCK, self.target.launch

    def _drop(self) -> None:
        close_quietly(self._conn)
        self._conn = None
        self.held = False
        self._wanting = False

    def _wanted(self) -> bool:
        """Does a screen that journals wait for the lease? (Asked by one that does not.)"""
        (free,) = self._conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LEASE_WANTED, self.target.launch)).fetchone()
        if free:
            self._conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (LEASE_WANTED, self.target.launch))
        return not free

    def acquire(self, now: float | None = None) -> bool:
        """Take the lease when it is free (or check we still hold it). True: poll."""
        if self.alone and time.monotonic() < self._retry_at:
            return True  # still alone: the database is not tried again yet
        try:
            if self._conn is None or self._conn.closed:
                self.held = False
                self._conn = side_connect(self.target, f"warroom-lease {self.holder}", server_keepalive=True)
            if not self.journals and self._wanted():
                if self.held:  # a screen that journals waits: it takes over, this one follows
                    self._conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", self._key())
                    self.held = False
            elif self.held:
                self._conn.execute("SELECT 1")  # still connected: still ours
            else:
                (got,) = self._conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", self._key()).fetchone()
                self.held = bool(got)
                want = (LEASE_WANTED, self.target.launch)
                if self.journals and self.held and self._wanting:  # holding: no longer waiting
                    self._conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", want)
                    self._wanting = False
                elif self.journals and not self.held and not self._wanting:  # waiting: say so (a wall lets go)
                    (got,) = self._conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", want).fetchone()
                    self._wanting = bool(got)
            self.alone, self.problem = False, None
            return self.held
        except _errors() as exc:
            self._drop()
            self.alone = True
            self._retry_at = time.monotonic() + RETRY_AFTER
            self.problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return True

    def current(self) -> dict[str, Any]:
        """Who holds the lease (its connection's name), or {} when nobody does or nobody can say."""
        try:
            conn = side_connect(self.target, "warroom-lease-query")
        except _errors():
            return {}
        try:
            row = conn.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::bigint::oid"
                " AND l.objid = (hashtext(%s)::bigint & 4294967295)::oid AND l.objsubid = 2",
                (LEASE_LOCK, self.target.launch)).fetchone()
        except _errors():
            return {}
        finally:
            conn.close()
        if not row:
            return {}
        return {"holder": str(row[0]).removeprefix("warroom-lease ")}

    def release(self) -> None:
        if self._conn is not None and self.held:
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", self._key())
            except _errors():
                pass
        self._drop()
