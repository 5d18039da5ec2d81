"""Challenger v4 (LAD stacking, snap to a lump) and the one-SE protocol that chose one:
analytic cases, properties against independent oracles, folds that never leak."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.forecasts.backtest import issue_table, run_backtest, scorable
from detente.forecasts.base import forecast_issues
from detente.forecasts.challenger4 import (
    DELTA_GRID,
    FITTED_C4,
    MEMBERS,
    SHRINK_GRID,
    VARIANTS,
    Challenger4Model,
    Challenger4Params,
    choose_shrinkage,
    fit_params,
    lad_weights,
    predict_percent,
    snap_forecasts,
    stack_issues,
)
from detente.forecasts.compromise import CompromiseModel, MedianModel
from detente.forecasts.crossval import CV_FOLDS, cv_fold
from detente.forecasts.ensemble import simplex_grid
from detente.forecasts.exchange import ExchangeModel
from detente.forecasts.procedural import ProceduralModel
from detente.forecasts.run import make_forecasters
from detente.forecasts.selection import fold_ids
from detente.forecasts.selection4 import (
    choose_one_se,
    cluster_ids,
    cv_forecasts,
    half_splits,
    nested_cv,
    select,
)
from detente.formats.deu import read_deu
from detente.formats.table import StakeholderTable

DEU = Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv"


def table(x, s, c, actors=None, ref=None, rule=None, name="t", scale=(0.0, 100.0)
          ) -> StakeholderTable:
    names = actors or [f"A{i}" for i in range(len(x))]
    return StakeholderTable.build(names, c, x, s, scale=scale, name=name,
                                  reference=None if ref is None else (ref,), decision_rule=rule)


def one(params: Challenger4Params, t: StakeholderTable) -> float:
    return float(Challenger4Model(params).forecast(t).position[0])


def random_tables(seed: int, n_tables: int, scale=(0.0, 100.0)) -> list[StakeholderTable]:
    """DEU-like issues: lumpy positions, a Commission, r on two of three, unanimity on one of
    four, two issues per proposal."""
    rng = np.random.default_rng(seed)
    lo, hi = scale
    out = []
    for j in range(n_tables):
        n = int(rng.integers(3, 9))
        names = ["com", "ep", *[f"S{i}" for i in range(n - 2)]]
        x = lo + (hi - lo) * rng.choice([0.0, 0.25, 0.5, 0.7, 1.0], n)
        ref = lo + (hi - lo) * float(rng.choice([0.0, 1.0, 0.3])) if j % 3 else None
        out.append(table(x, rng.uniform(0.05, 1, n), rng.uniform(1, 10, n), names, ref,
                         "unanimity" if j % 4 == 0 else "qmv", name=f"p{j // 2}/{j}",
                         scale=scale))
    return out


def groups_of(tables: list[StakeholderTable]) -> list[str]:
    return [t.name.split("/")[0] for t in tables]


# --- the LAD fit ----------------------------------------------------------------------------

def test_lad_recovers_a_known_combination():
    rng = np.random.default_rng(0)
    f = rng.uniform(0, 100, (6, 120))
    truth = np.array([0.1, 0.2, 0.0, 0.3, 0.4, 0.0])
    np.testing.assert_allclose(lad_weights(f, truth @ f), truth, atol=1e-7)


def test_lad_of_constant_members_is_the_sample_median():
    """Members 0 and 100 on every issue: Σα f = 100·α₁, and the best constant under absolute
    loss is the median (odd n: unique)."""
    y = np.random.default_rng(1).uniform(0, 100, 51)
    f = np.stack([np.zeros(51), np.full(51, 100.0)])
    assert (lad_weights(f, y) @ f)[0] == pytest.approx(np.median(y), abs=1e-7)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_lad_is_no_worse_than_any_point_of_a_simplex_grid(seed):
    """Oracle: the LP optimum is ≤ the objective at every weight vector of step 1/8."""
    rng = np.random.default_rng(seed)
    f = rng.choice([0.0, 30.0, 50.0, 100.0], (4, 25)) + rng.normal(0, 5, (4, 25))
    y = rng.choice([0.0, 50.0, 100.0], 25)
    alpha = lad_weights(f, y)
    assert alpha.min() >= 0 and alpha.sum() == pytest.approx(1.0)
    grid = simplex_grid(4, 1 / 8)
    assert np.abs(alpha @ f - y).mean() <= np.abs(grid @ f - y).mean(axis=1).min() + 1e-7


def test_a_large_shrinkage_keeps_the_compromise_and_a_small_one_is_the_plain_fit():
    """Moving weight t from member 0 to others changes the mean absolute error by at most
    t·maxₘ mean|fₘ − f₀|, so any λ above that keeps α = e₀."""
    rng = np.random.default_rng(3)
    f = rng.uniform(0, 100, (5, 40))
    y = 0.5 * f[1] + 0.5 * f[2]
    bound = max(np.abs(f[m] - f[0]).mean() for m in range(5))
    np.testing.assert_allclose(lad_weights(f, y, bound + 1.0), np.eye(5)[0], atol=1e-9)
    np.testing.assert_allclose(lad_weights(f, y, 0.0), [0, 0.5, 0.5, 0, 0], atol=1e-7)


# --- members and variants: analytic cases ---------------------------------------------------

def test_members_are_the_models_they_name():
    tables = random_tables(5, 12)
    s = stack_issues(tables)
    assert s.f.shape == (len(MEMBERS), 12)
    for k, model in enumerate((CompromiseModel(), MedianModel(), ExchangeModel(),
                               ProceduralModel())):
        np.testing.assert_allclose(s.to_scale(s.f[k]), forecast_issues(model, tables),
                                   atol=1e-9)
    comp = s.f[0]
    for j, t in enumerate(tables):
        assert s.f[4, j] == pytest.approx(t.reference[0] if t.reference else comp[j])
        assert s.f[5, j] == pytest.approx(t.position[list(t.actors).index("com"), 0])


def test_snap_moves_to_the_nearest_lump_only_within_delta():
    t = table([0, 60, 100], [1, 1, 1], [1, 1, 2])                  # compromise 65
    assert one(Challenger4Params("snap", delta=0.0), t) == pytest.approx(65.0)
    assert one(Challenger4Params("snap", delta=0.02), t) == pytest.approx(65.0)
    assert one(Challenger4Params("snap", delta=0.05), t) == pytest.approx(60.0)
    r = table([0, 60, 100], [1, 1, 1], [1, 1, 2], ref=66.0)     # r is nearer than 60
    assert one(Challenger4Params("snap", delta=0.05), r) == pytest.approx(66.0)
    tie = table([40, 60], [1, 1], [1, 1])                          # x̂ = 50: tie, lower one
    assert one(Challenger4Params("snap", delta=0.1), tie) == pytest.approx(40.0)


def test_per_rule_weights_apply_to_their_rule_only():
    q = Challenger4Params("lad-stack-rule", (0, 1, 0, 0, 0, 0), (0, 0, 0, 0, 1, 0))
    x, s, c = [0, 40, 100], [1, 1, 1], [1, 1, 1.5]                 # median 40, x̂ 54.29
    assert one(q, table(x, s, c, ref=10.0, rule="qmv")) == pytest.approx(40.0)
    assert one(q, table(x, s, c, ref=10.0, rule="unanimity")) == pytest.approx(10.0)
    assert one(q, table(x, s, c, rule="unanimity")) == pytest.approx(190 / 3.5)   # no r: x̂


def test_parameters_off_the_simplex_or_unknown_variant_are_errors():
    with pytest.raises(DetenteError, match="variant"):
        Challenger4Params("bogus")
    with pytest.raises(DetenteError, match="simplex"):
        Challenger4Params("lad-stack", (0.5, 0.6, 0, 0, 0, 0))
    with pytest.raises(DetenteError, match="simplex"):
        Challenger4Params("lad-stack", (1.0, 0.0))


# --- properties -----------------------------------------------------------------------------

def _fitted(variant: str, tables, y) -> Challenger4Params:
    return Challenger4Model(Challenger4Params(variant)).fit(tables, y).params


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(("lad-stack", "lad-stack-rule", "snap")))
def test_fits_stay_in_the_hull_and_ignore_units_and_actor_order(seed, variant):
    tables = random_tables(seed, 24)
    y = np.random.default_rng(seed + 1).choice([0.0, 30.0, 50.0, 100.0], 24)
    q = _fitted(variant, tables, y)
    pred = Challenger4Model(q).forecast_batch(tables)
    for t, p in zip(tables, pred, strict=True):          # positions and r: every member's hull
        pts = [*t.position[:, 0], *(t.reference or ())]
        assert min(pts) - 1e-9 <= p <= max(pts) + 1e-9
    # the same issues on a −50…150 scale (x → 2x − 50), capability × 7, salience ÷ 2
    a, b = -50.0, 2.0
    moved = [StakeholderTable.build(list(t.actors), 7 * t.capability, a + b * t.position,
                                    t.salience / 2, scale=(a, a + 100 * b), name=t.name,
                                    reference=None if t.reference is None else
                                    (a + b * t.reference[0],), decision_rule=t.decision_rule)
             for t in tables]
    q2 = _fitted(variant, moved, a + b * y)
    assert (q2.variant, q2.delta, q2.lam) == (q.variant, q.delta, q.lam)
    np.testing.assert_allclose(q2.weights, q.weights, atol=1e-7)
    np.testing.assert_allclose(Challenger4Model(q2).forecast_batch(moved), a + b * pred,
                               atol=1e-7)
    order = np.random.default_rng(seed).permutation
    shuffled = []
    for t in tables:
        o = order(t.n_actors)
        shuffled.append(StakeholderTable.build([t.actors[i] for i in o], t.capability[o],
                                               t.position[o], t.salience[o], scale=t.scale,
                                               name=t.name, reference=t.reference,
                                               decision_rule=t.decision_rule))
    np.testing.assert_allclose(Challenger4Model(q).forecast_batch(shuffled), pred, atol=1e-9)


def test_fit_recovers_a_stack_from_its_own_forecasts():
    tables = random_tables(7, 40)
    truth = Challenger4Params("lad-stack", (0.4, 0.3, 0.0, 0.0, 0.2, 0.1))
    y = Challenger4Model(truth).forecast_batch(tables)
    q = _fitted("lad-stack", tables, y)
    np.testing.assert_allclose(Challenger4Model(q).forecast_batch(tables), y, atol=1e-6)


def test_snap_fit_is_the_grid_arg_min():
    tables = random_tables(9, 30)
    y = np.random.default_rng(2).choice([0.0, 25.0, 70.0, 100.0], 30)
    s = stack_issues(tables, models=False)
    mae = [np.abs(snap_forecasts(s, (d,))[0] - y).mean() for d in DELTA_GRID]
    q = _fitted("snap", tables, y)
    assert q.delta == DELTA_GRID[int(np.argmin(mae))]


def test_shrinkage_is_chosen_by_cv_inside_the_training_issues_only():
    tables = random_tables(19, 40)
    y = np.random.default_rng(8).uniform(0, 100, 40)
    s = stack_issues(tables)
    folds = np.array([cv_fold(g) for g in s.groups])
    err = []
    for lam in SHRINK_GRID:                          # independent re-implementation
        e = 0.0
        for f in np.unique(folds):
            w = lad_weights(s.f[:, folds != f], y[folds != f], lam)
            e += np.abs(w @ s.f[:, folds == f] - y[folds == f]).sum()
        err.append(e)
    assert choose_shrinkage(s, y) == SHRINK_GRID[int(np.argmin(err))]


def test_batch_and_single_forecasts_agree_and_registry_knows_the_model():
    tables = random_tables(11, 10)
    m = Challenger4Model(Challenger4Params("lad-stack", (0.5, 0.5, 0, 0, 0, 0)))
    single = [m.forecast(t).position[0] for t in tables]
    np.testing.assert_allclose(m.forecast_batch(tables), single)
    assert [f.name for f in make_forecasters(["challenger4"])] == ["challenger4"]
    assert make_forecasters(["challenger4"])[0] == Challenger4Model(FITTED_C4)
    assert m.options() == {"variant": "lad-stack", "weights": {
        "compromise": 0.5, "median": 0.5, "exchange": 0, "procedural": 0, "reference": 0,
        "commission": 0}}


# --- the selection protocol -----------------------------------------------------------------

def test_one_se_rule_prefers_fewer_parameters_within_noise_only():
    clusters = np.arange(40)
    base = np.random.default_rng(0).uniform(10, 30, 40)
    noisy = base + np.random.default_rng(1).normal(0.3, 3.0, 40)     # within noise of base
    far = base + 5.0                                                  # always 5 worse
    sel = choose_one_se({"lad-stack": base, "snap": noisy}, clusters)
    assert sel.mae["snap"] > sel.mae["lad-stack"] and sel.chosen == "snap"
    assert sel.se["lad-stack"] == 0.0 and sel.se["snap"] > sel.mae["snap"] - sel.mae["lad-stack"]
    sel = choose_one_se({"lad-stack": base, "snap": far}, clusters)
    assert sel.chosen == "lad-stack" and sel.eligible == ("lad-stack",)


@pytest.mark.parametrize("variant", [pytest.param(v, marks=pytest.mark.slow)
                                     if v == "lad-shrunk" else v for v in VARIANTS])
def test_cross_validation_fits_never_see_the_scored_fold(variant):
    tables = random_tables(13, 40)
    groups = groups_of(tables)
    folds = fold_ids(groups)
    for p in set(groups):                          # one proposal, one fold
        assert len({int(f) for f, g in zip(folds, groups, strict=True) if g == p}) == 1
    s = stack_issues(tables)
    y = np.random.default_rng(2).uniform(0, 100, 40)
    pred = cv_forecasts(variant, s, y, folds)
    # wild outcomes in fold f change nothing there (lad-shrunk, 0.7 s a fit: two folds)
    for f in np.unique(folds)[: 2 if variant == "lad-shrunk" else None]:
        y2 = y.copy()
        y2[folds == f] = np.where(y[folds == f] > 50, 0.0, 100.0)
        np.testing.assert_allclose(cv_forecasts(variant, s, y2, folds)[folds == f],
                                   pred[folds == f], atol=1e-9)


def test_nested_selection_uses_the_outer_training_folds_only():
    tables = random_tables(17, 36)
    s = stack_issues(tables)
    y = np.random.default_rng(4).choice([0.0, 50.0, 100.0], 36)
    folds = fold_ids(list(s.groups))
    variants = ("lad-stack", "snap")
    nest = nested_cv(s, y, folds, draws=200, variants=variants)
    for f, variant in nest.chosen.items():
        train = np.flatnonzero(folds != f)
        sel, _ = select(s.take(train), y[train], folds[train], draws=200, variants=variants)
        assert sel.chosen == variant
        q = fit_params(variant, s.take(train), y[train])
        np.testing.assert_allclose(nest.forecasts[folds == f],
                                   predict_percent(s.take(np.flatnonzero(folds == f)), q))


def test_half_splits_are_seeded_and_zero_where_the_fit_is_the_compromise():
    tables = random_tables(21, 30)
    s = stack_issues(tables, models=False)
    y = np.random.default_rng(6).uniform(0, 100, 30)
    a = half_splits("snap", s, y, 15, seed=3)
    np.testing.assert_array_equal(a.differences, half_splits("snap", s, y, 15, seed=3)
                                  .differences)
    own = half_splits("snap", s, s.xhat.copy(), 10)     # outcomes = x̂: δ = 0 on every half
    assert all(q.delta == 0.0 for q in own.fitted)
    np.testing.assert_allclose(own.differences, 0.0, atol=1e-9)
    assert cluster_ids(["b", "a", "b", "c"]).tolist() == [0, 1, 0, 2]


# --- on the DEU dev file -----------------------------------------------------------------

def _dev():
    if not DEU.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    issues = scorable(read_deu(DEU))
    return issues, [issue_table(i) for i in issues], np.array([i.outcome for i in issues])


@pytest.mark.slow
def test_frozen_variant_is_the_protocol_choice_fitted_on_all_dev_issues():
    _, tables, y = _dev()
    s = stack_issues(tables)
    sel, _ = select(s, s.percent(y), fold_ids(list(s.groups)))
    assert sel.chosen == FITTED_C4.variant and set(sel.mae) == set(VARIANTS)
    assert fit_params(sel.chosen, s, s.percent(y)) == FITTED_C4


def test_frozen_snap_is_the_dev_fit_and_backtest_cv_refits_it_in_every_fold():
    _, tables, y = _dev()
    assert Challenger4Model(Challenger4Params("snap")).fit(tables, y).params == FITTED_C4
    res = run_backtest(read_deu(DEU), [CompromiseModel(), Challenger4Model()], split="cv",
                       bootstrap=0)
    assert res.options["cv"]["out_of_fold"] == ["challenger4"]
    per_fold = res.options["cv"]["fitted_per_fold"]["challenger4"]
    assert per_fold == [{"variant": "snap", "delta": 0.3}] * CV_FOLDS
    folds = np.array([cv_fold(i.proposal) for i in res.issues])
    for f in (0, 5):
        train = np.flatnonzero(folds != f)
        m = Challenger4Model().fit([tables[j] for j in train], y[train])
        test = [tables[j] for j in np.flatnonzero(folds == f)]
        np.testing.assert_allclose(res.predictions[1, folds == f], m.forecast_batch(test))
