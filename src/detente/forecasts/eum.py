"""Bueno de Mesquita's expected utility model (EUM), as reconstructed by Scholz, Calbert & Smith.

Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De Mesquita's group
decision model", *Journal of Theoretical Politics* 23(4), 510–531 (and ICAART 2011). Bueno de
Mesquita (1994, 1997) left several choices open; each is a named option of :class:`EUMOptions`:

- ``probability``: the win probability P_ij = Σ_k max(v^k_ij, 0) / norm with votes
  v^k_ij = c_k s_k (|x_k − x_j| − |x_k − x_i|) / R. ``"all_pairs"`` (Scholz's own code):
  norm = Σ_k Σ_a Σ_b |v^k_ab| over all ordered pairs of actors' positions; ``"pair"`` (the paper
  as printed): norm = Σ_k |v^k_ij|.
- ``votes``: how voter k weighs i's position against j's in the win probability.
  ``"risk"`` (Scholz's code as followed by the public Python port
  github.com/jmckib/bdm-scholz-expected-utility-model):
  v^k_ij = c_k s_k [(|x_k − x_j| / R)^{r_k} − (|x_k − x_i| / R)^{r_k}] with voter k's current risk
  exponent r_k (r_k = 1 while the risk exponents themselves are computed); ``"linear"`` (the
  paper as printed): r_k = 1 throughout. The median is always taken with linear votes.
- ``q``: Q, the probability that j does not respond with a challenge of its own (Scholz: 1).
- ``t_rule`` and ``ub_uw``: with Q < 1, the status quo may change anyway; T is the probability
  it changes for the better (U_b) rather than worse (U_w).
- ``risk_range``: risk acceptance R_i = (2 danger_i − max − min) / (max − min), the extremes
  over ``"actors"`` (Scholz) or over the ``"positions"`` actor i could hold (Bueno de Mesquita).
  Risk exponent r_i = (1 − R_i/3) / (1 + R_i/3).
- ``offer_selection``: ``"scholz_code"`` — confrontation offers first (least movement), then
  compromises (the smallest |E_ij|-weighted compromise point, as Scholz's code does), then
  capitulations; ``"least_movement"`` — the offer asking the least movement of any kind.
- ``stopping``: ``"fixed"`` rounds, ``"no_change"`` (stop when no actor moves) or
  ``"median_stable"`` (stop when the median has not moved for ``patience`` rounds).

Utilities from actor h's perspective (risk exponent r_h), with d = |x_i − x_j| / R:
U_s = 2 − 4(0.5 − 0.5 d)^r, U_f = 2 − 4(0.5 + 0.5 d)^r, U_sq = 2 − 4(0.5)^r, and
E(U_ij) = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w].

Everything is vectorised over Monte Carlo draws (leading axis) and actor pairs; :func:`run_eum`
runs its rounds with the draws on the last axis (:mod:`detente.forecasts.eum_rounds`, the same
numbers bit for bit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.forecasts import eum_rounds as rounds
from detente.forecasts.base import Forecast
from detente.forecasts.compromise import (
    capability_weights,
    compromise,
    median_of,
    weighted_median,
)
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
B = NDArray[np.bool_]

_CHOICES = {
    "probability": ("all_pairs", "pair"),
    "votes": ("risk", "linear"),
    "t_rule": ("closer", "half"),
    "ub_uw": ("scholz", "median_distance"),
    "risk_range": ("actors", "positions"),
    "offer_selection": ("scholz_code", "least_movement"),
    "capitulation": ("stated", "never"),
    "stopping": ("fixed", "no_change", "median_stable"),
    "outcome": ("median", "mean"),
}


@dataclass(frozen=True)
class EUMOptions:
    """Named choices of the EUM; defaults reproduce Scholz et al. (2011) Table 2 (means of
    rounds 1–8 and medians of every round but the second, which no known variant reproduces).

    ``capitulation="never"`` mimics a comparison in Scholz's code that can never be true (so no
    capitulation offers are made); on the emission case both give the same run.
    ``tol`` is the distance under which two positions count as equal.
    """

    rounds: int = 8
    probability: str = "all_pairs"
    votes: str = "risk"
    q: float = 1.0
    t_rule: str = "closer"
    ub_uw: str = "scholz"
    risk_range: str = "actors"
    offer_selection: str = "scholz_code"
    capitulation: str = "stated"
    stopping: str = "fixed"
    patience: int = 2
    outcome: str = "median"
    tol: float = 1e-9

    def __post_init__(self) -> None:
        for key, allowed in _CHOICES.items():
            if getattr(self, key) not in allowed:
                raise DetenteError.one(f"unknown EUM option {key}", path=f"eum.{key}",
                                       value=getattr(self, key), allowed=", ".join(allowed))
        if not 0 <= self.q <= 1:
            raise DetenteError.one("Q must be a probability", path="eum.q", value=self.q,
                                   allowed="0 to 1")
        if self.rounds < 0:
            raise DetenteError.one("rounds must be >= 0", path="eum.rounds", value=self.rounds)


@dataclass(frozen=True)
class VoterSplit:
    """Which voters side with whom, shared by every win probability of one state ``x`` (D, N).

    Voter k sides with i against j when it is strictly closer to i (|x_k − x_i| < |x_k − x_j|;
    raising distances to k's risk exponent keeps the order). Sorted by position, those voters
    are the first t_ij (x_i < x_j, ``left``) or the last t_ij (x_i > x_j). ``dist[d, t, a]`` =
    |x_(t) − x_a| for the t-th voter in ``order``; ``at_j`` / ``at_i`` index the prefix sum
    over the first h_ij voters (h = t_ij on the left, N − t_ij on the right) in columns j / i of
    the flattened (D, N + 1, N) table of prefix sums (one flat index per draw and pair).
    """

    order: NDArray[np.int64]
    dist: F
    left: B
    at_j: NDArray[np.int64]
    at_i: NDArray[np.int64]

    @classmethod
    def of(cls, x: F) -> VoterSplit:
        d, n = x.shape
        order = np.argsort(x, axis=1, kind="stable")
        xs = x[np.arange(d)[:, None], order]  # take_along_axis's gather, one indexing call
        dist = np.abs(xs[:, :, None] - x[:, None, :])
        h = np.empty((d, n, n), dtype=np.int64)
        step = max(1, 4_000_000 // max(n**3, 1))  # bounded (d, N, N, N) boolean block
        for a in range(0, d, step):
            closer = np.less(dist[a:a + step, :, :, None], dist[a:a + step, :, None, :])
            h[a:a + step] = (closer.view(np.uint8).sum(axis=1, dtype=np.uint8) if n < 256
                             else closer.sum(axis=1))
        left = x[:, :, None] < x[:, None, :]
        h = np.where(left, h, n - h).astype(np.int64)
        h *= n
        h += (np.arange(d) * ((n + 1) * n))[:, None, None]  # row offsets into the flat table
        col = np.arange(n)
        return cls(order, dist, left, (h + col[None, None, :]).ravel(),
                   (h + col[None, :, None]).ravel())


@dataclass(frozen=True)
class PairDistances:
    """|x_i − x_j| and what depends on it alone, computed once per round and shared by the win
    probabilities (``tie``), both utility passes (``dist`` = |x_i − x_j| / R and the clipped
    arguments ``z_s`` = max(0.5 − 0.5 dist, 0), ``z_f`` = 0.5 + 0.5 dist of U_s and U_f) and
    the offers (positions that differ). Each value is the one the steps computed on their own.
    """

    tie: B
    dist: F
    z_s: F
    z_f: F

    @classmethod
    def of(cls, x: F, span: F, tol: float) -> PairDistances:
        gap = np.abs(x[:, :, None] - x[:, None, :])
        dist = gap / span[:, None, None]
        # np.maximum(·, 0.0) is np.clip(·, 0.0, None) (NaN kept), without clip's wrappers
        return cls(gap <= tol, dist, rounds.maximum(0.5 - 0.5 * dist, 0.0),
                   rounds.maximum(0.5 + 0.5 * dist, 0.0))


def win_probability(x: F, c: F, s: F, span: F, how: str, tol: float,
                    r: F | None = None, split: VoterSplit | None = None,
                    tie: B | None = None, norm: Callable[[F], F] | None = None) -> F:
    """P[d, i, j]: probability that i's position beats j's, shape (D, N, N).

    Numerators Σ_k max(v^k_ij, 0) / (c_k s_k) summed over the voters k that side with i
    (:class:`VoterSplit`): with a_ka = c_k s_k d_ka (d_ka = (|x_k − x_a| / R)^{r_k}) the
    numerator is Σ_{k ∈ S_ij} (a_kj − a_ki), a difference of prefix sums over the voters sorted
    by position, O(N² log N) per draw instead of O(N³). With ``"all_pairs"`` the norm
    Σ_k Σ_a Σ_b |v^k_ab| equals twice the sum of all numerators, with ``"pair"``
    Σ_k |v^k_ij| = num_ij + num_ji (v^k is antisymmetric, so both hold for any exponents).
    ``r`` (D, N): voter k's distances are raised to r_k (``votes="risk"``); ``None`` = linear
    votes. ``split`` and ``tie`` (|x_i − x_j| <= tol) may be passed when several
    probabilities of one state are wanted; ``norm`` (num (D, N, N) -> (D,)): each draw's sum
    of numerators for ``"all_pairs"`` (default ``num.sum(axis=(1, 2))``; padded blocks sum
    each draw's own actors, :mod:`.eum_packed`).
    """
    sp = split or VoterSplit.of(x)
    d_n, n = x.shape
    pre = np.empty((d_n, n + 1, n))
    pre[:, 0] = 0.0
    a = pre[:, 1:]
    np.divide(sp.dist, span[:, None, None], out=a)
    rows = np.arange(d_n)[:, None]
    if r is not None:
        np.power(a, r[rows, sp.order][:, :, None], out=a)
    a *= (c * s)[rows, sp.order][:, :, None]
    # running sums over the sorted voters, 0 + a_0 first: one add after another, as a loop of
    # np.add over the voters adds them (one call instead of N)
    np.add.accumulate(pre, axis=1, out=pre)
    flat = pre.ravel()
    # Σ over the first h voters of (a_kj − a_ki); on the right the voters after them count
    first = (flat.take(sp.at_j) - flat.take(sp.at_i)).reshape(d_n, n, n)
    total = pre[:, n, :]
    num = np.where(sp.left, first, (total[:, None, :] - total[:, :, None]) - first)
    rounds.maximum(num, 0.0, out=num)  # an empty or rounding-negative sum is no vote
    if how == "all_pairs":
        den = 2 * (num.sum(axis=(1, 2)) if norm is None else norm(num))[:, None, None]
    else:
        den = num + np.swapaxes(num, 1, 2)
    p = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    p[np.abs(x[:, :, None] - x[:, None, :]) <= tol if tie is None else tie] = 0.0
    return p


def _u(z: F, r: F | None) -> F:
    """2 − 4 z^r for z already clipped at 0 (``None`` = r of 1)."""
    return 2.0 - 4.0 * (z if r is None else np.power(z, r))


def expected_utility(x: F, c: F, s: F, p: F, r: F | None, span: F, opt: EUMOptions,
                     want_ij: bool = True,
                     pairs: PairDistances | None = None) -> tuple[F | None, F]:
    """(E_ij, E_ji)[d, i, j] from i's perspective (exponent r_i; ``None`` = risk neutral): the
    expected utility to i of challenging j, and to j of challenging i, as i sees it.
    With ``want_ij=False`` only E_ji is computed (the first value is None); ``pairs`` may be
    passed for a state whose :class:`PairDistances` are known."""
    pd = pairs or PairDistances.of(x, span, opt.tol)
    dist = pd.dist
    rr = None if r is None else r[:, :, None]
    u_s = _u(pd.z_s, rr)
    u_f = _u(pd.z_f, rr)
    u_sq = 2.0 - 4.0 * (0.5 if rr is None else np.power(0.5, rr))
    s_j = s[:, None, :]
    s_i = s[:, :, None]
    p_ji = np.ascontiguousarray(np.swapaxes(p, 1, 2))  # one strided pass, not two
    e_ij = (s_j * (p * u_s + (1 - p) * u_f) + (1 - s_j) * u_s - opt.q * u_sq
            if want_ij else None)
    e_ji = s_i * (p_ji * u_s + (1 - p_ji) * u_f) + (1 - s_i) * u_s - opt.q * u_sq
    if opt.q < 1:
        mu = weighted_median(x, s, c)[:, None, None]
        for_i = np.abs(x[:, :, None] - mu) / span[:, None, None]   # |x_i - mu|
        for_j = np.abs(x[:, None, :] - mu) / span[:, None, None]   # |x_j - mu|
        if e_ij is not None:
            e_ij = e_ij - (1 - opt.q) * _status_quo_change(for_i, dist, rr, opt)
        e_ji = e_ji - (1 - opt.q) * _status_quo_change(for_j, dist, rr, opt)
    return e_ij, e_ji


def _status_quo_change(to_mu: F, dist: F, rr: F | None, opt: EUMOptions) -> F:
    """T U_b + (1 − T) U_w for a challenger at distance ``to_mu`` from the expected outcome."""
    shift = 0.25 * (to_mu + dist) if opt.ub_uw == "scholz" else 0.5 * to_mu + 0 * dist
    u_b = _u(np.clip(0.5 - shift, 0.0, None), rr)
    u_w = _u(np.clip(0.5 + shift, 0.0, None), rr)
    t = (to_mu < dist).astype(float) if opt.t_rule == "closer" else 0.5
    return t * u_b + (1 - t) * u_w


def _challenge_matrix(x: F, c: F, s: F, r: F | None, span: F, opt: EUMOptions,
                      p: F | None = None, want_ij: bool = True,
                      pairs: PairDistances | None = None) -> tuple[F | None, F]:
    if p is None:
        p = win_probability(x, c, s, span, opt.probability, opt.tol)
    return expected_utility(x, c, s, p, r, span, opt, want_ij, pairs)


def _risk_from_danger(danger: F, lo: F, hi: F) -> F:
    rng = hi - lo
    big_r = np.divide(2 * danger - hi - lo, rng, out=np.zeros_like(danger), where=rng > 0)
    return (1 - big_r / 3) / (1 + big_r / 3)


def risk_exponents(x: F, c: F, s: F, span: F, opt: EUMOptions, p: F | None = None,
                   pairs: PairDistances | None = None) -> F:
    """r_i from actor i's "danger" Σ_{j≠i} E_j(U_ji) computed with risk-neutral exponents."""
    _, e_ji = _challenge_matrix(x, c, s, None, span, opt, p, want_ij=False, pairs=pairs)
    danger = e_ji.sum(axis=2) - np.diagonal(e_ji, axis1=1, axis2=2)  # Σ_{j≠i} E(U_ji)
    if opt.risk_range == "actors":
        return _risk_from_danger(danger, danger.min(axis=1, keepdims=True),
                                 danger.max(axis=1, keepdims=True))
    n = x.shape[1]
    lo = np.empty_like(danger)
    hi = np.empty_like(danger)
    for i in range(n):
        levels = []
        for y in range(n):
            xi = x.copy()
            xi[:, i] = x[:, y]
            _, ei = _challenge_matrix(xi, c, s, None, span, opt, want_ij=False)
            levels.append(ei[:, i, :].sum(axis=1) - ei[:, i, i])
        stack = np.stack(levels, axis=1)
        lo[:, i], hi[:, i] = stack.min(axis=1), stack.max(axis=1)
    return _risk_from_danger(danger, lo, hi)


def best_offers(x: F, e_ij: F, e_ji: F, opt: EUMOptions,
                tie: B | None = None) -> tuple[F, B]:
    """New position of every actor after accepting at most one offer, and who moved.

    ``e_ij[d, i, j]`` is E(U_ij) from i's perspective; i compares it with ``e_ji[d, i, j]``
    = E(U_ji) (j challenging i, also from i's perspective) to classify j's offer as
    confrontation, compromise or capitulation (Scholz et al. 2011, Table 1). ``tie``: the
    pairs whose positions count as equal (|x_i − x_j| <= tol), when known.
    """
    differ = np.abs(x[:, :, None] - x[:, None, :]) > opt.tol if tie is None else ~tie
    abs_ij = np.abs(e_ij)
    abs_ji = np.abs(e_ji)
    conf = differ & (e_ji > e_ij) & (e_ij > 0)
    yielding = differ & (e_ji > 0) & (e_ij < 0)
    comp = yielding & (e_ji > abs_ij)
    capit = (yielding & (e_ji < abs_ij) if opt.capitulation == "stated"
             else np.zeros_like(conf))
    xi = x[:, :, None]
    xj = x[:, None, :]
    ratio = np.divide(abs_ij, abs_ji, out=np.zeros_like(e_ij), where=abs_ji > 0)
    target = np.where(comp, xi + (xj - xi) * ratio, xj)
    move = np.abs(target - xi)
    inf = np.inf
    d_n, n = x.shape
    at = (np.arange(d_n)[:, None], np.arange(n)[None, :])  # [d, i, j[d, i]]: one gather
    if opt.offer_selection == "least_movement":
        key = np.where(conf | comp | capit, move, inf)
        j = np.argmin(key, axis=2)
        has = np.isfinite(key[(*at, j)])
    else:
        j = np.zeros(x.shape, dtype=np.int64)
        has = np.zeros(x.shape, dtype=bool)
        for kind, mask in (("move", conf), ("compromise", comp), ("move", capit)):
            take = ~has & mask.any(axis=2)
            if not take.any():
                continue
            if kind == "compromise":
                wsum = abs_ij + abs_ji
                key = np.divide(abs_ij * xi + abs_ji * xj, wsum, out=np.full_like(e_ij, inf),
                                where=mask & (wsum > 0))
            else:
                key = np.where(mask, move, inf)
            j = np.where(take, np.argmin(key, axis=2), j)
            has |= take
    new = target[(*at, j)]
    return np.where(has, new, x), has


def run_eum(x0: F, c: F, s: F, opt: EUMOptions, chunk: int = 256,
            final_only: bool = False) -> dict[str, F]:
    """Run the EUM on D draws at once: ``x0``, ``c``, ``s`` of shape (D, N) (or (N,)).

    Returns ``trajectory`` (D, T + 1, N), ``median`` and ``mean`` by round (D, T + 1) and the
    last round's risk exponents ``r`` (D, N). The position range R is fixed at the start.
    Draws are processed in blocks of ``chunk`` (speed only); a block that stopped early repeats
    its final state up to the longest block. ``final_only``: the last round alone (T + 1 = 1
    above; the same numbers as that round of a full run), for callers that want the outcome
    only — the medians of the rounds before are then not formed.
    """
    x = np.atleast_2d(np.asarray(x0, dtype=float))
    c = np.broadcast_to(np.atleast_2d(c), x.shape).astype(float)
    s = np.broadcast_to(np.atleast_2d(s), x.shape).astype(float)
    if x.shape[0] <= chunk:
        return _run_block(x, c, s, opt, final_only=final_only)
    parts = [_run_block(x[lo:lo + chunk], c[lo:lo + chunk], s[lo:lo + chunk], opt,
                        final_only=final_only) for lo in range(0, x.shape[0], chunk)]
    t = max(p["trajectory"].shape[1] for p in parts)
    out = {key: np.concatenate([
        np.concatenate([p[key]] + [p[key][:, -1:]] * (t - p[key].shape[1]), axis=1)
        for p in parts]) for key in ("trajectory", "median", "mean")}
    out["r"] = np.concatenate([p["r"] for p in parts])
    return out


#: Blocks of fewer draws run step by step: the draws-last layout's inner loops are then too
#: short to pay for its per-voter passes (measured on the DEU backtest's blocks, 1–68 issues
#: of 4–30 actors: step by step was faster up to ~13 draws, slower from ~14).
BY_DRAW_MIN_DRAWS = 12


def _run_block(x: F, c: F, s: F, opt: EUMOptions, by_draw: bool | None = None,
               final_only: bool = False) -> dict[str, F]:
    """One block of draws: with Q = 1 and risk ranges over the actors (and ``by_draw``, fewer
    than 256 actors, and finite positions) in the draws-last layout of :mod:`.eum_rounds`,
    otherwise step by step as below; both give the same numbers bit for bit
    (tests/forecasts/test_eum_rounds.py). ``by_draw`` None: when the block has at least
    :data:`BY_DRAW_MIN_DRAWS` draws. ``final_only`` as in :func:`run_eum`.
    """
    span = np.ptp(x, axis=1)
    flat = span <= opt.tol
    span = np.where(flat, 1.0, span)
    if by_draw is None:
        by_draw = x.shape[0] >= BY_DRAW_MIN_DRAWS
    if by_draw and opt.q == 1 and opt.risk_range == "actors" and x.shape[1] < 256 \
            and bool(np.all(np.isfinite(x))):
        return _run_block_by_draw(x, c, s, opt, span, flat, final_only)
    traj = [x]
    by_round = not final_only or opt.stopping == "median_stable"  # medians wanted each round
    med = [weighted_median(x, s, c)] if by_round else []
    mean = [compromise(x, s, c)] if by_round else []
    r = np.ones_like(x)
    still = 0
    for _ in range(opt.rounds):
        split = VoterSplit.of(x)
        pairs = PairDistances.of(x, span, opt.tol)
        p = win_probability(x, c, s, span, opt.probability, opt.tol, split=split, tie=pairs.tie)
        r = risk_exponents(x, c, s, span, opt, p, pairs)
        if opt.votes == "risk":
            p = win_probability(x, c, s, span, opt.probability, opt.tol, r, split, pairs.tie)
        e_ij, e_ji = _challenge_matrix(x, c, s, r, span, opt, p, pairs=pairs)
        assert e_ij is not None
        new, moved = best_offers(x, e_ij, e_ji, opt, pairs.tie)
        new = np.where(flat[:, None], x, new)
        x = new
        traj.append(x)
        if by_round:
            med.append(weighted_median(x, s, c))
            mean.append(compromise(x, s, c))
        stop, still = _stopped(opt, bool((moved & ~flat[:, None]).any()), med, still)
        if stop:
            break
    if not by_round:
        med, mean = [weighted_median(x, s, c)], [compromise(x, s, c)]
    keep = slice(-1, None) if final_only else slice(None)
    return {"trajectory": np.stack(traj[keep], axis=1), "median": np.stack(med[keep], axis=1),
            "mean": np.stack(mean[keep], axis=1), "r": r}


def _stopped(opt: EUMOptions, moved: bool, med: list[F], still: int) -> tuple[bool, int]:
    """Whether the rounds end after this one (``opt.stopping``): no unsettled actor moved
    (``no_change``), or the median has held within ``tol`` for ``patience`` rounds
    (``median_stable``); with the updated count of stable rounds."""
    if opt.stopping == "no_change":
        return not moved, still
    if opt.stopping == "median_stable":
        still = still + 1 if np.all(np.abs(med[-1] - med[-2]) <= opt.tol) else 0
        return still >= opt.patience, still
    return False, still


def _run_block_by_draw(x: F, c: F, s: F, opt: EUMOptions, span: F, flat: B,
                       final_only: bool = False) -> dict[str, F]:
    """:func:`_run_block`'s rounds with the draws on the last axis (:mod:`.eum_rounds`, the
    same numbers bit for bit), for Q = 1 and risk ranges over the actors."""
    w = capability_weights(c, s)
    w_total = w.sum(axis=-1)
    by_round = not final_only or opt.stopping == "median_stable"  # medians wanted each round
    traj = [x]
    med = [median_of(x, w)] if by_round else []
    mean = [(w * x).sum(axis=-1) / w_total]
    r = np.ones_like(x)
    cs = np.ascontiguousarray((c * s).T)
    s_t = np.ascontiguousarray(s.T)
    x_t = np.ascontiguousarray(x.T)
    still = 0
    work = rounds.Rounds(*x_t.shape)
    for _ in range(opt.rounds):
        work.place(x_t, span, opt.tol)
        work.win_probability(cs, opt.probability, None)
        danger = work.dangers(s_t, opt.q).T
        r = _risk_from_danger(danger, danger.min(axis=1, keepdims=True),
                              danger.max(axis=1, keepdims=True))
        r_t = np.ascontiguousarray(r.T)
        if opt.votes == "risk":
            work.win_probability(cs, opt.probability, r_t)
        work.utilities(s_t, r_t, opt.q)
        new, moved = work.offers(opt.capitulation == "stated",
                                 opt.offer_selection == "least_movement")
        x_t = np.where(flat[None, :], x_t, new)
        x = np.ascontiguousarray(x_t.T)
        traj.append(x)
        if by_round:
            med.append(median_of(x, w))
        mean.append((w * x).sum(axis=-1) / w_total)
        stop, still = _stopped(opt, bool((moved & ~flat[None, :]).any()), med, still)
        if stop:
            break
    if final_only:
        return {"trajectory": x[:, None, :], "median": median_of(x, w)[:, None],
                "mean": mean[-1][:, None], "r": r}
    return {"trajectory": np.stack(traj, axis=1), "median": np.stack(med, axis=1),
            "mean": np.stack(mean, axis=1), "r": r}


@dataclass(frozen=True)
class ExpectedUtilityModel:
    """The EUM as a :class:`~detente.forecasts.base.Forecaster` (each dimension on its own)."""

    options: EUMOptions = EUMOptions()
    name: str = "eum"

    def forecast_batch(self, tables: list[StakeholderTable]) -> F:
        """Dimension 0 of many tables. With a fixed number of rounds the tables with the same
        number of actors run as the rows of one :func:`run_eum` (every row is its own run, so
        each forecast is the one :meth:`forecast` gives), and blocks of few rows of different
        sizes run padded together (:mod:`.eum_packed`, the same numbers); other stopping rules
        stop a block of rows together, so those tables run one by one."""
        from detente.forecasts.eum_packed import forecast_small_blocks

        if self.options.stopping != "fixed":
            return np.array([self.forecast(t).position[0] for t in tables])
        out = np.empty(len(tables))
        groups: dict[int, list[int]] = {}
        for i, t in enumerate(tables):
            groups.setdefault(t.n_actors, []).append(i)
        blocks = {n: (np.stack([tables[i].position[:, 0] for i in idx]),
                      np.stack([tables[i].capability for i in idx]),
                      np.stack([tables[i].salience[:, 0] for i in idx]))
                  for n, idx in groups.items()}
        for n in forecast_small_blocks(blocks, groups, self.options, out):
            res = run_eum(*blocks[n], self.options, final_only=True)
            out[groups[n]] = res["median" if self.options.outcome == "median" else "mean"][:, -1]
        return out

    def forecast(self, table: StakeholderTable) -> Forecast:
        trajs, preds, meds, means = [], [], [], []
        for k in range(table.n_dimensions):
            res = run_eum(table.position[:, k], table.capability, table.salience[:, k],
                          self.options)
            trajs.append(res["trajectory"][0])
            meds.append(res["median"][0])
            means.append(res["mean"][0])
            preds.append(meds[-1] if self.options.outcome == "median" else means[-1])
        t = min(len(p) for p in preds)
        traj = np.stack([tr[:t] for tr in trajs], axis=-1)
        by_round = np.stack([p[:t] for p in preds], axis=-1)
        return Forecast(
            self.name, by_round[-1], trajectory=traj, predicted_by_round=by_round,
            options=asdict(self.options), warnings=table.warnings,
            details={"median_by_round": np.stack([m[:t] for m in meds], -1).tolist(),
                     "mean_by_round": np.stack([m[:t] for m in means], -1).tolist()})
