"""The live evaluation of a war room's tiles: pure, no UI.

Samples come in (from the poller, or injected by tests); each tile's evaluator turns them into a
result; the rollback triggers bound to a tile watch it. State transitions — not every sample —
go to the journal through ``Actions`` (the once-only append: screens that see the same
transition at once record it once). What a screen needs to redraw comes back from ``feed`` and
``refresh``; ``take_verdicts`` says when the decision should be told.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from warroom.errors import ActionError
from warroom.metrics.evaluate import NO_DATA, RollbackEvaluator, TileEvaluator, TileResult
from warroom.metrics.sample import Sample
from warroom.metrics.spec import TileSpec, rollback_condition


@dataclass(frozen=True)
class Fired:
    """A rollback trigger that fired on a sample."""

    criterion_id: str
    text: str


def plain(value: Any) -> Any:
    """A value as the journal keeps it: 6 significant digits; NaN and infinities as text."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return float(f"{value:.6g}")
    return value


class Monitor:
    """Every tile's evaluator and every rollback trigger of a workspace.

    ``actions=None`` is read-only: nothing is journaled. ``state_getter`` gives the replayed
    launch state (a tile's last journaled state, and the state actions check against).
    ``on_journal_error`` hears of an append that failed (told once by the screen)."""

    def __init__(self, ws: Any, actions: Any, state_getter: Callable[[], Any] | None,
                 on_journal_error: Callable[[Exception], None] | None = None) -> None:
        self.actions = actions
        self.state_getter = state_getter
        self.on_journal_error = on_journal_error
        self.specs: list[TileSpec] = list(ws.layout.tiles)
        self.evaluators = {s.name: TileEvaluator(s) for s in self.specs}
        self.results: dict[str, TileResult] = {}
        self.states: dict[str, str] = {}
        self.problems: list[str] = []
        self.rollbacks: dict[str, list[RollbackEvaluator]] = {}
        by_name = {s.name: s for s in self.specs}
        for crit in ws.layout.criteria:
            if crit.kind != "rollback" or crit.tile not in by_name:
                continue
            try:
                cond = rollback_condition(crit.threshold, by_name[crit.tile])
            except ValueError as exc:
                self.problems.append(f"rollback trigger {crit.id}: {exc}")
                continue
            self.rollbacks.setdefault(crit.tile, []).append(RollbackEvaluator(crit, by_name[crit.tile], cond))
        self._verdict_key: dict[str, tuple[bool, str]] = {}
        self._dirty = False  # a summary changed: told within a second
        self._urgent = False  # a verdict flipped: told at once

    def feed(self, name: str, sample: Sample, now: float) -> tuple[TileResult | None, list[Fired]]:
        """Apply one sample to a tile: its new result and the rollback triggers it fired."""
        ev = self.evaluators.get(name)
        if ev is None:
            return None, []
        ev.observe(sample)
        result = self.refresh(name, now)
        fired = []
        for rb in self.rollbacks.get(name, []):
            out = rb.observe(sample, result.state)
            if out.changed:
                self._journal(self.actions and self.actions.rollback_trigger, out.criterion_id, out.fired,
                              plain(out.value), out.text)
                if out.fired:
                    fired.append(Fired(out.criterion_id, out.text))
        return result, fired

    def refresh(self, name: str, now: float) -> TileResult:
        """A tile's result now (ages and staleness move with the clock); a state transition is
        journaled."""
        result = self.evaluators[name].result(now)
        self.results[name] = result
        before = self.states.get(name)
        if before is None:
            known = getattr(self.state_getter(), "metrics", {}).get(name) if self.state_getter else None
            before = known.state if known is not None else NO_DATA
            self.states[name] = before
        if result.state != before:
            self.states[name] = result.state
            if not (result.state == NO_DATA and result.polled_at is None):
                self._journal(self.actions and self.actions.metric_state, name, before, result.state,
                              plain(result.value), result.error)
        key = (result.passing, result.summary)
        old = self._verdict_key.get(name)
        if old != key:
            self._verdict_key[name] = key
            self._dirty = True
            if old is None or old[0] != key[0]:
                self._urgent = True
        return result

    def take_verdicts(self, force: bool) -> dict[str, TileResult] | None:
        """Every tile's result when the decision should hear of them: at once when a verdict
        flipped, else (``force``, once a tick) when a summary changed; None otherwise."""
        if self._urgent or (force and self._dirty):
            self._dirty = self._urgent = False
            return dict(self.results)
        return None

    def _journal(self, append: Callable[..., Any] | None, *args: Any) -> None:
        if append is None:
            return
        try:
            append(self.state_getter() if self.state_getter else None, *args)
        except (ActionError, OSError) as exc:
            if self.on_journal_error is not None:
                self.on_journal_error(exc)
