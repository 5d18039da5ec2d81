"""``detente analyze DIR`` on a GENIUS folder (or a folder of them): the command's GENIUS
branch, in a module that imports no Typer, so that the direct path of
:mod:`detente.cli.direct` runs it without loading the command-line parser (issue 19,
start-up); :func:`detente.cli.deals.analyze` calls the same function."""

from __future__ import annotations

from pathlib import Path

from detente.cli.common import Steps, console, write_outputs
from detente.errors import ScenarioError

GENIUS_TIME_LIMIT = 10.0  # seconds of non-linear search before it turns anytime (gap shown)


def analyze_genius(folder: str, json_out: Path | None, csv_dir: Path | None, quiet: bool,
                   normalise: bool, max_nodes: int | None, time_limit: float | None,
                   frontier_limit: int, executor: str = "serial") -> None:
    """``detente analyze DIR``: the GENIUS analysis, the same function as the Python API; a
    folder of domain folders is analysed domain by domain on ``executor``."""
    from detente.cli.deals_view import show_domain
    from detente.deals.genius_analysis import analyze_domain
    from detente.formats.genius import is_genius_dir
    from detente.limits import MAX_SEARCH_NODES as MAX_NODES
    from detente.parallel import check_spec, open_executor

    check_spec(executor)  # one domain runs here, yet a wrong --executor is still an error
    if not is_genius_dir(folder):
        from detente.deals.genius_batch import analyze_domains, domain_folders

        if not domain_folders(folder):
            raise ScenarioError.one("folder is not a GENIUS domain (no domain and profile XML "
                                    "files found), nor holds one", file=folder,
                                    allowed="a scenario file, a bundled case, a GENIUS folder "
                                    "or a folder of GENIUS folders")
        with open_executor(executor) as ex, Steps(quiet) as steps:
            steps.stage("GENIUS analysis")
            batch = analyze_domains(folder, executor=ex, normalise_weights=normalise,
                                    time_limit=time_limit, frontier_limit=frontier_limit,
                                    max_nodes=MAX_NODES if max_nodes is None else max_nodes)
        for r in batch.domains:
            show_domain(r, quiet=True)
        write_outputs(batch, json_out=json_out, csv_dir=csv_dir)
        return
    with Steps(quiet) as steps:
        steps.stage("GENIUS analysis")
        rec = analyze_domain(folder, normalise_weights=normalise, time_limit=time_limit,
                             max_nodes=MAX_NODES if max_nodes is None else max_nodes,
                             frontier_limit=frontier_limit)
    show_domain(rec, quiet=quiet)
    write_outputs(rec, json_out=json_out, csv_dir=csv_dir)
    if json_out and rec.frontier_truncated:
        console.print(f"(frontier list cut at {rec.frontier_shown:,} of "
                      f"{rec.frontier_distinct:,} distinct vectors; --frontier-limit)")
