"""The exchange model of issue linkage: actors trade voting positions across the issues of one
proposal, each conceding where it cares less to gain where it cares more.

Stokman & Van Oosten (1994), "The exchange of voting positions: an object-oriented model of
policy networks", in Bueno de Mesquita & Stokman (eds), *European Community Decision Making*;
Arregui, Stokman & Thomson (2004), "Bargaining in the European Union and shifts in actors'
policy positions", *European Union Politics* 5(1), and ch. 5 of Thomson et al. (2006). Checked
against the equal-gain formulas of the public Decide implementation
(github.com/foarsitter/decide-exchange-model, ``calculations.py``; no code taken).

On each issue k the expected outcome is the compromise O_k = Σᵢ wᵢₖxᵢₖ / W_k with wᵢₖ = cᵢsᵢₖ
(Stokman calls it the Nash bargaining solution). An exchange between i and j on issues p, q is
possible when they sit on opposite sides of O on both issues and i cares relatively more about
p (sᵢₚ sⱼ_q > sᵢ_q sⱼₚ): j moves its position on p towards i's, shifting O_p towards i by
Δp = mⱼ wⱼₚ / W_p; i moves on q towards j's, shifting O_q by Δq = mᵢ wᵢ_q / W_q. i gains
sᵢₚΔp − sᵢ_qΔq, j gains sⱼ_qΔq − sⱼₚΔp; the *equal gain* exchange rate makes these equal:
Δq = Δp (sᵢₚ + sⱼₚ) / (sᵢ_q + sⱼ_q). The larger exchange is taken that moves neither actor past
the other's position (first j all the way to xᵢₚ; if that asks i to move past xⱼ_q, i all the
way to xⱼ_q instead).

Rounds: all possible exchanges are evaluated on the round's positions and executed greedily by
gain (equal gains to 1e-12: the first in actor order), each actor moving at most once per issue
per round; positions and outcomes are updated
and the next round starts, until no exchange gains more than ``min_gain`` or ``rounds`` pass.
The forecast is the final O per issue. A one-issue proposal has nothing to trade: the forecast
is the compromise model's. Variant shipped: ``rounds=10``, ``min_gain=1e-9``, nothing fitted.

>>> from detente.formats.table import StakeholderTable
>>> t = StakeholderTable.build(["a", "b"], [1, 1], [[0, 100], [100, 0]], [[0.9, 0.1],
...                            [0.1, 0.9]], dimensions=("p", "q"), scale=(0.0, 100.0))
>>> [round(v, 2) for v in ExchangeModel().forecast(t).position.tolist()]
[0.0, 0.0]

(Compromise: 10 and 10. a cares about p, b about q: b concedes p to a, a concedes q to b.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
B = NDArray[np.bool_]


@dataclass(frozen=True)
class ExchangeOptions:
    """``rounds``: at most this many rounds; ``min_gain``: smallest gain (salience × unit-scale
    shift) worth an exchange."""

    rounds: int = 10
    min_gain: float = 1e-9


def outcomes(x: F, w: F, n: NDArray[np.int64] | None = None) -> F:
    """O_k = Σᵢ wᵢₖxᵢₖ / Σᵢ wᵢₖ (unweighted mean where every weight is 0), shape (K,); of a
    stack of tables (B, N, K) shape (B, K) (the same sums, actor after actor). ``n`` (B,):
    the tables' own numbers of actors, padded ones (weight 0, position 0) after them: the
    mean is over a table's own actors (for K ≥ 2 NumPy sums over actors one after another,
    so the zeros at the end change no sum)."""
    tot = w.sum(axis=-2)
    mean = x.mean(axis=-2) if n is None else x.sum(axis=-2) / n[:, None]
    return np.where(tot > 0, (w * x).sum(axis=-2) / np.where(tot > 0, tot, 1.0), mean)


def candidate_exchanges(x: F, s: F, w: F) -> tuple[NDArray[np.int64], F, F, F]:
    """Every feasible equal-gain exchange on the current positions, each once (i < j).

    Returns the index array (E, 4) of (i, j, p, q) — i demands p and supplies q —, i's move on
    q, j's move on p (both ≥ 0, towards the other) and the common gain, all shape (E,).
    """
    _, idx, m_i, m_j, gain = stacked_exchanges(x[None], s[None], w[None])
    return idx, m_i, m_j, gain


def stacked_exchanges(x: F, s: F, w: F, size: NDArray[np.int64] | None = None
                      ) -> tuple[NDArray[np.int64], NDArray[np.int64], F, F, F]:
    """:func:`candidate_exchanges` of a stack of tables of one shape (B, N, K) at once: the
    table of each exchange (E,) (ascending) first, then the same arrays; each table's
    exchanges in the same order and with the same values as alone (element-wise operations
    only, over the pairs i < j). ``size``: tables padded as :func:`run_exchanges` has them."""
    n, k = x.shape[1:]
    o = outcomes(x, w, size)
    big_w = w.sum(axis=1)                                          # (B, K)
    side = np.sign(x - o[:, None, :])                              # (B, N, K)
    has = w > 0
    first, second = np.triu_indices(n, 1)                          # pairs i < j, (i, j) order
    opposite = ((side[:, first] * side[:, second] < 0) & has[:, first]
                & has[:, second]).reshape(-1, k)                   # (B × pairs, K)
    rows = np.flatnonzero(np.count_nonzero(opposite, axis=1) >= 2)  # pairs that can trade
    opposite = opposite[rows]
    b, pair = np.divmod(rows, len(first))
    s_i, s_j = s[b, first[pair]], s[b, second[pair]]
    ok = opposite[:, :, None] & opposite[:, None, :]               # (row, p, q)
    ok &= s_i[:, :, None] * s_j[:, None, :] > s_i[:, None, :] * s_j[:, :, None]
    ok &= ~np.eye(k, dtype=bool)
    row, p, q = np.nonzero(ok)
    b, pair = b[row], pair[row]
    i, j = first[pair], second[pair]
    # flat positions of (b, i, p), (b, j, p), (b, i, q), (b, j, q) and (b, p), (b, q): one
    # index per gather instead of three
    ip, jp = (b * n + i) * k + p, (b * n + j) * k + p
    iq, jq = ip + (q - p), jp + (q - p)
    bp, bq = b * k + p, b * k + q
    s_f, x_f, w_f, big_w_f = s.ravel(), x.ravel(), w.ravel(), big_w.ravel()
    s_ip, s_iq = s_f[ip], s_f[iq]
    rate = (s_ip + s_f[jp]) / (s_iq + s_f[jq])                     # Δq / Δp
    m_j = np.abs(x_f[ip] - x_f[jp])
    w_jp, w_iq, big_w_p, big_w_q = w_f[jp], w_f[iq], big_w_f[bp], big_w_f[bq]
    dp = m_j * w_jp / big_w_p
    m_i = dp * rate * big_w_q / w_iq
    room_i = np.abs(x_f[jq] - x_f[iq])
    too_far = m_i > room_i
    m_i = np.where(too_far, room_i, m_i)
    dq = m_i * w_iq / big_w_q
    dp = np.where(too_far, dq / rate, dp)
    m_j = np.where(too_far, dp * big_w_p / w_jp, m_j)
    gain = s_ip * dp - s_iq * dq
    return b, np.stack([i, j, p, q], axis=1), m_i, m_j, gain


def run_exchange(x0: F, s: F, c: F, options: ExchangeOptions | None = None
                 ) -> tuple[F, int, int]:
    """Run the exchange model on unit-scale positions (N, K) with saliences (N, K) and
    capabilities (N,) (salience 0 = no stake or no position). Returns the final positions,
    the rounds run and the number of exchanges made."""
    x, rounds, made = run_exchanges(np.asarray(x0, dtype=float)[None], s[None], c[None], options)
    return x[0], int(rounds[0]), int(made[0])


def run_exchanges(x0: F, s: F, c: F, options: ExchangeOptions | None = None,
                  size: NDArray[np.int64] | None = None
                  ) -> tuple[F, NDArray[np.int64], NDArray[np.int64]]:
    """:func:`run_exchange` of B tables of one shape at once: positions (B, N, K), saliences
    (B, N, K), capabilities (B, N). Each round evaluates the exchanges of the tables still
    trading together (:func:`stacked_exchanges`) and takes each table's greedily
    (:func:`greedy`); a table stops when it makes no exchange, as alone. Returns the final
    positions (B, N, K), and the rounds run and exchanges made per table (B,).

    Tables of fewer actors or issues may be padded (K ≥ 2): padded actors and issues with
    position, salience and capability 0 after the table's own, ``size`` (B,) the tables' own
    numbers of actors. A padded actor or issue weighs nothing and takes part in no exchange,
    and every sum over actors adds its zeros last, so each table gets its numbers alone."""
    opt = options or ExchangeOptions()
    x = np.array(x0, dtype=float)
    w = c[:, :, None] * s
    made = np.zeros(len(x), dtype=np.int64)
    rounds = np.zeros(len(x), dtype=np.int64)
    active = np.arange(len(x))
    for _ in range(opt.rounds):
        if not len(active):
            break
        old = x[active]
        tab, idx, m_i, m_j, gain = stacked_exchanges(
            old, s[active], w[active], None if size is None else size[active])
        e = greedy(tab, idx, gain, old.shape, opt.min_gain)
        b, (i, j, p, q) = tab[e], idx[e].T
        new = old.copy()
        new[b, i, q] += np.sign(old[b, j, q] - old[b, i, q]) * m_i[e]
        new[b, j, p] += np.sign(old[b, i, p] - old[b, j, p]) * m_j[e]
        done = np.bincount(b, minlength=len(active))
        x[active], made[active] = new, made[active] + done
        active = active[done > 0]
        rounds[active] += 1
    return x, rounds, made


def greedy(tab: NDArray[np.int64], idx: NDArray[np.int64], gain: F, shape: tuple[int, ...],
           min_gain: float) -> NDArray[np.int64]:
    """The exchanges taken in one round (indices into ``tab``, ascending), for every table at
    once: each table's by gain (equal to 1e-12: the first in (i, j, p, q) order — DEU actors
    often share positions and saliences; ties must not go to floating-point noise), none from
    its first gain ≤ ``min_gain`` on, each actor moving at most once per issue.

    The greedy pass over the sorted exchanges runs in parallel steps (the lexicographically
    first maximal independent set; Blelloch, Fineman & Shun 2012, "Greedy sequential maximal
    independent set and matching are parallel on average", SPAA): an exchange that comes first
    among the live ones on both of its (actor, issue) slots is one the sequential pass takes,
    and every exchange sharing a slot with it is one the sequential pass skips."""
    order = np.lexsort((-np.round(gain, 12), tab))                # stable: ties in given order
    tab_o = tab[order]
    stop = np.cumsum(gain[order] <= min_gain)
    starts = np.searchsorted(tab_o, tab_o)                        # each table's first exchange
    before = np.where(starts > 0, stop[np.maximum(starts - 1, 0)], 0)
    order = order[stop == before]                                  # before the table's first stop
    n, k = shape[1:]
    slot_iq = (tab[order] * n + idx[order, 0]) * k + idx[order, 3]  # i moves on q
    slot_jp = (tab[order] * n + idx[order, 1]) * k + idx[order, 2]  # j moves on p
    live = np.arange(len(order))
    taken = [live[:0]]
    free = np.ones(shape[0] * n * k, dtype=bool)
    while len(live):
        first = np.full(len(free), len(order))
        np.minimum.at(first, slot_iq[live], live)
        np.minimum.at(first, slot_jp[live], live)
        win = live[(first[slot_iq[live]] == live) & (first[slot_jp[live]] == live)]
        taken.append(win)
        free[slot_iq[win]] = False
        free[slot_jp[win]] = False
        live = live[free[slot_iq[live]] & free[slot_jp[live]]]
    return np.sort(order[np.concatenate(taken)])


@dataclass(frozen=True)
class ExchangeModel:
    """The equal-gain exchange model (Stokman & Van Oosten 1994) as a forecaster: the
    dimensions of a table are the linked issues of one proposal."""

    options_: ExchangeOptions = ExchangeOptions()
    name: str = "exchange"

    def options(self) -> dict[str, Any]:
        return asdict(self.options_)

    def _run(self, x: F, s: F, c: F, lo: F, span: F) -> tuple[F, int, int]:
        unit = (x - lo) / span
        final, rounds, made = run_exchange(unit, s, c, self.options_)
        return lo + span * outcomes(final, c[:, None] * s), rounds, made

    def forecast(self, table: StakeholderTable) -> Forecast:
        lo, hi = table.scale or (table.position.min(axis=0), table.position.max(axis=0))
        span = np.where(np.asarray(hi) - lo > 0, np.asarray(hi) - lo, 1.0)
        s = table.salience
        if np.all(s <= 0):
            s = np.ones_like(s)
        pos, rounds, made = self._run(table.position, s, table.capability,
                                      np.broadcast_to(lo, (table.n_dimensions,)), span)
        return Forecast(self.name, pos, options=self.options(), warnings=table.warnings,
                        details={"rounds": rounds, "exchanges": made})

    def forecast_group(self, tables: list[StakeholderTable]) -> F:
        """The one-issue tables of one proposal linked: an actor without a position on an
        issue takes no part in it (salience 0). Returns dimension 0's forecast per table."""
        return self.forecast_groups([tables])[0]

    def forecast_groups(self, groups: list[list[StakeholderTable]]) -> list[F]:
        """:meth:`forecast_group` of many proposals: those on the same number of issues run
        together, padded to the most actors (:func:`run_exchanges`), each with the numbers it
        has alone; proposals on one issue make no exchange (one needs two issues)."""
        linked = [_linked(tables) for tables in groups]
        out: list[F] = [np.empty(0)] * len(groups)
        stacks: dict[int, list[int]] = {}
        for g, (x, *_) in enumerate(linked):
            stacks.setdefault(x.shape[1], []).append(g)
        for k_min, members in stacks.items():
            x, s, c, lo, span, size = _padded([linked[g] for g in members])
            unit = (x - lo[:, None]) / span[:, None]
            # one issue: no exchange (it needs two), the positions stay
            final = run_exchanges(unit, s, c, self.options_, size)[0] if k_min > 1 else unit
            for b, g in enumerate(members):
                n, k = linked[g][0].shape
                out[g] = lo[b, :k] + span[b, :k] * outcomes(final[b, :n, :k],
                                                            c[b, :n, None] * s[b, :n, :k])
        return out


def _padded(linked: list[tuple[F, F, F, F, F]]) -> tuple[F, F, F, F, F, NDArray[np.int64]]:
    """The proposals of ``linked`` (:func:`_linked`) as one stack padded to the most actors
    and issues (zeros; scale low 0, span 1), and their own numbers of actors."""
    size = np.array([x.shape[0] for x, *_ in linked], dtype=np.int64)
    n, k = int(size.max()), max(x.shape[1] for x, *_ in linked)
    x, s = np.zeros((len(linked), n, k)), np.zeros((len(linked), n, k))
    c, lo, span = np.zeros((len(linked), n)), np.zeros((len(linked), k)), np.ones((len(linked), k))
    for b, (xb, sb, cb, lob, spanb) in enumerate(linked):
        m, kb = xb.shape
        x[b, :m, :kb], s[b, :m, :kb], c[b, :m], lo[b, :kb], span[b, :kb] = xb, sb, cb, lob, spanb
    return x, s, c, lo, span, size


def _linked(tables: list[StakeholderTable]) -> tuple[F, F, F, F, F]:
    """Positions, saliences (N, K), capabilities (N,), scale lows and spans (K,) of one
    proposal's one-issue tables (actors in order of first appearance)."""
    actors = list(dict.fromkeys(a for t in tables for a in t.actors))
    n, k = len(actors), len(tables)
    x, s, c = np.zeros((n, k)), np.zeros((n, k)), np.zeros(n)
    lo, span = np.zeros(k), np.ones(k)
    for col, t in enumerate(tables):
        rows = [actors.index(a) for a in t.actors]
        low, high = t.scale or (float(t.position[:, 0].min()),
                                float(t.position[:, 0].max()))
        lo[col], span[col] = low, (high - low) or 1.0
        sal = t.salience[:, 0] if t.salience[:, 0].sum() > 0 else np.ones(t.n_actors)
        x[rows, col], s[rows, col], c[rows] = t.position[:, 0], sal, t.capability
    return x, s, c, lo, span
