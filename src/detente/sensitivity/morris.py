"""Morris elementary-effects screening (Morris 1991, *Technometrics* 33:161-174) with the
μ* measure of Campolongo, Cariboni & Saltelli (2007, *Environ. Model. Softw.* 22:1509-1518).

r trajectories on a p-level grid of the unit cube (p = 4, Δ = p / (2(p − 1)) = 2/3); each
trajectory starts at a random grid point and moves one input at a time, in random order, by
±Δ (the sign that stays inside the cube). The elementary effect of input j is
EE_j = (f(x + Δ_j e_j) − f(x)) / Δ_j in unit-cube (quantile) coordinates, so for a linear
f = Σ a_j u_j every EE_j equals a_j. Cost: r (d + 1) evaluations.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from detente.deals.space import FloatArray
from detente.errors import AnalysisError
from detente.sensitivity.sampling import evaluate_design
from detente.sensitivity.targets import Model

LEVELS = 4
MIN_TRAJECTORIES = 4


@dataclass(frozen=True)
class MorrisIndices:
    """Per target and input ``(s, d)``: μ* = mean |EE|, μ = mean EE, σ = std EE."""

    mu_star: FloatArray
    mu: FloatArray
    sigma: FloatArray


def morris_design(d: int, r: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray,
                                                                      np.ndarray]:
    """Points ``(r (d + 1), d)``, signed steps ``(r, d)`` and the input moved at each step."""
    delta = LEVELS / (2 * (LEVELS - 1))
    grid = np.arange(LEVELS) / (LEVELS - 1)
    pts = np.empty((r, d + 1, d))
    steps = np.empty((r, d))
    order = np.empty((r, d), dtype=int)
    for t in range(r):
        x = rng.choice(grid, size=d)
        sign = np.where(x + delta <= 1 + 1e-12, 1.0, -1.0)
        order[t] = rng.permutation(d)
        pts[t, 0] = x
        for k, j in enumerate(order[t]):
            x = x.copy()
            x[j] += sign[j] * delta
            pts[t, k + 1] = x
        steps[t] = sign * delta
    return np.clip(pts.reshape(-1, d), 0.0, 1.0), steps, order


def morris(model: Model, r: int, seed: int | None, executor: Executor) -> MorrisIndices:
    """Elementary effects of every input on every target from ``r`` trajectories."""
    if r < MIN_TRAJECTORIES:
        raise AnalysisError.one(f"Morris screening needs at least {MIN_TRAJECTORIES} "
                                "trajectories", value=r, allowed=f"≥ {MIN_TRAJECTORIES}")
    d = model.space.dim
    U, steps, order = morris_design(d, r, np.random.default_rng(seed))
    y = evaluate_design(model, U, executor).reshape(r, d + 1, -1)  # (r, d+1, s)
    diff = np.diff(y, axis=1)  # (r, d, s): step k moved input order[t, k]
    ee = np.empty_like(diff)
    for t in range(r):
        ee[t, order[t]] = diff[t] / steps[t, order[t]][:, None]
    return MorrisIndices(np.abs(ee).mean(axis=0).T, ee.mean(axis=0).T,
                         ee.std(axis=0, ddof=1).T)
