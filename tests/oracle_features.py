"""Reference implementations of the commitment features as they were before the bulk reader
(commit cfa11b1): a Python loop over commitments for the force pressure, string columns and
one regular expression per URL for the events, a Python loop over stories for the items.
Tests check the vectorised path against them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np

from detente.signals.commitments import Commitment
from detente.signals.items import SignalItem, codes, outlets, story_ids
from detente.signals.ladder import indicator_for, indicators, indicators_for_codes
from detente.signals.store import EventStore, EventTable

_EPOCH = dt.date(1970, 1, 1)


def _day(d: dt.date) -> int:
    return (d - _EPOCH).days


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


def items_from_reports(actor: str, days: np.ndarray, targets: np.ndarray, ind: np.ndarray,
                       outlets: np.ndarray, reports: np.ndarray, refs: np.ndarray | None,
                       factions: np.ndarray, *, dedup_days: int = 7,
                       mention_sources: dict[str, set[str]] | None = None,
                       event_ids: np.ndarray | None = None,
                       keys: np.ndarray | None = None) -> list[SignalItem]:
    """Items (one per story) from per-report arrays of ``actor``'s events on the ladder:
    day numbers, targets, indicators, outlets, report keys, ``file:line`` refs (or None) and
    factions (the core of :func:`items_from_events`, for bulk callers that read the store
    their own way). ``keys``: integer codes of (target, indicator, faction) if the caller
    has them."""
    if len(days) == 0:
        return []
    if keys is None:
        ct, ci, cf = codes(targets), codes(ind), codes(factions)
        keys = (ct * (int(ci.max()) + 1) + ci) * (int(cf.max()) + 1) + cf
    group = story_ids(keys, days, dedup_days)
    order = np.lexsort((days, group))
    bounds = np.flatnonzero(np.concatenate(([True], np.diff(group[order]) != 0, [True])))
    out = []
    for a, b in itertools.pairwise(bounds):
        sel = order[a:b]
        srcs = {o for o in outlets[sel] if o}
        if event_ids is not None and mention_sources:
            for e in event_ids[sel]:
                srcs |= mention_sources.get(str(e), set())
        ds = days[sel]  # sorted within the story
        rd = tuple(ds[np.concatenate(([True], ds[1:] != ds[:-1]))].tolist())
        out.append(SignalItem(_EPOCH + dt.timedelta(days=rd[0]), actor, targets[sel[0]] or None,
                              str(ind[sel[0]]), tuple(sorted(srcs)) or ("unknown",),
                              tuple(refs[sel]) if refs is not None else (),
                              n_reports=len(set(reports[sel])), report_days=rd,
                              faction=factions[sel[0]]))
    return sorted(out, key=lambda i: (i.date, i.indicator, i.refs))
