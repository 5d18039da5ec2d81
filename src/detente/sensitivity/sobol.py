"""Sobol' first-order and total indices, single and grouped, with bootstrap intervals.

Design (Saltelli et al. 2010, *Comput. Phys. Commun.* 181:259-270, §3): two independent
matrices A, B of ``n`` points (the two halves of one scrambled Sobol' sequence of dimension
2d, as ``scipy.stats.sobol_indices`` builds them) and, for each input set J (one input, or all
inputs of a group), the matrix A_B^J equal to A with the columns J taken from B. The model runs
on all of them: ``n · (d + g + 2)`` evaluations for d inputs and g groups. The estimators are
SciPy's (``scipy.stats.sobol_indices`` with precomputed evaluations): first order
S_J = mean(f(B)·(f(A_B^J) − f(A))) / V (Saltelli 2010, Table 2 (b)), total
S_TJ = mean((f(A) − f(A_B^J))²) / (2V) (Jansen 1999). A group's first-order index is the closed
index of the group (all of one actor's inputs moving together).

Intervals: percentile bootstrap over the n rows (Archer, Saltelli & Sobol' 1997), with the
resampling stream passed in (SciPy's own ``bootstrap()`` draws from global state) and all
resamples of a target evaluated at once as count-weighted means of SciPy's estimator terms
(:func:`estimators` gives the same numbers on gathered rows; a test checks both).

The rows of A and B are evaluated in chunks of ``chunk`` sample rows, each task building its own
A_B^J rows, so memory per task is ``chunk · (d + g + 2)`` rows whatever ``n``.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc, sobol_indices

from detente.deals.space import FloatArray
from detente.errors import AnalysisError
from detente.parallel import bounded_map
from detente.sensitivity.sampling import evaluate_unit
from detente.sensitivity.targets import Model

MIN_SAMPLES = 64
SOBOL_CHUNK = 32


@dataclass(frozen=True)
class SobolIndices:
    """Indices ``(s targets, m sets)``: the first d sets are the inputs, then the groups."""

    sets: list[str]
    first: FloatArray
    total: FloatArray
    first_ci: FloatArray  # (2, s, m)
    total_ci: FloatArray
    mean: FloatArray  # (s,)
    var: FloatArray


def check_samples(n: int) -> None:
    """Sobol' needs a power of two ≥ MIN_SAMPLES (balance of the Sobol' sequence)."""
    if n < MIN_SAMPLES or n & (n - 1):
        raise AnalysisError.one("Sobol' samples must be a power of two ≥ 64 (the balance of "
                                "the Sobol' sequence; fewer gives intervals wider than the "
                                "indices)", value=n, allowed="64, 128, 256, 512, 1024, …")


def _chunk(model: Model, A: FloatArray, B: FloatArray, sets: list[list[int]]) -> FloatArray:
    """``(m + 2, c, s)`` evaluations: f(A), f(B), then f(A_B^J) for each set J."""
    rows = [A, B]
    for J in sets:
        ab = A.copy()
        ab[:, J] = B[:, J]
        rows.append(ab)
    y = evaluate_unit(model, np.concatenate(rows, axis=0))
    return y.reshape(len(rows), A.shape[0], -1)


def _indices(fa: FloatArray, fb: FloatArray, fab: FloatArray) -> tuple[FloatArray, FloatArray]:
    """SciPy's estimators on evaluations ``fa, fb (s, n)``, ``fab (m, s, n)`` → ``(s, m)``."""
    s, n = fa.shape
    res = sobol_indices(func={"f_A": fa, "f_B": fb, "f_AB": fab}, n=n)
    shape = (s, fab.shape[0])
    return (np.reshape(res.first_order, shape), np.reshape(res.total_order, shape))


def sobol(model: Model, n: int, seed: int | None, executor: Executor,
          groups: dict[str, list[int]] | None = None, resamples: int = 100,
          confidence: float = 0.95, chunk: int = SOBOL_CHUNK) -> SobolIndices:
    """Sobol' indices of every target of ``model`` for each input and each group."""
    check_samples(n)
    d = model.space.dim
    seq_design, seq_boot = np.random.SeedSequence(seed).spawn(2)
    base = qmc.Sobol(d=2 * d, scramble=True, seed=np.random.default_rng(seq_design))
    AB = base.random_base2(int(np.log2(n)))
    A, B = AB[:, :d], AB[:, d:]
    sets = [[j] for j in range(d)] + [list(v) for v in (groups or {}).values()]
    names = model.space.names + [f"group:{g}" for g in (groups or {})]
    tasks = ((model, A[i:i + chunk], B[i:i + chunk], sets) for i in range(0, n, chunk))
    f = np.concatenate(list(bounded_map(executor, _chunk, tasks)), axis=1)
    fa, fb, fab = f[0].T, f[1].T, np.moveaxis(f[2:], 2, 1)  # (s, n), (m, s, n)
    first, total = _indices(fa, fb, fab)
    fci, tci = _bootstrap(fa, fb, fab, np.random.default_rng(seq_boot), resamples, confidence)
    both = np.concatenate([fa, fb], axis=1)
    return SobolIndices(names, first, total, fci, tci, both.mean(axis=1), both.var(axis=1))


def estimators(fa: FloatArray, fb: FloatArray, fab: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Saltelli (2010, Table 2 (b)) first-order and Jansen (1999) total indices, the formulas
    of SciPy's ``saltelli_2010``, over any leading axes: ``fa, fb (..., n)``, ``fab
    (m, ..., n)`` → ``(m, ...)``. Inputs must be centred as SciPy centres them (the mean of
    f(A) and f(B) over the full sample)."""
    var = np.concatenate([fa, fb], axis=-1).var(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.mean(fb * (fab - fa), axis=-1) / var
        total = 0.5 * np.mean((fa - fab) ** 2, axis=-1) / var
    return np.nan_to_num(first, nan=0.0, posinf=0.0, neginf=0.0), \
        np.nan_to_num(total, nan=0.0, posinf=0.0, neginf=0.0)


def _bootstrap(fa: FloatArray, fb: FloatArray, fab: FloatArray, rng: np.random.Generator,
               resamples: int, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Percentile intervals ``(2, s, m)`` from ``resamples`` resamples of the n rows.

    A resample is a count vector w over the rows (how often each was drawn), so every
    resampled mean is ``w @ terms / n``: one matrix product per target for all resamples and
    sets, the same numbers as :func:`estimators` on the gathered rows."""
    s, n = fa.shape
    m = fab.shape[0]
    idx = rng.integers(0, n, size=(resamples, n))
    W = np.stack([np.bincount(row, minlength=n) for row in idx]).astype(float).T / n  # (n, R)
    q = [(1 - confidence) / 2, (1 + confidence) / 2]
    fci = np.empty((2, s, m))
    tci = np.empty((2, s, m))
    for j in range(s):
        c = np.concatenate([fa[j], fb[j]]).mean()
        a, b, ab = fa[j] - c, fb[j] - c, fab[:, j] - c
        mean = (a + b) @ W / 2
        var = (a * a + b * b) @ W / 2 - mean ** 2  # (R,)
        with np.errstate(divide="ignore", invalid="ignore"):
            first = (b * (ab - a)) @ W / var  # (m, R)
            total = 0.5 * ((a - ab) ** 2) @ W / var
        for k, x in enumerate((first, total)):
            x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
            (fci, tci)[k][:, j] = np.quantile(x, q, axis=1)
    return fci, tci
