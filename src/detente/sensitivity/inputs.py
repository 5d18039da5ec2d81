"""One named input vector per analysis: every uncertain value of a scenario, with its range.

Each ``[low, likely, high]`` number of a scenario is one continuous input (triangular on its
range, as in the Monte Carlo of ``detente.deals``); each term a proposal is silent on is one
categorical input, uniform over the issue's options. Names are stable paths a reader can find in
the YAML: ``actors.RUS.batna``, ``actors.RUS.capability``, ``stances.UKR.crimea.salience``,
``stances.UKR.crimea.values.ukrainian``, ``proposals.istanbul.army``, ``war.p``,
``war.shocks.<name>.shift``. Every input carries its group (the actor it belongs to, ``war`` or
``proposals``) for grouped Sobol indices, and the evidence or assumption written beside it.

Designs live on the unit cube: :meth:`InputSpace.values` maps ``U ∈ [0, 1)^(n×d)`` to input values
by each input's inverse CDF (triangular: Devroye 1986, §II.2; categorical: ⌊u·k⌋), so Monte
Carlo, Sobol', Morris and grid designs share one transform.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from detente.deals.space import FloatArray
from detente.errors import AnalysisError
from detente.scenario.model import Number, Quantity, Scenario, _Traced


@dataclass(frozen=True)
class Input:
    """One uncertain input. ``kind`` is ``continuous`` (triangular on [low, high] with mode
    ``likely``), ``uniform`` (on [low, high]; for grids and test functions) or ``categorical``
    (``options`` equally likely; values are option indices)."""

    name: str
    group: str
    kind: str
    low: float
    likely: float
    high: float
    options: tuple[str, ...] = ()
    basis: str = ""

    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse CDF of the input's distribution at ``u`` ∈ [0, 1]."""
        if self.kind == "categorical":
            return np.minimum(np.floor(u * len(self.options)), len(self.options) - 1)
        if self.kind == "uniform":
            return self.low + u * (self.high - self.low)
        a, c, b = self.low, self.likely, self.high
        f = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < f, left, right)


def _basis(t: _Traced) -> str:
    if t.evidence:
        e = t.evidence[0]
        more = f" (+{len(t.evidence) - 1} more)" if len(t.evidence) > 1 else ""
        return f"{e.source}: \u201c{e.quote}\u201d{more}"
    return f"assumption: {t.assumption.strip()}" if t.assumption else "no evidence or assumption"


def _continuous(name: str, group: str, q: Quantity, t: _Traced) -> Input:
    return Input(name, group, "continuous", q.low, q.likely, q.high, basis=_basis(t))


def deal_inputs(scenario: Scenario) -> list[Input]:
    """The uncertain inputs of the deal analysis, in the order ``build_tables`` reads them."""
    out: list[Input] = []
    for a in scenario.actors:
        if a.capability.value.uncertain:
            out.append(_continuous(f"actors.{a.id}.capability", a.id, a.capability.value,
                                   a.capability))
    for issue in scenario.issues:
        for st in scenario.stances:
            if st.issue != issue.id:
                continue
            prefix = f"stances.{st.actor}.{issue.id}."
            if st.salience.value.uncertain:
                out.append(_continuous(prefix + "salience", st.actor, st.salience.value,
                                       st.salience))
            for key, num in (st.values or {}).items():
                if num.value.uncertain:
                    out.append(_continuous(f"{prefix}values.{key}", st.actor, num.value, num))
    for a in scenario.actors:
        if a.batna is not None and a.batna.value is not None and a.batna.value.uncertain:
            out.append(_continuous(f"actors.{a.id}.batna", a.id, a.batna.value, a.batna))
    return out + proposal_inputs(scenario)


def proposal_inputs(scenario: Scenario) -> list[Input]:
    """Open proposal terms (``detente.deals.open_terms``): a term the text leaves open is
    uncertain over the options it may take (all of the issue's, or the disputed ones)."""
    from detente.deals.open_terms import open_terms

    out = []
    for prop in scenario.proposals:
        for term in open_terms(scenario, prop):
            if len(term.options) > 1:
                how = "marked OPEN" if term.explicit else "says nothing on"
                out.append(Input(term.name, "proposals", "categorical", 0.0, float("nan"),
                                 len(term.options) - 1.0, term.options,
                                 f"open term: {prop.name} {how} {term.issue}"))
    return out


def _walk(obj: Any, path: str) -> list[tuple[str, Number]]:
    if isinstance(obj, Number):
        return [(path, obj)]
    if isinstance(obj, BaseModel):
        return [x for f in type(obj).model_fields
                for x in _walk(getattr(obj, f), f"{path}.{f}")]
    if isinstance(obj, dict):
        return [x for k, v in obj.items() for x in _walk(v, f"{path}.{k}")]
    if isinstance(obj, list):
        out = []
        for i, v in enumerate(obj):
            out += _walk(v, f"{path}.{item_key(v, i)}")
        return out
    return []


def item_key(item: Any, index: int) -> str:
    """A list item's name part: its id, else its name as a slug, else its index."""
    if isinstance(item, dict):
        raw = item.get("id") or item.get("name")
    else:
        raw = getattr(item, "id", None) or getattr(item, "name", None)
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(raw)).strip("_") if raw else str(index)


def war_inputs(scenario: Scenario) -> list[Input]:
    """The uncertain numbers of the scenario's war section (``war.p``, ``war.cost_a``, …)."""
    if scenario.war is None:
        return []
    return [_continuous(name, "war", n.value, n) for name, n in _walk(scenario.war, "war")
            if n.value.uncertain]


@dataclass(frozen=True)
class InputSpace:
    """The named inputs of one analysis; rows of a design are points of this space."""

    inputs: tuple[Input, ...]

    @property
    def names(self) -> list[str]:
        return [x.name for x in self.inputs]

    @property
    def dim(self) -> int:
        return len(self.inputs)

    def index(self, name: str) -> int:
        for j, x in enumerate(self.inputs):
            if x.name == name:
                return j
        raise AnalysisError.one("unknown input name", value=name,
                                allowed=_sample(self.names))

    def likely(self) -> FloatArray:
        """The likely value of every input (categorical: NaN, i.e. averaged over the options)."""
        return np.array([x.likely for x in self.inputs])

    def values(self, u: FloatArray) -> FloatArray:
        """Map a unit-cube design ``(n, d)`` to input values ``(n, d)``."""
        u = np.atleast_2d(u)
        return np.stack([x.ppf(u[:, j]) for j, x in enumerate(self.inputs)], axis=1)

    def groups(self) -> dict[str, list[int]]:
        """Column indices of each group (an actor's inputs; ``war``; ``proposals``)."""
        out: dict[str, list[int]] = {}
        for j, x in enumerate(self.inputs):
            out.setdefault(x.group, []).append(j)
        return out

    def select(self, patterns: list[str]) -> InputSpace:
        """The inputs matching any of ``patterns`` (names or shell globs)."""
        keep = [x for x in self.inputs if any(fnmatch.fnmatchcase(x.name, p) for p in patterns)]
        bad = [p for p in patterns
               if not any(fnmatch.fnmatchcase(x.name, p) for x in self.inputs)]
        if bad:
            raise AnalysisError.one("unknown input name", value=", ".join(bad),
                                    allowed=_sample(self.names))
        return InputSpace(tuple(keep))


def _sample(names: list[str], n: int = 8) -> str:
    more = f", … ({len(names)} in all)" if len(names) > n else ""
    return ", ".join(names[:n]) + more
