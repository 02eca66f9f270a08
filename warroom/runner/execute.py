"""Running a planned command under a PTY, with its output masked, stored and recorded.

``Run.start()`` checks the files still say what was reviewed, claims the target in the
journal (``run-start``, under the journal's lock: a second operator is refused and told who
runs it since when), and starts ``SHELL -c CODE`` in a new session on a pseudo-terminal, with
only the environment the plan built. A reader thread masks each chunk, appends it to the side
file (mode 0640) — or, for a journal in PostgreSQL, to the database (``warroom.runner.store``) — and
to a bounded tail, and hashes it. Stop (or the timeout) sends SIGINT to
the command's process group, then SIGTERM after the grace, then SIGKILL. At the end the side
file is renamed after the SHA-256 of its content (in a database: the hash is stored with the
run) and ``run-end`` is recorded.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import secrets
import select
import signal
import socket
import struct
import subprocess
import termios
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from warroom.errors import ActionError, NoChange
from warroom.events import RUN_END, RUN_RELEASE, RUN_START, Event
from warroom.journal import Journal, JournalError, ReadOnlyJournal
from warroom.runner.plan import Plan, still_as_reviewed
from warroom.runner.record import RunRecord, apply_run, process_start
from warroom.runner.store import outputs_for, read_tail  # noqa: F401 - read_tail: its home was here

CHUNK = 64 * 1024


def _now() -> datetime:
    return datetime.now(timezone.utc)


class OutputTail:
    """The last ``limit`` bytes of the (masked) output, for drawing; thread-safe."""

    def __init__(self, limit: int = 64 * 1024) -> None:
        self.limit = limit
        self._data = bytearray()
        self._lock = threading.Lock()
        self.total = 0
        self.version = 0

    def add(self, data: bytes) -> None:
        with self._lock:
            self._data += data
            if len(self._data) > self.limit:
                del self._data[: len(self._data) - self.limit]
            self.total += len(data)
            self.version += 1

    def snapshot(self) -> tuple[bytes, bool]:
        """(the tail, whether it is the whole output)."""
        with self._lock:
            return bytes(self._data), self.total == len(self._data)


@dataclass
class RunResult:
    exit: int | None
    signal: str
    duration: float
    bytes: int
    sha256: str
    output: Path | None  # the side file (None: the output is in the journal's database)
    timed_out: bool
    stopped: bool
    stopped_by: str
    event: Event | None = None
    error: str = ""

    @property
    def where(self) -> str:
        """Where the output is, for people."""
        return str(self.output) if self.output is not None else "the journal database"

    @property
    def ok(self) -> bool:
        return self.exit == 0 and not self.timed_out and not self.stopped and not self.error


def side_file(journal_path: Path, name: str) -> Path:
    return journal_path.with_name(name)


class Run:
    def __init__(self, plan: Plan, journal: Journal, operator: str, now: Callable[[], datetime] = _now,
                 size: tuple[int, int] = (120, 40), tail_bytes: int = 64 * 1024,
                 on_output: Callable[[bytes], None] | None = None, on_end: Callable[["Run"], None] | None = None) -> None:
        self.plan = plan
        self.journal = journal
        self.operator = operator
        self.now = now
        self.size = size
        self.tail = OutputTail(tail_bytes)
        self.on_output = on_output
        self.on_end = on_end
        self.run_id = secrets.token_hex(6)
        self.outputs = outputs_for(journal)
        self.output = self.outputs.new(self.run_id)
        self.partial: Path | None = getattr(self.output, "partial", None)  # the side file, for a journal file
        self.started: Event | None = None
        self.result: RunResult | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._stopped_by = ""
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._lost = ""  # why the side file stopped taking output, if it did

    # -- starting ----------------------------------------------------------------------------
    def start(self) -> Event:
        plan = self.plan
        plan.check()
        still_as_reviewed(plan)
        try:
            self.output.open()
        except OSError as exc:
            raise ActionError(f"cannot keep the output in {self.output.where}: {exc.strerror or exc}") from None
        except JournalError as exc:
            raise ActionError(str(exc)) from None
        try:
            self.started = self._claim()
        except BaseException:
            self.output.discard()
            self.outputs.close()
            raise
        self.output.started(plan.host, os.getpid())
        self._t0 = time.monotonic()
        try:
            master, slave = os.openpty()
        except OSError as exc:
            self._finish_failed(f"no pseudo-terminal: {exc.strerror or exc}")
            raise ActionError(f"cannot run {plan.target.id}: no pseudo-terminal ({exc.strerror or exc})") from None
        cols, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(plan.env, COLUMNS=str(cols), LINES=str(rows))
        try:
            self.proc = subprocess.Popen([plan.shell, "-c", plan.choice.code], stdin=slave, stdout=slave, stderr=slave,
                                         cwd=plan.cwd, env=env, start_new_session=True, close_fds=True)
        except OSError as exc:
            os.close(slave)
            os.close(master)
            self._finish_failed(f"{exc.strerror or exc}")
            raise ActionError(f"cannot start {plan.shell} for {plan.target.id}: {exc.strerror or exc}") from None
        os.close(slave)
        self._thread = threading.Thread(target=self._pump, args=(master,), name=f"run {plan.target.id}", daemon=True)
        self._thread.start()
        return self.started

    def _claim(self) -> Event:
        plan = self.plan
        busy: list[Event] = []

        def taken(last: Event | None) -> bool:
            if last is None or last.kind != RUN_START:
                return False
            runs: dict[str, RunRecord] = {}
            if apply_run(runs, [], last) is None and self.outputs.abandoned(runs[last.target], plan.host):
                return False  # its supervisor is gone on this host: the item is free again
            busy.append(last)
            return True

        me = os.getpid()
        payload = {"run": self.run_id, "host": plan.host, "pid": me, "pid_start": process_start(me), "cwd": str(plan.cwd),
                   "shell": plan.shell, "label": plan.masker.text(plan.choice.label), "choice": plan.choice.number,
                   "command": plan.command, "command_sha256": plan.choice.sha256, "fingerprint": plan.fingerprint,
                   "variables": list(plan.passed), "timeout": plan.timeout.total_seconds()}
        if self.output.name:
            payload["partial"] = self.output.name
        else:
            payload["output"] = "database"
        try:
            event = self.journal.append(RUN_START, plan.target.id, payload, op=self.operator, now=self.now(), unless=taken)
        except ReadOnlyJournal:
            raise ActionError("this war room is open read-only: nothing can be run here") from None
        except OSError as exc:
            raise ActionError(f"cannot write the journal {self.journal.path}: {exc.strerror or exc}") from None
        except JournalError as exc:
            raise ActionError(str(exc)) from None
        if event is None:
            last = busy[-1]
            raise ActionError(f"{plan.target.id} is already being run by {last.op} since {last.ts} "
                              f"(on {last.payload.get('host')}); one run at a time")
        return event

    # -- running -----------------------------------------------------------------------------
    def stop(self, by: str = "") -> None:
        """SIGINT now, SIGTERM after the grace, SIGKILL after it again (done by the reader)."""
        if not self._stop.is_set():
            self._stopped_by = by or self.operator
            self._stop.set()

    def _signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

    def _pump(self, master: int) -> None:
        assert self.proc is not None
        digest, size = hashlib.sha256(), 0
        masker, proc = self.plan.masker, self.proc
        grace = self.plan.grace.total_seconds()
        deadline = self._t0 + self.plan.timeout.total_seconds()
        timed_out, stage, next_at, exited_at = False, 0, 0.0, 0.0
        poller = select.poll()
        poller.register(master, select.POLLIN)

        def out(data: bytes) -> None:
            nonlocal size
            if not data:
                return
            if not self._lost:  # the store has every byte, or (a full disk, a size limit) says where it stopped
                try:
                    kept = self.output.write(data)
                except OSError as exc:
                    kept = getattr(exc, "kept", 0)
                    self._lost = f"output not kept past {size + kept} bytes: {exc.strerror or exc} (in {self.output.where})"
                digest.update(data[:kept])
                size += kept
            self.tail.add(data)
            if self.on_output is not None:
                self.on_output(data)

        try:
            while True:
                self.output.tick()
                now = time.monotonic()
                if stage == 0 and (self._stop.is_set() or now >= deadline):
                    timed_out = not self._stop.is_set()
                    self._signal(signal.SIGINT)
                    stage, next_at = 1, now + grace
                elif stage in (1, 2) and now >= next_at:
                    self._signal(signal.SIGTERM if stage == 1 else signal.SIGKILL)
                    stage, next_at = stage + 1, now + grace
                if proc.poll() is not None and not exited_at:
                    exited_at = now
                if exited_at and now - exited_at > 0.5:
                    break  # the command is gone; what still holds the terminal is not waited for
                if not poller.poll(50):
                    continue
                try:
                    data = os.read(master, CHUNK)
                except OSError as exc:
                    if exc.errno == errno.EIO:
                        break  # every writer has closed the terminal
                    raise
                if not data:
                    break
                out(masker.feed(data))
            proc.wait()
            if stage:  # stopped or timed out: nothing of the command's process group outlives it
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            out(masker.flush())
        finally:
            os.close(master)
        self._finish(proc.returncode, digest.hexdigest(), size, timed_out)

    def _finish(self, code: int | None, sha: str, size: int, timed_out: bool) -> None:
        name, final = self.output.settle(sha, size)
        sig = ""
        if code is not None and code < 0:
            sig, code = signal.Signals(-code).name, 128 - code
        stopped = self._stop.is_set() and not timed_out
        result = RunResult(code, sig, round(time.monotonic() - self._t0, 3), size, sha, final, timed_out, stopped,
                           self._stopped_by if stopped else "")
        payload = {"run": self.run_id, "exit": code, "signal": sig, "duration": result.duration, "bytes": size,
                   "output_sha256": sha, "timed_out": timed_out, "stopped": stopped}
        if name:
            payload["output_file"] = name
        if stopped:
            payload["stopped_by"] = self._stopped_by
        if self._lost:
            result.error = payload["error"] = self._lost
        self._record_end(result, payload)

    def _finish_failed(self, error: str) -> None:
        empty = hashlib.sha256(b"").hexdigest()
        name, final = self.output.settle(empty, 0)
        result = RunResult(None, "", 0.0, 0, empty, final, False, False, "", error=error)
        payload: dict[str, object] = {"run": self.run_id, "exit": None, "error": error, "duration": 0.0, "bytes": 0,
                                      "output_sha256": empty, "timed_out": False, "stopped": False}
        if name:
            payload["output_file"] = name
        self._record_end(result, payload)

    def _record_end(self, result: RunResult, payload: dict[str, object]) -> None:
        try:
            result.event = self.journal.append(RUN_END, self.plan.target.id, payload, op=self.operator, now=self.now())
        except (OSError, ReadOnlyJournal, JournalError) as exc:
            result.error = result.error or f"run-end not recorded: {exc}"
        self.result = result
        self.outputs.close()
        self._done.set()
        if self.on_end is not None:
            self.on_end(self)

    @property
    def running(self) -> bool:
        return self.started is not None and not self._done.is_set()

    def wait(self, timeout: float | None = None) -> RunResult | None:
        self._done.wait(timeout)
        return self.result


def follow_outcome(actions: object, state: object, plan: Plan, result: RunResult, block_on_failure: bool = True) -> Event | None:
    """What the layout asks of the item after a run (``tick_on_success``): exit 0 ticks it; a
    failure marks it blocked with the exit code as the reason, unless the operator says not to."""
    if not plan.tick_on_success or plan.target.item is None:
        return None
    try:
        if result.ok:
            return actions.set_status(state, plan.target.id, "done")  # type: ignore[attr-defined]
        if block_on_failure:
            how = ("timed out" if result.timed_out else "stopped" if result.stopped else
                   f"failed: {result.error}" if result.error else f"exit code {result.exit}")
            return actions.set_status(state, plan.target.id, "blocked", f"run {how}")  # type: ignore[attr-defined]
    except NoChange:
        return None
    return None


def release(journal: Journal, operator: str, rec: RunRecord, reason: str, now: Callable[[], datetime] = _now) -> Event:
    """An operator says an open run is over (its process is gone, or on another host)."""
    if not reason.strip():
        raise ActionError("releasing a run needs a reason")
    from warroom.textsafe import text_problem

    problem = text_problem(reason, "the reason")
    if problem:
        raise ActionError(problem)
    if not rec.open:
        raise ActionError(f"the run of {rec.target} is not open ({rec.summary()})")
    if rec.host == socket.gethostname() and not outputs_for(journal).abandoned(rec, rec.host):
        raise ActionError(f"the run of {rec.target} is still running here (pid {rec.pid}); stop it instead")

    def moved_on(last: Event | None) -> bool:
        return last is None or last.kind != RUN_START or str(last.payload.get("run")) != rec.run_id

    event = journal.append(RUN_RELEASE, rec.target, {"run": rec.run_id, "reason": reason.strip()}, op=operator, now=now(),
                           unless=moved_on)
    if event is None:
        raise ActionError(f"the run of {rec.target} has ended or been released meanwhile")
    return event
