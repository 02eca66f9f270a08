"""Journal speed, measured in one run, each figure as a ratio to a baseline measured alongside it.

    .venv/bin/python bench/journal.py [--events 100000] [--appends 400] [--follows 40]

1. Replay: ``Journal(...).load()`` + ``LaunchState.replay`` of N realistic events over the demo
   workspace, against ``json.loads`` of the same event lines (target: ratio <= 3).
2. Append p99 with the lock and fsync (``Journal.append``) against a raw ``write`` + ``fsync``
   p99 of lines of the same size in the same directory (target: ratio <= 5).
3. Follower latency: another process appends every 50-100 ms and prints the time ``append``
   returned; this process polls a ``Follower`` every 15 ms and notes when it saw each event
   (target: median <= 250 ms).
4. Checkpoints: ``warroom tick`` and ``warroom status`` (new processes) on a 1,000,000-event
   journal against a 1,000-event one, each after its first read wrote a checkpoint (target:
   ratio <= 2).
5. PostgreSQL (a pgserver started for the run): append p99 against a bare INSERT + commit;
   follower latency between two processes (target: median <= 100 ms, p95 <= 250 ms); 20
   concurrent writer processes (target: 0 lost, 0 doubled, chain valid); how soon an append is
   refused when the database goes away, against a normal append.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from warroom.events import GENESIS  # noqa: E402
from warroom.journal import HEADER, Follower, Journal, encode_event  # noqa: E402
from warroom.state import LaunchState  # noqa: E402
from warroom.tmarks import utc_iso  # noqa: E402
from warroom.workspace import load_workspace  # noqa: E402

OPERATORS = ["ana@bastion (ssh 10.0.4.21)", "bo@bastion (ssh 10.0.4.37)", "cy@bastion", "dee@bastion (ssh 10.0.9.2)"]
NOTES = ["canary at 1%, error rate flat", "db replica lag 2s, watching", "support briefed, macros ready",
         "rollback runbook open in tab 2", "p95 back under 300ms after the cache warmed"]


def realistic_events(ws, n: int, seed: int = 7):
    """(kind, target, payload) of a busy launch: mostly status changes, then notes, then sign-offs."""
    rnd = random.Random(seed)
    items = list(ws.items)
    roles = [r.name for r in ws.layout.roles]
    for i in range(n):
        r = rnd.random()
        if r < 0.6:
            status = rnd.choice(["done", "done", "in-progress", "todo", "blocked", "skipped"])
            payload = {"status": status}
            if status in ("blocked", "skipped"):
                payload["reason"] = "waiting on the vendor's change window"
            yield "set-status", rnd.choice(items), payload
        elif r < 0.85:
            yield "note", rnd.choice(items + [""]), {"text": f"{rnd.choice(NOTES)} (#{i})"}
        else:
            decision = rnd.choice(["GO", "GO", "GO", "NO-GO"])
            yield "sign", rnd.choice(roles), {"decision": decision, "comment": "" if decision == "GO" else "error budget burnt"}


def write_journal(path: Path, ws, n: int) -> None:
    """The same bytes ``Journal.append`` writes, without an fsync per event (the set-up, not measured)."""
    t = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
    prev = GENESIS
    rnd = random.Random(3)
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for seq, (kind, target, payload) in enumerate(realistic_events(ws, n), start=1):
            t += timedelta(milliseconds=rnd.randint(50, 4000))
            line, prev = encode_event(seq, utc_iso(t), rnd.choice(OPERATORS), kind, target, payload, prev)
            f.write(line)


def best_of(runs: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def bench_replay(tmp: Path, ws, n: int) -> bool:
    path = tmp / "replay.journal.yaml"
    write_journal(path, ws, n)

    def replay():
        result = Journal(path, read_only=True).load()
        state = LaunchState.replay(ws, result.events)
        assert not result.issues and state.last_seq == n, (result.issues[:3], state.last_seq)
        return state

    def json_baseline():
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        return [json.loads(line[2:]) for line in text.split("\n") if line.startswith("- ")]

    json_s, docs = best_of(3, json_baseline)
    replay_s, state = best_of(3, replay)
    assert len(docs) == n
    ratio = replay_s / json_s
    print(f"replay {n:,} events (load + LaunchState.replay): {replay_s:.2f} s; "
          f"json.loads of the same lines: {json_s:.2f} s; ratio {ratio:.1f} (target <= 3) {verdict(ratio <= 3)}")

    from warroom.journal import verify

    verify_s, report = best_of(1, lambda: verify(path))
    assert report.ok and report.events == n
    print(f"  for information: `warroom verify` (every hash) of the same file: {verify_s:.2f} s, {verify_s / json_s:.1f}x json.loads")
    # for scale: a plain PyYAML load, on a tenth of the file (it is far slower)
    import yaml

    part = tmp / "part.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[: n // 10 + 1]
    part.write_text("".join(lines), encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    yaml_s, _ = best_of(1, lambda: yaml.load(part.read_text(encoding="utf-8"), Loader=loader))
    json_part_s, _ = best_of(3, lambda: [json.loads(l[2:]) for l in lines if l.startswith("- ")])
    print(f"  for scale: PyYAML ({loader.__name__}) load of {n // 10:,} of those events: {yaml_s:.2f} s, "
          f"{yaml_s / json_part_s:.0f}x json.loads of the same lines")
    return ratio <= 3


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_append(tmp: Path, n: int) -> bool:
    jpath, rpath = tmp / "append.journal.yaml", tmp / "raw.bin"
    journal = Journal(jpath)
    journal.append("note", "", {"text": "warm-up"}, op="bench")
    sample, _ = encode_event(2, "2026-11-23T08:00:00.000Z", OPERATORS[0], "set-status", "payments-v2/launch-day/db-migration",
                             {"status": "done"}, "a" * 64)
    raw_line = sample.encode("utf-8")
    fd = os.open(rpath, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    raw_times, journal_times = [], []
    for i in range(n):  # interleaved, so both see the same disk weather
        t = time.perf_counter()
        os.write(fd, raw_line)
        os.fsync(fd)
        raw_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        journal.append("set-status", "payments-v2/launch-day/db-migration", {"status": "done"}, op=OPERATORS[0])
        journal_times.append(time.perf_counter() - t)
    os.close(fd)
    journal.close()
    raw99, j99 = pct(raw_times, 99), pct(journal_times, 99)
    ratio = j99 / raw99
    print(f"append p99 with lock + fsync: {j99 * 1000:.2f} ms (median {statistics.median(journal_times) * 1000:.2f} ms); "
          f"raw write + fsync p99: {raw99 * 1000:.2f} ms (median {statistics.median(raw_times) * 1000:.2f} ms); "
          f"ratio {ratio:.1f} (target <= 5) {verdict(ratio <= 5)}  [{n} appends of {len(raw_line)} bytes]")
    return ratio <= 5


WRITER = textwrap.dedent(
    """
    import random, sys, time
    from warroom.journal import Journal
    path, n = sys.argv[1], int(sys.argv[2])
    j = Journal(path)
    rnd = random.Random(11)
    sys.stdin.readline()  # go
    for i in range(n):
        time.sleep(rnd.uniform(0.05, 0.1))
        ev = j.append("note", "", {"text": f"follow me {i}"}, op="writer")
        print(ev.seq, repr(time.time()), flush=True)
    """
)


def bench_follow(tmp: Path, n: int) -> bool:
    path = tmp / "follow.journal.yaml"
    Journal(path).append("note", "", {"text": "start"}, op="bench")
    follower = Follower(path)
    follower.poll()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=REPO)
    seen: dict[int, float] = {}
    writer.stdin.write("go\n")
    writer.stdin.flush()
    deadline = time.time() + 60
    while len(seen) < n and time.time() < deadline:
        for ev in follower.poll():
            seen[ev.seq] = time.time()
        time.sleep(0.015)
    out, _ = writer.communicate(timeout=30)
    returned = {int(seq): float(t) for seq, t in (line.split() for line in out.splitlines())}
    lat = [seen[s] - returned[s] for s in returned if s in seen]
    if len(lat) < n:
        print(f"follower latency: MISSED — saw {len(lat)} of {n} appends")
        return False
    med, p95 = statistics.median(lat), pct(lat, 95)
    print(f"follower latency (another process's append -> seen, polling every 15 ms): median {med * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms over {n} appends (target median <= 250 ms) {verdict(med <= 0.25)}")
    return med <= 0.25


def cli_seconds(*argv: str) -> float:
    """Wall time of one ``warroom`` command in a new process (what an operator waits for)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "warroom", *argv], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def bench_checkpoint(tmp: Path, ws, big: int, small: int) -> bool:
    """``tick`` and ``status`` on a big journal against a small one: with checkpoints each reads
    only the events since the last checkpoint, so the ratio stays near 1."""
    layout = str(REPO / "layouts" / "demo.yaml")
    item = sorted(ws.items)[0]
    figures = {}
    t = time.perf_counter()
    for n in (small, big):
        path = tmp / f"cp{n}.journal.yaml"
        write_journal(path, ws, n)
        cli_seconds("status", layout, "--journal", str(path), "--no-probe")  # the first reads all, and checkpoints
    setup = time.perf_counter() - t
    for what, argv in (("tick", ("tick", layout, "--as", "bench", item)), ("status", ("status", layout, "--no-probe"))):
        for n in (small, big):
            path = str(tmp / f"cp{n}.journal.yaml")
            runs = []
            for i in range(4):
                extra = ("--undo",) if what == "tick" and i % 2 else ()
                runs.append(cli_seconds(*argv, *extra, "--journal", path))
            figures[(what, n)] = min(runs)
    ok = True
    for what in ("tick", "status"):
        ratio = figures[(what, big)] / figures[(what, small)]
        ok &= ratio <= 2
        print(f"`warroom {what}` on {big:,} events: {figures[(what, big)]:.2f} s; on {small:,}: {figures[(what, small)]:.2f} s; "
              f"ratio {ratio:.2f} (target <= 2) {verdict(ratio <= 2)}")
    size = (tmp / f"cp{big}.journal.yaml").stat().st_size
    cp_path = tmp / f"cp{big}.journal.yaml.checkpoint.json"
    cp = cp_path.stat().st_size
    with open(cp_path, "rb") as f:
        main_doc = len(f.readline())
    print(f"  (set-up: writing both journals and the first full reads took {setup:.0f} s; journal {size / 1e6:.0f} MB, "
          f"checkpoint {cp / 1e6:.1f} MB, of which {main_doc / 1e3:.0f} kB are read: the rest, the long lists, when used)")
    return ok


PG_WRITER = textwrap.dedent(
    """
    import random, sys, time
    from warroom.journal_pg import PgJournal, parse_target
    url, name, n, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    j = PgJournal(parse_target(url, "bench"))
    j.load()
    rnd = random.Random(hash(name) % 1000)
    sys.stdin.readline()  # go
    for i in range(n):
        if pause:
            time.sleep(rnd.uniform(pause, 2 * pause))
        ev = j.append("note", "", {"text": f"{name} {i}"}, op=name)
        print(ev.seq, ev.hash, repr(time.time()), flush=True)
    """
)


def bench_postgresql(n_appends: int, n_follows: int, writers: int, per_writer: int) -> bool:
    try:
        import pgserver
        import psycopg
    except ImportError as exc:
        print(f"PostgreSQL: not measured ({exc}; `python3 dev.py test` installs the test extra)")
        return False
    from warroom.journal_pg import PgFollower, PgJournal, parse_target, verify_pg

    data = tempfile.mkdtemp(prefix="warroom-bench-pg-")
    server = pgserver.get_server(data, cleanup_mode="delete")
    ok = True
    try:
        base = server.get_uri()
        dbs = ("append", "follow", "writers", "down")
        for db in dbs:
            server.psql(f"CREATE DATABASE bench_{db};")
        url = {db: base.replace("/postgres?", f"/bench_{db}?") for db in dbs}

        # 1. append p99, against a bare INSERT + commit of the same line on the same server
        journal = PgJournal(parse_target(url["append"], "bench"))
        journal.append("note", "", {"text": "warm-up"}, op="bench")
        raw = psycopg.connect(url["append"], autocommit=True)
        raw.execute("CREATE TABLE raw (seq bigint PRIMARY KEY, line text)")
        sample, _ = encode_event(2, "2026-11-23T08:00:00.000Z", OPERATORS[0], "set-status", "payments-v2/launch-day/db-migration",
                                 {"status": "done"}, "a" * 64)
        raw_times, times = [], []
        for i in range(n_appends):
            t = time.perf_counter()
            raw.execute("INSERT INTO raw VALUES (%s, %s)", (i, sample))
            raw_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            journal.append("set-status", "payments-v2/launch-day/db-migration", {"status": "done"}, op=OPERATORS[0])
            times.append(time.perf_counter() - t)
        raw.close()
        journal.close()
        p99, raw99 = pct(times, 99), pct(raw_times, 99)
        print(f"PostgreSQL append p99 (compare-and-append, commit): {p99 * 1000:.2f} ms (median {statistics.median(times) * 1000:.2f} ms); "
              f"a bare INSERT + commit p99: {raw99 * 1000:.2f} ms; ratio {p99 / raw99:.1f}  [{n_appends} appends, local socket]")

        # 1b. the database goes away: how soon an append is refused, against a normal append
        ok &= bench_refusal(url["down"], base, statistics.median(times))

        # 2. follower latency between two processes
        start = PgJournal(parse_target(url["follow"], "bench")).append("note", "", {"text": "start"}, op="bench")
        follower = PgFollower(parse_target(url["follow"], "bench"), start.seq, start.hash)
        writer = subprocess.Popen([sys.executable, "-c", PG_WRITER, url["follow"], "writer", str(n_follows), "0.05"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
        seen: dict[int, float] = {}
        writer.stdin.write("go\n")
        writer.stdin.flush()
        deadline = time.time() + 60
        while len(seen) < n_follows and time.time() < deadline:
            for ev in follower.poll():
                seen[ev.seq] = time.time()
            time.sleep(0.015)
        out, _ = writer.communicate(timeout=30)
        follower.close()
        returned = {int(seq): float(t) for seq, _, t in (line.split() for line in out.splitlines())}
        lat = [seen[s] - returned[s] for s in returned if s in seen]
        if len(lat) < n_follows:
            print(f"PostgreSQL follower latency: MISSED — saw {len(lat)} of {n_follows} appends")
            ok = False
        else:
            med, p95 = statistics.median(lat), pct(lat, 95)
            good = med <= 0.1 and p95 <= 0.25
            ok &= good
            print(f"PostgreSQL follower latency (another process's commit -> seen; LISTEN wake-up, polled every 15 ms): "
                  f"median {med * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms over {n_follows} appends "
                  f"(target median <= 100 ms, p95 <= 250 ms) {verdict(good)}")

        # 3. concurrent writer processes
        procs = [subprocess.Popen([sys.executable, "-c", PG_WRITER, url["writers"], f"w{k}", str(per_writer), "0"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO) for k in range(writers)]
        time.sleep(1.0)  # let them start (and connect) before the go
        t = time.perf_counter()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        acked = []
        for p in procs:
            out, _ = p.communicate(timeout=300)
            acked += [(int(seq), h) for seq, h, _ in (line.split() for line in out.splitlines())]
        took = time.perf_counter() - t
        with psycopg.connect(url["writers"]) as conn:
            stored = conn.execute("SELECT seq, hash, line FROM warroom_events WHERE launch = 'bench' ORDER BY seq").fetchall()
        texts = [json.loads(line[2:])["payload"]["text"] for _, _, line in stored]
        expected = {f"w{k} {i}" for k in range(writers) for i in range(per_writer)}
        lost = len(expected - set(texts)) + len(set(acked) - {(s, h) for s, h, _ in stored})
        doubled = len(texts) - len(set(texts))
        report = verify_pg(parse_target(url["writers"], "bench"))
        good = lost == 0 and doubled == 0 and report.ok and report.events == writers * per_writer
        ok &= good
        print(f"{writers} concurrent writer processes x {per_writer} appends on PostgreSQL: {len(stored)} stored, "
              f"{lost} lost, {doubled} doubled, chain {'valid' if report.ok else 'BROKEN'} "
              f"({len(stored) / took:.0f} appends/s) {verdict(good)}")
    finally:
        server.cleanup()
    return ok


def bench_refusal(url: str, admin_url: str, normal: float, runs: int = 3) -> bool:
    """An append while the database refuses new connections, against a normal append: (a) once
    the screen's follower shows it gone (a write is refused at once); (b) the moment every
    connection is cut (a restart, a crash: the follower hears it at once too); (c) the moment
    only the writer's connection is lost while the follower's still stands (the worst case: the
    append tries for RETRY_FOR). The screen writes in a thread: this is how long "writing…"
    shows before the refusal; the screen itself never waits."""
    import psycopg

    from warroom.journal_pg import JournalUnavailable, PgFollower, PgJournal, parse_target

    target = parse_target(url, "bench")
    PgJournal(target).append("note", "", {"text": "start"}, op="bench")
    db = url.split("?")[0].rsplit("/", 1)[1]
    admin = psycopg.connect(admin_url, autocommit=True)
    figures: dict[str, list[float]] = {"known": [], "all cut": [], "writer cut": []}
    try:
        for _ in range(runs):
            for case in ("writer cut", "all cut", "known"):
                journal = PgJournal(target)
                journal.load()
                follower = PgFollower(target, *journal.head, interval=1.0)
                journal.offline = lambda: follower.problem
                while journal.append("note", "", {"text": "up"}, op="bench") is None or not follower.poll():
                    time.sleep(0.01)  # both connected
                admin.execute(f"ALTER DATABASE {db} ALLOW_CONNECTIONS false")
                only = " AND application_name = 'warroom'" if case == "writer cut" else ""
                admin.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s{only}", (db,))
                if case == "known":
                    deadline = time.monotonic() + 30
                    while follower.problem is None and time.monotonic() < deadline:
                        time.sleep(0.01)
                t = time.perf_counter()
                try:
                    journal.append("note", "", {"text": "refused"}, op="bench")
                    print("PostgreSQL refusal: MISSED — an append succeeded with the database down")
                    return False
                except JournalUnavailable:
                    figures[case].append(time.perf_counter() - t)
                finally:
                    admin.execute(f"ALTER DATABASE {db} ALLOW_CONNECTIONS true")
                    follower.close()
                    journal.close()
    finally:
        admin.execute(f"ALTER DATABASE {db} ALLOW_CONNECTIONS true")
        admin.close()
    med = {case: statistics.median(v) for case, v in figures.items()}
    print(f"PostgreSQL append with the database down, refused in (ratio to a normal append's median {normal * 1000:.2f} ms): "
          f"{med['known'] * 1000:.2f} ms once the screen shows it ({med['known'] / normal:.2f}); "
          f"{med['all cut'] * 1000:.0f} ms when every connection is cut ({med['all cut'] / normal:.0f}); "
          f"{med['writer cut']:.1f} s when only the writer's is lost ({med['writer cut'] / normal:.0f}: RETRY_FOR)  "
          f"[median of {runs}; on the screen this runs in a thread]")
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--appends", type=int, default=400)
    ap.add_argument("--follows", type=int, default=40)
    ap.add_argument("--big", type=int, default=1_000_000, help="events of the big journal of the checkpoint figures")
    ap.add_argument("--small", type=int, default=1_000)
    ap.add_argument("--writers", type=int, default=20)
    ap.add_argument("--per-writer", type=int, default=25)
    ap.add_argument("--only", choices=["file", "checkpoint", "postgresql"], help="run one part")
    args = ap.parse_args()
    ws = load_workspace(REPO / "layouts" / "demo.yaml")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="warroom-bench-", dir=os.environ.get("WARROOM_BENCH_DIR")) as d:
        tmp = Path(d)
        ok = []
        if args.only in (None, "file"):
            ok += [bench_replay(tmp, ws, args.events), bench_append(tmp, args.appends), bench_follow(tmp, args.follows)]
        if args.only in (None, "checkpoint"):
            ok.append(bench_checkpoint(tmp, ws, args.big, args.small))
        if args.only in (None, "postgresql"):
            ok.append(bench_postgresql(args.appends, args.follows, args.writers, args.per_writer))
    print(f"({time.perf_counter() - start:.0f} s in all; {sum(ok)} of {len(ok)} targets met)")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
