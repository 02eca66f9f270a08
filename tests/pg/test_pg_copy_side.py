"""``warroom journal copy`` moves what sits beside the events too, against a real PostgreSQL:
a file launch with command runs (real output) and a metric history copied file → database →
file keeps its events, its outputs byte for byte under their recorded SHA-256 and its samples in
order; the copy's report finds each output ("matches") and draws the chart. A missing or
altered source output is reported by run; a destination already holding side data is refused."""

from __future__ import annotations

import hashlib
import os
import re
import stat
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
from warroom.journal import Journal  # noqa: E402
from warroom.journal_pg import lines_of, parse_target  # noqa: E402
from warroom.metrics.history import history_path  # noqa: E402
from warroom.metrics.side import history_for  # noqa: E402


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, (argv, out, err)
    return out + err


@pytest.fixture()
def file_launch(tmp_path: Path, capsys) -> Path:  # noqa: ANN001
    """A launch in a journal file: two command runs with real output, a poller's history."""
    server = ValueServer()
    try:
        layout = war_room(tmp_path, server.url)
        data = yaml.safe_load(layout.read_text())
        (tmp_path / "checklists" / "cmds.yaml").write_text(yaml.safe_dump({"id": "cmds", "title": "Commands", "sections": [
            {"id": "go", "title": "Go", "items": [
                {"id": "smoke", "text": "Smoke test", "commands": [{"code": "echo smoke-output; exit 3", "language": "bash"}]},
                {"id": "hello", "text": "Hello", "commands": [{"code": "echo hello-output; head -c 300000 /dev/zero | tr '\\\\0' x", "language": "bash"}]}]}]}))
        data["checklists"].append("../checklists/cmds.yaml")
        data["run"] = {"enabled": True, "timeout": "30s", "grace": "0.3s"}
        layout.write_text(yaml.safe_dump(data, sort_keys=False))
        L = str(layout)
        t0 = (datetime.now(timezone.utc) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ok(capsys, "t0", L, t0, "--as", "flight")
        server.value = 210.0
        ok(capsys, "watch", L, "--for", "1.5", "--as", "poller")
        assert main(["run", L, "smoke", "--yes", "--no-block", "--as", "ana"]) == 1  # exit 3
        ok(capsys, "run", L, "hello", "--yes", "--as", "ana")
        server.value = 950.0
        ok(capsys, "watch", L, "--for", "1.5", "--as", "poller")
        capsys.readouterr()
    finally:
        server.stop()
    return layout


def journal_of(layout: Path) -> Path:
    return layout.with_name(layout.stem + ".journal.yaml")


def events_of(path: Path) -> list:  # noqa: ANN401
    with Journal(path) as j:
        return j.load().events


def outputs(path: Path) -> dict[str, bytes]:
    """The run outputs beside a journal file, by the name its run-end recorded."""
    out = {}
    for ev in events_of(path):
        if ev.kind == RUN_END:
            out[ev.payload["output_file"]] = path.with_name(ev.payload["output_file"]).read_bytes()
            assert hashlib.sha256(out[ev.payload["output_file"]]).hexdigest() == ev.payload["output_sha256"]
    return out


def report_runs(capsys: pytest.CaptureFixture[str], layout: Path, journal: str) -> tuple[str, str]:
    page = ok(capsys, "report", str(layout), "--journal", journal, "--format", "markdown")
    html_out = layout.parent / "copy-report.html"
    ok(capsys, "report", str(layout), "--journal", journal, "--out", str(html_out))
    return page, html_out.read_text()


def test_a_launch_copied_file_to_postgresql_to_file_keeps_its_outputs_and_history(
        file_launch: Path, pg_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    src = journal_of(file_launch)
    src_outputs = outputs(src)
    assert len(src_outputs) == 2 and any(len(b) > 300_000 for b in src_outputs.values())  # more than one chunk in the database
    samples = history_for(src).load()
    assert len(samples) >= 2
    url = launch_url(pg_url, "payments")
    out = ok(capsys, "journal", "copy", str(src), url)
    assert "copied 2 of 2 run outputs" in out and f"copied {len(samples)} metric samples, read back identical" in out
    # in the database: the events, the outputs (rows and chunks, the recorded hash), the samples in order
    target = parse_target(url, None)
    assert lines_of(target) == [ln for ln in src.read_text().split("\n") if ln.startswith("- {")]
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT run, sha256, bytes, chunks FROM warroom_runs WHERE launch = 'payments' ORDER BY run").fetchall()
        stored = {run: b"".join(bytes(d) for (d,) in conn.execute(
            "SELECT data FROM warroom_run_output WHERE launch = 'payments' AND run = %s ORDER BY chunk", (run,)))
            for run, *_ in rows}
    ends = {ev.payload["run"]: ev.payload for ev in events_of(src) if ev.kind == RUN_END}
    assert {run: sha for run, sha, _, _ in rows} == {run: p["output_sha256"] for run, p in ends.items()}
    assert {run: stored[run] for run in ends} == {run: src_outputs[p["output_file"]] for run, p in ends.items()}
    assert max(n for *_, n in rows) >= 2
    h = history_for(target)
    assert h.load() == samples
    h.close()
    # the report of the launch in the database: both outputs match, the chart is there
    page, html = report_runs(capsys, file_launch, url)
    assert page.count("SHA-256 matches") == 2 and "output missing" not in page
    assert "<svg" in html and "Latency" in html
    # and back to a file elsewhere: identical events, outputs byte for byte (0640), samples in order
    back = tmp_path / "elsewhere" / "back.journal.yaml"
    out = ok(capsys, "journal", "copy", url, str(back))
    assert "copied 2 of 2 run outputs" in out
    assert back.read_bytes() == src.read_bytes()
    assert outputs(back) == src_outputs
    for name in src_outputs:
        assert stat.S_IMODE(os.stat(back.with_name(name)).st_mode) == 0o640
    assert history_path(back).exists() and history_for(back).load() == samples
    page, html = report_runs(capsys, file_launch, str(back))
    assert page.count("SHA-256 matches") == 2 and "output missing" not in page
    assert "<svg" in html and "Latency" in html
    assert re.search(r"\d+ samples; \d+ in CRIT", re.sub(r"<[^>]+>", " ", html))


def test_a_run_made_on_postgresql_copied_to_a_file_is_found_by_its_hash(
        file_launch: Path, pg_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    """A run made on a database journal records no side file name: the file copy keeps its
    output under the name its SHA-256 gives (``<journal>.run-<sha256>.log``) and the report finds it."""
    data = yaml.safe_load(file_launch.read_text())
    data["journal"] = launch_url(pg_url, "live")
    file_launch.write_text(yaml.safe_dump(data, sort_keys=False))
    L = str(file_launch)
    ok(capsys, "t0", L, "2030-01-01T00:00:00Z", "--as", "flight")
    ok(capsys, "run", L, "hello", "--yes", "--as", "ana")
    back = tmp_path / "live.journal.yaml"
    ok(capsys, "journal", "copy", launch_url(pg_url, "live"), str(back))
    (end,) = [ev for ev in events_of(back) if ev.kind == RUN_END]
    assert not end.payload.get("output_file")
    kept = back.with_name(f"{back.name}.run-{end.payload['output_sha256']}.log")
    assert kept.read_bytes().startswith(b"hello-output") and hashlib.sha256(kept.read_bytes()).hexdigest() == end.payload["output_sha256"]
    page, _ = report_runs(capsys, file_launch, str(back))
    assert page.count("SHA-256 matches") == 1


def test_a_missing_or_altered_source_output_is_reported_by_run_and_the_events_still_copy(
        file_launch: Path, pg_url: str, capsys) -> None:  # noqa: ANN001
    src = journal_of(file_launch)
    ends = [ev for ev in events_of(src) if ev.kind == RUN_END]
    gone, forged = (src.with_name(ev.payload["output_file"]) for ev in ends)
    gone.unlink()
    forged.write_bytes(b"forged")
    url = launch_url(pg_url, "payments")
    code, out, err = run(capsys, "journal", "copy", str(src), url)
    assert code == 0, err
    assert "copied 1 of 2 run outputs" in out and "Traceback" not in err
    lines = src.read_text().split("\n")
    for ev, what in ((ends[0], "missing at the source"), (ends[1], "ALTERED")):
        line_no = next(n for n, ln in enumerate(lines, 1) if f'"seq":{ev.seq},' in ln or f'"seq": {ev.seq},' in ln)
        (said,) = [ln for ln in err.splitlines() if f"warning: {src}:{line_no}:1: run {ev.payload['run']} of '{ev.target}'" in ln]
        assert what in said
    # the copy is faithful, not better than its source: its report says the same as the source's
    page = ok(capsys, "report", str(file_launch), "--journal", url, "--format", "markdown")
    assert "output missing" in page and "output ALTERED" in page


def test_a_destination_that_holds_side_data_already_is_refused(file_launch: Path, pg_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    src = journal_of(file_launch)
    dst = tmp_path / "other" / "dst.journal.yaml"
    dst.parent.mkdir()
    history_path(dst).write_text("# left over\n")
    code, _, err = run(capsys, "journal", "copy", str(src), str(dst))
    assert code == 1 and "dst.journal.yaml.metrics exists: refusing" in err and "Traceback" not in err
    assert not dst.exists()
    url = launch_url(pg_url, "payments")
    ok(capsys, "journal", "copy", str(src), url)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # side rows without events (left by hand, say)
        conn.execute("INSERT INTO warroom_runs (launch, run, host, pid) VALUES ('fresh', 'r1', 'h', 1)")
        conn.execute("INSERT INTO warroom_metric_samples (launch, tile, t, sample) VALUES ('other', 'lat', 1, '[1, \"lat\", 1, \"OK\", 1]')")
    for launch, what in (("fresh", "command outputs"), ("other", "a metric history")):
        code, _, err = run(capsys, "journal", "copy", str(src), launch_url(pg_url, launch))
        assert code == 1 and f"holds {what} already: refusing to copy over it" in err and "Traceback" not in err
        with psycopg.connect(pg_url) as conn:
            assert not conn.execute("SELECT 1 FROM warroom_events WHERE launch = %s", (launch,)).fetchone()


def test_a_destination_that_does_not_hold_the_output_read_fails_saying_which_run(file_launch: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    src = journal_of(file_launch)
    (end, planted_end) = [ev for ev in events_of(src) if ev.kind == RUN_END]
    dst = tmp_path / "other" / "dst.journal.yaml"
    dst.parent.mkdir()
    planted = dst.with_name(planted_end.payload["output_file"])
    planted.write_bytes(b"something else under that name")
    os.symlink(src.with_name(end.payload["output_file"]), dst.with_name(end.payload["output_file"]))
    code, out, err = run(capsys, "journal", "copy", str(src), str(dst))
    assert code == 1 and "Traceback" not in err
    assert events_of(dst) == events_of(src) and "copied 0 of 2 run outputs" in out
    assert f"run {planted_end.payload['run']} of 'cmds/go/hello': {dst} does not hold the output read" in err
    assert f"run {end.payload['run']} of 'cmds/go/smoke': cannot read its output back from {dst}" in err  # never through a symlink
    assert planted.read_bytes() == b"something else under that name"  # never written over
    assert "the events are in" in err


def test_a_launch_with_nothing_beside_its_events_copies_without_making_side_tables(demo: Path, pg_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["tick", str(demo), "--as", "ana", "load-test"]) == 0
    src = demo.with_name("demo.journal.yaml")
    out = ok(capsys, "journal", "copy", str(src), pg_url)
    back = tmp_path / "back.journal.yaml"
    out += ok(capsys, "journal", "copy", pg_url, str(back))
    assert back.read_bytes() == src.read_bytes() and not history_path(back).exists()
    assert "run outputs" not in out and "metric samples" not in out
    with psycopg.connect(pg_url) as conn:  # reading a source never creates the side schema
        assert conn.execute("SELECT to_regclass('warroom_runs'), to_regclass('warroom_metric_samples')").fetchone() == (None, None)
