"""What may run: choices, alternatives, placeholders, variables, settings, masking (pure parts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from runner_support import REPO, Room, base_env, make_room
from warroom.errors import ActionError, InputError
from warroom.runner.mask import Masker
from warroom.runner.plan import prepare
from warroom.runner.resolve import choices, find_placeholders, find_variables, resolve_target, split_alternatives
from warroom.workspace import load_workspace


def test_seed_002_rollback_is_split_into_alternatives_and_never_offered_whole() -> None:
    """The real imported checklist: the rollback section's block offers Kubernetes OR Docker."""
    ws = load_workspace(REPO / "layouts" / "final-launch-378-reconciliation-platform.yaml")
    target = resolve_target(ws, "rollback-procedure")
    assert target.kind == "section"
    offered = choices(target)
    assert [c.label for c in offered] == ["Kubernetes rollback", "Docker rollback"]
    assert offered[0].code.splitlines() == ["# Kubernetes rollback", "kubectl rollout undo deployment/reconciliation-backend"]
    assert "kubectl" not in offered[1].code and "docker-compose down" in offered[1].code
    assert offered[0].refusal() is None
    assert offered[1].refusal() == "it has a placeholder to fill in first: <previous-stable-version>"


def test_a_target_with_several_commands_asks_which_one(room: Room) -> None:
    with pytest.raises(ActionError, match=r"offers 2 commands; choose one .*never run all at once:\n  1\. Kubernetes rollback\n  2\. Docker rollback"):
        room.plan("rollback")
    with pytest.raises(ActionError, match="offers 2 commands"):
        room.plan("two")
    assert room.plan("two", choice=2).choice.code == "echo two"
    with pytest.raises(ActionError, match="there is no choice 3"):
        room.plan("two", choice=3)


@pytest.mark.parametrize("code, named", [
    ("git checkout <previous-stable-version>", "<previous-stable-version>"),
    ("helm upgrade {{ release }} ./chart", "{{ release }}"),
    ("kubectl rollout restart deployment/your-app", "your-app"),
    ("gcloud config set project [PROJECT_ID]", "[PROJECT_ID]"),
    ("psql $URL < …", "…"),
    ("curl https://x/api -d ...", "..."),
    ("export TOKEN=CHANGEME", "CHANGEME"),
])
def test_placeholders_are_named(code: str, named: str) -> None:
    assert named in find_placeholders(code)


@pytest.mark.parametrize("code", [
    "psql $PROD_DATABASE_URL < migrations/001.sql",
    "cmd 2>&1 | tee out.log",
    "if [ -f x ]; then echo [ok]; fi",
    "grep '[A-Z]' file",
    "# git checkout <previous-stable-version> (commented out: never runs)",
    "echo done # TODO later",
    "cat <<EOF\nhi\nEOF",
])
def test_shell_syntax_is_not_a_placeholder(code: str) -> None:
    assert find_placeholders(code) == []


def test_placeholder_refusal_names_it_in_the_cli(room: Room) -> None:
    out = room.cli("placeholder", "--yes")
    assert out.returncode == 1
    assert "<previous-stable-version>" in out.stderr and "your-app" in out.stderr
    assert not room.journal_path.exists()  # nothing recorded, nothing ran


def test_variables_found_outside_single_quotes_and_not_set_by_the_command() -> None:
    code = 'A=1; echo "$A ${B}" \'$NOT_EXPANDED\' $C ${D:-fallback} \\$E\nfor f in x; do echo $f; done\nexport G=2; echo $G # $H'
    assert find_variables(code) == ["B", "C"]


def test_unset_and_unlisted_variables_are_refused(room: Room) -> None:
    plan = room.plan("unset")
    assert "$NOT_SET_ANYWHERE is unset here: the command is not run with an empty value" in plan.problems
    with pytest.raises(ActionError, match="unset"):
        plan.check()
    room.set_run(env=[])
    assert any("$NOT_SET_ANYWHERE is not passed to commands: list it in `run: env`" in p for p in room.plan("unset").problems)
    assert room.plan("unset", env={"NOT_SET_ANYWHERE": ""}).problems == [
        "$NOT_SET_ANYWHERE is not passed to commands: list it in `run: env` in room.yaml"]


def test_the_environment_holds_only_what_the_layout_passes(room: Room) -> None:
    plan = room.plan("secret", env={"API_TOKEN": "t0k3n-value", "AWS_SECRET_ACCESS_KEY": "nope"})
    assert plan.problems == []
    assert plan.env["API_TOKEN"] == "t0k3n-value"
    assert "AWS_SECRET_ACCESS_KEY" not in plan.env
    assert plan.masked == ["API_TOKEN"]
    shown = "\n".join(plan.describe()) + plan.command
    assert "t0k3n-value" not in shown and "API_TOKEN=[masked]" in shown


def test_running_is_off_unless_the_layout_turns_it_on(tmp_path: Path) -> None:
    room = make_room(tmp_path, run={})
    assert any("running commands is off in room.yaml" in p for p in room.plan("hello").problems)
    out = room.cli("hello", "--yes")
    assert out.returncode == 1 and "running commands is off" in out.stderr
    assert not room.journal_path.exists()


@pytest.mark.parametrize("mode, what", [("read-only", "a read-only screen"), ("wall", "a wall display"),
                                        ("visitor", "a browser visitor's screen")])
def test_look_only_screens_never_run(room: Room, mode: str, what: str) -> None:
    with pytest.raises(ActionError, match=f"commands never run from {what}"):
        prepare(room.ws(), "hello", environ=base_env(), mode=mode)


def test_critical_and_typed_items_need_the_short_id_never_enter(room: Room) -> None:
    crit = room.plan("crit")
    assert crit.typed and crit.confirm_word == "crit"
    assert not crit.accepts("") and not crit.accepts("y") and crit.accepts("crit") and crit.accepts("run")
    plain = room.plan("hello")
    assert not plain.typed and plain.accepts("y") and not plain.accepts("") and not plain.accepts("\n")
    room.set_run(confirm="typed")
    assert room.plan("hello").typed
    room.set_run(confirm="y", items={"go/hello": {"confirm": "typed", "timeout": "5s"}})
    plan = room.plan("hello")
    assert plan.typed and plan.timeout.total_seconds() == 5 and room.plan("fail").timeout.total_seconds() == 30


def test_cli_confirmation_rules(room: Room) -> None:
    out = room.cli("crit", "--yes")
    assert out.returncode == 1 and "--yes does not confirm a critical item: use --confirm crit" in out.stderr
    out = room.cli("crit", "--confirm", "hello")
    assert out.returncode == 1 and "is not the short id" in out.stderr
    out = room.cli("crit")  # no terminal to ask on: refused, never a default
    assert out.returncode == 1 and "confirm with --confirm crit" in out.stderr
    assert not room.journal_path.exists()


def test_bad_run_settings_are_reported_with_their_place(room: Room) -> None:
    room.layout.write_text(room.layout.read_text() + "")
    room.set_run(timeout="soon", shell="bash", confirm="maybe", env=["OK", "not ok"], colour=True, items={"nope": {"timeout": "1m"}})
    with pytest.raises(InputError) as exc:
        room.ws()
    text = "\n".join(str(p) for p in exc.value.problems)
    for expected in ["unparsable duration for 'timeout'", "'shell' must be an absolute path", "'confirm' is 'typed' or 'y'",
                     "expected a variable name", "unknown key 'colour' in run", "run settings for 'nope': it names no item or section"]:
        assert expected in text
    assert all(p.line > 0 for p in exc.value.problems)


def test_sql_blocks_and_comment_only_blocks_do_not_run(room: Room) -> None:
    assert any("it is a sql block, not a shell command" in p for p in room.plan("sql").problems)
    assert split_alternatives("# only\n# comments") == ["# only\n# comments"]


@settings(max_examples=200, deadline=None)
@given(secret=st.text(alphabet="ab", min_size=1, max_size=6), other=st.text(alphabet="ab", min_size=1, max_size=4),
       data=st.lists(st.sampled_from(["a", "b", "x", "\n", "aab", "ab"]), max_size=40), cuts=st.lists(st.integers(0, 200), max_size=8))
def test_masking_does_not_depend_on_where_reads_are_cut(secret: str, other: str, data: list[str], cuts: list[int]) -> None:
    text = "".join(data).encode()
    whole = Masker({"S": secret, "O": other})
    expected = whole.feed(text) + whole.flush()
    m = Masker({"S": secret, "O": other})
    out, last = [], 0
    for cut in sorted(c for c in cuts if c <= len(text)):
        out.append(m.feed(text[last:cut]))
        last = cut
    out.append(m.feed(text[last:]) + m.flush())
    assert b"".join(out) == expected
    alone = Masker({"S": secret})
    masked = b"".join(alone.feed(text[i:i + 3]) for i in range(0, len(text), 3)) + alone.flush()
    assert secret.encode() not in masked.replace(b"[masked S]", b"|")


def test_a_secret_split_across_reads_is_masked() -> None:
    m = Masker({"TOKEN": "hunter2-secret"})
    out = m.feed(b"pass=hunt") + m.feed(b"er2-sec") + m.feed(b"ret done\n") + m.flush()
    assert out == b"pass=[masked TOKEN] done\n"


def test_a_multi_line_secret_is_masked_as_the_terminal_delivers_it() -> None:
    m = Masker({"KEY": "-----BEGIN KEY-----\nabc123\n-----END KEY-----"})
    out = m.feed(b"key: -----BEGIN KEY-----\r\nabc123\r\n-----END KEY-----\r\n") + m.flush()
    assert out == b"key: [masked KEY]\r\n"


def test_only_a_tail_that_could_start_a_secret_is_held_back() -> None:
    m = Masker({"DB_PASSWORD": "hunter2-prod", "KEY": "line one\nline two"})
    assert m.feed(b"sleeping\r\n") == b"sleeping\r\n" and m.held == 0  # nothing here can start a secret
    assert m.feed(b"Proceed? [y/N] ") == b"Proceed? [y/N] " and m.held == 0
    assert m.feed(b"progress 42%\r") == b"progress 42%\r"
    assert m.feed(b"pass=hun") == b"pass=" and m.held == 3  # 'hun' may be the start of hunter2-prod
    assert m.feed(b"gry\r\n") == b"hungry\r\n" and m.held == 0  # it was not
    assert m.feed(b"key: line one\r") == b"key: " and m.held == 9  # the \r\n form of a multi-line value
    assert m.feed(b"\nline two!") == b"[masked KEY]!"
    assert m.feed(b"x=hunter2") + m.feed(b"-prod\r\n") == b"x=[masked DB_PASSWORD]\r\n"
    assert m.feed(b"hunter2-pro") == b"" and m.flush() == b"hunter2-pro"  # the end: no more bytes can make it a secret
