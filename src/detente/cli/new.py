"""Command ``new``: a commented scenario skeleton that passes ``detente check --strict``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer

from detente.cli.common import JSON, check_outputs, console, esc, write_outputs, write_text
from detente.errors import DetenteError


def register(app: typer.Typer) -> None:
    """Add ``new`` to ``app``."""
    app.command("new")(new)


def skeleton() -> str:
    """The skeleton's text (``detente/scenario/skeleton.yaml``)."""
    return resources.files("detente.scenario").joinpath("skeleton.yaml").read_text("utf-8")


def new(
    path: Path = typer.Argument(..., help="Where to write the new scenario (a .yaml file)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    json_out: Path | None = JSON,
) -> None:
    """Write a commented scenario skeleton to edit (it passes `detente check --strict`)."""
    from detente.records import inputs_hash, make_provenance

    check_outputs(files={"PATH": path, "--json": json_out})
    if path.suffix not in (".yaml", ".yml"):
        raise DetenteError.one("a scenario file ends in .yaml or .yml", file=str(path))
    if path.exists() and not force:
        raise DetenteError.one("file exists; nothing written", file=str(path),
                               allowed="another path, or --force to overwrite")
    text = skeleton()
    write_text(path, text)
    console.print(f"scenario skeleton written to {esc(path)}; next: detente check "
                  f"{esc(path)} --strict")
    options = {"force": force}
    write_outputs({"provenance": make_provenance("new", [str(path)], inputs_hash(text),
                                                 options, None).model_dump(mode="json"),
                   "file": str(path), "bytes": len(text.encode("utf-8"))}, json_out=json_out)
