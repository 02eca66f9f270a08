"""Files that are not what they seem, paths that leave their directory, inputs that overflow or
nest without end: each gets a clear message and an exit code, never a hang or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from security_support import no_raw


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


SPECIAL = [
    ("fifo", lambda p: _fifo(p), "not a regular file: it is a FIFO (named pipe)"),
    ("device via symlink", lambda p: p.symlink_to("/dev/zero") or p, "not a regular file: it is a device (through a symlink)"),
    ("directory", lambda p: p.mkdir() or p, "not a regular file: it is a directory"),
]


@pytest.mark.parametrize("name, make, message", SPECIAL, ids=[s[0] for s in SPECIAL])
def test_a_special_layout_is_refused_at_once(room, name, make, message) -> None:
    path = make(room.root / "layouts" / "odd.yaml")
    res = room.proc("status", path, "--no-probe", timeout=20)
    assert res.returncode == 2
    assert res.stderr.decode() == f"{path}:0:0: {message}\n1 problem(s); nothing was changed\n"


@pytest.mark.parametrize("name, make, message", SPECIAL[:2], ids=[s[0] for s in SPECIAL[:2]])
def test_a_special_checklist_is_a_problem_of_the_layout(room, name, make, message) -> None:
    target = room.root / "checklists" / "app.yaml"
    target.unlink()
    make(target)
    res = room.proc("validate", room.layout, timeout=20)
    assert res.returncode == 2 and f":0:0: {message.split(' (through')[0]}" in res.stderr.decode()


def test_a_huge_layout_is_refused_naming_the_limit(room) -> None:
    with open(room.layout, "a") as f:
        f.write("# " + "x" * (8 * 1024 * 1024) + "\n")
    code, out, err = room.cli("validate", room.layout)
    assert code == 2 and "file is too large" in err and "the limit is 8,388,608 bytes (8 MiB)" in err


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_special_journal_is_refused(room, kind) -> None:
    if kind == "fifo":
        _fifo(room.journal)
    else:
        room.journal.mkdir()
    res = room.proc("status", room.layout, "--no-probe", timeout=20)
    assert res.returncode == 1
    assert f"{room.journal} is not a regular file (it is a {'FIFO' if kind == 'fifo' else 'directory'})" in res.stderr.decode()


def test_the_journal_may_not_be_the_layout_or_a_checklist(room) -> None:
    for target in ("app.yaml", "../checklists/app.yaml"):
        room.layout.write_text(room.layout.read_text().split("journal:")[0] + f"journal: {target}\n")
        code, out, err = room.cli("tick", room.layout, "backup", "--as", "ana")
        assert code == 2 and "'journal' names " in err and "give the journal a file of its own" in err
    assert "seq" not in (room.root / "checklists" / "app.yaml").read_text()


def test_a_file_that_is_not_a_journal_is_never_appended_to(room) -> None:
    other = room.root / "notes.txt"
    other.write_text("launch: keep me\n")
    code, out, err = room.cli("tick", room.layout, "backup", "--as", "ana", "--journal", other)
    assert code == 1 and "is not a warroom journal (its first line is 'launch: keep me'" in err
    assert other.read_text() == "launch: keep me\n"


def test_import_name_cannot_leave_the_out_dir(room) -> None:
    md = room.root / "x.md"
    md.write_text("# Launch\n\n- [ ] one\n")
    for name in ("../../evil", "/tmp/evil", "a/b", "Evil"):
        code, out, err = room.cli("import", md, "--out-dir", room.root / "out", "--name", name)
        assert code == 2 and "a checklist name is a slug" in err
    assert not (room.root / "out").exists() and not (room.root.parent / "evil.yaml").exists()


def test_import_refuses_markdown_with_escapes_at_its_line(room) -> None:
    md = room.root / "x.md"
    md.write_text("# Launch\n\n- [ ] one\n- [ ] two \x1b]52;c;eA==\x07\n")
    code, out, err = room.cli("import", md, "--out-dir", room.root / "out")
    assert code == 2 and err.startswith(f"{md}:4:11: the Markdown contains the control or invisible character \\x1b (ESC)")
    no_raw(out, err)


def test_import_refuses_a_fifo(room) -> None:
    md = _fifo(room.root / "x.md")
    res = room.proc("import", md, "--out-dir", room.root / "out", timeout=20)
    assert res.returncode == 2 and b"not a regular file: it is a FIFO" in res.stderr


def test_many_headings_import_to_something_that_loads(room) -> None:
    md = room.root / "big.md"
    md.write_text("# Big\n\n" + "".join(f"## Part {i}\n\n- [ ] task {i}\n\n" for i in range(3000)))
    code, out, err = room.cli("import", md, "--out-dir", room.root / "checklists", "--name", "big")
    assert code == 0, err
    layout = room.root / "layouts" / "big.yaml"
    assert room.cli("validate", layout)[0] == 0


# -- overflow and recursion ----------------------------------------------------------------------

@pytest.mark.parametrize("when, message", [
    ("9999-12-31T23:59:59-14:00", "is out of range: warroom handles the years 1970 to 9000"),
    ("0001-01-01T00:00:00+00:00", "is out of range: warroom handles the years 1970 to 9000"),
    ("2026-13-01T00:00:00Z", "expected an ISO 8601 time with a zone"),
])
def test_an_impossible_t0_is_a_message(room, when, message) -> None:
    code, out, err = room.cli("t0", room.layout, when, "--as", "ana")
    assert code == 1 and message in err and room.events() == []
    room.layout.write_text(room.layout.read_text() + f"t0: '{when}'\n")
    code, out, err = room.cli("validate", room.layout)
    assert code == 2 and f"{room.layout}:" in err and message in err


@pytest.mark.parametrize("mark, message", [
    ("T-99999999999999d", "too long; at most 3660 days"), ("T-1h1h", "(each unit once, largest first), got '1h1h'"),
    ("T-5m1h", "(each unit once, largest first), got '5m1h'")])
def test_an_impossible_phase_is_a_message(room, mark, message) -> None:
    room.layout.write_text(room.layout.read_text().replace("mark: T-1h,", f"mark: {mark},"))
    code, out, err = room.cli("validate", room.layout)
    assert code == 2 and message in err and f"{room.layout}:5:12: unparsable time for 'mark'" in err


def test_deep_flow_nesting_is_a_problem_not_a_crash(room) -> None:
    room.layout.write_text("launch: x\nchecklists: " + "[" * 50000 + "]" * 50000 + "\n")
    res = room.proc("validate", room.layout)
    assert res.returncode == 2 and b"nested too deeply" in res.stderr and b"Traceback" not in res.stderr


def test_deeply_nested_items_are_a_problem_at_their_line(room) -> None:
    items = "{text: end}"
    for depth in range(3000):  # 3,000 items, each inside the one before
        items = f"{{text: t{depth}, items: [{items}]}}"
    (room.root / "checklists" / "app.yaml").write_text(f"title: x\nsections:\n  - title: s\n    items: [{items}]\n")
    res = room.proc("validate", room.root / "checklists" / "app.yaml")
    assert res.returncode == 2 and b"nested too deeply: more than 64 levels" in res.stderr and b"Traceback" not in res.stderr


def test_open_without_a_terminal_says_so_and_does_not_hang(room) -> None:
    res = room.proc("open", room.layout, timeout=30)
    assert res.returncode == 2 and res.stdout == b""
    assert b"the war-room screen needs a terminal" in res.stderr and b"\x1b" not in res.stderr
