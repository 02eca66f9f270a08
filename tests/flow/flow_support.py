"""A real HTTP service on 127.0.0.1 for the tiles-flow tests: /health, /metrics and a Prometheus
query API whose answers a test sets, and a count of every request (to show nothing was polled)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "tests" / "importer" / "seeds"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


class Service:
    def __init__(self) -> None:
        self.health_status = 200
        self.query_value: float | None = 0.0004  # what /api/v1/query answers (None: no series)
        self.gauge = 42.0
        self.hits: list[str] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                with owner.lock:
                    owner.hits.append(parts.path)
                if parts.path == "/health":
                    self._send(owner.health_status, b'{"status": "ok"}', "application/json")
                elif parts.path == "/metrics":
                    body = f"# TYPE queue_depth gauge\nqueue_depth {owner.gauge}\n# TYPE up gauge\nup 1\n"
                    self._send(200, body.encode(), "text/plain; version=0.0.4")
                elif parts.path == "/api/v1/query":
                    q = parse_qs(parts.query).get("query", [""])[0]
                    result = [] if owner.query_value is None else [{"metric": {}, "value": [0, str(owner.query_value)]}]
                    data = {"status": "success", "data": {"resultType": "vector", "result": result}, "query": q}
                    self._send(200, json.dumps(data).encode(), "application/json")
                else:
                    self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    e = dict(os.environ, WARROOM_OPERATOR="tester")
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "warroom", *args], cwd=cwd, capture_output=True, text=True, env=e, timeout=60)


def room(tmp: Path, extra: str = "") -> Path:
    """A small war room in ``tmp``: a checklist and a commented layout with one criterion and one trigger."""
    (tmp / "checklists").mkdir(exist_ok=True)
    (tmp / "layouts").mkdir(exist_ok=True)
    (tmp / "checklists" / "room.yaml").write_text(
        "id: room\ntitle: Room\nsections:\n  - id: s\n    title: S\n    items:\n      - id: a\n        text: A thing\n",
        encoding="utf-8")
    layout = tmp / "layouts" / "room.yaml"
    layout.write_text(
        "# The launch room. Keep this comment.\n"
        "launch: Room launch   # inline comment stays\n"
        "checklists:\n"
        "  - ../checklists/room.yaml\n"
        "roles:\n"
        "  - name: CTO   # the only signer\n"
        "criteria:\n"
        "  # error rate must stay low\n"
        "  - id: error-rate\n"
        "    name: Error rate\n"
        "    threshold: < 0.1%\n"
        "rollback:\n"
        "  - id: rollback-errors\n"
        "    name: Error rate\n"
        "    threshold: '> 1%'\n" + extra, encoding="utf-8")
    return layout
