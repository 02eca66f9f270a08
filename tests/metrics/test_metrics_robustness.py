"""Whatever a server sends, extraction returns a Sample — never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics_support import tile
from warroom.metrics import sources
from warroom.metrics.sample import Fetched

SPECS = [
    tile(name="j", source="json", url="http://x/h", path="a.b"),
    tile(name="p", source="prometheus", url="http://x/m", select='http_requests_total{code=~"5.."}', ratio_to="http_requests_total"),
    tile(name="h", source="prometheus", url="http://x/m", select="lat_seconds", quantile=0.95),
    tile(name="q", source="promql", url="http://x", query="up"),
    tile(name="c", source="http", url="http://x", check="matches", pattern="ok"),
]

EXPOSITION_BITS = st.sampled_from([
    "# TYPE http_requests_total counter\n", 'http_requests_total{code="500"} 3\n', 'http_requests_total{code="200"} 1e3\n',
    "# TYPE lat_seconds histogram\n", 'lat_seconds_bucket{le="0.1"} 4\n', 'lat_seconds_bucket{le="+Inf"} 9\n',
    'lat_seconds_bucket{le="x"} 1\n', "lat_seconds_count NaN\n", "garbage {{{\n", '{"a": {"b": 1}}', "\xff", "+Inf\n",
    '{"status": "success", "data": {"resultType": "vector", "result": [{"value": [1, "2"]}]}}',
    '{"status": "success", "data": {"resultType": "scalar", "result": "x"}}', '{"status": "error"}', "[]", "null",
])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), st.lists(EXPOSITION_BITS, max_size=8).map(lambda xs: "".join(xs).encode("utf-8", "surrogateescape"))),
       st.sampled_from([200, 200, 404, 500]), st.integers(0, len(SPECS) - 1))
def test_extract_never_raises(body: bytes, status: int, which: int) -> None:
    spec = SPECS[which]
    memory: dict = {}
    for t in (1.0, 2.0):  # twice, so rates and bucket deltas run too
        sample = sources.extract(spec, Fetched(status, "X", "text/plain", body, 0.01), memory, t)
        assert sample.error or sample.nodata or sample.value is not None or sample.text is not None
        if sample.value is not None:
            assert sample.value == sample.value and abs(sample.value) != float("inf")
