"""Where warroom's files live: the bundled layouts, the demo's journals, a layout's journal."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

JOURNAL_SUFFIX = ".journal.yaml"
DATABASE_SCHEMES = ("postgresql://", "postgres://")  # a journal given as one of these is a launch in PostgreSQL


def is_database_url(spec: object) -> bool:
    return isinstance(spec, str) and spec.startswith(DATABASE_SCHEMES)


def bundled_layouts() -> Path:
    """The layouts shipped with warroom: ``layouts/`` of a checkout, or the wheel's copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "layouts", here / "_bundled" / "layouts"):
        if (candidate / "demo.yaml").is_file():
            return candidate
    return here.parent / "layouts"


def demo_journal_path() -> Path:
    """A new demo journal in the user's state directory (one per demo run)."""
    from platformdirs import user_state_dir

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(user_state_dir("warroom")) / f"demo-{stamp}-{os.getpid()}{JOURNAL_SUFFIX}"


def default_journal_path(layout_path: Path) -> Path:
    """A layout's journal when it names none: ``<layout>.journal.yaml`` beside it."""
    return layout_path.with_name(layout_path.stem + JOURNAL_SUFFIX)
