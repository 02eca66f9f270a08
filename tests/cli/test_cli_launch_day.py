"""The CLI on launch day: T-0 as a delay, the hold at T-0 without a GO as every view shows it,
the override, a contradicting PASS, rollback triggers by hand, reason kinds in ``status --json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from warroom.cli import main
from warroom.decision import REASON_KINDS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def status(capsys, layout: Path, *extra: str) -> dict:
    code, out, _ = run(capsys, "status", str(layout), "--json", "--no-probe", *extra)
    assert code == 0
    return json.loads(out)


@pytest.fixture
def day(demo: Path) -> Path:
    data = yaml.safe_load(demo.read_text())
    data["criteria"].append({"id": "latency", "name": "API Latency P95", "threshold": "< 500ms"})
    data["rollback"] = [{"id": "errors-up", "name": "Error rate above 1%", "threshold": "> 1%"}]
    demo.write_text(yaml.safe_dump(data, sort_keys=False))
    return demo


def test_t0_takes_a_delay_from_now_like_the_screen(capsys, day) -> None:
    before = datetime.now(timezone.utc)
    code, out, err = run(capsys, "t0", str(day), "30m")
    assert code == 0, err
    t0 = datetime.fromisoformat(status(capsys, day)["clock"]["t0"])
    assert timedelta(minutes=29) < t0 - before < timedelta(minutes=31)
    code, _, err = run(capsys, "t0", str(day), "whenever")
    assert code == 1 and "or a delay from now like 30m" in err


def test_status_past_t0_without_a_go_shows_the_hold_before_any_screen_journaled_it(capsys, day) -> None:
    t0 = (datetime.now(timezone.utc) - timedelta(minutes=3)).isoformat()
    assert run(capsys, "t0", str(day), t0)[0] == 0
    data = status(capsys, day)
    clock = data["clock"]
    assert (clock["state"], clock["t"], clock["hold_reason"], clock["auto_hold"], clock["auto_hold_recorded"]) == \
        ("HOLD", "T+00:00:00", "no GO at T-0", True, False)
    code, out, _ = run(capsys, "status", str(day), "--no-probe")
    assert "HOLD: no GO at T-0 — resume needs a GO or an override" in out and "not journaled yet" in out
    assert {r["kind"] for r in data["decision"]["reasons"]} <= set(REASON_KINDS)


def test_resume_past_t0_needs_a_go_or_an_override_that_the_record_keeps(capsys, day) -> None:
    t0 = (datetime.now(timezone.utc) - timedelta(minutes=3)).isoformat()
    run(capsys, "t0", str(day), t0)
    run(capsys, "hold", str(day), "a question")
    code, _, err = run(capsys, "resume", str(day))
    assert code == 1 and "resuming past T-0 needs a GO, or an override" in err
    code, out, err = run(capsys, "resume", str(day), "--override", "the board accepts the risk", "--as", "dir")
    assert code == 0, err
    data = status(capsys, day)
    assert data["clock"]["state"] == "COUNTING" and data["clock"]["override"] == "the board accepts the risk"
    kinds = [r["kind"] for r in data["decision"]["reasons"]]
    assert "override" in kinds
    code, out, _ = run(capsys, "log", str(day))
    assert "resume past T-0 without a GO (override: the board accepts the risk)" in out


def test_a_contradicting_pass_is_refused_and_an_override_is_recorded(capsys, day) -> None:
    code, _, err = run(capsys, "assess", str(day), "latency", "pass", "--value", "900ms")
    assert code == 1 and "the value 900ms does not meet the threshold '< 500ms'" in err
    code, _, err = run(capsys, "assess", str(day), "latency", "pass", "--value", "900ms", "--override", "one region")
    assert code == 0, err
    crit = [c for c in status(capsys, day)["criteria"] if c["id"] == "latency"][0]
    assert crit["state"] == "pass" and "override: one region" in crit["detail"]


def test_a_rollback_trigger_is_fired_or_not_fired_and_optional_criteria_say_so(capsys, day) -> None:
    code, _, err = run(capsys, "assess", str(day), "errors-up", "pass")
    assert code == 1 and "rollback trigger" in err and "'fired' or 'not-fired'" in err
    assert run(capsys, "assess", str(day), "errors-up", "fired", "--value", "2%")[0] == 0
    code, out, _ = run(capsys, "status", str(day), "--no-probe")
    assert "[rollback trigger]: fired by" in out
    assert "[go/no-go, optional]" in out


def test_the_demo_prints_a_join_command_that_runs(tmp_path: Path) -> None:
    from warroom.cli.screen import warroom_command

    script = Path(sys.executable).with_name("warroom")
    argv0 = sys.argv[0]
    try:
        sys.argv[0] = str(script)
        shown = warroom_command()
    finally:
        sys.argv[0] = argv0
    env = {k: v for k, v in os.environ.items() if k != "PATH"} | {"PATH": "/usr/bin:/bin"}
    done = subprocess.run(f"{shown} --help", shell=True, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "warroom" in done.stdout


def test_a_write_past_t0_records_the_hold_first_so_resume_finds_it(capsys, day) -> None:
    t0 = (datetime.now(timezone.utc) - timedelta(minutes=3)).isoformat()
    run(capsys, "t0", str(day), t0)
    code, out, err = run(capsys, "resume", str(day), "--override", "the board accepts the risk")
    assert code == 0, err
    assert "HOLD: no GO at T-0" in err and "the count had reached T-0" in err
    kinds = [json.loads(line)["kind"] for line in run(capsys, "log", str(day), "--json")[1].splitlines()]
    assert kinds == ["set-t0", "t0-reached", "resume"]
    assert status(capsys, day)["clock"]["state"] == "COUNTING"


def test_status_shows_item_texts_and_reasons_as_read_not_their_markdown(capsys, day) -> None:
    """QA: `status` printed 'critical item todo: **Secrets Migration…**', markers and all. The
    JSON keeps the text as written (scripts read it); the lines a person reads drop the markers."""
    checklist = next(day.parent.parent.glob("checklists/*.yaml"))
    data = yaml.safe_load(checklist.read_text())
    item = next(i for s in data["sections"] for i in s.get("items", []) if i.get("critical"))
    item["text"] = "**Secrets Migration** to `aws secretsmanager`"
    checklist.write_text(yaml.safe_dump(data, sort_keys=False))
    code, out, err = run(capsys, "status", str(day), "--items", "--no-probe")
    assert code == 0, err
    assert "Secrets Migration to aws secretsmanager" in out and "**" not in out and "`" not in out
    reasons = status(capsys, day)["decision"]["reasons"]
    assert any("**Secrets Migration** to `aws secretsmanager`" in r["text"] for r in reasons)
