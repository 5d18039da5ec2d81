"""What the pages need from a record besides its fields: number formatting, its charts (from the
shared chart layer), and writing it as the CLI writes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from detente.cli.common import write_json


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


def charts(kind: str, record: Any) -> list[dict[str, Any]]:
    """The Vega-Lite charts of a record, from the chart layer the HTML reports use
    (``detente.report.charts``): a list of ``{"id", "title", "caption", "spec"}``. The one
    switch between the app and the chart layer; without the layer, no charts (the tables
    carry the numbers)."""
    try:
        from detente.report import charts as layer  # type: ignore[attr-defined]
    except ImportError:
        return []
    make = getattr(layer, "charts_for", None)
    if make is None:
        return []
    return [c.to_dict() for c in make(record)]


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
    """A chart's spec as JSON for a ``<script type="application/json">`` island (``</`` is
    escaped so a label cannot close the script element)."""
    return json.dumps(chart["spec"], ensure_ascii=False).replace("</", "<\\/")
