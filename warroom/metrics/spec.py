"""Metric tile specs as declared in a layout's ``tiles:`` list.

(The metrics issue fills in sources, thresholds, TLS options and the rest.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warroom.errors import Problem
from warroom.yamlio import YList, YMap


@dataclass
class TileSpec:
    name: str
    raw: dict[str, Any]


def parse_tiles(value: Any, path: str) -> tuple[list[TileSpec], list[Problem]]:
    problems: list[Problem] = []
    tiles: list[TileSpec] = []
    if value is None:
        return tiles, problems
    if not isinstance(value, YList):
        pos = getattr(value, "pos", (0, 0))
        return tiles, [Problem(path, pos[0], pos[1], "expected a list for 'tiles'")]
    for i, node in enumerate(value):
        pos = value.ipos(i)
        if not isinstance(node, YMap) or not node.get("name"):
            problems.append(Problem(path, pos[0], pos[1], "expected a tile mapping with a 'name'"))
            continue
        tiles.append(TileSpec(name=str(node["name"]), raw=dict(node)))
    return tiles, problems
