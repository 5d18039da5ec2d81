"""Charts of a deal analysis (:class:`detente.deals.result.DealAnalysis`): the veto players'
utility spaces (sample of outcomes, two-party Pareto frontier, BATNA lines, ZOPA, bargaining
solutions, proposals), the margin of each proposal over each actor's BATNA, and the Monte Carlo
acceptance odds.

Columns are positional so that any actor or issue name is safe as data: ``u3`` is the utility of
``record.actors[3]``, ``o2`` the option chosen on the third issue of the packages; tooltips carry
the real names as titles. Clicking a proposal (on a point or in its legend) highlights it in
every panel; the app reads the selection ``proposal`` (a Vega signal) to show who blocks it.
"""

from __future__ import annotations

import math
from typing import Any

from detente.deals.result import DealAnalysis, Package, PairView
from detente.records.output import nz
from detente.report.charts.spec import ChartSpec, num, unit_scale, vega_lite

SOLUTION_LABELS = {"nash": "Nash", "weighted_nash": "Nash (capability)",
                   "kalai_smorodinsky": "Kalai–Smorodinsky", "egalitarian": "egalitarian",
                   "utilitarian": "utilitarian"}
SOLUTION_SHAPES = {"nash": "diamond", "weighted_nash": "triangle-up",
                   "kalai_smorodinsky": "triangle-down", "egalitarian": "cross",
                   "utilitarian": "square"}
IN_ZOPA, OUTSIDE, EFFICIENT = ("outcome in the ZOPA", "outcome outside the ZOPA",
                               "efficient package in the ZOPA of all veto players")
FRONTIER, BATNA = "two-party Pareto frontier", "BATNA (reservation value)"


def _issues(r: DealAnalysis) -> list[str]:
    for pkg in [*r.solutions.values(), *(p.package for p in r.proposals)]:
        return list(pkg.options)
    return []


def package_row(pkg: Package, actors: list[str], issues: list[str]) -> dict[str, Any]:
    """A package as one row: ``u<i>`` utilities by actor position, ``o<j>`` options by issue."""
    row: dict[str, Any] = {f"u{i}": num(pkg.utilities.get(a)) for i, a in enumerate(actors)}
    row.update({f"o{j}": pkg.options.get(iss, "") for j, iss in enumerate(issues)})
    return row


def package_tooltip(actors: list[str], issues: list[str]) -> list[dict[str, Any]]:
    """Tooltip entries: every issue's option, then every actor's utility."""
    return ([{"field": f"o{j}", "type": "nominal", "title": iss} for j, iss in enumerate(issues)]
            + [{"field": f"u{i}", "type": "quantitative", "title": f"u({a})", "format": ".3f"}
               for i, a in enumerate(actors)])


def _thin(n: int, points: int | None) -> list[int]:
    """Rows kept of ``n`` sampled outcomes: all, or ``points`` evenly spaced (the sample is in
    outcome order, so a stride keeps it spread over the whole space)."""
    if points is None or points >= n:
        return list(range(n))
    return sorted({round(i * (n - 1) / max(points - 1, 1)) for i in range(points)})


def _outcomes(r: DealAnalysis, points: int | None = None
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sampled outcomes (at most ``points`` of them, evenly spaced) and the efficient ZOPA
    packages as rows of veto players' utilities.

    The analysis projects one sample (and one set of efficient ZOPA packages) on every pair; the
    rows are rebuilt from the pairs' columns, and a pair whose columns disagree with another's
    for the same actor raises (the chart would misplace points)."""
    cols: dict[str, list[float]] = {}
    zcols: dict[str, list[float]] = {}
    flags = r.pairs[0].sample_in_zopa if r.pairs else []
    for pv in r.pairs:
        for k, actor in enumerate((pv.actor_x, pv.actor_y)):
            key = f"u{r.actors.index(actor)}"
            for store, pts in ((cols, pv.sample), (zcols, pv.zopa_frontier)):
                col = [p[k] for p in pts]
                if store.setdefault(key, col) != col:
                    raise ValueError(f"pair views disagree on the sample of {actor}")
        if pv.sample_in_zopa != flags:
            raise ValueError("pair views disagree on which outcomes are in the ZOPA")
    n, nz = len(flags), len(r.pairs[0].zopa_frontier) if r.pairs else 0
    rows = [{**{k: num(v[i], 4) for k, v in cols.items()}, "zopa": IN_ZOPA if flags[i]
             else OUTSIDE} for i in _thin(n, points)]
    zrows = [{**{k: num(v[i], 4) for k, v in zcols.items()}, "zopa": EFFICIENT}
             for i in range(nz)]
    return rows, zrows


_FILL = {"scale": {"domain": [IN_ZOPA, OUTSIDE, EFFICIENT],
                  "range": ["#8fd19e", "#c9c9c9", "#1a9850"]}, "legend": {"title": "outcomes"}}
_STROKE = {"scale": {"domain": [FRONTIER, BATNA], "range": ["#1f4e99", "#b00020"]},
           "legend": {"title": "lines"}}


def _space_layers(r: DealAnalysis, pv: PairView, k: int, x: dict[str, Any],
                  y: dict[str, Any]) -> list[dict[str, Any]]:
    """ZOPA corner, sampled outcomes, efficient ZOPA packages, frontier and BATNA lines."""
    ix, iy = r.actors.index(pv.actor_x), r.actors.index(pv.actor_y)
    tips_xy = [{"field": f"u{i}", "type": "quantitative", "title": f"u({a})", "format": ".3f"}
               for i, a in ((ix, pv.actor_x), (iy, pv.actor_y))]
    dx, dy = r.reservation.get(pv.actor_x), r.reservation.get(pv.actor_y)
    fill = {"field": "zopa", "type": "nominal", **_FILL}
    line = {"field": "line", "type": "nominal", **_STROKE}
    layers: list[dict[str, Any]] = []
    if dx is not None and dy is not None:
        layers.append({"data": {"name": f"corner_{k}"},
                       "mark": {"type": "rect", "color": "#1a9850", "opacity": 0.07},
                       "encoding": {"x": {**x, "field": "x"}, "x2": {"datum": 1},
                                    "y": {**y, "field": "y"}, "y2": {"datum": 1}}})
    layers += [
        {"data": {"name": "outcomes"},
         "mark": {"type": "circle", "size": 9, "opacity": 0.8, "clip": True},
         "encoding": {"x": x, "y": y, "fill": fill,
                      "tooltip": [{"field": "zopa", "title": "outcome"}, *tips_xy]}},
        {"data": {"name": "zopa_frontier"},
         "mark": {"type": "circle", "size": 22, "opacity": 1, "clip": True},
         "encoding": {"x": x, "y": y, "fill": fill}},
        {"data": {"name": f"frontier_{k}"},
         "mark": {"type": "line", "strokeWidth": 1.5, "clip": True},
         "encoding": {"x": {**x, "field": "x"}, "y": {**y, "field": "y"},
                      "order": {"field": "x", "type": "quantitative"}, "stroke": line}}]
    for axis, value, who in (("x", dx, pv.actor_x), ("y", dy, pv.actor_y)):
        if value is not None:
            layers.append({"data": {"name": f"batna_{k}_{axis}"},
                           "mark": {"type": "rule", "strokeDash": [5, 3], "strokeWidth": 1},
                           "encoding": {axis: {"field": "v", "type": "quantitative"},
                                        "stroke": line,
                                        "tooltip": {"field": "v", "title": f"BATNA of {who}",
                                                    "format": ".3f"}}})
    return layers


def _package_layers(r: DealAnalysis, k: int, x: dict[str, Any], y: dict[str, Any],
                    tips: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bargaining solutions (black shapes) and the proposals (colours, selectable)."""
    layers: list[dict[str, Any]] = []
    if r.solutions:
        layers.append({
            "data": {"name": "solutions"},
            "mark": {"type": "point", "size": 110, "filled": True, "color": "#111",
                     "opacity": 0.9, "clip": True},
            "encoding": {"x": x, "y": y, "shape": {
                "field": "solution", "type": "nominal", "title": "bargaining solution",
                "scale": {"domain": [SOLUTION_LABELS.get(s, s) for s in r.solutions],
                          "range": [SOLUTION_SHAPES.get(s, "circle") for s in r.solutions]}},
                "tooltip": [{"field": "solution", "title": "solution"}, *tips]}})
    if r.proposals:
        layers.append({
            "name": f"proposals_{k}", "data": {"name": "proposals"},
            "mark": {"type": "point", "size": 70, "filled": True, "stroke": "#000",
                     "strokeWidth": 0.8, "clip": True},
            "encoding": {"x": x, "y": y, "color": {
                "field": "proposal", "type": "nominal", "title": "proposal (click)",
                "scale": {"domain": [p.name for p in r.proposals], "scheme": "category10"}},
                "opacity": {"condition": {"param": "proposal", "value": 1}, "value": 0.15},
                "tooltip": [{"field": "proposal"}, {"field": "verdict"}, *tips]}})
    return layers


def _panel(r: DealAnalysis, pv: PairView, k: int, tips: list[dict[str, Any]]) -> dict[str, Any]:
    """One pair of veto players: utility of one on x, of the other on y."""
    ix, iy = r.actors.index(pv.actor_x), r.actors.index(pv.actor_y)
    x = {"field": f"u{ix}", "type": "quantitative", "scale": unit_scale(),
         "title": f"utility of {pv.actor_x}"}
    y = {"field": f"u{iy}", "type": "quantitative", "scale": unit_scale(),
         "title": f"utility of {pv.actor_y}"}
    return {"title": f"{pv.actor_x} × {pv.actor_y}", "width": 250, "height": 230,
            "layer": _space_layers(r, pv, k, x, y) + _package_layers(r, k, x, y, tips)}


def _batna_rows(r: DealAnalysis) -> dict[str, list[dict[str, Any]]]:
    """Each panel's ZOPA corner and BATNA lines as named datasets (not inline values), so a
    BATNA edit changes only the data and the app can hand the new rows to the live chart."""
    out: dict[str, list[dict[str, Any]]] = {}
    for k, pv in enumerate(r.pairs):
        dx, dy = r.reservation.get(pv.actor_x), r.reservation.get(pv.actor_y)
        if dx is not None and dy is not None:
            out[f"corner_{k}"] = [{"x": num(dx), "y": num(dy)}]
        for axis, value in (("x", dx), ("y", dy)):
            if value is not None:
                out[f"batna_{k}_{axis}"] = [{"v": num(value), "line": BATNA}]
    return out


def _verdict(p: Any) -> str:
    if p.acceptance == "every_fill":
        return "all veto players accept"
    if p.rejected_by:
        return "rejected by " + ", ".join(p.rejected_by)
    return "depends on the open terms"


def utility_spaces(r: DealAnalysis, points: int | None = None) -> ChartSpec | None:
    """Every pair of veto players in one chart (panels share the legends and the proposal
    selection). None when there is no pair to draw. ``points``: at most this many of the
    record's sampled outcomes (evenly spaced; the workbench's lighter chart), else all."""
    if not r.pairs:
        return None
    issues = _issues(r)
    tips = package_tooltip(r.actors, issues)
    outcomes, zopa = _outcomes(r, points)
    datasets: dict[str, list[dict[str, Any]]] = {"outcomes": outcomes, "zopa_frontier": zopa}
    for k, pv in enumerate(r.pairs):
        datasets[f"frontier_{k}"] = [{"x": num(a), "y": num(b), "line": FRONTIER}
                                   for a, b in pv.frontier]
    datasets.update(_batna_rows(r))
    datasets["solutions"] = [{"solution": SOLUTION_LABELS.get(n, n), "key": n,
                              **package_row(pkg, r.actors, issues)}
                             for n, pkg in r.solutions.items()]
    datasets["proposals"] = [{"proposal": p.name, "id": p.id, "verdict": _verdict(p),
                              **package_row(p.package, r.actors, issues)} for p in r.proposals]
    body: dict[str, Any] = {
        "concat": [_panel(r, pv, k, tips) for k, pv in enumerate(r.pairs)], "columns": 2,
        "resolve": {"scale": {"x": "independent", "y": "independent"}}}
    if r.proposals:
        body["params"] = [{"name": "proposal", "select": {"type": "point",
                                                          "fields": ["proposal"]},
                           "bind": "legend", "views": [f"proposals_{k}"
                                                       for k in range(len(r.pairs))]}]
    spec = vega_lite(body, datasets, renderer="canvas")
    n = len(r.pairs[0].sample)
    shown = "" if len(outcomes) == n else f" ({len(outcomes):,} of the record's {n:,} shown)"
    return ChartSpec("utility-spaces", "Utility spaces of the veto players",
                     f"Each pair of veto players: a sample of outcomes{shown} (green: in the "
                     "ZOPA of all veto players), their two-party Pareto frontier, the BATNA "
                     "lines, the bargaining solutions over the veto players' ZOPA and the named "
                     "proposals. Hover a point for its package and every actor's utility; click "
                     "a proposal (or its legend entry) to pick it out in every panel.", spec,
                     fallback="proposals", tags=("deals",))


def _margin_rows(r: DealAnalysis, actors: list[str]) -> list[dict[str, Any]]:
    """One row per proposal and actor with a BATNA: margin, utility, BATNA, verdict, range."""
    rows: list[dict[str, Any]] = []
    for p in r.proposals:
        by = {s.actor: s for s in p.scores}
        for a in actors:
            s = by.get(a)
            if s is None or s.margin is None:
                continue
            rows.append({"proposal": p.name, "actor": a + (" (veto)" if a in r.veto_players
                                                           else ""),
                         "margin": num(s.margin), "utility": num(s.utility),
                         "batna": num(s.reservation), "verdict": s.verdict or "",
                         "low": num(s.margin_low), "high": num(s.margin_high),
                         # the signed numbers as shown (d3's "+.3f" keeps the sign of a
                         # value that rounds to zero: -0.0001 was "−0.000" in the tooltip)
                         **{f"{k}_shown": _signed(v, d) for k, v, d in (
                             ("margin", s.margin, 3), ("low", s.margin_low, 3),
                             ("high", s.margin_high, 3), ("margin2", s.margin, 2))}})
    return rows


def _signed(x: float | None, digits: int) -> str | None:
    """``x`` written with its sign at ``digits`` decimals, never a negative zero."""
    if x is None or not math.isfinite(x):
        return None
    return f"{nz(x, digits):+.{digits}f}"


def margins(r: DealAnalysis) -> ChartSpec | None:
    """Each proposal against each actor's BATNA: the margin u_i(proposal) − d_i as a heat map
    with the value written in each cell."""
    actors = [a for a in r.actors if a in r.reservation]
    if not r.proposals or not actors:
        return None
    rows = _margin_rows(r, actors)
    # the colour range in steps of 0.1, so that most edits change only the data (the app then
    # updates the chart in place instead of drawing it anew)
    lim = math.ceil(10 * max([0.05, *(abs(float(x["margin"])) for x in rows)]) - 1e-9) / 10
    x = {"field": "actor", "type": "nominal", "sort": None, "title": None,
         "axis": {"labelAngle": -35}}
    y = {"field": "proposal", "type": "nominal", "sort": None, "title": None}
    body = {"width": {"step": 64}, "height": {"step": 26}, "data": {"name": "margins"},
            "encoding": {"x": x, "y": y},
            "layer": [
                {"params": [{"name": "proposal", "select": {"type": "point",
                                                            "fields": ["proposal"]}}],
                 "mark": {"type": "rect", "stroke": "#fff"},
                 "encoding": {"color": {"field": "margin", "type": "quantitative",
                                        "title": "utility − BATNA",
                                        "scale": {"scheme": "redyellowgreen",
                                                  "domain": [-lim, lim]}},
                              "opacity": {"condition": {"param": "proposal", "empty": True,
                                                        "value": 1}, "value": 0.35},
                              "tooltip": [{"field": "proposal"}, {"field": "actor"},
                                          {"field": "utility", "format": ".3f"},
                                          {"field": "batna", "title": "BATNA",
                                           "format": ".3f"},
                                          {"field": "margin_shown", "title": "margin"},
                                          {"field": "low_shown",
                                           "title": "margin, worst fill"},
                                          {"field": "high_shown",
                                           "title": "margin, best fill"},
                                          {"field": "verdict"}]}},
                {"mark": {"type": "text", "fontSize": 10},
                 "encoding": {"text": {"field": "margin2_shown", "type": "nominal"},
                              "color": {"condition": {"test": f"abs(datum.margin) > {0.6 * lim}",
                                                      "value": "white"},
                                        "value": "black"}}}]}
    return ChartSpec("margins", "Proposals against each actor's BATNA",
                     "Each proposal against each actor's BATNA: margin u_i(proposal) − d_i "
                     "(green: better than no deal; red: worse). Hover a cell for the utility, "
                     "the BATNA and the margin range over the open terms.",
                     vega_lite(body, {"margins": rows}), fallback="margins", tags=("deals",))


def monte_carlo(r: DealAnalysis) -> ChartSpec | None:
    """P(ZOPA non-empty) and each proposal's P(accepted by every veto player) over the draws,
    with 95 % normal intervals (± 1.96 s.e., clipped to [0, 1])."""
    mc = r.monte_carlo
    if mc is None:
        return None
    names = {p.id: p.name for p in r.proposals}
    items = [("ZOPA non-empty", mc.p_zopa_nonempty, mc.se)] + [
        (names.get(o.id, o.id), o.p_accepted_by_all_veto, o.se) for o in mc.proposals]
    rows = [{"name": n, "p": num(p), "se": num(se), "low": num(max(0.0, p - 1.96 * se)),
             "high": num(min(1.0, p + 1.96 * se))} for n, p, se in items]
    y = {"field": "name", "type": "nominal", "sort": None, "title": None}
    tip = [{"field": "name", "title": "event"}, {"field": "p", "format": ".3f"},
           {"field": "se", "title": "s.e.", "format": ".3f"},
           {"field": "low", "title": "95 % low", "format": ".3f"},
           {"field": "high", "title": "95 % high", "format": ".3f"}]
    body = {"width": 420, "height": {"step": 24}, "data": {"name": "odds"},
            "encoding": {"y": y}, "layer": [
                {"mark": {"type": "bar", "color": "#4c78a8"},
                 "encoding": {"x": {"field": "p", "type": "quantitative", "scale": unit_scale(0),
                                    "title": "probability over draws (rules: 95 % interval)"},
                              "tooltip": tip}},
                {"mark": {"type": "rule", "color": "#111"},
                 "encoding": {"x": {"field": "low", "type": "quantitative"},
                              "x2": {"field": "high"}, "tooltip": tip}}]}
    return ChartSpec("monte-carlo", "Monte Carlo acceptance",
                     f"Monte Carlo over the uncertain inputs: {mc.draws:,} draws, seed {mc.seed}.",
                     vega_lite(body, {"odds": rows}), fallback="odds", tags=("deals",))


def charts(r: DealAnalysis, points: int | None = None) -> list[ChartSpec]:
    """Every chart of a deal analysis, in report order (``points``: see
    :func:`utility_spaces`)."""
    return [c for c in (utility_spaces(r, points), margins(r), monte_carlo(r)) if c is not None]
