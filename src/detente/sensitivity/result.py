"""The typed record of a sensitivity analysis (what ``detente sensitivity --json`` writes)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict

from detente.records import Provenance
from detente.records.base import Record


class _Rec(Record):
    model_config = ConfigDict(frozen=True)


class InputInfo(_Rec):
    """One uncertain input: its name, group, range and the evidence or assumption behind it."""

    name: str
    group: str
    kind: str
    low: float
    likely: float | None
    high: float
    options: list[str]
    basis: str


class SobolRow(_Rec):
    """First-order and total Sobol' index of one input (or group) with its interval."""

    input: str
    first: float
    first_low: float
    first_high: float
    total: float
    total_low: float
    total_high: float


class MorrisRow(_Rec):
    """Morris elementary effects of one input: μ*, μ, σ (unit-cube coordinates)."""

    input: str
    mu_star: float
    mu: float
    sigma: float


class SwingRow(_Rec):
    """The target with one input at its low and at its high end, every other input likely."""

    input: str
    low: float
    high: float
    at_low: float
    at_high: float
    swing: float


class BreakEvenRow(_Rec):
    """Where the verdict flips as one input moves alone (others at their likely values).

    ``holds``: ``below`` when the verdict (target ≥ 0) holds for values under ``value``."""

    input: str
    value: float
    likely: float
    low: float
    high: float
    within_range: bool
    holds: str
    method: str
    basis: str


class TargetSensitivity(_Rec):
    """Everything measured for one headline target."""

    name: str
    label: str
    verdict: bool
    base: float
    mean: float | None
    std: float | None
    sobol: list[SobolRow]
    groups: list[SobolRow]
    morris: list[MorrisRow]
    tornado: list[SwingRow]
    break_even: list[BreakEvenRow]


class SensitivityAnalysis(_Rec):
    """Which inputs decide each headline quantity, and where each verdict flips."""

    frame_field: ClassVar[str | None] = "targets"
    provenance: Provenance
    scenario: str
    title: str
    method: str
    samples: int
    evaluations: int
    inputs: list[InputInfo]
    targets: list[TargetSensitivity]
    notes: list[str]
