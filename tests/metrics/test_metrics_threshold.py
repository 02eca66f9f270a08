"""Conditions with units: parsing, conversion into the tile's unit, NaN, text, bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.metrics.threshold import convert, format_value, parse_condition


@pytest.mark.parametrize("text, unit, value, holds", [
    ("< 500ms", "ms", 499.0, True),
    ("< 500ms", "ms", 612.0, False),
    ("< 500ms", "s", 0.499, True),  # written in ms, compared in seconds
    ("< 500ms", "s", 0.5, False),
    ("<= 0.5s", "ms", 500.0, True),
    (">= 99.8%", "%", 99.8, True),
    (">= 99.8%", "%", 99.79, False),
    ("< 0.1%", "%", 0.05, True),
    ("< 80%", "%", 80.0, False),
    ("== 200", "", 200.0, True),
    ("!= 200", "", 503.0, True),
    ("> 14d", "days", 30.0, True),
    ("> 14d", "days", 13.9, False),
    ("< 1.5e3", "", 1499.0, True),
    ("< 2MiB", "B", 2 * 1024 * 1024 - 1, True),
])
def test_conditions_compare_real_floats_in_the_tiles_unit(text: str, unit: str, value: float, holds: bool) -> None:
    assert parse_condition(text, unit).holds(value) is holds


def test_nan_and_missing_never_meet_a_condition() -> None:
    for text in ("< 500ms", "> 0ms", "!= 1ms"):
        cond = parse_condition(text, "ms")
        assert not cond.holds(math.nan)
        assert not cond.holds(None)


def test_text_conditions() -> None:
    cond = parse_condition('== "ok"')
    assert cond.holds("ok") and not cond.holds("degraded")
    assert parse_condition("!= down").holds("up")
    with pytest.raises(ValueError, match="only be compared with == or !="):
        parse_condition('< "ok"')


@pytest.mark.parametrize("text, unit, message", [
    ("500ms", "ms", "expected a condition like"),
    ("< fast", "ms", "expected a number"),
    ("< 5 parsecs", "", "unknown unit 'parsecs'"),
    ("< 500ms", "%", "does not match the tile's unit '%'"),
    ("< 1%", "", "does not match the tile's unit 'none'"),
])
def test_bad_conditions_say_why(text: str, unit: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_condition(text, unit)


def test_convert_refuses_across_families() -> None:
    assert convert(1.5, "s", "ms") == 1500.0
    with pytest.raises(ValueError):
        convert(1.0, "s", "%")


@pytest.mark.parametrize("value, unit, shown", [
    (612.0, "ms", "612ms"), (99.95, "%", "99.95%"), (0.0412, "%", "0.0412%"), (2.5, "s", "2.5s"),
    (123456.0, "req/s", "123k req/s"), (math.nan, "ms", "NaN"), (None, "ms", "—"), (30.0, "days", "30 days"),
])
def test_format_value(value: float, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_less_than_agrees_with_python_floats(target: float, value: float) -> None:
    cond = parse_condition(f"< {target!r}ms", "ms")
    assert cond.holds(value) is (value < target)
    assert parse_condition(f">= {target!r}ms", "ms").holds(value) is (value >= target)
