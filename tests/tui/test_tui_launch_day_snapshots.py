"""Launch-day frames at 80x24 and 200x60, on a frozen clock (update with `pytest --snapshot-update`):
the hold at T-0 without a GO, a PASS refused for contradicting its threshold, a poll mid-way,
the hold warning."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from tui_support import FROZEN, append, frozen, loaded, make_app, pick, until

from warroom.actions import Actions
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 60), id="200x60")]


@pytest.fixture
def past_t0(layout: Path) -> Path:
    """T-0 40 seconds before the frozen clock, two roles GO, one still to sign."""
    path = layout.with_name("past.journal.yaml")
    with Journal(path) as journal:
        journal.load()
        Actions(journal, "director", now=frozen).set_t0(LaunchState(load_workspace(layout)), FROZEN - timedelta(seconds=40))
    append(layout, path, "sign", "Product Owner", "GO", "product ready, comms drafted", op="priya")
    append(layout, path, "sign", "Tech Lead", "GO", op="marco")
    return path


@pytest.mark.parametrize("size", SIZES)
def test_the_hold_at_t0_without_a_go(snap_compare, layout, past_t0, size) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await loaded(pilot)
        pilot.app.tick_clock()
        assert await until(pilot, lambda: pilot.app.room.state.countdown.auto_held)
        pilot.app.tick_clock()
        pilot.app.clear_notifications()  # the toast's timing is not the frame's business
        await pilot.pause()

    assert snap_compare(make_app(layout, past_t0), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_a_pass_refused_for_contradicting_its_threshold(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    data = yaml.safe_load(layout.read_text(encoding="utf-8"))
    data["criteria"].append({"id": "latency", "name": "API Latency P95", "threshold": "< 500ms"})
    layout.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    async def run_before(pilot) -> None:  # noqa: ANN001
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pick(pilot, "API Latency")
        await pilot.press("1", *"900ms", "enter")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_a_poll_mid_way(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    append(layout, journal_path, "sign", "Security", "GO", "pen test retest clean", op="lena")
    append(layout, journal_path, "poll_start")
    append(layout, journal_path, "poll_answer", "GO", "ready", op="priya")
    append(layout, journal_path, "poll_answer", "NO-GO", "pager is noisy", op="marco")

    async def run_before(pilot) -> None:  # noqa: ANN001
        await loaded(pilot)
        await pilot.press("p")  # the poll screen: two answered, Security asked
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_the_hold_warning(snap_compare, layout, journal_path, size) -> None:  # noqa: ANN001
    for role, op in (("Product Owner", "priya"), ("Tech Lead", "marco"), ("Security", "lena")):
        append(layout, journal_path, "sign", role, "GO", op=op)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await loaded(pilot)
        await pilot.press("H", *"DNS propagation", "enter")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_app(layout, journal_path), terminal_size=size, run_before=run_before)
