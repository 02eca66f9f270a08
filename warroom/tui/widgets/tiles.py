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
from warroom.metrics.spark import sparkline
from warroom.metrics.spec import TileSpec
from warroom.tui import keys

if TYPE_CHECKING:  # the poller (httpx, TLS, the source parsers) is imported when polling starts
    from warroom.metrics.poller import Poller
    from warroom.metrics.shared import SharedPoller

STATE_STYLE = {OK: "green", WARN: "bold yellow", CRIT: "bold red", PENDING: "yellow", STALE: "dim",
               ERROR: "bold magenta", NO_DATA: "dim"}



SERIES_SHOWN = 3  # series lines under a full tile (the worst first)
QUIET = (OK,)  # states a compact tile says nothing more about


def _series_line(r: TileResult, limit: int) -> Text:
    """``route=/pay 412.3 ms · route=/cart 123.4 ms (+2)``: the worst series first."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for i, (labels, shown) in enumerate(r.series[:limit]):
        if i:
            line.append(" · ", style="dim")
        line.append(labels, style="dim")
        line.append(f" {shown}")
    if r.series_total > limit:
        line.append(f" (+{r.series_total - limit})", style="dim")
    return line


def _error_detail(r: TileResult) -> Text:
    """An ERROR tile's second part: the last value with its own age, when the last try was."""
    out = Text(no_wrap=True, overflow="ellipsis")
    if r.display and r.value_age is not None:
        out.append("last ", style="dim")
        out.append(r.display)
        out.append(f" {format_age(r.value_age)} ago", style="dim")
    else:
        out.append("no value yet", style="dim")
    out.append(f" · tried {format_age(r.age)} ago", style="dim")
    if r.retry_in:
        every = f"{r.retry_in:g}s" if r.retry_in < 60 else format_age(r.retry_in)
        out.append(f" · retrying every {every}", style="dim")
    return out


class TileView(Widget):
    """One tile. Full form: glyph, label, state; value + threshold + sparkline; age or error, and
    the worst few series. Compact form (when the pane cannot hold every tile in full): one line
    — glyph, label, value, sparkline, state — and a second only when there is more to say (an
    error's reason, a stale or missing value's reason, several series)."""

    DEFAULT_CSS = """
    TileView { height: 3; }
    """

    def __init__(self, spec: TileSpec) -> None:
        super().__init__(classes="tile")
        self.spec = spec
        self.result: TileResult | None = None
        self.compact = False
        self.cursor = False  # highlighted in a focused pane: Enter opens its details

    def set_cursor(self, on: bool) -> None:
        if on != self.cursor:
            self.cursor = on
            self.refresh()

    def show(self, result: TileResult) -> None:
        self.result = result
        for state in GLYPHS:
            self.set_class(result.state == state, f"-{state.lower().replace(' ', '-')}")
        self._size_to_lines()
        self.refresh()

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._size_to_lines()
            self.refresh()

    def _size_to_lines(self) -> None:
        """The height is set, not measured: Textual caches a measured content height."""
        lines = self.lines()
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines

    def lines(self, compact: bool | None = None) -> int:
        r = self.result
        compact = self.compact if compact is None else compact
        series = min(SERIES_SHOWN, len(r.series)) if r is not None else 0
        if not compact:
            return 3 + series
        state = r.state if r is not None else NO_DATA
        return 1 if state in QUIET and not series else 2

    def _tag(self, r: TileResult | None, state: str) -> Text:
        style = STATE_STYLE.get(state, "")
        if r is not None and state == PENDING and r.pending_for is not None and r.for_:
            return Text(f"{state} {format_age(r.pending_for)}/{format_age(r.for_)}", style=style)
        return Text(state, style=style)

    def render(self) -> RenderableType:
        return self._compact() if self.compact else self._full()

    def _compact(self) -> RenderableType:
        r = self.result
        spec = self.spec
        width = max(10, self.size.width)
        state = r.state if r else NO_DATA
        style = STATE_STYLE.get(state, "")
        row = Table.grid(expand=True)
        row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        row.add_column(no_wrap=True, justify="right")
        title = Text(f"{GLYPHS[state]} ", style=style)
        title.append(spec.label, style="bold reverse" if self.cursor else "bold")
        right = Text()
        shown = r.display if r and r.display else "—"
        right.append(shown, style="bold" if state not in (STALE, ERROR, NO_DATA) else "dim")
        spark_w = max(0, min(12, width - len(title.plain) - len(shown) - 14))
        if spark_w >= 3:
            right.append(" ")
            right.append(sparkline(r.history if r else [], spark_w), style="dim" if state in (STALE, ERROR, NO_DATA) else style)
        if state not in QUIET:
            right.append(" ")
            right.append_text(self._tag(r, state))
        row.add_row(title, right)
        if self.lines() == 1:
            return row
        detail = Text("  ", no_wrap=True, overflow="ellipsis")
        if r is None or r.polled_at is None:
            detail.append("no sample yet", style="dim")
        elif state == ERROR:
            detail.append(r.error, style=STATE_STYLE[ERROR])
            detail.append(" · ", style="dim")
            detail.append_text(_error_detail(r))
        elif state in (NO_DATA, STALE) and r.error:
            detail.append(r.error)
        elif r.series:
            detail.append_text(_series_line(r, 2))
        else:
            want = spec.warn.text if state == WARN and spec.warn is not None else spec.threshold_text
            detail.append(f"want {want} · " if want else "", style="yellow" if state == WARN else "dim")
            detail.append(f"{format_age(r.age)} ago", style="dim")
        return Group(row, detail)

    def _full(self) -> RenderableType:
        r = self.result
        spec = self.spec
        width = max(10, self.size.width)
        state = r.state if r else NO_DATA
        style = STATE_STYLE.get(state, "")
        top = Table.grid(expand=True)
        top.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        top.add_column(no_wrap=True, justify="right")
        title = Text(f"{GLYPHS[state]} ", style=style)
        title.append(spec.label, style="bold reverse" if self.cursor else "bold")
        top.add_row(title, self._tag(r, state))

        mid = Table.grid(expand=True)
        mid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        mid.add_column(no_wrap=True, justify="right")
        value = Text("  ")
        if r is not None and state == ERROR:  # the reason first; the last value with its own age below
            value.append(r.error, style=STATE_STYLE[ERROR])
        else:
            shown = r.display if r and r.display else "—"
            value.append(shown, style="bold" if state not in (STALE, ERROR, NO_DATA) else "dim")
            if r is not None and r.series:
                value.append(f"  worst of {r.series_total}", style="dim")
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
        elif state == ERROR:
            bottom.append_text(_error_detail(r))
        else:
            bottom.append(f"{format_age(r.age)} ago", style="dim")
            if r.error and state in (NO_DATA, STALE):
                bottom.append(" · ", style="dim")
                bottom.append(r.error)
        parts: list[RenderableType] = [top, mid, bottom]
        if r is not None and r.series:
            for labels, shown in r.series[:SERIES_SHOWN]:
                line = Table.grid(expand=True)
                line.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
                line.add_column(no_wrap=True, justify="right")
                line.add_row(Text(f"    {labels}", style="dim"), Text(shown))
                parts.append(line)
        return Group(*parts)


class TilesPane(VerticalScroll, can_focus=True):
    """Live metric tiles. ``TilesPane(ws, actions, state_getter)``; ``actions=None`` is read-only.
    Focused, j/k move a highlight over the tiles and Enter asks for the highlighted tile's details
    (``DetailsRequested``: the app opens them)."""

    BINDINGS = keys.TILES

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

    @dataclass
    class DetailsRequested(Message):
        """Enter on a tile: show its details (the app opens the screen)."""

        pane: "TilesPane"
        name: str

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
        self._poller_closed = False  # not '_closing': that is Textual's MessagePump flag
        self._poller_lock = threading.Lock()
        self.cursor = 0  # the highlighted tile (shown while the pane has the focus)

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

    # -- the highlighted tile --------------------------------------------------------------------
    @property
    def highlighted(self) -> str | None:
        names = list(self.views)
        return names[min(self.cursor, len(names) - 1)] if names else None

    def _show_cursor(self) -> None:
        for i, view in enumerate(self.views.values()):
            view.set_cursor(self.has_focus and i == self.cursor)

    def _move(self, by: int) -> None:
        if not self.views:
            return
        self.cursor = max(0, min(len(self.views) - 1, self.cursor + by))
        self._show_cursor()
        self.scroll_to_widget(list(self.views.values())[self.cursor], animate=False)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_details(self) -> None:
        name = self.highlighted
        if name is None:
            self.notify("this layout has no metric tiles to show", severity="warning")
            return
        self.post_message(self.DetailsRequested(self, name))

    def on_focus(self) -> None:
        self._show_cursor()

    def on_blur(self) -> None:
        self._show_cursor()

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
                if self._poller_closed:
                    return
                # a read-only screen (the wall) polls when alone, and hands the lease to one that journals
                self.shared = SharedPoller(self.ws, self.journal_path, env=self.env, on_sample=self._from_poller,
                                           journals=self.actions is not None)
            asyncio.run(self.shared.run(beat=0.5))
            return
        with self._poller_lock:
            if self._poller_closed:
                return
            self.poller = Poller(self.specs, self._from_poller, env=self.env)
        self.poller.run_in_this_thread()  # returns at once if stopped meanwhile

    def on_unmount(self) -> None:
        self.stop_polling()

    def stop_polling(self) -> None:
        """Stop the poller for good (at unmount; the wall's tests feed samples by hand after it)."""
        with self._poller_lock:
            self._poller_closed = True
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
        if result.series:
            self._fit()
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
        self._fit()
        self._flush_verdicts(force=True)

    def on_resize(self, event: Any) -> None:
        self._fit()

    def _fit(self) -> None:
        """Full tiles when they all fit the pane's height, else the compact form for all."""
        height = self.scrollable_content_region.height or self.size.height
        if not height or not self.views:
            return
        extra = len(self.problems)
        compact = sum(v.lines(compact=False) for v in self.views.values()) + extra > height
        for view in self.views.values():
            view.set_compact(compact)

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
