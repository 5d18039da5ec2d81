"""A procedural model of EU legislation: the Commission sets the agenda, the Council (by its
voting rule) and, under codecision, the Parliament are veto players.

Steunenberg (1994), "Decision making under different institutional arrangements: legislation by
the European Community", *J. Institutional and Theoretical Economics* 150(4); Tsebelis (2002),
*Veto Players: How Political Institutions Work*, ch. 11; the procedural models of Thomson et al.
(eds, 2006), *The European Union Decides*, ch. 3. One dimension, linear (symmetric)
preferences, reference point r (the status quo if no law is adopted):

- member state i accepts x over r iff |x − xᵢ| ≤ |r − xᵢ|, i.e. x ∈ [min(r, 2xᵢ − r),
  max(r, 2xᵢ − r)];
- the Council accepts x when states holding a share ≥ q of the Council weight (capability) of
  the states with a position accept it — q = ``qmv_quota`` under QMV (Amsterdam 62/87 ≈ 0.71),
  1 under unanimity. Its acceptance set is an interval [L, U] ∋ r;
- under codecision (COD) the Parliament must accept x too; under consultation it has no veto;
- the Council can amend a proposal unanimously, so the Commission keeps its proposal inside the
  Council's unanimity core [minᵢ xᵢ, maxᵢ xᵢ] where that meets [L, U] (Steunenberg 1994);
- the Commission, the agenda setter, proposes the acceptable point nearest its own position:
  x* = clip(x_com, feasible interval).

The model needs r and the Commission's position: an issue without r (or without a Commission
position) gets the compromise model's forecast, and the model says so (a warning and
``details`` of its forecast; 81 of the 231 DEU dev issues). Variant shipped: q = 0.71, no
parameter fitted.

>>> from detente.formats.table import StakeholderTable
>>> t = StakeholderTable.build(["com", "de", "fr", "it"], [1, 10, 10, 10], [100, 60, 80, 20],
...                            [1, 1, 1, 1], scale=(0.0, 100.0), reference=(0.0,),
...                            decision_rule="unanimity")
>>> float(ProceduralModel().forecast(t).position[0])
40.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast
from detente.forecasts.packing import Issues, pack_issues, support
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
B = NDArray[np.bool_]
INF = float("inf")


@dataclass(frozen=True)
class ProceduralParams:
    """``qmv_quota``: share of the Council weight needed under QMV."""

    qmv_quota: float = 0.71


def council_interval(p: Issues, quota: F) -> tuple[F, F]:
    """[L, U]: the points above / below r that states with ≥ ``quota`` (I,) of the weight
    accept (the weighted upper / lower quantile of yᵢ = 2xᵢ − r, bounded by r)."""
    y = np.where(p.is_state, 2 * p.x - p.ref[:, None], np.nan)
    wt = np.where(p.is_state, p.c, 0.0)
    need = quota * wt.sum(axis=1) - 1e-12
    bounds = []
    for sign in (1.0, -1.0):                     # U: accept x ≤ yᵢ above r; L: mirrored
        ys = np.where(p.is_state, sign * y, -INF)
        order = np.argsort(-ys, axis=1, kind="stable")
        sorted_y = np.take_along_axis(ys, order, axis=1)
        cum = np.cumsum(np.take_along_axis(wt, order, axis=1), axis=1)
        k = np.argmax(cum >= need[:, None], axis=1)
        bound = sign * np.take_along_axis(sorted_y, k[:, None], axis=1)[:, 0]
        bounds.append(np.maximum(sign * bound, sign * p.ref) * sign)
    upper, lower = bounds
    return lower, upper


def procedural_unit(p: Issues, quota_qmv: float) -> tuple[F, B]:
    """The agenda setter's outcome on the unit scale (I,) and which issues could not be run
    (no reference point, no Commission position or no member state: compromise instead)."""
    w = support(p)
    comp = (w * p.x).sum(axis=1) / w.sum(axis=1)
    has_com = p.is_com.any(axis=1)
    states = p.is_state.any(axis=1)
    ok = p.has_ref & has_com & states
    quota = np.where(p.unanimity, 1.0, quota_qmv)
    lower, upper = council_interval(p, quota)
    ep_y = np.where(p.is_ep, 2 * p.x - p.ref[:, None], np.nan)
    ep_lo = np.where(p.is_ep & p.cod[:, None], np.minimum(ep_y, p.ref[:, None]), -INF)
    ep_hi = np.where(p.is_ep & p.cod[:, None], np.maximum(ep_y, p.ref[:, None]), INF)
    lower = np.maximum(lower, ep_lo.max(axis=1))
    upper = np.minimum(upper, ep_hi.min(axis=1))
    core_lo = np.where(p.is_state, p.x, INF).min(axis=1)
    core_hi = np.where(p.is_state, p.x, -INF).max(axis=1)
    in_lo, in_hi = np.maximum(lower, core_lo), np.minimum(upper, core_hi)
    meets = in_lo <= in_hi
    lo = np.where(meets, in_lo, lower)
    hi = np.where(meets, in_hi, upper)
    x_com = np.where(p.is_com, p.x, 0.0).sum(axis=1)
    out = np.clip(x_com, lo, hi)
    return np.where(ok, out, comp), ~ok


@dataclass(frozen=True)
class ProceduralModel:
    """Agenda setter and veto players (Steunenberg 1994; Tsebelis 2002) as a forecaster."""

    params: ProceduralParams = ProceduralParams()
    name: str = "procedural"

    def options(self) -> dict[str, Any]:
        return asdict(self.params)

    def forecast_batch(self, tables: list[StakeholderTable]) -> F:
        """Dimension 0 of many one-issue tables at once, shape (I,)."""
        p = pack_issues(tables)
        unit, _ = procedural_unit(p, self.params.qmv_quota)
        return p.to_scale(unit)

    def forecast(self, table: StakeholderTable) -> Forecast:
        pos, missing = [], []
        for k in range(table.n_dimensions):
            p = pack_issues([table.dimension(k)])
            unit, fallback = procedural_unit(p, self.params.qmv_quota)
            pos.append(float(p.to_scale(unit)[0]))
            if fallback[0]:
                missing.append(table.dimensions[k])
        warnings = list(table.warnings)
        if missing:
            warnings.append("procedural model needs a reference point, a Commission ('com') "
                            "position and member states: compromise model used on "
                            + ", ".join(missing))
        return Forecast(self.name, np.array(pos), options=self.options(),
                        warnings=tuple(warnings), details={"compromise_used_on": missing})
