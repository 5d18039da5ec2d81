"""The typed record of a credibility assessment, and the library function behind
``detente signals credibility`` for scripts and notebooks (:func:`credibility_record`).

``detente.signals.assess.to_record`` builds the JSON-ready content; :class:`CredibilityRecord`
holds it with its provenance so that it has ``.to_json()``, ``.to_frame()`` (the dated
posterior series) and a notebook view like every other record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict, Field

from detente.errors import DetenteError
from detente.records import Provenance
from detente.records.base import Record
from detente.signals.credibility import CredibilityOptions
from detente.signals.evidence import SignalCase

if TYPE_CHECKING:  # pragma: no cover
    from detente.signals.store import EventStore


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
    factions: list[dict[str, Any]] = Field(default_factory=list)


def signal_case(case: str | SignalCase | None) -> SignalCase | None:
    """Analyst signals: a bundled name (``ru-ua``), a YAML file, a loaded case, or None."""
    from detente.signals.evidence import bundled_signals, load_signals

    if case is None or isinstance(case, SignalCase):
        return case
    if case.lower() == "none":
        return None
    if not case.strip():  # Path("") is "." (the current folder): say what was given
        raise DetenteError.one("--case is empty", path="--case", value=case,
                               allowed="a bundled name (ru-ua), a signals YAML file or 'none'")
    from detente.cases import is_bundled, signal_names

    if is_bundled(case, signal_names()):
        return bundled_signals(case)
    if case.endswith((".yaml", ".yml")) or Path(case).exists():
        return load_signals(case)
    return bundled_signals(case)


def credibility_record(actor: str, *, case: str | SignalCase | None = "ru-ua",
                       store: Path | str | None = None, against: str | None = None,
                       date_from: dt.date | None = None, date_to: dt.date | None = None,
                       options: CredibilityOptions | None = None, seed: int = 0,
                       lr_from: Path | str | None = None) -> CredibilityRecord:
    """Assess ``actor`` (a country code) from analyst signals (``case``) and/or an event store
    (``store``, written by ``detente signals import``), as
    :func:`detente.signals.assess.assess` does, and return the record. ``lr_from`` (a
    commitments CSV; needs ``store``) replaces the assumed likelihood ratios of the actor's
    indicators by ones estimated from its kept and broken commitments
    (:func:`detente.signals.lr_estimate.estimate_likelihood_ratios`); explicit
    ``options.likelihood_ratios`` still win. Out-of-range options are refused first."""
    from detente.signals.assess import assess, to_record
    from detente.signals.store import EventStore

    options = options or CredibilityOptions()
    check_options(options, seed)
    cs = signal_case(case)
    if store is not None and not Path(store).exists():
        raise DetenteError.one("no event store here", file=str(store))
    inputs = ([str(store)] if store is not None else []) + ([cs.path] if cs else [])
    if not inputs:
        raise DetenteError.one("no evidence: give a store with imported events or a case")
    if lr_from is not None and store is None:
        raise DetenteError.one("--lr-from needs an event store (--store)", path="--lr-from")
    st = EventStore(Path(store), read_only=True) if store is not None else None
    try:
        if lr_from is not None and st is not None:
            options = _estimated_options(options, actor, Path(lr_from), st)
        result = assess(actor, store=st, case=cs, against=against, date_from=date_from,
                        date_to=date_to, options=options, seed=seed)
        digest = str(st.count()) if st else ""
    finally:
        if st:
            st.close()
    return CredibilityRecord(**to_record(result, inputs=inputs, case=cs, store_digest=digest))


def check_options(options: CredibilityOptions, seed: int) -> None:
    """Refuse out-of-range options before any work (errors name the command-line option)."""
    from detente.limits import LEAST_DRAWS, MAX_WINDOW_DAYS, check_draws, check_range, check_seed

    # the 90 % interval's 5 % tails need a draw each: 20 draws (one gave [0.055, 0.055])
    check_draws(options.draws, LEAST_DRAWS["credibility"],
                "90 % interval (each 5 % tail needs a draw)",
                none=False)
    check_seed(seed)
    check_range(options.renege_window_days, 0, MAX_WINDOW_DAYS, "--window")
    check_range(options.half_life_days, 0.0, 1e6, "--half-life")
    if not options.half_life_days > 0:
        raise DetenteError.one("--window must be >= 0 and --half-life > 0", path="--half-life",
                               value=options.half_life_days)
    for name, lr in options.likelihood_ratios.items():
        if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < float("inf"):
            raise DetenteError.one("a likelihood ratio is a finite number > 0",
                                   path=f"--lr {name}", value=lr)


def _estimated_options(opts: CredibilityOptions, actor: str, lr_from: Path,
                       st: EventStore) -> CredibilityOptions:
    """``opts`` with the actor's likelihood ratios estimated from ``lr_from`` (a commitments
    CSV) and the store's events."""
    import dataclasses

    from detente.signals.commitment_features import bulk_items, store_events
    from detente.signals.commitments import load_commitments
    from detente.signals.lr_estimate import estimate_likelihood_ratios, overrides_for

    last = st.last_date()
    cs = load_commitments(lr_from, as_of=dt.date.fromisoformat(last) if last else None)
    items = bulk_items(store_events(cs, st), [actor], opts.dedup_days)
    lrs, spreads = overrides_for(actor, estimate_likelihood_ratios(cs, items))
    if not lrs:
        raise DetenteError.one("no kept and broken commitments of this actor to estimate from",
                               file=str(lr_from), value=actor)
    return dataclasses.replace(opts, likelihood_ratios={**lrs, **opts.likelihood_ratios},
                               spreads=spreads)
