"""``detente serve``: the analyst's workbench, a local web app (docs/workbench.md)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve)


def serve(
    target: str | None = typer.Argument(None, metavar="[CASE|FILE|DIR]", help="A bundled case, "
                                        "a scenario file or a folder of them (default: the "
                                        "bundled cases)."),
    port: int = typer.Option(8765, "--port", help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this "
                             "machine only; another address prints a warning)."),
    out: Path = typer.Option(Path("detente-workbench"), "--out", help="Output folder: save-as "
                             "files, run records and drafts; nothing is written elsewhere."),
) -> None:
    """Open the workbench: edit a case in the browser, rerun, see what decides it."""
    from detente.cli.common import check_outputs
    from detente.web.server import serve as run

    check_outputs(folders={"--out": out})  # a file, or a folder it cannot write: refused now
    run(target, host=host, port=port, output=out)
