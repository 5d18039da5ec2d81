"""The window's P(settlement by month m) as a sensitivity target."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import AnalysisError
from detente.scenario import load
from detente.scenario.war import WarModel
from detente.sensitivity import sensitivity
from detente.sensitivity.war_targets import SETTLEMENT, WindowModel
from detente.war.dynamics import simulate
from detente.war.scenarios import LEAF_KEYS, classify_paths


def _likely(node):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        if set(node) >= {"value"} and isinstance(node["value"], list):
            return {**node, "value": node["value"][1]}
        return {k: _likely(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_likely(v) for v in node]
    return node


def test_pinned_rows_equal_the_war_model_at_those_values() -> None:
    """Row = likely values ⇒ the same numbers as the war model rewritten with its likely
    values by hand and run through detente.war directly, with the same path seed."""
    s = load("ru-ua-2024-09")
    model = WindowModel(s, paths=400, seed=3)
    assert "war.p" in model.space.names and model.space.dim >= 5
    y = model(model.space.likely()[None, :])[0]
    war = WarModel.model_validate(_likely(s.war.model_dump(mode="json")))  # type: ignore[union-attr]
    leaf, month = classify_paths(war, simulate(war, war.horizon, 400, np.random.default_rng(3)))
    months = [int(t.name.rsplit(".m", 1)[1]) for t in model.targets]
    assert LEAF_KEYS[SETTLEMENT] == "settlement"
    assert np.allclose(y, [np.mean((leaf == SETTLEMENT) & (month <= m)) for m in months])
    assert np.all(np.diff(y) >= 0)  # settled by m is cumulative


def test_window_targets_and_bad_mixes() -> None:
    s = load("ru-ua-2024-09")
    r = sensitivity(s, targets=["window.settlement.m12"], method="morris", samples=4)
    assert r.targets[0].name == "window.settlement.m12" and r.targets[0].morris
    assert all(x.name.startswith("war.") for x in r.inputs)
    with pytest.raises(AnalysisError, match="run them separately"):
        sensitivity(s, targets=["window.*", "zopa"], method="oat")
    with pytest.raises(AnalysisError, match="unknown target"):
        sensitivity(s, targets=["window.settlement.m999"], method="oat")
