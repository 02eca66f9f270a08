"""The checklist YAML format (``checklists/*.yaml``): load with validation, dump back.

See ``docs/formats.md`` for the annotated format.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from warroom.errors import Problem, describe_value, did_you_mean
from warroom.ids import slugify, unique
from warroom.model import STATUS_VALUES, Checklist, Command, Item, Link, Section, Status, Written
from warroom.tmarks import format_tmark, parse_tmark
from warroom.textsafe import one_line
from warroom.yamlio import Pos, YList, YMap, comment_safe, dump, load_file

CHECKLIST_KEYS = ["id", "title", "source", "description", "sections"]
SECTION_KEYS = ["id", "title", "description", "after", "status", "items", "sections"]
ITEM_KEYS = ["id", "text", "owner", "role", "critical", "numbered", "phase", "due", "commands", "links", "notes", "status", "reason", "items"]


class Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.path, pos[0], pos[1], message))

    def check_keys(self, node: YMap, allowed: list[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(node.kpos(key), f"unknown key '{key}' in {what}{did_you_mean(str(key), allowed)}")

    def mapping(self, value: Any, pos: Pos, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.problem(pos, f"expected a mapping for {what}, got {describe_value(value)}")
        return None

    def entries(self, node: YMap, key: str, what: str, allowed: list[str], keys_of: str = "",
                shorthand: str = "") -> Iterator[tuple[int, YMap]]:
        """Each mapping in the list ``node[key]``, its keys checked (as ``keys_of``). With
        ``shorthand``, a plain text entry stands for ``{shorthand: text}``."""
        entries = self.seq(node, key)
        for i, value in enumerate(entries):
            if shorthand and isinstance(value, str):
                value = YMap({shorthand: value})
                value.pos = entries.ipos(i)
            entry = self.mapping(value, entries.ipos(i), what)
            if entry is not None:
                self.check_keys(entry, allowed, keys_of or what.removeprefix("a "))
                yield i, entry

    def seq(self, node: YMap, key: str) -> YList:
        value = node.get(key)
        if value is None:
            return YList()
        if isinstance(value, YList):
            return value
        self.problem(node.vpos(key), f"expected a list for '{key}', got {describe_value(value)}")
        return YList()

    def text(self, node: YMap, key: str, required: bool = False, what: str = "") -> str:
        if key not in node or node[key] is None:
            if required:
                self.problem(node.pos, f"missing required key '{key}'" + (f" in {what}" if what else ""))
            return ""
        value = node[key]
        if isinstance(value, bool) or isinstance(value, (YMap, YList)):
            self.problem(node.vpos(key), f"expected text for '{key}', got {describe_value(value)}")
            return ""
        return str(value)

    def flag(self, node: YMap, key: str, default: bool = False) -> bool:
        value = node.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(node.vpos(key), f"expected true or false for '{key}', got {describe_value(value)}")
            return default
        return value


def parse_checklist(data: Any, path: Path | str) -> tuple[Checklist | None, list[Problem]]:
    r = Reader(str(path))
    root = r.mapping(data, (1, 1), "the checklist") if data is not None else None
    if data is None:
        r.problem((1, 1), "empty file: expected a checklist with 'title' and 'sections'")
    if root is None:
        return None, r.problems
    r.check_keys(root, CHECKLIST_KEYS, "checklist")
    cid = r.text(root, "id") or slugify(Path(str(path)).stem, "checklist")
    if slugify(cid) != cid:
        r.problem(root.vpos("id"), f"checklist id '{cid}' must be a slug of lowercase letters, digits and dashes (e.g. '{slugify(cid)}')")
    checklist = Checklist(
        id=cid,
        title=r.text(root, "title", required=True, what="checklist"),
        path=Path(path),
        source=r.text(root, "source"),
        description=r.text(root, "description"),
    )
    seen: dict[str, Pos] = {}
    taken: set[str] = set()
    sections = r.seq(root, "sections")
    if "sections" not in root:
        r.problem(root.pos, "missing required key 'sections' in checklist")
    for i, node in enumerate(sections):
        sec = _section(r, node, sections.ipos(i), cid, taken, seen, 0)
        if sec:
            checklist.sections.append(sec)
    return checklist, r.problems


def _local_id(r: Reader, node: YMap, fallback_text: str, taken: set[str], what: str) -> str:
    if "id" in node and node["id"] is not None:
        lid = str(node["id"])
        if "/" in lid or not lid.strip():
            r.problem(node.vpos("id"), f"{what} id '{lid}' must not be empty or contain '/'")
        elif not _SLUG.fullmatch(lid):
            r.problem(_char_pos(node.vpos("id"), lid), id_problem(lid, what))
        taken.add(lid)
        return lid
    return unique(slugify(fallback_text, what), taken)


_SLUG = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*")


def id_problem(lid: str, what: str) -> str:
    """Why ``lid`` is not a slug, naming the first offending character and its position."""
    from warroom.textsafe import char_name

    bad = next((i for i, ch in enumerate(lid) if not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch == "-")), -1)
    where = f": {char_name(lid[bad])} at character {bad + 1}" if bad >= 0 else ""
    return (f"{what} id '{one_line(lid)}' must be a slug of lowercase letters, digits and dashes{where} "
            f"(e.g. '{slugify(lid, what)}')")


def _char_pos(pos: Pos, lid: str) -> Pos:
    bad = next((i for i, ch in enumerate(lid) if not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch == "-")), 0)
    return (pos[0], pos[1] + bad)


def _register(r: Reader, full: str, pos: Pos, seen: dict[str, Pos], what: str) -> None:
    if full in seen:
        r.problem(pos, f"duplicate {what} id '{full}' (first at line {seen[full][0]})")
    else:
        seen[full] = pos


def _section(r: Reader, value: Any, pos: Pos, prefix: str, taken: set[str], seen: dict[str, Pos], depth: int) -> Section | None:
    node = r.mapping(value, pos, "a section")
    if node is None:
        return None
    r.check_keys(node, SECTION_KEYS, "section")
    title = r.text(node, "title", required=True, what="section")
    lid = _local_id(r, node, title, taken, "section")
    full = f"{prefix}/{lid}"
    _register(r, full, node.vpos("id") if "id" in node else node.pos, seen, "section")
    status_hint = r.text(node, "status")
    if status_hint and status_hint not in STATUS_VALUES:
        r.problem(node.vpos("status"), f"unknown status '{status_hint}'; expected one of {', '.join(STATUS_VALUES)}{did_you_mean(status_hint, STATUS_VALUES)}")
        status_hint = ""
    section = Section(id=full, local_id=lid, title=title, description=r.text(node, "description"), after=r.text(node, "after"), status_hint=status_hint, depth=depth)
    child_taken: set[str] = set()
    items = r.seq(node, "items")
    for i, child in enumerate(items):
        item = _item(r, child, items.ipos(i), full, section.id, "", child_taken, seen, 0)
        if item:
            section.items.append(item)
    subs = r.seq(node, "sections")
    for i, child in enumerate(subs):
        sub = _section(r, child, subs.ipos(i), full, child_taken, seen, depth + 1)
        if sub:
            section.sections.append(sub)
    return section


def _item(r: Reader, value: Any, pos: Pos, prefix: str, section_id: str, parent_id: str, taken: set[str], seen: dict[str, Pos], depth: int) -> Item | None:
    if isinstance(value, str):  # shorthand: an item as plain text
        value_map = YMap(text=value)
        value_map.pos = pos
        value = value_map
    node = r.mapping(value, pos, "an item")
    if node is None:
        return None
    r.check_keys(node, ITEM_KEYS, "item")
    text = r.text(node, "text", required=True, what="item")
    lid = _local_id(r, node, text, taken, "item")
    full = f"{prefix}/{lid}"
    _register(r, full, node.vpos("id") if "id" in node else node.pos, seen, "item")
    item = Item(
        id=full,
        local_id=lid,
        text=text,
        checklist_id=section_id.split("/", 1)[0],
        section_id=section_id,
        parent_id=parent_id,
        owner=r.text(node, "owner"),
        role=r.text(node, "role"),
        critical=r.flag(node, "critical"),
        numbered=r.flag(node, "numbered"),
        reason=r.text(node, "reason"),
        depth=depth,
    )
    if isinstance(node.get("text"), str) and not text.strip():
        r.problem(node.vpos("text"), "item text is empty: say what is to be done")
    for key in ("role", "phase"):  # checked against the layout in workspace
        if key in node:
            item.written[key] = Written(*node.vpos(key), str(node[key]))
    status = r.text(node, "status") or "todo"
    if status not in STATUS_VALUES:
        r.problem(node.vpos("status"), f"unknown status '{status}'; expected one of {', '.join(STATUS_VALUES)}{did_you_mean(status, STATUS_VALUES)}")
    else:
        item.status = Status(status)
    for key in ("phase", "due"):
        mark = r.text(node, key)
        if not mark:
            continue
        try:
            offset = parse_tmark(mark)
        except ValueError as exc:
            r.problem(node.vpos(key), f"unparsable time for '{key}': {exc}")
            continue
        if key == "due":
            item.due = offset
        else:
            item.phase = format_tmark(offset)
    # A command or link is a mapping, or plain text for its main field (code / url).
    for code, language in _pairs(r, node, "commands", "code", "language", "command"):
        item.commands.append(Command(code=code, language=language))
    for url, title in _pairs(r, node, "links", "url", "title", "link"):
        item.links.append(Link(url=url, title=title))
    notes = r.seq(node, "notes")
    for i, note in enumerate(notes):
        if isinstance(note, (YMap, YList)) or note is None:
            r.problem(notes.ipos(i), f"expected text for a note, got {describe_value(note)}")
        else:
            item.notes.append(str(note))
    child_taken: set[str] = set()
    children = r.seq(node, "items")
    for i, child in enumerate(children):
        sub = _item(r, child, children.ipos(i), full, section_id, full, child_taken, seen, depth + 1)
        if sub:
            item.children.append(sub)
    return item


def _pairs(r: Reader, node: YMap, key: str, main: str, extra: str, what: str) -> list[tuple[str, str]]:
    """Entries of ``node[key]``: ``{main: ..., extra: ...}`` mappings or plain text for ``main``."""
    return [(r.text(e, main, required=True, what=what), r.text(e, extra))
            for _, e in r.entries(node, key, f"a {what}", [main, extra], shorthand=main)]


def load_checklist(path: Path | str) -> tuple[Checklist | None, list[Problem]]:
    data, problems = load_file(path)
    if problems and data is None:
        return None, problems
    checklist, more = parse_checklist(data, path)
    return checklist, problems + more


# --- dumping -------------------------------------------------------------------------------

def item_to_data(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.local_id, "text": item.text}
    if item.owner:
        out["owner"] = item.owner
    if item.role:
        out["role"] = item.role
    if item.critical:
        out["critical"] = True
    if item.numbered:
        out["numbered"] = True
    if item.phase:
        out["phase"] = item.phase
    if item.due is not None:
        out["due"] = format_tmark(item.due)
    if item.status is not Status.TODO:
        out["status"] = item.status.value
    if item.reason:
        out["reason"] = item.reason
    if item.commands:
        out["commands"] = [{"code": c.code, "language": c.language} if c.language else {"code": c.code} for c in item.commands]
    if item.links:
        out["links"] = [{"url": l.url, "title": l.title} if l.title else {"url": l.url} for l in item.links]
    if item.notes:
        out["notes"] = list(item.notes)
    if item.children:
        out["items"] = [item_to_data(c) for c in item.children]
    return out


def section_to_data(section: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"id": section.local_id, "title": section.title}
    if section.description:
        out["description"] = section.description
    if section.after:
        out["after"] = section.after
    if section.status_hint:
        out["status"] = section.status_hint
    if section.items:
        out["items"] = [item_to_data(i) for i in section.items]
    if section.sections:
        out["sections"] = [section_to_data(s) for s in section.sections]
    return out


def checklist_to_data(checklist: Checklist) -> dict[str, Any]:
    out: dict[str, Any] = {"id": checklist.id, "title": checklist.title}
    if checklist.source:
        out["source"] = checklist.source
    if checklist.description:
        out["description"] = checklist.description
    out["sections"] = [section_to_data(s) for s in checklist.sections]
    return out


def dump_checklist(checklist: Checklist) -> str:
    header = f"# warroom checklist: {comment_safe(checklist.title)}\n"
    if checklist.source:
        header += f"# imported from {comment_safe(checklist.source)}\n"
    return header + dump(checklist_to_data(checklist))
