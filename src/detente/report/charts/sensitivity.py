"""Charts of a sensitivity analysis (:class:`detente.sensitivity.result.SensitivityAnalysis`):
per target a tornado of one-at-a-time swings and the Sobol' indices with their bootstrap
intervals (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, ch. 1 and 4)."""

from __future__ import annotations

from typing import Any

from detente.report.charts.spec import ChartSpec, num, slug, vega_lite
from detente.sensitivity.result import SensitivityAnalysis, TargetSensitivity

BARS = 10
"""Inputs shown per chart (the largest swings or indices)."""

RISES, FALLS = "rises with the input", "falls with the input"


def short(name: str, n: int = 48) -> str:
    """An input name cut at the front (the end names the actor and the field)."""
    return name if len(name) <= n else "…" + name[-(n - 1):]


def tornado(t: TargetSensitivity) -> ChartSpec | None:
    """Bars from the target at each input's low end to its high end, largest swing on top; the
    black rule is the target at the likely values, the red dashed rule the verdict's zero."""
    if not t.tornado:
        return None
    rows = [{"input": r.input, "label": short(r.input), "at_low": num(r.at_low),
             "at_high": num(r.at_high), "left": num(min(r.at_low, r.at_high)),
             "right": num(max(r.at_low, r.at_high)), "low": num(r.low), "high": num(r.high),
             "swing": num(r.swing), "direction": RISES if r.at_high >= r.at_low else FALLS}
            for r in t.tornado[:BARS]]
    rules = [{"at": num(t.base), "rule": "at the likely values"}]
    if t.verdict:
        rules.append({"at": 0.0, "rule": "verdict flips (0)"})
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    body = {"width": 380, "height": {"step": 22}, "layer": [
        {"data": {"name": "swings"}, "mark": "bar",
         "encoding": {"y": y, "x": {"field": "left", "type": "quantitative",
                                    "title": t.name, "scale": {"zero": False}},
                      "x2": {"field": "right"},
                      "color": {"field": "direction", "type": "nominal", "title": "the target",
                                "scale": {"domain": [RISES, FALLS],
                                          "range": ["#4a78b0", "#c0504d"]}},
                      "tooltip": [{"field": "input"},
                                  {"field": "low", "title": "input low"},
                                  {"field": "high", "title": "input high"},
                                  {"field": "at_low", "title": "target at low", "format": ".4g"},
                                  {"field": "at_high", "title": "target at high",
                                   "format": ".4g"},
                                  {"field": "swing", "format": ".4g"}]}},
        {"data": {"name": "rules"}, "mark": {"type": "rule", "strokeWidth": 1.2},
         "encoding": {"x": {"field": "at", "type": "quantitative"},
                      "strokeDash": {"field": "rule", "type": "nominal", "title": "lines"},
                      "tooltip": [{"field": "rule"}, {"field": "at", "format": ".4g"}]}}]}
    return ChartSpec(f"tornado-{slug(t.name)}", f"Tornado: {t.name}",
                     f"Tornado: {t.label}. Each bar moves one input from its low to its high "
                     "value, every other input at its likely value.",
                     vega_lite(body, {"swings": rows, "rules": rules}), fallback="swings",
                     tags=("sensitivity",))


def sobol(t: TargetSensitivity) -> ChartSpec | None:
    """First-order and total Sobol' indices of the top inputs, then the groups (one actor's
    inputs together), with 95 % bootstrap intervals. None when no index is defined (a target
    that does not vary over the design has none)."""
    if not any(num(r.total) is not None for r in t.sobol):
        return None
    rows: list[dict[str, Any]] = []
    for kind, items in (("input", t.sobol[:BARS]), ("group", t.groups[:BARS])):
        for r in items:
            for index, value, lo, hi in (("total", r.total, r.total_low, r.total_high),
                                         ("first order", r.first, r.first_low, r.first_high)):
                rows.append({"input": r.input, "label": short(r.input), "kind": kind,
                             "index": index, "value": num(value), "low": num(lo),
                             "high": num(hi)})
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    off = {"field": "index", "type": "nominal", "sort": ["total", "first order"]}
    x = {"field": "value", "type": "quantitative",
         "title": "Sobol' index (share of variance), 95 % bootstrap interval"}
    colour = {"field": "index", "type": "nominal", "title": "index",
              "scale": {"domain": ["total", "first order"], "range": ["#4a78b0", "#9bbb59"]}}
    tip = [{"field": "input"}, {"field": "kind"}, {"field": "index"},
           {"field": "value", "format": ".3f"}, {"field": "low", "format": ".3f"},
           {"field": "high", "format": ".3f"}]
    body = {"width": 380, "height": {"step": 24}, "data": {"name": "indices"},
            "encoding": {"y": y, "yOffset": off}, "layer": [
                {"mark": {"type": "bar", "clip": True},
                 "encoding": {"x": x, "color": colour, "tooltip": tip}},
                {"mark": {"type": "rule", "color": "#222"},
                 "encoding": {"x": {"field": "low", "type": "quantitative"},
                              "x2": {"field": "high"}, "tooltip": tip}}]}
    return ChartSpec(f"sobol-{slug(t.name)}", f"Sobol' indices: {t.name}",
                     f"Sobol' indices: {t.label} (inputs, then groups of one actor's inputs).",
                     vega_lite(body, {"indices": rows}), fallback="indices",
                     tags=("sensitivity",))


def target_charts(t: TargetSensitivity) -> list[ChartSpec]:
    """The charts of one target."""
    return [c for c in (tornado(t), sobol(t)) if c is not None]


def charts(r: SensitivityAnalysis) -> list[ChartSpec]:
    """Every chart of a sensitivity analysis, target by target."""
    return [c for t in r.targets for c in target_charts(t)]
