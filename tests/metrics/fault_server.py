"""The demo service plus what only the tests need: ``/fault/...`` routes (HTTP 500, HTML, hang,
slow drip, 50 MB body, invalid UTF-8, NaN/Inf, redirect loop, malformed exposition) and ``.set()``
to serve any body at any path."""

from __future__ import annotations

import json
from typing import Any

from warroom.demo.server import DemoServer as _DemoServer
from warroom.demo.server import _Handler

_HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Sign in to continue</form></body></html>"
_BAD_EXPOSITION = b'# TYPE http_requests_total counter\nhttp_requests_total{code="200" 12\nhttp_requests_total{code="500"} twelve\n'



class _FaultHandler(_Handler):
    def extra_route(self, path: str, owner: "DemoServer") -> bool:
        override = owner.overrides.get(path)
        if override is not None:
            status, body, ctype = override
            self._send(status, body, ctype)
        elif path.startswith("/fault/"):
            self._fault(path[len("/fault/"):], owner)
        else:
            return False
        return True

    def _fault(self, name: str, owner: "DemoServer") -> None:
        if name == "500":
            self._send(500, b"internal error: database unavailable\n", "text/plain")
        elif name == "html":
            self._send(200, _HTML, "text/html; charset=utf-8")
        elif name == "slow":
            owner.stopping.wait(0.15)
            self._json(200, {"value": 1})
        elif name == "hang":
            owner.stopping.wait(30)
            self._json(200, {"value": 1})
        elif name == "drip":
            body = b'{"value": 1' + b" " * 600 + b"}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                if owner.stopping.wait(0.05):
                    break
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
            self.close_connection = True
        elif name in ("big", "big-chunked"):
            size, chunk = 50 * 1024 * 1024, b"x" * 65536
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if name == "big":
                self.send_header("Content-Length", str(size))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            sent = 0
            while sent < size and not owner.stopping.is_set():
                if name == "big":
                    self.wfile.write(chunk)
                else:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                owner.big_bytes_sent = sent
            if name == "big-chunked":
                self.wfile.write(b"0\r\n\r\n")
        elif name == "badutf8":
            self._send(200, b'{"value": 1, "note": "caf\xe9 \xff\xfe"}', "application/json")
        elif name == "nan":
            self._send(200, b'{"value": NaN}', "application/json")
        elif name == "inf":
            self._send(200, b'{"value": Infinity}', "application/json")
        elif name == "redirect-loop":
            self._send(302, b"", "text/plain", {"Location": "/fault/redirect-loop"})
        elif name == "bad-metrics":
            self._send(200, _BAD_EXPOSITION, "text/plain; version=0.0.4")
        else:
            self._json(404, {"error": f"no such fault {name}"})


class DemoServer(_DemoServer):
    """The demo service with the tests' fault routes; ``.set()`` serves any body at a path."""

    handler = _FaultHandler

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.overrides: dict[str, tuple[int, bytes, str]] = {}
        self.big_bytes_sent = 0
        super().__init__(*args, **kwargs)

    def set(self, path: str, body: Any, status: int = 200, content_type: str = "application/json") -> None:
        """Serve ``body`` (bytes, text, or data as JSON) at ``path`` until changed or cleared."""
        if isinstance(body, bytes):
            raw = body
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = json.dumps(body).encode()
        self.overrides[path] = (status, raw, content_type)

    def clear(self, path: str) -> None:
        self.overrides.pop(path, None)


def serve_in_thread(host: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> DemoServer:
    """Start the fault-capable demo service in a background thread; ``port=0`` picks a free port."""
    return DemoServer(host, port, **kwargs).start()
