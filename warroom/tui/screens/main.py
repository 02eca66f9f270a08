"""The war-room screen: it owns its panes, the pane switcher, which pane is active and whether
the terminal is narrow (then the panes are tabs, one shown at a time)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from warroom.model import Pane
from warroom.tui import keys
from warroom.tui.grid import Spot, column_widths, place
from warroom.tui.widgets.header import WarHeader
from warroom.tui.widgets.keybar import KeyBar
from warroom.textsafe import neutralise
from warroom.tui.safety import plain

if TYPE_CHECKING:
    from rich.text import Text

    from warroom.room import Room
    from warroom.tui.widgets.checklist import ChecklistPane
    from warroom.tui.run_flow import RunPane
    from warroom.tui.widgets.journal_log import JournalPane

NARROW_WIDTH = 110
NARROW_HEIGHT = 30
PANE_NAMES = {"timeline": "Timeline", "signoff": "Sign-off", "tiles": "Metrics", "journal": "Journal"}


def is_narrow(width: int, height: int) -> bool:
    return width < NARROW_WIDTH or height < NARROW_HEIGHT


class MainScreen(Screen):
    """The war-room screen. Its write and dialog keys are app actions (the flows live on the
    app), so they do not leak into dialogs; moving between panes is its own."""

    BINDINGS = [b if keys.action_name(b.action) in ("next_pane", "previous_pane", "show_pane", "stop_run", "hide_run")
                else replace(b, action="app." + b.action) for b in keys.SCREEN]

    narrow: reactive[bool] = reactive(False, init=False)
    active: reactive[int] = reactive(0, init=False)

    def __init__(self, loading: str) -> None:
        super().__init__()
        self.loading_what = loading
        self.pane_widgets: list[Widget] = []
        self.pane_titles: list[str] = []
        self.checklist_panes: list[ChecklistPane] = []
        self._journal_pane: JournalPane | None = None
        self.run_pane: RunPane | None = None  # mounted by the first run shown (tui/run_flow.py)
        self._switcher: Static | None = None

    def compose(self) -> ComposeResult:
        """The first frame says what is loading, and nothing more: the header, the panes and the
        key bar come together when the launch is read (``mount_panes``), in one frame."""
        with Container(id="panes"):
            yield Static(f"Loading {self.loading_what} …", id="loading", markup=False)  # a file name, not markup

    # -- typed lookups ------------------------------------------------------------------------
    @property
    def header(self) -> WarHeader | None:
        """The header: mounted with the panes, gone again while the app shuts down."""
        try:
            return self.query_one(WarHeader)
        except NoMatches:
            return None

    @property
    def switcher(self) -> Static | None:
        """The tabs of a narrow screen: mounted the first time the screen is narrow, kept after."""
        return self._switcher

    @property
    def journal_pane(self) -> JournalPane | None:
        """The journal pane, when the layout has one (kept when mounted: a layout without one
        never imports its module)."""
        return self._journal_pane

    @property
    def active_checklist(self) -> ChecklistPane | None:
        """The active pane if it is a checklist, else the first checklist."""
        from warroom.tui.widgets.checklist import ChecklistPane

        if 0 <= self.active < len(self.pane_widgets) and isinstance(self.pane_widgets[self.active], ChecklistPane):
            return self.pane_widgets[self.active]  # type: ignore[return-value]
        return self.checklist_panes[0] if self.checklist_panes else None

    # -- the panes ---------------------------------------------------------------------------
    async def mount_panes(self, room: Room, read_only: bool, actions: Any, replay: bool = False) -> None:
        from warroom.tui.widgets.checklist import ChecklistPane
        from warroom.tui.widgets.signoff import SignoffPane
        from warroom.tui.widgets.timeline import TimelinePane

        layout = room.ws.layout
        container = self.query_one("#panes", Container)
        await container.query("#loading").remove()
        await self.mount(WarHeader(layout.launch, read_only=read_only), before=container)  # the switcher comes when narrow
        await self.mount(KeyBar(hide=keys.WRITES if read_only else frozenset()))
        checklists = {c.id: c for c in room.ws.checklists}
        placed: list[tuple[Pane, Widget, str]] = []
        for pane in layout.panes:
            widget: Widget | None = None
            title = pane.title
            if pane.kind == "checklist":
                checklist = checklists.get(pane.checklist)
                if checklist is None:
                    continue
                widget = ChecklistPane(checklist, room, title=pane.title)
                title = title or checklist.title
                self.checklist_panes.append(widget)  # type: ignore[arg-type]
            elif pane.kind == "timeline":
                widget = TimelinePane(pane.title)
            elif pane.kind == "signoff":
                widget = SignoffPane(pane.title, read_only=read_only)
            elif pane.kind == "journal":
                from warroom.tui.widgets.journal_log import JournalPane

                widget = self._journal_pane = JournalPane(pane.title)
            elif pane.kind == "tiles":
                if layout.tiles:
                    from warroom.metrics.side import where_of
                    from warroom.tui.widgets.tiles import TilesPane  # the poller starts behind it, after the first frame

                    widget = TilesPane(room.ws, None if read_only else actions, lambda: room.state,
                                       journal_path=where_of(actions.journal) if actions is not None and not replay else None,
                                       autostart=not replay, **({"clock": lambda: room.now().timestamp()} if replay else {}))
                    widget.add_class("pane")
                else:  # nothing to poll: the first frame does not wait for the metrics modules
                    from warroom.metrics import NO_TILES

                    off = len(layout.disabled_tiles)
                    text = (f"{off} metric tile{'s' if off != 1 else ''} in this layout, all off (drafted tiles start so): "
                            + ("nothing is polled." if read_only else "press m to probe and enable one.")) if off else NO_TILES
                    widget = Static(text, classes="pane tiles-empty")
                widget.border_title = plain(pane.title) if pane.title else (widget.border_title or "Metrics")
            if widget is None:
                continue
            placed.append((pane, widget, title or PANE_NAMES.get(pane.kind, pane.kind)))
        cells = place([Spot(p.row, p.column, p.row_span, p.column_span) for p, _, _ in placed], layout.rows, layout.columns)
        ordered: list[Widget] = []
        for cell in cells:
            if cell.index is None:
                ordered.append(Static("", classes="filler"))
                continue
            widget = placed[cell.index][1]
            widget.styles.row_span, widget.styles.column_span = cell.row_span, cell.column_span
            ordered.append(widget)
        container.styles.grid_size_columns = layout.columns
        wide = {c for p, _, _ in placed if p.kind in ("checklist", "journal") for c in range(p.column, p.column + p.column_span)}
        container.styles.grid_columns = column_widths(wide, layout.columns)
        container.styles.grid_size_rows = layout.rows
        self.pane_widgets = [w for _, w, _ in placed]
        if placed:  # the first pane starts active: styled once, not again when shown
            self.pane_widgets[0].add_class("-active")
        self.pane_titles = [t for _, _, t in placed]
        await container.mount_all(ordered)
        self.apply_mode()

    async def remount_panes(self, room: Room, read_only: bool, actions: Any, replay: bool = False) -> None:
        """A changed layout: the header, key bar and panes go and come back from ``room`` (a tiles
        pane's poller stops as it unmounts); the active pane stays where it was if it still exists."""
        active = self.active
        container = self.query_one("#panes", Container)
        self._remounting = True  # the clock's tick skips the header while it goes and comes back
        try:
            for widget in [*self.query(WarHeader), *self.query("#switcher"), *self.query(KeyBar)]:
                await widget.remove()
            self._switcher = None
            await container.remove_children()
            self.pane_widgets, self.pane_titles, self.checklist_panes, self._journal_pane = [], [], [], None
            await self.mount_panes(room, read_only, actions, replay=replay)
        finally:
            self._remounting = False
        index = min(active, max(0, len(self.pane_widgets) - 1))
        for i, w in enumerate(self.pane_widgets):
            w.set_class(i == index, "-active")
        self.show_pane(index)

    def refresh_panels(self, room: Room, now: datetime, timeline: bool = True, signoff: bool = True) -> None:
        """Header, timeline and sign-off: small (the sign-off list is capped), redrawn whole."""
        from warroom.tui.widgets.signoff import SignoffPane
        from warroom.tui.widgets.timeline import TimelinePane

        self.show_header(room, now)
        for w in self.pane_widgets:
            if timeline and isinstance(w, TimelinePane):
                w.show(room, now)
            elif signoff and isinstance(w, SignoffPane):
                w.show(room)
        self.show_switcher()

    def show_clock(self, room: Room, now: datetime) -> None:
        """Once a second: the header's clock and the timeline (what is due moves with it)."""
        from warroom.tui.widgets.timeline import TimelinePane

        self.show_header(room, now)
        for w in self.pane_widgets:
            if isinstance(w, TimelinePane):
                w.show(room, now)

    def show_header(self, room: Room, now: datetime) -> None:
        header = self.header
        if header is not None and not getattr(self, "_remounting", False):
            header.show(room, now, self.narrow)

    # -- small and big screens -----------------------------------------------------------------
    def on_mount(self) -> None:
        self.narrow = is_narrow(*self.app.size)

    def watch_narrow(self) -> None:
        self.apply_mode()
        room = getattr(self.app, "room", None)
        if room is not None:
            self.refresh_panels(room, self.app.now())  # type: ignore[attr-defined]

    def watch_active(self, old: int, new: int) -> None:
        for i, w in enumerate(self.pane_widgets):
            w.set_class(i == new, "-active")
        if self.narrow:
            self.apply_mode()
        else:
            self.show_switcher()

    def apply_mode(self) -> None:
        """Grid on a big terminal; one pane at a time, with a switcher, on a narrow one."""
        self.set_class(self.narrow, "-narrow")
        try:
            container = self.query_one("#panes", Container)
        except NoMatches:  # not composed yet
            return
        container.styles.layout = "vertical" if self.narrow else "grid"
        for i, w in enumerate(self.pane_widgets):
            w.display = (not self.narrow) or i == self.active
        for filler in container.query(".filler"):
            filler.display = not self.narrow
        self.show_switcher()

    def show_switcher(self) -> None:
        """The tabs of a narrow screen, mounted the first time the screen is narrow."""
        if not self.pane_titles:  # still loading (there is no switcher yet), or no panes (it stays hidden)
            return
        switcher = self.switcher
        if switcher is None:
            if not self.narrow:
                return
            try:
                container = self.query_one("#panes", Container)
            except NoMatches:  # going away
                return
            switcher = self._switcher = Static("", id="switcher")
            self.mount(switcher, before=container)
        switcher.display = self.narrow
        switcher.update(tab_labels([neutralise(t) for t in self.pane_titles], self.active, self.app.size.width))

    # -- focus -----------------------------------------------------------------------------------
    def on_descendant_focus(self, event: Any) -> None:
        node = event.widget
        while node is not None and node not in self.pane_widgets:
            node = node.parent
        if node is not None:
            self.active = self.pane_widgets.index(node)

    def show_pane(self, index: int) -> None:
        if not self.pane_widgets or index >= len(self.pane_widgets):
            return
        self.active = index
        self.apply_mode()
        target = getattr(self.pane_widgets[index], "focus_target", self.pane_widgets[index])
        if target.can_focus:
            target.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The run pane's keys are there while it shows (else escape and S are left to others)."""
        if action in ("stop_run", "hide_run"):
            if self.run_pane is None:  # no run shown yet: nothing to look up (checked on every refresh)
                return False
            from warroom.tui.run_flow import run_key_enabled

            return run_key_enabled(self, action)
        return super().check_action(action, parameters)

    def action_stop_run(self) -> None:
        from warroom.tui.run_flow import shown_run_pane

        if (pane := shown_run_pane(self)) is not None:
            pane.action_stop()

    def action_hide_run(self) -> None:
        from warroom.tui.run_flow import shown_run_pane

        if (pane := shown_run_pane(self)) is not None:
            pane.action_hide()

    def action_show_pane(self, index: int) -> None:
        self.show_pane(index)

    def action_next_pane(self) -> None:
        if self.pane_widgets:
            self.show_pane((self.active + 1) % len(self.pane_widgets))

    def action_previous_pane(self) -> None:
        if self.pane_widgets:
            self.show_pane((self.active - 1) % len(self.pane_widgets))


def tab_labels(titles: list[str], active: int, width: int) -> "Text":
    """The narrow screen's tabs in ``width`` cells: the active tab's title whole when it fits,
    the others shortened with an ellipsis (never cut mid-word without one), the hint last."""
    from rich.text import Text

    hint = "  tab switches"
    overhead = sum(len(str(i + 1)) + 3 for i in range(len(titles))) + len(titles) - 1

    def cap_for(budget: int, fixed: int = -1) -> int:
        cap = max((len(t) for i, t in enumerate(titles) if i != fixed), default=0)
        rest = budget - (len(titles[fixed]) if fixed >= 0 else 0)
        while cap > 1 and sum(min(len(t), cap) for i, t in enumerate(titles) if i != fixed) > rest:
            cap -= 1
        return cap

    budget = width - overhead - len(hint)
    if sum(len(t) for t in titles) > budget:
        hint, budget = "", width - overhead
    whole = 0 <= active < len(titles) and cap_for(budget, active) >= 4
    cap, others = (len(titles[active]), cap_for(budget, active)) if whole else (cap_for(budget),) * 2
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, title in enumerate(titles):
        limit = cap if i == active else others
        shown = title if len(title) <= limit else title[: max(limit - 1, 0)] + "…"
        if i:
            out.append("│")
        out.append(f" {i + 1} {shown} ", style="reverse bold" if i == active else "")
    if hint:
        out.append(hint, style="dim")
    return out
