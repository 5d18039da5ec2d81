"""Read the event store in bulk for commitment features: one query, integer-coded columns.

``detente signals evaluate --events`` needs, for every side, all its events up to the last
announcement (a million rows on a large store). Creating a Python string per field of every
row dominated the time, so the query returns per row only the day (an integer computed by
SQLite), two compact keys and the coordinates:

* ``json_array(actor1_country, actor2_country, cameo, plover_type, plover_mode)`` — few
  distinct values (dyads × codes), decoded once each into actor and indicator codes;
* ``json_array(url head, publisher)`` — the URL cut after the first ``/`` that follows its
  ``//`` (so the host is intact; :func:`detente.signals.items.outlets` gives the same outlet
  for the head as for the whole URL), decoded once per distinct head into an outlet.

Codes are numbered in order of first appearance in the query's row order, as
:func:`detente.signals.items.codes` numbers them, so stories and items come out exactly as
from the string columns. Rows off the evidence ladder (no indicator) are dropped: they are
neither signals nor force.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from detente.signals.items import SignalItem, coded, codes, items_from_reports, outlets
from detente.signals.ladder import indicator_for
from detente.signals.store import EventStore, EventTable

_HEAD = ("CASE WHEN instr(substr(url, instr(url, '//') + 2), '/') > 0 "
         "THEN substr(url, 1, instr(url, '//') + 1 + instr(substr(url, instr(url, '//') + 2), "
         "'/')) ELSE url END")
"""SQL: the URL up to and including the first ``/`` after its first ``//`` (else all of it)."""


def first_seen(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` (integers) numbered by first appearance, and the value of
    each code: the numbering :func:`detente.signals.items.codes` gives, without a Python loop.

    >>> c, v = first_seen(np.array([7, 3, 7, 5]))
    >>> c.tolist(), v.tolist()
    ([0, 1, 0, 2], [7, 3, 5])
    """
    uniq, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(uniq.size)
    return rank[inverse.ravel()], uniq[np.argsort(first, kind="stable")]


def _decode_codes(distinct: list[object]) -> tuple[list[str | None], list[str | None],
                                                 list[str | None]]:
    a1, a2, ind = [], [], []
    for key in distinct:
        x1, x2, c, p, m = json.loads(str(key))
        a1.append(x1)
        a2.append(x2)
        ind.append(indicator_for(None, cameo=c or None, plover=p or None,
                                 plover_mode=m or None))
    return a1, a2, ind


def _object(values: Sequence[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def bulk_events(store: EventStore, sides: Sequence[str], date_to: str) -> EventTable:
    """The columns the features need, for events on the evidence ladder with a source or
    target in ``sides`` up to ``date_to``: ``day`` (days since 1970-01-01), ``actor1_country``,
    ``actor2_country``, ``indicator``, ``outlet`` (the URL's host, else the publisher),
    ``latitude``, ``longitude``, and their integer codes ``actor1_code``, ``actor2_code``,
    ``indicator_code`` (numbered by first appearance; ``actor1_names``, ``actor2_names``
    and ``indicator_names`` name them)."""
    q = ", ".join("?" * len(sides))
    sql = (f"SELECT CAST(julianday(date) - 2440587.5 AS INTEGER), json_array(actor1_country, "
           f"actor2_country, cameo, plover_type, plover_mode), json_array({_HEAD}, publisher), "
           f"latitude, longitude FROM events WHERE "
           f"(actor1_country IN ({q}) OR actor2_country IN ({q})) AND date <= ?")
    rows = store.query(sql, [*sides, *sides, date_to])
    day, key, src, lat, lon = ([r[j] for r in rows] for j in range(5))  # faster than zip(*)
    del rows
    if None in day:  # julianday() of a date 'signals import' never writes
        raise store.bad_value("date", [r[0] for r in store.query(
            "SELECT date FROM events WHERE julianday(date) IS NULL LIMIT 1")])
    for name, values in (("latitude", lat), ("longitude", lon)):
        if any(isinstance(v, (str, bytes)) for v in values):
            raise store.bad_value(name, values)
    kc, kd = coded(key)
    a1k, a2k, indk = _decode_codes(kd)
    sc, sd = coded(src)
    heads = [json.loads(str(s)) for s in sd]
    outk = outlets([h for h, _ in heads], [p for _, p in heads])
    # codes over all rows (as the string columns would be numbered), then the ladder rows
    names = sorted({n for n in a1k + a2k if n is not None}) + [None]  # type: ignore[type-var]
    ix = {n: k for k, n in enumerate(names)}
    a1c, a1v = first_seen(np.array([ix[n] for n in a1k], dtype=np.int64)[kc])
    a2c, a2v = first_seen(np.array([ix[n] for n in a2k], dtype=np.int64)[kc])
    ind_names = sorted({i for i in indk if i is not None}) + [None]  # type: ignore[type-var]
    ii = {n: k for k, n in enumerate(ind_names)}
    ic, iv = first_seen(np.array([ii[i] for i in indk], dtype=np.int64)[kc])
    keep = np.flatnonzero(np.array([i is not None for i in indk], dtype=bool)[kc])
    actor_names = _object(names)
    out = {"day": np.array(day, dtype=np.int64)[keep],
           "actor1_code": a1c[keep], "actor2_code": a2c[keep], "indicator_code": ic[keep],
           "actor1_names": actor_names[a1v], "actor2_names": actor_names[a2v],
           "indicator_names": _object(ind_names)[iv],
           "outlet": outk[sc[keep]],
           "latitude": np.array(lat, dtype=float)[keep],
           "longitude": np.array(lon, dtype=float)[keep]}
    out["actor1_country"] = out["actor1_names"][out["actor1_code"]]
    out["actor2_country"] = out["actor2_names"][out["actor2_code"]]
    out["indicator"] = out["indicator_names"][out["indicator_code"]]
    out["line"] = out["day"]  # EventTable's length
    return EventTable(out)


def bulk_items(events: EventTable, sides: Sequence[str], dedup_days: int) -> list[SignalItem]:
    """Items of each of ``sides`` from :func:`bulk_events` (no per-event refs; one report per
    event)."""
    if "actor1_code" in events.columns:
        ct, ci, src = events["actor2_code"], events["indicator_code"], events["actor1_code"]
        seen = {n: k for k, n in enumerate(events["actor1_names"]) if n is not None}
    else:
        ct, ci = codes(events["actor2_country"]), codes(events["indicator"])
        seen = {}
        src = np.array([seen.setdefault(a, len(seen)) for a in events["actor1_country"]],
                       dtype=np.int64)
    ind_all = events["indicator"]
    keys = ct * (int(ci.max(initial=0)) + 1) + ci
    order = np.argsort(src, kind="stable")
    bounds = np.searchsorted(src[order], np.arange(len(seen) + 1))
    items: list[SignalItem] = []
    for side in sides:
        k = seen.get(side)
        rows = order[bounds[k]:bounds[k + 1]] if k is not None else np.zeros(0, dtype=np.int64)
        if rows.size and "actor1_code" not in events.columns:  # bulk_events kept ladder rows
            rows = rows[np.array([i is not None for i in ind_all[rows]], dtype=bool)]
        if rows.size == 0:
            continue
        items += items_from_reports(
            side, events["day"][rows], events["actor2_country"][rows], ind_all[rows],
            events["outlet"][rows], rows, None, np.full(rows.size, None, dtype=object),
            dedup_days=dedup_days, keys=keys[rows])
    return items
