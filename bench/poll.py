"""Poller benchmark: 100 tiles polling every second for 30 s against a loopback server.

Prints, measured in one run, each figure against a baseline measured in the same run:

- CPU time per poll of the poller thread, as a ratio to a plain httpx loop making the same
  requests on the same schedule (each URL once per interval, same staggered start) in a thread
  of its own (target <= 1.5);
- overlapping polls: requests for one tile in flight at once, counted by the server and by
  the poller (target 0);
- schedule drift p99: how late a poll starts after its due time (target <= 100 ms);
- keypress latency while polling, as a ratio to the same app idle (target <= 2): the time
  from a key event being posted to its binding running, in a headless Textual app showing
  the real tiles pane, measured idle (half before polling starts, half after it stops) and
  while the 100 tiles poll.

The server is the demo service in a separate process (``python -m warroom.demo.server``)
on 127.0.0.1, so its CPU is not counted. Usage: ``python bench/poll.py [--tiles N]
[--seconds S] [--interval I]``. Exit status 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding  # noqa: E402

from warroom.metrics.poller import Poller  # noqa: E402
from warroom.state import LaunchState  # noqa: E402
from warroom.tui.widgets.tiles import TilesPane  # noqa: E402
from warroom.workspace import load_workspace  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "warroom.demo.server", str(port)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(url + "/health", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the demo server did not start")


def write_layout(folder: Path, url: str, n: int, interval: float) -> Path:
    checklist = REPO / "checklists" / "demo-payments-v2.yaml"
    lines = [f"launch: poll bench\nchecklists:\n  - {checklist}\ntiles:"]
    for i in range(n):
        lines.append(f'  - {{name: t{i}, source: json, url: "{url}/health/t{i}", path: availability, unit: "%", '
                     f'threshold: ">= 50%", interval: {interval}s}}')
    path = folder / "bench.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def baseline(urls: list[str], seconds: float, interval: float) -> tuple[float, int]:
    """CPU seconds of a thread running a plain httpx loop that makes the same requests on the
    same schedule (each URL every ``interval``, starts spread the same way), and its count."""
    out: dict[str, float] = {}
    count = [0]

    async def loop() -> None:
        async with httpx.AsyncClient() as client:
            end = time.perf_counter() + seconds

            async def one(url: str, offset: float) -> None:
                await asyncio.sleep(offset)
                while time.perf_counter() < end:
                    r = await client.get(url)
                    r.read()
                    count[0] += 1
                    await asyncio.sleep(interval)

            n = len(urls)
            await asyncio.gather(*(one(u, min(interval, 2.0) * i / n) for i, u in enumerate(urls)))

    def run() -> None:
        t0 = time.thread_time()
        asyncio.run(loop())
        out["cpu"] = time.thread_time() - t0

    th = threading.Thread(target=run)
    th.start()
    th.join()
    return out["cpu"], count[0]


class BenchPane(TilesPane):
    """The real tiles pane; its poller thread also records its own CPU time."""

    cpu = 0.0

    def start_polling(self) -> None:
        self.poller = Poller(self.specs, self._from_poller, env=self.env)
        poller = self.poller

        def measured() -> None:
            t0 = time.thread_time()
            try:
                poller.run_in_this_thread()
            finally:
                BenchPane.cpu = time.thread_time() - t0

        self.run_worker(measured, thread=True, exclusive=True, group="tiles-poller", exit_on_error=False)


class BenchApp(App):
    BINDINGS = [Binding("x", "mark", "mark")]

    def __init__(self, layout: Path) -> None:
        super().__init__()
        self.ws = load_workspace(layout)
        self.handled = asyncio.Event()
        self.handled_at = 0.0

    def compose(self) -> ComposeResult:
        yield BenchPane(self.ws, None, lambda: LaunchState(self.ws), id="tiles", autostart=False)

    def action_mark(self) -> None:
        self.handled_at = time.perf_counter()
        self.handled.set()


async def key_latency(app: BenchApp) -> float:
    app.handled.clear()
    t0 = time.perf_counter()
    app.post_message(events.Key("x", "x"))
    await asyncio.wait_for(app.handled.wait(), 10)
    return app.handled_at - t0


async def run_app(layout: Path, seconds: float, n_keys: int) -> dict:
    app = BenchApp(layout)
    res: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        idle = []
        for _ in range(n_keys // 2):  # half before polling starts, half after it stops
            idle.append(await key_latency(app))
            await asyncio.sleep(0.1)
        pane = app.query_one(BenchPane)
        pane.start_polling()
        start = time.perf_counter()
        busy = []
        spacing = seconds / n_keys
        for k in range(n_keys):
            target = start + 0.5 + k * spacing * 0.98
            await asyncio.sleep(max(0.0, target - time.perf_counter()))
            busy.append(await key_latency(app))
        await asyncio.sleep(max(0.0, start + seconds - time.perf_counter()))
        poller = pane.poller
        assert poller is not None
        states = {n: r.state for n, r in pane.results.items()}  # before polling stops (then they go stale)
        poller.stop()
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        for _ in range(n_keys - n_keys // 2):
            idle.append(await key_latency(app))
            await asyncio.sleep(0.1)
        res.update(idle=idle, busy=busy, stats=poller.stats, cpu=BenchPane.cpu, wall=time.perf_counter() - start,
                   states=states)
    return res


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiles", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--keys", type=int, default=60)
    args = ap.parse_args()
    proc, url = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            layout = write_layout(Path(tmp), url, args.tiles, args.interval)
            urls = [f"{url}/health/t{i}" for i in range(args.tiles)]
            base_cpu, base_n = baseline(urls, args.seconds, args.interval)
            httpx.get(url + "/_stats")  # (counts start now: the baseline used one connection at a time)
            before = httpx.get(url + "/_stats").json()["max_in_flight"]
            if any(v > 1 for k, v in before.items() if k.startswith("/health/")):
                print("warning: the baseline itself overlapped", file=sys.stderr)
            run = asyncio.run(run_app(layout, args.seconds, args.keys))
            server_stats = httpx.get(url + "/_stats").json()["max_in_flight"]
    finally:
        proc.terminate()
        proc.wait(5)
    stats = run["stats"]
    polls = stats.polls
    per_poll = run["cpu"] / max(1, polls)
    per_req = base_cpu / base_n
    cpu_ratio = per_poll / per_req
    server_overlaps = sum(v - 1 for k, v in server_stats.items() if k.startswith("/health/") and v > 1)
    overlaps = server_overlaps + stats.overlaps
    drift = list(stats.drift)
    drift_p99 = pct(drift, 0.99) * 1000
    idle50, busy50 = statistics.median(run["idle"]), statistics.median(run["busy"])
    idle95, busy95 = pct(run["idle"], 0.95), pct(run["busy"], 0.95)
    key_ratio = busy50 / idle50
    expected = int(args.tiles * args.seconds / args.interval)
    states: dict[str, int] = {}
    for s in run["states"].values():
        states[s] = states.get(s, 0) + 1

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"warroom poll bench: {args.tiles} tiles every {args.interval:g}s for {args.seconds:g}s against {url} "
          f"(loopback, server in its own process; {os.cpu_count()} cores)")
    print(f"  polls completed            {polls} of ~{expected} scheduled, {stats.errors} errors; tile states at the end: "
          + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
    print(f"  CPU per poll               {per_poll * 1000:.3f} ms poller thread vs {per_req * 1000:.3f} ms plain httpx loop "
          f"making the same {base_n} requests: ratio {cpu_ratio:.2f}  (target <= 1.5)  {verdict(cpu_ratio <= 1.5)}")
    print(f"  overlapping polls          {overlaps} (server-side {server_overlaps}, poller {stats.overlaps})  "
          f"(target 0)  {verdict(overlaps == 0)}")
    print(f"  schedule drift             p99 {drift_p99:.1f} ms, p50 {pct(drift, 0.5) * 1000:.1f} ms, max "
          f"{max(drift) * 1000 if drift else float('nan'):.1f} ms over {len(drift)} polls  (target p99 <= 100 ms)  "
          f"{verdict(drift_p99 <= 100)}")
    print(f"  keypress latency           p50 {busy50 * 1000:.2f} ms polling vs {idle50 * 1000:.2f} ms idle: ratio "
          f"{key_ratio:.2f}  (p95 {busy95 * 1000:.2f} vs {idle95 * 1000:.2f} ms, {len(run['busy'])} keys each)  "
          f"(target <= 2)  {verdict(key_ratio <= 2)}")
    ok = cpu_ratio <= 1.5 and overlaps == 0 and drift_p99 <= 100 and key_ratio <= 2
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
