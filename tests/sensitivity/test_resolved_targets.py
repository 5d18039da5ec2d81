"""nash.<actor>.resolved (the Nash package re-solved in every draw) and forecast.<issue>.eum /
.smp (the EUM and SMP forecasts per draw), each against an independent route through the
house's own analyses."""

from __future__ import annotations

import numpy as np
import pytest

from detente.deals.pareto import pareto_frontier
from detente.deals.solutions import Solution, solve
from detente.forecasts.eum import ExpectedUtilityModel
from detente.forecasts.scenario import issue_table
from detente.forecasts.smp import SpatialModel
from detente.formats.table import StakeholderTable
from detente.scenario import load
from detente.sensitivity import DealModel


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return load("ru-ua-2024-09")


def test_resolved_nash_is_the_frontier_nash_of_each_draw(case) -> None:  # type: ignore[no-untyped-def]
    model = DealModel(case, targets=["zopa", "nash.*"])
    names = [t.name for t in model.targets]
    veto = [case.actors[i].id for i in model.veto]
    X = model.space.values(np.random.default_rng(3).random((3, model.space.dim)))
    X[0] = model.space.likely()
    high = X[0].copy()  # every BATNA at the top of its range: the ZOPA is empty
    for j, x in enumerate(model.space.inputs):
        if x.name.endswith(".batna"):
            high[j] = x.high
    Y = model(np.vstack([X, high]))
    solved = Y[:, [names.index(f"nash.{a}.resolved") for a in veto]]
    fixed = Y[0, [names.index(f"nash.{a}") for a in veto]]
    np.testing.assert_allclose(solved[0], fixed, atol=1e-12)  # at the likely values
    t = model.tables(X)
    for r in (1, 2):  # the oracle: exact frontier of the draw, then the house's Nash rule
        space = t.space(r)
        sub = space.subset([space.actors[i] for i in model.veto])
        f = pareto_frontier(sub, method="auto")
        row = solve(f.utilities, sub.reservation, Solution.nash)
        assert row is not None
        np.testing.assert_allclose(solved[r], f.utilities[row], atol=1e-9)
    assert Y[3, names.index("zopa")] == 0.0
    np.testing.assert_allclose(solved[3], model.tables(high[None]).reservation[0, model.veto])


@pytest.mark.parametrize("name", ["eum", "smp"])
def test_eum_and_smp_targets_are_the_forecast_models(case, name: str) -> None:  # type: ignore[no-untyped-def]
    issues = ["nato", "crimea"]
    model = DealModel(case, targets=[f"forecast.{i}.{name}" for i in issues])
    X = model.space.values(np.random.default_rng(5).random((2, model.space.dim)))
    Y = model(X)
    col = {n: j for j, n in enumerate(model.space.names)}
    forecaster = ExpectedUtilityModel() if name == "eum" else SpatialModel()
    for k, issue in enumerate(issues):
        table, _ = issue_table(case, issue)
        for r in range(2):
            cap = np.array([X[r, col[f"actors.{a}.capability"]]
                            if f"actors.{a}.capability" in col
                            else case.actor(a).capability.value.likely for a in table.actors])
            sal = np.array([X[r, col[c]] if (c := f"stances.{a}.{issue}.salience") in col
                            else table.salience[i, 0] for i, a in enumerate(table.actors)])
            row = StakeholderTable.build(table.actors, cap, table.position, sal[:, None],
                                         dimensions=table.dimensions, scale=table.scale,
                                         name=table.name)
            want = forecaster.forecast(row).position[0]
            assert np.isclose(Y[r, k], want, atol=1e-9), (issue, r, Y[r, k], want)
    assert not np.allclose(Y[0], Y[1])  # the inputs move the forecasts
