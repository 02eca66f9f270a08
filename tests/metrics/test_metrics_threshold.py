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
    (612.0, "ms", "612 ms"), (99.95, "%", "99.95 %"), (0.0412, "%", "0.0412 %"), (2.5, "s", "2.5 s"),
    (123456.0, "req/s", "123.5k req/s"), (math.nan, "ms", "NaN"), (None, "ms", "—"), (30.0, "days", "30 days"),
    # at least 4 significant digits, scaled within the unit's family
    (123.456, "ms", "123.5 ms"), (0.1235, "s", "123.5 ms"), (0.19634, "%", "0.1963 %"), (15234.0, "ms", "15.23 s"),
    (0.0005, "s", "500 µs"), (90.0, "s", "1.5 min"), (0.5, "days", "12 h"), (-0.002, "s", "-2 ms"),
    (1536.0, "B", "1.5 KiB"), (3e9, "B", "2.794 GiB"), (1023.0, "B", "1023 B"), (2.5e6, "kB", "2.5 GB"),
    (1234.0, "", "1234"), (12345.0, "", "12.35k"), (2.5e9, "conn", "2.5G conn"), (0.09499999, "", "0.095"),
    (math.inf, "ms", "Inf"), (-math.inf, "", "-Inf"), ("ok", "ms", "ok"),
])
def test_format_value(value: float, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False).filter(lambda v: abs(v) > 1e-8),
       st.sampled_from(["", "ms", "s", "%", "B", "KiB", "req/s", "MB", "days"]))
def test_formatted_values_keep_four_significant_digits_and_no_bogus_prefix(value: float, unit: str) -> None:
    """Read back (number and scaled unit), a shown value is within 0.05 % of the true one, and a
    k/M prefix never lands in front of a unit that has its own scale (no ``15kms``)."""
    shown = format_value(value, unit)
    number, _, shown_unit = shown.partition(" ")
    factor = 1.0
    if number[-1:] in "kMGT" and number[-1:]:
        assert unit not in _SCALED, shown
        factor = {"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}[number[-1]]
        number = number[:-1]
    back = float(number) * factor
    if shown_unit and shown_unit != unit:
        back = convert(back, _CANON.get(shown_unit, shown_unit), _CANON.get(unit, unit))
    assert back == pytest.approx(value, rel=5e-4), shown


_SCALED = {"ms", "s", "B", "KiB", "MB", "days", "%"}
_CANON = {"µs": "us"}


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_less_than_agrees_with_python_floats(target: float, value: float) -> None:
    cond = parse_condition(f"< {target!r}ms", "ms")
    assert cond.holds(value) is (value < target)
    assert parse_condition(f">= {target!r}ms", "ms").holds(value) is (value >= target)
