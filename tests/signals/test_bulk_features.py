"""The bulk store reader and the vectorised force pressure give what the reference
implementations (before the speed-up, ``tests/oracle_features.py``) give, to the bit."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oracle_features as ref
from detente.signals import commitment_features as cf
from detente.signals.bulk import _HEAD, first_seen
from detente.signals.commitments import Commitment
from detente.signals.credibility import CredibilityOptions
from detente.signals.items import (
    SignalItem,
    codes,
    items_from_events,
    items_from_reports,
    outlets,
)
from detente.signals.store import EventStore
from helpers_signals import event_table, store_rows

SIDES = ("RUS", "UKR", "ARM", "AZE", "GEO")
CODES = ("010", "036", "040", "0841", "106", "125", "138", "190", "193", "196", "999", None)
URLS = ("https://www.a.example/x/{k}", "http://B.example/{k}", "//c.example/{k}",
        "https://d.example?q={k}", "https://e.example", "notaurl{k}", "ftp+x://f.example/{k}",
        "HTTPS://WWW.G.example/{k}#f", "s3:/h.example/{k}", None)


def _rows(rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    rows = []
    for k in range(n):
        a, b = rng.choice(len(SIDES), 2, replace=False)
        code = CODES[rng.integers(len(CODES))]
        url = URLS[rng.integers(len(URLS))]
        placed = rng.random() < 0.7
        rows.append(dict(
            date=(dt.date(2022, 1, 1) + dt.timedelta(days=int(rng.integers(0, 200)))).isoformat(),
            cameo=code, actor1=SIDES[a], actor1_country=SIDES[a], actor2=SIDES[b],
            actor2_country=SIDES[b] if rng.random() < 0.95 else "TUR",
            plover_type="ASSAULT" if code is None and rng.random() < 0.5 else None,
            url=url.format(k=k) if url else None,
            publisher=None if rng.random() < 0.5 else f"Pub{rng.integers(3)}",
            latitude=float(rng.uniform(46, 49)) if placed else None,
            longitude=float(rng.uniform(35, 39)) if placed else None))
    return rows  # dates in random order: the store's row order is not its date order


def _commitments(rng: np.random.Generator, n: int) -> list[Commitment]:
    out = []
    for k in range(n):
        a, b = rng.choice(len(SIDES), 2, replace=False)
        t = dt.date(2022, 1, 1) + dt.timedelta(days=int(rng.integers(0, 210)))
        placed = k % 3 == 0
        out.append(Commitment(
            f"c{k}", SIDES[a], None if k % 7 == 0 else ("SYR" if k % 11 == 0 else SIDES[b]),
            "truce", t, t, None, None, float(rng.uniform(46, 49)) if placed else None,
            float(rng.uniform(35, 39)) if placed else None, "kept", "s"))
    return sorted(out, key=lambda c: (c.announced, c.id))


@pytest.fixture(scope="module")
def constructed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Commitment]]:
    rng = np.random.default_rng(2026)
    path = tmp_path_factory.mktemp("bulk") / "s.sqlite"
    with EventStore(path) as s:
        rows = _rows(rng, 3000)
        s.add_events(store_rows(event_table(rows)))
        s.commit()
    return path, _commitments(rng, 150)


def test_bulk_events_are_the_reference_ladder_rows(
        constructed: tuple[Path, list[Commitment]]) -> None:
    path, cs = constructed
    with EventStore(path) as s:
        new = cf.store_events(cs, s)
        sides = sorted({c.announced_by for c in cs} | {c.counterpart for c in cs
                                                        if c.counterpart})
        old = ref.bulk_events(s, sides, max(c.announced for c in cs).isoformat())
    on = np.array([i is not None for i in old["indicator"]], dtype=bool)
    assert 0 < on.sum() < len(old)  # some rows are off the ladder
    for col in ("day", "actor1_country", "actor2_country", "indicator", "outlet"):
        assert new[col].tolist() == old[col][on].tolist(), col
    for col in ("latitude", "longitude"):
        assert np.array_equal(new[col], old[col][on], equal_nan=True), col


def test_bulk_items_and_features_equal_the_reference(
        constructed: tuple[Path, list[Commitment]]) -> None:
    path, cs = constructed
    opts = CredibilityOptions()
    with EventStore(path) as s:
        new_ev = cf.store_events(cs, s)
        sides = sorted({c.announced_by for c in cs} | {c.counterpart for c in cs
                                                        if c.counterpart})
        old_ev = ref.bulk_events(s, sides, max(c.announced for c in cs).isoformat())
        full = s.events()
    announcing = sorted({c.announced_by for c in cs})
    new_items = cf.bulk_items(new_ev, announcing, opts.dedup_days)
    assert new_items == ref.bulk_items(old_ev, announcing, opts.dedup_days)
    # and the per-actor path of `signals credibility` (string columns, its own row order)
    per_actor = [i for a in announcing
                 for i in items_from_events(full, a, dedup_days=opts.dedup_days,
                                            with_refs=False)]

    def key(i: SignalItem) -> tuple[object, ...]:  # n_reports (shown, not scored) differs:
        return (i.actor, i.date, i.indicator, i.target, i.sources, i.report_days)  # URLs vs rows

    assert sorted(map(key, new_items)) == sorted(map(key, per_actor))
    got = cf.force_pressure(cs, new_ev)
    want = ref.force_pressure(cs, old_ev)
    assert np.array_equal(got, want)  # to the bit
    assert np.count_nonzero(want) > 20
    assert np.array_equal(cf.force_pressure(cs, old_ev), want)  # string columns too
    f = cf.features(cs, new_items, new_ev, opts)
    assert np.array_equal(f[:, 1], want)


@settings(max_examples=200, deadline=None)
@given(url=st.one_of(st.none(), st.text(alphabet="aZ:/?#.w \nİΣ+-", max_size=24),
                     st.builds(lambda s, h, p: f"{s}//{h}{p}",
                               st.sampled_from(["", "http:", "HTTPS:", "a+b:", "1x:"]),
                               st.text(alphabet="abcW.:", max_size=8),
                               st.text(alphabet="/?#ab", max_size=6))))
def test_the_url_head_has_the_outlet_of_the_url(url: str | None) -> None:
    con = sqlite3.connect(":memory:")
    head = con.execute(f"WITH t(url) AS (VALUES (?)) SELECT {_HEAD} FROM t", (url,)).fetchone()[0]
    assert outlets([head], ["P"]).tolist() == outlets([url], ["P"]).tolist()


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.integers(-3, 5), max_size=30))
def test_first_seen_numbers_as_codes_does(values: list[int]) -> None:
    got, distinct = first_seen(np.array(values, dtype=np.int64))
    assert got.tolist() == codes(values).tolist()
    assert [distinct[c] for c in got] == values


def test_items_from_reports_equals_the_story_loop(
        constructed: tuple[Path, list[Commitment]]) -> None:
    path, _ = constructed
    with EventStore(path) as s:
        full = s.events()
    rng = np.random.default_rng(3)
    keep = np.flatnonzero(np.array([i is not None for i in ref.indicators_for_codes(
        full["cameo"], full["plover_type"], full["plover_mode"])], dtype=bool))
    ind = ref.indicators_for_codes(full["cameo"][keep], full["plover_type"][keep],
                                   full["plover_mode"][keep])
    days = np.array(full["date"][keep], dtype="datetime64[D]").astype(np.int64)
    outs = outlets(list(full["url"][keep]), list(full["publisher"][keep]))
    reports = np.array([u or f"sha:{k % 50}" for k, u in enumerate(full["url"][keep])],
                       dtype=object)  # some reports repeat
    refs = np.array([f"f.tsv:{n}" for n in full["line"][keep]], dtype=object)
    factions = np.array([None, "hardliners"], dtype=object)[rng.integers(0, 2, keep.size)]
    args = ("RUS", days, full["actor2_country"][keep], ind, outs, reports)
    for r in (refs, None):
        got = items_from_reports(*args, r, factions, dedup_days=5)
        want = ref.items_from_reports(*args, r, factions, dedup_days=5)
        assert got == want and len(got) > 100
