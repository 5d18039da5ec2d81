"""Base rates and renewed-war rates against published interval values and an independent
oracle over the raw CSV strings."""

from __future__ import annotations

import csv
import doctest
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import detente.agreements.intervals
from agreements_oracle import outcome, pad_rows
from detente.agreements.data import load_agreements
from detente.agreements.intervals import jeffreys, newcombe_difference, wilson
from detente.agreements.rates import (
    guarantee_effect,
    linked_pad,
    provision_rates,
    renewal_rates,
)
from detente.errors import DetenteError

PAX = "pax_all_agreements_data_v9.csv"
PAD = "ucdp_pad_v22_1_from_bherbst5.csv"


def test_interval_docstrings() -> None:
    failed, tried = doctest.testmod(detente.agreements.intervals)
    assert tried > 0 and failed == 0


@pytest.mark.parametrize("k,n,lo,hi", [  # Newcombe (1998a), Stat Med 17: 857-872, Table I,
    (81, 263, 0.2553, 0.3662),           # method 3 (Wilson score, no continuity correction)
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombe_table(k: int, n: int, lo: float, hi: float) -> None:
    a, b = wilson(k, n)
    assert abs(float(a) - lo) < 5e-5 and abs(float(b) - hi) < 5e-5


def test_jeffreys_is_the_beta_quantile_and_empty_cells_are_uninformative() -> None:
    from scipy import stats
    lo, hi = jeffreys(3, 10, 0.9)
    assert abs(lo - stats.beta.ppf(0.05, 3.5, 7.5)) < 1e-12
    assert abs(hi - stats.beta.ppf(0.95, 3.5, 7.5)) < 1e-12
    assert tuple(map(float, wilson(0, 0))) == (0.0, 1.0)


def test_newcombe_difference_example() -> None:  # Newcombe (1998b), Stat Med 17: 873-890
    d, lo, hi = newcombe_difference(56, 70, 48, 80)
    assert abs(d - 0.2) < 1e-12 and abs(lo - 0.0524) < 5e-5 and abs(hi - 0.3339) < 5e-5


def _pax_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_provision_rates_by_stage_match_raw_counts(slice_dir: Path) -> None:
    rows = _pax_rows(slice_dir / PAX)
    n = Counter(r["Stage"] for r in rows)
    k = Counter(r["Stage"] for r in rows if int(r["Ce"]) >= 2)
    got = {r.group: r for r in provision_rates(load_agreements(slice_dir), "ceasefire", "stage",
                                               min_level=2)}
    assert got["all"].n == len(rows) and got["all"].k == sum(k.values())
    for stage, count in n.items():
        assert (got[stage].k, got[stage].n) == (k[stage], count)


def test_renewal_rates_match_the_oracle(slice_dir: Path) -> None:
    rows = pad_rows(slice_dir / PAD)
    res = renewal_rates(load_agreements(slice_dir), "amnesty_prisoners")
    scored = [(r, outcome(r)) for r in rows if outcome(r) in ("kept", "broken")]
    has = [(o == "broken") for r, o in scored if r["amn"] == "1" or r["pris"] == "1"]
    hasnt = [(o == "broken") for r, o in scored if not (r["amn"] == "1" or r["pris"] == "1")]
    assert (res.with_issue[0].k, res.with_issue[0].n) == (sum(has), len(has))
    assert (res.without_issue[0].k, res.without_issue[0].n) == (sum(hasnt), len(hasnt))
    c = Counter(outcome(r) for r in rows)
    assert res.outcomes == {"renewed": c["broken"], "held": c["kept"],
                            "censored": c["censored"], "unknown": c["unknown"]}


def test_pax_links_join_to_pad(slice_dir: Path) -> None:
    data = load_agreements(slice_dir)
    pax = _pax_rows(slice_dir / PAX)
    lk = linked_pad(data, ("Ce",), 1)
    for paid, v in zip(data.pad.paid, lk, strict=True):
        mine = [r for r in pax if r["UcdpAgr"].strip() == str(paid)]
        assert v == (-1 if not mine else int(any(int(r["Ce"]) >= 1 for r in mine)))
    assert (lk >= 0).sum() > 0


@pytest.mark.parametrize("definition", ["pko", "third_party", "pax"])
def test_guarantee_effect_is_well_formed(slice_dir: Path, definition: str) -> None:
    g = guarantee_effect(load_agreements(slice_dir), definition)
    w, wo, d = g.with_issue[0], g.without_issue[0], g.difference[0]
    assert w.n + wo.n == g.outcomes["renewed"] + g.outcomes["held"]
    if d.difference is not None:
        assert d.low <= d.difference <= d.high
        assert abs(d.difference - (w.k / w.n - wo.k / wo.n)) < 1e-12


def test_uncoded_issue_and_bad_grouping_are_refused(slice_dir: Path) -> None:
    data = load_agreements(slice_dir)
    with pytest.raises(DetenteError, match="does not code this issue"):
        provision_rates(data, "neutrality")
    with pytest.raises(DetenteError, match="unknown issue"):
        provision_rates(data, "borders")
    with pytest.raises(DetenteError, match="cannot group"):
        provision_rates(data, "ceasefire", by="region")
    with pytest.raises(DetenteError, match="unknown guarantee definition"):
        guarantee_effect(data, "nato")


def test_guarantee_effect_matches_the_oracle_on_the_slice(slice_dir: Path) -> None:
    """The oracle of the full-data test below, on the cited slice (six rows with peacekeepers)."""
    _guarantee_effect_against_the_oracle(slice_dir)


def test_full_data_guarantee_effect_matches_the_oracle(shared_dir: Path) -> None:
    _guarantee_effect_against_the_oracle(shared_dir)


def _guarantee_effect_against_the_oracle(directory: Path) -> None:
    rows = pad_rows(directory / PAD)
    g = guarantee_effect(load_agreements(directory), "pko")
    scored = [(r["pko"] == "1", outcome(r) == "broken") for r in rows
              if outcome(r) in ("kept", "broken")]
    w = [b for p, b in scored if p]
    wo = [b for p, b in scored if not p]
    assert (g.with_issue[0].k, g.with_issue[0].n) == (sum(w), len(w))
    assert (g.without_issue[0].k, g.without_issue[0].n) == (sum(wo), len(wo))
    print(f"renewed war within 2 years: with peacekeepers {sum(w)}/{len(w)}, "
          f"without {sum(wo)}/{len(wo)}")


def test_full_pax_rates_count_every_agreement(shared_dir: Path) -> None:
    data = load_agreements(shared_dir)
    assert len(data.pax) == 2144 and len(data.pad) == 341
    assert [p.line for p in data.pax.problems] == [1446, 5968]  # the two 5.17E+12-style links
    rates = provision_rates(data, "ceasefire", "conflict_type")
    assert sum(r.n for r in rates if r.group != "all") == 2144
    assert np.isclose(rates[0].rate, (data.pax.column("Ce") >= 1).mean())


def test_renewal_by_pax_stage_uses_the_earliest_linked_agreement(slice_dir: Path) -> None:
    data = load_agreements(slice_dir)
    res = renewal_rates(data, "ceasefire", source="pax", by="stage")
    pax = sorted(_pax_rows(slice_dir / PAX),
                 key=lambda r: (r["Dat"][6:], r["Dat"][3:5], r["Dat"][:2]))
    first: dict[str, str] = {}
    for r in pax:
        if r["UcdpAgr"].strip().isdigit():
            first.setdefault(r["UcdpAgr"].strip(), r["Stage"])
    groups = [g.group for g in res.with_issue + res.without_issue]
    assert groups[0] == "all" and set(groups) - {"all"} <= set(first.values())
    total = sum(g.n for g in res.with_issue + res.without_issue if g.group != "all")
    assert total == res.with_issue[0].n + res.without_issue[0].n
    with pytest.raises(DetenteError, match="need --source pax"):
        renewal_rates(data, "ceasefire", by="stage")
