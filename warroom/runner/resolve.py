"""Which commands a target offers, and whether one can run as written.

A target is an item with ``commands:`` or a section whose description holds fenced code
blocks. Each block is one choice; a block that offers alternatives (``# Or Docker rollback``)
is split at them, so one alternative runs, never all of them. A choice with placeholders
(``<previous-stable-version>``, ``{{...}}``, ``your-app``, ``[X]``, ``…``) is refused with the
placeholder named. ``$NAME`` and ``${NAME}`` are found so their values can go through the
environment, never the command line.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from dataclasses import dataclass, field

from warroom.errors import ActionError
from warroom.model import Item, Section
from warroom.workspace import Workspace

SHELL_LANGUAGES = {"", "bash", "sh", "shell", "zsh", "ksh", "console", "shell-session", "shellscript"}

# A comment line that starts another way of doing the same thing.
_ALTERNATIVE = re.compile(r"^\s*#+\s*(?:or\b|alternatively\b|alternative\b|otherwise\b|instead\b)", re.I)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
                    re.M | re.S)
_PLACEHOLDERS = [
    (re.compile(r"<[A-Za-z][\w.-]*(?: [\w.-]+)*>"), "a <placeholder>"),
    (re.compile(r"\{\{.*?\}\}"), "a {{template}} placeholder"),
    (re.compile(r"\b(?:your|my)[-_][A-Za-z0-9_-]+", re.I), "a your-… placeholder"),
    (re.compile(r"\[[A-Z][A-Z0-9_]*(?: [A-Z0-9_]+)*\]"), "a [PLACEHOLDER]"),
    (re.compile(r"…|(?<!\S)\.\.\.(?!\S)"), "an ellipsis standing for something left out"),
    (re.compile(r"\b(?:XXX+|xxx+|CHANGEME|CHANGE_ME|REPLACE_ME|TODO|FIXME)\b"), "a fill-me-in marker"),
]
_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_ASSIGN = re.compile(r"(?:^|[;&|(]\s*|\b(?:export|local|declare|readonly|typeset)\s+(?:-\w+\s+)*)([A-Za-z_][A-Za-z0-9_]*)\+?=")
_LOOP_OR_READ = re.compile(r"\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b|\bread\s+(?:-\w+\s+(?:\S+\s+)?)*([A-Za-z_][A-Za-z0-9_ ]*)")


@dataclass
class Choice:
    """One runnable candidate: a block, or one alternative of a block."""

    number: int  # 1-based, as offered to the operator
    label: str
    code: str
    language: str = ""
    block: int = 1  # which block of the target (1-based)
    alternative: int = 0  # which alternative of that block (0: the block is not split)
    placeholders: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.code.encode("utf-8")).hexdigest()

    def refusal(self) -> str | None:
        """Why this choice cannot run as written (None: it can)."""
        if self.language.lower() not in SHELL_LANGUAGES:
            return f"it is a {self.language} block, not a shell command"
        if self.placeholders:
            return "it has a placeholder to fill in first: " + ", ".join(self.placeholders)
        if not any(line.strip() and not line.strip().startswith("#") for line in self.code.splitlines()):
            return "it has no command, only comments"
        return None


@dataclass
class Target:
    """What ``warroom run`` names: an item, or a section with code blocks in its description."""

    id: str
    short_id: str
    text: str
    critical: bool
    item: Item | None
    blocks: list[tuple[str, str]]  # (code, language)

    @property
    def kind(self) -> str:
        return "item" if self.item is not None else "section"


def resolve_target(ws: Workspace, ref: str) -> Target:
    """An item by its id or the end of it; else a section so named; else an item by an
    unambiguous prefix (as everywhere else)."""
    key = ref.strip("/")
    exact = [i for i in ws.items.values() if i.id == key or i.id.endswith("/" + key)]
    section = _section(ws, key) if len(exact) != 1 else None
    if section is not None:
        return Target(section.id, section.local_id, section.title, False, None, section_blocks(section))
    item = exact[0] if len(exact) == 1 else ws.resolve_item(ref)
    return Target(item.id, item.local_id, item.text, item.critical, item, [(c.code, c.language) for c in item.commands])


def _section(ws: Workspace, ref: str) -> Section | None:
    ref = ref.strip("/")
    if ref in ws.sections:
        return ws.sections[ref]
    found = [s for s in ws.sections.values() if s.id.endswith("/" + ref)]
    return found[0] if len(found) == 1 else None


def section_blocks(section: Section) -> list[tuple[str, str]]:
    """The fenced code blocks of a section's description, dedented."""
    return [(textwrap.dedent(m["body"]).rstrip("\n"), m["lang"]) for m in _FENCE.finditer(section.description or "")]


def choices(target: Target) -> list[Choice]:
    out: list[Choice] = []
    for b, (code, language) in enumerate(target.blocks, start=1):
        parts = split_alternatives(code)
        for a, part in enumerate(parts, start=1 if len(parts) > 1 else 0):
            out.append(Choice(len(out) + 1, _label(part), part, language, b, a,
                              placeholders=find_placeholders(part), variables=find_variables(part)))
    return out


def split_alternatives(code: str) -> list[str]:
    """``# Kubernetes rollback / kubectl … / # Or Docker rollback / docker-compose …`` -> two blocks."""
    parts: list[list[str]] = [[]]
    for line in code.splitlines():
        if _ALTERNATIVE.match(line) and any(_is_command(x) for x in parts[-1]):
            parts.append([])
        parts[-1].append(line)
    blocks = ["\n".join(p).strip("\n") for p in parts]
    return [b for b in blocks if b.strip()] or [code]


def _is_command(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def _label(code: str) -> str:
    """The block's first comment (without ``# Or``), else its first command."""
    lines = [x.strip() for x in code.splitlines() if x.strip()]
    for line in lines:
        if line.startswith("#") and not line.startswith("#!"):
            text = re.sub(r"^#+\s*(?:(?:or|alternatively|alternative|otherwise|instead)\b[:,]?\s*)?", "", line, flags=re.I)
            if text:
                return text[:1].upper() + text[1:]
        elif not line.startswith("#"):
            return line
    return lines[0] if lines else "(empty)"


def find_placeholders(code: str) -> list[str]:
    """Placeholders in the lines that run (comments are not run), each once, in order."""
    found: list[str] = []
    for line in code.splitlines():
        text = _strip_comment(line)
        for pattern, _ in _PLACEHOLDERS:
            for m in pattern.finditer(text):
                if m.group() not in found:
                    found.append(m.group())
    return found


def _strip_comment(line: str) -> str:
    """The line without a trailing shell comment (a ``#`` at a word start outside quotes)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def find_variables(code: str) -> list[str]:
    """Names the command reads with ``$NAME``/``${NAME}`` and does not set itself (outside
    single quotes and comments), in order."""
    local: set[str] = set()
    names: list[str] = []
    for line in code.splitlines():
        text = _unquoted(_strip_comment(line))
        for m in _ASSIGN.finditer(text):
            local.add(m.group(1))
        for m in _LOOP_OR_READ.finditer(text):
            local.update((m.group(1) or m.group(2) or "").split())
        for m in _VAR.finditer(text):
            name = m["braced"] or m["plain"]
            if m.start() > 0 and text[m.start() - 1] == "\\":
                continue
            if m["op"] and m["op"].lstrip(":")[:1] in ("-", "="):
                continue  # ${NAME:-default}: the command says what an unset NAME means
            if name not in local and name not in names:
                names.append(name)
    return names


def _unquoted(line: str) -> str:
    """The line with single-quoted text blanked (the shell expands nothing in it)."""
    out, quote = [], ""
    for ch in line:
        if quote == "'":
            if ch == "'":
                quote = ""
            out.append(" ")
            continue
        if ch == "'" and quote == "":
            quote = "'"
            out.append(" ")
            continue
        if ch == '"':
            quote = "" if quote == '"' else '"'
        out.append(ch)
    return "".join(out)


def fingerprint(ws: Workspace, target_id: str) -> str:
    """What was reviewed: the target's code blocks and the layout's ``run:`` settings."""
    try:
        target = resolve_target(ws, target_id)
        blocks = target.blocks
    except ActionError:
        blocks = None
    settings = getattr(ws.layout, "run", None)
    data = {"target": target_id, "blocks": blocks, "run": settings.raw if settings is not None else None}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
