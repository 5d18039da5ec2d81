"""Command of the sensitivity analysis: ``sensitivity`` (which input decides each verdict)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from detente.cli.common import (
    CSV,
    HTML,
    JSON,
    QUIET,
    Steps,
    check_outputs,
    console,
    esc,
    executor_option,
    write_outputs,
)
from detente.records.output import nz

if TYPE_CHECKING:  # the package imports SciPy: loaded when the command runs, not for --help
    from detente.sensitivity.result import SensitivityAnalysis


def register(app: typer.Typer) -> None:
    """Add the sensitivity command to ``app``."""
    app.command("sensitivity")(sensitivity)


def sensitivity(
    case: str = typer.Argument(..., help="A bundled case name or a scenario file."),
    target: list[str] = typer.Option(None, "--target", "-t", help="Target name or shell glob "
                                     "(repeatable), e.g. 'proposal.istanbul*'; default: every "
                                     "headline target."),
    inputs: list[str] = typer.Option(None, "--input", "-i", help="Vary only these inputs "
                                     "(names or globs, repeatable), e.g. 'actors.*.batna'."),
    method: str = typer.Option("sobol", "--method", help="sobol, morris, or oat (tornado and "
                               "break-even only)."),
    samples: int = typer.Option(512, "--samples", help="Sobol': base sample size (a power of "
                                "two ≥ 64); Morris: trajectories (≥ 4)."),
    seed: int = typer.Option(2024, "--seed", help="Seed of the design and the bootstrap."),
    executor: str = executor_option("the model evaluations", default="local"),
    top: int = typer.Option(8, "--top", help="Break-even values for this many inputs per "
                            "verdict, by swing."),
    json_out: Path | None = JSON,
    html_out: Path | None = HTML,
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
) -> None:
    """Which assumption decides the verdict: Sobol'/Morris indices, tornado, break-even values."""
    from detente.scenario import load as _load_any
    from detente.sensitivity import open_executor
    from detente.sensitivity import sensitivity as run

    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    scenario = _load_any(case)
    with open_executor(executor) as ex, Steps(quiet) as steps:
        result = run(scenario, targets=list(target or []), inputs=list(inputs or []),
                     method=method, samples=samples, seed=seed, executor=ex, top=top,
                     source=case, progress=steps.update)
    show(result)

    def html() -> str:
        from detente.report.sensitivity import render

        return render(result)

    write_outputs(result, json_out=json_out, csv_dir=csv_dir, tables=_tables(result),
                  html_out=html_out, html=html, quiet=quiet)


def _tables(r: SensitivityAnalysis) -> dict[str, list[dict[str, object]]]:
    """One CSV per table: the targets, the inputs, and per method the indices, tornado and
    break-even rows of every target (a ``target`` column first)."""
    data = r.model_dump(mode="json")
    out: dict[str, list[dict[str, object]]] = {
        "targets": [{k: v for k, v in t.items() if not isinstance(v, list)}
                    for t in data["targets"]],
        "inputs": data["inputs"]}
    for part in ("sobol", "groups", "morris", "tornado", "break_even"):
        rows = [{"target": t["name"], **row} for t in data["targets"] for row in t[part]]
        if rows:
            out[part] = rows
    return out


def show(r: SensitivityAnalysis, rows: int = 5) -> None:
    """Print, per target, the deciding inputs and the break-even values."""
    console.print(f"[bold]{esc(r.title)}[/] — {len(r.inputs)} uncertain inputs, method "
                  f"{r.method}, {r.evaluations:,} model evaluations")
    t = Table(title="What decides it")
    for col in ("target", "at likely", "top inputs", "flips at (within range)"):
        t.add_column(col)
    for tg in r.targets:
        if r.method == "sobol":
            top = [f"{s.input} S_T={nz(s.total, 2):.2f} [{nz(s.total_low, 2):.2f}, "
                   f"{nz(s.total_high, 2):.2f}]"
                   for s in tg.sobol[:rows] if s.total > 0.01]
        elif r.method == "morris":
            top = [f"{m.input} μ*={m.mu_star:.3g}" for m in tg.morris[:rows] if m.mu_star > 0]
        else:
            top = [f"{s.input} swing {nz(s.swing, 3):.3f}" for s in tg.tornado[:rows]]
        flips = [f"{b.input} = {nz(b.value, 3):.3f} (holds {b.holds})" for b in tg.break_even
                 if b.within_range]
        t.add_row(esc(tg.name), f"{nz(tg.base, 3):+.3f}", esc("\n".join(top) or "–"),
                  esc("\n".join(flips) or ("none" if tg.verdict else "")))
    console.print(t)
