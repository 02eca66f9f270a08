"""Tile states from samples: thresholds, ``for:`` (Prometheus semantics), staleness, history.

States: OK, WARN, CRIT, PENDING (a breach that has not held for ``for:`` yet), STALE (no fresh
sample within ``stale_after``), ERROR (with its reason) and NO DATA. OK and WARN pass, and so
does a PENDING warn breach (the value still meets crit); a stale, errored or missing value, or a
pending crit breach, never counts as passing.

``for:`` works like a Prometheus alert rule: a breach becomes active at the first sample that
breaches, stays PENDING while every later sample still breaches, and turns into WARN/CRIT once
``now - active_since >= for``. A sample that does not breach, an error, or no data resets it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from warroom.metrics.sample import Sample
from warroom.metrics.spec import TileSpec
from warroom.metrics.threshold import Condition, format_value

OK, WARN, CRIT, PENDING, STALE, ERROR, NO_DATA = "OK", "WARN", "CRIT", "PENDING", "STALE", "ERROR", "NO DATA"
STATES = [OK, WARN, CRIT, PENDING, STALE, ERROR, NO_DATA]
PASSING = (OK, WARN)
GLYPHS = {OK: "✓", WARN: "▲", CRIT: "✗", PENDING: "◔", STALE: "◌", ERROR: "!", NO_DATA: "·"}


def format_age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


class BreachTimer:
    """Tracks how long a breach has held; ``state`` is 'ok', 'pending' or 'firing'."""

    def __init__(self, for_: float) -> None:
        self.for_ = for_
        self.since: float | None = None

    def observe(self, breach: bool, t: float) -> str:
        if not breach:
            self.since = None
            return "ok"
        if self.since is None:
            self.since = t
        return "firing" if t - self.since >= self.for_ else "pending"

    def reset(self) -> None:
        self.since = None


@dataclass
class TileResult:
    """A tile's verdict right now (what the decision, the CLI and the screen read)."""

    name: str
    label: str
    state: str
    value: float | str | None = None
    unit: str = ""
    display: str = ""  # the value with its unit, as shown
    threshold: str = ""
    error: str = ""  # ERROR / NO DATA / STALE reason
    passing: bool = False
    summary: str = ""
    sampled_at: float | None = None  # epoch seconds of the last sample with a value
    polled_at: float | None = None  # epoch seconds of the last poll (any outcome)
    age: float | None = None  # seconds since the last poll, at evaluation time
    pending_for: float | None = None  # seconds a pending breach has held
    for_: float = 0.0
    history: list[float] = field(default_factory=list)
    retry_in: float | None = None  # backing off after repeated errors: seconds to the next try
    value_age: float | None = None  # seconds since the last sample with a value (its own age)
    series: list[tuple[str, str]] = field(default_factory=list)  # (labels, shown value), worst first
    series_total: int = 0  # how many series there were (only the first few are kept)
    source: str = ""
    url: str = ""  # as written (env refs unresolved)

    def to_json(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, float) and value != value:
            value = None
        return {"name": self.name, "label": self.label, "state": self.state, "value": value, "unit": self.unit,
                "display": self.display, "threshold": self.threshold, "passing": self.passing,
                "summary": self.summary, "error": self.error or None, "age_seconds": None if self.age is None else round(self.age, 3),
                "source": self.source, "url": self.url}


class TileEvaluator:
    """Feeds on samples and says the tile's state at any moment."""

    def __init__(self, spec: TileSpec) -> None:
        self.spec = spec
        self.history: deque[float] = deque(maxlen=spec.history)
        self.last: Sample | None = None
        self.last_value: Sample | None = None
        self.crit_timer = BreachTimer(spec.for_)
        self.warn_timer = BreachTimer(spec.for_)
        self.level = OK  # OK, WARN, CRIT or PENDING from the last good sample

    def observe(self, sample: Sample) -> None:
        self.last = sample
        if not sample.ok:
            self.crit_timer.reset()
            self.warn_timer.reset()
            return
        self.last_value = sample
        if sample.value is not None:
            self.history.append(sample.value)
        value = sample.value if sample.value is not None else sample.text
        crit = self.crit_timer.observe(self.spec.crit is not None and not self.spec.crit.holds(value), sample.t)
        warn = self.warn_timer.observe(self.spec.warn is not None and not self.spec.warn.holds(value), sample.t)
        if crit == "firing":
            self.level = CRIT
        elif crit == "pending":
            self.level = PENDING
        elif warn == "firing":
            self.level = WARN
        elif warn == "pending":
            self.level = PENDING
        else:
            self.level = OK

    def _display(self, sample: Sample) -> str:
        if sample.display:
            return sample.display
        return format_value(sample.value if sample.value is not None else sample.text, self.spec.unit)

    def result(self, now: float) -> TileResult:
        spec = self.spec
        r = TileResult(spec.name, spec.label, NO_DATA, unit=spec.unit, threshold=spec.threshold_text,
                       history=list(self.history), source=spec.source, url=spec.secret_free_url(), for_=spec.for_)
        last = self.last
        if last is None:
            r.error = "no sample yet"
            r.summary = f"{spec.label}: NO DATA (no sample yet)"
            return r
        r.polled_at = last.t
        r.age = now - last.t
        if self.last_value is not None:
            r.sampled_at = self.last_value.t
            lv = self.last_value
            r.value = lv.value if lv.value is not None else lv.text
            r.display = self._display(lv)
            r.value_age = now - lv.t
            r.series = [(labels, format_value(v, spec.unit)) for labels, v in lv.series]
            r.series_total = lv.series_total
        if last.error:
            r.state, r.error = ERROR, last.error
            r.retry_in = last.extra.get("retry_in")
        elif last.nodata:
            r.state, r.error = NO_DATA, last.nodata
        elif now - last.t > spec.stale_after:
            r.state, r.error = STALE, f"no fresh sample for {format_age(now - last.t)}"
        else:
            r.state = self.level
            if self.level == PENDING:
                since = [s for s in (self.crit_timer.since, self.warn_timer.since) if s is not None]
                r.pending_for = max(0.0, last.t - min(since)) if since else 0.0
        # A pending warn breach still meets crit: it passes. A pending crit breach does not (yet
        # it is not a failure either: the decision waits for it, Prometheus-style).
        r.passing = r.state in PASSING or (r.state == PENDING and self.crit_timer.since is None)
        r.summary = self._summary(r)
        return r

    def _summary(self, r: TileResult) -> str:
        if r.state in (ERROR, NO_DATA, STALE):
            return f"{r.label}: {r.state} ({r.error})"
        cond = self.spec.crit
        shown = f"{r.label} ({r.display})"
        if r.series:  # the worst of several series: say which
            shown = f"{r.label} ({r.display} at {r.series[0][0]}, worst of {r.series_total})"
        if cond is None:
            return f"{shown} ✓"
        mark = "✓" if cond.holds(r.value) else "✗"
        text = f"{shown} {cond.text} {mark}"
        if r.state == PENDING:
            text += f" pending {format_age(r.pending_for)} of {format_age(self.spec.for_)}"
        elif r.state == WARN and self.spec.warn is not None:
            text += f" (warn: {self.spec.warn.text})"
        return text


@dataclass
class RollbackResult:
    criterion_id: str
    name: str
    tile: str
    fired: bool
    changed: bool
    value: float | str | None
    text: str


class RollbackEvaluator:
    """A rollback trigger: fires when its breach condition (or its tile's CRIT) has held ``for``.

    The threshold of a rollback trigger is the breach (``> 1%``), not the healthy condition.
    """

    def __init__(self, criterion: Any, tile: TileSpec, condition: Condition | None) -> None:
        self.criterion = criterion
        self.tile = tile
        self.condition = condition
        for_ = criterion.for_.total_seconds() if criterion.for_ is not None else 0.0
        self.timer = BreachTimer(for_)
        self.fired = False

    def observe(self, sample: Sample, tile_state: str) -> RollbackResult:
        value: float | str | None = None
        if sample.ok:
            value = sample.value if sample.value is not None else sample.text
            breach = self.condition.holds(value) if self.condition is not None else tile_state == CRIT
        else:
            breach = False
        fired = self.timer.observe(breach, sample.t) == "firing"
        changed = fired != self.fired
        self.fired = fired
        crit = self.criterion
        shown = format_value(value, self.tile.unit) if value is not None else "—"
        cond = self.condition.text if self.condition is not None else "CRIT"
        for_text = f" for {format_age(self.timer.for_)}" if self.timer.for_ else ""
        text = f"ROLLBACK: {crit.name} — {self.tile.label} ({shown}) {cond}{for_text}"
        return RollbackResult(crit.id, crit.name, self.tile.name, fired, changed, value, text)
