"""The second look of amendment 14 (§19, :mod:`detente.extract.second_look`): the budget
keeps the highest-ratio pairs up to a count predicted from the article and is chosen by F1
inside the folds (none when nothing is gained); the gate drops the kept pairs it judges false
and is chosen likewise; both only ever drop pairs; the ``p14*`` recipes train alike twice,
round-trip through the weights file, quote exactly, refuse to decode without the article, and a
weights file with a bad budget or gate is one error."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.extract.article import parse_article
from detente.extract.candidates import Candidate
from detente.extract.rules import RuleExtractor
from detente.extract.schema import SIGNAL_KINDS
from detente.extract.second_look import (
    ARTICLE_COLUMNS,
    GATE_COLUMNS,
    article_columns,
    budget_of,
    check,
    gate_columns,
    gate_probability,
    keep_top,
    second_look,
)

from .conftest import DATA, SEEDS

K = len(SIGNAL_KINDS)
REPORT = ("Title: Talks held\nDate: 2025-08-12\n---\n"
          "Trump met Putin in Anchorage on Friday, officials said. "
          "Russia announced a prisoner exchange on Saturday, the ministry said.\n")
OPINION = ("Title: Opinion: why peace eludes us\nDate: 2025-08-12\n---\n"
           "We should ask why our leaders still wait. Putin has long insisted on his terms. "
           "Trump could perhaps broker a deal. Zelensky has repeatedly rejected concessions. "
           "Europe would be wise to think again. I doubt any truce will hold.\n")


def _sentences(body: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(body):
        if ch == ".":
            out.append((start, i + 1))
            start = i + 2
    return out


def _item(text: str, part: str, truth: bool) -> SimpleNamespace:
    """An article whose every sentence is one candidate passing on kind 0 (true or not) and,
    in the opinion, also on kind 1 (never true)."""
    art = parse_article(text)
    spans = _sentences(art.body)
    cands = [Candidate(a, b, "RUS", ["bias"]) for a, b in spans]
    y = np.zeros((len(cands), K))
    y[:, 0] = 1.0 if truth else 0.0
    return SimpleNamespace(part=part, gold=SimpleNamespace(article=art), candidates=cands,
                           y=y, missed=np.zeros(K))


def _scores(it: SimpleNamespace, opinion: bool) -> np.ndarray:
    s = np.full((len(it.candidates), K), 0.01)
    s[:, 0] = 0.6 + 0.01 * np.arange(len(it.candidates))
    if opinion:
        s[:, 1] = 0.55
    return s


def _world(opinion_truth: bool) -> tuple[list[SimpleNamespace], list[np.ndarray]]:
    items, scores = [], []
    for p in range(4):
        for text, opinion in ((REPORT, False), (OPINION, True)):
            it = _item(text, f"p{p}", True if not opinion else opinion_truth)
            if opinion and opinion_truth:
                it.y[:, 1] = 1.0
            items.append(it)
            scores.append(_scores(it, opinion))
    return items, scores


def test_keep_top_keeps_the_highest_ratios_and_the_earlier_of_ties() -> None:
    over = np.array([[True, True], [False, True], [True, False]])
    ratio = np.array([[1.5, 2.0], [9.0, 1.2], [2.0, 0.5]])
    np.testing.assert_array_equal(keep_top(over, ratio, 2),
                                  [[False, True], [False, False], [True, False]])
    assert keep_top(over, ratio, 0).sum() == 0
    np.testing.assert_array_equal(keep_top(over, ratio, 9), over)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(0, 50)), min_size=0, max_size=24),
       st.integers(0, 30))
def test_keep_top_is_a_subset_of_the_asked_size(pairs: list[tuple[bool, float]], n: int
                                                ) -> None:
    over = np.array([p[0] for p in pairs], dtype=bool).reshape(-1, 1)
    ratio = np.array([p[1] for p in pairs], dtype=float).reshape(-1, 1)
    kept = keep_top(over, ratio, n)
    assert kept.shape == over.shape and not (kept & ~over).any()
    assert kept.sum() == min(n, over.sum())
    if kept.any() and (over & ~kept).any():
        assert ratio[kept].min() >= ratio[over & ~kept].max()


def test_budget_of_rounds_the_scaled_count_and_zero_means_none() -> None:
    cols = np.zeros(len(ARTICLE_COLUMNS))
    cols[0] = 1.0
    coef = [float(np.log1p(3.0))] + [0.0] * (len(ARTICLE_COLUMNS) - 1)
    assert budget_of({"coef": coef, "scale": 1.0}, cols) == 3
    assert budget_of({"coef": coef, "scale": 0.5}, cols) == 2  # 1.5 rounds up
    assert budget_of({"coef": coef, "scale": 0.0}, cols) is None
    neg = [-5.0] + [0.0] * (len(ARTICLE_COLUMNS) - 1)
    assert budget_of({"coef": neg, "scale": 4.0}, cols) == 0  # a negative log count is 0


def test_article_and_gate_columns_have_their_names_shapes() -> None:
    it = _item(OPINION, "p", False)
    s = _scores(it, True)
    over = s >= 0.3
    a = article_columns(it.gold.article, it.candidates, s / 0.3, over)
    assert a.shape == (len(ARTICLE_COLUMNS),) and np.isfinite(a).all()
    assert a[ARTICLE_COLUMNS.index("log_pairs")] == pytest.approx(np.log1p(over.sum()))
    g = gate_columns(it.gold.article, it.candidates, s / 0.3, over)
    assert g.shape == (over.sum(), len(GATE_COLUMNS)) and np.isfinite(g).all()
    kinds = g[:, 1:1 + K]
    np.testing.assert_array_equal(kinds.argmax(axis=1), np.argwhere(over)[:, 1])
    assert gate_columns(it.gold.article, it.candidates, s, np.zeros_like(over)).shape == (
        0, len(GATE_COLUMNS))


def test_the_budget_is_chosen_inside_the_folds_and_none_when_nothing_is_gained() -> None:
    pytest.importorskip("sklearn")
    from detente.extract.training_rerank import fit_budget

    thr = np.full(K, 0.3)
    items, scores = _world(opinion_truth=False)  # opinions: 12 passing pairs, no gold
    got = fit_budget(items, scores, thr, 1.0)  # type: ignore[arg-type]
    assert got["scale"] > 0 and len(got["coef"]) == len(ARTICLE_COLUMNS) and check(
        {"budget": got})
    items, scores = _world(opinion_truth=True)  # every passing pair true: no budget
    assert fit_budget(items, scores, thr, 1.0)["scale"] == 0.0  # type: ignore[arg-type]


def test_the_gate_learns_the_false_kind_and_is_none_when_all_are_true() -> None:
    pytest.importorskip("sklearn")
    from detente.extract.training_rerank import fit_gate

    thr = np.full(K, 0.3)
    items, scores = _world(opinion_truth=False)
    gate = fit_gate(items, scores, thr, 1.0)  # type: ignore[arg-type]
    assert gate["cut"] > 0 and check({"gate": gate})
    it, s = items[1], scores[1]  # an opinion: every pair false
    over = s / thr >= 1.0
    assert over.sum() == 2 * len(it.candidates)
    left = second_look({"gate": gate}, it.gold.article, it.candidates, s / thr, over)
    assert not left.any()  # the gate drops them all
    rep = items[0]
    rover = scores[0] / thr >= 1.0
    np.testing.assert_array_equal(
        second_look({"gate": gate}, rep.gold.article, rep.candidates, scores[0] / thr, rover),
        rover)  # and keeps the report's true pairs
    items, scores = _world(opinion_truth=True)
    assert fit_gate(items, scores, thr, 1.0)["cut"] == 0.0  # type: ignore[arg-type]


def test_gate_probability_is_the_standardised_logistic() -> None:
    n = len(GATE_COLUMNS)
    gate = {"mean": [1.0] * n, "scale": [2.0] * n, "coef": [0.5] + [0.0] * (n - 1),
            "intercept": -1.0, "cut": 0.5}
    x = np.zeros((2, n))
    x[:, 0] = [1.0, 9.0]
    np.testing.assert_allclose(gate_probability(gate, x),
                               1 / (1 + np.exp(-np.array([-1.0, 1.0]))))
    assert gate_probability(gate, np.zeros((0, n))).shape == (0,)


def test_second_look_without_a_model_part_is_unchanged_and_needs_the_article() -> None:
    it = _item(OPINION, "p", False)
    over = _scores(it, True) >= 0.3
    ratio = _scores(it, True) / 0.3
    assert second_look({}, None, it.candidates, ratio, over) is over
    off = {"budget": {"coef": [0.0] * len(ARTICLE_COLUMNS), "scale": 0.0}}
    assert second_look(off, None, it.candidates, ratio, over) is over
    on = {"budget": {"coef": [0.0] * len(ARTICLE_COLUMNS), "scale": 1.0}}
    with pytest.raises(ValueError, match="article"):
        second_look(on, None, it.candidates, ratio, over)
    assert not second_look(on, it.gold.article, it.candidates, ratio, over).any()


@pytest.fixture(scope="module")
def small() -> list:  # type: ignore[type-arg]
    pytest.importorskip("sklearn")
    from detente.extract.training import featurize, load_parts

    return featurize(load_parts(DATA, SEEDS, ["dev", "locked2", "locked3"]), RuleExtractor())


@pytest.mark.parametrize("name", ["p14bud", "p14gate"])
def test_p14_recipes_train_deterministically_round_trip_and_only_drop(
        small, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from detente.extract.learned import decode, load_model
    from detente.extract.training import RECIPES, extractions, fit, recipe_of

    r = RECIPES[name]
    train = [it for it in small if it.part != "locked3"]
    test = [it for it in small if it.part == "locked3"]
    m, again = fit(train, r), fit(train, r)
    assert recipe_of(m) == r
    key = "budget" if r.budget else "gate"
    assert key in m.meta and m.meta[key] == again.meta[key] and check(m.meta)
    m.save(tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.meta[key] == m.meta[key]
    got, got2 = extractions(m, test), extractions(back, test)
    assert [x.signals for x in got] == [x.signals for x in got2]
    # forced on (a tight budget, a high cut): only ever a subset of p13act's signals
    tight = ({"budget": {**m.meta["budget"], "scale": 0.5}} if r.budget
             else {"gate": {**m.meta["gate"], "cut": 0.9}})
    forced = replace(m, meta={**m.meta, **tight})
    plain = replace(m, meta={k: v for k, v in m.meta.items() if k != key})
    fewer = 0
    for it in test:
        a = it.gold.article
        base = decode(plain, a.body, it.ruled, it.candidates, a.date, article=a).signals
        less = decode(forced, a.body, it.ruled, it.candidates, a.date, article=a).signals
        assert all(s in base for s in less)
        assert all(a.body[s.start:s.end] == s.quote for s in less)
        fewer += len(base) - len(less)
    assert fewer > 0
    it = next(it for it in test if decode(plain, it.gold.article.body, it.ruled, it.candidates,
                                          it.gold.article.date,
                                          article=it.gold.article).signals)
    with pytest.raises(ValueError, match="article"):
        decode(forced, it.gold.article.body, it.ruled, it.candidates, it.gold.article.date,
               probs=forced.scores(it.candidates, None, it.gold.article))


def test_a_weights_file_with_a_bad_budget_or_gate_is_one_error(
        small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.learned import load_model
    from detente.extract.training import RECIPES, fit

    fit([it for it in small if it.part != "locked3"], RECIPES["p14gate"]).save(
        tmp_path / "m.npz")
    z = dict(np.load(tmp_path / "m.npz", allow_pickle=False))
    meta = json.loads(str(z["meta"]))
    n = len(GATE_COLUMNS)
    good_budget = {"coef": [0.0] * len(ARTICLE_COLUMNS), "scale": 1.0}
    assert load_model(tmp_path / "m.npz").meta["gate"] == meta["gate"]
    for bad in ({"budget": {"coef": [0.0], "scale": 1.0}},
                {"budget": {**good_budget, "scale": -1.0}},
                {"budget": {**good_budget, "scale": True}},
                {"budget": [1.0]},
                {"gate": {**meta["gate"], "cut": 1.5}},
                {"gate": {**meta["gate"], "coef": [0.0] * (n - 1)}},
                {"gate": {**meta["gate"], "scale": [0.0] * n}},
                {"gate": {**meta["gate"], "mean": [float("nan")] * n}},
                {"gate": {k: v for k, v in meta["gate"].items() if k != "intercept"}}):
        z["meta"] = np.array(json.dumps({**meta, **bad}))
        np.savez(tmp_path / "bad.npz", **z)
        with pytest.raises(DetenteError, match="does not fit"):
            load_model(tmp_path / "bad.npz")
