"""Scores of probability forecasts of binary outcomes, with bootstrap intervals.

* Brier score (Brier 1950, "Verification of forecasts expressed in terms of probability",
  *Monthly Weather Review* 78(1)): mean (p - y)^2, 0 is perfect, 0.25 is a coin flip.
* Log-loss (Good 1952, "Rational decisions", *JRSS B* 14(1)): mean -log of the probability given
  to what happened (natural log).
* AUC: the probability that a randomly chosen kept commitment got a higher forecast than a
  randomly chosen broken one (Mann-Whitney U / (n1 n0), ties count one half; Hanley and McNeil
  1982, *Radiology* 143(1)). Undefined (NaN) with one class only.
* Reliability diagram (Murphy and Winkler 1977, *Applied Statistics* 26(1)): forecasts binned
  by value, mean forecast against observed frequency per bin.
* Intervals: percentile bootstrap over cases (Efron and Tibshirani 1993, ch. 13); differences
  between models are paired (the same resample for both).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

EPS = 1e-15


def brier(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Brier score along the last axis. ``p``, ``y``: (..., n).

    >>> float(brier(np.array([0.8, 0.3]), np.array([1, 0])))
    0.065
    """
    return np.mean((p - y) ** 2, axis=-1)


def log_loss(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean negative log-likelihood (nats) along the last axis; p clipped to [1e-15, 1 - 1e-15]
    so a certain miss gives about 34.5, not infinity.

    >>> round(float(log_loss(np.array([0.5, 0.5]), np.array([1, 0]))), 6)
    0.693147
    """
    q = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(q) + (1 - y) * np.log1p(-q), axis=-1)


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (1-based) of ``x`` (1-D), ties sharing their mean rank."""
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    first = np.r_[True, xs[1:] != xs[:-1]]
    idx = np.flatnonzero(first)
    counts = np.diff(np.r_[idx, len(xs)])
    start = idx + 1
    avg = start + (counts - 1) / 2.0
    r = np.empty(len(x))
    r[order] = np.repeat(avg, counts)
    return r


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve of forecasts ``p`` (1-D) for outcomes ``y`` (0/1).

    >>> auc(np.array([0.9, 0.8, 0.3, 0.1]), np.array([1, 0, 1, 0]))
    0.75
    """
    n1 = int(np.sum(y == 1))
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = _ranks(p)
    return float((r[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auc_resampled(p: np.ndarray, y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """AUC of ``p`` (n,) for ``y`` on each bootstrap resample ``idx`` (B, n), vectorised: with
    c_i the times case i is drawn, AUC_b = sum over value groups g of
    pos_bg (neg_b below g + neg_bg / 2) / (n1_b n0_b)."""
    B, n = idx.shape
    _, g = np.unique(p, return_inverse=True)
    G = int(g.max()) + 1 if n else 0
    counts = np.zeros((B, n))
    np.add.at(counts, (np.repeat(np.arange(B), n), idx.ravel()), 1.0)
    pos = np.zeros((B, G))
    neg = np.zeros((B, G))
    for arr, mask in ((pos, y == 1), (neg, y != 1)):
        np.add.at(arr.T, g[mask], counts[:, mask].T)
    below = np.cumsum(neg, axis=1) - neg
    n1, n0 = pos.sum(axis=1), neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n1 > 0) & (n0 > 0),
                        (pos * (below + neg / 2)).sum(axis=1) / (n1 * n0), np.nan)


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Reliability diagram: ``bins`` equal-width bins of p in [0, 1]; per non-empty bin its
    range, count, mean forecast and observed frequency."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        m = which == b
        if m.any():
            out.append({"lo": float(edges[b]), "hi": float(edges[b + 1]), "n": int(m.sum()),
                        "mean_p": float(p[m].mean()), "observed": float(y[m].mean())})
    return out


def _interval(x: np.ndarray, level: float) -> list[float]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return [float("nan"), float("nan")]
    q = (1 - level) / 2
    lo, hi = np.quantile(x, [q, 1 - q])
    return [float(lo), float(hi)]


def score_table(forecasts: Mapping[str, np.ndarray], y: np.ndarray, *, reference: str,
                rng: np.random.Generator, resamples: int = 2000,
                level: float = 0.95) -> dict[str, Any]:
    """Brier, log-loss and AUC of each forecast in ``forecasts`` (name -> (n,)) with percentile
    bootstrap intervals, and the paired differences ``reference`` - other for every other
    model (negative Brier/log-loss differences favour ``reference``)."""
    names = list(forecasts)
    P = np.stack([np.asarray(forecasts[k], dtype=float) for k in names])
    y = np.asarray(y, dtype=float)
    n = len(y)
    idx = rng.integers(0, n, size=(resamples, n))
    # per-case losses once, then resampled: the same values (elementwise) as scoring each
    # resample, without B x n logarithms
    sq = (P - y[None]) ** 2
    q = np.clip(P, EPS, 1 - EPS)
    nll = -(y[None] * np.log(q) + (1 - y[None]) * np.log1p(-q))
    boot = {"brier": np.mean(sq[:, idx], axis=-1), "log_loss": np.mean(nll[:, idx], axis=-1)}
    boot["auc"] = np.array([auc_resampled(P[m], y, idx) for m in range(len(names))])
    point = {"brier": brier(P, y[None]), "log_loss": log_loss(P, y[None]),
             "auc": np.array([auc(P[m], y) for m in range(len(names))])}
    models = {}
    for m, name in enumerate(names):
        models[name] = {s: {"value": float(point[s][m]),
                            "interval": _interval(boot[s][m], level)} for s in point}
    r = names.index(reference)
    diffs = {}
    for m, name in enumerate(names):
        if m != r:
            diffs[name] = {s: {"value": float(point[s][r] - point[s][m]),
                               "interval": _interval(boot[s][r] - boot[s][m], level)}
                           for s in point}
    return {"n": n, "resamples": resamples, "level": level, "models": models,
            "differences": {"reference": reference, "minus": diffs}}
