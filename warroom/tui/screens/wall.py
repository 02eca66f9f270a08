"""The wall: the war room read from five metres, read-only, with no cursor and no key hints.

``warroom open LAYOUT --wall``. The app opens read-only and shows this screen over the main one;
the main screen still follows the journal and its tiles pane gets the tiles' values, and the
app's one change path (journal events, the clock tick, tile verdicts) calls
:meth:`WallScreen.show` after it. The only key is the app's quit (ctrl+q).

The tiles' values come through the war room's one poller per machine (``SharedPoller``: a
lease beside the journal), as on every screen: the wall takes the lease when no other screen
holds it — a wall alone on a TV must still show live values — and otherwise follows the
samples the holder appends, polling nothing. It journals nothing either way. With no tiles
pane in the layout, the wall mounts a hidden tiles pane of its own for that.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from warroom.tui.widgets.wall import BigClock, BigTile, DecisionBanner, DueBoard, Ticker

TILE_WIDTH = 44  # the narrowest a big-number tile gets before the grid drops a column


class WallScreen(Screen):
    DEFAULT_CSS = """
    WallScreen { layout: vertical; }
    WallScreen #wall-top { height: 24%; min-height: 9; }
    WallScreen #wall-tiles { height: auto; max-height: 50%; grid-gutter: 0 1; grid-rows: 9; }
    WallScreen #wall-bottom { height: 1fr; }
    WallScreen #wall-loading { width: 1fr; height: 1fr; content-align: center middle; }
    WallScreen .wall-empty { color: $text-muted; height: 1; padding: 0 1; }
    """
    BINDINGS: list = []
    AUTO_FOCUS = None

    def __init__(self, layout_path: str = "") -> None:
        super().__init__(id="wall")
        self.layout_path = layout_path
        self.tiles: dict[str, BigTile] = {}
        self.built = False

    def compose(self) -> ComposeResult:
        yield Static(f"Loading {self.layout_path} …", id="wall-loading")

    async def build(self, room: Any) -> None:
        """Mount the wall's parts for this room: when the launch is read, and again when a changed
        layout is applied (its tiles may have changed)."""
        self.built = False
        await self.remove_children()
        specs = list(room.ws.layout.tiles)
        self.tiles = {s.name: BigTile(s.name, s.label) for s in specs}
        top = Horizontal(DecisionBanner(id="wall-decision"), BigClock(id="wall-clock"), id="wall-top")
        grid = Grid(*self.tiles.values(), id="wall-tiles")
        bottom = Horizontal(DueBoard(id="wall-due"), Ticker(id="wall-ticker"), id="wall-bottom")
        parts = [top, grid] if specs else [top, Static("This layout declares no metric tiles.", classes="wall-empty")]
        await self.mount_all([*parts, bottom])
        if specs and self._feeds_itself(room):
            await self.mount(self._tiles_feed(room))
        self._columns()
        self.built = True

    def _feeds_itself(self, room: Any) -> bool:
        """A layout with tiles but no tiles pane: no pane under the wall polls them, so the wall
        follows them itself (a replay polls nothing)."""
        return getattr(self.app, "cursor", None) is None and not any(p.kind == "tiles" for p in room.ws.layout.panes)

    def _tiles_feed(self, room: Any) -> Widget:
        """The tiles' values, through the one poller of the war room on this machine (the lease
        in the metric history beside the journal): a hidden tiles pane that journals nothing
        (the wall is read-only); its verdicts reach the wall by the app's one change path."""
        from warroom.metrics.side import where_of
        from warroom.tui.widgets.tiles import TilesPane

        # the journal file's path, or its launch in a database (the lease and history are there)
        feed = TilesPane(room.ws, None, lambda: room.state, id="wall-feed", journal_path=where_of(getattr(self.app, "journal", None)))
        feed.display = False
        feed.can_focus = False
        return feed

    def _columns(self) -> None:
        if not self.tiles:
            return
        grid = self.query_one("#wall-tiles", Grid)
        cols = max(1, min(len(self.tiles), self.app.size.width // TILE_WIDTH))
        grid.styles.grid_size_columns = cols
        rows = -(-len(self.tiles) // cols)
        grid.styles.height = rows * 9 + (rows - 1) * 0

    def on_resize(self, event: Any) -> None:
        if self.built:
            self._columns()

    def show(self, room: Any, now: datetime, verdicts: dict[str, Any] | None = None) -> None:
        """Redraw everything from the room (cheap: a handful of widgets)."""
        if not self.built:
            return
        try:
            banner, clock, due = self.query_one(DecisionBanner), self.query_one(BigClock), self.query_one(DueBoard)
        except NoMatches:  # the app is shutting down: its screens' parts are going (a clock tick may still come)
            return
        banner.show(room)
        clock.show(room, now)
        due.show(room)
        results = verdicts if verdicts is not None else room.tiles
        for name, tile in self.tiles.items():
            tile.show(results.get(name) if results else None)

    def add_events(self, events: Iterable[Any], timezone_name: str, reset: bool = False) -> None:
        if not self.built:
            return
        ticker = self.query_one(Ticker)
        if reset:
            ticker.clear()
        ticker.add_events(events, timezone_name)
