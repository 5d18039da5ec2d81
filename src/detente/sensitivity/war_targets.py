"""The negotiation window's headline as a sensitivity target: P(settlement by month m).

For each row of a design, the war section's uncertain numbers are pinned to the row's values
(``war.p``, ``war.cost_a``, ``war.shocks.<name>.shift``, …; see
:func:`detente.sensitivity.inputs.war_inputs`), ``detente.war.dynamics.simulate`` runs the
battlefield paths and ``detente.war.scenarios.classify_paths`` settles each one (Fearon 1995;
Powell 2006; the path model of ``docs/war.md``). The target is the share of paths whose war ends
in a settlement that holds by month m. Every row uses the same path seed (common random numbers,
Glasserman 2004 §4.2), so differences between rows come from the inputs, not from noise; the
remaining Monte Carlo error of each row is ≈ √(q(1 − q)/paths).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.deals.space import FloatArray
from detente.errors import AnalysisError
from detente.scenario.model import Scenario
from detente.scenario.war import WarModel
from detente.sensitivity.inputs import InputSpace, item_key, war_inputs
from detente.sensitivity.targets import Target, select_targets
from detente.war.scenarios import LEAF_KEYS

SETTLEMENT = LEAF_KEYS.index("settlement")
PATHS = 1000


def _months(horizon: int) -> list[int]:
    return sorted({m for m in (6, 12, 24) if m < horizon} | {horizon})


def _locate(node: Any, key: str) -> Any:
    if isinstance(node, list):
        return next(item for i, item in enumerate(node) if item_key(item, i) == key)
    return node[key]


def pinned(war: dict[str, Any], names: list[str], row: FloatArray) -> WarModel:
    """The war section with each named number set to the row's value (certain)."""
    data = _copy(war)
    for name, value in zip(names, row, strict=True):
        parts = name.split(".")[1:]
        node = data
        for key in parts[:-1]:
            node = _locate(node, key)
        node[parts[-1]] = {"value": float(value)}
    return WarModel.model_validate(data)


def _copy(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_copy(v) for v in obj]
    return obj


class WindowModel:
    """P(settlement by month m) of the scenario's war section, row by row of a design.

    Args:
        scenario: a scenario with a ``war`` section.
        targets: names or globs of ``window.settlement.m<M>`` (default: all).
        paths: simulated paths per row; seed: the paths' seed (the same for every row).
    """

    def __init__(self, scenario: Scenario, space: InputSpace | None = None,
                 targets: list[str] | None = None, paths: int = PATHS, seed: int = 0) -> None:
        if scenario.war is None:
            raise AnalysisError.one("window targets need a scenario with a 'war' section",
                                    value=scenario.id, path="war")
        self.war = scenario.war
        self.space = space if space is not None else InputSpace(tuple(war_inputs(scenario)))
        self.paths = paths
        self.seed = seed
        all_targets = [Target(f"window.settlement.m{m}",
                              f"P(a settlement that holds by month {m})")
                       for m in _months(scenario.war.horizon)]
        self.targets = select_targets(all_targets, targets)
        self._data = scenario.war.model_dump(mode="json")

    def __call__(self, X: FloatArray) -> FloatArray:
        from detente.war.dynamics import simulate
        from detente.war.scenarios import classify_paths

        X = np.atleast_2d(np.asarray(X, dtype=float))
        months = [int(t.name.rsplit(".m", 1)[1]) for t in self.targets]
        out = np.empty((X.shape[0], len(months)))
        for r in range(X.shape[0]):
            model = pinned(self._data, self.space.names, X[r])
            leaf, month = classify_paths(model, simulate(model, model.horizon, self.paths,
                                                         np.random.default_rng(self.seed)))
            settled = leaf == SETTLEMENT
            out[r] = [np.mean(settled & (month <= m)) for m in months]
        return out
