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
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError, Problem, ScenarioError
from detente.war.case import bundled_war_case, war_case_names
from detente.war.dynamics import simulate
from detente.war.scenarios import LEAF_KEYS, classify_paths
from detente.war.window import standard_error

EVENTS = {"settlement": ("settlement",), "any_truce": ("settlement", "truce_regroup")}
CONTEXT_EVENTS = ("direct_talks",)
"""Events an outcomes file records beside the scored ones but the window does not forecast
(the protocol reports direct talks as context)."""
FILE_KEYS = ("source", "quote", "cases")
"""The keys of an outcomes file: where the outcomes come from (source and exact quote) and the
outcomes, ``{case: {event: {horizon in months: 0 or 1}}}``."""
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


def outcome_problems(cases: object, file: str | None = None,
                     where: Any = None, prefix: tuple[str, ...] = ()) -> list[Problem]:
    """What is wrong with ``{case: {event: {horizon: outcome}}}``: a case that is not a bundled
    war case, an event neither scored nor recorded as context, a horizon that is not a whole
    number of months 1–600 (the window's range), an outcome other than 0 or 1. Each problem
    names the field path (and, with a line map ``where``, the file's line)."""
    from detente.war.analysis import MAX_MONTHS

    def bad(path: tuple[Any, ...], message: str, value: object = None,
            allowed: str | None = None) -> Problem:
        keys = prefix + tuple(str(k) for k in path)
        line, col = where.locate(keys) if where is not None else (None, None)
        return Problem(message, file=file, line=line, column=col,
                       path=".".join(keys) or None, value=value, allowed=allowed)

    if not isinstance(cases, Mapping) or not cases:
        return [bad((), "expected a non-empty mapping of case to outcomes",
                    None if isinstance(cases, Mapping) else type(cases).__name__,
                    "{case: {event: {horizon in months: 0 or 1}}}")]
    events = (*EVENTS, *CONTEXT_EVENTS)
    out: list[Problem] = []
    for case, by_event in cases.items():
        if case not in war_case_names():
            out.append(bad((case,), "not a bundled case with a war section", case,
                           ", ".join(war_case_names())))
            continue
        if not isinstance(by_event, Mapping) or not by_event:
            out.append(bad((case,), "expected a non-empty mapping of event to outcomes",
                           allowed=f"events: {', '.join(events)}"))
            continue
        for event, by_h in by_event.items():
            if event not in events:
                out.append(bad((case, event), "unknown event", event, ", ".join(events)))
            elif not isinstance(by_h, Mapping) or not by_h:
                out.append(bad((case, event), "expected a non-empty mapping of horizon to "
                               "outcome", allowed="{months: 0 or 1}, e.g. {6: 0, 12: 1}"))
            else:
                out += [bad((case, event, h), msg, v, allow)
                        for h, o in by_h.items()
                        for msg, v, allow in _horizon_problems(h, o, MAX_MONTHS)]
    return out


def _horizon_problems(h: object, o: object, max_months: int) -> list[tuple[str, object, str]]:
    out = []
    if isinstance(h, bool) or not isinstance(h, int) or not 1 <= h <= max_months:
        out.append(("the horizon is not a whole number of months", h, f"1 … {max_months}"))
    if isinstance(o, bool) or not isinstance(o, int) or o not in (0, 1):
        out.append(("the outcome must be 0 (did not happen) or 1 (happened)", o, "0 or 1"))
    return out


def load_outcomes(path: str | Path) -> dict[str, dict[str, dict[int, int]]]:
    """Read an outcomes file (``tests/data/war/retrospective_events.yaml``): ``source`` and
    ``quote`` (the evidence) and ``cases``; the YAML is read as every war file is (size,
    UTF-8, nesting, aliases, duplicate keys), and every problem names the file, line and field
    path."""
    from detente.scenario.load import read_yaml

    data, where, file = read_yaml(path, kind="war")
    if not isinstance(data, dict):
        raise ScenarioError([Problem("expected a YAML mapping", file=file, line=1,
                                     allowed=f"the keys {', '.join(FILE_KEYS)}")])
    problems = [Problem("unknown field (a typo?)", file=file, line=where.locate((str(k),))[0],
                        path=str(k), allowed=", ".join(FILE_KEYS))
                for k in data if k not in FILE_KEYS]
    for key in ("source", "quote"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(Problem("missing or empty: every outcome needs its evidence",
                                    file=file, path=key,
                                    line=where.locate((key,))[0] if key in data else None,
                                    allowed="the source's address and an exact quote"))
    problems += outcome_problems(data.get("cases"), file, where, ("cases",))
    if problems:
        raise ScenarioError(problems)
    return data["cases"]  # type: ignore[no-any-return]


def retrospective(outcomes: Mapping[str, Mapping[str, Mapping[int, int]]],
                  paths: int = 20_000, seed: int = 0) -> list[RetroRow]:
    """Score every (case, event, horizon) in ``outcomes`` ({case: {event: {horizon: 0/1}}};
    events recorded as context are skipped). Outcomes of the wrong shape, a path count out of
    the window's range or a bad seed raise :class:`~detente.errors.DetenteError`."""
    from detente.limits import check_range, check_seed
    from detente.war.analysis import MAX_PATHS

    problems = outcome_problems(outcomes)
    if problems:
        raise DetenteError(problems)
    check_range(paths, 1, MAX_PATHS, "paths")
    check_seed(seed, "seed")
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
