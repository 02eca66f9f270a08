"""Masking secret values in a byte stream before it is stored or shown.

A value may straddle two reads, so the masker holds back the last ``longest - 1`` bytes of
each chunk until it knows they do not start a secret.
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
        self._keep = max((len(v) for v, _ in pairs), default=1) - 1
        self._held = b""

    @property
    def active(self) -> bool:
        return self._pattern is not None

    def _sub(self, data: bytes) -> bytes:
        assert self._pattern is not None
        return self._pattern.sub(lambda m: self._label[m.group()], data)

    def feed(self, chunk: bytes) -> bytes:
        """The masked bytes that can be released now."""
        if self._pattern is None:
            return chunk
        data = self._held + chunk
        if self._keep == 0:
            self._held = b""
            return self._sub(data)
        # Release everything except a tail that could be the start of a secret. A match that
        # ends inside the tail is left for later (it is found again, whole, with more bytes).
        cut = len(data) - self._keep
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
        data, self._held = self._held, b""
        return self._sub(data) if (self._pattern is not None and data) else data

    def text(self, text: str) -> str:
        """Mask a whole string (a command, a message)."""
        if self._pattern is None:
            return text
        return self._sub(text.encode("utf-8")).decode("utf-8", errors="replace")
