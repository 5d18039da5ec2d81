"""Commands over the peace-agreement data (PA-X v9, UCDP PAD v22.1): ``agreements rates``,
``renewal``, ``guarantees``, ``prior``, ``crosswalk``, ``check``. Each parses, calls
:func:`detente.agreements.record.query` once and prints the record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from detente.cli.common import (
    CSV,
    Steps,
    check_outputs,
    console,
    err_console,
    esc,
    record_tables,
    write_outputs,
)
from detente.cli.common import esc as escape  # shows invisible characters (detente.invisible)
from detente.records.output import fixed, nz

agreements_app = typer.Typer(
    name="agreements", no_args_is_help=True,
    help="Peace agreements as data (PA-X, UCDP PAD): base rates by provision, stage and "
         "conflict type; renewed war; guarantee effect; compliance priors.")

DATA = typer.Option(None, "--data", help="Directory with the PA-X v9 and UCDP PAD CSV files; "
                    "default $DETENTE_AGREEMENTS or ../shared/data/agreements.")
JSON = typer.Option(None, "--json", help="Write the JSON record (with provenance) here.")
LEVEL = typer.Option(0.95, "--level", help="Interval coverage, in (0, 1).")
HORIZON = typer.Option(2.0, "--horizon", help="Years after signing within which an ending "
                       "counts as renewed war.")


def register(app: typer.Typer) -> None:
    """Add the ``agreements`` command group to ``app``."""
    app.add_typer(agreements_app, name="agreements")


def _run(name: str, data: Path | None, json_out: Path | None, csv_dir: Path | None,
         **options: Any) -> Any:
    from detente.agreements.record import query

    check_outputs(files={"--json": json_out}, folders={"--csv": csv_dir},  # not onto the data
                  inputs=sorted(data.glob("*.csv")) if data is not None and data.is_dir() else ())
    with Steps() as steps:
        steps.stage(f"agreements {name}")
        record = query(name, data, **options)
    for check in record.data:
        if check.problems:
            more = ("; first:" if name == "check" else
                    " (listed by 'detente agreements check' and in the JSON record)")
            err_console.print(escape(f"{check.source}: {check.problems} problem row(s) of "
                                     f"{check.rows_read} reported{more}"), highlight=False)
            for p in check.first_problems if name == "check" else []:
                err_console.print("  " + escape(p), highlight=False)
    result = record.result
    tables = ({name: result} if isinstance(result, list) else record_tables(result)
              if isinstance(result, dict) else {})
    tables["data"] = [c.model_dump(mode="json") for c in record.data]
    write_outputs(record, json_out=json_out, csv_dir=csv_dir, tables=tables)
    return record


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{nz(100 * x, 1):5.1f} %"


def _rate_table(title: str, rows: list[dict[str, Any]], what: str) -> Table:
    t = Table(title=title)
    for col in ("group", what, "of", "rate", "interval"):
        t.add_column(col, justify="left" if col == "group" else "right")
    for r in rows:
        t.add_row(escape(r["group"]), str(r["k"]), str(r["n"]), _pct(r["rate"]),
                  f"[{_pct(r['low'])}, {_pct(r['high'])}]")
    return t


@agreements_app.command("rates")
def rates_cmd(
    issue: str = typer.Argument(..., help="neutrality, guarantees, territory, ceasefire, "
                                "sanctions, amnesty_prisoners, accountability, army_limits, "
                                "language"),
    by: str | None = typer.Option(None, "--by", help="stage, conflict_type or "
                                  "agreement_type."),
    min_level: int = typer.Option(1, "--min-level", help="PA-X level 1-3 that counts."),
    level: float = LEVEL,
    method: str = typer.Option("wilson", "--method", help="wilson or jeffreys."),
    data: Path | None = DATA, json_out: Path | None = JSON, csv_dir: Path | None = CSV,
) -> None:
    """Share of PA-X agreements that include ISSUE, by stage / conflict type."""
    rec = _run("rates", data, json_out, csv_dir, issue=issue, by=by, min_level=min_level,
               level=level, method=method)
    console.print(_rate_table(f"PA-X agreements with {issue}", rec.result, "with"))


def _print_renewal(res: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(res['rule'])}[/]; renewed war = ended within "
                  f"{res['horizon_years']:g} years (UCDP PAD), follow-up to "
                  f"{res['follow_up_end']}")
    console.print(_rate_table("with", res["with_issue"], "renewed"))
    console.print(_rate_table("without", res["without_issue"], "renewed"))
    t = Table(title="difference (with − without), Newcombe interval")
    for col in ("group", "difference", "interval"):
        t.add_column(col, justify="left" if col == "group" else "right")
    for d in res["difference"]:
        t.add_row(escape(d["group"]), _pct(d["difference"]),
                  f"[{_pct(d['low'])}, {_pct(d['high'])}]")
    console.print(t)
    o = res["outcomes"]
    console.print(f"outcomes: {o['renewed']} renewed, {o['held']} held, {o['censored']} "
                  f"censored, {o['unknown']} unknown (not scored)"
                  + (f"; {res['unlinked']} PAD agreements without a PA-X link"
                     if res["unlinked"] else ""))


@agreements_app.command("renewal")
def renewal_cmd(
    issue: str = typer.Argument(..., help="An issue of the crosswalk (see 'rates')."),
    source: str = typer.Option("pad", "--source", help="pad (PAD flags) or pax (PA-X codes "
                               "of agreements linked to PAD)."),
    by: str | None = typer.Option(None, "--by", help="incompatibility or pa_type (PAD); "
                                  "stage, conflict_type or agreement_type with --source pax."),
    horizon: float = HORIZON, level: float = LEVEL,
    data: Path | None = DATA, json_out: Path | None = JSON, csv_dir: Path | None = CSV,
) -> None:
    """How often were agreements with ISSUE followed by renewed war within the horizon?"""
    rec = _run("renewal", data, json_out, csv_dir, issue=issue, source=source, by=by,
               horizon_years=horizon, level=level)
    _print_renewal(rec.result)


@agreements_app.command("guarantees")
def guarantees_cmd(
    definition: str = typer.Option("pko", "--definition", help="pko (peacekeepers), "
                                   "third_party (a third party signed) or pax (PA-X codes)."),
    horizon: float = HORIZON, level: float = LEVEL,
    data: Path | None = DATA, json_out: Path | None = JSON, csv_dir: Path | None = CSV,
) -> None:
    """Renewed war after agreements with vs without third-party guarantees (war-model prior)."""
    rec = _run("guarantees", data, json_out, csv_dir, definition=definition,
               horizon_years=horizon, level=level)
    _print_renewal(rec.result)


@agreements_app.command("prior")
def prior_cmd(
    actor: str = typer.Argument(..., help="ISO alpha-3 code (RUS) or Gleditsch-Ward number."),
    kind: str = typer.Argument(..., help="ceasefire, truce, corridor, prisoner_exchange, "
                               "withdrawal, talks, other"),
    role: str = typer.Option("signatory", "--role", help="signatory or party."),
    strength: float | None = typer.Option(None, "--strength", help="Prior strength in "
                                          "agreements (default: estimated)."),
    horizon: float = HORIZON,
    data: Path | None = DATA, json_out: Path | None = JSON, csv_dir: Path | None = CSV,
) -> None:
    """Beta prior on P(kept) for ACTOR's commitments of KIND, pooled toward the base rate."""
    p = _run("prior", data, json_out, csv_dir, actor=actor, kind=kind, role=role,
             strength=strength, horizon_years=horizon).result
    console.print(f"[bold]{esc(p['actor'])} {esc(p['kind'])}[/]: "
                  f"Beta({nz(p['alpha'], 3):.3f}, {nz(p['beta'], 3):.3f}), mean "
                  f"{nz(p['mean'], 3):.3f}, "
                  f"{100 * p['level']:g} % interval "
                  f"[{nz(p['interval'][0], 3):.3f}, {nz(p['interval'][1], 3):.3f}]")
    console.print(f"actor: {p['kept']} kept, {p['broken']} broken ({p['excluded']['censored']} "
                  f"censored, {p['excluded']['unknown']} unknown); kind: {p['kind_kept']}/"
                  f"{p['kind_n']} → {nz(p['kind_rate'], 3):.3f}; all: "
                  f"{p['base_kept']}/{p['base_n']}"
                  f" → {nz(p['base_rate'], 3):.3f}; strength m = {nz(p['strength'], 2):.2f}")
    console.print(escape(f"kind rule: {p['kind_rule']}"), highlight=False)
    console.print(escape(f"strength: {p['strength_rule']}"), highlight=False)
    t = Table(title="agreements behind the prior (UCDP PAD)")
    for col in ("paid", "date", "role", "outcome", "line", "name"):
        t.add_column(col)
    for r in p["rows"]:
        t.add_row(str(r["paid"]), r["date"], r["role"], r["outcome"], str(r["line"]),
                  escape(r["name"][:70]))
    console.print(t)


@agreements_app.command("backtest")
def backtest_cmd(
    horizon: float = HORIZON,
    burn_in: int = typer.Option(20, "--burn-in", help="Known outcomes needed before the first "
                                "forecast."),
    strength: float | None = typer.Option(None, "--strength", help="Fix the prior strength m "
                                          "(sensitivity run; default: estimated per origin)."),
    resamples: int = typer.Option(2000, "--resamples", help="Cluster-bootstrap resamples."),
    seed: int = typer.Option(0, "--seed", help="Bootstrap seed."),
    level: float = LEVEL,
    data: Path | None = DATA, json_out: Path | None = JSON, csv_dir: Path | None = CSV,
) -> None:
    """Score the compliance prior by rolling origin on UCDP PAD
    (docs/agreements-evaluation.md): B0 base rate, B1 kind rate, M actor x kind prior."""
    b = _run("backtest", data, json_out, csv_dir, horizon_years=horizon, burn_in=burn_in,
             strength=strength, resamples=resamples, seed=seed, level=level).result
    console.print(f"{b['predicted']} agreements forecast from {b['first_predicted']} "
                  f"({b['clusters']} conflicts; held {nz(100 * b['held_share'], 1):.1f} %); "
                  f"strength {b['strength']} in [{nz(b['strength_range'][0], 2):.2f}, "
                  f"{nz(b['strength_range'][1], 2):.2f}]")
    t = Table(title=f"development scores ({b['resamples']} cluster-bootstrap resamples, "
                    f"seed {b['seed']})")
    for col in ("forecast", "Brier", "interval", "log-loss", "interval"):
        t.add_column(col, justify="left" if col == "forecast" else "right")
    for s in b["scores"] + b["differences"]:
        diff = "-" in s["name"]  # a difference of two scores carries its sign
        t.add_row(s["name"], f"{nz(s['brier'], 4):+.4f}" if diff else fixed(s["brier"], 4),
                  f"[{nz(s['brier_low'], 4):.4f}, {nz(s['brier_high'], 4):.4f}]",
                  f"{nz(s['log_loss'], 4):.4f}",
                  f"[{nz(s['log_loss_low'], 4):.4f}, {nz(s['log_loss_high'], 4):.4f}]")
    console.print(t)
    console.print(escape(b["verdict"]), highlight=False)


@agreements_app.command("crosswalk")
def crosswalk_cmd(data: Path | None = DATA, json_out: Path | None = JSON,
                  csv_dir: Path | None = CSV) -> None:
    """The documented crosswalk from detente's issues to PA-X codes and PAD flags."""
    res = _run("crosswalk", data, json_out, csv_dir).result
    t = Table(title="issue → PA-X v9 / UCDP PAD v22.1 (docs/agreements.md)")
    for col in ("issue", "fit", "PA-X", "PAD", "note"):
        t.add_column(col)
    for name, d in res["issues"].items():
        t.add_row(name, d["fit"], ", ".join(d["pax"]) or "-", ", ".join(d["pad"]) or "-",
                  escape(d["note"]))
    console.print(t)


@agreements_app.command("check")
def check_cmd(data: Path | None = DATA, json_out: Path | None = JSON,
              csv_dir: Path | None = CSV) -> None:
    """Read both files and report rows read, used and problem rows (with file and line). Exits
    2 when a file has no usable row."""
    rec = _run("check", data, json_out, csv_dir)
    t = Table(title="agreement data")
    for col in ("file", "rows read", "used", "problems", "sha256"):
        t.add_column(col, justify="left" if col in ("file", "sha256") else "right")
    for c in rec.data:
        t.add_row(escape(c.source), str(c.rows_read), str(c.rows_used), str(c.problems),
                  c.sha256[:12])
    console.print(t)
    empty = [c.source for c in rec.data if c.rows_used == 0]
    if empty:  # the table (and --json record) is written; the check fails, as `check` does
        from detente.errors import DetenteError, Problem

        raise DetenteError([Problem("no usable row: every query on this file would fail",
                                    file=f, allowed="the CSV with its rows") for f in empty])
