"""Evidence items: coded events and analyst signals, de-duplicated and weighted by sources.

SIGNALS.md: one article is often expanded into a dozen dyadic events, and a single row should
never move a judgement. So rows become *items*, one per **story**: reports of the same
indicator (code family) by the same actor toward the same target, each at most ``dedup_days``
after the previous one (single-linkage in time, so a story does not depend on where a calendar
week starts). Within an item, reports with the same URL or story id are one report, and the
item's *independent sources* are the distinct outlets (URL domain, publisher, analyst source
id, GDELT mention sources). The item's weight is ``min(1, n_sources / full_sources)``: one
outlet counts 1/3 by default. Each item keeps the days of all its reports (``report_days``),
so reneging is tested against every day force was reported, not only a story's first day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from detente.signals.evidence import AnalystSignal, SignalCase
from detente.signals.ladder import indicators, indicators_for_codes
from detente.signals.store import EventTable

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class SignalItem:
    """One piece of evidence about ``actor``'s sincerity.

    ``sources`` are the independent outlets; ``refs`` point at what supports it (``file:line``
    of coded events, analyst signal ids); ``quotes`` the analyst quotes, if any.
    """

    date: dt.date
    actor: str
    target: str | None
    indicator: str
    sources: tuple[str, ...]
    refs: tuple[str, ...]
    quotes: tuple[str, ...] = ()
    verified: bool = False
    n_reports: int = 1
    report_days: tuple[int, ...] = ()
    faction: str | None = None

    @property
    def day(self) -> int:
        """Days since 1970-01-01."""
        return (self.date - _EPOCH).days

    @property
    def days(self) -> tuple[int, ...]:
        """Every day (since 1970-01-01) a report of this item fell on, sorted."""
        return self.report_days or (self.day,)


_HOST = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//([^/?#\n]*)[^\n]*$|^[^\n]*$", re.M)


def outlets(urls: Sequence[str | None], publishers: Sequence[str | None]) -> np.ndarray:
    """:func:`outlet` of many reports at once (one regular-expression pass over all URLs):
    the host of ``scheme://host/...`` or ``//host/...`` URLs without ``www.``, else the
    publisher, else None."""
    text = "\n".join((u or "").replace("\n", " ") for u in urls).lower()
    hosts = _HOST.findall(text) if urls else []
    out = np.empty(len(hosts), dtype=object)
    out[:] = [(h[4:] if h.startswith("www.") else h) or p or None
              for h, p in zip(hosts, publishers, strict=True)]
    return out


def outlet(url: str | None, publisher: str | None = None) -> str | None:
    """The outlet behind a report: the URL's host (``netloc``) without ``www.``, else the
    publisher.

    >>> outlet("https://www.reuters.com/world/"), outlet(None, "AFP")
    ('reuters.com', 'AFP')
    """
    return outlets([url], [publisher])[0]


def story_ids(keys: np.ndarray, days: np.ndarray, gap_days: int) -> np.ndarray:
    """Story number of each report: reports with equal ``keys`` (actor, target, indicator)
    chained while consecutive days are at most ``gap_days`` apart. Vectorised; the numbering
    follows (key, day) order.

    >>> story_ids(np.array(["a", "a", "a", "b"]), np.array([0, 3, 9, 1]), 3).tolist()
    [0, 0, 1, 2]
    """
    if len(keys) == 0:
        return np.empty(0, dtype=np.int64)
    _, k = np.unique(keys, return_inverse=True)
    order = np.lexsort((days, k))
    ks, ds = k[order], days[order]
    new = np.ones(len(ks), dtype=bool)
    new[1:] = (ks[1:] != ks[:-1]) | (ds[1:] - ds[:-1] > max(0, gap_days))
    out = np.empty(len(ks), dtype=np.int64)
    out[order] = np.cumsum(new) - 1
    return out


def _distinct(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (a sort: NumPy 2's hash-based ``unique``
    is ten times slower on a million distinct integers)."""
    x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if x.size else x


def _column(events: EventTable, name: str, idx: np.ndarray) -> np.ndarray:
    col = events.columns.get(name)
    return col[idx] if col is not None else np.full(idx.size, None, dtype=object)


def coded(values: Iterable[object]) -> tuple[np.ndarray, list[object]]:
    """Integer codes of ``values`` numbered by first appearance, and the distinct values in
    code order (a dict, no sorting; the loops run in C: ``dict.fromkeys`` keeps
    first-appearance order)."""
    vals = values if isinstance(values, list | tuple | np.ndarray) else list(values)
    seen: dict[object, int] = dict.fromkeys(vals, 0)
    for k, key in enumerate(seen):
        seen[key] = k
    return (np.fromiter(map(seen.__getitem__, vals), dtype=np.int64, count=len(vals)),
            list(seen))


def codes(values: Iterable[object]) -> np.ndarray:
    """Integer codes of distinct values, numbered by first appearance (:func:`coded`)."""
    return coded(values)[0]


def items_from_events(events: EventTable, actor: str, *, dedup_days: int = 7,
                      mention_sources: dict[str, set[str]] | None = None,
                      faction_of: np.ndarray | None = None,
                      with_refs: bool = True) -> list[SignalItem]:
    """Items (one per story) from coded events whose source actor (country or code) is
    ``actor``; ``faction_of`` (per event, e.g. from
    :func:`detente.signals.factions.faction_of_events`) attributes events to factions, which
    then form their own stories. Optional columns (``story_id``, ``publisher``,
    ``source_sha256``, ``event_id``) may be absent from ``events``; ``with_refs=False`` skips
    the per-event ``file:line`` references (for bulk scoring, where no report shows them)."""
    if len(events) == 0:
        return []
    rows = np.flatnonzero((events["actor1_country"] == actor) | (events["actor1"] == actor))
    ind = indicators_for_codes(events["cameo"][rows], events["plover_type"][rows],
                               events["plover_mode"][rows])
    on = np.array([i is not None for i in ind], dtype=bool)
    keep, ind = rows[on], ind[on]
    if keep.size == 0:
        return []
    days = np.array(events["date"][keep], dtype="datetime64[D]").astype(np.int64)
    targets = events["actor2_country"][keep]
    fac = faction_of[keep] if faction_of is not None else np.full(keep.size, None)
    urls, stories = events["url"][keep], _column(events, "story_id", keep)
    pubs, shas = _column(events, "publisher", keep), _column(events, "source_sha256", keep)
    lines, files = events["line"][keep], events["source_file"][keep]
    report = np.array([u or s or f"{h}:{n}" for u, s, h, n in
                       zip(urls, stories, shas, lines, strict=True)], dtype=object)
    outs = outlets(list(urls), list(pubs))
    refs = np.array([f"{f}:{n}" for f, n in zip(files, lines, strict=True)] if with_refs
                    else [""] * keep.size, dtype=object)
    eids = _column(events, "event_id", keep) if mention_sources else None
    return items_from_reports(actor, days, targets, ind, outs, report,
                              refs if with_refs else None, fac, dedup_days=dedup_days,
                              mention_sources=mention_sources, event_ids=eids)


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
    if event_ids is not None and mention_sources:
        return _items_with_mentions(actor, days, targets, ind, outlets, reports, refs,
                                    factions, order, bounds, mention_sources, event_ids)
    n = len(bounds) - 1
    first = order[bounds[:-1]]
    gs, ds = group[order], days[order]  # (story, day) order
    # distinct report days of each story
    new_day = np.ones(len(ds), dtype=bool)
    new_day[1:] = (gs[1:] != gs[:-1]) | (ds[1:] != ds[:-1])
    rd_all, rd_at = ds[new_day].tolist(), np.searchsorted(gs[new_day], np.arange(n + 1))
    # distinct outlets of each story, alphabetical (outlets ranked by name)
    distinct = set(outlets)
    names = sorted(o for o in distinct if o)
    rank = dict.fromkeys(distinct, -1) | {o: k for k, o in enumerate(names)}
    oc = np.fromiter(map(rank.__getitem__, outlets), dtype=np.int64, count=len(outlets))
    has = oc >= 0
    pairs = _distinct(group[has] * (len(names) + 1) + oc[has])
    pg, po = pairs // (len(names) + 1), pairs % (len(names) + 1)
    src_all, src_at = [names[k] for k in po.tolist()], np.searchsorted(pg, np.arange(n + 1))
    # distinct reports of each story
    rcode = (np.unique(reports, return_inverse=True)[1].ravel()
             if reports.dtype.kind in "iu" else codes(reports))
    rpairs = _distinct(group * (int(rcode.max()) + 1) + rcode)
    n_rep = np.bincount(rpairs // (int(rcode.max()) + 1), minlength=n).tolist()
    ref_all = refs[order].tolist() if refs is not None else None
    out = []
    for j in range(n):
        rd = tuple(rd_all[rd_at[j]:rd_at[j + 1]])
        k = first[j]
        out.append(SignalItem(_EPOCH + dt.timedelta(days=rd[0]), actor, targets[k] or None,
                              str(ind[k]), tuple(src_all[src_at[j]:src_at[j + 1]]) or
                              ("unknown",),
                              tuple(ref_all[bounds[j]:bounds[j + 1]]) if ref_all is not None
                              else (), n_reports=n_rep[j], report_days=rd,
                              faction=factions[k]))
    return sorted(out, key=lambda i: (i.date, i.indicator, i.refs))


def _items_with_mentions(actor: str, days: np.ndarray, targets: np.ndarray, ind: np.ndarray,
                         outlets: np.ndarray, reports: np.ndarray, refs: np.ndarray | None,
                         factions: np.ndarray, order: np.ndarray, bounds: np.ndarray,
                         mention_sources: dict[str, set[str]],
                         event_ids: np.ndarray) -> list[SignalItem]:
    """:func:`items_from_reports` when GDELT mention sources add to each story's outlets."""
    out = []
    for a, b in itertools.pairwise(bounds):
        sel = order[a:b]
        srcs = {o for o in outlets[sel] if o}
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


def items_from_case(case: SignalCase, actor: str) -> list[SignalItem]:
    """Items from analyst signals of ``actor``; sources are the distinct quoted sources
    (one source quoted twice, or two quotes of the same URL/story, count once)."""
    out = []
    for s in case.signals:
        if s.actor != actor:
            continue
        out.append(_item(s))
    return out


def _item(s: AnalystSignal) -> SignalItem:
    stories = {q.url or q.story or q.source for q in s.evidence}
    outlets = {q.outlet or outlet(q.url) or q.source for q in s.evidence}
    return SignalItem(s.date, s.actor, s.target, s.indicator, tuple(sorted(outlets)),
                      (f"signal:{s.id}",), tuple(q.quote for q in s.evidence), s.verified,
                      n_reports=len(stories), faction=s.faction)


def merge_items(items: Sequence[SignalItem], dedup_days: int = 7) -> list[SignalItem]:
    """Merge items that report the same indicator by the same actor (and faction) toward the
    same target with report days at most ``dedup_days`` apart (e.g. a coded event and an
    analyst's quote of the same pledge)."""
    if not items:
        return []
    keys = np.array([f"{i.actor}|{i.faction or ''}|{i.target or ''}|{i.indicator}"
                     for i in items])
    starts = np.array([i.days[0] for i in items])
    ends = np.array([i.days[-1] for i in items])
    order = np.lexsort((starts, keys))
    groups: list[list[SignalItem]] = []
    last_key, last_end = None, 0
    for j in order:
        if keys[j] == last_key and starts[j] - last_end <= dedup_days:
            groups[-1].append(items[j])
            last_end = max(last_end, int(ends[j]))
        else:
            groups.append([items[j]])
            last_key, last_end = keys[j], int(ends[j])
    out = []
    for group in groups:
        if len(group) == 1:
            out.append(group[0])
            continue
        rd = tuple(sorted({d for g in group for d in g.days}))
        out.append(SignalItem(
            min(g.date for g in group), group[0].actor, group[0].target, group[0].indicator,
            tuple(sorted({s for g in group for s in g.sources})),
            tuple(r for g in group for r in g.refs), tuple(q for g in group for q in g.quotes),
            any(g.verified for g in group), sum(g.n_reports for g in group), rd,
            group[0].faction))
    return sorted(out, key=lambda i: (i.date, i.indicator, i.refs))


def source_weights(items: Sequence[SignalItem], full_sources: int = 3) -> np.ndarray:
    """Weight of each item: ``min(1, independent sources / full_sources)``."""
    n = np.array([len(set(i.sources) - {"unknown"}) or 1 for i in items], dtype=float)
    return np.minimum(1.0, n / float(full_sources))


def rung(indicator: str) -> int:
    return indicators()[indicator].rung
