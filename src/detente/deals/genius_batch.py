"""The GENIUS analysis of every domain under a folder (e.g. the ANAC domains of one year), one
domain per task on any ``concurrent.futures.Executor`` (:mod:`detente.parallel`).

Each domain is analysed by :func:`detente.deals.genius_analysis.analyze_domain`, exactly as
``detente analyze DOMAIN`` does; the records come back in folder order. A domain's record does
not depend on where it ran, except through a non-linear search's ``time_limit`` (seconds, so
machine-dependent): pass ``time_limit=None`` for records that repeat exactly.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path
from typing import Any, ClassVar

from detente.deals.genius_analysis import DomainAnalysis, _Rec, analyze_domain
from detente.errors import AnalysisError
from detente.formats.genius import is_genius_dir
from detente.parallel import bounded_map, executor_or_serial
from detente.records import Provenance, inputs_hash, make_provenance


class DomainBatch(_Rec):
    """Every GENIUS domain under ``root``, analysed, in sorted folder order."""

    frame_field: ClassVar[str | None] = "domains"
    provenance: Provenance
    root: str
    domains: list[DomainAnalysis]


def domain_folders(root: str | Path) -> list[Path]:
    """The GENIUS domain folders at or under ``root`` (sorted by path)."""
    p = Path(root)
    return sorted(d for d in [p, *p.rglob("*")] if d.is_dir() and is_genius_dir(d))


def _one(folder: str, options: dict[str, Any]) -> DomainAnalysis:
    return analyze_domain(folder, **options)


def analyze_domains(root: str | Path, *, executor: Executor | None = None,
                    **options: Any) -> DomainBatch:
    """Analyse every domain folder under ``root``, one task per domain on ``executor``
    (default: this process); ``options`` go to ``analyze_domain`` (``normalise_weights``,
    ``max_nodes``, ``time_limit``, ``frontier_limit``)."""
    folders = domain_folders(root)
    if not folders:
        raise AnalysisError.one("no GENIUS domain folder (a domain XML and profile XML files) "
                                "at or under this folder", value=str(root))
    tasks = ((str(f), options) for f in folders)
    domains = list(bounded_map(executor_or_serial(executor), _one, tasks))
    digest = inputs_hash(*[d.provenance.inputs_sha256 for d in domains])
    prov = make_provenance("genius-batch", [str(root)], digest, dict(options), None)
    return DomainBatch(provenance=prov, root=str(root), domains=domains)
