"""One poller per war room per machine: whoever holds the lease polls, the rest follow.

``SharedPoller`` is what a screen (or ``warroom watch``) runs. Every second it asks for the
lease (``warroom.metrics.history.Lease``): while it holds it, it runs the poller, evaluates each
sample, appends it to the metric history and journals the tile and rollback transitions (once:
``Actions.metric_state`` checks the file under the journal lock). While another process holds
it, it polls nothing and reads the samples the holder appends. When the holder exits it releases
the lease; when it stalls, the lease passes on after ``stall`` seconds. For a journal in
PostgreSQL the history and the lease are in the database (``warroom.metrics.history_pg``): one
poller for the war room on every machine; its lease passes on when the holder exits, dies or
loses its connection.

Evaluation is ``warroom.metrics.monitor.Monitor``, as on every screen; ``on_result(name,
TileResult, fired)`` is called for every sample, polled or followed, on the thread running
:meth:`run`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Mapping

from warroom.metrics.evaluate import TileResult
from warroom.metrics.history import HistSample
from warroom.metrics.monitor import Fired, Monitor
from warroom.metrics.sample import Sample
from warroom.metrics.side import history_for, lease_for


def sample_from_history(s: HistSample) -> Sample:
    """A followed sample as the evaluator reads it (a failed poll keeps its state as the reason)."""
    if s.state in ("ERROR", "NO DATA"):
        why = s.reason or s.state.lower()
        return Sample(s.t, error=why) if s.state == "ERROR" else Sample(s.t, nodata=why)
    if isinstance(s.value, str):
        return Sample(s.t, text=s.value)
    return Sample(s.t, value=s.value)


class SharedPoller:
    def __init__(self, ws: Any, journal_path: Any, actions: Any = None,
                 state_getter: Callable[[], Any] | None = None, *, stall: float = 15.0,
                 on_result: Callable[[str, TileResult, list[Fired]], None] | None = None,
                 env: Mapping[str, str] | None = None, clock: Callable[[], float] = time.time,
                 history_limit: int | None = None, on_sample: Callable[[str, Sample], None] | None = None,
                 journals: bool = True) -> None:
        self.ws = ws
        self.specs = list(ws.layout.tiles)
        self.actions = actions
        self.on_result = on_result
        self.on_sample = on_sample  # every sample, polled here or followed (a screen feeds its own Monitor)
        self.env = env
        self.clock = clock
        # ``journal_path``: a journal file's path, or its launch in a database (``side.where_of``)
        self.history = history_for(journal_path, history_limit)
        # follow from the end: old samples are history, not news — but a tile's latest, still fresh,
        # is what it shows now (a screen opening beside a running poller shows values at once)
        self._backlog = self.history.poll()
        self.lease = lease_for(journal_path, stall, journals)  # journals: its holder records transitions
        self.journal_errors: list[str] = []
        # the one evaluation of tiles and triggers; it journals only while this process polls
        self.monitor = Monitor(ws, None, state_getter, on_journal_error=lambda exc: self.journal_errors.append(str(exc)))
        self.problems = self.monitor.problems
        self.poller: Any = None
        self._task: asyncio.Task | None = None
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_requested = False
        self.private = False  # polling alone: the lease or the history cannot be written
        self.polled = 0  # samples this process polled
        self.followed = 0  # samples read from another process's polls

    @property
    def results(self) -> dict[str, TileResult]:
        return self.monitor.results

    @property
    def leading(self) -> bool:
        return self._task is not None

    # -- samples -------------------------------------------------------------------------------
    def _polled(self, name: str, sample: Sample) -> None:
        if self.poller is None:
            return
        result = self._evaluate(name, sample)
        if result is None:
            return
        self.polled += 1
        value = sample.value if sample.value is not None else sample.text
        if self.private:
            if self.on_sample is not None:
                self.on_sample(name, sample)
            return
        try:
            self.history.append([HistSample(sample.t, name, value if sample.ok else None, result.state, result.passing,
                                            sample.error or sample.nodata)])
        except OSError as exc:
            self.private = True
            self.journal_errors.append(f"the metric history cannot be written ({exc.strerror or exc}): polling alone")
        if self.on_sample is not None:
            self.on_sample(name, sample)

    def _evaluate(self, name: str, sample: Sample) -> TileResult | None:
        self.monitor.actions = self.actions if self.leading else None
        result, fired = self.monitor.feed(name, sample, self.clock())
        if result is not None and self.on_result is not None:
            self.on_result(name, result, fired)
        return result

    def _show_fresh(self, samples: list[HistSample]) -> None:
        latest: dict[str, HistSample] = {}
        for s in samples:
            latest[s.tile] = s
        now = self.clock()
        for spec in self.specs:
            s = latest.get(spec.name)
            if s is not None and 0 <= now - s.t <= spec.stale_after:
                sample = sample_from_history(s)
                self._evaluate(spec.name, sample)
                if self.on_sample is not None:
                    self.on_sample(spec.name, sample)

    def follow(self) -> int:
        """Read the samples another process appended; returns how many."""
        n = 0
        for s in self.history.poll():
            if s.tile in self.monitor.evaluators:
                sample = sample_from_history(s)
                self._evaluate(s.tile, sample)
                if self.on_sample is not None:
                    self.on_sample(s.tile, sample)
                n += 1
        self.followed += n
        return n

    # -- the lease -----------------------------------------------------------------------------
    async def step(self) -> None:
        """One beat: take or renew the lease and start or stop polling accordingly; follow.

        Where the lease or the history cannot be written (a read-only directory), this process
        polls for itself, as every screen did before the poller was shared."""
        try:
            leading = self.private or self.lease.acquire(self.clock())
        except OSError as exc:
            self.private, leading = True, True
            self.journal_errors.append(f"the metric history cannot be shared here ({exc.strerror or exc}): polling alone")
        if leading:
            if self._task is None:
                from warroom.metrics.poller import Poller

                self.follow()  # what the previous holder polled, up to the hand-over
                self.poller = Poller(self.specs, self._polled, env=self.env)
                self._task = asyncio.create_task(self.poller.run(), name="shared-poller")
            else:
                self.history.poll()  # our own appends: already evaluated
        else:
            await self._stop_polling()
            self.follow()

    async def _stop_polling(self) -> None:
        task, poller = self._task, self.poller
        self._task, self.poller = None, None
        if poller is not None:
            poller.stop()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def run(self, duration: float | None = None, beat: float = 1.0) -> None:
        """Beat until :meth:`stop` (or ``duration`` seconds); then stop polling and let go."""
        self._stop = asyncio.Event()
        loop = self._loop = asyncio.get_running_loop()
        self._show_fresh(self._backlog)
        self._backlog = []
        end = None if duration is None else loop.time() + duration
        try:
            while not self._stop.is_set() and not self._stop_requested:
                await self.step()
                wait = beat if end is None else min(beat, end - loop.time())
                if wait <= 0:
                    break
                try:
                    await asyncio.wait_for(self._stop.wait(), wait)
                except asyncio.TimeoutError:
                    pass
        finally:
            await self._stop_polling()
            try:
                self.lease.release()
            except OSError:
                pass
            close = getattr(self.history, "close", None)
            if close is not None:
                close()

    def stop(self) -> None:
        """Stop (from any thread; before :meth:`run` starts, it then returns at once)."""
        self._stop_requested = True
        stop, loop = self._stop, self._loop
        if stop is None:
            return
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:
                pass
