"""Monte Carlo of a deal analysis in bounded memory: how likely is a deal, and each proposal's
acceptance, over the uncertain inputs (DESIGN.md §4).

Draws are taken ``CHUNK`` at a time (each chunk a task for any ``concurrent.futures.Executor``,
:mod:`detente.parallel`) from the streams of :mod:`detente.deals.streams` (the same
numbers as one-shot draws, whatever the chunk size); each chunk's tables are built, settled by
:func:`detente.deals.uncertainty.zopa_exists`, counted and dropped. Every reported figure is a
proportion, so the running statistics are exact integer counts: ``p = count / D`` and its
binomial standard error ``sqrt(p (1 − p) / D)`` equal those of the one-shot arrays to the last
bit, and memory is one chunk's tables whatever ``D``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
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
from detente.parallel import bounded_map, executor_or_serial
from detente.scenario.model import Scenario

CHUNK = 4096
"""Draws per chunk: ~7.5 KiB of tables each for a case the size of ``ru-ua-2024-09``."""

Progress = Callable[[str, int, int], None]


@dataclass
class _Counts:
    """Exact integer counts over the draws seen so far (one chunk's, or the running total)."""

    exists: int = 0
    by_bound: int = 0
    by_candidate: int = 0
    by_enumeration: int = 0
    all_veto: list[int] = field(default_factory=list)
    ratified: list[int] = field(default_factory=list)
    accept: list[np.ndarray] = field(default_factory=list)

    def add(self, other: _Counts) -> None:
        """Add another chunk's counts (integers: the order of chunks cannot change the sum)."""
        self.exists += other.exists
        self.by_bound += other.by_bound
        self.by_candidate += other.by_candidate
        self.by_enumeration += other.by_enumeration
        self.all_veto = [a + b for a, b in zip(self.all_veto, other.all_veto, strict=True)]
        self.ratified = [a + b for a, b in zip(self.ratified, other.ratified, strict=True)]
        self.accept = [a + b for a, b in zip(self.accept, other.accept, strict=True)]


@dataclass(frozen=True)
class _Job:
    """What every chunk needs, sent once per task to wherever the chunk runs."""

    scenario: Scenario
    draws: int
    seed: int | None
    veto: list[int]
    candidates: IntArray
    tol: float
    reservation: dict[str, float] | None
    quota: float


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
                chunk: int = CHUNK, executor: Executor | None = None,
                window: int = 8) -> MonteCarlo:
    """P(ZOPA non-empty) and each proposal's odds over ``draws`` draws of ``seed``.

    Chunks run on ``executor`` (default: this process), at most ``window`` in flight; each
    returns exact integer counts, added in chunk order, so every executor gives the same
    record, equal to the one-shot draws of :mod:`detente.deals.streams`."""
    fills = [proposal_fills(scenario, p) for p in scenario.proposals]
    fill_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    ints = IntegerSegments(fill_rng, draws, [ch.size for f in fills for ch in f.choices])
    job = _Job(scenario, draws, seed, veto, candidates, tol, reservation, quota)

    def tasks() -> Iterator[tuple[_Job, int, int, list[IntArray | list[int]]]]:
        # The open terms' integers are drawn here, in chunk order (their streams are read
        # sequentially); the triangular draws are read by each chunk where it runs.
        for start in range(0, draws, chunk):
            n = min(chunk, draws - start)
            yield job, start, n, _fill_draws(fills, ints, n)

    c = _Counts(all_veto=[0] * len(fills), ratified=[0] * len(fills),
                accept=[np.zeros(len(scenario.actors), dtype=np.int64) for _ in fills])
    defined = np.ones(len(scenario.actors), dtype=bool)
    done = 0
    if progress:  # the stage shows from its start, not only after the first chunk
        progress("draws", 0, draws)
    for part, part_defined, n in bounded_map(executor_or_serial(executor), _chunk_counts,
                                             tasks(), window):
        c.add(part)
        defined &= part_defined
        done += n
        if progress:
            progress("draws", done, draws)
    return _record(scenario, draws, seed, c, defined, bool(constituencies(scenario)))


def _chunk_counts(job: _Job, start: int, n: int, fill_idx: list[IntArray | list[int]]
                  ) -> tuple[_Counts, np.ndarray, int]:
    """Counts of draws ``[start, start + n)``, and where every actor's BATNA is defined."""
    scenario, veto, tol = job.scenario, job.veto, job.tol
    tri = TriangularSegments(np.random.default_rng(job.seed), job.draws, start)
    tri.window(n)
    tables = _reserve(build_tables(scenario, n, tri), job.reservation)
    if np.isnan(tables.reservation[:, veto]).any():
        raise AnalysisError.one("a veto player's BATNA is undefined in some draws")
    z = zopa_exists(tables, veto, job.candidates, tol)
    c = _Counts(exists=int(z.exists.sum()), by_bound=z.by_bound, by_candidate=z.by_candidate,
                by_enumeration=z.by_enumeration)
    cons = constituencies(scenario)
    for idx in fill_idx:
        acc = package_utilities(tables, idx) >= tables.reservation - tol
        all_v = acc[:, veto].all(axis=1)
        ratified = all_v.copy()
        for con in cons:
            rows = [tables.actors.index(m) for m in con.members]
            w = np.array(con.weights)
            ratified &= acc[:, rows].astype(np.float64) @ w >= job.quota * w.sum() - tol
        c.all_veto.append(int(all_v.sum()))
        c.ratified.append(int(ratified.sum()))
        c.accept.append(acc.sum(axis=0))
    return c, np.asarray(np.isfinite(tables.reservation).all(axis=0)), n


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
