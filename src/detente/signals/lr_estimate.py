"""Likelihood ratios estimated from outcomes, per indicator and actor.

The ladder's default LRs are assumptions. Commitments with known outcomes give a way to
estimate them: take the stories of indicator k by actor a in the ``window_days`` before each
commitment a announced, and compare their rate before commitments a kept (a proxy for the
sincere type) with their rate before commitments a broke (the insincere type):

    LR_ak = lambda_kept / lambda_broken,  lambda = weighted stories / exposure (days).

Given n = n_kept + n_broken stories, n_kept ~ Binomial(n, pi) with
pi = LR E_kept / (LR E_kept + E_broken) (the conditional Poisson argument, Cox 1970,
*Analysis of Binary Data*); a Beta prior of ``strength`` pseudo-stories centred on the
default LR shrinks the estimate toward it, so an indicator never seen keeps its default:

    pi_hat = (n_kept + m pi0) / (n + m),   LR_hat = pi_hat / (1 - pi_hat) * E_broken / E_kept,

with the one-sigma multiplicative spread exp(sqrt(1/(n_kept + m pi0) + 1/(n_broken + m (1 - pi0)))).
Outcomes are a proxy of type, not the type: a sincere side can fail to keep a commitment it
could not enforce. The estimates describe the data given; they are not used by the
pre-registered commitment model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.signals.commitments import Commitment
from detente.signals.items import SignalItem, source_weights
from detente.signals.ladder import indicators

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class EstimatedLR:
    """One estimate: ``lr`` with its multiplicative ``spread``, from ``n_kept``/``n_broken``
    weighted stories over ``exposure_kept``/``exposure_broken`` days; ``default`` the
    ladder's assumption it was shrunk toward."""

    actor: str
    indicator: str
    lr: float
    spread: float
    n_kept: float
    n_broken: float
    exposure_kept: float
    exposure_broken: float
    default: float


def estimate_likelihood_ratios(commitments: Sequence[Commitment], items: Sequence[SignalItem],
                               *, window_days: int = 90, strength: float = 4.0,
                               full_sources: int = 3) -> list[EstimatedLR]:
    """Estimated LR for every (announcing side, ladder indicator with a default) pair that
    has at least one kept and one broken commitment (module docstring)."""
    out = []
    w_all = source_weights(items, full_sources) if items else np.zeros(0)
    by_actor: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        by_actor.setdefault(it.actor, []).append(k)
    sides = sorted({c.announced_by for c in commitments if c.scored})
    for side in sides:
        mine = [c for c in commitments if c.scored and c.announced_by == side]
        kept = [c for c in mine if c.outcome == "kept"]
        broken = [c for c in mine if c.outcome == "broken"]
        if not kept or not broken:
            continue
        idx = np.array(by_actor.get(side, []), dtype=np.int64)
        days = np.array([items[k].day for k in idx], dtype=np.int64)
        names = np.array([items[k].indicator for k in idx], dtype=object)
        e_k, e_b = window_days * len(kept), window_days * len(broken)
        for name, ind in indicators().items():
            if ind.kind == "derived":
                continue
            sel = names == name
            n_k = _count(kept, days[sel], w_all[idx[sel]], window_days)
            n_b = _count(broken, days[sel], w_all[idx[sel]], window_days)
            pi0 = ind.lr * e_k / (ind.lr * e_k + e_b)
            a, b = n_k + strength * pi0, n_b + strength * (1 - pi0)
            pi = a / (a + b)
            out.append(EstimatedLR(side, name, float(pi / (1 - pi) * e_b / e_k),
                                   float(np.exp(np.sqrt(1 / a + 1 / b))), float(n_k),
                                   float(n_b), float(e_k), float(e_b), ind.lr))
    return out


def _count(cs: Sequence[Commitment], days: np.ndarray, w: np.ndarray, window: int) -> float:
    """Weighted stories dated in [t - window, t) before each commitment's announcement t."""
    if days.size == 0:
        return 0.0
    order = np.argsort(days)
    d, cw = days[order], np.r_[0.0, np.cumsum(w[order])]
    t = np.array([(c.announced - _EPOCH).days for c in cs])
    return float(np.sum(cw[np.searchsorted(d, t, "left")]
                        - cw[np.searchsorted(d, t - window, "left")]))


def overrides_for(actor: str, estimates: Sequence[EstimatedLR]
                  ) -> tuple[dict[str, float], dict[str, float]]:
    """``(likelihood_ratios, spreads)`` overrides of :class:`CredibilityOptions` from the
    estimates of ``actor`` (spreads never below 1)."""
    mine = [e for e in estimates if e.actor == actor]
    return ({e.indicator: e.lr for e in mine},
            {e.indicator: max(1.0, e.spread) for e in mine})
