"""The negotiation window: per month, the probability across simulated paths that a bargaining
range exists, that it survives domestic ratification, and that each named proposal lies in it.

At month t on each path, each side judges the war by its own estimate of A's chance, the
reference p_t shifted by its optimism on the logit scale. Optimism grows with recent success,
the hot-hand delusion of seed 000 ("Those displaying the hot hand typically prefer to keep
playing"): with momentum Δz_t = z_t − z_{t−k} (k = ``MOMENTUM_MONTHS``),

    p_A,t = σ(z_t + o_A + h·max(0, Δz_t)),     p_B,t = σ(z_t − o_B − h·max(0, −Δz_t)),

and the range is Fearon's [δ·p_A,t − c_A,t, 1 − δ(1 − p_B,t) + c_B,t] (``bargaining``), shrunk
by the domestic thresholds to the win-sets (``ratification``). The guarantee threshold is the
minimum guarantee g* that would make a settlement self-enforcing if the truce let side B regroup
by the model's ``regroup_shift`` (``commitment``). Probabilities carry their Monte Carlo
standard error sqrt(q(1 − q)/n) and a 95 % Wilson interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.scenario.war import WarModel
from detente.war.bargaining import TOL, FloatArray
from detente.war.dynamics import Paths, expit

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
    the block of months ``rows`` (a slice with step 1)."""
    start, stop, _ = (rows or slice(None)).indices(paths.z.shape[0])
    z = paths.z[start:stop]
    prm = paths.params
    # Momentum z_t - z_{t-k}, with z_{t-k} = z_0 for t < k.
    lag = np.maximum(np.arange(start, stop) - k, 0)
    dz = z - paths.z[lag]
    h = prm.hot_hand
    gain = np.maximum(dz, 0.0)
    gain *= h
    gain += prm.optimism_a
    gain += z
    p_a = expit(gain)
    np.minimum(dz, 0.0, out=dz)
    dz *= h
    dz -= prm.optimism_b
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
    opt_b = np.subtract(paths.p[sl], b.p_b, out=b.p_b)
    opt_b *= d
    return RangePaths(low=low, high=high, ratified_low=r_low, ratified_high=r_high,
                      optimism_a=opt_a, optimism_b=opt_b)


def guarantee_threshold(paths: Paths, rows: slice | None = None) -> FloatArray:
    """g* on every path and month (or ``rows``) if a truce then let B regroup by
    ``regroup_shift``."""
    sl = rows or slice(None)
    g = paths.p[sl] - expit(paths.z[sl] - paths.params.regroup_shift)
    g -= paths.cost_a[sl]
    g -= paths.cost_b[sl]
    return np.maximum(g, 0.0, out=g)


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
    quantiles: tuple[float, ...] = QUANTILES


BLOCK_MONTHS = 6
"""Months processed at once: bounds the temporaries to (6, paths) arrays."""


def negotiation_window(model: WarModel, paths: Paths) -> Window:
    """The window from simulated paths: probabilities per month with errors, quantile bands of
    p, of the range width and of the guarantee threshold, and each proposal's odds.

    Months are processed in blocks of ``BLOCK_MONTHS``; every statistic is per month, so the
    result does not depend on the block size."""
    n, rows = paths.n_paths, paths.months + 1
    q = np.asarray(QUANTILES)
    shares = [prop.share.value.likely for prop in model.proposals]
    keys = ("exists", "ratifiable", "enforced", "by_a", "by_b", "by_both")
    means = {k: np.empty(rows) for k in keys}
    in_range = np.empty((len(shares), rows))
    in_winset = np.empty((len(shares), rows))
    bands = {k: np.empty((len(q), rows)) for k in ("p", "width", "guarantee")}
    for start in range(0, rows, BLOCK_MONTHS):
        sl = slice(start, min(start + BLOCK_MONTHS, rows))
        rp = range_paths(paths, sl)
        exists = rp.exists
        closed = ~exists
        opt_a = rp.optimism_a > TOL
        opt_b = rp.optimism_b > TOL
        g_star = guarantee_threshold(paths, sl)
        means["exists"][sl] = exists.mean(axis=1)
        means["ratifiable"][sl] = rp.ratifiable.mean(axis=1)
        means["enforced"][sl] = (paths.params.guarantee >= g_star - TOL).mean(axis=1)
        means["by_a"][sl] = (closed & opt_a & ~opt_b).mean(axis=1)
        means["by_b"][sl] = (closed & opt_b & ~opt_a).mean(axis=1)
        means["by_both"][sl] = (closed & opt_a & opt_b).mean(axis=1)
        for j, x in enumerate(shares):
            in_range[j, sl] = ((rp.low <= x + TOL) & (x <= rp.high + TOL)).mean(axis=1)
            in_winset[j, sl] = ((rp.ratified_low <= x + TOL)
                                & (x <= rp.ratified_high + TOL)).mean(axis=1)
        bands["p"][:, sl] = np.quantile(paths.p[sl], q, axis=1)
        bands["width"][:, sl] = np.quantile(rp.high - rp.low, q, axis=1)
        bands["guarantee"][:, sl] = np.quantile(g_star, q, axis=1)
    proposals = tuple(
        ProposalWindow(id=prop.id, name=prop.name, share=x,
                       in_range=Proportion.from_mean(in_range[j], n),
                       ratifiable=Proportion.from_mean(in_winset[j], n))
        for j, (prop, x) in enumerate(zip(model.proposals, shares, strict=True)))
    return Window(
        n_paths=n, months=paths.months,
        range_exists=Proportion.from_mean(means["exists"], n),
        ratifiable=Proportion.from_mean(means["ratifiable"], n),
        self_enforcing=Proportion.from_mean(means["enforced"], n),
        closed_by_a=means["by_a"], closed_by_b=means["by_b"], closed_by_both=means["by_both"],
        p=bands["p"], width=bands["width"], guarantee=bands["guarantee"], proposals=proposals)
