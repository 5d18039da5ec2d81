"""The typed record of a credibility assessment, and the library function behind
``detente signals credibility`` for scripts and notebooks (:func:`credibility_record`).

``detente.signals.assess.to_record`` builds the JSON-ready content; :class:`CredibilityRecord`
holds it with its provenance so that it has ``.to_json()``, ``.to_frame()`` (the dated
posterior series) and a notebook view like every other record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ConfigDict

from detente.errors import DetenteError
from detente.records import Provenance
from detente.records.base import Record
from detente.signals.credibility import CredibilityOptions
from detente.signals.evidence import SignalCase


class CredibilityRecord(Record):
    """Posterior P(sincere) of one actor over time: the prior (agreement record), the dated
    series with its interval, the moves and the evidence behind each, the likelihood ratios
    used."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "series"

    provenance: Provenance
    actor: str
    prior: dict[str, Any]
    interval_mass: float
    series: list[dict[str, Any]]
    moves: list[dict[str, Any]]
    likelihood_ratios: dict[str, dict[str, Any]]


def signal_case(case: str | SignalCase | None) -> SignalCase | None:
    """Analyst signals: a bundled name (``ru-ua``), a YAML file, a loaded case, or None."""
    from detente.signals.evidence import bundled_signals, load_signals

    if case is None or isinstance(case, SignalCase):
        return case
    if case.lower() == "none":
        return None
    if case.endswith((".yaml", ".yml")) or Path(case).exists():
        return load_signals(case)
    return bundled_signals(case)


def credibility_record(actor: str, *, case: str | SignalCase | None = "ru-ua",
                       store: Path | str | None = None, against: str | None = None,
                       date_from: dt.date | None = None, date_to: dt.date | None = None,
                       options: CredibilityOptions | None = None, seed: int = 0
                       ) -> CredibilityRecord:
    """Assess ``actor`` (a country code) from analyst signals (``case``) and/or an event store
    (``store``, a DuckDB file written by ``detente signals import``), as
    :func:`detente.signals.assess.assess` does, and return the record."""
    from detente.signals.assess import assess, to_record
    from detente.signals.store import EventStore

    cs = signal_case(case)
    if store is not None and not Path(store).exists():
        raise DetenteError.one("no event store here", file=str(store))
    inputs = ([str(store)] if store is not None else []) + ([cs.path] if cs else [])
    if not inputs:
        raise DetenteError.one("no evidence: give a store with imported events or a case")
    st = EventStore(Path(store)) if store is not None else None
    try:
        result = assess(actor, store=st, case=cs, against=against, date_from=date_from,
                        date_to=date_to, options=options, seed=seed)
        digest = str(st.count()) if st else ""
    finally:
        if st:
            st.close()
    return CredibilityRecord(**to_record(result, inputs=inputs, case=cs, store_digest=digest))
