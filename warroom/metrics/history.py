"""Metric history: every tile sample of a launch in a compact append-only side file.

Beside the journal ``<journal>.metrics``, one sample per line as a JSON array::

    # warroom metric history — one sample per line: [epoch seconds, tile, value, state, passing]
    [1795960800.123, "p95", 212.5, "OK", 1]

Writers append whole lines under an exclusive ``flock`` on ``<journal>.metrics.lock`` (the
history file itself may be replaced when it is compacted). The file is bounded: once it is
larger than ``limit`` bytes, it is rewritten with the older half of every tile's samples
downsampled (every other one kept, except samples whose state differs from the one before:
breaches and recoveries are never dropped), and renamed into place. Readers follow it like the
journal: they read the bytes appended since they last looked and start again when the file was
replaced.

``Lease``: the screens of one war room on one machine share one poller. The first to take the
lease polls and appends; the others follow the file. The holder renews the lease as it polls;
when it exits it releases it, and when it stalls (no renewal within ``stall`` seconds) or its
process is gone, the next screen that asks takes it over. A holder that cannot journal (a wall,
a read-only screen) hands it to the first screen that can, which then records the transitions.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

HEADER = "# warroom metric history — one sample per line: [epoch seconds, tile, value, state, passing(, reason)]\n"
DEFAULT_LIMIT = 8 * 1024 * 1024  # bytes before the older half is downsampled


@dataclass(frozen=True)
class HistSample:
    t: float
    tile: str
    value: float | str | None
    state: str
    passing: bool
    reason: str = ""  # why there is no value (an error, no data), as the poll said


@contextmanager
def _flocked(lock_path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``lock_path`` (made, with its folder, when missing) for the block."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def history_path(journal_path: Path | str) -> Path:
    p = Path(journal_path)
    return p.with_name(p.name + ".metrics")


def _plain(value: Any) -> float | str | None:
    if isinstance(value, bool) or value is None:
        return None if value is None else str(value)
    if isinstance(value, (int, float)):
        v = float(value)
        return float(f"{v:.6g}") if math.isfinite(v) else str(v)
    return str(value)[:200]


def encode(sample: HistSample) -> str:
    row = [round(sample.t, 3), sample.tile, _plain(sample.value), sample.state, 1 if sample.passing else 0]
    if sample.reason:
        row.append(sample.reason[:300])
    return json.dumps(row, ensure_ascii=False) + "\n"


_raw_decode = json.JSONDecoder().raw_decode


def decode(line: str) -> HistSample | None:
    """One line, or None for a comment, a blank or an unreadable line (skipped, never fatal)."""
    if not line or line.startswith("#"):
        return None
    try:
        try:  # a line as written: one JSON array, nothing around it (json.loads less its checks)
            row, end = _raw_decode(line)
            if end != len(line):
                raise ValueError(line)
        except ValueError:
            row = json.loads(line)  # anything else: as json.loads reads it, or its error
        t, tile, value, state, passing, *rest = row
        reason = rest[0] if len(rest) == 1 and isinstance(rest[0], str) else ""
        if not isinstance(tile, str) or not isinstance(state, str) or isinstance(t, bool) or len(rest) > 1:
            return None
        if value is not None and not isinstance(value, (int, float, str)) or isinstance(value, bool):
            return None
        return HistSample(float(t), tile, value, state, bool(passing), reason)
    except (ValueError, TypeError):
        return None


class MetricHistory:
    """The side file of one journal: append samples, read them back, follow new ones."""

    def __init__(self, path: Path | str, limit: int = DEFAULT_LIMIT) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.limit = limit
        self._offset = 0
        self._inode: int | None = None
        self._seen_t = float("-inf")  # the newest sample handed out: a compacted file is not news again

    @classmethod
    def for_journal(cls, journal_path: Path | str, limit: int = DEFAULT_LIMIT) -> "MetricHistory":
        return cls(history_path(journal_path), limit)

    def _locked(self) -> Any:
        return _flocked(self.lock_path)

    # -- writing -------------------------------------------------------------------------------
    def append(self, samples: Iterable[HistSample]) -> None:
        """Append whole lines under the lock (compacting past the limit). Raises OSError."""
        data = "".join(encode(s) for s in samples)
        if not data:
            return
        with self._locked():
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                if os.fstat(fd).st_size == 0:
                    data = HEADER + data
                raw = data.encode("utf-8")
                written = os.write(fd, raw)
                while written < len(raw):
                    written += os.write(fd, raw[written:])
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            if size > self.limit:
                self._compact()

    def _compact(self) -> None:
        """Downsample the older half of each tile's samples (we hold the lock)."""
        by_tile: dict[str, list[HistSample]] = {}
        for s in _read(self.path):
            by_tile.setdefault(s.tile, []).append(s)
        kept: list[HistSample] = []
        for samples in by_tile.values():
            kept += downsample(samples)
        kept.sort(key=lambda s: s.t)
        tmp = self.path.with_name(self.path.name + ".compact")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(HEADER)
            f.writelines(encode(s) for s in kept)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    # -- reading -------------------------------------------------------------------------------
    def load(self) -> list[HistSample]:
        """Every sample in the file, oldest first; the follower goes on from here."""
        self._offset, self._inode, self._seen_t = 0, None, float("-inf")
        return self.poll()

    def poll(self) -> list[HistSample]:
        """Samples appended since the last look (all of them again after a compaction)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return []
        replaced = st.st_ino != self._inode or st.st_size < self._offset
        if replaced:
            self._offset, self._inode = 0, st.st_ino
        if st.st_size == self._offset:
            return []
        with open(self.path, "rb") as f:
            f.seek(self._offset)
            data = f.read(st.st_size - self._offset)
        end = data.rfind(b"\n") + 1
        self._offset += end
        out = []
        for line in data[:end].decode("utf-8", errors="replace").split("\n"):
            s = decode(line)
            if s is not None and not (replaced and s.t <= self._seen_t):
                out.append(s)
        if out:
            self._seen_t = max(self._seen_t, max(s.t for s in out))
        return out


def _read(path: Path) -> list[HistSample]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [s for s in map(decode, text.split("\n")) if s is not None]


def read_history(path: Path | str) -> dict[str, list[HistSample]]:
    """Samples per tile, oldest first."""
    out: dict[str, list[HistSample]] = {}
    for s in _read(Path(path)):
        out.setdefault(s.tile, []).append(s)
    for samples in out.values():
        samples.sort(key=lambda s: s.t)
    return out


def downsample(samples: list[HistSample]) -> list[HistSample]:
    """The newer half as it is; of the older half every other sample, and every state change."""
    half = len(samples) // 2
    out: list[HistSample] = []
    prev_state = None
    for i, s in enumerate(samples[:half]):
        if i % 2 == 0 or s.state != prev_state:
            out.append(s)
        prev_state = s.state
    return out + samples[half:]


def latest(samples: dict[str, list[HistSample]], at: float | None = None) -> dict[str, HistSample]:
    """Each tile's last sample at or before ``at`` (the newest when ``at`` is None)."""
    out = {}
    for tile, rows in samples.items():
        pick = None
        for s in rows:
            if at is not None and s.t > at:
                break
            pick = s
        if pick is not None:
            out[tile] = pick
    return out


# -- one poller per war room per machine ------------------------------------------------------

def lease_path(journal_path: Path | str) -> Path:
    p = Path(journal_path)
    return p.with_name(p.name + ".metrics.lease")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lease:
    """Who polls for a war room on this machine. ``held`` says whether this holder has it."""

    def __init__(self, path: Path | str, holder: str | None = None, stall: float = 15.0, journals: bool = True) -> None:
        self.path = Path(path)
        self.journals = journals  # a holder that cannot journal (a wall, a read-only screen) yields to one that can
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.holder = holder or f"{self.host}:{self.pid}:{id(self):x}"
        self.stall = stall
        self.held = False

    def _locked(self) -> Any:
        return _flocked(self.lock_path)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def current(self) -> dict[str, Any]:
        """The lease as the file has it (empty when nobody holds it)."""
        return self._read()

    def _free(self, data: dict[str, Any], now: float) -> bool:
        if not data or data.get("holder") == self.holder:
            return True
        if self.journals and data.get("journals") is False:
            return True  # the transitions get journaled: a screen that can takes over from one that cannot
        beat = data.get("beat")
        if not isinstance(beat, (int, float)) or now - beat > self.stall:
            return True  # the holder stalled
        pid = data.get("pid")
        return data.get("host") == self.host and isinstance(pid, int) and pid != self.pid and not _alive(pid)

    def acquire(self, now: float | None = None) -> bool:
        """Take (or renew) the lease when it is free, ours, stalled or its process is gone."""
        now = time.time() if now is None else now
        with self._locked():
            if not self._free(self._read(), now):
                self.held = False
                return False
            tmp = self.path.with_name(self.path.name + f".{self.pid}")
            tmp.write_text(json.dumps({"holder": self.holder, "host": self.host, "pid": self.pid, "beat": now,
                                       "journals": self.journals}),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        self.held = True
        return True

    def release(self) -> None:
        if not self.held:
            return
        with self._locked():
            if self._read().get("holder") == self.holder:
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass
        self.held = False
