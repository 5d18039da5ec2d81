"""Credibility: Bayes' rule in odds form, decay, reneging, verification, moves, intervals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from detente.signals.credibility import (
    CredibilityOptions,
    credibility,
    detect_reneging,
    posterior_path,
)
from detente.signals.evidence import PriorRecord, bundled_signals
from detente.signals.items import SignalItem, items_from_case, merge_items
from detente.signals.ladder import indicators

D0 = dt.date(2022, 3, 29)
TOL = 1e-9


def item(day: int, indicator: str, n_sources: int = 3, target: str | None = "UKR",
         actor: str = "RUS", verified: bool = False) -> SignalItem:
    return SignalItem(D0 + dt.timedelta(days=day), actor, target, indicator,
                      tuple(f"outlet{i}" for i in range(n_sources)), (f"ref:{indicator}:{day}",),
                      verified=verified)


def test_bayes_rule_in_odds_form_without_decay() -> None:
    """Three fully-sourced items, no decay: posterior odds = prior odds x product of LRs."""
    opts = CredibilityOptions(half_life_days=1e12, likelihood_ratios={
        "neutral-contact": 2.0, "negotiation-round": 3.0, "rejection": 0.5})
    items = [item(0, "neutral-contact"), item(5, "negotiation-round"), item(9, "rejection")]
    r = credibility(items, PriorRecord(kept=1, broken=3), actor="RUS", options=opts, rng=3)
    prior_odds = 2 / 4  # Beta(1 + 1, 1 + 3): mean 1/3
    want_odds = prior_odds * np.cumprod([2.0, 3.0, 0.5])
    assert r.prior_mean == pytest.approx(1 / 3, abs=TOL)
    assert r.p == pytest.approx(want_odds / (1 + want_odds), abs=1e-9)
    assert [m.date for m in r.moves] == [i.date for i in items]
    assert all(abs(m.decay) < 1e-6 for m in r.moves)


def test_half_life_halves_the_weight() -> None:
    lr = 4.0
    opts = CredibilityOptions(half_life_days=10, likelihood_ratios={"negotiation-round": lr})
    r = credibility([item(0, "negotiation-round")], PriorRecord(), actor="RUS", options=opts,
                    rng=0, date_to=D0 + dt.timedelta(days=10))
    assert r.dates[-1] == D0 + dt.timedelta(days=10)
    assert np.log(r.p[-1] / (1 - r.p[-1])) == pytest.approx(0.5 * np.log(lr), abs=1e-9)


def test_one_source_counts_a_third() -> None:
    opts = CredibilityOptions(half_life_days=1e12, likelihood_ratios={"contact": 8.0})
    r = credibility([item(0, "contact", n_sources=1)], PriorRecord(), actor="RUS",
                    options=opts, rng=0)
    assert np.log(r.p[0] / (1 - r.p[0])) == pytest.approx(np.log(8.0) / 3, abs=1e-9)


days = st.lists(st.integers(0, 400), min_size=0, max_size=25)
names = st.sampled_from(sorted(indicators()))


@settings(max_examples=40, deadline=None)
@given(days=days, which=st.lists(names, min_size=25, max_size=25),
       kept=st.integers(0, 5), broken=st.integers(0, 5), seed=st.integers(0, 2**32 - 1),
       half_life=st.floats(1.0, 1000.0))
@example(days=[0, 0, 1], which=["ceasefire-declared", "force"] * 12 + ["force"], kept=0,
         broken=2, seed=0, half_life=90.0)
def test_likelihood_ratio_of_one_leaves_the_belief_unchanged(
        days: list[int], which: list[str], kept: int, broken: int, seed: int,
        half_life: float) -> None:
    ones = {k: 1.0 for k in indicators()}
    spreads = {k: 1.0 for k in indicators()}
    opts = CredibilityOptions(likelihood_ratios=ones, spreads=spreads, half_life_days=half_life,
                              draws=200)
    items = [item(d, w, n_sources=1 + d % 3) for d, w in zip(days, which, strict=False)]
    r = credibility(items, PriorRecord(kept=kept, broken=broken), actor="RUS", options=opts,
                    rng=seed)
    assert np.all(np.abs(r.p - r.prior_mean) <= 1e-9)
    assert np.all(np.abs(r.lo - r.prior_lo) <= 1e-9)
    assert np.all(np.abs(r.hi - r.prior_hi) <= 1e-9)


@settings(max_examples=30, deadline=None)
@given(t=st.lists(st.integers(0, 100), min_size=1, max_size=10), seed=st.integers(0, 1000))
def test_posterior_path_matches_a_loop(t: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = len(t)
    w = rng.uniform(0, 1, k)
    llr = rng.normal(0, 1, (3, k))
    p0 = rng.normal(0, 1, 3)
    grid = np.arange(0, 120, 7)
    got = posterior_path(grid, np.array(t), w, llr, p0, 30.0)
    for d in range(3):
        for j, day in enumerate(grid):
            want = p0[d] + sum(w[i] * 2 ** (-(day - t[i]) / 30.0) * llr[d, i]
                               for i in range(k) if t[i] <= day)
            assert got[d, j] == pytest.approx(want, abs=1e-9)


def test_reneging_needs_force_in_the_window_and_same_dyad() -> None:
    claim = item(0, "de-escalation-declared")
    assert len(detect_reneging([claim, item(1, "force")], 3)) == 1
    assert detect_reneging([claim, item(5, "force")], 3) == []  # outside the window
    assert detect_reneging([claim, item(0, "force")], 3) == []  # same day: not after
    assert detect_reneging([claim, item(1, "force", target="GEO")], 3) == []
    assert detect_reneging([claim, item(1, "force", actor="UKR")], 3) == []
    [r] = detect_reneging([claim, item(2, "ceasefire-violation"), item(1, "force")], 3)
    assert r.date == D0 + dt.timedelta(days=1) and r.indicator == "reneging"
    assert set(claim.refs) <= set(r.refs)


def test_unbroken_observer_verified_ceasefire_is_verified() -> None:
    opts = CredibilityOptions()
    kept = credibility([item(0, "ceasefire-declared", n_sources=2, verified=True)],
                       PriorRecord(), actor="RUS", options=opts,
                       date_to=D0 + dt.timedelta(days=10))
    assert [i.indicator for i in kept.items] == ["ceasefire-declared", "verified-concession"]
    broken = credibility([item(0, "ceasefire-declared", n_sources=2, verified=True),
                          item(2, "force")],
                         PriorRecord(), actor="RUS", options=opts,
                         date_to=D0 + dt.timedelta(days=10))
    assert "verified-concession" not in [i.indicator for i in broken.items]
    assert "reneging" in [i.indicator for i in broken.items]
    assert broken.p[-1] < kept.p[-1]


def test_seed_001_pledge_then_strikes_lowers_russian_credibility() -> None:
    case = bundled_signals("ru-ua")
    items = merge_items(items_from_case(case, "RUS"))
    r = credibility(items, case.priors["RUS"], actor="RUS", rng=7,
                    date_to=dt.date(2022, 3, 31))
    move = {m.date: m for m in r.moves}
    pledge, strikes = move[dt.date(2022, 3, 29)], move[dt.date(2022, 3, 30)]
    assert pledge.after > pledge.before  # talks and the pledge raise the belief
    assert strikes.after < strikes.before  # reneging within a day lowers it
    reneging = [(i, c) for i, c in strikes.items if i.indicator == "reneging"]
    assert reneging and reneging[0][1] < 0
    assert "signal:rus-deescalation-pledge-2022-03-29" in reneging[0][0].refs
    assert r.prior_mean == pytest.approx(0.25, abs=TOL)
    assert np.all(r.lo <= r.p + 1e-12) and np.all(r.p <= r.hi + 1e-12)


def test_same_seed_same_interval() -> None:
    items = [item(0, "neutral-contact"), item(3, "rejection")]
    a = credibility(items, PriorRecord(), actor="RUS", rng=11)
    b = credibility(items, PriorRecord(), actor="RUS", rng=11)
    assert np.array_equal(a.lo, b.lo) and np.array_equal(a.hi, b.hi)
