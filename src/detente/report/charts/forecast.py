"""Charts of a stakeholder forecast (one issue's record from
:func:`detente.forecasts.records.forecast_source`): each actor's position round by round and the
model's forecast after each round (Bueno de Mesquita 1994 expected utility model; Stokman and
Van Oosten 1994 exchange model). For a scenario issue the position axis names the options at
their places on the 0–100 scale."""

from __future__ import annotations

import json
from typing import Any

from detente.report.charts.spec import ChartSpec, num, slug, vega_lite


def option_labels(rec: dict[str, Any]) -> list[tuple[float, str]]:
    """(position, label) of each option of the record's scenario issue (empty for a CSV)."""
    issue = rec.get("issue") or {}
    return [(float(o["position"]), o.get("label") or o["id"]) for o in issue.get("options", [])]


def issue_title(rec: dict[str, Any]) -> str:
    """The issue's name (and id) for a scenario issue, else the table's name."""
    issue = rec.get("issue")
    if issue:
        return f"{issue['name']} ({issue['id']})"
    return str(rec["table"]["name"])


def _position_axis(rec: dict[str, Any], title: str) -> dict[str, Any]:
    marks = option_labels(rec)
    if not marks:
        return {"title": title}
    expr = "".join(f"datum.value == {pos:g} ? {json.dumps(label)} : " for pos, label in marks)
    return {"title": title, "values": [pos for pos, _ in marks], "labelExpr": expr + "''",
            "labelLimit": 150}


def trajectory(rec: dict[str, Any], f: dict[str, Any], k: int) -> ChartSpec:
    """Each actor's position on dimension ``k`` by round, and the model's forecast (black)."""
    t = rec["table"]
    dim = t["dimensions"][k]
    traj = f["trajectory"]
    rows = [{"actor": a, "round": r, "position": num(traj[r][i][k])}
            for r in range(len(traj)) for i, a in enumerate(t["actors"])]
    pred = f["predicted_by_round"]
    forecast = ([] if pred is None else
                [{"round": r, "position": num(pred[r][k])} for r in range(len(pred))])
    x = {"field": "round", "type": "quantitative", "title": "round", "axis": {"tickMinStep": 1}}
    y_title = "position" if rec.get("issue") else f"{dim} (position)"
    y = {"field": "position", "type": "quantitative", "axis": _position_axis(rec, y_title)}
    layers: list[dict[str, Any]] = [{
        "data": {"name": "positions"},
        "params": [{"name": "actor", "select": {"type": "point", "fields": ["actor"]},
                    "bind": "legend"}],
        "mark": {"type": "line", "point": {"size": 16}, "strokeWidth": 1.2},
        "encoding": {"x": x, "y": y,
                     "color": {"field": "actor", "type": "nominal", "title": "actor (click)",
                               "scale": {"domain": t["actors"], "scheme": "category20"}},
                     "opacity": {"condition": {"param": "actor", "value": 0.9}, "value": 0.12},
                     "tooltip": [{"field": "actor"}, {"field": "round"},
                                 {"field": "position", "format": ".2f"}]}}]
    if forecast:
        layers.append({"data": {"name": "forecast"},
                       "mark": {"type": "line", "color": "#000", "strokeWidth": 3},
                       "encoding": {"x": x, "y": y, "tooltip": [
                           {"field": "round"}, {"field": "position", "title": "forecast",
                                                "format": ".2f"}]}})
    body = {"title": f"{f['model']}: {issue_title(rec)}", "width": 340, "height": 240,
            "layer": layers}
    datasets = {"positions": rows, **({"forecast": forecast} if forecast else {})}
    name = f"{f['model']}: positions by round"
    return ChartSpec(f"trajectory-{slug(t['name'])}-{slug(f['model'])}-{slug(dim)}", name,
                     f"{f['model']}: each actor's position on {issue_title(rec)} by round; "
                     "black = the model's forecast after that round. Click an actor in the "
                     "legend to pick out its path.", vega_lite(body, datasets),
                     tags=("forecast",))


def charts(rec: dict[str, Any]) -> list[ChartSpec]:
    """Every trajectory chart of one issue's forecast record."""
    out = []
    for f in rec["forecasts"]:
        if f["trajectory"] is None:
            continue
        for k in range(len(rec["table"]["dimensions"])):
            out.append(trajectory(rec, f, k))
    return out


def record_charts(record: Any) -> list[ChartSpec]:
    """Every trajectory chart of a :class:`~detente.forecasts.records.ForecastRecord`."""
    return [c for rec in record.issues for c in charts(rec)]
