"""Every open screen reloads a changed layout live, says who changed it, holds a sensitive change
for each operator's acceptance and refuses a broken layout (issue 17, part 4)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from flow_support import Service, room, run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))
from tui_support import loaded, make_app, until  # noqa: E402


@pytest.fixture()
def svc():
    s = Service()
    yield s
    s.stop()


def tiles_shown(app) -> list[str]:  # noqa: ANN001
    from warroom.tui.widgets.tiles import TilesPane

    for w in app.main_screen.pane_widgets:
        if isinstance(w, TilesPane):
            return list(w.views)
    return []


def reviewing(app) -> bool:  # noqa: ANN001
    from warroom.tui.screens.layout_review import LayoutReviewScreen

    return isinstance(app.screen, LayoutReviewScreen)


def _base(tmp_path: Path, svc: Service) -> Path:
    return room(tmp_path, f"tiles:\n  - name: health\n    source: http\n    url: {svc.url}/health\n    interval: 1s\n")


async def test_two_screens_show_a_tile_another_process_adds(tmp_path, svc):
    layout = _base(tmp_path, svc)
    journal = tmp_path / "layouts" / "room.journal.yaml"
    a = make_app(layout, journal, operator="alice")
    b = make_app(layout, journal, operator="bob")
    async with a.run_test(size=(120, 36)) as pa, b.run_test(size=(120, 36)) as pb:
        await loaded(pa)
        await loaded(pb)
        assert tiles_shown(a) == tiles_shown(b) == ["health"]
        p = await asyncio.to_thread(run, "tiles", str(layout), "add", "--name", "queue", "--source", "prometheus",
                                    "--url", f"{svc.url}/metrics", "--select", "queue_depth", cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        loop = asyncio.get_running_loop()
        start = loop.time()
        expected = "layout changed by tester: added tile queue (prometheus, enabled)"
        assert await until(pa, lambda: tiles_shown(a) == tiles_shown(b) == ["health", "queue"]
                           and expected in a.layout_notices and expected in b.layout_notices, timeout=5)
        print(f"\nboth screens showed the new tile {loop.time() - start:.2f}s after `warroom tiles add` returned")
        # the same host as before: applied at once, and each screen says who changed what
        assert not reviewing(a) and not reviewing(b)


async def test_a_new_host_waits_for_each_operators_acceptance(tmp_path, svc):
    layout = _base(tmp_path, svc)
    journal = tmp_path / "layouts" / "room.journal.yaml"
    a = make_app(layout, journal, operator="alice")
    b = make_app(layout, journal, operator="bob")
    async with a.run_test(size=(120, 36)) as pa, b.run_test(size=(120, 36)) as pb:
        await loaded(pa)
        await loaded(pb)
        port = svc.url.rsplit(":", 1)[1]
        p = await asyncio.to_thread(run, "tiles", str(layout), "add", "--name", "other", "--source", "http",
                                    "--url", f"http://localhost:{port}/health", cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert await until(pa, lambda: reviewing(a) and reviewing(b), timeout=5)
        review = a.screen.update
        assert review.by == "tester" and review.sensitive == ["adds the host localhost"]
        assert any(line.startswith("+") and "localhost" in line for line in review.diff)
        await pa.pause(0.5)
        assert tiles_shown(a) == tiles_shown(b) == ["health"]  # not applied while it waits
        await pa.press("y")
        assert await until(pa, lambda: tiles_shown(a) == ["health", "other"], timeout=5)
        assert tiles_shown(b) == ["health"] and reviewing(b)  # bob has not accepted
        await pb.press("n")
        assert await until(pb, lambda: not reviewing(b))
        await pb.pause(0.5)
        assert tiles_shown(b) == ["health"]
        assert any("not applied here" in n for n in b.layout_notices)


async def test_a_change_by_this_operator_is_applied_without_asking(tmp_path, svc):
    layout = _base(tmp_path, svc)
    journal = tmp_path / "layouts" / "room.journal.yaml"
    a = make_app(layout, journal, operator="tester")
    async with a.run_test(size=(120, 36)) as pa:
        await loaded(pa)
        p = await asyncio.to_thread(run, "tiles", str(layout), "add", "--name", "other", "--source", "http",
                                    "--url", f"http://localhost:{svc.url.rsplit(':', 1)[1]}/health", cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert await until(pa, lambda: tiles_shown(a) == ["health", "other"], timeout=5)
        assert not reviewing(a)


async def test_a_broken_layout_is_refused_and_the_last_good_one_kept(tmp_path, svc):
    layout = _base(tmp_path, svc)
    journal = tmp_path / "layouts" / "room.journal.yaml"
    a = make_app(layout, journal, operator="alice")
    async with a.run_test(size=(120, 36)) as pa:
        await loaded(pa)
        good = layout.read_text(encoding="utf-8")
        layout.write_text(good.replace("source: http", "source: htp"), encoding="utf-8")
        assert await until(pa, lambda: any("refused" in n for n in a.layout_notices), timeout=5)
        notice = next(n for n in a.layout_notices if "refused" in n)
        assert "edited outside warroom" in notice and f"{layout}:18:13: unknown source 'htp'" in notice
        assert tiles_shown(a) == ["health"]
        # mended by hand (no new host): applied
        layout.write_text(good.replace("interval: 1s", "interval: 2s"), encoding="utf-8")
        assert await until(pa, lambda: len(a.layout_notices) == 2, timeout=5)
        assert a.layout_notices[1] == "layout changed by someone (edited outside warroom)"
        assert a.room.ws.layout.tiles[0].interval == 2.0


def test_text_from_a_changed_file_is_shown_without_its_control_characters():
    from warroom.tui.screens.layout_review import diff_text, printable

    assert printable("a\x1b[31mb\u202ec\x07") == "a\ufffd[31mb\ufffdc\ufffd"
    assert "\x1b" not in diff_text(["+  url: http://x/\x1b]52;c;ZXZpbA==\x07"]).plain


_CHECKLIST = ("id: room\ntitle: Room\nsections:\n  - id: s\n    title: S\n    items:\n      - id: a\n        text: A thing\n"
              "        commands:\n          - code: {code}\n            language: bash\n")


async def test_a_checklist_edited_by_another_hand_reloads_live_and_the_run_check_follows(tmp_path, svc):
    from warroom.errors import ActionError
    from warroom.runner.plan import prepare, still_as_reviewed

    layout = _base(tmp_path, svc)
    checklist = tmp_path / "checklists" / "room.yaml"
    checklist.write_text(_CHECKLIST.format(code="echo one"), encoding="utf-8")
    a = make_app(layout, tmp_path / "layouts" / "room.journal.yaml", operator="alice")
    async with a.run_test(size=(120, 36)) as pa:
        await loaded(pa)

        def command() -> str:
            return a.room.ws.resolve_item("a").commands[0].code

        assert command() == "echo one"
        reviewed = prepare(a.room.ws, "a", environ={})
        checklist.write_text(_CHECKLIST.format(code="echo two"), encoding="utf-8")
        with pytest.raises(ActionError, match="changed since they were loaded"):
            still_as_reviewed(reviewed)  # what the screen showed is no longer what would run
        assert await until(pa, lambda: command() == "echo two" and a.layout_notices, timeout=5)
        assert a.layout_notices == ["checklist ../checklists/room.yaml changed by someone (edited outside warroom)"]
        still_as_reviewed(prepare(a.room.ws, "a", environ={}))  # the screen shows the new commands: they may run
        # broken by another hand: refused with its position, the last good checklist kept
        checklist.write_text(_CHECKLIST.format(code="echo three").replace("      - id: a", "      - idd: a"), encoding="utf-8")
        assert await until(pa, lambda: len(a.layout_notices) == 2, timeout=5)
        assert "refused, the screen keeps the last good layout" in a.layout_notices[1]
        assert f"{checklist.resolve()}:7:" in a.layout_notices[1]
        assert command() == "echo two"


async def test_after_n_the_tiles_flow_shows_the_accepted_layout_and_says_a_newer_one_waits(tmp_path, svc):
    from textual.widgets import Static

    from warroom.tui.screens.tiles_flow import TilesFlowScreen

    layout = _base(tmp_path, svc)
    a = make_app(layout, tmp_path / "layouts" / "room.journal.yaml", operator="alice")
    async with a.run_test(size=(120, 36)) as pa:
        await loaded(pa)
        port = svc.url.rsplit(":", 1)[1]
        p = await asyncio.to_thread(run, "tiles", str(layout), "add", "--name", "other", "--source", "http",
                                    "--url", f"http://localhost:{port}/health", cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert await until(pa, lambda: reviewing(a), timeout=5)
        await pa.press("n")
        assert await until(pa, lambda: not reviewing(a))
        assert "a newer layout is waiting" in a.sub_title
        await pa.press("m")
        assert await until(pa, lambda: isinstance(a.screen, TilesFlowScreen) and a.screen.rows)
        flow = a.screen
        assert [(r["name"], r["enabled"]) for r in flow.rows] == [("health", True)]  # not the refused tile
        status = lambda: str(flow.query_one("#tiles-status", Static).render())  # noqa: E731
        assert "a newer one is waiting (layout changed by tester: added tile other" in status()
        await pa.press("a")  # an edit now would be made on the newer file: refused
        assert await until(pa, lambda: "nothing can be changed until you review it (v)" in status())
        assert isinstance(a.screen, TilesFlowScreen)
        await pa.press("v")  # review it again, and accept
        assert await until(pa, lambda: reviewing(a))
        await pa.press("y")
        assert await until(pa, lambda: tiles_shown(a) == ["health", "other"] and [r["name"] for r in flow.rows] == ["health", "other"], timeout=5)
        assert "waiting" not in status() and "waiting" not in a.sub_title


async def test_the_wall_shows_a_tile_another_process_adds(tmp_path, svc):
    """The wall (issue 13) rebuilds its big-number tiles when a changed layout is applied."""
    from warroom.tui.widgets.wall import BigTile

    layout = _base(tmp_path, svc)
    journal = tmp_path / "layouts" / "room.journal.yaml"
    wall = make_app(layout, journal, operator="tv", wall=True)
    async with wall.run_test(size=(240, 67)) as pw:
        await loaded(pw)
        assert [t.tile_name for t in wall.screen.query(BigTile)] == ["health"]
        p = await asyncio.to_thread(run, "tiles", str(layout), "add", "--name", "queue", "--source", "prometheus",
                                    "--url", f"{svc.url}/metrics", "--select", "queue_depth", cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert await until(pw, lambda: [t.tile_name for t in wall.screen.query(BigTile)] == ["health", "queue"], timeout=5)
        assert wall.screen.id == "wall" and journal.read_bytes().count(b"tv") == 0  # the wall wrote nothing
