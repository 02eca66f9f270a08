"""Tile spec validation: every problem as path:line:col, did-you-mean, env refs, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics_support import REPO, tiles, write_layout
from warroom.errors import InputError
from warroom.metrics.spec import EnvError, parse_selector, parse_tiles, resolve_env
from warroom.workspace import load_workspace
from warroom.yamlio import load_text


def problems_of(text: str) -> list[str]:
    data, problems = load_text(text, "l.yaml")
    assert not problems
    _, problems = parse_tiles(data["tiles"], "l.yaml")
    return [str(p) for p in problems]


def test_a_full_tile_parses_with_defaults() -> None:
    [spec] = tiles("""
tiles:
  - name: p95
    source: prometheus
    url: http://127.0.0.1:1/metrics
    select: 'http_request_duration_seconds{route="/pay", code!="500"}'
    quantile: 0.95
    unit: ms
    threshold: {warn: "< 400ms", crit: "< 500ms"}
    for: 5m
    interval: 10s
    headers: {Authorization: "Bearer ${TOKEN}"}
    tls: {verify: true, ca: ca.pem}
""")
    assert spec.label == "p95" and spec.interval == 10 and spec.for_ == 300
    assert spec.timeout == 5 and spec.stale_after == 20  # min(5, 0.8 interval); two intervals
    assert spec.source_unit == "s"  # *_seconds metrics are in seconds, shown in ms
    assert spec.to_value(0.612) == pytest.approx(612.0)
    assert spec.crit.holds(499) and not spec.warn.holds(450)
    assert spec.select.metric == "http_request_duration_seconds"
    assert spec.select.matches({"route": "/pay", "code": "200"}) and not spec.select.matches({"route": "/pay", "code": "500"})
    assert spec.headers == {"Authorization": "Bearer ${TOKEN}"}  # unresolved: never resolved at load


def test_unknown_keys_get_positions_and_did_you_mean() -> None:
    out = problems_of("""tiles:
  - name: a
    source: json
    url: http://x/h
    path: a
    treshold: "< 1"
    tls: {verfy: false}
""")
    assert "l.yaml:6:5: unknown key 'treshold' in tile (did you mean 'threshold'?)" in out
    assert "l.yaml:7:11: unknown key 'verfy' in tls (did you mean 'verify'?)" in out


@pytest.mark.parametrize("tile, expected", [
    ("{name: a, source: jsn, url: 'http://x'}", "l.yaml:2:23: unknown source 'jsn'; expected one of json, prometheus, promql, http (did you mean 'json'?)"),
    ("{name: a, source: json, url: 'http://x'}", "l.yaml:2:5: missing required key 'path' in json tile"),
    ("{name: a, source: json, url: 'ftp://x', path: a}", "expected an http:// or https:// URL"),
    ("{name: a, source: json, url: 'http://x', path: 'a[', interval: 5s}", "bad JMESPath expression 'a['"),
    ("{name: a, source: json, url: 'http://x', path: a, interval: 2s, timeout: 2s}", "'timeout' must be shorter than the interval (2s)"),
    ("{name: a, source: json, url: 'http://x', path: a, interval: soon}", "unparsable duration for 'interval'"),
    ("{name: a, source: json, url: 'http://x', path: a, unit: ms, threshold: '< 1%'}", "bad threshold for 'threshold'"),
    ("{name: a, source: json, url: 'http://x/${TOK', path: a}", "unclosed environment reference in 'url'"),
    ("{name: a, source: json, url: 'http://x/${1X}', path: a}", "bad environment reference '${1X}'"),
    ("{name: a, source: prometheus, url: 'http://x', select: 'm{a=b}'}", "cannot read the label matchers"),
    ("{name: a, source: prometheus, url: 'http://x', select: m, quantile: 1.5}", "'quantile' must be between 0 and 1"),
    ("{name: a, source: json, url: 'http://x', path: a, query: up}", "'query' does not apply to a json tile"),
    ("{name: a, source: http, url: 'http://x', check: statsu}", "unknown check 'statsu'"),
    ("{name: a, source: http, url: 'http://x', check: contains}", "missing required key 'pattern'"),
    ("{name: a, source: json, url: 'http://x', path: a, history: 1}", "'history' must be between 2 and 10000"),
])
def test_each_bad_field_is_reported(tile: str, expected: str) -> None:
    out = problems_of(f"tiles:\n  - {tile}\n")
    assert any(expected in p for p in out), out
    assert all(p.startswith("l.yaml:") for p in out)


def test_duplicate_names_and_non_mappings() -> None:
    out = problems_of("tiles:\n  - {name: a, url: 'http://x', path: a}\n  - {name: a, url: 'http://x', path: b}\n  - just text\n")
    assert "l.yaml:3:12: duplicate tile name 'a' (first at line 2)" in out
    assert any(p.startswith("l.yaml:4:5: expected a tile mapping") for p in out)


def test_env_refs_resolve_at_run_time_only() -> None:
    assert resolve_env("Bearer ${TOKEN}", {"TOKEN": "s3cret"}) == "Bearer s3cret"
    assert resolve_env("${BASE:-http://127.0.0.1:8787}/h", {}) == "http://127.0.0.1:8787/h"
    with pytest.raises(EnvError, match="environment variable TOKEN is not set"):
        resolve_env("Bearer ${TOKEN}", {})


def test_selector_matchers() -> None:
    sel = parse_selector('http_requests_total{code=~"5..", route!~"/health|/metrics"}')
    assert sel.matches({"code": "503", "route": "/pay"})
    assert not sel.matches({"code": "200", "route": "/pay"})
    assert not sel.matches({"code": "500", "route": "/health"})
    with pytest.raises(ValueError, match="bad regular expression"):
        parse_selector('m{a=~"("}')


def test_layout_problems_reach_load_workspace(tmp_path: Path) -> None:
    path = write_layout(tmp_path, "tiles:\n  - {name: a, source: json, url: 'http://x', path: a, colour: red}\n")
    with pytest.raises(InputError) as exc:
        load_workspace(path)
    assert any("unknown key 'colour' in tile" in str(p) and str(p).startswith(str(path) + ":") for p in exc.value.problems)


def test_the_demo_layout_is_valid_and_bound() -> None:
    ws = load_workspace(REPO / "layouts" / "demo.yaml")
    names = {t.name for t in ws.layout.tiles}
    assert {"availability", "error-rate", "p95", "error-rate-5m", "cpu", "health"} <= names
    bound = [c for c in ws.layout.criteria if c.tile]
    assert bound and all(c.tile in names for c in bound)
    assert any(c.kind == "rollback" and c.for_ is not None for c in bound)


def test_rollback_thresholds_are_checked_against_their_tile(tmp_path: Path) -> None:
    tiles_yaml = "tiles:\n  - {name: err, source: json, url: 'http://x/h', path: e, unit: '%', threshold: '< 1%'}\n"
    ok = ("criteria:\n  - {id: a, name: A, tile: err, threshold: '< 1%'}\n"
          "rollback:\n  - {id: b, name: B, tile: err, threshold: '> 2%', for: 5m}\n")
    ws = load_workspace(write_layout(tmp_path, tiles_yaml, ok))
    assert [c.kind for c in ws.layout.criteria] == ["go", "rollback"]
    bad = "rollback:\n  - {id: b, name: B, tile: err, threshold: '> 2ms'}\n"
    with pytest.raises(InputError) as exc:
        load_workspace(write_layout(tmp_path, tiles_yaml, bad))
    [problem] = exc.value.problems
    assert str(problem).endswith("layout.yaml:10:44: bad threshold for tile 'err': the unit 'ms' in '> 2ms' does not match the tile's unit '%'")
