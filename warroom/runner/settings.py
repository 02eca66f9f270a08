"""The layout's ``run:`` block: whether commands may run at all, and how.

::

    run:
      enabled: true            # off unless this says so
      shell: /bin/bash         # runs `SHELL -c CODE`
      cwd: ../deploy           # relative to the layout's folder
      timeout: 10m             # every run's limit (an item may override it)
      grace: 5s                # SIGINT, then SIGTERM after this, then SIGKILL after it again
      env: [KUBECONFIG, PROD_DATABASE_URL]   # the only variables passed through
      secrets: [PROD_DATABASE_URL]           # values masked in output wherever they appear
      confirm: typed           # every run asks for a typed word (critical items always do)
      tick_on_success: true    # exit 0 ticks the item; a failure marks it blocked
      items:                   # per-item overrides, by item id (or a unique end of one)
        final-launch/rollback: {timeout: 30m, confirm: typed, tick_on_success: false}
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from warroom.errors import describe_value, did_you_mean
from warroom.tmarks import parse_duration

RUN_KEYS = ["enabled", "shell", "cwd", "timeout", "grace", "env", "secrets", "confirm", "tick_on_success", "items"]
ITEM_RUN_KEYS = ["timeout", "confirm", "tick_on_success"]
CONFIRM_VALUES = ["typed", "y"]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class ItemRun:
    """One item's overrides of the layout's run settings (None: as the layout says)."""

    ref: str
    timeout: timedelta | None = None
    confirm: str | None = None
    tick_on_success: bool | None = None
    pos: tuple[int, int] = (0, 0)


@dataclass
class RunSettings:
    enabled: bool = False
    shell: str = "/bin/bash"
    cwd: Path | None = None  # None: the layout's folder
    timeout: timedelta = timedelta(minutes=10)
    grace: timedelta = timedelta(seconds=5)
    env: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    confirm: str = "y"
    tick_on_success: bool = False
    items: list[ItemRun] = field(default_factory=list)
    raw: Any = None  # the block as plain data, hashed with the commands (see fingerprint)

    def for_item(self, item_id: str) -> ItemRun:
        """The overrides that name this item (by full id or a ``/``-bounded end of it)."""
        for entry in self.items:
            if item_id == entry.ref or item_id.endswith("/" + entry.ref.strip("/")):
                return entry
        return ItemRun(ref=item_id)

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def plain(value: Any) -> Any:
    """YAML nodes as plain JSON-able data (for hashing)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def parse_run(r: Any, root: Any, layout_path: Path) -> RunSettings:
    """Read ``root['run']`` with the layout reader ``r`` (problems go to ``r``)."""
    settings = RunSettings()
    if root.get("run") is None:
        settings.raw = None
        return settings
    node = r.mapping(root["run"], root.vpos("run"), "'run'")
    if node is None:
        return settings
    settings.raw = plain(node)
    r.check_keys(node, RUN_KEYS, "run")
    settings.enabled = r.flag(node, "enabled", False)
    settings.shell = r.text(node, "shell") or settings.shell
    if not settings.shell.startswith("/"):
        r.problem(node.vpos("shell"), f"'shell' must be an absolute path (e.g. /bin/bash), got {settings.shell!r}")
    cwd = r.text(node, "cwd")
    if cwd:
        settings.cwd = (layout_path.parent / cwd)
    for key in ("timeout", "grace"):
        value = _duration(r, node, key)
        if value is not None:
            setattr(settings, key, value)
    settings.env = _names(r, node, "env")
    settings.secrets = _names(r, node, "secrets")
    settings.confirm = _confirm(r, node) or "y"
    settings.tick_on_success = r.flag(node, "tick_on_success", False)
    items = node.get("items")
    if items is not None:
        inode = r.mapping(items, node.vpos("items"), "'run: items' (item id: overrides)")
        for ref in inode or {}:
            entry = r.mapping(inode[ref], inode.vpos(ref), f"run settings of item '{ref}'")
            if entry is None:
                continue
            r.check_keys(entry, ITEM_RUN_KEYS, f"run settings of item '{ref}'")
            tick = entry.get("tick_on_success")
            settings.items.append(ItemRun(ref=str(ref), timeout=_duration(r, entry, "timeout"), confirm=_confirm(r, entry),
                                          tick_on_success=r.flag(entry, "tick_on_success") if tick is not None else None,
                                          pos=inode.kpos(ref)))
    return settings


def _duration(r: Any, node: Any, key: str) -> timedelta | None:
    if node.get(key) is None:
        return None
    try:
        value = parse_duration(str(node[key]))
    except ValueError as exc:
        r.problem(node.vpos(key), f"unparsable duration for '{key}': {exc}")
        return None
    if value <= timedelta(0):
        r.problem(node.vpos(key), f"'{key}' must be longer than zero, got {node[key]!r}")
        return None
    return value


def _names(r: Any, node: Any, key: str) -> list[str]:
    names = []
    values = r.seq(node, key)
    for i, value in enumerate(values):
        if not isinstance(value, str) or not _NAME.match(value):
            r.problem(values.ipos(i), f"expected a variable name (letters, digits, _) in '{key}', got {describe_value(value)}")
            continue
        names.append(value)
    return names


def _confirm(r: Any, node: Any) -> str | None:
    value = r.text(node, "confirm")
    if not value:
        return None
    if value not in CONFIRM_VALUES:
        r.problem(node.vpos("confirm"), f"'confirm' is 'typed' or 'y', got {value!r}{did_you_mean(value, CONFIRM_VALUES)}")
        return None
    return value


def item_problems(layout: Any, ids: list[str]) -> list[Any]:
    """``run: items:`` entries that name no item or section, or more than one."""
    from warroom.errors import Problem

    settings: RunSettings | None = layout.run
    out = []
    for entry in settings.items if settings is not None else []:
        ref = entry.ref.strip("/")
        found = [i for i in ids if i == ref or i.endswith("/" + ref)]
        if len(found) != 1:
            what = "no item or section" if not found else f"{len(found)} items or sections"
            out.append(Problem(str(layout.path), entry.pos[0], entry.pos[1],
                               f"run settings for '{entry.ref}': it names {what}{did_you_mean(ref, ids) if not found else ''}"))
    return out
