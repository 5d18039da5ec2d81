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

from detente.signals.bulk import bulk_events, bulk_items
from detente.signals.commitments import Commitment
from detente.signals.credibility import CredibilityOptions, evidence_items, evidence_weights
from detente.signals.items import SignalItem
from detente.signals.ladder import indicators, indicators_for_codes, likelihood_ratios
from detente.signals.store import EventStore, EventTable

__all__ = ["bulk_events", "bulk_items", "decayed_sum", "features", "features_from_store",
           "force_pressure", "signal_scores", "store_events"]

_EPOCH = dt.date(1970, 1, 1)
_EARTH_KM = 6371.0  # mean Earth radius of the haversine distance

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


def _haversine_km(lat: np.ndarray | float, lon: np.ndarray | float, lats: np.ndarray,
                  lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi, dlmb = p2 - p1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _force_days(events: EventTable) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                              dict[str, int]]:
    """Force rows sorted by day: (row indices, days, actor codes (2, n)) and the code of each
    actor name."""
    if "indicator_code" in events.columns:  # from bulk_events: integer codes
        kinds = indicators()
        force = np.flatnonzero(np.array([n is not None and kinds[n].kind == "force" for n in
                                         events["indicator_names"]], dtype=bool)[
            events["indicator_code"]])
        n1, n2 = events["actor1_names"], events["actor2_names"]
        names = np.unique(np.r_[n1.astype(str), n2.astype(str)])
        to1, to2 = np.searchsorted(names, n1.astype(str)), np.searchsorted(names, n2.astype(str))
        code = np.r_[to1[events["actor1_code"][force]], to2[events["actor2_code"][force]]]
        day = events["day"][force]
    else:
        force = np.flatnonzero(_force_rows(events))
        day = (events["day"][force] if "day" in events.columns else
               np.array(events["date"][force], dtype="datetime64[D]").astype(np.int64))
        names, code = np.unique(np.r_[events["actor1_country"][force].astype(str),
                                      events["actor2_country"][force].astype(str)],
                                return_inverse=True)
    by_day = np.argsort(day, kind="stable")
    ab = code.ravel().reshape(2, force.size)[:, by_day]
    return force[by_day], day[by_day], ab, {str(n): k for k, n in enumerate(names)}


def _windows(commitments: Sequence[Commitment], day: np.ndarray, ab: np.ndarray,
             ix: dict[str, int], lo_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions (into the day-sorted force rows) of each commitment's dyad events in
    [t - lo_days, t), and the commitment each belongs to."""
    a1, a2 = ab
    lo_ab, hi_ab = np.minimum(a1, a2), np.maximum(a1, a2)
    groups: dict[tuple[int, int], list[int]] = {}
    for i, c in enumerate(commitments):
        a, b = ix.get(c.announced_by), ix.get(c.counterpart or "")
        if a is None or (c.counterpart and b is None):
            continue
        groups.setdefault((a, -1) if b is None else (min(a, b), max(a, b)), []).append(i)
    pos, own = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for (a, b), idx in groups.items():
        rows = (np.flatnonzero((a1 == a) | (a2 == a)) if b < 0  # the side toward anyone
                else np.flatnonzero((lo_ab == a) & (hi_ab == b)))
        t = np.array([_day(commitments[i].announced) for i in idx], dtype=np.int64)
        lo = np.searchsorted(day[rows], t - lo_days, "left")
        n = np.searchsorted(day[rows], t, "left") - lo
        owner = np.repeat(np.array(idx, dtype=np.int64), n)
        start = np.repeat(lo - (np.cumsum(n) - n), n)  # offset of each commitment's window
        pos.append(rows[start + np.arange(owner.size)])
        own.append(owner)
    return np.concatenate(pos), np.concatenate(own)


def force_pressure(commitments: Sequence[Commitment], events: EventTable, *,
                   recent_days: int = 7, baseline_days: int = 90,
                   radius_km: float = 100.0) -> np.ndarray:
    """Force pressure of each commitment (module docstring), for all commitments in one
    array pass: the force events of each commitment's window [t - 97, t) are gathered flat,
    filtered by distance, and counted per commitment with ``bincount``."""
    out = np.zeros(len(commitments))
    if len(events) == 0 or not commitments:
        return out
    rows, day, ab, ix = _force_days(events)
    pos, own = _windows(commitments, day, ab, ix, recent_days + baseline_days)
    t = np.array([_day(c.announced) for c in commitments], dtype=np.int64)
    clat = np.array([np.nan if c.lat is None or c.lon is None else c.lat
                     for c in commitments], dtype=float)
    clon = np.array([np.nan if c.lat is None or c.lon is None else c.lon
                     for c in commitments], dtype=float)
    lat, lon = events["latitude"][rows[pos]], events["longitude"][rows[pos]]
    coded = np.isfinite(lat) & np.isfinite(lon)
    placed = np.isfinite(clat[own])
    # a commitment with coordinates keeps only the coded events within the radius, unless
    # none of its window's events has coordinates (then all count)
    any_coded = np.bincount(own[coded & placed], minlength=len(commitments)) > 0
    use = placed & any_coded[own]
    near = np.zeros(pos.size, dtype=bool)
    # great-circle distance >= the latitude difference along a meridian: a conservative
    # band (with a 1e-9 relative margin) spares the trigonometry for events surely too far
    band = np.degrees(radius_km / _EARTH_KM) * (1 + 1e-9)
    sel = np.flatnonzero(use & coded)
    sel = sel[np.abs(lat[sel] - clat[own[sel]]) <= band]
    near[sel] = _haversine_km(clat[own[sel]], clon[own[sel]], lat[sel], lon[sel]) <= radius_km
    keep = np.where(use, near, True)
    d, tt = day[pos], t[own]
    n7 = np.bincount(own, weights=keep & (d >= tt - recent_days), minlength=len(commitments))
    nb = np.bincount(own, weights=keep & (d < tt - recent_days), minlength=len(commitments))
    return np.log((1 + n7) / (1 + nb * recent_days / baseline_days))


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
