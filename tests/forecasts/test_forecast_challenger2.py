"""Challenger v2 and its cross-validation: fixed folds by proposal, fits that never see their own
fold, analytic cases of the predictive-distribution median."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.forecasts.backtest import issue_table, run_backtest, scorable
from detente.forecasts.base import Forecast
from detente.forecasts.challenger2 import (
    FITTED_V2,
    Challenger2Params,
    ChallengerV2Model,
    RuleParams,
    fit_challenger2,
    pack,
    predict_params,
)
from detente.forecasts.compromise import CompromiseModel, compromise, weighted_median
from detente.forecasts.crossval import CV_FOLDS, Fittable, cross_validate, cv_fold
from detente.formats.deu import read_deu
from detente.formats.table import StakeholderTable

DEU = Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv"


def table(x, s, c, actors=None, ref=None, rule=None) -> StakeholderTable:
    names = actors or [f"A{i}" for i in range(len(x))]
    return StakeholderTable.build(names, c, x, s, scale=(0.0, 100.0),
                                  reference=None if ref is None else (ref,), decision_rule=rule)


def random_tables(seed: int, n_tables: int) -> list[StakeholderTable]:
    rng = np.random.default_rng(seed)
    out = []
    for j in range(n_tables):
        n = int(rng.integers(3, 9))
        names = ["com", "ep", *[f"S{i}" for i in range(n - 2)]]
        x = rng.choice([0.0, 25.0, 50.0, 70.0, 100.0], n)
        ref = float(rng.choice([0.0, 100.0])) if j % 3 else None
        out.append(table(x, rng.uniform(0.1, 1, n), rng.uniform(1, 10, n), names, ref,
                         "unanimity" if j % 4 == 0 else "qmv"))
    return out


# --- cross-validation protocol -------------------------------------------------------------

def test_fold_is_the_documented_hash_and_roughly_uniform():
    ids = [f"d{y:02d}{n:03d}" for y in range(20) for n in range(100)]
    folds = np.array([cv_fold(p) for p in ids])
    expected = [int.from_bytes(hashlib.sha256(("detente-challenger-v2:" + p).encode())
                               .digest()[:8], "big") % 10 for p in ids]
    assert folds.tolist() == expected
    assert folds.tolist() == [cv_fold(p) for p in ids]            # deterministic
    share = np.bincount(folds, minlength=CV_FOLDS) / len(ids)
    assert np.all(np.abs(share - 0.1) < 0.03)


@dataclass
class SpyModel:
    """Fits by remembering which issues it was given; forecasts record what they forecast."""

    name: str = "spy"
    trained_on: frozenset[str] = frozenset()
    log: list[tuple[frozenset[str], str]] = field(default_factory=list)

    def forecast(self, t: StakeholderTable) -> Forecast:
        self.log.append((self.trained_on, t.name))
        return Forecast(self.name, np.array([float(len(self.trained_on))]))

    def fit(self, tables: list[StakeholderTable], outcomes: np.ndarray) -> SpyModel:
        assert len(tables) == len(outcomes)
        return SpyModel(self.name, frozenset(t.name for t in tables), self.log)


def test_issues_of_one_proposal_share_a_fold_and_no_fit_sees_its_own_fold():
    proposals = [f"d{n:05d}" for n in range(40) for _ in range(1 + n % 3)]
    tables = [table([0, 50, 100], [1, 1, 1], [1, 1, 1]) for _ in proposals]
    tables = [StakeholderTable.build(t.actors, t.capability, t.position, t.salience,
                                     name=f"{p}/{j}") for j, (t, p) in
              enumerate(zip(tables, proposals, strict=True))]
    spy = SpyModel()
    assert isinstance(spy, Fittable)
    res = cross_validate(spy, tables, np.zeros(len(tables)), proposals)
    for p in set(proposals):
        assert len({int(f) for f, q in zip(res.folds, proposals, strict=True) if q == p}) == 1
    assert len(spy.log) == len(tables)                # every issue forecast once, out of fold
    for trained_on, name in spy.log:
        own = name.split("/")[0]
        assert name not in trained_on
        assert not any(t.startswith(own + "/") for t in trained_on)   # nor its proposal
        # ... and the fit saw every issue of the other folds
        fold = cv_fold(own)
        others = {t.name for t, p in zip(tables, proposals, strict=True) if cv_fold(p) != fold}
        assert trained_on == others


def test_cross_validated_fit_equals_a_fit_on_the_other_folds_only():
    tables = random_tables(0, 40)
    groups = [f"p{j // 2}" for j in range(40)]
    y = np.random.default_rng(1).uniform(0, 100, 40)
    res = cross_validate(ChallengerV2Model(), tables, y, groups)
    for f, m in enumerate(res.fitted):
        train = [j for j in range(40) if res.folds[j] != f]
        if m is None:
            assert not np.any(res.folds == f)
            continue
        assert isinstance(m, ChallengerV2Model)
        assert m.params == fit_challenger2([tables[j] for j in train], y[train])[0]


# --- the model ------------------------------------------------------------------------------

def test_limits_compromise_and_weighted_median():
    rng = np.random.default_rng(3)
    x, s, c = rng.uniform(0, 100, 7), rng.uniform(0.1, 1, 7), rng.uniform(1, 5, 7)
    t = table(x, s, c, ref=30.0)
    comp = ChallengerV2Model(Challenger2Params(kappa=0.6, qmv=RuleParams(rho=0.25)))
    assert comp.forecast(t).position[0] == pytest.approx(float(compromise(x, s, c)))
    med = ChallengerV2Model(Challenger2Params())
    assert med.forecast(t).position[0] == pytest.approx(float(weighted_median(x, s, c)))


def test_reference_point_mass_breaks_a_tie():
    t = table([0, 100], [1, 1], [1, 1], ref=100.0)
    plain = ChallengerV2Model(Challenger2Params()).forecast(t).position[0]
    ref = ChallengerV2Model(Challenger2Params(qmv=RuleParams(rho=0.25))).forecast(t)
    assert plain == 0.0                        # lower end of the median interval
    assert ref.position[0] == 100.0            # 0.375 at 0 vs 0.375 + 0.25 at 100


def test_narrow_kernel_snaps_to_the_position_nearest_the_compromise():
    t = table([0, 40, 100], [1, 1, 1], [1, 1, 2.5])     # compromise 64.4, nearest held: 40
    p = ChallengerV2Model(Challenger2Params(tau=2.0)).forecast(t).position[0]
    assert p == 40.0
    assert ChallengerV2Model(Challenger2Params()).forecast(t).position[0] == 100.0


def test_unanimity_veto_clips_to_the_win_set_of_the_reference_point():
    # states at 30, 60, 100 with r = 0: every state prefers z to r iff z <= 2 x_i, so <= 60;
    # the Commission at 100 does not veto
    x, names = [30, 60, 100, 100], ["S1", "S2", "S3", "com"]
    s, c = [1, 1, 1, 1], [1, 1, 3, 3]
    veto = Challenger2Params(unanimity=RuleParams(veto=True))
    for rule, expected in (("unanimity", 60.0), ("qmv", 100.0)):
        t = table(x, s, c, names, ref=0.0, rule=rule)
        assert ChallengerV2Model(veto).forecast(t).position[0] == expected
    no_ref = table(x, s, c, names, rule="unanimity")
    assert ChallengerV2Model(veto).forecast(no_ref).position[0] == 100.0


def test_role_multipliers_apply_by_actor_name():
    t = table([0, 100, 100], [1, 1, 1], [1, 1, 1], ["com", "a", "b"])
    assert ChallengerV2Model(Challenger2Params()).forecast(t).position[0] == 100.0
    assert ChallengerV2Model(Challenger2Params(com=2.0)).forecast(t).position[0] == 0.0
    u = table([0, 100], [1, 1], [2, 1.5], ["ep", "a"])
    assert ChallengerV2Model(Challenger2Params()).forecast(u).position[0] == 0.0
    assert ChallengerV2Model(Challenger2Params(ep=0.5)).forecast(u).position[0] == 100.0


def test_fit_recovers_a_model_from_the_grid_on_its_own_forecasts():
    tables = random_tables(5, 60)
    truth = Challenger2Params(tau=10.0, kappa=0.2, com=2.0, qmv=RuleParams(rho=0.1),
                              unanimity=RuleParams(rho=0.25, veto=True))
    y = predict_params(pack(tables), truth)
    params, mae = fit_challenger2(tables, y)
    assert mae == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(predict_params(pack(tables), params), y, atol=1e-9)


def test_batch_and_single_forecasts_agree():
    tables = random_tables(7, 25)
    m = ChallengerV2Model(Challenger2Params(tau=5.0, kappa=0.2, qmv=RuleParams(rho=0.1),
                                            unanimity=RuleParams(0.1, True)))
    single = [m.forecast(t).position[0] for t in tables]
    np.testing.assert_allclose(predict_params(pack(tables), m.params), single, atol=1e-9)


def test_unknown_decision_rule_is_an_error():
    with pytest.raises(DetenteError, match="decision rule"):
        table([0, 100], [1, 1], [1, 1], rule="majority")


# --- on the DEU dev file ------------------------------------------------------------------

def test_frozen_parameters_are_the_fit_on_all_dev_issues():
    if not DEU.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    issues = scorable(read_deu(DEU))
    params, _ = fit_challenger2([issue_table(i) for i in issues],
                                np.array([i.outcome for i in issues]))
    assert params == FITTED_V2


def test_backtest_cv_refits_only_fittable_models():
    if not DEU.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    data = read_deu(DEU)
    res = run_backtest(data, [CompromiseModel(), ChallengerV2Model()], split="cv",
                       bootstrap=0)
    assert res.options["cv"]["out_of_fold"] == ["challenger2"]
    assert len(res.options["cv"]["fitted_per_fold"]["challenger2"]) == CV_FOLDS
    comp = [CompromiseModel().forecast(issue_table(i)).position[0] for i in res.issues]
    np.testing.assert_allclose(res.predictions[0], comp)
    assert len({i.proposal for i in res.issues}) == len(
        {(i.proposal, cv_fold(i.proposal)) for i in res.issues})
