"""Word-vector features of the signal model (``detente.extract.dense``, protocol §16): the
window around a mention, the shapes of the vectors and of the dense and prototype columns,
determinism, prototypes learned from the training parts only, the ``vec*`` recipes' weights
files round-tripping, and one clear error naming the extra when a model needs the vectors and
the package is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extract.article import parse_article
from detente.extract.candidates import VECTOR_WINDOW, article_candidates, window_text
from detente.extract.rules import RuleExtractor
from detente.extract.schema import SIGNAL_KINDS
from detente.extract.vocabulary import default_issues

pytest.importorskip("wordllama")

from detente.extract import vectors
from detente.extract.dense import (
    DENSE_SCALE,
    PROTO_COLUMNS,
    SOURCES,
    candidate_vectors,
    dense_columns,
    fit_prototypes,
    proto_columns,
)

from .conftest import DATA, SEEDS

TEXT = ("Date: 2025-05-16\n---\nRussian and Ukrainian delegations held talks in Istanbul on "
        "Friday. Peskov said the Kremlin was ready for a ceasefire. He added that Moscow "
        "would not withdraw.")
K = len(SIGNAL_KINDS)


def _candidates(rules: RuleExtractor, text: str = TEXT):  # type: ignore[no-untyped-def]
    art = parse_article(text, "t.txt")
    return art, article_candidates(rules.lex, art, rules.nlp(art.body), default_issues())[1]


def test_window_is_the_words_around_the_mention_without_it(rules: RuleExtractor) -> None:
    art, cands = _candidates(rules)
    by = {(art.body[c.start:c.end].split()[0], c.actor): c for c in cands}
    peskov = by[("Peskov", "RUS")]
    assert peskov.window is not None
    a, m0, m1, _ = peskov.window
    assert art.body[m0:m1] == "Peskov" and a == m0  # first word of the sentence: nothing left
    assert window_text(art.body, peskov) == "said the Kremlin was ready for"  # six words
    assert len(window_text(art.body, peskov).split()) == VECTOR_WINDOW
    ukr = by[("Russian", "UKR")]
    assert window_text(art.body, ukr) == "Russian and delegations held talks in Istanbul on"
    moscow = [c for c in cands if art.body[c.start:c.end].startswith("He")]
    assert window_text(art.body, moscow[0]) == "He added that would not withdraw"
    art, cands = _candidates(rules, TEXT.replace("that Moscow", "that it"))
    carried = [c for c in cands if art.body[c.start:c.end].startswith("He")]
    assert [c.actor for c in carried] == ["RUS"]  # carried from the sentence before
    assert carried[0].window is None and window_text(art.body, carried[0]) == ""


def test_candidate_vectors_shapes_and_determinism(rules: RuleExtractor) -> None:
    art, cands = _candidates(rules)
    v = candidate_vectors(art.body, cands)
    assert v.shape == (len(cands), len(SOURCES), vectors.DIM) and v.dtype == np.float32
    np.testing.assert_array_equal(v, candidate_vectors(art.body, cands))
    np.testing.assert_allclose(np.linalg.norm(v[:, 0], axis=1), 1.0, atol=1e-5)
    for c, row in zip(cands, v, strict=True):
        if c.window is None:
            assert not row[1].any()  # no mention in the sentence: zero window vector
        else:
            np.testing.assert_allclose(np.linalg.norm(row[1]), 1.0, atol=1e-5)
    # candidates of one sentence share its vector
    same = [j for j, c in enumerate(cands) if c.start == cands[0].start]
    assert len(same) >= 2 and all(np.array_equal(v[same[0], 0], v[j, 0]) for j in same)
    assert candidate_vectors(art.body, []).shape == (0, len(SOURCES), vectors.DIM)
    d = dense_columns(v, ("sentence", "window"))
    assert d.shape == (len(cands), 2 * vectors.DIM)
    np.testing.assert_allclose(d[:, :vectors.DIM], DENSE_SCALE * v[:, 0], rtol=1e-6)
    assert dense_columns(v, ("window",)).shape == (len(cands), vectors.DIM)


def test_prototypes_and_their_columns_on_constructed_vectors() -> None:
    dim = vectors.DIM
    e = np.eye(dim, dtype=np.float32)
    # three candidates: kind 0 along e0, kind 1 along e1, no label along e2; windows alike
    vecs = np.stack([np.stack([e[0], e[0]]), np.stack([e[1], e[1]]),
                     np.stack([e[2], np.zeros(dim, np.float32)])])
    y = np.zeros((3, K), dtype=np.int8)
    y[0, 0], y[1, 1] = 1, 1
    mean, dirs = fit_prototypes([vecs], [y])
    assert mean.shape == (len(SOURCES), dim) and dirs.shape == (len(SOURCES), K + 1, dim)
    np.testing.assert_allclose(mean[0], (e[0] + e[1] + e[2]) / 3)
    np.testing.assert_allclose(mean[1], (e[0] + e[1]) / 2)  # windows: only those that exist
    np.testing.assert_allclose(np.linalg.norm(dirs[0, [0, 1, K]], axis=1), 1.0)
    assert not dirs[:, 2:K].any()  # kinds with no example: zero direction
    assert not dirs[1, K].any()  # the unlabelled candidate has no window
    cols = proto_columns(vecs, mean, dirs)
    assert cols.shape == (3 * K, len(PROTO_COLUMNS))
    row = cols.reshape(3, K, len(PROTO_COLUMNS))
    assert row[0, 0, 0] > 0 > row[0, 1, 0]  # candidate 0 leans to kind 0, not kind 1
    assert row[0, 0, 4] == 0 and row[1, 1, 4] == 0  # its own kind ranks first
    assert row[2, 0, 2] > 0  # the unlabelled one projects onto "none"
    assert not row[2, :, 1].any() and not row[2, :, 3].any()  # no window: zero projections
    assert proto_columns(vecs[:0], mean, dirs).shape == (0, len(PROTO_COLUMNS))


@pytest.fixture(scope="module")
def small(rules: RuleExtractor):  # type: ignore[no-untyped-def]
    pytest.importorskip("sklearn")
    from detente.extract.training import featurize, load_parts

    return featurize(load_parts(DATA, SEEDS, ["dev", "locked2", "locked3"]), rules)


def test_stacking_prototypes_never_see_their_own_part(small) -> None:  # type: ignore[no-untyped-def]
    """The second stage's prototype columns of a part come from the other parts only: relabelling
    a part's gold leaves its own rows unchanged and changes the others'."""
    from dataclasses import replace as dc_replace

    from detente.extract.training import _proto_rows, with_vectors

    with_vectors(small)
    rows, _, _ = _proto_rows(small)
    flipped = [dc_replace(it, y=1 - it.y) if it.part == "locked3" else it for it in small]
    rows2, _, _ = _proto_rows(flipped)
    for it, a, b in zip(small, rows, rows2, strict=True):
        assert a.shape == (len(it.candidates) * K, len(PROTO_COLUMNS))
        if it.part == "locked3":
            np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for it, a, b in zip(small, rows, rows2, strict=True)
               if it.part != "locked3")


@pytest.mark.parametrize("name", ["vec1", "vec2", "vec3"])
def test_vector_recipes_train_deterministically_and_round_trip(
        small, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.learned import load_model
    from detente.extract.training import RECIPES, extractions, fit, recipe_of

    r = RECIPES[name]
    train = [it for it in small if it.part != "locked3"]
    test = [it for it in small if it.part == "locked3"]
    m, again = fit(train, r), fit(train, r)
    assert m.needs_vectors and recipe_of(m) == r
    if r.dense:
        assert m.dense_coef is not None
        assert m.dense_coef.shape == (vectors.DIM * len(r.dense), K)
        assert np.abs(m.dense_coef).max() > 0.01  # the dense columns carry weight
        np.testing.assert_array_equal(m.dense_coef, again.dense_coef)  # type: ignore[arg-type]
    else:
        assert m.dense_coef is None and m.proto_dirs is not None
        assert m.proto_dirs.shape == (len(SOURCES), K + 1, vectors.DIM)
        np.testing.assert_array_equal(m.proto_dirs, again.proto_dirs)  # type: ignore[arg-type]
    np.testing.assert_array_equal(m.coef, again.coef)
    np.testing.assert_array_equal(m.thresholds, again.thresholds)
    m.save(tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.dense == m.dense and back.needs_vectors
    got, got2 = extractions(m, test), extractions(back, test)
    assert [x.signals for x in got] == [x.signals for x in got2]
    for it, x in zip(test, got, strict=True):
        assert all(it.gold.article.body[s.start:s.end] == s.quote for s in x.signals)
    # without the vectors, scoring such a model is refused, not silently wrong
    with pytest.raises(ValueError, match="word vectors"):
        m.scores(test[0].candidates)


def test_a_model_needing_vectors_without_the_package_is_one_clear_error(
        small, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.learned import load_model
    from detente.extract.training import RECIPES, fit

    fit([it for it in small if it.part != "locked3"], RECIPES["vec1"]).save(tmp_path / "v.npz")
    vectors._model.cache_clear()
    monkeypatch.setitem(sys.modules, "wordllama", None)
    try:
        with pytest.raises(DetenteError, match="wordllama") as err:
            load_model(tmp_path / "v.npz")
        assert 'pip install "detente[extract]"' in str(err.value)
    finally:
        vectors._model.cache_clear()


def test_damaged_vector_arrays_do_not_load(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from detente.extract.learned import load_model
    from detente.extract.training import RECIPES, fit

    train = [it for it in small if it.part != "locked3"]
    fit(train, RECIPES["vec2"]).save(tmp_path / "v.npz")
    z = dict(np.load(tmp_path / "v.npz", allow_pickle=False))
    z["dense_coef"] = z["dense_coef"][:100]
    np.savez(tmp_path / "short.npz", **z)
    with pytest.raises(DetenteError, match="does not fit"):
        load_model(tmp_path / "short.npz")
    fit(train, RECIPES["vec3"]).save(tmp_path / "p.npz")
    z = dict(np.load(tmp_path / "p.npz", allow_pickle=False))
    del z["proto_mean"]
    np.savez(tmp_path / "half.npz", **z)
    with pytest.raises(DetenteError, match="does not fit"):
        load_model(tmp_path / "half.npz")
