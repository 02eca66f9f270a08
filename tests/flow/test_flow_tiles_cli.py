"""`warroom tiles` and `warroom probe` against a real service on 127.0.0.1 (issue 17, part 3)."""

from __future__ import annotations

import json

import pytest
import yaml
from flow_support import Service, room, run

from warroom.journal import Journal
from warroom.workspace import load_workspace


@pytest.fixture()
def svc():
    s = Service()
    yield s
    s.stop()


def test_add_probes_once_then_saves_enabled_and_keeps_comments(tmp_path, svc):
    layout = room(tmp_path)
    p = run("tiles", str(layout), "add", "--name", "health", "--source", "http", "--url", f"{svc.url}/health",
            "--check", "status", "--threshold", "== 200", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "probe: ✓ health OK: health (200) == 200 ✓" in p.stdout and svc.hits == ["/health"]
    text = layout.read_text(encoding="utf-8")
    assert "# The launch room. Keep this comment.\n" in text and "launch: Room launch   # inline comment stays" in text
    ws = load_workspace(layout)
    assert [t.name for t in ws.layout.tiles] == ["health"]
    (ev,) = Journal(ws.journal_path, read_only=True).load().events
    assert (ev.kind, ev.op, ev.payload["what"]) == ("layout-change", "tester", "added tile health (http, enabled)")


def test_a_probe_without_a_value_does_not_save_unless_yes(tmp_path, svc):
    layout = room(tmp_path)
    before = layout.read_text(encoding="utf-8")
    args = ["tiles", str(layout), "add", "--name", "q", "--source", "prometheus", "--url", f"{svc.url}/metrics",
            "--select", "queue_dept"]
    p = run(*args, cwd=tmp_path)
    assert p.returncode == 1
    assert "metric queue_dept not found in the exposition (it has: queue_depth, up)" in p.stdout
    assert "not saved" in p.stdout and layout.read_text(encoding="utf-8") == before
    p = run(*args, "--disabled", "--yes", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert [t.name for t in load_workspace(layout).layout.disabled_tiles] == ["q"]
    p = run("tiles", str(layout), "edit", "q", "--select", "queue_depth", cwd=tmp_path)
    assert p.returncode == 0 and "probe: ✓ q OK" in p.stdout and "42" in p.stdout, p.stdout + p.stderr
    p = run("tiles", str(layout), "enable", "q", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    tile = yaml.safe_load(layout.read_text(encoding="utf-8"))["tiles"][0]
    assert tile == {"name": "q", "source": "prometheus", "url": f"{svc.url}/metrics", "select": "queue_depth"}


def test_an_unreachable_url_reports_the_error(tmp_path, svc):
    layout = room(tmp_path)
    p = run("tiles", str(layout), "add", "--name", "h", "--source", "http", "--url", "http://127.0.0.1:9/health", cwd=tmp_path)
    assert p.returncode == 1 and "probe: ! h ERROR: connection refused" in p.stdout


def test_a_bad_threshold_is_refused_with_its_position(tmp_path, svc):
    layout = room(tmp_path)
    p = run("tiles", str(layout), "add", "--name", "h", "--source", "http", "--url", f"{svc.url}/health",
            "--threshold", "< 3 bananas", cwd=tmp_path)
    assert p.returncode == 2 and f"{layout}:" in p.stderr and "bad threshold" in p.stderr
    assert svc.hits == []  # refused before any probe


def test_a_tile_name_that_is_not_a_slug_is_refused_naming_the_character(tmp_path, svc):
    layout = room(tmp_path)
    before = layout.read_text(encoding="utf-8")
    for name, why in (("Bad Name!", "'B' is not allowed (lowercase only)"), ("bad name", "a space is not allowed"),
                      ("bad_name", "'_' is not allowed"), ("bad\u202ename", "U+202E is not allowed")):
        p = run("tiles", str(layout), "add", "--name", name, "--source", "http", "--url", f"{svc.url}/health", cwd=tmp_path)
        assert p.returncode == 2, (name, p.stdout, p.stderr)
        assert f"{layout}:" in p.stderr and f"must be a slug of lowercase letters, digits and dashes: {why}" in p.stderr, p.stderr
        assert "Traceback" not in p.stderr and "\u202e" not in p.stderr
    assert layout.read_text(encoding="utf-8") == before and svc.hits == []
    assert run("tiles", str(layout), "add", "--name", "ok", "--source", "http", "--url", f"{svc.url}/health",
               cwd=tmp_path).returncode == 0
    p = run("tiles", str(layout), "edit", "ok", "--rename", "Not OK", cwd=tmp_path)
    assert p.returncode == 2 and "tile name 'Not OK' must be a slug" in p.stderr


def test_bind_drives_the_decision_and_disable_stops_polling(tmp_path, svc):
    layout = room(tmp_path)
    assert run("tiles", str(layout), "add", "--name", "errors", "--source", "promql", "--url", svc.url,
               "--query", "sum(rate(e[5m])) / sum(rate(r[5m]))", "--unit", "%", "--threshold", "< 0.1%",
               cwd=tmp_path).returncode == 0
    assert run("tiles", str(layout), "edit", "errors", "--label", "Error rate", cwd=tmp_path).returncode == 0
    p = run("tiles", str(layout), "bind", "error-rate", "--tile", "errors", cwd=tmp_path)
    assert p.returncode == 0 and "bound criterion error-rate to tile errors" in p.stdout
    status = json.loads(run("status", str(layout), "--json", cwd=tmp_path).stdout)
    crit = next(c for c in status["criteria"] if c["id"] == "error-rate")
    assert crit["state"] == "pass"
    svc.query_value = 0.5  # 0.5% errors: the bound criterion fails, the decision is NO-GO
    status = json.loads(run("status", str(layout), "--json", cwd=tmp_path).stdout)
    assert next(c for c in status["criteria"] if c["id"] == "error-rate")["state"] == "fail"
    assert status["decision"]["verdict"] == "NO-GO"
    listed = run("tiles", str(layout), "list", cwd=tmp_path).stdout
    assert "decides: error-rate" in listed
    assert run("tiles", str(layout), "disable", "errors", cwd=tmp_path).returncode == 0
    hits = len(svc.hits)
    status = json.loads(run("status", str(layout), "--json", cwd=tmp_path).stdout)
    assert len(svc.hits) == hits  # a disabled tile is not polled
    crit = next(c for c in status["criteria"] if c["id"] == "error-rate")
    assert crit["state"] == "unknown"
    assert ("tile 'errors' is off (enabled: false): turn it on with `warroom tiles layouts/room.yaml enable errors` "
            "(or m, space)") in json.dumps(status, ensure_ascii=False), crit  # the path as typed from here
    assert "no live value" not in json.dumps(status)
    p = run("probe", str(layout), "errors", cwd=tmp_path)  # by name, even disabled
    assert len(svc.hits) == hits + 1 and "errors" in p.stdout


def test_a_rollback_binding_in_the_wrong_unit_is_refused(tmp_path, svc):
    layout = room(tmp_path)
    assert run("tiles", str(layout), "add", "--name", "lat", "--source", "promql", "--url", svc.url,
               "--query", "histogram_quantile(0.9, sum by (le) (rate(h_bucket[1m])))", "--unit", "ms",
               cwd=tmp_path).returncode == 0
    p = run("tiles", str(layout), "bind", "rollback-errors", "--tile", "lat", cwd=tmp_path)
    assert p.returncode == 2 and "does not match the tile's unit 'ms'" in p.stderr


def test_list_json_and_unknown_names(tmp_path, svc):
    layout = room(tmp_path)
    assert run("tiles", str(layout), "add", "--name", "health", "--source", "http", "--url", f"{svc.url}/health",
               cwd=tmp_path).returncode == 0
    rows = json.loads(run("tiles", str(layout), "list", "--json", cwd=tmp_path).stdout)
    assert [(r["name"], r["enabled"], r["source"]) for r in rows] == [("health", True, "http")]
    p = run("tiles", str(layout), "enable", "helth", cwd=tmp_path)
    assert p.returncode == 1 and "unknown tile 'helth'" in p.stderr and "health" in p.stderr
    p = run("tiles", str(layout), "bind", "nope", "--tile", "health", cwd=tmp_path)
    assert p.returncode == 1 and "unknown criterion 'nope'" in p.stderr
