"""Evidence at the moment of decision: what the war room showed when someone said GO.

A sign-off, a poll answer, a criterion assessment, a hold and a rollback trigger carry, in their
payload under ``evidence``, a compact record of the war room as the acting screen showed it::

    {"tiles": {"p95": [212.5, "OK"], "health": [null, "not observed"]},
     "criteria": {"load-test-signed": "pass", "latency-ok": "unknown"},
     "decision": "PENDING", "reasons": ["Security has not signed", ...], "from": "screen"}

(the event's ``prev`` already names the journal head). A screen records the tiles it shows; the
CLI records the latest samples of the metric history no older than two intervals, or
``not observed`` — it never polls production just to sign. Events without evidence stay valid:
nothing in the state depends on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from typing import TYPE_CHECKING

from warroom.decision import decide
from warroom.state import LaunchState

if TYPE_CHECKING:  # the metrics modules load when a tile is observed, not with every screen
    from warroom.metrics.history import HistSample

NOT_OBSERVED = "not observed"
MAX_REASONS = 20


@dataclass
class ObservedTile:
    """A tile as the metric history last saw it (the ``TileVerdict`` the decision reads)."""

    name: str
    value: float | str | None
    state: str
    passing: bool
    summary: str
    at: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "state": self.state, "value": self.value, "passing": self.passing,
                "summary": self.summary, "sampled_at": self.at, "source": "metric history"}


def _compact(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.6g}") if value == value and abs(value) != float("inf") else str(value)
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def build(state: LaunchState, tiles: Mapping[str, Any] | None, source: str) -> dict[str, Any]:
    """The evidence for an action taken now on ``state`` with these tile verdicts (objects with
    ``value``, ``state``, ``passing`` and ``summary``; a layout tile missing from them is
    recorded as not observed)."""
    tiles = tiles or {}
    shown: dict[str, list[Any]] = {}
    for spec in state.ws.layout.tiles:
        v = tiles.get(spec.name)
        shown[spec.name] = [None, NOT_OBSERVED] if v is None else [_compact(getattr(v, "value", None)), str(v.state)]
    decision = decide(state, tiles=tiles)
    out: dict[str, Any] = {}
    if shown:
        out["tiles"] = shown
    if decision.criteria:
        out["criteria"] = {cv.criterion.id: cv.state for cv in decision.criteria}
    out["decision"] = decision.verdict
    out["reasons"] = [r.text for r in decision.reasons[:MAX_REASONS]]
    if len(decision.reasons) > MAX_REASONS:
        out["reasons"].append(f"… and {len(decision.reasons) - MAX_REASONS} more")
    out["from"] = source
    return out


def observed_from_history(ws: Any, samples: Mapping[str, list[HistSample]], now: float) -> dict[str, ObservedTile]:
    """Each tile's latest sample no older than two of its intervals (older ones are not observed)."""
    from warroom.metrics.threshold import format_value

    out: dict[str, ObservedTile] = {}
    for spec in ws.layout.tiles:
        rows = samples.get(spec.name)
        if not rows:
            continue
        last = rows[-1]
        if now - last.t > 2 * spec.interval or last.t > now + 1:
            continue
        shown = format_value(last.value, spec.unit) if last.value is not None else "—"
        summary = f"{spec.label} ({shown}) {spec.threshold_text}: {last.state} (metric history)".replace("  ", " ")
        out[spec.name] = ObservedTile(spec.name, last.value, last.state, last.passing, summary, last.t)
    return out


def from_history(journal_path: Any, clock: Callable[[], float] = time.time) -> Callable[[LaunchState], dict[str, Any]]:
    """An evidence provider for the CLI: the metric history beside the journal (a file's path) or
    in its database (``side.where_of``), never a poll."""

    def provide(state: LaunchState) -> dict[str, Any]:
        tiles: dict[str, ObservedTile] = {}
        if state.ws.layout.tiles:
            from warroom.metrics.side import read_samples

            tiles = observed_from_history(state.ws, read_samples(journal_path), clock())
        return build(state, tiles, "metric history")

    return provide


def from_verdicts(verdicts: Callable[[], Mapping[str, Any] | None], source: str = "screen") -> Callable[[LaunchState], dict[str, Any]]:
    """An evidence provider for a screen: the verdicts its tiles show right now."""
    return lambda state: build(state, verdicts(), source)
