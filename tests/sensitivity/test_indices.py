"""Sobol' and Morris against analytic indices (Ishigami; linear additive) and SciPy."""

from __future__ import annotations

import numpy as np
import pytest

from detente.parallel import SerialExecutor
from detente.sensitivity.inputs import Input, InputSpace
from detente.sensitivity.morris import morris
from detente.sensitivity.sobol import sobol
from detente.sensitivity.targets import Target

PI = np.pi


class FunctionModel:
    """A test function ``f(X) → (n, 1)`` with the Model interface."""

    def __init__(self, inputs: list[Input], f) -> None:  # type: ignore[no-untyped-def]
        self.space = InputSpace(tuple(inputs))
        self.targets = [Target("f", "f")]
        self.f = f

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.f(np.atleast_2d(X))[:, None]


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def _ishigami_truth(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Ishigami & Homma (1990); Sobol' & Levitan (1999): analytic first and total indices."""
    v1 = 0.5 * (1 + b * PI ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * PI ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def _uniform(names: list[str], lo: float, hi: float, group: str = "g") -> list[Input]:
    return [Input(n, group, "uniform", lo, (lo + hi) / 2, hi) for n in names]


def test_ishigami_indices_within_their_intervals() -> None:
    model = FunctionModel(_uniform(["x1", "x2", "x3"], -PI, PI), ishigami)
    res = sobol(model, 4096, 7, SerialExecutor(), resamples=200)
    s1, st = _ishigami_truth()
    assert np.allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)  # the published values
    for j in range(3):
        assert res.first_ci[0, 0, j] <= s1[j] <= res.first_ci[1, 0, j], (j, res.first[0, j])
        assert res.total_ci[0, 0, j] <= st[j] <= res.total_ci[1, 0, j], (j, res.total[0, j])
        assert res.first_ci[1, 0, j] - res.first_ci[0, 0, j] < 0.15


def test_linear_additive_with_triangular_inputs_and_groups() -> None:
    coef = np.array([1.0, 2.0, 0.5, 0.0])
    ins = [Input(f"x{j}", "A" if j < 2 else "B", "continuous", 0.0, 0.3, 1.0)
           for j in range(4)]
    var_tri = (0 + 1 + 0.09 - 0 - 0 - 0.3) / 18
    share = coef ** 2 * var_tri / (coef ** 2 * var_tri).sum()
    model = FunctionModel(ins, lambda X: X @ coef)
    res = sobol(model, 2048, 11, SerialExecutor(), groups={"A": [0, 1], "B": [2, 3]},
                resamples=200)
    for j in range(4):
        assert res.first_ci[0, 0, j] - 1e-12 <= share[j] <= res.first_ci[1, 0, j] + 1e-12
        assert res.total_ci[0, 0, j] - 1e-12 <= share[j] <= res.total_ci[1, 0, j] + 1e-12
    # additive: total = first, the group index is the sum of its members'
    assert res.total[0, 3] == pytest.approx(0.0, abs=1e-12)
    assert res.total[0, 4] == pytest.approx(share[:2].sum(), abs=0.03)
    assert res.sets[4:] == ["group:A", "group:B"]


def test_morris_recovers_linear_coefficients_exactly() -> None:
    coef = np.array([3.0, -1.0, 0.0, 0.25])
    model = FunctionModel(_uniform([f"x{j}" for j in range(4)], 0.0, 1.0), lambda X: X @ coef)
    res = morris(model, 8, 5, SerialExecutor())
    assert np.allclose(res.mu[0], coef)
    assert np.allclose(res.mu_star[0], np.abs(coef))
    assert np.allclose(res.sigma[0], 0.0, atol=1e-12)


def test_morris_ranks_ishigami_inputs() -> None:
    """x3 acts only through its interaction with x1: μ* ranks x1, x2 above it
    (Campolongo et al. 2007, Table 2)."""
    model = FunctionModel(_uniform(["x1", "x2", "x3"], -PI, PI), ishigami)
    res = morris(model, 50, 1, SerialExecutor())
    assert res.mu_star[0, 2] < min(res.mu_star[0, 0], res.mu_star[0, 1])
    assert res.sigma[0, 2] > 0


def test_bootstrap_estimators_equal_scipys_point_estimates() -> None:
    from scipy.stats import sobol_indices

    from detente.sensitivity.sobol import estimators

    rng = np.random.default_rng(3)
    fa, fb, fab = rng.random((2, 64)), rng.random((2, 64)) * 2, rng.random((5, 2, 64))
    ref = sobol_indices(func={"f_A": fa, "f_B": fb, "f_AB": fab}, n=64)
    c = np.concatenate([fa, fb], axis=1).mean(axis=1, keepdims=True)
    first, total = estimators(fa - c, fb - c, fab - c)
    assert np.allclose(first.T, ref.first_order, atol=1e-12)
    assert np.allclose(total.T, ref.total_order, atol=1e-12)


def test_weighted_bootstrap_equals_gathered_resamples() -> None:
    from detente.sensitivity.sobol import _bootstrap, estimators

    rng = np.random.default_rng(4)
    fa, fb, fab = rng.random((2, 32)), rng.random((2, 32)), rng.random((3, 2, 32))
    fci, tci = _bootstrap(fa, fb, fab, np.random.default_rng(9), 50, 0.9)
    idx = np.random.default_rng(9).integers(0, 32, size=(50, 32))
    for j in range(2):
        c = np.concatenate([fa[j], fb[j]]).mean()
        first, total = estimators(fa[j][idx] - c, fb[j][idx] - c, fab[:, j][:, idx] - c)
        assert np.allclose(fci[:, j], np.quantile(first, [0.05, 0.95], axis=1), atol=1e-10)
        assert np.allclose(tci[:, j], np.quantile(total, [0.05, 0.95], axis=1), atol=1e-10)
