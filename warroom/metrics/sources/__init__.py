"""Turning a fetched response into a sample, one module per source kind."""

from __future__ import annotations

from typing import Any, Callable

from warroom.metrics.sample import Fetched, Sample
from warroom.metrics.spec import TileSpec
from warroom.metrics.sources import http, json, prometheus, promql

Extractor = Callable[[TileSpec, Fetched, dict[str, Any], float], Sample]

EXTRACTORS: dict[str, Extractor] = {
    "json": json.extract,
    "prometheus": prometheus.extract,
    "promql": promql.extract,
    "http": http.extract,
}


def request_url(spec: TileSpec, url: str) -> tuple[str, dict[str, str]]:
    """The URL to fetch and its query parameters (``url`` already has env refs resolved)."""
    if spec.source == "promql":
        base = url.rstrip("/")
        if not base.endswith("/api/v1/query"):
            base += "/api/v1/query"
        return base, {"query": spec.query}
    return url, {}


def extract(spec: TileSpec, fetched: Fetched, memory: dict[str, Any], t: float) -> Sample:
    return EXTRACTORS[spec.source](spec, fetched, memory, t)
