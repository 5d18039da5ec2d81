"""The chart layer: one set of Vega-Lite specs for the static reports and the workbench.

Pure functions from detente's records to :class:`ChartSpec` (a Vega-Lite v5 spec as a dict, with
its data inside). The reports embed them with :func:`figure` (libraries inlined once per page by
:func:`scripts`, so a report stays one offline file); the app serves the same specs as JSON
(:func:`to_json`) and the same libraries (:func:`assets`).

>>> from detente.report import charts
>>> sorted(charts.VERSIONS)
['vega', 'vega-embed', 'vega-lite']
>>> charts.for_record(object())
Traceback (most recent call last):
...
TypeError: no charts for a object (known: DealAnalysis, ...)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from detente.report.charts.embed import ASSET_FILES, VERSIONS, assets, figure, scripts
from detente.report.charts.spec import ChartSpec

__all__ = ["ASSET_FILES", "VERSIONS", "ChartSpec", "assets", "figure", "for_record", "scripts",
           "to_json"]


def _registry() -> list[tuple[type, Callable[[Any], list[ChartSpec]]]]:
    from detente.deals.result import DealAnalysis
    from detente.report.charts import deals

    return [(DealAnalysis, deals.charts)]


def for_record(record: Any) -> list[ChartSpec]:
    """Every chart of one record, in the order the report shows them.

    Accepts a :class:`~detente.deals.result.DealAnalysis`."""
    table = _registry()
    for kind, make in table:
        if isinstance(record, kind):
            return make(record)
    known = ", ".join(k.__name__ for k, _ in table)
    raise TypeError(f"no charts for a {type(record).__name__} (known: {known}, ...)")


def to_json(specs: Sequence[ChartSpec]) -> str:
    """The charts as a JSON list of ``{"id", "title", "caption", "spec"}`` (what the app
    returns to the page, which hands each ``spec`` to ``vegaEmbed``)."""
    return json.dumps([c.to_dict() for c in specs], ensure_ascii=False, allow_nan=False)
