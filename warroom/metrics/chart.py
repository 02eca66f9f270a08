"""A tile's history as a text chart: columns of block characters, the threshold as a dashed
row, every column that breached marked. Plain text (styled by the screen with Rich), so it
reads in 16 colours, over SSH, in a snapshot and in a test — no plotting library needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from warroom.metrics.history import HistSample
from warroom.metrics.threshold import format_value

BLOCKS = " ▁▂▃▄▅▆▇█"
BAD = frozenset({"CRIT", "PENDING", "WARN", "ERROR"})


@dataclass
class TextChart:
    rows: list[str]  # top row first; each exactly ``width`` characters
    bad: list[bool]  # per column: a sample in it breached
    threshold_row: int | None  # the row the threshold line is drawn on
    top: str  # the value at the top and at the bottom, formatted with the unit
    bottom: str
    span: str  # "12:00:05–12:14:55 UTC, 180 samples"


def text_chart(samples: list[HistSample], width: int, height: int, threshold: float | None, unit: str = "") -> TextChart | None:
    """Bucket the samples into ``width`` columns (the highest value of each, so a spike shows)."""
    pts = [s for s in samples if isinstance(s.value, (int, float)) and not isinstance(s.value, bool) and math.isfinite(s.value)]
    if not pts or width < 2 or height < 2:
        return None
    t0, t1 = pts[0].t, pts[-1].t
    cols: list[list[HistSample]] = [[] for _ in range(width)]
    for s in pts:
        i = 0 if t1 == t0 else min(width - 1, int((s.t - t0) / (t1 - t0) * width))
        cols[i].append(s)
    peaks: list[float | None] = [max(float(s.value) for s in c) if c else None for c in cols]  # type: ignore[arg-type]
    bad = [any(s.state in BAD for s in c) for c in cols]
    values = [v for v in peaks if v is not None] + ([threshold] if threshold is not None else [])
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    levels = height * 8
    heights = [None if v is None else round((v - lo) / (hi - lo) * levels) for v in peaks]
    rows = []
    for r in range(height):  # r = 0 is the top row
        base = (height - 1 - r) * 8
        line = []
        for h in heights:
            if h is None:
                line.append(" ")
            else:
                line.append(BLOCKS[max(0, min(8, h - base))])
        rows.append("".join(line))
    threshold_row = None
    if threshold is not None:
        threshold_row = height - 1 - min(height - 1, int((threshold - lo) / (hi - lo) * height))
        row = rows[threshold_row]
        rows[threshold_row] = "".join("┄" if ch == " " else ch for ch in row)
    from datetime import datetime, timezone

    a = datetime.fromtimestamp(t0, timezone.utc).strftime("%H:%M:%S")
    b = datetime.fromtimestamp(t1, timezone.utc).strftime("%H:%M:%S")
    return TextChart(rows, bad, threshold_row, format_value(hi, unit), format_value(lo, unit),
                     f"{a}–{b} UTC, {len(pts)} samples")
