"""Commands of the deal analysis: ``cases``, ``check``, ``analyze``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the deal-analysis commands to ``app``."""
    app.command("cases")(cases)


def cases() -> None:
    """List the bundled cases."""
    typer.echo("(no bundled cases yet)")
