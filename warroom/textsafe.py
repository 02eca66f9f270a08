"""All text is hostile: the one set of rules for characters that must never reach a terminal.

Text in warroom comes from checklists in a repository, notes typed by other operators, names
given with ``--as``, values served by metric endpoints and journals written by any version. A
terminal obeys control characters: ``ESC ] 52`` rewrites the clipboard, ``ESC ] 0`` renames the
window, a bidi override makes ``exe.txt`` read as ``txt.exe``. So, at both ends:

- at the door, :func:`text_problem` refuses such text with the position of the first offending
  character (``validate``, the importer, every CLI argument and every screen input that becomes
  an event call it);
- wherever text is printed or drawn, :func:`neutralise` shows each such character visibly
  (``\\x1b``, ``\\u202e``) instead of sending it, because old journals and endpoint values carry
  them too.

Refused (and neutralised): C0 controls except tab (and newline where a field allows newlines),
DEL, C1 controls (U+0080–U+009F), and the invisible format characters of Unicode category Cf
(bidi embeddings, overrides and isolates, zero-width spaces and joiners, the BOM, ...) plus the
line and paragraph separators (U+2028/U+2029), lone surrogates and non-characters.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Any, TextIO

# Every format character (Unicode category Cf, as of Unicode 14) but the zero-width joiner
# U+200D, which emoji sequences need and which moves no cursor and turns no direction.
# (tests/security checks this list against unicodedata.)
_CF = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200c\u200e-\u200f"
       "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
       "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_OTHER = "\u2028\u2029\ufffe\uffff\ud800-\udfff"
UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f" + _CF + _OTHER + "]")  # tab is never refused
UNSAFE_KEEP_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _CF + _OTHER + "]")

MAX_NAME = 64  # an operator's name
_NAMES = {"\x1b": "ESC", "\x07": "BEL", "\x08": "BS", "\x0d": "CR", "\x0a": "newline", "\x00": "NUL", "\x7f": "DEL",
          "\x9b": "CSI", "\x9d": "OSC", "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u200b": "ZERO WIDTH SPACE"}


def char_name(ch: str) -> str:
    """``\\x1b (ESC)``: how a message names a refused character."""
    code = _code(ch)
    name = _NAMES.get(ch) or unicodedata.name(ch, "")
    return f"{code} ({name})" if name else code


def _code(ch: str) -> str:
    n = ord(ch)
    if n < 0x100:
        return f"\\x{n:02x}"
    return f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def find_unsafe(text: str, newlines: bool = False) -> int:
    """Index of the first character that must not reach a terminal, or -1."""
    m = (UNSAFE_KEEP_NEWLINE if newlines else UNSAFE).search(text)
    return m.start() if m else -1


def text_problem(text: str, what: str = "text", newlines: bool = False) -> str | None:
    """Why ``text`` is refused (naming the character and its 1-based position), or None."""
    i = find_unsafe(text, newlines)
    if i < 0:
        return None
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    where = f"line {line}, column {col}" if "\n" in text[:i] else f"character {i + 1}"
    return (f"{what} contains the control or invisible character {char_name(text[i])} at {where}; "
            "warroom refuses text that could act on a terminal or hide what it says")


def neutralise(text: Any, newlines: bool = True) -> str:
    """``text`` with every unsafe character shown as an escape (``\\x1b``), never sent raw.
    Newlines stay (unless ``newlines`` is False: then they show as ``\\x0a`` too); tabs stay."""
    s = text if isinstance(text, str) else str(text)
    pattern = UNSAFE_KEEP_NEWLINE if newlines else UNSAFE
    if not pattern.search(s):
        return s
    return pattern.sub(lambda m: _code(m.group()), s)


def one_line(text: Any) -> str:
    """Neutralised, on one line: for names, ids and values in a single row."""
    return neutralise(text, newlines=False)


def json_safe(dumped: str) -> str:
    """A JSON text with every unsafe character written as a ``\\uXXXX`` escape: still valid JSON
    that decodes to the same value, and nothing a terminal acts on. (``json.dumps`` escapes C0
    itself; with ``ensure_ascii=False`` it leaves C1, bidi and separators raw.)"""
    if not UNSAFE_KEEP_NEWLINE.search(dumped):
        return dumped
    return UNSAFE_KEEP_NEWLINE.sub(lambda m: "".join(f"\\u{u:04x}" for u in _utf16(m.group())), dumped)


def _utf16(ch: str) -> list[int]:
    n = ord(ch)
    if n < 0x10000:
        return [n]
    n -= 0x10000
    return [0xD800 + (n >> 10), 0xDC00 + (n & 0x3FF)]


class SafeStream:
    """A text stream that neutralises every write: the last guard in front of a terminal (or a
    pipe a terminal will show). Newlines and tabs pass; text the stream's encoding cannot carry
    is written as escapes instead of failing (``LC_ALL=C`` terminals)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        safe = neutralise(text)
        try:
            safe.encode(self._encoding)
        except (UnicodeEncodeError, LookupError):
            safe = safe.encode(self._encoding, errors="backslashreplace").decode(self._encoding, errors="replace")
        self._stream.write(safe)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_std_streams() -> None:
    """Put :class:`SafeStream` in front of ``sys.stdout`` and ``sys.stderr`` (once)."""
    if not isinstance(sys.stdout, SafeStream) and sys.stdout is not None:
        sys.stdout = SafeStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, SafeStream) and sys.stderr is not None:
        sys.stderr = SafeStream(sys.stderr)  # type: ignore[assignment]
