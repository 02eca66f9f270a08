"""Check boxes and status marks: ``[ ]`` ``[x]`` ``☐`` ``☑`` ``✅`` ``[🟢]`` ``[🔴]`` ... and the
status legend a document may give (``- 🟢 Complete and verified``).

A mark means a :class:`~warroom.model.Status`. Colour marks are read through the document's own
legend when it has one; otherwise through these defaults:

=======================================  ==============
mark                                     status
=======================================  ==============
``[ ]`` ``☐`` ``⬜`` ``🔲`` ``🔴`` ``⚪``   todo
``[x]`` ``[X]`` ``☑`` ``✅`` ``✔`` ``✓``  done
``🟢``                                   done
``🟡`` ``🟠`` ``⏳`` ``[~]`` ``[/]``       in-progress
``☒`` ``❌`` ``⛔`` ``🚫``                  blocked
``[-]`` ``[N/A]``                         skipped
``[v]`` ``[ x ]``                        done (``[?]``: todo)
=======================================  ==============

A legend line is read by its words: "complete", "done", "verified" -> done; "in progress",
"partial" -> in-progress; "not started", "todo", "pending" -> todo; "blocked", "failed" ->
blocked; "optional", "deferred", "n/a" -> todo, with the meaning kept as a note on the item.
When a line names two states ("Not started or blocked") the first one wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from warroom.model import Status

VS = "\ufe0f"

DEFAULTS: dict[str, Status] = {
    " ": Status.TODO, "": Status.TODO, "x": Status.DONE, "X": Status.DONE,
    "~": Status.IN_PROGRESS, "/": Status.IN_PROGRESS, "-": Status.SKIPPED,
    "☐": Status.TODO, "⬜": Status.TODO, "🔲": Status.TODO, "◻": Status.TODO, "□": Status.TODO,
    "☑": Status.DONE, "✅": Status.DONE, "✔": Status.DONE, "✓": Status.DONE, "☒": Status.BLOCKED,
    "🟢": Status.DONE, "🟡": Status.IN_PROGRESS, "🟠": Status.IN_PROGRESS, "⏳": Status.IN_PROGRESS,
    "🔴": Status.TODO, "⚪": Status.TODO, "⚫": Status.TODO, "🔵": Status.TODO,
    "❌": Status.BLOCKED, "⛔": Status.BLOCKED, "🚫": Status.BLOCKED, "✗": Status.BLOCKED, "✘": Status.BLOCKED,
    # written by hand: "[v]" / "[V]" (a tick in many countries), "[N/A]" (does not apply), "[?]" (not known yet)
    "v": Status.DONE, "V": Status.DONE, "N/A": Status.SKIPPED, "?": Status.TODO,
}
# Marks that stand alone (without brackets) at the start of a list item.
GLYPHS = [g for g in DEFAULTS if len(g) == 1 and not g.isascii() and g not in "□"]
COLOURS = ["🟢", "🟡", "🟠", "🔴", "⚪", "⚫", "🔵", "✅", "❌", "⏳", "⛔", "☑", "☐", "✔", "✓", "🚫", "⚠"]

_G = "|".join(re.escape(g) for g in sorted(GLYPHS, key=len, reverse=True))
# "[ ]", "[x]", "[ x ]" (spaced), "[N/A]", "[✔️]"; a box right against its text ("[x]Done") too, not a link "[x](url)"
LEAD_BRACKET = re.compile(r"^\[\s*([xXvV~/?-]|[Nn]/?[Aa]|(?:" + _G + r")" + VS + r"?)?\s*\](?:\s+|(?=[^\s(\[:]))")
LEAD_GLYPH = re.compile(r"^(" + _G + r")" + VS + r"?\s+")
TRAIL_BRACKET = re.compile(r"\s+\[(" + _G + r"|[xX ])" + VS + r"?\]\s*$")
TRAIL_GLYPH = re.compile(r"\s+(" + _G + r")" + VS + r"?\s*$")

_MEANINGS = (
    (r"not\s+started|to\s*do|pending|not\s+done|open|planned|waiting|no\b(?!\s+\w)", Status.TODO),
    (r"yes\b(?!\s+\w)", Status.DONE),
    (r"in\s+progress|partial|ongoing|started|underway|working", Status.IN_PROGRESS),
    (r"complete|done|verified|finished|ready|passed|ok\b|green", Status.DONE),
    (r"blocked|fail|broken|issue|risk", Status.BLOCKED),
    (r"optional|defer|n/?a\b|nice\s+to\s+have|skip|not\s+applicable|later", Status.TODO),
)
_OPTIONAL = re.compile(r"optional|defer|n/?a\b|nice\s+to\s+have|not\s+applicable", re.I)


def meaning_status(text: str) -> Status | None:
    """The status a legend line's words mean; the earliest match in the text wins."""
    best: tuple[int, Status] | None = None
    for pattern, status in _MEANINGS:
        m = re.search(r"\b(?:" + pattern + ")", text, re.I)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), status)
    return best[1] if best else None


@dataclass
class Legend:
    meanings: dict[str, tuple[Status, str]] = field(default_factory=dict)  # mark -> (status, words)
    line: int = 0

    def read(self, mark: str) -> tuple[Status | None, str]:
        """(status, note) for a mark; ``note`` keeps a meaning the status cannot hold."""
        mark = mark.replace(VS, "")
        if mark in self.meanings:
            status, words = self.meanings[mark]
            note = f"{words} ({mark} in the source)" if _OPTIONAL.search(words) else ""
            return status, note
        if mark in DEFAULTS:
            note = "optional (⚪ in the source)" if mark == "⚪" and not self.meanings else ""
            return DEFAULTS[mark], note
        return None, ""


def legend_from_list(entries: list[str], heading: str) -> Legend | None:
    """A list whose every entry is ``<colour mark> words`` with distinct marks is a legend, when
    the heading says so (status, legend, key) or every entry's words read as a status."""
    if len(entries) < 2:
        return None
    meanings: dict[str, tuple[Status, str]] = {}
    readable = True
    for entry in entries:
        m = re.match(r"^\s*\[?(" + "|".join(re.escape(c) for c in COLOURS) + r")" + VS + r"?\]?\s*[:=\-–—]?\s*(.+)$", entry.strip())
        if not m or m[1] in meanings:
            return None
        words = m[2].strip()
        status = meaning_status(words)
        if status is None:
            readable = False
            status = DEFAULTS.get(m[1], Status.TODO)
        meanings[m[1]] = (status, words)
    if not readable and not re.search(r"status|legend|key", heading, re.I):
        return None
    return Legend(meanings=meanings)


@dataclass
class Box:
    mark: str  # " ", "x", "🟢", ...
    rest: str  # the text after (or before, for a trailing mark) the box
    trailing: bool = False


def lead_box(text: str) -> Box | None:
    """``[ ] text`` / ``[x] text`` / ``[🟢] text`` / ``✅ text`` / ``☐ text`` -> Box."""
    m = LEAD_BRACKET.match(text)
    if m:
        mark = (m[1] or " ").replace(VS, "") or " "
        return Box(mark="N/A" if mark.replace("/", "").upper() == "NA" else mark, rest=text[m.end():])
    m = LEAD_GLYPH.match(text)
    if m:
        return Box(mark=m[1], rest=text[m.end():])
    if text.strip() in ("[ ]", "[x]", "[X]", "[]"):
        return Box(mark=text.strip()[1:-1] or " ", rest="")
    return None


def placeholder(text: str) -> bool:
    """``Active users: [X]`` — a ``[X]`` / ``[ ]`` after a label is a value to fill in, not a box."""
    m = TRAIL_BRACKET.search(text)
    return bool(m and m[1] in "xX " and text[: m.start()].rstrip().endswith((":", "=")))


def trail_box(text: str) -> Box | None:
    """``**Authentication Service** [🔴]`` -> Box with the mark at the end."""
    m = TRAIL_BRACKET.search(text)
    if m and placeholder(text):
        return None
    if m:
        return Box(mark=m[1], rest=text[: m.start()], trailing=True)
    return None


def heading_status(title: str) -> tuple[str, str]:
    """``1. Code & Testing ✅`` -> ("1. Code & Testing", "✅"); ``PostgreSQL [🔴]`` -> ("PostgreSQL", "🔴").
    A mark at the start of a heading is decoration (``✅ Final Checks``) and stays in the title."""
    m = TRAIL_BRACKET.search(title)
    if m and m[1].strip():
        return title[: m.start()].rstrip(), m[1]
    m = TRAIL_GLYPH.search(title)
    if m and title[: m.start()].strip():
        return title[: m.start()].rstrip(), m[1]
    return title, ""


# GitHub / Slack emoji shortcodes a checklist uses as status marks; GitHub shows them as the emoji
SHORTCODES = {
    "white_check_mark": "✅", "heavy_check_mark": "✔", "ballot_box_with_check": "☑", "x": "❌", "heavy_multiplication_x": "✖",
    "negative_squared_cross_mark": "❎", "hourglass": "⏳", "hourglass_flowing_sand": "⏳", "warning": "⚠",
    "red_circle": "🔴", "large_green_circle": "🟢", "green_circle": "🟢", "large_yellow_circle": "🟡", "yellow_circle": "🟡",
    "large_orange_circle": "🟠", "orange_circle": "🟠", "white_circle": "⚪", "black_circle": "⚫", "large_blue_circle": "🔵",
    "blue_circle": "🔵", "no_entry": "⛔", "no_entry_sign": "🚫", "white_large_square": "⬜", "ballot_box": "☐",
}
_SHORTCODE = re.compile(r":(" + "|".join(sorted(SHORTCODES, key=len, reverse=True)) + r"):")
_FENCE_OPEN = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def expand_shortcodes(text: str) -> str:
    """``:white_check_mark: done`` -> ``✅ done``, as GitHub renders it; code (fences and inline
    spans) is left as written. Line numbers do not change."""
    if ":" not in text or not _SHORTCODE.search(text):
        return text
    out, fence = [], ""
    for line in text.split("\n"):
        m = _FENCE_OPEN.match(line)
        if fence:
            if m and m[1][0] == fence[0] and len(m[1]) >= len(fence):
                fence = ""
        elif m:
            fence = m[1]
        else:
            parts = line.split("`")  # even parts are outside inline code
            line = "`".join(_SHORTCODE.sub(lambda c: SHORTCODES[c[1]], p) if i % 2 == 0 else p for i, p in enumerate(parts))
        out.append(line)
    return "\n".join(out)


# "Status legend: ...", "**Key:** ...", "Last updated by the PMO. Legend: ..." (after a sentence)
_LEGEND_LINE = re.compile(r"(?:^|[.!]\s+)(?:[^\w:]|_)*(?:status\s+)?(?:legend|key)[*_]*\s*:[*_]*\s*(.+?)[*_.]*$", re.I)


def legend_from_line(text: str) -> Legend | None:
    """``Status legend: ✅ done · ⏳ in progress · ❌ not started`` — a legend written on one line."""
    m = _LEGEND_LINE.search(" ".join(text.split()))
    if not m:
        return None
    entries = [e.strip() for e in re.split(r"\s*(?:·|•|;|\||,|\s{2,})\s*", m[1]) if e.strip()]
    marked = [e for e in entries if any(e.lstrip("[").startswith(c) for c in COLOURS)]  # "blank = not assessed" has no mark
    return legend_from_list(marked, "legend")
