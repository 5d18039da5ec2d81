"""One contract every forecaster passes (same checks for compromise, median, EUM, SMP)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.forecasts.base import Forecast, Forecaster, forecast_issues
from detente.forecasts.challenger import ChallengerModel
from detente.forecasts.challenger2 import Challenger2Params, ChallengerV2Model, RuleParams
from detente.forecasts.challenger3 import Challenger3Model, Challenger3Params
from detente.forecasts.challenger4 import Challenger4Model, Challenger4Params
from detente.forecasts.compromise import CompromiseModel, MedianModel
from detente.forecasts.ensemble import EnsembleModel
from detente.forecasts.eum import EUMOptions, ExpectedUtilityModel
from detente.forecasts.exchange import ExchangeModel
from detente.forecasts.nash import UNFITTED_NASH, NashModel, NashParams
from detente.forecasts.procedural import ProceduralModel
from detente.forecasts.smp import SpatialModel
from detente.formats.table import StakeholderTable

FORECASTERS = [
    CompromiseModel(),
    MedianModel(),
    ExpectedUtilityModel(),
    ExpectedUtilityModel(EUMOptions(offer_selection="least_movement", probability="pair",
                                    stopping="no_change", rounds=20)),
    ExpectedUtilityModel(EUMOptions(q=0.5, risk_range="positions", rounds=3)),
    SpatialModel(),
    ChallengerModel(),
    ChallengerV2Model(),
    ChallengerV2Model(Challenger2Params(tau=2.0, kappa=0.2, com=2.0, ep=0.5,
                                        qmv=RuleParams(rho=0.25),
                                        unanimity=RuleParams(0.25, True))),
    Challenger3Model(),
    Challenger3Model(Challenger3Params("council+status-quo", m_com=0.25, m_ep=2.0,
                                       lam_qmv=0.3, lam_unan=0.5)),
    Challenger3Model(Challenger3Params("median-blend", mu=0.4)),
    Challenger4Model(),
    Challenger4Model(Challenger4Params("lad-stack-rule", (0.4, 0.2, 0.2, 0.1, 0.05, 0.05),
                                       (0.1, 0.5, 0.1, 0.1, 0.1, 0.1))),
    NashModel(),
    NashModel(UNFITTED_NASH),
    NashModel(NashParams(0.0, 0.0)),
    ExchangeModel(),
    ProceduralModel(),
    EnsembleModel(),
]
TOL = 1e-9
#: Order of actors may change which member represents a merged group of SMP final positions
#: (KTAB merges positions within 1e-3 on 0–1, i.e. 0.1 on 0–100); elsewhere it must not matter.
ORDER_TOL = {"smp": 0.1}


def random_table(seed: int, n: int = 9, k: int = 1) -> StakeholderTable:
    rng = np.random.default_rng(seed)
    return StakeholderTable.build(
        [f"A{i}" for i in range(n)], rng.uniform(1, 100, n), rng.uniform(0, 100, (n, k)),
        rng.uniform(0.05, 1.0 / k, (n, k)), scale=(0.0, 100.0))


@pytest.mark.parametrize("model", FORECASTERS, ids=lambda m: f"{m.name}-{id(m) % 997}")
class TestForecasterContract:
    def test_is_a_forecaster_with_a_name(self, model):
        assert isinstance(model, Forecaster)
        assert model.name

    def test_result_shape_and_finite(self, model):
        t = random_table(1)
        f = model.forecast(t)
        assert isinstance(f, Forecast) and f.model == model.name
        assert f.position.shape == (1,) and np.all(np.isfinite(f.position))

    def test_same_input_same_output(self, model):
        t = random_table(2)
        a, b = model.forecast(t), model.forecast(t)
        np.testing.assert_array_equal(a.position, b.position)

    @pytest.mark.parametrize("seed", [3, 4, 5])
    def test_inside_the_hull_of_positions(self, model, seed):
        t = random_table(seed)
        p = model.forecast(t).position[0]
        assert t.position.min() - TOL <= p <= t.position.max() + TOL

    def test_unanimity_returns_the_common_position_with_a_warning(self, model):
        t = StakeholderTable.build(["a", "b", "c"], [1, 2, 3], [40, 40, 40], [0.2, 0.5, 1.0],
                                   scale=(0.0, 100.0))
        f = model.forecast(t)
        assert f.position[0] == pytest.approx(40, abs=1e-6)
        assert any("same position" in w for w in f.warnings)

    def test_actor_order_does_not_matter(self, model):
        t = random_table(6)
        perm = np.random.default_rng(0).permutation(t.n_actors)
        u = StakeholderTable.build([t.actors[i] for i in perm], t.capability[perm],
                                   t.position[perm], t.salience[perm], scale=t.scale)
        assert model.forecast(u).position[0] == pytest.approx(
            model.forecast(t).position[0], abs=ORDER_TOL.get(model.name, 1e-6))

    def test_capability_unit_does_not_matter(self, model):
        t = random_table(7)
        u = StakeholderTable.build(t.actors, t.capability * 37.5, t.position, t.salience,
                                   scale=t.scale)
        assert model.forecast(u).position[0] == pytest.approx(model.forecast(t).position[0],
                                                              abs=1e-6)

    def test_trajectory_starts_at_the_input(self, model):
        t = random_table(8, k=2)
        f = model.forecast(t)
        assert f.position.shape == (2,)
        if f.trajectory is not None:
            assert f.trajectory.shape[1:] == (t.n_actors, 2)
            np.testing.assert_allclose(f.trajectory[0], t.position)
            assert f.predicted_by_round is not None
            assert f.predicted_by_round.shape == (f.trajectory.shape[0], 2)
            np.testing.assert_allclose(f.predicted_by_round[-1], f.position)

    def test_two_actors_is_enough(self, model):
        t = StakeholderTable.build(["a", "b"], [1, 1], [20, 80], [1, 1], scale=(0.0, 100.0))
        p = model.forecast(t).position[0]
        assert 20 - TOL <= p <= 80 + TOL

    def test_many_issues_at_once_equal_one_at_a_time(self, model):
        """``forecast_issues`` (batched or proposal-linked paths) on issues of different
        proposals equals ``forecast`` table by table."""
        tables = []
        for seed in (11, 12, 13):
            t = random_table(seed, n=5 + seed % 3)
            tables.append(StakeholderTable.build(t.actors, t.capability, t.position,
                                                 t.salience, scale=t.scale, name=f"p{seed}/i"))
        want = [model.forecast(t).position[0] for t in tables]
        np.testing.assert_allclose(forecast_issues(model, tables), want, atol=1e-9)
