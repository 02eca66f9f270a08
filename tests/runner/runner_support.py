"""A war room on disk whose items carry real shell commands, and helpers to run them."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.runner.execute import Run, RunResult
from warroom.runner.plan import Plan, prepare
from warroom.state import LaunchState
from warroom.workspace import Workspace, load_workspace

REPO = Path(__file__).resolve().parents[2]

ITEMS: list[dict[str, Any]] = [
    {"id": "hello", "text": "Say hello", "phase": "T-0", "commands": [{"code": "echo hello; echo world", "language": "bash"}]},
    {"id": "fail", "text": "Fails", "commands": [{"code": "echo about to fail; exit 3", "language": "bash"}]},
    {"id": "crit", "text": "A critical step", "critical": True, "phase": "T-0", "commands": ["echo critical done"]},
    {"id": "secret", "text": "Uses a secret", "phase": "T-0",
     "commands": [{"code": 'printf "token=%s\\n" "${API_TOKEN}"; printf "%s" "$API_TOKEN" | wc -c', "language": "bash"}]},
    {"id": "unset", "text": "Needs a variable", "commands": [{"code": "echo $NOT_SET_ANYWHERE", "language": "bash"}]},
    {"id": "placeholder", "text": "Not filled in", "phase": "T-0",
     "commands": [{"code": "kubectl rollout undo deployment/your-app --to-revision=<previous-stable-version>", "language": "bash"}]},
    {"id": "wait", "text": "Waits for a file", "commands": [{"code": "echo first; while [ ! -e go ]; do sleep 0.02; done; echo second",
                                                            "language": "bash"}]},
    {"id": "sleepy", "text": "Sleeps", "commands": [{"code": "echo sleeping; sleep 60", "language": "bash"}]},
    {"id": "stubborn", "text": "Ignores INT and TERM",
     "commands": [{"code": "trap '' INT TERM; echo stubborn; while true; do sleep 0.05; done", "language": "bash"}]},
    {"id": "two", "text": "Two blocks", "commands": [{"code": "echo one", "language": "bash"}, {"code": "echo two", "language": "sh"}]},
    {"id": "sql", "text": "SQL", "commands": [{"code": "SELECT 1;", "language": "sql"}]},
]


@dataclass
class Room:
    dir: Path
    layout: Path
    checklist: Path

    @property
    def journal_path(self) -> Path:
        return self.dir / "room.journal.yaml"

    def ws(self) -> Workspace:
        return load_workspace(self.layout)

    def set_run(self, **settings: Any) -> None:
        data = yaml.safe_load(self.layout.read_text())
        data["run"] = {**data.get("run", {}), **settings}
        self.layout.write_text(yaml.safe_dump(data, sort_keys=False))

    def set_command(self, item_id: str, code: str) -> None:
        data = yaml.safe_load(self.checklist.read_text())
        for item in data["sections"][0]["items"]:
            if item["id"] == item_id:
                item["commands"] = [{"code": code, "language": "bash"}]
        self.checklist.write_text(yaml.safe_dump(data, sort_keys=False))

    def state(self) -> LaunchState:
        return LaunchState.replay(self.ws(), Journal(self.journal_path, read_only=True).load().events)

    def plan(self, item: str, env: dict[str, str] | None = None, **kw: Any) -> Plan:
        return prepare(self.ws(), item, environ=base_env(env), **kw)

    def run(self, item: str, env: dict[str, str] | None = None, operator: str = "ana", **kw: Any) -> tuple[Run, RunResult]:
        run = Run(self.plan(item, env), Journal(self.journal_path), operator, **kw)
        run.start()
        result = run.wait(60)
        assert result is not None, "the run did not end"
        return run, result

    def cli(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "warroom", "run", str(self.layout), *args], capture_output=True, text=True,
                              cwd=self.dir, env=base_env(env), timeout=timeout, stdin=subprocess.DEVNULL)

    def actions(self, operator: str = "ana") -> Actions:
        return Actions(Journal(self.journal_path), operator)


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "USER", "LANG", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def make_room(tmp: Path, run: dict[str, Any] | None = None, items: list[dict[str, Any]] | None = None) -> Room:
    checklist = tmp / "room-checklist.yaml"
    checklist.write_text(yaml.safe_dump({"id": "room", "title": "Room", "sections": [
        {"id": "go", "title": "Go", "items": items or ITEMS},
        {"id": "rollback", "title": "Rollback", "description": (
            "If it goes wrong:\n\n   ```bash\n   # Kubernetes rollback\n   kubectl rollout undo deployment/reconciliation-backend\n\n"
            "   # Or Docker rollback\n   docker-compose down\n   git checkout <previous-stable-version>\n   docker-compose up -d\n   ```\n")},
    ]}, sort_keys=False))
    layout = tmp / "room.yaml"
    layout.write_text(yaml.safe_dump({
        "launch": "Runner test", "checklists": [checklist.name],
        "phases": [{"mark": "T-1h", "name": "Prep"}, {"mark": "T-0", "name": "Launch"}],
        "run": run if run is not None else {"enabled": True, "timeout": "30s", "grace": "0.3s", "env": ["API_TOKEN", "NOT_SET_ANYWHERE"],
                                             "secrets": ["DB_PASSWORD"], "tick_on_success": True},
    }, sort_keys=False))
    return Room(tmp, layout, checklist)


def journal_text(room: Room) -> str:
    return room.journal_path.read_text(encoding="utf-8") if room.journal_path.exists() else ""
