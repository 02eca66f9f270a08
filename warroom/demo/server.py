"""A simulated service for the demo and the tests, on 127.0.0.1.

It serves what a real launch is watched through:

- ``/health``: JSON (status, availability %, database latency, queue depth, version);
- ``/metrics``: Prometheus text exposition with counters (requests by code), a latency
  histogram and gauges (CPU %, queue depth, database connections);
- ``/api/v1/query``: a Prometheus HTTP API answering the demo layout's PromQL queries;
- anything set with :meth:`DemoServer.set` (tests change a value between polls).

The numbers move like a launch: traffic follows a slow wave, and every few minutes an
incident raises the error rate and latency for a while (a short blip first, then a longer
breach), so thresholds, ``for:`` and rollback triggers have something to react to.
Traffic is simulated per second of (scaled) time; counters only ever grow.
"""

from __future__ import annotations

import json
import math
import random
import re
import socket
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

BUCKETS = [0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5]
CYCLE = 300.0  # seconds of simulated time between incidents
WARMUP = 30  # simulated seconds already served when the service starts
ROUTES = ["/pay", "/refund"]


def _incident(t: float) -> float:
    """How bad things are at simulated time ``t``: 0 calm, up to 1 in an incident."""
    phase = t % CYCLE
    if 90 <= phase < 102:
        return 0.6  # a short blip: trips thresholds but not 'for: 1m'
    if 180 <= phase < 270:
        return 1.0  # a sustained incident: long enough to fire a rollback trigger
    return 0.0


def _lognorm_cdf(x: float, median: float, sigma: float) -> float:
    if x <= 0:
        return 0.0
    return 0.5 * (1 + math.erf(math.log(x / median) / (sigma * math.sqrt(2))))


@dataclass
class _Tick:
    requests: dict[tuple[str, str], int]  # (route, code) -> count this second
    buckets: dict[str, list[int]]  # route -> cumulative-per-bucket counts this second (+Inf last)
    latency_sum: dict[str, float]


class Simulation:
    """Traffic, errors and latency, advanced one simulated second at a time."""

    def __init__(self, seed: int = 7, clock: Callable[[], float] = time.monotonic, speed: float = 1.0) -> None:
        self.rng = random.Random(seed)
        self.clock = clock
        self.speed = speed
        self.t0 = clock() - WARMUP / speed  # start with some history, so the first poll has data
        self.t = 0  # simulated seconds done
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str], int] = {(r, c): 0 for r in ROUTES for c in ("200", "500")}
        self.buckets = {r: [0] * (len(BUCKETS) + 1) for r in ROUTES}
        self.latency_sum = {r: 0.0 for r in ROUTES}
        self.window: deque[_Tick] = deque(maxlen=600)
        self.cpu = 35.0
        self.queue = 3.0

    def now(self) -> float:
        return (self.clock() - self.t0) * self.speed

    def advance(self) -> None:
        with self.lock:
            target = int(self.now())
            if target - self.t > 3600:  # after a long pause, jump rather than replay an hour
                self.t = target - 600
            while self.t < target:
                self._tick(self.t)
                self.t += 1

    def _tick(self, t: int) -> None:
        bad = _incident(t)
        rps = max(5.0, 180 + 40 * math.sin(2 * math.pi * t / CYCLE) + self.rng.gauss(0, 8))
        err = 0.001 + 0.024 * bad + abs(self.rng.gauss(0, 0.0006))
        median = 0.11 + 0.32 * bad + self.rng.gauss(0, 0.006)
        tick = _Tick({}, {}, {})
        for k, route in enumerate(ROUTES):
            n = int(rps * (0.8 if k == 0 else 0.2))
            errors = sum(1 for _ in range(n) if self.rng.random() < err) if n < 400 else int(n * err)
            for code, count in (("200", n - errors), ("500", errors)):
                self.requests[(route, code)] += count
                tick.requests[(route, code)] = count
            counts = [round(n * _lognorm_cdf(le, median, 0.45)) for le in BUCKETS] + [n]
            for i, c in enumerate(counts):
                self.buckets[route][i] += c
            tick.buckets[route] = counts
            lat = n * median * math.exp(0.45 ** 2 / 2)
            self.latency_sum[route] += lat
            tick.latency_sum[route] = lat
        self.window.append(tick)
        self.cpu = min(99.0, max(5.0, self.cpu + self.rng.gauss(0, 2) + (55 + 30 * bad - self.cpu) * 0.1))
        self.queue = max(0.0, self.queue + self.rng.gauss(0, 1) + (3 + 40 * bad - self.queue) * 0.2)

    # -- views -------------------------------------------------------------------------------
    def _window(self, seconds: int) -> list[_Tick]:
        ticks = list(self.window)[-max(1, seconds):]
        return ticks

    def error_ratio(self, seconds: int = 60) -> float:
        ticks = self._window(seconds)
        total = sum(sum(t.requests.values()) for t in ticks)
        errors = sum(c for t in ticks for (r, code), c in t.requests.items() if code == "500")
        return errors / total if total else math.nan

    def request_rate(self, seconds: int = 60) -> float:
        ticks = self._window(seconds)
        return sum(sum(t.requests.values()) for t in ticks) / max(1, len(ticks))

    def quantile(self, q: float, seconds: int = 300) -> float:
        from warroom.metrics.sources.prometheus import histogram_quantile

        ticks = self._window(seconds)
        counts = [0.0] * (len(BUCKETS) + 1)
        for t in ticks:
            for route in ROUTES:
                for i, c in enumerate(t.buckets.get(route, [])):
                    counts[i] += c
        return histogram_quantile(q, list(zip(BUCKETS + [math.inf], counts)))

    def exposition(self) -> str:
        out = [
            "# HELP http_requests_total Requests served, by route and status code.",
            "# TYPE http_requests_total counter",
        ]
        for (route, code), n in sorted(self.requests.items()):
            out.append(f'http_requests_total{{route="{route}",code="{code}"}} {n}')
        out += ["# HELP http_request_duration_seconds Request latency.",
                "# TYPE http_request_duration_seconds histogram"]
        for route in ROUTES:
            for le, c in zip([*map(str, BUCKETS), "+Inf"], self.buckets[route]):
                out.append(f'http_request_duration_seconds_bucket{{route="{route}",le="{le}"}} {c}')
            out.append(f'http_request_duration_seconds_sum{{route="{route}"}} {self.latency_sum[route]:.3f}')
            out.append(f'http_request_duration_seconds_count{{route="{route}"}} {self.buckets[route][-1]}')
        out += ["# HELP cpu_utilization_percent CPU in use across the fleet.", "# TYPE cpu_utilization_percent gauge",
                f"cpu_utilization_percent {self.cpu:.2f}",
                "# HELP queue_depth Jobs waiting in the payment queue.", "# TYPE queue_depth gauge",
                f"queue_depth {self.queue:.0f}",
                "# HELP build_info The running build.", "# TYPE build_info gauge",
                'build_info{version="2.0.0"} 1', ""]
        return "\n".join(out)

    def health(self) -> dict[str, Any]:
        ratio = self.error_ratio(60)
        ratio = 0.0 if math.isnan(ratio) else ratio
        return {
            "status": "degraded" if ratio > 0.01 else "ok",
            "version": "2.0.0",
            "uptime_seconds": self.t,
            "availability": round(100 * (1 - ratio), 3),
            "checks": {"db": {"latency_ms": round(4 + 30 * _incident(self.t) + self.rng.random() * 3, 2)},
                       "queue": {"depth": round(self.queue)}},
        }

    def query(self, q: str) -> tuple[int, dict[str, Any]]:
        """Answer the demo's PromQL queries (normalised by removing spaces)."""
        now = round(time.time(), 3)
        norm = re.sub(r"\s+", "", q)

        def vector(v: float | None, labels: dict[str, str] | None = None) -> dict[str, Any]:
            result = [] if v is None else [{"metric": labels or {}, "value": [now, _num(v)]}]
            return {"status": "success", "data": {"resultType": "vector", "result": result}}

        m = re.fullmatch(r'sum\(rate\(http_requests_total\{code=~"5\.\."\}\[(\d+)m\]\)\)/sum\(rate\(http_requests_total\[\1m\]\)\)', norm)
        if m:
            ratio = self.error_ratio(int(m[1]) * 60)
            return 200, vector(None if math.isnan(ratio) else ratio)
        m = re.fullmatch(r"histogram_quantile\((0?\.\d+),sum(?:by\(le\))?\(rate\(http_request_duration_seconds_bucket\[(\d+)m\]\)\)(?:by\(le\))?\)", norm)
        if m:
            return 200, vector(self.quantile(float(m[1]), int(m[2]) * 60))
        m = re.fullmatch(r"sum\(rate\(http_requests_total\[(\d+)m\]\)\)", norm)
        if m:
            return 200, vector(self.request_rate(int(m[1]) * 60))
        if norm == "sum(rate(http_requests_total[1m]))by(code)":
            return 200, {"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"code": c}, "value": [now, _num(self.request_rate(60) / 2)]} for c in ("200", "500")]}}
        if norm in ("up", 'up{job="payments"}'):
            return 200, vector(1.0, {"job": "payments"})
        if norm == "absent_metric":
            return 200, vector(None)
        if norm == "time()":
            return 200, {"status": "success", "data": {"resultType": "scalar", "result": [now, _num(now)]}}
        m = re.fullmatch(r'"(.*)"', q.strip())
        if m:
            return 200, {"status": "success", "data": {"resultType": "string", "result": [now, m[1]]}}
        if re.fullmatch(r"[-+]?(\d+(\.\d*)?|NaN|Inf)", norm):
            return 200, {"status": "success", "data": {"resultType": "scalar", "result": [now, norm]}}
        return 400, {"status": "error", "errorType": "bad_data", "error": f"the demo service does not answer {q!r}"}


def _num(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without NODELAY, Nagle and delayed ACKs
        # add ~40 ms to every keep-alive response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, status: int, body: bytes, ctype: str = "application/json", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self._headers_buffer.append(b"\r\n")  # headers and body in one write
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def do_GET(self) -> None:
        owner: DemoServer = self.server.owner
        path = urlsplit(self.path).path
        with owner.lock:
            owner.in_flight[path] = owner.in_flight.get(path, 0) + 1
            owner.max_in_flight[path] = max(owner.max_in_flight.get(path, 0), owner.in_flight[path])
            owner.total_in_flight += 1
            owner.max_total_in_flight = max(owner.max_total_in_flight, owner.total_in_flight)
        try:
            self._route(owner)
        finally:
            with owner.lock:
                owner.in_flight[path] -= 1
                owner.total_in_flight -= 1

    def extra_route(self, path: str, owner: "DemoServer") -> bool:
        """A subclass's own routes, tried first (the tests' fault server adds its faults here)."""
        return False

    def _route(self, owner: "DemoServer") -> None:
        owner.hits += 1
        owner.last_headers = {k.lower(): v for k, v in self.headers.items()}
        parts = urlsplit(self.path)
        path = parts.path
        try:
            if self.extra_route(path, owner):
                pass
            elif path == "/health" or path.startswith("/health/"):
                owner.sim.advance()
                self._json(200, owner.sim.health())
            elif path == "/metrics":
                owner.sim.advance()
                self._send(200, owner.sim.exposition().encode(), "text/plain; version=0.0.4; charset=utf-8")
            elif path == "/api/v1/query":
                owner.sim.advance()
                q = parse_qs(parts.query).get("query", [""])[0]
                status, data = owner.sim.query(q)
                self._json(status, data)
            elif path == "/_stats":
                with owner.lock:
                    self._json(200, {"hits": owner.hits, "max_in_flight": dict(owner.max_in_flight)})
            elif path == "/":
                self._send(200, b"warroom demo service: /health /metrics /api/v1/query\n", "text/plain")
            else:
                self._json(404, {"error": f"no such path {path}"})
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True
    owner: "DemoServer"


class DemoServer:
    """A running demo service: ``.url``, ``.port``, ``.stop()``."""

    handler: type[BaseHTTPRequestHandler] = _Handler

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, certfile: str | None = None,
                 keyfile: str | None = None, client_ca: str | None = None, seed: int = 7, speed: float = 1.0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the demo service only listens on the loopback interface")
        self.sim = Simulation(seed=seed, speed=speed)
        self.stopping = threading.Event()
        self.hits = 0
        self.last_headers: dict[str, str] = {}
        self.lock = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}  # most requests for one path at once
        self.total_in_flight = 0
        self.max_total_in_flight = 0
        self._httpd = _Server((host, port), self.handler)
        self._httpd.owner = self
        self.scheme = "http"
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            if client_ca:  # mutual TLS: clients must present a certificate signed by this CA
                ctx.load_verify_locations(client_ca)
                ctx.verify_mode = ssl.CERT_REQUIRED
            self._httpd.socket = ctx.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self.host = host
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"warroom-demo:{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> "DemoServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "DemoServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def serve_in_thread(host: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> DemoServer:
    """Start the demo service in a background thread; ``port=0`` picks a free port."""
    return DemoServer(host, port, **kwargs).start()


def main() -> None:
    """``python -m warroom.demo.server [PORT]``: serve until interrupted."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8787
    server = serve_in_thread(port=port)
    print(f"warroom demo service on {server.url} (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
