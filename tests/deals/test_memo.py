"""The frontier memo of the workbench's re-analysis: the same record with or without it, a
frontier reused when only a BATNA changed and recomputed when a salience changed."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from detente.cases import case_path
from detente.deals.analysis import analyze
from detente.deals.compile import build_tables
from detente.deals.memo import FrontierMemo, space_key
from detente.deals.pareto import pareto_frontier
from detente.scenario.load import validate_data

CASE = "ru-ua-2024-09"


def _scenario(edit: str | None = None, value: float = 0.0):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(yaml.safe_load(case_path(CASE).read_text(encoding="utf-8")))
    if edit == "batna":
        data["actors"][0]["batna"]["value"] = value
    elif edit == "salience":
        st = data["stances"][0]
        if isinstance(st["salience"], dict):
            st["salience"]["value"] = value
        else:
            st["salience"] = value
    return validate_data(data, "memo-test")


def _record(r):  # type: ignore[no-untyped-def]
    d = r.model_dump(mode="json")
    d.pop("provenance")
    return d


def test_memo_gives_the_same_record_and_reuses_frontiers_for_a_batna_edit() -> None:
    memo = FrontierMemo()
    first = analyze(_scenario(), memo=memo)
    assert _record(first) == _record(analyze(_scenario()))
    n = memo.misses
    assert memo.hits == 0 and n == 1 + len(first.pairs)  # the veto players' and each pair's
    edited = _scenario("batna", 0.7)
    again = analyze(edited, memo=memo)
    assert memo.misses == n and memo.hits == n  # a BATNA leaves every frontier as it was
    plain = analyze(edited)
    assert _record(again) == _record(plain)
    assert again.zopa_outcomes != first.zopa_outcomes  # the edit did change the analysis


def test_a_salience_edit_recomputes_the_frontiers() -> None:
    memo = FrontierMemo()
    analyze(_scenario(), memo=memo)
    n = memo.misses
    edited = _scenario("salience", 0.05)
    again = analyze(edited, memo=memo)
    assert memo.misses > n
    assert _record(again) == _record(analyze(edited))


def test_key_ignores_batnas_not_utilities() -> None:
    space = build_tables(_scenario()).space(0)
    moved = build_tables(_scenario("batna", 0.7)).space(0)
    assert not np.array_equal(space.reservation, moved.reservation, equal_nan=True)
    assert space_key(space, 1e-9, "auto") == space_key(moved, 1e-9, "auto")
    assert space_key(space, 1e-9, "auto") != space_key(space, 1e-6, "auto")
    changed = build_tables(_scenario("salience", 0.05)).space(0)
    assert space_key(space, 1e-9, "auto") != space_key(changed, 1e-9, "auto")


def test_memo_is_bounded_and_its_frontiers_read_only() -> None:
    space = build_tables(_scenario()).space(0)
    memo = FrontierMemo(size=2)
    pairs = [space.subset(list(space.actors[i:i + 2])) for i in range(3)]
    got = [memo.frontier(p) for p in pairs]
    assert len(memo._store) == 2
    want = pareto_frontier(pairs[0])
    assert np.array_equal(got[0].outcomes, want.outcomes)
    with pytest.raises(ValueError):
        got[0].utilities[0, 0] = 1.0
