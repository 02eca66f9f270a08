"""Mojibake repair: cp1252 and Mac Roman round trips, lost bytes, and text that must stay as it is."""

from __future__ import annotations

import pytest

from warroom.importer.build import import_text
from warroom.importer.mojibake import clean, decode_source, repair


def cp1252_mojibake(text: str) -> str:
    """What a cp1252 round trip does: undefined bytes are lost."""
    return text.encode("utf-8").decode("cp1252", errors="ignore")


def macroman_mojibake(text: str) -> str:
    return text.encode("utf-8").decode("mac_roman")


@pytest.mark.parametrize("original", ["🟢 done", "≥ 99.8%", "✅ Ready", "🚀 Launch — “quoted”", "café ñ ü", "⚠️ careful",
                                      "🔴 ⚪ 🟡 mixed", "ends with 🎯"])
def test_cp1252_round_trip_is_undone(original):
    broken = cp1252_mojibake(original)
    assert broken != original
    fixed = repair(broken)
    assert fixed.text == original and fixed.codec == "cp1252" and fixed.unrepaired == []


@pytest.mark.parametrize("original,broken", [("⏳ Awaiting", "â³ Awaiting"), ("❌ Critical", "âŒ Critical"),
                                             ("⚠️ careful", "âš\xa0ï¸ careful")])
def test_lost_byte_is_restored_from_context(original, broken):
    assert cp1252_mojibake(original) == broken
    fixed = repair(broken)
    assert fixed.text == original and fixed.lost_bytes >= 1


@pytest.mark.parametrize("original", ["🔐 Security", "🏗️ Infrastructure", "✅ Final Checks", "📈 p99 < 100ms"])
def test_mac_roman_round_trip_is_undone(original):
    broken = macroman_mojibake(original)
    assert broken != original
    fixed = repair(broken)
    assert fixed.text == original and fixed.codec == "mac-roman"


@pytest.mark.parametrize("text", ["café crème", "naïve façade — “quotes”", "≥ 99% ✓ 🟢", "plain ASCII", "Ã alone", "¿Qué?"])
def test_clean_text_is_left_alone(text):
    assert repair(text).text == text


def test_unrepairable_sequence_is_left_readable_and_reported():
    # F0 9F and then ASCII: two bytes of the emoji are gone, too many to guess
    broken = "line one\nstatus: ðŸ end ✅ and ðŸš€\n"
    result = repair(broken)
    assert result.text == "line one\nstatus: ðŸ end ✅ and 🚀\n"
    assert result.unrepaired == [(2, "ðŸ")]


def test_bom_crlf_and_tabs():
    raw = "\ufeff# Title\r\n\r\n## Tasks\r\n- [ ] one\r\n\t- [x] two\tthings\r\n"
    text, note = decode_source(raw.encode("utf-8"))
    assert note == "" and text.startswith("# Title\n") and "\r" not in text
    r = import_text(text, "t.md")
    (one,) = r.checklist.sections[0].items
    assert one.text == "one" and one.children[0].text == "two things" and one.children[0].status.value == "done"


def test_mojibake_bom_is_dropped():
    assert clean(cp1252_mojibake("\ufeff# Title")).text == "# Title"


def test_non_utf8_bytes_are_read_as_cp1252():
    text, note = decode_source("# Café ✓\n- [ ] naïve".encode("cp1252", errors="replace"))
    assert "Café" in text and "naïve" in text and "cp1252" in note


def test_repaired_emoji_reach_items_and_titles():
    md = cp1252_mojibake("# 🚀 Launch\n\n## Go ✅\n\n- [🟢] Deploy ≥ 99.9%\n- [ ] Watch ⏳ queue\n")
    r = import_text(md, "x.md")
    assert r.checklist.title == "🚀 Launch"
    sec = r.checklist.sections[0]
    assert sec.title == "Go" and sec.status_hint == "done"
    assert [i.text for i in sec.items] == ["Deploy ≥ 99.9%", "Watch ⏳ queue"]
    assert sec.items[0].status.value == "done"
