"""Several series, summaries and aggregates, read as a Grafana user reads them.

Every test polls a real HTTP server on 127.0.0.1 serving real exposition text (node-exporter's
format, or prometheus_client's own output) or a Prometheus API answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from metrics_support import tile, tiles
from fault_server import DemoServer
from warroom.metrics.evaluate import TileEvaluator
from warroom.metrics.poller import Poller
from warroom.metrics.sample import Sample
from warroom.metrics.spec import parse_tiles
from warroom.yamlio import load_text

NODE = (Path(__file__).parent / "data" / "node_exporter.txt").read_text(encoding="utf-8")
T0 = 1_000_000.0


async def poll(spec, server: DemoServer, bodies: list, step: float = 10.0) -> list[Sample]:
    clock = [T0]
    out = []
    async with Poller([spec], wall=lambda: clock[0]) as poller:
        for body in bodies:
            server.set(spec.url.removeprefix(server.url).removesuffix("/api/v1/query") + (
                "/api/v1/query" if spec.source == "promql" else ""), body,
                content_type="application/json" if spec.source == "promql" else "text/plain; version=0.0.4")
            out.append(await poller.poll(spec.name))
            clock[0] += step
    return out


# -- summaries ----------------------------------------------------------------------------------

async def test_a_summary_quantile_is_read_from_its_own_series(server: DemoServer) -> None:
    spec = tile(name="gc", source="prometheus", url=server.url + "/metrics", select="go_gc_duration_seconds",
                quantile=0.75, unit="ms")
    [s] = await poll(spec, server, [NODE])
    assert not s.error and s.value == pytest.approx(0.123456)
    r = TileEvaluator(spec)
    r.observe(s)
    assert r.result(T0).display == "123.5 µs"


async def test_a_missing_summary_quantile_names_the_ones_there_are(server: DemoServer) -> None:
    spec = tile(name="gc", source="prometheus", url=server.url + "/metrics", select="go_gc_duration_seconds",
                quantile=0.95)
    [s] = await poll(spec, server, [NODE])
    assert s.error == "summary go_gc_duration_seconds has no quantile 0.95 (it has 0, 0.25, 0.5, 0.75, 1)"


async def test_a_summary_per_service_shows_each_service_worst_first(server: DemoServer) -> None:
    spec = tile(name="rpc", source="prometheus", url=server.url + "/metrics", select="rpc_duration_seconds",
                quantile=0.99, unit="ms", threshold="< 0.5ms")
    [s] = await poll(spec, server, [NODE])
    assert s.series == [("service=normal", pytest.approx(0.9876)), ("service=exponential", pytest.approx(0.0041))]
    assert s.value == pytest.approx(0.9876) and s.series_total == 2
    ev = TileEvaluator(spec)
    ev.observe(s)
    r = ev.result(T0)
    assert r.state == "CRIT"
    assert r.series == [("service=normal", "987.6 µs"), ("service=exponential", "4.1 µs")]
    assert r.summary == "rpc (987.6 µs at service=normal, worst of 2) < 0.5ms ✗"


async def test_a_summary_aggregate_max_gives_one_number(server: DemoServer) -> None:
    spec = tile(name="rpc", source="prometheus", url=server.url + "/metrics", select="rpc_duration_seconds",
                quantile=0.5, unit="ms", aggregate="max")
    [s] = await poll(spec, server, [NODE])
    assert s.series == [] and s.value == pytest.approx(0.12)


# -- selectors: sum by default, max, none ------------------------------------------------------

async def test_a_selector_sums_its_series_by_default_and_max_when_asked(server: DemoServer) -> None:
    total = tile(name="fs", source="prometheus", url=server.url + "/m", select="node_filesystem_avail_bytes", unit="B")
    biggest = tile(name="fs", source="prometheus", url=server.url + "/m", select="node_filesystem_avail_bytes",
                   unit="B", aggregate="max")
    [s] = await poll(total, server, [NODE])
    assert s.value == 4.1234165760e+10 + 1.073741824e+09 + 8.31037440e+08 and not s.series
    [m] = await poll(biggest, server, [NODE])
    assert m.value == 4.1234165760e+10
    ev = TileEvaluator(biggest)
    ev.observe(m)
    assert ev.result(T0).display == "38.4 GiB"


async def test_aggregate_none_shows_every_series_with_its_labels(server: DemoServer) -> None:
    spec = tile(name="fs", source="prometheus", url=server.url + "/m", select='node_filesystem_avail_bytes{fstype="ext4"}',
                unit="B", aggregate="none", threshold="> 2GiB")
    [s] = await poll(spec, server, [NODE])
    # "> 2GiB" wants it high: the lowest is the worst, and first
    assert [label for label, _ in s.series] == ["device=/dev/sda2 fstype=ext4 mountpoint=/var",
                                               "device=/dev/sda1 fstype=ext4 mountpoint=/"]
    ev = TileEvaluator(spec)
    ev.observe(s)
    r = ev.result(T0)
    assert r.state == "CRIT" and r.display == "1 GiB"
    assert [shown for _, shown in r.series] == ["1 GiB", "38.4 GiB"]


async def test_aggregate_none_rates_each_counter_series(server: DemoServer) -> None:
    spec = tile(name="rx", source="prometheus", url=server.url + "/m", select="node_network_receive_bytes_total",
                unit="B", aggregate="none")
    later = NODE.replace("1.23456789e+09", "1.23456789e+09" if False else "1244567890").replace("5.4321e+06", "5442100")
    first, second = await poll(spec, server, [NODE, later], step=10.0)
    assert first.nodata == "a rate needs a second sample"
    assert second.series == [("device=eth0", pytest.approx(1_000_000.0)), ("device=lo", pytest.approx(1000.0))]


async def test_prometheus_client_output_with_labelled_gauges(server: DemoServer) -> None:
    reg = CollectorRegistry()
    g = Gauge("queue_depth", "Jobs waiting", ["shard"], registry=reg)
    for shard, depth in (("a", 4), ("b", 12345), ("c", 7)):
        g.labels(shard).set(depth)
    c = Counter("jobs", "Jobs done", registry=reg)
    c.inc(3)
    text = generate_latest(reg).decode()
    spec = tile(name="q", source="prometheus", url=server.url + "/m", select="queue_depth", aggregate="none")
    [s] = await poll(spec, server, [text])
    assert s.series[0] == ("shard=b", 12345.0) and s.series_total == 3
    ev = TileEvaluator(spec)
    ev.observe(s)
    assert ev.result(T0).series[0] == ("shard=b", "12.35k")


# -- promql: several series -------------------------------------------------------------------

def vector(*pairs: tuple[dict, str]) -> dict:
    return {"status": "success", "data": {"resultType": "vector",
                                          "result": [{"metric": m, "value": [T0, v]} for m, v in pairs]}}


async def test_promql_several_series_are_shown_top_first_with_labels(server: DemoServer) -> None:
    spec = tile(name="lat", source="promql", url=server.url + "/prom", query="histogram_quantile(0.95, ...) by (route)",
                source_unit="s", unit="ms", threshold="< 300ms")
    body = vector(({"route": "/pay"}, "0.4123"), ({"route": "/refund"}, "0.1"), ({"route": "/health"}, "0.002"))
    [s] = await poll(spec, server, [body])
    assert s.value == pytest.approx(412.3)
    assert [label for label, _ in s.series] == ["route=/pay", "route=/refund", "route=/health"]
    ev = TileEvaluator(spec)
    ev.observe(s)
    r = ev.result(T0)
    assert r.state == "CRIT" and r.series[0] == ("route=/pay", "412.3 ms") and r.series[2] == ("route=/health", "2 ms")


async def test_promql_aggregate_sum_adds_the_series(server: DemoServer) -> None:
    spec = tile(name="rps", source="promql", url=server.url + "/prom", query="rate(x[1m])", aggregate="sum", unit="req/s")
    [s] = await poll(spec, server, [vector(({"code": "200"}, "12000"), ({"code": "500"}, "345.5"))])
    assert s.value == 12345.5 and not s.series


async def test_hostile_labels_are_flattened_and_capped(server: DemoServer) -> None:
    spec = tile(name="x", source="promql", url=server.url + "/prom", query="x")
    [s] = await poll(spec, server, [vector(({"a": "\x1b[31mred\nline"}, "1"), ({"b": "y" * 200}, "2"))])
    assert s.series[0][0] == "b=" + "y" * 77 + "…"
    assert s.series[1][0] == "a= [31mred line"


# -- errors keep their reason first and the last value with its own age ----------------------------

async def test_an_error_tile_keeps_the_last_value_with_its_own_age(server: DemoServer) -> None:
    spec = tile(name="l", source="prometheus", url=server.url + "/m", select="node_load1", interval="10s")
    good, bad = await poll(spec, server, [NODE, "garbage{"], step=25.0)
    ev = TileEvaluator(spec)
    ev.observe(good)
    ev.observe(bad)
    r = ev.result(bad.t + 1)
    assert r.state == "ERROR" and r.error.startswith("malformed exposition text")
    assert r.display == "0.095" and r.value_age == 26.0 and r.age == 1.0


# -- the layout checks aggregate ---------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ("{name: a, source: prometheus, url: 'http://x', select: m, aggregate: avg}",
     "l.yaml:2:74: unknown aggregate 'avg'; expected one of sum, max, min, none"),
    ("{name: a, source: json, url: 'http://x', path: v, aggregate: sum}",
     "l.yaml:2:55: 'aggregate' does not apply to a json tile (it is for prometheus and promql tiles)"),
    ("{name: a, source: prometheus, url: 'http://x', select: m, ratio_to: n, aggregate: none}",
     "l.yaml:2:87: 'aggregate: none' cannot go with 'ratio_to'"),
])
def test_aggregate_is_checked_with_a_position(body: str, message: str) -> None:
    data, problems = load_text(f"tiles:\n  - {body}\n", "l.yaml")
    _, problems = parse_tiles(data["tiles"], "l.yaml")
    assert any(message in str(p) for p in problems), [str(p) for p in problems]


def test_aggregate_defaults() -> None:
    [p, q] = tiles("tiles:\n  - {name: a, source: prometheus, url: 'http://x', select: m}\n"
                   "  - {name: b, source: promql, url: 'http://x', query: up, aggregate: max}\n")
    assert (p.aggregate, q.aggregate) == ("", "max")
