"""The tiles pane in a real app: polling real loopback servers, verdict and rollback messages,
journaled transitions (once, even with two operators), read-only mode, and a responsive UI."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding

from metrics_support import write_layout
from warroom import events as E
from warroom.actions import Actions
from warroom.journal import Journal
from fault_server import DemoServer
from warroom.state import LaunchState
from warroom.tui.widgets.tiles import TilesPane
from warroom.workspace import load_workspace


class PaneApp(App):
    BINDINGS = [Binding("x", "count", "count")]

    def __init__(self, layout: Path, read_only: bool = False, operator: str = "ana") -> None:
        super().__init__()
        self.ws = load_workspace(layout)
        self.journal = Journal(self.ws.journal_path, read_only=read_only)
        self.actions = None if read_only else Actions(self.journal, operator)
        self.verdicts: list[dict] = []
        self.rollbacks: list[tuple[str, str]] = []
        self.keys = 0

    def state(self) -> LaunchState:
        return LaunchState.replay(self.ws, self.journal.load().events)

    def compose(self) -> ComposeResult:
        yield TilesPane(self.ws, self.actions, self.state, id="tiles")

    def on_tiles_pane_verdicts_changed(self, message: TilesPane.VerdictsChanged) -> None:
        self.verdicts.append(dict(message.verdicts))

    def on_tiles_pane_rollback_triggered(self, message: TilesPane.RollbackTriggered) -> None:
        self.rollbacks.append((message.criterion_id, message.text))

    def action_count(self) -> None:
        self.keys += 1


async def wait_until(pilot, predicate, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


def layout(tmp: Path, url: str, extra: str = "") -> Path:
    tiles = f"""tiles:
  - {{name: v, label: Value, source: json, url: "{url}/x", path: v, unit: "%", threshold: "< 1%", interval: 0.2s}}
"""
    return write_layout(tmp, tiles, extra)


async def test_transitions_are_journaled_once_and_verdicts_posted(server: DemoServer, tmp_path: Path) -> None:
    server.set("/x", {"v": 0.5})
    path = layout(tmp_path, server.url)
    app = PaneApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TilesPane)
        await wait_until(pilot, lambda: pane.results["v"].state == "OK")
        await wait_until(pilot, lambda: any(v.get("v") is not None and v["v"].passing for v in app.verdicts))
        server.set("/x", {"v": 2.5})
        await wait_until(pilot, lambda: pane.results["v"].state == "CRIT")
        await pilot.pause(0.5)  # more CRIT samples: no more events
    events = [e for e in app.journal.load().events if e.kind == E.METRIC_STATE]
    assert [(e.payload["from"], e.payload["state"], e.payload["value"]) for e in events] == [
        ("NO DATA", "OK", 0.5), ("OK", "CRIT", 2.5)]
    assert all(e.op == "ana" for e in events)
    # a second operator's screen, polling the same tile in the same state, writes nothing new
    app2 = PaneApp(path, operator="bo")
    async with app2.run_test(size=(80, 24)) as pilot:
        pane = app2.query_one(TilesPane)
        await wait_until(pilot, lambda: pane.results["v"].state == "CRIT")
        await pilot.pause(0.3)
    assert [e for e in app2.journal.load().events if e.kind == E.METRIC_STATE] == events


async def test_rollback_trigger_fires_a_message_and_an_event(server: DemoServer, tmp_path: Path) -> None:
    server.set("/x", {"v": 0.2})
    extra = "rollback:\n  - {id: rb-errors, name: Error rate above 1%, tile: v, threshold: '> 1%'}\n"
    app = PaneApp(layout(tmp_path, server.url, extra))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TilesPane)
        await wait_until(pilot, lambda: pane.results["v"].state == "OK")
        assert app.rollbacks == []
        server.set("/x", {"v": 3.0})
        await wait_until(pilot, lambda: app.rollbacks)
        server.set("/x", {"v": 0.1})
        await wait_until(pilot, lambda: pane.results["v"].state == "OK")
        await pilot.pause(0.3)
    assert app.rollbacks[0] == ("rb-errors", "ROLLBACK: Error rate above 1% — Value (3 %) > 1%")
    rb = [(e.target, e.payload["state"]) for e in app.journal.load().events if e.kind == E.ROLLBACK]
    assert rb == [("rb-errors", "fired"), ("rb-errors", "cleared")]


async def test_read_only_never_journals(server: DemoServer, tmp_path: Path) -> None:
    server.set("/x", {"v": 0.5})
    app = PaneApp(layout(tmp_path, server.url), read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TilesPane)
        await wait_until(pilot, lambda: pane.results["v"].state == "OK")
    assert not app.ws.journal_path.exists() or app.journal.load().events == []


async def test_ui_stays_responsive_while_a_poll_hangs(server: DemoServer, tmp_path: Path) -> None:
    tiles = f"""tiles:
  - {{name: hang, source: json, url: "{server.url}/fault/hang", path: v, interval: 3s, timeout: 2.5s}}
  - {{name: big, source: json, url: "{server.url}/fault/big-chunked", path: v, interval: 3s, max_bytes: 2097152}}
"""
    app = PaneApp(write_layout(tmp_path, tiles), read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TilesPane)
        await wait_until(pilot, lambda: server.in_flight.get("/fault/hang", 0) > 0)
        for _ in range(5):
            await pilot.press("x")
        assert app.keys == 5
        assert pane.results["hang"].state == "NO DATA"  # the hanging poll is still in flight
        await wait_until(pilot, lambda: pane.results["hang"].state == "ERROR")
        assert pane.results["hang"].error.startswith("timed out after 2.5s")
        await wait_until(pilot, lambda: pane.results["big"].state == "ERROR")


async def test_a_layout_without_tiles_says_how_to_add_them(tmp_path: Path) -> None:
    app = PaneApp(write_layout(tmp_path, ""), read_only=True)
    async with app.run_test(size=(80, 24)):
        pane = app.query_one(TilesPane)
        text = str(pane.query_one(".tiles-empty").render())
        assert "declares no metric tiles" in text and "tiles:" in text
        assert pane.poller is None


async def test_a_tile_goes_stale_when_samples_stop(server: DemoServer, tmp_path: Path) -> None:
    """Samples from a real server, then the poller dies: the tile turns STALE (journaled)."""
    server.set("/x", {"v": 0.5})
    clock = [0.0]
    import time as _time

    class StaleApp(PaneApp):
        def compose(self) -> ComposeResult:
            yield TilesPane(self.ws, self.actions, self.state, id="tiles", clock=lambda: _time.time() + clock[0])

    app = StaleApp(layout(tmp_path, server.url))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(TilesPane)
        await wait_until(pilot, lambda: pane.results["v"].state == "OK")
        pane.poller.stop()
        await app.workers.wait_for_complete()
        clock[0] = 5.0  # stale_after is two intervals: 0.4 s
        await wait_until(pilot, lambda: pane.results["v"].state == "STALE")
        assert not pane.results["v"].passing
        assert pane.results["v"].error.startswith("no fresh sample for ")
    kinds = [(e.payload["from"], e.payload["state"]) for e in app.journal.load().events if e.kind == E.METRIC_STATE]
    assert kinds == [("NO DATA", "OK"), ("OK", "STALE")]
