"""Helpers for the report tests: a real loopback HTTP server whose value a test sets, and a
war room using it (a uniquely named module, so imports never pick another area's)."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from datetime import datetime
from typing import Any

REPO = Path(__file__).resolve().parents[2]


class ValueServer:
    """Serves ``{"value": V}`` at /v on 127.0.0.1 and counts the requests."""

    def __init__(self, value: float = 100.0) -> None:
        self.value = value
        self.hits = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with owner.lock:
                    owner.hits += 1
                    body = json.dumps({"value": owner.value}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                import sys

                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)  # a client gone mid-answer is no news

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def war_room(tmp: Path, url: str, interval: str = "30s") -> Path:
    """The demo checklist, roles and manual criteria, plus one latency tile read from ``url``
    with a go/no-go criterion and a rollback trigger on it. Returns the layout path."""
    (tmp / "layouts").mkdir(exist_ok=True)
    (tmp / "checklists").mkdir(exist_ok=True)
    shutil.copy(REPO / "checklists" / "demo-payments-v2.yaml", tmp / "checklists")
    layout = tmp / "layouts" / "launch.yaml"
    layout.write_text(f"""launch: Payments API v2 <b>drill</b>
timezone: UTC
checklists:
  - ../checklists/demo-payments-v2.yaml
phases:
  - {{mark: T-24h, name: T-24 Hours}}
  - {{mark: T-4h, name: Pre-Launch}}
  - {{mark: T-1h, name: T-1 Hour}}
  - {{mark: T-0, name: Launch}}
  - {{mark: T+1h, name: Post-Launch}}
  - {{mark: T+4h, name: First 4 Hours}}
  - {{mark: T+24h, name: First 24 Hours}}
roles:
  - {{name: Product Owner, person: Priya Shah}}
  - {{name: Tech Lead, person: Marco Rossi}}
  - {{name: Security, person: Lena Vogel}}
  - {{name: Operations, person: Sam Okafor}}
criteria:
  - {{id: load-test-signed, name: Load test report signed off, threshold: "passed"}}
  - {{id: latency-ok, name: Latency under 500ms, tile: lat}}
rollback:
  - {{id: rollback-latency, name: Latency above 800ms, tile: lat, threshold: "> 800ms"}}
tiles:
  - name: lat
    label: Latency
    source: json
    url: {url}/v
    path: value
    unit: ms
    threshold: {{warn: "< 400ms", crit: "< 500ms"}}
    interval: {interval}
""", encoding="utf-8")
    return layout


def random_launch(tmp: Path, start: "datetime", n: int = 120, seed: int = 15, ops: list[str] | None = None,
                  all_go_first: bool = False) -> Path:
    """A journal of ``n`` random actions (holds, recycles, polls, signs, ticks, statuses, notes)
    one to ninety seconds apart, with a metric history alongside. Returns the layout path.
    ``all_go_first``: every role signs GO and the manual criterion passes first (so the items move the verdict)."""
    import random
    from datetime import timedelta

    from warroom.actions import Actions
    from warroom.errors import ActionError
    from warroom.journal import Journal
    from warroom.metrics.history import HistSample, MetricHistory, history_path
    from warroom.state import LaunchState
    from warroom.workspace import load_workspace

    layout = war_room(tmp, "http://127.0.0.1:9")  # nothing is polled here
    ws = load_workspace(layout)
    journal = Journal(layout.with_name("launch.journal.yaml"))
    rnd = random.Random(seed)
    clock = [start]
    actions = Actions(journal, "op", now=lambda: clock[0])
    state = LaunchState(ws)
    items = list(ws.items)
    roles = [r.name for r in ws.layout.roles]
    history = MetricHistory(history_path(journal.path))
    ops = ops or ["tick", "tick", "status", "note", "hold", "resume", "recycle", "sign", "poll", "answer", "assess"]
    state.apply(actions.set_t0(state, start + timedelta(minutes=20)))
    if all_go_first:
        for role in roles:
            state.apply(actions.sign(state, role, "go"))
        state.apply(actions.assess(state, "load-test-signed", "pass"))
    while state.event_count < n:
        clock[0] += timedelta(seconds=rnd.randint(1, 90))
        history.append([HistSample(clock[0].timestamp() - 0.5, "lat", float(rnd.randint(100, 900)),
                                   rnd.choice(["OK", "WARN", "CRIT"]), True)])
        op = rnd.choice(ops)
        try:
            if op == "tick":
                ev = actions.toggle(state, rnd.choice(items))
            elif op == "status":
                ev = actions.set_status(state, rnd.choice(items), rnd.choice(["blocked", "skipped", "in-progress"]), "why")
            elif op == "note":
                ev = actions.note(state, rnd.choice(items + [""]) or None, f"note {state.event_count}")
            elif op == "hold":
                ev = actions.hold(state, "hold it")
            elif op == "resume":
                ev = actions.resume(state)
            elif op == "recycle":
                ev = actions.recycle(state, "T-30m", "again")
            elif op == "sign":
                ev = actions.sign(state, rnd.choice(roles), rnd.choice(["go", "no-go"]), "because")
            elif op == "poll":
                ev = actions.poll_start(state)
            elif op == "answer":
                ev = actions.poll_answer(state, rnd.choice(["go", "no-go"]), "because")
            else:
                ev = actions.assess(state, "load-test-signed", rnd.choice(["pass", "fail"]))
        except ActionError:
            continue
        state.apply(ev)
    journal.close()
    return layout
