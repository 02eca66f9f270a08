"""CLI subcommands of the metrics area, registered on the main `warroom` parser."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this area's subcommands (filled in by the metrics work)."""
