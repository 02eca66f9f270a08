"""Fixtures for the runner tests: a small war room whose items carry real commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner_support import Room, make_room


@pytest.fixture
def room(tmp_path: Path) -> Room:
    return make_room(tmp_path)
