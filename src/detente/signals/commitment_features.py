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
from detente.signals.items import SignalItem, codes, items_from_reports, outlets
from detente.signals.ladder import (
    indicator_for,
    indicators,
    indicators_for_codes,
    likelihood_ratios,
)
from detente.signals.store import EventStore, EventTable

_EPOCH = dt.date(1970, 1, 1)
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
    ind = (events["indicator"] if "indicator" in events.columns else
           indicators_for_codes(events["cameo"], events["plover_type"], events["plover_mode"]))
    kinds = indicators()
    force = {k for k, v in kinds.items() if v.kind == "force"}
    return np.array([i in force for i in ind], dtype=bool)


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
    if len(events) == 0 or not commitments:
        return out
    force = np.flatnonzero(_force_rows(events))
    day = (events["day"][force] if "day" in events.columns else
           np.array(events["date"][force], dtype="datetime64[D]").astype(np.int64))
    names, code = np.unique(np.r_[events["actor1_country"][force].astype(str),
                                  events["actor2_country"][force].astype(str)],
                            return_inverse=True)
    a1, a2 = code[:force.size], code[force.size:]
    lo, hi = np.minimum(a1, a2), np.maximum(a1, a2)
    lat, lon = events["latitude"][force], events["longitude"][force]
    ix = {str(n): k for k, n in enumerate(names)}
    by_day = np.argsort(day, kind="stable")
    day, a1, a2, lo, hi = day[by_day], a1[by_day], a2[by_day], lo[by_day], hi[by_day]
    lat, lon = lat[by_day], lon[by_day]
    t_all = np.array([_day(c.announced) for c in commitments])
    dyads: dict[tuple[int, int], np.ndarray] = {}
    for i, c in enumerate(commitments):
        a, b = ix.get(c.announced_by), ix.get(c.counterpart or "")
        if a is None or (c.counterpart and b is None):
            continue
        if b is None:  # no counterpart: the side's force toward anyone
            rows = np.flatnonzero((a1 == a) | (a2 == a))
        else:
            key = (min(a, b), max(a, b))
            if key not in dyads:
                dyads[key] = np.flatnonzero((lo == key[0]) & (hi == key[1]))
            rows = dyads[key]
        t = int(t_all[i])
        rows = rows[np.searchsorted(day[rows], t - recent_days - baseline_days, "left"):
                    np.searchsorted(day[rows], t, "left")]  # rows are in day order
        if c.lat is not None and c.lon is not None:
            near = rows[np.isfinite(lat[rows]) & np.isfinite(lon[rows])]
            if near.size:
                rows = near[_haversine_km(c.lat, c.lon, lat[near], lon[near]) <= radius_km]
        d = day[rows]
        n7 = np.searchsorted(d, t, "left") - np.searchsorted(d, t - recent_days, "left")
        nb = (np.searchsorted(d, t - recent_days, "left")
              - np.searchsorted(d, t - recent_days - baseline_days, "left"))
        out[i] = np.log((1 + n7) / (1 + nb * recent_days / baseline_days))
    return out


def bulk_events(store: EventStore, sides: Sequence[str], date_to: str) -> EventTable:
    """The columns the features need, for events with a source or target in ``sides`` up to
    ``date_to``: ``day`` (days since 1970-01-01, computed by SQLite) and ``outlet``
    (:func:`detente.signals.items.outlet` of the URL, else the publisher)."""
    q = ", ".join("?" * len(sides))
    sql = (f"SELECT CAST(julianday(date) - 2440587.5 AS INTEGER), actor1_country, "
           f"actor2_country, coalesce(cameo, '') || '|' || coalesce(plover_type, '') || '|' || "
           f"coalesce(plover_mode, ''), latitude, longitude, url, publisher FROM events WHERE "
           f"(actor1_country IN ({q}) OR actor2_country IN ({q})) AND date <= ?")
    rows = store.conn.execute(sql, [*sides, *sides, date_to]).fetchall()
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    names = ("day", "actor1_country", "actor2_country", "codes", "latitude", "longitude", "url",
             "publisher")
    out: dict[str, np.ndarray] = {}
    for name, values in zip(names, cols, strict=True):
        if name == "day":
            out[name] = np.array(values, dtype=np.int64)
        elif name in ("latitude", "longitude"):
            out[name] = np.array(values, dtype=float)  # None -> nan
        else:
            out[name] = np.array(values, dtype=object)
    look: dict[str, str | None] = {}
    for key in set(out["codes"]):
        c, p, m = (v or None for v in str(key).split("|"))
        look[key] = indicator_for(None, cameo=c, plover=p, plover_mode=m)
    out["indicator"] = np.array([look[k] for k in out.pop("codes")], dtype=object)
    out["outlet"] = outlets(list(out.pop("url")), list(out.pop("publisher")))
    out["line"] = out["day"]  # EventTable's length
    return EventTable(out)


def bulk_items(events: EventTable, sides: Sequence[str], dedup_days: int) -> list[SignalItem]:
    """Items of each of ``sides`` from :func:`bulk_events` (no per-event refs; one report per
    event)."""
    ind_all = events["indicator"]
    ct, ci = codes(events["actor2_country"]), codes(ind_all)
    keys = ct * (int(ci.max(initial=0)) + 1) + ci
    seen: dict[object, int] = {}
    src = np.array([seen.setdefault(a, len(seen)) for a in events["actor1_country"]])
    order = np.argsort(src, kind="stable")
    bounds = np.searchsorted(src[order], np.arange(len(seen) + 1))
    items: list[SignalItem] = []
    for side in sides:
        k = seen.get(side)
        rows = order[bounds[k]:bounds[k + 1]] if k is not None else np.zeros(0, dtype=np.int64)
        rows = rows[np.array([i is not None for i in ind_all[rows]], dtype=bool)] \
            if rows.size else rows
        if rows.size == 0:
            continue
        items += items_from_reports(
            side, events["day"][rows], events["actor2_country"][rows], ind_all[rows],
            events["outlet"][rows], rows, None, np.full(rows.size, None, dtype=object),
            dedup_days=dedup_days, keys=keys[rows])
    return items


def store_events(commitments: Sequence[Commitment], store: EventStore) -> EventTable:
    """:func:`bulk_events` of every side and counterpart, up to the last announcement."""
    sides = sorted({c.announced_by for c in commitments}
                   | {c.counterpart for c in commitments if c.counterpart})
    last = max((c.announced for c in commitments), default=dt.date(1970, 1, 1))
    return bulk_events(store, sides, last.isoformat())


def features(commitments: Sequence[Commitment], items: Sequence[SignalItem],
             events: EventTable, options: CredibilityOptions | None = None) -> np.ndarray:
    """(n, 2) features [signals score, force pressure] of each commitment from the sides'
    ``items`` and the force ``events``."""
    options = options or CredibilityOptions()
    if not commitments:
        return np.zeros((0, 2))
    return np.column_stack([signal_scores(commitments, items, options),
                            force_pressure(commitments, events)])


def features_from_store(commitments: Sequence[Commitment], store: EventStore,
                        options: CredibilityOptions | None = None) -> np.ndarray:
    """(n, 2) features [signals score, force pressure] of each commitment, from events dated
    up to the last announcement (each feature uses only those before its own)."""
    options = options or CredibilityOptions()
    ev = store_events(commitments, store)
    items = bulk_items(ev, sorted({c.announced_by for c in commitments}), options.dedup_days)
    return features(commitments, items, ev, options)
