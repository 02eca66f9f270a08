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
* who signs, what must hold and what stops the launch (roles, criteria, rollback triggers,
  decision options) are read by :mod:`warroom.importer.launch_parts`, from tables, lines and
  boxes; a box read that way is not an item;
* a list of ``✅`` bullets under a success / signals / results heading is conditions, not done
  items; ``Active users: [X]`` is a placeholder, not a box; ``**Step N: ...**`` groups the boxes
  below it; a code block of alternatives (``# OR ...``) becomes one command per alternative;
* launch-day headings -> phases (see :mod:`warroom.importer.phases`); items below are due there;
* items under a heading or in a text that says MUST / critical are critical (not under a heading
  that names incidents or issues: "Critical Incident Response" is a contingency);
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
from pathlib import Path

import yaml

from warroom.ids import slugify, unique
from warroom.importer import boxes, phases, tables
from warroom.importer.launch_parts import ROLLBACK_CTX, LaunchParts, decision_options, inline_options, one_line
from warroom.importer.mojibake import clean, decode_source
from warroom.importer.parse import Block, parse_blocks
from warroom.importer.result import ImportResult, Unplaced
from warroom.importer.thresholds import parse_threshold
from warroom.model import Checklist, Command, Item, Link, Section, Status
from warroom.tmarks import format_tmark

__all__ = ["ImportResult", "Unplaced", "import_file", "import_text", "name_for", "read_markdown", "split_front_matter"]


_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[A-Za-z][.)])\s+")
# "Critical Path", "Critical Pre-Launch Tasks", "(MUST COMPLETE)", "Blockers" make a section's items critical;
# "Critical Incident Response", "Critical Issues", "Critical Thresholds" name what may go wrong, not tasks that block GO
_CRITICAL = re.compile(r"\bMUST\b|\bcritical\b(?!\s+(?:incidents?|issues?|bugs?|errors?|alerts?|failures?|thresholds?|response"
                       r"|escalations?|vulnerabilit\w*|severity|contacts?|problems?|findings?|defects?|outages?|signals?))|\bblockers?\b", re.I)
_CONTINGENCY = re.compile(r"incident|emergency|contingency|troubleshoot|disaster|roll\s*back|if\s+.+\s+(?:fails?|goes\s+wrong)", re.I)
_CONDITIONS_CTX = re.compile(r"success|signals?\b|celebrat|results?\b|indicators?|criteria|achiev|outcomes?|do'?s\b|don'?ts\b"
                             r"|benefits?|highlights?|\bgo\s+if|what\s+works|wins\b|green|expected", re.I)
_ADVICE = re.compile(r"\b(?:do'?s|don'?ts|avoid|never|pitfalls|anti-?patterns|mistakes|warnings?)\b", re.I)
_STEP_LABEL = re.compile(r"^(?:step|stage|phase|part)\s+\d+[a-z]?\b", re.I)
_ALTERNATIVE = re.compile(r"^\s*(?:#|//|--|;|rem\b)\s*(?:or\b|alternatively\b|option\s+\d|alternative\b)", re.I)
_CRITICAL_ITEM = re.compile(r"\bMUST\b|\bCRITICAL\b|\bOBLIGATOIRE\b|\bOBLIGATORIO\b|\bOBRIGATÓRIO\b|\bPFLICHT\b|\bCRITIQUE\b|\(critical\)|\bBLOCKER\b|^\W{0,3}P0\b\W|[(\[]P0[)\]]")  # "[P0] ...", "P0: ..."
_NOT_CRITICAL = re.compile(r"\boptional\b|\bnice[- ]to[- ]have\b", re.I)
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BARE_URL = re.compile(r"(?<![(\[<])\bhttps?://[^\s)>\]`]+")
_OWNER = re.compile(
    r"[(\[]\s*(?:owner|owned\s+by|assignee|assigned\s+to|who|responsible)\s*:\s*([^)\]]+?)\s*[)\]]"
    r"|\s[-–—]\s*(?:owner|assignee)\s*:\s*(.+?)\s*$"
    r"|(?:^|\s)@([A-Za-z][\w.-]*[\w])\s*$", re.I)
_STATUS_NOTE = re.compile(r"^status:\s*(todo|in-progress|done|blocked|skipped)\b(?:\s*[—–-]\s*(.*?))?"
                          r"(?:\s*\([^()]*,\s*\d{4}-\d\d-\d\d[^()]*\))?\s*$", re.I | re.S)
# "Go only if all of these hold:" introduces the list below as a bold label does — when it speaks of conditions
# ("To roll back if needed, run these:" introduces steps, "Before approval, check:" tasks)
_PLAIN_LABEL = re.compile(r"^\s*((?=[^\n]*\b(?:go|no[\s-]?go|criteria|conditions?|triggers?|thresholds?|only\s+if|if\s+(?:any|all|one))\b)"
                          r"[^*_`\[\n][^\n]{0,78}?)\s*:\s*$", re.I)
_LABEL = re.compile(r"^\s*(?:[^\w\s*_\[]{1,3}\s*)?(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")  # "**Label:**", "❌ **Rollback if:**"


_TEXT_BLOCKS = ("paragraph", "heading")  # a list entry's text ("- [ ] a" over "  -" is a setext heading)
_BEFORE_HEADINGS = 99  # the level of the section that holds items before any heading: any heading closes it


@dataclass
class _Ctx:
    level: float  # a heading's level; a step pseudo-heading sits half a level below its section
    section: Section
    taken: set[str]
    phase: str
    critical: bool
    desc: list[str] = field(default_factory=list)
    step: bool = False  # a "**Step N: ...**" pseudo-heading
    tentative: tuple | None = None  # a "Launch Day" phase, kept unless it only holds other phases
    holds_phases: bool = False  # a section below names a phase of its own
    after: list[str] = field(default_factory=list)  # prose after the section's first items


class _Builder(LaunchParts):
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
        self.init_parts()
        self.last_item: Item | None = None
        self.child_taken: dict[str, set[str]] = {}  # item id -> ids taken by its children
        self.last_list_end = -1
        self.last_label = ""  # the bold label paragraph right before the current block
        self.item_line = 0  # the source line of the item being read (for --explain)
        self.title_heading_seen = False

    # -- helpers -----------------------------------------------------------------------------
    def unplaced(self, block: Block | int, text: str, why: str) -> None:
        line = block if isinstance(block, int) else block.line
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        col = len(src) - len(src.lstrip()) + 1
        self.result.unplaced.append(Unplaced(line, one_line(text)[:80], why, col))

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

    def inner_words(self) -> str:
        """The innermost heading and the label right above: what a list or table is *about*."""
        return " ".join(([self.ctx.section.title] if self.ctx else []) + [self.last_label])

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
            self.checklist.title = one_line(title)
        for key, value in data.items():
            label = str(key).replace("_", " ").replace("-", " ")
            if value is not None and re.fullmatch(r"(target |planned )?(launch|go live|release)( date| time| at|date)?|t0|t 0", label, re.I):
                self.launch_field(f"**Launch Date:** {value}" if "time" not in label.lower() else f"**Launch Time:** {value}")

    # -- sections ------------------------------------------------------------------------------
    def open_section(self, level: float, title: str, mark: str, line: int = 0, step: bool = False) -> None:
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
        mark_td, how = phases.phase_and_form(title)
        tentative = None
        if mark_td is not None and how == "the launch moment":
            # "Launch Day Checklist" may hold the whole day's timeline ("1 hour before", "First
            # Hour"): it is a phase only if some item ends up due in it (decided at its end)
            phase, tentative = format_tmark(mark_td), (mark_td, title, line, how)
        elif mark_td is not None:
            phase = self.add_phase(mark_td, title, line, how, explicit=how in ("a T-mark", "T-0"))
        if mark_td is not None:
            for outer in self.stack:
                outer.holds_phases = True
        critical = parent.critical if parent else False
        if _CRITICAL.search(title) and not critical:
            if _CONTINGENCY.search(title):
                self.explain(line, f"'{title}' is a contingency (only if something goes wrong): its items do not block GO")
            else:
                critical = True
                self.explain(line, f"'{_CRITICAL.search(title).group()}' in the heading '{title}': its items are critical (block GO)")  # type: ignore[union-attr]
        elif re.search(r"\bcritical\b", title, re.I) and not critical:
            self.explain(line, f"'{title}' names what may go wrong, not critical tasks: its items do not block GO")
        if parent:
            parent.section.sections.append(section)
        else:
            self.checklist.sections.append(section)
        self.stack.append(_Ctx(level, section, set(), phase, critical, step=step, tentative=tentative))

    def close_section(self) -> None:
        ctx = self.stack.pop()
        ctx.section.description = "\n\n".join(ctx.desc)
        ctx.section.after = "\n\n".join(ctx.after)
        if ctx.tentative:
            mark, title, line, how = ctx.tentative
            if not ctx.holds_phases or any(i.phase == ctx.phase for i in _walk(ctx.section, inherited=True)):
                self.add_phase(mark, title, line, how, explicit=False)
            else:
                self.explain(line, f"'{title}' holds the launch day's phases: not a phase itself")

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
            elif block.kind == "paragraph" and not self.legend.meanings and boxes.legend_from_line(block.text):
                self.legend = boxes.legend_from_line(block.text)  # type: ignore[assignment]
                self.legend.line = block.line
            elif block.kind == "paragraph" and _LABEL.match(block.text):
                heading = block.text  # "**Legend:**" right above the list
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
        title = one_line(block.text)
        if not self.title_heading_seen and block.level == 1 and not self.stack and not self.checklist.sections:
            self.title_heading_seen = True
            self.checklist.title = title or self.checklist.title or "Imported checklist"
            return
        title, mark = boxes.heading_status(title)
        if mark and _ADVICE.search(title):  # "Go-Live Don'ts ❌": the mark says "don't", not "blocked"
            self.explain(block.line, f"'{mark}' after '{title}' read as decoration, not a section status")
            title, mark = f"{title} {mark}", ""
        if not title:
            self.unplaced(block, block.text or "#", "heading without text")
            title = "Untitled section"
        self.open_section(block.level, title, mark, block.line)

    def paragraph(self, block: Block) -> None:
        lines = block.text.split("\n")
        kept: list[str] = []
        context = self.context_words()
        signers: list[str] = []
        for n, line in enumerate(lines):
            role = tables.signoff_line(line, context)
            if role:
                self.add_role(role, line=block.line, how="from a sign-off line")
                signers.append(role)
                continue
            kept.append(line)
            if inline_options(line):  # "Decision: [ ] GO  [ ] NO-GO" in prose
                self.explain(block.line + n, f"decision options read as the decision, not tasks: {one_line(line)[:60]}")
            self.launch_field(line, block.line + n)
            self.rollback_line(line, block.line + n, explicit=False)  # "Roll back if p95 > 2s for 10 minutes."
        if signers:
            self.describe("Sign-off roles: " + ", ".join(signers) + ".")
        if kept:
            self.describe(self.source_of(block) if len(kept) == len(lines) else "\n".join(l.rstrip() for l in kept))
        label = (_LABEL.match(block.text) or _PLAIN_LABEL.match(block.text)) if len(lines) == 1 else None
        self.last_label = label[1].strip().rstrip(":").strip() if label else ""
        if self.last_label and _STEP_LABEL.match(self.last_label) and self.stack:
            ctx = self.stack[-1]
            level = (ctx.level if ctx.step else ctx.level + 0.5)
            self.open_section(level, self.last_label, "", block.line, step=True)
            self.explain(block.line, f"'{self.last_label}' read as a step: the boxes below it are grouped under it")

    def code(self, block: Block) -> None:
        follows = (self.last_item is not None and block.start == self.last_list_end and block.start > 0
                   and self.lines[block.start - 1].strip() != "")
        if follows and self.last_item is not None:
            self.last_item.commands += self.commands(block)
            return
        self.describe(self.source_of(block))

    def commands(self, block: Block) -> list[Command]:
        return _commands(block, self.explain)

    # -- lists and items -----------------------------------------------------------------------
    def list_block(self, block: Block) -> None:
        context, inner = self.context_words(), self.inner_words()
        entries = [(li, _first_text(li)) for li in block.children]
        if self.whole_list(block, entries, inner):
            self.describe(self.source_of(block))
            return
        explicit_rollback = bool(ROLLBACK_CTX.search(context))
        if block.kind == "ordered_list" and not any(_has_threshold(t) for _, t in entries):
            explicit_rollback = False  # numbered steps under a rollback heading are what to do, not triggers
        made_item = False
        for li in block.children:
            first_text = _first_text(li)
            in_step = self.ctx is not None and self.ctx.step  # "**Step 1: Make Go/No-Go Decision**" is an action
            if boxes.LEAD_BRACKET.match(first_text) and not in_step and self.launch_part(li, first_text, context, inner):
                continue
            item = self.list_entry(li, None)
            if item is not None:
                made_item = True
                continue
            self.plain_entry(li, explicit_rollback)
        if made_item:
            self.last_list_end = block.end
            while self.last_list_end > block.start and not self.lines[self.last_list_end - 1].strip():
                self.last_list_end -= 1

    def whole_list(self, block: Block, entries: list[tuple[Block, str]], inner: str) -> bool:
        """A list read as one thing rather than as items: decision options, condition or result
        bullets (``- ✅ Error rate <1%`` under "Green Signals"), a ``name: threshold`` criteria list."""
        options = [boxes.lead_box(t) for _, t in entries]  # "- [ ] GO" or "- ☐ GO"
        if all(options) and decision_options([b.rest for b in options if b]):
            self.explain(block.line, "decision options (" + ", ".join(one_line(b.rest).replace("*", "")[:24] for b in options if b)
                         + ") read as the decision, not tasks")
            return True
        plain = all(not boxes.LEAD_BRACKET.match(t) and not _holds_items(li) for li, t in entries)
        glyphs = [m for m in (boxes.LEAD_GLYPH.match(t) for _, t in entries) if m]
        if plain and glyphs and _CONDITIONS_CTX.search(inner):
            self.explain(block.line, f"{len(glyphs)} '{glyphs[0][1]}' bullets under '{inner.strip()}' read as conditions or "
                                     "results, not done items")
            return True
        if plain and not glyphs and self.go_list(entries, self.context_words(), inner):
            return True
        return plain and not glyphs and self.criteria_list(entries, inner, block.line)

    def plain_entry(self, li: Block, explicit_rollback: bool) -> None:
        """A list entry that is not an item: kept in the description; under a rollback-trigger
        heading it is a trigger too."""
        text = self.source_of(li)
        first = li.children[0] if li.children else None
        if first is None or (first.kind == "paragraph" and not first.text.strip() and len(li.children) == 1):
            self.unplaced(li, text or li.marker, "empty list entry")
            return
        self.describe(text)
        role = tables.signoff_line(first.text, self.context_words()) if first.kind == "paragraph" else None
        if role and len(li.children) == 1:  # "- Engineering Manager: ________" under a sign-off heading
            self.add_role(role, line=li.line, how="from a sign-off line in a list")
            return
        if first.kind == "paragraph":
            self.rollback_line(first.text, li, explicit_rollback)
        for child in li.children[1:]:
            if child.kind in ("bullet_list", "ordered_list"):
                for sub in child.children:
                    if sub.children and sub.children[0].kind == "paragraph":
                        self.rollback_line(sub.children[0].text, sub, explicit_rollback)

    def launch_part(self, li: Block, text: str, context: str, inner: str) -> bool:
        """A box that is a role, a criterion or a rollback trigger instead of an item: recorded as
        that; an approval box's own sub-boxes stay items of the section. True when it was one."""
        box = boxes.lead_box(text)
        if box is None:
            return False
        subs = [t for child in li.children[1:] if child.kind in ("bullet_list", "ordered_list")
                for t in (_first_text(sub) for sub in child.children)]
        kind = self.box_as_launch_part(box.rest, li, subs, context, inner)
        if not kind:
            return False
        if kind != "role":
            self.describe(self.source_of(li))
            return True
        self.describe(f"Sign-off: {one_line(box.rest)}")
        for child in li.children[1:]:
            if child.kind not in ("bullet_list", "ordered_list"):
                self.describe(self.source_of(child))
                continue
            for sub in child.children:
                if self.list_entry(sub, None) is None:
                    note = self.source_of(sub)
                    self.describe(note)
                    if re.match(r"^\W*signature", note, re.I):
                        self.explain(sub.line, "signature line of the approval above (part of the sign-off, not an item)")
        return True

    def classify(self, li: Block) -> tuple[boxes.Box | None, bool]:
        """(box, is_item) for a list entry."""
        text = _first_text(li)
        if boxes.placeholder(text):
            m = boxes.TRAIL_BRACKET.search(text)
            self.explain(li.line, f"`[{m[1] if m else 'X'}]` inside text read as a placeholder, not a box: {one_line(text)[:60]}")
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
        text = one_line(raw)
        rest_blocks = li.children[1:] if has_text_para else li.children
        if not text:
            if not rest_blocks:
                self.unplaced(li, self.source_of(li), "check box without text")
                return None
            self.unplaced(li, self.source_of(li), "item without text, named 'Untitled item'")
            text = "Untitled item"
        self.item_line = li.line
        if box and inline_options(text):
            self.explain(li.line, f"decision options inside a box read as the decision, not a task: {text[:60]}")
            return None
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
        if phase is None:  # "T+30m: verify" is due at T+30m, under any heading
            phase = self.lead_phase(text, self.item_line)
        item = Item(
            id=f"{prefix}/{lid}", local_id=lid, text=text, checklist_id=self.checklist.id,
            section_id=ctx.section.id, parent_id=parent.id if parent else "",
            phase=ctx.phase if phase is None else phase, depth=(parent.depth + 1) if parent else 0, status=status,
        )
        item.critical = (ctx.critical or bool(_CRITICAL_ITEM.search(text)) or (parent.critical if parent else False)) \
            and not _NOT_CRITICAL.search(text)
        if item.critical and not ctx.critical and not (parent and parent.critical):
            self.explain(self.item_line, f"'{_CRITICAL_ITEM.search(text).group()}' in the item's text: critical (blocks GO): {text[:60]}")  # type: ignore[union-attr]
        if item.status in (Status.BLOCKED, Status.SKIPPED):
            item.reason = f"marked {mark} in {self.source or 'the source'}" if mark else f"{item.status.value} in the source"
        item.links = _links(text)
        owner = _OWNER.search(text)
        if owner:
            item.owner = one_line(next(g for g in owner.groups() if g)).strip("*_ ")
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
            item.commands += self.commands(block)
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

def _commands(block: Block, explain: object) -> list[Command]:
    """An item's code block as commands: one, or one per alternative when the block offers
    alternatives (``# Firebase ...`` / ``# OR Netlify ...`` / ``# OR Vercel ...``), so that running
    one does not run them all."""
    language = block.info.split()[0] if block.info else ""
    code = block.text.rstrip("\n")
    lines = code.split("\n")
    cuts = [i for i, l in enumerate(lines) if _ALTERNATIVE.match(l) and i > 0 and not lines[i - 1].strip()]
    if not cuts:
        return [Command(code=code, language=language)]
    parts, start = [], 0
    for cut in cuts + [len(lines)]:
        chunk = "\n".join(lines[start:cut]).strip("\n")
        if chunk.strip():
            parts.append(Command(code=chunk, language=language))
        start = cut
    if callable(explain):
        explain(block.line, f"one code block offers {len(parts)} alternatives ('# OR ...'): kept as {len(parts)} separate commands")
    return parts


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


def _walk(section: Section, inherited: bool = False) -> Iterator[Item]:
    """The items of a section and its subsections (``inherited``: not of those that name a
    phase of their own)."""
    stack = list(section.items)
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.children)
    for sub in section.sections:
        if not (inherited and phases.heading_phase(sub.title) is not None):
            yield from _walk(sub, inherited)


def _has_threshold(text: str) -> bool:
    return parse_threshold(text).value is not None


def _first_text(li: Block) -> str:
    first = li.children[0] if li.children else None
    return first.text if first is not None and first.kind in _TEXT_BLOCKS else ""


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
            text = one_line(child.text) if not first_done else child.text.strip()
            out.append(f"{pad}{bullet if not first_done else '  ' if depth else ''}{text}")
            first_done = True
        elif child.kind in ("bullet_list", "ordered_list"):
            for sub in child.children:
                _plain_lines(sub, depth + 1, out, item)
        elif child.kind in ("fence", "code_block"):
            item.commands += _commands(child, None)


def import_text(text: str, source: str = "", checklist_id: str = "") -> ImportResult:
    """Import Markdown ``text``; ``source`` names the file for messages and ``checklist.source``."""
    fixed = clean(text)
    _refuse_unsafe(fixed.text, source or "<markdown>")
    body, front = split_front_matter(fixed.text)
    body = boxes.expand_shortcodes(body)  # ":white_check_mark:" is the ✅ GitHub shows
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


def _refuse_unsafe(text: str, source: str) -> None:
    """All text is hostile: Markdown holding a control or invisible character (an escape
    sequence, a bidi override, a zero-width space) is refused, at its line and column."""
    from warroom.errors import InputError, Problem
    from warroom.textsafe import find_unsafe, text_problem

    i = find_unsafe(text, newlines=True)
    if i < 0:
        return
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    raise InputError([Problem(source, line, col, (text_problem(text[i], "the Markdown") or "").replace(" at character 1", ""))])


def read_markdown(path: Path) -> tuple[str, str]:
    """(text, note) of a Markdown file; raises OSError when it cannot be read, RefusedFile when
    it is not a regular file or is larger than the input limit."""
    from warroom.safeio import read_input

    return decode_source(read_input(path))


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
