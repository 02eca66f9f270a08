"""Fixtures for the importer tests: the five real seed checklists (byte-exact copies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer_support import seed_path
from warroom.importer.build import ImportResult, import_file

_cache: dict[str, ImportResult] = {}


@pytest.fixture
def seed():
    """``seed("002")`` -> the ImportResult of that seed (imported once per session)."""

    def get(prefix: str) -> ImportResult:
        if prefix not in _cache:
            _cache[prefix] = import_file(seed_path(prefix))
        return _cache[prefix]

    return get
