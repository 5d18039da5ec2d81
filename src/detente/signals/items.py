"""Evidence items: coded events and analyst signals, de-duplicated and weighted by sources.

SIGNALS.md: one article is often expanded into a dozen dyadic events, and a single row should
never move a judgement. So rows become *items*: all reports of the same indicator by the same
actor toward the same target within one period (``dedup_days``) are one item. Within an item,
reports with the same URL or story are one report, and the item's *independent sources* are
the distinct outlets (URL domain, publisher, analyst source id, GDELT mention sources). The
item's weight is ``min(1, n_sources / full_sources)``: one outlet counts 1/3 by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

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

    @property
    def day(self) -> int:
        """Days since 1970-01-01."""
        return (self.date - _EPOCH).days


def outlet(url: str | None, publisher: str | None = None) -> str | None:
    """The outlet behind a report: the URL's host without ``www.``, else the publisher."""
    if url:
        host = urlparse(url).netloc.lower()
        if host.startswith("www."):
            host = host[4:]
        if host:
            return host
    return publisher or None


def _bucket(day: int, dedup_days: int) -> int:
    return day // max(1, dedup_days)


def items_from_events(events: EventTable, actor: str, *, dedup_days: int = 7,
                      mention_sources: dict[str, set[str]] | None = None) -> list[SignalItem]:
    """Items from coded events whose source actor (country or code) is ``actor``."""
    if len(events) == 0:
        return []
    is_actor = (events["actor1_country"] == actor) | (events["actor1"] == actor)
    ind = indicators_for_codes(events["cameo"], events["plover_type"], events["plover_mode"])
    keep = np.flatnonzero(is_actor & np.array([i is not None for i in ind], dtype=bool))
    if keep.size == 0:
        return []
    days = np.array([(dt.date.fromisoformat(d) - _EPOCH).days for d in events["date"][keep]])
    targets = events["actor2_country"][keep]
    keys = np.array([f"{_bucket(int(d), dedup_days)}|{t or ''}|{i}"
                     for d, t, i in zip(days, targets, ind[keep], strict=True)])
    _, group = np.unique(keys, return_inverse=True)
    out = []
    for g in range(group.max() + 1):
        rows = keep[group == g]
        first = rows[0]
        reports: set[str] = set()
        outlets: set[str] = set()
        for r in rows:
            url, story = events["url"][r], events["story_id"][r]
            reports.add(url or story or f"{events['source_sha256'][r]}:{events['line'][r]}")
            o = outlet(url, events["publisher"][r])
            if o:
                outlets.add(o)
            if mention_sources:
                outlets |= mention_sources.get(str(events["event_id"][r]), set())
        refs = tuple(f"{events['source_file'][r]}:{events['line'][r]}" for r in rows)
        date = dt.date.fromisoformat(min(events["date"][rows]))
        out.append(SignalItem(date, actor, events["actor2_country"][first] or None,
                              str(ind[first]), tuple(sorted(outlets)) or ("unknown",), refs,
                              n_reports=len(reports)))
    return out


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
                      n_reports=len(stories))


def merge_items(items: Sequence[SignalItem], dedup_days: int = 7) -> list[SignalItem]:
    """Merge items that report the same indicator by the same actor toward the same target in
    the same period (e.g. a coded event and an analyst's quote of the same pledge)."""
    groups: dict[tuple[int, str, str | None, str], list[SignalItem]] = {}
    for it in items:
        key = (_bucket(it.day, dedup_days), it.actor, it.target, it.indicator)
        groups.setdefault(key, []).append(it)
    out = []
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        out.append(SignalItem(
            min(g.date for g in group), group[0].actor, group[0].target, group[0].indicator,
            tuple(sorted({s for g in group for s in g.sources})),
            tuple(r for g in group for r in g.refs), tuple(q for g in group for q in g.quotes),
            any(g.verified for g in group), sum(g.n_reports for g in group)))
    return sorted(out, key=lambda i: (i.date, i.indicator, i.refs))


def source_weights(items: Sequence[SignalItem], full_sources: int = 3) -> np.ndarray:
    """Weight of each item: ``min(1, independent sources / full_sources)``."""
    n = np.array([len(set(i.sources) - {"unknown"}) or 1 for i in items], dtype=float)
    return np.minimum(1.0, n / float(full_sources))


def rung(indicator: str) -> int:
    return indicators()[indicator].rung
