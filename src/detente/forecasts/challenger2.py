"""Challenger v2: the weighted median of a predictive distribution over candidate points.

The error measure is absolute, so the best point forecast is the *median* of a predictive
distribution. DEU outcomes concentrate on positions actors hold (often the scale's ends), on the
compromise, or stay at the reference point; the distribution puts mass on exactly these:

- the actors' positions, total mass 1 − κ − ρ', split ∝ wᵢ·exp(−(|xᵢ − x̂| − minⱼ|xⱼ − x̂|)/τ)
  with support wᵢ = cᵢsᵢmᵢ (mᵢ = role multiplier of the Commission / the Parliament, 1 for
  states; cᵢmᵢ when every salience is 0) and x̂ = Σwᵢxᵢ/Σwᵢ the compromise (Achen 2006;
  Thomson et al. 2006); τ = ∞ gives the support itself;
- the compromise x̂, mass κ (κ > ½ makes the forecast the compromise model's);
- the reference point r, mass ρ' = ρ when the issue has one (else 0).

The forecast is the distribution's weighted median (lower end on ties). Under unanimity with a
known r, ``veto`` clips it to the unanimity win-set of r: the points every member state weakly
prefers to r with linear preferences, [maxᵢ(xᵢ − |r − xᵢ|), minᵢ(xᵢ + |r − xᵢ|)] (Tsebelis 2002,
veto players; the procedural models in Thomson et al. 2006), so the most reluctant state bounds
the change. τ, κ and the role multipliers are shared; ρ (and ``veto`` under unanimity) are set
per voting rule. :func:`fit_challenger2` chooses them by grid search; the protocol that scores
the procedure out of sample (grouped 10-fold cross-validation) is in ``docs/forecasts.md``.

>>> from detente.formats.table import StakeholderTable
>>> t = StakeholderTable.build(["a", "b", "c"], [1, 1, 2], [0, 30, 100], [1, 1, 1])
>>> float(ChallengerV2Model(Challenger2Params()).forecast(t).position[0])
30.0
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.forecasts.base import Forecast
from detente.forecasts.compromise import weighted_median
from detente.forecasts.eu_council import INSTITUTIONS
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
B = NDArray[np.bool_]
INF = float("inf")

#: Grid shared by both voting rules, searched in this order (ties keep the first).
GRID: dict[str, tuple[float, ...]] = {
    "tau": (INF, 40.0, 20.0, 10.0, 5.0, 2.0),
    "kappa": (0.0, 0.2, 0.4, 0.6),
    "com": (1.0, 2.0),
    "ep": (1.0, 0.5),
}
#: Per-rule choices: ρ for QMV; (ρ, veto) for unanimity (product order).
RHO: tuple[float, ...] = (0.0, 0.1, 0.25)
VETO: tuple[bool, ...] = (False, True)


@dataclass(frozen=True)
class RuleParams:
    """Parameters of one voting rule: ρ, the reference point's mass, and whether the forecast
    is clipped to the unanimity win-set of the reference point (used under unanimity only)."""

    rho: float = 0.0
    veto: bool = False


@dataclass(frozen=True)
class Challenger2Params:
    """τ (kernel width on the position scale; ∞ = none), κ (the compromise's mass), the
    Commission's and Parliament's support multipliers, and the per-rule parameters."""

    tau: float = INF
    kappa: float = 0.0
    com: float = 1.0
    ep: float = 1.0
    qmv: RuleParams = RuleParams()
    unanimity: RuleParams = RuleParams()


@dataclass(frozen=True)
class Packed:
    """Issues (one dimension each) padded to a common number of actors N for batch use.

    ``x``, ``base`` (support before role multipliers), ``valid``, ``is_com``, ``is_ep``:
    (I, N); ``ref`` (0 where unknown), ``has_ref``, ``unanimity``, ``lo``, ``hi`` (the
    unanimity win-set of ``ref`` over member states, ±∞ when undefined): (I,).
    """

    x: F
    base: F
    valid: B
    is_com: B
    is_ep: B
    ref: F
    has_ref: B
    unanimity: B
    lo: F
    hi: F


def pack(tables: list[StakeholderTable], dim: int = 0, tol: float = 1e-12) -> Packed:
    """Pack dimension ``dim`` of each table into padded arrays (see :class:`Packed`)."""
    n = max(t.n_actors for t in tables)
    size = len(tables)
    x, base = np.zeros((size, n)), np.zeros((size, n))
    valid, is_com, is_ep = (np.zeros((size, n), bool) for _ in range(3))
    ref, lo, hi = np.zeros(size), np.full(size, -INF), np.full(size, INF)
    has_ref, unan = np.zeros(size, bool), np.zeros(size, bool)
    for j, t in enumerate(tables):
        m = t.n_actors
        xs, s = t.position[:, dim], t.salience[:, dim]
        w = t.capability * s
        x[j, :m] = xs
        base[j, :m] = w if w.sum() > tol else t.capability
        valid[j, :m] = True
        names = np.array(t.actors)
        is_com[j, :m] = names == INSTITUTIONS[0]
        is_ep[j, :m] = names == INSTITUTIONS[1]
        unan[j] = t.decision_rule == "unanimity"
        if t.reference is not None:
            r = t.reference[dim]
            ref[j], has_ref[j] = r, True
            states = ~np.isin(names, INSTITUTIONS)
            if states.any():
                lo[j] = np.max(xs[states] - np.abs(r - xs[states]))
                hi[j] = np.min(xs[states] + np.abs(r - xs[states]))
    return Packed(x, base, valid, is_com, is_ep, ref, has_ref, unan, lo, hi)


def predict(p: Packed, tau: float, kappa: float, com: float, ep: float,
            rho: F | float, veto: B | bool, tol: float = 1e-12) -> F:
    """The forecast of every packed issue (I,); ``rho`` and ``veto`` may vary by issue."""
    w = p.base * np.where(p.is_com, com, 1.0) * np.where(p.is_ep, ep, 1.0)
    xhat = (w * p.x).sum(axis=1) / w.sum(axis=1)
    if np.isinf(tau):
        k = w
    else:
        d = np.where(p.valid, np.abs(p.x - xhat[:, None]), INF)
        k = w * np.exp(-(d - d.min(axis=1, keepdims=True)) / tau)
        k = np.where(k.sum(axis=1, keepdims=True) > tol, k, w)
    r = np.where(p.has_ref, np.broadcast_to(rho, xhat.shape), 0.0)
    mass = (1.0 - kappa - r)[:, None] * k / k.sum(axis=1, keepdims=True)
    pts = np.concatenate([p.x, xhat[:, None], np.where(p.has_ref, p.ref, xhat)[:, None]], 1)
    wts = np.concatenate([mass, np.full((len(xhat), 1), kappa), r[:, None]], axis=1)
    med = weighted_median(pts, np.ones_like(pts), wts)
    clip = p.unanimity & p.has_ref & np.broadcast_to(veto, xhat.shape)
    return np.where(clip, np.clip(med, p.lo, p.hi), med)


def predict_params(p: Packed, params: Challenger2Params) -> F:
    """:func:`predict` with each issue's voting-rule parameters."""
    rho = np.where(p.unanimity, params.unanimity.rho, params.qmv.rho)
    veto = p.unanimity & params.unanimity.veto
    return predict(p, params.tau, params.kappa, params.com, params.ep, rho, veto)


def fit_challenger2(tables: list[StakeholderTable], outcomes: F
                    ) -> tuple[Challenger2Params, float]:
    """Grid search (:data:`GRID`, :data:`RHO`, :data:`VETO`) for the lowest MAE on the given
    issues (dimension 0 of each table). For each shared combination the per-rule parameters
    minimise that rule's error; ties keep the first in grid order. Returns (params, MAE)."""
    p = pack(tables)
    y = np.asarray(outcomes, dtype=float)
    unan = p.unanimity
    rule_grid = list(itertools.product(RHO, VETO))
    best: tuple[float, Challenger2Params] | None = None
    for tau, kappa, com, ep in itertools.product(*GRID.values()):
        err = np.array([np.abs(predict(p, tau, kappa, com, ep, rho, veto) - y)
                        for rho, veto in rule_grid])                   # (rules, I)
        q_err = err[[rule_grid.index((rho, False)) for rho in RHO]][:, ~unan].sum(axis=1)
        u_err = err[:, unan].sum(axis=1)
        qi, ui = int(np.argmin(q_err)), int(np.argmin(u_err))
        mae = float((q_err[qi] + u_err[ui]) / len(y))
        if best is None or mae < best[0] - 1e-12:
            params = Challenger2Params(tau, kappa, com, ep, RuleParams(RHO[qi], False),
                                       RuleParams(*rule_grid[ui]))
            best = (mae, params)
    assert best is not None
    return best[1], best[0]


#: Parameters from :func:`fit_challenger2` on all 231 scorable issues of the DEU dev file
#: (capability by era); in-sample MAE 20.84. The cross-validated score of the procedure is in
#: ``docs/forecasts.md``.
FITTED_V2 = Challenger2Params(tau=5.0, kappa=0.4, com=2.0, ep=1.0, qmv=RuleParams(rho=0.1),
                              unanimity=RuleParams(rho=0.25, veto=False))


@dataclass(frozen=True)
class ChallengerV2Model:
    """Challenger v2 as a :class:`~detente.forecasts.base.Forecaster` that can be refitted
    (``fit``), so cross-validation can fit it inside each fold."""

    params: Challenger2Params = field(default_factory=lambda: FITTED_V2)
    name: str = "challenger2"

    def options(self) -> dict[str, Any]:
        """The parameters as a JSON-friendly dict."""
        return asdict(self.params)

    def forecast(self, table: StakeholderTable) -> Forecast:
        pos = np.array([predict_params(pack([table], k), self.params)[0]
                        for k in range(table.n_dimensions)])
        return Forecast(self.name, pos, options=self.options(), warnings=table.warnings)

    def fit(self, tables: list[StakeholderTable], outcomes: F) -> ChallengerV2Model:
        """The model refitted by :func:`fit_challenger2` on these issues only."""
        return ChallengerV2Model(fit_challenger2(tables, outcomes)[0], self.name)
