"""Shared Hypothesis strategies for the bargaining laws (one module, reused by every test)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from detente.deals.space import AdditiveSpace

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)


@st.composite
def points(draw: st.DrawFn, n_actors: tuple[int, int] = (2, 5), max_points: int = 60,
           grid: int | None = None) -> np.ndarray:
    """Utility vectors ``(m, n)`` in [0, 1]; ``grid`` makes ties likely."""
    n = draw(st.integers(*n_actors))
    m = draw(st.integers(1, max_points))
    if grid:
        return draw(arrays(np.int64, (m, n), elements=st.integers(0, grid))) / grid
    return draw(arrays(np.float64, (m, n), elements=unit))


@st.composite
def spaces(draw: st.DrawFn, n_actors: tuple[int, int] = (2, 4), n_issues: tuple[int, int] = (1, 4),
           n_options: tuple[int, int] = (1, 4)) -> AdditiveSpace:
    """Small additive outcome spaces with random weights and values."""
    a = draw(st.integers(*n_actors))
    k = draw(st.integers(*n_issues))
    sizes = [draw(st.integers(*n_options)) for _ in range(k)]
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(k), size=a)
    contrib = tuple(w[:, j, None] * rng.random((a, n)) for j, n in enumerate(sizes))
    res = np.array([draw(st.floats(0.0, 0.6)) for _ in range(a)])
    return AdditiveSpace(tuple(f"a{i}" for i in range(a)), tuple(f"i{j}" for j in range(k)),
                         tuple(tuple(f"o{o}" for o in range(n)) for n in sizes), contrib, res)


def all_utilities(space: AdditiveSpace) -> np.ndarray:
    """Brute-force reference: utilities ``(N, n_actors)`` of every outcome, by itertools."""
    import itertools

    rows = []
    for combo in itertools.product(*[range(n) for n in space.sizes]):
        rows.append([sum(space.contrib[k][i, o] for k, o in enumerate(combo))
                     for i in range(space.n_actors)])
    return np.array(rows)
