"""Tiles drafted by `warroom import` from what the checklists say to watch (issue 17, part 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from flow_support import Service, run, seed_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.importer.build import import_file, import_text
from warroom.importer.tiles_draft import aggregate, draft, draft_text, placeholder_host, tiles_yaml
from warroom.workspace import load_workspace


def imported(tmp_path: Path, prefix: str, *extra: str) -> tuple[Path, str, dict]:
    src = tmp_path / f"s{prefix}.md"
    shutil.copy(seed_path(prefix), src)
    p = run("import", str(src), "--name", "room", *extra, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    layout = tmp_path / "layouts" / "room.yaml"
    return layout, p.stdout, yaml.safe_load(layout.read_text(encoding="utf-8"))


def test_seed_003_drafts_four_promql_tiles_disabled_aggregated_with_thresholds_in_their_unit(tmp_path):
    layout, out, data = imported(tmp_path, "003")
    promql = {t["name"]: t for t in data["tiles"] if t["source"] == "promql"}
    assert list(promql) == ["request-rate", "error-rate", "p95-latency", "cache-hit-rate"]
    assert all(t["enabled"] is False for t in data["tiles"])
    assert all(t["url"] == "${PROMETHEUS_URL}" for t in promql.values())
    assert promql["request-rate"]["query"] == "sum(rate(http_requests_total[5m]))"
    assert promql["error-rate"]["query"] == 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'
    assert promql["p95-latency"]["query"] == "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
    assert promql["cache-hit-rate"]["query"] == ("sum(rate(cache_hits_total[5m])) / (sum(rate(cache_hits_total[5m])) + "
                                                 "sum(rate(cache_misses_total[5m])))")
    # the ratio with a percent target is shown as %, scaled; the histogram of seconds in ms
    er, p95, chr_ = promql["error-rate"], promql["p95-latency"], promql["cache-hit-rate"]
    assert (er["unit"], er["scale"], er["threshold"]) == ("%", 100, "< 0.1%")
    assert (chr_["unit"], chr_["scale"], chr_["threshold"]) == ("%", 100, "> 70%")
    assert (p95["unit"], p95["source_unit"], p95["threshold"]) == ("ms", "s", "< 500ms")
    assert "threshold" not in promql["request-rate"] and promql["request-rate"]["unit"] == "req/s"
    # the written layout validates: the drafted tiles are known, none is polled
    ws = load_workspace(layout)
    assert ws.layout.tiles == [] and [t.name for t in ws.layout.disabled_tiles][2:] == list(promql)
    spec = {t.name: t for t in ws.layout.all_tiles}["error-rate"]
    assert spec.to_value(0.0004) == pytest.approx(0.04) and spec.crit.target == pytest.approx(0.1)
    # criteria are offered for binding, never bound
    assert "offer: criterion 'error-rate' Error Rate (< 0.1%) matches tile 'error-rate'" in out
    assert "offer: criterion 'p95-latency'" in out and "rollback trigger 'rollback-p95-latency'" in out
    assert not any(c.get("tile") for c in data["criteria"] + data["rollback"])
    assert "tiles: 6 drafted, all disabled (nothing was polled)" in out


def test_prometheus_option_gives_the_base_url(tmp_path):
    _, _, data = imported(tmp_path, "003", "--prometheus", "https://prom.internal:9090/")
    assert {t["url"] for t in data["tiles"] if t["source"] == "promql"} == {"https://prom.internal:9090"}


def test_seed_004_drafts_an_http_tile_for_its_health_url(tmp_path):
    layout, _, data = imported(tmp_path, "004")
    (tile,) = data["tiles"]
    assert tile["source"] == "http" and tile["url"] == "https://rtpm-api-candlefish.fly.dev/health"
    assert tile["check"] == "status" and tile["threshold"] == "== 200" and tile["enabled"] is False
    assert "\n# from s004.md:13\n- name: rtpm-api-candlefish-health\n" in layout.read_text(encoding="utf-8")


def test_seed_001_placeholder_host_is_marked_and_never_enabled(tmp_path):
    layout, out, data = imported(tmp_path, "001")
    names = {t["name"]: t for t in data["tiles"]}
    assert set(names) == {"your-app-health", "your-app-metrics"}
    health, metrics = names["your-app-health"], names["your-app-metrics"]
    assert health["url"] == "https://your-app.workers.dev/health" and "(placeholder host)" in health["label"]
    assert metrics["source"] == "prometheus" and metrics["url"] == "https://your-app.workers.dev/metrics"
    text = layout.read_text(encoding="utf-8")
    assert "\n# placeholder host your-app.workers.dev: replace it with the real one before enabling" in text
    assert "2 on a placeholder host" in out
    listed = run("tiles", str(layout), "list", cwd=tmp_path)
    assert "placeholder host your-app.workers.dev" in listed.stdout
    refused = run("tiles", str(layout), "enable", "your-app-health", "--yes", cwd=tmp_path)
    assert refused.returncode == 1 and "placeholder host your-app.workers.dev" in refused.stderr
    assert layout.read_text(encoding="utf-8") == text


def test_seed_002_metric_criteria_draft_nothing_without_a_source():
    result = import_file(seed_path("002"))
    assert draft([result]).tiles == []  # CFUR, P95, ... are criteria; the document names no query or URL


def test_nothing_is_polled_during_import_and_the_drafted_tiles_are_probed_by_name(tmp_path):
    svc = Service()
    try:
        md = tmp_path / "launch.md"
        md.write_text(
            "# Launch\n\n## Watch\n"
            "- Error rate (target: < 1%)\n\n"
            f"- [ ] Check {svc.url}/health answers\n\n"
            "```bash\n"
            f"curl -fsS {svc.url}/status\n"
            "```\n\n"
            "```promql\n# Error rate\nrate(errors_total[5m]) / rate(requests_total[5m])\n```\n",
            encoding="utf-8")
        p = run("import", str(md), "--name", "room", "--prometheus", svc.url, cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert svc.hits == []  # nothing polled: not during the import, not by its validation
        layout = tmp_path / "layouts" / "room.yaml"
        ws = load_workspace(layout)
        assert [t.name for t in ws.layout.disabled_tiles] == ["health", "status", "error-rate"]
        assert run("status", str(layout), cwd=tmp_path).returncode in (0, 3) and svc.hits == []  # disabled: never polled
        probed = run("probe", str(layout), "health", "error-rate", cwd=tmp_path)
        assert "health      OK" in probed.stdout and "error-rate  OK" in probed.stdout, probed.stdout + probed.stderr
        assert "/health" in svc.hits and "/api/v1/query" in svc.hits and "/status" not in svc.hits
    finally:
        svc.stop()


def test_explain_lines_name_each_tile_and_its_source_line():
    result = import_file(seed_path("003"))
    lines = draft([result]).explain_lines()
    src = seed_path("003").name
    assert f"tile error-rate (promql, disabled) <- {src}:402: PromQL query: " in "\n".join(lines)
    assert any(line.startswith(f"tile green-health (http, disabled) <- {src}:277: curl command") for line in lines)
    assert "  threshold from the target 'Error rate: < 0.1%' (line 373)" in lines


def test_reimport_keeps_the_layouts_own_tiles_and_does_not_draft_again(tmp_path):
    layout, _, _ = imported(tmp_path, "004")
    data = yaml.safe_load(layout.read_text(encoding="utf-8"))
    data["tiles"] = [{"name": "mine", "source": "http", "url": "https://x.internal/health"}]
    layout.write_text("# generated by `warroom import`\n" + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    p = run("import", str(tmp_path / "s004.md"), "--name", "room", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert [t["name"] for t in yaml.safe_load(layout.read_text(encoding="utf-8"))["tiles"]] == ["mine"]
    assert "drafted tiles not added" in p.stdout


@pytest.mark.parametrize("query, expected", [
    ("rate(x_total[5m])", "sum(rate(x_total[5m]))"),
    ("sum(rate(x_total[5m]))", "sum(rate(x_total[5m]))"),
    ("sum by (job) (rate(x[1m])) / 2", "sum by (job) (rate(x[1m])) / 2"),
    ("avg(x) > 0.5", "avg(x) > 0.5"),
    ("up", "sum(up)"),
    ('x{a="b-c/d"} - y', 'sum(x{a="b-c/d"}) - sum(y)'),
    ("-rate(x[5m])", "sum(-rate(x[5m]))"),
    ("a / on(job) b", "a / on(job) b"),
    ("histogram_quantile(0.99, rate(h_bucket[1m])) * 1000", "histogram_quantile(0.99, sum by (le) (rate(h_bucket[1m]))) * 1000"),
    ("rate(a[5m]) and rate(b[5m])", "sum(rate(a[5m])) and sum(rate(b[5m]))"),
])
def test_aggregate_adds_a_sum_only_where_the_query_has_none(query, expected):
    assert aggregate(query) == expected


@pytest.mark.parametrize("url, host", [
    ("https://your-app.workers.dev/health", "your-app.workers.dev"),
    ("https://api.example.com/health", "api.example.com"),
    ("http://example.org/status", "example.org"),
    ("https://my-service.internal/healthz", "my-service.internal"),
    ("https://rtpm-api-candlefish.fly.dev/health", ""),
    ("https://api.llm-observatory.io/health", ""),
    ("${APP_URL}/metrics", ""),
])
def test_placeholder_hosts(url, host):
    assert placeholder_host(url) == host


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "- [ ] Test https://a.b/health", "```promql", "```", "# Name\u2028x", "rate(x[5m]) /", "(target: < 5%)",
    "| `/metrics` | Prometheus metrics |", "curl 'https://h/status?x=\"1\"'", "- Error rate (target: >= 99.9%)",
    "histogram_quantile(0.5, rate(h_bucket[1m]))", "\x00\x1b[31m", "sum(", ")))", "- ${X}/health",
]), max_size=14), st.text(max_size=30))
def test_any_text_drafts_tiles_that_validate(tmp_path_factory, parts, noise):
    """Hostile text never breaks the import: whatever is drafted reads back as valid tiles."""
    from warroom.metrics.spec import parse_tiles
    from warroom.yamlio import load_text

    text = "\n".join(parts) + "\n" + noise
    from warroom.errors import InputError
    from warroom.importer.mojibake import clean
    from warroom.textsafe import find_unsafe

    if find_unsafe(clean(text).text, newlines=True) >= 0:  # control or invisible characters: refused at the door
        with pytest.raises(InputError):
            import_text(text, "x.md")
        return
    result = import_text(text, "x.md")
    tiles = draft_text(result.repair.text, result.criteria)
    if not tiles:
        return
    data, problems = load_text(tiles_yaml(tiles), "t.yaml")
    assert not problems
    specs, problems = parse_tiles(data["tiles"], "t.yaml")
    assert not problems and all(not s.enabled for s in specs)
