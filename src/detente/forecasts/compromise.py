"""The compromise model and the weighted median (Condorcet winner) for one issue dimension.

Compromise model (Achen 2006; Thomson et al., *The European Union Decides*, 2006, ch. 4):
x̂ = Σ c_i s_i x_i / Σ c_i s_i, an approximation of the Nash bargaining solution. Weighted
median: with single-peaked, symmetric (linear-loss) preferences on a line, the position no
other beats in pairwise capability × salience-weighted votes (Black 1948) is the weighted median
of the actors' positions. Both functions accept a leading batch axis (Monte Carlo draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast, per_dimension
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]


def _weights(c: F, s: F, tol: float) -> F:
    w = c * s
    total = w.sum(axis=-1, keepdims=True)
    return np.where(total > tol, w, c * np.ones_like(s))


def capability_weights(c: F, s: F, tol: float = 1e-12) -> F:
    """The weights :func:`compromise` and :func:`weighted_median` use: c·s, or c alone where
    every salience is 0 (for callers that weigh many positions with the same weights)."""
    return _weights(np.broadcast_to(c, s.shape), s, tol)


def compromise(x: F, s: F, c: F, tol: float = 1e-12) -> F:
    """Σ c_i s_i x_i / Σ c_i s_i over the last axis (capability alone if every s_i = 0).

    >>> float(compromise(np.array([0., 100.]), np.array([1., 1.]), np.array([1., 3.])))
    75.0
    """
    w = _weights(np.broadcast_to(c, x.shape), s, tol)
    return (w * x).sum(axis=-1) / w.sum(axis=-1)


def weighted_median(x: F, s: F, c: F, tol: float = 1e-12) -> F:
    """The c·s-weighted median over the last axis: the smallest position whose cumulative
    weight reaches half the total (the lower end of the Condorcet set when it is an interval).

    >>> float(weighted_median(np.array([0., 40., 100.]), np.ones(3), np.array([1., 1., 1.5])))
    40.0
    """
    return median_of(x, _weights(np.broadcast_to(c, x.shape), s, tol), tol)


def median_of(x: F, w: F, tol: float = 1e-12) -> F:
    """:func:`weighted_median` of ``x`` with its weights ``w`` already formed
    (:func:`capability_weights`), for callers that weigh many positions with the same
    weights; rows gathered by one flat index (the same numbers as per-row gathers)."""
    n = x.shape[-1]
    rows = x.reshape(-1, n)
    d = rows.shape[0]
    at = np.argsort(rows, axis=-1, kind="stable") + (np.arange(d) * n)[:, None]
    cw = np.cumsum(np.broadcast_to(w, x.shape).reshape(-1, n).ravel().take(at), axis=-1)
    half = cw[:, -1:] / 2
    idx = np.argmax(cw >= half - tol * np.maximum(1.0, half), axis=-1)
    return rows.ravel().take(at[np.arange(d), idx]).reshape(x.shape[:-1])


@dataclass(frozen=True)
class CompromiseModel:
    """The compromise model as a forecaster (one prediction per dimension)."""

    name: str = "compromise"

    def forecast(self, table: StakeholderTable) -> Forecast:
        (pos,) = per_dimension(table, lambda x, s, c: (compromise(x, s, c),))
        return Forecast(self.name, np.asarray(pos), warnings=table.warnings)


@dataclass(frozen=True)
class MedianModel:
    """The capability × salience weighted median (Condorcet winner) as a forecaster."""

    name: str = "median"

    def forecast(self, table: StakeholderTable) -> Forecast:
        (pos,) = per_dimension(table, lambda x, s, c: (weighted_median(x, s, c),))
        return Forecast(self.name, np.asarray(pos), warnings=table.warnings)
