"""The journal in PostgreSQL: the same events, the same hash chain, the same guarantees as the file.

Each event is stored as the very line a file journal holds (``encode_event``), so its hash and
its link to the previous event are the file's, and ``journal copy`` moves a launch between a
file and a database without re-hashing anything. Several launches share one database: every
row carries its launch id.

- **Appends are compare-and-append on the chain head.** An event is inserted only if its
  ``prev`` is the hash of the event ``seq - 1`` of the launch (or the genesis hash for seq 1);
  ``(launch, seq)`` is the primary key and ``(launch, prev)`` is unique, so two writers can
  never both extend one head: the loser reads what was appended and tries again on the new head.
  Events never interleave or fork.
- **An event is acknowledged only after its commit.** If the connection drops mid-append, the
  writer reconnects and looks: if its event (the same line) is there it was committed and is
  returned, else it tries again. Nothing is ever written twice.
- **Followers LISTEN** on a dedicated connection for a wake-up (``NOTIFY warroom_journal``,
  payload the launch id, sent in the inserting transaction so it arrives after the commit) and
  then select by seq. NOTIFY does not replay, so a follower always re-selects after it
  reconnects, and also every second whatever it heard.
- **Credentials never come from the layout**: a ``postgresql://`` URL in a layout may not hold a
  password (libpq reads it from ``PGPASSWORD``, a service file or ``~/.pgpass``); every URL
  printed is redacted (``redact``). ``sslmode`` and any other libpq parameter pass through.

psycopg 3 is imported when a database journal is opened, never for a file journal.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from warroom.events import GENESIS, Event
from warroom.locations import DATABASE_SCHEMES, is_database_url
from warroom.journal import (STATE_KINDS, JournalError, JournalIssue, LoadResult, ReadOnlyJournal, VerifyReport,
                             _parse_chunk, _slot, decode_line, encode_event, line_hash)
from warroom.tmarks import utc_iso

SCHEMES = DATABASE_SCHEMES
CHANNEL = "warroom_journal"
SCHEMA_VERSION = 1
# The whole schema; `docs/postgresql.md` shows it. Created on first write, under an advisory lock.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS warroom_events (
    launch    text        NOT NULL,
    seq       bigint      NOT NULL CHECK (seq > 0),
    prev      text        NOT NULL,
    hash      text        NOT NULL,
    kind      text        NOT NULL,
    target    text        NOT NULL,
    line      text        NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (launch, seq),
    UNIQUE (launch, prev)
);
CREATE INDEX IF NOT EXISTS warroom_events_state ON warroom_events (launch, kind, target, seq);
CREATE TABLE IF NOT EXISTS warroom_checkpoints (
    launch    text        PRIMARY KEY,
    body      text        NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION warroom_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'warroom_events is append-only';
END $$;
DROP TRIGGER IF EXISTS warroom_events_append_only ON warroom_events;
CREATE TRIGGER warroom_events_append_only BEFORE UPDATE OR DELETE ON warroom_events
    FOR EACH ROW EXECUTE FUNCTION warroom_append_only();
COMMENT ON TABLE warroom_events IS 'warroom journal, schema {SCHEMA_VERSION}: append-only, hash-chained per launch';
"""
_SCHEMA_LOCK = 0x77617272  # pg_advisory_xact_lock key: 'warr'
_APPEND_LOCK = 0x77617273  # with hashtext(launch): one appender of a launch at a time
RETRY_FOR = 5.0  # seconds an append keeps trying to reach the database before it gives up
CONNECT_TIMEOUT = 2  # seconds to open a connection (libpq's least); a refused one fails at once
# A peer that vanishes without closing the connection (a network split) is noticed in seconds:
# probes after 3 s of silence, 1 s apart, 2 unanswered = dead; data unacknowledged for 4 s = dead.
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 3, "keepalives_interval": 1, "keepalives_count": 2, "tcp_user_timeout": 4000}


class JournalUnavailable(JournalError):
    """The database cannot be reached: nothing was acknowledged."""


is_url = is_database_url


def redact(url: str) -> str:
    """The URL with any password replaced by ``***`` (one without a password is returned as is)."""
    try:
        parts = urlsplit(url)
        if not password_in(url):
            return url
    except ValueError:
        return "postgresql://(unreadable URL)"
    query = [(k, "***" if k.lower() == "password" and v else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        if userinfo.partition(":")[2]:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{hostport}"
    return _join(parts.scheme, netloc, parts.path, urlencode(query, safe="/:*"))


def _join(scheme: str, netloc: str, path: str, query: str) -> str:
    """A URL again, keeping the empty host of ``postgresql:///db`` (a local socket)."""
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def password_in(url: str) -> bool:
    """Does the URL itself carry a password (in its user part or as ``password=``)?"""
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    return bool(userinfo.partition(":")[2]) or any(k.lower() == "password" and v for k, v in parse_qsl(parts.query))


@dataclass(frozen=True)
class Target:
    """A launch in a database: the libpq URL (without ``launch=``) and the launch id."""

    conninfo: str
    launch: str

    @property
    def display(self) -> str:
        return f"{redact(self.conninfo)} (launch {self.launch})"


def parse_target(url: str, default_launch: str | None) -> Target:
    """Split ``?launch=ID`` off a URL; without it the launch is ``default_launch``."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    launches = [v for k, v in query if k == "launch"]
    rest = [(k, v) for k, v in query if k != "launch"]
    launch = launches[-1] if launches else default_launch
    if not launch:
        raise JournalError(f"{redact(url)}: which launch? add ?launch=ID to the URL")
    conninfo = _join(parts.scheme, parts.netloc, parts.path, urlencode(rest, safe="/:"))
    return Target(conninfo, launch)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise JournalError("a PostgreSQL journal needs psycopg 3: pip install 'psycopg[binary]' "
                           "(or install warroom with the 'postgresql' extra)") from None
    return psycopg


def connect(target: Target, timeout: float = CONNECT_TIMEOUT, **params: Any) -> Any:
    """An autocommit connection: each statement commits, ``conn.transaction()`` is BEGIN..COMMIT."""
    psycopg = _psycopg()
    try:
        return psycopg.connect(target.conninfo, autocommit=True, connect_timeout=max(2, int(timeout)),
                               application_name="warroom", **{**KEEPALIVE, **params})
    except psycopg.Error as exc:
        raise JournalUnavailable(f"cannot reach the journal database {target.display}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def ensure_schema(conn: Any) -> None:
    """Create the tables if they are not there (one process at a time: an advisory lock)."""
    row = conn.execute("SELECT to_regclass('warroom_events') IS NOT NULL AND to_regclass('warroom_checkpoints') IS NOT NULL").fetchone()
    if row and row[0]:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        row = conn.execute("SELECT to_regclass('warroom_events') IS NOT NULL AND to_regclass('warroom_checkpoints') IS NOT NULL").fetchone()
        if not (row and row[0]):
            conn.execute(SCHEMA)


def _has_schema(conn: Any) -> bool:
    row = conn.execute("SELECT to_regclass('warroom_events') IS NOT NULL").fetchone()
    return bool(row and row[0])


class PgJournal:
    """A launch's journal in PostgreSQL, with the interface of ``warroom.journal.Journal``."""

    RETRY_FOR = RETRY_FOR  # seconds an append keeps trying to reach the database

    def __init__(self, target: Target, read_only: bool = False) -> None:
        self.target = target
        self.read_only = read_only
        self.path = None  # not a file: ``location`` says where it is
        self._conn: Any = None
        self._head_seq = 0
        self._head_hash = GENESIS
        self.issues: list[JournalIssue] = []
        self._latest: dict[tuple[str, str], Event] = {}
        # asked before each append: a reason the database is known to be unreachable (a screen's
        # follower knows at once) makes the append fail at once, instead of after RETRY_FOR
        self.offline: Callable[[], str | None] | None = None
        self.warnings: list[str] = []  # said to the operator once: a clock behind the journal's
        self._head_ts = ""
        self._clock_warned = False

    @property
    def location(self) -> str:
        return self.target.display

    @property
    def head(self) -> tuple[int, str]:
        return self._head_seq, self._head_hash

    # -- connection ----------------------------------------------------------------------------
    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.target)
            if not self.read_only:
                ensure_schema(self._conn)
        return self._conn

    def _drop(self) -> None:
        close_quietly(self._conn)
        self._conn = None

    def close(self) -> None:
        self._drop()

    def __enter__(self) -> "PgJournal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------
    def _rows_after(self, conn: Any, seq: int) -> list[tuple[int, str]]:
        if not _has_schema(conn):
            return []
        return conn.execute("SELECT seq, line FROM warroom_events WHERE launch = %s AND seq > %s ORDER BY seq",
                            (self.target.launch, seq)).fetchall()

    def load(self, since: tuple[int, str] | None = None, latest: Iterable[Event] = (), head_ts: str = "") -> LoadResult:
        """Every event of the launch (only those after ``since`` = (seq, hash), when given;
        ``head_ts`` is the time of that event)."""
        psycopg = _psycopg()
        head = since or (0, GENESIS)
        try:
            rows = self._rows_after(self._connection(), head[0])
        except psycopg.Error as exc:
            self._drop()
            raise JournalUnavailable(f"cannot read the journal database {self.location}: {_first_line(exc)}") from None
        result = _parse_rows(rows, head)
        self._head_seq, self._head_hash = result.head
        self._latest.clear()
        self._note_latest(latest)
        self._head_ts = head_ts or self._head_ts
        self._note_latest(result.events)
        return result

    def _note_latest(self, events: Iterable[Event]) -> None:
        for ev in events:
            self._head_ts = ev.ts
            if ev.kind in STATE_KINDS:
                self._latest[_slot(ev.kind, ev.target)] = ev

    def _catch_up(self, conn: Any) -> list[Event]:
        result = _parse_rows(self._rows_after(conn, self._head_seq), (self._head_seq, self._head_hash))
        self.issues.extend(result.issues)
        self._head_seq, self._head_hash = result.head
        self._note_latest(result.events)
        return result.events

    # -- writing -------------------------------------------------------------------------------
    def append(self, kind: str, target: str = "", payload: dict[str, Any] | None = None, op: str = "unknown",
               now: datetime | None = None, unless: Callable[[Event | None], bool] | None = None,
               acct: dict[str, str] | None = None) -> Event | None:
        """Append one event; returns it once it is committed. See ``Journal.append``."""
        if unless is not None and kind not in STATE_KINDS:
            raise ValueError(f"append(unless=...) is for the kinds {sorted(STATE_KINDS)}, not {kind!r}")
        if self.read_only:
            raise ReadOnlyJournal(f"{self.location} is open read-only")
        psycopg = _psycopg()
        known = self.offline() if self.offline is not None else None
        if known:
            raise JournalUnavailable(f"the journal database {self.location} is unreachable ({known.rpartition(': ')[2]}). Nothing was recorded.")
        ts, payload = utc_iso(now or datetime.now(timezone.utc)), payload or {}
        if acct is None:  # as a file journal: every writer records the real account
            from warroom.who import real_account

            acct = real_account()
        deadline = time.monotonic() + self.RETRY_FOR
        pending: str | None = None  # a line whose commit may have happened before the connection dropped
        while True:
            try:
                conn = self._connection()
                event: Event | None = None
                with conn.transaction():
                    # writers of one launch queue here rather than race and retry; the insert
                    # below still only extends the head it read (compare-and-append)
                    conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_APPEND_LOCK, self.target.launch))
                    for ev in self._catch_up(conn):
                        if pending is not None and ev.hash == line_hash(pending)[1]:
                            event = ev  # it was committed before the connection dropped: acknowledge it, once
                    if event is not None:
                        return event
                    pending = None
                    if unless is not None and unless(self._latest.get(_slot(kind, target))):
                        return None
                    self._check_clock(ts)
                    seq, prev = self._head_seq + 1, self._head_hash
                    line, digest = encode_event(seq, ts, op, kind, target, payload, prev, acct)
                    line = line[:-1]
                    inserted = conn.execute(
                        "INSERT INTO warroom_events (launch, seq, prev, hash, kind, target, line)"
                        " SELECT %(launch)s, %(seq)s, %(prev)s, %(hash)s, %(kind)s, %(target)s, %(line)s"
                        " WHERE (%(seq)s = 1 AND %(prev)s = %(genesis)s) OR EXISTS ("
                        "   SELECT 1 FROM warroom_events WHERE launch = %(launch)s AND seq = %(seq)s - 1 AND hash = %(prev)s)"
                        " ON CONFLICT DO NOTHING",
                        {"launch": self.target.launch, "seq": seq, "prev": prev, "hash": digest, "kind": kind,
                         "target": target, "line": line, "genesis": GENESIS}).rowcount
                    if inserted == 1:
                        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, self.target.launch))
                        pending = line  # from here until the commit returns, it may or may not be stored
                if inserted != 1:
                    continue  # another writer extended the head first: read it and try on the new head
                pending = None
                self._head_seq, self._head_hash = seq, digest
                event = Event(seq, ts, op, kind, target, payload, prev, digest, dict(acct or {}), seq)
                self._note_latest((event,))
                return event
            except (psycopg.Error, JournalUnavailable) as exc:
                self._drop()
                known = self.offline() if self.offline is not None else None
                if time.monotonic() > deadline or known:  # a screen's follower has seen it go: no use trying on
                    why = _first_line(exc) if isinstance(exc, psycopg.Error) else str(exc).rpartition(": ")[2]
                    doubt = (" It may have been stored just before the connection dropped: `warroom log` shows what is."
                             if pending is not None else " Nothing was recorded.")
                    raise JournalUnavailable(f"the journal database {self.location} is unreachable ({why}).{doubt}") from None
                time.sleep(0.2)

    def _check_clock(self, ts: str) -> None:
        """Warn (once) a writer whose clock is behind the journal's last event, as a file journal does."""
        from warroom.journal import CLOCK_SKEW
        from warroom.tmarks import parse_time

        if not self._head_ts or self._clock_warned:
            return
        try:
            behind = (parse_time(self._head_ts) - parse_time(ts)).total_seconds()
        except (ValueError, OverflowError):
            return
        if behind > CLOCK_SKEW:
            self._clock_warned = True
            self.warnings.append(f"this machine's clock is {behind:.0f}s behind the last event in {self.location} "
                                 f"({self._head_ts}); events keep their order by sequence number, but check the clock (NTP)")

    # -- beside the journal --------------------------------------------------------------------
    def read_checkpoint(self) -> str | None:
        psycopg = _psycopg()
        try:
            conn = self._connection()
            if not _has_schema(conn):
                return None
            row = conn.execute("SELECT body FROM warroom_checkpoints WHERE launch = %s", (self.target.launch,)).fetchone()
        except psycopg.Error:
            self._drop()
            return None
        return row[0] if row else None

    def write_checkpoint(self, body: str) -> bool:
        psycopg = _psycopg()
        try:
            conn = self._connection()
            if not _has_schema(conn):
                return False
            conn.execute("INSERT INTO warroom_checkpoints (launch, body) VALUES (%s, %s)"
                         " ON CONFLICT (launch) DO UPDATE SET body = EXCLUDED.body, stored_at = now()",
                         (self.target.launch, body))
            return True
        except psycopg.Error:
            self._drop()
            return False

    def hash_at(self, seq: int) -> str | None:
        """The hash of event ``seq`` (None if there is none, or if the database cannot say)."""
        psycopg = _psycopg()
        try:
            conn = self._connection()
            if not _has_schema(conn):
                return None
            row = conn.execute("SELECT hash FROM warroom_events WHERE launch = %s AND seq = %s", (self.target.launch, seq)).fetchone()
        except psycopg.Error:
            self._drop()
            return None
        return row[0] if row else None


def _parse_rows(rows: list[tuple[int, str]], head: tuple[int, str]) -> LoadResult:
    """Rows (seq, line) after ``head`` checked exactly as a file's lines are."""
    result = LoadResult()
    data = "".join(line + "\n" for _, line in rows).encode("utf-8")
    head_hash, head_seq = _parse_chunk(data, head[0], head[1], head[0], result)
    result.head = (head_seq, head_hash)
    result.lines = head[0] + len(rows)
    return result


class PgFollower:
    """Follows a launch in PostgreSQL from another thread; ``poll()`` returns the new events.

    A dedicated connection LISTENs; each wake-up (and every second regardless) selects the rows
    after the last seen seq. After a reconnect it always selects again. ``problem`` says why the
    database cannot be reached (None while it can); ``issues`` and ``reset`` are as ``Follower``'s.
    """

    def __init__(self, target: Target, head_seq: int = 0, head_hash: str = GENESIS, interval: float = 1.0) -> None:
        self.target = target
        self.head_seq = head_seq
        self.head_hash = head_hash
        self.interval = interval
        self.issues: list[JournalIssue] = []
        self.reset = False
        self.problem: str | None = None
        self._queue: queue.SimpleQueue[tuple[list[Event], list[JournalIssue]]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._conn: Any = None
        self._thread = threading.Thread(target=self._run, name=f"warroom-follow-{target.launch}", daemon=True)
        self._thread.start()

    def poll(self) -> list[Event]:
        events: list[Event] = []
        while True:
            try:
                got, issues = self._queue.get_nowait()
            except queue.Empty:
                return events
            events.extend(got)
            self.issues.extend(issues)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3 * self.interval + 1)

    def _run(self) -> None:
        psycopg = _psycopg()
        seq, head = self.head_seq, self.head_hash
        backoff = 0.2
        while not self._stop.is_set():
            conn = None
            try:
                conn = psycopg.connect(self.target.conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                                       application_name="warroom-follow", **KEEPALIVE)
                conn.execute(f"LISTEN {CHANNEL}")
                self.problem, backoff = None, 0.2
                while not self._stop.is_set():
                    # select first (after a (re)connect too: NOTIFY does not replay), then wait
                    rows = conn.execute("SELECT seq, line FROM warroom_events WHERE launch = %s AND seq > %s ORDER BY seq",
                                        (self.target.launch, seq)).fetchall() if _has_schema(conn) else []
                    if rows:
                        result = _parse_rows(rows, (seq, head))
                        seq, head = result.head
                        self.head_seq, self.head_hash = seq, head
                        self._queue.put((result.events, result.issues))
                    for _ in conn.notifies(timeout=self.interval, stop_after=1):
                        pass
            except psycopg.Error as exc:
                self.problem = f"journal database unreachable: {_first_line(exc)}"
            finally:
                close_quietly(conn)
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 2.0)


def close_quietly(conn: Any) -> None:
    """Close a connection that may already be dead (closing it may then fail: it is gone either way)."""
    if conn is not None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - whatever a dead connection raises as it closes
            pass


def verify_pg(target: Target, events: list[Event] | None = None) -> VerifyReport:
    """Check every hash and link of a launch in a database, as ``verify`` does for a file;
    ``events``, when given, receives every readable event (one read for a report)."""
    psycopg = _psycopg()
    report = VerifyReport()
    try:
        conn = connect(target)
        try:
            rows = conn.execute("SELECT seq, prev, hash, line FROM warroom_events WHERE launch = %s ORDER BY seq",
                                (target.launch,)).fetchall() if _has_schema(conn) else []
        finally:
            conn.close()
    except psycopg.Error as exc:
        raise JournalUnavailable(f"cannot read the journal database {target.display}: {_first_line(exc)}") from None
    prev_hash, prev_seq = GENESIS, 0
    for seq, prev, digest, line in rows:
        where = f"seq {seq}"
        try:
            ev = decode_line(line)
        except ValueError as exc:
            report.problems.append(f"{where}: unreadable event ({exc})")
            continue
        if events is not None:
            events.append(ev)
        recorded, computed = line_hash(line)
        if recorded != computed:
            report.problems.append(f"{where}: event seq {ev.seq} was edited (its hash does not match its content)")
        if ev.seq != seq or ev.prev != prev or ev.hash != digest:
            report.problems.append(f"{where}: the row's columns do not match its event (seq {ev.seq}, edited in place)")
        if seq != prev_seq + 1:
            missing = f"seq {prev_seq + 1}" if seq == prev_seq + 2 else f"seq {prev_seq + 1}..{seq - 1}"
            report.problems.append(f"{where}: {missing} removed before event seq {seq}")
        elif ev.prev != prev_hash:
            report.problems.append(f"{where}: event seq {seq} does not link to the event before it (inserted or replaced)")
        prev_hash, prev_seq = ev.hash, seq
        report.events += 1
    report.head_hash = prev_hash
    return report


def launches(target_url: str) -> list[str]:
    """The launch ids a database holds."""
    target = Target(parse_target(target_url, "-").conninfo, "-")
    conn = connect(target)
    try:
        if not _has_schema(conn):
            return []
        return [r[0] for r in conn.execute("SELECT DISTINCT launch FROM warroom_events ORDER BY launch").fetchall()]
    finally:
        conn.close()


def copy_lines_in(target: Target, lines: list[str]) -> None:
    """Store a whole launch's event lines (already verified) in one transaction; refused if the
    launch has any event already."""
    psycopg = _psycopg()
    conn = connect(target)
    try:
        ensure_schema(conn)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_APPEND_LOCK, target.launch))
            if conn.execute("SELECT 1 FROM warroom_events WHERE launch = %s LIMIT 1", (target.launch,)).fetchone():
                raise JournalError(f"{target.display} already holds events: refusing to copy over it")
            with conn.cursor() as cur:
                with cur.copy("COPY warroom_events (launch, seq, prev, hash, kind, target, line) FROM STDIN") as copy:
                    for line in lines:
                        ev = decode_line(line)
                        copy.write_row((target.launch, ev.seq, ev.prev, ev.hash, ev.kind, ev.target, line))
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, target.launch))
    except psycopg.Error as exc:
        raise JournalUnavailable(f"cannot write the journal database {target.display}: {_first_line(exc)}") from None
    finally:
        conn.close()


def lines_of(target: Target) -> list[str]:
    """Every event line of a launch, in seq order."""
    psycopg = _psycopg()
    conn = connect(target)
    try:
        if not _has_schema(conn):
            return []
        return [r[0] for r in conn.execute("SELECT line FROM warroom_events WHERE launch = %s ORDER BY seq", (target.launch,)).fetchall()]
    except psycopg.Error as exc:
        raise JournalUnavailable(f"cannot read the journal database {target.display}: {_first_line(exc)}") from None
    finally:
        conn.close()


def content_digest(lines: Iterable[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()
