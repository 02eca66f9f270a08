"""Each source against a real HTTP server on 127.0.0.1 (the demo service, with set responses)."""

from __future__ import annotations

import math

import pytest

from metrics_support import tile
from fault_server import DemoServer
from warroom.metrics.evaluate import TileEvaluator
from warroom.metrics.poller import Poller
from warroom.metrics.sample import Sample
from warroom.metrics.sources.prometheus import histogram_quantile


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def poll_seq(spec, server: DemoServer, bodies: list, clock: Clock | None = None, step: float = 10.0,
                   path: str = "/x", content_type: str = "text/plain") -> list[Sample]:
    """Serve each body in turn at ``path`` and poll once per body, ``step`` seconds apart."""
    clock = clock or Clock()
    out = []
    async with Poller([spec], wall=clock) as poller:
        for body in bodies:
            server.set(path, body, content_type=content_type)
            out.append(await poller.poll(spec.name))
            clock.t += step
    return out


# -- json ----------------------------------------------------------------------------------------

async def test_json_path_into_the_body(server: DemoServer) -> None:
    spec = tile(name="db", source="json", url=server.url + "/x", path="checks.db.latency_ms", unit="ms")
    [s] = await poll_seq(spec, server, [{"checks": {"db": {"latency_ms": 12.5}}}])
    assert s.value == 12.5 and not s.error


@pytest.mark.parametrize("body, path, value, text, nodata, error", [
    ({"a": "612"}, "a", 612.0, None, "", ""),
    ({"a": True}, "a", 1.0, None, "", ""),
    ({"status": "ok"}, "status", None, "ok", "", ""),
    ({"items": [{"v": 3}, {"v": 4}]}, "sum(items[].v)", 7.0, None, "", ""),
    ({"a": 1}, "b.c", None, None, "path 'b.c' not found in the response", ""),
    ({"a": [1, 2]}, "a", None, None, "", "path 'a' gives a list, not a number or text"),
])
async def test_json_values(server: DemoServer, body, path, value, text, nodata, error) -> None:
    spec = tile(name="j", source="json", url=server.url + "/x", path=path)
    [s] = await poll_seq(spec, server, [body])
    assert (s.value, s.text, s.nodata, s.error) == (value, text, nodata, error)


async def test_json_from_the_live_demo_health(demo: DemoServer) -> None:
    spec = tile(name="avail", source="json", url=demo.url + "/health", path="availability", unit="%", threshold=">= 90%")
    async with Poller([spec]) as poller:
        s = await poller.poll("avail")
    assert s.ok and 90 <= s.value <= 100


# -- prometheus ----------------------------------------------------------------------------------

EXPO = """# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{{route="/pay",code="200"}} {ok}
http_requests_total{{route="/pay",code="500"}} {err}
http_requests_total{{route="/health",code="200"}} 5
# TYPE queue_depth gauge
queue_depth{{shard="a"}} 4
queue_depth{{shard="b"}} 6
# TYPE lat_seconds histogram
lat_seconds_bucket{{le="0.1"}} {b1}
lat_seconds_bucket{{le="0.5"}} {b2}
lat_seconds_bucket{{le="1"}} {b3}
lat_seconds_bucket{{le="+Inf"}} {b3}
lat_seconds_count {b3}
lat_seconds_sum 1
"""


def expo(ok=100, err=0, b1=50, b2=90, b3=100) -> str:
    return EXPO.format(ok=ok, err=err, b1=b1, b2=b2, b3=b3)


async def test_prometheus_gauge_sums_matching_series(server: DemoServer) -> None:
    spec = tile(name="q", source="prometheus", url=server.url + "/x", select="queue_depth")
    one = tile(name="q", source="prometheus", url=server.url + "/x", select='queue_depth{shard="b"}')
    assert (await poll_seq(spec, server, [expo()]))[0].value == 10
    assert (await poll_seq(one, server, [expo()]))[0].value == 6


async def test_prometheus_counter_becomes_a_rate(server: DemoServer) -> None:
    spec = tile(name="rps", source="prometheus", url=server.url + "/x", select='http_requests_total{route="/pay"}')
    first, second = await poll_seq(spec, server, [expo(ok=100, err=10), expo(ok=150, err=20)], step=10)
    assert first.value is None and "second sample" in first.nodata
    assert second.value == pytest.approx(6.0)  # (50 + 10) / 10 s


async def test_prometheus_counter_reset_counts_from_zero(server: DemoServer) -> None:
    spec = tile(name="rps", source="prometheus", url=server.url + "/x", select='http_requests_total{route="/pay"}')
    samples = await poll_seq(spec, server, [expo(ok=1000, err=10), expo(ok=30, err=10), expo(ok=80, err=10)], step=10)
    # the /pay 200 series restarted: its increase is its new value (30), not -970
    assert samples[1].value == pytest.approx(3.0)
    assert samples[2].value == pytest.approx(5.0)


async def test_prometheus_ratio_of_rates_as_percent(server: DemoServer) -> None:
    spec = tile(name="err", source="prometheus", url=server.url + "/x", select='http_requests_total{code=~"5.."}',
                ratio_to="http_requests_total", scale=100, unit="%", threshold="< 1%")
    _, s = await poll_seq(spec, server, [expo(ok=100, err=0), expo(ok=196, err=4)])
    assert s.value == pytest.approx(4.0)  # 4 errors of 100 requests
    ev = TileEvaluator(spec)
    ev.observe(s)
    r = ev.result(s.t)
    assert r.state == "CRIT" and r.summary == "err (4 %) < 1% ✗"


async def test_prometheus_histogram_quantile_from_buckets(server: DemoServer) -> None:
    spec = tile(name="p95", source="prometheus", url=server.url + "/x", select="lat_seconds", quantile=0.95,
                unit="ms", threshold="< 500ms")
    first, second = await poll_seq(spec, server, [expo(b1=50, b2=90, b3=100), expo(b1=60, b2=70, b3=120)])
    assert first.value == pytest.approx(750.0)  # 0.5 + 0.5 * (95-90)/(100-90) s, in ms
    # since the last poll: +10 under 0.1s, -20 (a reset of that bucket series: +70), +20 in total
    assert second.value is not None and not second.error


def test_histogram_quantile_matches_prometheus() -> None:
    b = [(0.1, 50.0), (0.5, 90.0), (1.0, 100.0), (math.inf, 100.0)]
    assert histogram_quantile(0.5, b) == pytest.approx(0.1)
    assert histogram_quantile(0.95, b) == pytest.approx(0.75)
    assert histogram_quantile(0.99, [(0.1, 0.0), (math.inf, 10.0)]) == 0.1  # in the +Inf bucket: the last finite bound
    assert math.isnan(histogram_quantile(0.5, [(0.1, 0.0), (math.inf, 0.0)]))
    with pytest.raises(ValueError, match="no \\+Inf bucket"):
        histogram_quantile(0.5, [(0.1, 1.0)])


async def test_prometheus_absent_metric_is_no_data(server: DemoServer) -> None:
    spec = tile(name="m", source="prometheus", url=server.url + "/x", select="nope_total")
    [s] = await poll_seq(spec, server, [expo()])
    assert s.nodata.startswith("metric nope_total not found in the exposition (it has: ") and not s.error
    assert "queue_depth" in s.nodata  # the names it does expose: what to pick instead


async def test_prometheus_against_the_live_demo(demo: DemoServer) -> None:
    spec = tile(name="p95", source="prometheus", url=demo.url + "/metrics", select="http_request_duration_seconds",
                quantile=0.95, unit="ms")
    cpu = tile(name="cpu", source="prometheus", url=demo.url + "/metrics", select="cpu_utilization_percent", unit="%")
    async with Poller([spec, cpu]) as poller:
        s, c = await poller.poll("p95"), await poller.poll("cpu")
    assert s.ok and 10 < s.value < 2500
    assert c.ok and 0 < c.value < 100


# -- promql --------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, value, text, nodata, error", [
    ("42", 42.0, None, "", ""),
    ('"launch"', None, "launch", "", ""),
    ("up", 1.0, None, "", ""),
    ("absent_metric", None, None, "query returned no series", ""),
    ("NaN", None, None, "", "query result is NaN (not a number)"),
    ("Inf", None, None, "", "query result is +Inf"),
    ("rate(", None, None, "", "query failed: bad_data: the demo service does not answer 'rate('"),
])
async def test_promql_result_types(demo: DemoServer, query, value, text, nodata, error) -> None:
    spec = tile(name="q", source="promql", url=demo.url, query=query)
    async with Poller([spec]) as poller:
        s = await poller.poll("q")
    assert (s.value, s.text, s.nodata, s.error) == (value, text, nodata, error)


async def test_promql_demo_queries(demo: DemoServer) -> None:
    err = tile(name="e", source="promql", url=demo.url,
               query='sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', scale=100, unit="%")
    p95 = tile(name="p", source="promql", url=demo.url + "/api/v1/query",
               query="histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
               source_unit="s", unit="ms")
    async with Poller([err, p95]) as poller:
        e, p = await poller.poll("e"), await poller.poll("p")
    assert e.ok and 0 <= e.value < 10
    assert p.ok and 10 < p.value < 2500


async def test_promql_not_a_prometheus_api(server: DemoServer) -> None:
    spec = tile(name="q", source="promql", url=server.url + "/x", query="up")
    server.set("/x/api/v1/query", {"hello": "world"})
    async with Poller([spec]) as poller:
        s = await poller.poll("q")
    assert s.error == "not a Prometheus API response (no 'status')"


# -- http ----------------------------------------------------------------------------------------

async def test_http_status_is_a_value_not_an_error(server: DemoServer) -> None:
    spec = tile(name="s", source="http", url=server.url + "/x", check="status", threshold="== 200")
    ok, bad = await poll_seq(spec, server, ["fine", "oops"], content_type="text/plain")
    assert ok.value == 200
    server.set("/x", "down", status=503)
    async with Poller([spec]) as poller:
        s = await poller.poll("s")
    assert s.value == 503 and not s.error and s.display == "503"


async def test_http_response_time_contains_matches(server: DemoServer) -> None:
    rt = tile(name="rt", source="http", url=server.url + "/x", check="response_time", threshold="< 5s")
    has = tile(name="has", source="http", url=server.url + "/x", check="contains", pattern="READY")
    rx = tile(name="rx", source="http", url=server.url + "/x", check="matches", pattern=r"version \d+\.\d+")
    server.set("/x", "state: READY, version 2.0", content_type="text/plain")
    async with Poller([rt, has, rx]) as poller:
        a, b, c = await poller.poll("rt"), await poller.poll("has"), await poller.poll("rx")
    assert a.ok and 0 < a.value < 5000 and rt.unit == "ms"
    assert (b.value, b.display) == (1.0, "found")
    assert (c.value, c.display) == (1.0, "matches")
    server.set("/x", "state: STARTING", content_type="text/plain")
    async with Poller([has]) as poller:
        d = await poller.poll("has")
    assert (d.value, d.display) == (0.0, "missing")
