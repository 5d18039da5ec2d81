"""KTAB's Spatial Model of Politics (SMP), deterministic, exactly as KTAB's ``smpc --csv`` runs it.

Source: KAPSARC Toolkit for Behavioral Analysis (KTAB, MIT licence), ``smp`` library; the
formulas and defaults are stated in ``SMP.md`` (shared brief) and reproduced here step by step:
salience-weighted distance, utility (1 − d)(1 + R d), proportional votes, the "conditional"
probabilistic Condorcet election, "Mid" risk attitudes from position probabilities, challenges
with third-party votes, bargains interpolated with weights (s·p)², all actors moving at once,
stop when the movement falls below 2 % of the first turn's.

Everything is vectorised over actors: one turn is O(N³) array work in chunks of initiators, no
Python object per actor pair. :func:`best_challenges` is the full challenge step; the turns
score only the challenges the decision can turn on (:mod:`detente.forecasts.smp_challenge`,
the same targets bit for bit). Positions are on 0–1 inside (the table's 0–100 divided by 100).
The turns themselves run in :mod:`detente.forecasts.smp_batch`, over one issue or many.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast
from detente.forecasts.eum_rounds import maximum, minimum
from detente.formats.table import StakeholderTable

log = logging.getLogger(__name__)
F = NDArray[np.float64]

#: Added to each coalition strength (KTAB ``Model::vProb``).
COALITION_FLOOR = 1e-8
#: Added to each principal's side in a challenge (KTAB ``SMPState::probEduChlg``).
CHALLENGE_FLOOR = 1e-10
#: A challenge is worth making only if its expected gain exceeds this.
MIN_GAIN = 1e-5
#: Added to the proposer's weight when interpolating a bargain.
BARGAIN_FLOOR = 1e-6


@dataclass(frozen=True)
class SMPOptions:
    """Options of the spatial model (defaults = KTAB's deterministic defaults).

    Attributes:
        max_turns: hard stop (KTAB: 100).
        stop_ratio: stop when movement / (first movement + 1e-4) falls below this (KTAB: 0.02).
        min_turns: never stop before this many turns (KTAB: 2).
        outcome: how to turn final positions into one predicted point: ``"mean"`` (win-
            probability-weighted mean of the distinct final positions) or ``"mode"`` (the most
            probable final position). KTAB itself prints no single outcome.
        merge_tol: final positions closer than this (0–1 scale) count as one (KTAB: 1e-3).
        chunk: size of a block of the challenge step, about ``chunk`` × 6,400 numbers (the
            (pair, third party) cells of :mod:`detente.forecasts.smp_challenge`; cache and
            memory only, results do not depend on it).
    """

    max_turns: int = 100
    stop_ratio: float = 0.02
    min_turns: int = 2
    outcome: str = "mean"
    merge_tol: float = 1e-3
    chunk: int = 8


def distances(sal: F, ideal: F, points: F) -> F:
    """d[i, m] = sqrt(Σ_k s_ik² (q_ik − y_mk)² / Σ_k s_ik²), shape (..., N, M) (SMP.md,
    primitives); leading axes (issues of a batch) are carried through.

    An actor with zero salience on every dimension weighs the dimensions equally.
    """
    if sal.shape[-1] == 1 and bool((np.abs(sal) < 1e150).all()):
        # one dimension, s² finite: every weight is s²/s² = 1 (or 1/1 at s = 0), and the sum
        # over k is its one term, so d = sqrt(1·diff²) = sqrt(diff²), the same numbers
        diff = np.subtract(ideal[..., :, None, 0], points[..., None, :, 0], dtype=float)
        return np.sqrt(np.square(diff, out=diff), out=diff)
    w = sal**2
    tot = w.sum(axis=-1, keepdims=True)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 1.0 / sal.shape[-1])
    diff = ideal[..., :, None, :] - points[..., None, :, :]
    return np.sqrt(np.einsum("...ik,...imk->...im", w, diff**2))


def utility(d: F, risk: F) -> F:
    """u(d, R) = (1 − d)(1 + R d) for d ≤ 1, else (1 − d)(1 + R) (KTAB ``SMPActor::posUtil``)."""
    return (1.0 - d) * (1.0 + risk * minimum(d, 1.0))


def condorcet(util: F, weight: F) -> F:
    """KTAB's "conditional" probabilistic Condorcet election over options.

    ``util`` has shape (..., A voters, M options), ``weight`` (..., A). Proportional votes
    v_a(i, j) = w_a (u_ai − u_aj); coalitions C_ij = 1e-8 + Σ_a max(v_a(i, j), 0); linear
    victory probability P_ij = C_ij / (C_ij + C_ji); p_i = Π_j P_ij / Σ_m Π_j P_mj.
    Returns shape (..., M).
    """
    v = np.subtract(util[..., :, :, None], util[..., :, None, :])
    v *= weight[..., :, None, None]
    pos = maximum(v, 0.0, out=v).sum(axis=-3)
    pos += COALITION_FLOOR
    p_ij = pos / (pos + np.swapaxes(pos, -1, -2))
    logs = np.log(p_ij).sum(axis=-1)
    logs -= logs.max(axis=-1, keepdims=True)
    e = np.exp(logs)
    return e / e.sum(axis=-1, keepdims=True)


def risk_attitudes(d: F, cap: F, tol: float = 1e-15) -> tuple[F, bool]:
    """"Mid" risk attitudes R_i = (3p_i − (p_max + 2p_min)) / (2(p_max − p_min)) ∈ [−½, 1].

    p = option probabilities of the N current positions with utilities 1 − d and weights c.
    When every position is equally likely (e.g. all actors at one point) R = 0 and the second
    value is True (KTAB divides by zero there).
    """
    risk, degenerate = _risk_attitudes(d[None], cap[None], tol)
    return risk[0], bool(degenerate[0])


def _risk_attitudes(d: F, cap: F, tol: float = 1e-15) -> tuple[F, NDArray[np.bool_]]:
    """:func:`risk_attitudes` of a batch of issues: ``d`` (B, N, N), ``cap`` (B, N)."""
    p = condorcet(1.0 - d, cap)
    hi = p.max(axis=-1, keepdims=True)
    lo = p.min(axis=-1, keepdims=True)
    spread = hi - lo
    flat = spread[:, 0] <= tol
    risk = (3 * p - (hi + 2 * lo)) / (2 * np.where(flat[:, None], 1.0, spread))
    return np.where(flat[:, None], 0.0, risk), flat


def best_challenges(u_h: F, sal_tot: F, cap: F,
                    chunk: int) -> tuple[NDArray[np.int64], F, F]:
    """Each actor's best challenge target j* (−1 if none), its victory probability φ_ij* and
    the expected gain ΔEU of that challenge (KTAB logs it as "worth").

    ``u_h[h, i, j]`` = u(d_ij, r_hi). Actor i evaluates with its own matrix U = u_h[i]
    (SMP.md, one turn, step 2), third parties voting on expected post-challenge utilities.
    """
    target, phi, gain = _best_challenges(u_h[None], sal_tot[None], cap[None], chunk)
    return target[0], phi[0], gain[0]


def _best_challenges(u_h: F, sal_tot: F, cap: F,
                     chunk: int) -> tuple[NDArray[np.int64], F, F]:
    """:func:`best_challenges` of a batch of issues: ``u_h`` (B, N, N, N), the rest (B, N)."""
    u_t = np.ascontiguousarray(np.swapaxes(u_h, 2, 3))
    return _best_of(lambda lo, hi: u_t[:, lo:hi], sal_tot, cap, chunk)


def _best_of(block: Callable[[int, int], F], sal_tot: F, cap: F,
             chunk: int) -> tuple[NDArray[np.int64], F, F]:
    """Best challenges, initiators in blocks; ``block(lo, hi)`` gives U^i_nj at [b, i − lo, j,
    n] for initiators lo ≤ i < hi."""
    nb, n = cap.shape
    w = sal_tot * cap
    target = np.full((nb, n), -1, dtype=np.int64)
    phi_best = np.zeros((nb, n))
    gain_best = np.zeros((nb, n))
    step = max(1, min(n, chunk * 6400 // (nb * n * n)))  # ~chunk × 6,400 numbers a block
    rows = np.arange(nb)[:, None]
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        ii = np.arange(lo, hi)
        at = np.arange(ii.size)
        phi, gain = _challenge_block(block(lo, hi), w, sal_tot, ii)
        gain[:, at, ii] = -np.inf
        gain[~(gain > MIN_GAIN)] = -np.inf
        best = np.argmax(gain, axis=2)
        pick = gain[rows, at, best]
        ok = np.isfinite(pick)
        target[:, lo:hi] = np.where(ok, best, -1)
        phi_best[:, lo:hi] = phi[rows, at, best]
        gain_best[:, lo:hi] = np.where(ok, pick, 0.0)
    return target, phi_best, gain_best


def _challenge_block(u_nj: F, w: F, sal_tot: F, ii: NDArray[np.int64]) -> tuple[F, F]:
    """φ and ΔEU of initiators ``ii`` against every j: ``u_nj[b, c, j, n]`` = U^i_nj
    (i = ii[c]), contiguous."""
    n = w.shape[1]
    at = np.arange(ii.size)
    u_ij = np.swapaxes(u_nj[:, at, :, ii], 0, 1)  # (B, c, N) U^i_ij over j
    u_ji = u_nj[:, at, ii, :]                     # (B, c, N) U^i_ji over j
    u_ii = u_nj[:, at, ii, ii][:, :, None]
    u_jj = np.diagonal(u_nj, axis1=2, axis2=3)    # (B, c, N) U^i_jj
    ci = w[:, ii][:, :, None] * (u_ii - u_ij)
    cj = w[:, None, :] * (u_ji - u_jj)
    big_a = CHALLENGE_FLOOR + np.maximum(ci, 0) + np.maximum(cj, 0)
    big_b = CHALLENGE_FLOOR + np.maximum(-ci, 0) + np.maximum(-cj, 0)
    # third parties n: axes (B, c, j, n); u_nj[b, c, j, n] = U^i_nj. Written in place, two
    # identities exact in floating point: max(−y, 0) = −min(y, 0) and x + (−y) = x − y.
    u_ni = u_ji[:, :, None, :]                    # U^i_ni, indexed by n
    u_nn = u_jj[:, :, None, :]
    wn = w[:, None, None, :]
    t = np.subtract(u_ni, u_nj)
    t *= wn                                       # v0 = w_n (U_ni − U_nj)
    pi = np.maximum(t, 0)
    pi += big_a[..., None]                        # for_i = A + max(v0, 0)
    den = np.add(pi, big_b[..., None])
    den -= np.minimum(t, 0, out=t)                # + max(−v0, 0)
    pi /= den                                     # π
    not_pi = np.subtract(1, pi, out=den)
    e_i = np.multiply(u_nj, 3, out=t)
    e_i *= not_pi
    e_i += pi * (2 * u_ni + u_nn)                 # π(2U_ni + U_nn) + (1 − π) 3U_nj
    e_j = np.multiply(u_nj, 2)
    e_j += u_nn
    e_j *= not_pi
    pi *= 3 * u_ni
    e_j += pi                                     # π 3U_ni + (1 − π)(2U_nj + U_nn)
    v = np.subtract(e_i, e_j, out=e_i)
    v *= wn
    v[:, at, :, ii] = 0.0                         # n != i: no vote
    v[:, :, np.arange(n), np.arange(n)] = 0.0     # n != j
    a = big_a + np.maximum(v, 0, out=e_j).sum(axis=3)
    b = big_b - np.minimum(v, 0, out=v).sum(axis=3)
    phi = a / (a + b)
    s_j = sal_tot[:, None, :]
    gain = ((1 - s_j) * 2 * u_ii + s_j * (phi * 2 * u_ii + (1 - phi) * 2 * u_ij)
            - (u_ii + u_ij))
    return phi, gain


def round4(y: F) -> F:
    """KTAB's rounding of bargain positions: floor(y·10⁴ + 0.5) / 10⁴."""
    return np.floor(y * 1e4 + 0.5) / 1e4


def bargains(x: F, sal: F, init: NDArray[np.int64], tgt: NDArray[np.int64], p: F) -> tuple[F, F]:
    """Bargain points (b_I, b_J) of initiators ``init`` (any leading axes) with targets ``tgt``
    (SMP.md step 3); ``x``, ``sal`` are (..., N, K) gathered along the actor axis."""
    def take(a: F, i: NDArray[np.int64]) -> F:
        if i.ndim == 2:                       # (B, M): a plain gather, without the overhead
            out: F = a[np.arange(i.shape[0])[:, None], i]
            return out
        return np.take_along_axis(a, i[..., None], -2)

    wi = take(sal, init) ** 2 * (p[..., None] ** 2)
    wj = take(sal, tgt) ** 2 * ((1 - p[..., None]) ** 2)
    den = wi + BARGAIN_FLOOR + wj
    b_i = round4(((wi + BARGAIN_FLOOR) * take(x, init) + wj * take(x, tgt)) / den)
    b_j = round4((wi * take(x, init) + (wj + BARGAIN_FLOOR) * take(x, tgt)) / den)
    return b_i, b_j


def smp_turn(x: F, sal: F, cap: F, chunk: int = 8) -> tuple[F, F, NDArray[np.bool_]]:
    """One SMP turn of a batch of issues from positions ``x`` (B, N, K) on 0–1 (``sal``
    (B, N, K), ``cap`` (B, N)); returns the new positions, the risk attitudes of the starting
    state and per issue a flag that they were degenerate. Every initiator slot m = 0..N−1
    holds actor m's bargain (none if it made no offer). Issues of different sizes:
    :func:`detente.forecasts.smp_batch.smp_turn`."""
    from detente.forecasts.smp_batch import Sizes
    from detente.forecasts.smp_batch import smp_turn as turn

    return turn(x, sal, cap, Sizes(np.full(cap.shape[0], cap.shape[1], dtype=np.int64)), chunk)


def merge_positions(x: F, tol: float) -> tuple[F, NDArray[np.int64]]:
    """Distinct positions (first occurrence represents a group; Euclidean distance below ``tol``
    joins it) and each actor's group index."""
    n = x.shape[0]
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    close = (dist < tol).tolist()   # a list per actor: no array call per actor below
    reps: list[int] = []
    group = [0] * n
    for i in range(n):
        for k, r in enumerate(reps):
            if close[r][i]:          # the first representative within tol
                group[i] = k
                break
        else:
            group[i] = len(reps)
            reps.append(i)
    return x[reps], np.array(group, dtype=np.int64)


def run_smp(x0: F, sal: F, cap: F, options: SMPOptions | None = None) -> dict[str, object]:
    """Run SMP from positions ``x0`` (N, K) on 0–1 until KTAB's stopping rule fires.

    Returns ``trajectory`` (T + 1, N, K), the risk attitudes of every state ``risk``
    (T + 1, N), ``ratios`` per turn, the distinct final positions, their win probabilities and
    each actor's group, and whether risk was ever degenerate. Many issues at once:
    :func:`detente.forecasts.smp_batch.run_smp_batch`.
    """
    from detente.forecasts.smp_batch import run_smp_batch

    return run_smp_batch([np.asarray(x0, dtype=float)], [np.asarray(sal)], [np.asarray(cap)],
                         options)[0]


def _final(traj: list[F], risks: list[F], ratios: list[float], degenerate: bool,
           final_risk: tuple[F, bool], final_win: tuple[F, NDArray[np.int64], F],
           final_only: bool = False) -> dict[str, object]:
    """A run's result (SMP.md, output) from its states ``traj``, risk attitudes and ratios:
    ``final_risk`` the final state's risk attitudes and degenerate flag, ``final_win`` its
    distinct positions (:func:`merge_positions`), each actor's group and the positions' win
    probabilities (``condorcet(utility(distances(sal, final, reps), risk), cap)``), both
    computed for all issues at once by :func:`detente.forecasts.smp_batch.run_smp_batch`.
    ``final_only``: without the stacked trajectory, risk attitudes and ratios."""
    risk, deg = final_risk
    reps, group, win = final_win
    out: dict[str, object] = {} if final_only else {
        "trajectory": np.stack(traj), "risk": np.stack([*risks, risk]),
        "ratios": np.array(ratios)}
    out.update(unique=reps, win_probability=win, group=group,
               degenerate_risk=degenerate | deg)
    return out


@dataclass(frozen=True)
class SpatialModel:
    """KTAB's spatial model of politics as a :class:`~detente.forecasts.base.Forecaster`.

    Positions are rescaled to 0–1 using the table's scale (KTAB files: 0–100; a table without
    a scale uses the range of its positions, as the EUM does), run, and scaled back. The
    predicted outcome follows ``options.outcome``.
    """

    options: SMPOptions = SMPOptions()
    name: str = "smp"
    #: ``forecast_batch`` of any subset of tables gives each table its forecast of the whole
    #: batch, bit for bit (:mod:`detente.forecasts.concurrent` may cut it in parts).
    independent_issues: ClassVar[bool] = True

    def _unit(self, table: StakeholderTable) -> tuple[F, float, float]:
        """Positions on the unit scale, the scale's low end and its span."""
        lo, hi = table.scale or (float(table.position.min()), float(table.position.max()))
        span = (hi - lo) or 1.0
        return (table.position - lo) / span, lo, span

    def _point(self, res: dict[str, object], lo: float, span: float) -> F:
        """The predicted point on the table's scale."""
        reps = np.asarray(res["unique"]) * span + lo
        win = np.asarray(res["win_probability"])
        return np.asarray(win @ reps if self.options.outcome == "mean"
                          else reps[int(np.argmax(win))])

    def _run(self, table: StakeholderTable) -> tuple[dict[str, object], float, float, F]:
        """Run on the unit scale; returns the run, the scale's low end and span, and the
        predicted point on the table's scale."""
        x, lo, span = self._unit(table)
        res = run_smp(x, table.salience, table.capability, self.options)
        return res, lo, span, self._point(res, lo, span)

    def forecast_batch(self, tables: list[StakeholderTable]) -> F:
        """Dimension 0 of many tables, without the per-round predictions ``forecast`` adds.

        Tables with the same number of dimensions run as one batch, whatever their numbers of
        actors (:func:`detente.forecasts.smp_batch.run_smp_batch`); the results are those of
        one table at a time, bit for bit.
        """
        from detente.forecasts.smp_batch import run_smp_batch

        out = np.empty(len(tables))
        groups: dict[int, list[int]] = {}
        for i, t in enumerate(tables):
            groups.setdefault(t.position.shape[1], []).append(i)
        for members in groups.values():
            units = [self._unit(tables[i]) for i in members]
            runs = run_smp_batch([u[0] for u in units], [tables[i].salience for i in members],
                              [tables[i].capability for i in members], self.options,
                              final_only=True)
            for i, u, res in zip(members, units, runs, strict=True):
                out[i] = self._point(res, u[1], u[2])[0]
        return out

    def forecast(self, table: StakeholderTable) -> Forecast:
        res, lo, span, point = self._run(table)
        traj = np.asarray(res["trajectory"]) * span + lo
        reps = np.asarray(res["unique"]) * span + lo
        win = np.asarray(res["win_probability"])
        by_round = []
        for state, rk in zip(np.asarray(res["trajectory"]), np.asarray(res["risk"]),
                             strict=True):
            r, _ = merge_positions(state, self.options.merge_tol)
            pw = condorcet(utility(distances(table.salience, state, r), rk[:, None]),
                           table.capability)
            by_round.append((pw @ r if self.options.outcome == "mean"
                             else r[int(np.argmax(pw))]) * span + lo)
        warnings = list(table.warnings)
        if res["degenerate_risk"]:
            warnings.append("all positions equally likely at some turn: risk attitudes set to 0 "
                            "(KTAB divides by zero there)")
        return Forecast(
            model=self.name, position=np.asarray(point), trajectory=traj,
            predicted_by_round=np.stack(by_round), options=asdict(self.options),
            warnings=tuple(warnings),
            details={"turns": int(traj.shape[0] - 1),
                     "fractional_change": np.asarray(res["ratios"]).round(6).tolist(),
                     "final_positions": reps.tolist(),
                     "win_probability": win.tolist(),
                     "actor_group": np.asarray(res["group"]).tolist()})
