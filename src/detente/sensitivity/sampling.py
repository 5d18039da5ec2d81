"""Designs evaluated in chunks on an executor: Monte Carlo with running statistics, and any
explicit design (rows of the unit cube) through one model.

Chunk sizes depend on the design only; chunk c of a Monte Carlo run draws from child c of
``SeedSequence(seed).spawn(n_chunks)`` — so results do not depend on the executor or its number
of workers, and memory is one chunk per task in flight (independent of the number of draws).
Running means and variances are merged chunk by chunk (Chan, Golub & LeVeque 1983).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from detente.deals.space import FloatArray
from detente.parallel import bounded_map
from detente.sensitivity.targets import Model

CHUNK = 4096


def evaluate_unit(model: Model, U: FloatArray) -> FloatArray:
    """Targets ``(n, s)`` at unit-cube points ``U`` ``(n, d)`` of the model's input space."""
    return model(model.space.values(U))


def _mc_chunk(model: Model, seq: np.random.SeedSequence, n: int
              ) -> tuple[int, FloatArray, FloatArray]:
    rng = np.random.default_rng(seq)
    y = evaluate_unit(model, rng.random((n, model.space.dim)))
    mean = y.mean(axis=0)
    return n, mean, ((y - mean) ** 2).sum(axis=0)


@dataclass(frozen=True)
class Moments:
    """Running mean and variance of each target over ``n`` draws."""

    n: int
    mean: FloatArray
    m2: FloatArray

    @property
    def var(self) -> FloatArray:
        return self.m2 / max(self.n - 1, 1)

    def merge(self, n: int, mean: FloatArray, m2: FloatArray) -> Moments:
        """Chan, Golub & LeVeque (1983) pairwise update."""
        tot = self.n + n
        delta = mean - self.mean
        return Moments(tot, self.mean + delta * n / tot,
                       self.m2 + m2 + delta ** 2 * self.n * n / tot)


def monte_carlo(model: Model, draws: int, seed: int | None, executor: Executor,
                chunk: int = CHUNK, window: int = 8) -> Moments:
    """Mean and variance of every target over ``draws`` independent draws of the inputs."""
    n_chunks = -(-draws // chunk)
    seqs = np.random.SeedSequence(seed).spawn(n_chunks)
    tasks = ((model, seqs[c], min(chunk, draws - c * chunk)) for c in range(n_chunks))
    acc = Moments(0, np.zeros(len(model.targets)), np.zeros(len(model.targets)))
    for n, mean, m2 in bounded_map(executor, _mc_chunk, tasks, window):
        acc = acc.merge(n, mean, m2)
    return acc


def evaluate_design(model: Model, U: FloatArray, executor: Executor, chunk: int = CHUNK,
                    window: int = 8) -> FloatArray:
    """Targets ``(n, s)`` at the rows of an explicit unit-cube design, in chunks."""
    tasks = ((model, U[s:s + chunk]) for s in range(0, U.shape[0], chunk))
    out = list(bounded_map(executor, evaluate_unit, tasks, window))
    return np.concatenate(out, axis=0) if out else np.zeros((0, len(model.targets)))
