"""``poll_once`` and ``warroom probe`` / ``warroom status --json`` against the demo service."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from metrics_support import REPO, write_layout
from warroom.decision import decide
from fault_server import DemoServer
from warroom.metrics.probe import poll_once
from warroom.state import LaunchState
from warroom.workspace import load_workspace


def layout_for(tmp: Path, url: str) -> Path:
    tiles = f"""tiles:
  - {{name: avail, source: json, url: "{url}/health", path: availability, unit: "%", threshold: ">= 50%"}}
  - {{name: p95, source: prometheus, url: "{url}/metrics", select: http_request_duration_seconds, quantile: 0.95, unit: ms, threshold: "< 1ms"}}
  - {{name: rps, source: prometheus, url: "${{WR_DEMO:-{url}}}/metrics", select: http_requests_total, unit: req/s}}
  - {{name: down, source: json, url: "{url}/fault/500", path: a}}
"""
    extra = ("criteria:\n  - {id: avail-ok, name: Availability, tile: avail}\n  - {id: p95-ok, name: Latency, tile: p95}\n"
             "rollback:\n  - {id: rb, name: Errors, tile: avail, threshold: '< 50%', for: 1m}\n")
    return write_layout(tmp, tiles, extra)


def warroom(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warroom", *args], capture_output=True, text=True, timeout=60, cwd=REPO)


def test_poll_once_results_and_decision(demo: DemoServer, tmp_path: Path) -> None:
    ws = load_workspace(layout_for(tmp_path, demo.url))
    results = poll_once(ws.layout)
    assert set(results) == {"avail", "p95", "rps", "down"}
    assert results["avail"].passing and results["avail"].state == "OK"
    p95 = results["p95"]
    assert p95.state == "CRIT" and not p95.passing
    assert p95.summary == f"p95 ({p95.display}) < 1ms ✗"
    assert results["rps"].state == "OK" and results["rps"].value > 0  # a rate: polled twice, a second apart
    assert results["down"].to_json()["error"] == "HTTP 500 Internal Server Error"
    decision = decide(LaunchState(ws), tiles=results)
    views = {cv.criterion.id: cv for cv in decision.criteria}
    assert views["avail-ok"].state == "pass" and views["p95-ok"].state == "fail"
    assert views["p95-ok"].detail == p95.summary
    assert json.dumps({n: r.to_json() for n, r in results.items()})  # serialisable


def test_poll_once_named_tiles_and_unknown(demo: DemoServer, tmp_path: Path) -> None:
    ws = load_workspace(layout_for(tmp_path, demo.url))
    assert set(poll_once(ws.layout, ["avail"])) == {"avail"}
    from warroom.errors import ActionError

    with pytest.raises(ActionError, match="unknown tile 'avial' \\(did you mean 'avail'\\?\\)"):
        poll_once(ws.layout, ["avial"])


def test_probe_command(demo: DemoServer, tmp_path: Path) -> None:
    path = layout_for(tmp_path, demo.url)
    out = warroom("probe", str(path), "avail", "p95")
    assert out.returncode == 1, out.stderr  # p95 does not pass
    lines = out.stdout.splitlines()
    assert lines[0].startswith("✓ avail  OK ") and "Availability" not in lines[0]
    assert "avail (" in lines[0] and ">= 50% ✓" in lines[0]
    assert lines[1].startswith("✗ p95    CRIT") and lines[1].endswith("< 1ms ✗")
    ok = warroom("probe", str(path), "avail", "--json")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["avail"]["passing"] is True
    down = warroom("probe", str(path), "down")
    assert down.returncode == 1 and "HTTP 500 Internal Server Error" in down.stdout


def test_probe_bad_input(tmp_path: Path) -> None:
    bad = write_layout(tmp_path, "tiles:\n  - {name: a, source: json, url: 'http://127.0.0.1:9/', path: a, intreval: 5s}\n")
    out = warroom("probe", str(bad))
    assert out.returncode == 2 and f"{bad}:7:66: unknown key 'intreval'" in out.stderr and "did you mean 'interval'" in out.stderr
    assert "Traceback" not in out.stderr
    unknown = warroom("probe", str(bad).replace("layout", "nope"))
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr


def test_status_json_includes_one_poll_round(demo: DemoServer, tmp_path: Path) -> None:
    path = layout_for(tmp_path, demo.url)
    out = warroom("status", str(path), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["tiles"]["avail"]["state"] == "OK"
    assert data["tiles"]["down"]["state"] == "ERROR"


def test_probe_without_tiles_and_timeout_override(server: DemoServer, tmp_path: Path) -> None:
    empty = warroom("probe", str(write_layout(tmp_path, "")))
    assert empty.returncode == 1 and "declares no metric tiles" in empty.stderr
    path = write_layout(tmp_path, f"tiles:\n  - {{name: hang, url: '{server.url}/fault/hang', path: v, interval: 30s}}\n")
    out = warroom("probe", str(path), "--timeout", "0.3")
    assert out.returncode == 1
    assert out.stdout.strip() == f"! hang  ERROR    timed out after 0.3s waiting for 127.0.0.1:{server.port} to answer"
