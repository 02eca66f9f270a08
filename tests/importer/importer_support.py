"""Shared by the importer tests: where the five real seed checklists (byte-exact copies) are."""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"
REPO = Path(__file__).resolve().parents[2]


def seed_path(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path
