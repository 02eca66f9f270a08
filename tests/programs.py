"""Programs some tests drive (chromium, tmux): where one is missing, the test is skipped loudly on
a developer's machine and fails in CI (CI=true), where .ci/run installs it."""

from __future__ import annotations

import os

import pytest


def missing_program(why: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI must install it: see .ci/run)")
    pytest.skip(why)
