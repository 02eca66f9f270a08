"""A command's output reaches the operator only through the terminal emulator: carriage
returns, colours and erases applied; OSC, DCS, C1 controls and bidi marks never passed on."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys

from runner_support import Room, base_env
from warroom.runner.terminal import LineFeed, render

HOSTILE = (b"title:\x1b]0;pwned-title\x07 clip:\x1b]52;c;cHduZWQ=\x07 dcs:\x1bP1;2|pwned-dcs\x1b\\ "
           b"c1:\xc2\x9b2J bidi:\xe2\x80\xaeevil\xe2\x80\xac bell:\x07 clear:\x1b[2J\x1b[H"
           b"\x1b[31mred\x1b[0m plain\r\nprogress 10%\rprogress 99%\rprogress 100%\r\n"
           b"erased junk\x1b[2K\rkept line\r\n")
ALLOWED_ESCAPE = re.compile(rb"\x1b\[[0-9;]*m")


def test_render_applies_carriage_returns_colours_and_erases_and_drops_the_rest() -> None:
    lines = render(HOSTILE)
    plain = [t.plain for t in lines]
    assert plain[-2:] == ["progress 100%", "kept line"]
    first = plain[0]
    assert "red plain" in first and "pwned" not in first
    assert "\u202e" not in first and "\x1b" not in "".join(plain) and "\x07" not in "".join(plain)
    red = [span for span in lines[0].spans if "red" in str(span.style)]
    assert red and lines[0].plain[red[0].start:red[0].end] == "red"


def test_every_character_drawn_is_printable() -> None:
    everything = bytes(range(256)) * 4 + "é\u200b\u2028\u202e\ufeff".encode()
    for line in render(everything) + render(everything, whole=False):
        for ch in line.plain:
            assert ch.isprintable() or ch == " ", repr(ch)


def test_line_feed_hands_on_finished_lines_and_skips_what_it_cannot_keep_up_with() -> None:
    got: list[str] = []
    feed = LineFeed(lambda t: got.append(t.plain), columns=40, lines=5, backlog=1000)
    feed.add(b"a\r\nb\r\n")
    feed.pump()
    feed.add(b"".join(b"line %d\r\n" % i for i in range(500)))
    feed.finish()
    assert got[:2] == ["a", "b"] and "line 499" in got
    assert any(line.startswith("[… ") and "bytes not shown here" in line for line in got)


def test_the_cli_passes_no_escape_sequence_of_the_command_to_its_terminal(room: Room) -> None:
    room.set_command("hello", "printf '" + "".join(f"\\{b:03o}" for b in HOSTILE) + "'")
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "hello", "--yes"], cwd=room.dir,
                            env=base_env({"TERM": "xterm-256color", "COLUMNS": "100"}), stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    seen = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, "the CLI wrote nothing for 30 s"
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
    os.close(master)
    assert proc.wait(30) == 0, bytes(seen)
    assert b"kept line" in seen and b"progress 100%" in seen and b"red" in seen
    for bad in (b"pwned", b"\x1b]", b"\x1bP", b"\x9b", b"\x07", b"\xe2\x80\xae", b"\x1b[2J", b"erased junk"):
        assert bad not in seen, bad
    assert all(ALLOWED_ESCAPE.fullmatch(m.group()) for m in re.finditer(rb"\x1b\S*?[A-Za-z\\]", bytes(seen))), bytes(seen)
    assert room.state().runs["room/go/hello"].end["exit"] == 0


PROGRESS = ("echo fir''st; printf 'progress %d%%' 50; while [ ! -e go ]; do sleep 0.05; done; "
            "printf '\\rprogress %d%%\\n' 100; echo sec''ond")  # (the output's words are not in the command's text)


def _read_until(fd: int, seen: bytearray, wanted: bytes, timeout: float = 20) -> bool:
    """Read ``fd`` into ``seen`` until ``wanted`` is in it (True) or it ends / times out (False)."""
    import time

    end = time.monotonic() + timeout
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            return False
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        seen += data
    return True


def test_the_cli_prints_output_as_it_arrives_on_a_terminal(room: Room) -> None:
    room.set_command("wait", PROGRESS)
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "wait", "--yes"], cwd=room.dir,
                            env=base_env({"TERM": "xterm-256color", "COLUMNS": "100"}), stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    seen = bytearray()
    try:
        # while the command waits: its finished line, and its unfinished progress line
        assert _read_until(master, seen, b"progress 50%"), bytes(seen)
        assert b"first" in seen and b"second" not in seen
        (room.dir / "go").touch()
        _read_until(master, seen, b"\x00never")
    finally:
        (room.dir / "go").touch()
        os.close(master)
    assert proc.wait(30) == 0, bytes(seen)
    assert b"second" in seen and b"progress 100%" in seen
    assert bytes(seen).index(b"progress 100%") < bytes(seen).index(b"second")


def test_the_cli_prints_output_as_it_arrives_into_a_pipe(room: Room) -> None:
    room.set_command("wait", PROGRESS)
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "wait", "--yes"], cwd=room.dir,
                            env=base_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = bytearray()
    try:
        assert _read_until(proc.stdout.fileno(), seen, b"progress 50%"), bytes(seen)  # once the output paused
        assert seen.startswith(b"first\n")
    finally:
        (room.dir / "go").touch()
    rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert (bytes(seen) + rest).decode().splitlines() == ["first", "progress 50%", "progress 100%", "second"]
