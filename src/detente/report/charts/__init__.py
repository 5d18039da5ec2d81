"""The chart layer: one set of Vega-Lite specs for the static reports and the workbench.

Pure functions from detente's records to :class:`ChartSpec` (a Vega-Lite v5 spec as a dict, with
its data inside). The reports embed them with :func:`figure` (libraries inlined once per page by
:func:`scripts`, so a report stays one offline file); the app serves the same specs as JSON
(:func:`to_json`) and the same libraries (:func:`assets`); an app page that swaps in
:func:`figure` fragments gets them drawn by :data:`LOADER` (``detenteDraw``, also on
``htmx:afterSwap``).

>>> from detente.report import charts
>>> sorted(charts.VERSIONS)
['vega', 'vega-embed', 'vega-lite']
>>> charts.for_record(object())  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
TypeError: no charts for a object (known: DealAnalysis, ...)
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from detente.report.charts.embed import ASSET_FILES, LOADER, VERSIONS, assets, figure, scripts
from detente.report.charts.spec import ChartSpec

__all__ = ["ASSET_FILES", "LOADER", "VERSIONS", "ChartSpec", "assets", "figure", "for_record",
           "scripts", "to_json"]


_KINDS = {
    "detente.deals.result.DealAnalysis": ("deals", "charts"),
    "detente.sensitivity.result.SensitivityAnalysis": ("sensitivity", "charts"),
    "detente.sensitivity.result.TargetSensitivity": ("sensitivity", "target_charts"),
    "detente.war.analysis.WarAnalysis": ("window", "charts"),
    "detente.deals.timeline.Timeline": ("timeline", "charts"),
    "detente.forecasts.records.ForecastRecord": ("forecast", "record_charts"),
    "detente.forecasts.records.BacktestRecord": ("backtest", "record_charts"),
    "detente.signals.record.CredibilityRecord": ("signals", "credibility_charts"),
    "detente.signals.evaluate.EvaluationRecord": ("signals", "evaluation_charts"),
}
"""Record class (module.name) → (chart module, function); looked up by name so that charting one
kind of record imports no other analysis."""


def _maker(record: Any) -> Callable[[Any], list[ChartSpec]] | None:
    for cls in type(record).__mro__:
        found = _KINDS.get(f"{cls.__module__}.{cls.__qualname__}")
        if found is not None:
            module = importlib.import_module(f"detente.report.charts.{found[0]}")
            return getattr(module, found[1])  # type: ignore[no-any-return]
    return None


def _from_dict(record: dict[str, Any]) -> list[ChartSpec] | None:
    """Records the CLI still passes as JSON-ready dicts, told apart by their keys."""
    from detente.report.charts import backtest, forecast, signals

    if "table" in record and "forecasts" in record:  # one issue of a forecast
        return forecast.charts(record)
    if "series" in record and "moves" in record:  # credibility
        return [signals.credibility_timeline(record)]
    if "breakdown" in record and "models" in record:  # backtest
        return backtest.charts(record)
    if "reliability" in record and "labels" in record:  # commitment evaluation
        rel = signals.evaluation_reliability(record)
        return [] if rel is None else [rel]
    return None


def for_record(record: Any) -> list[ChartSpec]:
    """Every chart of one record, in the order its report shows them.

    Accepts :class:`~detente.deals.result.DealAnalysis`,
    :class:`~detente.sensitivity.result.SensitivityAnalysis` (or one ``TargetSensitivity``),
    :class:`~detente.war.analysis.WarAnalysis` (the window),
    :class:`~detente.deals.timeline.Timeline`, :class:`~detente.forecasts.records.ForecastRecord`,
    :class:`~detente.forecasts.records.BacktestRecord`,
    :class:`~detente.signals.record.CredibilityRecord`,
    :class:`~detente.signals.evaluate.EvaluationRecord`, and the JSON-ready dicts of a forecast
    issue, a credibility record, a backtest and a commitment evaluation. Raises ``TypeError``
    for anything else."""
    if isinstance(record, dict):
        found = _from_dict(record)
        if found is not None:
            return found
    make = _maker(record)
    if make is not None:
        return make(record)
    known = ", ".join(k.rsplit(".", 1)[1] for k in _KINDS)
    raise TypeError(f"no charts for a {type(record).__name__} (known: {known}, or their dicts)")


def to_json(specs: Sequence[ChartSpec]) -> str:
    """The charts as a JSON list of ``{"id", "title", "caption", "spec"}`` (what the app
    returns to the page, which hands each ``spec`` to ``vegaEmbed``)."""
    return json.dumps([c.to_dict() for c in specs], ensure_ascii=False, allow_nan=False)
