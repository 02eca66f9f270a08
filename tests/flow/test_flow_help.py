"""`--help` of every `warroom` command and sub-command prints its help and exits 0.

The parser is walked, so a command added later is covered too: a bare ``%`` in any argparse help
string (``'<'`` and ``'%'`` appear in thresholds) makes ``--help`` crash with ``ValueError:
unsupported format character``, which no other test would see.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys

from warroom.cli import build_parser, main


def _commands(parser: argparse.ArgumentParser, prefix: list[str]) -> list[tuple[list[str], argparse.ArgumentParser]]:
    """(argv before ``--help``, parser) for ``parser`` and every sub-command under it, positionals filled."""
    out = [(prefix, parser)]
    filled: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                out += _commands(child, prefix + filled + [name])
            break
        if not action.option_strings and action.nargs not in ("*", "?"):
            filled.append("L.yaml")  # a positional before the sub-commands (tiles LAYOUT add)
    return out


def test_the_walk_finds_the_nested_commands():
    found = {" ".join(argv) for argv, _ in _commands(build_parser(), [])}
    assert {"tiles L.yaml add", "tiles L.yaml edit", "tiles L.yaml bind", "status", "validate"} <= found


def test_every_help_exits_0_and_prints_its_usage():
    failures = []
    commands = _commands(build_parser(), [])
    for argv, parser in commands:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                main([*argv, "--help"])
        except SystemExit as exc:
            code = exc.code
        except Exception as exc:  # noqa: BLE001 - the bug this test is for
            failures.append(f"warroom {' '.join(argv)} --help: {type(exc).__name__}: {exc}")
            continue
        else:
            code = "returned instead of exiting"
        if code != 0 or not out.getvalue().startswith("usage:"):
            failures.append(f"warroom {' '.join(argv)} --help: exit {code}: {out.getvalue()[:80]!r}")
    assert not failures, "\n".join(failures)
    assert len(commands) > 10


def test_tiles_add_help_in_a_real_process():
    p = subprocess.run([sys.executable, "-m", "warroom", "tiles", "L.yaml", "add", "--help"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    assert "--threshold" in p.stdout and "(ms, %, ...)" in p.stdout
