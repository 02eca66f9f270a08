"""`warroom serve`: real server processes on 127.0.0.1, a real browser (Debian's chromium, driven
by playwright) for the page, and a real journal that a read-only visitor cannot write."""

from __future__ import annotations

import re
import shlex
import shutil
import time
from pathlib import Path

import httpx
import pytest
from web_support import REPO, start_server, stop_server

from programs import missing_program
from warroom.tui.serve import WarRoomServer, clean_name

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]
NO_BROWSER = ("CHROMIUM IS NOT INSTALLED: the browser tests of `warroom serve` did not run. "
              "Install it with: apt-get update && apt-get install -y chromium")


@pytest.fixture
def room(tmp_path: Path) -> tuple[Path, Path]:
    """The demo war room without tiles, in tmp, with its journal."""
    import yaml

    (tmp_path / "layouts").mkdir()
    (tmp_path / "checklists").mkdir()
    data = yaml.safe_load((REPO / "layouts" / "demo.yaml").read_text(encoding="utf-8"))
    data.pop("tiles", None)
    data.pop("rollback", None)
    data["criteria"] = [c for c in data.get("criteria") or [] if not c.get("tile")]
    layout = tmp_path / "layouts" / "demo.yaml"
    layout.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    shutil.copy(REPO / "checklists" / "demo-payments-v2.yaml", tmp_path / "checklists" / "demo-payments-v2.yaml")
    return layout, tmp_path / "demo.journal.yaml"


# -- the server's rules, without a browser ------------------------------------------------------

def test_every_argument_is_shell_quoted(tmp_path: Path) -> None:
    layout = tmp_path / "my layout; rm -rf ~.yaml"
    server = WarRoomServer(layout, journal=tmp_path / "j $(id).yaml", python="/opt/py thon/bin/python3")
    name = clean_name("eve'; touch /tmp/pwned #")
    cmd = server.command(name)
    assert shlex.split(cmd) == ["/opt/py thon/bin/python3", "-m", "warroom", "open", str(layout), "--as",
                                "eve'; touch /tmp/pwned # (web)", "--journal", str(tmp_path / "j $(id).yaml"), "--read-only"]


def test_names_lose_control_characters_and_are_capped() -> None:
    assert clean_name("\x1b[31mbob\n\x07") == "[31mbob"
    assert len(clean_name("x" * 500)) == 40 and clean_name("   ") == ""


def test_writes_need_a_token_off_loopback(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs --token"):
        WarRoomServer(tmp_path / "l.yaml", host="0.0.0.0", allow_writes=True)
    assert WarRoomServer(tmp_path / "l.yaml", host="0.0.0.0", allow_writes=True, token="s3cret").allow_writes
    assert WarRoomServer(tmp_path / "l.yaml", host="127.0.0.1", allow_writes=True).allow_writes
    assert not WarRoomServer(tmp_path / "l.yaml", wall=True, allow_writes=True).allow_writes  # the wall never writes
    assert "--read-only" not in WarRoomServer(tmp_path / "l.yaml", allow_writes=True).command("a")
    assert "--wall" in WarRoomServer(tmp_path / "l.yaml", wall=True).command("a")


def test_the_cli_refuses_writes_off_loopback_without_a_token(room) -> None:  # noqa: ANN001
    import subprocess
    import sys

    layout, _ = room
    out = subprocess.run([sys.executable, "-m", "warroom", "serve", str(layout), "--host", "0.0.0.0", "--allow-writes"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "needs --token" in out.stderr


def test_visitors_give_a_name_and_the_token(room) -> None:  # noqa: ANN001
    layout, journal = room
    served = start_server(str(layout), "--journal", str(journal), "--token", "s3cret")
    try:
        with httpx.Client(base_url=served.url, timeout=10) as client:
            form = client.get("/")
            assert form.status_code == 200 and 'name="operator"' in form.text and 'name="token"' in form.text
            assert client.get("/", params={"operator": "ann", "token": "wrong"}).status_code == 403
            page = client.get("/", params={"operator": "<b>ann</b>", "token": "s3cret"})
            assert page.status_code == 200 and "<b>ann</b>" not in page.text
            key = re.search(r'data-session-websocket-url="ws://[^/]+/ws/([^"]+)"', page.text)[1]
            assert client.get(f"/ws/{key}x").status_code == 403  # an unknown key opens nothing
    finally:
        stop_server(served.proc)


# -- a real browser ---------------------------------------------------------------------------------

CAPTURE = """
window.__out = [];
const Native = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
  ws.addEventListener('message', (e) => {
    if (typeof e.data === 'string') { window.__out.push(e.data); }
    else if (e.data instanceof Blob) { e.data.arrayBuffer().then((b) => window.__out.push(new TextDecoder().decode(b))); }
    else { window.__out.push(new TextDecoder().decode(e.data)); }
  });
  return ws;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


def screen_text(page) -> str:  # noqa: ANN001
    """What the app sent to the page's terminal, escape sequences removed."""
    return ANSI.sub("", "".join(page.evaluate("window.__out")))


def wait_for(page, what, timeout: float = 45.0) -> bool:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if what(screen_text(page)):
            return True
        page.wait_for_timeout(250)
    return what(screen_text(page))


@pytest.fixture
def browser():  # noqa: ANN201
    if CHROMIUM is None:
        missing_program(NO_BROWSER)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def open_room(browser, url: str, name: str):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": 1600, "height": 900})
    page.add_init_script(CAPTURE)
    page.goto(url)
    page.fill('input[name="operator"]', name)
    page.click('button[type="submit"]')
    page.wait_for_selector("#terminal")
    return page


def test_the_browser_shows_the_decision(room, browser) -> None:  # noqa: ANN001
    layout, journal = room
    served = start_server(str(layout), "--journal", str(journal))
    try:
        page = open_room(browser, served.url, "walt")
        assert wait_for(page, lambda s: "PENDING" in s and "open reason" in s), screen_text(page)[-2000:]
        assert "READ-ONLY" in screen_text(page)
    finally:
        stop_server(served.proc)


def test_a_read_only_visitor_cannot_write(room, browser) -> None:  # noqa: ANN001
    layout, journal = room
    served = start_server(str(layout), "--journal", str(journal))
    try:
        page = open_room(browser, served.url, "rita")
        assert wait_for(page, lambda s: "open reason" in s)
        before = journal.read_bytes() if journal.exists() else b""
        page.focus(".xterm-helper-textarea")
        for key in (" ", "h", "n", "s"):
            page.keyboard.press(key)
            page.wait_for_timeout(200)
        assert wait_for(page, lambda s: "read-only: this screen cannot change anything" in s, 20)
        assert (journal.read_bytes() if journal.exists() else b"") == before
    finally:
        stop_server(served.proc)


def test_with_allow_writes_a_visitor_ticks_an_item_under_their_name(room, browser) -> None:  # noqa: ANN001
    """The control for the test above: the same key press does write when writes are allowed."""
    layout, journal = room
    served = start_server(str(layout), "--journal", str(journal), "--allow-writes")
    try:
        page = open_room(browser, served.url, "wanda")
        assert wait_for(page, lambda s: "open reason" in s)
        page.focus(".xterm-helper-textarea")
        page.keyboard.press("j")
        page.wait_for_timeout(300)
        page.keyboard.press(" ")
        end = time.monotonic() + 20
        while time.monotonic() < end and not (journal.exists() and b"wanda (web)" in journal.read_bytes()):
            time.sleep(0.2)
        assert journal.exists() and b"wanda (web)" in journal.read_bytes()
    finally:
        stop_server(served.proc)
