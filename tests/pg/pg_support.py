"""What the PostgreSQL tests share: waiting for something another process does, and a
database URL naming its launch."""

from __future__ import annotations

import time
from typing import Any, Callable


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """``predicate()`` once it is truthy; fails saying ``what`` never happened after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


def launch_url(url: str, launch: str = "launch") -> str:
    return url + ("&" if "?" in url else "?") + f"launch={launch}"
