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
