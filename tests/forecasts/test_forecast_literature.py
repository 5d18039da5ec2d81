"""The DEU literature's models: Nash bargaining with voting-rule disagreement (Achen 2006), the
exchange model (Stokman & Van Oosten 1994), the procedural model (Steunenberg 1994; Tsebelis
2002) and the ensemble — against analytic cases and brute-force oracles."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts.base import forecast_issues
from detente.forecasts.compromise import CompromiseModel, compromise
from detente.forecasts.ensemble import FITTED_WEIGHTS, EnsembleModel, simplex_grid
from detente.forecasts.exchange import ExchangeModel, candidate_exchanges, outcomes
from detente.forecasts.nash import EPSILONS, FITTED_NASH, NashModel, NashParams, fit_nash
from detente.forecasts.procedural import ProceduralModel, ProceduralParams
from detente.formats.table import StakeholderTable

GRID = np.linspace(0, 100, 100_001)


def eu_table(seed: int, rule: str = "qmv", procedure: str = "CNS", ref: float | None = 30.0,
             n: int = 8, name: str = "p/i") -> StakeholderTable:
    rng = np.random.default_rng(seed)
    actors = ["com", "ep"] + [f"s{i}" for i in range(n - 2)]
    return StakeholderTable.build(actors, rng.uniform(1, 30, n), rng.choice(
        [0.0, 20.0, 50.0, 70.0, 100.0], n) + rng.uniform(0, 5, n), rng.uniform(0.1, 1, n),
        scale=(0.0, 100.0), reference=None if ref is None else (ref,), decision_rule=rule,
        procedure=procedure, name=name)


def nash_oracle(t: StakeholderTable, eps_q: float, eps_u: float) -> float:
    """Grid maximisation of Σ cᵢsᵢ log(uᵢ(x) − uᵢ(dᵢ)) on 0–100 (step 0.001)."""
    x, w = t.position[:, 0] / 100, t.capability * t.salience[:, 0]
    g = GRID / 100
    states = ~np.isin(np.array(t.actors), ["com", "ep"])
    veto = states & (t.decision_rule == "unanimity") & (t.reference is not None)
    r = (t.reference[0] / 100) if t.reference is not None else 0.0
    d = np.where(veto, -(r - x) ** 2 - eps_u, -1.0 - eps_q)
    gain = -(g[None, :] - x[:, None]) ** 2 - d[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        obj = np.where((gain > 0).all(axis=0), (w[:, None] * np.log(gain)).sum(axis=0),
                       -np.inf)
    return float(GRID[int(np.argmax(obj))])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rule,eps", [("qmv", 0.0), ("qmv", 0.3), ("unanimity", 0.05),
                                      ("unanimity", 1.0)])
def test_nash_equals_a_brute_force_maximisation_of_the_nash_product(seed, rule, eps):
    t = eu_table(seed, rule)
    got = NashModel(NashParams(eps, eps)).forecast(t).position[0]
    assert got == pytest.approx(nash_oracle(t, eps, eps), abs=2e-3)


def test_nash_tends_to_the_compromise_as_deadlock_grows_costly():
    t = eu_table(1)
    comp = CompromiseModel().forecast(t).position[0]
    assert NashModel(NashParams(np.inf, np.inf)).forecast(t).position[0] == pytest.approx(
        comp, abs=1e-9)
    gaps = [abs(NashModel(NashParams(e, e)).forecast(t).position[0] - comp)
            for e in (1.0, 10.0, 100.0, 1e4)]
    assert gaps[0] > gaps[1] > gaps[2] > gaps[3] and gaps[3] < 1e-2
    assert gaps[-1] * 1e4 == pytest.approx(gaps[-2] * 100, rel=0.05)  # O(1/ε)


def test_nash_under_unanimity_stays_in_the_win_set_of_the_reference_point():
    for seed in range(10):
        t = eu_table(seed, "unanimity", ref=40.0)
        x = t.position[2:, 0]                                     # member states
        lo, hi = np.max(x - np.abs(40 - x)), np.min(x + np.abs(40 - x))
        p = NashModel(NashParams(0.0, 0.0)).forecast(t).position[0]
        assert lo - 1e-6 <= p <= hi + 1e-6
    t = StakeholderTable.build(["com", "a", "b"], [5, 1, 1], [90, 40, 80], [1, 1, 1],
                               scale=(0.0, 100.0), reference=(40.0,), decision_rule="unanimity")
    assert NashModel(NashParams(0.0, 0.0)).forecast(t).position[0] == pytest.approx(40.0)


def test_nash_fit_picks_each_rules_best_epsilon():
    tables = [eu_table(s, "unanimity" if s % 3 == 0 else "qmv", name=f"p{s}/i") for s in
              range(30)]
    y = np.random.default_rng(9).uniform(0, 100, 30)
    params, mae = fit_nash(tables, y)
    unan = np.array([s % 3 == 0 for s in range(30)])
    best = {}
    for mask, key in ((~unan, "q"), (unan, "u")):
        errs = [np.abs(forecast_issues(NashModel(NashParams(e, e)), tables) - y)[mask].sum()
                for e in EPSILONS]
        best[key] = EPSILONS[int(np.argmin(errs))]
    assert (params.eps_qmv, params.eps_unan) == (best["q"], best["u"])
    fitted = NashModel().fit(tables, y)
    assert fitted.params == params
    assert np.abs(forecast_issues(fitted, tables) - y).mean() == pytest.approx(mae)


def procedural_oracle(t: StakeholderTable, quota: float) -> float:
    """Nearest acceptable grid point to the Commission's position (step 0.001)."""
    names = np.array(t.actors)
    x = t.position[:, 0]
    r = t.reference[0]
    states = ~np.isin(names, ["com", "ep"])
    accept = np.abs(GRID[None, :] - x[:, None]) <= np.abs(r - x)[:, None] + 1e-9
    need = 1.0 if t.decision_rule == "unanimity" else quota
    share = (t.capability[states, None] * accept[states]).sum(0) / t.capability[states].sum()
    ok = share >= need - 1e-12
    if t.procedure == "COD" and "ep" in t.actors:
        ok &= accept[list(names).index("ep")]
    core = (x[states].min() - 1e-9 <= GRID) & (x[states].max() + 1e-9 >= GRID)
    if (ok & core).any():
        ok &= core
    x_com = x[list(names).index("com")]
    cand = GRID[ok]
    return float(cand[int(np.argmin(np.abs(cand - x_com)))])


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("rule,procedure", [("qmv", "CNS"), ("qmv", "COD"),
                                            ("unanimity", "CNS"), ("unanimity", "COD")])
def test_procedural_equals_a_brute_force_agenda_setter(seed, rule, procedure):
    t = eu_table(seed, rule, procedure, ref=float(10 * (seed % 9)), n=9)
    got = ProceduralModel().forecast(t).position[0]
    assert got == pytest.approx(procedural_oracle(t, ProceduralParams().qmv_quota), abs=2e-3)


def test_procedural_hand_example_and_the_compromise_when_it_cannot_run():
    # QMV quota 0.71 of 30 votes: 21.3 needed. y = 2x − r with r = 0: de 120, fr 160, it 40.
    # Above r, x ≤ y_i: 160 (10 votes), 120 (20), 40 (30 ≥ 21.3) → U = 40; com at 100 → 40.
    t = StakeholderTable.build(["com", "de", "fr", "it"], [1, 10, 10, 10], [100, 60, 80, 20],
                               [1, 1, 1, 1], scale=(0.0, 100.0), reference=(0.0,),
                               decision_rule="qmv")
    assert ProceduralModel().forecast(t).position[0] == pytest.approx(40.0)
    t = StakeholderTable.build(["com", "de", "fr", "it"], [1, 10, 10, 10], [100, 60, 80, 20],
                               [1, 1, 1, 1], scale=(0.0, 100.0), decision_rule="qmv")
    f = ProceduralModel().forecast(t)
    assert f.position[0] == pytest.approx(CompromiseModel().forecast(t).position[0])
    assert f.details["compromise_used_on"] == ["position"] and "reference point" in f.warnings[-1]


def test_exchange_equal_gain_and_the_trade_direction():
    t = StakeholderTable.build(["a", "b", "c"], [1, 1, 1], [[0, 100], [100, 0], [50, 50]],
                               [[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]], dimensions=("p", "q"),
                               scale=(0.0, 100.0))
    x, s, c = t.position / 100, t.salience, t.capability
    idx, m_i, m_j, gain = candidate_exchanges(x, s, c[:, None] * s)
    assert len(idx) == 1
    i, j, p, q = idx[0]
    assert (i, j, p, q) == (0, 1, 0, 1)                      # a demands p, b demands q
    w = c[:, None] * s
    before = outcomes(x, w)
    y = x.copy()
    y[i, q] += np.sign(x[j, q] - x[i, q]) * m_i[0]
    y[j, p] += np.sign(x[i, p] - x[j, p]) * m_j[0]
    after = outcomes(y, w)
    util = lambda k, o: -(s[k] * np.abs(o - x[k])).sum()      # noqa: E731
    gain_a, gain_b = util(0, after) - util(0, before), util(1, after) - util(1, before)
    assert gain_a == pytest.approx(gain_b, abs=1e-12) and gain_a == pytest.approx(gain[0])
    assert gain_a > 0
    # b moving all the way to a's position on p would ask a to move past b on q: so a moves
    # all the way to b's position on q and b less than all the way on p
    assert m_i[0] == pytest.approx(1.0) and 0 < m_j[0] < 1


def test_exchange_without_linkage_is_the_compromise_and_groups_equal_tables():
    one = eu_table(3)
    assert ExchangeModel().forecast(one).position[0] == pytest.approx(
        compromise(one.position[:, 0], one.salience[:, 0], one.capability))
    rng = np.random.default_rng(4)
    x, s, c = rng.uniform(0, 100, (7, 3)), rng.uniform(0.1, 1, (7, 3)), rng.uniform(1, 9, 7)
    actors = [f"a{i}" for i in range(7)]
    full = StakeholderTable.build(actors, c, x, s, scale=(0.0, 100.0))
    parts = [StakeholderTable.build(actors, c, x[:, k], s[:, k], scale=(0.0, 100.0),
                                    name=f"prop/i{k}") for k in range(3)]
    np.testing.assert_allclose(ExchangeModel().forecast_group(parts),
                               ExchangeModel().forecast(full).position, atol=1e-12)
    f = ExchangeModel().forecast(full)
    assert f.details["exchanges"] > 0
    assert np.all(f.position >= x.min(axis=0) - 1e-9) and np.all(f.position <= x.max(axis=0)
                                                                   + 1e-9)


def test_ensemble_weights_grid_and_fit():
    g = simplex_grid(5)
    assert g.shape == (70, 5) and np.allclose(g.sum(axis=1), 1) and (g >= 0).all()
    tables = [eu_table(s, name=f"p{s // 2}/i{s % 2}") for s in range(20)]
    y = np.array([ProceduralModel().forecast(t).position[0] for t in tables])
    fitted = EnsembleModel().fit(tables, y)                    # outcome = a member's forecast
    assert dict(zip((m.name for m in fitted.members), fitted.weights or (),
                    strict=True))["procedural"] == 1.0
    np.testing.assert_allclose(forecast_issues(fitted, tables), y, atol=1e-9)
    members = fitted.members
    preds = np.stack([forecast_issues(m, tables) for m in members])
    maes = np.abs(g @ preds - y).mean(axis=1)
    assert np.abs(forecast_issues(fitted, tables) - y).mean() == pytest.approx(maes.min())


def test_shipped_parameters_are_the_fit_on_the_development_file():
    from pathlib import Path

    from detente.forecasts.backtest import issue_table, scorable
    from detente.formats.deu import read_deu

    deu = Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv"
    if not deu.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    issues = scorable(read_deu(deu))
    tables = [issue_table(i) for i in issues]
    y = np.array([i.outcome for i in issues])
    assert fit_nash(tables, y)[0] == FITTED_NASH
    assert EnsembleModel().fit(tables, y).weights == FITTED_WEIGHTS
