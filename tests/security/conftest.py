"""Fixtures of the security corpus: a war room of its own per test, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from security_support import Room, make_room


@pytest.fixture
def room(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Room:
    return make_room(tmp_path, capsys)
