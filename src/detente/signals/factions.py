"""Factions: telling "insincere" from "sincere but constrained by hard-liners".

When a state's leadership signals openness while a hard-line faction threatens, rejects or
breaks a truce, folding the faction into the state reads the state as insincere. Putnam (1988,
"Diplomacy and domestic politics: the logic of two-level games", *International Organization*
42(3)) and Tsebelis (2002, *Veto Players*) give the alternative: a sincere leadership
constrained by a domestic veto player. Three types of the state:

* **S** sincere and unconstrained: the faction follows the leadership, so the faction's acts
  are the state's (likelihood ratio LR_k against I, as for the leadership's own acts);
* **C** sincere but constrained: the leadership is sincere (its own signals carry LR_k), the
  faction acts on its own (its acts are as likely as under I: ratio 1);
* **I** insincere (reference, ratio 1).

With the weights and decay of equation (1) (:mod:`detente.signals.credibility`), L the decayed
sum of w_k log LR_k over the leadership's items and F over the faction's items (signals
attributed to the faction where the source names it: a ``faction`` in analyst evidence, or an
event whose actor code or name matches the faction's):

    log P(S) = log p0 + log(1 - c) + L + F;   log P(C) = log p0 + log c + L;
    log P(I) = log(1 - p0),

normalised; p0 is the prior of sincerity, c the prior share of the sincere type that is
constrained (default 1/2). Faction counter-signals lower S but not C, leadership signals move
S and C together against I.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.signals.credibility import (
    CredibilityOptions,
    evidence_items,
    evidence_weights,
    posterior_path,
)
from detente.signals.evidence import Faction, PriorRecord
from detente.signals.items import SignalItem
from detente.signals.ladder import likelihood_ratios
from detente.signals.store import EventTable

_EPOCH = dt.date(1970, 1, 1)


def factions_from_scenario(scenario: Any) -> tuple[Faction, ...]:
    """The factions of a scenario: its actors with role ``faction`` and a parent."""
    return tuple(Faction(str(a.id), str(a.parent), a.name) for a in scenario.actors
                 if str(getattr(a.role, "value", a.role)) == "faction" and a.parent)


def faction_of_events(events: EventTable, factions: Sequence[Faction]) -> np.ndarray:
    """The faction id of each event's source actor (or None): an actor code starting with one
    of the faction's ``codes`` or an actor name containing one of its ``names``."""
    out = np.full(len(events), None, dtype=object)
    if not factions or len(events) == 0:
        return out
    codes = events["actor1"] if "actor1" in events.columns else np.full(len(events), None)
    names = (events["actor1_name"] if "actor1_name" in events.columns
             else np.full(len(events), None))
    for k, (code, name) in enumerate(zip(codes, names, strict=True)):
        low = (name or "").lower()
        for f in factions:
            if (code and any(str(code).startswith(c) for c in f.codes)) or \
                    (low and any(n.lower() in low for n in f.names)):
                out[k] = f.id
                break
    return out


@dataclass(frozen=True)
class FactionPosterior:
    """P(S), P(C), P(I) of ``actor`` given ``faction`` on each of ``dates``."""

    actor: str
    faction: str
    dates: tuple[dt.date, ...]
    sincere: np.ndarray
    constrained: np.ndarray
    insincere: np.ndarray
    prior: tuple[float, float, float]


def constrained_posterior(items: Sequence[SignalItem], prior: PriorRecord, *, actor: str,
                          faction: Faction, options: CredibilityOptions | None = None,
                          constrained_share: float = 0.5,
                          date_to: dt.date | None = None) -> FactionPosterior:
    """The three-type posterior of the module docstring, dated at every item's date.

    >>> import datetime as dt
    >>> d = dt.date(2022, 3, 29)
    >>> lead = SignalItem(d, "RUS", "UKR", "negotiation-round", ("a", "b", "c"), ("s1",))
    >>> hard = SignalItem(d, "RUS", "UKR", "rejection", ("a", "b", "c"), ("s2",),
    ...                   faction="RUS_HARD")
    >>> r = constrained_posterior([lead, hard], PriorRecord(), actor="RUS",
    ...                           faction=Faction("RUS_HARD", "RUS"))
    >>> bool(r.constrained[-1] > r.sincere[-1])
    True
    """
    options = options or CredibilityOptions()
    if not 0 < constrained_share < 1:
        raise ValueError("constrained_share must lie in (0, 1)")
    own = [i for i in items if i.actor == actor]
    end = date_to or max((i.date for i in own), default=dt.date.today())
    ev = evidence_items(own, options, end)
    table = likelihood_ratios(options.likelihood_ratios, options.spreads)
    w = evidence_weights(ev, options)
    llr = np.log([table[e.indicator][0] for e in ev]) if ev else np.zeros(0)
    t = np.array([e.day for e in ev], dtype=np.int64)
    is_f = np.array([e.faction == faction.id for e in ev], dtype=bool)
    days = np.unique(np.r_[t, (end - _EPOCH).days]).astype(np.int64)
    zero = np.zeros(1)
    lead = posterior_path(days, t, w * ~is_f, llr[None, :], zero, options.half_life_days)[0]
    fac = posterior_path(days, t, w * is_f, llr[None, :], zero, options.half_life_days)[0]
    a, b = options.prior_a + prior.kept, options.prior_b + prior.broken
    p0, c = a / (a + b), constrained_share
    logs = np.stack([np.log(p0 * (1 - c)) + lead + fac, np.log(p0 * c) + lead,
                     np.full(len(days), np.log(1 - p0))])
    logs -= logs.max(axis=0)
    p = np.exp(logs) / np.exp(logs).sum(axis=0)
    dates = tuple(_EPOCH + dt.timedelta(days=int(d)) for d in days)
    return FactionPosterior(actor, faction.id, dates, p[0], p[1], p[2],
                            (p0 * (1 - c), p0 * c, 1 - p0))
