"""What sits beside a journal in PostgreSQL: command outputs and the metric history.

A file journal keeps these in side files (``<journal>.run-<sha256>.log``, ``<journal>.metrics``);
a launch in a database keeps them in the same database, keyed by its launch id, so every
operator on every machine reads them. The tables (``docs/postgresql.md`` shows them):

- ``warroom_runs``: one row per command run (``run`` is the run id of its ``run-start``
  event): the host and process that supervise it, a heartbeat (``beat_at``, renewed every
  ``BEAT`` seconds while the command runs), the bytes stored, and at the end the SHA-256 of the
  output (the same as the ``run-end`` event's ``output_sha256``) and ``ended_at``.
- ``warroom_run_output``: the (masked) output in order, in chunks of at most ``CHUNK_BYTES``,
  appended while the command runs: the tail is live for every operator.
- ``warroom_metric_samples``: the metric history, one encoded sample per row (the file's line),
  in the order of ``id``; bounded per launch by the file's downsampling rule.

The schema is created when first needed, idempotently, under the journal schema's advisory lock,
and names its version in a comment (``SIDE_SCHEMA_VERSION``). Each user of these tables holds its
own connection (a run's writer, a follower, the metric lease): none shares the journal's.
"""

from __future__ import annotations

from typing import Any

from warroom.journal_pg import _SCHEMA_LOCK, CONNECT_TIMEOUT, KEEPALIVE, JournalUnavailable, Target, _first_line, _psycopg, close_quietly

SIDE_SCHEMA_VERSION = 1
SIDE_TABLES = ("warroom_runs", "warroom_run_output", "warroom_metric_samples")
SIDE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS warroom_runs (
    launch     text        NOT NULL,
    run        text        NOT NULL,
    host       text        NOT NULL,
    pid        integer     NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    beat_at    timestamptz NOT NULL DEFAULT now(),
    bytes      bigint      NOT NULL DEFAULT 0,
    chunks     integer     NOT NULL DEFAULT 0,
    sha256     text,
    ended_at   timestamptz,
    PRIMARY KEY (launch, run)
);
CREATE TABLE IF NOT EXISTS warroom_run_output (
    launch text    NOT NULL,
    run    text    NOT NULL,
    chunk  integer NOT NULL CHECK (chunk >= 0),
    data   bytea   NOT NULL,
    PRIMARY KEY (launch, run, chunk)
);
CREATE TABLE IF NOT EXISTS warroom_metric_samples (
    id     bigserial PRIMARY KEY,
    launch text      NOT NULL,
    tile   text      NOT NULL,
    t      double precision NOT NULL,
    sample text      NOT NULL
);
CREATE INDEX IF NOT EXISTS warroom_metric_samples_launch ON warroom_metric_samples (launch, id);
COMMENT ON TABLE warroom_runs IS 'warroom command runs, side schema {SIDE_SCHEMA_VERSION}';
COMMENT ON TABLE warroom_run_output IS 'warroom command output (masked), side schema {SIDE_SCHEMA_VERSION}';
COMMENT ON TABLE warroom_metric_samples IS 'warroom metric history, side schema {SIDE_SCHEMA_VERSION}';
"""
_EXISTS = " AND ".join(f"to_regclass('{t}') IS NOT NULL" for t in SIDE_TABLES)
HISTORY_LOCK = 0x77617274  # with hashtext(launch): one appender of a launch's metric history at a time
LEASE_LOCK = 0x77617275  # with hashtext(launch): the metric poller's lease (a session lock)
LEASE_WANTED = 0x77617276  # with hashtext(launch): held by a screen that journals while it waits for the lease


def ensure_side_schema(conn: Any) -> None:
    """Create the side tables if they are not there (one process at a time: an advisory lock)."""
    row = conn.execute(f"SELECT {_EXISTS}").fetchone()
    if row and row[0]:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        row = conn.execute(f"SELECT {_EXISTS}").fetchone()
        if not (row and row[0]):
            conn.execute(SIDE_SCHEMA)


def has_side_schema(conn: Any) -> bool:
    row = conn.execute(f"SELECT {_EXISTS}").fetchone()
    return bool(row and row[0])


def side_connect(target: Target, name: str, timeout: float = CONNECT_TIMEOUT, server_keepalive: bool = False) -> Any:
    """An autocommit connection of its own. ``server_keepalive``: the server, too, notices within
    seconds that this client is gone (a session lock then goes with it)."""
    psycopg = _psycopg()
    params: dict[str, Any] = dict(KEEPALIVE)
    if server_keepalive:
        params["options"] = ("-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=2"
                             " -c tcp_user_timeout=8000")
    try:
        return psycopg.connect(target.conninfo, autocommit=True, connect_timeout=max(2, int(timeout)),
                               application_name=name[:63], **params)
    except psycopg.Error as exc:
        raise JournalUnavailable(f"cannot reach the journal database {target.display}: {_first_line(exc)}") from None


class SideConnection:
    """One lazily (re)opened connection with the side schema; ``drop()`` after an error."""

    def __init__(self, target: Target, name: str, create: bool = True) -> None:
        self.target = target
        self.name = name
        self.create = create
        self._conn: Any = None

    def get(self) -> Any:
        """The connection (None when the tables are not there and this one does not create them)."""
        if self._conn is None or self._conn.closed:
            self._conn = side_connect(self.target, self.name)
            self._ready = False
        if not self._ready:
            if self.create:
                ensure_side_schema(self._conn)
            elif not has_side_schema(self._conn):
                return None
            self._ready = True
        return self._conn

    def drop(self) -> None:
        close_quietly(self._conn)
        self._conn = None

    close = drop
