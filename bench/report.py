"""The launch report, measured in one run as ratios to baselines measured alongside it.

    .venv/bin/python bench/report.py [--events 100000] [--screens 10] [--seconds 8]

1. ``warroom report`` (HTML) of an N-event launch with a metric history, against the hash-chain
   check ``warroom verify`` runs (``journal.verify``) on the same journal (target: ratio <= 2),
   in this process. The Markdown report is printed too, and then the commands as a user runs them
   (new processes, wall and CPU time): ``warroom verify`` itself also loads and replays the
   journal after checking it.
2. One war room, its tiles polled by 1 and then by S ``warroom watch`` processes (the shared
   poller every screen runs) against a real server on 127.0.0.1: requests the server saw and
   the CPU time of all the processes, as a ratio S screens / 1 screen (target <= 1.5 for both).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "report"))

from report_support import ValueServer, war_room  # noqa: E402
from warroom.journal import verify  # noqa: E402
from warroom.launch_report.text import write_report  # noqa: E402
from warroom.metrics.history import HistSample, MetricHistory, history_path  # noqa: E402
from warroom.workspace import load_workspace  # noqa: E402


def _bench_journal():
    spec = importlib.util.spec_from_file_location("bench_journal", REPO / "bench" / "journal.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def best_of(runs: int, fn):
    best, out = float("inf"), None
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _command(argv: list[str], runs: int = 3) -> tuple[float, float]:
    """Best wall time and best CPU time (the child's user + system) of ``warroom ARGV``."""
    import resource

    env = dict(os.environ, PYTHONPATH=str(REPO))
    wall = cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "warroom", *argv], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env)
        wall = min(wall, time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = min(cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def bench_report(tmp: Path, n: int) -> bool:
    layout = war_room(tmp, "http://127.0.0.1:9")
    ws = load_workspace(layout)
    journal = layout.with_name("launch.journal.yaml")
    _bench_journal().write_journal(journal, ws, n)
    rnd = random.Random(5)
    t = 1795939200.0
    samples = []
    for _ in range(20_000):
        t += 2.0
        v = rnd.gauss(250, 60) + (600 if rnd.random() < 0.01 else 0)
        samples.append(HistSample(t, "lat", round(v, 1), "CRIT" if v > 500 else "WARN" if v > 400 else "OK", v <= 500))
    MetricHistory(history_path(journal)).append(samples)
    verify_s, rep = best_of(3, lambda: verify(journal))
    assert rep.ok and rep.events == n
    html_s, page = best_of(3, lambda: write_report(layout, None, "html"))
    md_s, md = best_of(3, lambda: write_report(layout, None, "markdown"))
    ratio = html_s / verify_s
    print(f"report of {n:,} events + 20,000 samples: HTML {html_s:.2f} s ({len(page) / 1e6:.1f} MB), "
          f"Markdown {md_s:.2f} s ({len(md) / 1e6:.2f} MB, ratio {md_s / verify_s:.2f}); the hash-chain check "
          f"(journal.verify) {verify_s:.2f} s; ratio HTML/verify {ratio:.2f} (target <= 2) {verdict(ratio <= 2)}")
    # the commands, as a user runs them (new processes): `warroom verify` also loads and replays the journal
    out = tmp / "report.html"
    cmds = {"verify": ["verify", str(layout)], "report": ["report", str(layout), "--out", str(out)],
            "report-md": ["report", str(layout), "--format", "markdown", "--out", str(tmp / "report.md")]}
    figures = {name: _command(argv) for name, argv in cmds.items()}
    (vw, vc), (rw, rc), (mw, mc) = figures["verify"], figures["report"], figures["report-md"]
    print(f"commands: `warroom report` {rw:.2f} s wall / {rc:.2f} s CPU, `--format markdown` {mw:.2f} s / {mc:.2f} s, "
          f"`warroom verify` {vw:.2f} s / {vc:.2f} s: ratio report/verify {rw / vw:.2f} wall, {rc / vc:.2f} CPU")
    return ratio <= 2


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_watchers(tmp: Path, screens: int, seconds: float, warmup: float = 8.0) -> tuple[int, float]:
    """Requests the server saw and CPU the processes used over ``seconds`` of steady state
    (after every process started: Python's start-up is the same whether it polls or follows)."""
    server = ValueServer(210.0)
    procs: list[subprocess.Popen] = []
    try:
        d = tmp / f"watch{screens}"
        d.mkdir()
        layout = war_room(d, server.url, interval="0.2s")
        env = dict(os.environ, PYTHONPATH=str(REPO))
        procs = [subprocess.Popen([sys.executable, "-m", "warroom", "watch", str(layout), "--for", str(seconds + warmup + 30)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env) for _ in range(screens)]
        time.sleep(warmup)
        hits0, cpu0 = server.hits, sum(_cpu(p.pid) for p in procs)
        time.sleep(seconds)
        hits1, cpu1 = server.hits, sum(_cpu(p.pid) for p in procs)
        return hits1 - hits0, cpu1 - cpu0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        server.stop()


def bench_screens(tmp: Path, screens: int, seconds: float) -> bool:
    base_hits, base_cpu = run_watchers(tmp, 1, seconds)
    hits, cpu = run_watchers(tmp, screens, seconds)
    if not base_hits or not hits:
        print(f"{screens} watchers vs 1: MISSED — no requests reached the server ({hits} vs {base_hits}): the watchers did not run")
        return False
    r_hits = hits / base_hits
    r_cpu = cpu / max(1e-9, base_cpu)
    print(f"{screens} watchers vs 1 on one war room, {seconds:g} s of steady state (tiles every 0.2 s): requests {hits} vs "
          f"{base_hits} (ratio {r_hits:.2f}, target <= 1.5) {verdict(r_hits <= 1.5)}; CPU {cpu:.2f} s vs {base_cpu:.2f} s "
          f"(ratio {r_cpu:.2f}, target <= 1.5) {verdict(r_cpu <= 1.5)}")
    return r_hits <= 1.5 and r_cpu <= 1.5


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--screens", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=8.0)
    args, _ = ap.parse_known_args()
    with tempfile.TemporaryDirectory(prefix="warroom-bench-report-") as d:
        ok = bench_report(Path(d), args.events)
        ok = bench_screens(Path(d), args.screens, args.seconds) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
