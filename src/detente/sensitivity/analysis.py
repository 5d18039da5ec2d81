"""The sensitivity analysis of a scenario: one function, :func:`sensitivity`, returning a
typed record — Sobol' or Morris over every uncertain input, a tornado of one-at-a-time swings
and the break-even value of each deciding input for every verdict."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np

from detente.errors import AnalysisError
from detente.parallel import SerialExecutor
from detente.records import inputs_hash, make_provenance
from detente.scenario.model import Scenario
from detente.sensitivity.breakeven import Root, break_even, tornado
from detente.sensitivity.inputs import InputSpace, deal_inputs, war_inputs
from detente.sensitivity.morris import MorrisIndices, morris
from detente.sensitivity.result import (
    BreakEvenRow,
    InputInfo,
    MorrisRow,
    SensitivityAnalysis,
    SobolRow,
    SwingRow,
    TargetSensitivity,
)
from detente.sensitivity.sobol import SobolIndices, check_samples, sobol
from detente.sensitivity.targets import DealModel, Model
from detente.sensitivity.war_targets import WindowModel

METHODS = ("sobol", "morris", "oat")
MAX_SAMPLES = 1 << 16
TOP = 8
SWING_TOL = 1e-12


def _r(x: float) -> float:
    return round(float(x), 6)


def _space(scenario: Scenario, inputs: list[str] | None, window: bool) -> InputSpace:
    space = InputSpace(tuple(war_inputs(scenario) if window else deal_inputs(scenario)))
    if inputs:
        space = space.select(inputs)
    if space.dim == 0:
        raise AnalysisError.one("nothing is uncertain: no input is written as a range "
                                "[low, likely, high] with low < high", value=scenario.id)
    return space


def sensitivity(scenario: Scenario, *, targets: list[str] | None = None,
                inputs: list[str] | None = None, method: str = "sobol", samples: int = 512,
                seed: int | None = 2024, executor: Executor | None = None, top: int = TOP,
                resamples: int = 100, source: str = "",
                progress: Callable[[str, int, int], None] | None = None
                ) -> SensitivityAnalysis:
    """Which inputs decide each headline target of the deal analysis, and where it flips.

    Args:
        scenario: a validated scenario.
        targets: target names or shell globs (default: the headline targets).
        inputs: input names or globs to vary (default: every uncertain input).
        method: ``sobol`` (``samples`` = base sample size, a power of two), ``morris``
            (``samples`` = trajectories) or ``oat`` (tornado and break-even only).
        seed: seed of the design and of the bootstrap.
        executor: where model evaluations run (default: this process).
        top: break-even values are searched for the ``top`` inputs by swing of each verdict.
        resamples: bootstrap resamples for the Sobol' intervals.
        source: where the scenario came from, for the provenance.
        progress: optional callback ``(stage, done, total)`` as the stages (indices,
            tornado, break-even) start.
    """
    _check_request(method, samples, seed, top)
    step = progress or (lambda _stage, _done, _total: None)
    if method == "sobol":
        check_samples(samples)
    window = _is_window(targets)
    if window and scenario.war is None:
        raise AnalysisError.one("window targets need a scenario with a 'war' section",
                                value=scenario.id, path="war").with_file(source)
    try:
        space = _space(scenario, inputs, window)
    except AnalysisError as exc:  # name the file (or case) the scenario came from
        raise exc.with_file(source) from None
    model: Model = (WindowModel(scenario, space, targets, seed=seed or 0) if window
                    else DealModel(scenario, space, targets))
    ex = executor if executor is not None else SerialExecutor()
    groups = space.groups()
    step(f"{method} over {space.dim} inputs", 0, 3)
    sob = sobol(model, samples, seed, ex, groups, resamples) if method == "sobol" else None
    mor = morris(model, samples, seed, ex) if method == "morris" else None
    # One-at-a-time: the ZOPA verdict is found on its continuous witness, zopa.slack.
    names = [t.name for t in model.targets]
    oat_model: Model = model
    if "zopa" in names and "zopa.slack" not in names:
        oat_model = DealModel(scenario, space, [*names, "zopa.slack"])
    step(f"{method} over {space.dim} inputs", 1, 3)
    base, at_low, at_high = tornado(oat_model)
    step(f"{method} over {space.dim} inputs", 2, 3)
    evals = (samples * (space.dim + len(groups) + 2) if sob else
             samples * (space.dim + 1) if mor else 0) + 2 * space.dim + 1
    rows = []
    for k, t in enumerate(oat_model.targets):
        g = names.index(t.name) if t.name in names else None
        swing = np.abs(at_high[:, k] - at_low[:, k])
        order = [j for j in np.argsort(-swing, kind="stable") if swing[j] > SWING_TOL]
        rows.append(TargetSensitivity(
            name=t.name, label=t.label, verdict=t.verdict, base=_r(base[k]),
            mean=_r(sob.mean[g]) if sob and g is not None else None,
            std=_r(math.sqrt(sob.var[g])) if sob and g is not None else None,
            sobol=_sobol_rows(sob, g, 0, space.dim) if sob and g is not None else [],
            groups=_sobol_rows(sob, g, space.dim, len(sob.sets)) if sob and g is not None
            else [],
            morris=_morris_rows(mor, g, space.names) if mor and g is not None else [],
            tornado=[SwingRow(input=space.names[j], low=space.inputs[j].low,
                              high=space.inputs[j].high, at_low=_r(at_low[j, k]),
                              at_high=_r(at_high[j, k]), swing=_r(swing[j]))
                     for j in order[:2 * top]],
            break_even=_break_even_rows(oat_model, k, order[:top]) if t.verdict else []))
    options: dict[str, object] = {"method": method, "samples": samples, "top": top,
                                  "targets": targets or [], "inputs": inputs or [],
                                  "resamples": resamples}
    return SensitivityAnalysis(
        provenance=make_provenance("sensitivity", [source or scenario.id], inputs_hash(scenario),
                                   options, seed),
        scenario=scenario.id, title=scenario.title, method=method, samples=samples,
        evaluations=evals,
        inputs=[InputInfo(name=x.name, group=x.group, kind=x.kind, low=x.low,
                          likely=None if math.isnan(x.likely) else x.likely, high=x.high,
                          options=list(x.options), basis=x.basis) for x in space.inputs],
        targets=rows, notes=_notes(model))


def _check_request(method: str, samples: int, seed: int | None, top: int) -> None:
    """Refuse an out-of-range request before any model evaluation (errors name the
    command-line option)."""
    from detente.limits import check_range, check_seed

    if method not in METHODS:
        raise AnalysisError.one("unknown sensitivity method", path="--method", value=method,
                                allowed=", ".join(METHODS))
    check_range(samples, 1, MAX_SAMPLES, "--samples")
    check_seed(seed)  # 0 … 2^63 − 1, as every other command's --seed
    check_range(top, 0, 100, "--top")


def _morris_rows(mor: MorrisIndices, k: int, names: list[str]) -> list[MorrisRow]:
    rows = [MorrisRow(input=names[j], mu_star=_r(mor.mu_star[k, j]), mu=_r(mor.mu[k, j]),
                      sigma=_r(mor.sigma[k, j])) for j in range(len(names))]
    return sorted(rows, key=lambda r: -r.mu_star)


def _sobol_rows(sob: SobolIndices, k: int, start: int, stop: int) -> list[SobolRow]:
    rows = [SobolRow(input=sob.sets[j], first=_r(sob.first[k, j]),
                     first_low=_r(sob.first_ci[0, k, j]), first_high=_r(sob.first_ci[1, k, j]),
                     total=_r(sob.total[k, j]), total_low=_r(sob.total_ci[0, k, j]),
                     total_high=_r(sob.total_ci[1, k, j])) for j in range(start, stop)]
    return sorted(rows, key=lambda r: -r.total)


def _break_even_rows(model: Model, k: int, order: list[int]) -> list[BreakEvenRow]:
    out = []
    for j in order:
        x = model.space.inputs[j]
        roots: list[Root] = break_even(model, k, j)
        for root in roots:
            out.append(BreakEvenRow(
                input=x.name, value=_r(root.value), likely=x.likely, low=x.low, high=x.high,
                within_range=x.low <= root.value <= x.high,
                holds="above" if root.slope_sign > 0 else "below", method=root.method,
                basis=x.basis))
    return out


def _is_window(targets: list[str] | None) -> bool:
    """Whether the targets are the war window's (``window.*``); deal and window targets have
    different inputs and run separately."""
    pats = targets or []
    window = [p for p in pats if p.startswith("window")]
    if window and len(window) < len(pats):
        raise AnalysisError.one("deal and window targets have different inputs: run them "
                                "separately", value=", ".join(pats))
    return bool(window)


def _notes(model: Model) -> list[str]:
    notes = ["Break-even values move one input at a time, every other input at its likely "
             "value; a value outside [low, high] flips the verdict only beyond the stated range."]
    if isinstance(model, WindowModel):
        notes.append(f"window.*: {model.paths} simulated paths per design row, the same path "
                     "seed for every row (common random numbers).")
        return notes
    assert isinstance(model, DealModel)
    if model.nash is not None:
        names = [model.scenario.issues[k].option_ids()[i] for k, i in enumerate(model.nash)]
        notes.append("nash.<actor>: utilities of the likely-value Nash package ("
                     + ", ".join(names) + ") held fixed while the inputs vary.")
    names = [t.name for t in model.targets]
    if any(n.endswith(".resolved") for n in names):
        notes.append("nash.<actor>.resolved: the Nash package re-solved in every draw over the "
                     "whole outcome space (the BATNA where the ZOPA is empty); ~50 ms a "
                     "draw on ru-ua-2024-09, so use it with Morris or few Sobol' samples.")
    if any(n.endswith((".eum", ".smp")) for n in names):
        notes.append("forecast.<issue>.eum / .smp: the EUM / SMP forecast with default "
                     "options on each draw's capabilities and saliences (positions as stated).")
    open_terms = [x.name for x in model.space.inputs if x.kind == "categorical"]
    if open_terms:
        notes.append("Open proposal terms (a proposal silent on an issue) are uncertain over the "
                     "issue's options: " + ", ".join(open_terms) + ".")
    return notes


