"""Who signed is known: ``--as`` is a claimed name, every event records the real account, and
a role bound to accounts is signed (or answered for in a poll) by those accounts only."""

from __future__ import annotations

import getpass
import json

import pytest

from security_support import LAYOUT, make_room
from warroom.actions import Actions
from warroom.errors import ActionError
from warroom.journal import Journal
from warroom.state import LaunchState
from warroom.workspace import load_workspace

ME = getpass.getuser()  # the account these tests run as (root in CI)
BOUND = LAYOUT.replace("  - {name: CTO, person: Ana}", "  - {name: CTO, person: Ana, accounts: [alice], delegates: [bob]}")
REFUSAL = f"role CTO can be signed only by the account(s) alice (delegates: bob); this is the account {ME} (--as names are not accounts)"


@pytest.fixture
def bound(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    monkeypatch.delenv("SSH_CLIENT", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    return make_room(tmp_path, capsys, layout=BOUND)


def test_another_account_cannot_sign_a_bound_role_whatever_name_it_claims(bound) -> None:
    for name in ("director", "alice", "Ana"):
        code, out, err = bound.cli("sign", bound.layout, "CTO", "go", "--as", name)
        assert (code, out, err) == (1, "", f"warroom: error: {REFUSAL}\n")
    assert bound.events() == []


def test_another_account_cannot_answer_for_a_bound_role_in_the_poll(bound) -> None:
    assert bound.cli("poll", bound.layout, "start", "--as", "lead")[0] == 0
    code, out, err = bound.cli("poll", bound.layout, "go", "--as", "director")
    assert (code, err) == (1, f"warroom: error: {REFUSAL}\n")
    assert [e["kind"] for e in bound.events()] == ["poll-start"]


def test_an_unbound_role_is_signed_by_anyone(bound) -> None:
    assert bound.cli("sign", bound.layout, "Ops", "go", "--as", "director")[0] == 0


@pytest.mark.skipif(ME != "root", reason="sudo's SUDO_USER counts only for root (as sudo sets it)")
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_account_behind_sudo_signs_and_is_recorded(bound, monkeypatch, who) -> None:
    monkeypatch.setenv("SUDO_USER", who)
    monkeypatch.setenv("SSH_CLIENT", "10.9.8.7 50000 22")
    code, out, err = bound.cli("sign", bound.layout, "CTO", "go", "--as", "director")
    assert code == 0, err
    (event,) = bound.events()
    assert event["op"] == "director" and event["acct"] == {"user": "root", "sudo_user": who, "ssh": "10.9.8.7"}
    code, out, _ = bound.cli("log", bound.layout)
    assert f"director [root via sudo from {who} from 10.9.8.7]" in out
    data = json.loads(bound.cli("status", bound.layout, "--json", "--no-probe")[1])
    cto = next(r for r in data["signoffs"] if r["role"] == "CTO")
    assert (cto["by"], cto["account"]) == ("director", f"root via sudo from {who} from 10.9.8.7")
    assert f"CTO (Ana): GO — director [root via sudo from {who} from 10.9.8.7]" in bound.cli("status", bound.layout, "--no-probe")[1]


def test_sudo_user_set_by_an_ordinary_account_does_not_count(bound) -> None:
    ws = load_workspace(bound.layout)
    with Journal(bound.journal) as journal:
        journal.load()
        forged = Actions(journal, "alice", account={"user": "mallory", "sudo_user": "alice"})
        with pytest.raises(ActionError, match="this is the account mallory"):
            forged.sign(LaunchState(ws), "CTO", "go")
        Actions(journal, "x", account={"user": "alice"}).sign(LaunchState(ws), "CTO", "go")
    assert [e["acct"] for e in bound.events()] == [{"user": "alice"}]


def test_bad_account_names_in_a_layout_are_problems(tmp_path, capsys) -> None:
    room = make_room(tmp_path, capsys, layout=LAYOUT.replace("{name: CTO, person: Ana}", "{name: CTO, accounts: [al ice, 3]}"))
    code, out, err = room.cli("validate", room.layout)
    assert code == 2
    assert "'accounts': expected a Unix account name (letters, digits, '.', '_', '-'), got text ('al ice')" in err
    assert "got a number (3)" in err


def test_every_new_event_records_the_account_and_old_journals_still_verify(room) -> None:
    room.plant(("note", "", {"text": "from before accounts were recorded"}))
    assert room.cli("note", room.layout, "now", "--as", "ana")[0] == 0
    old, new = room.events()
    assert "acct" not in old and new["acct"]["user"] == ME
    code, out, _ = room.cli("verify", room.layout)
    assert code == 0 and "chain ok" in out
    log = room.cli("log", room.layout)[1]
    assert f"ana [{ME}" in log and "mallory " in log
