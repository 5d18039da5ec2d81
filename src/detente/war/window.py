"""The negotiation window: per month, the probability across simulated paths that a bargaining
range exists, that it survives domestic ratification, and that each named proposal lies in it.

At month t on each path, each side judges the war by its own estimate of A's chance, the
reference p_t shifted by its optimism on the logit scale. Optimism grows with recent success,
the hot-hand delusion of seed 000 ("Those displaying the hot hand typically prefer to keep
playing"): with momentum Δz_t = z_t − z_{t−k} (k = ``MOMENTUM_MONTHS``),

    p_A,t = σ(z_t + o_A + h·max(0, Δz_t)),     p_B,t = σ(z_t − o_B − h·max(0, −Δz_t)),

and the range is Fearon's [δ·p_A,t − c_A,t, 1 − δ(1 − p_B,t) + c_B,t] (``bargaining``), shrunk
by the domestic thresholds to the win-sets (``ratification``). With learning beliefs
(``learning``) z_t is replaced by the sides' filtered estimate and the optimism decays.

The commitment problem (``commitment``, Powell 2006): if a truce were signed on (t, path) at the
midpoint of the win-sets' overlap and let B regroup by ``regroup_shift``, A (the declining side)
fights now when no offer sequence keeps it at peace (Powell's condition, on A's beliefs), else the
truce holds when both sides honour its terms after the shift (each on its own beliefs) and is
used to regroup when they do not; the guarantee g (``guarantees``: the guarantors bound by
``guarantee_option``) raises A's post-shift chance. "Self-enforcing" is P(settlement holds);
g* the least guarantee that removes A's preventive war. Probabilities carry their Monte Carlo
standard error sqrt(q(1 − q)/n) and a 95 % Wilson interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.logistic import expit, logit
from detente.scenario.war import WarModel
from detente.war.bargaining import TOL, FloatArray
from detente.war.commitment import SETTLEMENT, TRUCE_BROKEN, WAR_NOW, min_guarantee
from detente.war.dynamics import Paths
from detente.war.guarantees import guarantee_options

MOMENTUM_MONTHS = 3
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
Z95 = 1.959963984540054


def standard_error(q: ArrayLike, n: int) -> FloatArray:
    """Monte Carlo standard error of a proportion q estimated from n paths."""
    qa = np.asarray(q, dtype=np.float64)
    return np.sqrt(np.clip(qa * (1.0 - qa), 0.0, None) / n)


def wilson_interval(q: FloatArray, n: int, z: float = Z95) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a proportion q from n trials (default 95 %)."""
    denom = 1.0 + z * z / n
    centre = (q + z * z / (2 * n)) / denom
    half = z * np.sqrt(np.clip(q * (1 - q), 0.0, None) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


@dataclass(frozen=True)
class Beliefs:
    """Each side's estimate of A's chance on every month and path (months + 1, paths)."""

    p_a: FloatArray
    p_b: FloatArray


def beliefs(paths: Paths, k: int = MOMENTUM_MONTHS, rows: slice | None = None) -> Beliefs:
    """Optimism plus hot-hand momentum on the logit scale (module docstring), for all months or
    the block of months ``rows`` (a slice with step 1). With learning beliefs
    (``detente.war.learning``) the centre is the sides' filtered estimate m̄_t instead of the true
    z_t, the optimism decays as fighting reveals the balance, and momentum is in m̄."""
    start, stop, _ = (rows or slice(None)).indices(paths.z.shape[0])
    centre = paths.z if paths.belief_z is None else paths.belief_z
    z = centre[start:stop]
    prm = paths.params
    opt_a, opt_b = prm.optimism_a, prm.optimism_b
    if paths.bias_decay is not None:
        decay = paths.bias_decay[start:stop]
        opt_a, opt_b = opt_a * decay, opt_b * decay
    # Momentum z_t - z_{t-k}, with z_{t-k} = z_0 for t < k.
    lag = np.maximum(np.arange(start, stop) - k, 0)
    dz = z - centre[lag]
    h = prm.hot_hand
    gain = np.maximum(dz, 0.0)
    gain *= h
    gain += opt_a
    gain += z
    p_a = expit(gain)
    np.minimum(dz, 0.0, out=dz)
    dz *= h
    dz -= opt_b
    dz += z
    return Beliefs(p_a=p_a, p_b=expit(dz))


@dataclass(frozen=True)
class RangePaths:
    """Range and win-set bounds on every month and path (months + 1, paths), A's share."""

    low: FloatArray
    high: FloatArray
    ratified_low: FloatArray
    ratified_high: FloatArray
    optimism_a: FloatArray
    optimism_b: FloatArray
    p_a: FloatArray
    p_b: FloatArray

    @property
    def exists(self) -> NDArray[np.bool_]:
        return self.low <= self.high + TOL

    @property
    def ratifiable(self) -> NDArray[np.bool_]:
        return self.ratified_low <= self.ratified_high + TOL


def range_paths(paths: Paths, rows: slice | None = None) -> RangePaths:
    """The bargaining range and the win-sets along every path (all months or ``rows``)."""
    b = beliefs(paths, rows=rows)
    sl = rows or slice(None)
    prm = paths.params
    d = prm.discount
    low = d * b.p_a
    low -= paths.cost_a[sl]
    high = b.p_b - 1.0
    high *= d
    high += 1.0
    high += paths.cost_b[sl]
    r_low = np.maximum(low + prm.t_a, 0.0)
    r_high = np.minimum(high - prm.t_b, 1.0)
    opt_a = b.p_a - paths.p[sl]
    opt_a *= d
    opt_b = paths.p[sl] - b.p_b
    opt_b *= d
    return RangePaths(low=low, high=high, ratified_low=r_low, ratified_high=r_high,
                      optimism_a=opt_a, optimism_b=opt_b, p_a=b.p_a, p_b=b.p_b)


def truce_terms(rp: RangePaths) -> FloatArray:
    """A's share in a truce signed on (month, path): the midpoint of the win-sets' overlap where
    they overlap, else of the bargaining range, clipped to [0, 1] (an assumption: the sides
    split the range evenly)."""
    rat = rp.ratifiable
    mid = np.where(rat, rp.ratified_low + rp.ratified_high, rp.low + rp.high)
    mid *= 0.5
    return np.clip(mid, 0.0, 1.0, out=mid)


def regrouped(p: FloatArray, shift: FloatArray) -> FloatArray:
    """A's chance after B regroups by ``shift`` on the logit scale: σ(logit p − shift)."""
    return expit(logit(p) - shift)


@dataclass(frozen=True)
class TruceState:
    """What the commitment test needs on a block of months, computed once for every guarantee:
    A's chance now and after B regroups on A's beliefs (``q``, ``q_next``) and on B's beliefs
    (``q_b``, ``q_next_b``), the costs, δ and the truce terms y (A's share)."""

    q: FloatArray
    q_next: FloatArray
    q_b: FloatArray
    q_next_b: FloatArray
    c_a: FloatArray
    c_b: FloatArray
    delta: FloatArray
    terms: FloatArray

    def codes(self, g: FloatArray, tol: float = TOL) -> NDArray[np.int8]:
        """``commitment.outcome_codes`` with A declining (B regroups, so its shift ≥ 0), written
        out so the shared pieces are not recomputed for each guarantee."""
        d = self.delta
        qg = np.minimum(self.q_next + g, 1.0)
        v_next = np.clip(qg - self.c_a, 0.0, 1.0)
        w = self.q - self.c_a
        peace = (1.0 - d) + d * v_next >= w - tol                      # not Powell's condition
        qg_b = np.minimum(self.q_next_b + g, 1.0)
        peace &= d * np.clip(qg_b - self.c_a, 0.0, 1.0) <= self.q_b + self.c_b + tol
        holds = (self.terms >= qg - self.c_a - tol) & (self.terms <= qg_b + self.c_b + tol)
        return np.where(peace, np.where(holds, SETTLEMENT, TRUCE_BROKEN), WAR_NOW).astype(np.int8)

    def settlement_interval(self, tol: float = TOL) -> tuple[FloatArray, FloatArray]:
        """The guarantees g for which :meth:`codes` is SETTLEMENT form an interval [lo, hi] on
        every (month, path), each condition being monotone in g: A does not fight now iff
        g ≥ g* (``commitment.min_guarantee``); A honours y iff g ≤ y + c_A − q′ (or always, when
        y + c_A ≥ 1); B honours y iff g ≥ y − c_B − q′_B; B does not fight now iff
        g ≤ (q_B + c_B)/δ + c_A − q′_B (or always, when δ(1 − c_A) ≤ q_B + c_B). So a whole set
        of guarantees costs two comparisons each (empty where lo > hi)."""
        d = self.delta
        inf = np.inf
        lo = min_guarantee(self.q, self.q_next, self.c_a, d) - tol
        np.maximum(lo, self.terms - self.c_b - self.q_next_b - tol, out=lo)
        hi = np.where(self.terms + self.c_a >= 1.0 - tol, inf,
                      self.terms + self.c_a - self.q_next + tol)
        rhs = self.q_b + self.c_b + tol
        with np.errstate(divide="ignore"):
            r_hi = np.where(d * np.maximum(1.0 - self.c_a, 0.0) <= rhs, inf,
                            rhs / d + self.c_a - self.q_next_b)
        np.minimum(hi, r_hi, out=hi)
        return lo, hi


def truce_state(paths: Paths, rp: RangePaths, rows: slice | None = None) -> TruceState:
    """The pieces of the commitment test on (month, path) (see :class:`TruceState`)."""
    sl = rows or slice(None)
    prm = paths.params
    shift = prm.regroup_shift
    return TruceState(q=rp.p_a, q_next=regrouped(rp.p_a, shift), q_b=rp.p_b,
                      q_next_b=regrouped(rp.p_b, shift), c_a=paths.cost_a[sl],
                      c_b=paths.cost_b[sl], delta=prm.discount, terms=truce_terms(rp))


def commitment_codes(paths: Paths, rp: RangePaths, rows: slice | None = None,
                     guarantee: FloatArray | None = None) -> NDArray[np.int8]:
    """If a truce were signed on (month, path) at :func:`truce_terms` and let B regroup by
    ``regroup_shift``: settlement, truce broken or war now (``commitment.outcome_codes``, which
    the tests check this against), each side judging the shift on its own beliefs, with the
    guarantee g of the path (or ``guarantee``, per path)."""
    g = paths.params.guarantee if guarantee is None else guarantee
    return truce_state(paths, rp, rows).codes(g)


def guarantee_threshold(paths: Paths, rp: RangePaths, rows: slice | None = None) -> FloatArray:
    """g* on every path and month (or ``rows``): the least guarantee keeping A (the declining
    side when B regroups) at peace, on A's own beliefs (``commitment.min_guarantee``)."""
    sl = rows or slice(None)
    prm = paths.params
    return min_guarantee(rp.p_a, regrouped(rp.p_a, prm.regroup_shift), paths.cost_a[sl],
                         prm.discount)


@dataclass(frozen=True)
class Proportion:
    """A probability per month across paths, its standard error and 95 % Wilson interval.

    Built from a (months + 1, paths) array of booleans."""

    mean: FloatArray
    se: FloatArray
    low: FloatArray
    high: FloatArray

    @classmethod
    def of(cls, hits: NDArray[np.bool_]) -> Proportion:
        return cls.from_mean(hits.mean(axis=1), hits.shape[1])

    @classmethod
    def from_mean(cls, q: FloatArray, n: int) -> Proportion:
        """From the share of hits ``q`` per month over ``n`` paths."""
        lo, hi = wilson_interval(q, n)
        return cls(mean=q, se=standard_error(q, n), low=lo, high=hi)


@dataclass(frozen=True)
class ProposalWindow:
    """When a named proposal (A's share ``share``) lies inside the range / the win-sets."""

    id: str
    name: str
    share: float
    in_range: Proportion
    ratifiable: Proportion


@dataclass(frozen=True)
class Window:
    """The negotiation window over months 0..T (index = month)."""

    n_paths: int
    months: int
    range_exists: Proportion
    ratifiable: Proportion
    self_enforcing: Proportion
    closed_by_a: FloatArray
    closed_by_b: FloatArray
    closed_by_both: FloatArray
    p: FloatArray
    width: FloatArray
    guarantee: FloatArray
    proposals: tuple[ProposalWindow, ...]
    by_guarantee: dict[str, Proportion]
    quantiles: tuple[float, ...] = QUANTILES


BLOCK_MONTHS = 6
"""Months processed at once: bounds the temporaries to (6, paths) arrays."""

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class WindowCounts:
    """What the window needs from a set of paths: per month, how many paths have each event
    (exact integers, so the counts of chunks of paths add up to those of all paths), and for the
    quantile bands either the bands themselves (``banded``: all paths seen at once) or every
    path's range width and guarantee threshold g* (rows, paths), banded once chunks are joined.
    """

    n: int
    hits: dict[str, IntArray]
    in_range: IntArray
    in_winset: IntArray
    by_option: dict[str, IntArray]
    width: FloatArray
    g_star: FloatArray
    banded: bool

    @classmethod
    def join(cls, parts: list[WindowCounts]) -> WindowCounts:
        """The counts of the union of disjoint chunks of paths, in chunk order."""
        first = parts[0]
        return cls(n=sum(p.n for p in parts),
                   hits={k: sum((p.hits[k] for p in parts), 0 * first.hits[k])
                         for k in first.hits},
                   in_range=sum((p.in_range for p in parts), 0 * first.in_range),
                   in_winset=sum((p.in_winset for p in parts), 0 * first.in_winset),
                   by_option={k: sum((p.by_option[k] for p in parts), 0 * first.by_option[k])
                              for k in first.by_option},
                   width=np.concatenate([p.width for p in parts], axis=1),
                   g_star=np.concatenate([p.g_star for p in parts], axis=1), banded=False)


def window_counts(model: WarModel, paths: Paths, banded: bool = True) -> WindowCounts:
    """The per-month counts of :class:`WindowCounts` over ``paths``, month block by block (each
    path's statistics depend on that path only, so any chunk of paths can be counted alone)."""
    rows = paths.months + 1
    q = np.asarray(QUANTILES)
    shares = [prop.share.value.likely for prop in model.proposals]
    hits = {k: np.empty(rows, dtype=np.int64)
            for k in ("exists", "ratifiable", "enforced", "by_a", "by_b", "by_both")}
    in_range = np.empty((len(shares), rows), dtype=np.int64)
    in_winset = np.empty((len(shares), rows), dtype=np.int64)
    options = guarantee_per_option(model, paths)
    by_option = {opt: np.empty(rows, dtype=np.int64) for opt in options}
    shape = (len(q), rows) if banded else (rows, paths.n_paths)
    width, g_band = np.empty(shape), np.empty(shape)
    for start in range(0, rows, BLOCK_MONTHS):
        sl = slice(start, min(start + BLOCK_MONTHS, rows))
        rp = range_paths(paths, sl)
        exists = rp.exists
        closed = ~exists
        opt_a = rp.optimism_a > TOL
        opt_b = rp.optimism_b > TOL
        truce = truce_state(paths, rp, sl)
        g_star = min_guarantee(truce.q, truce.q_next, truce.c_a, truce.delta)
        g_lo, g_hi = truce.settlement_interval()
        hits["exists"][sl] = exists.sum(axis=1)
        hits["ratifiable"][sl] = rp.ratifiable.sum(axis=1)
        g = paths.params.guarantee
        hits["enforced"][sl] = ((g_lo <= g) & (g <= g_hi)).sum(axis=1)
        for opt, g in options.items():
            by_option[opt][sl] = ((g_lo <= g) & (g <= g_hi)).sum(axis=1)
        hits["by_a"][sl] = (closed & opt_a & ~opt_b).sum(axis=1)
        hits["by_b"][sl] = (closed & opt_b & ~opt_a).sum(axis=1)
        hits["by_both"][sl] = (closed & opt_a & opt_b).sum(axis=1)
        for j, x in enumerate(shares):
            in_range[j, sl] = ((rp.low <= x + TOL) & (x <= rp.high + TOL)).sum(axis=1)
            in_winset[j, sl] = ((rp.ratified_low <= x + TOL)
                                & (x <= rp.ratified_high + TOL)).sum(axis=1)
        if banded:
            width[:, sl] = np.quantile(rp.high - rp.low, q, axis=1)
            g_band[:, sl] = np.quantile(g_star, q, axis=1)
        else:
            width[sl] = rp.high - rp.low
            g_band[sl] = g_star
    return WindowCounts(paths.n_paths, hits, in_range, in_winset, by_option, width, g_band,
                        banded)


def negotiation_window(model: WarModel, paths: Paths,
                       counts: WindowCounts | None = None) -> Window:
    """The window from simulated paths: probabilities per month with errors, quantile bands of
    p, of the range width and of the guarantee threshold, and each proposal's odds.

    ``counts``: :func:`window_counts` of ``paths`` when computed elsewhere (e.g. in chunks of
    paths on an executor, :mod:`detente.war.chunked`); the window is the same either way.
    Months are processed in blocks of ``BLOCK_MONTHS``; every statistic is per month, so the
    result does not depend on the block size."""
    c = counts if counts is not None else window_counts(model, paths)
    n, rows = paths.n_paths, paths.months + 1
    if c.n != n:
        raise ValueError(f"counts of {c.n} paths for a window of {n}")
    q = np.asarray(QUANTILES)
    p_band = np.empty((len(q), rows))
    for start in range(0, rows, BLOCK_MONTHS):
        sl = slice(start, min(start + BLOCK_MONTHS, rows))
        p_band[:, sl] = np.quantile(paths.p[sl], q, axis=1)
    width, g_band = c.width, c.g_star
    if not c.banded:
        width, g_band = np.quantile(width, q, axis=1), np.quantile(g_band, q, axis=1)
    means = {k: v / n for k, v in c.hits.items()}
    proposals = tuple(
        ProposalWindow(id=prop.id, name=prop.name, share=prop.share.value.likely,
                       in_range=Proportion.from_mean(c.in_range[j] / n, n),
                       ratifiable=Proportion.from_mean(c.in_winset[j] / n, n))
        for j, prop in enumerate(model.proposals))
    return Window(
        n_paths=n, months=paths.months,
        range_exists=Proportion.from_mean(means["exists"], n),
        ratifiable=Proportion.from_mean(means["ratifiable"], n),
        self_enforcing=Proportion.from_mean(means["enforced"], n),
        closed_by_a=means["by_a"], closed_by_b=means["by_b"], closed_by_both=means["by_both"],
        p=p_band, width=width, guarantee=g_band, proposals=proposals,
        by_guarantee={opt: Proportion.from_mean(m / n, n) for opt, m in c.by_option.items()})


def guarantee_per_option(model: WarModel, paths: Paths) -> dict[str, FloatArray]:
    """g per path under no guarantee and under each option of the guarantee issue the
    guarantors name (``detente.war.guarantees``); empty when the model has no guarantors."""
    if not model.guarantors:
        return {}
    draws = paths.params.guarantors
    out = {"(no guarantee)": np.zeros(paths.n_paths)}
    named: list[str | None] = list(guarantee_options(model)) or [None]
    for opt in named:
        out[opt or "(every guarantor bound)"] = draws.guarantee(opt)
    return out
