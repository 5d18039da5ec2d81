"""Bayesian credibility of an actor's signals: a dated posterior probability of sincerity.

Two types per actor, sincere and insincere (Fearon 1997). The prior probability of sincerity is
Beta(a + kept, b + broken) from the actor's record of past agreements (seed 004: "all previous
negotiations from 2014 always failed"). Each evidence item k, dated t_k, with likelihood ratio
LR_k = P(k | sincere) / P(k | insincere) and source weight w_k, moves the log-odds (Bayes' rule
in odds form, discounted with age by a half-life h):

    logit p(t) = logit p0 + sum_{k: t_k <= t} w_k * 2^(-(t - t_k)/h) * log LR_k          (1)

With w = 1 and no decay this is exactly Bayes' rule for conditionally independent evidence.
The LRs are uncertain: log LR_k ~ Normal(log LR, log spread) per indicator, and p0 ~ Beta; Monte
Carlo over both (seeded) gives the interval. Two derived items follow SIGNALS.md:

* **reneging** — a declared ceasefire or de-escalation followed, within ``renege_window_days``,
  by force or a ceasefire violation by the same actor in the same dyad (seed 001: the pledge of
  29 March 2022 was followed within a day by heavier strikes). Every report day of a claim and
  of a force story is tested, so the result does not depend on the weekday of the claim;
* **verified concession** — a material concession confirmed by ``verify_sources`` independent
  sources, or a ceasefire/de-escalation claim marked verified (observers, independent
  confirmation) and not contradicted within the window. The mere absence of coded force after a
  claim is *not* verification: news coding is incomplete, so silence proves nothing.

Routine evidence (rungs 1-5 and counter-indicators) is weighted by its departure from the
dyad's base rate (:mod:`detente.signals.baserate`), so volume alone cannot saturate the
posterior.

Every move of the posterior lists the items that moved it and how much (in log-odds).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from detente.errors import AnalysisError, Problem
from detente.logistic import expit, logit
from detente.signals.baserate import base_rate_weights
from detente.signals.evidence import PriorRecord
from detente.signals.items import SignalItem, source_weights
from detente.signals.ladder import indicators, likelihood_ratios

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class CredibilityOptions:
    """Options of :func:`credibility` (all documented defaults).

    ``half_life_days`` (> 0): evidence weight halves every h days; ``renege_window_days``:
    how soon after a declared ceasefire/de-escalation force counts as reneging (seed 001: one
    day; default 3); ``verify_sources``: independent sources that confirm a concession;
    ``full_sources``: sources for an item to count fully; ``dedup_days``: the largest gap
    between reports of one story; ``recent_days``/``baseline_days``: the windows of the base
    rate discount (``recent_days = 0`` switches it off); ``draws``: Monte Carlo draws;
    ``interval``: central probability mass of the reported interval; ``prior_a``/``prior_b``:
    the Beta pseudo-counts before the agreement record; ``likelihood_ratios``/``spreads``:
    overrides of the ladder defaults.
    """

    half_life_days: float = 90.0
    renege_window_days: int = 3
    verify_sources: int = 2
    full_sources: int = 3
    dedup_days: int = 3
    recent_days: int = 28
    baseline_days: int = 365
    draws: int = 2000
    interval: float = 0.9
    prior_a: float = 1.0
    prior_b: float = 1.0
    likelihood_ratios: dict[str, float] = field(default_factory=dict)
    spreads: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Move:
    """One move of the posterior: on ``date`` the day's ``items`` (each with its log-odds
    contribution) took it from ``before`` (that day, older evidence already faded) to
    ``after``; ``decay`` is the log-odds change from fading since the previous move."""

    date: dt.date
    before: float
    after: float
    items: tuple[tuple[SignalItem, float], ...]
    decay: float


@dataclass(frozen=True)
class CredibilityResult:
    """The dated posterior probability of sincerity of ``actor`` with its interval."""

    actor: str
    dates: tuple[dt.date, ...]
    p: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    prior_mean: float
    prior_lo: float
    prior_hi: float
    prior: tuple[float, float]
    items: tuple[SignalItem, ...]
    moves: tuple[Move, ...]
    options: CredibilityOptions
    seed: int | None
    factions: tuple[Any, ...] = ()


def _day(d: dt.date) -> int:
    return (d - _EPOCH).days


def _kind(item: SignalItem) -> str:
    return indicators()[item.indicator].kind


def _same_dyad(claim: SignalItem, force: SignalItem) -> bool:
    """Force by the same actor toward the claim's target breaks the claim; a faction's claim
    binds only that faction, a leadership claim (no faction) binds every faction."""
    return (claim.actor == force.actor
            and (claim.faction is None or claim.faction == force.faction)
            and (claim.target is None or force.target is None or claim.target == force.target))


def detect_reneging(items: Sequence[SignalItem], window_days: int) -> list[SignalItem]:
    """Reneging items: each declared ceasefire/de-escalation (kind ``claim``) with a report day
    c followed by a force or ceasefire-violation report day f of the same actor toward the same
    target (or an unspecified one) with 0 < f - c <= ``window_days``. Dated at the first such f
    and attributed to that force's faction (a leadership truce broken by a faction is the
    faction's reneging). All report days of both stories are tested."""
    claims = [i for i in items if _kind(i) == "claim"]
    force = [i for i in items if _kind(i) == "force"]
    if not claims or not force:
        return []
    fd = np.concatenate([np.asarray(f.days, dtype=np.int64) for f in force])
    fi = np.repeat(np.arange(len(force)), [len(f.days) for f in force])
    order = np.argsort(fd, kind="stable")
    fd, fi = fd[order], fi[order]
    out = []
    compatible: dict[tuple[str, str | None, str | None], np.ndarray] = {}
    for c in claims:
        key = (c.actor, c.faction, c.target)
        if key not in compatible:
            compatible[key] = np.array([_same_dyad(c, f) for f in force], dtype=bool)
        ok = compatible[key]
        cd = np.asarray(c.days, dtype=np.int64)
        lo = np.searchsorted(fd, cd, side="right")
        hi = np.searchsorted(fd, cd + window_days, side="right")
        span = np.unique(np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)]
                                        or [np.zeros(0, dtype=np.int64)]))
        span = span[ok[fi[span]]] if span.size else span
        if span.size == 0:
            continue
        first = int(fd[span].min())
        used = sorted(set(fi[span].tolist()))
        f0 = force[int(fi[span][np.argmin(fd[span])])]
        out.append(SignalItem(
            _EPOCH + dt.timedelta(days=first), c.actor, c.target or f0.target, "reneging",
            tuple(sorted(set(c.sources) | {s for j in used for s in force[j].sources})),
            c.refs + tuple(r for j in used for r in force[j].refs), c.quotes,
            n_reports=c.n_reports + int(sum(force[j].n_reports for j in used)),
            faction=f0.faction))
    return out


def verify_concessions(items: Sequence[SignalItem], reneged: Sequence[SignalItem],
                       options: CredibilityOptions, end: dt.date) -> list[SignalItem]:
    """Upgrade confirmed concessions to ``verified-concession`` (rung 7).

    A material concession confirmed by ``verify_sources`` sources (or marked verified) is
    replaced by a verified one on its date. A ceasefire/de-escalation claim becomes verified
    only when marked verified (observers or independent confirmation of implementation), was
    not reneged, and its window has passed by ``end``: the verified item is dated at the end of
    the window. A claim merely *not contradicted* by coded force stays a claim."""
    broken = {r for it in reneged for r in it.refs}
    out = []
    for it in items:
        ind = indicators()[it.indicator]
        confirmed = it.verified or len(set(it.sources) - {"unknown"}) >= options.verify_sources
        if ind.kind == "signal" and ind.rung == 6 and confirmed:
            out.append(replace(it, indicator="verified-concession"))
            continue
        out.append(it)
        if ind.kind == "claim" and it.verified and not (set(it.refs) & broken):
            when = it.date + dt.timedelta(days=options.renege_window_days)
            if when <= end:
                out.append(replace(it, date=when, indicator="verified-concession",
                                   report_days=()))
    return out


def evidence_items(own: Sequence[SignalItem], options: CredibilityOptions,
                   end: dt.date) -> list[SignalItem]:
    """One actor's items plus the derived ones (reneging, verified concessions) dated up to
    ``end``, sorted by date."""
    reneged = detect_reneging(own, options.renege_window_days)
    out = [i for i in verify_concessions(own, reneged, options, end) + reneged if i.date <= end]
    out.sort(key=lambda i: (i.date, i.indicator))
    return out


def evidence_weights(evidence: Sequence[SignalItem], options: CredibilityOptions) -> np.ndarray:
    """w_k of equation (1): source weight times the base-rate discount."""
    return source_weights(evidence, options.full_sources) * base_rate_weights(
        evidence, recent_days=options.recent_days, baseline_days=options.baseline_days)


def posterior_path(days: np.ndarray, item_days: np.ndarray, weights: np.ndarray,
                   log_lr: np.ndarray, prior_logit: np.ndarray,
                   half_life_days: float) -> np.ndarray:
    """Equation (1), vectorised: log-odds at each of ``days`` (T,) for each row of ``log_lr``
    (D, K) and ``prior_logit`` (D,), items dated ``item_days`` (K,) with ``weights`` (K,).
    Returns (D, T)."""
    age = days[:, None].astype(float) - item_days[None, :].astype(float)
    A = np.where(age >= 0, weights[None, :] * np.exp2(-np.maximum(age, 0) / half_life_days),
                 0.0)
    return prior_logit[:, None] + log_lr @ A.T


def credibility(items: Sequence[SignalItem], prior: PriorRecord, *, actor: str,
                options: CredibilityOptions = CredibilityOptions(),
                rng: np.random.Generator | int | None = 0, date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> CredibilityResult:
    """The dated posterior probability that ``actor`` is sincere (equation 1).

    ``items`` are the actor's evidence items (see :mod:`detente.signals.items`); ``prior`` its
    agreement record; ``rng`` a Generator or seed for the Monte Carlo interval. Reports the
    posterior on every date an item moved it, from ``date_from`` to ``date_to``.

    >>> from detente.signals.evidence import PriorRecord
    >>> r = credibility([], PriorRecord(kept=0, broken=2), actor="RUS")
    >>> round(r.prior_mean, 3)
    0.25
    """
    if not options.half_life_days > 0:
        raise AnalysisError([Problem("half-life must be > 0 days",
                                     path="options.half_life_days",
                                     value=options.half_life_days)])
    seed = rng if isinstance(rng, int) else None
    gen = np.random.default_rng(rng)
    table = likelihood_ratios(options.likelihood_ratios, options.spreads)
    own = [i for i in items if i.actor == actor]
    end = date_to or max((i.date for i in own), default=date_from or dt.date.today())
    evidence = evidence_items(own, options, end)
    a = options.prior_a + prior.kept
    b = options.prior_b + prior.broken
    start = date_from or (min((i.date for i in evidence), default=end))
    days = np.unique(np.array([_day(i.date) for i in evidence if i.date >= start]
                              + [_day(end)], dtype=np.int64))
    names = sorted(table)
    cls = np.array([names.index(i.indicator) for i in evidence], dtype=np.int64)
    mu = np.log([table[n][0] for n in names])
    sd = np.log([table[n][1] for n in names])
    w = evidence_weights(evidence, options)
    t_items = np.array([i.day for i in evidence], dtype=np.int64)
    central = posterior_path(days, t_items, w, mu[cls][None, :],
                             np.array([logit(a / (a + b))]), options.half_life_days)[0]
    z = gen.standard_normal((options.draws, len(names)))
    draws_lr = (mu[None, :] + z * sd[None, :])[:, cls]
    p0 = gen.beta(a, b, size=options.draws)
    paths = expit(posterior_path(days, t_items, w, draws_lr, logit(p0),
                                  options.half_life_days))
    q = (1 - options.interval) / 2
    lo, hi = np.quantile(paths, [q, 1 - q], axis=0)
    plo, phi = np.quantile(p0, [q, 1 - q])
    dates = tuple(_EPOCH + dt.timedelta(days=int(d)) for d in days)
    moves = _moves(dates, central, evidence, w, mu[cls], float(logit(a / (a + b))),
                   options.half_life_days)
    return CredibilityResult(actor, dates, expit(central), lo, hi, a / (a + b), float(plo),
                             float(phi), (a, b), tuple(evidence), moves, options, seed)


def _moves(dates: tuple[dt.date, ...], central: np.ndarray, evidence: list[SignalItem],
           w: np.ndarray, log_lr: np.ndarray, prior_logit: float,
           half_life: float) -> tuple[Move, ...]:
    """The moves of the central path. On each date with items, ``before`` is the belief that
    day *without* the day's items (older evidence already decayed to that day) and ``after``
    adds them, so an item with a negative contribution always shows a fall; ``decay`` is the
    change from fading since the previous reported date."""
    out = []
    by_day: dict[dt.date, list[int]] = {}
    for k, it in enumerate(evidence):
        by_day.setdefault(it.date, []).append(k)
    if dates:
        first = np.array([_day(dates[0]) - 1])
        prev = posterior_path(first, np.array([i.day for i in evidence], dtype=np.int64), w,
                              log_lr[None, :], np.array([prior_logit]), half_life)[0, 0]
    else:
        prev = prior_logit
    for j, d in enumerate(dates):
        ks = by_day.get(d, [])
        contrib = tuple((evidence[k], float(w[k] * log_lr[k])) for k in ks)
        before = float(central[j] - sum(c for _, c in contrib))
        if ks:
            out.append(Move(d, float(expit(np.array(before))),
                            float(expit(central[j:j + 1])[0]), contrib, before - float(prev)))
        prev = central[j]
    return tuple(out)
