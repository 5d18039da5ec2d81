"""The stakeholder table: who holds which position on an issue, how much they care, their clout.

This is the one input every forecaster takes (DESIGN §5). Per actor i and dimension k:
position x_ik (on the issue's own scale, e.g. 0–100 or years), salience s_ik in [0, 1] and a
capability c_i > 0. A one-issue table has K = 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError, Problem

FloatArray = NDArray[np.float64]
#: Known decision rules (None = not known).
DECISION_RULES = (None, "qmv", "unanimity")


def _frozen(a: object, ndim: int) -> FloatArray:
    arr = np.array(a, dtype=float, copy=True)
    if arr.ndim == 1 and ndim == 2:
        arr = arr[:, None]
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class StakeholderTable:
    """Actors' capability, positions and saliences on one or more issue dimensions.

    Attributes:
        actors: actor names, length N (N >= 2).
        capability: shape (N,), every value > 0 (any unit: only ratios matter).
        position: shape (N, K), on the issue scale.
        salience: shape (N, K), in [0, 1].
        dimensions: names of the K dimensions.
        name: a label for the issue or case.
        source: the file it was read from, if any.
        warnings: degenerate-but-valid features of the input (reported, not fatal).
        scale: the (low, high) of the position scale if known (e.g. (0, 100)).
        reference: the reference point (status quo) per dimension, if known (DEU ``rp``).
        decision_rule: how the issue is decided, if known: ``"qmv"`` (qualified majority) or
            ``"unanimity"`` (DEU ``counvte``); models that ignore it are unaffected.
        procedure: the legislative procedure, if known (DEU ``proc``: ``"COD"`` codecision,
            the Parliament a veto player; ``"CNS"`` consultation); used by the procedural model.

    >>> t = StakeholderTable.build(["A", "B"], [1, 1], [0, 100], [1, 1])
    >>> t.position[:, 0].tolist()
    [0.0, 100.0]
    """

    actors: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    dimensions: tuple[str, ...] = ("position",)
    name: str = ""
    source: str | None = None
    warnings: tuple[str, ...] = field(default=())
    scale: tuple[float, float] | None = None
    reference: tuple[float, ...] | None = None
    decision_rule: str | None = None
    procedure: str | None = None

    @classmethod
    def build(cls, actors: list[str] | tuple[str, ...], capability: object, position: object,
              salience: object, *, dimensions: tuple[str, ...] | None = None, name: str = "",
              source: str | None = None, scale: tuple[float, float] | None = None,
              reference: tuple[float, ...] | None = None,
              decision_rule: str | None = None, procedure: str | None = None,
              tol: float = 1e-9) -> StakeholderTable:
        """Validate and freeze; raise :class:`DetenteError` naming every bad value."""
        c = _frozen(capability, 1)
        x = _frozen(position, 2)
        s = _frozen(salience, 2)
        n = len(actors)
        problems: list[Problem] = []
        if n < 2:
            problems.append(Problem("a stakeholder table needs at least two actors", value=n,
                                    allowed=">= 2 actors", file=source))
        if c.shape != (n,) or x.shape[0] != n or s.shape != x.shape:
            problems.append(Problem("capability, position and salience must have one row per "
                                    "actor and the same dimensions",
                                    value=(c.shape, x.shape, s.shape), file=source))
        if problems:
            raise DetenteError(problems)
        seen: set[str] = set()
        for name_i in actors:  # a row given twice would count its capability twice, silently
            if name_i in seen:
                problems.append(Problem("actor listed more than once", path=name_i,
                                        allowed="one row per actor", file=source))
            seen.add(name_i)
        for i, name_i in enumerate(actors):
            if not np.isfinite(c[i]) or c[i] <= 0:
                problems.append(Problem("capability must be a positive number",
                                        path=f"{name_i}.capability", value=float(c[i]),
                                        allowed="> 0", file=source))
            for k in range(x.shape[1]):
                if not np.isfinite(x[i, k]):
                    problems.append(Problem("position must be a finite number",
                                            path=f"{name_i}.position", value=float(x[i, k]),
                                            file=source))
                if not (np.isfinite(s[i, k]) and -tol <= s[i, k] <= 1 + tol):
                    problems.append(Problem("salience out of range", path=f"{name_i}.salience",
                                            value=float(s[i, k]), allowed="0 to 1", file=source))
        if problems:
            raise DetenteError(problems)
        dims = dimensions or tuple(f"dim{k}" for k in range(x.shape[1]))
        if x.shape[1] == 1 and dimensions is None:
            dims = ("position",)
        warnings = []
        spread = np.ptp(x, axis=0)
        for k in np.flatnonzero(spread <= tol).tolist():
            warnings.append(f"all actors hold the same position on '{dims[k]}' "
                            f"({x[0, k]:g}): every model returns it")
        if np.all(np.sum(s, axis=1) <= tol) or np.all(s <= tol):
            warnings.append("every salience is zero: weights fall back to capability alone")
        if reference is not None and len(reference) != x.shape[1]:
            raise DetenteError.one("one reference point per dimension", value=reference,
                                   allowed=f"{x.shape[1]} values")
        if decision_rule not in DECISION_RULES:
            raise DetenteError.one("unknown decision rule", value=decision_rule,
                                   allowed="qmv, unanimity or none")
        return cls(tuple(actors), c, x, s, dims, name, source, tuple(warnings), scale,
                   None if reference is None else tuple(float(v) for v in reference),
                   decision_rule, procedure)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_dimensions(self) -> int:
        return int(self.position.shape[1])

    def dimension(self, k: int) -> StakeholderTable:
        """The one-dimensional table of dimension ``k``."""
        return StakeholderTable.build(self.actors, self.capability, self.position[:, k],
                                      self.salience[:, k], dimensions=(self.dimensions[k],),
                                      name=self.name, source=self.source, scale=self.scale,
                                      reference=(None if self.reference is None
                                                 else (self.reference[k],)),
                                      decision_rule=self.decision_rule,
                                      procedure=self.procedure)

    def select(self, mask: NDArray[np.bool_]) -> StakeholderTable:
        """The table restricted to the actors where ``mask`` is true."""
        idx = np.flatnonzero(mask)
        return StakeholderTable.build([self.actors[i] for i in idx], self.capability[idx],
                                      self.position[idx], self.salience[idx],
                                      dimensions=self.dimensions, name=self.name,
                                      source=self.source, scale=self.scale,
                                      reference=self.reference,
                                      decision_rule=self.decision_rule,
                                      procedure=self.procedure)
