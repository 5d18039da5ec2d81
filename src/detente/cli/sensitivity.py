"""Command of the sensitivity analysis: ``sensitivity`` (which input decides each verdict)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from detente.cli.common import console, esc, write_json, write_text
from detente.errors import DetenteError
from detente.sensitivity.result import SensitivityAnalysis

MAX_SAMPLES = 1 << 16


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
    executor: str = typer.Option("local", "--executor", help="local[:N] (a pool of local "
                                 "processes, default one per core), serial, dask-local:N, or a "
                                 "Dask scheduler address (tcp://host:8786)."),
    top: int = typer.Option(8, "--top", help="Break-even values for this many inputs per "
                            "verdict, by swing."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the JSON record here."),
    html_out: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
) -> None:
    """Which assumption decides the verdict: Sobol'/Morris indices, tornado, break-even values."""
    from detente.scenario import load as _load_any
    from detente.sensitivity import open_executor
    from detente.sensitivity import sensitivity as run

    if not 1 <= samples <= MAX_SAMPLES:
        raise DetenteError.one(f"--samples must be between 1 and {MAX_SAMPLES:,}",
                               path="--samples", value=samples)
    if seed < 0:
        raise DetenteError.one("--seed must be ≥ 0", path="--seed", value=seed)
    if not 0 <= top <= 100:
        raise DetenteError.one("--top must be between 0 and 100", path="--top", value=top)
    scenario = _load_any(case)
    with open_executor(executor) as ex:
        result = run(scenario, targets=list(target or []), inputs=list(inputs or []),
                     method=method, samples=samples, seed=seed, executor=ex, top=top,
                     source=case)
    html = None
    if html_out:
        from detente.report.sensitivity import render

        html = render(result)
    show(result)
    if json_out:
        write_json(result, json_out)
        console.print(f"JSON record: {esc(json_out)}")
    if html_out and html is not None:
        write_text(html_out, html)
        console.print(f"HTML report: {esc(html_out)}")


def show(r: SensitivityAnalysis, rows: int = 5) -> None:
    """Print, per target, the deciding inputs and the break-even values."""
    console.print(f"[bold]{esc(r.title)}[/] — {len(r.inputs)} uncertain inputs, method "
                  f"{r.method}, {r.evaluations:,} model evaluations")
    t = Table(title="What decides it")
    for col in ("target", "at likely", "top inputs", "flips at (within range)"):
        t.add_column(col)
    for tg in r.targets:
        if r.method == "sobol":
            top = [f"{s.input} S_T={s.total:.2f} [{s.total_low:.2f}, {s.total_high:.2f}]"
                   for s in tg.sobol[:rows] if s.total > 0.01]
        elif r.method == "morris":
            top = [f"{m.input} μ*={m.mu_star:.3g}" for m in tg.morris[:rows] if m.mu_star > 0]
        else:
            top = [f"{s.input} swing {s.swing:.3f}" for s in tg.tornado[:rows]]
        flips = [f"{b.input} = {b.value:.3f} (holds {b.holds})" for b in tg.break_even
                 if b.within_range]
        t.add_row(esc(tg.name), f"{tg.base:+.3f}", esc("\n".join(top) or "–"),
                  esc("\n".join(flips) or ("none" if tg.verdict else "")))
    console.print(t)
