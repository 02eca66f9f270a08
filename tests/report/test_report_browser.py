"""Headless Chromium opens the HTML report offline and finds the timeline, the sign-off evidence
and a chart; the page's content security policy refuses nothing of its own (its stylesheet is
allowed by hash) and it prints to PDF."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from report_support import war_room
from warroom.cli import main

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
         "--enable-logging=stderr", "--v=0"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    warnings.warn("headless Chromium is not installed (Debian: apt-get install -y chromium): the browser test is skipped")
    pytest.skip("SKIPPED LOUDLY: no Chromium on this machine; install the Debian package 'chromium' to run the browser test")


def test_chromium_opens_the_report_offline(tmp_path: Path, value_server, capsys) -> None:
    browser = chromium()
    L = str(war_room(tmp_path, value_server.url))
    assert main(["t0", L, "2026-11-29T12:00:00Z", "--as", "flight"]) == 0
    assert main(["watch", L, "--for", "1.2"]) == 0
    assert main(["hold", L, "check <the> canary", "--as", "flight"]) == 0
    assert main(["sign", L, "Security", "no-go", "--comment", "<script>document.title='pwned'</script>", "--as", "lena"]) == 0
    value_server.stop()  # offline from here on: nothing the page could fetch answers
    out = tmp_path / "report.html"
    assert main(["report", L, "--out", str(out)]) == 0
    capsys.readouterr()
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([browser, *FLAGS, f"--user-data-dir={home / 'profile'}", "--dump-dom", out.as_uri()],
                         capture_output=True, text=True, timeout=120, env=env)
    dom = run.stdout
    assert run.returncode == 0, run.stderr[-2000:]
    assert '<section id="timeline">' in dom and "check &lt;the&gt; canary" in dom
    assert "As shown then" in dom and "metric history" in dom  # the sign-off's evidence
    assert "<svg" in dom and 'class="threshold"' in dom and "<polyline" in dom
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0]
    assert "Content Security Policy" not in run.stderr, run.stderr[-2000:]
    pdf = tmp_path / "report.pdf"
    run = subprocess.run([browser, *FLAGS, f"--user-data-dir={home / 'profile'}", f"--print-to-pdf={pdf}",
                          "--no-pdf-header-footer", out.as_uri()], capture_output=True, text=True, timeout=120, env=env)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), run.stderr[-2000:]
