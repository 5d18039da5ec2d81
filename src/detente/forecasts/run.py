"""Run several forecasters (and their Monte Carlo) on one table and keep the result as data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import DetenteError
from detente.forecasts.base import Forecast, Forecaster
from detente.forecasts.compromise import CompromiseModel, MedianModel
from detente.forecasts.eum import EUMOptions, ExpectedUtilityModel
from detente.forecasts.smp import SpatialModel
from detente.formats.table import StakeholderTable

if TYPE_CHECKING:  # the Monte Carlo loads with the first run that draws (not for a backtest)
    from concurrent.futures import Executor

    from detente.forecasts.montecarlo import InputRanges, MonteCarloResult

MODEL_NAMES = ("compromise", "median", "eum", "smp", "nash", "exchange", "procedural",
               "ensemble")
#: Models that are not part of ``all`` (earlier challengers).
EXTRA_NAMES = ("challenger", "challenger2", "challenger3", "challenger4")


def make_forecasters(names: list[str] | tuple[str, ...],
                     eum: EUMOptions | None = None) -> list[Forecaster]:
    """Forecasters by name (``"all"`` = every model), in the order given."""
    wanted: list[str] = []
    for n in names:
        wanted += list(MODEL_NAMES) if n == "all" else [n]
    out: list[Forecaster] = []
    for n in dict.fromkeys(wanted):
        if n == "compromise":
            out.append(CompromiseModel())
        elif n == "median":
            out.append(MedianModel())
        elif n == "eum":
            out.append(ExpectedUtilityModel(eum or EUMOptions()))
        elif n == "smp":
            out.append(SpatialModel())
        elif n in ("nash", "exchange", "procedural", "ensemble"):
            out.append(_literature_model(n))
        elif n == "challenger":
            from detente.forecasts.challenger import ChallengerModel

            out.append(ChallengerModel())
        elif n == "challenger2":
            from detente.forecasts.challenger2 import ChallengerV2Model

            out.append(ChallengerV2Model())
        elif n == "challenger3":
            from detente.forecasts.challenger3 import Challenger3Model

            out.append(Challenger3Model())
        elif n == "challenger4":
            from detente.forecasts.challenger4 import Challenger4Model

            out.append(Challenger4Model())
        else:
            raise DetenteError.one("unknown model", path="model", value=n,
                                   allowed=", ".join((*MODEL_NAMES, *EXTRA_NAMES, "all")))
    return out


def _literature_model(name: str) -> Forecaster:
    """The DEU literature's models of issue 18 (imported on demand)."""
    if name == "nash":
        from detente.forecasts.nash import NashModel

        return NashModel()
    if name == "exchange":
        from detente.forecasts.exchange import ExchangeModel

        return ExchangeModel()
    if name == "procedural":
        from detente.forecasts.procedural import ProceduralModel

        return ProceduralModel()
    from detente.forecasts.ensemble import EnsembleModel

    return EnsembleModel()


@dataclass(frozen=True)
class ForecastRun:
    """Every model's forecast of one table, with optional Monte Carlo results."""

    table: StakeholderTable
    forecasts: tuple[Forecast, ...]
    monte_carlo: tuple[MonteCarloResult, ...] = ()

    def record(self) -> dict[str, Any]:
        t = self.table
        out: dict[str, Any] = {
            "table": {"name": t.name, "source": t.source, "dimensions": list(t.dimensions),
                      "actors": list(t.actors), "capability": t.capability.tolist(),
                      "position": t.position.tolist(), "salience": t.salience.tolist(),
                      "warnings": list(t.warnings)},
            "forecasts": [],
        }
        for f in self.forecasts:
            out["forecasts"].append({
                "model": f.model, "position": f.position.tolist(), "rounds": f.rounds,
                "options": f.options, "warnings": list(f.warnings),
                "predicted_by_round": (None if f.predicted_by_round is None
                                       else f.predicted_by_round.tolist()),
                "trajectory": None if f.trajectory is None else f.trajectory.tolist(),
                "details": f.details})
        if self.monte_carlo:
            out["monte_carlo"] = [
                {"model": m.model, "draws": int(m.draws.shape[0]), "seed": m.seed,
                 "mean": m.mean.tolist(),
                 "quantiles": {q: v for q, v in zip(("p05", "p50", "p95"),
                                                    m.quantiles().tolist(), strict=True)}}
                for m in self.monte_carlo]
        return out


def run_forecasts(table: StakeholderTable, forecasters: list[Forecaster], *,
                  ranges: InputRanges | None = None, draws: int = 0,
                  seed: int | None = 0, executor: Executor | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ForecastRun:
    """Forecast ``table`` with every model; with ``draws`` > 0 also Monte Carlo over ``ranges``.

    Each model's draws use a child stream of ``seed`` (``SeedSequence.spawn``), so results do
    not depend on which other models ran; with an ``executor`` the draws run in chunks on it
    (:mod:`detente.parallel`), with the same numbers. ``progress(done, total)`` counts the
    draws of all models, chunk by chunk.
    """
    forecasts = tuple(f.forecast(table) for f in forecasters)
    mc: tuple[MonteCarloResult, ...] = ()
    if draws > 0:
        from detente.forecasts.montecarlo import InputRanges, MonteCarloResult, monte_carlo

        rng_ranges = ranges or InputRanges.fixed(table)
        seeds = np.random.SeedSequence(seed).spawn(len(forecasters))
        total = draws * len(forecasters)

        def tick(k: int) -> Callable[[int, int], None] | None:
            """Model ``k``'s draws counted after those of the models before it."""
            if progress is None:
                return None
            report = progress
            return lambda done, _: report(k * draws + done, total)

        mc = tuple(
            monte_carlo(f, table, rng_ranges, draws, int(s.generate_state(1)[0]), executor,
                        progress=tick(k))
            for k, (f, s) in enumerate(zip(forecasters, seeds, strict=True)))
        mc = tuple(MonteCarloResult(m.model, m.draws, seed) for m in mc)
    return ForecastRun(table, forecasts, mc)
