"""Markdown -> a small block tree, using markdown-it-py's block parser.

Only the *block* structure is needed (headings, lists, list items, paragraphs, fences, tables):
item text is kept as written (inline code, bold and links stay Markdown), so the inline rule
chain is switched off — that is most of markdown-it-py's parse time. Tables are enabled (GFM).
Every block keeps its 0-based ``[start, end)`` source line range from the token ``.map``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass
class Block:
    kind: str  # heading paragraph bullet_list ordered_list list_item fence code_block table hr html_block blockquote
    start: int  # first source line (0-based)
    end: int  # one past the last source line
    text: str = ""  # inline content (paragraph, heading), code (fence / code_block), raw html
    info: str = ""  # fence info string
    level: int = 0  # heading level
    marker: str = ""  # list item marker ("-", "*", "+", "1.")
    rows: list[list[str]] = field(default_factory=list)  # table: header row first
    children: list["Block"] = field(default_factory=list)

    @property
    def line(self) -> int:
        """1-based first line, for messages."""
        return self.start + 1


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.disable(["inline", "text_join"], ignoreInvalid=True)
    return md


_MD = make_parser()


def parse_blocks(text: str) -> list[Block]:
    tokens = _MD.parse(text)
    blocks, _ = _build(tokens, 0, None)
    return blocks


_CONTAINERS = {
    "bullet_list_open": "bullet_list",
    "ordered_list_open": "ordered_list",
    "list_item_open": "list_item",
    "blockquote_open": "blockquote",
}


def _build(tokens: list[Token], i: int, close: str | None) -> tuple[list[Block], int]:
    out: list[Block] = []
    n = len(tokens)
    last_end = 0
    while i < n:
        tok = tokens[i]
        t = tok.type
        if close is not None and t == close:
            return out, i + 1
        start, end = (tok.map[0], tok.map[1]) if tok.map else (last_end, last_end)
        if t in _CONTAINERS:
            kind = _CONTAINERS[t]
            block = Block(kind, start, end, marker=(tok.info + tok.markup) if kind == "list_item" else tok.markup)
            block.children, i = _build(tokens, i + 1, t.replace("_open", "_close"))
            out.append(block)
        elif t == "heading_open":
            block = Block("heading", start, end, level=int(tok.tag[1:]))
            if i + 1 < n and tokens[i + 1].type == "inline":
                block.text = tokens[i + 1].content
            out.append(block)
            i += 3
        elif t == "paragraph_open":
            block = Block("paragraph", start, end)
            if i + 1 < n and tokens[i + 1].type == "inline":
                block.text = tokens[i + 1].content
            out.append(block)
            i += 3
        elif t in ("fence", "code_block"):
            out.append(Block(t, start, end, text=tok.content, info=tok.info.strip()))
            i += 1
        elif t == "html_block":
            out.append(Block("html_block", start, end, text=tok.content))
            i += 1
        elif t == "hr":
            out.append(Block("hr", start, end))
            i += 1
        elif t == "table_open":
            block = Block("table", start, end)
            i = _table(tokens, i + 1, block)
            out.append(block)
        else:  # a token kind we do not model: skip it (its content is reported by the builder)
            i += 1
        last_end = end
    return out, i


def _table(tokens: list[Token], i: int, block: Block) -> int:
    row: list[str] | None = None
    n = len(tokens)
    while i < n:
        t = tokens[i].type
        if t == "table_close":
            return i + 1
        if t == "tr_open":
            row = []
        elif t == "tr_close" and row is not None:
            block.rows.append(row)
            row = None
        elif t == "inline" and row is not None:
            row.append(tokens[i].content.strip())
        i += 1
    return i


def code_blocks(text: str) -> list[tuple[str, str]]:
    """The fenced and indented code blocks of a Markdown text, in order, as (code, language):
    what a section's description offers to copy."""
    out: list[tuple[str, str]] = []

    def walk(blocks: list[Block]) -> None:
        for b in blocks:
            if b.kind in ("fence", "code_block") and b.text.strip():
                out.append((b.text.rstrip("\n"), b.info.split()[0] if b.info else ""))
            walk(b.children)

    walk(parse_blocks(text))
    return out
