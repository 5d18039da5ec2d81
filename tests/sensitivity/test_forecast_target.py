"""forecast.<issue>: the compromise model's forecast as a target, against detente.forecasts."""

from __future__ import annotations

import numpy as np

from detente.forecasts.compromise import compromise
from detente.forecasts.scenario import issue_table
from detente.scenario import load
from detente.sensitivity import DealModel


def test_forecast_targets_match_the_forecasts_module() -> None:
    s = load("ru-ua-2024-09")
    model = DealModel(s, targets=["forecast.*"])
    model = DealModel(s, targets=[t.name for t in model.targets if t.name.count(".") == 1])
    names = [t.name for t in model.targets]
    assert len(names) == len(s.issues)
    rng = np.random.default_rng(0)
    X = model.space.values(rng.random((5, model.space.dim)))
    X[0] = model.space.likely()
    y = model(X)
    col = {n: j for j, n in enumerate(model.space.names)}
    for k, name in enumerate(names):
        table, _ = issue_table(s, name.split(".", 1)[1])
        for r in range(5):
            cap = np.array([X[r, col[f"actors.{a}.capability"]] if f"actors.{a}.capability" in col
                            else s.actor(a).capability.value.likely for a in table.actors])
            sal = np.array([X[r, col[c]] if (c := f"stances.{a}.{name[9:]}.salience") in col
                            else table.salience[i, 0] for i, a in enumerate(table.actors)])
            want = compromise(table.position[:, 0], sal, cap)
            assert np.isclose(y[r, k], want), (name, r)
