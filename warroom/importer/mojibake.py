"""Repair mojibake: UTF-8 text that was decoded with a single-byte code page and saved again.

Two code pages occur in real checklists:

* **cp1252** (Windows): ``âœ…`` for ✅, ``ðŸŸ¢`` for 🟢, ``â‰¥`` for ≥. cp1252 leaves the bytes
  0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined, so the round trip often *lost* one of them:
  ⏳ (E2 8F B3) became ``â³`` and ❌ (E2 9D 8C) became ``âŒ``. Such a sequence is one byte
  short; we try each lost byte at each position and keep the candidate that reads best (an
  emoji beats another symbol, which beats a letter; unassigned and control characters never
  win). When no candidate is good the text is left as it was (still readable) and reported.
* **Mac Roman**: ``üîê`` for 🔐, ``‚úÖ`` for ✅ (the Apple logo U+F8FF stands for byte 0xF0).

We work on *runs* of characters that the code page maps to bytes >= 0x80: every byte of a
multi-byte UTF-8 sequence is >= 0x80, and plain ASCII never needs repair. A run is turned back
into bytes and decoded as UTF-8 piece by piece; pieces that are not valid UTF-8 (a lone ``é``
in "café") stay exactly as written. One code page is chosen per document: the one that
repairs the most sequences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_LOST = (0x81, 0x8D, 0x8F, 0x90, 0x9D)  # bytes cp1252 does not define


def _table(codec: str) -> dict[str, int]:
    table: dict[str, int] = {}
    for b in range(0x80, 0x100):
        try:
            ch = bytes([b]).decode(codec)
        except UnicodeDecodeError:
            continue
        table[ch] = b
    return table


_CP1252 = _table("cp1252")
for _b in range(0x80, 0xA0):  # "sloppy" cp1252: C1 controls stand for their own byte
    _CP1252.setdefault(chr(_b), _b)
_MACROMAN = _table("mac_roman")
_MACROMAN.setdefault("€", 0xDB)
_MACROMAN.setdefault("¤", 0xDB)

CODECS: dict[str, tuple[dict[str, int], bool]] = {
    # name -> (char -> byte, may bytes have been lost?)
    "cp1252": (_CP1252, True),
    "mac-roman": (_MACROMAN, False),
}


def _run_pattern(table: dict[str, int]) -> re.Pattern[str]:
    chars = "".join(sorted(table))
    return re.compile("[" + re.escape(chars) + "]{2,}")


_RUNS = {name: _run_pattern(t) for name, (t, _) in CODECS.items()}

# Code points that are emoji (or emoji parts) — the best reading for a repaired sequence.
_EMOJI_RANGES = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049), (0x20E3, 0x20E3),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA), (0x231A, 0x231B),
    (0x2328, 0x2328), (0x23CF, 0x23CF), (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2),
    (0x25AA, 0x25AB), (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x2604),
    (0x260E, 0x260E), (0x2611, 0x2611), (0x2614, 0x2615), (0x2618, 0x2618), (0x261D, 0x261D),
    (0x2620, 0x2620), (0x2622, 0x2623), (0x2626, 0x2626), (0x262A, 0x262A), (0x262E, 0x262F),
    (0x2638, 0x263A), (0x2640, 0x2640), (0x2642, 0x2642), (0x2648, 0x2653), (0x265F, 0x2660),
    (0x2663, 0x2663), (0x2665, 0x2666), (0x2668, 0x2668), (0x267B, 0x267B), (0x267E, 0x267F),
    (0x2692, 0x2697), (0x2699, 0x2699), (0x269B, 0x269C), (0x26A0, 0x26A1), (0x26A7, 0x26A7),
    (0x26AA, 0x26AB), (0x26B0, 0x26B1), (0x26BD, 0x26BE), (0x26C4, 0x26C5), (0x26C8, 0x26C8),
    (0x26CE, 0x26CF), (0x26D1, 0x26D1), (0x26D3, 0x26D4), (0x26E9, 0x26EA), (0x26F0, 0x26F5),
    (0x26F7, 0x26FA), (0x26FD, 0x26FD), (0x2702, 0x2702), (0x2705, 0x2705), (0x2708, 0x270D),
    (0x270F, 0x270F), (0x2712, 0x2712), (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D),
    (0x2721, 0x2721), (0x2728, 0x2728), (0x2733, 0x2734), (0x2744, 0x2744), (0x2747, 0x2747),
    (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2763, 0x2764),
    (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2934, 0x2935),
    (0x2B05, 0x2B07), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030),
    (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299), (0xFE0F, 0xFE0F),
    (0x1F000, 0x1FAFF),
)


def is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _EMOJI_RANGES)


# Punctuation real documents use all the time: wins a tie against a rare symbol (” vs ‐).
_COMMON = set("“”‘’–—…•€™°±×·")


def _score(text: str) -> float:
    """3 emoji, 2.5 common punctuation, 2 other symbol or punctuation, 1 other printable,
    0 unusable (unassigned, private use, control, format characters)."""
    best = 3.0
    for ch in text:
        cat = unicodedata.category(ch)
        if is_emoji(ch):
            s = 3.0
        elif ch == "\ufeff":  # a BOM that went through the round trip; dropped afterwards
            s = 1.0
        elif cat in ("Cn", "Co", "Cs", "Cc", "Cf"):
            return 0
        elif ch in _COMMON:
            s = 2.5
        elif cat[0] in "SP":
            s = 2.0
        else:
            s = 1.0
        best = min(best, s)
    return best


@dataclass
class Repair:
    text: str
    codec: str = ""  # the code page the mojibake came from ("" when none was found)
    repaired: int = 0  # sequences repaired
    lost_bytes: int = 0  # of those, sequences where a lost byte was restored
    unrepaired: list[tuple[int, str]] = field(default_factory=list)  # (line, text) left as written


def _need(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 1
    if 0xE0 <= lead <= 0xEF:
        return 2
    if 0xF0 <= lead <= 0xF4:
        return 3
    return -1


def _decode_run(run: str, table: dict[str, int], lossy: bool) -> tuple[str, int, int, bool]:
    """Returns (text, repaired, lost_restored, left_suspicious)."""
    bs = bytes(table[c] for c in run)
    out: list[str] = []
    i, n = 0, len(bs)
    repaired = lost = 0
    suspicious = False
    while i < n:
        need = _need(bs[i])
        if need < 0:
            out.append(run[i])
            i += 1
            continue
        j = i + 1
        while j < n and j - i - 1 < need and 0x80 <= bs[j] <= 0xBF:
            j += 1
        have = j - i - 1
        if have == need:
            try:
                ch = bs[i:j].decode("utf-8")
            except UnicodeDecodeError:
                ch = ""
            if ch and _score(ch) > 0:
                out.append(ch)
                repaired += 1
                i = j
                continue
        elif lossy and have == need - 1 and have >= 1:
            best, best_score = "", 1.0
            body = bs[i + 1 : j]
            for pos in range(have + 1):
                for m in _LOST:
                    cand = bytes([bs[i]]) + body[:pos] + bytes([m]) + body[pos:]
                    try:
                        ch = cand.decode("utf-8")
                    except UnicodeDecodeError:
                        continue
                    s = _score(ch)
                    if s > best_score:
                        best, best_score = ch, s
            if best:
                out.append(best)
                repaired += 1
                lost += 1
                i = j
                continue
            suspicious = True
        elif have > 0:
            suspicious = True
        out.append(run[i])
        i += 1
    return "".join(out), repaired, lost, suspicious


def _apply(text: str, codec: str) -> Repair:
    table, lossy = CODECS[codec]
    result = Repair(text=text, codec=codec)
    pieces: list[str] = []
    last = 0
    for m in _RUNS[codec].finditer(text):
        fixed, rep, lost, suspicious = _decode_run(m.group(), table, lossy)
        if suspicious:
            line = text.count("\n", 0, m.start()) + 1
            result.unrepaired.append((line, m.group()))
        if rep:
            pieces.append(text[last : m.start()])
            pieces.append(fixed)
            last = m.end()
            result.repaired += rep
            result.lost_bytes += lost
    pieces.append(text[last:])
    result.text = "".join(pieces)
    return result


def repair(text: str) -> Repair:
    """Repair mojibake in ``text`` (see the module docstring). Never raises."""
    if text.isascii():
        return Repair(text=text)
    best: Repair | None = None
    for codec in CODECS:
        attempt = _apply(text, codec)
        if attempt.repaired and (best is None or attempt.repaired > best.repaired):
            best = attempt
    if best is None:
        return Repair(text=text)
    return best


def decode_source(data: bytes) -> tuple[str, str]:
    """Bytes of a Markdown file -> (text, note). UTF-8 (with or without BOM) is expected; other
    bytes are read as cp1252 and ``note`` says so. Line ends become ``\\n``; a BOM is dropped."""
    note = ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = "".join(chr(b) if b < 0x80 else _CP1252_REV.get(b, chr(b)) for b in data)
        note = "the file is not valid UTF-8; read it as cp1252"
    return normalize(text), note


_CP1252_REV = {b: c for c, b in _CP1252.items() if ord(c) >= 0xA0 or ord(c) != b or b in _LOST}


def normalize(text: str) -> str:
    """Drop a BOM, turn CRLF / CR line ends into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def clean(text: str) -> Repair:
    """normalize + repair, and drop a BOM that only appeared after repair (``ï»¿``)."""
    result = repair(normalize(text))
    if result.text.startswith("\ufeff"):
        result.text = result.text[1:]
    return result
