"""Fixtures for the web tests: `warroom serve` as a real process on 127.0.0.1."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


class Served:
    def __init__(self, proc: subprocess.Popen, url: str) -> None:
        self.proc = proc
        self.url = url


def start_server(*args: str, env: dict | None = None) -> Served:
    """``warroom serve ARGS --port 0``; returns once it printed the URL it listens on."""
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "serve", *args, "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, start_new_session=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    line = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            m = re.search(r"(http://\S+/)", line)
            if m:
                return Served(proc, m[1])
        if proc.poll() is not None:
            break
    stop_server(proc)
    raise AssertionError(f"warroom serve did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the server's own session: it and its visitors' apps
            proc.wait(5)
