"""Start-up: the first frame fast, then the full screen.

- Importing Textual and Rich builds a few hundred thousand objects that live as long as the
  process; the cyclic collector would walk them again and again while they load and while the
  first frame is built. ``imports_without_gc`` collects nothing during the imports, then freezes
  what they built so later collections skip it (``gc.freeze``: they are never garbage anyway).
- ``GcPause``: start-up builds tens of thousands of objects that all stay; collection passes
  over them find nothing, so the collector rests until the first full frame is drawn.
- ``import_for_the_full_screen``: what the full screen needs and the first frame does not; the
  load worker imports it while the child process reads the files.
- ``MountHandshake``: the load worker hands its result over only once the screen is mounted.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

MOUNT_TIMEOUT = 10.0  # seconds the load worker waits for the screen before handing over anyway


@contextmanager
def imports_without_gc() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
    gc.freeze()


class GcPause:
    """The cyclic collector off from ``pause`` to ``resume`` (each idempotent)."""

    def __init__(self) -> None:
        self.paused = False

    def pause(self) -> None:
        if gc.isenabled() and not self.paused:
            gc.disable()
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            gc.enable()


def import_for_the_full_screen() -> None:
    """The journal, state, actions and the panes: imported by the load worker, off the main thread."""
    import warroom.actions  # noqa: F401
    import warroom.evidence  # noqa: F401
    import warroom.journals  # noqa: F401
    import warroom.journal  # noqa: F401
    import warroom.room  # noqa: F401
    import warroom.state  # noqa: F401
    import warroom.tui.widgets.checklist  # noqa: F401
    import warroom.tui.widgets.signoff  # noqa: F401
    import warroom.tui.widgets.timeline  # noqa: F401


class MountHandshake:
    """Set when the screen is mounted (or the app unmounts); the load worker waits for it."""

    def __init__(self) -> None:
        self._mounted = threading.Event()

    def mounted(self) -> None:
        self._mounted.set()

    def wait(self) -> None:
        self._mounted.wait(MOUNT_TIMEOUT)
