"""`warroom report` of a launch whose journal is in a real PostgreSQL: the events, the verify
result, the metric charts from the database's history and the command runs with their exit
codes and their stored output checked against the SHA-256 the journal recorded."""

from __future__ import annotations

import html as htmllib
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from pg_support import launch_url  # noqa: E402
from report_support import ValueServer, war_room  # noqa: E402

from warroom.cli import main  # noqa: E402
from warroom.events import RUN_END  # noqa: E402
from warroom.journal_pg import PgJournal, parse_target, verify_pg  # noqa: E402


@pytest.fixture()
def value_server() -> ValueServer:
    s = ValueServer()
    yield s
    s.stop()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, (argv, out, err)
    return out + err


@pytest.fixture()
def pg_launch(tmp_path: Path, pg_url: str, value_server: ValueServer, capsys) -> Path:  # noqa: ANN001
    layout = war_room(tmp_path, value_server.url)
    data = yaml.safe_load(layout.read_text())
    (tmp_path / "checklists" / "cmds.yaml").write_text(yaml.safe_dump({"id": "cmds", "title": "Commands", "sections": [
        {"id": "go", "title": "Go", "items": [
            {"id": "smoke", "text": "Smoke test", "commands": [{"code": "echo smoke-output; exit 3", "language": "bash"}]},
            {"id": "hello", "text": "Hello", "commands": [{"code": "echo hello-output", "language": "bash"}]}]}]}))
    data["checklists"].append("../checklists/cmds.yaml")
    data["journal"] = launch_url(pg_url)
    data["run"] = {"enabled": True, "timeout": "30s", "grace": "0.3s"}
    layout.write_text(yaml.safe_dump(data, sort_keys=False))
    L = str(layout)
    t0 = (datetime.now(timezone.utc) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cli(capsys, "t0", L, t0, "--as", "flight")
    value_server.value = 210.0
    cli(capsys, "watch", L, "--for", "1.5", "--as", "poller")  # OK, into the database's history
    cli(capsys, "sign", L, "Tech Lead", "go", "--as", "marco")
    assert main(["run", L, "smoke", "--yes", "--no-block", "--as", "ana"]) == 1  # exit 3
    cli(capsys, "run", L, "hello", "--yes", "--as", "ana")
    value_server.value = 950.0
    cli(capsys, "watch", L, "--for", "1.5", "--as", "poller")  # CRIT: the rollback trigger fires
    capsys.readouterr()
    return layout


def test_the_report_of_a_postgresql_launch_has_its_charts_runs_and_verify(pg_launch: Path, pg_url: str, capsys) -> None:  # noqa: ANN001
    target = parse_target(launch_url(pg_url), None)
    with PgJournal(target, read_only=True) as j:
        events = j.load().events
    out = pg_launch.parent / "report.html"
    cli(capsys, "report", str(pg_launch), "--out", str(out))
    page = out.read_text()
    section = {m[1]: m[2] for m in re.finditer(r'<section id="([a-z]+)">(.*?)</section>', page, re.S)}
    seqs = [int(s) for s in re.findall(r'<td class="num">(\d+)</td>', section["timeline"])]
    assert seqs == [e.seq for e in events]  # every event, read from the database
    # the chart: the samples the poller kept in the database, the breach marked
    assert "<svg" in section["metrics"] and "Latency" in section["metrics"]
    captions = htmllib.unescape(re.sub(r"<[^>]+>", " ", section["metrics"]))
    n = int(re.search(r"(\d+) samples; (\d+) in CRIT", captions)[1])
    assert n >= 2 and int(re.search(r"(\d+) samples; (\d+) in CRIT", captions)[2]) >= 1
    assert "rollback trigger(s) fired" in captions
    # the runs: exit codes from the journal, outputs from the database, checked against their hash
    runs = htmllib.unescape(re.sub(r"<[^>]+>", " ", section["runs"]))
    assert "exit 3" in runs and "exit 0" in runs
    assert runs.count("SHA-256 matches") == 2
    # verify: the database's own check, and its head
    report = verify_pg(target)
    assert report.ok and f"Head hash <code>{report.head_hash}</code> after {report.events} events" in section["integrity"]
    assert "chain ok" in section["integrity"]
    assert "password" not in page.lower() and "launch launch" in page  # the URL named, redacted, with its launch
    markdown = cli(capsys, "report", str(pg_launch), "--format", "markdown")
    assert "## Command runs" in markdown and "SHA-256 matches" in markdown and report.head_hash in markdown


def test_the_report_says_when_a_runs_stored_output_was_altered(pg_launch: Path, pg_url: str, capsys) -> None:  # noqa: ANN001
    target = parse_target(launch_url(pg_url), None)
    with PgJournal(target, read_only=True) as j:
        run_id = [e for e in j.load().events if e.kind == RUN_END][-1].payload["run"]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE warroom_run_output SET data = 'forged' WHERE run = %s", (run_id,))
    page = cli(capsys, "report", str(pg_launch), "--format", "markdown")
    assert "SHA-256 matches" in page and "output ALTERED" in page
