"""Secrets are never echoed: ``${NAME}`` values in tile URLs and headers, against real HTTP
servers on 127.0.0.1, in every failure mode. The secret appears nowhere: not in ``probe``
(text or JSON), not in ``status --json``, not in the journal a screen would write."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from security_support import no_raw
from warroom.actions import Actions
from warroom.journal import Journal
from warroom.metrics.probe import poll_once
from warroom.metrics.secrets import redact_url
from warroom.state import LaunchState
from warroom.workspace import load_workspace

SECRET = "SEKRIT-7f3a9"


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        _Handler.seen.append({"port": self.server.server_address[1], "path": self.path,
                              "auth": self.headers.get("Authorization", "")})
        auth = self.headers.get("Authorization", "")
        if self.path.startswith("/echo-json"):  # a server that echoes what it got into a text value
            body = json.dumps({"status": f"token {auth} accepted", "n": 1}).encode()
            self._send(200, body, "application/json")
        elif self.path.startswith("/echo-error"):  # an error page quoting the credentials
            self._send(500, f"bad credentials: {auth} for {self.path}".encode(), "text/plain")
        else:
            self._send(200, b'{"n": 1}', "application/json")

    def _send(self, code: int, body: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def servers():
    """Two real servers on 127.0.0.1: the one a tile means, and another a secret must not reach."""
    made = []
    for _ in range(2):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        made.append(srv)
    _Handler.seen = []
    yield [s.server_address[1] for s in made]
    for srv in made:
        srv.shutdown()
        srv.server_close()


def _layout(room, tile: str) -> Path:
    room.layout.write_text(room.layout.read_text() + "tiles:\n" + tile)
    return room.layout


def _everywhere(room, monkeypatch, env: dict[str, str], secret: str = SECRET) -> dict:
    """Poll through probe, probe --json and status --json, record the transition as the screen
    does, and check the secret is in none of them. Returns the probe JSON of the one tile."""
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    outputs = []
    for argv in (["probe", room.layout], ["probe", room.layout, "--json"], ["status", room.layout, "--json"]):
        code, out, err = room.cli(*argv)
        outputs += [out, err]
        no_raw(out, err)
    ws = load_workspace(room.layout)
    result = next(iter(poll_once(ws.layout).values()))
    with Journal(room.journal) as journal:
        journal.load()
        Actions(journal, "screen").metric_state(LaunchState(ws), result.name, "PENDING", result.state, result.value, result.error)
    outputs.append(room.journal.read_text())
    for text in outputs:
        for form in {secret, secret.replace("\n", "\\n"), *[p for p in secret.split("\n") if len(p) >= 4]}:
            assert form not in text, f"secret form {form!r} leaked in: {text[:400]!r}"
    code, out, _ = room.cli("probe", room.layout, "--json")
    return json.loads(out)["t"]


def test_a_token_with_a_newline_is_refused_before_the_request(room, monkeypatch, servers) -> None:
    _layout(room, f"  - {{name: t, source: json, url: 'http://127.0.0.1:{servers[0]}/x', path: n, "
                  "headers: {Authorization: 'Bearer ${API_TOKEN}'}}\n")
    tile = _everywhere(room, monkeypatch, {"API_TOKEN": f"{SECRET}\nX-Evil: 1"}, f"{SECRET}\nX-Evil: 1")
    assert tile["error"] == "header Authorization: its value (from ${API_TOKEN}) holds a line break or control character; not sent"
    assert _Handler.seen == []


def test_a_password_with_at_and_port_stays_a_password(room, monkeypatch, servers) -> None:
    good, other = servers
    _layout(room, f"  - {{name: t, source: json, url: 'http://ops:${{PASS}}@127.0.0.1:{good}/x', path: n}}\n")
    secret = f"x@127.0.0.1:{other}/steal?"
    tile = _everywhere(room, monkeypatch, {"PASS": secret}, secret)
    assert tile["state"] == "OK" and tile["url"] == f"http://ops:***@127.0.0.1:{good}/x"
    assert {s["port"] for s in _Handler.seen} == {good}
    assert all(s["path"] == "/x" for s in _Handler.seen)


def test_a_secret_in_the_path_and_query_is_encoded_for_its_part(room, monkeypatch, servers) -> None:
    _layout(room, f"  - {{name: t, source: json, url: 'http://127.0.0.1:{servers[0]}/v/${{KEY}}?k=${{KEY}}', path: n}}\n")
    secret = "a/../b?c=d&e#f"
    _everywhere(room, monkeypatch, {"KEY": secret}, secret)
    assert {s["path"] for s in _Handler.seen} == {"/v/a%2F..%2Fb%3Fc%3Dd%26e%23f?k=a%2F..%2Fb%3Fc%3Dd%26e%23f"}


def test_a_base_url_reference_must_be_a_url(room, monkeypatch, servers) -> None:
    _layout(room, "  - {name: t, source: json, url: '${BASE:-http://127.0.0.1:1}/x', path: n}\n")
    tile = _everywhere(room, monkeypatch, {"BASE": f"javascript:{SECRET}"}, f"javascript:{SECRET}")
    assert tile["error"] == "${BASE} stands for the tile's base URL but is not an http:// or https:// URL with a host"
    monkeypatch.setenv("BASE", f"http://127.0.0.1:{servers[0]}")
    assert json.loads(room.cli("probe", room.layout, "--json")[1])["t"]["state"] == "OK"
    assert _Handler.seen[-1]["path"] == "/x"


def test_a_server_echoing_the_token_in_a_value_is_scrubbed(room, monkeypatch, servers) -> None:
    _layout(room, f"  - {{name: t, source: json, url: 'http://127.0.0.1:{servers[0]}/echo-json', path: status, "
                  "headers: {Authorization: 'Bearer ${API_TOKEN}'}}\n")
    tile = _everywhere(room, monkeypatch, {"API_TOKEN": SECRET})
    assert tile["display"] == "token Bearer ${…} accepted" or "${…}" in json.dumps(tile)
    assert _Handler.seen[0]["auth"] == f"Bearer {SECRET}"  # it was sent, and only to its server


def test_a_server_error_page_quoting_the_token_is_scrubbed(room, monkeypatch, servers) -> None:
    _layout(room, f"  - {{name: t, source: http, check: status, url: 'http://127.0.0.1:{servers[0]}/echo-error?k=${{KEY}}', "
                  "headers: {Authorization: 'Bearer ${API_TOKEN}'}}\n")
    _everywhere(room, monkeypatch, {"API_TOKEN": SECRET, "KEY": "q-" + SECRET})


def test_connection_refused_never_shows_the_password(room, monkeypatch, servers) -> None:
    srv_port = servers[1]
    _layout(room, "  - {name: t, source: json, url: 'http://admin:${PASS}@127.0.0.1:1/x', path: n, timeout: 2s}\n")
    tile = _everywhere(room, monkeypatch, {"PASS": SECRET})
    assert tile["error"] == "connection refused by 127.0.0.1:1" and srv_port


def test_a_written_password_is_redacted_where_shown(room, monkeypatch, servers) -> None:
    _layout(room, f"  - {{name: t, source: json, url: 'http://ops:{SECRET}@127.0.0.1:{servers[0]}/x', path: n}}\n")
    tile = _everywhere(room, monkeypatch, {}, SECRET)
    assert tile["url"] == f"http://ops:***@127.0.0.1:{servers[0]}/x"


def test_an_unset_variable_is_named_not_guessed(room, monkeypatch, servers) -> None:
    monkeypatch.delenv("NOPE_TOKEN", raising=False)
    _layout(room, f"  - {{name: t, source: json, url: 'http://127.0.0.1:{servers[0]}/x', path: n, "
                  "headers: {Authorization: 'Bearer ${NOPE_TOKEN}'}}\n")
    code, out, _ = room.cli("probe", room.layout, "--json")
    assert json.loads(out)["t"]["error"] == "environment variable NOPE_TOKEN is not set"


@pytest.mark.parametrize("url, shown", [
    ("https://u:p@h/x", "https://u:***@h/x"), ("http://u@h/x", "http://u@h/x"), ("http://h/x?a=b@c", "http://h/x?a=b@c"),
    ("HTTP://u:p:q@h:1/", "HTTP://u:***@h:1/")])
def test_redact_url(url, shown) -> None:
    assert redact_url(url) == shown
