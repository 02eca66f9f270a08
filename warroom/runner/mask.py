"""Masking secret values in a byte stream before it is stored or shown.

A value may straddle two reads, so the masker holds back the longest tail of what it has that
could be the start of a secret (in any form it masks), and nothing else: output that cannot
begin a secret — a progress line, a ``[y/N]`` prompt — is released at once. A held tail is
never released while it could still be the start of a secret (releasing a secret's first bytes
would let its rest through unmasked); more output, or the end of the output, settles it.
"""

from __future__ import annotations

import re


class Masker:
    def __init__(self, secrets: dict[str, str]) -> None:
        """``secrets``: NAME -> value. Empty values are ignored (nothing to hide)."""
        # A value with a line break comes out of a terminal with \r\n: that form is masked too.
        values = [(v, n) for n, v in secrets.items() if v] + [(v.replace("\n", "\r\n"), n) for n, v in secrets.items() if "\n" in v]
        pairs = sorted(((v.encode("utf-8"), n) for v, n in values), key=lambda p: -len(p[0]))
        self._label = {value: f"[masked {name}]".encode() for value, name in pairs}
        self._pattern = re.compile(b"|".join(re.escape(v) for v, _ in pairs)) if pairs else None
        self._forms = [v for v, _ in pairs]
        self._starts = {v[:1] for v in self._forms}
        self._keep = max((len(v) for v in self._forms), default=1) - 1
        self._held = b""

    @property
    def active(self) -> bool:
        return self._pattern is not None

    @property
    def held(self) -> int:
        """How many bytes are held back (they could start a secret)."""
        return len(self._held)

    def _sub(self, data: bytes) -> bytes:
        assert self._pattern is not None
        return self._pattern.sub(lambda m: self._label[m.group()], data)

    def _could_start(self, data: bytes) -> int:
        """Where the longest tail of ``data`` that is a proper prefix of some secret begins
        (``len(data)``: no tail could)."""
        n = len(data)
        for start in range(max(0, n - self._keep), n):
            if data[start:start + 1] not in self._starts:
                continue
            tail = data[start:]
            if any(len(v) > len(tail) and v.startswith(tail) for v in self._forms):
                return start
        return n

    def feed(self, chunk: bytes) -> bytes:
        """The masked bytes that can be released now."""
        if self._pattern is None:
            return chunk
        data = self._held + chunk
        # Release everything except a tail that could be the start of a secret. A match that
        # ends inside that tail is left for later (it is found again, whole, with more bytes:
        # a shorter secret may be the start of a longer one).
        cut = self._could_start(data)
        out, last = [], 0
        for m in self._pattern.finditer(data):
            if m.start() >= cut:
                break
            if m.end() > cut:
                cut = m.start()
                break
            out.append(data[last:m.start()])
            out.append(self._label[m.group()])
            last = m.end()
        if cut < last:
            cut = last
        out.append(data[last:cut])
        self._held = data[cut:]
        return b"".join(out)

    def flush(self) -> bytes:
        """The end of the output: what is held is masked and released (it is not a secret:
        no more bytes can complete one)."""
        data, self._held = self._held, b""
        return self._sub(data) if (self._pattern is not None and data) else data

    def text(self, text: str) -> str:
        """Mask a whole string (a command, a message)."""
        if self._pattern is None:
            return text
        return self._sub(text.encode("utf-8")).decode("utf-8", errors="replace")
