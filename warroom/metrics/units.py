"""Showing a number with its unit the way a Grafana user reads it.

- Units of a known family are scaled within the family: time as ns/µs/ms/s/min/h/days, bytes
  as B/KiB/MiB/GiB/TiB (``B`` and the ``*iB`` units) or kB/MB/GB/TB (the SI ones). A tile in
  ``s`` showing 0.1235 reads ``123.5 ms``.
- Any other unit (``req/s``, ``conn``, none) takes a k/M/G/T prefix on the number, never on
  the unit: ``15.2k req/s``, never ``15kms``.
- At least 4 significant digits (``123.5 ms``, ``0.1963 %``, ``1234 ms`` → ``1.234 s``); an
  exact whole number shows no decimals (``612 ms``, ``200``); trailing zeros are dropped.
- A space between number and unit (``99.95 %``); NaN and infinities read ``NaN``, ``Inf``.
"""

from __future__ import annotations

import math

SIG = 4  # significant digits kept

# family scales, smallest first: (unit shown, factor to the family's base)
_TIME = [("ns", 1e-9), ("µs", 1e-6), ("ms", 1e-3), ("s", 1.0), ("min", 60.0), ("h", 3600.0), ("days", 86400.0)]
_IEC = [("B", 1.0), ("KiB", 1024.0), ("MiB", 1024.0 ** 2), ("GiB", 1024.0 ** 3), ("TiB", 1024.0 ** 4)]
_SI_BYTES = [("B", 1.0), ("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12)]
_PREFIXES = [("", 1.0), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)]

# a tile's unit -> (scale list, factor of that unit to the list's base)
_FAMILIES: dict[str, tuple[list[tuple[str, float]], float]] = {
    "ns": (_TIME, 1e-9), "us": (_TIME, 1e-6), "µs": (_TIME, 1e-6), "ms": (_TIME, 1e-3), "s": (_TIME, 1.0),
    "sec": (_TIME, 1.0), "m": (_TIME, 60.0), "min": (_TIME, 60.0), "h": (_TIME, 3600.0),
    "d": (_TIME, 86400.0), "day": (_TIME, 86400.0), "days": (_TIME, 86400.0),
    "B": (_IEC, 1.0), "KiB": (_IEC, 1024.0), "MiB": (_IEC, 1024.0 ** 2), "GiB": (_IEC, 1024.0 ** 3),
    "kB": (_SI_BYTES, 1e3), "KB": (_SI_BYTES, 1e3), "MB": (_SI_BYTES, 1e6), "GB": (_SI_BYTES, 1e9),
}

def number_text(x: float) -> str:
    """``x`` with at least 4 significant digits, no exponent between 1e-9 and 1e15."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "-Inf" if x < 0 else "Inf"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1e15 or a < 1e-9:
        return f"{x:.{SIG - 1}e}"
    if x == int(x):
        return str(int(x))
    decimals = max(0, SIG - 1 - math.floor(math.log10(a)))
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _time_scale(a: float) -> tuple[str, float]:
    if a < 1e-6:
        return "ns", 1e-9
    if a < 1e-3:
        return "µs", 1e-6
    if a < 1.0:
        return "ms", 1e-3
    if a < 60.0:
        return "s", 1.0
    if a < 3600.0:
        return "min", 60.0
    if a < 86400.0:
        return "h", 3600.0
    return "days", 86400.0


def scaled(value: float, unit: str = "") -> tuple[str, str]:
    """``(number text, unit text)`` after scaling; the unit text may carry a k/M prefix."""
    if math.isnan(value) or math.isinf(value):
        return number_text(value), unit
    family = _FAMILIES.get(unit)
    if family is not None:
        scales, factor = family
        base = value * factor
        a = abs(base)
        if a == 0:
            return "0", unit
        if scales is _TIME:
            name, f = _time_scale(a)
        else:
            name, f = scales[0]
            for cand, cf in scales:
                if a >= cf:
                    name, f = cand, cf
        shown = base / f
        return number_text(shown), name
    if unit == "%":
        return number_text(value), "%"
    a = abs(value)
    prefix, f = "", 1.0
    if a >= 1e4:  # 1234 stays 1234; 12345 reads 12.35k
        for cand, cf in _PREFIXES:
            if a >= cf:
                prefix, f = cand, cf
    text = number_text(value / f)
    if prefix:
        text += prefix
    return text, unit


def format_value(value: float | str | None, unit: str = "") -> str:
    """``123.5 ms``, ``99.82 %``, ``1.5 KiB``, ``123.5k req/s``, ``NaN``, ``—`` for nothing."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if not math.isfinite(value):
        return number_text(value)
    text, shown_unit = scaled(float(value), unit)
    return f"{text} {shown_unit}" if shown_unit else text
