"""Command of the sensitivity analysis: ``sensitivity`` (which input decides each verdict)."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from detente.cli.common import console
from detente.errors import DetenteError
from detente.sensitivity.result import SensitivityAnalysis

MAX_SAMPLES = 1 << 16


def register(app: typer.Typer) -> None:
    """Add the sensitivity command to ``app``."""
    app.command("sensitivity")(sensitivity)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


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
    executor: str = typer.Option("serial", "--executor", help="serial, local[:N] (process "
                                 "pool), dask-local:N, or a Dask scheduler address "
                                 "(tcp://host:8786)."),
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
        _write_atomic(json_out, result.model_dump_json(indent=2) + "\n")
        console.print(f"JSON record: {escape(str(json_out))}")
    if html_out and html is not None:
        _write_atomic(html_out, html)
        console.print(f"HTML report: {escape(str(html_out))}")


def show(r: SensitivityAnalysis, rows: int = 5) -> None:
    """Print, per target, the deciding inputs and the break-even values."""
    console.print(f"[bold]{escape(r.title)}[/] — {len(r.inputs)} uncertain inputs, method "
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
        t.add_row(escape(tg.name), f"{tg.base:+.3f}", escape("\n".join(top) or "–"),
                  escape("\n".join(flips) or ("none" if tg.verdict else "")))
    console.print(t)
