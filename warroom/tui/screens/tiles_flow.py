"""The tiles flow: add or edit a metric tile with a live preview, enable a drafted tile, bind a
go/no-go criterion or a rollback trigger to a tile — on the screen, as a Grafana panel editor
previews a query.

Every change of a field is tried on a copy of the layout as read when the editor opened (see
:mod:`warroom.tile_form`): a layout problem is shown with its ``path:line:col``; a valid tile is
probed once (in a worker, never on the UI thread) and its value, state or error shown under the
form. Saving writes the layout keeping its comments, refuses when the file changed meanwhile,
and journals a ``layout-change`` event; every open screen then reloads the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from warroom.tui.screens.base import DialogScreen
from warroom.tui.screens.layout_review import printable

DEBOUNCE = 0.35  # seconds of quiet typing before a probe
CSS = ["dialogs.tcss", "tiles_flow.tcss"]


def probe_text(preview: Any) -> Text:
    """The preview line(s): problems, a skipped probe, or the probe's value / state / error."""
    if preview is None:
        return Text("preview: —", style="dim")
    if preview.problems:
        out = Text("not valid yet:\n", style="bold magenta")
        for p in preview.problems[:4]:
            out.append(f"  {printable(str(p))}\n", style="magenta")
        return out
    if preview.skipped:
        return Text(f"preview: {preview.skipped}", style="yellow")
    r = preview.result
    if r is None:
        return Text("preview: —", style="dim")
    from warroom.metrics.evaluate import GLYPHS

    style = {"OK": "green", "WARN": "yellow", "CRIT": "bold red", "PENDING": "yellow"}.get(r.state, "magenta")
    detail = r.summary if r.state in ("OK", "WARN", "CRIT", "PENDING") else r.error
    return Text(printable(f"preview: {GLYPHS.get(r.state, '?')} {r.state}  {detail}"), style=style)


class TileEditorScreen(DialogScreen[str | None]):
    """Add (``original`` None) or edit a tile. Returns the saved tile's name, or None."""

    CSS_PATH = CSS

    BINDINGS = [
        Binding("ctrl+s,f5", "save", "Save", id="tiles.save"),
        Binding("escape", "cancel", "Cancel", id="tiles.cancel"),
    ]

    def __init__(self, doc: Any, original: str | None, who: str, journal: Path | str | None) -> None:
        super().__init__(classes="dialog-screen")
        from warroom.tile_form import TileForm

        self.doc = doc
        self.original = original
        self.who = who
        self.journal = journal
        self.form = TileForm.from_node(doc.tile(original)) if original else TileForm()
        self.preview: Any = None
        self.probes = 0  # probes made (one per settled change)
        self._generation = 0
        self._timer: Any = None

    def compose(self) -> ComposeResult:
        from warroom.tile_form import SOURCES, WHAT_KEY, WHAT_LABEL

        f = self.form
        with Vertical(classes="dialog tile-editor"):
            yield Label(f"Edit tile {self.original}" if self.original else "Add a metric tile", classes="dialog-title", markup=False)
            with Grid(classes="tile-form"):
                yield Label("name")
                yield Input(f.name, placeholder="unique, e.g. api-p95", id="tile-name", compact=True)
                yield Label("source")
                yield Select([(s, s) for s in SOURCES], value=f.source if f.source in SOURCES else "http",
                             allow_blank=False, id="tile-source", compact=True)
                yield Label("url")
                yield Input(f.url, placeholder="https://host/health · ${PROMETHEUS_URL}", id="tile-url", compact=True)
                yield Label(WHAT_KEY.get(f.source, "path"), id="tile-what-label")
                yield Input(f.what, placeholder=WHAT_LABEL.get(f.source, ""), id="tile-what", compact=True)
                yield Label("unit")
                yield Input(f.unit, placeholder="ms, %, req/s", id="tile-unit", compact=True)
                yield Label("threshold")
                yield Input(f.threshold, placeholder="healthy when, e.g. < 500ms", id="tile-threshold", compact=True)
            yield Static(probe_text(None), id="tile-preview")
            yield Label("each change is probed once · ctrl+s/F5 save · escape cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = not self.app.is_headless
        self.query_one("#tile-name", Input).focus()
        if self.original:
            self._changed()

    @on(Input.Changed)
    @on(Select.Changed)
    def _field_changed(self, event: Any) -> None:
        from warroom.tile_form import WHAT_KEY, WHAT_LABEL

        f = self.form
        f.name = self.query_one("#tile-name", Input).value
        source = self.query_one("#tile-source", Select).value
        if isinstance(source, str) and source != f.source:
            f.source = source
            self.query_one("#tile-what-label", Label).update(WHAT_KEY[source])
            self.query_one("#tile-what", Input).placeholder = WHAT_LABEL[source]
        f.url = self.query_one("#tile-url", Input).value
        f.what = self.query_one("#tile-what", Input).value
        f.unit = self.query_one("#tile-unit", Input).value
        f.threshold = self.query_one("#tile-threshold", Input).value
        self._changed()

    def _changed(self) -> None:
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        gen = self._generation
        self._timer = self.set_timer(DEBOUNCE, lambda: self._start_preview(gen))

    def _start_preview(self, gen: int) -> None:
        if gen != self._generation or not self.form.name.strip() or not self.form.url.strip():
            return
        from dataclasses import replace

        self.query_one("#tile-preview", Static).update(Text("preview: probing…", style="dim"))
        self._run_preview(gen, replace(self.form))

    @work(thread=True, exclusive=True, group="tile-preview", exit_on_error=False)
    def _run_preview(self, gen: int, form: Any) -> None:
        from warroom.tile_form import preview

        result = preview(self.doc, form, self.original)
        if result.result is not None:
            self.probes += 1
        self.app.call_from_thread(self._show_preview, gen, result)

    def _show_preview(self, gen: int, result: Any) -> None:
        if gen != self._generation or not self.is_attached:
            return
        self.preview = result
        self.query_one("#tile-preview", Static).update(probe_text(result))

    def action_save(self) -> None:
        from warroom.errors import ActionError, InputError
        from warroom.layout_edit import LayoutChanged
        from warroom.tile_form import commit

        if not self.form.name.strip():
            self.notify("give the tile a name", severity="warning")
            return
        try:
            commit(self.doc, self.form, self.original, self.who, self.journal)
        except LayoutChanged as exc:
            self.query_one("#tile-preview", Static).update(Text(f"not saved: {exc}", style="bold magenta"))
            return
        except InputError as exc:
            self.query_one("#tile-preview", Static).update(
                Text("not saved:\n" + "\n".join(f"  {p}" for p in exc.problems[:4]), style="bold magenta"))
            return
        except ActionError as exc:
            self.query_one("#tile-preview", Static).update(Text(f"not saved: {exc}", style="bold magenta"))
            return
        self.dismiss(self.form.name.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class TilesFlowScreen(DialogScreen[None]):
    """Every tile of the layout, enabled or not: add, edit, enable/disable, bind a criterion."""

    CSS_PATH = CSS

    BINDINGS = [
        Binding("a", "add", "Add", id="tiles.add"),
        Binding("e,enter", "edit", "Edit", id="tiles.edit"),
        Binding("space", "toggle", "Enable/disable", id="tiles.toggle"),
        Binding("b", "bind", "Bind", id="tiles.bind"),
        Binding("v", "review", "Review the waiting layout", id="tiles.review"),
        Binding("escape,q", "close", "Close", id="tiles.close"),
    ]

    # keys typed after these wait for the dialog they open (warroom.tui.typeahead)
    DIALOG_ACTIONS = frozenset({"add", "edit", "toggle", "bind", "review"})

    def __init__(self, layout_path: Path, who: str, journal: Path | str | None) -> None:
        super().__init__(classes="dialog-screen")
        self.layout_path = Path(layout_path)
        self.who = who
        self.journal = journal
        self.rows: list[dict[str, Any]] = []
        self._waiting_said = False
        self._stale = False  # the layout shown changed while a dialog was open

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tiles-flow"):
            yield Label("Metric tiles", classes="dialog-title")
            yield OptionList(id="tiles-list")
            yield Static("", id="tiles-status")
            yield Label("[b]a[/b] add · [b]e[/b]/enter edit · [b]space[/b] on/off · [b]b[/b] bind a criterion · "
                        "[b]esc[/b] close", classes="dialog-keys")

    def on_mount(self) -> None:
        self.reload()

    def shown_layout_changed(self) -> None:
        """The war room applied a layout, or one waits for this operator (called by the app)."""
        if not self.is_attached:
            return
        if self.app.screen is not self:  # a dialog of the flow is open: the list follows when it closes
            self._stale = True
            return
        if self._waiting_said:
            self._say("")
        self.reload()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.shown_layout_changed()

    def _waiting(self) -> Any:
        """The newer layout this screen has not accepted (None: the file is the layout shown)."""
        return getattr(self.app, "layout_waiting", None)

    def _refuse_while_waiting(self) -> bool:
        waiting = self._waiting()
        if waiting is None:
            return False
        self._say(f"{waiting.headline()}: not applied here, so nothing can be changed until you review it (v)", error=True)
        return True

    def action_review(self) -> None:
        if not getattr(self.app, "review_waiting_layout", lambda: False)():
            self._say("no layout change is waiting here")

    def _read(self) -> Any:
        from warroom.errors import ActionError, InputError
        from warroom.layout_edit import read_layout

        try:
            if self._waiting() is not None:  # list the layout this screen shows, not the file's newer one
                from warroom.layout_edit import shown_doc

                text, digest = self.app.shown_layout()  # type: ignore[attr-defined]
                return shown_doc(self.layout_path, text, digest)
            return read_layout(self.layout_path)
        except InputError as exc:
            self._say("\n".join(str(p) for p in exc.problems[:3]), error=True)
        except ActionError as exc:
            self._say(str(exc), error=True)
        return None

    def reload(self) -> None:
        from warroom.importer.tiles_draft import placeholder_host

        doc = self._read()
        ol = self.query_one("#tiles-list", OptionList)
        highlighted = ol.highlighted or 0
        ol.clear_options()
        self.rows = []
        if doc is None:
            return
        bound: dict[str, list[str]] = {}
        for key in ("criteria", "rollback"):
            for entry in doc.data.get(key) or []:
                if hasattr(entry, "get") and entry.get("tile"):
                    bound.setdefault(str(entry["tile"]), []).append(str(entry.get("id") or entry.get("name")))
        for node in doc.tiles():
            if not hasattr(node, "get"):
                continue
            name = str(node.get("name", ""))
            on_ = node.get("enabled", True) is not False
            url = str(node.get("url", ""))
            row = Text()
            row.append("● on  " if on_ else "○ off ", style="green" if on_ else "dim")
            row.append(printable(name), style="bold")
            row.append(printable(f"  {node.get('source', 'json')}  {url}"))
            host = placeholder_host(url)
            if host:
                row.append("  placeholder host", style="yellow")
            if bound.get(name):
                row.append(f"  decides {', '.join(bound[name])}", style="cyan")
            self.rows.append({"name": name, "enabled": on_, "placeholder": host})
            ol.add_option(Option(row, id=name))
        if not self.rows:
            ol.add_option(Option(Text("no tiles yet: press a to add one", style="dim"), id="-none-", disabled=True))
        ol.highlighted = min(highlighted, max(0, len(self.rows) - 1))
        ol.focus()
        waiting = self._waiting()
        self._waiting_said = waiting is not None
        if waiting is not None:
            self._say(f"the last layout accepted here is shown; a newer one is waiting ({waiting.headline()}): "
                      "v reviews it", error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#tiles-status", Static).update(Text(printable(text), style="bold magenta" if error else ""))

    def _current(self) -> str | None:
        ol = self.query_one("#tiles-list", OptionList)
        if ol.highlighted is None or not self.rows:
            return None
        return self.rows[ol.highlighted]["name"]

    @on(OptionList.OptionSelected, "#tiles-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    @work(group="dialog")
    async def action_add(self) -> None:
        if not self._refuse_while_waiting():
            await self._edit(None)

    @work(group="dialog")
    async def action_edit(self) -> None:
        if not self._refuse_while_waiting() and (tile := self._current()) is not None:
            await self._edit(tile)

    async def _edit(self, tile: str | None) -> None:
        """The editor on a new tile (None) or on ``tile``; the list is read again afterwards."""
        doc = self._read()
        if doc is None:
            return
        name = await self.app.push_screen_wait(TileEditorScreen(doc, tile, self.who, self.journal))
        if name:
            self._say(f"saved: {'edited' if tile else 'added'} tile {name}")
        self.reload()

    @work(group="dialog")
    async def action_toggle(self) -> None:
        from warroom.tile_form import set_enabled
        from warroom.tui.screens.dialogs import ConfirmScreen

        if self._refuse_while_waiting():
            return
        tile = self._current()
        doc = self._read()
        if tile is None or doc is None:
            return
        row = next(r for r in self.rows if r["name"] == tile)
        if row["enabled"]:
            if await self.app.push_screen_wait(ConfirmScreen(f"Disable tile {tile}?", "It is no longer polled; criteria bound to it wait.")):
                self._save(lambda: set_enabled(doc, tile, False, self.who, self.journal), f"disabled tile {tile}")
            return
        if row["placeholder"]:
            self._say(f"tile {tile} polls the placeholder host {row['placeholder']}: edit its url first (e)", error=True)
            return
        self._say(f"probing {tile}…")
        result = await self._probe(doc, tile)
        if await self.app.push_screen_wait(ConfirmScreen(f"Enable tile {tile}?", probe_text(result).plain)):
            self._save(lambda: set_enabled(doc, tile, True, self.who, self.journal), f"enabled tile {tile}")
        else:
            self._say("")

    @work(group="dialog")
    async def action_bind(self) -> None:
        from warroom.tui.screens.dialogs import ChoiceScreen, ConfirmScreen

        if self._refuse_while_waiting():
            return
        doc = self._read()
        if doc is None or not self.rows:
            self._say("no tiles to bind to: add one first (a)", error=True)
            return
        crits = []
        for key, kind in (("criteria", "go/no-go"), ("rollback", "rollback trigger")):
            for entry in doc.data.get(key) or []:
                if hasattr(entry, "get"):
                    cid = str(entry.get("id") or "")
                    if cid:
                        th = f" ({entry.get('threshold')})" if entry.get("threshold") else ""
                        now = f" → {entry.get('tile')}" if entry.get("tile") else ""
                        crits.append((cid, f"{entry.get('name', cid)}{th} [{kind}]{now}"))
        if not crits:
            self._say("this layout has no criteria or rollback triggers", error=True)
            return
        options = [(str(i + 1) if i < 9 else "", label, cid) for i, (cid, label) in enumerate(crits)]
        cid = await self.app.push_screen_wait(ChoiceScreen("Bind which criterion?", options))
        if cid is None:
            return
        tiles = [(str(i + 1) if i < 9 else "", r["name"] + ("" if r["enabled"] else " (disabled)"), r["name"])
                 for i, r in enumerate(self.rows)]
        current = self._current()
        start = next((i for i, r in enumerate(self.rows) if r["name"] == current), 0)
        tile = await self.app.push_screen_wait(ChoiceScreen(f"{cid}: decided by which tile?", tiles, highlight=start))
        if tile is None:
            return
        self._say(f"probing {tile}…")
        result = await self._probe(doc, tile, bind=cid)
        if result is not None and result.problems:
            self._say("\n".join(result.problems[:3]), error=True)
            return
        if await self.app.push_screen_wait(ConfirmScreen(f"Bind {cid} to tile {tile}?", probe_text(result).plain)):
            from warroom.tile_form import bind

            self._save(lambda: bind(doc, cid, tile, self.who, self.journal), f"bound {cid} to tile {tile}")
        else:
            self._say("")

    async def _probe(self, doc: Any, tile: str, bind: str | None = None) -> Any:
        """One probe of ``tile`` as the layout would be (with ``bind`` bound to it), in a thread."""
        import asyncio

        from warroom.tile_form import Preview, TileForm, preview

        def run() -> Any:
            trial = doc.copy()
            if bind:
                trial.bind(bind, tile)
            form = TileForm.from_node(trial.tile(tile))
            form.enabled = True
            out = preview(trial, form, tile)
            return out if isinstance(out, Preview) else None

        return await asyncio.get_running_loop().run_in_executor(None, run)

    def _save(self, fn: Any, what: str) -> None:
        from warroom.errors import ActionError, InputError

        try:
            fn()
        except InputError as exc:
            self._say("not saved:\n" + "\n".join(str(p) for p in exc.problems[:3]), error=True)
        except ActionError as exc:
            self._say(f"not saved: {exc}", error=True)
        else:
            self._say(f"saved: {what}")
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
