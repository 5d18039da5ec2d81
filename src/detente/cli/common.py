"""Shared pieces of the command line: the console, error exit, JSON output."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.highlighter import ReprHighlighter
from rich.markup import escape
from rich.text import Text

from detente.errors import DetenteError
from detente.invisible import shown

# the writers live with the records (the workbench writes through them too)
from detente.records.output import FOLLOW_SYMLINKS as FOLLOW_SYMLINKS
from detente.records.output import SPECIAL_ALLOWED, looks_like_formula, special_file
from detente.records.output import TIMESTAMP as TIMESTAMP
from detente.records.output import write_json as write_json
from detente.records.output import write_text as write_text

if sys.stdout is None or sys.stderr is None:  # started with ``>&-`` or ``2>&-``: what would
    _NULL = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - have gone there goes
    sys.stdout = sys.stdout or _NULL  # nowhere, and the exit status still tells (was an
    sys.stderr = sys.stderr or _NULL  # AttributeError traceback, exit 1)
# Piped output (logs, CI, README examples) is not squeezed into 80 columns. No emoji codes:
# user text prints as written (a title holding ":warning:" stays those nine characters), and
# Rich's table of emoji names is not loaded.
_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120
MIN_WIDTH = 40
"""Narrowest console: ``COLUMNS=0`` printed nothing at all (Rich takes it as the width) and
``COLUMNS=1`` one character per line; a narrower terminal gets lines of this width."""


def _min_width(width: int | None) -> int | None:
    cols = os.environ.get("COLUMNS", "").strip()
    if cols.isdigit() and int(cols) < MIN_WIDTH:  # the only COLUMNS Rich itself reads
        return MIN_WIDTH
    return width


def _replace_unencodable() -> None:
    """Let a console whose encoding cannot show a character print ``?`` instead of raising:
    with ``PYTHONIOENCODING=ascii`` or ``latin-1`` (or ``PYTHONUTF8=0 LC_ALL=C``) the ``→``
    of ``analyze`` was a UnicodeEncodeError traceback. A stream without ``reconfigure`` (an
    in-process caller's buffer) is left alone; records and files are always UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if enc and enc != "utf8" and callable(getattr(stream, "reconfigure", None)):
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]


class _BoundedHighlighter(ReprHighlighter):
    """Rich's number/URL colouring, skipped on a text longer than :data:`HIGHLIGHT_LIMIT`:
    its regular expressions take time quadratic in an unbroken run of characters (a 64 KB
    scenario title took 38 s to print), and user text of any length reaches the console."""

    def highlight(self, text: Text) -> None:
        if len(text) <= HIGHLIGHT_LIMIT:
            super().highlight(text)


HIGHLIGHT_LIMIT = 4096
_replace_unencodable()
console = Console(width=_min_width(_WIDTH), emoji=False, highlighter=_BoundedHighlighter())
err_console = Console(stderr=True, width=_min_width(None), emoji=False,
                      highlighter=_BoundedHighlighter())


def esc(value: object) -> str:
    """User text made safe for Rich: ``[`` is escaped, so a title such as ``'closing [/] tag'``
    prints as written instead of being read as markup; an invisible or layout character of
    third-party text (a PA-X name's zero-width space) prints as ``<U+200B>``
    (:func:`detente.invisible.shown`)."""
    return escape(shown(str(value)))


def _writable_place(out: Path) -> str | None:
    """Why ``out`` (a file to write, or a folder to create) cannot be written, or None: the
    nearest existing ancestor must be a folder this process may write in."""
    parent = out.parent
    while not parent.exists():
        if parent.is_symlink():  # a dangling link among the parents
            return f"{parent} is a broken symbolic link"
        parent = parent.parent
    if not parent.is_dir():
        return f"{parent} is a file, not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"no permission to write in {parent}"
    return None


def check_outputs(*, files: dict[str, Path | None] | None = None,
                  folders: dict[str, Path | None] | None = None,
                  inputs: Sequence[Path] = ()) -> None:
    """Refuse unusable output paths *before* any computing: a file path that is a folder, a
    symbolic link (without ``--follow-symlinks``), or whose parent cannot be created or
    written; a ``--csv`` folder that is a file or cannot be created. ``files`` and ``folders``
    map the option (``"--json"``) to its path (None: not asked for); no two outputs, and no
    output and one of ``inputs``, may be the same file. Nothing is created here;
    all problems are reported at once (exit 2)."""
    from detente.errors import Problem

    problems: list[Problem] = []
    given = [(f, p) for f, p in [*(files or {}).items(), *(folders or {}).items()] if p]
    seen: dict[str, str] = {os.path.realpath(p): "an input file" for p in inputs}
    for name, p in given_inputs({f for f, _ in given}):
        seen.setdefault(os.path.realpath(p), f"an input file ({name})")
    for flag, place in given:  # one output would overwrite the other (or a file be no folder)
        real = os.path.realpath(place)
        if real in seen:
            problems.append(Problem(f"the same path is given to {seen[real]} and {flag}",
                                    file=str(place), path=flag,
                                    allowed="an output path that is no input (writing would "
                                    "replace the input)" if seen[real].startswith("an input")
                                    else "a different path for each output"))
        seen.setdefault(real, flag)
    for flag, out in (files or {}).items():
        if out is None:
            continue
        if out.is_symlink() and not FOLLOW_SYMLINKS.get():
            problems.append(Problem("output path is a symbolic link; writing would overwrite "
                                    "its target", file=str(out), path=flag,
                                    allowed="a plain path, or `detente --follow-symlinks …`"))
            continue
        target = out.resolve() if out.is_symlink() else out
        if target.is_dir():
            problems.append(Problem("output path is a folder", file=str(out), path=flag,
                                    allowed="a file path"))
        elif what := special_file(target):
            problems.append(Problem(f"output path is {what}, not a file; writing would "
                                    "replace it", file=str(out), path=flag,
                                    allowed=SPECIAL_ALLOWED))
        elif target.exists() and not os.access(target, os.W_OK):
            problems.append(Problem("no permission to overwrite this file", file=str(out),
                                    path=flag))
        elif why := _writable_place(target):
            problems.append(Problem(f"cannot write here: {why}", file=str(out), path=flag))
    for flag, folder in (folders or {}).items():
        if folder is None:
            continue
        if folder.exists() and not folder.is_dir():
            problems.append(Problem("not a folder", file=str(folder), path=flag,
                                    allowed="a folder (created if missing)"))
        elif folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            problems.append(Problem("no permission to write in this folder", file=str(folder),
                                    path=flag))
        elif not folder.exists() and (why := _writable_place(folder)):
            problems.append(Problem(f"cannot create this folder: {why}", file=str(folder),
                                    path=flag))
    if problems:
        raise DetenteError(problems)


def genius_inputs(folder: str | Path) -> list[Path]:
    """The XML files ``analyze FOLDER`` may read, to refuse an output onto one of them: every
    ``*.xml`` of the folder and, as a folder of GENIUS folders is read to any depth
    (:func:`detente.deals.genius_batch.domain_folders`), of its sub-folders
    (``analyze TREE --json TREE/dom/England.xml`` replaced a profile by the record); none
    for a path that is no folder."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.xml") if p.is_file())


OUTPUT_FLAGS = ("--json", "--html", "--csv", "--output", "--signals", "--out", "PATH")
"""The options (and ``new``'s argument) that name what a command writes."""


def given_inputs(outputs: set[str]) -> list[tuple[str, Path]]:
    """(parameter, path) of every file the running command was given to read: each value of
    its parameters other than the outputs (named by their flags, or ``PATH``) that is a
    ``Path`` (``--store``, ``--events``, ``--fit-on``: also when it does not exist yet, as an
    import creates the store) or a text naming an existing file (``analyze FILE``, where a
    bundled case name is text too). Folders are not files (``--evaluate DIR``). Every command
    thus refuses an output onto its input (``analyze t.yaml --json t.yaml`` replaced the
    scenario by its record; ``signals import f.CSV --json f.CSV`` the event file); outside a
    command (the API, a test calling the function) there is none."""
    # Typer 0.29 parses with its own copy of Click (an older Typer with Click's); neither is
    # loaded on the direct path (detente.cli.direct), which has no outputs to check
    click = sys.modules.get("typer._click.globals") or sys.modules.get("click.globals")
    ctx = click.get_current_context(silent=True) if click is not None else None
    if ctx is None:
        return []
    found: list[tuple[str, Path]] = []
    for param in ctx.command.params:
        name = (param.opts[0] if param.opts and param.opts[0].startswith("-")
                else str(param.name).upper())  # an argument: its metavar, as in the help
        if set(param.opts) & outputs or name in outputs:
            continue
        value = ctx.params.get(str(param.name))
        for v in value if isinstance(value, list | tuple) else [value]:
            if isinstance(v, Path) and str(v).startswith("~"):  # --store '~/x': the home
                v = Path(os.path.expanduser(v))  # folder, as the store options read it
            if isinstance(v, Path | str) and str(v) and not os.path.isdir(v) and (
                    isinstance(v, Path) or os.path.isfile(v)):
                found.append((name, Path(v)))
    return found


def _cell(value: Any) -> Any:
    """A CSV cell: lists and mappings as compact JSON, None as empty, and a text that a
    spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+1+cmd``, ``@SUM``: user text
    from a scenario, an event file or an article) behind a ``'`` (OWASP, "CSV injection")."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        value = shown(value)  # invisible characters of third-party text as <U+200B>
        return "'" + value if looks_like_formula(value) else value
    if isinstance(value, float) and value == 0:
        return 0.0  # never -0.0
    return value


def record_tables(record: Any, main: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The tables of a record, by name: its main table (``Record.table()``, named ``main`` or
    the record's ``frame_field``) and every other top-level list of mappings (or mapping of
    mappings: a row per key, in a ``name`` column), each row flattened (``a.b`` columns).
    Works on typed records and on plain JSON-ready dicts."""
    from detente.records.base import Record, flatten

    data = record.model_dump(mode="json") if hasattr(record, "model_dump") else record
    tables: dict[str, list[dict[str, Any]]] = {}
    if isinstance(record, Record):
        tables[main or record.frame_field or "summary"] = record.table()
    for key, value in data.items():
        if key in tables or key == "provenance":
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables[key] = [flatten(v) for v in value]
        elif isinstance(value, dict) and value and all(isinstance(v, dict)
                                                       for v in value.values()):
            tables[key] = [{"name": k, **flatten(v)} for k, v in value.items()]
    return tables


def write_csv(folder: Path, tables: dict[str, list[dict[str, Any]]]) -> list[Path]:
    """Write one CSV per table into ``folder`` (created if missing): ``NAME.csv``, UTF-8, a
    header row (the union of the rows' columns, in first-seen order), lists and mappings as
    JSON, NaN as written by Python (``nan``). Each file goes through :func:`write_text`, so a
    failed write leaves no half file. Needs no pandas. Returns the paths written."""
    import csv
    import io

    inputs = {os.path.realpath(p): n for n, p in given_inputs(set(OUTPUT_FLAGS))}
    for name in tables:  # a table onto an input (forecast forecasts.csv --csv .): none written
        out = folder / f"{name.replace('/', '_')}.csv"
        if (real := os.path.realpath(out)) in inputs:
            raise DetenteError.one(f"the CSV table {out.name} would replace an input file "
                                   f"({inputs[real]}); no table written", file=str(out),
                                   path="--csv", allowed="a --csv folder that does not "
                                   "hold the inputs, or inputs under other names")
    written = []
    for name, rows in tables.items():
        columns = list(dict.fromkeys(k for r in rows for k in r))
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        out = folder / f"{name.replace('/', '_')}.csv"
        write_text(out, buf.getvalue())
        written.append(out)
    return written


def progress_wanted(quiet: bool = False) -> bool:
    """Show progress bars: not with ``--quiet``, not when stdout is not a terminal (logs, CI,
    pipes get the results only)."""
    return not quiet and sys.stdout.isatty()


class Steps:
    """One progress display for a command (Rich, on stderr; silent when
    :func:`progress_wanted` is false). ``update(stage, done, total)`` moves the bar of
    ``stage`` (a bar per stage, added on first use; ``total`` None: a spinner with the
    elapsed time). Use as a context manager::

        with Steps(quiet) as steps:
            run(..., progress=steps.update)
    """

    def __init__(self, quiet: bool = False) -> None:
        self._tasks: dict[str, Any] = {}
        self._bar: Any = None  # no display wanted: rich.progress is not even imported
        if not progress_wanted(quiet):
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), console=err_console,
                             transient=True)

    def __enter__(self) -> Steps:
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def update(self, stage: str, done: int = 0, total: int | None = None,
               label: str | None = None) -> None:
        """Report ``done`` of ``total`` for ``stage`` (``label``: a new text for its bar)."""
        if self._bar is None:
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(label or stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total,
                         description=label or stage)

    def stage(self, stage: str) -> None:
        """Start a stage of unknown length (a spinner)."""
        self.update(stage, 0, None)


def write_outputs(record: Any, *, json_out: Path | None = None, csv_dir: Path | None = None,
                  html_out: Path | None = None, html: Callable[[], str] | None = None,
                  tables: dict[str, list[dict[str, Any]]] | None = None,
                  run: dict[str, Any] | None = None, quiet: bool = False) -> None:
    """Write what a command was asked for and say where: the JSON record (``--json``), one CSV
    per table (``--csv``; default tables: :func:`record_tables`) and the HTML report
    (``--html``; ``html`` renders it, under a progress spinner). Paths were checked before the
    computing by :func:`check_outputs`."""
    if csv_dir is not None:  # a table onto the record or report (--json out/issues.csv
        tables = record_tables(record) if tables is None else tables  # --csv out): refused
        for flag, out in (("--json", json_out), ("--html", html_out)):  # before writing
            if out is not None and os.path.realpath(out) in {  # either
                    os.path.realpath(csv_dir / f"{n.replace('/', '_')}.csv") for n in tables}:
                raise DetenteError.one(f"the CSV table {out.name} would replace the {flag} "
                                       "output; nothing written", file=str(out), path="--csv",
                                       allowed="a --csv folder that does not hold the other "
                                       "outputs, or other names for them")
    if json_out is not None:
        write_json(record, json_out, run)
        console.print(f"JSON record written to {esc(json_out)}")
    if csv_dir is not None:
        written = write_csv(csv_dir, tables or {})
        console.print(f"CSV tables written to {esc(csv_dir)}: "
                      + ", ".join(esc(p.name) for p in written))
    if html_out is not None and html is not None:
        with Steps(quiet) as steps:
            steps.stage("rendering the HTML report")
            text = html()
        write_text(html_out, text)
        console.print(f"HTML report written to {esc(html_out)}")


# The output options every command shares (one spelling, one help text): Typer's option
# objects, made when a command module first asks for them (module ``__getattr__``), so that
# this module imports no Typer (the direct path of detente.cli.direct runs without it).
def _shared_options() -> dict[str, Any]:
    import typer

    return {"JSON": typer.Option(None, "--json", help="Write the JSON record (with provenance) "
                                 "here."),
            "CSV": typer.Option(None, "--csv", help="Write one CSV file per table (UTF-8, "
                                "header row) into this folder."),
            "HTML": typer.Option(None, "--html", help="Write the HTML report here."),
            "QUIET": typer.Option(False, "--quiet", "-q", help="No progress display (also off "
                                  "when the output is not a terminal).")}


def __getattr__(name: str) -> Any:
    if name in ("JSON", "CSV", "HTML", "QUIET"):
        globals().update(_shared_options())  # made once; later look-ups find them here
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def executor_option(what: str, default: str = "serial") -> Any:
    """The ``--executor`` option of a command whose ``what`` runs in chunks on an executor
    (:mod:`detente.parallel`); one spelling and one help text for every command."""
    import typer

    return typer.Option(default, "--executor", help=f"Where {what} run: serial, local[:N] (N "
                        "local processes), dask-local:N, or a Dask scheduler address "
                        f"(tcp://host:8786); default {default}. The same numbers on all.")
