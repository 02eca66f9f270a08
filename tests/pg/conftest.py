"""A real PostgreSQL for the database journal's tests: the ``pgserver`` wheel (a PostgreSQL
server installed by pip, from the test extra), started once per session in a temporary
directory and stopped after. Each test gets its own new database."""

from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runner"))
from pg_support import launch_url  # noqa: E402
from runner_support import Room, make_room  # noqa: E402


@pytest.fixture(scope="session")
def pg_server():  # noqa: ANN201
    import pgserver

    # directly under the temporary directory: as root, pgserver runs PostgreSQL as its own user,
    # which must reach the data directory (pytest's per-user directories are closed to others)
    data = tempfile.mkdtemp(prefix="warroom-pg-")
    server = pgserver.get_server(data, cleanup_mode="delete")
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def pg_url(pg_server) -> str:  # noqa: ANN001
    """A URL of a new, empty database (no password: the local socket trusts its owner)."""
    name = "t_" + uuid.uuid4().hex[:12]
    pg_server.psql(f"CREATE DATABASE {name};")
    parts = urlsplit(pg_server.get_uri())
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo war room without metric tiles. Returns the layout path."""
    import yaml

    (tmp_path / "layouts").mkdir()
    (tmp_path / "checklists").mkdir()
    shutil.copy(ROOT / "checklists" / "demo-payments-v2.yaml", tmp_path / "checklists")
    data = yaml.safe_load((ROOT / "layouts" / "demo.yaml").read_text())
    data.pop("tiles", None)
    data.pop("rollback", None)
    data["criteria"] = [c for c in data.get("criteria", []) if not c.get("tile")]
    layout = tmp_path / "layouts" / "demo.yaml"
    layout.write_text(yaml.safe_dump(data, sort_keys=False))
    return layout


@pytest.fixture
def pg_room(tmp_path: Path, pg_url: str) -> tuple[Room, str]:
    """The runner tests' war room (one item with a command), its journal a launch in a new database."""
    import yaml

    room = make_room(tmp_path)
    data = yaml.safe_load(room.layout.read_text())
    data["journal"] = launch_url(pg_url, "room")
    room.layout.write_text(yaml.safe_dump(data, sort_keys=False))
    return room, pg_url
