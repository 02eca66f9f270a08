"""Who is acting, and the checks Actions make before anything reaches the journal."""

from __future__ import annotations

import socket

import pytest

from warroom.errors import ActionError
from warroom.journal import Journal
from warroom.actions import Actions
from warroom.who import current_operator

HOST = socket.gethostname()


@pytest.mark.parametrize("explicit, env, expected", [
    ("Ana (launch lead)", {"WARROOM_OPERATOR": "bo", "USER": "root"}, "Ana (launch lead)"),
    ("  ana  ", {}, "ana"),
    (None, {"WARROOM_OPERATOR": " bo ", "SUDO_USER": "cy", "USER": "root"}, "bo"),
    (None, {"SUDO_USER": "cy", "USER": "root"}, f"cy@{HOST}"),
    (None, {"USER": "dee"}, f"dee@{HOST}"),
    (None, {"LOGNAME": "eve"}, f"eve@{HOST}"),
    (None, {"USER": "dee", "SSH_CLIENT": "10.1.2.3 52144 22"}, f"dee@{HOST} (ssh 10.1.2.3)"),
    (None, {"USER": "dee", "SSH_CONNECTION": "fe80::1 52144 fe80::2 22"}, f"dee@{HOST} (ssh fe80::1)"),
    (None, {"SUDO_USER": "cy", "USER": "root", "SSH_CLIENT": "10.1.2.3 1 22"}, f"cy@{HOST} (ssh 10.1.2.3)"),
    (None, {"WARROOM_OPERATOR": "bo", "SSH_CLIENT": "10.1.2.3 1 22"}, "bo (ssh 10.1.2.3)"),
    ("ana", {"SSH_CLIENT": "10.1.2.3 1 22"}, "ana"),
])
def test_operator_identity(explicit, env, expected) -> None:
    assert current_operator(explicit, env=env) == expected


def test_operator_without_any_user_variable_still_names_someone() -> None:
    name = current_operator(None, env={})
    assert name.endswith(f"@{HOST}") and len(name) > len(HOST) + 1


def test_the_operator_is_recorded_on_every_event(room) -> None:
    ev = room.do("tick", "load-test")
    assert ev.op == "ana@bastion"
    assert room.state.items[ev.target].by == "ana@bastion"


def test_actions_check_before_writing_and_write_nothing_when_refused(room) -> None:
    refused = [
        ("set_status", ("load-test", "blocked"), "needs a reason"),
        ("set_status", ("load-test", "finished"), "unknown status 'finished'"),
        ("tick", ("load-tset",), "unknown item 'load-tset'"),
        ("tick", ("pre-launch",), "ambiguous"),
        ("note", ("load-test", "   "), "needs some text"),
        ("sign", ("Securty", "go"), "did you mean 'Security'"),
        ("sign", ("Security", "maybe"), "expected go or no-go"),
        ("assess", ("load-test-signd", "pass"), "unknown criterion"),
        ("assess", ("load-test-signed", "meh"), "'pass' or 'fail'"),
        ("poll_cancel", (), "no poll in progress"),
    ]
    for name, args, message in refused:
        with pytest.raises(ActionError, match=message):
            room.do(name, *args)
    assert Journal(room.ws.journal_path, read_only=True).load().events == []


def test_toggle_ticks_and_unticks(room) -> None:
    room.do("toggle", "ramp")
    assert room.state.items["payments-v2/post-launch/ramp"].status.value == "done"
    room.do("toggle", "ramp")
    assert room.state.items["payments-v2/post-launch/ramp"].status.value == "todo"


def test_notes_on_items_and_on_the_launch(room) -> None:
    room.do("note", "canary/latency", "p95 at 310ms")
    room.do("note", None, "bridge call moved to room 4")
    state = room.state
    assert [n.text for n in state.items["payments-v2/launch-day/canary/latency"].notes] == ["p95 at 310ms"]
    assert [n.text for n in state.launch_notes] == ["bridge call moved to room 4"]


def test_a_read_only_journal_turns_actions_into_a_readable_refusal(room) -> None:
    ro = Actions(Journal(room.ws.journal_path, read_only=True), "viewer")
    with pytest.raises(ActionError, match="read-only"):
        ro.tick(room.state, "load-test")


def test_an_unwritable_journal_is_an_action_error_not_a_traceback(room, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    broken = Actions(Journal(blocker / "sub" / "j.journal.yaml"), "ana")
    with pytest.raises(ActionError, match="cannot write the journal"):
        broken.tick(room.state, "load-test")
