"""Safe YAML loading that remembers where every value came from.

Only plain data is accepted: mappings, sequences, strings, numbers, booleans and null.
Any other tag (``!!python/object``, ``!custom``, ...) is a problem, never constructed.
Mappings load as :class:`YMap` and sequences as :class:`YList`; both behave as ``dict`` and
``list`` and carry the 1-based ``(line, col)`` of themselves and of each key or element.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from warroom.errors import Problem
from warroom.textsafe import find_unsafe, text_problem

_PLAIN_SCALARS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

Pos = tuple[int, int]


class YMap(dict):
    """A mapping with positions: ``pos`` of the mapping, ``key_pos[k]`` and ``value_pos[k]``."""

    pos: Pos = (0, 0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}

    def kpos(self, key: Any) -> Pos:
        return self.key_pos.get(key, self.pos)

    def vpos(self, key: Any) -> Pos:
        return self.value_pos.get(key, self.kpos(key))


class YList(list):
    """A sequence with positions: ``pos`` of the sequence and ``item_pos[i]``."""

    pos: Pos = (0, 0)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_pos: list[Pos] = []

    def ipos(self, index: int) -> Pos:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


def pos_of(value: Any, default: Pos = (0, 0)) -> Pos:
    return getattr(value, "pos", default)


def _mark(node: yaml.Node) -> Pos:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._built = 0  # values built, aliases expanded: bounded against "billion laughs"
        self._depth = 0

    def problem(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.path, pos[0], pos[1], message))

    def build(self, node: yaml.Node) -> Any:
        self._built += 1
        if self._built > MAX_VALUES:
            raise _TooLarge(_mark(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooDeep(_mark(node))
        try:
            return self._mapping(node) if isinstance(node, yaml.MappingNode) else self._sequence(node)
        finally:
            self._depth -= 1

    def _check_tag(self, node: yaml.Node, plain: str) -> bool:
        if node.tag == plain or (isinstance(node, yaml.ScalarNode) and node.tag in _PLAIN_SCALARS):
            return True
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.problem(_mark(node), f"unsupported YAML tag '{tag}': only plain data (text, numbers, lists, mappings) is allowed")
        return False

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if not self._check_tag(node, "tag:yaml.org,2002:str"):
            return None
        if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            # Timestamps stay text: warroom parses times itself, with zones, uniformly.
            self._check_text(node)
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:  # e.g. a malformed int
            self.problem(_mark(node), f"cannot read value {node.value!r}: {exc}")
            return node.value

    def _check_text(self, node: yaml.ScalarNode) -> None:
        """All text is hostile: a control or invisible character (written raw, or as an escape
        like ``\\e`` in a double-quoted string) is a problem at its position."""
        value = node.value
        i = find_unsafe(value, newlines=True)
        if i < 0:
            return
        line, col = _mark(node)
        if node.style in (None, "", "'", '"') and "\n" not in value[:i] and node.start_mark.line == node.end_mark.line:
            col += i + (1 if node.style else 0)  # on the node's one line: point at the character itself
            if node.style == '"':  # escapes before it take more room in the source than in the value
                col = _mark(node)[1]
        self.problem((line, col), text_problem(value, "text", newlines=True) or "")

    def _mapping(self, node: yaml.MappingNode) -> YMap:
        out = YMap()
        out.pos = _mark(node)
        if not self._check_tag(node, "tag:yaml.org,2002:map"):
            return out
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(_mark(key_node), "merge keys ('<<') are not supported; write the keys out")
                continue
            key = self.build(key_node)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                self.problem(_mark(key_node), "mapping keys must be plain text")
                continue
            if key in out:
                first = out.key_pos[key]
                self.problem(_mark(key_node), f"duplicate key '{key}' (first at line {first[0]})")
                continue
            out[key] = self.build(value_node)
            out.key_pos[key] = _mark(key_node)
            out.value_pos[key] = _mark(value_node)
        return out

    def _sequence(self, node: yaml.SequenceNode) -> YList:
        out = YList()
        out.pos = _mark(node)
        if not self._check_tag(node, "tag:yaml.org,2002:seq"):
            return out
        for child in node.value:
            out.append(self.build(child))
            out.item_pos.append(_mark(child))
        return out


def load_text(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse ``text`` as YAML. Returns ``(data, problems)``; data is ``None`` on a syntax error."""
    builder = _Builder(path)
    try:  # libyaml when installed: the same nodes and marks, several times faster
        nodes = list(yaml.compose_all(text, Loader=_FAST_LOADER))
    except (yaml.YAMLError, RecursionError):
        nodes = None  # the pure-Python loader below words the error
    try:
        if nodes is None:
            nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(path, line, col, f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 0, 0, f"YAML error: {exc}")]
    except RecursionError:
        return None, [Problem(path, 0, 0, f"nested too deeply: more than {MAX_DEPTH} levels of lists and mappings")]
    if len(nodes) > 1:
        return None, [Problem(path, _mark(nodes[1])[0], 1, "expected one YAML document, found several")]
    if not nodes or nodes[0] is None:
        return None, []
    try:
        return builder.build(nodes[0]), builder.problems
    except _TooLarge as exc:
        line, col = exc.args[0]
        return None, [Problem(path, line, col, f"too much data: more than {MAX_VALUES} values once aliases (*name) are expanded")]
    except _TooDeep as exc:
        line, col = exc.args[0]
        return None, [Problem(path, line, col, f"nested too deeply: more than {MAX_DEPTH} levels of lists and mappings")]


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_VALUES = 250_000  # far beyond any real checklist; a few hundred bytes of nested aliases reach it


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    pass


MAX_DEPTH = 64  # levels of nesting; a checklist nests items a handful deep


def load_file(path: Path | str) -> tuple[Any, list[Problem]]:
    from warroom.safeio import RefusedFile, read_input

    try:
        raw = read_input(path)
    except RefusedFile as exc:
        return None, [Problem(str(path), 0, 0, str(exc))]
    except OSError as exc:
        return None, [Problem(str(path), 0, 0, f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(str(path), line, col, "file is not valid UTF-8")]
    return load_text(text, str(path))


def dump(data: Any) -> str:
    """Dump plain data as readable block YAML (unicode kept, key order kept)."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


class _Dumper(yaml.SafeDumper):
    pass


# What a literal block (``|``) can hold: YAML's printable characters, no trailing spaces on a
# line. Anything else (a control character, say) is written double-quoted, with escapes.
_LITERAL_UNSAFE = re.compile("[^\x09\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]| \n|[\ufeff\u2028\u2029]")


def comment_safe(text: str) -> str:
    """Text fit for a ``# comment`` line: one line, printable characters only."""
    return _LITERAL_UNSAFE.sub(" ", text.replace("\n", " ")).strip()


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if _LITERAL_UNSAFE.search(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')  # escapes everything
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(YMap, _Dumper.represent_dict)
_Dumper.add_representer(YList, _Dumper.represent_list)
