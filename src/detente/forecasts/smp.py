"""KTAB's Spatial Model of Politics (SMP), deterministic, exactly as KTAB's ``smpc --csv`` runs it.

Source: KAPSARC Toolkit for Behavioral Analysis (KTAB, MIT licence), ``smp`` library; the
formulas and defaults are stated in ``SMP.md`` (shared brief) and reproduced here step by step:
salience-weighted distance, utility (1 − d)(1 + R d), proportional votes, the "conditional"
probabilistic Condorcet election, "Mid" risk attitudes from position probabilities, challenges
with third-party votes, bargains interpolated with weights (s·p)², all actors moving at once,
stop when the movement falls below 2 % of the first turn's.

Everything is vectorised over actors: one turn is O(N³) array work in chunks of initiators, no
Python object per actor pair. Positions are on 0–1 inside (the table's 0–100 divided by 100).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast
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
        chunk: initiators processed per block (memory bound only; results do not depend on it).
    """

    max_turns: int = 100
    stop_ratio: float = 0.02
    min_turns: int = 2
    outcome: str = "mean"
    merge_tol: float = 1e-3
    chunk: int = 32


def distances(sal: F, ideal: F, points: F) -> F:
    """d[i, m] = sqrt(Σ_k s_ik² (q_ik − y_mk)² / Σ_k s_ik²), shape (N, M) (SMP.md, primitives).

    An actor with zero salience on every dimension weighs the dimensions equally.
    """
    w = sal**2
    tot = w.sum(axis=1, keepdims=True)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 1.0 / sal.shape[1])
    diff = ideal[:, None, :] - points[None, :, :]
    return np.sqrt(np.einsum("ik,imk->im", w, diff**2))


def utility(d: F, risk: F) -> F:
    """u(d, R) = (1 − d)(1 + R d) for d ≤ 1, else (1 − d)(1 + R) (KTAB ``SMPActor::posUtil``)."""
    return (1.0 - d) * (1.0 + risk * np.minimum(d, 1.0))


def condorcet(util: F, weight: F) -> F:
    """KTAB's "conditional" probabilistic Condorcet election over options.

    ``util`` has shape (..., A voters, M options), ``weight`` (..., A). Proportional votes
    v_a(i, j) = w_a (u_ai − u_aj); coalitions C_ij = 1e-8 + Σ_a max(v_a(i, j), 0); linear
    victory probability P_ij = C_ij / (C_ij + C_ji); p_i = Π_j P_ij / Σ_m Π_j P_mj.
    Returns shape (..., M).
    """
    v = weight[..., :, None, None] * (util[..., :, :, None] - util[..., :, None, :])
    pos = np.maximum(v, 0.0).sum(axis=-3) + COALITION_FLOOR
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
    p = condorcet(1.0 - d, cap)
    spread = p.max() - p.min()
    if spread <= tol:
        return np.zeros_like(p), True
    return (3 * p - (p.max() + 2 * p.min())) / (2 * spread), False


def best_challenges(u_h: F, sal_tot: F, cap: F,
                    chunk: int) -> tuple[NDArray[np.int64], F, F]:
    """Each actor's best challenge target j* (−1 if none), its victory probability φ_ij* and
    the expected gain ΔEU of that challenge (KTAB logs it as "worth").

    ``u_h[h, i, j]`` = u(d_ij, r_hi). Actor i evaluates with its own matrix U = u_h[i]
    (SMP.md, one turn, step 2), third parties voting on expected post-challenge utilities.
    """
    n = cap.shape[0]
    w = sal_tot * cap
    target = np.full(n, -1, dtype=np.int64)
    phi_best = np.zeros(n)
    gain_best = np.zeros(n)
    idx = np.arange(n)
    for lo in range(0, n, chunk):
        ii = idx[lo:lo + chunk]
        u = u_h[ii]                               # (b, N, N): u[b, a, j] = U^i_aj
        u_ij = u[np.arange(ii.size), ii, :]       # (b, N) U^i_ij over j
        u_ji = u[np.arange(ii.size), :, ii]       # (b, N) U^i_ji over j
        u_ii = u[np.arange(ii.size), ii, ii][:, None]
        u_jj = np.diagonal(u, axis1=1, axis2=2)   # (b, N) U^i_jj
        ci = w[ii][:, None] * (u_ii - u_ij)
        cj = w[None, :] * (u_ji - u_jj)
        big_a = CHALLENGE_FLOOR + np.maximum(ci, 0) + np.maximum(cj, 0)
        big_b = CHALLENGE_FLOOR + np.maximum(-ci, 0) + np.maximum(-cj, 0)
        # third parties n: axes (b, j, n)
        u_ni = u_ji[:, None, :]                   # U^i_ni, indexed by n
        u_nj = np.swapaxes(u, 1, 2)               # [b, j, n] = U^i_nj
        u_nn = u_jj[:, None, :]
        v0 = w[None, None, :] * (u_ni - u_nj)
        a0 = big_a[:, :, None]
        b0 = big_b[:, :, None]
        pi = (a0 + np.maximum(v0, 0)) / (a0 + np.maximum(v0, 0) + b0 + np.maximum(-v0, 0))
        e_i = pi * (2 * u_ni + u_nn) + (1 - pi) * (3 * u_nj)
        e_j = pi * (3 * u_ni) + (1 - pi) * (2 * u_nj + u_nn)
        v = w[None, None, :] * (e_i - e_j)
        third = np.ones((ii.size, n, n), dtype=bool)
        third[np.arange(ii.size), :, ii] = False  # n != i
        third[:, idx, idx] = False                # n != j
        a = big_a + np.where(third, np.maximum(v, 0), 0).sum(axis=2)
        b = big_b + np.where(third, np.maximum(-v, 0), 0).sum(axis=2)
        phi = a / (a + b)
        s_j = sal_tot[None, :]
        gain = ((1 - s_j) * 2 * u_ii + s_j * (phi * 2 * u_ii + (1 - phi) * 2 * u_ij)
                - (u_ii + u_ij))
        gain[np.arange(ii.size), ii] = -np.inf
        gain = np.where(gain > MIN_GAIN, gain, -np.inf)
        best = np.argmax(gain, axis=1)
        ok = np.isfinite(gain[np.arange(ii.size), best])
        target[ii] = np.where(ok, best, -1)
        phi_best[ii] = phi[np.arange(ii.size), best]
        gain_best[ii] = np.where(ok, gain[np.arange(ii.size), best], 0.0)
    return target, phi_best, gain_best


def round4(y: F) -> F:
    """KTAB's rounding of bargain positions: floor(y·10⁴ + 0.5) / 10⁴."""
    return np.floor(y * 1e4 + 0.5) / 1e4


def bargains(x: F, sal: F, init: NDArray[np.int64], tgt: NDArray[np.int64], p: F) -> tuple[F, F]:
    """Bargain points (b_I, b_J) for initiators ``init`` and targets ``tgt`` (SMP.md step 3)."""
    wi = sal[init] ** 2 * (p[:, None] ** 2)
    wj = sal[tgt] ** 2 * ((1 - p[:, None]) ** 2)
    den = wi + BARGAIN_FLOOR + wj
    b_i = round4(((wi + BARGAIN_FLOOR) * x[init] + wj * x[tgt]) / den)
    b_j = round4((wi * x[init] + (wj + BARGAIN_FLOOR) * x[tgt]) / den)
    return b_i, b_j


def smp_turn(x: F, sal: F, cap: F, chunk: int = 32) -> tuple[F, F, bool]:
    """One SMP turn from positions ``x`` (N, K) on 0–1; returns the new positions, the risk
    attitudes of the starting state and a flag that they were degenerate."""
    n = x.shape[0]
    sal_tot = sal.sum(axis=1)
    d = distances(sal, x, x)
    risk, degenerate = risk_attitudes(d, cap)
    r_hi = (2 * risk[:, None] + risk[None, :]) / 3
    u_h = utility(d[None, :, :], r_hi[:, :, None])
    target, phi, _ = best_challenges(u_h, sal_tot, cap, chunk)
    init = np.flatnonzero(target >= 0)
    tgt = target[init]
    b_i, b_j = bargains(x, sal, init, tgt, phi[init])
    # utility to each actor a of the state after each bargain m, and of the status quo
    u_own = u_h[np.arange(n), np.arange(n), :]           # U^a_an = u(d_an, R_a)
    base = u_own.sum(axis=1)
    ub_i = utility(distances(sal, x, b_i), risk[:, None]) if init.size else np.zeros((n, 0))
    ub_j = utility(distances(sal, x, b_j), risk[:, None]) if init.size else np.zeros((n, 0))
    ubar_m = (base[:, None] - u_own[:, init] - u_own[:, tgt] + ub_i + ub_j) / n
    ubar_sq = base / n
    new = x.copy()
    for k in range(n):
        items = np.flatnonzero((init == k) | (tgt == k))
        if items.size == 0:
            continue
        util = np.concatenate([ubar_sq[:, None], ubar_m[:, items]], axis=1)
        p = condorcet(util, cap)
        choice = int(np.argmax(p))
        if choice == 0:
            continue
        m = items[choice - 1]
        new[k] = b_i[m] if init[m] == k else b_j[m]
    return new, risk, degenerate


def merge_positions(x: F, tol: float) -> tuple[F, NDArray[np.int64]]:
    """Distinct positions (first occurrence represents a group; Euclidean distance below ``tol``
    joins it) and each actor's group index."""
    n = x.shape[0]
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    reps: list[int] = []
    group = np.empty(n, dtype=np.int64)
    for i in range(n):
        near = np.flatnonzero(dist[reps, i] < tol) if reps else np.empty(0, dtype=np.int64)
        if near.size:
            group[i] = near[0]
        else:
            group[i] = len(reps)
            reps.append(i)
    return x[reps], group


def run_smp(x0: F, sal: F, cap: F, options: SMPOptions | None = None) -> dict[str, object]:
    """Run SMP from positions ``x0`` (N, K) on 0–1 until KTAB's stopping rule fires.

    Returns ``trajectory`` (T + 1, N, K), the risk attitudes of every state ``risk``
    (T + 1, N), ``ratios`` per turn, the distinct final positions, their win probabilities and
    each actor's group, and whether risk was ever degenerate.
    """
    opt = options or SMPOptions()
    traj = [np.asarray(x0, dtype=float)]
    first = 0.0
    ratios: list[float] = []
    degenerate = False
    risks = []
    for turn in range(1, opt.max_turns + 1):
        new, risk, deg = smp_turn(traj[-1], sal, cap, opt.chunk)
        risks.append(risk)
        degenerate |= deg
        moved = float(np.linalg.norm(new - traj[-1], axis=1).sum())
        if turn == 1:
            first = moved
        ratio = moved / (first + 1e-4)
        ratios.append(ratio)
        traj.append(new)
        log.debug("SMP turn %d: fractional change compared to first step %.4f", turn, ratio)
        if turn >= opt.min_turns and ratio < opt.stop_ratio:
            break
    final = traj[-1]
    reps, group = merge_positions(final, opt.merge_tol)
    d = distances(sal, final, final)
    risk, deg = risk_attitudes(d, cap)
    degenerate |= deg
    risks.append(risk)
    util = utility(distances(sal, final, reps), risk[:, None])
    win = condorcet(util, cap)
    return {"trajectory": np.stack(traj), "risk": np.stack(risks),
            "ratios": np.array(ratios), "unique": reps,
            "win_probability": win, "group": group, "degenerate_risk": degenerate}


@dataclass(frozen=True)
class SpatialModel:
    """KTAB's spatial model of politics as a :class:`~detente.forecasts.base.Forecaster`.

    Positions are rescaled to 0–1 using the table's scale (KTAB files: 0–100; a table without
    a scale uses the range of its positions, as the EUM does), run, and scaled back. The
    predicted outcome follows ``options.outcome``.
    """

    options: SMPOptions = SMPOptions()
    name: str = "smp"

    def _run(self, table: StakeholderTable) -> tuple[dict[str, object], float, float, F]:
        """Run on the unit scale; returns the run, the scale's low end and span, and the
        predicted point on the table's scale."""
        lo, hi = table.scale or (float(table.position.min()), float(table.position.max()))
        span = (hi - lo) or 1.0
        res = run_smp((table.position - lo) / span, table.salience, table.capability,
                      self.options)
        reps = np.asarray(res["unique"]) * span + lo
        win = np.asarray(res["win_probability"])
        point = (win @ reps if self.options.outcome == "mean" else reps[int(np.argmax(win))])
        return res, lo, span, np.asarray(point)

    def forecast_batch(self, tables: list[StakeholderTable]) -> F:
        """Dimension 0 of many tables, without the per-round predictions ``forecast`` adds."""
        return np.array([self._run(t)[3][0] for t in tables])

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
