"""Helpers for the metrics tests (a uniquely named module, so imports never pick another area's)."""

from __future__ import annotations

import json
from pathlib import Path

from warroom.metrics.spec import TileSpec, parse_tiles
from warroom.yamlio import load_text

def tiles(yaml_text: str, path: str = "layout.yaml") -> list[TileSpec]:
    """Parse a ``tiles:`` YAML snippet; fails the test on any problem."""
    data, problems = load_text(yaml_text, path)
    assert not problems, problems
    specs, problems = parse_tiles(data["tiles"], path)
    assert not problems, [str(p) for p in problems]
    return specs


def tile(**fields: object) -> TileSpec:
    """One tile from keyword fields (values written as YAML flow scalars)."""
    body = ", ".join(f"{k}: {json.dumps(v)}" for k, v in fields.items())
    return tiles(f"tiles:\n  - {{{body}}}\n")[0]


REPO = Path(__file__).resolve().parents[2]


def write_layout(tmp: Path, tiles_yaml: str, extra: str = "") -> Path:
    """A layout in ``tmp`` using the demo checklist, with the given ``tiles:`` block."""
    checklist = REPO / "checklists" / "demo-payments-v2.yaml"
    text = (f"launch: Metrics test\nchecklists:\n  - {checklist}\nroles:\n  - {{name: Operations}}\n"
            f"{tiles_yaml}\n{extra}\n")
    path = tmp / "layout.yaml"
    path.write_text(text, encoding="utf-8")
    return path
