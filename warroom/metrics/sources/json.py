"""``json`` tiles: a JMESPath expression into a JSON body."""

from __future__ import annotations

import json as _json
from typing import Any

import jmespath

from warroom.metrics.sample import Fetched, Sample
from warroom.metrics.sources.common import decode_text, number_sample, ok_status, status_error
from warroom.metrics.spec import TileSpec

_COMPILED: dict[str, Any] = {}


def _not_json(text: str, content_type: str, exc: ValueError) -> str:
    head = text.lstrip()[:200].lower()
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head or content_type.startswith("text/html"):
        return f"expected JSON, got HTML ({content_type or 'no content type'})"
    if not head:
        return "expected JSON, got an empty body"
    msg = getattr(exc, "msg", str(exc))
    line, col = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
    return f"body is not JSON: {msg} at line {line} column {col}"


def parse_body(fetched: Fetched) -> Any:
    """The JSON document of a response. Raises ValueError with a readable reason."""
    text = decode_text(fetched.body)
    try:
        return _json.loads(text)
    except ValueError as exc:
        raise ValueError(_not_json(text, fetched.content_type, exc)) from None


def to_sample(spec: TileSpec, found: Any, t: float, what: str) -> Sample:
    if found is None:
        return Sample(t, nodata=f"{what} not found in the response")
    if isinstance(found, bool):
        return Sample(t, value=1.0 if found else 0.0, display="true" if found else "false")
    if isinstance(found, (int, float)):
        return number_sample(spec, float(found), t)
    if isinstance(found, str):
        try:
            return number_sample(spec, float(found), t)
        except ValueError:
            return Sample(t, text=found)
    kind = "a list" if isinstance(found, list) else "a mapping"
    return Sample(t, error=f"{what} gives {kind}, not a number or text")


def extract(spec: TileSpec, fetched: Fetched, memory: dict[str, Any], t: float) -> Sample:
    if not ok_status(fetched):
        return Sample(t, error=status_error(fetched))
    try:
        doc = parse_body(fetched)
    except ValueError as exc:
        return Sample(t, error=str(exc))
    expr = _COMPILED.get(spec.path)
    if expr is None:
        expr = _COMPILED[spec.path] = jmespath.compile(spec.path)
    try:
        found = expr.search(doc)
    except jmespath.exceptions.JMESPathError as exc:
        return Sample(t, error=f"path '{spec.path}' failed: {exc}")
    return to_sample(spec, found, t, f"path '{spec.path}'")
