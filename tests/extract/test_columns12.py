"""The second-stage columns of amendment 12 (§17): the article's kind of text
(``DOC_COLUMNS``) and each row beside the same actor's other rows of its kind (``REPEAT_COLUMNS``)
mean what their names say on constructed articles and probabilities; the ``p12*`` recipes train
alike twice, round-trip through the weights file, quote exactly, and refuse to score without
the article they need."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extract.article import parse_article
from detente.extract.candidates import Candidate
from detente.extract.rerank import COLUMNS, DOC_COLUMNS, REPEAT_COLUMNS, doc_rows, repeat_rows
from detente.extract.rules import RuleExtractor
from detente.extract.schema import SIGNAL_KINDS

from .conftest import DATA, SEEDS

K = len(SIGNAL_KINDS)
S = SIGNAL_KINDS.index("statement")


def _cand(start: int, end: int, actor: str) -> Candidate:
    return Candidate(start, end, actor, ["bias"])


REPORT = ("Title: Talks in Geneva\n---\n"
          "Russian Foreign Minister Sergei Lavrov said on Monday that Moscow was ready to talk. "
          "\"We are open to negotiations,\" he told reporters. "
          "Ukraine's foreign ministry said it would study the offer.\n")
ARGUED = ("Title: Opinion: Why the West must not blink\n---\n"
          "We should not trust Moscow. Russia has never kept a truce and it never will. "
          "Our leaders must stand firm and I believe they can.\n")


def _sentences(body: str) -> list[tuple[int, int]]:
    out, i = [], 0
    for part in body.split(". "):
        j = i + len(part)
        out.append((i, j))
        i = j + 2
    return out


def test_doc_columns_tell_an_argued_piece_from_a_report() -> None:
    rep, arg = parse_article(REPORT), parse_article(ARGUED)
    col = {name: i for i, name in enumerate(DOC_COLUMNS)}
    cr = [_cand(a, b, "RUS") for a, b in _sentences(rep.body)[:3]]
    ca = [_cand(a, b, "RUS") for a, b in _sentences(arg.body)[:2]]
    xr = doc_rows(rep, cr).reshape(len(cr), K, len(DOC_COLUMNS))
    xa = doc_rows(arg, ca).reshape(len(ca), K, len(DOC_COLUMNS))
    assert xr[0, 0, col["doc_argued"]] == 0 and xa[0, 0, col["doc_argued"]] == 1
    assert xr[0, 0, col["doc_reporting"]] > 0 and xa[0, 0, col["doc_reporting"]] == 0
    assert xr[0, 0, col["doc_quotes"]] > 0 and xa[0, 0, col["doc_quotes"]] == 0
    assert xr[0, 0, col["doc_attributed"]] > xa[0, 0, col["doc_attributed"]]
    # the article's columns are the same on every row; the sentence's voice is its own
    assert (xr[:, :, :4] == xr[0, 0, :4]).all()
    assert xr[0, 0, col["own_sentence"]] == 0  # "said": attributed
    assert xr[1, 0, col["own_sentence"]] == 0  # a quotation
    assert (xa[:, :, col["own_sentence"]] == 1).all()  # the author's own voice
    assert (xr[:, :, col["own_sentence"]] == xr[:, :1, col["own_sentence"]]).all()
    assert doc_rows(rep, []).shape == (0, len(DOC_COLUMNS))


def test_repeat_columns_compare_a_row_with_the_same_actors_other_rows() -> None:
    """RUS in three sentences, UKR in one; constructed linear probabilities."""
    cands = [_cand(0, 10, "RUS"), _cand(0, 10, "UKR"), _cand(20, 30, "RUS"),
             _cand(40, 50, "RUS")]
    p = np.full((4, K), 0.05)
    p[0, S], p[1, S], p[2, S], p[3, S] = 0.7, 0.9, 0.4, 0.2
    x = repeat_rows(cands, p, np.full(K, 0.3)).reshape(4, K, len(REPEAT_COLUMNS))
    col = {name: i for i, name in enumerate(REPEAT_COLUMNS)}
    assert [x[j, S, col["actor_rank"]] for j in range(4)] == [0, 0, 1, 2]  # UKR ranks alone
    assert [x[j, S, col["actor_n"]] for j in range(4)] == [3, 1, 3, 3]
    assert [x[j, S, col["actor_over"]] for j in range(4)] == [2, 1, 2, 2]  # 0.7, 0.4 ≥ 0.3
    assert [x[j, S, col["actor_before"]] for j in range(4)] == [0, 0, 1, 2]
    assert x[0, S, col["actor_margin"]] == pytest.approx(0.3)  # 0.7 − 0.4
    assert x[2, S, col["actor_margin"]] == pytest.approx(-0.3)  # 0.4 − 0.7
    assert x[3, S, col["actor_margin"]] == pytest.approx(-0.5)
    assert x[1, S, col["actor_margin"]] == 0  # no other row
    c = SIGNAL_KINDS.index("ceasefire")  # ties: every RUS row 0.05, none over, margin 0
    assert (x[[0, 2, 3], c, col["actor_rank"]] == 0).all()
    assert (x[:, c, col["actor_over"]] == 0).all() and (x[:, c, col["actor_margin"]] == 0).all()
    assert repeat_rows([], np.zeros((0, K)), np.full(K, 0.3)).shape == (0, len(REPEAT_COLUMNS))


def test_repeat_columns_scale_to_an_actor_in_thousands_of_sentences() -> None:
    """One actor named in 20,000 sentences: linear in rows (no rows × rows array)."""
    n = 20000
    cands = [_cand(10 * j, 10 * j + 9, "RUS") for j in range(n)]
    p = np.random.default_rng(0).random((n, K))
    x = repeat_rows(cands, p, np.full(K, 0.5)).reshape(n, K, len(REPEAT_COLUMNS))
    best = p.argmax(axis=0)
    assert (x[best, np.arange(K), 0] == 0).all() and (x[best, np.arange(K), 3] >= 0).all()
    assert (x[:, :, 3] <= 0).sum() == n * K - K


@pytest.fixture(scope="module")
def small() -> list:  # type: ignore[type-arg]
    pytest.importorskip("sklearn")
    from detente.extract.training import featurize, load_parts

    return featurize(load_parts(DATA, SEEDS, ["dev", "locked2", "locked3"]), RuleExtractor())


@pytest.mark.parametrize("name", ["p12doc", "p12rep", "p12both"])
def test_p12_recipes_train_deterministically_and_round_trip(
        small, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.learned import decode, load_model
    from detente.extract.training import RECIPES, extractions, fit, recipe_of

    r = RECIPES[name]
    train = [it for it in small if it.part != "locked3"]
    test = [it for it in small if it.part == "locked3"]
    m, again = fit(train, r), fit(train, r)
    assert recipe_of(m) == r and m.doc_columns == r.doc and m.repeat_columns == r.repeat
    assert m.reranker is not None and again.reranker is not None
    np.testing.assert_array_equal(m.reranker.value, again.reranker.value)
    np.testing.assert_array_equal(m.thresholds, again.thresholds)
    extra = len(DOC_COLUMNS) * r.doc + len(REPEAT_COLUMNS) * r.repeat
    assert m.reranker.fits(len(COLUMNS) + extra)
    m.save(tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.meta["doc"] == r.doc and back.meta["repeat"] == r.repeat
    got, got2 = extractions(m, test), extractions(back, test)
    assert [x.signals for x in got] == [x.signals for x in got2]
    for it, x in zip(test, got, strict=True):
        assert all(it.gold.article.body[s.start:s.end] == s.quote for s in x.signals)
    it = test[0]
    if r.doc:  # the article's kind is needed: refused without it, not silently wrong
        with pytest.raises(ValueError, match="article"):
            m.scores(it.candidates)
    # decode without precomputed scores gives the same signals when handed the article
    alone = decode(back, it.gold.article.body, it.ruled, it.candidates, it.gold.article.date,
                   article=it.gold.article)
    assert alone.signals == got[0].signals


def test_a_weights_file_with_a_bad_column_flag_is_one_error(
        small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    from detente.extract.learned import load_model
    from detente.extract.training import RECIPES, fit

    fit([it for it in small if it.part != "locked3"], RECIPES["p12rep"]).save(tmp_path / "m.npz")
    z = dict(np.load(tmp_path / "m.npz", allow_pickle=False))
    meta = json.loads(str(z["meta"]))
    for bad in ({"repeat": "yes"}, {"repeat": False}):  # not a flag; trees wider than stated
        z["meta"] = np.array(json.dumps({**meta, **bad}))
        np.savez(tmp_path / "bad.npz", **z)
        with pytest.raises(DetenteError, match="does not fit"):
            load_model(tmp_path / "bad.npz")
