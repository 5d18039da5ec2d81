"""What the pages need from a record besides its fields: number formatting, its charts (from the
shared chart layer), and writing it as the CLI writes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from detente.records.output import write_json


def num(x: Any, digits: int = 3) -> str:
    """A number for a table cell (``—`` for none)."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return str(x)


def write_record(record: Any, out: Path) -> None:
    """The record as ``detente … --json OUT`` writes it."""
    write_json(record, out)


APP_POINTS = 1500
"""Sampled outcomes drawn per utility-space panel in the app (the report draws the record's
3,000): the same cloud, frontier, ZOPA packages, solutions and proposals, at half the points to
send, parse and redraw after each edit (benchmarks/bench_workbench.py)."""


def charts(kind: str, record: Any) -> list[dict[str, Any]]:
    """The Vega-Lite charts of a record from the chart layer the HTML reports use
    (:func:`detente.report.charts.for_record`), as ``{"id", "title", "caption", "spec"}``: the
    one seam between the app and the chart layer. A record the layer has no charts for yet
    gets none (the page's tables carry its numbers)."""
    from detente.report.charts import for_record

    if kind in ("analyze", "montecarlo"):
        from detente.report.charts.deals import charts as deal_charts

        return [c.to_dict() for c in deal_charts(record, points=APP_POINTS)]
    try:
        return [c.to_dict() for c in for_record(record)]
    except TypeError:
        return []


_RECORDS = {"analyze": ("detente.deals.result", "DealAnalysis"),
            "montecarlo": ("detente.deals.result", "DealAnalysis"),
            "sensitivity": ("detente.sensitivity.result", "SensitivityAnalysis"),
            "window": ("detente.war.analysis", "WarAnalysis"),
            "forecast": ("detente.forecasts.records", "ForecastRecord"),
            "timeline": ("detente.deals.timeline", "Timeline")}


def charts_of_json(kind: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts of a record read back from its JSON file (a background run's output)."""
    import importlib

    if kind not in _RECORDS:
        return []
    module, name = _RECORDS[kind]
    try:
        record = getattr(importlib.import_module(module), name).model_validate(data)
    except Exception:  # a record that does not read back: the tables still show it
        return []
    return charts(kind, record)


def spec_json(chart: dict[str, Any]) -> str:
    """A chart's spec as compact JSON for a ``<script type="application/json">`` island: the
    chart layer's own encoding (no ``</`` can close the element)."""
    from detente.report.charts.embed import spec_json as encode

    return encode(chart["spec"])
