"""Fixtures for the report tests: a real value server on 127.0.0.1."""

from __future__ import annotations

import pytest

from report_support import ValueServer


@pytest.fixture()
def value_server() -> ValueServer:
    s = ValueServer()
    yield s
    s.stop()
