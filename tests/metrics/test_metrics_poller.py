"""The poller's schedule: no overlapping polls, backoff, a per-host cap, stopping from a thread."""

from __future__ import annotations

import asyncio
import threading

from metrics_support import tile
from fault_server import DemoServer, serve_in_thread
from warroom.metrics.poller import Poller


async def run_for(poller: Poller, seconds: float) -> None:
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(seconds)
    poller.stop()
    await asyncio.wait_for(task, 5)


async def test_a_tile_never_has_two_polls_in_flight(server: DemoServer) -> None:
    # each response takes 0.15 s and the tile polls every 0.2 s: the next poll waits for the last
    spec = tile(name="slow", url=server.url + "/fault/slow", path="value", interval="0.2s", timeout="0.19s")
    fast = [tile(name=f"f{i}", url=server.url + f"/health?{i}", path="availability", interval="0.1s") for i in range(3)]
    got: dict[str, int] = {}
    poller = Poller([spec, *fast], lambda n, s: got.__setitem__(n, got.get(n, 0) + 1))
    await run_for(poller, 1.2)
    assert server.max_in_flight["/fault/slow"] == 1
    assert poller.stats.overlaps == 0
    assert got["slow"] >= 2 and all(got[f"f{i}"] >= 3 for i in range(3))


async def test_backoff_after_repeated_errors_keeps_the_error(server: DemoServer) -> None:
    spec = tile(name="down", url=server.url + "/fault/500", path="value", interval="0.1s")
    samples = []
    poller = Poller([spec], lambda n, s: samples.append(s), max_backoff=10)
    await run_for(poller, 1.0)
    # without backoff ~10 polls; with 0.1, 0.1, 0.2, 0.3, 0.3 s gaps at most 6 fit in a second
    assert 2 <= len(samples) <= 6
    assert all(s.error == "HTTP 500 Internal Server Error" for s in samples)
    assert poller.next_delay("down") > spec.interval


def test_backoff_grows_and_is_capped_at_a_few_intervals() -> None:
    """After a 30 s outage a 5 s tile retries every 15 s at most, not every 40 s."""
    spec = tile(name="t", url="http://127.0.0.1:9/h", path="v", interval="5s")
    poller = Poller([spec], max_backoff=60)
    delays = []
    for errors in range(0, 8):
        poller.runtimes["t"].errors = errors
        delays.append(poller.next_delay("t"))
    assert delays == [5, 5, 10, 15, 15, 15, 15, 15]
    poller.runtimes["t"].errors = 10_000  # no overflow, still the cap
    assert poller.next_delay("t") == 15


def test_max_backoff_caps_below_the_interval_cap() -> None:
    spec = tile(name="t", url="http://127.0.0.1:9/h", path="v", interval="60s", timeout="5s")
    poller = Poller([spec], max_backoff=90)
    poller.runtimes["t"].errors = 6
    assert poller.next_delay("t") == 90
    poller.runtimes["t"].errors = 1
    assert poller.next_delay("t") == 60


async def test_a_slow_host_cannot_starve_the_others(server: DemoServer) -> None:
    other = serve_in_thread()
    try:
        hanging = [tile(name=f"h{i}", url=server.url + f"/fault/hang?{i}", path="v", interval="1s", timeout="0.8s")
                   for i in range(6)]
        good = tile(name="good", url=other.url + "/health", path="availability", interval="0.2s")
        got: dict[str, list] = {}
        poller = Poller([*hanging, good], lambda n, s: got.setdefault(n, []).append(s), per_host=2)
        await run_for(poller, 1.5)
        assert len(got["good"]) >= 3 and all(s.ok for s in got["good"])
        assert poller.stats.host_peak[f"127.0.0.1:{server.port}"] == 2  # the cap held on the slow host
        errors = [s.error for n in got if n != "good" for s in got[n]]
        assert errors and all(e.startswith("timed out after 0.8s") for e in errors)
    finally:
        other.stop()


def test_stop_from_another_thread(server: DemoServer) -> None:
    spec = tile(name="t", url=server.url + "/health", path="availability", interval="0.2s")
    seen = threading.Event()
    poller = Poller([spec], lambda n, s: seen.set())
    th = threading.Thread(target=poller.run_in_this_thread)
    th.start()
    assert seen.wait(5)
    poller.stop()
    th.join(5)
    assert not th.is_alive()


async def test_for_semantics_on_a_live_server(server: DemoServer) -> None:
    """A breach served for real: PENDING first, CRIT only once it held for ``for:``."""
    from warroom.metrics.evaluate import TileEvaluator

    server.set("/v", {"v": 100})
    spec = tile(name="v", url=server.url + "/v", path="v", unit="ms", threshold="< 500ms", interval="0.1s", **{"for": "0.5s"})
    ev = TileEvaluator(spec)
    seen: list[tuple[float, str, float | None]] = []

    def on_sample(name, sample) -> None:
        ev.observe(sample)
        r = ev.result(sample.t)
        seen.append((sample.t, r.state, sample.value))

    poller = Poller([spec], on_sample)
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(0.35)
    server.set("/v", {"v": 900})
    for _ in range(60):
        await asyncio.sleep(0.05)
        if seen and seen[-1][1] == "CRIT":
            break
    poller.stop()
    await asyncio.wait_for(task, 5)
    states = [s for _, s, _ in seen]
    assert states[0] == "OK" and states[-1] == "CRIT"
    first_breach = next(t for t, _, v in seen if v == 900)
    for t, state, value in seen:
        if value == 900:
            assert state == ("CRIT" if t - first_breach >= 0.5 else "PENDING")
    assert "PENDING" in states


async def test_backing_off_samples_say_when_they_retry(server: DemoServer) -> None:
    from warroom.metrics.evaluate import TileEvaluator

    spec = tile(name="down", url=server.url + "/fault/500", path="value", interval="0.1s")
    samples = []
    poller = Poller([spec], lambda n, s: samples.append(s))
    await run_for(poller, 0.5)
    assert samples[0].extra.get("retry_in") is None  # one error: no backoff yet
    assert samples[1].extra["retry_in"] == 0.2
    ev = TileEvaluator(spec)
    ev.observe(samples[1])
    assert ev.result(samples[1].t).retry_in == 0.2
