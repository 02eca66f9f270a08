"""Readable conditions with units: ``< 500ms``, ``>= 99.8%``, ``< 0.1%``, ``== 200``, ``== "ok"``.

A condition is written in any unit of the tile's unit family and compared in the tile's unit:
a tile in ``s`` with ``< 500ms`` compares against 0.5. Comparisons are on real floats; NaN
never meets a condition.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from warroom.metrics.units import format_value  # noqa: F401 - where the tiles import it from

# unit -> (family, factor to the family's base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "ns": ("time", 1e-9), "us": ("time", 1e-6), "µs": ("time", 1e-6), "ms": ("time", 1e-3),
    "s": ("time", 1.0), "sec": ("time", 1.0), "m": ("time", 60.0), "min": ("time", 60.0),
    "h": ("time", 3600.0), "d": ("time", 86400.0), "day": ("time", 86400.0), "days": ("time", 86400.0),
    "%": ("percent", 1.0),
    "B": ("bytes", 1.0), "kB": ("bytes", 1e3), "KB": ("bytes", 1e3), "MB": ("bytes", 1e6), "GB": ("bytes", 1e9), "TB": ("bytes", 1e12),
    "KiB": ("bytes", 1024.0), "MiB": ("bytes", 1024.0 ** 2), "GiB": ("bytes", 1024.0 ** 3), "TiB": ("bytes", 1024.0 ** 4),
}
UNIT_NAMES = sorted(_UNITS)
_OPS = ("<=", ">=", "==", "!=", "<", ">", "=")
_COND = re.compile(r"^\s*(<=|>=|==|!=|<|>|=)\s*(.+?)\s*$")
_NUM = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)$")


def unit_family(unit: str) -> str | None:
    info = _UNITS.get(unit)
    return info[0] if info else None


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between units of one family; raises ValueError across families."""
    if from_unit == to_unit or not from_unit:
        return value
    a, b = _UNITS.get(from_unit), _UNITS.get(to_unit)
    if a is None or b is None or a[0] != b[0]:
        raise ValueError(f"cannot convert '{from_unit}' to '{to_unit or 'no unit'}'")
    return value * a[1] / b[1]


@dataclass(frozen=True)
class Condition:
    """``op`` applied as ``value <op> target``; ``target`` is in the tile's unit (or text)."""

    op: str
    target: float | str
    text: str  # as written

    def holds(self, value: float | str | None) -> bool:
        if value is None:
            return False
        if isinstance(self.target, str) or isinstance(value, str):
            a, b = str(value), str(self.target)
            if isinstance(value, float) and not isinstance(self.target, str):
                return False
            if self.op in ("==", "="):
                return a == b
            if self.op == "!=":
                return a != b
            return False
        if math.isnan(value):
            return False
        t = self.target
        return {
            "<": value < t, "<=": value <= t, ">": value > t, ">=": value >= t,
            "==": value == t, "=": value == t, "!=": value != t,
        }[self.op]

    def __str__(self) -> str:
        return self.text


def parse_quantity(text: str) -> tuple[float, str] | None:
    """``900ms`` -> (900.0, "ms"), ``1,200`` -> (1200.0, ""); None when it is not a number with a
    known unit (or none)."""
    m = _NUM.match(str(text).strip().replace(",", ""))
    if not m or (m[2] and m[2] not in _UNITS):
        return None
    return float(m[1]), m[2]


def parse_condition(text: str, unit: str = "") -> Condition:
    """Parse ``< 500ms`` for a tile whose values are in ``unit``. Raises ValueError."""
    raw = str(text).strip()
    m = _COND.match(raw)
    if not m:
        raise ValueError(f"expected a condition like '< 500ms' or '>= 99.8%', got {raw!r}")
    op, rest = m[1], m[2]
    text_norm = f"{op} {rest}"
    if rest[:1] in "\"'" and rest[-1:] == rest[:1] and len(rest) >= 2:
        if op not in ("==", "=", "!="):
            raise ValueError(f"text can only be compared with == or !=, got {raw!r}")
        return Condition(op, rest[1:-1], text_norm)
    n = _NUM.match(rest)
    if not n:
        if op in ("==", "=", "!=") and re.fullmatch(r"[\w.-]+", rest):
            return Condition(op, rest, text_norm)
        raise ValueError(f"expected a number with an optional unit after '{op}', got {rest!r}")
    number, cu = float(n[1]), n[2]
    if cu and cu not in _UNITS and cu != unit:
        raise ValueError(f"unknown unit '{cu}' in {raw!r}; known units: {', '.join(UNIT_NAMES)}")
    if cu and cu != unit:
        try:
            number = convert(number, cu, unit)
        except ValueError:
            raise ValueError(f"the unit '{cu}' in {raw!r} does not match the tile's unit '{unit or 'none'}'") from None
    return Condition(op, number, text_norm)
