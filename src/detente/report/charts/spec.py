"""The chart type of the chart layer and the Vega-Lite conventions every chart shares.

A :class:`ChartSpec` is a Vega-Lite v5 specification (a plain dict, JSON-ready) with a stable id,
a title and a caption. Every chart keeps its data in the spec's top-level ``datasets`` (named
tables, rows of plain numbers and strings), so the numbers a chart draws can be read back from
the spec and compared with the record (Satyanarayan et al. 2017, "Vega-Lite: A Grammar of
Interactive Graphics", IEEE TVCG 23(1) — the grammar used here).

House conventions, applied by :func:`vega_lite`:

- legends sit beside the plot (``orient: right``), never on the data;
- axis labels that would overlap are thinned (``labelOverlap``), long ones are cut with "…"
  (``labelLimit``; the full text is in the tooltip); points and lines on a fixed 0–1 scale are
  clipped to the plot;
- every mark that stands for something named (a proposal, a package, a bargaining solution)
  carries a tooltip with the package and each actor's utility;
- text labels are not drawn on the data: a name is in the legend, the axis or the tooltip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from detente.invisible import shown

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
"""The ``$schema`` of every spec (a name, never fetched: vega-embed reads the version from it)."""

DIGITS = 6
"""Decimals kept for the numbers placed in a spec (the records round to 6 as well)."""


@dataclass(frozen=True)
class ChartSpec:
    """One chart: ``spec`` is the Vega-Lite JSON (a dict); ``id`` is stable and unique among the
    charts of one record; ``fallback`` names a dataset small enough to show as a table where
    JavaScript is off (None: the page's own tables carry the numbers)."""

    id: str
    title: str
    caption: str
    spec: dict[str, Any]
    fallback: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the app: ``{"id", "title", "caption", "spec"}``."""
        return {"id": self.id, "title": shown(self.title), "caption": shown(self.caption),
                "spec": self.spec}

    def dataset(self, name: str) -> list[dict[str, Any]]:
        """The rows of one of the spec's named datasets."""
        return list(self.spec.get("datasets", {}).get(name, []))


def num(x: float | None, digits: int = DIGITS) -> float | None:
    """A finite float rounded for a spec; NaN and ±inf become None (JSON has no NaN)."""
    if x is None:
        return None
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


_CONFIG: dict[str, Any] = {
    "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    "view": {"stroke": "#ddd"},
    "legend": {"orient": "right", "labelLimit": 300, "titleLimit": 300, "symbolLimit": 40},
    "axis": {"labelOverlap": True, "labelLimit": 220, "titleLimit": 400, "grid": True,
             "gridOpacity": 0.5},
    "title": {"anchor": "start", "fontSize": 13},
}


def vega_lite(body: dict[str, Any], datasets: dict[str, list[dict[str, Any]]],
              title: str = "", renderer: str = "svg") -> dict[str, Any]:
    """A complete spec: ``body`` (a unit, layer or concat spec) with the shared config, the named
    datasets and the renderer vega-embed should use (``canvas`` for thousands of points)."""
    spec: dict[str, Any] = {"$schema": SCHEMA}
    if title:
        spec["title"] = title
    spec.update(body)
    spec["datasets"] = datasets
    spec = _shown(spec)  # names from third-party text (event files, PA-X) with <U+200B>
    spec["config"] = _CONFIG
    spec["usermeta"] = {"embedOptions": {"renderer": renderer, "actions": False}}
    return spec


def _shown(data: Any) -> Any:
    """``data`` (a spec: dicts, lists, strings, numbers) with every invisible or layout
    character of its strings written as ``<U+200B>`` (:func:`detente.invisible.shown`), as the
    console, HTML and CSV outputs show them: a chart's axis labels, legends and tooltips drew a
    zero-width space as nothing and a right-to-left override reordered the label."""
    if isinstance(data, str):
        return shown(data)
    if isinstance(data, dict):
        return {k: _shown(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_shown(v) for v in data]
    return data


def unit_scale(padding: int = 6) -> dict[str, Any]:
    """A 0–1 utility or probability axis that never trims a point at 0 or 1."""
    return {"domain": [0, 1], "nice": False, "zero": False, "padding": padding}


def slug(text: str) -> str:
    """A short id from a name: lower case, letters, digits and ``-``."""
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-") or "chart"
