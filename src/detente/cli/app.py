"""The ``detente`` command: one Typer app; each capability registers its commands below."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from detente import __version__
from detente.cli.common import err_console
from detente.errors import DetenteError

app = typer.Typer(
    name="detente",
    help="Analyse peace negotiations: deal space, forecasts, war and the window, signals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"detente {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """detente: which deal, where talks land, when the window opens, whether signals are real."""


def _register() -> None:
    # One line per capability; each module adds its own commands to ``app``.
    from detente.cli import deals, forecast, genius, signals, war

    for module in (deals, genius, forecast, war, signals):
        module.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: user errors print one clear message and exit 2, never a traceback."""
    _register()
    try:
        app(args=argv, standalone_mode=False)
    except DetenteError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                          soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
