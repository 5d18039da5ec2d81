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

Ratification (Putnam 1988, two-level games). A deal must also be ratified at home: each
government needs it to beat fighting on by its domestic threshold t = opposition × audience
cost (``ratification``, stake units). The package window applies the win-sets of
``ratification.win_sets`` along every path: the government of side s (``war.side_a``,
``war.side_b``; thresholds ``war.ratification.a``/``.b``, drawn once per path with the
battlefield parameters) and any ally given its own threshold (``war.ratification.allies``) has
the ratification line

    v^R_A,t,j = max(δ_j·p_A,t,j − c_A,t,j + t_i,j, 0)  (the low end of A's win-set),
    v^R_B,t,j = max(δ_j·(1 − p_B,t,j) − c_B,t,j + t_i,j, 0)  (one minus the high end of B's),

in place of v_s, and the same mapping to its utility scale, d^R_i = u_i(s loses) + v^R ·
(u_i(s wins) − u_i(s loses)) ≥ d_i. A package is ratifiable on (t, j) when every veto player's
utility reaches its d^R_i; the ratifiable ZOPA is a subset of the international one and is
tested only where that one is non-empty. Without positive thresholds the two coincide.

Cost. A path's utilities do not change from month to month, only its reservation values, so
the likely-value Pareto frontier of the veto players (up to ``FRONTIER_CANDIDATES`` packages,
those with the largest smallest slack at month 0 first) is scored once per path and tested
against every month at once; a package inside the ZOPA proves it non-empty (the candidate step
of ``zopa_exists``). Candidates are tried in blocks (``CANDIDATE_BLOCKS``), each only on the
cells the earlier blocks left open, so a cell proved by a leading candidate costs little. Only
the (month, path) cells this leaves go to ``zopa_exists``, which settles them exactly by its
Lagrangian bound, its candidates or enumeration.

Subsample. The full package test costs far more per path than the single-stake window, so it
runs on ``n_paths`` of the simulated paths chosen without replacement by the ``rng`` passed in
(all paths when ``n_paths`` ≥ their number). Path j also gets its own draw of the scenario's
uncertain utilities (``build_tables`` with one draw per path), so the package window carries the
scenario's uncertainty as well as the battlefield's. Veto players the war section does not put
on a side keep their drawn scenario BATNA. Probabilities carry the Monte Carlo standard error
of ``n_paths`` paths. Same scenario, paths and seed ⇒ identical output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.deals.compile import Tables, build_space, build_tables, package_index
from detente.deals.open_terms import proposal_fills
from detente.deals.pareto import pareto_frontier
from detente.deals.uncertainty import package_utilities, zopa_exists
from detente.errors import AnalysisError
from detente.scenario.model import Scenario
from detente.scenario.war import Side, WarModel
from detente.war.bargaining import BargainingRange, FloatArray, bargaining_range
from detente.war.dynamics import PathParams, Paths, Rng, as_generator, draw
from detente.war.ratification import domestic_threshold, ratification_lines
from detente.war.window import QUANTILES, Proportion, beliefs, range_paths, truce_state

TOL = 1e-9
PACKAGE_PATHS = 2000
"""Default size of the subsample of paths on which the package window is computed."""
CANDIDATES = 256
"""Candidate packages ``zopa_exists`` retries on the cells the prefilter leaves."""
FRONTIER_CANDIDATES = 4096
"""Frontier packages tried on every cell first (largest smallest slack at month 0)."""
CANDIDATE_BLOCKS = (64, 512)
"""Ends of the leading blocks of candidates; each later block is tried only on open cells."""


@dataclass(frozen=True)
class PackageProposal:
    """How often a bundled proposal is accepted by every veto player, month by month, and how
    often it is also ratifiable (every veto player's utility reaches its ratification line)."""

    id: str
    name: str
    accepted: Proportion
    ratified: Proportion
    holds: Proportion | None = None
    guarantee_option: str | None = None


@dataclass(frozen=True)
class PackageWindow:
    """The package window over months 0..T (index = month) on ``n_paths`` paths.

    ``batna``: per veto player the QUANTILES bands (len(QUANTILES), months + 1) of its
    reservation value across paths; ``settled``: how many (month, path) cells were settled by
    the Lagrangian bound, by a candidate package, by enumeration and by dominance.

    Ratification: ``ratification`` says whether some veto player has a positive domestic
    threshold on some path; ``zopa_ratified`` is P(ratifiable ZOPA non-empty);
    ``ratified_batna`` the bands of each veto player's ratification line d^R (its BATNA plus
    its domestic cost, 0-1 utility); ``domestic`` the QUANTILES of the threshold t (stake
    units) across paths of each veto player that has one; ``ratified_settled`` counts the
    cells of the ratifiable test (only those the international ZOPA leaves open). Without a
    threshold the ratified fields repeat the international ones."""

    n_paths: int
    months: int
    path_index: NDArray[np.int64]
    veto: tuple[str, ...]
    zopa: Proportion
    proposals: tuple[PackageProposal, ...]
    batna: dict[str, FloatArray]
    settled: Settled
    ratification: bool
    zopa_ratified: Proportion
    ratified_batna: dict[str, FloatArray]
    domestic: dict[str, FloatArray]
    ratified_settled: Settled
    quantiles: tuple[float, ...] = QUANTILES


def package_stream(seed: int) -> np.random.Generator:
    """Child stream 4 of ``seed``: independent of the streams 0-3 that ``dynamics.simulate``
    spawns from a Generator seeded with ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(5)[4])


def subsample(paths: Paths, index: NDArray[np.int64]) -> Paths:
    """The paths ``index`` (columns) of ``paths``, parameters included."""
    fields: dict[str, Any] = {k: getattr(paths.params, k)[index]
                              for k in PathParams.__dataclass_fields__ if k != "guarantors"}
    prm = PathParams(guarantors=paths.params.guarantors.take(index), **fields)
    cols = (lambda a: None if a is None else a[:, index])  # noqa: E731
    return Paths(z=paths.z[:, index], p=paths.p[:, index], cost_a=paths.cost_a[:, index],
                 cost_b=paths.cost_b[:, index], spent_a=paths.spent_a[:, index],
                 spent_b=paths.spent_b[:, index], shocks=paths.shocks[index], params=prm,
                 belief_z=cols(paths.belief_z), bias_decay=cols(paths.bias_decay))


def fighting_values(paths: Paths) -> dict[Side, FloatArray]:
    """v_A and v_B (module docstring) on every month and path, shape (months + 1, paths)."""
    b = beliefs(paths)
    d = paths.params.discount
    v_a = np.clip(d * b.p_a - paths.cost_a, 0.0, 1.0)
    v_b = np.clip(d * (1.0 - b.p_b) - paths.cost_b, 0.0, 1.0)
    return {Side.a: v_a, Side.b: v_b}


def level_one(paths: Paths) -> BargainingRange:
    """Fearon's range on every month and path with each side's own estimate (``bargaining``):
    [δ·p_A − c_A, 1 − δ(1 − p_B) + c_B], the level-I range the win-sets shrink."""
    b = beliefs(paths)
    return bargaining_range(paths.p, paths.cost_a, paths.cost_b, p_a=b.p_a, p_b=b.p_b,
                            delta=paths.params.discount)


def domestic_thresholds(war: WarModel, paths: Paths, rng: Rng = None) -> dict[str, FloatArray]:
    """Domestic threshold t = opposition × audience_cost (stake units) per path, (paths,), of
    each government (``side_a``, ``side_b``: the draws of ``paths.params``, shared with the
    single-stake window) and each ally in ``war.ratification.allies`` (drawn here with ``rng``,
    in the order listed). Actors without an entry are absent (no threshold)."""
    g = as_generator(rng)
    n = paths.n_paths
    out = {war.side_a: paths.params.t_a, war.side_b: paths.params.t_b}
    for actor, dom in war.ratification.allies.items():
        out[actor] = domestic_threshold(draw(dom.opposition, n, g), draw(dom.audience_cost, n, g))
    return out


def path_reservations(war: WarModel, scenario: Scenario, tables: Tables,
                      value: dict[Side, FloatArray],
                      own: dict[str, FloatArray] | None = None) -> FloatArray:
    """Reservation values (months + 1, paths, actors): the value of fighting on for every
    actor ``war.outcomes.sides`` places on a side, the drawn scenario BATNA for the others.

    ``tables`` has one draw per path; ``value`` is :func:`fighting_values` of those paths;
    ``own`` replaces the side's value for the actors it names (their ratification lines)."""
    if war.outcomes is None:
        raise AnalysisError.one(
            "the war model does not say what winning means on the issues", path="war.outcomes",
            allowed="outcomes: {sides: {actor: a|b}, a_wins: {issue: option}, b_wins: {...}}")
    own = own or {}
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
        v = own.get(actor, value[side])
        res[:, :, i] = lose[None, :] + v * (win - lose)[None, :]
    return res


def ratification_values(war: WarModel, level: BargainingRange, value: dict[Side, FloatArray],
                        thresholds: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """Each thresholded actor's ratification line v^R (months + 1, paths), in its side's share
    of the stake: ``ratification.ratification_lines`` of the level-I range with its threshold,
    never below the side's value of fighting on ``value`` (equal to it where t = 0).

    Raises:
        AnalysisError: a government with a positive threshold that ``war.outcomes.sides`` does
            not put on its side, or an ally that it puts on no side.
    """
    sides = dict(war.outcomes.sides) if war.outcomes is not None else {}
    govs = {war.side_a: Side.a, war.side_b: Side.b}
    out = {}
    for actor, t in thresholds.items():
        side = govs.get(actor)
        if side is not None and sides.get(actor) != side:
            if not (t > 0).any():
                continue
            raise AnalysisError.one(
                f"side {side}'s government has a domestic threshold (war.ratification.{side}) "
                f"but war.outcomes.sides does not put it on side {side}",
                path="war.outcomes.sides", value=actor, allowed=f"{actor}: {side}")
        if side is None:
            if actor not in sides:
                raise AnalysisError.one(
                    "an ally with a domestic threshold must stand on a side",
                    path="war.ratification.allies", value=actor,
                    allowed=", ".join(a for a in sides if a not in govs) or "none")
            side = sides[actor]
        t_a, t_b = (t, 0.0) if side == Side.a else (0.0, t)
        line = ratification_lines(level, t_a, t_b)[0 if side == Side.a else 1]
        out[actor] = np.maximum(line, value[side])
    return out


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


def candidate_hits(tables: Tables, veto: list[int], d: FloatArray,
                   candidates: NDArray[np.int64], todo: NDArray[np.bool_],
                   tol: float = TOL) -> NDArray[np.bool_]:
    """(months + 1, paths): True where some candidate package gives every veto player at least
    its reservation ``d`` (months + 1, paths, n_veto); only the cells ``todo`` are tested.

    Candidates go in blocks (``CANDIDATE_BLOCKS``, then the rest); a block is scored only on
    the paths with an open cell, and tested only on the open cells of each month."""
    hit = np.zeros_like(todo)
    k = candidates.shape[0]
    ends = [e for e in CANDIDATE_BLOCKS if e < k] + [k]
    contrib = [c[:, veto] for c in tables.contrib]
    start = 0
    for end in ends:
        left = todo & ~hit
        js = np.flatnonzero(left.any(axis=0))
        if js.size == 0 or start >= end:
            break
        u = np.zeros((js.size, len(veto), end - start))
        for issue, c in enumerate(contrib):
            u += c[js][:, :, candidates[start:end, issue]]
        open_js = left[:, js]
        for t in np.flatnonzero(open_js.any(axis=1)):
            sel = np.flatnonzero(open_js[t])
            cols = js[sel]
            hit[t, cols] = (u[sel] >= d[t, cols][:, :, None] - tol).all(axis=1).any(axis=1)
        start = end
    return hit


Settled = tuple[int, int, int, int]
"""Cells settled by the Lagrangian bound, a candidate package, enumeration and dominance."""


def settle_by_dominance(tables: Tables, veto: list[int], reservation: FloatArray,
                        cells: NDArray[np.bool_], candidates: NDArray[np.int64],
                        tol: float = TOL) -> tuple[NDArray[np.bool_], Settled]:
    """Exact ZOPA verdicts on ``cells`` (months + 1, paths) by ``zopa_exists``, one cell per
    path per round, each verdict passed on within its path by dominance of the reservation
    values: no package gives every veto player d_t − tol ⇒ none gives d_t' − tol for d_t' ≥ d_t;
    a package that gives d_t − tol gives d_t' − tol for d_t' ≤ d_t. Each round tests, on every
    path with open cells, the least demanding one (smallest Σ_i d_i): most cells that reach
    this step are empty, and an empty one closes every cell above it."""
    d = reservation[:, :, veto]
    open_ = cells.copy()
    exists = np.zeros_like(cells)
    bound = cand = enum = tested = 0
    while open_.any():
        js = np.flatnonzero(open_.any(axis=0))
        total = np.where(open_[:, js], d[:, js].sum(axis=2), np.inf)
        ts = total.argmin(axis=0)
        rest = Tables(tables.actors, tables.issues, tables.options,
                      tuple(c[js] for c in tables.contrib), reservation[ts, js],
                      tables.capability[js])
        z = zopa_exists(rest, veto, candidates[:CANDIDATES], tol)
        bound, cand, enum = bound + z.by_bound, cand + z.by_candidate, enum + z.by_enumeration
        tested += js.size
        dj, dt = d[:, js], d[ts, js][None, :, :]
        found = z.exists[None, :] & (dj <= dt).all(axis=2)
        closed = found | (~z.exists[None, :] & (dj >= dt).all(axis=2))
        closed &= open_[:, js]
        exists[:, js] |= found & closed
        open_[:, js] &= ~closed
    return exists, (bound, cand, enum, int(cells.sum()) - tested)


def window_from_reservations(tables: Tables, veto: list[int], reservation: FloatArray,
                             candidates: NDArray[np.int64],
                             proposals: Sequence[list[int] | NDArray[np.int64]],
                             tol: float = TOL,
                             within: NDArray[np.bool_] | None = None,
                             ) -> tuple[NDArray[np.bool_], NDArray[np.bool_], Settled]:
    """Per month and path, whether the package ZOPA is non-empty and whether each proposal
    (option indices per issue) is accepted by every veto player.

    Args:
        tables: utility tables with one draw per path (D = paths).
        veto: indices of the veto players in ``tables.actors``.
        reservation: (months + 1, paths, actors) reservation values.
        candidates: packages ``zopa_exists`` tries first.
        proposals: option indices of each proposal (per issue, or per path and issue).
        tol: tolerance on utility comparisons.
        within: (months + 1, paths) cells to test; the others are empty without a test (the
            ratifiable ZOPA outside a known-empty international one). Default: all.

    Returns:
        ``zopa`` (months + 1, paths), ``accepted`` (proposals, months + 1, paths) and the
        counts of the tested cells settled by the bound, a candidate, enumeration and
        dominance (``settle_by_dominance``).
    """
    rows, n = reservation.shape[0], reservation.shape[1]
    if n != tables.draws:
        raise ValueError(f"reservation has {n} paths, the tables {tables.draws} draws")
    _require_batnas(tables, veto, reservation)
    todo = np.ones((rows, n), dtype=bool) if within is None else within.astype(bool)
    # Candidate packages first: a package that gives every veto player its reservation value
    # proves the ZOPA non-empty (step 2 of ``zopa_exists``); the path's utilities of the
    # candidates do not change from month to month.
    d = reservation[:, :, veto]
    zopa = candidate_hits(tables, veto, d, candidates, todo, tol)
    n_cand = int(zopa.sum())
    # The rest: zopa_exists on one cell per path at a time, the verdict passed on by dominance.
    rest = settle_by_dominance(tables, veto, reservation, todo & ~zopa, candidates, tol)
    zopa |= rest[0]
    settled = (rest[1][0], n_cand + rest[1][1], rest[1][2], rest[1][3])
    accepted = np.zeros((len(proposals), rows, n), dtype=bool)
    for k, idx in enumerate(proposals):
        u = package_utilities(tables, idx)[:, veto]
        accepted[k] = (u[None, :, :] >= d - tol).all(axis=2)
    return zopa, accepted, settled


def _bands(res: FloatArray, actors: tuple[str, ...], veto: list[int]) -> dict[str, FloatArray]:
    q = np.asarray(QUANTILES)
    return {actors[i]: np.quantile(res[:, :, i], q, axis=1) for i in veto}


def package_window(scenario: Scenario, paths: Paths, n_paths: int = PACKAGE_PATHS,
                   rng: Rng = None, tol: float = TOL) -> PackageWindow:
    """The package window of ``scenario`` (which must hold a war section with ``outcomes``)
    along the simulated ``paths`` of its war model, international and ratifiable (module
    docstring).

    Args:
        scenario: a validated scenario with a ``war`` section.
        paths: battlefield paths of ``scenario.war`` (``dynamics.simulate``).
        n_paths: size of the subsample of paths (all paths if larger).
        rng: Generator or seed for the subsample, the per-path utility draws and the allies'
            domestic thresholds.
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
    # Streams 0 and 1 as before ratification was added; stream 2 draws the allies' thresholds.
    g_sample, g_tables, g_domestic, g_open = as_generator(rng).spawn(4)
    total = paths.n_paths
    if n_paths >= total:
        index = np.arange(total, dtype=np.int64)
    else:
        index = np.sort(g_sample.choice(total, size=n_paths, replace=False)).astype(np.int64)
    sub = subsample(paths, index)
    tables = build_tables(scenario, index.size, g_tables)
    value = fighting_values(sub)
    res = path_reservations(war, scenario, tables, value)
    _require_batnas(tables, veto, res)
    d0 = np.median(res[0][:, veto], axis=0)
    candidates = candidate_packages(scenario, veto, d0, FRONTIER_CANDIDATES)
    # Open terms of a proposal (detente.deals.open_terms) are drawn uniformly per path, from a
    # fourth child stream so that the first three are unchanged.
    props = [proposal_fills(scenario, p).sample(index.size, g_open) for p in scenario.proposals]
    zopa, accepted, settled = window_from_reservations(tables, veto, res, candidates, props, tol)
    actors = tuple(a.id for a in scenario.actors)
    thresholds = domestic_thresholds(war, sub, g_domestic)
    own = ratification_values(war, level_one(sub), value, thresholds)
    binding = {a: t for a, t in thresholds.items()
               if a in own and actors.index(a) in veto and (t > 0).any()}
    if binding:
        res_r = path_reservations(war, scenario, tables, value, own)
        zopa_r, accepted_r, settled_r = window_from_reservations(
            tables, veto, res_r, candidates, props, tol, within=zopa)
    else:
        res_r, zopa_r, accepted_r, settled_r = res, zopa, accepted, (0, 0, 0, 0)
    q = np.asarray(QUANTILES)
    held = proposals_hold(scenario, sub, accepted_r, props)
    return PackageWindow(
        n_paths=int(index.size), months=paths.months, path_index=index,
        veto=tuple(actors[i] for i in veto), zopa=Proportion.of(zopa),
        proposals=tuple(PackageProposal(id=p.id, name=p.name, accepted=Proportion.of(accepted[k]),
                                        ratified=Proportion.of(accepted_r[k]),
                                        holds=held[k][1], guarantee_option=held[k][0])
                        for k, p in enumerate(scenario.proposals)),
        batna=_bands(res, actors, veto), settled=settled, ratification=bool(binding),
        zopa_ratified=Proportion.of(zopa_r), ratified_batna=_bands(res_r, actors, veto),
        domestic={a: np.quantile(t, q) for a, t in binding.items()},
        ratified_settled=settled_r)


def proposals_hold(scenario: Scenario, sub: Paths, ratified: NDArray[np.bool_],
                   props: list[NDArray[np.int64]]) -> list[tuple[str | None, Proportion | None]]:
    """For each bundled proposal: the option of the guarantee issue it picks ("OPEN" where the
    text leaves it open: each path then takes the option its fill drew) and P(ratifiable and
    self-enforcing), where self-enforcing is the window's commitment test (Powell 2006,
    ``window.TruceState``) with the g the guarantors bound by that option give on each path
    (``guarantees``). ``props[k]`` holds proposal k's package (option index per issue) on each
    path. None where the scenario has no guarantee issue."""
    war = scenario.war
    assert isinstance(war, WarModel)
    k_issue = next((k for k, i in enumerate(scenario.issues) if i.id == war.guarantee_issue),
                   None)
    if k_issue is None:
        return [(None, None) for _ in scenario.proposals]
    issue = scenario.issues[k_issue]
    n = sub.n_paths
    options = issue.option_ids()
    g_by_option = np.zeros((len(options), n))
    if war.guarantors:
        for j, opt in enumerate(options):
            g_by_option[j] = sub.params.guarantors.guarantee(str(opt))
    truce = truce_state(sub, range_paths(sub))
    lo, hi = truce.settlement_interval()
    out: list[tuple[str | None, Proportion | None]] = []
    for k, prop in enumerate(scenario.proposals):
        term = prop.package.get(issue.id)
        label = "OPEN" if term is None or term.is_open else str(term.value)
        g = g_by_option[props[k][:, k_issue], np.arange(n)]
        out.append((label, Proportion.of(ratified[k] & (lo <= g) & (g <= hi))))
    return out
