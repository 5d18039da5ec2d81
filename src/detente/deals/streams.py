"""The Monte Carlo draws of a deal analysis, in chunks, without changing a single number.

The one-shot Monte Carlo draws input after input: every uncertain quantity takes ``D`` numbers
from one ``numpy.random.Generator`` (``rng.triangular(..., size=D)``), in the fixed order of
:func:`detente.deals.compile.build_tables`; the open terms of each proposal then take ``D``
integers per open issue from a second generator. Holding all ``D`` draws costs ~7.5 KiB each.

Here the same two streams are cut into segments, one per call, and each segment gets its own
generator started where the one-shot call would have started it; chunk after chunk then reads
each segment in order. So chunk ``[s, e)`` of quantity ``q`` is exactly numbers ``s … e − 1``
of the one-shot call, and the output is the same whatever the chunk size:

- a triangular draw takes exactly one 64-bit output of PCG64 (numpy ``random_triangular``
  calls ``next_double`` once), so segment ``q`` starts ``q · D`` outputs in, reached in
  O(log) time by ``PCG64.advance``;
- a bounded integer may take a variable number of 32-bit outputs (Lemire 2019 rejection), and
  PCG64 keeps the half-used 64-bit word in its state, so consecutive ``integers`` calls continue
  one stream; each segment's start is found by drawing (and discarding) the previous segment's
  ``D`` integers once, in chunks.

``tests/deals/test_streams.py`` checks both against the one-shot draws.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from detente.deals.space import FloatArray, IntArray

DISCARD_BLOCK = 1 << 16


def _generator(rng: np.random.Generator) -> np.random.Generator:
    """A generator in ``rng``'s current state (which goes on untouched)."""
    return copy.deepcopy(rng)


class TriangularSegments:
    """Stands for the generator of :func:`~detente.deals.compile.build_tables` while it builds
    the tables of draws ``[start, stop)`` of ``total``: call ``q`` of a chunk is served by
    segment ``q``'s generator, which continues where the previous chunk left it.

    ``start``: the first draw this object serves. A worker given chunk ``[start, stop)`` alone
    builds ``TriangularSegments(rng, total, start)`` and reads the same numbers as the object
    that served every chunk before it (each segment is advanced ``q · total + start``)."""

    def __init__(self, rng: np.random.Generator, total: int, start: int = 0) -> None:
        if not isinstance(rng.bit_generator, np.random.PCG64):
            raise TypeError("chunked draws need a PCG64 generator (numpy.random.default_rng)")
        self._base = _generator(rng)
        self._total = total
        self._start = start
        self._segments: list[np.random.Generator] = []
        self._calls = 0
        self._size = 0

    def window(self, size: int) -> None:
        """The next chunk has ``size`` draws: the calls start again at segment 0."""
        self._calls, self._size = 0, size

    def _segment(self, q: int) -> np.random.Generator:
        while len(self._segments) <= q:
            g = _generator(self._base)
            step = len(self._segments) * self._total + self._start
            g.bit_generator.advance(step)  # type: ignore[attr-defined]
            self._segments.append(g)
        return self._segments[q]

    def triangular(self, left: float, mode: float, right: float, size: int) -> FloatArray:
        if size != self._size:
            raise ValueError(f"chunk of {self._size} draws asked for {size}")
        g = self._segment(self._calls)
        self._calls += 1
        return g.triangular(left, mode, right, size=size)


class IntegerSegments:
    """The open terms' draws ``rng.integers(0, n, size=D)``, one segment per (proposal, open
    issue) in the one-shot order, read chunk by chunk."""

    def __init__(self, rng: np.random.Generator, total: int, bounds: Sequence[int]) -> None:
        self._segments = []
        for n in bounds:
            self._segments.append(_generator(rng))
            left = total
            while left > 0:  # skip this segment: its draws, once, without keeping them
                m = min(left, DISCARD_BLOCK)
                rng.integers(0, n, size=m)
                left -= m
        self._bounds = list(bounds)

    def draw(self, segment: int, size: int) -> IntArray:
        """The next ``size`` integers of ``segment``."""
        return self._segments[segment].integers(0, self._bounds[segment], size=size)
