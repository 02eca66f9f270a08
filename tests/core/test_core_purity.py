"""The core never imports Textual: only ``warroom/tui`` may."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from core_support import REPO

PKG = REPO / "warroom"
TUI = PKG / "tui"


def _core_modules() -> list[str]:
    mods = []
    for path in sorted(PKG.rglob("*.py")):
        if TUI in path.parents or path.name == "__main__.py":
            continue
        parts = path.relative_to(REPO).with_suffix("").parts
        mods.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return mods


BLOCKED_IMPORT = textwrap.dedent(
    """
    import importlib, json, sys

    class NoTextual:
        def find_spec(self, name, path=None, target=None):
            if name == "textual" or name.startswith("textual."):
                raise ImportError(f"the core imported {name}")
            return None

    sys.meta_path.insert(0, NoTextual())
    failures = {}
    for mod in json.loads(sys.argv[1]):
        try:
            importlib.import_module(mod)
        except Exception as exc:
            failures[mod] = f"{type(exc).__name__}: {exc}"
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print(json.dumps({"failures": failures, "leaked": leaked}))
    """
)


def test_every_core_module_imports_with_textual_blocked() -> None:
    mods = _core_modules()
    assert {"warroom.journal", "warroom.state", "warroom.decision", "warroom.countdown", "warroom.yamlio"} <= set(mods)
    assert not any(m.startswith("warroom.tui") for m in mods)
    out = subprocess.run([sys.executable, "-c", BLOCKED_IMPORT, json.dumps(mods)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"failures": {}, "leaked": []}


def test_the_blocker_really_blocks_textual() -> None:
    """The check above can fail: importing textual itself under the blocker is refused."""
    out = subprocess.run([sys.executable, "-c", BLOCKED_IMPORT, json.dumps(["textual.app"])], capture_output=True, text=True, cwd=REPO, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "the core imported textual" in result["failures"]["textual.app"]


IMPORTS_TEXTUAL = re.compile(r"^\s*(import\s+textual\b|from\s+textual\b)", re.M)


def test_only_the_tui_package_mentions_importing_textual() -> None:
    offenders = [str(p.relative_to(REPO)) for p in sorted(PKG.rglob("*.py"))
                 if TUI not in p.parents and IMPORTS_TEXTUAL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert IMPORTS_TEXTUAL.search("class X:\n    from textual.app import App\n")  # the pattern finds nested imports too
