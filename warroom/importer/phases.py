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
``T-Minus 24 Hours``, ``T-Plus 6 Hours``        T-24h, T+6h
``24 HOURS BEFORE``, ``1 hour before``          T-24h, T-1h
``2 Weeks Before Go-Live``, ``Day Before``      T-14d, T-1d
``2 hours after launch``                        T+2h
``Post-Deployment 24-Hour Monitoring``          T+24h
``Launch Day``, ``DURING CUTOVER``, ``Launch``  T-0 (the launch moment)
``D-7``, ``D-Day``, ``D+1``, ``H-2``            T-7d, T-0, T+1d, T-2h
``L-7 days``, ``L-0``, ``J-7``, ``Jour J``      T-7d, T-0, T-7d, T-0 (launch / French "jour")
``Launch + 2 days``, ``Go-Live - 1 week``       T+2d, T-7d
``Hour 0``, ``Hours 1-4``                       T-0, T+4h
==============================================  ===================================

A title naming both days and a week (``Week 1: Soft Launch (Days 1-2)``) uses the days, the
more precise of the two. Two headings with the same mark share one phase (the first name).
Not launch offsets: a recurring meeting (``Daily Standup (First Week)``, ``Day 2+ Cadence``) and
a sprint's or phase's day (``Sprint 18 Day 1``). A schedule table's cells are read strictly:
only T-marks, "before"/"after" and the launch moment (a bare ``Day 3`` there is as likely a
sprint day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_NUM = r"(\d+(?:\.\d+)?)"
_TMARK = re.compile(r"\bT\s*([-+−–])\s*" + _NUM + r"\s*(weeks?|wks?|w|days?|d|hours?|hrs?|hr|h|minutes?|mins?|min|m)?(?![\w])", re.I)
_TCLOCK = re.compile(r"\bT\s*([-+−–])\s*(\d{1,2}):(\d{2})\b")
_TZERO = re.compile(r"\bT\s*(?:[-+−–]\s*)?(?:0+|zero)(?![\w.])", re.I)
_TWORDS = re.compile(r"\bT\s*[-–]?\s*(minus|plus)\s*", re.I)  # "T-Minus 24 Hours", "T-Plus 6 Hours"
# "D-7", "D-1", "D-Day", "D+1" (days), "H-2" (hours), "Launch + 2 days", "Go-Live - 1 week"
_DMARK = re.compile(r"\b([DH])\s*([-+−–])\s*(\d+)\b(?![-/.:]\d)")
# "L-7 days", "L-0", "L+1 day" (launch), "J-7", "J+1" (French "jour"): a unit or a separator must follow ("L-1 support" is a tier)
_LMARK = re.compile(r"\b([LJ])\s*([-+−–])\s*(\d+)(?:\s*(weeks?|w|days?|d|hours?|h|minutes?|mins?|m)\b|(?=\s*(?:$|[:(–—-]|\s[-–—:])))", re.I)
_DDAY = re.compile(r"\bD[-\s]?Day\b|\bjour[-\s]J\b|\bJ[-\s]?Day\b|\bL[-\s]?Day\b", re.I)
_EVENT_PLUS = re.compile(r"\b(?:launch|go[- ]?live|release|cut-?over|deploy(?:ment)?)\s*([-+−–])\s*(\d+(?:\.\d+)?)\s*"
                         r"(weeks?|days?|hours?|hrs?|minutes?|mins?|[wdhm])\b", re.I)
_HOURS = re.compile(r"(?:^|\()\s*hours?\s+([-−–]?\d+)(?:\s*(?:-|–|to)\s*(\d+))?\b", re.I)  # "Hour 0: Deploy", "(Hours 1-4)"
_FIRST = re.compile(r"\bfirst\s+(?:" + _NUM + r"\s+)?(hours?|days?|weeks?|minutes?)\b", re.I)
_DAYS = re.compile(r"\bdays?\s+([-+−–]?\d+)(?:\s*(?:-|–|to)\s*(\d+))?\b", re.I)
_WEEKS = re.compile(r"\bweeks?\s+([-−–]?\d+)(?:\s*(?:-|–|to)\s*(\d+))?\b", re.I)
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-eight": 48, "a": 1, "an": 1}
_COUNT = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_WORDNUM, key=len, reverse=True)) + r")"
_UNITS = r"(weeks?|days?|hours?|hrs?|minutes?|mins?|nights?|evenings?|mornings?)"
_EVENT = r"(?:the\s+)?(?:launch|go[- ]?live|release|deploy(?:ment)?|cut-?over|ship|rollout|migration|event|it)\b"
# "24 HOURS BEFORE", "1 hour before", "2 Weeks Before Go-Live", "Day Before", "30 minutes prior to launch"
_BEFORE = re.compile(r"(?:\b" + _COUNT + r"[\s-]*)?\b" + _UNITS + r"\s+(?:before|prior\b|ahead\s+of|out\b|to\s+go\b|to\s+" + _EVENT + r")", re.I)
_BEFORE_SHORT = re.compile(r"\b(\d+)\s*([wdhm])\s+(?:before|prior\b|ahead\s+of|out\b|to\s+go\b)", re.I)  # "48h before"
# "Launch Day +1", "Release day −1", "Go-Live Day + 2": days from the launch day (not the launch day itself)
_DAY_PLUS = re.compile(r"\b(?:launch|go[- ]?live|release|cut-?over|deploy(?:ment)?)\s+day\s*([-+−–])\s*(\d+)\s*(weeks?|days?|hours?|[wdh])?\b", re.I)
# "2 hours after launch", "24 hours post-launch", "Post-Deployment 24-Hour Monitoring"
_AFTER = re.compile(r"(?:\b" + _COUNT + r"[\s-]*)?\b" + _UNITS + r"\s+(?:after|post[- ]?" + _EVENT + r"|into\s+" + _EVENT + r")", re.I)
_POST = re.compile(r"\bpost[- ]?(?:launch|go[- ]?live|release|deploy(?:ment)?|cut-?over|rollout|migration)\b", re.I)
_SPAN = re.compile(r"\b" + _COUNT + r"[\s-]*(weeks?|days?|hours?|hrs?|minutes?|mins?)\b", re.I)
# The launch moment itself: "Launch Day", "DURING CUTOVER", "Go-Live Day", "Launch (Go Live)", "Launch day sync"
_ZERO = re.compile(r"\b(?:launch|go[- ]?live|release|deploy(?:ment)?|cut-?over)\s+day\b|\bday\s+of\s+" + _EVENT
                   + r"|\bduring\s+(?:the\s+)?(?:launch|go[- ]?live|release|deploy(?:ment)?|cut-?over|rollout|migration)\b", re.I)
_ZERO_TITLE = re.compile(r"^(?:launch|go[- ]?live|cut-?over)(?:\s*[:(–—-]\s*(?:launch|go[- ]?live|release|"
                         r"deployment|cut-?over)\s*\)?)?$", re.I)
# Not a launch offset: a recurring meeting or a sprint/iteration day ("Daily Standup (First Week)", "Sprint 18 Day 1").
_CADENCE = re.compile(r"\b(daily|weekly|hourly|nightly|every|each|recurring|ongoing|stand-?ups?|cadence)\b", re.I)
_NOT_LAUNCH_DAY = re.compile(r"\b(sprint|iteration|phase|milestone|stage|step|version|v)\s*\d+\s*[,:]?\s*$", re.I)
_IF = re.compile(r"\s*(?:if|when|in\s+case|should)\b", re.I)  # "If Critical Issue During Launch": a contingency, not a time
_DECOR = re.compile(r"^[^\w(]*(?:\d+(?:\.\d+)*[.)]?\s+)?")


def _unit(n: float, unit: str | None) -> timedelta:
    u = (unit or "h").lower()
    if u.startswith("w"):
        return timedelta(weeks=n)
    if u.startswith(("d", "n", "e")):  # days, nights, evenings
        return timedelta(days=n)
    if u.startswith("mo"):  # "the morning before"
        return timedelta(days=n)
    if u.startswith("mi") or u == "m":
        return timedelta(minutes=n)
    return timedelta(hours=n)


def _int(raw: str) -> int:
    return int(raw.replace("−", "-").replace("–", "-"))


def _side(n: int) -> str:
    return "after T-0" if n > 0 else ("before T-0" if n < 0 else "at T-0")


def _count(raw: str | None) -> float:
    if not raw:
        return 1.0
    return float(_WORDNUM.get(raw.lower(), raw)) if raw.lower() in _WORDNUM else float(raw)


def heading_phase(title: str) -> timedelta | None:
    """The phase mark a heading (or a schedule table's cell) names, or None when it names no
    launch offset."""
    return phase_and_form(title)[0]


_LONGEST = timedelta(days=3660)  # ten years: anything further is not a launch offset


def phase_and_form(title: str, strict: bool = False) -> tuple[timedelta | None, str]:
    """(mark, how it was read) — "how" says which launch-relative form matched, for --explain.
    ``strict`` (a table cell, where "Day 3" is as likely a sprint day as a launch day) reads only
    T-marks, "N hours before/after" and the launch moment."""
    try:
        mark, how = _phase_and_form(title, strict)
    except (OverflowError, ValueError):  # "Day 99999999999999"
        return None, ""
    if mark is not None and abs(mark) > _LONGEST:
        return None, ""
    return mark, how


def _phase_and_form(title: str, strict: bool) -> tuple[timedelta | None, str]:
    text = _TWORDS.sub(lambda m: "T-" if m[1].lower() == "minus" else "T+", title)
    m = _TCLOCK.search(text)  # "T-02:30", "T+00:15": hours and minutes
    if m and (int(m[2]) or int(m[3])) and int(m[3]) < 60:
        offset = timedelta(hours=int(m[2]), minutes=int(m[3]))
        return (-offset if m[1] != "+" else offset), "a T-mark (hh:mm)"
    m = _TMARK.search(text)
    if m and float(m[2]) != 0:
        offset = _unit(float(m[2]), m[3])
        return (-offset if m[1] != "+" else offset), "a T-mark"
    if _TZERO.search(text):
        return timedelta(0), "T-0"
    m = _DMARK.search(text)
    if m and int(m[3]) != 0:
        offset = timedelta(days=int(m[3])) if m[1] == "D" else timedelta(hours=int(m[3]))
        return (-offset if m[2] != "+" else offset), f"'{m.group()}'"
    if _DDAY.search(text) or (m and int(m[3]) == 0):
        return timedelta(0), "D-Day (the launch day)"
    m = _LMARK.search(text)
    if m:
        offset = _unit(float(m[3]), m[4] or "d")
        return ((-offset if m[2] != "+" else offset) if offset else timedelta(0)), f"'{m.group().strip()}'"
    m = _DAY_PLUS.search(text)
    if m:
        offset = _unit(float(m[2]), m[3] or "d")
        return (-offset if m[1] != "+" else offset), f"'{m.group()}'"
    m = _BEFORE_SHORT.search(text)
    if m:
        return -_unit(float(m[1]), m[2]), f"'{m.group()}'"
    m = _EVENT_PLUS.search(text)
    after = text[m.end():].lstrip() if m else ""
    if m and (m[1] == "+" or not after or after[0] in "):;,(–—-"):  # "Release - 2 week sprint" is a title, not an offset
        offset = _unit(float(m[2]), m[3])
        return (-offset if m[1] != "+" else offset), f"'{m.group()}'"
    m = _BEFORE.search(text)
    if m:
        return -_unit(_count(m[1]), m[2]), f"'{m.group().strip()}'"
    m = _AFTER.search(text)
    if m:
        return _unit(_count(m[1]), m[2]), f"'{m.group().strip()}'"
    if _POST.search(text):
        m = _SPAN.search(text)
        if m and not _CADENCE.search(text):
            return _unit(_count(m[1]), m[2]), f"'{_POST.search(text).group()}' with '{m.group()}'"  # type: ignore[union-attr]
    if (_ZERO.search(text) or _ZERO_TITLE.match(_DECOR.sub("", text).strip())) and not _IF.match(_DECOR.sub("", text)):
        return timedelta(0), "the launch moment"
    if strict or _CADENCE.search(text):
        return None, ""
    m = _FIRST.search(text)
    if m:
        return _unit(float(m[1] or 1), m[2]), f"'{m.group()}' (its end)"
    m = _HOURS.search(_DECOR.sub("", text))
    if m:
        n = _int(m[2] or m[1])
        return timedelta(hours=n), f"'{m.group()}' (the end of that hour {_side(n)})"
    m = _DAYS.search(text)
    if m and not _NOT_LAUNCH_DAY.search(text[: m.start()]):
        n = _int(m[2] or m[1])
        return timedelta(days=n), f"'{m.group()}' (the end of that day {_side(n)})"
    m = _WEEKS.search(text)
    if m and not _NOT_LAUNCH_DAY.search(text[: m.start()]):
        n = _int(m[2] or m[1])
        return timedelta(weeks=n), f"'{m.group()}' (the end of that week {_side(n)})"
    return None, ""


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
