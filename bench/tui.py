"""TUI speed, as ratios against baselines measured in the same run.

1. Process start to the first full frame with all five seed checklists loaded, against a bare
   one-widget Textual app (target <= 1.5).
2. Keypress to the repainted tick on a 5,000-item checklist, against the same on a 50-item
   checklist (target <= 1.5: the cost must not grow with the list).
3. Peak RSS of (1), against the bare app.
4. The wall (``warroom open --wall``) at 240x67: start to its first full frame, against the
   bare app at the same size.

Both apps start from byte-compiled modules, as an installed package does.

Run: .venv/bin/python bench/tui.py [--runs N] [--presses N]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

BARE = textwrap.dedent("""
    import time
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("hello")

        def on_mount(self):
            self.call_after_refresh(self.first_frame)

        def first_frame(self):
            self.frame_at = time.time()
            self.exit()

    import sys
    app = Bare()
    app.run(headless=True, size=(240, 67) if sys.argv[-1] == "wall" else (200, 60))
    print(app.frame_at)
""")

# ``exit_when_ready`` exits right after the first frame drawn with every pane loaded. The start
# is ``warroom open``'s (warroom.cli.screen.run_app): the files' reading is forked off first, then
# Textual is imported.
WARROOM = textwrap.dedent("""
    import sys, time
    from warroom.workspace import start_loading

    loading = start_loading(sys.argv[1])
    from warroom.tui.app import WarRoomApp

    class Timed(WarRoomApp):
        def exit(self, *args, **kwargs):
            self.frame_at = getattr(self, "frame_at", None) or time.time()
            self.loaded = sum(len(p.nodes) for p in self.main_screen.checklist_panes) if self.room else 0
            wall = self.wall_screen
            self.wall_built = wall is not None and wall.built
            super().exit(*args, **kwargs)

    wall = len(sys.argv) > 3 and sys.argv[3] == "wall"
    size = (240, 67) if wall else (200, 60)
    app = Timed(sys.argv[1], journal_path=sys.argv[2], operator="bench", exit_when_ready=True, workspace=loading, wall=wall)
    app.run(headless=True, size=size)
    if wall and not getattr(app, "wall_built", False):
        sys.exit("the wall was not drawn")
    loaded = getattr(app, "loaded", 0)
    if app.return_code or not loaded:
        sys.exit(f"warroom did not load: code {app.return_code}, problems {app.problems}")
    print(app.frame_at)
""")


def seed_layout(tmp: Path) -> tuple[Path, int]:
    """One layout holding the five seed checklists (everything in checklists/ but the demo)."""
    from warroom.tmarks import parse_tmark

    checklists, roles, phases, criteria = [], {}, {}, {}
    for layout in sorted((ROOT / "layouts").glob("*.yaml")):
        if layout.stem == "demo" or layout.name.endswith(".journal.yaml"):
            continue
        data = yaml.safe_load(layout.read_text(encoding="utf-8"))
        checklists += [str((layout.parent / c).resolve()) for c in data.get("checklists") or []]
        for r in data.get("roles") or []:
            roles.setdefault(r["name"], r)
        for p in data.get("phases") or []:
            phases.setdefault(str(p["mark"]), p)
        for c in data.get("criteria") or []:
            if not c.get("tile"):
                criteria.setdefault(c["id"], c)
    path = tmp / "seeds.yaml"
    path.write_text(yaml.safe_dump({"launch": "All five seeds", "timezone": "UTC", "checklists": checklists,
                                    "phases": sorted(phases.values(), key=lambda p: parse_tmark(str(p["mark"]))), "roles": list(roles.values()),
                                    "criteria": list(criteria.values())}, sort_keys=False, allow_unicode=True))
    return path, len(checklists)


def run_child(args: list[str]) -> tuple[float, int]:
    """Wall seconds from spawning the process to its first full frame, and its peak RSS in KiB."""
    start = time.time()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code:
        sys.exit(f"child failed ({code}): {err[-2000:]}")
    return float(out.strip().splitlines()[-1]) - start, usage.ru_maxrss


def startup(tmp: Path, runs: int) -> tuple[float, float, float, float, int, float, float]:
    layout, n = seed_layout(tmp)
    bare_t, bare_rss, war_t, war_rss, bare_wall, wall_t = [], [], [], [], [], []
    for i in range(runs + 1):
        journal = tmp / f"seeds-{i}.journal.yaml"
        t1, r1 = run_child([sys.executable, "-c", BARE])
        t2, r2 = run_child([sys.executable, "-c", WARROOM, str(layout), str(journal)])
        t3, _ = run_child([sys.executable, "-c", BARE, "wall"])
        t4, _ = run_child([sys.executable, "-c", WARROOM, str(layout), str(journal), "wall"])
        if i == 0:
            continue  # warm the file cache
        bare_t.append(t1), bare_rss.append(r1), war_t.append(t2), war_rss.append(r2)
        bare_wall.append(t3), wall_t.append(t4)
    return (statistics.median(bare_t), statistics.median(war_t), max(bare_rss), max(war_rss), n,
            statistics.median(bare_wall), statistics.median(wall_t))


def big_checklist(tmp: Path, n: int) -> Path:
    per = min(n, 500)
    sections = []
    for s in range(n // per):
        sections.append({"id": f"s{s}", "title": f"Section {s}",
                         "items": [{"id": f"i{k}", "text": f"Item {s}.{k}: check the thing number {k}", "owner": "ops",
                                    "critical": k % 7 == 0, "phase": "T-1h"} for k in range(per)]})
    (tmp / f"big{n}.yaml").write_text(yaml.safe_dump({"id": f"big{n}", "title": f"{n} items", "sections": sections}))
    layout = tmp / f"layout{n}.yaml"
    layout.write_text(yaml.safe_dump({"launch": f"{n} items", "t0": "2030-01-01T00:00:00Z", "checklists": [f"big{n}.yaml"],
                                      "phases": [{"mark": "T-1h", "name": "T-1 Hour"}],
                                      "roles": [{"name": "Ops"}]}))
    return layout


async def keypress_ms(layout: Path, journal: Path, presses: int, size: tuple[int, int] = (200, 40)) -> float:
    """Median ms from a space key on the item to the next frame written after its tick applied."""
    from warroom.tui.app import WarRoomApp

    app = WarRoomApp(layout, journal_path=journal, operator="bench")
    frames: list[float] = []
    times: list[float] = []
    # at 200x40 both lists are taller than their pane (each has a scrollbar), so both runs draw the same frame
    async with app.run_test(size=size) as pilot:
        await asyncio.wait_for(app.ready.wait(), 60)
        await pilot.pause()
        display = app._display

        def timed_display(screen, renderable):  # noqa: ANN001, ANN202 - every frame the app writes
            display(screen, renderable)
            frames.append(time.perf_counter())

        app._display = timed_display  # type: ignore[method-assign]
        pane = app.main_screen.checklist_panes[0]
        tree = pane.ctree
        await pilot.press("j")
        await pilot.pause()
        for k in range(presses + 3):
            await pilot.pause(0.05)
            item = tree.item_id
            before = app.room.state.items[item].status
            y = tree.cursor_line - tree.scroll_offset.y
            start = time.perf_counter()
            app.simulate_key("space")
            while app.room.state.items[item].status is before:
                await asyncio.sleep(0)
            applied = time.perf_counter()
            while not frames or frames[-1] < applied:
                await asyncio.sleep(0)
            line = "".join(seg.text for seg in tree.render_line(y))
            if ("✓" in line) != (before.value != "done"):
                raise SystemExit(f"the tick did not repaint: {line!r}")
            if k >= 3:
                times.append(frames[-1] - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="start-ups of each app (median)")
    parser.add_argument("--presses", type=int, default=30, help="measured ticks per checklist (median)")
    parser.add_argument("--size", default="200x40", help="terminal size for the keypress runs (default 200x40)")
    args = parser.parse_args()
    # Both apps start from byte-compiled modules, as an installed package does (pip, pipx and
    # uv compile at install time; Textual's are). A checkout run with PYTHONDONTWRITEBYTECODE=1
    # would otherwise compile warroom from source on every start and Textual never.
    compileall.compile_dir(ROOT / "warroom", quiet=1)
    print("warroom's modules byte-compiled first, as an install does (the bare app's Textual already is)")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bare_t, war_t, bare_rss, war_rss, n, bare_wall, wall_t = startup(tmp, args.runs)
        size = tuple(int(x) for x in args.size.lower().split("x"))
        small = asyncio.run(keypress_ms(big_checklist(tmp, 50), tmp / "small.journal.yaml", args.presses, size))
        big = asyncio.run(keypress_ms(big_checklist(tmp, 5000), tmp / "big.journal.yaml", args.presses, size))
    print(f"start to first full frame: warroom with {n} seed checklists {war_t * 1000:.0f} ms, bare Textual app {bare_t * 1000:.0f} ms")
    print(f"  startup ratio                 {war_t / bare_t:.2f}  (target <= 1.5)")
    print(f"keypress to repainted tick at {args.size}: 5,000 items {big:.2f} ms, 50 items {small:.2f} ms")
    print(f"  keypress ratio 5000/50        {big / small:.2f}  (target <= 1.5)")
    print(f"peak RSS: warroom {war_rss / 1024:.1f} MiB, bare Textual app {bare_rss / 1024:.1f} MiB")
    print(f"  RSS ratio                     {war_rss / bare_rss:.2f}")
    print(f"the wall at 240x67, start to first full frame: {wall_t * 1000:.0f} ms, bare Textual app {bare_wall * 1000:.0f} ms")
    print(f"  wall startup ratio            {wall_t / bare_wall:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
