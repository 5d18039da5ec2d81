"""The deal analysis of a scenario (DESIGN.md §4): ZOPA, Pareto frontier, bargaining solutions,
proposals against BATNAs, logrolls, and Monte Carlo over uncertain inputs — one pure function,
:func:`analyze`, returning a plain typed record."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace

import numpy as np

from detente.deals.calibration import check_calibration
from detente.deals.compile import Tables, build_tables
from detente.deals.dominance import grid
from detente.deals.logroll import logrolls
from detente.deals.memo import FrontierMemo
from detente.deals.memo import frontier as memo_frontier
from detente.deals.montecarlo import CHUNK, monte_carlo
from detente.deals.open_terms import FillVerdict, fill_verdict, open_terms, proposal_fills
from detente.deals.pareto import pareto_mask
from detente.deals.ratification import QUOTA, Constituency, constituencies, ratified_mask, ratify
from detente.deals.result import (
    ActorScore,
    DealAnalysis,
    NoAgreement,
    OpenTermResult,
    Package,
    PairView,
    ProposalResult,
    RatificationResult,
    TradeResult,
)
from detente.deals.solutions import Solution, solve
from detente.deals.space import AdditiveSpace, IntArray
from detente.deals.zopa import blocking, in_zopa
from detente.errors import AnalysisError, Problem
from detente.records import inputs_hash, make_provenance
from detente.scenario.model import Proposal, Scenario

TOL = 1e-9
FRONTIER_LIMIT = 5000
COUNT_LIMIT = 20_000_000  # count the ZOPA by enumeration up to this many outcomes
SAMPLE_POINTS = 3000

Progress = Callable[[str, int, int], None]


def _override(tables: Tables, reservation: dict[str, float] | None) -> Tables:
    """Tables whose reservation values are replaced for the actors in ``reservation``."""
    if not reservation:
        return tables
    res = tables.reservation.copy()
    for actor, value in reservation.items():
        if actor not in tables.actors:
            raise AnalysisError.one("reservation given for an unknown actor", value=actor,
                                    allowed=", ".join(tables.actors))
        res[:, tables.actors.index(actor)] = value
    return replace(tables, reservation=res)


def check_limits(scenario: Scenario, draws: int = 0) -> None:
    """Refuse, before building any table, what the analysis cannot hold: more than
    :data:`~detente.limits.MAX_OUTCOMES` outcomes (outcomes are indexed by 64-bit integers),
    more than :data:`~detente.limits.MAX_VETO_PLAYERS` veto players (one pairwise view per
    pair), and Monte Carlo tables beyond the memory limit (see ``docs/limits.md``)."""
    from detente.limits import MAX_OUTCOMES, MAX_VETO_PLAYERS, check_memory

    total = scenario.outcome_count()
    if total > MAX_OUTCOMES:
        raise AnalysisError.one(f"the outcome space has {total:.3e} outcomes, more than the "
                                "deal analysis can index (2^63 − 1)", path="issues",
                                allowed="fewer issues or options per issue (docs/limits.md)")
    n_veto = sum(a.veto for a in scenario.actors)
    if n_veto > MAX_VETO_PLAYERS:
        raise AnalysisError.one(f"{n_veto} veto players: the analysis compares every pair "
                                f"({n_veto * (n_veto - 1) // 2:,} pairs)", path="actors",
                                allowed=f"at most {MAX_VETO_PLAYERS} veto players")
    width = len(scenario.actors) * sum(len(i.option_ids()) + 1 for i in scenario.issues)
    chunk = min(max(draws, 1), CHUNK)  # the Monte Carlo holds one chunk of draws at a time
    check_memory(32.0 * chunk * width, f"{chunk:,} draws × {width:,} actor-options",
                 path="--draws")


def _check(scenario: Scenario, tables: Tables,
           reservation: dict[str, float] | None = None) -> list[int]:
    veto = [i for i, a in enumerate(scenario.actors) if a.veto]
    problems = []
    if not veto:
        problems.append(Problem("no veto players: mark at least one actor 'veto: true'",
                                path="actors"))
    for i in veto:
        a = scenario.actors[i]
        if a.batna is None and a.id not in (reservation or {}):
            problems.append(Problem(f"veto player {a.id!r} has no BATNA (the reservation value "
                                    "the ZOPA is measured against)", path=f"actors[{i}].batna"))
        if not any(st.actor == a.id and st.salience.value.high > 0 for st in scenario.stances):
            problems.append(Problem(f"veto player {a.id!r} has no stance with salience > 0",
                                    path="stances"))
    if problems:
        raise AnalysisError(problems)
    return veto


def _package(scenario: Scenario, space: AdditiveSpace, index: list[int] | IntArray) -> Package:
    idx = [int(x) for x in index]
    u = space.utilities(np.array([idx]))[:, 0]
    return Package(
        options={iss.id: iss.option_ids()[idx[k]] for k, iss in enumerate(scenario.issues)},
        utilities={a: float(u[i]) for i, a in enumerate(space.actors)})


def _scores(scenario: Scenario, space: AdditiveSpace, idx: list[int], fv: FillVerdict,
            tol: float = TOL) -> list[ActorScore]:
    """Each actor's utility and margin at the reference fill, and its margin range over every
    fill of the open terms."""
    u = space.utilities(np.array([idx]))[:, 0]
    out = []
    for i, a in enumerate(scenario.actors):
        d = space.reservation[i]
        has = bool(np.isfinite(d))
        lo, hi = float(fv.low[i]), float(fv.high[i])
        verdict = (None if not has else "accepts" if lo >= -tol else
                   "rejects" if hi < -tol else "depends")
        out.append(ActorScore(actor=a.id, veto=a.veto, utility=float(u[i]),
                              reservation=float(d) if has else None,
                              margin=float(u[i] - d) if has else None,
                              accepts=bool(u[i] >= d - tol) if has else None,
                              margin_low=lo if has else None, margin_high=hi if has else None,
                              verdict=verdict))
    return out


def _nearest(space: AdditiveSpace, veto: list[int], target: list[int], f_index: IntArray,
             f_util: np.ndarray) -> int | None:
    """Row of the frontier-in-ZOPA point closest to ``target``: fewest issues changed, then
    smallest change in the veto players' utilities."""
    if f_index.shape[0] == 0:
        return None
    changed = (f_index != np.array(target)[None, :]).sum(axis=1)
    tu = space.utilities(np.array([target]))[veto, 0]
    dist = np.linalg.norm(f_util - tu[None, :], axis=1)
    return int(np.lexsort((dist, changed))[0])


def analyze(scenario: Scenario, draws: int = 0, seed: int | None = None, *,
            source: str = "", trades: int = 3, tol: float = TOL,
            reservation: dict[str, float] | None = None, quota: float = QUOTA,
            progress: Progress | None = None,
            executor: Executor | None = None,
            memo: FrontierMemo | None = None) -> DealAnalysis:
    """Run the deal analysis of ``scenario``.

    Args:
        scenario: a validated scenario.
        draws: Monte Carlo draws over uncertain inputs (0: deterministic only).
        seed: seed of the ``numpy.random.Generator`` for the draws.
        source: where the scenario came from (case name or file), recorded in provenance.
        trades: number of logrolling trades reported per pair of veto players and proposal.
        tol: tolerance on utility comparisons.
        reservation: reservation values that replace the scenario's BATNAs for these actors
            (e.g. the value of fighting on from the war model, ``detente.war.batna``).
        quota: share of a state's ratifying constituents' weight that must accept a deal
            (:mod:`detente.deals.ratification`).
        progress: optional callback ``(stage, done, total)``.
        executor: where the Monte Carlo chunks run (default: this process; any
            ``concurrent.futures.Executor``, :mod:`detente.parallel`); the same record on all.
        memo: Pareto frontiers kept from earlier analyses of the same outcome space
            (:mod:`detente.deals.memo`; the workbench's re-analysis after an edit); the same
            record with or without it.
    """
    from detente.limits import LEAST_DRAWS, check_draws, check_seed

    check_draws(draws, LEAST_DRAWS["analyze"],
                "standard error (one draw of a probability is 0 or 1)")
    check_seed(seed)
    try:
        check_limits(scenario, draws)
        tables = _override(build_tables(scenario), reservation)
        veto = _check(scenario, tables, reservation)
    except AnalysisError as exc:
        raise exc.with_file(source) from None
    space = tables.space(0)
    vspace = space.subset([space.actors[i] for i in veto])
    d = space.reservation[veto]
    total = space.n_outcomes
    zopa_count: int | None = 0
    rng_sample = np.random.default_rng(0 if seed is None else seed)
    if total <= 10 * SAMPLE_POINTS:
        sample_idx = np.sort(rng_sample.choice(total, size=min(SAMPLE_POINTS, total),
                                               replace=False))
    else:  # huge spaces: draw with replacement, never materialise the range
        sample_idx = np.unique(rng_sample.integers(0, total, size=SAMPLE_POINTS, dtype=np.int64))

    def visit(start: int, u: np.ndarray) -> None:
        nonlocal zopa_count
        zopa_count = (zopa_count or 0) + int(in_zopa(u.T, d, tol).sum())
        if progress:
            progress("outcomes", start + u.shape[1], total)

    cons = constituencies(scenario)
    members = [m for c in cons for m in c.members]
    rspace = space.subset([space.actors[i] for i in veto] + members)
    zopa_ratified: int | None = 0 if cons else None
    if total <= COUNT_LIMIT:
        for start, u in rspace.chunks():
            visit(start, u[:len(veto)])
            if cons:
                zopa_ratified = (zopa_ratified or 0) + int(
                    (in_zopa(u[:len(veto)].T, d, tol)
                     & _ratified(u[len(veto):], cons, rspace, len(veto), quota, tol)).sum())
    else:  # too many outcomes to count the ZOPA one by one
        zopa_count = zopa_ratified = None
    frontier = memo_frontier(vspace, memo, tol)  # exact; issue by issue when large
    f_index = vspace.decode(frontier.outcomes)
    zmask = in_zopa(frontier.utilities, d, tol)
    fz_index, fz_util = f_index[zmask], frontier.utilities[zmask]

    solutions: dict[str, Package] = {}
    no_agreement = None
    capability = tables.capability[0, veto]
    if zmask.any():
        for method in Solution:
            row = solve(fz_util, d, method, weights=capability, tol=tol)
            assert row is not None
            solutions[method.value] = _package(scenario, space, fz_index[row])
    else:
        blk = blocking(frontier.utilities, d, tol)
        no_agreement = NoAgreement.of(blk, [space.actors[i] for i in veto],
                                      lambda row: _package(scenario, space, f_index[row]), tol)

    proposals = [_with_ratification(
        _proposal_result(scenario, space, veto, prop, frontier.utilities, fz_index, fz_util,
                         trades, tol), cons, quota) for prop in scenario.proposals]
    pairs = _pair_views(space, veto, sample_idx, d, tol, fz_util, memo)
    shown = min(len(fz_index), FRONTIER_LIMIT)
    mc = monte_carlo(scenario, draws, seed, veto, _candidates(f_index, frontier.utilities, d),
                      tol, progress, reservation, quota, executor=executor) if draws > 0 else None
    options: dict[str, object] = {"draws": draws, "trades": trades, "tol": tol}
    if cons:
        options["quota"] = quota
    if reservation:
        options["reservation"] = dict(sorted(reservation.items()))
    return DealAnalysis(
        provenance=make_provenance("deals", [source or scenario.id], inputs_hash(scenario),
                                   options, seed),
        scenario=scenario.id, title=scenario.title, date=scenario.date,
        actors=list(space.actors), veto_players=[space.actors[i] for i in veto],
        reservation={space.actors[i]: float(space.reservation[i])
                     for i in range(space.n_actors) if np.isfinite(space.reservation[i])},
        ideal={space.actors[i]: float(x) for i, x in enumerate(space.best())},
        outcomes=total, zopa_outcomes=zopa_count, frontier_size=len(frontier),
        frontier_in_zopa=int(zmask.sum()),
        frontier=[_package(scenario, space, fz_index[r]) for r in range(shown)],
        frontier_distinct=int(np.unique(grid(frontier.utilities, tol), axis=0).shape[0]),
        frontier_truncated=shown < len(fz_index),
        solutions=solutions, no_agreement=no_agreement, proposals=proposals, pairs=pairs,
        monte_carlo=mc, zopa_ratified_outcomes=zopa_ratified,
        ratifiers={c.state: dict(zip(c.members, c.weights, strict=True)) for c in cons},
        calibration=check_calibration(scenario, proposals))


def _proposal_result(scenario: Scenario, space: AdditiveSpace, veto: list[int], prop: Proposal,
                     f_util: np.ndarray, fz_index: IntArray, fz_util: np.ndarray, trades: int,
                     tol: float) -> ProposalResult:
    """A proposal judged over its open terms (every fill), then at its reference fill: margins,
    efficiency, the nearest acceptable efficient package and logrolls."""
    terms = open_terms(scenario, prop)
    fv = fill_verdict(space, proposal_fills(scenario, prop), veto, tol)
    idx = [int(x) for x in fv.reference]
    scores = _scores(scenario, space, idx, fv, tol)
    vu = space.utilities(np.array([idx]))[veto, 0]
    dominated = bool(np.any(np.all(f_util >= vu - tol, axis=1)
                            & np.any(f_util > vu + tol, axis=1)))
    near_row = _nearest(space, veto, idx, fz_index, fz_util)
    nearest = None
    changes: dict[str, list[str]] = {}
    if near_row is not None:
        nearest = _package(scenario, space, fz_index[near_row])
        for k, iss in enumerate(scenario.issues):
            if fz_index[near_row][k] != idx[k]:
                ids = iss.option_ids()
                changes[iss.id] = [ids[idx[k]], ids[fz_index[near_row][k]]]
    tr = []
    for a_pos, b_pos in ((a, b) for ai, a in enumerate(veto) for b in veto[ai + 1:]):
        for t in logrolls(space, idx, a_pos, b_pos, top=trades, tol=tol):
            tr.append(TradeResult(
                actor_i=space.actors[t.actor_i], actor_j=space.actors[t.actor_j],
                i_concedes={scenario.issues[t.give_issue].id:
                            scenario.issues[t.give_issue].option_ids()[t.give_option]},
                j_concedes={scenario.issues[t.take_issue].id:
                            scenario.issues[t.take_issue].option_ids()[t.take_option]},
                gain_i=t.gain_i, gain_j=t.gain_j))
    acceptance = "every_fill" if fv.every else "some_fill" if fv.some else "no_fill"
    return ProposalResult(
        id=prop.id, name=prop.name, by=prop.by, date=prop.date,
        package=_package(scenario, space, idx), scores=scores,
        open_terms=[OpenTermResult(issue=t.issue, name=t.name, options=list(t.options),
                                   explicit=t.explicit) for t in terms],
        fills=fv.count, acceptance=acceptance,
        accepted_by_all_veto=fv.every,
        rejected_by=[s.actor for s in scores if s.veto and s.verdict == "rejects"],
        depends_on_open_terms=[s.actor for s in scores if s.veto and s.verdict == "depends"],
        efficient=not dominated, nearest_acceptable=nearest, changes_to_nearest=changes,
        trades=tr)


def _ratified(u: np.ndarray, cons: list[Constituency], rspace: AdditiveSpace, offset: int,
              quota: float, tol: float) -> np.ndarray:
    """Packages (columns of ``u``, the members' utilities) every constituency ratifies."""
    ok = np.ones(u.shape[1], dtype=bool)
    row = 0
    for c in cons:
        n = len(c.members)
        d = rspace.reservation[offset + row: offset + row + n]
        ok &= ratified_mask(u[row:row + n], d, np.array(c.weights), quota, tol)
        row += n
    return ok


def _with_ratification(p: ProposalResult, cons: list[Constituency],
                       quota: float) -> ProposalResult:
    """A proposal result with each constituency's ratification verdict."""
    if not cons:
        return p
    verdicts = {s.actor: s.verdict for s in p.scores}
    out = []
    for c in cons:
        v = ratify(c, verdicts, quota)
        out.append(RatificationResult(state=v.state, ratified=v.ratified,  # type: ignore[arg-type]
                                      accepting_weight=v.accepting_weight,
                                      possible_weight=v.possible_weight,
                                      blocked_by=list(v.blocked_by)))
    return p.model_copy(update={"ratification": out})


def _candidates(f_index: IntArray, f_util: np.ndarray, d: np.ndarray, limit: int = 256) -> IntArray:
    """Frontier packages most likely to lie in a draw's ZOPA: largest smallest slack first."""
    slack = (f_util - d[None, :]).min(axis=1)
    return f_index[np.argsort(-slack, kind="stable")[:limit]]


def _pair_views(space: AdditiveSpace, veto: list[int], sample_idx: np.ndarray, d: np.ndarray,
                tol: float, fz_util: np.ndarray, memo: FrontierMemo | None = None
                ) -> list[PairView]:
    """For each pair of veto players: their two-actor frontier, a sample of outcomes and the
    veto players' efficient ZOPA packages, projected on the pair's axes."""
    out = []
    sample = space.decode(sample_idx)
    su = space.utilities(sample)
    zs = in_zopa(su[veto].T, d, tol)
    for ai, a in enumerate(veto):
        for bi in range(ai + 1, len(veto)):
            b = veto[bi]
            pspace = space.subset([space.actors[a], space.actors[b]])
            pf = memo_frontier(pspace, memo)
            out.append(PairView(actor_x=space.actors[a], actor_y=space.actors[b],
                                frontier=pf.utilities.round(6).tolist(),
                                sample=np.stack([su[a], su[b]], axis=1).round(6).tolist(),
                                sample_in_zopa=zs.tolist(),
                                zopa_frontier=fz_util[:, [ai, bi]].round(6).tolist()))
    return out


__all__ = ["analyze", "pareto_mask"]
