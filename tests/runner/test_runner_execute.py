"""Real commands under a real PTY: streaming, exit codes, timeout, stop, big output, secrets,
the record, one run at a time, and refusals when what was reviewed changed."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from runner_support import Room, base_env, journal_text, make_room

from warroom.errors import ActionError
from warroom.events import RUN_END, RUN_RELEASE, RUN_START
from warroom.journal import Journal, verify
from warroom.runner.execute import Run, follow_outcome, read_tail, release
from warroom.runner.record import abandoned
from warroom.runner.terminal import render


def _wait_for(predicate, timeout: float = 20.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.01)


def _events(room: Room, kind: str) -> list:
    return [e for e in Journal(room.journal_path, read_only=True).load().events if e.kind == kind]


def test_a_run_is_recorded_and_its_output_kept_beside_the_journal(room: Room) -> None:
    run, result = room.run("hello")
    assert result.exit == 0 and result.ok
    data = result.output.read_bytes()
    assert data == b"hello\r\nworld\r\n"  # as the terminal delivered it
    assert result.sha256 == hashlib.sha256(data).hexdigest() and result.bytes == len(data)
    assert result.output.parent == room.journal_path.parent and result.output.name.endswith(f".run-{result.sha256}.log")
    assert not run.partial.exists()
    start, end = _events(room, RUN_START)[0], _events(room, RUN_END)[0]
    assert start.op == "ana" and start.target == "room/go/hello"
    assert {"host", "pid", "cwd", "command_sha256", "command", "shell"} <= set(start.payload)
    assert start.payload["command_sha256"] == hashlib.sha256(b"echo hello; echo world").hexdigest()
    assert end.payload["exit"] == 0 and end.payload["output_sha256"] == result.sha256 and end.payload["bytes"] == len(data)
    assert verify(room.journal_path).ok
    st = room.state()
    assert not st.runs["room/go/hello"].open and st.runs["room/go/hello"].output_file == result.output.name


def test_the_output_file_is_not_world_readable_whatever_the_umask(room: Room) -> None:
    old = os.umask(0)
    try:
        _, result = room.run("hello")
    finally:
        os.umask(old)
    assert stat.S_IMODE(result.output.stat().st_mode) == 0o640


def test_exit_codes_and_signals(room: Room) -> None:
    _, failed = room.run("fail")
    assert failed.exit == 3 and not failed.ok
    room.set_command("fail", "kill -9 $$")
    _, killed = room.run("fail")
    assert killed.exit == 128 + 9 and killed.signal == "SIGKILL"
    assert [e.payload["exit"] for e in _events(room, RUN_END)] == [3, 137]


def test_output_streams_while_the_command_runs(room: Room) -> None:
    seen: list[bytes] = []
    run = Run(room.plan("wait"), Journal(room.journal_path), "ana", on_output=seen.append)
    run.start()
    _wait_for(lambda: b"first" in b"".join(seen))
    assert run.running and run.result is None  # still waiting for the file: output came before the end
    assert b"first" in read_tail(run.partial)[0]  # another operator reads it live from the side file
    (room.dir / "go").touch()
    result = run.wait(30)
    assert result is not None and result.exit == 0 and b"second" in result.output.read_bytes()


def test_timeout_interrupts_the_command(room: Room) -> None:
    room.set_run(items={"go/sleepy": {"timeout": "0.5s"}})
    run, result = room.run("sleepy")
    assert result.timed_out and not result.ok and result.signal == "SIGINT"
    end = _events(room, RUN_END)[-1]
    assert end.payload["timed_out"] is True
    follow_outcome(room.actions(), room.state(), run.plan, result)
    assert room.state().items["room/go/sleepy"].reason == "run timed out"


def test_stop_escalates_from_sigint_to_sigterm_to_sigkill(room: Room) -> None:
    run = Run(room.plan("stubborn"), Journal(room.journal_path), "ana")
    run.start()
    _wait_for(lambda: b"stubborn" in run.tail.snapshot()[0])
    run.stop("bo")
    result = run.wait(30)
    assert result is not None and result.stopped and result.signal == "SIGKILL"  # INT and TERM were ignored
    end = _events(room, RUN_END)[-1]
    assert end.payload["stopped"] is True and end.payload["stopped_by"] == "bo"
    _wait_for(lambda: not _group_alive(run.proc.pid))  # nothing of the command's process group is left


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stop_sigint_is_enough_for_a_command_that_honours_it(room: Room) -> None:
    run = Run(room.plan("sleepy"), Journal(room.journal_path), "ana")
    run.start()
    _wait_for(lambda: b"sleeping" in run.tail.snapshot()[0])
    run.stop()
    result = run.wait(30)
    assert result is not None and result.stopped and result.signal == "SIGINT"


def test_fifty_megabytes_memory_bounded_file_complete_hash_right(room: Room) -> None:
    size = 50 * 1024 * 1024
    line = b"0123456789 the quick brown fox jumps over the lazy dog ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
    room.set_command("hello", f"yes '{line.decode().strip()}' | head -c {size}")
    tracemalloc.start()
    try:
        _, result = room.run("hello")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected = (line * (size // len(line) + 1))[:size].replace(b"\n", b"\r\n")  # the terminal's newline
    assert result.exit == 0 and result.bytes == len(expected)
    digest = hashlib.sha256()
    with open(result.output, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    assert digest.hexdigest() == result.sha256 == hashlib.sha256(expected).hexdigest()
    assert peak < 8 * 1024 * 1024, f"{peak} bytes allocated at the peak for {size} bytes of output"
    lines = _screen(result.output)
    assert sum(t.plain == line.decode().strip() for t in lines) > 100  # the screen shows the tail, emulated


def test_a_secret_is_masked_in_the_file_the_journal_and_the_screen_and_never_in_argv(room: Room) -> None:
    secret = "s3cr3t-V4lue-9f8e7d"
    room.set_command("secret", 'printf "token=%s\\n" "${API_TOKEN}"; printf "%s" "$API_TOKEN" | wc -c; '
                               'while [ ! -e go ]; do sleep 0.02; done')
    run = Run(room.plan("secret", env={"API_TOKEN": secret}), Journal(room.journal_path), "ana")
    run.start()
    _wait_for(lambda: b"token=" in run.tail.snapshot()[0])
    proc = run.proc
    for pid in [proc.pid] + _children(proc.pid):
        assert secret.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
    assert secret.encode() in Path(f"/proc/{proc.pid}/environ").read_bytes()  # it came by the environment
    (room.dir / "go").touch()
    result = run.wait(30)
    assert result is not None and result.exit == 0
    data = result.output.read_bytes()
    assert b"token=[masked API_TOKEN]" in data and b"19" in data and secret.encode() not in data
    assert secret not in journal_text(room)
    screen = "\n".join(t.plain for t in _screen(result.output))
    assert "token=[masked API_TOKEN]" in screen and secret not in screen


def test_a_declared_secret_is_masked_even_when_the_command_does_not_name_it(room: Room) -> None:
    room.set_command("hello", "env | grep -c . ; echo the password is $(cat pw)")
    (room.dir / "pw").write_text("hunter2-prod")
    _, result = room.run("hello", env={"DB_PASSWORD": "hunter2-prod"})
    assert b"the password is [masked DB_PASSWORD]" in result.output.read_bytes()


def _screen(path: Path) -> list:
    data, whole = read_tail(path)
    return render(data, whole=whole)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return out


def test_refused_when_the_checklist_changed_since_it_was_loaded(room: Room) -> None:
    plan = room.plan("hello")
    room.set_command("hello", "echo something else entirely")
    with pytest.raises(ActionError, match="changed since they were loaded; reload and review them again"):
        Run(plan, Journal(room.journal_path), "ana").start()
    assert not room.journal_path.exists() and not list(room.dir.glob("*.run-*"))


def test_refused_when_the_run_settings_changed_since_they_were_loaded(room: Room) -> None:
    plan = room.plan("hello")
    room.set_run(timeout="5h")
    with pytest.raises(ActionError, match="run: settings changed"):
        Run(plan, Journal(room.journal_path), "ana").start()
    assert not room.journal_path.exists()
    Run(room.plan("hello"), Journal(room.journal_path), "ana").start()  # reloaded and reviewed again: it runs


def test_a_read_only_journal_runs_nothing(room: Room) -> None:
    room.journal_path.write_text("")
    with pytest.raises(ActionError, match="read-only"):
        Run(room.plan("hello"), Journal(room.journal_path, read_only=True), "ana").start()
    assert not list(room.dir.glob("*.run-*"))


def test_one_run_at_a_time_the_second_operator_is_told_who_and_since_when(room: Room) -> None:
    first = Run(room.plan("wait"), Journal(room.journal_path), "ana")
    started = first.start()
    with pytest.raises(ActionError, match=rf"already being run by ana since {started.ts}"):
        Run(room.plan("wait"), Journal(room.journal_path), "bo").start()
    (room.dir / "go").touch()
    assert first.wait(30).exit == 0
    _, again = room.run("wait", operator="bo")  # free once it ended
    assert again.exit == 0


def test_two_operators_racing_in_separate_processes_one_runs(room: Room) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "wait", "--yes", "--as", name],
                              cwd=room.dir, env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("ana", "bo")]
    _wait_for(lambda: len(_events(room, RUN_START)) == 1 and any(p.poll() is not None for p in procs))
    (room.dir / "go").touch()
    outs = [p.communicate(timeout=60) for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 1], outs
    winner = _events(room, RUN_START)[0].op
    loser_err = outs[codes.index(1)][1]
    assert f"already being run by {winner} since" in loser_err
    assert len(_events(room, RUN_START)) == 1 and len(_events(room, RUN_END)) == 1


def test_a_run_whose_process_died_is_abandoned_and_can_be_released_or_run_again(room: Room) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "wait", "--yes", "--as", "ana"],
                            cwd=room.dir, env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(lambda: len(_events(room, RUN_START)) == 1)
    proc.kill()  # the supervisor dies: no run-end is ever written
    proc.wait()
    rec = room.state().runs["room/go/wait"]
    assert rec.open and abandoned(rec, rec.host)
    ev = release(Journal(room.journal_path), "bo", rec, "supervisor killed during the test")
    assert ev.kind == RUN_RELEASE and not room.state().runs["room/go/wait"].open
    with pytest.raises(ActionError, match="not open"):
        release(Journal(room.journal_path), "bo", room.state().runs["room/go/wait"], "again")
    (room.dir / "go").touch()
    assert room.run("wait")[1].exit == 0


def test_a_live_run_cannot_be_released(room: Room) -> None:
    run = Run(room.plan("wait"), Journal(room.journal_path), "ana")
    run.start()
    with pytest.raises(ActionError, match="still running here"):
        release(Journal(room.journal_path), "bo", room.state().runs["room/go/wait"], "nope")
    (room.dir / "go").touch()
    run.wait(30)


def test_state_follows_the_run_when_the_layout_says_so(room: Room) -> None:
    for item, env in (("hello", None), ("fail", None)):
        run, result = room.run(item, env)
        follow_outcome(room.actions(), room.state(), run.plan, result)
    st = room.state()
    assert st.items["room/go/hello"].status.value == "done"
    assert (st.items["room/go/fail"].status.value, st.items["room/go/fail"].reason) == ("blocked", "run exit code 3")
    room.actions().set_status(room.state(), "go/fail", "todo")
    run, result = room.run("fail")
    assert follow_outcome(room.actions(), room.state(), run.plan, result, block_on_failure=False) is None
    assert room.state().items["room/go/fail"].status.value == "todo"
    room.set_run(tick_on_success=False)
    run, result = room.run("crit")
    assert follow_outcome(room.actions(), room.state(), run.plan, result) is None


def test_cli_runs_and_follows_the_state(room: Room) -> None:
    out = room.cli("hello", "--yes")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["hello", "world"]
    assert "run of room/go/hello ended: exit 0" in out.stderr and "room/go/hello → done" in out.stderr
    out = room.cli("fail", "--yes", "--no-block")
    assert out.returncode == 1 and "exit 3" in out.stderr and "blocked" not in out.stderr
    out = room.cli("crit", "--confirm", "crit")
    assert out.returncode == 0 and "critical done" in out.stdout


def test_cli_dry_run_shows_the_command_masked_and_runs_nothing(room: Room) -> None:
    out = room.cli("secret", "--dry-run", env={"API_TOKEN": "zz-secret-zz"})
    assert out.returncode == 0, out.stderr
    assert "API_TOKEN=[masked]" in out.stdout and "zz-secret-zz" not in out.stdout + out.stderr
    assert '"${API_TOKEN}"' in out.stdout
    assert not room.journal_path.exists()


def test_rehearsal_lists_every_command_of_a_phase(room: Room) -> None:
    out = room.cli("--phase", "T-0", "--dry-run", env={"API_TOKEN": "zz-secret-zz"})
    assert out.returncode == 1  # one of them has a placeholder
    for item in ("room/go/hello [1]", "room/go/crit [1]", "room/go/secret [1]", "room/go/placeholder [1]"):
        assert item in out.stdout
    assert "room/go/fail" not in out.stdout and "zz-secret-zz" not in out.stdout
    assert "4 item(s) of phase T-0; 1 command(s) would be refused" in out.stdout
    assert room.cli("--phase", "T-0").returncode == 2  # a phase is only ever rehearsed (bad input)
    assert not room.journal_path.exists()


def test_a_section_alternative_runs_alone(tmp_path: Path) -> None:
    room = make_room(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("kubectl", "docker-compose", "git"):
        (bin_dir / tool).write_text(f"#!/bin/sh\necho {tool} \"$@\" >> {tmp_path}/calls\n")
        (bin_dir / tool).chmod(0o755)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    out = room.cli("rollback", "--choice", "1", "--yes", env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "calls").read_text() == "kubectl rollout undo deployment/reconciliation-backend\n"
    out = room.cli("rollback", "--choice", "2", "--yes", env=env)
    assert out.returncode == 1 and "<previous-stable-version>" in out.stderr
    assert (tmp_path / "calls").read_text() == "kubectl rollout undo deployment/reconciliation-backend\n"


def test_with_a_secret_set_output_is_not_held_back_while_the_command_waits(room: Room) -> None:
    room.set_command("sleepy", "echo sleeping; printf 'Proceed? [y/N] '; sleep 30")
    seen: list[bytes] = []
    run = Run(room.plan("sleepy", env={"DB_PASSWORD": "hunter2-prod"}), Journal(room.journal_path), "ana", on_output=seen.append)
    run.start()
    try:
        _wait_for(lambda: b"[y/N] " in read_tail(run.partial)[0], timeout=10)  # the side file, while it sleeps
        assert b"sleeping" in run.tail.snapshot()[0] and b"[y/N] " in b"".join(seen)  # the pane and the CLI
        assert run.running
    finally:
        run.stop()
        run.wait(30)


def test_a_secret_split_across_reads_while_the_command_waits_is_masked(room: Room) -> None:
    room.set_command("hello", "printf 'pw=hunt'; while [ ! -e go ]; do sleep 0.02; done; printf 'er2-prod done\\n'")
    run = Run(room.plan("hello", env={"DB_PASSWORD": "hunter2-prod"}), Journal(room.journal_path), "ana")
    run.start()
    _wait_for(lambda: b"pw=" in read_tail(run.partial)[0], timeout=10)
    assert b"hunt" not in read_tail(run.partial)[0] + run.tail.snapshot()[0]  # it may start the secret: held back
    (room.dir / "go").touch()
    result = run.wait(30)
    assert result is not None and result.output.read_bytes() == b"pw=[masked DB_PASSWORD] done\r\n"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_the_cli_killed_by_a_signal_stops_the_command_and_records_its_end(room: Room, sig: int) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "warroom", "run", str(room.layout), "sleepy", "--yes", "--as", "ana"],
                            cwd=room.dir, env=base_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(lambda: bool(_events(room, RUN_START)))
    partial = room.dir / _events(room, RUN_START)[0].payload["partial"]
    _wait_for(lambda: b"sleeping" in read_tail(partial)[0])
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, err
    end = _events(room, RUN_END)
    assert len(end) == 1 and end[0].payload["stopped"] is True and end[0].payload["stopped_by"] == "ana"
    assert end[0].payload["signal"] == "SIGINT"  # the command was stopped as Ctrl-C stops it
    assert not list(room.dir.glob("*.partial")) and (room.dir / end[0].payload["output_file"]).exists()
    assert not room.state().runs["room/go/sleepy"].open
    if sig == signal.SIGTERM:
        assert b"SIGTERM: stopping the command" in err


def test_cli_dry_run_of_a_block_with_alternatives_lists_each_resolved_and_masked(room: Room) -> None:
    room.set_command("two", "# Kubernetes\necho kube $API_TOKEN\n# Or Docker\necho docker <previous-stable-version>")
    out = room.cli("two", "--dry-run", env={"API_TOKEN": "zz-secret-zz"})
    assert out.returncode == 1, out.stderr  # one of them would be refused
    assert "room/go/two [1]" in out.stdout and "room/go/two [2]" in out.stdout
    assert "echo kube $API_TOKEN" in out.stdout and "API_TOKEN=[masked]" in out.stdout and "zz-secret-zz" not in out.stdout
    assert "<previous-stable-version>" in out.stdout and "1 of them would be refused" in out.stdout
    assert not room.journal_path.exists()


def test_cli_bad_input_exits_2(room: Room) -> None:
    for args, said in ((["--phase", "bogus", "--dry-run"], "expected a T-mark"), (["--phase", "T-9h", "--dry-run"], "no phase"),
                       (["no-such-item", "--dry-run"], "unknown item"), (["no-such-item", "--yes"], "unknown item"),
                       (["hello", "--choice", "7", "--yes"], "there is no choice 7"), (["--phase", "T-0"], "--dry-run")):
        out = room.cli(*args)
        assert out.returncode == 2 and said in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)
    assert not room.journal_path.exists()


def test_cli_output_shows_the_last_run_through_the_emulator(room: Room) -> None:
    room.set_command("hello", "printf 'a\\033]52;c;cHduZWQ=\\007b\\033]0;pwned\\007\\nprogress 1%%\\rprogress 100%%\\n'")
    assert room.cli("hello", "--yes").returncode == 0
    raw = room.dir.glob("*.run-*.log").__next__().read_bytes()
    assert b"\x1b]52;" in raw  # the file is the record: every byte, as the command wrote it
    out = room.cli("hello", "--output")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["ab", "progress 100%"] and "exit 0" in out.stderr
    assert room.cli("fail", "--output").returncode == 1  # never run
