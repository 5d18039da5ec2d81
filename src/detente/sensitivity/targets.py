"""Headline quantities of the deal analysis as functions of an explicit matrix of input draws.

A *target* is one number per row of a design: whether the veto players' ZOPA is non-empty
(``zopa``, 0/1) and its continuous witness, the largest smallest surplus
``max_ω min_i (u_i(ω) − d_i)`` (``zopa.slack``, ≥ 0 exactly when the ZOPA is non-empty); each
proposal's margin ``u_i(p) − d_i`` for each veto player (``proposal.<id>.margin.<actor>``) and
whether all veto players accept it (``proposal.<id>.accept``); each veto player's utility of
the likely-value Nash package (``nash.<actor>``; the package is held fixed, its utilities vary);
the compromise model's forecast on each issue (``forecast.<issue>``, 0-100: Achen 2006, as
``detente.forecasts.compromise`` on ``detente.forecasts.scenario.issue_table``).
Utilities are the linear additive model of Raiffa (1982, ch. 10); the ZOPA is decided exactly
per row by ``detente.deals.uncertainty.zopa_exists``.

:class:`DealModel` is a picklable callable ``X (n, d) → Y (n, s)``, so any design and any
executor drive the same vectorised code. Other analyses (the war window, forecasts) plug in by
providing a model with the same ``targets`` / ``space`` / ``__call__`` shape (:class:`Model`).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from detente.deals.analysis import _candidates
from detente.deals.compile import Tables, build_tables
from detente.deals.open_terms import open_terms
from detente.deals.pareto import pareto_frontier
from detente.deals.solutions import Solution, solve
from detente.deals.space import FloatArray
from detente.deals.uncertainty import max_min_slack32, zopa_exists
from detente.deals.zopa import in_zopa
from detente.errors import AnalysisError
from detente.formats.table import StakeholderTable
from detente.scenario.model import Scenario
from detente.sensitivity.inputs import InputSpace, deal_inputs

TOL = 1e-9
FORECASTERS = {"eum": "expected utility model's (Bueno de Mesquita 1994; Scholz et al. 2011)",
               "smp": "spatial model of politics' (KTAB; Wise et al. 2015)"}
"""Forecast models beside the compromise model, as ``forecast.<issue>.<model>`` targets: each
row runs the model on the issue's table with the row's capabilities and saliences (default
options), through ``detente.forecasts.montecarlo.forecast_draws``."""


@dataclass(frozen=True)
class Target:
    """One headline quantity. ``verdict``: the quantity's sign decides a yes/no verdict
    (margins, slack), so a break-even value is where it crosses 0."""

    name: str
    label: str
    verdict: bool = False
    headline: bool = True


class Model(Protocol):
    """What a sensitivity analysis needs from an analysis: named inputs, targets, and
    ``__call__(X) → Y`` over an explicit matrix of input values (rows = draws)."""

    space: InputSpace
    targets: list[Target]

    def __call__(self, X: FloatArray) -> FloatArray: ...


@dataclass(frozen=True)
class _IssueForecast:
    """What the compromise model needs for one issue: stance holders, salience inputs, places."""

    issue: str
    actors: list[int]
    salience: list[str]
    likely: FloatArray
    position: FloatArray
    table: StakeholderTable


def _forecast_inputs(scenario: Scenario) -> list[_IssueForecast]:
    from detente.forecasts.scenario import issue_table

    out = []
    index = {a.id: i for i, a in enumerate(scenario.actors)}
    for issue in scenario.issues:
        holders = [st for st in scenario.stances if st.issue == issue.id]
        if len(holders) < 2:
            continue
        table, _ = issue_table(scenario, issue.id)
        out.append(_IssueForecast(issue.id, [index[a] for a in table.actors],
                                  [f"stances.{a}.{issue.id}.salience" for a in table.actors],
                                  table.salience[:, 0].copy(), table.position[:, 0].copy(),
                                  table))
    return out


def _deal_targets(scenario: Scenario, veto: list[str], nash: bool) -> list[Target]:
    out = [Target("zopa", "ZOPA non-empty (1/0)"),
           Target("zopa.slack", "largest smallest surplus over BATNAs (ZOPA ⇔ ≥ 0)", True,
                  headline=False)]
    for p in scenario.proposals:
        for a in veto:
            out.append(Target(f"proposal.{p.id}.margin.{a}", f"{p.name}: margin of {a}", True))
        out.append(Target(f"proposal.{p.id}.accept", f"{p.name}: all veto players accept (1/0)"))
    if nash:
        out += [Target(f"nash.{a}", f"{a}'s utility of the Nash package") for a in veto]
    out += [Target(f"nash.{a}.resolved", f"{a}'s utility of the Nash package re-solved per "
                   "draw (its BATNA where the ZOPA is empty)", headline=False) for a in veto]
    for f in _forecast_inputs(scenario):
        out.append(Target(f"forecast.{f.issue}",
                          f"compromise-model forecast on {f.issue} (0-100)"))
        out += [Target(f"forecast.{f.issue}.{m}", f"{label} forecast on {f.issue} (0-100)",
                       headline=False) for m, label in FORECASTERS.items()]
    return out


def select_targets(targets: list[Target], patterns: list[str] | None) -> list[Target]:
    """Targets matching any pattern (names or shell globs); the headline ones when ``patterns``
    is empty."""
    if not patterns:
        return [t for t in targets if t.headline]
    bad = [p for p in patterns if not any(fnmatch.fnmatchcase(t.name, p) for t in targets)]
    if bad:
        names = [t.name for t in targets]
        raise AnalysisError.one("unknown target", value=", ".join(bad),
                                allowed=", ".join(names[:12]) +
                                (f", … ({len(names)} in all)" if len(names) > 12 else ""))
    return [t for t in targets if any(fnmatch.fnmatchcase(t.name, p) for p in patterns)]


class DealModel:
    """The deal analysis's headline targets as a function of a matrix of input values.

    Args:
        scenario: a validated scenario (its veto players need BATNAs).
        space: the inputs that vary (default: every uncertain deal input); inputs not in it
            keep their likely values.
        targets: target names or globs (default: the headline targets, all but
            ``zopa.slack``, whose exact scan costs ~1.5 ms a row).
    """

    def __init__(self, scenario: Scenario, space: InputSpace | None = None,
                 targets: list[str] | None = None, tol: float = TOL) -> None:
        self.scenario = scenario
        self.space = space if space is not None else InputSpace(tuple(deal_inputs(scenario)))
        self.tol = tol
        base = build_tables(scenario)
        self.veto = [i for i, a in enumerate(scenario.actors) if a.veto]
        if not self.veto or np.isnan(base.reservation[0, self.veto]).any():
            raise AnalysisError.one("sensitivity of the deal analysis needs veto players with "
                                    "BATNAs", path="actors")
        space0 = base.space(0)
        vspace = space0.subset([space0.actors[i] for i in self.veto])
        d = space0.reservation[self.veto]
        frontier = pareto_frontier(vspace, method="auto")
        f_index = vspace.decode(frontier.outcomes)
        self.candidates = _candidates(f_index, frontier.utilities, d)
        zmask = in_zopa(frontier.utilities, d, tol)
        self.nash: list[int] | None = None
        if zmask.any():
            row = solve(frontier.utilities[zmask], d, Solution.nash,
                        weights=base.capability[0, self.veto], tol=tol)
            assert row is not None
            self.nash = [int(x) for x in f_index[zmask][row]]
        self.forecasts = _forecast_inputs(scenario)
        names = [scenario.actors[i].id for i in self.veto]
        self.targets = select_targets(_deal_targets(scenario, names, self.nash is not None),
                                      targets)
        self._names = {t.name for t in self.targets}

    def tables(self, X: FloatArray) -> Tables:
        """Utility tables of the rows of ``X`` (categorical columns are not table inputs)."""
        X = np.atleast_2d(X)
        given = {x.name: X[:, j] for j, x in enumerate(self.space.inputs)
                 if x.kind != "categorical"}
        return build_tables(self.scenario, X.shape[0], given=given)

    def _proposal_utilities(self, tables: Tables, X: FloatArray, p_index: int) -> FloatArray:
        """``(n, n_actors)`` utilities of a proposal; open terms take the row's option (NaN:
        the mean over the issue's options)."""
        prop = self.scenario.proposals[p_index]
        n = X.shape[0]
        u = np.zeros((n, len(tables.actors)))
        terms = {t.issue: t for t in open_terms(self.scenario, prop)}
        for k, issue in enumerate(self.scenario.issues):
            c = tables.contrib[k]
            term = terms.get(issue.id)
            if term is None:
                idx0 = issue.index_of(prop.package[issue.id].value)  # type: ignore[arg-type]
                assert idx0 is not None  # checked by the loader
                u += c[:, :, idx0]
                continue
            allowed = np.array([issue.index_of(o) for o in term.options], dtype=int)
            col = self.space.names.index(term.name) if term.name in self.space.names else None
            pick = X[:, col] if col is not None else np.full(n, np.nan)
            mean = c[:, :, allowed].mean(axis=2)
            idx = allowed[np.nan_to_num(pick, nan=0.0).astype(int)]
            u += np.where(np.isnan(pick)[:, None], mean, c[np.arange(n), :, idx])
        return u

    def __call__(self, X: FloatArray) -> FloatArray:
        """Targets ``(n, s)`` for the input rows ``X`` ``(n, d)``."""
        return self.evaluate(X, [t.name for t in self.targets])

    def evaluate(self, X: FloatArray, names: list[str]) -> FloatArray:
        """The named targets only (a subset of ``targets``), ``(n, len(names))``."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        t = self.tables(X)
        n = X.shape[0]
        d = t.reservation
        want = set(names)
        cols: dict[str, FloatArray] = {}
        if "zopa" in want:
            cols["zopa"] = self._exists(t)
        if "zopa.slack" in want:
            cols["zopa.slack"] = self._slack(t)
        for pi, prop in enumerate(self.scenario.proposals):
            if not any(name.startswith(f"proposal.{prop.id}.") for name in want):
                continue
            margin = self._proposal_utilities(t, X, pi) - d
            for i in self.veto:
                cols[f"proposal.{prop.id}.margin.{t.actors[i]}"] = margin[:, i]
            ok = (margin[:, self.veto] >= -self.tol).all(axis=1)
            cols[f"proposal.{prop.id}.accept"] = ok.astype(float)
        if self.nash is not None and any(name.startswith("nash.") for name in want):
            u = np.sum([c[:, :, self.nash[k]] for k, c in enumerate(t.contrib)], axis=0)
            for i in self.veto:
                cols[f"nash.{t.actors[i]}"] = u[:, i]
        if any(name.endswith(".resolved") for name in want):
            solved = nash_per_draw(t, self.veto, self.tol)
            for j, i in enumerate(self.veto):
                cols[f"nash.{t.actors[i]}.resolved"] = solved[:, j]
        for f in self.forecasts:
            for m in ("", *FORECASTERS):
                name = f"forecast.{f.issue}" + (f".{m}" if m else "")
                if name in want:
                    cols[name] = self._forecast(t, X, f, m)
        return np.stack([cols[name] for name in names], axis=1).reshape(n, -1)

    def _forecast(self, t: Tables, X: FloatArray, f: _IssueForecast,
                  model: str = "") -> FloatArray:
        """Per row, the compromise model Σ c_i s_i x_i / Σ c_i s_i (Achen 2006), or with
        ``model`` the EUM or SMP on the row's capabilities and saliences."""
        from detente.forecasts.compromise import compromise

        cols = {x: j for j, x in enumerate(self.space.names)}
        sal = np.stack([X[:, cols[name]] if name in cols else np.full(X.shape[0], f.likely[i])
                        for i, name in enumerate(f.salience)], axis=1)
        x = np.broadcast_to(f.position, sal.shape)
        cap = t.capability[:, f.actors]
        if not model:
            return compromise(x, sal, cap)
        from detente.forecasts.eum import ExpectedUtilityModel
        from detente.forecasts.montecarlo import forecast_draws
        from detente.forecasts.smp import SpatialModel

        forecaster = ExpectedUtilityModel() if model == "eum" else SpatialModel()
        return forecast_draws(forecaster, f.table, np.maximum(cap, 1e-12),
                              np.ascontiguousarray(x)[:, :, None], sal[:, :, None])[:, 0]

    def _exists(self, t: Tables) -> FloatArray:
        """1.0 where the veto players' ZOPA is non-empty: a candidate package inside it settles
        a row at once; the rest go to the exact test of ``zopa_exists``."""
        d = t.reservation[:, self.veto]
        u = np.zeros((t.draws, len(self.veto), self.candidates.shape[0]))
        for k, c in enumerate(t.contrib):
            u += c[:, self.veto][:, :, self.candidates[:, k]]
        out = np.all(u >= d[:, :, None] - self.tol, axis=1).any(axis=1) * 1.0
        rest = np.flatnonzero(out == 0)
        if rest.size:
            sub = Tables(t.actors, t.issues, t.options, tuple(c[rest] for c in t.contrib),
                         t.reservation[rest], t.capability[rest])
            out[rest] = zopa_exists(sub, self.veto, self.candidates, self.tol).exists
        return out

    def _slack(self, t: Tables) -> FloatArray:
        """``max_ω min_i (u_i − d_i)`` per row (float32 scan, accurate to ~1e-6)."""
        contrib = [c[:, self.veto, :] for c in t.contrib]
        d = t.reservation[:, self.veto]
        out = np.empty(t.draws)
        for s in range(0, t.draws, 8):
            out[s:s + 8] = max_min_slack32([c[s:s + 8] for c in contrib], d[s:s + 8])
        return out


def nash_per_draw(t: Tables, veto: list[int], tol: float = TOL) -> FloatArray:
    """The veto players' utilities ``(draws, len(veto))`` of the Nash bargaining solution
    re-solved in every draw: argmax of Σ_i log(u_i − d_i) over every outcome with u ≥ d − tol
    (Nash 1950; the same rule and fallback as :func:`detente.deals.solutions.solve`, scanned
    over the whole space instead of a frontier), or the BATNAs d where the ZOPA is empty."""
    out = t.reservation[:, veto].copy()
    for r in range(t.draws):
        space = t.space(r)
        sub = space.subset([space.actors[i] for i in veto])
        d = sub.reservation
        best, best_u = (-np.inf, -np.inf), None
        for _, u in sub.chunks():
            gains = u - d[:, None]
            ok = (gains >= -tol).all(axis=0)
            if not ok.any():
                continue
            g = np.maximum(gains[:, ok], 0.0)
            with np.errstate(divide="ignore"):
                score = np.log(g).mean(axis=0)
            fallback = -(g <= tol).sum(axis=0).astype(float)
            j = int(np.argmax(score) if np.isfinite(score).any() else np.argmax(fallback))
            key = (float(score[j]), float(fallback[j]))
            if key > best:
                best, best_u = key, u[:, ok][:, j]
        if best_u is not None:
            out[r] = best_u
    return out
