"""P(kept) for each commitment at its announcement, from only what was known before it.

Pre-registered in ``docs/signals-evaluation.md``. For commitment i announced on day t_i, the
training set is every commitment j with a kept/broken outcome resolved before t_i
(``resolved_j < t_i``). Three forecasts, all computed in one vectorised rolling origin:

* **B1** constant base rate, (1 + K) / (2 + N) over all sides (Laplace 1814's rule of
  succession);
* **B2** running base rate of the announcing side, (1 + K_a) / (2 + N_a);
* **M**: a hierarchical Beta-binomial record (Gelman et al. 2013, *Bayesian Data Analysis*,
  ch. 5: partial pooling), global -> kind -> side -> side and kind, each level shrunk toward the
  one above with ``strength`` pseudo-commitments, then a logistic recalibration with the
  signals score and force pressure as extra features, fit by ridge-penalised maximum
  likelihood toward "the record as it is" (Cessie and van Houwelingen 1992, *Applied
  Statistics* 41(1)) on the training set of each origin.

A compliance prior per (side, kind) — e.g. issue 14's ``compliance_prior`` from agreement data —
replaces the kind level of that side (its mean, with its strength capped at ``strength``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from detente.logistic import expit, logit
from detente.signals.commitments import Commitment

RATE_CLIP = 1e-6
"""Clip of the rates' log-odds (:func:`detente.logistic.logit`): rates estimated from a few
dozen commitments carry no information beyond ±13.8 log-odds."""

#: A compliance prior: (side, kind) -> Beta(alpha, beta) pseudo-counts, or None if unknown.
PriorTable = Callable[[str, str], tuple[float, float] | None]


@dataclass(frozen=True)
class ModelOptions:
    """Pre-registered hyper-parameters (``docs/signals-evaluation.md``): ``strength``
    pseudo-commitments of shrinkage per level; ``ridge`` penalty of the recalibration;
    ``min_train`` resolved commitments (with both outcomes) before features are used;
    ``clip`` bounds of the final probability."""

    strength: float = 4.0
    ridge: float = 2.0
    min_train: int = 30
    clip: float = 0.01
    newton_steps: int = 25
    record: str = "side"
    related: float = 0.5


def _days(dates: Sequence[object]) -> np.ndarray:
    return np.array(dates, dtype="datetime64[D]").astype(np.int64)


def knowledge(commitments: Sequence[Commitment]) -> np.ndarray:
    """(n, n) boolean: ``known[i, j]`` when j's outcome (kept/broken) was resolved before i
    was announced."""
    t = _days([c.announced for c in commitments])
    r = _days([c.resolved for c in commitments])
    scored = np.array([c.scored for c in commitments], dtype=bool)
    return (r[None, :] < t[:, None]) & scored[None, :]


def _same(values: Sequence[str]) -> np.ndarray:
    v = np.array(values, dtype=object)
    return v[:, None] == v[None, :]


def base_rates(commitments: Sequence[Commitment], known: np.ndarray) -> dict[str, np.ndarray]:
    """The two baselines B1 (all sides) and B2 (announcing side), Laplace-smoothed."""
    kept = np.array([c.outcome == "kept" for c in commitments], dtype=float)
    side = _same([c.announced_by for c in commitments])
    k_all, n_all = known @ kept, known.sum(axis=1)
    ks = (known & side)
    return {"constant": (1 + k_all) / (2 + n_all),
            "per_side": (1 + ks @ kept) / (2 + ks.sum(axis=1))}


def record_rate(commitments: Sequence[Commitment], known: np.ndarray, *,
                strength: float = 4.0, prior: PriorTable | None = None,
                method: str = "power", related: float = 0.5) -> np.ndarray:
    """The Beta-binomial record of each commitment's side and kind, from the commitments known
    before it.

    ``method="side"`` (default): the side's own record over all kinds, from a Beta(1, 1)
    prior or the compliance prior of (side, kind) when one is given (its mean, its strength
    alpha + beta capped at ``strength``): p = (K_a + alpha) / (N_a + alpha + beta). Kinds
    enter the model as a feature (:func:`kind_contrast`), learnt in the recalibration, not
    as a level of pooling.

    ``method="power"``: each known outcome counts once, weighted by its relevance —
    same side and kind 1, same side other kind or same kind other side ``related``, the rest
    through a Beta prior of ``strength`` pseudo-commitments at its rate (a power prior,
    Ibrahim and Chen 2000, *Statistical Science* 15(1)):

        p = (K_ak + w (K_a~k + K_~ak) + m g) / (N_ak + w (N_a~k + N_~ak) + m),
        g = (1 + K_rest) / (2 + N_rest)

    ``method="nested"``: the pre-registered global -> kind -> side -> side-and-kind chain, in
    which each level's prior already contains the data counted again below it (kept for the
    record of the evaluation: it double-counts outcomes, docs/signals-evaluation.md)."""
    if method == "side":
        return _side_record(commitments, known, prior, strength)
    if method == "power":
        return _power_record(commitments, known, strength, related, prior)
    kept = np.array([c.outcome == "kept" for c in commitments], dtype=float)
    kind = _same([c.kind for c in commitments])
    side = _same([c.announced_by for c in commitments])
    m = strength
    g = (1 + known @ kept) / (2 + known.sum(axis=1))
    kk = known & kind
    r_k = (kk @ kept + m * g) / (kk.sum(axis=1) + m)
    r_k, m_side = _with_prior(commitments, prior, r_k, m)
    ka = known & side
    s_ak = (ka @ kept + m_side * r_k) / (ka.sum(axis=1) + m_side)
    kak = known & side & kind
    return (kak @ kept + m * s_ak) / (kak.sum(axis=1) + m)


def _side_record(commitments: Sequence[Commitment], known: np.ndarray,
                 prior: PriorTable | None, cap: float = 4.0) -> np.ndarray:
    kept = np.array([c.outcome == "kept" for c in commitments], dtype=float)
    ks = known & _same([c.announced_by for c in commitments])
    a = np.ones(len(commitments))
    b = np.ones(len(commitments))
    if prior is not None:
        for i, c in enumerate(commitments):
            ab = prior(c.announced_by, c.kind)
            if ab is not None and ab[0] > 0 and ab[1] > 0:
                scale = min(1.0, cap / (ab[0] + ab[1]))  # its mean, strength at most ``cap``
                a[i], b[i] = ab[0] * scale, ab[1] * scale
    return (ks @ kept + a) / (ks.sum(axis=1) + a + b)


def kind_contrast(commitments: Sequence[Commitment], known: np.ndarray) -> np.ndarray:
    """How much more often this kind of commitment was kept than commitments in general, in
    log-odds, among those known before: logit((1 + K_k)/(2 + N_k)) - logit((1 + K)/(2 + N))."""
    kept = np.array([c.outcome == "kept" for c in commitments], dtype=float)
    kk = known & _same([c.kind for c in commitments])
    r_k = (1 + kk @ kept) / (2 + kk.sum(axis=1))
    g = (1 + known @ kept) / (2 + known.sum(axis=1))
    return logit(r_k, RATE_CLIP) - logit(g, RATE_CLIP)


def _power_record(commitments: Sequence[Commitment], known: np.ndarray, m: float, w: float,
                  prior: PriorTable | None) -> np.ndarray:
    kept = np.array([c.outcome == "kept" for c in commitments], dtype=float)
    kind = _same([c.kind for c in commitments])
    side = _same([c.announced_by for c in commitments])
    both = known & side & kind
    near = known & (side ^ kind)
    rest = known & ~side & ~kind
    g = (1 + rest @ kept) / (2 + rest.sum(axis=1))
    g, strength = _with_prior(commitments, prior, g, m)
    return ((both @ kept + w * (near @ kept) + strength * g)
            / (both.sum(axis=1) + w * near.sum(axis=1) + strength))


def fit_recalibration(X: np.ndarray, y: np.ndarray, beta0: np.ndarray, ridge: float,
                      steps: int = 25) -> np.ndarray:
    """Ridge-penalised logistic regression toward ``beta0``: maximise
    sum y log s(Xb) + (1 - y) log(1 - s(Xb)) - ridge/2 |b - beta0|^2 by Newton's method."""
    b = beta0.astype(float).copy()
    eye = np.eye(X.shape[1])
    for _ in range(steps):
        p = expit(X @ b)
        grad = X.T @ (y - p) - ridge * (b - beta0)
        H = (X * (p * (1 - p))[:, None]).T @ X + ridge * eye
        step = np.linalg.solve(H, grad)
        b = b + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return b


def predict(commitments: Sequence[Commitment], features: np.ndarray | None = None, *,
            options: ModelOptions = ModelOptions(),
            prior: PriorTable | None = None) -> dict[str, np.ndarray]:
    """Rolling-origin forecasts P(kept) of B1, B2 and M for every commitment (sorted by
    announcement). ``features``: (n, f) extra features known at each announcement (signals
    score, force pressure), zeros if None. Returns ``{"constant", "per_side", "model",
    "record", "fitted"}`` (``fitted``: whether M used a recalibration at that origin)."""
    n = len(commitments)
    known = knowledge(commitments)
    out = base_rates(commitments, known)
    rec = record_rate(commitments, known, strength=options.strength, prior=prior,
                      method=options.record, related=options.related)
    F = np.zeros((n, 0)) if features is None else np.asarray(features, dtype=float)
    kinds = kind_contrast(commitments, known)[:, None] if options.record == "side" else \
        np.zeros((n, 0))
    X = np.column_stack([np.ones(n), logit(rec, RATE_CLIP), kinds, F])
    beta0 = np.zeros(X.shape[1])
    beta0[1] = 1.0
    y = np.array([c.outcome == "kept" for c in commitments], dtype=float)
    p = rec.copy()
    fitted = np.zeros(n, dtype=bool)
    cache: dict[bytes, np.ndarray] = {}
    for i in range(n):
        tr = known[i]
        if tr.sum() < options.min_train or y[tr].min() == y[tr].max():
            continue
        key = np.packbits(tr).tobytes()
        if key not in cache:
            cache[key] = fit_recalibration(X[tr], y[tr], beta0, options.ridge,
                                           options.newton_steps)
        p[i] = expit(X[i] @ cache[key])
        fitted[i] = True
    lo, hi = options.clip, 1 - options.clip
    out["model"] = np.clip(p, lo, hi)
    out["record"] = rec
    out["fitted"] = fitted
    return out


def _with_prior(commitments: Sequence[Commitment], prior: PriorTable | None,
                mean: np.ndarray, m: float) -> tuple[np.ndarray, np.ndarray]:
    """``mean`` and a pooling strength ``m`` per commitment, replaced where ``prior`` gives a
    Beta(a, b) for the side and kind by its mean a/(a+b) and strength min(m, a+b)."""
    mean = mean.copy()
    strength = np.full(len(commitments), float(m))
    if prior is not None:
        for i, c in enumerate(commitments):
            ab = prior(c.announced_by, c.kind)
            if ab is not None and ab[0] > 0 and ab[1] > 0:
                mean[i] = ab[0] / (ab[0] + ab[1])
                strength[i] = min(m, ab[0] + ab[1])
    return mean, strength
