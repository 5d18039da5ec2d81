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


def outcomes(x: F, w: F) -> F:
    """O_k = Σᵢ wᵢₖxᵢₖ / Σᵢ wᵢₖ (unweighted mean where every weight is 0), shape (K,)."""
    tot = w.sum(axis=0)
    return np.where(tot > 0, (w * x).sum(axis=0) / np.where(tot > 0, tot, 1.0), x.mean(axis=0))


def candidate_exchanges(x: F, s: F, w: F) -> tuple[NDArray[np.int64], F, F, F]:
    """Every feasible equal-gain exchange on the current positions, each once (i < j).

    Returns the index array (E, 4) of (i, j, p, q) — i demands p and supplies q —, i's move on
    q, j's move on p (both ≥ 0, towards the other) and the common gain, all shape (E,).
    """
    k = x.shape[1]
    o = outcomes(x, w)
    big_w = w.sum(axis=0)
    side = np.sign(x - o)                                          # (N, K)
    has = w > 0
    opposite = (side[:, None, :] * side[None, :, :] < 0) & has[:, None, :] & has[None, :, :]
    ok = opposite[:, :, :, None] & opposite[:, :, None, :]         # (i, j, p, q)
    ok &= (s[:, None, :, None] * s[None, :, None, :] > s[:, None, None, :] * s[None, :, :, None])
    ok &= ~np.eye(k, dtype=bool)[None, None]
    ok &= np.triu(np.ones(ok.shape[:2], dtype=bool), 1)[:, :, None, None]  # (j, i, q, p) = same
    i, j, p, q = np.nonzero(ok)
    rate = (s[i, p] + s[j, p]) / (s[i, q] + s[j, q])               # Δq / Δp
    m_j = np.abs(x[i, p] - x[j, p])
    dp = m_j * w[j, p] / big_w[p]
    m_i = dp * rate * big_w[q] / w[i, q]
    room_i = np.abs(x[j, q] - x[i, q])
    too_far = m_i > room_i
    m_i = np.where(too_far, room_i, m_i)
    dq = m_i * w[i, q] / big_w[q]
    dp = np.where(too_far, dq / rate, dp)
    m_j = np.where(too_far, dp * big_w[p] / w[j, p], m_j)
    gain = s[i, p] * dp - s[i, q] * dq
    return np.stack([i, j, p, q], axis=1), m_i, m_j, gain


def run_exchange(x0: F, s: F, c: F, options: ExchangeOptions | None = None
                 ) -> tuple[F, int, int]:
    """Run the exchange model on unit-scale positions (N, K) with saliences (N, K) and
    capabilities (N,) (salience 0 = no stake or no position). Returns the final positions,
    the rounds run and the number of exchanges made."""
    opt = options or ExchangeOptions()
    x = np.array(x0, dtype=float)
    w = c[:, None] * s
    made, rounds = 0, 0
    for _ in range(opt.rounds):
        idx, m_i, m_j, gain = candidate_exchanges(x, s, w)
        # ties (common: DEU actors often share position and salience) go to the first in
        # (i, j, p, q) order, not to floating-point noise
        order = np.argsort(-np.round(gain, 12), kind="stable")
        new, done = _execute(x, order.tolist(), idx.tolist(), m_i.tolist(), m_j.tolist(),
                             gain.tolist(), opt.min_gain)
        if done == 0:
            break
        x, made, rounds = new, made + done, rounds + 1
    return x, rounds, made


def _sign(d: float) -> float:
    """np.sign of one number."""
    return 1.0 if d > 0 else -1.0 if d < 0 else 0.0 if d == 0 else d


def _execute(x: F, order: list[int], idx: list[list[int]], m_i: list[float],
             m_j: list[float], gain: list[float], min_gain: float) -> tuple[F, int]:
    """Take the exchanges greedily by gain, each actor moving at most once per issue; returns
    the new positions and the number made. Python numbers, one exchange at a time (the same
    IEEE operations as on NumPy scalars, without their per-element cost)."""
    old = x.tolist()
    new = x.tolist()
    used: set[tuple[int, int]] = set()
    done = 0
    for e in order:
        if gain[e] <= min_gain:
            break
        i, j, p, q = idx[e]
        if (i, q) in used or (j, p) in used:
            continue
        used.add((i, q))
        used.add((j, p))
        new[i][q] += _sign(old[j][q] - old[i][q]) * m_i[e]
        new[j][p] += _sign(old[i][p] - old[j][p]) * m_j[e]
        done += 1
    return np.array(new, dtype=float), done


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
        pos, _, _ = self._run(x, s, c, lo, span)
        return pos
