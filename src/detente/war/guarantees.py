"""Guarantees from named guarantors: the g of the commitment problem, per path and per option.

A guarantor i bound by the settlement (its entry's ``options`` name the option of the scenario's
guarantee issue the package picks) adds ``strength`` s_i to the declining side's chance of
winning a war renewed after the power shift, q′_g = min(q′ + g, 1) (Powell 2006, §2: what a
guarantee must change is the declining side's post-shift war value; DESIGN.md §6, seeds 001
and 002: guarantors "obliged" to help Ukraine). It honours only where that is worth its own cost
k_i of honouring, s_i ≥ k_i (an ally valuing the defended stake as the side it guarantees does:
the help it would give is worth s_i to it and costs k_i). So

    g(option) = Σ_i s_i · 1[i bound by option] · 1[s_i ≥ k_i].

Strengths and costs are drawn once per path (triangular on ranges), so the guarantee carries
the uncertainty of each guarantor's resolve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.scenario.war import Guarantor, WarModel
from detente.war.bargaining import FloatArray


@dataclass(frozen=True)
class GuarantorDraws:
    """Per-path draws, arrays of shape (guarantors, paths)."""

    actors: tuple[str, ...]
    strength: FloatArray
    cost: FloatArray
    options: tuple[tuple[str, ...] | None, ...]

    def take(self, index: np.ndarray) -> GuarantorDraws:
        """The paths ``index`` (columns)."""
        return GuarantorDraws(actors=self.actors, strength=self.strength[:, index],
                              cost=self.cost[:, index], options=self.options)

    def credible(self) -> np.ndarray:
        """Where each guarantor honours: strength ≥ cost."""
        return self.strength >= self.cost

    def guarantee(self, option: str | None = None) -> FloatArray:
        """g per path under ``option`` of the guarantee issue (None: every guarantor bound)."""
        bound = np.array([option is None or opts is None or option in opts
                          for opts in self.options], dtype=bool)
        if not bound.any():
            return np.zeros(self.strength.shape[1])
        honoured = np.where(self.credible(), self.strength, 0.0)
        return honoured[bound].sum(axis=0)


def draw_guarantors(model: WarModel, n: int, rng: np.random.Generator) -> GuarantorDraws:
    """Draw each guarantor's strength and cost once per path."""
    from detente.war.dynamics import draw

    gs: list[Guarantor] = list(model.guarantors)
    strength = np.array([draw(g.strength, n, rng) for g in gs]).reshape(len(gs), n)
    cost = np.array([draw(g.cost, n, rng) for g in gs]).reshape(len(gs), n)
    return GuarantorDraws(actors=tuple(g.actor for g in gs), strength=strength, cost=cost,
                          options=tuple(None if g.options is None else tuple(g.options)
                                        for g in gs))


def guarantee_options(model: WarModel) -> list[str]:
    """The options of the guarantee issue the guarantors name, in order of first mention."""
    seen: list[str] = []
    for g in model.guarantors:
        for opt in g.options or ():
            if opt not in seen:
                seen.append(opt)
    return seen


def likely_guarantee(model: WarModel, option: str | None = None) -> float:
    """g with every guarantor's likely strength and cost (the month-0 snapshot)."""
    total = 0.0
    for g in model.guarantors:
        bound = option is None or g.options is None or option in g.options
        s, k = g.strength.value.likely, g.cost.value.likely
        if bound and s >= k:
            total += s
    return total
