"""Turn a Markdown launch checklist into a :class:`Checklist` plus the layout parts it implies.

Reading rules (the "what goes where"):

* the first heading, when it is a level-1 heading, is the checklist title; the prose before the
  first section is the checklist description;
* every other heading is a section, nested by level; a status mark at the end of a heading
  (``### 1. Code & Testing ✅``, ``#### Redis [🔴]``) becomes the section's status hint;
* a list entry that starts (or, for ``**Service** [🔴]``, ends) with a check box or status mark
  is an item, nested to any depth; an entry without a box that holds items is an item too;
* plain entries and paragraphs inside an item become its notes; fenced / indented code inside
  an item becomes its commands (a fence right after an item's line, with no blank line between,
  belongs to that item as well); inline code stays in the text;
* sign-off tables and lines -> roles; go/no-go and success-metric tables -> criteria; lists
  under a "rollback trigger" heading or label, and ``If CFUR < 99.5%: ROLLBACK`` lines ->
  rollback triggers;
* launch-day headings -> phases (see :mod:`warroom.importer.phases`); items below are due there;
* items under a heading or in a text that says MUST / critical are critical;
* everything else (prose, bold labels, other tables, code outside items) is kept, as written, in
  the description of the section it appears in. What cannot be kept anywhere (an empty list
  entry, a box without text) is reported with its line number.

Ids are slugs of the title / text, de-duplicated within their parent with ``-2``, ``-3`` in
document order, so re-importing an edited file keeps the ids of unchanged items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

from warroom.ids import slugify, unique
from warroom.importer import boxes, phases, tables
from warroom.importer.mojibake import Repair, clean, decode_source
from warroom.importer.parse import Block, parse_blocks
from warroom.importer.thresholds import Threshold, split_condition
from warroom.model import Checklist, Command, Criterion, Item, Link, Phase, Role, Section, Status
from warroom.tmarks import format_tmark


@dataclass
class Unplaced:
    line: int  # 1-based
    text: str
    why: str
    col: int = 1

    def __str__(self) -> str:
        return f"line {self.line}: {self.why}: {self.text}"

    def problem(self, path: str) -> str:
        """``path:line:col: why: text``, like every other warroom message about a file."""
        return f"{path}:{self.line}:{self.col}: {self.why}: {self.text}"


@dataclass
class ImportResult:
    checklist: Checklist
    launch: str
    phases: list[Phase] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)  # go criteria
    rollback: list[Criterion] = field(default_factory=list)  # rollback triggers
    t0: datetime | None = None
    timezone: str = "UTC"
    notes: list[str] = field(default_factory=list)  # what the importer did or assumed
    unplaced: list[Unplaced] = field(default_factory=list)
    repair: Repair | None = None

    def counts(self) -> dict[str, int]:
        items = list(self.checklist.walk_items())
        return {
            "items": len(items),
            "done": sum(1 for i in items if i.status is Status.DONE),
            "sections": sum(1 for _ in self.checklist.walk_sections()),
            "commands": sum(len(i.commands) for i in items),
            "roles": len(self.roles),
            "criteria": len(self.criteria),
            "rollback": len(self.rollback),
            "phases": len(self.phases),
        }


_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[A-Za-z][.)])\s+")
_CRITICAL = re.compile(r"\bMUST\b|\bcritical\b|\bblocker\b", re.I)
_CRITICAL_ITEM = re.compile(r"\bMUST\b|\bCRITICAL\b|\(critical\)|\bBLOCKER\b")
_NOT_CRITICAL = re.compile(r"\boptional\b|\bnice[- ]to[- ]have\b", re.I)
_ROLLBACK_CTX = re.compile(r"rollback\s+trigger|roll\s*back\s+if|abort\s+criteria|rollback\s+criteria|rollback\s+when", re.I)
_IF_ROLLBACK = re.compile(r"^\s*if\s+(.+?)\s*[:,→-]+\s*.*\b(roll\s*back|rollback|abort|revert)\b", re.I)
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BARE_URL = re.compile(r"(?<![(\[<])\bhttps?://[^\s)>\]`]+")
_OWNER = re.compile(
    r"[(\[]\s*(?:owner|owned\s+by|assignee|assigned\s+to|who|responsible)\s*:\s*([^)\]]+?)\s*[)\]]"
    r"|\s[-–—]\s*(?:owner|assignee)\s*:\s*(.+?)\s*$"
    r"|(?:^|\s)@([A-Za-z][\w.-]*[\w])\s*$", re.I)
_STATUS_NOTE = re.compile(r"^status:\s*(todo|in-progress|done|blocked|skipped)\b(?:\s*[—–-]\s*(.*?))?"
                          r"(?:\s*\([^()]*,\s*\d{4}-\d\d-\d\d[^()]*\))?\s*$", re.I | re.S)
_LABEL = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")


_TEXT_BLOCKS = ("paragraph", "heading")  # a list entry's text ("- [ ] a" over "  -" is a setext heading)
_BEFORE_HEADINGS = 99  # the level of the section that holds items before any heading: any heading closes it


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


@dataclass
class _Ctx:
    level: int
    section: Section
    taken: set[str]
    phase: str
    critical: bool
    desc: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # prose after the section's first items


class _Builder:
    def __init__(self, text: str, source: str, checklist_id: str) -> None:
        self.lines = text.split("\n")
        self.source = source
        self.checklist = Checklist(id=checklist_id, title="", source=source)
        self.result = ImportResult(checklist=self.checklist, launch="")
        self.stack: list[_Ctx] = []
        self.top_taken: set[str] = set()
        self.top_desc: list[str] = []
        self.legend = boxes.Legend()
        self.legend_lists: set[int] = set()
        self.phase_names: dict[timedelta, str] = {}
        self.role_names: dict[str, Role] = {}
        self.criterion_ids: set[str] = set()
        self.last_item: Item | None = None
        self.child_taken: dict[str, set[str]] = {}  # item id -> ids taken by its children
        self.last_list_end = -1
        self.last_label = ""  # the bold label paragraph right before the current block
        self.launch_date: tuple[date, time | None, str] | None = None
        self.launch_clock: tuple[time, str] | None = None
        self.t0_clock: tuple[time, str] | None = None
        self.title_heading_seen = False

    # -- helpers -----------------------------------------------------------------------------
    def unplaced(self, block: Block | int, text: str, why: str) -> None:
        line = block if isinstance(block, int) else block.line
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        col = len(src) - len(src.lstrip()) + 1
        self.result.unplaced.append(Unplaced(line, _one_line(text)[:80], why, col))

    def source_of(self, block: Block) -> str:
        chunk = self.lines[block.start : block.end]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        indent = min((len(l) - len(l.lstrip()) for l in chunk if l.strip()), default=0)
        return "\n".join(l[indent:].rstrip() for l in chunk)

    @property
    def ctx(self) -> _Ctx | None:
        return self.stack[-1] if self.stack else None

    def describe(self, text: str) -> None:
        if not text.strip():
            return
        if self.ctx is None:
            self.top_desc.append(text)
        else:  # prose after a list of items stays after it (export writes it there)
            (self.ctx.after if self.ctx.section.items else self.ctx.desc).append(text)

    def context_words(self) -> str:
        return " ".join([s.section.title for s in self.stack[-2:]] + [self.last_label])

    def section_for_items(self) -> _Ctx:
        if self.ctx is None:
            self.open_section(_BEFORE_HEADINGS, "Checklist", "")
        assert self.ctx is not None
        return self.ctx

    def front_matter(self, text: str) -> None:
        """Front matter: ``title`` names the checklist, launch date/time keys fill T-0; the whole
        block is kept in the checklist description."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
        self.top_desc.append(f"```yaml\n{text.rstrip()}\n```")
        if not isinstance(data, dict):
            return
        title = data.get("title")
        if isinstance(title, str) and title.strip():
            self.checklist.title = _one_line(title)
        for key, value in data.items():
            label = str(key).replace("_", " ").replace("-", " ")
            if value is not None and re.fullmatch(r"(target |planned )?(launch|go live|release)( date| time| at|date)?|t0|t 0", label, re.I):
                self.launch_field(f"**Launch Date:** {value}" if "time" not in label.lower() else f"**Launch Time:** {value}")

    # -- sections ------------------------------------------------------------------------------
    def open_section(self, level: int, title: str, mark: str) -> None:
        while self.stack and self.stack[-1].level >= level:
            self.close_section()
        parent = self.ctx
        taken = parent.taken if parent else self.top_taken
        slug_src = _NUMBERING.sub("", title, count=1) or title
        lid = unique(slugify(slug_src, "section"), taken)
        full = f"{parent.section.id}/{lid}" if parent else f"{self.checklist.id}/{lid}"
        section = Section(id=full, local_id=lid, title=title, depth=len(self.stack))
        if mark:
            status, _ = self.legend.read(mark)
            if status is not None:
                section.status_hint = status.value
        phase = parent.phase if parent else ""
        mark_td = phases.heading_phase(title)
        if mark_td is not None:
            phase = format_tmark(mark_td)
            self.phase_names.setdefault(mark_td, title)
        critical = (parent.critical if parent else False) or bool(_CRITICAL.search(title))
        if parent:
            parent.section.sections.append(section)
        else:
            self.checklist.sections.append(section)
        self.stack.append(_Ctx(level, section, set(), phase, critical))

    def close_section(self) -> None:
        ctx = self.stack.pop()
        ctx.section.description = "\n\n".join(ctx.desc)
        ctx.section.after = "\n\n".join(ctx.after)

    # -- blocks --------------------------------------------------------------------------------
    def run(self, blocks: list[Block]) -> None:
        self.find_legend(blocks)
        for block in blocks:
            self.block(block)
            if block.kind != "paragraph":
                self.last_label = ""
        while self.stack:
            self.close_section()
        self.checklist.description = "\n\n".join(self.top_desc)
        if not self.checklist.title:
            self.checklist.title = Path(self.source).stem if self.source else "Imported checklist"

    def find_legend(self, blocks: list[Block]) -> None:
        heading = ""
        for block in blocks:
            if block.kind == "heading":
                heading = block.text
            elif block.kind == "bullet_list" and not self.legend.meanings:
                entries = []
                for li in block.children:
                    if len(li.children) != 1 or li.children[0].kind != "paragraph":
                        break
                    entries.append(li.children[0].text)
                else:
                    legend = boxes.legend_from_list(entries, heading)
                    if legend:
                        legend.line = block.line
                        self.legend = legend
                        self.legend_lists.add(id(block))

    def block(self, block: Block) -> None:
        kind = block.kind
        if kind == "heading":
            self.heading(block)
        elif kind in ("bullet_list", "ordered_list"):
            if id(block) in self.legend_lists:
                self.describe(self.source_of(block))
            else:
                self.list_block(block)
        elif kind == "paragraph":
            self.paragraph(block)
        elif kind in ("fence", "code_block"):
            self.code(block)
        elif kind == "table":
            self.table(block)
        elif kind == "hr":
            pass  # a thematic break is layout, not content
        elif kind == "blockquote" and _holds_boxes(block):
            for child in block.children:  # "> - [ ] task": the items count, the quote marks do not
                self.block(child)
        elif kind in ("html_block", "blockquote"):
            self.describe(self.source_of(block))
        else:
            self.unplaced(block, self.source_of(block), f"unsupported {kind}")

    def heading(self, block: Block) -> None:
        title = _one_line(block.text)
        if not self.title_heading_seen and block.level == 1 and not self.stack and not self.checklist.sections:
            self.title_heading_seen = True
            self.checklist.title = title or self.checklist.title or "Imported checklist"
            return
        title, mark = boxes.heading_status(title)
        if not title:
            self.unplaced(block, block.text or "#", "heading without text")
            title = "Untitled section"
        self.open_section(block.level, title, mark)

    def paragraph(self, block: Block) -> None:
        lines = block.text.split("\n")
        kept: list[str] = []
        context = self.context_words()
        signers: list[str] = []
        for line in lines:
            role = tables.signoff_line(line, context)
            if role:
                self.add_role(role, "")
                signers.append(role)
                continue
            kept.append(line)
            self.launch_field(line)
        if signers:
            self.describe("Sign-off roles: " + ", ".join(signers) + ".")
        if kept:
            self.describe(self.source_of(block) if len(kept) == len(lines) else "\n".join(l.rstrip() for l in kept))
        label = _LABEL.match(block.text) if len(lines) == 1 else None
        self.last_label = label[1].strip().rstrip(":").strip() if label else ""

    def launch_field(self, line: str) -> None:
        m = phases.LAUNCH_FIELD.match(line)
        if m:
            value = m[2].replace("*", " ")
            d, t, zone = phases.parse_date(value)
            if d and self.launch_date is None:
                self.launch_date = (d, t, zone)
            elif not d and "time" in m[1].lower():
                t, _, zone = phases.parse_clock(value)
                if t and self.launch_clock is None:
                    self.launch_clock = (t, zone)
            return
        ctx = self.ctx
        if ctx and ctx.phase == "T-0":
            m = phases.TIME_FIELD.match(line)
            if m:
                t, _, zone = phases.parse_clock(m[1])
                if t and self.t0_clock is None:
                    self.t0_clock = (t, zone)

    def code(self, block: Block) -> None:
        follows = (self.last_item is not None and block.start == self.last_list_end and block.start > 0
                   and self.lines[block.start - 1].strip() != "")
        if follows and self.last_item is not None:
            self.last_item.commands.append(Command(code=block.text.rstrip("\n"), language=block.info.split()[0] if block.info else ""))
            return
        self.describe(self.source_of(block))

    def table(self, block: Block) -> None:
        context = self.context_words()
        roles = tables.signoff_roles(block.rows, context)
        if roles:
            for r in roles:
                self.add_role(r.name, r.person)
            self.describe("Sign-off roles: " + ", ".join(r.name for r in roles) + ".")
            return
        crits = tables.criteria_rows(block.rows, context)
        if crits:
            made = []
            for row in crits:
                c = self.add_criterion(row.name, row.threshold, "go", required=row.required,
                                       description="; ".join([f"from '{self.context_label()}'"] + row.details))
                if not row.threshold.parsed and row.threshold.source:
                    self.unplaced(block, f"{row.name}: {row.threshold.source}", "threshold not understood, kept as text")
                made.append(f"{c.name} {c.threshold}".strip())
            kind = "Go/no-go criteria" if crits[0].required else "Success criteria (do not block GO)"
            self.describe(f"{kind}: " + "; ".join(made) + ".")
            return
        tasks = tables.task_rows(block.rows)
        if tasks:
            ctx = self.section_for_items()
            for row in tasks:
                box = boxes.lead_box(row.status + " x") if row.status else None
                if box:
                    status, note = self.legend.read(box.mark)
                else:
                    status, note = (boxes.meaning_status(row.status) if row.status else None), ""
                phase = None
                if row.when:
                    mark = phases.heading_phase(row.when)
                    if mark is not None:
                        phase = format_tmark(mark)
                        self.phase_names.setdefault(mark, row.when)
                item = self.new_item(ctx, None, row.text, status or Status.TODO, row.status, phase)
                if row.owner:
                    item.owner = row.owner
                item.notes += row.details + ([note] if note else [])
            self.describe("Task table: " + str(len(tasks)) + " items (listed below).")
            return
        self.describe(self.source_of(block))

    def context_label(self) -> str:
        return self.last_label or (self.ctx.section.title if self.ctx else self.checklist.title)

    # -- roles and criteria ------------------------------------------------------------------------
    def add_role(self, name: str, person: str) -> None:
        name = _one_line(name)
        if name in self.role_names:
            if person and not self.role_names[name].person:
                self.role_names[name].person = person
            return
        role = Role(name=name, person=person, required=True, poll_order=len(self.role_names) + 1)
        self.role_names[name] = role
        self.result.roles.append(role)

    def add_criterion(self, name: str, threshold: Threshold, kind: str, required: bool = True, description: str = "") -> Criterion:
        base = slugify(name, "criterion")
        if kind == "rollback":
            base = f"rollback-{base}"
        cid = unique(base, self.criterion_ids)
        if threshold.parsed:
            text = threshold.text()
        else:
            text = threshold.source if threshold.source and threshold.source.lower() != name.lower() else ""
        crit = Criterion(id=cid, name=name, threshold=text,
                         required=required, kind=kind, description=description, for_=threshold.for_)
        (self.result.rollback if kind == "rollback" else self.result.criteria).append(crit)
        return crit

    def rollback_line(self, text: str, block: Block, explicit: bool) -> bool:
        flat = _one_line(text)
        m = _IF_ROLLBACK.match(flat)
        if m:
            name, th = split_condition(m[1])
            if th.value is None:
                return False
            self.add_criterion(name, th, "rollback", description=flat)
            return True
        if not explicit:
            return False
        label = re.match(r"^\s*\*\*(.+?):?\*\*\s*:?\s*(.*)$", flat)
        if label:
            name, rest = label[1].strip(": "), label[2]
            _, th = split_condition(rest)
        else:
            name, th = split_condition(flat)
        self.add_criterion(name, th, "rollback", description=flat)
        return True

    # -- lists and items -----------------------------------------------------------------------
    def list_block(self, block: Block) -> None:
        explicit_rollback = bool(_ROLLBACK_CTX.search(self.context_words()))
        made_item = False
        for li in block.children:
            item = self.list_entry(li, None)
            if item is not None:
                made_item = True
                continue
            self.plain_entry(li, explicit_rollback)
        if made_item:
            self.last_list_end = block.end
            while self.last_list_end > block.start and not self.lines[self.last_list_end - 1].strip():
                self.last_list_end -= 1

    def plain_entry(self, li: Block, explicit_rollback: bool) -> None:
        text = self.source_of(li)
        first = li.children[0] if li.children else None
        if first is None or (first.kind == "paragraph" and not first.text.strip() and len(li.children) == 1):
            self.unplaced(li, text or li.marker, "empty list entry")
            return
        self.describe(text)
        if first.kind == "paragraph":
            self.rollback_line(first.text, li, explicit_rollback)
        for child in li.children[1:]:
            if child.kind in ("bullet_list", "ordered_list"):
                for sub in child.children:
                    if sub.children and sub.children[0].kind == "paragraph":
                        self.rollback_line(sub.children[0].text, sub, explicit_rollback)

    def classify(self, li: Block) -> tuple[boxes.Box | None, bool]:
        """(box, is_item) for a list entry."""
        first = li.children[0] if li.children else None
        text = first.text if first is not None and first.kind in _TEXT_BLOCKS else ""
        box = boxes.lead_box(text) or boxes.trail_box(text)
        if box:
            return box, True
        return None, _holds_items(li)

    def list_entry(self, li: Block, parent: Item | None) -> Item | None:
        box, is_item = self.classify(li)
        if not is_item:
            return None
        ctx = self.section_for_items()
        first = li.children[0] if li.children else None
        has_text_para = first is not None and first.kind in _TEXT_BLOCKS
        raw = box.rest if box else (first.text if has_text_para else "")
        text = _one_line(raw)
        rest_blocks = li.children[1:] if has_text_para else li.children
        if not text:
            if not rest_blocks:
                self.unplaced(li, self.source_of(li), "check box without text")
                return None
            self.unplaced(li, self.source_of(li), "item without text, named 'Untitled item'")
            text = "Untitled item"
        status, note = (self.legend.read(box.mark) if box else (Status.TODO, ""))
        item = self.new_item(ctx, parent, text, status or Status.TODO, box.mark if box else "")
        item.numbered = li.marker[:1].isdigit()
        if note:
            item.notes.append(note)
        for child in rest_blocks:
            self.item_child(child, item)
        return item

    def new_item(self, ctx: _Ctx, parent: Item | None, text: str, status: Status, mark: str, phase: str | None = None) -> Item:
        taken = self.child_taken.setdefault(parent.id, set()) if parent else ctx.taken
        lid = unique(slugify(_NUMBERING.sub("", text, count=1) or text, "item"), taken)
        prefix = parent.id if parent else ctx.section.id
        item = Item(
            id=f"{prefix}/{lid}", local_id=lid, text=text, checklist_id=self.checklist.id,
            section_id=ctx.section.id, parent_id=parent.id if parent else "",
            phase=ctx.phase if phase is None else phase, depth=(parent.depth + 1) if parent else 0, status=status,
        )
        item.critical = (ctx.critical or bool(_CRITICAL_ITEM.search(text)) or (parent.critical if parent else False)) \
            and not _NOT_CRITICAL.search(text)
        if item.status in (Status.BLOCKED, Status.SKIPPED):
            item.reason = f"marked {mark} in {self.source or 'the source'}" if mark else f"{item.status.value} in the source"
        item.links = _links(text)
        owner = _OWNER.search(text)
        if owner:
            item.owner = _one_line(next(g for g in owner.groups() if g)).strip("*_ ")
        (parent.children if parent else ctx.section.items).append(item)
        self.last_item = item
        return item

    def item_child(self, block: Block, item: Item) -> None:
        if block.kind in ("bullet_list", "ordered_list"):
            for li in block.children:
                child = self.list_entry(li, item)
                if child is None:
                    self.item_note(li, item)
        elif block.kind in ("fence", "code_block"):
            item.commands.append(Command(code=block.text.rstrip("\n"), language=block.info.split()[0] if block.info else ""))
        elif block.kind == "paragraph":
            item.notes.append(block.text.strip())
        elif block.kind == "hr":
            pass
        else:
            item.notes.append(self.source_of(block))

    def item_note(self, li: Block, item: Item) -> None:
        """A plain entry under an item: its text (and any plain sub-entries) becomes a note; code in
        it becomes the item's commands."""
        lines: list[str] = []
        _plain_lines(li, 0, lines, item)
        note = "\n".join(lines).strip()
        status = _STATUS_NOTE.match(note)
        if status and item.status is not Status.DONE:
            # "status: blocked — reason (who, when)", as `warroom export` writes a status [ ] cannot hold
            item.status = Status(status[1].lower())
            if item.status in (Status.BLOCKED, Status.SKIPPED):
                item.reason = (status[2] or "").strip() or f"{item.status.value} in the source"
        elif note:
            item.notes.append(note)
        elif not any(c.kind in ("fence", "code_block") for c in li.children):
            self.unplaced(li, self.source_of(li) or li.marker, "empty list entry")

    # -- layout parts ----------------------------------------------------------------------------
    def finish(self) -> ImportResult:
        r = self.result
        r.launch = self.checklist.title
        for mark in sorted(self.phase_names):
            r.phases.append(Phase(mark=mark, name=self.phase_names[mark], label=format_tmark(mark)))
        if self.launch_date:
            d, t, zone = self.launch_date
            if t is None:
                clock = self.launch_clock or self.t0_clock
                if clock:
                    t, zone = clock[0], zone or clock[1]
            lt = phases.launch_time(d, t, zone)
            r.t0, r.timezone = lt.t0, lt.timezone
            r.notes.append(f"T-0 from the launch date: {lt.t0.isoformat()}" + (f" ({lt.assumed})" if lt.assumed else ""))
            if t is not None:
                timed = sum(_due_from_clock(item, lt.t0) for item in self.checklist.walk_items())
                if timed:
                    r.notes.append(f"{timed} items due at the clock time in their text (e.g. '10:00-10:15 AM')")
        roles = {role.name.lower(): role.name for role in r.roles}
        for item in self.checklist.walk_items():
            if item.owner and item.owner.lower() in roles:
                item.role = roles[item.owner.lower()]
        if self.legend.meanings:
            r.notes.append(f"status legend (line {self.legend.line}): " + ", ".join(
                f"{m} = {s.value}" for m, (s, _) in self.legend.meanings.items()))
        return r


_WINDOW = re.compile(r"\(\s*(?:at\s+|until\s+|by\s+)?(\d{1,2}:\d{2})\s*(am|pm)?\s*(?:(?:-|–|to)\s*(\d{1,2}:\d{2})\s*(am|pm)?)?\s*\)", re.I)


def _due_from_clock(item: Item, t0: datetime) -> bool:
    """``**Database Migration** (10:00-10:15 AM)`` on a launch day whose T-0 is 10:00 -> due T+15m
    (the end of the window, on the launch date, in T-0's zone). Only within 24 hours of T-0."""
    m = _WINDOW.search(item.text)
    if not m or item.due is not None:
        return False
    end, ampm = (m[3], m[4] or m[2]) if m[3] else (m[1], m[2])
    hour, minute = (int(x) for x in end.split(":"))
    if ampm and ampm.lower() == "pm" and hour < 12:
        hour += 12
    if ampm and ampm.lower() == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return False
    due = datetime.combine(t0.date(), time(hour, minute), tzinfo=t0.tzinfo) - t0
    if abs(due) > timedelta(hours=24):
        return False
    item.due = due
    return True


def _links(text: str) -> list[Link]:
    """``[runbook](https://…)`` and bare ``https://…`` in an item's text, in order (the text keeps them too)."""
    found = [(m.start(), Link(url=m[2], title=m[1])) for m in _MD_LINK.finditer(text)]
    blanked = _MD_LINK.sub(lambda m: " " * len(m.group()), text)
    found += [(m.start(), Link(url=m.group().rstrip(".,;:"))) for m in _BARE_URL.finditer(blanked)]
    links: list[Link] = []
    for _, link in sorted(found, key=lambda x: x[0]):
        if link.url not in {l.url for l in links}:
            links.append(link)
    return links


def _list_entries(block: Block) -> Iterator[tuple[Block, str]]:
    """The entries of the lists directly inside ``block``, each with the text it opens with."""
    for child in block.children:
        if child.kind in ("bullet_list", "ordered_list"):
            for li in child.children:
                first = li.children[0] if li.children else None
                yield li, first.text if first is not None and first.kind in _TEXT_BLOCKS else ""


def _holds_boxes(block: Block) -> bool:
    return any(boxes.lead_box(text) or _holds_items(li) for li, text in _list_entries(block))


def _holds_items(li: Block) -> bool:
    return any(boxes.lead_box(text) or boxes.trail_box(text) or _holds_items(sub) for sub, text in _list_entries(li))


def _plain_lines(li: Block, depth: int, out: list[str], item: Item) -> None:
    pad = "  " * depth
    bullet = "- " if depth else ""
    first_done = False
    for child in li.children:
        if child.kind == "paragraph":
            text = _one_line(child.text) if not first_done else child.text.strip()
            out.append(f"{pad}{bullet if not first_done else '  ' if depth else ''}{text}")
            first_done = True
        elif child.kind in ("bullet_list", "ordered_list"):
            for sub in child.children:
                _plain_lines(sub, depth + 1, out, item)
        elif child.kind in ("fence", "code_block"):
            item.commands.append(Command(code=child.text.rstrip("\n"), language=child.info.split()[0] if child.info else ""))


def import_text(text: str, source: str = "", checklist_id: str = "") -> ImportResult:
    """Import Markdown ``text``; ``source`` names the file for messages and ``checklist.source``."""
    fixed = clean(text)
    body, front = split_front_matter(fixed.text)
    cid = checklist_id or slugify(Path(source).stem if source else "checklist", "checklist")
    builder = _Builder(body, Path(source).name if source else "", cid)
    if front is not None:
        builder.front_matter(front)
    builder.run(parse_blocks(body))
    result = builder.finish()
    result.repair = fixed
    if fixed.repaired:
        result.notes.insert(0, f"mojibake repaired: {fixed.repaired} sequences ({fixed.codec}"
                               + (f", {fixed.lost_bytes} with a lost byte restored" if fixed.lost_bytes else "") + ")")
    lines = fixed.text.split("\n")
    for line, seq in fixed.unrepaired:
        col = lines[line - 1].find(seq) + 1 if line <= len(lines) else 1
        result.unplaced.append(Unplaced(line, seq, "mojibake left as written (could not be repaired)", max(col, 1)))
    result.unplaced.sort(key=lambda u: u.line)
    return result


_FRONT = re.compile(r"\A---[ \t]*\n((?:[A-Za-z_][\w -]*:.*\n|[ \t#-].*\n|\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")


def split_front_matter(text: str) -> tuple[str, str | None]:
    """YAML front matter (``---`` ... ``---`` at the very top) -> (text with it blanked out, so line
    numbers stay, front matter text); (text, None) when there is none."""
    m = _FRONT.match(text)
    if not m or not re.match(r"[A-Za-z_][\w -]*:", m[1]):
        return text, None
    return "\n" * m.group().count("\n") + text[m.end():], m[1]


def read_markdown(path: Path) -> tuple[str, str]:
    """(text, note) of a Markdown file; raises OSError when it cannot be read."""
    return decode_source(path.read_bytes())


def import_file(path: Path | str, checklist_id: str = "") -> ImportResult:
    path = Path(path)
    text, note = read_markdown(path)
    result = import_text(text, str(path), checklist_id)
    if note:
        result.notes.insert(0, note)
    return result


def name_for(title: str, fallback: str) -> str:
    """A readable file name / checklist id from a title: the words, without 'checklist'."""
    words = re.sub(r"\b(check-?list|the)\b", " ", title, flags=re.I)
    return slugify(words, "") or slugify(fallback, "checklist")
