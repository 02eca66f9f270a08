"""``promql`` tiles: an instant query against a Prometheus HTTP API (``/api/v1/query``).

A vector of several series is shown series by series with their labels, worst first (the worst
is the tile's value), unless the tile asks for ``aggregate: sum | max | min``.
"""

from __future__ import annotations

from typing import Any

from warroom.metrics.sample import Fetched, Sample
from warroom.metrics.sources.common import aggregate_sample, label_text, number_sample, status_error
from warroom.metrics.sources.json import parse_body
from warroom.metrics.spec import TileSpec


def _number(spec: TileSpec, pair: Any, t: float) -> Sample:
    if not isinstance(pair, list) or len(pair) != 2:
        return Sample(t, error=f"unexpected sample in the query result: {str(pair)[:60]}")
    try:
        value = float(pair[1])
    except (TypeError, ValueError):
        return Sample(t, error=f"the query result {str(pair[1])[:40]!r} is not a number")
    return number_sample(spec, value, t, what="query result")


def extract(spec: TileSpec, fetched: Fetched, memory: dict[str, Any], t: float) -> Sample:
    try:
        doc = parse_body(fetched)
    except ValueError as exc:
        if not 200 <= fetched.status < 300:
            return Sample(t, error=status_error(fetched))
        return Sample(t, error=str(exc))
    if not isinstance(doc, dict) or "status" not in doc:
        if not 200 <= fetched.status < 300:
            return Sample(t, error=status_error(fetched))
        return Sample(t, error="not a Prometheus API response (no 'status')")
    if doc.get("status") != "success":
        kind = doc.get("errorType") or "error"
        return Sample(t, error=f"query failed: {kind}: {str(doc.get('error') or '')[:200]}")
    data = doc.get("data") or {}
    rtype, result = data.get("resultType"), data.get("result")
    if rtype == "scalar":
        return _number(spec, result, t)
    if rtype == "string":
        if isinstance(result, list) and len(result) == 2:
            return Sample(t, text=str(result[1]))
        return Sample(t, error="unexpected string result")
    if rtype == "vector":
        if not isinstance(result, list):
            return Sample(t, error="unexpected vector result")
        if not result:
            return Sample(t, nodata="query returned no series")
        if len(result) == 1:
            return _number(spec, (result[0] or {}).get("value"), t)
        series: list[tuple[str, float]] = []
        for item in result:
            item = item if isinstance(item, dict) else {}
            one = _number(spec, item.get("value"), t)
            if one.error and "NaN" not in one.error and "Inf" not in one.error:
                return one
            pair = item.get("value")
            metric = item.get("metric") if isinstance(item.get("metric"), dict) else {}
            series.append((label_text({str(k): str(v) for k, v in metric.items()}), float(pair[1])))
        return aggregate_sample(spec, series, t, spec.aggregate or "none", what="query result")
    if rtype == "matrix":
        return Sample(t, error="query returned a range vector; use an instant query")
    return Sample(t, error=f"unknown result type {rtype!r}")
