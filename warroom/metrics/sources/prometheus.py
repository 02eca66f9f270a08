"""``prometheus`` tiles: scrape the text exposition format and select, sum, rate or quantile.

Parsing is prometheus_client's parser. Series are selected by metric name and label matchers
and summed (``aggregate: max | min`` instead, or ``none`` to show them apart with their labels). Counters (``counter`` families, ``_total`` names, histogram/summary ``_count`` and
``_sum``) become per-second rates between two polls, per series, with counter resets handled
the way Prometheus does (a drop means the counter restarted from zero). Histograms give a
quantile from their buckets (Prometheus' ``histogram_quantile`` interpolation) over the
observations since the previous poll, or since the start on the first poll. Summaries give
``quantile`` from their own ``{quantile="0.95"}`` series: several of them (per route, per
instance) cannot be added up, so they are shown apart unless ``aggregate`` says otherwise.
"""

from __future__ import annotations

import math
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from warroom.metrics.sample import Fetched, Sample
from warroom.metrics.sources.common import (aggregate_sample, decode_text, label_text, number_sample, ok_status,
                                            status_error)
from warroom.metrics.spec import Selector, TileSpec

SeriesKey = tuple[tuple[str, str], ...]


class Exposition:
    """Samples by name: ``name -> [(labels, value)]`` and the family type of each sample name."""

    def __init__(self, text: str) -> None:
        self.samples: dict[str, list[tuple[dict[str, str], float]]] = {}
        self.types: dict[str, str] = {}
        self.families: dict[str, str] = {}
        try:
            for fam in text_string_to_metric_families(text):
                self.families.setdefault(fam.name, fam.type)
                for s in fam.samples:
                    self.samples.setdefault(s.name, []).append((s.labels, float(s.value)))
                    if fam.type != "unknown" or s.name not in self.types:
                        self.types[s.name] = fam.type
        except Exception as exc:  # the parser raises ValueError, IndexError, ... on bad lines
            raise ValueError(f"malformed exposition text: {exc}") from None

    def is_counter(self, name: str) -> bool:
        kind = self.types.get(name, "unknown")
        if kind == "counter":
            return True
        if kind in ("histogram", "summary", "gaugehistogram") and name.endswith(("_count", "_sum", "_bucket")):
            return True
        return kind == "unknown" and name.endswith("_total")

    def family_type(self, name: str) -> str:
        return self.families.get(name) or self.types.get(name, "unknown")

    def select(self, sel: Selector, name: str | None = None) -> dict[SeriesKey, float]:
        out: dict[SeriesKey, float] = {}
        for labels, value in self.samples.get(name or sel.metric, []):
            if sel.matches(labels):
                out[tuple(sorted(labels.items()))] = value
        return out


def counter_increase(prev: dict[SeriesKey, float], cur: dict[SeriesKey, float]) -> float:
    """Sum of per-series increases; a series that went down restarted (reset) from zero."""
    total = 0.0
    for key, value in cur.items():
        before = prev.get(key)
        if before is None:
            continue
        total += value - before if value >= before else value
    return total


def histogram_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus' interpolation over cumulative ``(upper_bound, count)`` buckets."""
    buckets = sorted(buckets)
    if not buckets or not math.isinf(buckets[-1][0]):
        raise ValueError("histogram has no +Inf bucket")
    total = buckets[-1][1]
    if total <= 0:
        return math.nan
    rank = q * total
    for i, (le, count) in enumerate(buckets):
        if count >= rank:
            if math.isinf(le):
                return buckets[i - 1][0] if i > 0 else math.nan
            start, start_count = (0.0, 0.0) if i == 0 else buckets[i - 1]
            if i == 0 and le <= 0:
                return le
            if count == start_count:
                return le
            return start + (le - start) * (rank - start_count) / (count - start_count)
    return buckets[-2][0] if len(buckets) > 1 else math.nan


def _bucket_counts(expo: Exposition, sel: Selector) -> dict[SeriesKey, float]:
    return expo.select(sel, sel.metric + "_bucket") if sel.metric + "_bucket" in expo.samples else expo.select(sel)


def _as_number(text: str) -> tuple[float, str]:
    try:
        return float(text), text
    except ValueError:
        return math.inf, text


def _summary_quantile(spec: TileSpec, expo: Exposition, sel: Selector, t: float) -> Sample:
    """A summary's own quantile series: ``name{quantile="0.95"}``, one per other label set."""
    q = spec.quantile or 0.0
    found: list[tuple[str, float]] = []
    offered: set[str] = set()
    for labels, value in expo.samples.get(sel.metric, []):
        if not sel.matches(labels) or "quantile" not in labels:
            continue
        offered.add(labels["quantile"])
        try:
            hit = math.isclose(float(labels["quantile"]), q, rel_tol=0, abs_tol=1e-9)
        except ValueError:
            continue
        if hit:
            found.append((label_text({k: v for k, v in labels.items() if k != "quantile"}), value))
    if not found:
        if offered:
            listed = ", ".join(sorted(offered, key=_as_number))
            return Sample(t, error=f"summary {sel.metric} has no quantile {q:g} (it has {listed})")
        return Sample(t, nodata=f"no series of {sel.metric} match {sel.text}")
    if len(found) > 1 and spec.aggregate in ("", "none"):
        return aggregate_sample(spec, found, t, "none", what=f"p{q * 100:g}")
    return aggregate_sample(spec, found, t, spec.aggregate or "max", what=f"p{q * 100:g}")


def _quantile(spec: TileSpec, expo: Exposition, sel: Selector, memory: dict[str, Any], t: float) -> Sample:
    if expo.family_type(sel.metric) == "summary" or (
            sel.metric + "_bucket" not in expo.samples
            and any("quantile" in labels for labels, _ in expo.samples.get(sel.metric, []))):
        return _summary_quantile(spec, expo, sel, t)
    series = _bucket_counts(expo, sel)
    if not series:
        return Sample(t, nodata=f"no histogram buckets for {sel.text}")
    prev: dict[SeriesKey, float] | None = memory.get("buckets")
    memory["buckets"] = series
    counts = series
    if prev is not None:
        delta = {}
        for key, value in series.items():
            before = prev.get(key, value)
            delta[key] = value - before if value >= before else value
        by_le = _sum_by_le(delta)
        if by_le and max(c for _, c in by_le) > 0:
            counts = delta
    by_le = _sum_by_le(counts)
    if any(le is None for le, _ in by_le):
        return Sample(t, error=f"{sel.metric} buckets lack a valid 'le' label")
    try:
        value = histogram_quantile(spec.quantile or 0.0, by_le)  # type: ignore[arg-type]
    except ValueError as exc:
        return Sample(t, error=str(exc))
    if math.isnan(value):
        return Sample(t, nodata="the histogram has no observations yet")
    return number_sample(spec, value, t, what=f"p{(spec.quantile or 0) * 100:g}")


def _sum_by_le(series: dict[SeriesKey, float]) -> list[tuple[Any, float]]:
    out: dict[Any, float] = {}
    for key, value in series.items():
        le_text = dict(key).get("le")
        try:
            le = float(le_text) if le_text is not None else None
        except ValueError:
            le = None
        out[le] = out.get(le, 0.0) + value
    return list(out.items())


def _series(expo: Exposition, sel: Selector, spec: TileSpec, memory: dict[str, Any], key: str,
            t: float) -> tuple[dict[SeriesKey, float] | None, str]:
    """Each matching series' value (for counters, its per-second rate); ``(None, reason)`` when absent."""
    name = sel.metric
    if name not in expo.samples:
        kind = expo.family_type(name)
        for suffix in ("_total",):
            if name + suffix in expo.samples:
                name = name + suffix
                break
        else:
            if kind in ("histogram", "summary"):
                return None, f"{name} is a {kind}: give 'quantile', or select {name}_count or {name}_sum"
            names = sorted(expo.samples)
            has = ", ".join(names[:8]) + (f", ... ({len(names)} in all)" if len(names) > 8 else "")
            return None, f"metric {name} not found in the exposition" + (f" (it has: {has})" if names else " (it is empty)")
    series = expo.select(sel, name)
    if not series:
        return None, f"no series of {name} match {sel.text}"
    rate = spec.rate if spec.rate is not None else expo.is_counter(name)
    if not rate:
        return series, ""
    prev = memory.get(key)
    memory[key] = (t, series)
    if prev is None:
        return None, "a rate needs a second sample"
    t0, before = prev
    dt = t - t0
    if dt <= 0:
        memory[key] = prev
        return None, "a rate needs a later sample"
    rates = {k: counter_increase(before, {k: v}) / dt for k, v in series.items() if k in before}
    if not rates:
        return None, "a rate needs a second sample of the same series"
    return rates, ""


def _value(expo: Exposition, sel: Selector, spec: TileSpec, memory: dict[str, Any], key: str, t: float) -> tuple[float | None, str]:
    """The summed (or max/min) value of a selector's series; ``(None, reason)`` when absent."""
    series, why = _series(expo, sel, spec, memory, key, t)
    if series is None:
        return None, why
    values = list(series.values())
    if spec.aggregate == "max":
        return max(values), ""
    if spec.aggregate == "min":
        return min(values), ""
    return (math.fsum(values) if all(math.isfinite(v) for v in values) else sum(values)), ""


def extract(spec: TileSpec, fetched: Fetched, memory: dict[str, Any], t: float) -> Sample:
    if not ok_status(fetched):
        return Sample(t, error=status_error(fetched))
    try:
        expo = Exposition(decode_text(fetched.body))
    except ValueError as exc:
        return Sample(t, error=str(exc))
    sel = spec.select
    assert sel is not None
    if spec.quantile is not None:
        return _quantile(spec, expo, sel, memory, t)
    if spec.aggregate == "none" and spec.ratio_to is None:
        series, why = _series(expo, sel, spec, memory, "rate", t)
        if series is None:
            return Sample(t, nodata=why)
        return aggregate_sample(spec, [(label_text(dict(k)), v) for k, v in series.items()], t, "none")
    value, why = _value(expo, sel, spec, memory, "rate", t)
    if spec.ratio_to is not None:
        denom, why2 = _value(expo, spec.ratio_to, spec, memory, "rate_to", t)
        if value is None or denom is None:
            return Sample(t, nodata=why or why2)
        if denom == 0:
            return Sample(t, nodata=f"{spec.ratio_to.metric} is 0 (nothing to divide by)")
        return number_sample(spec, value / denom, t)
    if value is None:
        return Sample(t, nodata=why)
    return number_sample(spec, value, t)
