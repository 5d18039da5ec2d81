"""Challenger v4: forecasts aimed at the conditional median, from the models already here.

The mean absolute error is minimised by the conditional *median* of the outcome, while the
compromise model (Achen 2006) is a weighted *mean*; DEU outcomes are lumpy (a third at an
end of the scale, two thirds at some actor's position). Four candidates, fixed before any was
scored (``docs/forecast-protocol.md``, amendment of the fourth session), all built on six
*members* — forecasts of an issue that are not fitted on outcomes (:data:`MEMBERS`): the
compromise x̂, the c·s-weighted median (Black 1948), the exchange model (Stokman & Van Oosten
1994), the procedural model (Steunenberg 1994; Tsebelis 2002), the reference point r and the
Commission's position (each of the last two x̂ where the issue lacks it):

- ``lad-stack`` (F) — Σₘ αₘ fₘ with α on the simplex fitted by least absolute deviations
  (median regression, Koenker & Bassett 1978, *Econometrica* 46(1); stacking, Wolpert 1992,
  Breiman 1996), solved exactly as a linear programme (:func:`lad_weights`);
- ``lad-stack-rule`` (F2) — F with one α per Council voting rule;
- ``snap`` (G) — the lump (an actor's position, r, an end of the scale) nearest x̂ if it lies
  within δ of it, else x̂;
- ``lad-shrunk`` (H) — F with the penalty λ·(1 − α_compromise) = (λ/2)·‖α − e_compromise‖₁
  (shrinkage toward the compromise), λ chosen by grouped CV inside the training issues.

Everything is fitted in *percent of the scale* (0–100 of each table's scale), so λ and δ mean
the same on any units. The variant shipped, :data:`FITTED_C4`, is the one the amendment's
one-standard-error rule chose, fitted on all 231 scorable issues of the DEU development file.

>>> from detente.formats.table import StakeholderTable
>>> t = StakeholderTable.build(["com", "de", "fr"], [10, 10, 20], [100, 0, 50], [1, 1, 1],
...                            scale=(0.0, 100.0))
>>> float(Challenger4Model(Challenger4Params("snap", delta=0.05)).forecast(t).position[0])
50.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog

from detente.errors import AnalysisError
from detente.forecasts.base import Forecast, Memo, forecast_issues, group_of
from detente.forecasts.compromise import weighted_median
from detente.forecasts.crossval import cv_fold
from detente.forecasts.exchange import ExchangeModel
from detente.forecasts.packing import pack_issues, support
from detente.forecasts.procedural import ProceduralModel
from detente.formats.table import StakeholderTable

F = NDArray[np.float64]
I64 = NDArray[np.int64]

MEMBERS = ("compromise", "median", "exchange", "procedural", "reference", "commission")
VARIANTS = ("lad-stack", "lad-stack-rule", "snap", "lad-shrunk")
#: Fitted parameters of each variant (the selection rule's tie-break).
N_PARAMS = {"lad-stack": 5, "lad-stack-rule": 10, "snap": 1, "lad-shrunk": 6}
#: δ (share of the scale) searched by ``snap``, in search order (0 is the compromise).
DELTA_GRID: tuple[float, ...] = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
#: λ (MAE points on 0–100 per unit of weight taken from the compromise), largest first.
SHRINK_GRID: tuple[float, ...] = (8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.0)
#: Tie-break of the LAD fit: among equally good α, the largest compromise weight.
TIE = 1e-9
#: A voting rule with fewer training issues gets the pooled α (``lad-stack-rule``).
MIN_RULE = 10
COMPROMISE_ONLY: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Stack:
    """Member forecasts of I issues in percent of each table's scale.

    ``f`` (members, I); ``lumps`` (I, L): candidate points of ``snap`` (NaN where absent);
    ``unanimity`` (I,); ``groups``: proposal of each issue; ``lo``, ``span`` (I,): value =
    lo + span · percent / 100.
    """

    f: F
    lumps: F
    unanimity: NDArray[np.bool_]
    groups: tuple[str, ...]
    lo: F
    span: F

    @property
    def xhat(self) -> F:
        return self.f[0]

    def take(self, idx: I64) -> Stack:
        return Stack(self.f[:, idx], self.lumps[idx], self.unanimity[idx],
                     tuple(self.groups[i] for i in idx), self.lo[idx], self.span[idx])

    def percent(self, values: F) -> F:
        """Values on each table's scale → percent of the scale."""
        return 100.0 * (np.asarray(values, dtype=float) - self.lo) / self.span

    def to_scale(self, pct: F) -> F:
        return self.lo + self.span * np.asarray(pct) / 100.0


def stack_issues(tables: list[StakeholderTable], memo: Memo | None = None,
                 models: bool = True) -> Stack:
    """Every member's forecast of dimension 0 of each one-issue table (see :class:`Stack`);
    the exchange and procedural forecasts come from ``memo`` when already made, and are not
    run at all (NaN rows) with ``models=False`` (``snap`` needs only x̂ and the lumps)."""
    p = pack_issues(tables)
    w = support(p)
    xhat = (w * p.x).sum(axis=1) / w.sum(axis=1)
    med = weighted_median(p.x, np.ones_like(p.x), w)
    ref = np.where(p.has_ref, p.ref, xhat)
    has_com = p.is_com.any(axis=1)
    com = np.where(has_com, (p.x * p.is_com).sum(axis=1) / np.maximum(p.is_com.sum(axis=1), 1),
                   xhat)
    lo, span = p.lo, p.span
    runs = [np.full(len(tables), np.nan)] * 2
    if models:
        runs = [(forecast_issues(m, tables, memo) - lo) / span
                for m in (ExchangeModel(), ProceduralModel())]
    unit = [xhat, med, *runs, ref, com]
    ends = np.zeros((len(tables), 2))
    ends[:, 1] = 1.0
    lumps = np.concatenate([np.where(p.valid, p.x, np.nan),
                            np.where(p.has_ref, p.ref, np.nan)[:, None], ends], axis=1)
    return Stack(100.0 * np.stack(unit), 100.0 * lumps, p.unanimity.copy(),
                 tuple(group_of(t) for t in tables), lo.copy(), span.copy())


def lad_weights(f: F, y: F, lam: float = 0.0) -> F:
    """α on the simplex minimising (1/n)Σ|y − αᵀf| + (λ + TIE)(1 − α₀), member 0 = the
    compromise; an exact linear programme (HiGHS): α, e⁺, e⁻ ≥ 0, αᵀf + e⁺ − e⁻ = y, Σα = 1
    (Koenker & Bassett 1978; Charnes, Cooper & Ferguson 1955 for LAD as an LP)."""
    m, n = f.shape
    if n == 0:
        return np.eye(m)[0]
    cost = np.concatenate([np.zeros(m), np.full(2 * n, 1.0 / n)])
    cost[0] -= lam + TIE
    eye = sparse.identity(n, format="csr")
    a_eq = sparse.vstack([sparse.hstack([sparse.csr_matrix(f.T), eye, -eye]),
                          sparse.hstack([sparse.csr_matrix(np.ones((1, m))),
                                         sparse.csr_matrix((1, 2 * n))])]).tocsc()
    b_eq = np.concatenate([np.asarray(y, dtype=float), [1.0]])
    res = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - a feasible bounded LP always solves
        raise AnalysisError.one("the LAD stacking programme did not solve", value=res.message)
    alpha = np.clip(res.x[:m], 0.0, None)
    return alpha / alpha.sum()


def snap_forecasts(st: Stack, deltas: tuple[float, ...] | F) -> F:
    """``snap`` for each δ in ``deltas``, shape (len(deltas), I): the lump nearest x̂ (the
    lower one on ties) where it lies within 100·δ percent of x̂, else x̂."""
    d = np.abs(st.lumps - st.xhat[:, None])
    d = np.where(np.isnan(d), np.inf, d)
    dmin = d.min(axis=1)
    nearest = np.where(d <= dmin[:, None] + 1e-9, st.lumps, np.inf).min(axis=1)
    within = dmin[None, :] <= 100.0 * np.asarray(deltas, dtype=float)[:, None] + 1e-9
    return np.where(within, nearest[None, :], st.xhat[None, :])


@dataclass(frozen=True)
class Challenger4Params:
    """The variant and its fitted parameters: member weights (per :data:`MEMBERS`;
    ``weights_unan`` for unanimity issues under ``lad-stack-rule``), δ of ``snap``, λ of
    ``lad-shrunk`` (as chosen by its inner CV)."""

    variant: str = "lad-stack"
    weights: tuple[float, ...] = COMPROMISE_ONLY
    weights_unan: tuple[float, ...] | None = None
    delta: float = 0.0
    lam: float = 0.0

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise AnalysisError.one("unknown challenger4 variant", path="variant",
                                    value=self.variant, allowed=", ".join(VARIANTS))
        for path, w in (("weights", self.weights), ("weights_unan", self.weights_unan)):
            if w is not None and (len(w) != len(MEMBERS) or min(w) < -1e-12
                                  or abs(sum(w) - 1.0) > 1e-6):
                raise AnalysisError.one("member weights must be on the simplex", path=path,
                                        value=w, allowed=f"{len(MEMBERS)} weights ≥ 0, sum 1")


def predict_percent(st: Stack, q: Challenger4Params) -> F:
    """The forecast of every stacked issue in percent of its scale, (I,)."""
    if q.variant == "snap":
        return snap_forecasts(st, (q.delta,))[0]
    pooled = np.asarray(q.weights) @ st.f
    if q.weights_unan is None:
        return pooled
    return np.where(st.unanimity, np.asarray(q.weights_unan) @ st.f, pooled)


def _rounded(w: F) -> tuple[float, ...]:
    return tuple(float(v) for v in np.round(w, 12))


def fit_params(variant: str, st: Stack, y: F) -> Challenger4Params:
    """Fit ``variant`` on these stacked issues (outcomes ``y`` in percent of the scale)."""
    if variant == "snap":
        err = np.abs(snap_forecasts(st, DELTA_GRID) - y).sum(axis=1)
        return Challenger4Params("snap", delta=DELTA_GRID[int(np.argmin(err))])
    if variant == "lad-shrunk":
        lam = choose_shrinkage(st, y)
        return Challenger4Params(variant, _rounded(lad_weights(st.f, y, lam)), lam=lam)
    pooled = lad_weights(st.f, y)
    if variant == "lad-stack":
        return Challenger4Params(variant, _rounded(pooled))
    by_rule = []
    for mask in (~st.unanimity, st.unanimity):
        by_rule.append(lad_weights(st.f[:, mask], y[mask]) if mask.sum() >= MIN_RULE
                       else pooled)
    return Challenger4Params(variant, _rounded(by_rule[0]), _rounded(by_rule[1]))


def choose_shrinkage(st: Stack, y: F) -> float:
    """λ of ``lad-shrunk`` by grouped CV on these issues (their own hash folds, the v2
    folds): the lowest out-of-fold MAE, ties keep the larger λ; with fewer than two folds,
    the largest λ."""
    folds = np.array([cv_fold(g) for g in st.groups], dtype=np.int64)
    if np.unique(folds).size < 2:
        return SHRINK_GRID[0]
    err = np.zeros(len(SHRINK_GRID))
    for k, lam in enumerate(SHRINK_GRID):
        for fold in np.unique(folds):
            test, train = folds == fold, folds != fold
            alpha = lad_weights(st.f[:, train], y[train], lam)
            err[k] += np.abs(alpha @ st.f[:, test] - y[test]).sum()
    return SHRINK_GRID[int(np.argmin(err))]


#: The variant the protocol's one-standard-error rule chose (``snap``: the lowest out-of-fold
#: MAE of the four, 20.92, and the fewest parameters), fitted on all 231 scorable dev issues
#: (capability by era): δ = 0.3 (every fold chose it too), in-sample MAE 20.92. Its scores are
#: in ``docs/forecasts.md``.
FITTED_C4 = Challenger4Params("snap", delta=0.3)


@dataclass(frozen=True)
class Challenger4Model:
    """Challenger v4 as a refittable :class:`~detente.forecasts.base.Forecaster`; ``fit``
    keeps the variant and refits its parameters on the given issues only."""

    params: Challenger4Params = field(default_factory=lambda: FITTED_C4)
    name: str = "challenger4"
    #: :func:`~detente.forecasts.base.forecast_issues` passes its memo to ``forecast_batch``.
    shares_forecasts: ClassVar[bool] = True

    def options(self) -> dict[str, Any]:
        """The variant and the parameters it uses (weights by member name), JSON-friendly."""
        q = self.params
        if q.variant == "snap":
            return {"variant": q.variant, "delta": q.delta}
        out: dict[str, Any] = {"variant": q.variant,
                               "weights": dict(zip(MEMBERS, q.weights, strict=True))}
        if q.weights_unan is not None:
            out["weights_unanimity"] = dict(zip(MEMBERS, q.weights_unan, strict=True))
        if q.variant == "lad-shrunk":
            out["lam"] = q.lam
        return out

    def forecast_batch(self, tables: list[StakeholderTable], memo: Memo | None = None) -> F:
        """Dimension 0 of many one-issue tables at once (the exchange member links the
        tables of each proposal), shape (I,)."""
        st = stack_issues(tables, memo, self.params.variant != "snap")
        return st.to_scale(predict_percent(st, self.params))

    def forecast(self, table: StakeholderTable) -> Forecast:
        pos = np.array([self.forecast_batch([table.dimension(k)])[0]
                        for k in range(table.n_dimensions)])
        return Forecast(self.name, pos, options=self.options(), warnings=table.warnings)

    def fit(self, tables: list[StakeholderTable], outcomes: F) -> Challenger4Model:
        """Refitted (same variant) on these issues only."""
        st = stack_issues(tables, models=self.params.variant != "snap")
        return Challenger4Model(fit_params(self.params.variant, st, st.percent(outcomes)),
                                self.name)


__all__ = ["DELTA_GRID", "FITTED_C4", "MEMBERS", "N_PARAMS", "SHRINK_GRID", "VARIANTS",
           "Challenger4Model", "Challenger4Params", "Stack", "fit_params", "lad_weights",
           "predict_percent", "snap_forecasts", "stack_issues"]
