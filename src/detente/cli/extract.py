"""Command ``extract``: from articles to a draft scenario, every item quoted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from detente.cli.common import (
    CSV,
    QUIET,
    Steps,
    check_outputs,
    console,
    err_console,
    write_outputs,
    write_text,
)
from detente.cli.common import esc as escape  # shows invisible characters (detente.invisible)
from detente.errors import DetenteError
from detente.limits import iso_date
from detente.records.output import nz


def register(app: typer.Typer) -> None:
    """Add ``extract`` to ``app``."""
    app.command("extract")(extract)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return iso_date(text)
    except ValueError as exc:
        raise DetenteError.one("not a date", path="--date", value=text,
                               allowed="YYYY-MM-DD") from exc


def extract(
    files: list[Path] = typer.Argument(None, help="Article text files (UTF-8); a header of "
                                       "'Key: value' lines ended by '---' is metadata."),
    date: str | None = typer.Option(None, "--date", help="Anchor date (YYYY-MM-DD) for "
                                    "relative dates; default: each file's Date header."),
    case: str | None = typer.Option(None, "--case", help="Bundled case or scenario file: "
                                    "positions use its issue ids; -o adds to it."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the JSON record here."),
    draft_out: Path | None = typer.Option(None, "-o", "--output", help="Write a draft "
                                          "scenario YAML here (every value quoted)."),
    signals_out: Path | None = typer.Option(None, "--signals", help="Write the dated signals "
                                            "as analyst evidence YAML (detente signals)."),
    evaluate_dir: Path | None = typer.Option(None, "--evaluate", help="Score against gold "
                                             "annotations in this folder (NN.txt + NN.json)."),
    llm: bool = typer.Option(False, "--llm", help="Use the configured language model "
                             "(DETENTE_LLM_URL, DETENTE_LLM_MODEL, …) "
                             "(the same as --extractor llm)."),
    extractor_name: str = typer.Option("learned", "--extractor", help="Which extractor: "
                                       "learned (default: the shipped linear model over the "
                                       "rules' candidates), rules, or llm."),
    stance: str | None = typer.Option(None, "--stance", help="How the article's stance is "
                                      "found: model (default: the shipped stance model of "
                                      "protocol §13) or cues (weighted cue words)."),
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", min=1, help="Largest article "
                                  "read, in bytes."),
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
) -> None:
    """Draft a scenario from articles: actors, positions, proposals and signals, each quoted."""
    from detente.extract.draft import build_drafts
    from detente.extract.run import run_extract
    from detente.limits import MAX_FILE_BYTES, check_range

    check_outputs(files={"--json": json_out, "--output": draft_out, "--signals": signals_out},
                  folders={"--csv": csv_dir}, inputs=files or ())
    check_range(max_bytes, 1, MAX_FILE_BYTES["sources"], "--max-bytes")
    extractor = _extractor("llm" if llm else extractor_name, stance)
    if evaluate_dir is not None:
        _no_outputs_with_evaluate({"--json": json_out, "--output": draft_out,
                                   "--signals": signals_out, "--csv": csv_dir})
        _evaluate(evaluate_dir, extractor)
        return
    if not files:
        raise DetenteError.one("no article files given", path="FILES",
                               allowed="one or more text files, or --evaluate GOLD_DIR")
    anchor = _date(date)
    scenario = _case(case) if case is not None else None
    issues = None
    if scenario is not None:
        from detente.extract.vocabulary import scenario_issues

        issues = scenario_issues(scenario)
    with Steps(quiet) as steps:
        record = run_extract(files, extractor, date=anchor, issues=issues, case=case,
                             max_bytes=max_bytes, progress=lambda done, total: steps.update(
                                 "extracting", done, total))
    _print(record)
    write_outputs(record, json_out=json_out, csv_dir=csv_dir)
    if (draft_out is not None or signals_out is not None) and record.extracted_anything:
        _write_drafts(build_drafts(record, files, date=anchor, case=case, max_bytes=max_bytes,
                                   scenario=draft_out is not None,
                                   signals=signals_out is not None), draft_out, signals_out)
    if not record.extracted_anything:
        raise DetenteError.one("nothing was extracted from any file", path="FILES")


def _no_outputs_with_evaluate(outputs: dict[str, Path | None]) -> None:
    """``--evaluate`` prints scores only: an output asked for beside it was silently never
    written (exit 0)."""
    asked = [flag for flag, path in outputs.items() if path is not None]
    if asked:
        raise DetenteError.one(f"{', '.join(asked)} cannot be used with --evaluate (it prints "
                               "the scores and writes no file)", path=asked[0],
                               allowed="extract --evaluate GOLD_DIR [--extractor NAME]; or "
                               "extract FILES with --json, --csv, -o, --signals")


def _extractor(name: str, stance: str | None = None):  # type: ignore[no-untyped-def]
    from detente.extract.run import make_extractor

    return make_extractor(name, stance)


def _case(case: str):  # type: ignore[no-untyped-def]
    from detente.scenario import load

    return load(case)


def _print(record) -> None:  # type: ignore[no-untyped-def]
    for p in record.problems:
        msg = p.message if p.message.startswith(p.file) else f"{p.file}: {p.message}"
        err_console.print(f"[yellow]warning:[/] {escape(msg)}", highlight=False)
    table = Table(title="Extracted")
    for col in ("file", "actors", "positions", "proposals", "signals", "stance"):
        table.add_column(col)
    for a in record.articles:
        table.add_row(escape(Path(a.file).name), escape(" ".join(x.code for x in a.actors)),
                      str(len(a.positions)), str(len(a.proposals)), str(len(a.signals)),
                      a.stance)
        for w in a.warnings:
            err_console.print(f"[yellow]{escape(a.file)}:[/] {escape(w)}", highlight=False)
    console.print(table)


def _write_drafts(drafts, draft_out, signals_out) -> None:  # type: ignore[no-untyped-def]
    for n in drafts.notes:
        err_console.print(f"[yellow]note:[/] {escape(n)}", highlight=False)
    if draft_out is not None and drafts.scenario is not None:
        write_text(draft_out, drafts.scenario)
        console.print(f"draft scenario written to {escape(str(draft_out))} (check it with "
                      f"`detente check {escape(str(draft_out))} --sources <folder of the "
                      "articles>`)")
    if signals_out is not None and drafts.signals is not None:
        write_text(signals_out, drafts.signals)
        console.print(f"{drafts.n_signals} dated signals written to "
                      f"{escape(str(signals_out))}; {drafts.skipped} without a day date left out")


def _evaluate(folder: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.evaluate import evaluate, load_gold

    gold = load_gold(folder)
    result = evaluate(gold, lambda arts: extractor.extract_many(arts))
    method = getattr(extractor, "stance", None) or getattr(getattr(extractor, "rules", None),
                                                            "stance", None)
    name = f"{extractor.name} (stance: {method})" if method else extractor.name
    table = Table(title=f"{escape(name)} on {result.articles} articles of "
                  f"{escape(str(folder))} (95 % bootstrap intervals)")
    table.add_column("score")
    table.add_column("value", justify="right")
    table.add_column("interval", justify="right")
    for k, s in result.scores.items():
        if s.value is None:
            table.add_row(k, "n/a", "nothing to count")
        else:
            table.add_row(k, f"{nz(s.value, 3):.3f}", f"[{nz(s.low, 3):.3f}, {nz(s.high, 3):.3f}]")
    console.print(table)
