"""Forecasts under uncertain inputs: Monte Carlo over (low, likely, high) ranges.

Every value of a stakeholder table may carry a range; each draw samples every value
independently from the triangular distribution (low, likely, high) — the scenario format's
convention for ranges (DESIGN §3). Compromise, median, Nash and EUM run all draws at once as
arrays; other models run draw by draw. Randomness comes only from the ``rng`` passed in; the
draws can run in chunks on any ``concurrent.futures.Executor`` (:mod:`detente.parallel`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.forecasts.base import Forecaster
from detente.forecasts.compromise import CompromiseModel, MedianModel, compromise, weighted_median
from detente.forecasts.eum import ExpectedUtilityModel, run_eum
from detente.forecasts.nash import NashModel, nash_unit
from detente.forecasts.packing import pack_draws
from detente.formats.table import StakeholderTable
from detente.parallel import bounded_map
from detente.triangular import draw_triangular

F = NDArray[np.float64]
CHUNK = 1024
"""Draws per task when an executor runs them."""


@dataclass(frozen=True)
class InputRanges:
    """Low and high bounds for each value of a table (same shapes as the table's arrays)."""

    capability_low: F
    capability_high: F
    position_low: F
    position_high: F
    salience_low: F
    salience_high: F

    @classmethod
    def fixed(cls, table: StakeholderTable) -> InputRanges:
        return cls(table.capability, table.capability, table.position, table.position,
                   table.salience, table.salience)

    @classmethod
    def spread(cls, table: StakeholderTable, fraction: float) -> InputRanges:
        """± ``fraction`` around every value: capability × (1 ± f), salience ± f (clipped to
        [0, 1]), position ± f × scale span (clipped to the scale)."""
        if not 0 <= fraction < 1:
            raise DetenteError.one("spread must be a fraction", path="spread", value=fraction,
                                   allowed="0 <= spread < 1")
        lo, hi = table.scale or (float(table.position.min()), float(table.position.max()))
        span = (hi - lo) or 1.0
        return cls(table.capability * (1 - fraction), table.capability * (1 + fraction),
                   np.clip(table.position - fraction * span, lo, hi),
                   np.clip(table.position + fraction * span, lo, hi),
                   np.clip(table.salience - fraction, 0, 1),
                   np.clip(table.salience + fraction, 0, 1))

    @property
    def uncertain(self) -> bool:
        return bool(np.any(self.capability_high > self.capability_low)
                    or np.any(self.position_high > self.position_low)
                    or np.any(self.salience_high > self.salience_low))


@dataclass(frozen=True)
class MonteCarloResult:
    """Predicted positions over draws: ``draws`` has shape (D, K)."""

    model: str
    draws: F
    seed: int | None

    def quantiles(self, q: tuple[float, ...] = (0.05, 0.5, 0.95)) -> F:
        return np.quantile(self.draws, q, axis=0)

    @property
    def mean(self) -> F:
        return self.draws.mean(axis=0)


def monte_carlo(model: Forecaster, table: StakeholderTable, ranges: InputRanges, draws: int,
                seed: int | None = 0, executor: Executor | None = None,
                chunk: int = CHUNK,
                progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
    """Run ``model`` on ``draws`` tables sampled from ``ranges``; vectorised where possible.

    With an ``executor`` (:mod:`detente.parallel`) the draws, taken here as always, are run
    ``chunk`` rows per task; each row's forecast depends on its own inputs only, so every
    executor gives the same numbers as the run without one. ``progress(done, total)`` is
    called with the draws done after each chunk (with it, the draws run chunk by chunk here
    too: the same numbers)."""
    if draws < 1:
        raise DetenteError.one("draws must be at least 1", path="draws", value=draws)
    rng = np.random.default_rng(seed)
    c = draw_triangular(ranges.capability_low, table.capability, ranges.capability_high,
                        (draws, *table.capability.shape), rng)
    x = draw_triangular(ranges.position_low, table.position, ranges.position_high,
                        (draws, *table.position.shape), rng)
    s = draw_triangular(ranges.salience_low, table.salience, ranges.salience_high,
                        (draws, *table.salience.shape), rng)
    c = np.maximum(c, 1e-12)
    if executor is None and progress is None:
        return MonteCarloResult(model.name, forecast_draws(model, table, c, x, s), seed)
    tasks = ((model, table, c[a:a + chunk], x[a:a + chunk], s[a:a + chunk])
             for a in range(0, draws, chunk))
    parts = []
    for part in (bounded_map(executor, forecast_draws, tasks) if executor is not None
                 else (forecast_draws(*t) for t in tasks)):
        parts.append(part)
        if progress:
            progress(min(len(parts) * chunk, draws), draws)
    return MonteCarloResult(model.name, np.concatenate(parts, axis=0), seed)


def forecast_draws(model: Forecaster, table: StakeholderTable, c: F, x: F, s: F) -> F:
    """``model``'s predicted positions (D, K) for draws of capability ``c`` (D, N), position
    ``x`` and salience ``s`` (D, N, K)."""
    draws = c.shape[0]
    out = np.empty((draws, table.n_dimensions))
    for k in range(table.n_dimensions):
        if isinstance(model, CompromiseModel):
            out[:, k] = compromise(x[:, :, k], s[:, :, k], c)
        elif isinstance(model, MedianModel):
            out[:, k] = weighted_median(x[:, :, k], s[:, :, k], c)
        elif isinstance(model, NashModel):
            p = pack_draws(table, c, x[:, :, k], s[:, :, k], k)
            out[:, k] = p.to_scale(nash_unit(p, model.params.eps_qmv, model.params.eps_unan))
        elif isinstance(model, ExpectedUtilityModel):
            res = run_eum(x[:, :, k], c, s[:, :, k], model.options, final_only=True)
            out[:, k] = res["median"][:, -1] if model.options.outcome == "median" \
                else res["mean"][:, -1]
    if not isinstance(model, CompromiseModel | MedianModel | ExpectedUtilityModel | NashModel):
        for d in range(draws):
            t = StakeholderTable.build(table.actors, c[d], x[d], s[d],
                                       dimensions=table.dimensions, scale=table.scale,
                                       name=table.name, reference=table.reference,
                                       decision_rule=table.decision_rule,
                                       procedure=table.procedure)
            out[d] = model.forecast(t).position
    return out
