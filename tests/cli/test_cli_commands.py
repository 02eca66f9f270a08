"""The scriptable CLI, driven in-process through ``warroom.cli.main`` on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from warroom.cli import main
from warroom.journal import verify


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def status(capsys: pytest.CaptureFixture[str], layout: Path) -> dict:
    code, out, _ = run(capsys, "status", str(layout), "--json", "--no-probe")
    assert code == 0
    return json.loads(out)


def item(data: dict, item_id: str) -> dict:
    for c in data["checklists"]:
        for it in c["items"]:
            if it["id"] == item_id:
                return it
    raise AssertionError(item_id)


def test_tick_and_untick_by_prefix(capsys, demo):
    code, out, _ = run(capsys, "tick", str(demo), "load-test", "--as", "ana")
    assert code == 0 and "payments-v2/pre-launch/load-test → done" in out
    data = status(capsys, demo)
    it = item(data, "payments-v2/pre-launch/load-test")
    assert (it["status"], it["by"]) == ("done", "ana")
    assert run(capsys, "tick", str(demo), "pre-launch/load", "--undo")[0] == 0
    assert item(status(capsys, demo), "payments-v2/pre-launch/load-test")["status"] == "todo"
    events = yaml.safe_load(demo.with_name("demo.journal.yaml").read_text())
    assert [e["payload"]["status"] for e in events] == ["done", "todo"]
    assert events[0]["op"] == "ana"


def test_ambiguous_and_unknown_items_list_candidates(capsys, demo):
    code, _, err = run(capsys, "tick", str(demo), "payments-v2/launch-day/c")
    assert code == 1
    assert "ambiguous" in err and "payments-v2/launch-day/canary/latency" in err
    code, _, err = run(capsys, "tick", str(demo), "laod-test")
    assert code == 1 and "unknown item 'laod-test'" in err
    assert not demo.with_name("demo.journal.yaml").exists()


def test_blocked_needs_reason_and_blocks_the_decision(capsys, demo):
    code, _, err = run(capsys, "set-status", str(demo), "pen-test", "blocked")
    assert code == 1 and "needs a reason" in err
    assert run(capsys, "set-status", str(demo), "pen-test", "blocked", "--reason", "2 highs open")[0] == 0
    data = status(capsys, demo)
    assert data["decision"]["verdict"] == "NO-GO"
    assert data["decision"]["reasons"][0]["text"] == "critical item blocked (2 highs open): Penetration test findings closed"


def test_full_go_and_exit_codes(capsys, demo):
    L = str(demo)
    assert run(capsys, "status", L, "--exit-code", "--no-probe")[0] == 3  # PENDING
    for ref in ("load-test", "pen-test", "db-migration", "feature-flag"):
        assert run(capsys, "tick", L, ref)[0] == 0
    for role in ("Product Owner", "tech lead", "Security", "Operations"):
        assert run(capsys, "sign", L, role, "go")[0] == 0
    assert run(capsys, "status", L, "--exit-code", "--no-probe")[0] == 3  # a criterion is unassessed
    assert run(capsys, "assess", L, "load-test-signed", "pass", "--value", "2.1x")[0] == 0
    code, out, _ = run(capsys, "status", L, "--exit-code", "--no-probe")
    assert code == 0 and "Decision: GO" in out
    # Un-ticking a critical item makes every earlier GO stale.
    assert run(capsys, "tick", L, "pen-test", "--undo")[0] == 0
    data = status(capsys, demo)
    assert data["decision"]["verdict"] == "PENDING"
    assert {s["state"] for s in data["signoffs"] if s["required"]} == {"stale"}
    assert run(capsys, "sign", L, "Security", "no-go")[0] == 1  # needs a comment
    assert run(capsys, "sign", L, "Security", "no-go", "--comment", "new CVE")[0] == 0
    assert run(capsys, "status", L, "--exit-code", "--no-probe")[0] == 1


def test_clock_commands(capsys, demo):
    L = str(demo)
    code, _, err = run(capsys, "hold", L, "weather")
    assert code == 1 and "no T-0" in err
    assert run(capsys, "t0", L, "2099-01-01T12:00:00+01:00")[0] == 0
    assert status(capsys, demo)["clock"]["state"] == "COUNTING"
    assert run(capsys, "hold", L, "DNS not propagated")[0] == 0
    data = status(capsys, demo)
    assert (data["clock"]["state"], data["clock"]["hold_reason"]) == ("HOLD", "DNS not propagated")
    assert run(capsys, "hold", L, "again")[0] == 1
    assert run(capsys, "resume", L)[0] == 0
    assert run(capsys, "resume", L)[0] == 1
    code, _, err = run(capsys, "recycle", L, "T+1h")
    assert code == 1 and "earlier mark" in err
    assert run(capsys, "recycle", L, "T-1h")[0] == 1  # the clock is days before T-1h: not earlier
    assert run(capsys, "scrub", L, "provider outage")[0] == 0
    data = status(capsys, demo)
    assert data["clock"]["state"] == "SCRUB" and data["decision"]["verdict"] == "NO-GO"
    assert run(capsys, "resume", L)[0] == 1
    assert run(capsys, "t0", L, "2099-01-02T12:00:00Z")[0] == 0
    data = status(capsys, demo)
    assert (data["clock"]["state"], data["clock"]["attempt"]) == ("COUNTING", 2)


def test_poll_walks_roles_in_order(capsys, demo):
    L = str(demo)
    assert run(capsys, "poll", L, "go")[0] == 1  # no poll yet
    code, out, _ = run(capsys, "poll", L, "start")
    assert code == 0 and "waiting on Product Owner" in out
    assert run(capsys, "poll", L, "go", "--role", "Security")[0] == 1  # not its turn
    for _ in range(3):
        assert run(capsys, "poll", L, "go")[0] == 0
    data = status(capsys, demo)
    assert data["poll"]["waiting_on"] == "Operations"
    assert run(capsys, "poll", L, "no-go", "--comment", "pager rota gap")[0] == 0
    code, out, _ = run(capsys, "poll", L, "go")
    assert code == 0 and "poll: complete" in out
    data = status(capsys, demo)
    assert data["poll"] is None
    assert [s["state"] for s in data["signoffs"]] == ["GO", "GO", "GO", "NO-GO", "GO"]


def test_notes_log_and_as_of(capsys, demo):
    L = str(demo)
    assert run(capsys, "note", L, "ramp", "waiting", "on", "SRE", "--as", "kim")[0] == 0
    assert run(capsys, "note", L, "go for launch")[0] == 0
    it = item(status(capsys, demo), "payments-v2/post-launch/ramp")
    assert [(n["text"], n["by"]) for n in it["notes"]] == [("waiting on SRE", "kim")]
    code, out, _ = run(capsys, "log", L)
    assert "note on payments-v2/post-launch/ramp: waiting on SRE" in out and "note on the launch: go for launch" in out
    code, out, _ = run(capsys, "log", L, "--since", "2", "--json")
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [2]
    code, out, _ = run(capsys, "status", L, "--json", "--as-of", "2000-01-01T00:00:00Z")
    assert json.loads(out)["journal"]["events"] == 0


def test_verify_pinpoints_an_edit(capsys, demo):
    L = str(demo)
    for ref in ("load-test", "pen-test", "runbook"):
        run(capsys, "tick", L, ref)
    code, out, _ = run(capsys, "verify", L)
    assert code == 0 and "3 events; head " in out and "chain ok" in out
    journal = demo.with_name("demo.journal.yaml")
    journal.write_text(journal.read_text().replace("pen-test", "freeze", 1))
    code, _, err = run(capsys, "verify", L)
    assert code == 1 and "demo.journal.yaml:3: event seq 2 was edited" in err
    assert not verify(journal).ok


def test_bad_layout_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("launch: X\nchecklists: [missing.yaml]\nrolls: []\n")
    proc = subprocess.run([sys.executable, "-m", "warroom", "status", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{bad}:3:1: unknown key 'rolls' in layout (did you mean 'roles'?)" in proc.stderr
    assert f"{bad}:2:14: unknown checklist: file" in proc.stderr


def test_validate_reports_every_problem(tmp_path, capsys):
    checklist = tmp_path / "c.yaml"
    checklist.write_text("title: C\nsections:\n  - title: S\n    items:\n      - {id: a, text: A, due: tomorrow}\n      - {id: a, text: B, critcal: true}\n")
    code, out, err = run(capsys, "validate", str(checklist))
    assert code == 2
    assert err.splitlines()[:3] == [
        f"{checklist}:5:31: unparsable time for 'due': expected a T-mark like T-24h, T-30m, T-0 or T+4h, got 'tomorrow'",
        f"{checklist}:6:14: duplicate item id 'c/s/a' (first at line 5)",
        f"{checklist}:6:26: unknown key 'critcal' in item (did you mean 'critical'?)",
    ]


def test_no_required_role_is_never_go(capsys, demo):
    import yaml as _yaml

    data = _yaml.safe_load(demo.read_text())
    data["roles"] = [{"name": "Support", "required": False}]
    data["criteria"] = []
    demo.write_text(_yaml.safe_dump(data, sort_keys=False))
    for ref in ("load-test", "pen-test", "db-migration", "feature-flag"):
        assert run(capsys, "tick", str(demo), ref)[0] == 0
    data = status(capsys, demo)
    assert data["decision"]["verdict"] == "PENDING"
    assert [r["text"] for r in data["decision"]["reasons"]] == [
        "the layout names no required sign-off role: nobody can give the GO (add one under 'roles:')"]


def test_ticking_a_done_item_again_records_nothing(capsys, demo):
    assert run(capsys, "tick", str(demo), "load-test")[0] == 0
    code, out, _ = run(capsys, "tick", str(demo), "load-test")
    assert code == 0 and "already done; nothing recorded" in out
    assert status(capsys, demo)["journal"]["events"] == 1


def test_recycle_and_scrub_read_like_a_countdown(capsys, demo):
    from datetime import datetime, timedelta, timezone

    L = str(demo)
    t0 = datetime.now(timezone.utc) + timedelta(minutes=30)
    assert run(capsys, "t0", L, t0.isoformat())[0] == 0
    assert run(capsys, "recycle", L, "T-1h")[0] == 0
    data = status(capsys, demo)
    assert (data["clock"]["state"], data["clock"]["t"], data["clock"]["hold_reason"]) == ("HOLD", "T-01:00:00", "recycled to T-1h")
    assert run(capsys, "scrub", L, "provider outage")[0] == 0
    data = status(capsys, demo)
    # A scrub stops the clock where it was: no T-0 to count to, no hold still showing.
    assert (data["clock"]["state"], data["clock"]["t"], data["clock"]["t0"], data["clock"]["hold_reason"]) == ("SCRUB", "T-01:00:00", None, "")
    later = (datetime.now(timezone.utc) + timedelta(hours=3)).isoformat()
    code, out, _ = run(capsys, "status", L, "--json", "--as-of", later)
    assert json.loads(out)["clock"]["t"] == "T-01:00:00"


def test_a_tampered_journal_is_reported_by_every_command(capsys, demo):
    L = str(demo)
    for ref in ("load-test", "pen-test"):
        run(capsys, "tick", L, ref)
    journal = demo.with_name("demo.journal.yaml")
    journal.write_text(journal.read_text().replace('"done"', '"skipped"', 1))
    code, _, err = run(capsys, "status", L, "--no-probe")
    assert code == 0 and "journal.yaml:2: event seq 1 was edited: its hash does not match its content" in err
    code, out, err = run(capsys, "tick", L, "runbook")
    assert code == 0 and "event seq 1 was edited" in err  # recorded, and the operator is told


def test_importing_a_file_with_no_checklist_writes_nothing(capsys, tmp_path):
    prose = tmp_path / "notes.md"
    prose.write_text("# Launch notes\n\nWe will launch on Tuesday.\n\n- a plain bullet, not a task\n")
    code, _, err = run(capsys, "import", str(prose), "--out-dir", str(tmp_path / "checklists"))
    assert code == 2 and "no checklist found" in err
    assert not (tmp_path / "checklists").exists() and not (tmp_path / "layouts").exists()


def test_probe_of_an_unknown_tile_is_bad_input(capsys):
    demo_layout = Path(__file__).resolve().parents[2] / "layouts" / "demo.yaml"  # it ships with tiles
    code, _, err = run(capsys, "probe", str(demo_layout), "p59")
    assert code == 2 and "unknown tile 'p59' (did you mean 'p95'?)" in err
