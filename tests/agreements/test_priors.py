"""compliance_prior: the documented pooling rule against an independent oracle, its limits,
censoring, and bad requests."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest

import detente.agreements.priors
from agreements_oracle import outcome, pad_rows, prior
from detente.agreements.data import load_agreements
from detente.agreements.priors import compliance_prior, icc_anova
from detente.errors import DetenteError

PAD = "ucdp_pad_v22_1_from_bherbst5.csv"
TOL = 1e-9


def test_docstring_examples() -> None:
    failed, tried = doctest.testmod(detente.agreements.priors)
    assert tried > 0 and failed == 0


def _russia(row: dict[str, str]) -> bool:
    return "57" in [x.strip() for x in row["actor_id"].split(",")] or row["gwno"] == "365"


@pytest.mark.parametrize("kind,flag", [("ceasefire", "cease"), ("withdrawal", "withd"),
                                       ("prisoner_exchange", "pris")])
def test_prior_matches_the_oracle_on_the_slice(slice_dir: Path, kind: str, flag: str) -> None:
    rows = pad_rows(slice_dir / PAD)
    in_kind = [r[flag] == "1" for r in rows]
    cell = [k and _russia(r) for k, r in zip(in_kind, rows, strict=True)]
    a, b = prior(rows, in_kind, cell, m=4.0)
    p = compliance_prior("RUS", kind, slice_dir, strength=4.0)
    assert abs(p.alpha - a) < TOL and abs(p.beta - b) < TOL
    assert p.kept + p.broken == sum(
        outcome(r) in ("kept", "broken") for r, c in zip(rows, cell, strict=True) if c)


def test_minsk_rows_are_listed_with_their_outcomes(slice_dir: Path) -> None:
    p = compliance_prior("RUS", "ceasefire", slice_dir)
    by_id = {r.paid: r for r in p.rows}
    assert by_id[1536].outcome == "broken"  # Minsk Protocol: ended 2014-11-03, < 2 years
    assert by_id[1537].outcome == "kept"  # Minsk II: PAD v22.1 does not code it as ended
    assert by_id[1536].role == "third party"  # PAD lists Russia as a third party in Minsk


def test_party_role_leaves_russia_with_the_kind_rate(slice_dir: Path) -> None:
    p = compliance_prior("RUS", "ceasefire", slice_dir, role="party", strength=4.0)
    assert p.kept == p.broken == 0
    assert abs(p.mean - p.kind_rate) < TOL


def test_strength_moves_the_mean_between_actor_and_kind(slice_dir: Path) -> None:
    weak = compliance_prior("RUS", "ceasefire", slice_dir, strength=1e-6)
    strong = compliance_prior("RUS", "ceasefire", slice_dir, strength=1e6)
    assert abs(weak.mean - weak.kept / (weak.kept + weak.broken)) < 1e-5
    assert abs(strong.mean - strong.kind_rate) < 1e-4
    assert abs(strong.kind_rate - strong.base_rate) < 1e-4  # kind rate itself shrinks to p0


def test_uncoded_kind_pools_over_all_agreements(slice_dir: Path) -> None:
    p = compliance_prior("RUS", "corridor", slice_dir)
    assert p.kind_n == p.base_n
    assert "all agreements" in p.kind_rule


def test_censored_and_unknown_are_counted_not_scored(slice_dir: Path) -> None:
    rows = pad_rows(slice_dir / PAD)
    out = [outcome(r) for r in rows]
    assert out.count("unknown") >= 1 and out.count("censored") >= 1
    p = compliance_prior("UKR", "other", slice_dir)
    assert p.base_n == out.count("kept") + out.count("broken")


def test_icc_anova_against_one_way_anova_on_the_observations() -> None:
    rng = np.random.default_rng(7)
    n = rng.integers(1, 12, size=9)
    k = np.array([rng.integers(0, m + 1) for m in n])
    y = [np.r_[np.ones(ki), np.zeros(ni - ki)] for ki, ni in zip(k, n, strict=True)]
    allv = np.concatenate(y)
    g, total = len(y), allv.size
    msb = sum(len(v) * (v.mean() - allv.mean()) ** 2 for v in y) / (g - 1)
    msw = sum(((v - v.mean()) ** 2).sum() for v in y) / (total - g)
    n0 = (total - (n ** 2).sum() / total) / (g - 1)
    expected = (msb - msw) / (msb + (n0 - 1) * msw)
    assert abs(icc_anova(k, n) - expected) < 1e-12


@pytest.mark.parametrize("kwargs,match", [
    ({"actor": "RUS", "kind": "armistice"}, "unknown commitment kind"),
    ({"actor": "XXX", "kind": "ceasefire"}, "unknown country code"),
    ({"actor": "Russia!", "kind": "ceasefire"}, "not a country code"),
    ({"actor": "RUS", "kind": "ceasefire", "role": "guarantor"}, "unknown role"),
])
def test_bad_requests_are_clear_errors(slice_dir: Path, kwargs: dict, match: str) -> None:
    with pytest.raises(DetenteError, match=match):
        compliance_prior(data=slice_dir, **kwargs)


def test_full_data_prior_for_russia(shared_dir: Path) -> None:
    data = load_agreements(shared_dir)
    rows = pad_rows(shared_dir / PAD)
    in_kind = [r["cease"] == "1" for r in rows]
    cell = [k and _russia(r) for k, r in zip(in_kind, rows, strict=True)]
    a, b = prior(rows, in_kind, cell, m=5.0)
    p = compliance_prior("RUS", "ceasefire", data, strength=5.0)
    assert abs(p.alpha - a) < TOL and abs(p.beta - b) < TOL
    out = [outcome(r) for r in rows]
    assert len(rows) == 341  # PAD v22.1, as ../shared/data/README.md states
    assert p.base_n == out.count("kept") + out.count("broken")
    assert {r.paid for r in p.rows} >= {1536, 1537}


def test_prior_table_for_the_commitment_model(slice_dir: Path) -> None:
    from detente.agreements.priors import prior_table

    table = prior_table(slice_dir, strength=4.0)
    p = compliance_prior("RUS", "withdrawal", slice_dir, strength=4.0)
    assert table("rus", "withdrawal") == (p.alpha, p.beta)
    assert table("XXX", "ceasefire") is None  # unknown actor: the model keeps its own prior
    with pytest.raises(DetenteError, match="unknown commitment kind"):
        table("RUS", "armistice")
