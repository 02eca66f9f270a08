"""Thresholds as launch documents write them: ``≥ 99.8%``, ``< 500ms``, ``<0.1%``, ``Hourly``,
``> 4/5``, ``P95 > 5 seconds for 5 minutes``.

A threshold becomes a :class:`Threshold` and renders in the condition syntax the metrics code
reads (``>= 99.8%``, ``< 500ms``); a cadence word (``Hourly``, ``Daily``, ``Weekly``) becomes
``every 1h`` / ``every 1d`` / ``every 1w``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_OPS = {
    "≥": ">=", ">=": ">=", "⩾": ">=", "=>": ">=",
    "≤": "<=", "<=": "<=", "⩽": "<=", "=<": "<=",
    "<": "<", ">": ">", "=": "==", "==": "==", "!=": "!=", "≠": "!=",
}
_WORD_OPS = (
    (r"at\s+least|min(?:imum)?\.?|no\s+less\s+than", ">="),
    (r"at\s+most|max(?:imum)?\.?|no\s+more\s+than|up\s+to", "<="),
    (r"under|below|less\s+than|fewer\s+than|sub-?", "<"),
    (r"over|above|more\s+than|greater\s+than|exceeding|exceeds?", ">"),
)
_UNIT_ALIASES = {
    "ms": "ms", "msec": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "min", "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "%": "%", "percent": "%",
    "kb": "kB", "mb": "MB", "gb": "GB", "kib": "KiB", "mib": "MiB", "gib": "GiB", "b": "B",
}
_CADENCE = {
    "hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1),
    "nightly": timedelta(days=1), "monthly": timedelta(days=30),
}
_OP_RE = r"(≥|≤|⩾|⩽|>=|<=|=>|=<|==|!=|≠|<|>|=)"
_NUM_RE = r"([-+]?\d[\d,]*(?:\.\d+)?|\.\d+)"
_CURRENCY = r"([$€£¥])?"  # "≤ €18", "< $0.50"
_COND = re.compile(_OP_RE + r"\s*" + _CURRENCY + _NUM_RE + r"\s*([A-Za-z%µ/][\w%/.]*(?:\s+(?:seconds?|minutes?|hours?))?)?")
_WORD_COND = re.compile(r"\b(" + "|".join(p for p, _ in _WORD_OPS) + r")\s*" + _NUM_RE + r"\s*([A-Za-z%µ/][\w%/.]*)?", re.I)
_WORD_N = {"a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "five": "5", "ten": "10", "fifteen": "15", "twenty": "20",
           "thirty": "30", "sixty": "60"}
_FOR = re.compile(r"\b(?:for|pendant|durant|durante|während|sustained(?:\s+for)?)\s+(?:>=?|≥|more\s+than|over|at\s+least|longer\s+than)?\s*"
                  r"(\d+(?:\.\d+)?|" + "|".join(_WORD_N) + r")[\s-]*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b"
                  r"|\b(\d+)[\s-]*(seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h)\s+(?:window|sustained)\b", re.I)
_EVERY = re.compile(r"\bevery\s+(\d+)?\s*(seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\b", re.I)


@dataclass(frozen=True)
class Threshold:
    op: str = ""  # ">=", "<", ... ("" for a cadence or free text)
    value: float | None = None
    unit: str = ""
    every: timedelta | None = None  # a cadence ("Hourly")
    for_: timedelta | None = None  # "for 5 minutes"
    source: str = ""  # as written

    @property
    def parsed(self) -> bool:
        return self.value is not None or self.every is not None

    def text(self) -> str:
        """The readable condition: ``>= 99.8%``, ``< 500ms``, ``every 1h``; else the source."""
        if self.every is not None:
            return f"every {_span(self.every)}"
        if self.value is None:
            return self.source
        number = f"{self.value:g}" if abs(self.value) < 1e15 else str(self.value)
        sep = " " if self.unit and (self.unit[0].isalpha() and self.unit not in _TIGHT) else ""
        return f"{self.op} {number}{sep}{self.unit}".strip()


_TIGHT = {"ms", "s", "min", "h", "d", "kB", "MB", "GB", "KiB", "MiB", "GiB", "B"}


def _span(td: timedelta) -> str:
    secs = int(td.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if secs % size == 0 and secs >= size:
            return f"{secs // size}{unit}"
    return f"{secs}s"


def _unit(raw: str | None) -> str:
    if not raw:
        return ""
    raw = raw.strip().rstrip(".")
    if raw.lower() in _UNIT_ALIASES:
        return _UNIT_ALIASES[raw.lower()]
    return raw if "/" in raw else ""  # "4/5", "errors/minute"; a plain word is not a unit


def _duration(n: str, unit: str) -> timedelta:
    u = unit.lower()
    value = float(n)
    if u.startswith("s"):
        return timedelta(seconds=value)
    if u.startswith("m"):
        return timedelta(minutes=value)
    if u.startswith("h"):
        return timedelta(hours=value)
    if u.startswith("d"):
        return timedelta(days=value)
    return timedelta(weeks=value)


def parse_threshold(text: str) -> Threshold:
    """Parse a threshold cell or phrase. Never raises; ``.parsed`` says whether it was understood."""
    src = " ".join(str(text).replace("*", " ").split())
    for_ = None
    fm = _FOR.search(src)
    if fm:  # "for 10 minutes", "for ten minutes", "(5-min window)"
        for_ = _duration(_WORD_N.get((fm[1] or "").lower(), fm[1]) if fm[1] else fm[3], fm[2] or fm[4])
    word = src.lower().strip(" .")
    if word in _CADENCE:
        return Threshold(every=_CADENCE[word], source=src)
    em = _EVERY.search(src)
    m = _COND.search(src)
    if m:
        op = _OPS[m[1]]
        value = float(m[3].replace(",", ""))
        return Threshold(op=op, value=value, unit=_unit(m[4]) or (m[2] or ""), for_=for_, source=src)
    wm = _WORD_COND.search(src)
    if wm:
        phrase = wm[1].lower()
        op = next(o for p, o in _WORD_OPS if re.fullmatch(p, phrase, re.I))
        return Threshold(op=op, value=float(wm[2].replace(",", "")), unit=_unit(wm[3]), for_=for_, source=src)
    if em:
        return Threshold(every=_duration(em[1] or "1", em[2]), source=src)
    bare = re.fullmatch(_NUM_RE + r"\s*([A-Za-z%µ/][\w%/.]*)?\+?", src)
    if bare and (not bare[2] or _unit(bare[2])):  # "0 critical" says more than "== 0": kept as text
        return Threshold(op=">=" if src.endswith("+") or bare[2] == "%" else "==", value=float(bare[1].replace(",", "")),
                         unit=_unit(bare[2]), source=src)
    return Threshold(source=src, for_=for_)


def split_condition(text: str) -> tuple[str, Threshold]:
    """``"P95 latency > 2 seconds"`` -> ("P95 latency", threshold). The name is the text before
    the condition (or the whole text when no condition is found)."""
    src = " ".join(str(text).split())
    th = parse_threshold(src)
    if th.value is None:
        return src, th
    m = _COND.search(src.replace("*", " ")) or _WORD_COND.search(src.replace("*", " "))
    name = src.replace("*", " ")[: m.start()] if m else src
    name = re.sub(r"\s+", " ", name).strip(" :-–—(")
    # "the error rate is > 5%" -> "error rate": the sentence's words around the metric go
    name = re.sub(r"^(?:the|our|if)\s+", "", name, flags=re.I)
    name = re.sub(r"\s+(?:is|are|was|goes?|stays?|exceeds?|reach(?:es)?|hits?|rises?|drops?|falls?|remains?|climbs?|spikes?|dips?)(?:\s+(?:above|below|over|under|to))?$",
                  "", name, flags=re.I)
    return name or src, th
