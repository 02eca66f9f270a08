"""Running a command from the war room: keypress latency while it streams, as a ratio to idle.

An item's command writes 10 MB through the PTY in 100 KB bursts (about 6 s); the run pane
shows it live at the bottom of the screen. Meanwhile space is pressed on another item, again
and again, and the time from the key to the next frame written after its tick applied is
measured — the same measure, in the same app, with nothing running, is the baseline
(target: ratio <= 2). Also printed: the output's size and how long the stream took.

With --postgresql: a run whose output (``--pg-megabytes``, default 20) goes into a PostgreSQL
journal's database (a pgserver started for the bench), against the same run beside a journal
file, in the same process: wall time and peak memory (tracemalloc), as ratios.

Run: .venv/bin/python bench/run.py [--presses N] [--megabytes N] [--postgresql [--pg-megabytes N]]
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


def bench_postgresql_output(megabytes: int) -> None:
    """One run's output into the database vs beside a file: time and peak memory ratios."""
    import tracemalloc

    try:
        import pgserver
    except ImportError as exc:
        print(f"PostgreSQL output: not measured ({exc}; `python3 dev.py test` installs the test extra)")
        return
    from warroom.journal import Journal
    from warroom.journal_pg import PgJournal, parse_target
    from warroom.runner.execute import Run
    from warroom.runner.plan import prepare
    from warroom.workspace import load_workspace

    data = tempfile.mkdtemp(prefix="warroom-bench-pg-")
    server = pgserver.get_server(data, cleanup_mode="delete")
    try:
        server.psql("CREATE DATABASE bench_run;")
        url = server.get_uri().replace("/postgres?", "/bench_run?")
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            items = [{"id": "big", "text": "Big output", "commands": [f"yes 'a line of output for the bench' | head -c {megabytes << 20}"]}]
            (tmp / "c.yaml").write_text(yaml.safe_dump({"id": "b", "title": "B", "sections": [{"id": "s", "title": "S", "items": items}]}))
            layout = tmp / "b.yaml"
            layout.write_text(yaml.safe_dump({"launch": "b", "checklists": ["c.yaml"], "run": {"enabled": True, "timeout": "5m"}}))
            ws = load_workspace(layout)
            got = {}
            for name in ("file", "postgresql", "file ", "postgresql "):  # each twice, interleaved; the better of two (the first pays for imports)
                journal = (Journal(tmp / "b.journal.yaml") if name.strip() == "file"
                           else PgJournal(parse_target(url + "&launch=b", None)))
                tracemalloc.start()
                t0 = time.perf_counter()
                run = Run(prepare(ws, "b/s/big"), journal, "bench")
                run.start()
                result = run.wait(300)
                took = time.perf_counter() - t0
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                journal.close()
                assert result is not None and result.exit == 0 and not result.error, result
                old = got.get(name.strip())
                got[name.strip()] = (min(took, old[0]) if old else took, min(peak, old[1]) if old else peak, result.bytes)
    finally:
        server.cleanup()
    (ft, fm, size), (pt, pm, _) = got["file"], got["postgresql"]
    print(f"a run's output ({size / 1e6:.1f} MB): beside a journal file {ft:.2f} s, peak {fm / 1e6:.2f} MB allocated; "
          f"into PostgreSQL {pt:.2f} s, peak {pm / 1e6:.2f} MB")
    print(f"  postgresql/file time ratio    {pt / ft:.2f}")
    print(f"  postgresql/file memory ratio  {pm / fm:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presses", type=int, default=25, help="measured ticks in each state (median)")
    parser.add_argument("--megabytes", type=int, default=10, help="the command's output (default 10)")
    parser.add_argument("--postgresql", action="store_true", help="also: a run's output into PostgreSQL vs a file")
    parser.add_argument("--pg-megabytes", type=int, default=20, help="that run's output (default 20)")
    args = parser.parse_args()
    if args.postgresql:
        bench_postgresql_output(args.pg_megabytes)
    with tempfile.TemporaryDirectory() as d:
        layout = make_room(Path(d), args.megabytes)
        idle, busy, size, took = asyncio.run(measure(layout, args.presses))
    print(f"command output streamed through the PTY into the run pane: {size / 1e6:.1f} MB in {took:.1f} s")
    print(f"keypress to repainted tick: idle {idle:.2f} ms, while streaming {busy:.2f} ms")
    print(f"  streaming/idle ratio          {busy / idle:.2f}  (target <= 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
