"""One credibility assessment: events from the store plus analyst signals → posterior → record.

This is the single library call the CLI makes: it gathers the actor's evidence items (coded
events of the store and analyst signals), merges duplicates, runs
:func:`detente.signals.credibility.credibility`, and returns a JSON-ready record with its
provenance (inputs hash, options, seed, version).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from detente.records import inputs_hash, make_provenance
from detente.signals.codes import cameo_label
from detente.signals.credibility import CredibilityOptions, CredibilityResult, credibility
from detente.signals.evidence import PriorRecord, SignalCase
from detente.signals.factions import constrained_posterior, faction_of_events
from detente.signals.items import items_from_case, items_from_events, merge_items
from detente.signals.ladder import indicators, likelihood_ratios
from detente.signals.store import EventStore


def gather_items(actor: str, *, store: EventStore | None, case: SignalCase | None,
                 against: str | None = None, date_to: dt.date | None = None,
                 dedup_days: int = 7) -> list:
    """The actor's evidence items from the store (events where the actor is the source, toward
    ``against`` if given) and from the analyst case, merged."""
    items = []
    if store is not None:
        ev = store.events(actors=(actor,), dyad=(actor, against) if against else None,
                          date_to=date_to.isoformat() if date_to else None)
        ids = [str(i) for i in ev["event_id"]] if len(ev) else []
        mention = _mention_sources(store, ids)
        fac = faction_of_events(ev, case.factions) if case is not None else None
        items += items_from_events(ev, actor, dedup_days=dedup_days, mention_sources=mention,
                                   faction_of=fac)
    if case is not None:
        items += [i for i in items_from_case(case, actor)
                  if against is None or i.target in (None, against)]
    return merge_items(items, dedup_days)


def _mention_sources(store: EventStore, ids: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        q = ("SELECT event_id, source_name FROM mentions WHERE event_id IN "
             f"({', '.join('?' * len(chunk))})")
        for eid, src in store.query(q, chunk):
            if src:
                out.setdefault(str(eid), set()).add(str(src))
    return out


def assess(actor: str, *, store: EventStore | None = None, case: SignalCase | None = None,
           against: str | None = None, date_from: dt.date | None = None,
           date_to: dt.date | None = None, options: CredibilityOptions | None = None,
           seed: int = 0) -> CredibilityResult:
    """Posterior credibility of ``actor`` from the store and/or an analyst case; with the
    case's factions of ``actor``, also the three-type posterior (sincere, sincere but
    constrained by the faction, insincere) per faction, in ``result.factions``."""
    options = options or CredibilityOptions()
    items = gather_items(actor, store=store, case=case, against=against, date_to=date_to,
                         dedup_days=options.dedup_days)
    prior = (case.priors.get(actor) if case else None) or PriorRecord(
        assumption="no agreement record given: uniform prior")
    result = credibility(items, prior, actor=actor, options=options, rng=seed,
                         date_from=date_from, date_to=date_to)
    factions = tuple(
        constrained_posterior(items, prior, actor=actor, faction=f, options=options,
                              date_to=result.dates[-1] if result.dates else date_to)
        for f in (case.factions if case else ()) if f.parent == actor)
    return dataclasses.replace(result, factions=factions)


def _item_json(item: Any, contribution: float | None = None) -> dict[str, Any]:
    ind = indicators()[item.indicator]
    out = {"date": item.date.isoformat(), "indicator": item.indicator, "rung": ind.rung,
           "kind": ind.kind, "target": item.target, "sources": list(item.sources),
           "reports": item.n_reports, "refs": list(item.refs), "quotes": list(item.quotes),
           "faction": item.faction}
    if contribution is not None:
        out["log_odds"] = round(contribution, 6)
    return out


def to_record(result: CredibilityResult, *, inputs: list[str], case: SignalCase | None,
              store_digest: str = "") -> dict[str, Any]:
    """A JSON-ready record of ``result`` with provenance."""
    opts = dataclasses.asdict(result.options)
    digest = inputs_hash({"case": case.path if case else None, "store": store_digest,
                          "items": [_item_json(i) for i in result.items]}, opts)
    prov = make_provenance("signals.credibility", inputs, digest, opts, result.seed)
    prior = (case.priors.get(result.actor) if case else None) or PriorRecord()
    return {
        "provenance": prov.model_dump(mode="json"),
        "actor": result.actor,
        "prior": {"kept": prior.kept, "broken": prior.broken, "beta": list(result.prior),
                  "mean": result.prior_mean, "interval": [result.prior_lo, result.prior_hi],
                  "assumption": prior.assumption,
                  "evidence": [q.quote for q in prior.evidence]},
        "interval_mass": result.options.interval,
        "series": [{"date": d.isoformat(), "p": float(p), "lo": float(lo), "hi": float(hi)}
                   for d, p, lo, hi in zip(result.dates, result.p, result.lo, result.hi,
                                           strict=True)],
        "moves": [{"date": m.date.isoformat(), "before": m.before, "after": m.after,
                   "decay_log_odds": round(m.decay, 6),
                   "items": [_item_json(i, c) for i, c in m.items]} for m in result.moves],
        "factions": [_faction_json(f) for f in result.factions],
        "likelihood_ratios": {
            k: {"lr": lr, "spread": sp, "rung": indicators()[k].rung,
                "basis": indicators()[k].basis}
            for k, (lr, sp) in likelihood_ratios(result.options.likelihood_ratios,
                                                 result.options.spreads).items()},
    }


def _faction_json(f: Any) -> dict[str, Any]:
    return {"faction": f.faction, "prior": {"sincere": f.prior[0], "constrained": f.prior[1],
                                            "insincere": f.prior[2]},
            "final": {"date": f.dates[-1].isoformat(), "sincere": float(f.sincere[-1]),
                      "constrained": float(f.constrained[-1]),
                      "insincere": float(f.insincere[-1])},
            "series": [{"date": d.isoformat(), "sincere": float(s), "constrained": float(c),
                        "insincere": float(i)} for d, s, c, i in
                       zip(f.dates, f.sincere, f.constrained, f.insincere, strict=True)]}


def describe_code(code: str | None) -> str:
    """``"0871 Declare truce, ceasefire"`` for display."""
    return f"{code} {cameo_label(code)}" if code else ""
