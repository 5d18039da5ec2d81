"""Command ``detente import genius DIR -o case.yaml``: a GENIUS/ANAC domain as a scenario."""

from __future__ import annotations

from pathlib import Path

import typer

from detente.cli.common import JSON, check_outputs, console, esc, write_outputs, write_text
from detente.records.output import storable

import_app = typer.Typer(name="import", help="Import negotiation domains from other tools.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``import`` command group to ``app``."""
    app.add_typer(import_app, name="import")


@import_app.command("genius")
def genius(
    directory: Path = typer.Argument(..., help="GENIUS domain folder: one domain XML and one "
                                     "profile XML per party."),
    out: Path = typer.Option(..., "-o", "--out", help="Scenario YAML file to write."),
    profile: list[str] = typer.Option([], "--profile", "-p", help="Profile file (name or stem) "
                                      "to include; repeat for each party (default: all)."),
    date: str | None = typer.Option(None, "--date", help="Scenario date YYYY-MM-DD "
                                    "(default: today)."),
    json_out: Path | None = JSON,
) -> None:
    """Write a GENIUS domain as a scenario that `detente check` and `detente analyze` accept."""
    import yaml

    from detente.errors import ScenarioError
    from detente.formats.genius import load_domain, to_scenario
    from detente.records import inputs_hash, make_provenance
    from detente.scenario.model import Scenario

    check_outputs(files={"--out": out, "--json": json_out},  # not onto a domain or profile
                  inputs=sorted(directory.glob("*.xml")) if directory.is_dir() else ())
    domain = load_domain(directory, profiles=profile or None)
    data = storable(to_scenario(domain, date=date))  # a file name's non-UTF-8 byte: U+FFFD
    try:
        Scenario.model_validate(data)
    except ValueError as exc:
        raise ScenarioError.one(f"imported scenario does not validate: {exc}",
                                file=str(directory)) from None
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_text(out, text)
    console.print(f"wrote {esc(out)}: {len(domain.profiles)} parties, {len(domain.issues)} issues, "
                  f"{domain.n_outcomes:,} outcomes")
    for note in domain.notes:
        console.print(f"[yellow]warning[/] {esc(note)}")
    if any(abs(p.weight_sum - 1.0) > 1e-9 for p in domain.profiles if p.additive):
        console.print("note: the scenario normalises saliences over the issues and does not cap "
                      "at 1; `detente analyze DIR` scores the folder as GENIUS does")
    options = {"profiles": list(profile), "date": date}
    write_outputs({"provenance": make_provenance("import.genius", [str(directory)],
                                                 inputs_hash(text), options, None
                                                 ).model_dump(mode="json"),
                   "scenario": str(out), "parties": len(domain.profiles),
                   "issues": len(domain.issues), "outcomes": domain.n_outcomes,
                   "notes": list(domain.notes)}, json_out=json_out)
