"""T-marks (``T-24h``, ``T-1h30m``, ``T+4h``, ``T-0``), durations (``5m``) and ISO times."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_UNIT = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DUR = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|s)", re.I)
_TMARK = re.compile(r"^\s*T\s*([+-])\s*(.+?)\s*$", re.I)
MAX_DAYS = 3660  # ten years: any T-mark or duration beyond is a typo (and would overflow dates)
YEARS = (1970, 9000)  # times outside are refused: arithmetic on them near year 1 or 9999 overflows


def parse_duration(text: str) -> timedelta:
    """``1h30m`` / ``90s`` / ``2d`` / ``0`` -> timedelta. Raises ValueError with a readable message."""
    s = str(text).strip().replace(" ", "")
    if s in ("0", "00:00", "0:00:00"):
        return timedelta(0)
    hms = re.fullmatch(r"(\d{1,6}):(\d{2})(?::(\d{2}))?", s)
    if hms:
        h, m, sec = int(hms[1]), int(hms[2]), int(hms[3] or 0)
        if h > MAX_DAYS * 24:
            raise ValueError(f"duration {text!r} is too long; at most {MAX_DAYS} days")
        return timedelta(hours=h, minutes=m, seconds=sec)
    pos, total, last = 0, 0.0, 1 << 30
    for m in _DUR.finditer(s):
        if m.start() != pos:
            break
        size = _UNIT[m[2].lower()]
        if size >= last:  # "1h1h", "5m1h": each unit once, largest first
            raise ValueError(f"expected a duration like 30s, 5m, 1h30m or 2d (each unit once, largest first), got {text!r}")
        last = size
        if len(m[1]) > 12:
            raise ValueError(f"duration {text!r} is too long; at most {MAX_DAYS} days")
        total += float(m[1]) * size
        pos = m.end()
    if pos != len(s) or not s:
        raise ValueError(f"expected a duration like 30s, 5m, 1h30m or 2d, got {text!r}")
    if total > MAX_DAYS * 86400:
        raise ValueError(f"duration {text!r} is too long; at most {MAX_DAYS} days")
    return timedelta(seconds=total)


def parse_tmark(text: str) -> timedelta:
    """``T-1h`` -> -1h, ``T+4h`` -> +4h, ``T-0``/``T0`` -> 0. Raises ValueError."""
    s = str(text).strip()
    if re.fullmatch(r"T\s*[-+]?\s*0+", s, re.I):
        return timedelta(0)
    m = _TMARK.match(s)
    if not m:
        raise ValueError(f"expected a T-mark like T-24h, T-30m, T-0 or T+4h, got {text!r}")
    try:
        d = parse_duration(m[2])
    except ValueError as exc:
        why = str(exc)
        if "too long" in why or "each unit once" in why:
            raise ValueError(f"T-mark {text!r}: {why}") from None
        raise ValueError(f"expected a T-mark like T-24h, T-30m, T-0 or T+4h, got {text!r}") from None
    return -d if m[1] == "-" else d


def format_tmark(offset: timedelta) -> str:
    """-1h -> ``T-1h``; 0 -> ``T-0``; 90 minutes -> ``T+1h30m``."""
    secs = int(round(offset.total_seconds()))
    if secs == 0:
        return "T-0"
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if secs >= size:
            parts.append(f"{secs // size}{unit}")
            secs %= size
    return f"T{sign}{''.join(parts)}"


def format_clock(offset: timedelta) -> str:
    """The T-clock: ``T-01:23:45`` before T-0, ``T+00:10:00`` after; days shown as ``T-2d 03:00:00``."""
    secs = int(offset.total_seconds() // 1) if offset >= timedelta(0) else -int((-offset).total_seconds() // 1)
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    days, rem = divmod(secs, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    body = f"{h:02d}:{m:02d}:{s:02d}"
    return f"T{sign}{days}d {body}" if days else f"T{sign}{body}"


def parse_time(text: str) -> datetime:
    """ISO 8601 with a zone (``2026-11-23T16:00:00+01:00`` or ``...Z``). Raises ValueError."""
    s = str(text).strip()
    if len(s) > 64:
        raise ValueError(f"expected an ISO 8601 time with a zone like 2026-11-23T16:00:00+00:00, got {s[:40]!r}…")
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"expected an ISO 8601 time with a zone like 2026-11-23T16:00:00+00:00, got {text!r}") from None
    if dt.tzinfo is None:
        raise ValueError(f"time {text!r} has no zone; add one, e.g. {s}+00:00 or {s}Z")
    if not YEARS[0] <= dt.year <= YEARS[1]:
        raise ValueError(f"time {text!r} is out of range: warroom handles the years {YEARS[0]} to {YEARS[1]}")
    try:
        return dt.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"time {text!r} is out of range") from None


def parse_zone(name: str) -> ZoneInfo | timezone:
    if str(name).upper() in ("UTC", "Z"):
        return timezone.utc
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; expected an IANA name like Europe/Berlin or UTC") from None


def utc_iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
