"""One interface for every forecaster: ``forecast(table) -> Forecast``.

A forecaster is a small frozen object holding its options; the work is done by pure functions
on NumPy arrays in the model's own module. Every forecaster passes the shared contract tests in
``tests/forecasts/test_contract.py`` (same input ⇒ same output, result inside the positions'
hull, unanimity returns the common position, actor order does not matter, …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.formats.table import StakeholderTable


@dataclass(frozen=True)
class Forecast:
    """A model's answer for one table.

    Attributes:
        model: the forecaster's name.
        position: predicted outcome, shape (K,), on the table's scale.
        trajectory: actors' positions by round, shape (T + 1, N, K) (row 0 = input), or None
            for models without rounds.
        predicted_by_round: the model's predicted outcome after each round, shape (T + 1, K),
            or None.
        options: the options the model ran with (for the record).
        warnings: degenerate features met on the way.
        details: model-specific extras (e.g. SMP win probabilities), JSON-friendly.
    """

    model: str
    position: NDArray[np.float64]
    trajectory: NDArray[np.float64] | None = None
    predicted_by_round: NDArray[np.float64] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def rounds(self) -> int:
        """Number of rounds run (0 for models without rounds)."""
        return 0 if self.trajectory is None else int(self.trajectory.shape[0] - 1)


@runtime_checkable
class Forecaster(Protocol):
    """Anything with a ``name`` and ``forecast(table) -> Forecast``."""

    @property
    def name(self) -> str:  # pragma: no cover - protocol
        ...

    def forecast(self, table: StakeholderTable) -> Forecast:  # pragma: no cover - protocol
        ...


def per_dimension(table: StakeholderTable, one_dim: Any) -> tuple[NDArray[np.float64], ...]:
    """Apply a one-dimensional model ``one_dim(x, s, c)`` to each dimension and stack results."""
    outs = [one_dim(table.position[:, k], table.salience[:, k], table.capability)
            for k in range(table.n_dimensions)]
    return tuple(np.stack(parts, axis=-1) for parts in zip(*outs, strict=True))


def group_of(table: StakeholderTable) -> str:
    """The group (proposal) of a one-issue table named ``"proposal/issue"`` (else its name)."""
    return table.name.rsplit("/", 1)[0]


#: Forecasts already made in one run, by (model, identities of the tables): see
#: :func:`forecast_issues`.
Memo = dict[tuple[Any, tuple[int, ...]], NDArray[np.float64]]

Progress = Callable[[str, int, int], None]
"""The library's progress callback: ``progress(stage, done, total)``."""


def at_stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """``progress`` bound to one stage: ``tick(done, total)`` calls
    ``progress(stage, done, total)`` (None stays None)."""
    if progress is None:
        return None
    report = progress

    def tick(done: int, total: int) -> None:
        report(stage, done, total)

    return tick


def forecast_issues(model: Forecaster, tables: list[StakeholderTable],
                    memo: Memo | None = None,
                    progress: Callable[[int, int], None] | None = None) -> NDArray[np.float64]:
    """Dimension 0 forecast of many one-issue tables, shape (I,).

    A model with ``forecast_group(tables) -> (len(tables),)`` (issue linkage: the exchange
    model) gets the tables of one proposal (:func:`group_of`) together (with
    ``forecast_groups(groups) -> [(len(group),), …]``, every proposal in one call); a model with
    ``forecast_batch(tables) -> (I,)`` gets all of them at once (vectorised across issues);
    any other model forecasts table by table. ``progress(done, total)`` counts the issues
    forecast (per table, per proposal, or once for a batch).

    ``memo`` (one backtest's): a model equal in value to one that already forecast these very
    tables (the same objects) is not run again — the ensemble's members are models the
    backtest also scores alone. Models are deterministic, so the numbers are the same; a model
    that cannot be hashed is simply run. A model with ``shares_forecasts`` set gets the memo
    for its members.
    """
    key = None
    if memo is not None:
        try:
            key = (model, tuple(id(t) for t in tables))
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in memo:
            if progress:
                progress(len(tables), len(tables))
            return memo[key].copy()
    out = _forecast_issues(model, tables, memo, progress)
    if key is not None and memo is not None:
        memo[key] = out.copy()
    return out


def _forecast_issues(model: Forecaster, tables: list[StakeholderTable], memo: Memo | None,
                     progress: Callable[[int, int], None] | None) -> NDArray[np.float64]:
    n = len(tables)
    grouped = getattr(model, "forecast_group", None)
    if callable(grouped):
        out = np.empty(n)
        groups = [group_of(t) for t in tables]
        together = getattr(model, "forecast_groups", None)
        if callable(together):  # every proposal in one call (the exchange model: by shape)
            members = [[j for j, h in enumerate(groups) if h == g] for g in dict.fromkeys(groups)]
            for idx, values in zip(members, together([[tables[j] for j in idx]
                                                      for idx in members]), strict=True):
                out[idx] = values
            if progress:
                progress(n, n)
            return out
        done = 0
        for g in dict.fromkeys(groups):
            idx = [j for j, h in enumerate(groups) if h == g]
            out[idx] = grouped([tables[j] for j in idx])
            done += len(idx)
            if progress:
                progress(done, n)
        return out
    batch = getattr(model, "forecast_batch", None)
    if callable(batch):
        if memo is not None and getattr(model, "shares_forecasts", False):
            values = np.asarray(batch(tables, memo=memo), dtype=float)
        else:
            values = np.asarray(batch(tables), dtype=float)
        if progress:
            progress(n, n)
        return values
    out = np.empty(n)
    for j, t in enumerate(tables):
        out[j] = model.forecast(t).position[0]
        if progress:
            progress(j + 1, n)
    return out
