"""The negotiation window over the multi-issue package space (DESIGN.md §4 and §6).

The single-stake window (``window``) asks whether a share of one stake satisfies both sides.
Here the question is asked over the scenario's packages (one option per issue), with every
veto player's BATNA its value of fighting on along each simulated path. At month t of path j,
with each side's own estimate of A's chance (optimism and hot-hand momentum, ``window.beliefs``),
its discount δ_j and its expected cost of fighting on c_{s,t,j} (``dynamics``),

    v_A,t,j = clip(δ_j·p_A,t,j − c_A,t,j, 0, 1),   v_B,t,j = clip(δ_j·(1 − p_B,t,j) − c_B,t,j, 0, 1)

(Fearon 1995, the value of war to each side in stake units), and a veto player i on side s has

    d_i,t,j = u_i,j(s loses) + v_s,t,j · (u_i,j(s wins) − u_i,j(s loses))

(``batna``: the fraction v of the way from its side's defeat to its side's victory, on i's own
0-1 utility scale). The package ZOPA of month t on path j is non-empty when some package gives
every veto player at least its d_i,t,j; :func:`detente.deals.uncertainty.zopa_exists` settles
that exactly for each path (Lagrangian bound, candidate packages, enumeration). A bundled
proposal is accepted on (t, j) when every veto player's utility reaches its d_i,t,j.

Cost. A path's utilities do not change from month to month, only its reservation values, so
the likely-value Pareto frontier of the veto players (up to ``FRONTIER_CANDIDATES`` packages,
those with the largest smallest slack at month 0 first) is scored once per path and tested
against every month at once; a package inside the ZOPA proves it non-empty (the candidate step
of ``zopa_exists``). Only the (month, path) cells this leaves go to ``zopa_exists``, which
settles them exactly by its Lagrangian bound, its candidates or enumeration.

Subsample. The full package test costs far more per path than the single-stake window, so it
runs on ``n_paths`` of the simulated paths chosen without replacement by the ``rng`` passed in
(all paths when ``n_paths`` ≥ their number). Path j also gets its own draw of the scenario's
uncertain utilities (``build_tables`` with one draw per path), so the package window carries the
scenario's uncertainty as well as the battlefield's. Veto players the war section does not put
on a side keep their drawn scenario BATNA. Probabilities carry the Monte Carlo standard error
of ``n_paths`` paths. Same scenario, paths and seed ⇒ identical output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.deals.compile import Tables, build_space, build_tables, package_index
from detente.deals.pareto import pareto_frontier
from detente.deals.uncertainty import package_utilities, zopa_exists
from detente.errors import AnalysisError
from detente.scenario.model import Scenario
from detente.scenario.war import Side, WarModel
from detente.war.bargaining import FloatArray
from detente.war.dynamics import PathParams, Paths, Rng, as_generator
from detente.war.window import QUANTILES, Proportion, beliefs

TOL = 1e-9
PACKAGE_PATHS = 2000
"""Default size of the subsample of paths on which the package window is computed."""
CANDIDATES = 256
"""Candidate packages ``zopa_exists`` retries on the cells the prefilter leaves."""
FRONTIER_CANDIDATES = 4096
"""Frontier packages tried on every cell first (largest smallest slack at month 0)."""


@dataclass(frozen=True)
class PackageProposal:
    """How often a bundled proposal is accepted by every veto player, month by month."""

    id: str
    name: str
    accepted: Proportion


@dataclass(frozen=True)
class PackageWindow:
    """The package window over months 0..T (index = month) on ``n_paths`` paths.

    ``batna``: per veto player the QUANTILES bands (len(QUANTILES), months + 1) of its
    reservation value across paths; ``settled``: how many (month, path) cells
    ``zopa_exists`` settled by the bound, by a candidate package and by enumeration."""

    n_paths: int
    months: int
    path_index: NDArray[np.int64]
    veto: tuple[str, ...]
    zopa: Proportion
    proposals: tuple[PackageProposal, ...]
    batna: dict[str, FloatArray]
    settled: tuple[int, int, int]
    quantiles: tuple[float, ...] = QUANTILES


def package_stream(seed: int) -> np.random.Generator:
    """Child stream 4 of ``seed``: independent of the streams 0-3 that ``dynamics.simulate``
    spawns from a Generator seeded with ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(5)[4])


def subsample(paths: Paths, index: NDArray[np.int64]) -> Paths:
    """The paths ``index`` (columns) of ``paths``, parameters included."""
    prm = PathParams(**{k: getattr(paths.params, k)[index]
                        for k in PathParams.__dataclass_fields__})
    return Paths(z=paths.z[:, index], p=paths.p[:, index], cost_a=paths.cost_a[:, index],
                 cost_b=paths.cost_b[:, index], spent_a=paths.spent_a[:, index],
                 spent_b=paths.spent_b[:, index], shocks=paths.shocks[index], params=prm)


def fighting_values(paths: Paths) -> dict[Side, FloatArray]:
    """v_A and v_B (module docstring) on every month and path, shape (months + 1, paths)."""
    b = beliefs(paths)
    d = paths.params.discount
    v_a = np.clip(d * b.p_a - paths.cost_a, 0.0, 1.0)
    v_b = np.clip(d * (1.0 - b.p_b) - paths.cost_b, 0.0, 1.0)
    return {Side.a: v_a, Side.b: v_b}


def path_reservations(war: WarModel, scenario: Scenario, tables: Tables,
                      value: dict[Side, FloatArray]) -> FloatArray:
    """Reservation values (months + 1, paths, actors): the value of fighting on for every
    actor ``war.outcomes.sides`` places on a side, the drawn scenario BATNA for the others.

    ``tables`` has one draw per path; ``value`` is :func:`fighting_values` of those paths."""
    if war.outcomes is None:
        raise AnalysisError.one(
            "the war model does not say what winning means on the issues", path="war.outcomes",
            allowed="outcomes: {sides: {actor: a|b}, a_wins: {issue: option}, b_wins: {...}}")
    rows = value[Side.a].shape[0]
    u_a = package_utilities(tables, package_index(scenario, dict(war.outcomes.a_wins)))
    u_b = package_utilities(tables, package_index(scenario, dict(war.outcomes.b_wins)))
    res = np.broadcast_to(tables.reservation, (rows, *tables.reservation.shape)).copy()
    for actor, side in war.outcomes.sides.items():
        if actor not in tables.actors:
            raise AnalysisError.one("unknown actor in the war outcomes", path="war.outcomes.sides",
                                    value=actor, allowed=", ".join(tables.actors))
        i = tables.actors.index(actor)
        win, lose = (u_a[:, i], u_b[:, i]) if side == Side.a else (u_b[:, i], u_a[:, i])
        res[:, :, i] = lose[None, :] + value[side] * (win - lose)[None, :]
    return res


def candidate_packages(scenario: Scenario, veto: list[int], reservation: FloatArray,
                       limit: int = CANDIDATES) -> NDArray[np.int64]:
    """Option indices (≤ ``limit``, n_issues) of the likely-value Pareto frontier of the veto
    players, those with the largest smallest slack against ``reservation`` (n_veto,) first."""
    space = build_space(scenario)
    vspace = space.subset([space.actors[v] for v in veto])
    frontier = pareto_frontier(vspace)
    slack = (frontier.utilities - reservation[None, :]).min(axis=1)
    order = np.argsort(-slack, kind="stable")[:limit]
    return np.asarray(vspace.decode(frontier.outcomes[order]), dtype=np.int64)


def _require_batnas(tables: Tables, veto: list[int], reservation: FloatArray) -> None:
    bad = np.isnan(reservation[:, :, veto]).any(axis=(0, 1))
    if bad.any():
        who = [tables.actors[veto[k]] for k in np.flatnonzero(bad)]
        raise AnalysisError.one(
            "veto player without a BATNA: the scenario gives none and the war section puts it "
            "on no side", path="war.outcomes.sides", value=", ".join(who),
            allowed="add the actor to war.outcomes.sides or give it a batna")


def window_from_reservations(tables: Tables, veto: list[int], reservation: FloatArray,
                             candidates: NDArray[np.int64],
                             proposals: list[list[int]], tol: float = TOL,
                             ) -> tuple[NDArray[np.bool_], NDArray[np.bool_], tuple[int, int, int]]:
    """Per month and path, whether the package ZOPA is non-empty and whether each proposal
    (option indices per issue) is accepted by every veto player.

    Args:
        tables: utility tables with one draw per path (D = paths).
        veto: indices of the veto players in ``tables.actors``.
        reservation: (months + 1, paths, actors) reservation values.
        candidates: packages ``zopa_exists`` tries first.
        proposals: option indices of each proposal.
        tol: tolerance on utility comparisons.

    Returns:
        ``zopa`` (months + 1, paths), ``accepted`` (proposals, months + 1, paths) and the
        counts of cells settled by the bound, a candidate and enumeration.
    """
    rows, n = reservation.shape[0], reservation.shape[1]
    if n != tables.draws:
        raise ValueError(f"reservation has {n} paths, the tables {tables.draws} draws")
    _require_batnas(tables, veto, reservation)
    # Candidate packages first, for every month at once: a package that gives every veto
    # player its reservation value proves the ZOPA non-empty (step 2 of ``zopa_exists``); the
    # path's utilities of the candidates do not change from month to month.
    d = reservation[:, :, veto]
    u_cand = np.zeros((n, len(veto), candidates.shape[0]))
    for k, c in enumerate(tables.contrib):
        u_cand += c[:, veto][:, :, candidates[:, k]]
    zopa = np.zeros((rows, n), dtype=bool)
    for t in range(rows):
        zopa[t] = (u_cand >= d[t][:, :, None] - tol).all(axis=1).any(axis=1)
    n_cand = int(zopa.sum())
    # The rest: every (month, path) cell left is one draw for zopa_exists.
    t_left, j_left = np.nonzero(~zopa)
    settled = (0, n_cand, 0)
    if t_left.size:
        rest = Tables(tables.actors, tables.issues, tables.options,
                      tuple(c[j_left] for c in tables.contrib), reservation[t_left, j_left],
                      tables.capability[j_left])
        z = zopa_exists(rest, veto, candidates[:CANDIDATES], tol)
        zopa[t_left, j_left] = z.exists
        settled = (z.by_bound, n_cand + z.by_candidate, z.by_enumeration)
    accepted = np.zeros((len(proposals), rows, n), dtype=bool)
    for k, idx in enumerate(proposals):
        u = package_utilities(tables, idx)[:, veto]
        accepted[k] = (u[None, :, :] >= d - tol).all(axis=2)
    return zopa, accepted, settled


def package_window(scenario: Scenario, paths: Paths, n_paths: int = PACKAGE_PATHS,
                   rng: Rng = None, tol: float = TOL) -> PackageWindow:
    """The package window of ``scenario`` (which must hold a war section with ``outcomes``)
    along the simulated ``paths`` of its war model (module docstring).

    Args:
        scenario: a validated scenario with a ``war`` section.
        paths: battlefield paths of ``scenario.war`` (``dynamics.simulate``).
        n_paths: size of the subsample of paths (all paths if larger).
        rng: Generator or seed for the subsample and the per-path utility draws.
        tol: tolerance on utility comparisons.
    """
    war = scenario.war
    if not isinstance(war, WarModel):
        raise AnalysisError.one("the scenario has no war model", path="war",
                                allowed="a 'war' section (see docs/war.md)")
    if n_paths < 1:
        raise AnalysisError.one("the package window needs at least one path",
                                path="n_paths", value=n_paths, allowed="an integer >= 1")
    veto = [i for i, a in enumerate(scenario.actors) if a.veto]
    if not veto:
        raise AnalysisError.one("no veto players: mark at least one actor 'veto: true'",
                                path="actors")
    g_sample, g_tables = as_generator(rng).spawn(2)
    total = paths.n_paths
    if n_paths >= total:
        index = np.arange(total, dtype=np.int64)
    else:
        index = np.sort(g_sample.choice(total, size=n_paths, replace=False)).astype(np.int64)
    sub = subsample(paths, index)
    tables = build_tables(scenario, index.size, g_tables)
    res = path_reservations(war, scenario, tables, fighting_values(sub))
    _require_batnas(tables, veto, res)
    d0 = np.median(res[0][:, veto], axis=0)
    candidates = candidate_packages(scenario, veto, d0, FRONTIER_CANDIDATES)
    props = [package_index(scenario, {k: c.value for k, c in p.package.items()})
             for p in scenario.proposals]
    zopa, accepted, settled = window_from_reservations(tables, veto, res, candidates, props, tol)
    q = np.asarray(QUANTILES)
    return PackageWindow(
        n_paths=int(index.size), months=paths.months, path_index=index,
        veto=tuple(scenario.actors[i].id for i in veto), zopa=Proportion.of(zopa),
        proposals=tuple(PackageProposal(id=p.id, name=p.name, accepted=Proportion.of(accepted[k]))
                        for k, p in enumerate(scenario.proposals)),
        batna={scenario.actors[i].id: np.quantile(res[:, :, i], q, axis=1) for i in veto},
        settled=settled)
