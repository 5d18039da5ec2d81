"""Logrolling: trades between two actors that raise both their utilities.

Actor i concedes on issue k (moves it toward j's wishes) and j concedes on issue l, k ≠ l.
The trade creates value when each side gains more on the issue it wins than it loses on the one
it gives up — which happens where their relative saliences differ (Raiffa 1982, ch. 12;
Pruitt 1981 on logrolling). From a reference package r, every pair of single-issue moves is
scored with the additive contributions, all at once with NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.deals.space import AdditiveSpace

TOL = 1e-9


@dataclass(frozen=True)
class Trade:
    """Change issue ``give_issue`` to ``give_option`` (i's concession, good for j) and
    ``take_issue`` to ``take_option`` (j's concession, good for i)."""

    actor_i: int
    actor_j: int
    give_issue: int
    give_option: int
    take_issue: int
    take_option: int
    gain_i: float
    gain_j: float


def logrolls(space: AdditiveSpace, reference: list[int], i: int, j: int, top: int = 3,
             tol: float = TOL) -> list[Trade]:
    """The best two-issue trades between actors ``i`` and ``j`` from package ``reference``
    (option index per issue), ranked by the smaller of the two gains.

    Only genuine trades are returned: each single move on its own hurts one of the two and
    helps the other, and together they raise both by more than ``tol``.
    """
    moves = []  # (issue, option, delta_i, delta_j)
    for k, table in enumerate(space.contrib):
        r = reference[k]
        for o in range(table.shape[1]):
            if o == r:
                continue
            moves.append((k, o, table[i, o] - table[i, r], table[j, o] - table[j, r]))
    if not moves:
        return []
    arr = np.array(moves)
    iss, opt, di, dj = arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2], arr[:, 3]
    give = (di < -tol) & (dj > tol)   # i concedes, j gains
    take = (dj < -tol) & (di > tol)   # j concedes, i gains
    g, t = np.flatnonzero(give), np.flatnonzero(take)
    if g.size == 0 or t.size == 0:
        return []
    gi = di[g][:, None] + di[t][None, :]
    gj = dj[g][:, None] + dj[t][None, :]
    ok = (gi > tol) & (gj > tol) & (iss[g][:, None] != iss[t][None, :])
    if not ok.any():
        return []
    score = np.where(ok, np.minimum(gi, gj), -np.inf)
    flat = np.argsort(-score, axis=None, kind="stable")[: min(top, int(ok.sum()))]
    out = []
    for f in flat:
        a, b = np.unravel_index(f, score.shape)
        out.append(Trade(i, j, int(iss[g[a]]), int(opt[g[a]]), int(iss[t[b]]), int(opt[t[b]]),
                         float(gi[a, b]), float(gj[a, b])))
    return out
