"""Inline Markdown as plain text, for the CLI and the reports.

Imported checklists keep their item texts as written, in Markdown (``**Load test**``,
`` `kubectl apply` ``), and decision reasons quote them. The screen renders them
(``warroom.tui.widgets.text.inline_markdown``); a terminal line or a report's plain field shows
the text a reader would see instead of the markers: ``Load test``, ``kubectl apply``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MARKUP_CHARS = frozenset("*_`[<&\\~")  # a text without any of these is plain as it stands
_md: Any = None


def inline_tokens(text: str) -> list[Any]:
    """markdown-it's inline tokens of ``text`` (CommonMark with strikethrough): the one parser
    the screen's rendering and the plain text below share."""
    global _md
    if _md is None:
        from markdown_it import MarkdownIt

        _md = MarkdownIt("commonmark").enable("strikethrough")
    return [tok for block in _md.parseInline(text) for tok in block.children or []]


@lru_cache(maxsize=4096)
def plain_inline(text: str) -> str:
    """``text`` with its inline Markdown markers dropped (emphasis, code spans, links keep their
    words; entities and escapes are resolved)."""
    if not MARKUP_CHARS.intersection(text):
        return text
    out: list[str] = []
    for tok in inline_tokens(text):
        if tok.type in ("text", "code_inline", "html_inline", "image"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)
