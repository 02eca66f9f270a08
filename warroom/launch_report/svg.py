"""Metric charts as inline SVG: presentation attributes only (no ``style`` attributes, no script),
so the report's content security policy holds; every text is escaped."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from html import escape

from warroom.launch_report.model import Chart
from warroom.metrics.history import HistSample
from warroom.metrics.threshold import format_value

W, H = 720, 200
L, R, T, B = 64, 12, 14, 28  # margins
BAD = {"CRIT": "#c62828", "PENDING": "#ef6c00", "WARN": "#f9a825", "ERROR": "#6a1b9a"}


RANK = {"WARN": 1, "PENDING": 2, "ERROR": 3, "CRIT": 4}  # which breach a pixel column marks


def per_pixel(pts: list[HistSample], t0: float, t1: float, cols: int) -> tuple[list[HistSample], list[HistSample]]:
    """Downsampled to the chart's pixel columns: (the line's samples, the breaches to mark). Each
    column keeps its lowest and its highest sample, in time order, so a spike stays as tall as
    it was; and its worst breach (CRIT over ERROR over PENDING over WARN), so none goes unseen.
    At most 2 points and 1 mark a column, however many samples the launch kept."""
    if t1 <= t0:
        t1 = t0 + 1
    scale = (cols - 1) / (t1 - t0)
    lo: dict[int, HistSample] = {}
    hi: dict[int, HistSample] = {}
    bad: dict[int, HistSample] = {}
    for s in pts:
        c = int((s.t - t0) * scale)
        v = s.value
        a = lo.get(c)
        if a is None:
            lo[c] = hi[c] = s
        elif v < a.value:  # type: ignore[operator]
            lo[c] = s
        elif v > hi[c].value:  # type: ignore[operator]
            hi[c] = s
        rank = RANK.get(s.state)
        if rank and (c not in bad or rank > RANK[bad[c].state]):
            bad[c] = s
    line: list[HistSample] = []
    for c, a in lo.items():
        b = hi[c]
        line += (a,) if a is b else (a, b) if a.t <= b.t else (b, a)
    return line, list(bad.values())


def chart_svg(chart: Chart, title_id: str) -> str:
    pts = [s for s in chart.samples if isinstance(s.value, (int, float)) and math.isfinite(s.value)]
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" '
            f'aria-labelledby="{escape(title_id)}" class="chart">')
    if not pts:
        return (head + f'<text x="{W // 2}" y="{H // 2}" text-anchor="middle" fill="#555" font-size="13">'
                'no numeric samples in the metric history</text></svg>')
    t0, t1 = pts[0].t, max([pts[-1].t] + [at.timestamp() for at, _ in chart.fired])
    if t1 <= t0:
        t1 = t0 + 1
    pts, marks = per_pixel(pts, t0, t1, W - L - R)
    values = [float(s.value) for s in pts]  # type: ignore[arg-type]
    lines = [v for v in (chart.warn, chart.crit) if v is not None]
    lo, hi = min(values + lines), max(values + lines)
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad

    def x(t: float) -> float:
        return L + (t - t0) / (t1 - t0) * (W - L - R)

    def y(v: float) -> float:
        return T + (hi - v) / (hi - lo) * (H - T - B)

    out = [head]
    for start, end in chart.holds:  # holds shaded
        a, b = max(t0, start.timestamp()), min(t1, end.timestamp())
        if b > a:
            out.append(f'<rect class="hold" x="{x(a):.1f}" y="{T}" width="{max(1.0, x(b) - x(a)):.1f}" '
                       f'height="{H - T - B}" fill="#9e9e9e" fill-opacity="0.25"><title>hold</title></rect>')
    out.append(f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="#333" stroke-width="1"/>')
    out.append(f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="#333" stroke-width="1"/>')
    for v in (lo + pad, hi - pad):
        out.append(f'<text x="{L - 4}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" fill="#333">'
                   f'{escape(format_value(v, chart.unit))}</text>')
    for t, anchor in ((t0, "start"), (t1, "end")):
        stamp = datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M:%S")
        out.append(f'<text x="{x(t):.1f}" y="{H - 8}" text-anchor="{anchor}" font-size="11" fill="#333">{stamp} UTC</text>')
    for value, text, colour, name in ((chart.crit, chart.crit_text, "#c62828", "crit"), (chart.warn, chart.warn_text, "#f9a825", "warn")):
        if value is None:
            continue
        out.append(f'<line class="threshold" x1="{L}" y1="{y(value):.1f}" x2="{W - R}" y2="{y(value):.1f}" stroke="{colour}" '
                   f'stroke-width="1.5" stroke-dasharray="6 4"><title>{name} threshold {escape(text)}</title></line>')
        out.append(f'<text x="{W - R - 2}" y="{y(value) - 3:.1f}" text-anchor="end" font-size="11" fill="{colour}">'
                   f'{name}: {escape(text)}</text>')
    path = " ".join(f"{x(s.t):.1f},{y(v):.1f}" for s, v in zip(pts, values))
    out.append(f'<polyline points="{path}" fill="none" stroke="#1565c0" stroke-width="1.5"/>')
    for s in marks:
        v = float(s.value)  # type: ignore[arg-type]
        colour = BAD.get(s.state)
        if colour:
            label = f"{s.state} {format_value(v, chart.unit)} at {datetime.fromtimestamp(s.t, timezone.utc):%H:%M:%S} UTC"
            out.append(f'<circle class="breach" cx="{x(s.t):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                       f'<title>{escape(label)}</title></circle>')
    for at, crit in chart.fired:
        xt = at.timestamp()
        if t0 <= xt <= t1:
            out.append(f'<line class="fired" x1="{x(xt):.1f}" y1="{T}" x2="{x(xt):.1f}" y2="{H - B}" stroke="#c62828" '
                       f'stroke-width="2"><title>rollback trigger {escape(crit)} fired</title></line>')
    out.append("</svg>")
    return "".join(out)
