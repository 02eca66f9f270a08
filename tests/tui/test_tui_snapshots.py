"""Snapshots at 80x24 and 200x60 with a frozen clock (update with `pytest --snapshot-update`)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from tui_support import FROZEN, append, frozen, loaded, make_app

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 60), id="200x60")]
SEED = "final-launch-378-reconciliation-platform"
DATA = Path(__file__).with_name("data")


@pytest.fixture
def seed_layout(tmp_path: Path) -> tuple[Path, Path]:
    """One of the real seed checklists as `warroom import` made it (a copy kept in tests/tui/data, so
    the frames do not move when the importer improves), T-0 90 minutes ahead."""
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    layout = tmp_path / "layouts" / f"{SEED}.yaml"
    journal_path = tmp_path / "seed.journal.yaml"
    ws = load_workspace(layout)
    with Journal(journal_path) as journal:
        journal.load()
        Actions(journal, "director", now=frozen).set_t0(LaunchState(ws), FROZEN + timedelta(minutes=90))
    return layout, journal_path


async def _ready(pilot) -> None:  # noqa: ANN001
    await loaded(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_on_a_seed_layout(snap_compare, seed_layout, size) -> None:  # noqa: ANN001
    layout, journal_path = seed_layout
    append(layout, journal_path, "tick", "final-launch-378-reconciliation-platform/critical-pre-launch-tasks/security-must-complete/secrets-migration-to-aws-secrets-manager")
    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", SIZES)
def test_hold(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    append(layout, journal_path, "tick", "payments-v2/pre-launch/load-test")
    append(layout, journal_path, "set_status", "payments-v2/pre-launch/pen-test", "blocked", "two findings open")
    append(layout, journal_path, "hold", "waiting for the pen-test vendor")
    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", SIZES)
def test_poll_in_progress(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    append(layout, journal_path, "poll_start")
    append(layout, journal_path, "poll_answer", "GO", "ready", op="priya")
    append(layout, journal_path, "poll_answer", "NO-GO", "pager is noisy", op="marco")

    async def run_before(pilot) -> None:  # noqa: ANN001
        await loaded(pilot)
        await pilot.press("p")  # a poll is open: p carries on walking it
        await pilot.pause()

    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_filter(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await loaded(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"canary", "enter")
        await pilot.pause()

    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_read_only_wall_view(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    append(layout, journal_path, "sign", "Tech Lead", "GO", "all green")
    append(layout, journal_path, "note", "payments-v2/launch-day/db-migration", "dry run took 4 minutes")
    assert snap_compare(make_app(layout, journal_path, read_only=True), terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", SIZES)
def test_no_color(snap_compare, layout, journal_path, monkeypatch, size) -> None:  # noqa: ANN001
    """NO_COLOR: the glyphs carry the meaning (✓ ~ ✗ – ○, ★ critical, ⚠ overdue)."""
    append(layout, journal_path, "tick", "payments-v2/pre-launch/load-test")
    append(layout, journal_path, "set_status", "payments-v2/pre-launch/pen-test", "blocked", "two findings open")
    append(layout, journal_path, "set_status", "payments-v2/launch-day/canary", "in-progress")
    append(layout, journal_path, "set_status", "payments-v2/post-launch/retro", "skipped", "folded into the quarterly review")
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(layout, journal_path)
    assert app.no_color
    assert snap_compare(app, terminal_size=size, run_before=_ready)
