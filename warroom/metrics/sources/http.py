"""``http`` tiles: status code, response time, body contains/matches, days of TLS certificate left."""

from __future__ import annotations

import re
from typing import Any

from warroom.metrics.sample import Fetched, Sample
from warroom.metrics.sources.common import decode_text, number_sample, status_error
from warroom.metrics.spec import TileSpec


def extract(spec: TileSpec, fetched: Fetched, memory: dict[str, Any], t: float) -> Sample:
    check = spec.check or "status"
    if check == "status":
        return Sample(t, value=float(fetched.status), display=str(fetched.status), elapsed=fetched.elapsed)
    if check == "cert_days":
        if fetched.cert_not_after is None:
            return Sample(t, error=memory.get("cert_error") or "no TLS certificate seen (cert_days needs an https:// URL with verification on)")
        return number_sample(spec, (fetched.cert_not_after - t) / 86400.0, t, unit="days", what="certificate lifetime")
    if fetched.status >= 400:
        return Sample(t, error=status_error(fetched))
    if check == "response_time":
        return number_sample(spec, fetched.elapsed, t, unit="s", what="response time")
    try:
        text = decode_text(fetched.body)
    except ValueError as exc:
        return Sample(t, error=str(exc))
    if check == "contains":
        hit = spec.pattern in text
        return Sample(t, value=1.0 if hit else 0.0, display="found" if hit else "missing")
    hit = re.search(spec.pattern, text) is not None
    return Sample(t, value=1.0 if hit else 0.0, display="matches" if hit else "no match")
