"""Many one-issue stakeholder tables as padded arrays, so a model runs on all issues at once.

Issues have different numbers of actors; each is padded to the largest N with ``valid`` False
(weight 0). Positions are put on the unit scale of each table (its ``scale``, else the range of
its positions), so models can work on 0–1 and scale back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.eu_council import INSTITUTIONS
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
B = NDArray[np.bool_]


@dataclass(frozen=True)
class Issues:
    """Padded arrays of I issues (dimension ``dim`` of each table).

    ``x`` positions on 0–1, ``c`` capability, ``s`` salience, ``valid``, ``is_com``,
    ``is_ep``: (I, N). ``ref`` (0–1; 0 where unknown), ``has_ref``, ``unanimity``, ``cod``
    (codecision), ``lo``, ``span`` (the unit scale: value = lo + span · unit): (I,).
    """

    x: F
    c: F
    s: F
    valid: B
    is_com: B
    is_ep: B
    ref: F
    has_ref: B
    unanimity: B
    cod: B
    lo: F
    span: F

    @property
    def is_state(self) -> B:
        """Member states (not the Commission or the Parliament), padded entries False."""
        return self.valid & ~self.is_com & ~self.is_ep

    def to_scale(self, unit: F) -> F:
        """Unit-scale values (I,) back on each table's own scale."""
        return self.lo + self.span * unit


def pack_issues(tables: list[StakeholderTable], dim: int = 0) -> Issues:
    """Pack dimension ``dim`` of each table (see :class:`Issues`)."""
    n = max(t.n_actors for t in tables)
    size = len(tables)
    x, c, s = np.zeros((size, n)), np.zeros((size, n)), np.zeros((size, n))
    valid, is_com, is_ep = (np.zeros((size, n), bool) for _ in range(3))
    ref, lo, span = np.zeros(size), np.zeros(size), np.ones(size)
    has_ref, unan, cod = (np.zeros(size, bool) for _ in range(3))
    for j, t in enumerate(tables):
        m = t.n_actors
        pos = t.position[:, dim]
        low, high = t.scale or (float(pos.min()), float(pos.max()))
        lo[j], span[j] = low, (high - low) or 1.0
        x[j, :m] = (pos - lo[j]) / span[j]
        c[j, :m] = t.capability
        s[j, :m] = t.salience[:, dim]
        valid[j, :m] = True
        names = np.array(t.actors)
        is_com[j, :m] = names == INSTITUTIONS[0]
        is_ep[j, :m] = names == INSTITUTIONS[1]
        unan[j] = t.decision_rule == "unanimity"
        cod[j] = t.procedure == "COD"
        if t.reference is not None:
            ref[j], has_ref[j] = (t.reference[dim] - lo[j]) / span[j], True
    return Issues(x, c, s, valid, is_com, is_ep, ref, has_ref, unan, cod, lo, span)


def support(p: Issues, tol: float = 1e-12) -> F:
    """c·s per actor, or c alone on an issue where every salience is zero (as the compromise
    model does), 0 on padding."""
    w = p.c * p.s
    zero = w.sum(axis=1, keepdims=True) <= tol
    return np.where(p.valid, np.where(zero, p.c, w), 0.0)


def pack_draws(table: StakeholderTable, c: F, x: F, s: F, dim: int = 0) -> Issues:
    """Monte Carlo draws of one table as packed issues: ``c`` (D, N), ``x`` and ``s``
    (D, N) for dimension ``dim``; every draw keeps the table's scale, r, rule and procedure."""
    one = pack_issues([table.dimension(dim)])
    d = x.shape[0]
    rep = np.repeat
    return Issues((x - one.lo[0]) / one.span[0], c, s, rep(one.valid, d, 0),
                  rep(one.is_com, d, 0), rep(one.is_ep, d, 0), rep(one.ref, d),
                  rep(one.has_ref, d), rep(one.unanimity, d), rep(one.cod, d), rep(one.lo, d),
                  rep(one.span, d))
