"""Open terms: what a proposal's text leaves undecided, and proposals judged over them.

A proposal fixes some issues and leaves others open (marked ``OPEN`` in the scenario, or not
named at all). Filling an open term with a default would decide for the text what it did not
say, so the analysis instead treats every open term as uncertain over the options it may take
(all of the issue's options, or those the scenario lists as disputed):

* deterministically, each actor's margin over its BATNA ranges over every *fill* (one option for
  each open term); with additive utilities (Raiffa 1982, ch. 10) the range splits by issue:
  ``min/max margin = fixed part + Σ_open min/max_o w_ik v_ik(o) − d_i``. Whether the veto
  players accept jointly is decided by enumerating the fills: they accept for *every* fill, for
  *some* fill, or for *no* fill;
* Monte Carlo draws each open term uniformly over its options, independently per draw (the
  principle of insufficient reason: no option is more likely than another when the text is
  silent).

The fill most favourable to agreement (largest smallest veto-player margin) is the proposal's
*reference fill*: the point shown in plots and the start of the nearest-acceptable search.
:func:`open_terms` lists a proposal's open terms under stable names ``proposals.<id>.<issue>``
(the names sensitivity analyses use for them as categorical inputs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.deals.space import AdditiveSpace, FloatArray, IntArray, mixed_radix
from detente.errors import AnalysisError
from detente.scenario.model import Proposal, Scenario

TOL = 1e-9


@dataclass(frozen=True)
class OpenTerm:
    """One open term of a proposal: the issue and the options it may take.

    ``explicit``: the scenario marks it ``OPEN`` (with its evidence or assumption); otherwise
    the package does not name the issue at all.
    """

    proposal: str
    issue: str
    options: tuple[str, ...]
    explicit: bool

    @property
    def name(self) -> str:
        """Stable name of the term as a categorical input: ``proposals.<id>.<issue>``."""
        return f"proposals.{self.proposal}.{self.issue}"


def _proposal(scenario: Scenario, proposal: str | Proposal) -> Proposal:
    if isinstance(proposal, Proposal):
        return proposal
    found = next((p for p in scenario.proposals if p.id == proposal), None)
    if found is None:
        raise AnalysisError.one("unknown proposal id", value=proposal,
                                allowed=", ".join(p.id for p in scenario.proposals))
    return found


def open_terms(scenario: Scenario, proposal: str | Proposal) -> list[OpenTerm]:
    """The open terms of a proposal (by id or object), in the scenario's issue order.

    Example:
        >>> from detente.scenario import load
        >>> s = load("ru-ua-2024-09")
        >>> [t.name for t in open_terms(s, "freeze-2024")][:2]
        ['proposals.freeze-2024.nato', 'proposals.freeze-2024.eu']
    """
    prop = _proposal(scenario, proposal)
    out = []
    for issue in scenario.issues:
        term = prop.package.get(issue.id)
        if term is not None and not term.is_open:
            continue
        if term is not None and isinstance(term.open, list):
            ids = issue.option_ids()
            found = {issue.index_of(o) for o in term.open}
            opts = tuple(ids[i] for i in sorted(i for i in found if i is not None))
        else:
            opts = tuple(issue.option_ids())
        out.append(OpenTerm(prop.id, issue.id, opts, explicit=term is not None))
    return out


@dataclass(frozen=True)
class Fills:
    """A proposal as a set of complete packages: fixed options, and the choices of each open
    issue. ``fixed[k]`` is -1 where issue k is open."""

    fixed: IntArray
    open_issues: tuple[int, ...]
    choices: tuple[IntArray, ...]

    @property
    def count(self) -> int:
        return int(np.prod([c.size for c in self.choices], dtype=np.int64)) if self.choices else 1

    def index(self, flat: IntArray) -> IntArray:
        """Complete packages ``(m, n_issues)`` of fills numbered in mixed radix (last open
        issue fastest)."""
        flat = np.atleast_1d(np.asarray(flat, dtype=np.int64))
        out = np.repeat(self.fixed[None, :], flat.size, axis=0)
        digits = mixed_radix(flat, [ch.size for ch in self.choices])
        for j, (k, ch) in enumerate(zip(self.open_issues, self.choices, strict=True)):
            out[:, k] = ch[digits[:, j]]
        return out

    def sample(self, draws: int, rng: np.random.Generator) -> IntArray:
        """``(draws, n_issues)`` packages with every open term drawn uniformly."""
        out = np.repeat(self.fixed[None, :], draws, axis=0)
        for k, ch in zip(self.open_issues, self.choices, strict=True):
            out[:, k] = ch[rng.integers(0, ch.size, size=draws)]
        return out


def proposal_fills(scenario: Scenario, proposal: str | Proposal) -> Fills:
    """The fixed options and open choices of a proposal, as option indices."""
    prop = _proposal(scenario, proposal)
    terms = {t.issue: t for t in open_terms(scenario, prop)}
    fixed = np.full(len(scenario.issues), -1, dtype=np.int64)
    open_k, choices = [], []
    for k, issue in enumerate(scenario.issues):
        if issue.id in terms:
            open_k.append(k)
            choices.append(np.array([issue.index_of(o) for o in terms[issue.id].options],
                                    dtype=np.int64))
        else:
            idx = issue.index_of(prop.package[issue.id].value)  # type: ignore[arg-type]
            if idx is None:
                raise AnalysisError.one(f"proposal {prop.id!r} has no valid option for issue "
                                        f"{issue.id!r}", value=prop.package[issue.id].value,
                                        allowed=", ".join(issue.option_ids()))
            fixed[k] = idx
    return Fills(fixed, tuple(open_k), tuple(choices))


@dataclass(frozen=True)
class FillVerdict:
    """A proposal judged over its fills (deterministic utilities).

    low, high: each actor's smallest and largest margin u_i − d_i over the fills (NaN without
    a BATNA). every, some: the veto players all accept for every fill / for some fill.
    reference: the fill with the largest smallest veto-player margin (option index per issue).
    """

    low: FloatArray
    high: FloatArray
    every: bool
    some: bool
    reference: IntArray
    count: int


def fill_verdict(space: AdditiveSpace, fills: Fills, veto: list[int],
                 tol: float = TOL) -> FillVerdict:
    """Margin ranges and the veto players' joint verdict over every fill of a proposal."""
    fixed_k = [k for k in range(len(space.issues)) if k not in fills.open_issues]
    base = np.zeros(space.n_actors)
    for k in fixed_k:
        base += space.contrib[k][:, fills.fixed[k]]
    sub = [space.contrib[k][:, ch] for k, ch in zip(fills.open_issues, fills.choices,
                                                    strict=True)]
    lo = base + sum((c.min(axis=1) for c in sub), np.zeros(space.n_actors))
    hi = base + sum((c.max(axis=1) for c in sub), np.zeros(space.n_actors))
    d = space.reservation
    if not sub:
        slack = float((base[veto] - d[veto]).min()) if veto else 0.0
        return FillVerdict(lo - d, hi - d, slack >= -tol, slack >= -tol, fills.fixed.copy(), 1)
    vd = d[veto] - base[veto]
    open_space = AdditiveSpace(tuple(space.actors[i] for i in veto),
                               tuple(space.issues[k] for k in fills.open_issues),
                               tuple(tuple(str(j) for j in ch) for ch in fills.choices),
                               tuple(c[veto] for c in sub), vd)
    best, best_at = -np.inf, 0
    for start, u in open_space.chunks():
        slack = (u - vd[:, None]).min(axis=0)
        j = int(np.argmax(slack))
        if slack[j] > best + tol:
            best, best_at = float(slack[j]), start + j
    every = bool(np.all(lo[veto] - d[veto] >= -tol))
    return FillVerdict(lo - d, hi - d, every, best >= -tol,
                       fills.index(np.array([best_at]))[0], fills.count)
