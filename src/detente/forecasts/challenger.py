"""A challenger to the compromise model: a kernel-weighted median around the compromise.

Why: DEU outcomes concentrate on positions actors hold (often 0, 50 or 100), and the error
measure is absolute, so the best point forecast is the *median* of a predictive distribution,
not its mean. The challenger puts probability on the actors' positions with weights
c_i s_i m_i exp(−|x_i − x̂| / τ), where x̂ is the compromise (with the same role multipliers
m_i), optionally adds the reference point with a share ρ of the weight, and forecasts the
weighted median. τ → ∞ gives the weighted median; τ → 0 snaps the compromise to the nearest
held position. When the total kernel weight falls below ``tol`` (every held position far from
x̂ relative to τ, e.g. a yes/no issue whose compromise lies midway) the forecast is x̂ itself.

Pre-registered evaluation (fixed before any test issue was scored): the DEU dev file is split by
proposal; a proposal is a *test* proposal when the first byte of SHA-256 of
``"detente-challenger-v1:" + proposal id`` is divisible by 3 (about a third). The parameters are
fitted by grid search on the training proposals only (:func:`fit_challenger`) and frozen as
:data:`FITTED`; the test issues are scored once (see ``docs/forecasts.md``).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast
from detente.forecasts.compromise import weighted_median
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
SPLIT_SALT = "detente-challenger-v1:"


def is_test_proposal(proposal: str) -> bool:
    """The pre-registered split: True for held-out (test) proposals."""
    return hashlib.sha256((SPLIT_SALT + proposal).encode("utf-8")).digest()[0] % 3 == 0


@dataclass(frozen=True)
class ChallengerParams:
    """τ (kernel width on the position scale; ``inf`` = none), role multipliers by actor name,
    and ρ, the reference point's share of the total weight (0 = ignore it)."""

    tau: float = float("inf")
    role_weight: tuple[tuple[str, float], ...] = ()
    reference_weight: float = 0.0


#: Grid searched by :func:`fit_challenger` (in this order; ties keep the first).
GRID: dict[str, tuple[float, ...]] = {
    "tau": (float("inf"), 50.0, 30.0, 20.0, 15.0, 10.0, 5.0, 2.0, 1.0, 0.5),
    "com": (1.0, 0.5, 2.0),
    "ep": (1.0, 0.5, 2.0),
    "rho": (0.0, 0.1, 0.25),
}


def challenger_position(x: F, s: F, c: F, mult: F, reference: float | None,
                        p: ChallengerParams, tol: float = 1e-12) -> float:
    """The challenger's forecast for one issue dimension (see the module docstring)."""
    w = c * s * mult
    if w.sum() <= tol:
        w = c * mult
    center = float((w * x).sum() / w.sum())
    k = w if np.isinf(p.tau) else w * np.exp(-np.abs(x - center) / p.tau)
    if k.sum() <= tol:  # every held position far away: fall back to the compromise
        return center
    pts, wts = x, k
    if reference is not None and p.reference_weight > 0:
        extra = p.reference_weight * k.sum() / (1 - p.reference_weight)
        pts = np.append(x, reference)
        wts = np.append(k, extra)
    return float(weighted_median(pts, np.ones_like(pts), wts))


#: Parameters fitted on the training proposals of the DEU dev file (capability by era).
FITTED = ChallengerParams(tau=1.0, role_weight=(("com", 2.0),), reference_weight=0.0)


@dataclass(frozen=True)
class ChallengerModel:
    """The challenger as a :class:`~detente.forecasts.base.Forecaster`."""

    params: ChallengerParams = field(default_factory=lambda: FITTED)
    name: str = "challenger"

    def forecast(self, table: StakeholderTable) -> Forecast:
        roles = dict(self.params.role_weight)
        mult = np.array([roles.get(a, 1.0) for a in table.actors])
        pos = np.array([
            challenger_position(table.position[:, k], table.salience[:, k], table.capability,
                                mult, None if table.reference is None else table.reference[k],
                                self.params)
            for k in range(table.n_dimensions)])
        return Forecast(self.name, pos, options={"tau": self.params.tau,
                                                 "role_weight": dict(self.params.role_weight),
                                                 "reference_weight":
                                                     self.params.reference_weight},
                        warnings=table.warnings)


def fit_challenger(tables: list[StakeholderTable], outcomes: F) -> tuple[ChallengerParams, float]:
    """Grid search (``GRID``) for the parameters with the lowest MAE on the given issues."""
    best: tuple[float, ChallengerParams] | None = None
    for tau, com, ep, rho in itertools.product(*GRID.values()):
        roles = tuple((n, v) for n, v in (("com", com), ("ep", ep)) if v != 1.0)
        p = ChallengerParams(tau, roles, rho)
        model = ChallengerModel(p)
        pred = np.array([model.forecast(t).position[0] for t in tables])
        mae = float(np.abs(pred - outcomes).mean())
        if best is None or mae < best[0] - 1e-12:
            best = (mae, p)
    assert best is not None
    return best[1], best[0]
