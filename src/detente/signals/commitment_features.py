"""Features of a commitment known at its announcement, from the event store.

* **Signals score** of the announcing side toward its counterpart: the log-odds that equation
  (1) of :mod:`detente.signals.credibility` adds to the prior from the side's evidence dated
  *strictly before* the announcement (stories, source weights, base-rate discount, reneging),

      S(t) = sum_{t_k < t} w_k 2^(-(t - t_k)/h) log LR_k,

  computed for all commitments of a side at once with a running sum (O((T + K) log K)).
* **Force pressure**: log((1 + n_7) / (1 + b_7)), n_7 the force events (CAMEO 18x-20x, PLOVER
  ASSAULT/COERCE; ceasefire violations) in the dyad, either direction, in the 7 days before the
  announcement, b_7 their 7-day mean over the 90 days before that; within ``radius_km`` of the
  commitment's coordinates when it has them (and the events do).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from detente.signals.commitments import Commitment
from detente.signals.credibility import CredibilityOptions, evidence_items, evidence_weights
from detente.signals.items import SignalItem, items_from_events
from detente.signals.ladder import indicators, indicators_for_codes, likelihood_ratios
from detente.signals.store import EventStore, EventTable

_EPOCH = dt.date(1970, 1, 1)
#: Columns read from the store (what :func:`items_from_events` and force counts need).
COLUMNS = ("source_sha256", "line", "source_file", "event_id", "date", "actor1",
           "actor1_country", "actor2_country", "cameo", "plover_type", "plover_mode",
           "latitude", "longitude", "url", "publisher", "story_id")


def decayed_sum(query_days: np.ndarray, item_days: np.ndarray, contrib: np.ndarray,
                half_life: float) -> np.ndarray:
    """sum_{t_k < t} c_k 2^(-(t - t_k)/h) for each query day t (items strictly before t).

    >>> decayed_sum(np.array([10, 20]), np.array([0, 10]), np.array([1.0, 1.0]), 10.0).tolist()
    [0.5, 0.75]
    """
    q = np.asarray(query_days, dtype=float)
    if len(item_days) == 0:
        return np.zeros(len(q))
    order = np.argsort(item_days, kind="stable")
    d = np.asarray(item_days, dtype=float)[order]
    ref = d[0]
    cum = np.cumsum(np.asarray(contrib, dtype=float)[order] * np.exp2((d - ref) / half_life))
    idx = np.searchsorted(d, q, side="left")
    before = np.where(idx > 0, cum[np.maximum(idx - 1, 0)], 0.0)
    return before * np.exp2(-(q - ref) / half_life)


def _day(d: dt.date) -> int:
    return (d - _EPOCH).days


def signal_scores(commitments: Sequence[Commitment], items: Sequence[SignalItem],
                  options: CredibilityOptions | None = None) -> np.ndarray:
    """The signals score S of each commitment's announcing side (module docstring) from
    ``items`` (of any actors); 0 for a side without items."""
    options = options or CredibilityOptions()
    out = np.zeros(len(commitments))
    table = likelihood_ratios(options.likelihood_ratios, options.spreads)
    by_actor: dict[str, list[SignalItem]] = {}
    for it in items:
        by_actor.setdefault(it.actor, []).append(it)
    groups: dict[tuple[str, str | None], list[int]] = {}
    for i, c in enumerate(commitments):
        groups.setdefault((c.announced_by, c.counterpart), []).append(i)
    for (side, other), idx in groups.items():
        own = [i for i in by_actor.get(side, []) if other is None or i.target in (None, other)]
        if not own:
            continue
        ev = evidence_items(own, options, max(i.date for i in own) + dt.timedelta(days=366))
        w = evidence_weights(ev, options)
        llr = np.log([table[e.indicator][0] for e in ev])
        q = np.array([_day(commitments[i].announced) for i in idx])
        out[idx] = decayed_sum(q, np.array([e.day for e in ev]), w * llr, options.half_life_days)
    return out


def _force_rows(events: EventTable) -> np.ndarray:
    ind = indicators_for_codes(events["cameo"], events["plover_type"], events["plover_mode"])
    kinds = indicators()
    return np.array([i is not None and kinds[i].kind == "force" for i in ind], dtype=bool)


def _haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi, dlmb = p2 - p1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def force_pressure(commitments: Sequence[Commitment], events: EventTable, *,
                   recent_days: int = 7, baseline_days: int = 90,
                   radius_km: float = 100.0) -> np.ndarray:
    """Force pressure of each commitment (module docstring)."""
    out = np.zeros(len(commitments))
    if len(events) == 0:
        return out
    force = _force_rows(events)
    day = np.array(events["date"][force], dtype="datetime64[D]").astype(np.int64)
    a1, a2 = events["actor1_country"][force], events["actor2_country"][force]
    lat, lon = events["latitude"][force], events["longitude"][force]
    for i, c in enumerate(commitments):
        other = c.counterpart
        m = ((a1 == c.announced_by) & ((a2 == other) if other else True)) | \
            ((a2 == c.announced_by) & ((a1 == other) if other else True))
        if c.lat is not None and c.lon is not None:
            near = np.isfinite(lat) & np.isfinite(lon)
            if (m & near).any():
                m = m & near
                m[m] = _haversine_km(c.lat, c.lon, lat[m], lon[m]) <= radius_km
        d = np.sort(day[m])
        t = _day(c.announced)
        n7 = np.searchsorted(d, t, "left") - np.searchsorted(d, t - recent_days, "left")
        nb = (np.searchsorted(d, t - recent_days, "left")
              - np.searchsorted(d, t - recent_days - baseline_days, "left"))
        out[i] = np.log((1 + n7) / (1 + nb * recent_days / baseline_days))
    return out


def features_from_store(commitments: Sequence[Commitment], store: EventStore,
                        options: CredibilityOptions | None = None) -> np.ndarray:
    """(n, 2) features [signals score, force pressure] of each commitment, from events dated
    before the last announcement."""
    options = options or CredibilityOptions()
    if not commitments:
        return np.zeros((0, 2))
    sides = sorted({c.announced_by for c in commitments}
                   | {c.counterpart for c in commitments if c.counterpart})
    last = max(c.announced for c in commitments)
    ev = store.events(actors=sides, date_to=last.isoformat(), columns=COLUMNS)
    items: list[SignalItem] = []
    for side in sorted({c.announced_by for c in commitments}):
        items += items_from_events(ev, side, dedup_days=options.dedup_days)
    return np.column_stack([signal_scores(commitments, items, options),
                            force_pressure(commitments, ev)])
