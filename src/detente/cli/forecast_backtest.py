"""``detente backtest``: the command's body, in a module that imports no Typer, so that the
direct path of :mod:`detente.cli.direct` runs ``backtest FILE`` without loading the
command-line parser (issue 19, start-up); Typer's ``backtest``
(:func:`detente.cli.forecast.backtest`) calls the same function. Also the ``--eum`` and
``--voting-rule`` pairs, which ``forecast`` reads too."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from detente.cli.common import Steps, check_outputs, console, err_console, esc, write_outputs
from detente.errors import DetenteError
from detente.records.output import nz

if TYPE_CHECKING:
    from concurrent.futures import Executor


def eum_options(rounds: int | None, pairs: list[str]):
    """``EUMOptions`` from ``--rounds`` and repeated ``--eum KEY=VALUE``."""
    from dataclasses import fields

    from detente.forecasts.eum import EUMOptions

    known = {f.name: f for f in fields(EUMOptions)}
    kwargs: dict[str, object] = {} if rounds is None else {"rounds": rounds}
    for item in pairs:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in known:
            raise DetenteError.one("--eum takes KEY=VALUE with a known option", path="--eum",
                                   value=item, allowed=", ".join(known))
        default = getattr(EUMOptions(), key)
        try:
            kwargs[key] = type(default)(value.strip())
        except ValueError:
            raise DetenteError.one(f"EUM option {key} needs a {type(default).__name__}",
                                   path=f"--eum {key}", value=value) from None
    return EUMOptions(**kwargs)  # type: ignore[arg-type]


def voting_map(pairs: list[str]) -> dict[str, str]:
    """``--voting-rule CODE=RULE`` pairs as a dict (checked by the backtest)."""
    out = {}
    for item in pairs:
        code, sep, rule = item.partition("=")
        if not sep or not code.strip():
            raise DetenteError.one("--voting-rule takes CODE=RULE", path="--voting-rule",
                                   value=item, allowed="e.g. 'QMV(10)=qmv', 'U=unanimity'")
        out[code.strip()] = rule.strip()
    return out


def backtest_command(deu_file: Path, model: list[str], fit_on: Path | None, capability: str,
                     bootstrap: int, seed: int, min_positions: int, split: str,
                     voting_rule: list[str], eum: list[str], executor: str,
                     json_out: Path | None, html_out: Path | None, csv_dir: Path | None,
                     quiet: bool) -> None:
    """``detente backtest`` with its options' values: score every model on resolved EU
    decisions (MAE, CRPS and interval coverage on 0–100), print, write the outputs."""
    from detente.cli.heap import keep_freed_memory
    from detente.forecasts.backtest import backtest_run

    keep_freed_memory()
    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    with _backtest_executor(executor) as ex, Steps(quiet) as steps:
        run = backtest_run(deu_file, models=model, fit_on=fit_on, capability=capability,
                           bootstrap=bootstrap, seed=seed, min_positions=min_positions,
                           split=split, voting_map=voting_map(voting_rule),
                           eum=eum_options(None, eum), progress=steps.update, executor=ex)
    if fit_on is not None and _same_data(deu_file, fit_on):
        # this says it for every proposal: the list of shared ids that follows is dropped
        run.warnings[:] = [w for w in run.warnings if "proposal(s) with the scoring "
                           "file" not in w]
        run.warnings.insert(0, f"--fit-on {fit_on} holds the same data as the scored file "
                            f"{deu_file}: the scores are in sample (the models were fitted "
                            "on the decisions they are scored on), not a confirmatory "
                            "out-of-sample result; for one, fit on another DEU file, or use "
                            "--split cv")
    for w in run.warnings:
        err_console.print(f"[yellow]warning:[/] {esc(w)}")
    _print_backtest(run.result, deu_file, fit_on, capability, split, bootstrap, seed)
    if json_out is None and csv_dir is None and html_out is None:
        return          # the typed record (and pydantic, ~0.05 s) only for an output file
    from detente.forecasts.records import backtest_record

    record = backtest_record(run)

    def html() -> str:
        from detente.report.backtest import backtest_report

        return backtest_report(record, f"detente backtest {deu_file}")

    write_outputs(record, json_out=json_out, csv_dir=csv_dir, html_out=html_out, html=html,
                  run={"seconds": record.seconds}, quiet=quiet)


def _same_data(a: Path, b: Path) -> bool:
    """Whether two files (both already read) are one file or hold the same bytes."""
    try:
        return os.path.samefile(a, b) or (a.stat().st_size == b.stat().st_size
                                          and a.read_bytes() == b.read_bytes())
    except OSError:
        return False


@contextmanager
def _backtest_executor(spec: str) -> Iterator[Executor | None]:
    """``None`` for ``serial`` (the models run one after another in this process, no pool),
    else the executor of :func:`detente.parallel.open_executor`."""
    from detente.parallel import check_spec, open_executor

    if check_spec(spec) == "serial":
        yield None
        return
    with open_executor(spec) as ex:
        yield ex


def _print_backtest(result, deu_file: Path, fit_on: Path | None, capability: str, split: str,
                    bootstrap: int, seed: int) -> None:
    names = result.models
    fitted = f", fitted on {esc(fit_on.name)}" if fit_on else ""
    tab = Table(title=f"Mean absolute error on 0–100 ({esc(deu_file.name)}{fitted}, capability: "
                      f"{esc(capability)}, issues: {esc(split)})")
    tab.add_column("issues")
    tab.add_column("n", justify="right")
    for n in names:
        tab.add_column(n, justify="right")
    for label, row in result.breakdown().items():
        tab.add_row(esc(label), str(row["n"]), *(f"{nz(row['mae'][n], 2):.2f}" for n in names))
    console.print(tab)
    scores = result.scores()
    tab = Table(title="Predictive distributions (forecast + residuals of the fit): CRPS and "
                      "coverage of the central 50 % and 80 % intervals")
    for col in ("model", "MAE", "CRPS", "50 % covers", "80 % covers"):
        tab.add_column(col, justify="left" if col == "model" else "right")
    for n in names:
        s = scores[n]
        tab.add_row(n, f"{nz(s['mae'], 2):.2f}", f"{nz(s['crps'], 2):.2f}",
                    f"{nz(100 * s['coverage50'], 1):.1f} %",
                    f"{nz(100 * s['coverage80'], 1):.1f} %")
    console.print(tab)
    if result.bootstrap:
        level = round(100 * result.options["level"])
        tab = Table(title=f"MAE minus the compromise model's, {level} % paired bootstrap "
                          f"interval ({bootstrap} draws over proposals, seed {seed})")
        for col in ("model", "difference", "lower", "upper"):
            tab.add_column(col, justify="left" if col == "model" else "right")
        for n in names:
            b = result.bootstrap[n]
            tab.add_row(n, f"{nz(b['mae_difference'], 2):+.2f}", f"{nz(b['lower'], 2):+.2f}",
                        f"{nz(b['upper'], 2):+.2f}")
        console.print(tab)
    if "cv" in result.options:
        cv = result.options["cv"]
        console.print(f"[dim]out-of-fold ({cv['folds']} folds by proposal, refitted in each): "
                      f"{', '.join(cv['out_of_fold']) or 'none'}; other models as they are; "
                      "intervals from the training folds' residuals[/]")
    elif fit_on is None:
        console.print("[dim]in sample: intervals from the scored issues' own residuals[/]")
    console.print("[dim]seconds: " + ", ".join(f"{k} {nz(v, 2):.2f}" for k, v in
                                                 result.seconds.items()) + "[/]")
