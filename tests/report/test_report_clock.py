"""The report's T-clock texts (made once a minute for speed) are exactly ``format_clock``'s."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from warroom.launch_report.model import _Clocks
from warroom.tmarks import format_clock

CLOCKS = _Clocks()  # one for every example: its minutes are reused, as in a report


@given(st.integers(min_value=-10 * 86400 * 10**6, max_value=10 * 86400 * 10**6))
def test_clock_text_is_format_clock(us: int) -> None:
    t = timedelta(microseconds=us)
    assert CLOCKS(t) == format_clock(t)


def test_clock_text_around_t0_and_days() -> None:
    for us in (0, 1, -1, 999_999, -999_999, 1_000_000, -1_000_000, 59_999_999, -60_000_000, 86_400 * 10**6 - 1,
               -86_400 * 10**6, -86_401 * 10**6 - 1):
        t = timedelta(microseconds=us)
        assert CLOCKS(t) == format_clock(t), us
    assert CLOCKS(None) == ""
