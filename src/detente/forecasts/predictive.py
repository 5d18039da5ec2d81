"""Predictive distributions of point forecasts and how to score them: CRPS and interval coverage.

A point forecast x̂ says nothing about how far off it may be. The *bootstrap of the fit* turns
it into a distribution: x̂ plus every residual (outcome − forecast) the same model left on the
data it was fitted on (Efron & Tibshirani 1993, ch. 9, residual bootstrap; in forecasting,
empirical prediction intervals, Williams & Goodman 1971), clipped to the scale. No width is
tuned on the issues being scored. Inputs given as ranges (scenarios) add the Monte Carlo of
:mod:`detente.forecasts.montecarlo` on top.

Scores (Gneiting & Raftery 2007, "Strictly proper scoring rules, prediction, and estimation",
JASA 102, eq. 21): the continuous ranked probability score of a sample X₁…X_m against the
outcome y, CRPS = (1/m) Σ|Xᵢ − y| − (1/2m²) Σᵢ Σⱼ |Xᵢ − Xⱼ| (on the outcome's scale; it reduces
to the absolute error for a point mass), and the share of outcomes inside central intervals.

>>> import numpy as np
>>> float(crps(np.array([[3.0]]), np.array([5.0]))[0])
2.0
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F = NDArray[np.float64]

#: Nominal central-interval levels of the reliability diagram (0.5 and 0.8 are the headline).
LEVELS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def residual_samples(forecast: F, residuals: F, scale: tuple[float, float] = (0.0, 100.0)
                     ) -> F:
    """Samples (I, R) of the predictive distribution: forecast (I,) + each residual (R,),
    clipped to ``scale``. An empty residual set gives the point mass at the forecast."""
    f = np.asarray(forecast, dtype=float)
    r = np.asarray(residuals, dtype=float).ravel()
    if r.size == 0:
        r = np.zeros(1)
    return np.clip(f[:, None] + r[None, :], scale[0], scale[1])


def crps(samples: F, outcome: F) -> F:
    """CRPS of each row of ``samples`` (I, m) against ``outcome`` (I,), vectorised.

    Uses Σᵢ Σⱼ |Xᵢ − Xⱼ| = 2 Σₖ (2k − m − 1) X₍ₖ₎ over the sorted sample (k = 1…m).
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=-1)
    m = x.shape[-1]
    first = np.abs(x - np.asarray(outcome, dtype=float)[..., None]).mean(axis=-1)
    k = np.arange(1, m + 1)
    spread = 2 * ((2 * k - m - 1) * x).sum(axis=-1) / m**2
    return first - spread / 2


def quantiles(a: F, q: list[float], axis: int) -> F:
    """``np.quantile(a, q, axis=axis)`` (its default method, 'linear': Hyndman & Fan 1996,
    "Sample quantiles in statistical packages", Am. Stat. 50(4), definition 7), bit for bit:
    NumPy's own steps, with the partition's order statistics found without ``np.unique``
    (which loads ``numpy.ma``, 5–10 ms of a command's start). Finite ``q`` in [0, 1]."""
    arr = np.moveaxis(np.array(a, dtype=float), axis, 0)   # a copy: partitioned in place
    n = arr.shape[0]
    virtual = (n - 1) * np.asarray(q, dtype=float)
    prev = np.floor(virtual)
    nxt = prev + 1
    prev[virtual >= n - 1] = -1
    nxt[virtual >= n - 1] = -1
    prev_i, next_i = prev.astype(np.intp), nxt.astype(np.intp)
    arr.partition(np.array(sorted({0, -1, *prev_i.tolist(), *next_i.tolist()}),
                           dtype=np.intp), axis=0)
    gamma = np.asarray(virtual - prev_i, dtype=float).reshape(
        virtual.shape + (1,) * (arr.ndim - 1))
    lo, hi = arr[prev_i], arr[next_i]
    diff = hi - lo
    out = np.add(lo, diff * gamma)
    np.subtract(hi, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe",
                dtype=np.float64)
    nans = np.isnan(arr[-1, ...])
    if nans.any():
        np.copyto(out, arr[-1, ...], where=nans)
    return out


def central_interval(samples: F, level: float) -> tuple[F, F]:
    """The central ``level`` interval of each row: its (1−level)/2 and (1+level)/2 quantiles."""
    lo, hi = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], axis=-1)
    return lo, hi


def coverage(samples: F, outcome: F, levels: tuple[float, ...] = LEVELS,
             tol: float = 1e-9) -> F:
    """Share of outcomes inside each central interval (ends included within ``tol``),
    shape (len(levels),)."""
    y = np.asarray(outcome, dtype=float)
    out = []
    for level in levels:
        lo, hi = central_interval(samples, level)
        out.append(float(np.mean((y >= lo - tol) & (y <= hi + tol))))
    return np.array(out)
