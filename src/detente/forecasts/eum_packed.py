"""EUM blocks of different numbers of actors run as one padded block: the same numbers as
each block run on its own (:func:`detente.forecasts.eum._run_block`, step by step), in fewer
NumPy calls.

The model is that of :mod:`detente.forecasts.eum` (Scholz, Calbert & Smith 2011, "Unravelling
Bueno De Mesquita's group decision model", *Journal of Theoretical Politics* 23(4), 510–531).
Each draw d keeps its own n_d actors in the first columns; the padded actors (capability and
salience 0, risk exponent 1) sit on actor 0's position, round after round, so that:

- a padded voter's distances are actor 0's, bit for bit: it sides with i against j exactly when
  actor 0 does, and sorts (stable) right after the real voters on that position. When the
  counted voters are a prefix of the sorted ones (guarded as
  :meth:`detente.forecasts.eum_rounds.Rounds._split_sorted` guards it: every positive gap
  above 2⁻⁵⁰ of the range), the prefix sums at the padded counts are the real ones with
  +0.0 terms added, which change no sum;
- a padded actor makes no offer: with salience 0 its E_ij = U_s − U_sq >= 0 and E_ji <= E_ij,
  so none of Table 1's kinds applies (and its pairs are masked as ties for the offers all the
  same); its win probabilities, utilities and dangers are never read for a real actor;
- the sums over actors (the win-probability norm and the dangers) and the dangers' range are
  taken over each block's own actors, as contiguous (draws, n, n) arrays like the block's own.

Used only for a fixed number of rounds, Q = 1 and risk ranges over the actors (what
:meth:`detente.forecasts.eum.ExpectedUtilityModel.forecast_batch` runs); a run whose positions
come too close for the guard returns None and the caller runs the blocks one by one.
``tests/forecasts/test_forecast_fast_paths9.py`` checks every block against its own run.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.compromise import compromise, weighted_median
from detente.forecasts.eum import (
    BY_DRAW_MIN_DRAWS,
    EUMOptions,
    PairDistances,
    VoterSplit,
    _risk_from_danger,
    best_offers,
    expected_utility,
    win_probability,
)

F = NDArray[np.float64]
Block = tuple[F, F, F]


def packable(opt: EUMOptions) -> bool:
    """Whether :func:`run_packed` can run these options."""
    return opt.stopping == "fixed" and opt.q == 1 and opt.risk_range == "actors"


def forecast_small_blocks(blocks: dict[int, Block], groups: dict[int, list[int]],
                          opt: EUMOptions, out: F) -> list[int]:
    """Small blocks ``blocks[n]`` = (x, c, s) of n actors (fewer than
    :data:`~detente.forecasts.eum.BY_DRAW_MIN_DRAWS` draws: step by step) of up to 8, 16,
    24 … actors run padded together (:func:`run_packed`), each draw's outcome (the median or
    mean, ``opt.outcome``) written to ``out[groups[n]]``; returns the sizes left to run one
    by one (:meth:`~detente.forecasts.eum.ExpectedUtilityModel.forecast_batch`)."""
    rest = [n for n, b in blocks.items() if b[0].shape[0] >= BY_DRAW_MIN_DRAWS
            or not packable(opt) or not np.isfinite(b[0]).all()]
    classes: dict[int, list[int]] = {}
    for n in blocks:
        if n not in rest:
            classes.setdefault((n + 7) // 8, []).append(n)
    for sizes in classes.values():
        final = run_packed([blocks[n] for n in sizes], opt) if len(sizes) > 1 else None
        if final is None:
            rest += sizes
            continue
        for n, x in zip(sizes, final, strict=True):
            _, c, s = blocks[n]
            out[groups[n]] = (weighted_median(x, s, c) if opt.outcome == "median"
                              else compromise(x, s, c))
    return rest


def _guarded(x: F, width: list[tuple[int, int, int]]) -> bool:
    """Every block's positive position gaps above 2⁻⁵⁰ of its range (and 1e-290)."""
    for lo, hi, n in width:
        ps = np.sort(x[lo:hi, :n], axis=1)
        gaps = np.diff(ps, axis=1)
        least = np.min(np.where(gaps > 0, gaps, np.inf), axis=1, initial=np.inf)
        if not bool(np.all((least > (ps[:, -1] - ps[:, 0]) * 2.0**-50) & (least > 1e-290))):
            return False
    return True


def run_packed(blocks: list[Block], opt: EUMOptions) -> list[F] | None:
    """The final positions (draws, n) of each block ``(x, c, s)`` (each (draws, n), finite),
    as :func:`detente.forecasts.eum.run_eum` runs it step by step; None if the guard fails."""
    width = max(b[0].shape[1] for b in blocks)
    rows: list[tuple[int, int, int]] = []
    at = 0
    for x, _, _ in blocks:
        rows.append((at, at + x.shape[0], x.shape[1]))
        at += x.shape[0]
    x = np.empty((at, width))
    c = np.zeros((at, width))
    s = np.zeros((at, width))
    real = np.zeros((at, width), dtype=bool)
    for (lo, hi, n), (bx, bc, bs) in zip(rows, blocks, strict=True):
        x[lo:hi, :n], c[lo:hi, :n], s[lo:hi, :n], real[lo:hi, :n] = bx, bc, bs, True
    x = np.where(real, x, x[:, :1])
    span = np.concatenate([np.ptp(b[0], axis=1) for b in blocks])
    flat = span <= opt.tol
    span = np.where(flat, 1.0, span)

    def norm(num: F) -> F:  # each draw's numerators over its own actors
        return np.concatenate([np.ascontiguousarray(num[lo:hi, :n, :n]).sum(axis=(1, 2))
                               for lo, hi, n in rows])

    no_offer = np.broadcast_to(~real[:, None, :], (at, width, width))
    for _ in range(opt.rounds):
        if not _guarded(x, rows):
            return None
        split = VoterSplit.of(x)
        pairs = PairDistances.of(x, span, opt.tol)
        p = win_probability(x, c, s, span, opt.probability, opt.tol, split=split,
                            tie=pairs.tie, norm=norm)
        r = _risks(x, c, s, span, opt, p, pairs, rows)
        if opt.votes == "risk":
            p = win_probability(x, c, s, span, opt.probability, opt.tol, r, split, pairs.tie,
                                norm=norm)
        e_ij, e_ji = expected_utility(x, c, s, p, r, span, opt, pairs=pairs)
        assert e_ij is not None
        new, _ = best_offers(x, e_ij, e_ji, opt, pairs.tie | no_offer)
        new = np.where(flat[:, None], x, new)
        x = np.where(real, new, new[:, :1])
    return [x[lo:hi, :n] for lo, hi, n in rows]


def _risks(x: F, c: F, s: F, span: F, opt: EUMOptions, p: F, pairs: PairDistances,
           rows: list[tuple[int, int, int]]) -> F:
    """:func:`detente.forecasts.eum.risk_exponents` of each block over its own actors
    (padded actors get exponent 1)."""
    _, e_ji = expected_utility(x, c, s, p, None, span, opt, want_ij=False, pairs=pairs)
    r = np.ones_like(x)
    for lo, hi, n in rows:
        e = np.ascontiguousarray(e_ji[lo:hi, :n, :n])
        danger = e.sum(axis=2) - np.diagonal(e, axis1=1, axis2=2)
        r[lo:hi, :n] = _risk_from_danger(danger, danger.min(axis=1, keepdims=True),
                                         danger.max(axis=1, keepdims=True))
    return r
