"""Commands of the signals tracker: ``signals import``, ``signals list``,
``signals credibility``, ``signals evaluate``."""

from __future__ import annotations

import datetime as dt
import re
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
    err_console,
    esc,
    write_outputs,
)
from detente.errors import DetenteError, Problem
from detente.limits import REAL_OPTION, iso_date
from detente.records.output import fixed, nz

if TYPE_CHECKING:  # pragma: no cover
    from detente.signals.evaluate import EvaluationRecord
    from detente.signals.record import CredibilityRecord

signals_app = typer.Typer(
    name="signals", no_args_is_help=True,
    help="Signals of openness to talks: import event data, list events, credibility over time.")

_CODE = re.compile(r"^[A-Z]{3}$")


def register(app: typer.Typer) -> None:
    """Add the ``signals`` command group to ``app``."""
    app.add_typer(signals_app, name="signals")


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return iso_date(value)
    except ValueError:
        raise DetenteError([Problem("not a date", path=flag, value=value,
                                    allowed="YYYY-MM-DD")]) from None


def _iso(value: str | None, flag: str) -> str | None:
    d = _date(value, flag)
    return d.isoformat() if d else None


def _country(value: str, flag: str) -> str:
    code = value.strip().upper()
    if not _CODE.match(code):
        raise DetenteError([Problem("not a CAMEO country code", path=flag, value=value,
                                    allowed="three letters, e.g. RUS, UKR, USA")])
    return code


_PREFIX = re.compile(r"^[A-Za-z0-9]{1,16}$")


def _codes(values: list[str]) -> tuple[str, ...]:
    """Event-code prefixes: letters and digits only (a ``%`` or ``_`` would be an SQL
    wildcard, and a 100,000-character prefix made SQLite refuse the pattern)."""
    for value in values:
        if not _PREFIX.match(value.strip()):
            raise DetenteError([Problem("not an event-code prefix", path="--code",
                                        value=value if len(value) <= 40 else value[:40] + "…",
                                        allowed="1 to 16 letters or digits, e.g. 19 or 0871")])
    return tuple(v.strip() for v in values)


def _dyad(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    parts = value.split("-")
    if len(parts) != 2:
        raise DetenteError([Problem("a dyad is two country codes joined by '-'", path="--dyad",
                                    value=value, allowed="e.g. RUS-UKR")])
    return _country(parts[0], "--dyad"), _country(parts[1], "--dyad")


def _store_path(store: Path | None, where: str = "--store") -> Path:
    """The store of ``--store`` (read as the setting is: ``'~/x'`` in quotes is the home
    folder, not a folder ``~`` here), else the default store."""
    from detente.signals.store import default_store_path, store_path

    return store_path(str(store), where) if store is not None else default_store_path()


STORE = typer.Option(None, "--store", help="Event store (SQLite); default $DETENTE_STORE or "
                     "~/.local/share/detente/events.sqlite.")
FROM = typer.Option(None, "--from", help="First date, YYYY-MM-DD (inclusive).")
TO = typer.Option(None, "--to", help="Last date, YYYY-MM-DD (inclusive).")


@signals_app.command("import")
def import_cmd(
    files: list[Path] = typer.Argument(..., help="GDELT 1.0/2.0 (events, mentions), ICEWS or "
                                       "POLECAT files, plain or zipped."),
    store: Path | None = STORE,
    dyad: str | None = typer.Option(None, "--dyad", help="Keep events between two countries "
                                    "(either direction), e.g. RUS-UKR."),
    actor: list[str] = typer.Option([], "--actor", help="Keep events with this country or "
                                    "actor code on either side (repeatable)."),
    code: list[str] = typer.Option([], "--code", help="Keep event codes with this prefix, "
                                   "e.g. 19 or 0871 (repeatable)."),
    date_from: str | None = FROM,
    date_to: str | None = TO,
    fmt: str | None = typer.Option(None, "--format", help="Force the format: gdelt1, gdelt2, "
                                   "gdelt2-mentions, icews, polecat."),
    batch_size: int = typer.Option(50_000, "--batch-size", help="Rows per committed batch."),
    json_out: Path | None = JSON,
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
) -> None:
    """Import event files into the store; the same file twice adds nothing. Exits 2 only when
    nothing usable was read."""
    from detente.limits import MAX_BATCH_ROWS, check_range
    from detente.signals.importers import ImportFilter
    from detente.signals.listing import import_files

    check_outputs(files={"--json": json_out}, folders={"--csv": csv_dir})
    check_range(batch_size, 1, MAX_BATCH_ROWS, "--batch-size")
    filt = ImportFilter(dyad=_dyad(dyad), actors=tuple(a.strip() for a in actor),
                        codes=_codes(code), date_from=_date(date_from, "--from"),
                        date_to=_date(date_to, "--to"))
    path = _store_path(store)
    with Steps(quiet) as steps:
        record = import_files(files, path, filt=filt, fmt=fmt, batch_size=batch_size,
                              progress=steps.update)
    t = Table(title=f"Import into {esc(path)}")
    for col in ("source", "format", "lines", "matched", "added", "problems"):
        t.add_column(col, justify="right" if col in ("lines", "matched", "added") else "left")
    for s in record.sources:
        probs = ", ".join(f"{k}: {v}" for k, v in s["problems"].items()) or "-"
        t.add_row(esc(s["source"]), s["format"] or "-", f"{s['lines']:,}",
                  f"{s['matched']:,}", f"{s['added']:,}",
                  "unreadable (see below)" if s["error"] else esc(probs))
    console.print(t)
    for s in record.sources:
        if s["error"]:
            err_console.print(esc(s["error"]), highlight=False)
        for line, kind, detail in s["examples"]:
            err_console.print(esc(f"{s['source']}:{line}: {kind}: {detail}"), highlight=False)
        more = sum(s["problems"].values()) - len(s["examples"])
        if more > 0:
            err_console.print(esc(f"{s['source']}: … and {more} more problem lines "
                                     "(all are listed in the store's problems table)"))
    write_outputs(record, json_out=json_out, csv_dir=csv_dir)
    record.require_usable()


@signals_app.command("list")
def list_cmd(
    store: Path | None = STORE,
    actor: list[str] = typer.Option([], "--actor", help="Country or actor code (repeatable)."),
    dyad: str | None = typer.Option(None, "--dyad", help="e.g. RUS-UKR"),
    code: list[str] = typer.Option([], "--code", help="Event code prefix (repeatable)."),
    date_from: str | None = FROM,
    date_to: str | None = TO,
    limit: int = typer.Option(50, "--limit", help="Rows to show."),
    case: str | None = typer.Option(None, "--case", help="Also list analyst signals: bundled "
                                    "name (ru-ua) or a signals YAML file."),
    json_out: Path | None = JSON,
    csv_dir: Path | None = CSV,
) -> None:
    """List stored events (and analyst signals) with their ladder indicator and provenance."""
    from detente.signals.listing import list_events

    check_outputs(files={"--json": json_out}, folders={"--csv": csv_dir})
    path = _store_path(store)
    if not path.exists() and not case:
        raise DetenteError.one("no event store here: run 'detente signals import' first, or "
                               "list analyst signals with --case ru-ua", file=str(path))
    rec = list_events(path if path.exists() or store is not None else None,
                      actors=tuple(actor), dyad=_dyad(dyad), codes=_codes(code),
                      date_from=_iso(date_from, "--from"), date_to=_iso(date_to, "--to"),
                      limit=limit, case=case)
    if rec.store is not None:
        t = Table(title=f"{len(rec.events)} event(s) shown of {rec.total:,} in {esc(path)}")
        for col in ("date", "actor1", "actor2", "code", "label", "indicator", "where"):
            t.add_column(col)
        for e in rec.events:
            t.add_row(esc(e["date"]), esc(f"{e['actor1'] or ''} ({e['actor1_country'] or '-'})"),
                      esc(f"{e['actor2'] or ''} ({e['actor2_country'] or '-'})"),
                      esc(e["code"] or ""), esc(e["label"]), e["indicator"] or "-",
                      esc(f"{e['source_file']}:{e['line']}"))
        console.print(t)
    if case:
        t = Table(title=f"Analyst signals in {esc(rec.provenance.inputs[-1])}")
        for col in ("date", "actor", "target", "indicator", "evidence"):
            t.add_column(col)
        for sg in rec.signals:
            t.add_row(sg["date"], esc(sg["actor"]), esc(sg["target"] or "-"), sg["indicator"],
                      esc(f"“{sg['quote']}” ({sg['source']})"))
        console.print(t)
    write_outputs(rec, json_out=json_out, csv_dir=csv_dir)


def _lrs(values: list[str]) -> dict[str, float]:
    out = {}
    for v in values:
        name, _, num = v.partition("=")
        try:
            x = float(num) if REAL_OPTION.fullmatch(num.strip()) else float("nan")
        except ValueError:
            x = float("nan")
        if not 0 < x < float("inf"):
            raise DetenteError([Problem("expected indicator=number with a finite number > 0",
                                        path="--lr", value=v,
                                        allowed="e.g. neutral-contact=2.0 (the number in "
                                        "decimal digits: no '_', no other scripts' digits)")]
                                ) from None
        out[name.strip()] = x
    return out


@signals_app.command("credibility")
def credibility_cmd(
    actor: str = typer.Option(..., "--actor", help="Country code of the actor, e.g. RUS."),
    against: str | None = typer.Option(None, "--against", help="Only signals toward this "
                                       "country (the other side of the dyad)."),
    store: Path | None = STORE,
    no_store: bool = typer.Option(False, "--no-store", help="Use analyst signals only."),
    case: str = typer.Option("ru-ua", "--case", help="Analyst signals: bundled name, a YAML "
                             "file, or 'none'."),
    date_from: str | None = FROM,
    date_to: str | None = TO,
    half_life: float = typer.Option(90.0, "--half-life", help="Days for evidence to lose half "
                                    "its weight."),
    window: int = typer.Option(3, "--window", help="Days after a declared ceasefire or "
                               "de-escalation in which force counts as reneging."),
    lr: list[str] = typer.Option([], "--lr", help="Override a likelihood ratio, "
                                 "indicator=value (repeatable)."),
    draws: int = typer.Option(2000, "--draws", help="Monte Carlo draws for the interval."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same interval)."),
    lr_from: Path | None = typer.Option(None, "--lr-from", help="Estimate the actor's "
                                        "likelihood ratios from this commitments CSV and the "
                                        "store's events (instead of the assumed defaults)."),
    json_out: Path | None = JSON,
    html_out: Path | None = HTML,
    csv_dir: Path | None = CSV,
) -> None:
    """Posterior probability that the actor's signals are sincere, dated, with an interval and
    the events that moved it."""
    from detente.signals.credibility import CredibilityOptions
    from detente.signals.record import credibility_record

    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    code = _country(actor, "--actor")
    other = _country(against, "--against") if against else None
    opts = CredibilityOptions(half_life_days=half_life, renege_window_days=window,
                              draws=draws, likelihood_ratios=_lrs(lr))
    path = _store_path(store)
    if store is not None and not path.exists():
        raise DetenteError.one("no event store here", file=str(path))
    use_store = not no_store and path.exists()
    record = credibility_record(code, case=case, store=path if use_store else None,
                                against=other, date_from=_date(date_from, "--from"),
                                date_to=_date(date_to, "--to"), options=opts, seed=seed,
                                lr_from=lr_from)
    _print(record)

    def html() -> str:
        from detente.report.signals import render_credibility

        return render_credibility(record)

    write_outputs(record, json_out=json_out, csv_dir=csv_dir, html_out=html_out, html=html)


def _print(record: CredibilityRecord) -> None:
    prior = record.prior
    console.print(f"[bold]{esc(record.actor)}[/]: prior P(sincere) {nz(prior['mean'], 3):.3f} "
                  f"({prior['kept']} kept / {prior['broken']} broken agreements)")
    mass = round(100 * record.interval_mass)
    t = Table(title=f"Posterior P(sincere) with {mass}% interval")
    for col in ("date", "before", "after", "interval", "what moved it"):
        t.add_column(col)
    series = {s["date"]: s for s in record.series}
    for m in record.moves:
        s = series[m["date"]]
        what = "; ".join(f"{i['indicator']} {nz(i['log_odds'], 2):+.2f} ({len(i['sources'])} src)"
                         for i in m["items"])
        t.add_row(m["date"], f"{nz(m['before'], 3):.3f}", f"{nz(m['after'], 3):.3f}",
                  f"{nz(s['lo'], 3):.3f}–{nz(s['hi'], 3):.3f}", esc(what))
    console.print(t)
    if not record.moves:
        err_console.print(f"warning: no signals of {esc(record.actor)} in the store or the case "
                          "for these dates: the posterior is the prior (check --actor, "
                          "--from/--to and the import filters)", soft_wrap=True)
    last = record.series[-1] if record.series else None
    if last:
        console.print(f"On {last['date']}: P(sincere) = {nz(last['p'], 3):.3f} "
                      f"[{nz(last['lo'], 3):.3f}, {nz(last['hi'], 3):.3f}]")
    for f in record.factions:
        fin = f["final"]
        console.print(f"With faction {f['faction']}: P(sincere, unconstrained) "
                      f"{nz(fin['sincere'], 3):.3f}, P(sincere but constrained) "
                      f"{nz(fin['constrained'], 3):.3f}"
                      f", P(insincere) {nz(fin['insincere'], 3):.3f}")


@signals_app.command("evaluate")
def evaluate_cmd(
    commitments: str = typer.Argument(..., help="Commitments CSV (id, announced_by, "
                                      "counterpart, kind, announced, start, end, location, "
                                      "outcome, source), or 'dev' for the bundled set."),
    events: Path | None = typer.Option(None, "--events", help="Event store (SQLite) for the "
                                       "signals and force features."),
    agreements: str | None = typer.Option(
        None, "--compliance-prior", help="Use compliance priors per side and kind from "
        "agreement data (UCDP PAD, PA-X): a directory, or 'default'."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap intervals."),
    resamples: int = typer.Option(2000, "--resamples", help="Bootstrap resamples."),
    json_out: Path | None = JSON,
    html_out: Path | None = HTML,
    csv_dir: Path | None = CSV,
    quiet: bool = QUIET,
) -> None:
    """Score P(kept) at announcement with rolling origin against two baselines (constant
    base rate; running base rate per side): Brier, log-loss, AUC, reliability."""
    from detente.signals.evaluate import evaluate_commitments

    check_outputs(files={"--json": json_out, "--html": html_out}, folders={"--csv": csv_dir})
    with Steps(quiet) as steps:
        record = evaluate_commitments(commitments, events=None if events is None else
                                      _store_path(events, "--events"),
                                      compliance_prior=agreements,
                                      seed=seed, resamples=resamples, progress=steps.update)
    _print_evaluation(record)

    def html() -> str:
        from detente.report.signals_evaluation import render_evaluation

        return render_evaluation(record)

    write_outputs(record, json_out=json_out, csv_dir=csv_dir, html_out=html_out, html=html,
                  quiet=quiet)


def _print_evaluation(record: EvaluationRecord) -> None:
    unk = record.unknown
    console.print(f"{record.n} commitments: {record.scored} scored ({record.kept} kept, "
                  f"{record.broken} broken), {unk['n']} unknown (not scored)")
    sc = record.scores
    if not sc:
        err_console.print("warning: fewer than two scored commitments: nothing to score")
        return
    t = Table(title=f"Rolling-origin scores, {round(100 * sc['level'])}% bootstrap intervals")
    for col in ("forecast", "Brier", "log-loss", "AUC"):
        t.add_column(col)

    def cell(s: dict) -> str:
        low, high = s["interval"]
        return f"{fixed(s['value'], 3)} [{fixed(low, 3)}, {fixed(high, 3)}]"

    for name, s in sc["models"].items():
        t.add_row(record.labels[name], cell(s["brier"]), cell(s["log_loss"]), cell(s["auc"]))
    for name, s in sc["differences"]["minus"].items():
        t.add_row(f"M - {record.labels[name]}", cell(s["brier"]), cell(s["log_loss"]),
                  cell(s["auc"]))
    console.print(t)
    for name, ok in (record.targets or {}).items():
        console.print(f"{'met' if ok else 'NOT met'}: {name.replace('_', ' ')}")
