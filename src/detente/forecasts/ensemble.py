"""An ensemble of the DEU literature's models: a weighted mean of their forecasts.

Combining forecasts (Bates & Granger 1969; Clemen 1989; for EU decisions, Thomson et al. 2006,
ch. 10, compare and average models): x̂ = Σₘ αₘ x̂ₘ with αₘ ≥ 0, Σαₘ = 1. Members (in this
order): the compromise model, the weighted median, the Nash bargaining solution
(:mod:`~detente.forecasts.nash`), the exchange model (:mod:`~detente.forecasts.exchange`) and
the procedural model (:mod:`~detente.forecasts.procedural`).

Variant shipped (fixed before any score, ``docs/forecast-protocol.md``): the fittable members
are fitted first on the training issues; then the weights are searched on the simplex grid of
step 1/4 (70 combinations, in lexicographic order, ties keep the first) for the lowest training
MAE. Default weights, :data:`FITTED_WEIGHTS`, are that fit on the 231 scorable issues of the DEU
development file: 0.75 Nash (itself fitted to ε = ∞, the compromise) and 0.25 exchange model
(in-sample MAE 22.41, not an out-of-sample score).

>>> from detente.formats.table import StakeholderTable
>>> t = StakeholderTable.build(["a", "b"], [1, 1], [20, 80], [1, 1], scale=(0.0, 100.0))
>>> float(EnsembleModel().forecast(t).position[0])
50.0
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast, Forecaster, Memo, forecast_issues
from detente.forecasts.compromise import CompromiseModel, MedianModel
from detente.forecasts.crossval import Fittable
from detente.forecasts.exchange import ExchangeModel
from detente.forecasts.nash import NashModel
from detente.forecasts.procedural import ProceduralModel
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
#: Grid step of the weights.
STEP = 0.25
#: Weights of :func:`default_members` fitted on the DEU development file.
FITTED_WEIGHTS = (0.0, 0.0, 0.75, 0.25, 0.0)


def default_members() -> tuple[Forecaster, ...]:
    return (CompromiseModel(), MedianModel(), NashModel(), ExchangeModel(), ProceduralModel())


def simplex_grid(m: int, step: float = STEP) -> F:
    """Every weight vector of length ``m`` on the simplex with the given step, shape (G, m)."""
    k = round(1 / step)
    rows = [c for c in itertools.product(range(k + 1), repeat=m) if sum(c) == k]
    return np.array(rows, dtype=float) / k


@dataclass(frozen=True)
class EnsembleModel:
    """Weighted mean of member forecasts (see the module docstring)."""

    members: tuple[Forecaster, ...] = field(default_factory=default_members)
    weights: tuple[float, ...] | None = FITTED_WEIGHTS
    name: str = "ensemble"
    #: :func:`~detente.forecasts.base.forecast_issues` passes its memo to ``forecast_batch``.
    shares_forecasts: ClassVar[bool] = True

    def _alpha(self) -> F:
        m = len(self.members)
        return np.full(m, 1 / m) if self.weights is None else np.array(self.weights)

    def options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {"weights": dict(zip((m.name for m in self.members),
                                                    self._alpha().tolist(), strict=True))}
        for m in self.members:
            get = getattr(m, "options", None)
            if callable(get):
                opts[m.name] = get()
        return opts

    def forecast_batch(self, tables: list[StakeholderTable], memo: Memo | None = None) -> F:
        """Dimension 0 of many one-issue tables at once (the exchange member links the
        tables of each proposal itself), shape (I,); members already run on these tables
        are taken from ``memo`` (:func:`~detente.forecasts.base.forecast_issues`)."""
        preds = np.stack([forecast_issues(m, tables, memo) for m in self.members])
        return self._alpha() @ preds

    def forecast(self, table: StakeholderTable) -> Forecast:
        pos = np.array([self._alpha() @ np.array([m.forecast(table).position[k]
                                                  for m in self.members])
                        for k in range(table.n_dimensions)])
        return Forecast(self.name, pos, options=self.options(), warnings=table.warnings)

    def fit(self, tables: list[StakeholderTable], outcomes: F) -> EnsembleModel:
        """Members fitted on these issues, then the weights by grid search on them."""
        members = tuple(m.fit(tables, outcomes) if isinstance(m, Fittable) else m
                        for m in self.members)
        preds = np.stack([forecast_issues(m, tables) for m in members])     # (M, I)
        grid = simplex_grid(len(members))
        mae = np.abs(grid @ preds - np.asarray(outcomes)[None, :]).mean(axis=1)
        best = int(np.argmin(mae))
        return EnsembleModel(members, tuple(grid[best].tolist()), self.name)
