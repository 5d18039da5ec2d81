"""The second-stage changes of amendment 13 (§18): the act-placement columns
(``ACT_COLUMNS``) mean what their names say on constructed sentences; the argued bar multiplies
every threshold in articles marked argued only, is chosen by F1 on constructed scores, and is
refused when out of range; the ``p13*`` recipes train alike twice, round-trip through the
weights file, quote exactly, and refuse to score without the article they need."""

from __future__ import annotations

import datetime as dt
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
from detente.extract.rerank import ACT_COLUMNS, COLUMNS, REPEAT_COLUMNS, act_rows, act_sentence
from detente.extract.rules import RuleExtractor
from detente.extract.schema import SIGNAL_KINDS

from .conftest import DATA, SEEDS

K = len(SIGNAL_KINDS)
COL = {name: i for i, name in enumerate(ACT_COLUMNS)}
DAY = dt.date(2025, 8, 12)


def _act(sentence: str, date: dt.date | None = DAY) -> dict[str, float]:
    return dict(zip(ACT_COLUMNS, act_sentence(sentence, date), strict=True))


def test_a_placed_act_and_a_recalled_one() -> None:
    placed = _act("On Friday, August 8, President Trump met Vladimir Putin in Alaska.")
    assert placed["act_time_now"] >= 1 and placed["act_past_verb"] == 1
    assert placed["act_month_gap"] == 0 and placed["act_year_gap"] == -1
    assert placed["act_perfect"] == placed["act_habitual"] == placed["act_modal"] == 0
    recalled = _act("During their encounter in the Oval Office in February, Trump berated "
                    "Zelensky, as he had done in 2019.")
    assert recalled["act_month_gap"] == 6 and recalled["act_year_gap"] == 6
    assert recalled["act_pluperfect"] == 1 and recalled["act_time_past"] >= 1


def test_standing_positions_arguments_and_hypotheticals() -> None:
    standing = _act("The West has repeatedly rejected Putin's offers to negotiate.")
    assert standing["act_perfect"] == 1 and standing["act_habitual"] == 1
    assert standing["act_past_verb"] == 0  # "rejected" after "has" is no past simple
    assert _act("The West rejected Putin's offer.")["act_past_verb"] == 1
    analyst = _act("Putin has no motivation to resolve the conflict, explains political "
                   "scientist Vladimir Pastukhov.")
    assert analyst["act_analyst"] == 1
    hypo = _act("If Moscow agreed, a truce would have the added benefit of slowing the war.")
    assert hypo["act_cond"] == 1 and hypo["act_modal"] == 1
    own = _act("We should ask why our leaders wait?")
    assert own["act_first"] == 2 and own["act_question"] == 1 and own["act_own"] == 1
    quoted = _act('"We will talk," he said.')
    assert quoted["act_first"] == 0 and quoted["act_own"] == 0  # inside a quotation
    assert _act("In May 2023 they met.", None)["act_year_gap"] == -1  # no date: no distance
    assert _act("The talks may resume.")["act_month_gap"] == -1  # the modal is no month


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
               max_size=200),
       st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_act_columns_are_finite_counts_and_bounded_distances(text: str, day: dt.date) -> None:
    row = act_sentence(text, day)
    assert len(row) == len(ACT_COLUMNS) and all(np.isfinite(row))
    assert all(v >= 0 for v in row[:COL["act_year_gap"]])
    assert -1 <= row[COL["act_year_gap"]] <= 30 and -1 <= row[COL["act_month_gap"]] <= 11
    assert act_sentence(text, day) == row  # deterministic


def test_act_rows_are_the_sentences_columns_on_every_kind() -> None:
    art = parse_article("Title: Talks\nDate: 2025-08-12\n---\nTrump met Putin on Friday. "
                        "Russia has repeatedly rejected a truce.\n")
    body = art.body
    i = body.index("Russia")
    cands = [Candidate(0, i - 1, "USA", ["bias"]), Candidate(0, i - 1, "RUS", ["bias"]),
             Candidate(i, len(body.rstrip()), "RUS", ["bias"])]
    x = act_rows(art, cands).reshape(3, K, len(ACT_COLUMNS))
    assert (x == x[:, :1, :]).all()  # the same on every kind
    np.testing.assert_array_equal(x[0, 0], act_sentence(body[0:i - 1], art.date))
    np.testing.assert_array_equal(x[0], x[1])  # one sentence, two actors
    assert x[2, 0, COL["act_perfect"]] == 1 and x[0, 0, COL["act_perfect"]] == 0
    assert act_rows(art, []).shape == (0, len(ACT_COLUMNS))


def _item(y: np.ndarray) -> SimpleNamespace:
    return SimpleNamespace(y=y, missed=np.zeros(K))


def test_the_bar_is_chosen_by_f1_on_the_marked_articles_only() -> None:
    """One marked article with a true row at 0.9 and a false one at 0.5 (thresholds 0.3):
    a factor ≥ 1.7 keeps the true row alone; an unmarked article is never raised."""
    from detente.extract.training_rerank import BAR_GRID, choose_bar

    thr = np.full(K, 0.3)
    s = np.zeros((2, K))
    s[0, 0], s[1, 0] = 0.9, 0.5
    y = np.zeros((2, K))
    y[0, 0] = 1
    assert choose_bar([_item(y)], [s], thr, 1.0, [True]) == pytest.approx(1.7)
    assert choose_bar([_item(y)], [s], thr, 1.0, [False]) == 1.0  # nothing to raise
    y[1, 0] = 1  # both true: no factor beats 1 (ties go to the smallest)
    assert choose_bar([_item(y)], [s], thr, 1.0, [True]) == 1.0
    assert BAR_GRID[0] == 1.0 and (np.diff(BAR_GRID) > 0).all()


@pytest.fixture(scope="module")
def small() -> list:  # type: ignore[type-arg]
    pytest.importorskip("sklearn")
    from detente.extract.training import featurize, load_parts

    return featurize(load_parts(DATA, SEEDS, ["dev", "locked2", "locked3"]), RuleExtractor())


@pytest.mark.parametrize("name", ["p13act", "p13bar", "p13both"])
def test_p13_recipes_train_deterministically_and_round_trip(
        small, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.learned import decode, load_model
    from detente.extract.training import RECIPES, extractions, fit, recipe_of

    r = RECIPES[name]
    train = [it for it in small if it.part != "locked3"]
    test = [it for it in small if it.part == "locked3"]
    m, again = fit(train, r), fit(train, r)
    assert recipe_of(m) == r and m.act_columns == r.act
    assert ("argued_bar" in m.meta) == r.argued_bar and m.argued_bar >= 1.0
    assert m.reranker is not None and again.reranker is not None
    np.testing.assert_array_equal(m.reranker.value, again.reranker.value)
    np.testing.assert_array_equal(m.thresholds, again.thresholds)
    assert m.argued_bar == again.argued_bar
    assert m.reranker.fits(len(COLUMNS) + len(REPEAT_COLUMNS) + len(ACT_COLUMNS) * r.act)
    m.save(tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.act_columns == r.act and back.argued_bar == m.argued_bar
    got, got2 = extractions(m, test), extractions(back, test)
    assert [x.signals for x in got] == [x.signals for x in got2]
    for it, x in zip(test, got, strict=True):
        assert all(it.gold.article.body[s.start:s.end] == s.quote for s in x.signals)
    it = test[0]
    if r.act:  # the sentences' placement needs the article's date: refused without it
        with pytest.raises(ValueError, match="article"):
            m.scores(it.candidates)
    alone = decode(back, it.gold.article.body, it.ruled, it.candidates, it.gold.article.date,
                   article=it.gold.article)
    assert alone.signals == got[0].signals


def test_the_bar_raises_thresholds_in_marked_articles_only(
        small) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from detente.extract.learned import decode
    from detente.extract.rerank import is_argued
    from detente.extract.training import RECIPES, fit

    m = fit([it for it in small if it.part != "locked3"], RECIPES["p12rep"])
    high = replace(m, meta={**m.meta, "argued_bar": 10.0})
    marked = 0
    for it in small:
        a = it.gold.article
        base = decode(m, a.body, it.ruled, it.candidates, a.date, article=a).signals
        got = decode(high, a.body, it.ruled, it.candidates, a.date, article=a).signals
        if is_argued(a):
            marked += 1
            assert all(s in base for s in got) and len(got) <= len(base)
        else:
            assert got == base
    assert marked > 0
    with pytest.raises(ValueError, match="article"):
        decode(high, a.body, it.ruled, it.candidates, a.date)


def test_a_weights_file_with_a_bad_act_flag_or_bar_is_one_error(
        small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.learned import load_model
    from detente.extract.training import RECIPES, fit

    fit([it for it in small if it.part != "locked3"], RECIPES["p13both"]).save(
        tmp_path / "m.npz")
    z = dict(np.load(tmp_path / "m.npz", allow_pickle=False))
    meta = json.loads(str(z["meta"]))
    for bad in ({"act": "yes"}, {"act": False}, {"argued_bar": 0.5}, {"argued_bar": "2"},
                {"argued_bar": True}, {"argued_bar": float("nan")}):
        z["meta"] = np.array(json.dumps({**meta, **bad}))
        np.savez(tmp_path / "bad.npz", **z)
        with pytest.raises(DetenteError, match="does not fit"):
            load_model(tmp_path / "bad.npz")
