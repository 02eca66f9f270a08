"""Looking back on the screen: the replay (``warroom open --as-of`` / ``--replay``), the metric
history charts, and the export and the report from the command palette.

The replay moves through the same path as the live screen: a ``ReplayCursor`` hands over the
events to apply (the whole prefix, with ``reset``, going back) and the app applies them exactly
as it applies what its journal follower reads; the tiles show what the metric history had at
that moment; the clock reads that moment.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from warroom.tui.messages import JournalEvents


class ReviewMixin:
    """Mixed into the app: ``cursor`` is set while replaying (the screen is then read-only)."""

    cursor: Any = None
    _history: Any = None
    layouts: Any = None  # while replaying: the journal's layouts (warroom.layout_then.LayoutsThen)
    layout_then: Any = None  # the layout shown (a ``Then``)
    _replay_lock: Any = None

    # -- the replay ---------------------------------------------------------------------------
    def replay_now(self) -> datetime:
        moment = self.cursor.moment if self.cursor is not None else None
        return moment if moment is not None else self.live_now()  # type: ignore[attr-defined]

    def replay_layout(self, ws: Any, events: list[Any]) -> Any:
        """The workspace to open the replay with: the layout as it was at the cursor (``ws``, read
        from the file now, when the journal holds no layout change or the old text is refused)."""
        from warroom.layout_then import LayoutsThen

        self.layouts = LayoutsThen(self.layout_path, events, ws)  # type: ignore[attr-defined]
        self.layout_then = self.layouts.at(self.cursor.pos)
        return self.layout_then.ws

    def say_layout_then(self, then: Any, switched: bool) -> None:
        from warroom.layout_then import refused

        if then.problem:
            self.notify(refused(then), severity="error", timeout=30)  # type: ignore[attr-defined]
        elif switched:
            self.notify(f"replay: the layout {then.where}", title="Layout", timeout=6)  # type: ignore[attr-defined]

    async def _replay_apply(self, step: Any) -> None:
        """Move the cursor (``step()`` gives the ``Move``) and show where it lands: the events
        through the live path, or — across a layout change — the layout of then with the prefix
        replayed, through the path a live layout reload takes. One move at a time (a key and
        the play timer may both move)."""
        import asyncio

        if self._replay_lock is None:
            self._replay_lock = asyncio.Lock()
        async with self._replay_lock:
            move = step()
            if move is None:
                self.notify("no further hold, recycle, scrub or sign-off that way", severity="information")  # type: ignore[attr-defined]
                return
            then = self.layouts.at(self.cursor.pos) if self.layouts is not None else None
            before = self.layout_then
            if then is not None and before is not None and then.key != before.key:
                self.layout_then = then
                await self.show_workspace(then.ws, self.cursor.events[:self.cursor.pos], replay=True)  # type: ignore[attr-defined]
                self.replay_tiles(reset=True)
                self.say_layout_then(then, switched=True)
            else:
                if then is not None:
                    self.layout_then = then
                    if then.problem and (before is None or then.problem != before.problem):
                        self.say_layout_then(then, switched=False)
                self.on_journal_events_arrived(JournalEvents(move.events, move.reset, []))  # type: ignore[attr-defined]
                self.replay_tiles(reset=move.reset)
            self.show_replay()

    def show_replay(self) -> None:
        header = self.main_screen.header  # type: ignore[attr-defined]
        if header is not None and self.cursor is not None:
            refused = self.layout_then is not None and self.layout_then.problem
            header.mode = f"REPLAY {self.cursor.pos}/{len(self.cursor.events)}" + (" · LAYOUT OF NOW" if refused else "")
        self.sub_title = self.cursor.describe() if self.cursor is not None else ""  # type: ignore[attr-defined]
        self.tick_clock()  # type: ignore[attr-defined]

    def replay_tiles(self, reset: bool) -> None:
        """The tiles as the metric history had them at the replay's moment."""
        from warroom.tui.widgets.tiles import TilesPane

        from warroom.metrics.side import where_of

        if self.cursor is None or where_of(self.journal) is None:  # type: ignore[attr-defined]
            return
        moment = self.replay_now().timestamp()
        for pane in self.query(TilesPane):  # type: ignore[attr-defined]
            pane.show_history(self.metric_history(), moment, reset=reset)

    def metric_history(self) -> dict[str, list[Any]]:
        from warroom.metrics.side import read_samples, where_of

        if self._history is None and where_of(self.journal) is not None:  # type: ignore[attr-defined]
            self._history = read_samples(where_of(self.journal))  # type: ignore[attr-defined]
        return self._history or {}

    def _replaying(self) -> bool:
        if self.cursor is None:
            self.notify("not replaying: open with --replay or --as-of to step through the journal", severity="warning")  # type: ignore[attr-defined]
            return False
        return True

    async def action_replay_next(self) -> None:
        if self._replaying():
            await self._replay_apply(lambda: self.cursor.step(1))

    async def action_replay_previous(self) -> None:
        if self._replaying():
            await self._replay_apply(lambda: self.cursor.step(-1))

    async def action_replay_next_mark(self) -> None:
        if self._replaying():
            await self._replay_apply(lambda: self.cursor.next_mark(True))

    async def action_replay_previous_mark(self) -> None:
        if self._replaying():
            await self._replay_apply(lambda: self.cursor.next_mark(False))

    def action_replay_play(self) -> None:
        if not self._replaying():
            return
        self.cursor.playing = not self.cursor.playing
        if self.cursor.playing:
            self._replay_tick()
        self.show_replay()

    def action_replay_faster(self) -> None:
        if self._replaying():
            self.cursor.faster(True)
            self.show_replay()

    def action_replay_slower(self) -> None:
        if self._replaying():
            self.cursor.faster(False)
            self.show_replay()

    def _replay_tick(self) -> None:
        cursor = self.cursor
        if cursor is None or not cursor.playing:
            return
        if cursor.at_end:
            cursor.playing = False
            self.show_replay()
            self.notify("replay: the end of the journal", severity="information")  # type: ignore[attr-defined]
            return
        self.set_timer(max(0.02, cursor.delay()), self._replay_advance)  # type: ignore[attr-defined]

    async def _replay_advance(self) -> None:
        if self.cursor is None or not self.cursor.playing:
            return
        await self._replay_apply(lambda: self.cursor.step(1))
        self._replay_tick()

    # -- the metric history, the export, the report --------------------------------------------
    def action_tile_history(self) -> None:
        from warroom.metrics.side import read_samples, where_of
        from warroom.tui.screens.tile_history import TileHistoryScreen

        room = self.room  # type: ignore[attr-defined]
        if room is None or where_of(self.journal) is None:  # type: ignore[attr-defined]
            return
        history = self.metric_history() if self.cursor is not None else read_samples(where_of(self.journal))  # type: ignore[attr-defined]
        until = self.replay_now().timestamp() if self.cursor is not None else None
        self.push_screen(TileHistoryScreen(room.ws, history, until))  # type: ignore[attr-defined]

    def on_tiles_pane_details_requested(self, message: Any) -> None:
        """Enter on a tile: its details, with its history (up to the moment, replaying)."""
        from warroom.tui.screens.tile_details import TileDetailsScreen

        pane, name = message.pane, message.name
        spec = next((s for s in pane.specs if s.name == name), None)
        if spec is None:
            return
        kwargs: dict[str, Any] = {"journal_path": self.journal_path}  # type: ignore[attr-defined]
        if self.cursor is not None:
            kwargs = {"history": self.metric_history().get(name, []), "until": self.replay_now().timestamp()}
        self.push_screen(TileDetailsScreen(pane.ws, spec, lambda: pane.results.get(name), **kwargs))  # type: ignore[attr-defined]

    def _beside_journal(self, suffix: str) -> Path:
        """Beside the journal file (a journal in a database: beside the layout)."""
        journal: Path = self.journal_path or Path(self.layout_path)  # type: ignore[attr-defined]
        stem = journal.name.removesuffix(".journal.yaml").removesuffix(".yaml")
        return journal.with_name(f"{stem}{suffix}")

    def action_report(self) -> None:
        """The launch report (HTML), beside the journal: written in a thread, told when done."""
        if self.room is None:  # type: ignore[attr-defined]
            return
        self.run_worker(self._write_report, thread=True, name="report", exit_on_error=False)  # type: ignore[attr-defined]

    def _write_report(self) -> None:
        from warroom.launch_report.text import write_report

        out = self._beside_journal(".report.html")
        try:
            text = write_report(self.layout_path, self.journal_path or self.journal_where, "html")  # type: ignore[attr-defined]
            tmp = out.with_name(f".{out.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)  # whole or not at all
        except Exception as exc:  # noqa: BLE001 - whatever it is, say it; the screen goes on
            self.call_from_thread(self.notify, f"the report was not written: {exc}", severity="error")  # type: ignore[attr-defined]
            return
        self.call_from_thread(self.notify, f"report written to {out}", title="Report")  # type: ignore[attr-defined]
