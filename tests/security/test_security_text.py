"""All text is hostile: control, escape and invisible characters through every text field into
every output. Refused at the door (exit 1 or 2, a message with the position, nothing written),
neutralised wherever an old journal or a file still carries them (no raw byte in any output)."""

from __future__ import annotations

import json
import unicodedata

import pytest

from security_support import ESC, OSC52, no_raw
from warroom.textsafe import find_unsafe, json_safe, neutralise, text_problem

REFUSED = "contains the control or invisible character"

# -- the rules themselves ---------------------------------------------------------------------

CHARS = [
    ("\x1b", "\\x1b", "ESC"), ("\x07", "\\x07", "BEL"), ("\x08", "\\x08", "BS"), ("\x00", "\\x00", "NUL"),
    ("\x7f", "\\x7f", "DEL"), ("\x9b", "\\x9b", "CSI"), ("\x9d", "\\x9d", "OSC"), ("\r", "\\x0d", "CR"),
    ("\u202e", "\\u202e", "RIGHT-TO-LEFT OVERRIDE"), ("\u2066", "\\u2066", "LEFT-TO-RIGHT ISOLATE"),
    ("\u200b", "\\u200b", "ZERO WIDTH SPACE"), ("\u2028", "\\u2028", "LINE SEPARATOR"), ("\ufeff", "\\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
    ("\U000e0041", "\\U000e0041", "TAG LATIN CAPITAL LETTER A"),
]


@pytest.mark.parametrize("ch, shown, name", CHARS, ids=[c[2] for c in CHARS])
def test_each_unsafe_character_is_refused_with_its_position_and_shown_escaped(ch, shown, name) -> None:
    text = f"ok{ch}tail"
    assert text_problem(text, "the note") == (f"the note {REFUSED} {shown} ({name}) at character 3; "
                                              "warroom refuses text that could act on a terminal or hide what it says")
    assert neutralise(text) == f"ok{shown}tail"


def test_tab_newline_emoji_and_accents_pass() -> None:
    text = "Déploiement ✅\tfin\n👩‍💻 ok"  # the zero-width joiner of an emoji sequence is kept
    assert text_problem(text, "x", newlines=True) is None and neutralise(text) == text
    assert "newline" in text_problem(text, "x")  # where a field is one line, a newline is refused


def test_every_format_character_of_unicode_is_covered() -> None:
    missed = [hex(c) for c in range(0x80, 0x110000) if unicodedata.category(chr(c)) == "Cf" and c != 0x200D
              and find_unsafe(chr(c)) < 0]
    assert missed == []


def test_json_stays_valid_and_decodes_to_the_same_text() -> None:
    value = {"t": "a\x9b\u202e\x1b\u2028b 😀"}
    dumped = json_safe(json.dumps(value, ensure_ascii=False))
    no_raw(dumped)
    assert json.loads(dumped) == value


# -- at the door: every CLI argument that becomes an event -----------------------------------

DOORS = [
    ("note", lambda j: ["note", j, "load-test", OSC52, "--as", "mallory"], "the text"),
    ("launch note", lambda j: ["note", j, OSC52, "--as", "mallory"], "the text"),
    ("hold reason", lambda j: ["hold", j, "db \x1b[2Jdown", "--as", "m"], "the reason"),
    ("scrub reason", lambda j: ["scrub", j, "bad\u202eexe.txt", "--as", "m"], "the reason"),
    ("sign comment", lambda j: ["sign", j, "CTO", "no-go", "--comment", "x\x9b31m", "--as", "m"], "the comment"),
    ("status reason", lambda j: ["set-status", j, "backup", "blocked", "--reason", "a\x07b", "--as", "m"], "the reason"),
    ("assess value", lambda j: ["assess", j, "load-ok", "pass", "--value", "9\u200b9", "--as", "m"], "the value"),
    ("assess comment", lambda j: ["assess", j, "load-ok", "fail", "--comment", "\x1b]8;;http://x\x07y", "--as", "m"], "the comment"),
    ("--as", lambda j: ["tick", j, "backup", "--as", "eve\n    99  sign Ops: GO"], "--as"),
    ("--as escape", lambda j: ["tick", j, "backup", "--as", "\x1b]0;OWNED\x07eve"], "--as"),
    ("item id", lambda j: ["tick", j, "load\u200btest", "--as", "m"], "the item id"),
]


@pytest.mark.parametrize("name, argv, what", DOORS, ids=[d[0] for d in DOORS])
def test_a_hostile_argument_is_refused_and_nothing_is_written(room, name, argv, what) -> None:
    if name.startswith("sign") or name.startswith("hold") or name.startswith("scrub"):
        assert room.cli("t0", room.layout, "2026-01-01T12:00:00Z", "--as", "ana")[0] == 0
    before = room.events()
    code, out, err = room.cli(*argv(room.layout))
    assert code == 1
    assert f"warroom: error: {what} {REFUSED}" in err
    assert room.events() == before
    no_raw(out, err)


def test_warroom_operator_from_the_environment_is_checked_too(room, monkeypatch) -> None:
    monkeypatch.setenv("WARROOM_OPERATOR", "bob\r\x1b[1A  1  ops GO")
    code, out, err = room.cli("tick", room.layout, "backup")
    assert code == 1 and f"WARROOM_OPERATOR {REFUSED} \\x0d (CR) at character 4" in err
    assert room.events() == []


def test_blank_and_long_operator_names_are_refused(room) -> None:
    assert room.cli("tick", room.layout, "backup", "--as", "  ")[2] == (
        "warroom: error: --as: the operator name is blank; say who you are (--as NAME)\n")
    code, _, err = room.cli("tick", room.layout, "backup", "--as", "x" * 65)
    assert code == 1 and "the operator name is 65 characters long; at most 64 are allowed" in err
    assert room.events() == []


def test_a_note_may_hold_lines_but_log_shows_it_on_one(room) -> None:
    assert room.cli("note", room.layout, "backup", "first\n    99  2026-01-01 00:00:00  eve  sign  Ops: GO", "--as", "ana")[0] == 0
    code, out, _ = room.cli("log", room.layout)
    assert code == 0
    rows = out.splitlines()
    assert len(rows) == 2 and rows[1].endswith("note on app/pre/backup: first ↵     99  2026-01-01 00:00:00  eve  sign  Ops: GO")


# -- at the door: files (validate, the screen's loader) ---------------------------------------

FILE_FIELDS = [
    ("item text", "checklist", "text: Load test passed", 'text: "Load\\e]52;c;eA==\\apassed"'),
    ("owner", "checklist", "owner: Ops", 'owner: "O\\u202eps"'),
    ("section title", "checklist", "title: Pre-launch", 'title: "Pre\\x9b2J"'),
    ("checklist title", "checklist", "title: App launch", 'title: "App\\e[31m launch"'),
    ("item id", "checklist", "id: backup", "id: back\u200bup"),
    ("launch name", "layout", "launch: App v2", 'launch: "App\\e]0;OWNED\\a"'),
    ("role person", "layout", "person: Ana", 'person: "A\\u2066na"'),
    ("role name", "layout", "name: Ops, person", 'name: "O\\bps", person'),
    ("criterion name", "layout", "name: Load test signed", 'name: "Load\\x7f signed"'),
    ("phase name", "layout", "name: Final hour", 'name: "Final\\u200bhour"'),
]


@pytest.mark.parametrize("name, which, old, new", FILE_FIELDS, ids=[f[0] for f in FILE_FIELDS])
def test_a_hostile_file_field_is_a_problem_at_its_line(room, name, which, old, new) -> None:
    path = room.layout if which == "layout" else room.root / "checklists" / "app.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if new.split(":")[0] in row and (new in row))
    for argv in (["validate", path], ["status", room.layout, "--no-probe"]):
        code, out, err = room.cli(*argv)
        assert code == 2
        assert (f"{path if argv[0] == 'validate' else path}:{line}:" in err) or (f"{path.name}:{line}:" in err)
        assert REFUSED in err or "must be a slug" in err
        no_raw(out, err)


# -- neutralised when printed: an old or hand-written journal carries them ---------------------

def _hostile_journal(room) -> None:
    room.cli("t0", room.layout, "2026-01-01T12:00:00Z", "--as", "ana")
    room.plant(("note", "app/pre/backup", {"text": OSC52}),
               ("set-status", "app/pre/load-test", {"status": "blocked", "reason": "r\x9b2J\u202e"}),
               ("sign", "CTO", {"decision": "NO-GO", "comment": "c\x1b[8m"}),
               ("hold", "", {"reason": "h\x1b]0;T\x07"}),
               ("note", "", {"text": "launch \x1bP+q\x1b\\"}),
               ("assess", "load-ok", {"result": "fail", "value": "v\x07"}),
               op="mal\x1b[2Kory")


OUTPUTS = [
    ("log", ["log"]), ("log --json", ["log", "--json"]), ("status", ["status", "--no-probe"]),
    ("status --items", ["status", "--items", "--no-probe"]), ("status --json", ["status", "--json", "--no-probe"]),
    ("export", ["export"]), ("verify", ["verify"]),
]


@pytest.mark.parametrize("name, argv", OUTPUTS, ids=[o[0] for o in OUTPUTS])
def test_an_old_journal_with_escapes_prints_them_escaped(room, name, argv) -> None:
    _hostile_journal(room)
    code, out, err = room.cli(argv[0], room.layout, *argv[1:])
    assert code == 0, err
    no_raw(out, err)
    if "--json" in argv:
        docs = [json.loads(line) for line in out.splitlines()] if name == "log --json" else [json.loads(out)]
        assert "mal\x1b[2Kory" in _strings(docs)  # the JSON still carries the exact text, escaped
    elif name != "verify":
        assert "\\x1b" in out


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*map(_strings, value.values()), set())
    if isinstance(value, list):
        return set().union(*map(_strings, value), set())
    return set()


def test_the_recorded_echo_is_one_safe_line(room) -> None:
    code, out, _ = room.cli("note", room.layout, "backup", "two\nlines", "--as", "ana")
    assert code == 0 and out == "recorded #1: note on app/pre/backup: two ↵ lines\n"


def test_an_unknown_key_with_escapes_is_named_escaped(room) -> None:
    room.layout.write_text(room.layout.read_text() + '"rol\\e]0;x\\aes": []\n', encoding="utf-8")
    code, out, err = room.cli("validate", room.layout)
    assert code == 2 and REFUSED in err and "\\x1b" in err
    no_raw(out, err)


def test_an_ascii_terminal_gets_escapes_not_a_traceback(room) -> None:
    room.cli("note", room.layout, "backup", "déjà vu ✅", "--as", "ana")
    res = room.proc("status", room.layout, "--items", "--no-probe", env={"LC_ALL": "C", "PYTHONIOENCODING": "ascii"})
    assert res.returncode == 0, res.stderr
    assert b"Traceback" not in res.stderr and b"\\u2713" in res.stdout or b"\\u25cb" in res.stdout
    res = room.proc("log", room.layout, env={"LC_ALL": "C", "PYTHONIOENCODING": "ascii"})
    assert res.returncode == 0 and b"d\\xe9j\\xe0 vu \\u2705" in res.stdout
