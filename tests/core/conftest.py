"""Fixtures for the core tests: a private copy of the demo war room, real journals, real writers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from core_support import DEMO_LAYOUT, FIXTURES, REPO, WRITER, Clock, Room
from warroom.workspace import Workspace, load_workspace


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """A copy of the frozen demo war room (``fixtures/``) whose journal lives in tmp_path."""
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    return tmp_path


@pytest.fixture
def ws(demo_dir: Path) -> Workspace:
    return load_workspace(demo_dir / "layouts" / "demo.yaml")


@pytest.fixture(scope="session")
def demo_ws() -> Workspace:
    """The demo workspace itself, read-only use (no journal is written through it)."""
    return load_workspace(DEMO_LAYOUT)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def room(ws: Workspace, clock: Clock):
    r = Room(ws, clock)
    yield r
    r.journal.close()


@pytest.fixture
def spawn_writer() -> Callable[..., subprocess.Popen]:
    """Start a real writer process; every process started is killed and reaped at the end."""
    procs: list[subprocess.Popen] = []

    def start(path: Path, name: str, count: int = 0) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.communicate()
