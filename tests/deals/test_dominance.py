"""The one dominance filter: every variant keeps exactly the rows no other row dominates (the
definition, by brute force), with ties, near-ties and large sets; the variants agree."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.deals.dominance import dominates, grid, pareto_mask


def brute_mask(p: np.ndarray, tol: float) -> np.ndarray:
    out = np.zeros(p.shape[0], dtype=bool)
    for s in range(0, p.shape[0], 256):
        out[s:s + 256] = dominates(p[None, :, :], p[s:s + 256, None, :], tol).any(axis=1)
    return ~out


def _points(seed: int, m: int, n: int, levels: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if levels:
        return rng.integers(0, levels, size=(m, n)) / levels
    return rng.random((m, n))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.integers(1, 300),
       st.sampled_from([0, 2, 3, 8]))
def test_every_variant_is_the_definition(seed: int, n: int, m: int, levels: int) -> None:
    p = _points(seed, m, n, levels)
    want = brute_mask(p, 1e-12)
    methods = ["auto", "bnl", "bitset"] + (["sweep"] if n == 2 else [])
    for method in methods:
        assert np.array_equal(pareto_mask(p, 1e-12, method), want), method
    if n == 3:  # exact comparisons on the grid
        g = grid(p, 1e-12)
        assert np.array_equal(pareto_mask(g, 0.0, "staircase"), brute_mask(g, 0.0))


@pytest.mark.parametrize("levels", [0, 4, 40])
def test_variants_agree_on_large_tied_sets(levels: int) -> None:
    """Thousands of rows (the bitset and staircase paths), many exact ties."""
    p = _points(levels + 1, 6000, 3, levels)
    g = grid(p, 1e-12)
    ref = pareto_mask(g, 0.0, "bnl")
    for method in ("bitset", "staircase", "auto"):
        assert np.array_equal(pareto_mask(g, 0.0, method), ref), method
    assert np.array_equal(pareto_mask(p, 1e-12, "bitset"), pareto_mask(p, 1e-12, "bnl"))


def test_near_ties_within_tol_are_ties() -> None:
    p = np.array([[0.5, 0.5, 0.2], [0.5 + 1e-13, 0.5, 0.2], [0.4, 0.6, 0.2]])
    for method in ("bnl", "bitset", "auto"):
        assert pareto_mask(p, 1e-12, method).tolist() == [True, True, True]


def test_bad_method_and_shape() -> None:
    with pytest.raises(ValueError, match="method"):
        pareto_mask(np.zeros((2, 2)), method="kung")
    with pytest.raises(ValueError, match="three actors"):
        pareto_mask(np.zeros((2, 2)), 0.0, "staircase")
    with pytest.raises(ValueError, match="tol=0"):
        pareto_mask(np.zeros((2, 3)), 1e-12, "staircase")
