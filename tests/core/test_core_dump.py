"""Whatever text a checklist holds, the YAML warroom writes reads back as the same text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.checklist_format import dump_checklist, parse_checklist
from warroom.model import Checklist, Item, Section
from warroom.textsafe import find_unsafe
from warroom.yamlio import dump, load_text

# Any code point a Python str can carry from a decoded file (no lone surrogates).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_round_trips_through_dump(text: str) -> None:
    data, problems = load_text(dump({"text": text, "list": [text]}), "x.yaml")
    # text that could act on a terminal reads back the same, and is a problem (both places)
    assert len(problems) == (0 if find_unsafe(text, newlines=True) < 0 else 2)
    assert data == {"text": text, "list": [text]}


@settings(max_examples=100, deadline=None)
@given(title=TEXT.filter(lambda t: t.strip() and find_unsafe(t, newlines=True) < 0),
       text=TEXT.filter(lambda t: t.strip() and find_unsafe(t, newlines=True) < 0))
def test_a_checklist_with_any_title_and_text_loads_back(title: str, text: str) -> None:
    item = Item(id="c/s/i", local_id="i", text=text)
    checklist = Checklist(id="c", title=title, source=title, sections=[Section(id="c/s", local_id="s", title=title, items=[item])])
    data, problems = load_text(dump_checklist(checklist), "c.yaml")
    assert problems == []
    loaded, problems = parse_checklist(data, "c.yaml")
    assert problems == []
    assert (loaded.title, loaded.sections[0].title, loaded.sections[0].items[0].text) == (title, title, text)
