"""Every fault gives a specific ERROR reason on the tile, and nothing crashes."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from metrics_support import tile
from fault_server import DemoServer
from warroom.metrics.evaluate import TileEvaluator
from warroom.metrics.poller import Poller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def poll_one(spec, env=None):
    async with Poller([spec], env=env) as poller:
        return await poller.poll(spec.name)


async def state_of(spec, env=None):
    s = await poll_one(spec, env)
    ev = TileEvaluator(spec)
    ev.observe(s)
    return ev.result(s.t)


async def test_connection_refused() -> None:
    port = free_port()
    r = await state_of(tile(name="t", url=f"http://127.0.0.1:{port}/health", path="a"))
    assert (r.state, r.error) == ("ERROR", f"connection refused by 127.0.0.1:{port}")
    assert not r.passing and r.summary == f"t: ERROR (connection refused by 127.0.0.1:{port})"


@pytest.mark.parametrize("path, reason", [
    ("/fault/hang", "timed out after 0.4s waiting for {host} to answer"),
    ("/fault/drip", "timed out after 0.4s reading the body (response too slow)"),
    ("/fault/500", "HTTP 500 Internal Server Error"),
    ("/fault/html", "expected JSON, got HTML (text/html; charset=utf-8)"),
    ("/fault/badutf8", "body is not valid UTF-8 (byte 0xe9 at offset 25)"),
    ("/fault/nan", "value is NaN (not a number)"),
    ("/fault/inf", "value is +Inf"),
    ("/fault/redirect-loop", "too many redirects (more than 5): a redirect loop?"),
])
async def test_json_tile_faults(server: DemoServer, path: str, reason: str) -> None:
    host = f"127.0.0.1:{server.port}"
    r = await state_of(tile(name="t", url=server.url + path, path="value", interval="1s", timeout="0.4s"))
    assert r.state == "ERROR"
    assert r.error == reason.format(host=host)


async def test_malformed_exposition(server: DemoServer) -> None:
    r = await state_of(tile(name="t", source="prometheus", url=server.url + "/fault/bad-metrics", select="http_requests_total"))
    assert r.state == "ERROR" and r.error.startswith("malformed exposition text: ")


async def test_html_instead_of_a_prometheus_api(server: DemoServer) -> None:
    server.set("/p/api/v1/query", "<html><body>Bad gateway</body></html>", status=502, content_type="text/html")
    r = await state_of(tile(name="t", source="promql", url=server.url + "/p", query="up"))
    assert (r.state, r.error) == ("ERROR", "HTTP 502 Bad Gateway")


@pytest.mark.parametrize("path", ["/fault/big", "/fault/big-chunked"])
async def test_a_50_mb_body_stops_at_the_cap(server: DemoServer, path: str) -> None:
    spec = tile(name="t", url=server.url + path, path="value", max_bytes=1048576)
    r = await state_of(spec)
    assert (r.state, r.error) == ("ERROR", "response larger than the 1 MiB cap (max_bytes); stopped reading")
    await asyncio.sleep(0.2)
    assert server.big_bytes_sent < 20 * 1024 * 1024  # the server was cut off long before 50 MB


async def test_failed_tls_verification(tls_server: DemoServer) -> None:
    r = await state_of(tile(name="t", url=tls_server.url + "/health", path="availability"))
    assert r.state == "ERROR"
    assert r.error == f"TLS verification failed for 127.0.0.1:{tls_server.port}: self-signed certificate"


async def test_tls_with_a_ca_bundle_and_cert_days(tls_server: DemoServer, tls_cert: tuple[Path, Path]) -> None:
    cert, _ = tls_cert
    ok = await state_of(tile(name="t", url=tls_server.url + "/health", path="availability", tls={"ca": str(cert)}))
    assert ok.state in ("OK", "WARN") or ok.value is not None
    days = await state_of(tile(name="d", source="http", check="cert_days", url=tls_server.url + "/health",
                               tls={"ca": str(cert)}, threshold="> 14d"))
    assert days.state == "OK" and 29 < days.value <= 30 and days.unit == "days"


async def test_unset_env_var_is_an_error_and_secrets_never_show(server: DemoServer) -> None:
    spec = tile(name="t", url=server.url + "/health", path="availability", headers={"Authorization": "Bearer ${WR_TOKEN}"})
    missing = await state_of(spec, env={})
    assert (missing.state, missing.error) == ("ERROR", "environment variable WR_TOKEN is not set")
    good = await state_of(spec, env={"WR_TOKEN": "sekret-value-42"})
    assert good.value is not None
    assert server.last_headers["authorization"] == "Bearer sekret-value-42"  # resolved on the wire only
    assert "sekret" not in repr(good.to_json()) + good.summary + repr(spec)


async def test_error_reasons_are_scrubbed_of_resolved_secrets() -> None:
    port = free_port()
    spec = tile(name="t", url="http://127.0.0.1:" + str(port) + "/${WR_PATH}", path="a")
    poller = Poller([spec], env={"WR_PATH": "very-secret-path"})
    assert poller._scrub(spec, "GET /very-secret-path failed") == "GET /${…} failed"
    s = await poller.poll("t")
    await poller.aclose()
    assert "very-secret-path" not in s.error


async def test_missing_ca_file_is_an_error_not_a_crash(server: DemoServer, tmp_path: Path) -> None:
    r = await state_of(tile(name="t", url=server.url.replace("http:", "https:") + "/h", path="a",
                            tls={"ca": str(tmp_path / "nope.pem")}))
    assert r.state == "ERROR" and r.error.startswith("cannot load the TLS files")


async def test_client_certificate(mtls_server: DemoServer, tls_cert, client_cert, tmp_path: Path) -> None:
    ca = str(tls_cert[0])
    without = await state_of(tile(name="t", url=mtls_server.url + "/health", path="availability", tls={"ca": ca}))
    assert without.state == "ERROR"
    host = f"127.0.0.1:{mtls_server.port}"
    # TLS 1.3 reports the refusal on the first read: as an alert, or as the server's reset
    assert without.error in (f"{host} requires a client certificate (set tls: cert and key)",
                             f"reading from {host} failed: connection reset")
    # the client certificate and key paths are relative to the layout's folder
    (tmp_path / "c.pem").write_bytes(client_cert[0].read_bytes())
    (tmp_path / "c.key").write_bytes(client_cert[1].read_bytes())
    from metrics_support import tiles

    [spec] = tiles(f"tiles:\n  - {{name: t, url: '{mtls_server.url}/health', path: availability, "
                   f"tls: {{ca: '{ca}', cert: c.pem, key: c.key}}}}\n", path=str(tmp_path / "layout.yaml"))
    with_cert = await state_of(spec)
    assert with_cert.state == "OK" and with_cert.value is not None
