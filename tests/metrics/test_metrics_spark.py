"""Sparklines have a scale floor: noise in the last digits is flat, a real move fills the height."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.metrics.spark import BARS, spark_levels, sparkline


def test_noise_in_the_last_digits_draws_flat_not_full_bars() -> None:
    assert sparkline([0.09499999, 0.095, 0.09499999, 0.095], 10) == BARS[3] * 4


def test_a_real_move_fills_the_height() -> None:
    assert sparkline([100.0, 150.0, 200.0], 10) == BARS[0] + BARS[3] + BARS[7]


def test_a_move_under_the_floor_stays_near_the_middle() -> None:
    levels = spark_levels([1000.0, 1004.0], 10)  # 0.4 % of the value: under the 1 % floor
    assert levels[0] < levels[1] and 1 <= levels[0] and levels[1] <= 6


def test_zero_and_non_finite_values() -> None:
    assert sparkline([0.0, 0.0], 5) == BARS[3] * 2
    assert sparkline([math.nan, 1.0, math.inf, 2.0], 5) == BARS[0] + BARS[7]
    assert sparkline([1.0, 2.0], 0) == "" and sparkline([], 4) == ""


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=40), st.integers(1, 30))
def test_levels_are_in_range_and_keep_the_order_of_values(values: list[float], width: int) -> None:
    levels = spark_levels(values, width)
    shown = values[-width:]
    assert len(levels) == len(shown) and all(0 <= x <= 7 for x in levels)
    for a, la in zip(shown, levels):
        for b, lb in zip(shown, levels):
            if a < b:
                assert la <= lb
