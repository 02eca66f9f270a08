"""The tiles flow on the screen against a real service on 127.0.0.1 (issue 17, part 2)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import yaml
from flow_support import Service, room

from warroom.journal import Journal
from warroom.layout_edit import read_layout
from warroom.workspace import load_workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))
from tui_support import loaded, make_app, until  # noqa: E402


@pytest.fixture()
def svc():
    s = Service()
    yield s
    s.stop()


def _flow(app):  # noqa: ANN001, ANN202
    from warroom.tui.screens.tiles_flow import TilesFlowScreen

    return next(s for s in app.screen_stack if isinstance(s, TilesFlowScreen))


def _editor(app):  # noqa: ANN001, ANN202
    from warroom.tui.screens.tiles_flow import TileEditorScreen

    return next((s for s in app.screen_stack if isinstance(s, TileEditorScreen)), None)


async def _set(pilot, field: str, value: str) -> None:  # noqa: ANN001
    from textual.widgets import Input

    inp = pilot.app.screen.query_one(f"#{field}", Input)
    inp.value = value
    await pilot.pause()


async def _open_flow(pilot) -> None:  # noqa: ANN001
    await loaded(pilot)
    await pilot.press("m")
    assert await until(pilot, lambda: type(pilot.app.screen).__name__ == "TilesFlowScreen")


async def test_add_a_tile_with_a_live_preview_then_save(tmp_path, svc):
    layout = room(tmp_path)
    app = make_app(layout, tmp_path / "room.journal")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_flow(pilot)
        await pilot.press("a")
        assert await until(pilot, lambda: _editor(app) is not None)
        editor = _editor(app)
        await _set(pilot, "tile-name", "errors")
        from textual.widgets import Select

        app.screen.query_one("#tile-source", Select).value = "promql"
        await _set(pilot, "tile-url", svc.url)
        await _set(pilot, "tile-what", "sum(rate(e[5m])) / sum(rate(r[5m]))")
        await _set(pilot, "tile-unit", "%")
        await _set(pilot, "tile-threshold", "< 0.1%")
        preview = app.screen.query_one("#tile-preview")
        assert await until(pilot, lambda: "preview: ✓ OK" in str(preview.render()), timeout=5)
        assert editor.probes == 1 and svc.hits.count("/api/v1/query") == 1  # the settled change: one probe
        # a change that breaks the tile: its problem, with a position, and no probe
        await _set(pilot, "tile-threshold", "< 3 bananas")
        assert await until(pilot, lambda: "not valid yet" in str(preview.render()), timeout=5)
        assert f"{layout}:" in str(preview.render()) and svc.hits.count("/api/v1/query") == 1
        # the service starts failing: the preview shows the breach
        svc.query_value = 0.5
        await _set(pilot, "tile-threshold", "< 0.1%")
        assert await until(pilot, lambda: "CRIT" in str(preview.render()), timeout=5)
        assert editor.probes == 2
        await pilot.press("ctrl+s")
        assert await until(pilot, lambda: _editor(app) is None)
        await pilot.press("escape")  # the list closes; the screen has reloaded the layout it saved
        from warroom.tui.widgets.tiles import TilesPane

        assert await until(pilot, lambda: any(isinstance(w, TilesPane) and list(w.views) == ["errors"]
                                              for w in app.main_screen.pane_widgets), timeout=5)
        assert "layout changed by alice: added tile errors" in app.layout_notices
    text = layout.read_text(encoding="utf-8")
    assert "# The launch room. Keep this comment." in text and "launch: Room launch   # inline comment stays" in text
    ws = load_workspace(layout)  # the saved YAML validates
    assert [t.name for t in ws.layout.tiles] == ["errors"] and ws.layout.tiles[0].query.startswith("sum(rate(e")
    (ev,) = [e for e in Journal(tmp_path / "room.journal", read_only=True).load().events if e.kind == "layout-change"]
    assert (ev.kind, ev.op, ev.payload["what"]) == ("layout-change", "alice", "added tile errors")


async def test_an_unreachable_url_shows_its_error_in_the_preview(tmp_path, svc):
    layout = room(tmp_path)
    app = make_app(layout, tmp_path / "room.journal")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_flow(pilot)
        await pilot.press("a")
        assert await until(pilot, lambda: _editor(app) is not None)
        await _set(pilot, "tile-name", "h")
        await _set(pilot, "tile-url", "http://127.0.0.1:9/health")
        preview = app.screen.query_one("#tile-preview")
        assert await until(pilot, lambda: "ERROR" in str(preview.render()), timeout=5)
        assert "connection refused" in str(preview.render())


async def test_a_save_after_another_screens_save_is_refused(tmp_path, svc):
    layout = room(tmp_path)
    app = make_app(layout, tmp_path / "room.journal")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_flow(pilot)
        await pilot.press("a")
        assert await until(pilot, lambda: _editor(app) is not None)
        await _set(pilot, "tile-name", "health")
        await _set(pilot, "tile-url", f"{svc.url}/health")
        # meanwhile another hand saves the layout
        from warroom.layout_edit import save

        other = read_layout(layout)
        other.add_tile({"name": "theirs", "source": "http", "url": f"{svc.url}/health"})
        save(other, "bo", "added tile theirs", tmp_path / "room.journal")
        await pilot.pause(0.6)  # the screen has seen bo's change: its review waits for the dialog
        await pilot.press("ctrl+s")
        preview = app.screen.query_one("#tile-preview")
        assert await until(pilot, lambda: "changed since it was read" in str(preview.render()))
        assert _editor(app) is not None  # still open: nothing lost, nothing written
        await pilot.press("escape", "escape")  # editor, then the list: now bo's change (a new host) is asked about
        from warroom.tui.screens.layout_review import LayoutReviewScreen

        assert await until(pilot, lambda: isinstance(app.screen, LayoutReviewScreen))
        assert app.screen.update.by == "bo"
    assert [t["name"] for t in yaml.safe_load(layout.read_text(encoding="utf-8"))["tiles"]] == ["theirs"]


async def test_enable_a_drafted_tile_and_bind_a_criterion_that_then_drives_the_decision(tmp_path, svc):
    extra = ("tiles:\n"
             "  # drafted\n"
             "  - name: errors\n"
             "    source: promql\n"
             f"    url: {svc.url}\n"
             "    query: sum(rate(e[5m])) / sum(rate(r[5m]))\n"
             "    unit: '%'\n"
             "    threshold: < 0.1%\n"
             "    enabled: false\n")
    layout = room(tmp_path, extra)
    app = make_app(layout, tmp_path / "room.journal")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_flow(pilot)
        assert svc.hits == []  # a disabled tile is not polled by the screen
        await pilot.press("space")  # enable: one probe, then confirm
        assert await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", timeout=5)
        assert svc.hits == ["/api/v1/query"]
        await pilot.press("y")
        assert await until(pilot, lambda: "saved: enabled tile errors" in str(app.screen.query_one("#tiles-status").render()))
        await pilot.press("b")
        assert await until(pilot, lambda: type(app.screen).__name__ == "ChoiceScreen")
        await pilot.press("1")  # the go/no-go criterion error-rate
        assert await until(pilot, lambda: "decided by which tile" in str(app.screen.query_one("Label").render()))
        await pilot.press("1")  # the tile errors
        assert await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", timeout=5)
        await pilot.press("y")
        assert await until(pilot, lambda: "saved: bound error-rate" in str(_flow(app).query_one("#tiles-status").render()))
        # on this screen: the layout reloads, the tile polls, and the bound criterion decides
        await pilot.press("escape")
        svc.query_value = 0.5  # 0.5% errors
        from warroom.decision import NO_GO

        def no_go() -> bool:
            d = app.room.decision()
            return d.verdict == NO_GO and any(r.kind == "criterion" and r.target == "error-rate" for r in d.reasons)

        assert await until(pilot, no_go, timeout=10)
        svc.query_value = 0.0001
    ws = load_workspace(layout)
    assert ws.criterion("error-rate").tile == "errors" and [t.name for t in ws.layout.tiles] == ["errors"]
    assert "  # drafted\n" in layout.read_text(encoding="utf-8")
    # the bound criterion now decides: 0.5% errors is NO-GO
    from warroom.decision import NO_GO, decide
    from warroom.metrics.probe import poll_once
    from warroom.state import LaunchState

    svc.query_value = 0.5
    verdicts = poll_once(ws.layout)
    decision = decide(LaunchState(ws), tiles=verdicts)
    assert decision.verdict == NO_GO and any(r.kind == "criterion" and r.target == "error-rate" for r in decision.reasons)


async def test_the_flow_is_not_offered_read_only(tmp_path, svc):
    layout = room(tmp_path)
    app = make_app(layout, tmp_path / "room.journal", read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("m")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ != "TilesFlowScreen"


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 60), id="200x60")]


def _snap_room(tmp_path: Path, monkeypatch, svc: Service) -> Path:  # noqa: ANN001
    monkeypatch.setenv("SVC_URL", svc.url)  # the URL on screen does not carry the random port
    monkeypatch.chdir(tmp_path)  # paths on screen are relative to here, not the random temporary folder
    extra = ("tiles:\n"
             "  - name: errors\n"
             "    label: Error rate\n"
             "    source: promql\n"
             "    url: ${SVC_URL}\n"
             "    query: sum(rate(e[5m])) / sum(rate(r[5m]))\n"
             "    unit: '%'\n"
             "    threshold: < 0.1%\n"
             "    enabled: false\n"
             "  # placeholder host your-app.workers.dev: replace it with the real one before enabling\n"
             "  - name: your-app-health\n"
             "    source: http\n"
             "    url: https://your-app.workers.dev/health\n"
             "    check: status\n"
             "    threshold: == 200\n"
             "    enabled: false\n")
    layout = room(tmp_path, extra)
    text = layout.read_text(encoding="utf-8").replace("    threshold: < 0.1%\nrollback:", "    threshold: < 0.1%\n    tile: errors\nrollback:")
    layout.write_text(text, encoding="utf-8")
    return layout


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_tiles_list(snap_compare, tmp_path, monkeypatch, svc, size) -> None:  # noqa: ANN001
    layout = _snap_room(tmp_path, monkeypatch, svc)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open_flow(pilot)
        await pilot.pause()

    assert snap_compare(make_app(layout, tmp_path / "room.journal"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_tile_editor_with_its_preview(snap_compare, tmp_path, monkeypatch, svc, size) -> None:  # noqa: ANN001
    layout = _snap_room(tmp_path, monkeypatch, svc)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open_flow(pilot)
        await pilot.press("enter")  # edit the highlighted tile: errors
        assert await until(pilot, lambda: _editor(pilot.app) is not None)
        preview = pilot.app.screen.query_one("#tile-preview")
        assert await until(pilot, lambda: "preview: ✓ OK" in str(preview.render()), timeout=5)
        await pilot.pause()

    assert snap_compare(make_app(layout, tmp_path / "room.journal"), terminal_size=size, run_before=run_before)


def _burst(app, keys: list[str]) -> None:  # noqa: ANN001
    """Put keys in the app's queue at once, as a terminal delivers fast typing over SSH."""
    from textual import events

    for k in keys:
        app.post_message(events.Key("tab", "\t") if k == "\t" else events.Key(k, k))


@pytest.mark.parametrize("typed_first", ["", "a", "ma"])
async def test_keys_typed_ahead_land_in_the_editors_fields_in_order(tmp_path, svc, typed_first):
    """The form in one burst (name, tab over the source, url, check, unit, threshold), sent once
    the editor is open, after `a` on the list, or after `m` on the war room."""
    from textual.widgets import Input

    layout = room(tmp_path)
    app = make_app(layout, tmp_path / "room.journal")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        for key in "ma"[:2 - len(typed_first)]:
            await pilot.press(key)
        if not typed_first:
            assert await until(pilot, lambda: _editor(app) is not None and app.screen.focused is not None)
        elif typed_first == "a":
            assert await until(pilot, lambda: type(app.screen).__name__ == "TilesFlowScreen" and app.screen.focused)
        _burst(app, [*typed_first, *"lat2", "\t", "\t", *f"{svc.url}/health", "\t", *"status", "\t", *"ms", "\t", *"== 200"])

        def fields() -> dict[str, str]:
            ed = _editor(app)
            return {} if ed is None else {i.id: i.value for i in ed.query(Input)}

        expected = {"tile-name": "lat2", "tile-url": f"{svc.url}/health", "tile-what": "status",
                    "tile-unit": "ms", "tile-threshold": "== 200"}
        assert await until(pilot, lambda: fields() == expected, timeout=15), fields()
        assert app.screen.focused.id == "tile-threshold"
        assert len(_flow(app).rows) == 0  # nothing typed reached the list behind the editor
