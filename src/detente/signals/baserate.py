"""Routine evidence discounted by the dyad's base rate.

A weekly phone call between two capitals is routine: the tenth one says no more than the
first nine, and counting each as independent evidence makes the posterior a function of
volume (issue 15). Following the event-data practice of measuring *departures from a dyad's
baseline* rather than raw counts (Goldstein 1992; Schrodt and Gerner 2000, "Cluster-based
early warning indicators for political change in the contemporary Levant", *American
Political Science Review* 94(4)), each item of a cheap or routine indicator (rungs 1-5 and
counter-indicators) is weighted by the share of its recent stories that exceed the usual rate:

    e_i = lambda_i * R,   lambda_i = n_hist / E,   weight_i = max(0, n_recent - e_i) / n_recent

where ``n_recent`` counts stories of the same actor, faction, target and indicator in the
``recent_days`` (R) up to the item, ``n_hist`` those in the ``baseline_days`` before that,
and E the days of that baseline the data cover (from the actor's first item). With no
baseline yet (E = 0) the item counts fully. Costly signals (material concessions, rung 6-7)
and derived items (reneging) are never discounted: each one costs the sender.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detente.signals.items import SignalItem
from detente.signals.ladder import indicators


def is_routine(indicator: str) -> bool:
    """Whether ``indicator`` is cheap or routine (rungs 1-5, counter-indicators)."""
    ind = indicators()[indicator]
    return (ind.kind == "signal" and 1 <= ind.rung <= 5) or ind.kind == "counter"


def base_rate_weights(items: Sequence[SignalItem], *, recent_days: int = 28,
                      baseline_days: int = 365) -> np.ndarray:
    """Multiplier in [0, 1] per item: the share of its recent stories above the dyad's usual
    rate (module docstring). Non-routine items get 1.

    >>> import datetime as dt
    >>> weekly = [SignalItem(dt.date(2023, 1, 1) + dt.timedelta(days=7 * k), "RUS", "UKR",
    ...                      "contact", ("a",), ()) for k in range(20)]
    >>> w = base_rate_weights(weekly)
    >>> float(w[0]), float(w[-1])
    (1.0, 0.0)
    """
    n = len(items)
    out = np.ones(n)
    if n == 0 or recent_days <= 0:
        return out
    day = np.array([i.day for i in items], dtype=np.int64)
    start: dict[str, int] = {}
    for i in items:
        start[i.actor] = min(start.get(i.actor, i.day), i.day)
    groups: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        if is_routine(it.indicator):
            key = f"{it.actor}|{it.faction or ''}|{it.target or ''}|{it.indicator}"
            groups.setdefault(key, []).append(k)
    for idx in groups.values():
        ix = np.array(idx)
        t = np.sort(day[ix])
        tk = day[ix]
        first = start[items[idx[0]].actor]
        n_recent = (np.searchsorted(t, tk, side="right")
                    - np.searchsorted(t, tk - recent_days, side="right"))
        hist_lo = np.maximum(tk - recent_days - baseline_days, first - 1)
        n_hist = (np.searchsorted(t, tk - recent_days, side="right")
                  - np.searchsorted(t, hist_lo, side="right"))
        exposure = np.maximum(0, tk - recent_days - hist_lo)
        expected = np.where(exposure > 0, n_hist / np.maximum(exposure, 1) * recent_days, 0.0)
        out[ix] = np.clip((n_recent - expected) / np.maximum(n_recent, 1), 0.0, 1.0)
    return out
