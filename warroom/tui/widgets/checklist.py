"""A checklist pane: a tree of sections and items with progress, status glyphs and a filter.

Updating an item touches only its own node and its sections' labels (a dict from id to
node), so a tick costs the same on a 50-item and on a 5,000-item checklist.
"""

from __future__ import annotations

from datetime import timedelta

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from warroom.model import Checklist, Item, Section
from warroom.tui import keys
from warroom.tui.safety import plain
from warroom.tui.widgets.text import item_label, progress_bar, section_label

QUICK_FILTERS = ["all", "open", "overdue", "critical", "mine"]
UNBUILT = Text("…")  # the label of a node whose line has not been drawn yet


class ChecklistTree(Tree[str]):
    """The tree; node data is ``"i:<item id>"`` or ``"s:<section id>"``."""

    BINDINGS = keys.CHECKLIST

    def __init__(self, pane: "ChecklistPane", **kwargs) -> None:  # noqa: ANN003
        # the root (never shown) is given as Text: a str label is read as Rich markup, and that
        # loads Rich's emoji table (a few ms before the first frame)
        super().__init__(Text("checklist"), **kwargs)
        self.pane = pane
        self.show_root = False
        self.guide_depth = 2

    def process_label(self, label: str | Text) -> Text:
        """Our labels are one-line ``Text`` built fresh and never changed in place: use them as
        they are instead of copying each one (``Tree`` copies every label twice per node)."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """A node's label is built when its line is first drawn (``UNBUILT`` until then): a
        5,000-item list builds the labels of the lines on screen, not of every line."""
        if node._label is UNBUILT and node.data:
            node._label = self.pane.label_of(node.data)
        return super().render_label(node, base_style, style)

    def get_label_width(self, node: TreeNode[str]) -> int:
        """Labels are cut at the pane's edge (the details screen shows them whole): no
        horizontal scrolling, and no label is built just to be measured."""
        return 0

    def add_bulk(self, parent: TreeNode[str], label: Text, data: str, expand: bool, allow_expand: bool) -> TreeNode[str]:
        """``parent.add`` without invalidating the whole tree for each node: call
        ``_invalidate`` once when done (``rebuild`` does)."""
        node = self._add_node(parent, label, data)
        node._expanded = expand
        node._allow_expand = allow_expand
        parent._updates += 1
        parent._children.append(node)
        return node

    @property
    def item_id(self) -> str | None:
        node = self.cursor_node
        if node is not None and node.data and node.data.startswith("i:"):
            return node.data[2:]
        return None

    def action_first(self) -> None:
        self.cursor_line = 0
        self.scroll_to_line(0)

    def action_last(self) -> None:
        self.cursor_line = max(0, self.last_line)
        self.scroll_to_line(self.cursor_line)

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_toggle_fold(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.toggle()

    def _item_or_say(self) -> str | None:
        item = self.item_id
        if item is None:
            self.notify("select an item first (this line is a section)", severity="warning", timeout=2)
        return item

    def action_tick(self) -> None:
        if (item := self._item_or_say()):
            self.app.tick_item(item)

    def action_set_status(self) -> None:
        if (item := self._item_or_say()):
            self.app.set_item_status(item)

    def action_note(self) -> None:
        if (item := self._item_or_say()):
            self.app.note_item(item)

    def action_details(self) -> None:
        node = self.cursor_node
        if node is not None and node.data and node.data.startswith("s:"):
            if not self.app.show_section_details(node.data[2:]):  # no description: fold / unfold
                node.toggle()
            return
        if (item := self._item_or_say()):
            self.app.show_details(item)

    def action_copy_command(self) -> None:
        node = self.cursor_node
        if node is not None and node.data and node.data.startswith("s:"):
            self.app.copy_section_code(node.data[2:])  # a code block of the section's description
            return
        if (item := self._item_or_say()):
            self.app.copy_command(item)

    def action_run_command(self) -> None:
        node = self.cursor_node  # an item, or a section whose description holds code blocks
        if node is not None and node.data and node.data[:2] in ("i:", "s:"):
            from warroom.tui.run_flow import run_command

            run_command(self.app, node.data[2:])

    def action_filter(self) -> None:
        self.app.ask_filter(self.pane)

    def action_clear_filter(self) -> None:
        if self.pane.filter_text or self.pane.quick != "all":
            self.pane.set_filter("", "all")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a filter; without one it is left to the screen (it hides the run pane)."""
        if action == "clear_filter":
            return bool(self.pane.filter_text or self.pane.quick != "all")
        return super().check_action(action, parameters)


class ChecklistPane(Vertical):
    """One checklist: a filter bar (when filtering) over the tree."""

    DEFAULT_CSS = """
    ChecklistPane #filter-bar { height: 1; display: none; background: $boost; padding: 0 1; }
    ChecklistPane.-filtered #filter-bar { display: block; }
    ChecklistPane ChecklistTree { height: 1fr; overflow-x: hidden; }
    """

    def __init__(self, checklist: Checklist, room, title: str = "", **kwargs) -> None:  # noqa: ANN001, ANN003
        super().__init__(classes="pane", **kwargs)
        self.checklist = checklist
        self.room = room
        self.pane_title = title or checklist.title
        self.filter_text = ""
        self.quick = "all"
        self.nodes: dict[str, TreeNode[str]] = {}
        self.section_nodes: dict[str, TreeNode[str]] = {}
        self.ctree = ChecklistTree(self, id=f"tree-{checklist.id}")

    def compose(self) -> ComposeResult:
        yield self.ctree  # the filter bar is mounted above it when first needed

    def filter_bar(self) -> Static:
        try:
            return self.query_one("#filter-bar", Static)
        except NoMatches:
            bar = Static("", id="filter-bar")
            self.mount(bar, before=self.ctree)
            return bar

    def on_mount(self) -> None:
        self.rebuild()

    @property
    def focus_target(self) -> ChecklistTree:
        return self.ctree

    # -- building --------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Build the tree from scratch (on load, on a filter change, after a journal reset)."""
        room, t = self.room, self.room.t()
        keep = self.ctree.item_id
        tree = self.ctree
        tree.clear()
        self.nodes, self.section_nodes = {}, {}
        filtering = bool(self.filter_text) or self.quick != "all"
        shown = 0

        def wanted(item: Item) -> bool:
            return any(room.matches(it, self.filter_text, self.quick, t) for it in item.walk())

        lines: dict[str, int] = {}  # item id -> line in the tree (every node starts expanded)

        def add_items(parent: TreeNode[str], items: list[Item]) -> int:
            count = 0
            for item in items:
                if filtering and not wanted(item):
                    continue
                lines[item.id] = counter[0]
                counter[0] += 1
                if item.children:
                    node = add(parent, UNBUILT, "i:" + item.id, True, True)
                    add_items(node, item.children)
                else:
                    node = add(parent, UNBUILT, "i:" + item.id, False, False)
                self.nodes[item.id] = node
                count += 1
            return count

        counter = [0]  # the next line number

        def add_section(parent: TreeNode[str], section: Section) -> int:
            start = counter[0]
            node = add(parent, UNBUILT, "s:" + section.id, True, True)
            counter[0] += 1
            n = add_items(node, section.items)
            for sub in section.sections:
                n += add_section(node, sub)
            if filtering and n == 0:
                node._remove()
                counter[0] = start
                return 0
            self.section_nodes[section.id] = node
            return n

        add = tree.add_bulk
        for section in self.checklist.sections:
            shown += add_section(tree.root, section)
        tree._invalidate()  # once for the whole tree, not once per node
        self.set_class(filtering, "-filtered")
        if filtering:
            what = " ".join(x for x in (f"“{self.filter_text}”" if self.filter_text else "", self.quick if self.quick != "all" else "") if x)
            self.filter_bar().update(
                Text.assemble(("filter: ", "bold"), what, (f"   {shown} shown · escape clears", "dim")))
        self.update_title()
        target = keep if keep in self.nodes else next(iter(self.nodes), None)
        if target is not None:
            self.ctree.cursor_line = lines[target]

    # -- updating -------------------------------------------------------------------------
    def update_items(self, item_ids: set[str], t: timedelta | None) -> None:
        """Relabel the given items and their sections; O(items touched × depth)."""
        room = self.room
        sections: set[str] = set()
        for item_id in item_ids:
            item = room.ws.items.get(item_id)
            if item is None or room._checklist_of.get(item_id) != self.checklist.id:
                continue
            node = self.nodes.get(item_id)
            if node is not None:
                node.set_label(item_label(room, item, t))
            sections.update(room._sections_of[item_id])
        for sid in sections:
            node = self.section_nodes.get(sid)
            if node is not None:
                node.set_label(section_label(room, room.ws.sections[sid]))
        if sections:
            self.update_title()

    def relabel_all(self) -> None:
        """Every label is rebuilt when next drawn (the clock passed a due mark: any item may now
        be overdue). O(nodes) flag flips; only the lines on screen are built again."""
        for node in (*self.nodes.values(), *self.section_nodes.values()):
            node._label = UNBUILT
            node._updates += 1  # the tree's line cache is keyed on it
        self.ctree.refresh()
        self.update_title()

    def label_of(self, data: str) -> Text:
        """The label of the node holding ``data`` ("i:<item id>" or "s:<section id>"), now."""
        room = self.room
        kind, _, key = data.partition(":")
        if kind == "s":
            return section_label(room, room.ws.sections[key])
        return item_label(room, room.ws.items[key], room.t())

    def update_title(self) -> None:
        done = self.room.checklist_done.get(self.checklist.id, 0)
        total = self.room.checklist_total.get(self.checklist.id, 0)
        self.border_title = plain(self.pane_title)
        self.border_subtitle = f"{progress_bar(done, total, 8)} {done}/{total}"

    def set_filter(self, text: str, quick: str) -> None:
        self.filter_text, self.quick = text.strip(), quick if quick in QUICK_FILTERS else "all"
        self.rebuild()
        self.ctree.focus()
