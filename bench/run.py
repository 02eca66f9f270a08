"""Running a command from the war room: keypress latency while it streams, as a ratio to idle.

An item's command writes 10 MB through the PTY in 100 KB bursts (about 6 s); the run pane
shows it live at the bottom of the screen. Meanwhile space is pressed on another item, again
and again, and the time from the key to the next frame written after its tick applied is
measured — the same measure, in the same app, with nothing running, is the baseline
(target: ratio <= 2). Also printed: the output's size and how long the stream took.

Run: .venv/bin/python bench/run.py [--presses N] [--megabytes N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STREAM = ("import os, sys, time\n"
          "line = b'0123456789 streaming output for the bench, with \\x1b[32mcolour\\x1b[0m and a carriage return\\r done\\n'\n"
          "burst = line * (102400 // len(line))\n"
          "total = int(sys.argv[1]) * 1024 * 1024\n"
          "sent = 0\n"
          "while sent < total:\n"
          "    os.write(1, burst[: total - sent])\n"
          "    sent += len(burst)\n"
          "    time.sleep(0.06)\n")


def make_room(tmp: Path, megabytes: int) -> Path:
    (tmp / "stream.py").write_text(STREAM)
    items = [{"id": "stream", "text": "Stream output", "commands": [f"{sys.executable} stream.py {megabytes}"]}]
    items += [{"id": f"i{k}", "text": f"Item {k}: check the thing number {k}"} for k in range(60)]
    (tmp / "bench-checklist.yaml").write_text(yaml.safe_dump({"id": "bench", "title": "Bench", "sections": [
        {"id": "s", "title": "Section", "items": items}]}))
    layout = tmp / "bench.yaml"
    layout.write_text(yaml.safe_dump({"launch": "run bench", "checklists": ["bench-checklist.yaml"],
                                      "run": {"enabled": True, "timeout": "5m"}}))
    return layout


async def presses(app, pilot, frames: list[float], count: int, run=None) -> list[float]:  # noqa: ANN001
    """ms from space on an item to the next frame written after its tick applied."""
    screen = app.main_screen
    pane = screen.checklist_panes[0]
    tree = pane.ctree
    tree.move_cursor(pane.nodes["bench/s/i5"])
    tree.focus()
    await pilot.pause()
    times = []
    for k in range(count + 3):
        if run is not None and run.result is not None:
            raise SystemExit(f"the stream ended after {k} presses: raise --megabytes or lower --presses")
        await pilot.pause(0.05)
        item = tree.item_id
        before = app.room.state.items[item].status
        start = time.perf_counter()
        app.simulate_key("space")
        while app.room.state.items[item].status is before:
            await asyncio.sleep(0)
        applied = time.perf_counter()
        while not frames or frames[-1] < applied:
            await asyncio.sleep(0)
        if k >= 3:
            times.append((frames[-1] - start) * 1000)
    return times


async def measure(layout: Path, count: int) -> tuple[float, float, int, float]:
    from warroom.runner.plan import prepare
    from warroom.tui import run_flow
    from warroom.tui.app import WarRoomApp

    app = WarRoomApp(layout, operator="bench")
    frames: list[float] = []
    async with app.run_test(size=(160, 50)) as pilot:
        await asyncio.wait_for(app.ready.wait(), 60)
        await pilot.pause()
        display = app._display

        def timed_display(screen, renderable):  # noqa: ANN001, ANN202 - every frame the app writes
            display(screen, renderable)
            frames.append(time.perf_counter())

        app._display = timed_display  # type: ignore[method-assign]
        idle = await presses(app, pilot, frames, count)
        plan = prepare(app.room.ws, "bench/s/stream")
        await run_flow._start(app, plan)
        run = run_flow._runs(app)["bench/s/stream"]
        t0 = time.perf_counter()
        while run.tail.total < 200_000:  # the stream is flowing and the pane drawing it
            await pilot.pause(0.02)
        busy = await presses(app, pilot, frames, count, run)
        shown = "".join(str(line) for line in app.main_screen.query_one("#run-output").render().plain.splitlines()[-3:])
        if "streaming output" not in shown:
            raise SystemExit(f"the run pane is not showing the stream: {shown!r}")
        while run.result is None:
            await pilot.pause(0.05)
        took = time.perf_counter() - t0
        return statistics.median(idle), statistics.median(busy), run.result.bytes, took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presses", type=int, default=25, help="measured ticks in each state (median)")
    parser.add_argument("--megabytes", type=int, default=10, help="the command's output (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        layout = make_room(Path(d), args.megabytes)
        idle, busy, size, took = asyncio.run(measure(layout, args.presses))
    print(f"command output streamed through the PTY into the run pane: {size / 1e6:.1f} MB in {took:.1f} s")
    print(f"keypress to repainted tick: idle {idle:.2f} ms, while streaming {busy:.2f} ms")
    print(f"  streaming/idle ratio          {busy / idle:.2f}  (target <= 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
