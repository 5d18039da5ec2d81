"""Ladder mapping, analyst evidence YAML, de-duplication and source weights."""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from detente.cases import sources_dir
from detente.errors import DetenteError
from detente.signals.codes import cameo_codebook, cameo_label
from detente.signals.evidence import bundled_signals, parse_signals
from detente.signals.importers import import_path
from detente.signals.items import (
    items_from_case,
    items_from_events,
    merge_items,
    outlet,
    source_weights,
)
from detente.signals.ladder import indicator_for, indicators, likelihood_ratios
from detente.signals.store import EventStore


def test_cameo_labels_are_the_codebook_not_gdelt_lookup(fixtures: Path) -> None:
    events = fixtures  # copies of ../shared/data/events files (fixtures/README.md)
    lookup = (events / "GDELT_CAMEO.eventcodes.txt").read_text(encoding="utf-8").splitlines()
    gdelt = dict(line.rstrip("\r\n").split("\t", 1) for line in lookup[1:] if "\t" in line)
    assert gdelt["107"] == "Demand ceasefire"  # GDELT's mislabel, kept for this test
    assert cameo_label("107") == "Demand settling of dispute"
    with (events / "negotiation_signal_codes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert row["cameo"] in cameo_codebook(), row["cameo"]
            assert cameo_label(row["cameo"]) == row["cameo_1_1b3_name"]


def test_signal_codes_map_to_the_rungs_of_signals_md(fixtures: Path) -> None:
    """Every code in the compiled signal-code list lands on the rung its class names."""
    klass_to_rungs = {"cheap talk": {1, 2}, "contact": {3}, "process": {4}, "commitment": {5},
                      "COSTLY": {6}, "declared ceasefire": {6}, "hard-line": {0},
                      "precondition": {0}, "rejection": {0}, "threat": {0}, "coercion": {0},
                      "breakdown": {0}, "force": {0}}
    with (fixtures / "negotiation_signal_codes.csv").open(
            encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        ind = indicator_for(row["cameo"], cameo=row["cameo"])
        assert ind is not None, row["cameo"]
        klass = row["tracker_signal_class"].split(" (")[0].strip()
        if row["cameo"] in ("106", "107", "108"):  # demand talks/settlement/mediation: the
            klass = "cheap talk"  # list calls them preconditions; issue 15 fixed that
        assert indicators()[ind].rung in klass_to_rungs[klass], (row["cameo"], ind, klass)


def test_ladder_orders_likelihood_ratios_by_cost() -> None:
    ind = indicators()
    signals = [i for i in ind.values() if i.kind in ("signal", "claim")]
    by_rung = {}
    for i in signals:
        by_rung.setdefault(i.rung, []).append(i.lr)
    rungs = sorted(by_rung)
    assert rungs == list(range(1, 8))
    # cheap talk (rungs 1-2) near 1; from contacts up, costlier rungs never weigh less
    assert all(abs(np.log(lr)) <= np.log(1.2) for r in (1, 2) for lr in by_rung[r])
    sure = {}
    for i in ind.values():
        if i.kind == "signal" and i.rung >= 3:
            sure.setdefault(i.rung, []).append(i.lr)
    minima = [min(sure[r]) for r in sorted(sure)]
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(minima))
    assert all(i.lr < 1 for i in ind.values() if i.kind in ("counter", "derived"))
    assert indicator_for("193", cameo="193") == "force"
    assert indicator_for("196", cameo="196") == "ceasefire-violation"
    assert indicator_for("0871", cameo="0871") == "ceasefire-declared"
    assert indicator_for("010", cameo="010") is None


def test_likelihood_ratio_overrides_are_checked() -> None:
    assert likelihood_ratios({"neutral-contact": 2.5})["neutral-contact"][0] == 2.5
    with pytest.raises(DetenteError, match="unknown indicator"):
        likelihood_ratios({"backchannel-ish": 2.0})
    with pytest.raises(DetenteError, match="must be > 0"):
        likelihood_ratios({"contact": 0.0})


YAML_OK = """
sources:
  s1: {title: One}
  s2: {title: Two}
signals:
  - id: a
    date: 2022-03-29
    actor: RUS
    target: UKR
    indicator: release-of-detainees
    evidence:
      - {source: s1, quote: "prisoners were exchanged", url: "https://www.example.org/x"}
      - {source: s2, quote: "exchange confirmed", url: "https://www.example.org/x"}
      - {source: s2, quote: "the exchange", url: "https://example.org/y"}
"""


def test_signal_without_source_is_a_clear_error() -> None:
    text = YAML_OK + """
  - id: no-source
    date: 2022-04-01
    actor: RUS
    indicator: contact
    summary: a rumour
"""
    with pytest.raises(DetenteError) as err:
        parse_signals(text, "mine.yaml")
    msg = str(err.value)
    line = text.splitlines().index("  - id: no-source") + 1
    assert f"mine.yaml:{line}" in msg and "no-source" in msg and "needs evidence" in msg
    bad_src = YAML_OK.replace("{source: s2,", "{source: s9,")
    with pytest.raises(DetenteError, match=r"unknown source.*s9"):
        parse_signals(bad_src, "mine.yaml")
    no_quote = YAML_OK.replace('quote: "exchange confirmed", ', "")
    with pytest.raises(DetenteError, match="without a quote"):
        parse_signals(no_quote, "mine.yaml")


def test_same_url_is_one_report_and_sources_weigh() -> None:
    case = parse_signals(YAML_OK, "ok.yaml")
    [item] = items_from_case(case, "RUS")
    assert item.n_reports == 2  # two quotes of the same URL are one report
    assert item.sources == ("example.org",)  # one outlet, however many reports
    assert source_weights([item], full_sources=3) == pytest.approx([1 / 3], abs=1e-12)
    assert outlet("https://www.reuters.com/world/") == "reuters.com"


def test_one_article_many_rows_counts_once(fixtures: Path, tmp_path: Path) -> None:
    with EventStore(tmp_path / "e.sqlite") as st:
        import_path(fixtures / "gdelt2_20150218230000_slice.tsv", st)
        ev = st.events(actors=("RUS",))
        items = items_from_events(ev, "RUS", dedup_days=1)
    rus = ev["actor1_country"] == "RUS"
    on_ladder = [indicator_for(c, cameo=c) is not None for c in ev["cameo"]]
    n_rows = int(np.sum(rus & np.array(on_ladder)))
    assert 0 < len(items) < n_rows
    # every row with a ladder code is referenced by exactly one item
    refs = [r for i in items for r in i.refs]
    assert len(refs) == len(set(refs)) == n_rows
    merged = merge_items(items + items, dedup_days=1)
    assert len(merged) == len(items)


def test_bundled_quotes_are_exact_substrings_of_the_sources() -> None:
    """Against the excerpts shipped with the package (tests/cases/test_bundled.py checks each
    excerpt against its seed article when ../shared/seeds is present)."""
    case = bundled_signals("ru-ua")
    assert len(case.signals) >= 15

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()

    quotes = [(s.id, q) for s in case.signals for q in s.evidence]
    quotes += [(a, q) for a, p in case.priors.items() for q in p.evidence]
    for sid, q in quotes:
        text = norm((sources_dir() / case.sources[q.source].file).read_text(encoding="utf-8"))
        assert norm(q.quote) in text, (sid, q.quote)
        assert len(q.quote) < 250  # short excerpts only
    assert {s.date.year for s in case.signals} == {2022, 2024}


def test_outlet_is_the_url_host() -> None:
    from urllib.parse import urlparse

    from detente.signals.items import outlets

    urls = ["https://www.reuters.com/world/", "http://a.b:8080/x", "//x.org/y", "reuters.com/x",
            "https://X.ORG?q=1", "ftp://f.example", None, "", "HTTPS://WWW.BBC.CO.UK#a"]
    pubs = [None, None, None, "Reuters", None, None, "AFP", None, None]
    got = outlets(urls, pubs).tolist()
    for u, p, g in zip(urls, pubs, got, strict=True):
        host = urlparse(u or "").netloc.lower()
        host = host[4:] if host.startswith("www.") else host
        assert g == (host or p or None), u
