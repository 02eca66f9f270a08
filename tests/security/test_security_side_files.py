"""Files warroom writes or reads beside a layout or a journal, in a directory others can write.

Whoever can write the layout's or the journal's directory can plant a symlink or a FIFO at a
name warroom is about to use. The layout editor's and the importer's temporary files had fixed
(``.app.yaml.tmp``) or pid-based names: a symlink planted there sent the write into another
file. A run's side file name comes from the journal (hostile text), its final name from the
output's SHA-256 (predictable). A release reason reached the journal unchecked.
"""

from __future__ import annotations

import hashlib
import json
import os
import time

from security_support import ESC, LAYOUT, no_raw, make_room
from warroom.runner.execute import read_tail

RUN_CHECKLIST = """\
id: app
title: App launch
sections:
  - id: pre
    title: Pre-launch
    items:
      - {id: hello, text: Say ok, commands: ["printf ok"]}
"""
RUN_LAYOUT = LAYOUT + "run: {enabled: true}\n"
TILE = ["--name", "up", "--source", "http", "--check", "status", "--url", "http://127.0.0.1:9/health", "--yes"]


def _victim(room):
    victim = room.root / "victim.txt"
    victim.write_text("untouched\n")
    return victim


def test_a_symlink_planted_at_the_layout_editors_temporary_name_is_not_written_through(room) -> None:
    victim = _victim(room)
    for name in (".app.yaml.tmp", f".app.yaml.{os.getpid()}.tmp"):
        (room.layout.parent / name).symlink_to(victim)
    code, out, err = room.cli("tiles", room.layout, "add", *TILE)
    assert code == 0 and "added tile up" in out
    assert victim.read_text() == "untouched\n"
    assert not room.layout.is_symlink() and "name: up" in room.layout.read_text()
    assert not [p for p in room.layout.parent.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]


def test_a_symlink_at_the_layouts_lock_name_is_refused_not_followed(room) -> None:
    missing = room.root / "created-through-the-link"
    (room.layout.parent / ".app.yaml.lock").symlink_to(missing)
    code, out, err = room.cli("tiles", room.layout, "add", *TILE)
    assert code == 1 and f"cannot lock {room.layout}" in err
    assert not missing.exists() and "name: up" not in room.layout.read_text()


def test_a_symlink_planted_at_the_importers_temporary_name_is_not_written_through(room) -> None:
    victim = _victim(room)
    out_dir = room.root / "out"
    out_dir.mkdir()
    (out_dir / ".launch.yaml.tmp").symlink_to(victim)
    md = room.root / "launch.md"
    md.write_text("# Launch\n\n- [ ] one\n")
    code, out, err = room.cli("import", md, "--out-dir", out_dir, "--name", "launch")
    assert code == 0, err
    assert victim.read_text() == "untouched\n"
    written = out_dir / "launch.yaml"
    assert written.is_file() and not written.is_symlink() and "one" in written.read_text()


def test_a_side_file_named_by_the_journal_is_never_a_fifo_wait_nor_a_symlink_read(room) -> None:
    fifo = room.root / "x.partial"
    os.mkfifo(fifo)
    start = time.monotonic()
    assert read_tail(fifo) == (b"", True)  # no writer: a plain open would wait forever
    assert time.monotonic() - start < 5
    secret = room.root / "someone-elses-key"
    secret.write_text("PRIVATE KEY\n")
    link = room.root / "y.partial"
    link.symlink_to(secret)
    assert read_tail(link) == (b"", True)
    assert read_tail(secret) == (b"PRIVATE KEY\n", True)  # a regular file is read


def test_a_release_reason_with_escapes_is_refused_and_nothing_is_written(tmp_path, capsys) -> None:
    room = make_room(tmp_path, capsys, layout=RUN_LAYOUT, checklist=RUN_CHECKLIST)
    room.plant(("run-start", "app/pre/hello", {
        "run": "abc123", "host": "another-host", "pid": 1, "pid_start": "", "cwd": "/", "shell": "/bin/sh", "label": "",
        "choice": 1, "command": "printf ok", "command_sha256": "0" * 64, "fingerprint": "f", "variables": [],
        "timeout": 60.0, "partial": "app.journal.yaml.run-abc123.partial"}))
    before = room.journal.read_text()
    code, out, err = room.cli("run", room.layout, "hello", "--release", f"done {ESC}]0;OWNED{ESC}\\")
    assert code == 1
    assert err.startswith("warroom: error: the reason contains the control or invisible character \\x1b (ESC) at character 6")
    no_raw(out, err)
    assert room.journal.read_text() == before
    code, out, err = room.cli("run", room.layout, "hello", "--release", "the host is gone")
    assert code == 0 and "released: the host is gone" in out


def test_a_directory_planted_at_the_predictable_output_name_does_not_lose_the_runs_end(tmp_path, capsys) -> None:
    room = make_room(tmp_path, capsys, layout=RUN_LAYOUT, checklist=RUN_CHECKLIST)
    planted = room.journal.with_name(f"{room.journal.name}.run-{hashlib.sha256(b'ok').hexdigest()}.log")
    planted.mkdir()
    res = room.proc("run", room.layout, "hello", "--yes", timeout=60)
    assert res.returncode == 0, res.stderr
    assert b"Traceback" not in res.stderr and b"internal error" not in res.stderr
    end = [e for e in room.events() if e["kind"] == "run-end"]
    assert len(end) == 1 and end[0]["payload"]["exit"] == 0
    kept = room.journal.with_name(end[0]["payload"]["output_file"])
    assert kept.name.endswith(".partial") and kept.read_bytes() == b"ok" and planted.is_dir()


def test_a_urls_password_is_not_listed_journaled_or_shown_in_a_diff(room) -> None:
    room.layout.write_text(room.layout.read_text() + "tiles:\n  - {name: old, source: http, check: status, "
                           "url: 'http://ops:pa@ss1@127.0.0.1:9/x'}\n")
    code, out, err = room.cli("tiles", room.layout, "list")
    assert code == 0 and "http://ops:***@127.0.0.1:9/x" in out and "pa@ss1" not in out and "ss1" not in out
    code, out, err = room.cli("tiles", room.layout, "list", "--json")
    assert json.loads(out)[0]["url"] == "http://ops:***@127.0.0.1:9/x"
    code, out, err = room.cli("tiles", room.layout, "add", *TILE)
    assert code == 0
    change = [e for e in room.events() if e["kind"] == "layout-change"]
    assert len(change) == 1 and "ss1" not in room.journal.read_text()
    assert "http://ops:***@127.0.0.1:9/x" in change[0]["payload"]["after"]
    from warroom.layout_edit import diff_lines

    shown = diff_lines("url: http://a:pw1@h/x\n", "url: http://a:pw2@h/x\n")
    assert shown[-2:] == ["-url: http://a:***@h/x", "+url: http://a:***@h/x"]


def test_a_full_disk_under_a_run_keeps_what_fits_and_records_the_end(tmp_path, capsys) -> None:
    """A file size limit stands in for a full disk (both make the write fail): the side file keeps
    what fit, its hash and size are of what it holds, and the run's end says why it stopped."""
    import resource
    import signal
    import subprocess
    import sys

    checklist = RUN_CHECKLIST.replace('["printf ok"]', '["head -c 100000 /dev/zero | tr \\"\\\\\\\\0\\" x"]')
    room = make_room(tmp_path, capsys, layout=RUN_LAYOUT, checklist=checklist)
    limit = 16384

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    res = subprocess.run([sys.executable, "-m", "warroom", "run", str(room.layout), "hello", "--yes"], cwd=room.root,
                         preexec_fn=small_files, capture_output=True, timeout=60, env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")})
    err = res.stderr.decode()
    assert res.returncode == 1 and "Traceback" not in err
    assert f"warroom: error: output not kept past {limit} bytes: File too large (in {room.journal.parent})" in err
    (end,) = [e["payload"] for e in room.events() if e["kind"] == "run-end"]
    assert end["exit"] == 0 and end["bytes"] == limit and end["error"].startswith(f"output not kept past {limit} bytes")
    kept = room.journal.with_name(end["output_file"]).read_bytes()
    assert len(kept) == limit and hashlib.sha256(kept).hexdigest() == end["output_sha256"]
