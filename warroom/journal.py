"""The append-only journal: the single source of truth of a launch.

On disk it is a YAML block sequence, one event per line, each written as a JSON flow mapping
(JSON is valid YAML, so PyYAML and yq read the file; ``json.loads`` reads a line fast)::

    # warroom journal — append-only, one event per line. `warroom verify` checks the hash chain.
    - {"seq": 1, "ts": "2026-11-23T14:00:00.000Z", "op": "ana@bastion", "kind": "set-status", ...
       ..., "prev": "000…", "hash": "9f2…"}

``hash`` is the SHA-256 of the line up to (not including) ``, "hash": ``; that text contains
``prev``, the previous event's hash, so the events form a chain: an edited, inserted or removed
event breaks it at that point.

Writers take an exclusive ``flock`` on the file, learn the head (last seq and hash) from the
bytes appended since they last looked, append one line with a single ``write`` and ``fsync``
before releasing the lock and acknowledging. A crash mid-write can leave a torn last line
(no newline): the next writer, or a loader allowed to write, moves it to a side file
``<journal>.torn-<time>`` and truncates the journal back to its last complete line.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from warroom.events import GENESIS, METRIC_STATE, ROLLBACK, RUN_END, RUN_RELEASE, RUN_START, T0_REACHED, Event, envelope_problem
from warroom.tmarks import parse_time, utc_iso

# Kinds whose events record a state (a tile's, a rollback trigger's, the count reaching T-0):
# ``append(..., unless=)`` may look at the latest one for a target, as the file has it, under the lock.
# The run kinds share one slot per target: ``unless`` sees the latest run event of any of them
# (a run-start still open claims the item; see warroom.runner).
RUN_KINDS = frozenset({RUN_START, RUN_END, RUN_RELEASE})
STATE_KINDS = frozenset({METRIC_STATE, ROLLBACK, T0_REACHED}) | RUN_KINDS


def _slot(kind: str, target: str) -> tuple[str, str]:
    return ("run" if kind in RUN_KINDS else kind, target)
HEADER = "# warroom journal — append-only, one event per line. Do not edit: `warroom verify` checks the hash chain.\n"
_HASH_SEP = ', "hash": "'
# Characters YAML forbids or reads as line breaks, which json.dumps(ensure_ascii=False) leaves raw.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    return "\\u%04x" % ord(match.group())


class JournalError(Exception):
    pass


class ReadOnlyJournal(JournalError):
    pass


class JournalReplaced(JournalError):
    """The file at the journal's path is no longer the one this process holds."""


CLOCK_SKEW = 5.0  # seconds a writer's clock may be behind the journal's last event before it is warned


def _regular(fd: int, path: Path) -> None:
    """Refuse a journal that is a FIFO, a device or a directory (or a symlink to one)."""
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise JournalError(f"{path} is not a regular file (it is {_kind(mode)}); a journal must be a plain file")


def _kind(mode: int) -> str:
    return ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file")


@dataclass
class JournalIssue:
    """Something wrong found while reading a journal (reported, never silently dropped)."""

    line: int
    message: str
    side_file: Path | None = None

    def __str__(self) -> str:
        where = f" (set aside in {self.side_file})" if self.side_file else ""
        return f"line {self.line}: {self.message}{where}"


def encode_event(seq: int, ts: str, op: str, kind: str, target: str, payload: dict[str, Any], prev: str,
                 acct: dict[str, str] | None = None) -> tuple[str, str]:
    """Return ``(line, hash)`` for an event. The line ends with a newline. ``acct`` (the real
    account) is written only when given, so journals without it read and hash as before."""
    body: dict[str, Any] = {"seq": seq, "ts": ts, "op": op, "kind": kind, "target": target, "payload": payload}
    if acct:
        body["acct"] = acct
    body["prev"] = prev
    text = "- " + _YAML_UNSAFE.sub(_escape, json.dumps(body, ensure_ascii=False))[:-1]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f'{text}{_HASH_SEP}{digest}"}}\n', digest


def decode_line(line: str, line_no: int = 0) -> Event:
    """Parse one event line (without checking its hash) and check the type of each of its own
    fields. Raises ValueError saying what is wrong."""
    if not line.startswith("- {"):
        raise ValueError("expected an event line starting with '- {'")
    try:
        d = json.loads(line[2:])
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(d, dict):
        raise ValueError("event is not a mapping")
    problem = envelope_problem(d)
    if problem:
        raise ValueError(problem)
    return Event(d["seq"], d["ts"], d["op"], d["kind"], d.get("target", ""), d.get("payload") or {}, d["prev"], d["hash"],
                 d.get("acct") or {}, line_no)


def line_hash(line: str) -> tuple[str, str]:
    """Return ``(recorded hash, computed hash)`` of an event line."""
    cut = line.rfind(_HASH_SEP)
    if cut < 0:
        return "", "-"
    recorded = line[cut + len(_HASH_SEP): cut + len(_HASH_SEP) + 64]
    return recorded, hashlib.sha256(line[:cut].encode("utf-8")).hexdigest()


@dataclass
class LoadResult:
    events: list[Event] = field(default_factory=list)
    issues: list[JournalIssue] = field(default_factory=list)
    offset: int = 0  # bytes consumed (end of the last complete line)
    head: tuple[int, str] = (0, GENESIS)  # (seq, hash) the chain goes on from
    lines: int = 0  # lines consumed (a follower numbers the next ones from here)


@dataclass
class Resume:
    """Where a load may start instead of the beginning: ``offset`` bytes and ``lines`` lines
    into the file, after the event ``head`` (seq, hash); ``latest`` are the last state-kind
    events before that point (``append(unless=...)`` asks about them)."""

    offset: int = 0
    lines: int = 0
    head: tuple[int, str] = (0, GENESIS)
    latest: tuple[Event, ...] = ()
    head_ts: str = ""  # the time of the event ``head`` (a writer's clock is checked against it)


def _parse_chunk(data: bytes, first_line_no: int, prev_hash: str, prev_seq: int, result: LoadResult, verify_hash: bool = True) -> tuple[str, int]:
    """Parse complete lines of ``data`` into ``result``. Returns the new (head hash, head seq)."""
    text = data.decode("utf-8", errors="replace")
    line_no = first_line_no
    for line in text.split("\n")[:-1]:  # the chunk always ends with a newline
        line_no += 1
        if not line or line.startswith("#"):
            continue
        try:
            ev = decode_line(line, line_no)
        except ValueError as exc:
            result.issues.append(JournalIssue(line_no, f"unreadable event: {exc}"))
            continue
        if ev.prev != prev_hash or ev.seq != prev_seq + 1:
            what = (f"expected seq {prev_seq + 1} after {prev_hash[:12]}" if ev.seq != prev_seq + 1
                    else f"it does not link to the event before it ({prev_hash[:12]})")
            result.issues.append(JournalIssue(line_no, f"hash chain broken at seq {ev.seq}: {what}"))
            if ev.seq <= prev_seq:  # an old event inserted or moved: the chain goes on from the head
                result.events.append(ev)
                continue
        elif verify_hash:
            recorded, computed = line_hash(line)
            if recorded != computed:
                result.issues.append(JournalIssue(line_no, f"event seq {ev.seq} was edited: its hash does not match its content"))
        result.events.append(ev)
        prev_hash, prev_seq = ev.hash, ev.seq
    return prev_hash, prev_seq


class Journal:
    """An append-only journal file shared by any number of processes."""

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._fd: int | None = None
        self._offset = 0  # how far this writer has read the file
        self._lines = 0
        self._head_hash = GENESIS
        self._head_seq = 0
        self.issues: list[JournalIssue] = []  # torn tails set aside, broken links seen while appending
        self._latest: dict[tuple[str, str], Event] = {}  # the last STATE_KINDS event per slot (kind, target) read
        self._head_ts = ""  # the time of the last event read or written (clock skew is measured against it)
        self.warnings: list[str] = []  # said to the operator once: a clock behind the journal's
        self._clock_warned = False
        self._acct: dict[str, str] | None = None  # this process's real account, read at the first append

    # -- files -------------------------------------------------------------------------------
    def _open(self) -> int:
        if self._fd is None:
            if self.read_only:
                raise ReadOnlyJournal(f"{self.path} is open read-only")
            existed = self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
            _regular(fd, self.path)
            self._fd = fd
            if not existed:
                dfd = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------
    def load(self, since: Resume | None = None) -> LoadResult:
        """Read every event (after ``since``, a point known good such as a checkpoint's, when
        given: ``events`` are then only the ones after it, while ``offset``, ``lines`` and
        ``head`` count from the start of the file). A writable journal sets a torn tail aside
        (under the lock)."""
        if not self.path.exists():
            return LoadResult()
        start = since or Resume()
        if self.read_only:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            _regular(fd, self.path)
            try:
                size = os.fstat(fd).st_size
                data = os.pread(fd, size - start.offset, start.offset) if size > start.offset else b""
            finally:
                os.close(fd)
            result = self._parse_all(data, start)
            if start.offset + len(data) > result.offset:
                result.issues.append(JournalIssue(result.lines + 1, f"torn last record ({start.offset + len(data) - result.offset} bytes, no newline): a write was interrupted; ignored"))
            return result
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            fd = self._same_file(fd, reopen_any=True)
            size = os.fstat(fd).st_size
            data = os.pread(fd, size - start.offset, start.offset) if size > start.offset else b""
            result = self._parse_all(data, start)
            if start.offset + len(data) > result.offset:
                result.issues.append(self._move_torn(fd, data[result.offset - start.offset:], result.offset, result.lines + 1))
            self._offset, (self._head_seq, self._head_hash), self._lines = result.offset, result.head, result.lines
            self._head_ts = result.events[-1].ts if result.events else start.head_ts
            self._latest.clear()
            self._note_latest(start.latest)
            self._note_latest(result.events)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        return result

    def _parse_all(self, data: bytes, start: Resume) -> LoadResult:
        if start.offset == 0:
            _looks_like_journal(data, self.path)
        result = LoadResult()
        end = data.rfind(b"\n") + 1
        head_hash, head_seq = _parse_chunk(data[:end], start.lines, start.head[1], start.head[0], result)
        result.offset, result.head = start.offset + end, (head_seq, head_hash)
        result.lines = start.lines + data.count(b"\n", 0, end)
        return result

    def _move_torn(self, fd: int, torn: bytes, complete: int, line: int) -> JournalIssue:
        """Bytes past ``complete`` are a torn record (we hold the lock): move them to a side file."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        side = self.path.with_name(f"{self.path.name}.torn-{stamp}")
        try:
            with open(side, "wb") as f:
                f.write(torn)
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:  # a full disk, say: no half-written side file is left behind
            side.unlink(missing_ok=True)
            raise OSError(exc.errno, f"cannot set the torn last record of {self.path} aside in {side}: "
                                     f"{exc.strerror or exc}", str(self.path)) from None
        os.ftruncate(fd, complete)
        os.fsync(fd)
        issue = JournalIssue(line, f"torn last record ({len(torn)} bytes, no newline): a write was interrupted", side)
        self.issues.append(issue)
        return issue

    # -- writing -----------------------------------------------------------------------------
    def append(self, kind: str, target: str = "", payload: dict[str, Any] | None = None, op: str = "unknown",
               now: datetime | None = None, unless: Callable[[Event | None], bool] | None = None,
               acct: dict[str, str] | None = None) -> Event | None:
        """Append one event; returns it once it is on disk (fsync'd).

        ``unless``, for a kind in ``STATE_KINDS``, is asked under the lock with the latest event
        of that kind and target in the file (None if there is none); when it says so, nothing is
        written and None is returned. Two processes recording the same transition at once so
        write it once: the second sees the first's event."""
        if unless is not None and kind not in STATE_KINDS:
            raise ValueError(f"append(unless=...) is for the kinds {sorted(STATE_KINDS)}, not {kind!r}")
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            fd = self._same_file(fd)
            size = os.fstat(fd).st_size
            if size != self._offset:
                self._catch_up(fd, size)
            if unless is not None and unless(self._latest.get(_slot(kind, target))):
                return None
            when = now or datetime.now(timezone.utc)
            self._check_clock(when)
            ts, prev, payload = utc_iso(when), self._head_hash, payload or {}
            if acct is None:  # every writer (the runner, a layout edit, ...) records the real account
                if self._acct is None:
                    from warroom.who import real_account

                    self._acct = real_account()
                acct = self._acct
            line, digest = encode_event(self._head_seq + 1, ts, op, kind, target, payload, prev, acct)
            if self._offset == 0:
                line = HEADER + line
            data = line.encode("utf-8")
            try:
                written = os.write(fd, data)
                while written < len(data):  # a short write: finish it before anyone else may write
                    written += os.write(fd, data[written:])
                os.fsync(fd)
            except OSError as exc:  # a full disk, say: take back what was written, name the file
                try:
                    os.ftruncate(fd, self._offset)
                except OSError:
                    pass
                raise OSError(exc.errno, f"{exc.strerror or exc} (nothing was recorded)", str(self.path)) from None
            self._offset += len(data)
            self._head_seq += 1
            self._head_hash = digest
            self._head_ts = ts
            self._lines += line.count("\n")
            event = Event(self._head_seq, ts, op, kind, target, payload, prev, digest, dict(acct or {}), self._lines)
            self._note_latest((event,))
            return event
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _check_clock(self, when: datetime) -> None:
        """Warn (once) a writer whose clock is behind the journal's last event; order stays by seq."""
        if not self._head_ts or self._clock_warned:
            return
        try:
            behind = (parse_time(self._head_ts) - when).total_seconds()
        except (ValueError, OverflowError):
            return
        if behind > CLOCK_SKEW:
            self._clock_warned = True
            self.warnings.append(f"this machine's clock is {behind:.0f}s behind the last event in {self.path} "
                                 f"({self._head_ts}); events keep their order by sequence number, but check the clock (NTP)")

    def _same_file(self, fd: int, reopen_any: bool = False) -> int:
        """The locked descriptor to write through, checked against the file now at the path
        (device and inode). Deleted or moved: refused. Replaced: reopened if the new file goes
        on from the head this process had (or, for a load, ``reopen_any``), else refused."""
        held = os.fstat(fd)
        try:
            there = os.stat(self.path)
        except FileNotFoundError:
            there = None
        if there is not None and (there.st_dev, there.st_ino) == (held.st_dev, held.st_ino):
            return fd
        if there is None:
            raise JournalReplaced(f"the journal {self.path} was deleted or moved away while open; nothing was written "
                                  "(restore the file, or reopen the war room to start a new one)")
        new = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC)
        _regular(new, self.path)
        fcntl.flock(new, fcntl.LOCK_EX)
        if not reopen_any and not _contains_head(new, self._head_seq, self._head_hash):
            fcntl.flock(new, fcntl.LOCK_UN)
            os.close(new)
            raise JournalReplaced(f"the journal {self.path} was replaced by a file that does not contain this "
                                  f"process's last event (seq {self._head_seq}, {self._head_hash[:12]}); nothing was written")
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        self._fd = new
        self._offset, self._head_hash, self._head_seq, self._lines, self._head_ts = 0, GENESIS, 0, 0, ""
        self._latest.clear()
        return new

    def _catch_up(self, fd: int, size: int) -> None:
        """Read what other writers appended since we last looked (we hold the lock)."""
        if size < self._offset:  # truncated or replaced under us: start again
            self._offset, self._head_hash, self._head_seq, self._lines = 0, GENESIS, 0, 0
            self._latest.clear()
        data = os.pread(fd, size - self._offset, self._offset)
        if self._offset == 0:
            _looks_like_journal(data, self.path)
        end = data.rfind(b"\n") + 1
        result = LoadResult()
        self._head_hash, self._head_seq = _parse_chunk(data[:end], self._lines, self._head_hash, self._head_seq, result)
        if result.events:
            self._head_ts = result.events[-1].ts
        self.issues.extend(result.issues)
        self._note_latest(result.events)
        self._lines += data[:end].count(b"\n")
        self._offset += end
        if end < len(data):  # under the lock nobody is mid-write: this is a torn record
            self._move_torn(fd, data[end:], self._offset, self._lines + 1)

    def _note_latest(self, events: Any) -> None:
        latest = self._latest
        for ev in events:
            if ev.kind in STATE_KINDS:
                latest[_slot(ev.kind, ev.target)] = ev

    @property
    def head(self) -> tuple[int, str]:
        return self._head_seq, self._head_hash


def _looks_like_journal(data: bytes, path: Path) -> None:
    """A file that neither starts with the journal header or a comment nor with an event is not
    a journal (a layout named by mistake): refuse to read it as one, or to append to it."""
    first = data.lstrip(b"\n")[:3]
    if first and not (first.startswith(b"#") or first == b"- {"):
        line = data.lstrip(b"\n").split(b"\n", 1)[0][:40].decode("utf-8", errors="replace")
        raise JournalError(f"{path} is not a warroom journal (its first line is {line!r}, not an event); "
                           "nothing was read from or written to it")


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0) if size else b""


def _contains_head(fd: int, seq: int, digest: str) -> bool:
    """Does the file hold the event ``seq`` with hash ``digest`` (GENESIS: any file does)?"""
    if seq == 0:
        return True
    needle = f'"seq": {seq}, '.encode()
    tail = f'"hash": "{digest}"}}'.encode()
    data = _read_all(fd)
    return any(line.startswith(b"- {" + needle) and line.endswith(tail) for line in data.split(b"\n"))


def contains_head(path: Path | str, digest: str) -> bool | None:
    """Does the journal at ``path`` still hold an event whose hash is ``digest``? None: no file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return _in_from_end(fd, f'"hash": "{digest}"}}\n'.encode())
    finally:
        os.close(fd)


def _in_from_end(fd: int, needle: bytes, chunk: int = 1 << 20) -> bool:
    """Is ``needle`` in the file? Searched from its end back, a chunk at a time: the head an
    account saw last is near the end, so a long journal is not read whole to find it."""
    end = os.fstat(fd).st_size
    while end > 0:
        start = max(0, end - chunk)
        if needle in os.pread(fd, end - start + len(needle) - 1, start):  # overlapping the chunk after
            return True
        end = start
    return False


class Follower:
    """Reads only the bytes appended since its last look. ``poll()`` returns the new events.

    An incomplete last line is left for the next poll (a writer may be mid-``write``).
    If the file shrinks (a torn tail set aside, or the file replaced), ``reset`` is set and the
    follower starts again from the beginning.
    """

    def __init__(self, path: Path | str, offset: int = 0, head_hash: str = GENESIS, head_seq: int = 0, lines: int = 0) -> None:
        self.path = Path(path)
        self.offset = offset
        self.head_hash = head_hash
        self.head_seq = head_seq
        self.lines = lines
        self.issues: list[JournalIssue] = []
        self.reset = False

    def poll(self) -> list[Event]:
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            return []
        if size == self.offset:
            return []
        if size < self.offset:
            self.offset, self.head_hash, self.head_seq, self.lines = 0, GENESIS, 0, 0
            self.reset = True
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read(size - self.offset)
        end = data.rfind(b"\n") + 1
        if end == 0:
            return []
        result = LoadResult()
        self.head_hash, self.head_seq = _parse_chunk(data[:end], self.lines, self.head_hash, self.head_seq, result)
        self.lines += data[:end].count(b"\n")
        self.offset += end
        self.issues.extend(result.issues)
        return result.events


def follow_from(result: LoadResult, path: Path | str) -> Follower:
    """A follower that goes on from where ``result`` stopped reading."""
    return Follower(path, result.offset, result.head[1], result.head[0], result.lines)


@dataclass
class VerifyReport:
    events: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(path: Path | str, events: list[Event] | None = None) -> VerifyReport:
    """Check every hash and link; pinpoint edited, inserted or removed events by line.

    ``events``, when given, receives every event read, in file order (as ``load`` gives them)."""
    report = VerifyReport()
    if events is None:
        for _ in verified_events(path, report):
            pass
    else:
        events.extend(verified_events(path, report))
    return report


def verified_events(path: Path | str, report: VerifyReport) -> Iterator[Event]:
    """Every readable event of the file, in file order, while ``report`` is filled with what
    ``verify`` says (complete once the iteration ends): a reader that needs both the events and
    the verdict reads, hashes and decodes each line once, and need not keep the events."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    _regular(fd, Path(path))
    try:
        data = _read_all(fd)
    finally:
        os.close(fd)
    _looks_like_journal(data, Path(path))
    end = data.rfind(b"\n") + 1
    if end < len(data):
        line = data[:end].count(b"\n") + 1
        report.problems.append(f"line {line}: torn last record ({len(data) - end} bytes without a newline)")
    prev_hash, prev_seq = GENESIS, 0
    text = data[:end].decode("utf-8", errors="replace")
    del data
    for n, raw in enumerate(text.split("\n")[:-1], start=1):
        if not raw or raw.startswith("#"):
            continue
        try:
            ev = decode_line(raw)
        except ValueError as exc:
            report.problems.append(f"line {n}: unreadable event ({exc})")
            continue
        recorded, computed = line_hash(raw)
        if recorded != computed:
            report.problems.append(f"line {n}: event seq {ev.seq} was edited (its hash does not match its content)")
        if ev.seq != prev_seq + 1:
            if ev.seq <= prev_seq:
                report.problems.append(f"line {n}: event seq {ev.seq} is out of order or inserted (expected seq {prev_seq + 1})")
                report.events += 1
                yield ev
                continue  # the chain goes on from the event before this one
            else:
                missing = f"seq {prev_seq + 1}" if ev.seq == prev_seq + 2 else f"seq {prev_seq + 1}..{ev.seq - 1}"
                report.problems.append(f"line {n}: {missing} removed before event seq {ev.seq}")
        elif ev.prev != prev_hash:
            report.problems.append(f"line {n}: event seq {ev.seq} does not link to the event before it (inserted or replaced)")
        prev_hash, prev_seq = ev.hash, ev.seq
        report.events += 1
        report.head_hash = prev_hash
        yield ev
