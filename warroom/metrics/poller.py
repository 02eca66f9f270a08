"""The poller: every tile on its own schedule over one shared ``httpx.AsyncClient``.

- one client per TLS configuration (one for all tiles that use the defaults), so connections
  are pooled and reused;
- per-tile intervals with a staggered start; a tile never has two polls in flight (each tile
  is one loop that awaits its poll before scheduling the next);
- a per-host concurrency cap (``per_host``) so one slow host cannot starve the others;
- an overall deadline per poll (the tile's ``timeout``, always shorter than its interval) that
  also catches a server dripping bytes slowly;
- a cap on the response size (``max_bytes``): reading stops as soon as it is passed;
- a limited number of redirects;
- exponential backoff after repeated errors, capped at ``BACKOFF_INTERVALS`` intervals (a tile
  sees its endpoint come back within a few intervals), while the error stays on the tile.

Errors never escape: every failure becomes a Sample with a specific reason. Resolved
``${ENV}`` values are scrubbed from every reason.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlsplit

import httpx

from warroom.metrics import sources
from warroom.metrics.sample import Fetched, Sample
from warroom.metrics.secrets import check_headers, redact_url, resolve_url, scrub, secret_values
from warroom.metrics.spec import EnvError, TileSpec, TLSOptions, resolve_env

MAX_REDIRECTS = 5
PER_HOST = 4
BACKOFF_INTERVALS = 3  # the longest wait between retries, in the tile's intervals


class PollError(Exception):
    """A poll that failed before a response could be read; the message is the tile's reason."""


def _mib(n: int) -> str:
    return f"{n / 1048576:g} MiB" if n >= 1048576 else f"{n / 1024:g} KiB"


_URL_IN_TEXT = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+")


def _redact_urls(text: str) -> str:
    """Each URL in a message loses the password of its ``user:password@``."""
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group()), text) if "@" in text else text


def explain(exc: BaseException, spec: TileSpec, host: str, phase: str) -> str:
    """A specific, readable reason for a failed request."""
    text = str(exc)
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS}): a redirect loop?"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect to {host} timed out after {spec.timeout:g}s"
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout, TimeoutError, asyncio.TimeoutError)):
        if phase == "body":
            return f"timed out after {spec.timeout:g}s reading the body (response too slow)"
        if phase == "queue":
            return f"timed out after {spec.timeout:g}s waiting for a free connection to {host}"
        return f"timed out after {spec.timeout:g}s waiting for {host} to answer"
    chained = " ".join(str(e) for e in _chain(exc))
    if "CERTIFICATE_REQUIRED" in chained or "certificate required" in chained:
        return f"{host} requires a client certificate (set tls: cert and key)"
    if "CERTIFICATE_VERIFY_FAILED" in text or isinstance(exc, ssl.SSLCertVerificationError):
        why = text.split("certificate verify failed:", 1)[-1].split("(_ssl", 1)[0].strip() if "certificate verify failed" in text else text
        return f"TLS verification failed for {host}: {why}"
    if isinstance(exc, httpx.ConnectError):
        low = " ".join(str(e) for e in _chain(exc)).lower()
        if any(isinstance(e, ConnectionRefusedError) for e in _chain(exc)):
            return f"connection refused by {host}"
        if "refused" in low:
            return f"connection refused by {host}"
        if "name or service" in low or "nodename" in low or "name resolution" in low or "getaddrinfo" in low:
            return f"cannot resolve host {host}"
        if "ssl" in low or "tls" in low:
            return f"TLS handshake with {host} failed: {text[:160]}"
        return f"cannot connect to {host}: {text[:160] or type(exc).__name__}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{host} broke the HTTP exchange: {text[:160] or 'connection closed early'}"
    if isinstance(exc, httpx.ReadError):
        return f"reading from {host} failed: {text[:160] or 'connection reset'}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error with {host}: {getattr(exc, 'reason', None) or text[:160]}"
    if isinstance(exc, httpx.InvalidURL) or isinstance(exc, httpx.UnsupportedProtocol):
        return f"invalid URL: {text[:160]}"
    return f"{type(exc).__name__}: {text[:160]}"


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen = exc
    while seen is not None and len(out) < 10:
        out.append(seen)
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return out


class _TooLarge(Exception):
    pass


@dataclass
class _Runtime:
    spec: TileSpec
    memory: dict[str, Any] = field(default_factory=dict)
    in_flight: bool = False
    errors: int = 0  # consecutive failed polls
    polls: int = 0


@dataclass
class PollStats:
    polls: int = 0
    errors: int = 0
    overlaps: int = 0
    drift: deque = field(default_factory=lambda: deque(maxlen=100000))  # seconds late, per scheduled poll
    host_peak: dict = field(default_factory=dict)  # most requests in flight at once, per host


def _ssl_context(tls: TLSOptions, base_dir: str, env: Mapping[str, str]) -> ssl.SSLContext | bool:
    def path(p: str) -> str:
        q = Path(resolve_env(p, env)).expanduser()
        return str(q if q.is_absolute() else Path(base_dir or ".") / q)

    if not tls.verify:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif tls.ca:
        ctx = ssl.create_default_context(cafile=path(tls.ca))
    elif not tls.cert:
        return True
    else:
        ctx = ssl.create_default_context()
        import certifi

        ctx.load_verify_locations(certifi.where())
    if tls.cert:
        ctx.load_cert_chain(path(tls.cert), path(tls.key) if tls.key else None)
    return ctx


class Poller:
    def __init__(self, specs: Iterable[TileSpec], on_sample: Callable[[str, Sample], None] | None = None, *,
                 env: Mapping[str, str] | None = None, wall: Callable[[], float] = time.time,
                 per_host: int = PER_HOST, max_backoff: float = 300.0) -> None:
        self.specs = list(specs)
        self.runtimes = {s.name: _Runtime(s) for s in self.specs}
        self.on_sample = on_sample
        self.env = env if env is not None else os.environ
        self.wall = wall
        self.per_host = per_host
        self.max_backoff = max_backoff
        self.stats = PollStats()
        self._clients: dict[tuple, httpx.AsyncClient | Exception] = {}
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._active: dict[str, int] = {}
        self._host_cache: dict[str, tuple[str, str, str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stop_requested = threading.Event()

    # -- clients -----------------------------------------------------------------------------
    def _client(self, spec: TileSpec) -> httpx.AsyncClient:
        key = (spec.tls.key_tuple(), spec.base_dir)
        client = self._clients.get(key)
        if client is None:
            try:
                verify = _ssl_context(spec.tls, spec.base_dir, self.env)
                client = httpx.AsyncClient(verify=verify, follow_redirects=True, max_redirects=MAX_REDIRECTS,
                                           limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
                                           trust_env=False, headers={"User-Agent": "warroom-poller"})
            except (OSError, ssl.SSLError, EnvError) as exc:
                client = exc
            self._clients[key] = client
        if isinstance(client, Exception):
            if isinstance(client, EnvError):
                raise PollError(str(client))
            raise PollError(f"cannot load the TLS files: {getattr(client, 'strerror', None) or client}")
        return client

    async def aclose(self) -> None:
        for client in self._clients.values():
            if isinstance(client, httpx.AsyncClient):
                await client.aclose()
        self._clients.clear()

    async def __aenter__(self) -> "Poller":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    # -- one poll ----------------------------------------------------------------------------
    def _secrets(self, spec: TileSpec) -> list[str]:
        return secret_values([spec.url, *spec.headers.values(), spec.tls.ca, spec.tls.cert, spec.tls.key], self.env)

    def _scrub(self, spec: TileSpec, text: str) -> str:
        """Every form of every ${NAME} value blanked, and a URL's password too."""
        return scrub(_redact_urls(text), self._secrets(spec))

    async def fetch(self, spec: TileSpec) -> Fetched:
        try:
            url = resolve_url(spec.url, self.env)
            headers = {k: resolve_env(v, self.env) for k, v in spec.headers.items()}
            check_headers(headers, spec.headers)
        except EnvError as exc:
            raise PollError(str(exc)) from None
        url, params = sources.request_url(spec, url)
        host, shown_host = self._host_of(spec, url)
        client = self._client(spec)
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.per_host)
        phase = "queue"
        try:
            async with asyncio.timeout(spec.timeout):
                async with sem:
                    active = self._active[host] = self._active.get(host, 0) + 1
                    self.stats.host_peak[host] = max(self.stats.host_peak.get(host, 0), active)
                    phase = "connect"
                    start = time.perf_counter()
                    async with client.stream("GET", url, params=params or None, headers=headers,
                                             timeout=httpx.Timeout(spec.timeout)) as resp:
                        phase = "body"
                        not_after = self._cert_not_after(resp) if spec.check == "cert_days" else None
                        length = resp.headers.get("content-length")
                        if length and length.isdigit() and int(length) > spec.max_bytes:
                            raise _TooLarge(int(length))
                        chunks: list[bytes] = []
                        size = 0
                        async for chunk in resp.aiter_bytes():
                            size += len(chunk)
                            if size > spec.max_bytes:
                                raise _TooLarge(size)
                            chunks.append(chunk)
                        elapsed = time.perf_counter() - start
                        return Fetched(resp.status_code, resp.reason_phrase, resp.headers.get("content-type", ""),
                                       b"".join(chunks), elapsed, not_after)
        except _TooLarge:
            raise PollError(f"response larger than the {_mib(spec.max_bytes)} cap (max_bytes); stopped reading") from None
        except PollError:
            raise
        except (httpx.HTTPError, OSError, TimeoutError, ssl.SSLError, ValueError) as exc:
            raise PollError(explain(exc, spec, shown_host, phase)) from None
        finally:
            if phase != "queue":
                self._active[host] -= 1

    def _host_of(self, spec: TileSpec, url: str) -> tuple[str, str]:
        """``(host:port to cap, host to show)``; what is shown never comes from a secret."""
        cached = self._host_cache.get(spec.name)
        if cached is not None and cached[0] == url:
            return cached[1], cached[2]
        host = urlsplit(url).netloc.rsplit("@", 1)[-1] or url
        written = urlsplit(spec.url).netloc if "://" in spec.url else ""
        shown = written.rsplit("@", 1)[-1] if written and "${" not in written else host
        self._host_cache[spec.name] = (url, host, shown)
        return host, shown

    @staticmethod
    def _cert_not_after(resp: httpx.Response) -> float | None:
        stream = resp.extensions.get("network_stream")
        if stream is None:
            return None
        try:
            obj = stream.get_extra_info("ssl_object")
            cert = obj.getpeercert() if obj is not None else None
            if cert and cert.get("notAfter"):
                return float(ssl.cert_time_to_seconds(cert["notAfter"]))
        except (ValueError, AttributeError, OSError):
            return None
        return None

    async def poll(self, name: str) -> Sample:
        """Poll one tile now; never raises (a failure is a Sample with an error)."""
        rt = self.runtimes[name]
        spec = rt.spec
        if rt.in_flight:
            self.stats.overlaps += 1
        rt.in_flight = True
        t = self.wall()
        try:
            try:
                fetched = await self.fetch(spec)
                sample = sources.extract(spec, fetched, rt.memory, t)
                sample.elapsed = fetched.elapsed
            except PollError as exc:
                sample = Sample(t, error=str(exc))
            except Exception as exc:  # an extractor bug must not take the poller down
                sample = Sample(t, error=f"{type(exc).__name__} while reading the response: {str(exc)[:120]}")
            # what a server sent back (an error page, a text value, a reason) may echo a secret
            if sample.error:
                sample.error = self._scrub(spec, sample.error)
            if sample.text:
                sample.text = self._scrub(spec, sample.text)
            if sample.nodata:
                sample.nodata = self._scrub(spec, sample.nodata)
            if sample.display:
                sample.display = self._scrub(spec, sample.display)
            rt.polls += 1
            self.stats.polls += 1
            if sample.error:
                rt.errors += 1
                self.stats.errors += 1
            else:
                rt.errors = 0
            return sample
        finally:
            rt.in_flight = False

    def next_delay(self, name: str) -> float:
        """The tile's interval, or a growing backoff after repeated errors: at most
        ``BACKOFF_INTERVALS`` intervals (and ``max_backoff``), so a recovered endpoint is seen soon."""
        rt = self.runtimes[name]
        interval = rt.spec.interval
        if rt.errors < 2:
            return interval
        cap = max(interval, min(self.max_backoff, interval * BACKOFF_INTERVALS))
        return min(interval * 2 ** min(rt.errors - 1, 32), cap)

    # -- the schedule ------------------------------------------------------------------------
    async def _tile_loop(self, name: str, offset: float) -> None:
        assert self._stop is not None
        loop = asyncio.get_running_loop()
        due = loop.time() + offset
        while not self._stop.is_set():
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)  # run() cancels this task on stop
            started = loop.time()
            self.stats.drift.append(max(0.0, started - due))
            sample = await self.poll(name)
            delay = self.next_delay(name)
            if delay > self.runtimes[name].spec.interval:
                sample.extra["retry_in"] = delay  # backing off: the tile says when it tries again
            if self.on_sample is not None:
                self.on_sample(name, sample)
            due += delay
            now = loop.time()
            if due < now:  # missed slots are skipped, not bunched up
                step = self.runtimes[name].spec.interval
                due += ((now - due) // step + 1) * step

    async def run(self) -> None:
        """Poll every tile until :meth:`stop` is called (from any thread)."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if self._stop_requested.is_set():
            return
        n = max(1, len(self.specs))
        tasks = [asyncio.create_task(self._tile_loop(s.name, min(s.interval, 2.0) * i / n), name=f"tile:{s.name}")
                 for i, s in enumerate(self.specs)]
        try:
            await self._stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.aclose()

    def stop(self) -> None:
        self._stop_requested.set()
        loop, ev = self._loop, self._stop
        if loop is not None and ev is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(ev.set)
            except RuntimeError:
                pass

    def run_in_this_thread(self) -> None:
        """Run the poller on a fresh event loop in the calling thread (a worker thread)."""
        asyncio.run(self.run())
