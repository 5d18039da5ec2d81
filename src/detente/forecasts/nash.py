"""The Nash bargaining solution on one issue, with a disagreement point set by the voting rule.

Achen (2006), "Institutional realism and bargaining models", in Thomson, Stokman, Achen &
König (eds), *The European Union Decides*, ch. 4, derives the compromise model as an
approximation of the asymmetric Nash bargaining solution (Nash 1950; Roth 1979): the outcome
maximises the Nash product

    x* = argmax_x Σᵢ wᵢ log(uᵢ(x) − uᵢ(dᵢ)),   uᵢ(x) = −(x − xᵢ)²   (unit scale, quadratic loss)

with bargaining weights wᵢ = cᵢsᵢ (capability × salience) over the points every bargainer
prefers to its disagreement outcome. When disagreement is equally and very costly for everyone
the first-order condition Σᵢ wᵢ(x − xᵢ)/(uᵢ(x) − uᵢ(dᵢ)) = 0 becomes Σᵢ wᵢ(x − xᵢ) = 0: the
compromise model. What the disagreement is depends on the Council's voting rule — the
institutional part of Achen's argument:

- **unanimity**: each member state can veto and keep the reference point r (status quo), so a
  state's disagreement utility is uᵢ(r) − ε_unan;
- **QMV** (and for the Commission and the Parliament, and when the rule or r is unknown): no
  single actor can keep r; its disagreement is the worst outcome on the scale,
  uᵢ(dᵢ) = −1 − ε_qmv.

ε ≥ 0 is the extra cost of deadlock (unit scale squared); ε = ∞ is the compromise model itself,
ε = 0 under unanimity confines the outcome to the unanimity win-set of r (an actor holding r
keeps it there). The objective is concave on the feasible interval, so its unique maximiser is
found by bisection on the derivative, all issues at once.

Variant shipped (fixed before any score, ``docs/forecast-protocol.md``): ε_qmv and ε_unan each
chosen from :data:`EPSILONS` by the lowest training MAE of that rule's issues (ties: the first,
i.e. the larger ε, nearer the compromise). The default parameters, :data:`FITTED_NASH`, are that
fit on all 231 scorable issues of the DEU development file: ε = ∞ under both rules, i.e. the
data choose the compromise model. :data:`UNFITTED_NASH` (ε = 1: deadlock costs as much as the
whole scale) is used where there is nothing to fit on (the war cases).

>>> from detente.formats.table import StakeholderTable
>>> t = StakeholderTable.build(["a", "b"], [1, 1], [20, 80], [1, 1], scale=(0.0, 100.0))
>>> round(float(NashModel(UNFITTED_NASH).forecast(t).position[0]), 6)
50.0
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
INF = float("inf")
#: Grid of deadlock costs searched per voting rule (in this order; ties keep the first).
EPSILONS: tuple[float, ...] = (INF, 4.0, 1.0, 0.5, 0.25, 0.1, 0.05, 0.0)


@dataclass(frozen=True)
class NashParams:
    """Deadlock costs ε under QMV and under unanimity (unit scale squared; ∞ = compromise)."""

    eps_qmv: float = 1.0
    eps_unan: float = 1.0


#: :func:`fit_nash` on the 231 scorable issues of the DEU development file (capability by era).
FITTED_NASH = NashParams(INF, INF)
#: Deadlock as costly as the whole scale: the default where nothing can be fitted.
UNFITTED_NASH = NashParams(1.0, 1.0)


def disagreement_radius(p: Issues, eps_qmv: float, eps_unan: float) -> F:
    """ρᵢ with uᵢ(x) − uᵢ(dᵢ) = ρᵢ² − (x − xᵢ)²: √((r − xᵢ)² + ε_unan) for member states on
    unanimity issues with a known r, √(1 + ε_qmv) for everyone else, shape (I, N)."""
    veto = p.is_state & (p.unanimity & p.has_ref)[:, None]
    d_veto = (p.ref[:, None] - p.x) ** 2 + eps_unan
    return np.sqrt(np.where(veto, d_veto, 1.0 + eps_qmv))


def nash_unit(p: Issues, eps_qmv: float, eps_unan: float, iterations: int = 60,
              tol: float = 1e-12) -> F:
    """The Nash bargaining point of every packed issue on the unit scale, shape (I,)."""
    w = support(p)
    comp = (w * p.x).sum(axis=1) / w.sum(axis=1)
    if np.isinf(eps_qmv) and np.isinf(eps_unan):
        return comp
    rho = disagreement_radius(p, min(eps_qmv, 1e300), min(eps_unan, 1e300))
    active = w > tol
    a = np.where(active, p.x - rho, -INF).max(axis=1)
    b = np.where(active, p.x + rho, INF).min(axis=1)
    lo, hi = a.copy(), b.copy()
    for _ in range(iterations):
        mid = (lo + hi) / 2
        dx = mid[:, None] - p.x
        g = np.maximum(rho**2 - dx**2, tol)
        slope = np.where(active, -2 * w * dx / g, 0.0).sum(axis=1)
        lo = np.where(slope > 0, mid, lo)
        hi = np.where(slope > 0, hi, mid)
    out = np.where(b - a > tol, (lo + hi) / 2, a)
    # ε = ∞ for one rule: those issues are the compromise model's
    use_comp = np.where(p.unanimity & p.has_ref, np.isinf(eps_unan), np.isinf(eps_qmv))
    return np.where(use_comp, comp, out)


def fit_nash(tables: list[StakeholderTable], outcomes: F) -> tuple[NashParams, float]:
    """ε per voting rule from :data:`EPSILONS`, each minimising that rule's training MAE."""
    p = pack_issues(tables)
    y = np.asarray(outcomes, dtype=float)
    unan = p.unanimity & p.has_ref
    errs = np.array([np.abs(p.to_scale(nash_unit(p, e, e)) - y) for e in EPSILONS])
    best_q = int(np.argmin(errs[:, ~unan].sum(axis=1))) if (~unan).any() else 0
    best_u = int(np.argmin(errs[:, unan].sum(axis=1))) if unan.any() else 0
    params = NashParams(EPSILONS[best_q], EPSILONS[best_u])
    mae = float(np.abs(p.to_scale(nash_unit(p, params.eps_qmv, params.eps_unan)) - y).mean())
    return params, mae


@dataclass(frozen=True)
class NashModel:
    """The Nash bargaining solution with voting-rule-dependent disagreement (Achen 2006)."""

    params: NashParams = FITTED_NASH
    name: str = "nash"

    def options(self) -> dict[str, Any]:
        return asdict(self.params)

    def forecast_batch(self, tables: list[StakeholderTable]) -> F:
        """Dimension 0 of many one-issue tables at once, shape (I,)."""
        p = pack_issues(tables)
        return p.to_scale(nash_unit(p, self.params.eps_qmv, self.params.eps_unan))

    def forecast(self, table: StakeholderTable) -> Forecast:
        pos = np.array([self.forecast_batch([table.dimension(k)])[0]
                        for k in range(table.n_dimensions)])
        return Forecast(self.name, pos, options=self.options(), warnings=table.warnings)

    def fit(self, tables: list[StakeholderTable], outcomes: F) -> NashModel:
        """Refitted by :func:`fit_nash` on these issues only."""
        return NashModel(fit_nash(tables, outcomes)[0], self.name)


__all__ = ["EPSILONS", "FITTED_NASH", "UNFITTED_NASH", "NashModel", "NashParams", "fit_nash",
           "nash_unit"]
