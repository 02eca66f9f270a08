"""States from samples: warn/crit, ``for:`` with Prometheus semantics, staleness, rollback triggers."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics_support import tile
from warroom.metrics.evaluate import RollbackEvaluator, TileEvaluator
from warroom.metrics.sample import Sample
from warroom.metrics.spec import rollback_condition
from warroom.model import Criterion

T = 1_000_000.0


def spec(**kw):
    base = dict(name="lat", url="http://127.0.0.1:9/h", path="v", unit="ms", interval="10s",
                threshold={"warn": "< 400ms", "crit": "< 500ms"})
    base.update(kw)
    return tile(**base)


def run(ev: TileEvaluator, points: list[tuple[float, float | None]]) -> list[str]:
    out = []
    for t, v in points:
        ev.observe(Sample(T + t, value=v) if v is not None else Sample(T + t, error="connection refused by x"))
        out.append(ev.result(T + t).state)
    return out


def test_warn_and_crit_levels() -> None:
    assert run(TileEvaluator(spec()), [(0, 100), (10, 450), (20, 612), (30, 100)]) == ["OK", "WARN", "CRIT", "OK"]


def test_for_keeps_a_breach_pending_until_it_held_that_long() -> None:
    ev = TileEvaluator(spec(**{"for": "30s"}))
    states = run(ev, [(0, 612), (10, 650), (20, 700), (30, 612), (40, 612)])
    assert states == ["PENDING", "PENDING", "PENDING", "CRIT", "CRIT"]  # active at 0, fires at >= 30


def test_for_resets_when_a_sample_stops_breaching() -> None:
    ev = TileEvaluator(spec(**{"for": "30s"}))
    states = run(ev, [(0, 612), (20, 612), (25, 100), (30, 612), (50, 612), (60, 612)])
    assert states == ["PENDING", "PENDING", "OK", "PENDING", "PENDING", "CRIT"]


def test_an_error_resets_the_pending_breach() -> None:
    ev = TileEvaluator(spec(**{"for": "30s"}))
    states = run(ev, [(0, 612), (20, None), (30, 612), (50, 612), (60, 612)])
    assert states == ["PENDING", "ERROR", "PENDING", "PENDING", "CRIT"]


def test_pending_is_not_passing_and_says_how_long() -> None:
    ev = TileEvaluator(spec(**{"for": "1m"}))
    run(ev, [(0, 612), (20, 640)])
    r = ev.result(T + 20)
    assert not r.passing and r.state == "PENDING" and r.pending_for == 20
    assert r.summary == "lat (640 ms) < 500ms ✗ pending 20s of 1m00s"


def test_warn_can_be_pending_while_crit_is_fine() -> None:
    ev = TileEvaluator(spec(**{"for": "20s"}))
    assert run(ev, [(0, 450), (10, 450), (20, 450)]) == ["PENDING", "PENDING", "WARN"]


def test_a_pending_warn_breach_still_passes_a_pending_crit_breach_does_not() -> None:
    ev = TileEvaluator(spec(**{"for": "30s"}))
    run(ev, [(0, 470)])  # breaches warn (< 400ms), meets crit (< 500ms)
    r = ev.result(T)
    assert (r.state, r.passing) == ("PENDING", True)
    run(ev, [(10, 612)])  # now a crit breach, not yet held for 30s
    r = ev.result(T + 10)
    assert (r.state, r.passing) == ("PENDING", False)


def test_staleness_after_two_intervals_by_default() -> None:
    ev = TileEvaluator(spec())
    ev.observe(Sample(T, value=100))
    assert ev.result(T + 20).state == "OK"
    r = ev.result(T + 21)
    assert r.state == "STALE" and not r.passing and r.error == "no fresh sample for 21s"
    assert r.display == "100 ms"  # the last value still shows, greyed
    assert r.summary == "lat: STALE (no fresh sample for 21s)"


def test_stale_after_is_configurable() -> None:
    ev = TileEvaluator(spec(stale_after="5s"))
    ev.observe(Sample(T, value=100))
    assert ev.result(T + 6).state == "STALE"


def test_no_data_before_the_first_sample_and_for_empty_results() -> None:
    ev = TileEvaluator(spec())
    r = ev.result(T)
    assert (r.state, r.passing, r.error) == ("NO DATA", False, "no sample yet")
    ev.observe(Sample(T, nodata="query returned no series"))
    assert ev.result(T).error == "query returned no series" and not ev.result(T).passing


def test_error_keeps_the_last_value_but_never_passes() -> None:
    ev = TileEvaluator(spec())
    run(ev, [(0, 100), (10, None)])
    r = ev.result(T + 10)
    assert r.state == "ERROR" and r.display == "100 ms" and not r.passing
    assert r.history == [100]


def test_history_is_bounded() -> None:
    ev = TileEvaluator(spec(history=5))
    run(ev, [(i, float(i)) for i in range(12)])
    assert ev.result(T + 11).history == [7.0, 8.0, 9.0, 10.0, 11.0]


def test_no_threshold_means_any_fresh_value_passes() -> None:
    ev = TileEvaluator(tile(name="rps", url="http://x/h", path="v", unit="req/s"))
    ev.observe(Sample(T, value=1234.0))
    r = ev.result(T)
    assert r.passing and r.summary == "rps (1234 req/s) ✓"


def rollback(threshold: str, for_: str | None, **kw) -> RollbackEvaluator:
    sp = tile(name="err", url="http://x/h", path="v", unit="%", threshold="< 1%", **kw)
    crit = Criterion(id="rb", name="Error rate above 1%", threshold=threshold, tile="err", kind="rollback",
                     for_=timedelta(seconds=int(for_[:-1]) * 60) if for_ else None)
    return RollbackEvaluator(crit, sp, rollback_condition(threshold, sp))


def test_rollback_fires_after_for_and_clears() -> None:
    rb = rollback("> 1%", "5m")
    seen = []
    for t, v in [(0, 2.0), (120, 2.5), (299, 3.0), (300, 3.0), (360, 3.0), (420, 0.4)]:
        out = rb.observe(Sample(T + t, value=v), "CRIT")
        seen.append((out.fired, out.changed))
    assert seen == [(False, False), (False, False), (False, False), (True, True), (True, False), (False, True)]


def test_rollback_text_and_missing_data_never_fires() -> None:
    rb = rollback("> 1%", None)
    out = rb.observe(Sample(T, error="connection refused"), "ERROR")
    assert not out.fired
    out = rb.observe(Sample(T + 1, value=2.0), "CRIT")
    assert out.fired and out.text == "ROLLBACK: Error rate above 1% — err (2 %) > 1%"


def test_rollback_without_threshold_follows_the_tile_crit() -> None:
    sp = tile(name="err", url="http://x/h", path="v", unit="%", threshold="< 1%")
    rb = RollbackEvaluator(Criterion(id="rb", name="n", tile="err", kind="rollback"), sp, rollback_condition("", sp))
    assert not rb.observe(Sample(T, value=2.0), "PENDING").fired
    assert rb.observe(Sample(T + 1, value=2.0), "CRIT").fired


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.booleans()), min_size=1, max_size=30), st.integers(0, 60))
def test_crit_only_after_a_breach_held_for(steps: list[tuple[int, bool]], for_s: int) -> None:
    """CRIT at time t iff every sample in [t - for, t] breached and the breach began >= for ago."""
    ev = TileEvaluator(spec(threshold="< 500ms", **{"for": f"{for_s}s"}))
    t, since = 0.0, None
    for dt, breach in steps:
        t += dt
        ev.observe(Sample(T + t, value=600.0 if breach else 100.0))
        since = (since if since is not None else t) if breach else None
        state = ev.result(T + t).state
        if since is None:
            assert state == "OK"
        elif t - since >= for_s:
            assert state == "CRIT"
        else:
            assert state == "PENDING"
