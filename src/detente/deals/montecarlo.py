"""Monte Carlo of a deal analysis in bounded memory: how likely is a deal, and each proposal's
acceptance, over the uncertain inputs (DESIGN.md §4).

Draws are taken ``CHUNK`` at a time from the streams of :mod:`detente.deals.streams` (the same
numbers as one-shot draws, whatever the chunk size); each chunk's tables are built, settled by
:func:`detente.deals.uncertainty.zopa_exists`, counted and dropped. Every reported figure is a
proportion, so the running statistics are exact integer counts: ``p = count / D`` and its
binomial standard error ``sqrt(p (1 − p) / D)`` equal those of the one-shot arrays to the last
bit, and memory is one chunk's tables whatever ``D``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from detente.deals.compile import Tables, build_tables
from detente.deals.open_terms import Fills, proposal_fills
from detente.deals.ratification import QUOTA, constituencies
from detente.deals.result import MonteCarlo, ProposalOdds
from detente.deals.space import IntArray
from detente.deals.streams import IntegerSegments, TriangularSegments
from detente.deals.uncertainty import package_utilities, zopa_exists
from detente.errors import AnalysisError
from detente.scenario.model import Scenario

CHUNK = 4096
"""Draws per chunk: ~7.5 KiB of tables each for a case the size of ``ru-ua-2024-09``."""

Progress = Callable[[str, int, int], None]


@dataclass
class _Counts:
    """Running counts over the chunks seen so far."""

    exists: int = 0
    by_bound: int = 0
    by_candidate: int = 0
    by_enumeration: int = 0
    all_veto: list[int] = field(default_factory=list)
    ratified: list[int] = field(default_factory=list)
    accept: list[np.ndarray] = field(default_factory=list)


def _reserve(tables: Tables, reservation: dict[str, float] | None) -> Tables:
    if not reservation:
        return tables
    res = tables.reservation.copy()
    for actor, value in reservation.items():
        res[:, tables.actors.index(actor)] = value
    return replace(tables, reservation=res)


def _fill_draws(fills: list[Fills], segments: IntegerSegments,
                n: int) -> list[IntArray | list[int]]:
    """Each proposal's packages for the next ``n`` draws (open terms drawn uniformly)."""
    out: list[IntArray | list[int]] = []
    seg = 0
    for f in fills:
        if not f.open_issues:
            out.append(list(f.fixed))
            continue
        idx = np.repeat(f.fixed[None, :], n, axis=0)
        for k, ch in zip(f.open_issues, f.choices, strict=True):
            idx[:, k] = ch[segments.draw(seg, n)]
            seg += 1
        out.append(idx)
    return out


def monte_carlo(scenario: Scenario, draws: int, seed: int | None, veto: list[int],
                candidates: IntArray, tol: float, progress: Progress | None = None,
                reservation: dict[str, float] | None = None, quota: float = QUOTA,
                chunk: int = CHUNK) -> MonteCarlo:
    """P(ZOPA non-empty) and each proposal's odds over ``draws`` draws of ``seed``."""
    rng = np.random.default_rng(seed)
    tri = TriangularSegments(rng, draws)
    fills = [proposal_fills(scenario, p) for p in scenario.proposals]
    fill_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    ints = IntegerSegments(fill_rng, draws, [ch.size for f in fills for ch in f.choices])
    cons = constituencies(scenario)
    c = _Counts(all_veto=[0] * len(fills), ratified=[0] * len(fills),
                accept=[np.zeros(len(scenario.actors), dtype=np.int64) for _ in fills])
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("draws", done, draws)

    defined = np.ones(len(scenario.actors), dtype=bool)
    for start in range(0, draws, chunk):
        n = min(chunk, draws - start)
        tri.window(n)
        tables = _reserve(build_tables(scenario, n, tri), reservation)
        if np.isnan(tables.reservation[:, veto]).any():
            raise AnalysisError.one("a veto player's BATNA is undefined in some draws")
        defined &= np.isfinite(tables.reservation).all(axis=0)
        z = zopa_exists(tables, veto, candidates, tol, on_progress=tick)
        c.exists += int(z.exists.sum())
        c.by_bound += z.by_bound
        c.by_candidate += z.by_candidate
        c.by_enumeration += z.by_enumeration
        for j, idx in enumerate(_fill_draws(fills, ints, n)):
            acc = package_utilities(tables, idx) >= tables.reservation - tol
            all_v = acc[:, veto].all(axis=1)
            ratified = all_v.copy()
            for con in cons:
                rows = [tables.actors.index(m) for m in con.members]
                w = np.array(con.weights)
                ratified &= acc[:, rows].astype(np.float64) @ w >= quota * w.sum() - tol
            c.all_veto[j] += int(all_v.sum())
            c.ratified[j] += int(ratified.sum())
            c.accept[j] += acc.sum(axis=0)
    return _record(scenario, draws, seed, c, defined, bool(cons))


def _record(scenario: Scenario, draws: int, seed: int | None, c: _Counts, defined: np.ndarray,
            has_cons: bool) -> MonteCarlo:
    p = c.exists / draws
    odds = []
    for j, prop in enumerate(scenario.proposals):
        pa = c.all_veto[j] / draws
        odds.append(ProposalOdds(
            id=prop.id, p_accepted_by_all_veto=pa,
            p_accepted_and_ratified=c.ratified[j] / draws if has_cons else None,
            se=float(np.sqrt(pa * (1 - pa) / draws)),
            p_accept={a.id: int(c.accept[j][i]) / draws
                      for i, a in enumerate(scenario.actors) if defined[i]}))
    return MonteCarlo(draws=draws, seed=seed, p_zopa_nonempty=p,
                      se=float(np.sqrt(p * (1 - p) / draws)), proposals=odds,
                      settled_by_bound=c.by_bound, settled_by_candidate=c.by_candidate,
                      settled_by_enumeration=c.by_enumeration)
