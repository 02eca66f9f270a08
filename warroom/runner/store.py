"""Where a run's output is kept: beside a journal file, or in the journal's database.

``outputs_for(journal)`` gives the store of a journal (``FileOutputs`` or ``PgOutputs``, the same
interface):

- ``new(run_id)`` an ``Output`` a run writes its masked output to while it runs; ``settle(sha)``
  keeps it under its final name and returns that name (the ``run-end`` event's ``output_file``);
- ``tail(rec, limit)`` the last bytes of a run's output (live while it runs) and whether that is
  all of it; ``chunks(rec)`` the whole output, in blocks;
- ``abandoned(rec, host)`` whether an open run's supervising process is gone.

A file journal: a 0640 side file ``<journal>.run-<id>.partial``, renamed ``<journal>.run-<sha256>.log``
at the end; a run is abandoned when it was started on this host and its pid is gone (another
host's run is released by an operator, with a reason).

A PostgreSQL journal (``warroom.pg_side``): the output is appended to ``warroom_run_output`` in
chunks while the command runs (at most every ``FLUSH_EVERY`` seconds or ``CHUNK_BYTES``), and the
run's row in ``warroom_runs`` carries a heartbeat renewed every ``BEAT`` seconds by the process
that supervises it. A run is abandoned when its pid is gone on this host, or — from any machine —
when its heartbeat is older than ``STALE`` seconds by the database's clock (its host, process or
network is gone). At the end the row records the SHA-256, which is the ``run-end`` event's.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from warroom.runner.record import RunRecord, abandoned as pid_gone

CHUNK_BYTES = 256 * 1024  # the largest chunk stored in one row
FLUSH_EVERY = 0.25  # seconds: the live tail lags the command by at most this
BEAT = 2.0  # seconds between a running command's heartbeats
STALE = 20.0  # seconds without a heartbeat before a run elsewhere is abandoned
RETRY_AFTER = 2.0  # seconds between two attempts to reach an unreachable database
RETRY_READ_AFTER = 10.0  # seconds a reader (a screen's details) leaves an unreachable database alone
MAX_PENDING = 8 * 1024 * 1024  # bytes held while the database is unreachable, before giving up keeping output


def is_sha256(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def outputs_for(journal: Any) -> "FileOutputs | PgOutputs":
    path = getattr(journal, "path", None)
    if path is not None:
        return FileOutputs(Path(path))
    # a screen's journal knows at once when its follower lost the database: then nothing waits on it
    return PgOutputs(journal.target, offline=lambda: journal.offline() if getattr(journal, "offline", None) else None)


def outputs_of(journal: Any) -> "FileOutputs | PgOutputs":
    """``outputs_for``, kept with the journal (a screen asks often: one database connection)."""
    store = getattr(journal, "_warroom_outputs", None)
    if store is None:
        store = outputs_for(journal)
        try:
            journal._warroom_outputs = store
        except AttributeError:
            pass
    return store


def read_tail(path: Path, limit: int = 64 * 1024) -> tuple[bytes, bool]:
    """The tail of a side file (another operator's run, or a finished one)."""
    # The name comes from the journal (hostile text): never follow a symlink planted there (it
    # would show another file of whoever looks), never wait on a FIFO, read only a regular file.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return b"", True
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return b"", True
        os.lseek(fd, max(0, st.st_size - limit), os.SEEK_SET)
        return os.read(fd, limit), st.st_size <= limit
    except OSError:
        return b"", True
    finally:
        os.close(fd)


# -- beside a journal file ------------------------------------------------------------------------

class FileOutput:
    def __init__(self, journal_path: Path, run_id: str) -> None:
        self.journal_path = journal_path
        self.partial = journal_path.with_name(f"{journal_path.name}.run-{run_id}.partial")
        self.name = self.partial.name  # the run-start event's "partial"
        self.where = str(self.partial.parent)
        self._fd = -1

    def open(self) -> None:
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o640)
        os.fchmod(fd, 0o640)  # the journal's owner and group, never the world (whatever the umask)
        self._fd = fd

    def started(self, host: str, pid: int) -> None:
        pass

    def write(self, data: bytes) -> int:
        """Write it all, or raise OSError having kept ``exc.kept`` bytes."""
        kept = 0
        try:
            while kept < len(data):
                kept += os.write(self._fd, data[kept:])
        except OSError as exc:
            exc.kept = kept  # type: ignore[attr-defined]
            raise
        return kept

    def tick(self) -> None:
        pass

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def discard(self) -> None:
        self.close()
        self.partial.unlink(missing_ok=True)

    def settle(self, sha: str, size: int) -> tuple[str, Path | None]:
        """The side file renamed after its content; kept under its .partial name when something
        else sits at that (predictable) name, e.g. a directory planted there."""
        self.close()
        final = self.journal_path.with_name(f"{self.journal_path.name}.run-{sha}.log")
        try:
            os.replace(self.partial, final)
        except OSError:
            return self.partial.name, self.partial
        return final.name, final


class FileOutputs:
    heartbeats = False  # a run elsewhere: nobody here can tell whether it still runs

    def __init__(self, journal_path: Path) -> None:
        self.journal_path = journal_path

    def new(self, run_id: str) -> FileOutput:
        return FileOutput(self.journal_path, run_id)

    def _name(self, rec: RunRecord) -> str:
        """The side file's name: the one the journal recorded, else (a run made on a database
        journal, copied to a file: ``journal copy``) the final name its SHA-256 gives."""
        if rec.output_file:
            return rec.output_file
        sha = str((rec.end or {}).get("output_sha256") or "")
        return f"{self.journal_path.name}.run-{sha}.log" if is_sha256(sha) else ""

    def _path(self, rec: RunRecord) -> Path | None:
        name = self._name(rec)
        return self.journal_path.with_name(name) if name else None

    def describe(self, rec: RunRecord) -> str:
        return rec.output_file

    def tail(self, rec: RunRecord, limit: int = 64 * 1024) -> tuple[bytes, bool]:
        path = self._path(rec)
        return read_tail(path, limit) if path is not None else (b"", True)

    def has_output(self, rec: RunRecord) -> bool:
        return bool(self._name(rec))

    def chunks(self, rec: RunRecord, block: int = 16 * 1024) -> Iterator[bytes]:
        path = self._path(rec)
        if path is None:
            return
        # a name from the journal (hostile text): never through a symlink, never a FIFO
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"{path.name} is not a regular file")
            yield from iter(lambda: f.read(block), b"")

    def abandoned(self, rec: RunRecord, host: str) -> bool:
        return pid_gone(rec, host)

    def copy_in(self, rec: RunRecord, blocks: Iterable[bytes], sha: str = "") -> str:
        """Store an ended run's output (``journal copy``) where ``chunks(rec)`` reads it: a new 0640
        side file under the recorded name (never over an existing file, never through a symlink).
        Returns its name; raises OSError (FileExistsError: a file is there; else nothing is left)."""
        path = self._path(rec)
        if path is None:
            raise OSError(f"run {rec.run_id} has no side file name")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o640)
        try:
            os.fchmod(fd, 0o640)
            for block in blocks:
                view = memoryview(block)
                while view:
                    view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        os.close(fd)
        return path.name

    def close(self) -> None:
        pass


# -- in the journal's database --------------------------------------------------------------------

class PgOutput:
    """A run's output streamed into ``warroom_run_output``, with the run's heartbeat."""

    def __init__(self, target: Any, run_id: str) -> None:
        from warroom.pg_side import SideConnection

        self.target = target
        self.run_id = run_id
        self.name = ""  # no side file
        self.where = f"the journal database {target.display}"
        self._db = SideConnection(target, "warroom-run")
        self._pending = bytearray()
        self._chunk = 0
        self._stored = 0
        self._flushed_at = time.monotonic()
        self._beat_at = time.monotonic()
        self._error = ""
        self._host, self._pid = "", 0
        self._retry_at = 0.0

    def open(self) -> None:
        """Reach the database before the run is claimed (a run whose output has nowhere to go
        never starts)."""
        from warroom.journal_pg import JournalUnavailable, _first_line, _psycopg

        psycopg = _psycopg()
        try:
            self._db.get()
        except psycopg.Error as exc:
            self._db.drop()
            raise JournalUnavailable(f"cannot reach the journal database {self.target.display}: {_first_line(exc)}") from None

    def started(self, host: str, pid: int) -> None:
        """The run's row, once its run-start is in the journal (the heartbeat starts)."""
        self._host, self._pid = host, pid
        self._beat()

    _UPSERT = ("INSERT INTO warroom_runs (launch, run, host, pid, bytes, chunks) VALUES (%s, %s, %s, %s, %s, %s)"
               " ON CONFLICT (launch, run) DO UPDATE SET bytes = EXCLUDED.bytes, chunks = EXCLUDED.chunks, beat_at = now()")

    def _beat(self) -> bool:
        """Renew the heartbeat (the row made again if a lost connection lost it)."""
        self._beat_at = time.monotonic()
        return self._sql(self._UPSERT, (self.target.launch, self.run_id, self._host, self._pid, self._stored, self._chunk))

    def _sql(self, query: str, params: tuple[Any, ...]) -> bool:
        """Run one statement; False when the database cannot be reached (then nothing is tried for
        ``RETRY_AFTER`` seconds: the reader of the command's output never waits on a split)."""
        from warroom.journal_pg import JournalError, _first_line, _psycopg

        psycopg = _psycopg()
        if time.monotonic() < self._retry_at:
            return False
        for _ in (1, 2):  # once more on a fresh connection: a dropped one is not an outage
            try:
                conn = self._db.get()
                conn.execute(query, params)
                self._error = ""
                return True
            except (psycopg.Error, OSError) as exc:
                self._db.drop()
                self._error = _first_line(exc)
            except JournalError as exc:  # cannot reconnect
                self._db.drop()
                self._error = str(exc).rpartition(": ")[2]
                break
        self._retry_at = time.monotonic() + RETRY_AFTER
        return False

    def write(self, data: bytes) -> int:
        self._pending += data
        if len(self._pending) >= CHUNK_BYTES or time.monotonic() - self._flushed_at >= FLUSH_EVERY:
            self._flush()
        if len(self._pending) > MAX_PENDING:
            kept = len(data) - (len(self._pending) - MAX_PENDING)
            del self._pending[MAX_PENDING:]
            exc = OSError(f"the journal database is unreachable ({self._error or 'no answer'})")
            exc.kept = max(0, kept)  # type: ignore[attr-defined]
            raise exc
        return len(data)

    def _flush(self) -> bool:
        self._flushed_at = time.monotonic()
        while self._pending:
            block = bytes(self._pending[:CHUNK_BYTES])
            ok = self._sql("WITH c AS (INSERT INTO warroom_run_output (launch, run, chunk, data) VALUES (%s, %s, %s, %s)"
                           " ON CONFLICT DO NOTHING RETURNING 1) " + self._UPSERT,
                           (self.target.launch, self.run_id, self._chunk, block, self.target.launch, self.run_id,
                            self._host, self._pid, self._stored + len(block), self._chunk + 1))
            if not ok:
                return False
            del self._pending[: len(block)]
            self._chunk += 1
            self._stored += len(block)
            self._beat_at = time.monotonic()
        return True

    def tick(self) -> None:
        """Called often by the run's reader: flush what waits, renew the heartbeat."""
        now = time.monotonic()
        if self._pending and now - self._flushed_at >= FLUSH_EVERY:
            self._flush()
        if now - self._beat_at >= BEAT:
            self._beat()

    def discard(self) -> None:
        self._sql("DELETE FROM warroom_runs WHERE launch = %s AND run = %s", (self.target.launch, self.run_id))
        self._db.drop()

    def close(self) -> None:
        self._db.drop()

    def settle(self, sha: str, size: int) -> tuple[str, Path | None]:
        deadline = time.monotonic() + 5
        while not self._flush() and time.monotonic() < deadline:
            time.sleep(0.2)
        self._sql("UPDATE warroom_runs SET sha256 = %s, ended_at = now(), beat_at = now() WHERE launch = %s AND run = %s",
                  (sha, self.target.launch, self.run_id))
        self._db.drop()
        return "", None

    @property
    def unsaved(self) -> int:
        return len(self._pending)


class PgOutputs:
    heartbeats = True  # every run's supervisor renews its heartbeat: any machine can tell

    def __init__(self, target: Any, offline: Callable[[], str | None] | None = None) -> None:
        from warroom.pg_side import SideConnection

        self.target = target
        self.offline = offline
        self._db = SideConnection(target, "warroom-runs", create=False)
        self._retry_at = 0.0  # after a failure the database is left alone a moment: a screen asks often

    def new(self, run_id: str) -> PgOutput:
        return PgOutput(self.target, run_id)

    def describe(self, rec: RunRecord) -> str:
        return f"run {rec.run_id} in the journal database"

    def _query(self, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        from warroom.journal_pg import JournalUnavailable, _psycopg

        psycopg = _psycopg()
        if time.monotonic() < self._retry_at or (self.offline is not None and self.offline()):
            return []
        try:
            conn = self._db.get()
            return [] if conn is None else conn.execute(query, params).fetchall()
        except (psycopg.Error, JournalUnavailable):
            self._db.drop()
            self._retry_at = time.monotonic() + RETRY_READ_AFTER
            return []

    def has_output(self, rec: RunRecord) -> bool:
        return bool(self._query("SELECT 1 FROM warroom_runs WHERE launch = %s AND run = %s", (self.target.launch, rec.run_id)))

    def tail(self, rec: RunRecord, limit: int = 64 * 1024) -> tuple[bytes, bool]:
        # from the last chunk back, a few at a time, until the tail is full: chunks are of any size
        # (a slow command's are flushed small), so how many make the tail is not known before
        got, data, below, first = 0, [], None, None
        while got < limit:
            rows = self._query("SELECT chunk, data FROM warroom_run_output WHERE launch = %s AND run = %s"
                               " AND chunk < %s ORDER BY chunk DESC LIMIT 16",
                               (self.target.launch, rec.run_id, below if below is not None else 2**62))
            if not rows:
                break
            for chunk, block in rows:
                data.append(bytes(block))
                got += len(block)
                below = first = chunk
                if got >= limit:
                    break
        whole = first is None or first == 0 and got <= limit
        out = b"".join(reversed(data))
        if len(out) > limit:
            out, whole = out[-limit:], False
        return out, whole

    def chunks(self, rec: RunRecord, block: int = 0) -> Iterator[bytes]:
        """Every chunk in order, a few at a time (memory bounded whatever the output's size)."""
        after = -1
        while True:
            rows = self._query("SELECT chunk, data FROM warroom_run_output WHERE launch = %s AND run = %s AND chunk > %s"
                               " ORDER BY chunk LIMIT 16", (self.target.launch, rec.run_id, after))
            if not rows:
                return
            for chunk, data in rows:
                yield bytes(data)
                after = chunk

    def stored(self, rec: RunRecord) -> dict[str, Any]:
        """The run's row: host, pid, bytes, sha256, heartbeat age in seconds (empty if none)."""
        rows = self._query("SELECT host, pid, bytes, sha256, EXTRACT(EPOCH FROM now() - beat_at), ended_at IS NOT NULL"
                           " FROM warroom_runs WHERE launch = %s AND run = %s", (self.target.launch, rec.run_id))
        if not rows:
            return {}
        host, pid, size, sha, age, ended = rows[0]
        return {"host": host, "pid": pid, "bytes": size, "sha256": sha, "beat_age": float(age), "ended": ended}

    def copy_in(self, rec: RunRecord, blocks: Iterable[bytes], sha: str) -> str:
        """Store an ended run's output (``journal copy``): its ``warroom_runs`` row (ended, with the
        SHA-256 its run-end recorded) and its chunks, in one transaction; refused when the run is
        there already. Raises JournalError (JournalUnavailable when the database cannot be reached)."""
        from warroom.journal_pg import JournalError, JournalUnavailable, _first_line, _psycopg
        from warroom.pg_side import SideConnection

        psycopg = _psycopg()
        db = SideConnection(self.target, "warroom-copy")
        try:
            conn = db.get()
            with conn.transaction():
                if conn.execute("SELECT 1 FROM warroom_runs WHERE launch = %s AND run = %s",
                                (self.target.launch, rec.run_id)).fetchone():
                    raise JournalError(f"run {rec.run_id} is in {self.target.display} already")
                pending, chunk, size = bytearray(), 0, 0
                for block in blocks:
                    pending += block
                    while len(pending) >= CHUNK_BYTES:
                        conn.execute("INSERT INTO warroom_run_output (launch, run, chunk, data) VALUES (%s, %s, %s, %s)",
                                     (self.target.launch, rec.run_id, chunk, bytes(pending[:CHUNK_BYTES])))
                        del pending[:CHUNK_BYTES]
                        chunk, size = chunk + 1, size + CHUNK_BYTES
                if pending:
                    conn.execute("INSERT INTO warroom_run_output (launch, run, chunk, data) VALUES (%s, %s, %s, %s)",
                                 (self.target.launch, rec.run_id, chunk, bytes(pending)))
                    chunk, size = chunk + 1, size + len(pending)
                conn.execute("INSERT INTO warroom_runs (launch, run, host, pid, bytes, chunks, sha256, ended_at)"
                             " VALUES (%s, %s, %s, %s, %s, %s, %s, now())",
                             (self.target.launch, rec.run_id, rec.host, rec.pid if 0 <= rec.pid < 2**31 else 0, size, chunk, sha))
        except psycopg.Error as exc:
            raise JournalUnavailable(f"cannot write the journal database {self.target.display}: {_first_line(exc)}") from None
        finally:
            db.drop()
        return self.describe(rec)

    def abandoned(self, rec: RunRecord, host: str) -> bool:
        if not rec.open:
            return False
        if rec.host == host:  # here the process itself says (a hung one with a stale heartbeat still runs)
            return pid_gone(rec, host)
        row = self.stored(rec)
        return bool(row) and not row["ended"] and row["beat_age"] > STALE

    def close(self) -> None:
        self._db.drop()
