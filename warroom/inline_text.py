"""Inline Markdown as plain text, for the CLI and the reports.

Imported checklists keep their item texts as written, in Markdown (``**Load test**``,
`` `kubectl apply` ``), and decision reasons quote them. The screen renders them
(``warroom.tui.widgets.text.inline_markdown``); a terminal line or a report's plain field shows
the text a reader would see instead of the markers: ``Load test``, ``kubectl apply``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_MARKUP_CHARS = frozenset("*_`[<&\\~")
_md: Any = None


@lru_cache(maxsize=4096)
def plain_inline(text: str) -> str:
    """``text`` with its inline Markdown markers dropped (emphasis, code spans, links keep their
    words; entities and escapes are resolved)."""
    if not _MARKUP_CHARS.intersection(text):
        return text
    global _md
    if _md is None:
        from markdown_it import MarkdownIt

        _md = MarkdownIt("commonmark").enable("strikethrough")
    out: list[str] = []
    for block in _md.parseInline(text):
        for tok in block.children or []:
            if tok.type in ("text", "code_inline", "html_inline"):
                out.append(tok.content)
            elif tok.type in ("softbreak", "hardbreak"):
                out.append(" ")
            elif tok.type == "image":
                out.append(tok.content)
    return "".join(out)
