"""One poll round of a layout's tiles, for ``warroom status --json`` and ``warroom probe``."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Iterable, Mapping

from warroom.errors import ActionError
from warroom.metrics.evaluate import TileEvaluator, TileResult
from warroom.metrics.poller import Poller
from warroom.metrics.spec import TileSpec

RATE_GAP = 1.0  # seconds between the two polls a rate needs


def select_tiles(layout: Any, names: Iterable[str] | None) -> list[TileSpec]:
    """The enabled tiles; or the named ones, disabled or not (a person asked for them by name)."""
    specs: list[TileSpec] = list(layout.tiles)
    if not names:
        return specs
    by_name = {s.name: s for s in getattr(layout, "all_tiles", specs)}
    out = []
    for name in names:
        if name not in by_name:
            from warroom.errors import did_you_mean

            known = ", ".join(by_name) or "(none)"
            raise ActionError(f"unknown tile '{name}'{did_you_mean(name, by_name)}; tiles: {known}")
        out.append(by_name[name])
    return out


async def poll_round(specs: list[TileSpec], timeout: float | None = None, env: Mapping[str, str] | None = None) -> dict[str, TileResult]:
    """Poll every tile once, concurrently (a second time after a short gap when a rate needs it)."""
    if timeout is not None:
        specs = [_with_timeout(s, timeout) for s in specs]
    evaluators = {s.name: TileEvaluator(s) for s in specs}
    async with Poller(specs, env=env) as poller:
        samples = await asyncio.gather(*(poller.poll(s.name) for s in specs))
        again = [s for s, sample in zip(specs, samples) if "second sample" in sample.nodata]
        for s, sample in zip(specs, samples):
            evaluators[s.name].observe(sample)
        if again:
            await asyncio.sleep(min(RATE_GAP, min(s.interval for s in again)))
            for s, sample in zip(again, await asyncio.gather(*(poller.poll(s.name) for s in again))):
                evaluators[s.name].observe(sample)
    now = time.time()
    return {name: ev.result(now) for name, ev in evaluators.items()}


def _with_timeout(spec: TileSpec, timeout: float) -> TileSpec:
    from dataclasses import replace

    return replace(spec, timeout=timeout)


def poll_once(layout: Any, names: Iterable[str] | None = None, timeout: float | None = None,
              env: Mapping[str, str] | None = None) -> dict[str, TileResult]:
    """Poll a layout's tiles (or the named ones) once and evaluate them. Synchronous."""
    return probe_specs(select_tiles(layout, names), timeout, env)


def probe_specs(specs: list[TileSpec], timeout: float | None = None,
                env: Mapping[str, str] | None = None) -> dict[str, TileResult]:
    """Poll the given tile specs once (a tile being edited, say) and evaluate them. Synchronous."""
    if not specs:
        return {}
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(poll_round(specs, timeout, env))
    # called from inside an event loop: run the round on a loop of its own in a thread
    out: dict[str, dict[str, TileResult]] = {}

    def run() -> None:
        out["r"] = asyncio.run(poll_round(specs, timeout, env))

    th = threading.Thread(target=run, name="warroom-probe")
    th.start()
    th.join()
    return out["r"]
