"""Launch-day headings -> phases with due offsets, and "Launch Date/Time" fields -> T-0.

A phase's mark is when the work under its heading is *due* (the layout's phases are listed in
time order and an item in a phase is due at the phase mark):

==============================================  ===================================
heading says                                    phase mark
==============================================  ===================================
``T-24 Hours``, ``T-1 Hour``, ``T-30 min``      T-24h, T-1h, T-30m
``Launch (T-0)``, ``T0``, ``T-Zero``            T-0
``Pre-Launch (T-4 hours)``                      T-4h (a T-mark anywhere in the title)
``Post-Launch (T+1 hour)``                      T+1h
``T-2 days``, ``T-1 week``                      T-2d, T-7d
``First 4 Hours``, ``First 24 Hours``           T+4h, T+24h (the end of the window)
``First Hour`` / ``First Day`` / ``First Week``  T+1h / T+1d / T+7d
``Day 1``, ``Day 2``, ``Days 4-7``              T+1d, T+2d, T+7d (end of day N after T-0)
``Day 0`` / ``Day -1``                          T-0 / T-1d
``Week 1``, ``Week 2``, ``Weeks 3-4``           T+7d, T+14d, T+28d (end of week N)
==============================================  ===================================

A title naming both days and a week (``Week 1: Soft Launch (Days 1-2)``) uses the days, the
more precise of the two. Two headings with the same mark share one phase (the first name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_NUM = r"(\d+(?:\.\d+)?)"
_TMARK = re.compile(r"\bT\s*([-+−–])\s*" + _NUM + r"\s*(weeks?|wks?|w|days?|d|hours?|hrs?|hr|h|minutes?|mins?|min|m)?(?![\w])", re.I)
_TZERO = re.compile(r"\bT\s*(?:[-+−–]\s*)?(?:0+|zero)(?![\w.])", re.I)
_FIRST = re.compile(r"\bfirst\s+(?:" + _NUM + r"\s+)?(hours?|days?|weeks?|minutes?)\b", re.I)
_DAYS = re.compile(r"\bdays?\s+([-+]?\d+)(?:\s*(?:-|–|to)\s*(\d+))?\b", re.I)
_WEEKS = re.compile(r"\bweeks?\s+(\d+)(?:\s*(?:-|–|to)\s*(\d+))?\b", re.I)


def _unit(n: float, unit: str | None) -> timedelta:
    u = (unit or "h").lower()
    if u.startswith("w"):
        return timedelta(weeks=n)
    if u.startswith("d"):
        return timedelta(days=n)
    if u.startswith("mi") or u == "m":
        return timedelta(minutes=n)
    return timedelta(hours=n)


def heading_phase(title: str) -> timedelta | None:
    """The phase mark a heading names, or None when it is not a launch-day heading."""
    m = _TMARK.search(title)
    if m and float(m[2]) != 0:
        offset = _unit(float(m[2]), m[3])
        return -offset if m[1] != "+" else offset
    if _TZERO.search(title):
        return timedelta(0)
    m = _FIRST.search(title)
    if m:
        return _unit(float(m[1] or 1), m[2])
    m = _DAYS.search(title)
    if m:
        n = int(m[2] or m[1])
        return timedelta(days=n)
    m = _WEEKS.search(title)
    if m:
        return timedelta(weeks=int(m[2] or m[1]))
    return None


# --- T-0 from "Launch Date / Launch Time" fields -----------------------------------------

# abbreviation -> (IANA zone for the layout, fixed UTC offset in hours the abbreviation means)
ZONES: dict[str, tuple[str, float]] = {
    "UTC": ("UTC", 0), "GMT": ("UTC", 0), "Z": ("UTC", 0),
    "EST": ("America/New_York", -5), "EDT": ("America/New_York", -4), "ET": ("America/New_York", -5),
    "CST": ("America/Chicago", -6), "CDT": ("America/Chicago", -5), "CT": ("America/Chicago", -6),
    "MST": ("America/Denver", -7), "MDT": ("America/Denver", -6), "MT": ("America/Denver", -7),
    "PST": ("America/Los_Angeles", -8), "PDT": ("America/Los_Angeles", -7), "PT": ("America/Los_Angeles", -8),
    "BST": ("Europe/London", 1), "CET": ("Europe/Berlin", 1), "CEST": ("Europe/Berlin", 2),
    "EET": ("Europe/Helsinki", 2), "IST": ("Asia/Kolkata", 5.5), "JST": ("Asia/Tokyo", 9),
    "AEST": ("Australia/Sydney", 10), "AEDT": ("Australia/Sydney", 11),
}
_GENERIC = {"ET", "CT", "MT", "PT"}  # follow the zone's daylight saving time

LAUNCH_FIELD = re.compile(
    r"^\s*\**\s*(?:target\s+|planned\s+|scheduled\s+)?(?:launch|go[- ]?live|release|deployment|cut-?over)\s+"
    r"(date\s*(?:/|&|and)\s*time|date|time|window)\s*\**\s*:?\s*\**\s*:?\s*(.*)$", re.I)
TIME_FIELD = re.compile(r"^\s*\**\s*(?:start\s+)?time\s*\**\s*:\s*\**\s*(.*)$", re.I)

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?:\s*\(?\s*([A-Z]{1,4})\b\)?)?", re.I)


def parse_date(text: str) -> tuple[date | None, time | None, str]:
    """``2025-11-12``, ``2025-11-12T10:00Z``, ``November 12, 2025 14:00 UTC``, ``12 Nov 2025``
    -> (date, time or None, zone abbreviation or offset or "")."""
    m = _ISO.search(text)
    if m:
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None, None, ""
        if m[4]:
            try:
                t = time(int(m[4]), int(m[5]), int(m[6] or 0))
            except ValueError:
                return d, None, ""
            zone = m[7] or ""
            if not zone:
                z = re.match(r"\s*\(?([A-Za-z]{1,4})\b", text[m.end():])
                zone = z[1].upper() if z and z[1].upper() in ZONES else ""
            return d, t, zone
        t, _, zone = parse_clock(text[m.end():])
        return d, t, zone
    for rx, order in ((_MDY, "mdy"), (_DMY, "dmy")):
        m = rx.search(text)
        if not m:
            continue
        mon, day = (m[1], m[2]) if order == "mdy" else (m[2], m[1])
        month = _MONTHS.get(mon[:3].lower())
        if not month:
            continue
        try:
            d = date(int(m[3]), month, int(day))
        except ValueError:
            continue
        t, _, zone = parse_clock(text[m.end():])
        return d, t, zone
    return None, None, ""


def parse_clock(text: str) -> tuple[time | None, str, str]:
    """``10:00 AM EST`` -> (10:00, "10:00 AM EST", "EST"); ``14:00 UTC``; ``9am``."""
    for m in _CLOCK.finditer(text):
        if not (m[2] or m[3]):
            continue
        hour, minute = int(m[1]), int(m[2] or 0)
        ampm = (m[3] or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            continue
        zone = (m[4] or "").upper()
        if zone and zone not in ZONES:
            zone = ""
        return time(hour, minute), m.group().strip(), zone
    return None, "", ""


@dataclass
class LaunchTime:
    t0: datetime  # aware
    timezone: str  # IANA name for the layout
    assumed: str = ""  # what was assumed ("no time given: 00:00")


def launch_time(d: date, t: time | None, zone: str) -> LaunchTime:
    """Combine a date, an optional clock time and a zone abbreviation or offset into T-0."""
    assumed = []
    if t is None:
        t = time(0, 0)
        assumed.append("no launch time given: 00:00 assumed")
    iana = "UTC"
    if zone in ZONES:
        iana, hours = ZONES[zone]
        if zone in _GENERIC:
            tz = ZoneInfo(iana)
            dt = datetime.combine(d, t, tzinfo=tz)
        else:
            dt = datetime.combine(d, t, tzinfo=timezone(timedelta(hours=hours)))
    elif zone and re.fullmatch(r"[+-]\d{2}:?\d{2}", zone):
        sign = -1 if zone[0] == "-" else 1
        hh, mm = int(zone[1:3]), int(zone[-2:])
        dt = datetime.combine(d, t, tzinfo=timezone(sign * timedelta(hours=hh, minutes=mm)))
    else:
        if not zone:
            assumed.append("no time zone given: UTC assumed")
        dt = datetime.combine(d, t, tzinfo=timezone.utc)
    return LaunchTime(t0=dt, timezone=iana, assumed="; ".join(assumed))
