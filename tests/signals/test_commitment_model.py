"""Rolling-origin commitment model, baselines, scores and features against oracles."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.signals.commitment_features import decayed_sum, force_pressure
from detente.signals.commitment_model import (
    ModelOptions,
    fit_recalibration,
    knowledge,
    predict,
)
from detente.signals.commitments import Commitment, bundled_commitments
from detente.signals.scoring import auc, brier, log_loss, reliability, score_table
from helpers_signals import event_table

D0 = dt.date(2020, 1, 1)


def commitment(k: int, side: str, outcome: str, kind: str = "truce", days: int = 10,
               span: int = 2) -> Commitment:
    t = D0 + dt.timedelta(days=days * k)
    return Commitment(f"c{k}", side, "X", kind, t, t, t + dt.timedelta(days=span), None, None,
                      None, outcome, "src", k + 2)


def test_baselines_match_a_loop_oracle() -> None:
    rng = np.random.default_rng(1)
    cs = [commitment(k, str(rng.choice(["A", "B", "C"])),
                     str(rng.choice(["kept", "broken", "unknown"], p=[0.5, 0.3, 0.2])))
          for k in range(40)]
    f = predict(cs)
    for i, c in enumerate(cs):
        past = [d for d in cs if d.scored and d.resolved < c.announced]
        kept = sum(d.outcome == "kept" for d in past)
        assert f["constant"][i] == pytest.approx((1 + kept) / (2 + len(past)), abs=1e-12)
        mine = [d for d in past if d.announced_by == c.announced_by]
        k_a = sum(d.outcome == "kept" for d in mine)
        assert f["per_side"][i] == pytest.approx((1 + k_a) / (2 + len(mine)), abs=1e-12)
        assert f["record"][i] == pytest.approx((1 + k_a) / (2 + len(mine)), abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), flip=st.integers(0, 39))
def test_no_look_ahead(seed: int, flip: int) -> None:
    """Changing one outcome changes no forecast announced before it was resolved."""
    rng = np.random.default_rng(seed)
    cs = [commitment(k, str(rng.choice(["A", "B"])), str(rng.choice(["kept", "broken"])),
                     days=int(rng.integers(1, 6)) if k else 1, span=int(rng.integers(0, 40)))
          for k in range(40)]
    cs = sorted(cs, key=lambda c: (c.announced, c.id))
    feats = rng.normal(size=(40, 2))
    a = predict(cs, feats, options=ModelOptions(min_train=5))
    other = "broken" if cs[flip].outcome == "kept" else "kept"
    cs2 = [replace(c, outcome=other) if j == flip else c for j, c in enumerate(cs)]
    b = predict(cs2, feats, options=ModelOptions(min_train=5))
    before = np.array([c.announced <= cs[flip].resolved for c in cs])
    for k in ("model", "constant", "per_side"):
        assert np.array_equal(a[k][before], b[k][before]), k


def test_recalibration_recovers_a_logistic_model() -> None:
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(20_000), rng.normal(size=(20_000, 2))])
    beta = np.array([0.3, 1.5, -0.7])
    y = (rng.random(20_000) < 1 / (1 + np.exp(-X @ beta))).astype(float)
    b = fit_recalibration(X, y, np.zeros(3), ridge=1e-6)
    assert b == pytest.approx(beta, abs=0.08)
    # a heavy ridge keeps the prior coefficients
    b0 = np.array([0.0, 1.0, 0.0])
    assert fit_recalibration(X[:20], y[:20], b0, ridge=1e6) == pytest.approx(b0, abs=1e-3)


def test_knowledge_is_resolved_before_announcement() -> None:
    cs = [commitment(0, "A", "kept", span=15), commitment(1, "A", "kept"),
          commitment(2, "A", "unknown"), commitment(3, "A", "broken")]
    k = knowledge(cs)
    assert not k[1, 0]  # c0 resolves on day 15, c1 is announced on day 10
    assert k[2, 0] and k[2, 1] and not k[3, 2]  # unknown outcomes never count


def test_scores_against_oracles() -> None:
    p = np.array([0.9, 0.2, 0.6, 0.6])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    assert float(brier(p, y)) == pytest.approx((0.01 + 0.04 + 0.36 + 0.16) / 4, abs=1e-12)
    want = -np.mean(np.log([0.9, 0.8, 0.4, 0.6]))
    assert float(log_loss(p, y)) == pytest.approx(want, abs=1e-12)
    assert np.isfinite(log_loss(np.array([0.0]), np.array([1.0])))
    bins = reliability(p, y)
    assert sum(b["n"] for b in bins) == 4
    assert [b["observed"] for b in bins] == [0.0, 0.5, 1.0]


@settings(max_examples=50, deadline=None)
@given(p=st.lists(st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9]), min_size=2, max_size=30),
       seed=st.integers(0, 1000))
def test_auc_matches_pairwise_oracle(p: list[float], seed: int) -> None:
    y = np.random.default_rng(seed).integers(0, 2, len(p))
    pa = np.array(p)
    pos, neg = pa[y == 1], pa[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        assert np.isnan(auc(pa, y))
        return
    pairs = [(a > b) + 0.5 * (a == b) for a, b in itertools.product(pos, neg)]
    assert auc(pa, y) == pytest.approx(np.mean(pairs), abs=1e-12)


def test_bootstrap_is_seeded_and_paired() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 60).astype(float)
    f = {"a": np.clip(y * 0.6 + 0.2, 0, 1), "b": np.full(60, 0.5)}
    t1 = score_table(f, y, reference="a", rng=np.random.default_rng(5), resamples=300)
    t2 = score_table(f, y, reference="a", rng=np.random.default_rng(5), resamples=300)
    assert t1 == t2
    d = t1["differences"]["minus"]["b"]["brier"]
    assert d["value"] == pytest.approx(t1["models"]["a"]["brier"]["value"]
                                       - t1["models"]["b"]["brier"]["value"], abs=1e-12)
    assert d["interval"][1] < 0  # a is clearly better than a coin flip here


@settings(max_examples=30, deadline=None)
@given(t=st.lists(st.integers(0, 200), min_size=0, max_size=12), seed=st.integers(0, 99))
def test_decayed_sum_matches_a_loop(t: list[int], seed: int) -> None:
    c = np.random.default_rng(seed).normal(size=len(t))
    q = np.arange(-5, 260, 13)
    got = decayed_sum(q, np.array(t, dtype=np.int64), c, 30.0)
    for j, day in enumerate(q):
        want = sum(c[k] * 2 ** (-(day - t[k]) / 30.0) for k in range(len(t)) if t[k] < day)
        assert got[j] == pytest.approx(want, abs=1e-9)


def test_force_pressure_counts_the_week_before_against_its_baseline() -> None:
    start = dt.date(2022, 1, 1)
    rows = [dict(date=(start + dt.timedelta(days=d)).isoformat(), cameo="190",
                 latitude=47.1, longitude=37.5) for d in range(97) for _ in range(1 + (d >= 90))]
    rows.append(dict(date="2022-04-08", cameo="190"))  # announcement day: not before
    ev = event_table(rows)
    c = Commitment("x", "RUS", "UKR", "corridor", dt.date(2022, 4, 8), dt.date(2022, 4, 8),
                   None, None, None, None, "kept", "src")
    # 7 days before: days 90-96 have 2 events each = 14; baseline days 0-89: 90 -> 7 per week
    assert force_pressure([c], ev)[0] == pytest.approx(np.log(15 / 8), abs=1e-12)
    far = replace(c, lat=50.0, lon=30.5)  # Kyiv: 500+ km from every event
    near = replace(c, lat=47.1, lon=37.6)
    assert force_pressure([far], ev)[0] == pytest.approx(0.0, abs=1e-12)
    assert force_pressure([near], ev)[0] == pytest.approx(np.log(15 / 8), abs=1e-12)


def test_dev_set_scores_are_finite() -> None:
    cs = bundled_commitments()
    f = predict(cs)
    assert np.all((f["model"] >= 0.01) & (f["model"] <= 0.99))
    m = np.array([c.scored for c in cs])
    y = np.array([c.outcome == "kept" for c in cs], dtype=float)[m]
    assert np.isfinite(log_loss(f["model"][m], y))


def test_resampled_auc_matches_the_loop() -> None:
    from detente.signals.scoring import auc_resampled

    rng = np.random.default_rng(4)
    p = rng.choice([0.1, 0.4, 0.5, 0.8], size=40)
    y = rng.integers(0, 2, 40)
    idx = rng.integers(0, 40, size=(300, 40))
    got = auc_resampled(p, y, idx)
    want = np.array([auc(p[i], y[i]) for i in idx])
    assert np.allclose(got, want, equal_nan=True, atol=1e-12)


def test_estimated_likelihood_ratio_recovers_a_known_rate_ratio() -> None:
    from detente.signals.items import SignalItem
    from detente.signals.lr_estimate import estimate_likelihood_ratios

    rng = np.random.default_rng(2)
    cs, items = [], []
    for k in range(200):
        t = D0 + dt.timedelta(days=200 * k)
        kept = k % 2 == 0
        cs.append(Commitment(f"c{k}", "A", "B", "truce", t, t, t, None, None, None,
                             "kept" if kept else "broken", "src"))
        rate = 0.3 if kept else 0.1  # contacts three times as frequent before kept ones
        for d in np.flatnonzero(rng.random(90) < rate):
            items.append(SignalItem(t - dt.timedelta(days=int(d) + 1), "A", "B", "contact",
                                    ("x", "y", "z"), ()))
    est = {(e.actor, e.indicator): e for e in estimate_likelihood_ratios(cs, items)}
    e = est[("A", "contact")]
    assert e.lr == pytest.approx(3.0, rel=0.1)
    assert e.lr / e.spread ** 2 < 3.0 < e.lr * e.spread ** 2
    threat = est[("A", "threat")]  # never seen: the default, with a wide spread
    assert threat.lr == pytest.approx(threat.default, rel=1e-9) and threat.spread > 1.5


def test_a_compliance_prior_sets_the_mean_with_capped_strength() -> None:
    cs = [commitment(0, "A", "broken"), commitment(1, "A", "kept")]
    f = predict(cs, prior=lambda side, kind: (40.0, 10.0) if side == "A" else None)
    assert f["record"][0] == pytest.approx(0.8, abs=1e-12)  # no record yet: the prior mean
    assert f["record"][1] == pytest.approx((0 + 3.2) / (1 + 4), abs=1e-12)  # strength 4
    g = predict(cs, prior=lambda side, kind: None)
    assert g["record"][1] == pytest.approx(1 / 3, abs=1e-12)  # Beta(1, 1) fallback
