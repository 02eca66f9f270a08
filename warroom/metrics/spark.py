"""Sparklines with a scale floor, so noise in the last digits never draws as a full swing.

A sparkline scaled to its own min/max draws 0.09499999 and 0.095 as the lowest and the highest
bar. The scale here spans at least ``FLOOR`` (1 %) of the largest magnitude drawn (and a tiny
absolute amount for values at zero); a range smaller than that is centred on its middle, so a
steady value is a flat line at mid height and a real move still fills the height.
"""

from __future__ import annotations

import math

BARS = "▁▂▃▄▅▆▇█"
FLOOR = 0.01  # the scale spans at least this fraction of the largest magnitude
ABS_FLOOR = 1e-9


def spark_levels(values: list[float], width: int, floor: float = FLOOR) -> list[int]:
    """The last ``width`` finite values as levels 0..7."""
    vals = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)][-max(0, width):] if width > 0 else []
    if not vals:
        return []
    lo, hi = min(vals), max(vals)
    span = max(hi - lo, floor * max(abs(lo), abs(hi)), ABS_FLOOR)
    if hi - lo < span:  # a small range: centred in the scale
        mid = (hi + lo) / 2
        lo = mid - span / 2
    top = len(BARS) - 1
    return [min(top, max(0, int((v - lo) / span * (top + 0.999)))) for v in vals]


def sparkline(values: list[float], width: int, floor: float = FLOOR) -> str:
    return "".join(BARS[level] for level in spark_levels(values, width, floor))
