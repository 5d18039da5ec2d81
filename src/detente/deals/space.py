"""The outcome space of a multi-issue negotiation and its additive utilities, as arrays.

An outcome ω picks one option on every issue; the space is the Cartesian product of the
issues' options. With linear additive utilities (Raiffa 1982, ch. 10-12; the GENIUS/ANAC
domains, Baarslag et al. 2013)

    u_i(ω) = Σ_k w_ik · v_ik(ω_k),

each issue k contributes a table ``contrib[k][i, o] = w_ik · v_ik(o)``; a utility is a sum of
table look-ups. Outcomes are numbered in mixed radix (last issue fastest, like ``unravel_index``)
and evaluated in chunks: the space is split into an *outer* block of leading issues and an
*inner* block of trailing issues whose utilities are tabulated once, so a chunk is one broadcast
addition ``outer[:, :, None] + inner[:, None, :]`` — no Python object per outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.errors import AnalysisError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

DEFAULT_CHUNK = 1 << 20


def mixed_radix(flat: IntArray, sizes: tuple[int, ...] | list[int]) -> IntArray:
    """The digits ``(m, len(sizes))`` of outcome numbers ``flat`` in mixed radix, the last
    digit fastest (the order of ``numpy.unravel_index``): the one decoder of the house, for
    outcomes, proposal fills and enumeration chunks.

    >>> mixed_radix(np.array([0, 5, 11]), (2, 3, 2)).tolist()
    [[0, 0, 0], [0, 2, 1], [1, 2, 1]]
    """
    rest = np.array(flat, dtype=np.int64).reshape(-1)
    digits = np.empty((rest.size, len(sizes)), dtype=np.int64)
    for k in range(len(sizes) - 1, -1, -1):
        digits[:, k] = rest % sizes[k]
        rest //= sizes[k]
    return digits


@dataclass(frozen=True)
class AdditiveSpace:
    """Issues, options and per-issue utility contributions of a set of actors.

    Attributes:
        actors: actor ids, the rows of every table.
        issues: issue ids.
        options: option ids per issue.
        contrib: per issue an array ``(n_actors, n_options)`` of w_ik · v_ik(o), each ≥ 0.
        reservation: ``(n_actors,)`` reservation values d_i = u_i(BATNA); NaN where unknown.
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    contrib: tuple[FloatArray, ...]
    reservation: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        if len(self.issues) == 0 or any(len(o) == 0 for o in self.options):
            raise AnalysisError.one("empty outcome space: every issue needs at least one option",
                                    allowed="at least one issue, each with at least one option")
        for k, table in enumerate(self.contrib):
            if table.shape != (len(self.actors), len(self.options[k])):
                raise ValueError(f"contrib[{k}] has shape {table.shape}, expected "
                                 f"{(len(self.actors), len(self.options[k]))}")

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(o) for o in self.options)

    @property
    def n_outcomes(self) -> int:
        return int(np.prod(np.array(self.sizes, dtype=object)))

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    def subset(self, actors: list[str] | tuple[str, ...]) -> AdditiveSpace:
        """The same space seen by a subset of the actors (in the given order)."""
        rows = [self.actors.index(a) for a in actors]
        res = self.reservation[rows] if self.reservation.size else np.zeros(0)
        return AdditiveSpace(tuple(actors), self.issues, self.options,
                             tuple(c[rows] for c in self.contrib), res)

    # -- outcomes --------------------------------------------------------------------------
    def decode(self, flat: IntArray) -> IntArray:
        """Option indices ``(m, n_issues)`` of flat outcome numbers."""
        return mixed_radix(flat, self.sizes)

    def encode(self, index: IntArray) -> IntArray:
        """Flat outcome numbers of option indices ``(m, n_issues)``."""
        index = np.atleast_2d(np.asarray(index, dtype=np.int64))
        flat = np.zeros(index.shape[0], dtype=np.int64)
        for k, n in enumerate(self.sizes):
            flat = flat * n + index[:, k]
        return flat

    def utilities(self, index: IntArray) -> FloatArray:
        """Utilities ``(n_actors, m)`` of outcomes given as option indices ``(m, n_issues)``."""
        index = np.atleast_2d(np.asarray(index, dtype=np.int64))
        total = np.zeros((self.n_actors, index.shape[0]))
        for k, table in enumerate(self.contrib):
            total += table[:, index[:, k]]
        return total

    def best(self) -> FloatArray:
        """Each actor's highest attainable utility (its ideal outcome), ``(n_actors,)``."""
        return np.sum([c.max(axis=1) for c in self.contrib], axis=0)

    def worst(self) -> FloatArray:
        """Each actor's lowest attainable utility, ``(n_actors,)``."""
        return np.sum([c.min(axis=1) for c in self.contrib], axis=0)

    # -- chunked evaluation ----------------------------------------------------------------
    def _split(self, chunk: int) -> int:
        """Index of the first inner issue: the trailing issues whose product fits ``chunk``."""
        inner = 1
        split = len(self.sizes)
        while split > 0 and inner * self.sizes[split - 1] <= chunk:
            split -= 1
            inner *= self.sizes[split]
        return split

    def chunks(self, chunk: int = DEFAULT_CHUNK) -> Iterator[tuple[int, FloatArray]]:
        """Yield ``(first_flat_index, U)`` with ``U`` of shape ``(n_actors, m)``, m ≤ ~chunk,
        covering every outcome once, in flat order."""
        split = self._split(chunk)
        inner_sizes = self.sizes[split:]
        inner = np.zeros((self.n_actors, 1))
        for k in range(split, len(self.sizes)):
            inner = (inner[:, :, None] + self.contrib[k][:, None, :]).reshape(self.n_actors, -1)
        n_in = inner.shape[1]
        outer_sizes = self.sizes[:split]
        n_out = int(np.prod(outer_sizes, dtype=np.int64)) if outer_sizes else 1
        per = max(1, chunk // n_in)
        del inner_sizes
        for o0 in range(0, n_out, per):
            o1 = min(n_out, o0 + per)
            flat_outer = np.arange(o0, o1, dtype=np.int64)
            outer = np.zeros((self.n_actors, o1 - o0))
            digits = mixed_radix(flat_outer, self.sizes[:split])
            for k in range(split - 1, -1, -1):
                outer += self.contrib[k][:, digits[:, k]]
            u = (outer[:, :, None] + inner[:, None, :]).reshape(self.n_actors, -1)
            yield o0 * n_in, u
