"""One-at-a-time swings (tornado) and break-even values: where a verdict flips.

For a verdict target g (a proposal's margin u_i − d_i for a veto player, or the ZOPA's largest
smallest surplus, whose sign is the verdict) and an input x_j moved alone with every other input
at its likely value, the break-even value is the root of g(x_j) = 0. The search scans the
input's admissible domain on a grid (one vectorised model call), then, in every bracket with a
sign change, solves exactly when g is linear in x_j on the grid (margins are linear in a BATNA
and in an option's value: Raiffa 1982, ch. 10) and by Brent's method otherwise (saliences enter
through normalised weights; the ZOPA surplus is piecewise linear). Each root is reported with
whether it lies inside the input's stated range and the evidence or assumption behind the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from detente.deals.space import FloatArray
from detente.sensitivity.inputs import Input
from detente.sensitivity.targets import Model

GRID = 41
LINEAR_TOL = 1e-9
XTOL = 1e-10


@dataclass(frozen=True)
class Swing:
    """Target values with one input at its low and at its high end (others likely)."""

    input: int
    at_low: FloatArray  # (s,)
    at_high: FloatArray


def base_row(model: Model) -> FloatArray:
    """The likely-value point of the model's inputs."""
    return model.space.likely()


def tornado(model: Model) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Targets at the likely point ``(s,)``, and with each input at low / high ``(d, s)``
    (categorical inputs: first / last option)."""
    x0 = base_row(model)
    d = model.space.dim
    X = np.tile(x0, (2 * d + 1, 1))
    for j, x in enumerate(model.space.inputs):
        X[1 + j, j] = x.low
        X[1 + d + j, j] = x.high
    y = model(X)
    return y[0], y[1:d + 1], y[d + 1:]


def domain(x: Input) -> tuple[float, float]:
    """Where an input may be moved: [0, 1] for utilities, saliences and BATNAs (their scale),
    the stated range for anything else."""
    last = x.name.rsplit(".", 1)[-1]
    if x.name.startswith("stances.") or last == "batna":
        return 0.0, 1.0
    return x.low, x.high


@dataclass(frozen=True)
class Root:
    """A break-even value of one input for one target."""

    value: float
    method: str  # "linear" or "brent"
    slope_sign: int  # +1: the target rises through 0 as the input rises


def break_even(model: Model, target: int, j: int, grid: int = GRID) -> list[Root]:
    """Every root of target ``target`` in input ``j`` over the input's domain, others likely
    (a model with ``evaluate(X, names)`` computes that one target only)."""
    name = model.targets[target].name
    one = getattr(model, "evaluate", None)

    def g_of(X: FloatArray) -> FloatArray:
        if one is not None:
            return np.asarray(one(X, [name]))[:, 0]
        return model(X)[:, target]

    x = model.space.inputs[j]
    if x.kind == "categorical":
        return []
    lo, hi = domain(x)
    if hi <= lo:
        return []
    xs = np.linspace(lo, hi, grid)
    X = np.tile(base_row(model), (grid, 1))
    X[:, j] = xs
    g = g_of(X)

    def f(v: float) -> float:
        row = base_row(model)
        row[j] = v
        return float(g_of(row[None, :])[0])

    coef = np.polyfit(xs, g, 1)
    linear = float(np.abs(np.polyval(coef, xs) - g).max()) <= LINEAR_TOL * max(1.0, np.abs(g).max())
    out: list[Root] = []
    for a in range(grid - 1):
        ga, gb = g[a], g[a + 1]
        if ga == 0.0 and a > 0:
            continue  # counted as the right end of the previous bracket
        if ga == 0.0 or (np.sign(ga) != np.sign(gb) and gb != 0.0):
            if linear and coef[0] != 0.0:
                root, how = float(-coef[1] / coef[0]), "linear"
            elif ga == 0.0:
                root, how = float(xs[a]), "grid"
            else:
                root, how = float(brentq(f, xs[a], xs[a + 1], xtol=XTOL)), "brent"
            out.append(Root(root, how, int(np.sign(gb - ga))))
        elif gb == 0.0 and a == grid - 2:
            out.append(Root(float(xs[-1]), "grid", int(np.sign(gb - ga))))
    return out
