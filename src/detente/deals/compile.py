"""From a scenario to utility tables: value functions, swing weights, reservation values.

Value of option o of issue k to actor i (DESIGN.md §3-4): given explicitly in the stance, else
linear in distance on the issue's 0-100 scale,

    v_ik(o) = 1 − |p_o − p*_ik| / max_o' |p_o' − p*_ik|,

so the ideal scores 1 and the farthest option 0 (a swing-weighted value function, Raiffa 1982,
ch. 10). Weights are normalised saliences w_ik = s_ik / Σ_k s_ik. The reservation value is
d_i = u_i(BATNA) (a utility given directly, or the utility of a BATNA outcome package).

Uncertain inputs (``[low, likely, high]``) are drawn from triangular distributions; the
deterministic tables use the likely values. Draws are taken in one fixed order from one
``numpy.random.Generator``, so the same seed gives the same tables however they are chunked later.

Every input has a stable name (``actors.RUS.batna``, ``stances.UKR.crimea.salience``,
``stances.UKR.crimea.values.ukrainian``, ``actors.RUS.capability``); ``given`` maps names to
explicit columns of draws, so any design (Monte Carlo, Sobol, Morris, a grid) runs through the
same tables (``detente.sensitivity.inputs`` lists the names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from detente.deals.space import AdditiveSpace, FloatArray
from detente.errors import AnalysisError
from detente.scenario.model import Issue, Quantity, Scenario, Stance
from detente.scenario.values import draw_quantity
from detente.triangular import TriangularSource


class _Draw:
    """Draws every quantity ``D`` times (or takes its likely value when ``rng`` is None); an
    input named in ``given`` takes its given column instead and consumes no random number."""

    def __init__(self, draws: int, rng: np.random.Generator | TriangularSource | None,
                 given: Mapping[str, FloatArray] | None = None) -> None:
        self.n = draws
        self.rng = rng
        self.given = given or {}

    def __call__(self, q: Quantity, name: str = "") -> FloatArray:
        if name in self.given:
            return np.asarray(self.given[name], dtype=float).reshape(self.n)
        if self.rng is None:
            return np.full(self.n, q.likely)
        return draw_quantity(q, self.n, self.rng)


def _ideal_position(issue: Issue, stance: Stance, draw: _Draw) -> FloatArray | None:
    if stance.ideal is None:
        return None
    pos = np.asarray(issue.positions())
    if issue.grid is not None:
        g = issue.grid
        x = float(stance.ideal.value)
        return np.full(draw.n, 100.0 * (x - g.low) / (g.high - g.low))
    idx = issue.index_of(stance.ideal.value)
    assert idx is not None  # checked by the loader
    return np.full(draw.n, pos[idx])


def value_table(issue: Issue, stance: Stance, draw: _Draw, prefix: str = "") -> FloatArray:
    """``(D, n_options)`` values of an issue's options to one actor, each in [0, 1]."""
    pos = np.asarray(issue.positions())
    ideal = _ideal_position(issue, stance, draw)
    if ideal is None:
        table = np.zeros((draw.n, pos.size))
    else:  # the ideal is one position in every draw (np.full): one row, repeated
        dist = np.abs(pos[None, :] - ideal[:1, None])
        span = dist.max(axis=1, keepdims=True)
        row = np.where(span > 0, 1.0 - dist / np.where(span > 0, span, 1.0), 1.0)
        table = np.repeat(row, draw.n, axis=0)
    for key, num in (stance.values or {}).items():
        idx = issue.index_of(key)
        assert idx is not None
        table[:, idx] = draw(num.value, f"{prefix}values.{key}")
    return table


@dataclass(frozen=True)
class Tables:
    """Utility tables with a leading draw axis (D = 1 for the deterministic case).

    contrib: per issue ``(D, n_actors, n_options)``; reservation ``(D, n_actors)`` (NaN: no
    BATNA); capability ``(D, n_actors)``.
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    contrib: tuple[FloatArray, ...]
    reservation: FloatArray
    capability: FloatArray

    @property
    def draws(self) -> int:
        return int(self.reservation.shape[0])

    def space(self, d: int = 0) -> AdditiveSpace:
        """The outcome space of draw ``d``."""
        return AdditiveSpace(self.actors, self.issues, self.options,
                             tuple(c[d] for c in self.contrib), self.reservation[d])


def build_tables(scenario: Scenario, draws: int = 1,
                 rng: np.random.Generator | TriangularSource | None = None,
                 given: Mapping[str, FloatArray] | None = None) -> Tables:
    """Tabulate a scenario's utilities: likely values when ``rng`` is None, else ``draws``
    Monte Carlo draws of every uncertain input; inputs named in ``given`` (``(draws,)`` columns)
    take those values."""
    draw = _Draw(draws, rng, given)
    actors = tuple(a.id for a in scenario.actors)
    a_index = {a: i for i, a in enumerate(actors)}
    issues = tuple(i.id for i in scenario.issues)
    n_a = len(actors)

    capability = np.stack([draw(a.capability.value, f"actors.{a.id}.capability")
                           for a in scenario.actors], axis=1)
    values = [np.zeros((draws, n_a, len(i.option_ids()))) for i in scenario.issues]
    salience = np.zeros((draws, n_a, len(issues)))
    for k, issue in enumerate(scenario.issues):
        for st in scenario.stances:
            if st.issue != issue.id:
                continue
            i = a_index[st.actor]
            prefix = f"stances.{st.actor}.{issue.id}."
            salience[:, i, k] = draw(st.salience.value, prefix + "salience")
            values[k][:, i, :] = value_table(issue, st, draw, prefix)
    total = salience.sum(axis=2, keepdims=True)
    weights = np.divide(salience, total, out=np.zeros_like(salience), where=total > 0)
    contrib = tuple(weights[:, :, k, None] * values[k] for k in range(len(issues)))

    reservation = np.full((draws, n_a), np.nan)
    for i, a in enumerate(scenario.actors):
        if a.batna is None:
            continue
        if a.batna.value is not None:
            reservation[:, i] = draw(a.batna.value, f"actors.{a.id}.batna")
        else:
            idx = package_index(scenario, a.batna.outcome or {})
            reservation[:, i] = sum(contrib[k][:, i, idx[k]] for k in range(len(issues)))
    return Tables(actors, issues, tuple(tuple(i.option_ids()) for i in scenario.issues),
                  contrib, reservation, capability)


def package_index(scenario: Scenario, package: dict[str, str | float]) -> list[int]:
    """Option index per issue of a complete package (one option for every issue; a proposal
    with open terms goes through :mod:`detente.deals.open_terms`)."""
    out = []
    for issue in scenario.issues:
        choice = package.get(issue.id)
        idx = issue.index_of(choice) if choice is not None else None
        if idx is None:
            raise AnalysisError.one(f"package has no valid option for issue {issue.id!r}",
                                    value=choice, allowed=", ".join(issue.option_ids()))
        out.append(idx)
    return out


def build_space(scenario: Scenario) -> AdditiveSpace:
    """The deterministic (likely-value) outcome space of a scenario."""
    return build_tables(scenario).space(0)
