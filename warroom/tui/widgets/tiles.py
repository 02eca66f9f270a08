"""The live metric tiles pane: one tile per spec, fed by the poller running in a worker thread.

Display only. The poller (``warroom.metrics.poller``) runs on its own event loop in a thread
worker, so the UI never waits on the network; each sample comes back as a message. Given the
journal's path, the screens of one war room on this machine share that poller
(``warroom.metrics.shared``): the screen holding the lease polls, appends every sample to the
metric history and journals the transitions; the others draw the samples it appends. What a
sample means — evaluation, rollback triggers, the transitions journaled — is the pure
``warroom.metrics.monitor.Monitor``; this pane draws its results and tells the app of verdicts
and fired triggers as messages.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from warroom.metrics import NO_TILES
from warroom.metrics.evaluate import CRIT, ERROR, GLYPHS, NO_DATA, OK, PENDING, STALE, WARN, TileResult, format_age
from warroom.metrics.monitor import Monitor
from warroom.metrics.sample import Sample
from warroom.metrics.spec import TileSpec

if TYPE_CHECKING:  # the poller (httpx, TLS, the source parsers) is imported when polling starts
    from warroom.metrics.poller import Poller
    from warroom.metrics.shared import SharedPoller

STATE_STYLE = {OK: "green", WARN: "bold yellow", CRIT: "bold red", PENDING: "yellow", STALE: "dim",
               ERROR: "bold magenta", NO_DATA: "dim"}
SPARK = "▁▂▃▄▅▆▇█"



def sparkline(values: list[float], width: int) -> str:
    vals = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)][-max(0, width):]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    if hi == lo:
        return SPARK[3] * len(vals)
    return "".join(SPARK[min(7, int((v - lo) / (hi - lo) * 7.999))] for v in vals)


class TileView(Widget):
    """One tile: glyph, label, state; value + threshold + sparkline; sample age or error."""

    DEFAULT_CSS = """
    TileView { height: auto; }
    """

    def __init__(self, spec: TileSpec) -> None:
        super().__init__(classes="tile")
        self.spec = spec
        self.result: TileResult | None = None

    def show(self, result: TileResult) -> None:
        self.result = result
        for state in GLYPHS:
            self.set_class(result.state == state, f"-{state.lower().replace(' ', '-')}")
        self.refresh()

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return 3

    def render(self) -> RenderableType:
        r = self.result
        spec = self.spec
        width = max(10, self.size.width)
        state = r.state if r else NO_DATA
        style = STATE_STYLE.get(state, "")
        top = Table.grid(expand=True)
        top.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        top.add_column(no_wrap=True, justify="right")
        title = Text(f"{GLYPHS[state]} ", style=style)
        title.append(spec.label, style="bold")
        tag = Text(state, style=style)
        if r is not None and state == PENDING and r.pending_for is not None and r.for_:
            tag = Text(f"{state} {format_age(r.pending_for)}/{format_age(r.for_)}", style=style)
        top.add_row(title, tag)

        mid = Table.grid(expand=True)
        mid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        mid.add_column(no_wrap=True, justify="right")
        value = Text("  ")
        shown = r.display if r and r.display else "—"
        value.append(shown, style="bold" if state not in (STALE, ERROR, NO_DATA) else "dim")
        if state == WARN and spec.warn is not None:
            value.append(f"  warn: want {spec.warn.text}", style="yellow")
        elif spec.threshold_text:
            value.append(f"  want {spec.threshold_text}", style="dim")
        spark_w = max(0, min(24, width - len(value.plain) - 2))
        spark = Text(sparkline(r.history if r else [], spark_w), style="dim" if state in (STALE, ERROR, NO_DATA) else style)
        mid.add_row(value, spark)

        bottom = Text("  ", no_wrap=True, overflow="ellipsis")
        if r is None or r.polled_at is None:
            bottom.append("no sample yet", style="dim")
        else:
            bottom.append(f"{format_age(r.age)} ago", style="dim")
            if r.error and state in (ERROR, NO_DATA, STALE):
                bottom.append(" · ", style="dim")
                bottom.append(r.error, style=STATE_STYLE[state] if state == ERROR else "")
                if r.retry_in:
                    every = f"{r.retry_in:g}s" if r.retry_in < 60 else format_age(r.retry_in)
                    bottom.append(f" · retrying every {every}", style="dim")
        return Group(top, mid, bottom)


class TilesPane(VerticalScroll, can_focus=True):
    """Live metric tiles. ``TilesPane(ws, actions, state_getter)``; ``actions=None`` is read-only."""

    DEFAULT_CSS = """
    TilesPane { height: 1fr; }
    TilesPane > .tiles-empty { color: $text-muted; }
    """

    @dataclass
    class VerdictsChanged(Message):
        """Each tile's verdict (``.passing``, ``.summary``) after one changed."""

        verdicts: dict[str, TileResult]

    @dataclass
    class RollbackTriggered(Message):
        """A rollback trigger bound to a tile fired: its criterion id and what it says."""

        criterion_id: str
        text: str

    class Drain(Message):
        """Samples are waiting in the inbox (internal; posted from the poller thread)."""

    def __init__(self, ws: Any, actions: Any, state_getter: Callable[[], Any], id: str | None = None, *,
                 autostart: bool = True, clock: Callable[[], float] = time.time,
                 env: Mapping[str, str] | None = None, journal_path: Any = None) -> None:
        super().__init__(id=id)
        if not self.border_title:
            self.border_title = "Metrics"
        self.ws = ws
        self.autostart = autostart
        self.clock = clock
        self.env = env
        self.actions = actions
        self.journal_path = journal_path  # given: the poller is shared through the metric history
        self.shared: SharedPoller | None = None
        self.monitor = Monitor(ws, actions, state_getter, self._journal_error)
        self.specs: list[TileSpec] = self.monitor.specs
        self.results: dict[str, TileResult] = self.monitor.results
        self.problems = self.monitor.problems
        self.views = {s.name: TileView(s) for s in self.specs}
        self.poller: Poller | None = None
        self._inbox: list[tuple[str, Sample]] = []
        self._inbox_lock = threading.Lock()
        self._journal_failed = False
        self._polling = False
        self._closing = False
        self._poller_lock = threading.Lock()

    def compose(self) -> Any:
        if not self.specs:
            yield Static(NO_TILES, classes="tiles-empty")
            return
        for problem in self.problems:
            yield Static(Text(f"! {problem}", style="bold magenta"), classes="tiles-problem")
        yield from self.views.values()

    def on_mount(self) -> None:
        if not self.specs:
            return
        for name in self.views:
            self._refresh_tile(name, self.clock())
        self.set_interval(1.0, self._tick, name="tiles-tick")
        if self.autostart:
            self.call_after_refresh(self.start_polling)  # the first frame does not wait for httpx

    def start_polling(self) -> None:
        if self._polling or not self.specs or not self.is_attached:
            return
        self._polling = True
        self.run_worker(self._poll, thread=True, exclusive=True, group="tiles-poller",
                        name="tiles-poller", exit_on_error=False)

    def _poll(self) -> None:
        """The poller's thread: importing it (httpx, TLS, the parsers) does not hold up the screen."""
        from warroom.metrics.poller import Poller

        if self.journal_path is not None:
            import asyncio

            from warroom.metrics.shared import SharedPoller

            with self._poller_lock:
                if self._closing:
                    return
                self.shared = SharedPoller(self.ws, self.journal_path, env=self.env, on_sample=self._from_poller)
            asyncio.run(self.shared.run(beat=0.5))
            return
        with self._poller_lock:
            if self._closing:
                return
            self.poller = Poller(self.specs, self._from_poller, env=self.env)
        self.poller.run_in_this_thread()  # returns at once if stopped meanwhile

    def on_unmount(self) -> None:
        with self._poller_lock:
            self._closing = True
            poller, shared = self.poller, self.shared
        if poller is not None:
            poller.stop()
        if shared is not None:
            shared.stop()

    def _from_poller(self, name: str, sample: Sample) -> None:
        """Called on the poller's thread: queue the sample; one message drains a burst."""
        with self._inbox_lock:
            self._inbox.append((name, sample))
            if len(self._inbox) > 1:
                return
        self.post_message(self.Drain())

    # -- samples in ----------------------------------------------------------------------------
    def on_tiles_pane_drain(self, message: "TilesPane.Drain") -> None:
        message.stop()
        with self._inbox_lock:
            batch, self._inbox = self._inbox, []
        for name, sample in batch:
            self.feed(name, sample)

    def feed(self, name: str, sample: Sample) -> None:
        """Apply one sample to a tile (from the poller, or injected by tests)."""
        self._journaling()
        result, fired = self.monitor.feed(name, sample, self.clock())
        if result is None:
            return
        self.views[name].show(result)
        for trigger in fired:
            self.post_message(self.RollbackTriggered(trigger.criterion_id, trigger.text))
        self._flush_verdicts(force=False)

    def show_history(self, history: dict[str, list[Any]], moment: float, reset: bool) -> None:
        """Replaying: the tiles as the metric history had them at ``moment`` (nothing polled)."""
        from warroom.metrics.shared import sample_from_history

        if reset or not hasattr(self, "_shown_until"):
            self.monitor = Monitor(self.ws, None, None)
            self.results = self.monitor.results
            self._shown_until = float("-inf")
        start = self._shown_until
        if moment < start:  # went back without a reset: start again
            self.show_history(history, moment, reset=True)
            return
        for name, samples in history.items():
            if name not in self.monitor.evaluators:
                continue
            for s in samples:
                if start < s.t <= moment:
                    self.monitor.evaluators[name].observe(sample_from_history(s))
        self._shown_until = moment
        for name in self.views:
            self._refresh_tile(name, moment)
        self._flush_verdicts(force=True)

    def _journaling(self) -> None:
        """Sharing a poller, only the screen that polls journals transitions (the others see
        them in its samples, a moment later)."""
        shared = self.shared
        self.monitor.actions = self.actions if shared is None or shared.leading or shared.private else None

    def _tick(self) -> None:
        self._journaling()
        now = self.clock()
        for name in self.views:
            self._refresh_tile(name, now)
        self._flush_verdicts(force=True)

    def _refresh_tile(self, name: str, now: float) -> TileResult:
        result = self.monitor.refresh(name, now)
        self.views[name].show(result)
        return result

    def _flush_verdicts(self, force: bool) -> None:
        """Post VerdictsChanged at once when a verdict flipped, else at most once a tick."""
        verdicts = self.monitor.take_verdicts(force)
        if verdicts is not None:
            self.post_message(self.VerdictsChanged(verdicts))

    def _journal_error(self, exc: Exception) -> None:
        if not self._journal_failed:
            self._journal_failed = True
            self.notify(f"metric transitions are not being journaled: {exc}", severity="warning")
