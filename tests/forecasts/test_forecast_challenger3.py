"""Challenger v3 (variants of the compromise model) and the protocol that chose one: analytic
cases, a property test against a brute-force grid search, folds that never leak."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.forecasts.backtest import issue_table, run_backtest, scorable
from detente.forecasts.challenger3 import (
    BETA_GRID,
    FITTED_C3,
    GAMMA_GRID,
    LAMBDA_GRID,
    MU_GRID,
    ROLE_GRID,
    VARIANTS,
    Challenger3Model,
    Challenger3Params,
    fit_challenger3,
)
from detente.forecasts.compromise import CompromiseModel
from detente.forecasts.crossval import CV_FOLDS, cv_fold
from detente.forecasts.run import make_forecasters
from detente.forecasts.selection import (
    candidate_grids,
    choose,
    compromise_forecasts,
    cv_forecasts,
    fold_ids,
    half_splits,
    nested_cv,
    select,
)
from detente.formats.deu import read_deu
from detente.formats.table import StakeholderTable

DEU = Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv"


def table(x, s, c, actors=None, ref=None, rule=None, name="t") -> StakeholderTable:
    names = actors or [f"A{i}" for i in range(len(x))]
    return StakeholderTable.build(names, c, x, s, scale=(0.0, 100.0), name=name,
                                  reference=None if ref is None else (ref,), decision_rule=rule)


def one(params: Challenger3Params, t: StakeholderTable) -> float:
    return float(Challenger3Model(params).forecast(t).position[0])


def random_tables(seed: int, n_tables: int) -> list[StakeholderTable]:
    rng = np.random.default_rng(seed)
    out = []
    for j in range(n_tables):
        n = int(rng.integers(3, 9))
        names = ["com", "ep", *[f"S{i}" for i in range(n - 2)]]
        x = rng.choice([0.0, 25.0, 50.0, 70.0, 100.0], n)
        ref = float(rng.choice([0.0, 100.0, 30.0])) if j % 3 else None
        out.append(table(x, rng.uniform(0.05, 1, n), rng.uniform(1, 10, n), names, ref,
                         "unanimity" if j % 4 == 0 else "qmv", name=f"p{j // 2}/{j}"))
    return out


# --- analytic cases -------------------------------------------------------------------------

def test_every_variant_at_its_first_grid_point_is_the_compromise_model():
    for t in random_tables(3, 12):
        comp = float(CompromiseModel().forecast(t).position[0])
        for v in VARIANTS:
            assert one(Challenger3Params(v), t) == pytest.approx(comp, abs=1e-9)


def test_council_variant_reweighs_the_institutions():
    t = table([100, 0, 0, 60], [1, 1, 1, 1], [10, 10, 10, 10], ["com", "ep", "de", "fr"])
    assert one(Challenger3Params("council"), t) == pytest.approx(40.0)        # 160 / 4
    assert one(Challenger3Params("council", m_com=0.0), t) == pytest.approx(20.0)   # 60 / 3
    assert one(Challenger3Params("council", m_com=2.0, m_ep=0.0), t) == pytest.approx(
        260 / 4)


def test_salience_exponent_and_equal_capability():
    t = table([0, 100], [1.0, 0.25], [1, 1])
    assert one(Challenger3Params("salience"), t) == pytest.approx(20.0)      # 25 / 1.25
    assert one(Challenger3Params("salience", gamma=0.5), t) == pytest.approx(100 / 3)
    assert one(Challenger3Params("salience", gamma=2.0), t) == pytest.approx(100 / 17)
    u = table([0, 100], [1, 1], [3, 1])
    assert one(Challenger3Params("salience"), u) == pytest.approx(25.0)
    assert one(Challenger3Params("salience", beta=0.0), u) == pytest.approx(50.0)
    assert one(Challenger3Params("salience", beta=0.5), u) == pytest.approx(
        100 / (1 + np.sqrt(3)))


def test_status_quo_shrinkage_by_voting_rule_and_only_with_a_reference_point():
    q = Challenger3Params("status-quo", lam_qmv=0.5, lam_unan=0.25)
    x, s, c = [20, 100], [1, 1], [1, 1]                    # compromise 60
    assert one(q, table(x, s, c, ref=0.0, rule="qmv")) == pytest.approx(30.0)
    assert one(q, table(x, s, c, ref=0.0, rule="unanimity")) == pytest.approx(45.0)
    assert one(q, table(x, s, c, ref=100.0)) == pytest.approx(80.0)     # no rule: QMV's λ
    assert one(q, table(x, s, c, rule="unanimity")) == pytest.approx(60.0)


def test_median_blend():
    t = table([0, 40, 100], [1, 1, 1], [1, 1, 1.5])      # compromise 190/3.5, median 40
    assert one(Challenger3Params("median-blend", mu=0.5), t) == pytest.approx(
        0.5 * 190 / 3.5 + 20.0)


def test_unknown_variant_is_an_error():
    with pytest.raises(DetenteError, match="variant"):
        Challenger3Params("bogus")


# --- property: the grid search is the brute-force arg-min -----------------------------------

def _brute_force_mae(tables, y, variant) -> float:
    """Lowest training MAE over the whole grid (λ_qmv × λ_unan jointly), model by model."""
    if variant in ("council", "council+status-quo"):
        bases = [{"m_com": a, "m_ep": b} for a, b in itertools.product(ROLE_GRID, ROLE_GRID)]
    elif variant == "salience":
        bases = [{"beta": b, "gamma": g} for b, g in itertools.product(BETA_GRID, GAMMA_GRID)]
    elif variant == "median-blend":
        bases = [{"mu": m} for m in MU_GRID]
    else:
        bases = [{}]
    lams = LAMBDA_GRID if "status-quo" in variant else (0.0,)
    best = np.inf
    for b, lq, lu in itertools.product(bases, lams, lams):
        m = Challenger3Model(Challenger3Params(variant, lam_qmv=lq, lam_unan=lu, **b))
        pred = np.array([m.forecast(t).position[0] for t in tables])
        best = min(best, float(np.abs(pred - y).mean()))
    return best


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(VARIANTS))
def test_fit_reaches_the_brute_force_minimum_and_stays_in_range(seed, variant):
    tables = random_tables(seed, 8)
    y = np.random.default_rng(seed + 1).uniform(0, 100, len(tables))
    params, mae = fit_challenger3(tables, y, variant)
    assert params.variant == variant
    assert mae == pytest.approx(_brute_force_mae(tables, y, variant), abs=1e-9)
    model = Challenger3Model(params)
    pred = np.array([model.forecast(t).position[0] for t in tables])
    assert np.abs(pred - y).mean() == pytest.approx(mae, abs=1e-9)
    for t, p in zip(tables, pred, strict=True):          # a convex mix of positions and r
        pts = [*t.position[:, 0], *(t.reference or ())]
        assert min(pts) - 1e-9 <= p <= max(pts) + 1e-9


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.01, 100.0), st.floats(0.01, 100.0),
       st.sampled_from(GAMMA_GRID), st.sampled_from(BETA_GRID))
def test_salience_variant_ignores_the_units_of_salience_and_capability(seed, ks, kc, g, b):
    """(k·s)^γ = k^γ·s^γ and (k·c)^β = k^β·c^β: a common factor cancels in the weighted mean,
    and actor order does not matter."""
    t = random_tables(seed, 1)[0]
    q = Challenger3Params("salience", beta=b, gamma=g)
    scaled = StakeholderTable.build(list(t.actors), kc * t.capability, t.position,
                                    np.minimum(ks * t.salience, 1.0) if ks < 1 else
                                    t.salience / ks, scale=(0.0, 100.0))
    assert one(q, scaled) == pytest.approx(one(q, t), abs=1e-9)
    order = np.random.default_rng(seed).permutation(t.n_actors)
    shuffled = StakeholderTable.build([t.actors[i] for i in order], t.capability[order],
                                      t.position[order], t.salience[order], scale=(0.0, 100.0))
    assert one(q, shuffled) == pytest.approx(one(q, t), abs=1e-9)


def test_fit_recovers_a_grid_model_from_its_own_forecasts():
    tables = random_tables(5, 30)
    truth = Challenger3Params("council+status-quo", m_com=0.25, m_ep=2.0, lam_qmv=0.3,
                              lam_unan=0.1)
    y = Challenger3Model(truth).forecast_batch(tables)
    params, mae = fit_challenger3(tables, y, truth.variant)
    assert mae == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(Challenger3Model(params).forecast_batch(tables), y, atol=1e-9)


def test_batch_and_single_forecasts_agree_and_registry_knows_the_model():
    tables = random_tables(7, 10)
    m = Challenger3Model(Challenger3Params("council+status-quo", m_com=0.5, lam_qmv=0.2))
    single = [m.forecast(t).position[0] for t in tables]
    np.testing.assert_allclose(m.forecast_batch(tables), single)
    assert [f.name for f in make_forecasters(["challenger3"])] == ["challenger3"]


# --- the selection protocol -----------------------------------------------------------------

def test_choose_prefers_fewer_parameters_within_the_margin():
    assert choose({"council": 22.0, "median-blend": 22.04}) == "median-blend"
    assert choose({"council": 22.0, "median-blend": 22.06}) == "council"
    assert choose({"council+status-quo": 21.0, "salience": 21.03, "council": 21.02}) == \
        "council"
    assert choose({"salience": 22.3, "council": 22.7}) == "salience"


def test_cross_validation_fits_never_see_the_scored_fold():
    tables = random_tables(11, 40)
    groups = [t.name.split("/")[0] for t in tables]
    y = np.random.default_rng(2).uniform(0, 100, 40)
    grids = candidate_grids(tables)
    folds = fold_ids(groups)
    for p in set(groups):                          # one proposal, one fold
        assert len({int(f) for f, g in zip(folds, groups, strict=True) if g == p}) == 1
    pred = cv_forecasts(grids["council"], y, folds)
    for f in np.unique(folds):
        train = [j for j in range(40) if folds[j] != f]
        params, _ = fit_challenger3([tables[j] for j in train], y[train], "council")
        test = [tables[j] for j in range(40) if folds[j] == f]
        np.testing.assert_allclose(pred[folds == f],
                                   Challenger3Model(params).forecast_batch(test))


def test_nested_selection_uses_the_outer_training_folds_only():
    tables = random_tables(13, 48)
    groups = [t.name.split("/")[0] for t in tables]
    y = np.random.default_rng(4).uniform(0, 100, 48)
    folds = fold_ids(groups)
    nest = nested_cv(candidate_grids(tables), y, folds)
    for f, variant in nest.chosen.items():
        train = [j for j in range(48) if folds[j] != f]
        sub = [tables[j] for j in train]
        chosen, _ = select(candidate_grids(sub), y[train], folds[train])   # data of 9 folds
        assert chosen == variant
        params, _ = fit_challenger3(sub, y[train], variant)
        test = [tables[j] for j in range(48) if folds[j] == f]
        np.testing.assert_allclose(nest.forecasts[folds == f],
                                   Challenger3Model(params).forecast_batch(test))


def test_half_splits_are_seeded_and_zero_for_the_baseline_itself():
    tables = random_tables(17, 30)
    groups = [t.name.split("/")[0] for t in tables]
    y = np.random.default_rng(6).uniform(0, 100, 30)
    grid = candidate_grids(tables, ["median-blend"])["median-blend"]
    base = compromise_forecasts(tables)
    a = half_splits(grid, y, base, groups, 20, seed=3)
    np.testing.assert_array_equal(a, half_splits(grid, y, base, groups, 20, seed=3))
    # outcomes the compromise forecasts exactly: the fit stays at μ = 0, every difference is 0
    y_own = compromise_forecasts(tables)
    np.testing.assert_allclose(half_splits(grid, y_own, base, groups, 10), 0.0, atol=1e-9)
    # outcomes a grid point forecasts exactly: it is found on one half and is exact on the other
    y_mu = Challenger3Model(Challenger3Params("median-blend", mu=0.5)).forecast_batch(tables)
    diff = half_splits(grid, y_mu, base, groups, 10)
    np.testing.assert_array_less(diff, 0.0)


# --- on the DEU dev file -----------------------------------------------------------------

def test_frozen_variant_is_the_protocol_choice_fitted_on_all_dev_issues():
    if not DEU.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    issues = scorable(read_deu(DEU))
    tables = [issue_table(i) for i in issues]
    y = np.array([i.outcome for i in issues])
    chosen, mae = select(candidate_grids(tables), y, fold_ids([i.proposal for i in issues]))
    assert chosen == FITTED_C3.variant
    assert set(mae) == set(VARIANTS)
    assert fit_challenger3(tables, y, chosen)[0] == FITTED_C3


def test_backtest_cv_refits_challenger3_in_every_fold():
    if not DEU.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    res = run_backtest(read_deu(DEU), [CompromiseModel(), Challenger3Model()], split="cv",
                       bootstrap=0)
    assert res.options["cv"]["out_of_fold"] == ["challenger3"]
    per_fold = res.options["cv"]["fitted_per_fold"]["challenger3"]
    assert len(per_fold) == CV_FOLDS and all(f["variant"] == "salience" for f in per_fold)
    folds = np.array([cv_fold(i.proposal) for i in res.issues])
    tables = [issue_table(i) for i in res.issues]
    y = res.outcomes
    for f in (0, 5):
        train = np.flatnonzero(folds != f)
        params, _ = fit_challenger3([tables[j] for j in train], y[train], "salience")
        test = [tables[j] for j in np.flatnonzero(folds == f)]
        np.testing.assert_allclose(res.predictions[1, folds == f],
                                   Challenger3Model(params).forecast_batch(test))
