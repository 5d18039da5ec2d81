"""Priors from agreement data: compliance per actor and commitment kind; guarantee effect.

``compliance_prior(actor, kind)`` gives a Beta(α, β) prior on P(kept) for a commitment of
``kind`` announced by ``actor``, from the UCDP PAD agreements the actor was party to, pooled
toward the kind's and all agreements' rate (docs/agreements.md, "Compliance prior"):

1. outcome per agreement: *kept* = held for h years (default 2), *broken* = ended within h
   years (:mod:`detente.agreements.outcomes`); censored and unknown outcomes are left out and
   counted;
2. base rate over all agreements, p₀ = (K₀ + ½)/(N₀ + 1) (Jeffreys posterior mean);
3. kind rate shrunk toward p₀: p_k = (K_k + m·p₀)/(N_k + m);
4. actor × kind: α = m·p_k + k, β = m·(1 − p_k) + (n − k).

m (prior strength, in agreements) is given, or estimated from the data as the beta-binomial
m = (1 − ρ)/ρ with ρ the ANOVA estimator of the intra-class correlation of outcomes within
states (Ridout, Demétrio & Firth 1999, "Estimating intraclass correlation for binary data",
Biometrics 55: 137-148, estimator ρ_A), clipped to [2, 50]. This is empirical-Bayes
beta-binomial pooling (Efron & Morris 1975; Gelman et al., BDA3 sec. 5.3).

PAD does not say which party broke an agreement: "kept" is "an agreement the actor was party
to held", not an attribution of blame.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy import stats

from detente.agreements.crosswalk import KINDS, kind_mask, load_crosswalk
from detente.agreements.data import AgreementData, actor_mask, load_agreements
from detente.agreements.outcomes import (
    CENSORED,
    FOLLOW_UP_END,
    HELD,
    RENEWED,
    UNKNOWN,
    outcome_counts,
    renewal,
)
from detente.records.output import nz

STRENGTH_BOUNDS = (2.0, 50.0)
_LABEL = {HELD: "kept", RENEWED: "broken", CENSORED: "censored", UNKNOWN: "unknown"}


class PriorRow(BaseModel):
    """One PAD agreement behind a prior."""

    model_config = ConfigDict(frozen=True)
    paid: int
    date: str
    name: str
    outcome: str
    role: str
    line: int


class CompliancePrior(BaseModel):
    """A Beta(alpha, beta) prior on P(kept) with the counts and rows it came from."""

    model_config = ConfigDict(frozen=True)
    actor: str
    kind: str
    alpha: float
    beta: float
    mean: float
    interval: tuple[float, float]
    level: float
    kept: int
    broken: int
    excluded: dict[str, int]
    kind_kept: int
    kind_n: int
    kind_rate: float
    base_kept: int
    base_n: int
    base_rate: float
    strength: float
    strength_rule: str
    horizon_years: float
    follow_up_end: str
    kind_rule: str
    actor_rule: dict[str, object]
    rows: list[PriorRow]
    inputs: list[str]
    inputs_sha256: list[str]


def _as_data(data: AgreementData | str | Path | None) -> AgreementData:
    return data if isinstance(data, AgreementData) else load_agreements(data)


def icc_anova(k: np.ndarray, n: np.ndarray) -> float:
    """ANOVA estimator of the intra-class correlation of binary outcomes (Ridout, Demétrio &
    Firth 1999, ρ_A): groups with k_i successes of n_i trials (groups with n_i = 0 ignored).

    >>> round(icc_anova(np.array([0, 5]), np.array([5, 5])), 6)  # groups all-0 and all-1
    1.0
    """
    keep = n > 0
    k, n = k[keep].astype(float), n[keep].astype(float)
    g, total = k.size, n.sum()
    if g < 2 or total <= g:
        return float("nan")
    p = k.sum() / total
    msb = (np.sum(k * k / n) - total * p * p) / (g - 1)
    msw = (k.sum() - np.sum(k * k / n)) / (total - g)
    n0 = (total - np.sum(n * n) / total) / (g - 1)
    denom = msb + (n0 - 1) * msw
    return float((msb - msw) / denom) if denom > 0 else float("nan")


def estimate_strength(data: AgreementData, status: np.ndarray) -> tuple[float, str]:
    """Prior strength m from the spread of kept rates across states (see module docstring)."""
    resolved = (status == HELD) | (status == RENEWED)
    groups = data.pad.text["gwno"][resolved]
    kept = (status[resolved] == HELD)
    labels, inverse = np.unique(groups.astype(str), return_inverse=True)
    k = np.bincount(inverse, weights=kept, minlength=labels.size)
    n = np.bincount(inverse, minlength=labels.size)
    rho = icc_anova(k, n)
    lo, hi = STRENGTH_BOUNDS
    m = hi if not rho > 0 else float(np.clip((1 - rho) / rho, lo, hi))
    return m, (f"estimated: m = (1 - rho)/rho clipped to [{lo:g}, {hi:g}], rho = {nz(rho, 4):.4f} "
               f"(ANOVA intra-class correlation of outcomes within {labels.size} states)")


def compliance_prior(actor: str, kind: str, data: AgreementData | str | Path | None = None, *,
                     horizon_years: float = 2.0, strength: float | None = None,
                     role: str = "signatory", level: float = 0.9,
                     follow_up_end: str = FOLLOW_UP_END) -> CompliancePrior:
    """Beta prior on P(kept) for a commitment of ``kind`` announced by ``actor``.

    ``actor``: ISO alpha-3 code (``"RUS"``) or Gleditsch-Ward number; ``kind``: one of
    ceasefire, truce, corridor, prisoner_exchange, withdrawal, talks, other; ``data``: a loaded
    :class:`AgreementData`, a directory, or None for the default directory; ``strength``: prior
    strength m in agreements (None = estimated); ``role``: "signatory" (every agreement PAD
    lists the actor on, third parties and witnesses included) or "party" (only agreements in
    its state or whose warring dyad names its government); ``level``: central mass of
    ``interval``.

    >>> from detente.agreements.data import load_agreements
    >>> p = compliance_prior("RUS", "ceasefire", "tests/data/agreements")  # doctest: +SKIP
    >>> p.alpha, p.beta, p.kept, p.broken  # doctest: +SKIP
    """
    d = _as_data(data)
    status = renewal(d.pad, horizon_years, follow_up_end)
    resolved = (status == HELD) | (status == RENEWED)
    held = status == HELD
    k_mask = kind_mask(d.pad, kind)
    in_kind = np.ones(len(d.pad), bool) if k_mask is None else k_mask
    a_mask, party, rule = actor_mask(d, actor, role)
    if strength is None:
        m, m_rule = estimate_strength(d, status)
    elif strength > 0:
        m, m_rule = float(strength), "given"
    else:
        raise ValueError(f"strength must be > 0, got {strength}")
    k0, n0 = int((held & resolved).sum()), int(resolved.sum())
    p0 = (k0 + 0.5) / (n0 + 1.0)
    kk, nk = int((held & in_kind).sum()), int((resolved & in_kind).sum())
    pk = (kk + m * p0) / (nk + m)
    cell = a_mask & in_kind
    k, n = int((held & cell).sum()), int((resolved & cell).sum())
    alpha, beta = m * pk + k, m * (1 - pk) + (n - k)
    lo, hi = stats.beta.ppf([(1 - level) / 2, (1 + level) / 2], alpha, beta)
    counts = outcome_counts(status, cell)
    kc = load_crosswalk().kinds[kind]
    return CompliancePrior(
        actor=str(rule["actor"]), kind=kind, alpha=float(alpha), beta=float(beta),
        mean=float(alpha / (alpha + beta)), interval=(float(lo), float(hi)), level=level,
        kept=k, broken=n - k,
        excluded={"censored": counts["censored"], "unknown": counts["unknown"]},
        kind_kept=kk, kind_n=nk, kind_rate=float(pk), base_kept=k0, base_n=n0,
        base_rate=float(p0), strength=float(m), strength_rule=m_rule,
        horizon_years=horizon_years, follow_up_end=follow_up_end,
        kind_rule=(f"PAD {' or '.join(kc.pad) or 'pa_type in ' + str(list(kc.pad_type))}"
                   if k_mask is not None else "all agreements (PAD does not code this kind)")
        + (f" [{kc.fit}]" + (f": {kc.note}" if kc.note else "")),
        actor_rule=rule, rows=_rows(d, status, cell, party),
        inputs=[d.pad.source], inputs_sha256=[d.pad.sha256])


def prior_table(data: AgreementData | str | Path | None = None, *,
                horizon_years: float = 2.0, strength: float | None = None,
                role: str = "signatory") -> Callable[[str, str], tuple[float, float] | None]:
    """``(actor, kind) -> (alpha, beta)`` from :func:`compliance_prior`, cached, for models that
    take a prior table (issue 15's commitment model). An actor the data do not know gives None
    (the model then falls back to its own prior); an unknown kind is an error."""
    from detente.errors import DetenteError

    d = _as_data(data)
    cache: dict[tuple[str, str], tuple[float, float] | None] = {}

    def lookup(actor: str, kind: str) -> tuple[float, float] | None:
        if kind not in KINDS:
            raise DetenteError.one("unknown commitment kind", path="kind", value=kind,
                                   allowed=", ".join(KINDS))
        key = (actor.strip().upper(), kind)
        if key not in cache:
            try:
                p = compliance_prior(key[0], kind, d, horizon_years=horizon_years,
                                     strength=strength, role=role)
                cache[key] = (p.alpha, p.beta)
            except DetenteError as exc:
                if not any(q.path == "actor" for q in exc.problems):
                    raise
                cache[key] = None
        return cache[key]

    return lookup


def _rows(d: AgreementData, status: np.ndarray, cell: np.ndarray,
          party: np.ndarray) -> list[PriorRow]:
    idx = np.flatnonzero(cell)
    return [PriorRow(paid=int(d.pad.paid[i]), date=str(d.pad.date[i]),
                     name=str(d.pad.text["pa_name"][i])[:120], outcome=_LABEL[int(status[i])],
                     role="party" if party[i] else "third party", line=int(d.pad.line[i]))
            for i in idx]
