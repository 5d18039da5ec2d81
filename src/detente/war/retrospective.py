"""Retrospective check of the negotiation window: what each dated case predicted for the next
6 and 12 months against what happened, scored with the Brier score (protocol:
``docs/war-retrospective.md``, written before this code; results in ``docs/war.md``).

Forecasts come from the war-end scenario tree (``detente.war.scenarios``): the probability across
paths that a truce is signed by month H and holds (``settlement``) and that any truce is signed
by then (``settlement`` or ``truce_regroup``). Brier (1950), "Verification of forecasts expressed
in terms of probability", *Monthly Weather Review* 78(1): (f − o)² for a forecast f of a binary
outcome o. Nothing here is fitted: the parameters are the cases' as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from detente.war.case import bundled_war_case
from detente.war.dynamics import simulate
from detente.war.scenarios import LEAF_KEYS, classify_paths
from detente.war.window import standard_error

EVENTS = {"settlement": ("settlement",), "any_truce": ("settlement", "truce_regroup")}
REFERENCES = {"uninformative": {6: 0.5, 12: 0.5}, "base rate": {6: 0.05, 12: 0.1}}
"""The reference forecasts fixed in the protocol (docs/war-retrospective.md)."""


@dataclass(frozen=True)
class RetroRow:
    """One forecast: case, event, horizon (months), the window's probability and its Monte
    Carlo standard error, the outcome (0/1) and the Brier scores of the model and of each
    reference forecast."""

    case: str
    event: str
    horizon: int
    forecast: float
    se: float
    outcome: int
    brier: float
    reference_brier: dict[str, float]


def brier(forecast: float, outcome: int) -> float:
    """(f − o)² (Brier 1950).

    Example:
        >>> brier(0.3, 0), brier(0.3, 1)
        (0.09, 0.49)
    """
    return round((forecast - outcome) ** 2, 15)


def event_forecasts(case: str, horizons: tuple[int, ...] = (6, 12), paths: int = 20_000,
                    seed: int = 0) -> dict[tuple[str, int], tuple[float, float]]:
    """P(event by month H) with its standard error for each event and horizon, from the case's
    own war section (simulated over the longest horizon; a first event by month H does not
    depend on later months)."""
    war = bundled_war_case(case).war
    sim = simulate(war, max(horizons), paths, np.random.default_rng(seed))
    leaf, month = classify_paths(war, sim)
    out = {}
    for event, keys in EVENTS.items():
        hit_leaf = np.isin(leaf, [LEAF_KEYS.index(k) for k in keys])
        for h in horizons:
            q = float((hit_leaf & (month >= 0) & (month <= h)).mean())
            out[(event, h)] = (q, float(standard_error(np.float64(q), paths)))
    return out


def retrospective(outcomes: Mapping[str, Mapping[str, Mapping[int, int]]],
                  paths: int = 20_000, seed: int = 0) -> list[RetroRow]:
    """Score every (case, event, horizon) in ``outcomes`` ({case: {event: {horizon: 0/1}}})."""
    rows = []
    for case, events in outcomes.items():
        horizons = tuple(sorted({h for by_h in events.values() for h in by_h}))
        fc = event_forecasts(case, horizons, paths, seed)
        for event, by_h in events.items():
            if event not in EVENTS:
                continue
            for h, o in sorted(by_h.items()):
                f, se = fc[(event, h)]
                rows.append(RetroRow(case=case, event=event, horizon=h, forecast=f, se=se,
                                     outcome=int(o), brier=brier(f, int(o)),
                                     reference_brier={name: brier(ref[h], int(o))
                                                      for name, ref in REFERENCES.items()}))
    return rows
