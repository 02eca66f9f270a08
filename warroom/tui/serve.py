"""``warroom serve``: the war room in a browser, through textual-serve.

Each visitor gets their own ``warroom open`` process (textual-serve's ``AppService`` runs it
under Textual's web driver and relays it over a websocket to xterm.js in the page).

- The server listens on 127.0.0.1 unless ``--host`` says otherwise.
- A visitor first gives an operator name (and the token, when one is required); the page they
  get opens a websocket at ``/ws/<key>``, a one-use key that carries that name.
- Visitors are read-only (``--read-only`` or ``--wall`` on their app's command line) unless
  the server was started with ``--allow-writes``; that is refused on a non-loopback address
  unless a ``--token`` is required. Writes are journal events only: the app never runs a
  checklist command and never edits the layout.
- textual-serve runs the command through a shell: every argument is ``shlex.quote``d.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import ipaddress
import secrets
import shlex
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web

KEY_TTL = 120.0  # seconds a visitor's page has to open its websocket
MAX_NAME = 40


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_name(name: str) -> str:
    """An operator name as typed: control characters out, spaces squeezed, capped."""
    text = "".join(ch if ch.isprintable() else " " for ch in name)
    return " ".join(text.split())[:MAX_NAME]


@dataclass
class Visit:
    operator: str
    created: float


class WarRoomServer:
    """The web server; ``await run()`` serves until :meth:`stop`."""

    def __init__(self, layout: Path, *, journal: Path | str | None = None, wall: bool = False, host: str = "127.0.0.1",
                 port: int = 8000, allow_writes: bool = False, token: str = "", python: str = sys.executable) -> None:
        if allow_writes and not is_loopback(host) and not token:
            raise ValueError(f"--allow-writes on {host} (not a loopback address) needs --token: anyone who can reach "
                             "the port could write to the journal")
        self.layout = layout
        self.journal = journal
        self.wall = wall
        self.host = host
        self.port = port
        self.allow_writes = allow_writes and not wall
        self.token = token
        self.python = python
        self.visits: dict[str, Visit] = {}
        self.bound_port: int | None = None
        self._stop: asyncio.Event | None = None
        import textual_serve

        base = Path(textual_serve.__file__).resolve().parent
        self.statics = base / "static"
        self.templates = base / "templates"

    # -- the command a visitor's app runs ------------------------------------------------------
    def command(self, operator: str) -> str:
        """The visitor's ``warroom open`` command line, every argument shell-quoted."""
        args = [self.python, "-m", "warroom", "open", str(self.layout), "--as", f"{operator} (web)"]
        if self.journal is not None:
            args += ["--journal", str(self.journal)]
        if self.wall:
            args.append("--wall")
        elif not self.allow_writes:
            args.append("--read-only")
        else:  # journal events only: never a command run, a layout edit or a layout change accepted
            args.append("--visitor")
        return " ".join(shlex.quote(a) for a in args)

    # -- pages ---------------------------------------------------------------------------------
    def _app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(self.templates)))
        app.add_routes([web.get("/", self.index), web.get("/ws/{key}", self.websocket),
                        web.static("/static", self.statics, show_index=False)])
        return app

    def _form(self, message: str = "", status: int = 200) -> web.Response:
        token = '<label>Token <input name="token" type="password" autocomplete="off"></label>' if self.token else ""
        mode = "read-only" if not self.allow_writes else "may write journal events (tick, note, sign, …)"
        body = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>warroom — {html.escape(self.layout.name)}</title></head>
<body style="font-family: monospace; background: #0c181f; color: #eee; padding: 2em">
<h1>warroom: {html.escape(self.layout.name)}</h1>
<p>Visitors here are {html.escape(mode)}. Who is watching?</p>
{f'<p style="color:#f66">{html.escape(message)}</p>' if message else ''}
<form method="get" action="/"><label>Operator name <input name="operator" maxlength="{MAX_NAME}" autofocus></label>
{token}<button type="submit">Open the war room</button></form></body></html>"""
        return web.Response(text=body, content_type="text/html", status=status)

    async def index(self, request: web.Request) -> web.StreamResponse:
        name = clean_name(request.query.get("operator", ""))
        if not name:
            return self._form()
        if self.token and not hmac.compare_digest(request.query.get("token", "").encode(), self.token.encode()):
            return self._form("That token is not the one this war room asks for.", status=403)
        self._expire()
        key = secrets.token_urlsafe(24)
        self.visits[key] = Visit(name, time.monotonic())
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": 16,
            "app_websocket_url": f"{scheme}://{request.host}/ws/{key}",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": f"warroom — {self.layout.name} — {name}"},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, v in self.visits.items() if now - v.created > KEY_TTL]:
            del self.visits[key]

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        from textual_serve.app_service import AppService
        from textual_serve.download_manager import DownloadManager

        self._expire()
        visit = self.visits.pop(request.match_info["key"], None)
        if visit is None:
            raise web.HTTPForbidden(text="unknown or used key: open the war room from its first page")
        ws = web.WebSocketResponse(heartbeat=15)
        await ws.prepare(request)

        def size(name: str, default: int) -> int:
            try:
                return max(10, min(1000, int(request.query.get(name, default))))
            except ValueError:
                return default

        service = AppService(self.command(visit.operator), write_bytes=ws.send_bytes, write_str=ws.send_str,
                             close=ws.close, download_manager=DownloadManager(), debug=False)
        try:
            await service.start(size("width", 80), size("height", 24))
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = message.json()
                except ValueError:
                    continue
                if not isinstance(envelope, list) or not envelope:
                    continue
                kind = envelope[0]
                data = envelope[1] if len(envelope) > 1 else None
                if kind == "stdin" and isinstance(data, str):
                    await service.send_bytes(data.encode("utf-8"))
                elif kind == "resize" and isinstance(data, dict):
                    try:
                        await service.set_terminal_size(int(data["width"]), int(data["height"]))
                    except (KeyError, TypeError, ValueError):
                        continue
                elif kind == "ping":
                    await ws.send_json(["pong", data])
                elif kind == "blur":
                    await service.blur()
                elif kind == "focus":
                    await service.focus()
        finally:
            await service.stop()
        return ws

    # -- running ---------------------------------------------------------------------------------
    async def run(self, ready: Any = None) -> None:
        self._stop = asyncio.Event()
        runner = web.AppRunner(self._app(), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []  # the port the OS gave for --port 0
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self._stop.set)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        if ready is not None:
            ready(self)
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.bound_port or self.port}/"
