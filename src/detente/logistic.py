"""The logistic pair, logit (log-odds) and its inverse expit: one of each for the whole house.

Used by the war model's random walk of the chance of winning on the logit scale
(``detente.war.dynamics``) and its beliefs (``detente.war.window``, ``detente.war.batna``), and
by the signals' log-odds updating (``detente.signals.credibility``, Bayes' rule in log-odds) and
the commitment model's recalibration (``detente.signals.commitment_model``, a logistic
regression).

A probability of exactly 0 or 1 has no finite log-odds, so :func:`logit` clips first; callers
state their clip: ``1e-12`` (the default) keeps every probability a float can tell apart from 0
and 1; the commitment model clips its rates at ``1e-6``
(``detente.signals.commitment_model.RATE_CLIP``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

CLIP = 1e-12
"""Default clip of :func:`logit`: p is taken in [CLIP, 1 − CLIP]."""


def logit(p: ArrayLike, clip: float = CLIP) -> FloatArray:
    """log(p / (1 − p)), computed as log p − log1p(−p) (precise near p = 1), with p clipped to
    [clip, 1 − clip]."""
    q = np.clip(np.asarray(p, dtype=np.float64), clip, 1.0 - clip)
    return np.log(q) - np.log1p(-q)


def expit(z: ArrayLike) -> FloatArray:
    """1 / (1 + e^(−z)), the inverse of :func:`logit`; a very negative z gives 0 without an
    overflow warning."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))
