"""Helpers shared by the source extractors."""

from __future__ import annotations

import math

from warroom.metrics.sample import Fetched, Sample
from warroom.metrics.spec import TileSpec


def status_error(fetched: Fetched) -> str:
    return f"HTTP {fetched.status} {fetched.reason}".strip()


def decode_text(body: bytes) -> str:
    """UTF-8 text or a ValueError naming the bad byte."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"body is not valid UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})") from None


def ok_status(fetched: Fetched) -> bool:
    return 200 <= fetched.status < 300


def number_sample(spec: TileSpec, value: float, t: float, unit: str = "", what: str = "value") -> Sample:
    """A numeric sample in the tile's unit, or an ERROR for NaN and infinities."""
    if math.isnan(value):
        return Sample(t, error=f"{what} is NaN (not a number)")
    if math.isinf(value):
        return Sample(t, error=f"{what} is {'+' if value > 0 else '-'}Inf")
    return Sample(t, value=spec.to_value(value, unit))


TOP_SERIES = 10  # series kept per sample when they are shown apart
_CONTROL = dict.fromkeys(list(range(32)) + [127], " ")


def label_text(labels: dict[str, str], limit: int = 80) -> str:
    """``code=500 route=/pay`` (``__name__`` left out, control characters blanked, capped)."""
    parts = [f"{k}={v}" for k, v in sorted(labels.items()) if k != "__name__"]
    text = " ".join(parts).translate(_CONTROL) or "{}"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def aggregate_sample(spec: TileSpec, series: list[tuple[str, float]], t: float, how: str, what: str = "value",
                     unit: str = "") -> Sample:
    """Several series as one sample: summed, the max, the min, or (``none``) kept apart, worst first."""
    if how in ("sum", "max", "min") or len(series) == 1:
        values = [v for _, v in series]
        if how == "max":
            total = max(values)
        elif how == "min":
            total = min(values)
        else:
            total = math.fsum(values) if all(math.isfinite(v) for v in values) else sum(values)
        return number_sample(spec, total, t, unit=unit, what=what)
    finite = [(label, spec.to_value(v, unit)) for label, v in series if math.isfinite(v)]
    if not finite:
        return Sample(t, error=f"every one of the {len(series)} series is NaN or infinite")
    finite.sort(key=lambda p: (-p[1] if spec.worst_is_highest else p[1], p[0]))
    worst = finite[0][1]
    return Sample(t, value=worst, series=finite[:TOP_SERIES], series_total=len(series))
