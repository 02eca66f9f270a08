"""Safe, position-aware YAML loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.yamlio import MAX_VALUES, YList, YMap, dump, load_file, load_text


def _msgs(text: str) -> list[str]:
    return [str(p) for p in load_text(text, "f.yaml")[1]]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object:os.system", "!!python/name:os.system"])
def test_python_tags_are_rejected_and_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    text = f'launch: demo\nhook: {tag} ["touch {marker}"]\n'
    data, problems = load_text(text, "f.yaml")
    assert [str(p) for p in problems] == [f"f.yaml:2:7: unsupported YAML tag '{tag}': only plain data (text, numbers, lists, mappings) is allowed"]
    assert not marker.exists()
    assert data["launch"] == "demo"


@pytest.mark.parametrize("text, where, tag", [
    ("a: !include other.yaml\n", "1:4", "!include"),
    ("a: !!binary aGVsbG8=\n", "1:4", "!!binary"),
    ("a: !!set {x, y}\n", "1:4", "!!set"),
    ("a:\n  - !!omap [{x: 1}]\n", "2:5", "!!omap"),
])
def test_other_tags_are_rejected_with_their_position(text, where, tag) -> None:
    assert _msgs(text) == [f"f.yaml:{where}: unsupported YAML tag '{tag}': only plain data (text, numbers, lists, mappings) is allowed"]


def test_duplicate_keys_are_reported_where_the_second_one_is() -> None:
    data, problems = load_text("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n", "f.yaml")
    assert [str(p) for p in problems] == ["f.yaml:4:3: duplicate key 'c' (first at line 3)", "f.yaml:5:1: duplicate key 'a' (first at line 1)"]
    assert data == {"a": 1, "b": {"c": 2}}


@pytest.mark.parametrize("text, expected", [
    ("a: [1, 2\nb: 3\n", "f.yaml:2:2: YAML syntax error: expected ',' or ']', but got ':'"),
    ("a: {b: c\n", "f.yaml:2:1: YAML syntax error: expected ',' or '}', but got '<stream end>'"),
    ("a: 1\n\tb: 2\n", "f.yaml:2:1: YAML syntax error: found character '\\t' that cannot start any token"),
    ("items:\n  - one\n - two\n", "f.yaml:3:2: YAML syntax error: expected <block end>, but found '<block sequence start>'"),
    ("a: 'open\n", "f.yaml:2:1: YAML syntax error: found unexpected end of stream"),
])
def test_syntax_errors_carry_their_position(text, expected) -> None:
    data, problems = load_text(text, "f.yaml")
    assert data is None and [str(p) for p in problems] == [expected]


def test_merge_keys_and_several_documents_are_refused() -> None:
    assert _msgs("base: &b {x: 1}\nother:\n  <<: *b\n") == ["f.yaml:3:3: merge keys ('<<') are not supported; write the keys out"]
    assert _msgs("a: 1\n---\nb: 2\n") == ["f.yaml:3:1: expected one YAML document, found several"]


def test_nested_aliases_cannot_blow_up_a_load() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):  # 10**12 values once expanded
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    data, problems = load_text("\n".join(lines) + "\n", "f.yaml")
    assert data is None
    assert len(problems) == 1 and problems[0].message == f"too much data: more than {MAX_VALUES} values once aliases (*name) are expanded"
    # small, honest aliases still work
    data, problems = load_text("x: &r {a: 1}\ny: *r\n", "f.yaml")
    assert data == {"x": {"a": 1}, "y": {"a": 1}} and not problems


def test_positions_of_keys_values_and_items() -> None:
    data, problems = load_text("# c\nlaunch: X\nroles:\n  - name: A\n  - {name: B}\n", "f.yaml")
    assert not problems
    assert isinstance(data, YMap) and isinstance(data["roles"], YList)
    assert data.kpos("launch") == (2, 1) and data.vpos("launch") == (2, 9)
    assert data["roles"].ipos(0) == (4, 5) and data["roles"].ipos(1) == (5, 5)
    assert data["roles"][1].kpos("name") == (5, 6)
    assert data.kpos("missing") == data.pos


def test_times_stay_text_and_plain_scalars_are_typed() -> None:
    data, _ = load_text("t0: 2026-11-23T16:00:00Z\nn: 3\nf: 1.5\nb: true\nz: null\ns: 'yes'\n", "f.yaml")
    assert data == {"t0": "2026-11-23T16:00:00Z", "n": 3, "f": 1.5, "b": True, "z": None, "s": "yes"}


def test_files_that_are_not_utf8_or_missing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes("title: caf\xe9\nx: 1\n".encode("latin-1"))
    assert [str(p) for p in load_file(bad)[1]] == [f"{bad}:1:11: file is not valid UTF-8"]
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufefftitle: ok\n".encode("utf-8"))
    assert load_file(bom) == ({"title": "ok"}, [])
    missing = load_file(tmp_path / "nope.yaml")
    assert missing[0] is None and str(missing[1][0]).startswith(f"{tmp_path / 'nope.yaml'}:0:0: cannot read file")


def test_dump_round_trips_unicode_and_multiline_text() -> None:
    data = {"title": "Grüße ✓", "notes": ["one\ntwo\n", "plain"], "n": 3}
    text = dump(data)
    assert "Grüße ✓" in text and "|" in text
    assert load_text(text, "f.yaml") == (data, [])
