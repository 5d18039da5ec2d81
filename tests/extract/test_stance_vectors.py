"""The stance model's word-vector measures (protocol §16, ``detente.extract.stance_vectors``):
the sentences the argument vector reads, the vectors' shapes and determinism, the prototypes'
leave-one-out arithmetic against a direct computation, §16's three configurations trained,
saved and loaded, and one clear error when the vectors are needed and the package is
missing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extract.article import parse_article
from detente.extract.lexicon import lexicon
from detente.extract.stance_model import (
    ARGUED,
    KIND_FEATURES,
    SHARE_FEATURES,
    VECTOR_CONFIGS,
    StanceModel,
    load_stance_model,
)
from detente.extract.stance_vectors import (
    argument_sentences,
    fit_directions,
    fit_prototypes,
    projections,
    similarities,
)

from .conftest import DATA, SEEDS, stance_three_parts

#: An analysis that quotes at length and argues only in its last paragraph (constructed).
ANALYSIS = (
    "Title: What the Istanbul round tells us\n---\n"
    "The delegations met on Friday, officials said. “We are ready for a ceasefire,” the "
    "minister told reporters.\n\n"
    "The Kremlin spokesman said the proposal had been received. Turkey hosted the talks.\n\n"
    "Moscow has stalled before. A pause now would only buy it time to regroup.")


def test_argument_sentences_are_the_headline_the_last_paragraph_and_own_arguing_ones() -> None:
    a = parse_article(ANALYSIS, "a.txt")
    document, argument = argument_sentences(a.body, a.title)
    assert document[0] == "What the Istanbul round tells us" == argument[0]
    assert len(document) == 1 + 6
    # the last paragraph's two sentences; no attributed or quoted sentence; "Turkey hosted
    # the talks." is own voice but carries no arguing marker
    assert argument[1:] == ["Moscow has stalled before.",
                            "A pause now would only buy it time to regroup."]
    body = "We must talk now. The talks, he said, should wait.\nTurkey hosted them."
    _, arg = argument_sentences(body, "Talks")
    assert arg == ["Talks", "We must talk now.", "Turkey hosted them."]


def test_argument_sentences_of_an_empty_text_are_empty() -> None:
    assert argument_sentences("", None) == ([], [])


def _loo_direction(x: np.ndarray, y: np.ndarray, i: int) -> np.ndarray:
    keep = np.arange(len(x)) != i
    d = x[keep & y].mean(axis=0) - x[keep & ~y].mean(axis=0)
    return d / np.linalg.norm(d)


def test_fit_directions_are_centroid_differences_read_leave_one_out() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(12, 2, 5))
    y = np.array([True, False] * 6)
    dirs, train = fit_directions(vecs, y)
    assert dirs.shape == (2, 5) and train.shape == (12, 2)
    for r in range(2):
        full = vecs[y, r].mean(axis=0) - vecs[~y, r].mean(axis=0)
        np.testing.assert_allclose(dirs[r], full / np.linalg.norm(full), atol=1e-12)
        for i in range(12):
            want = float(vecs[i, r] @ _loo_direction(vecs[:, r], y, i))
            assert train[i, r] == pytest.approx(want, abs=1e-12)
    np.testing.assert_allclose(projections(vecs[0], dirs), (vecs[0] * dirs).sum(axis=1))


def test_fit_prototypes_are_centred_centroids_read_leave_one_out() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(10, 4))
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 0, 0])
    centre, protos, train = fit_prototypes(x, y, 3)
    np.testing.assert_allclose(centre, x.mean(axis=0), atol=1e-12)
    for c in range(3):
        np.testing.assert_allclose(protos[c], x[y == c].mean(axis=0), atol=1e-12)
    for i in range(10):
        keep = np.arange(10) != i
        m = x[keep].mean(axis=0)
        want = [x[keep & (y == c)].mean(axis=0) - m for c in range(3)]
        got = similarities(x[i], m, np.array([w + m for w in want]))
        np.testing.assert_allclose(train[i], got, atol=1e-12)
        cos = [float((x[i] - m) @ w / np.linalg.norm(x[i] - m) / np.linalg.norm(w))
               for w in want]
        np.testing.assert_allclose(train[i], cos, atol=1e-12)
    # a stance absent from training: its prototype is the centre, its similarity zero
    centre, protos, train = fit_prototypes(x, np.where(y == 2, 0, y), 3)
    np.testing.assert_allclose(protos[2], centre)
    assert np.all(train[:, 2] == 0.0)


vectors = pytest.importorskip("detente.extract.vectors")


def test_text_vectors_are_two_unit_rows_and_deterministic() -> None:
    pytest.importorskip("wordllama")
    from detente.extract.stance_vectors import text_vectors

    a = parse_article(ANALYSIS, "a.txt")
    v, again = text_vectors(a.body, a.title), text_vectors(a.body, a.title)
    assert v.shape == (2, vectors.DIM)
    np.testing.assert_array_equal(v, again)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert float(v[0] @ v[1]) < 1.0 - 1e-4  # the argument is not the whole document
    assert np.all(text_vectors("", None) == 0.0)


def test_section_16_configurations_train_save_and_load(tmp_path: Path) -> None:
    """§16's three configurations on three development parts: the detector reads the nine
    kind measures and two projections (``vec-det``, ``vec-both``), the class-balanced
    classifier at C = 0.1 the seven shares and three similarities (``vec-arg``,
    ``vec-both``); training twice gives the same weights; each file loads back and labels
    the same."""
    pytest.importorskip("sklearn")
    pytest.importorskip("wordllama")
    from detente.extract.training import load_parts
    from detente.extract.training_stance import FAMILY_C, fit_stance, stance_items

    lex = lexicon()
    parts = load_parts(DATA, SEEDS, ["dev", "dev5", "dev10"])
    items = stance_items(parts, lex)
    arts = [g.article for gs in parts.values() for g in gs]
    share = fit_stance(items, "fam-share")
    n_kind, n_share = len(KIND_FEATURES), len(SHARE_FEATURES)
    for config, n_det, n_cls, keys in (
            ("vec-det", n_kind + 2, n_share, {"directions"}),
            ("vec-arg", n_kind, n_share + 3, {"centre", "prototypes"}),
            ("vec-both", n_kind + 2, n_share + 3, {"directions", "centre", "prototypes"})):
        model = fit_stance(items, config)
        assert model.detector is not None and model.classifier is not None
        assert len(model.detector.mean) == n_det and len(model.classifier.mean) == n_cls
        assert model.classifier.coef.shape == (n_cls, 3)
        assert model.meta["classifier_C"] == FAMILY_C and "wordllama" in model.meta["vectors"]
        assert set(model.vectors) == keys
        if config == "vec-arg":  # fam-share's detector, unchanged
            assert share.detector is not None
            np.testing.assert_allclose(model.detector.coef, share.detector.coef)
        twice = fit_stance(items, config)
        for k in keys:
            np.testing.assert_array_equal(twice.vectors[k], model.vectors[k])
        np.testing.assert_allclose(twice.classifier.coef, model.classifier.coef, atol=1e-8)
        model.save(tmp_path / f"{config}.npz")
        again = load_stance_model(tmp_path / f"{config}.npz")
        assert again.config == config
        for k in keys:
            np.testing.assert_array_equal(again.vectors[k], model.vectors[k])
        got = [again.predict(a.body, a.title, lex) for a in arts]
        assert got == [model.predict(a.body, a.title, lex) for a in arts]
        assert set(got) <= {*ARGUED, "neutral_report"}
    # items built without vectors cannot train a vector configuration
    bare = stance_items(parts, lex, with_vectors=False)
    with pytest.raises(ValueError, match="word vectors"):
        fit_stance(bare, "vec-both")


def test_vector_configuration_without_its_prototypes_does_not_load(tmp_path: Path) -> None:
    shipped = load_stance_model()
    for config in VECTOR_CONFIGS:
        odd = tmp_path / f"{config}.npz"
        StanceModel(config, shipped.detector, shipped.classifier, shipped.fallback, {},
                    {"centre": np.zeros(vectors.DIM)}).save(odd)
        with pytest.raises(DetenteError, match="does not fit"):
            load_stance_model(odd)


def test_missing_vectors_package_is_one_error_naming_the_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that reads the vectors, where ``wordllama`` is missing: one error naming
    ``detente[extract]`` and ``--stance cues``; the cue stance still runs."""
    from detente.extract.stance_model import article_stance

    shipped = load_stance_model()
    if shipped.config not in VECTOR_CONFIGS:
        pytest.skip("the shipped stance model reads no word vectors")
    lex = lexicon()
    a = parse_article(ANALYSIS, "a.txt")
    vectors._model.cache_clear()
    monkeypatch.setitem(sys.modules, "wordllama", None)
    try:
        with pytest.raises(DetenteError, match="word vectors") as err:
            shipped.predict(a.body, a.title, lex)
        assert "detente[extract]" in str(err.value) and "--stance cues" in str(err.value)
        assert article_stance(a.body, a.title, lex, "cues") in (*ARGUED, "neutral_report")
    finally:
        vectors._model.cache_clear()


# --- §17: the headline and conclusion vectors (vec-title, vec-concl, vec-tc) --------------

#: A column whose last two long paragraphs conclude, followed by a short subheading-like line.
COLUMN = (
    "Title: Talks will not save Ukraine\n---\n"
    "The delegations met on Friday in Istanbul for a third round of talks, officials said.\n\n"
    "Moscow has stalled before, and every pause has only bought it time to regroup its forces.\n\n"
    "The West should arm Kyiv now rather than wait for a deal that the Kremlin will not keep. "
    "Anything else rewards aggression.\n\n"
    "What comes next")


def test_conclusion_sentences_are_those_of_the_last_two_long_paragraphs() -> None:
    from detente.extract.stance_vectors import conclusion_sentences

    a = parse_article(COLUMN, "c.txt")
    assert conclusion_sentences(a.body) == [
        "Moscow has stalled before, and every pause has only bought it time to regroup its "
        "forces.",
        "The West should arm Kyiv now rather than wait for a deal that the Kremlin will not keep.",
        "Anything else rewards aggression."]
    assert conclusion_sentences("Too short to conclude.\n\nStill short.") == []
    assert conclusion_sentences("") == []


def test_reading_vectors_add_the_headline_and_the_conclusion() -> None:
    """Four unit rows: §16's two unchanged, the headline's own vector, the mean of the
    conclusion's sentence vectors; the fall-backs when there is no long paragraph or no text."""
    pytest.importorskip("wordllama")
    from detente.extract.stance_vectors import (
        READING_ROWS,
        conclusion_sentences,
        reading_vectors,
        text_vectors,
    )

    a = parse_article(COLUMN, "c.txt")
    v = reading_vectors(a.body, a.title)
    assert v.shape == (len(READING_ROWS), vectors.DIM) == (4, vectors.DIM)
    np.testing.assert_array_equal(v[:2], text_vectors(a.body, a.title))
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    head = vectors.embed(["Talks will not save Ukraine"])[0].astype(float)
    np.testing.assert_allclose(v[2], head / np.linalg.norm(head), atol=1e-6)
    end = vectors.embed(conclusion_sentences(a.body)).astype(float).mean(axis=0)
    np.testing.assert_allclose(v[3], end / np.linalg.norm(end), atol=1e-6)
    short = reading_vectors("We must talk now. Nobody else will.", "Talk")
    np.testing.assert_array_equal(short[3], short[1])  # no long paragraph: the argument
    assert np.all(reading_vectors("", None) == 0.0)


def test_section_17_configurations_train_save_and_load(tmp_path: Path) -> None:
    """§17's three configurations on three development parts: ``vec-both``'s detector
    unchanged; the classifier reads ``vec-both``'s ten measures and three similarities per
    added vector (headline, conclusion or both); each file loads back and labels the same, and
    does not load without the added prototypes."""
    pytest.importorskip("sklearn")
    pytest.importorskip("wordllama")
    from detente.extract.stance_model import READING_CONFIGS
    from detente.extract.training_stance import fit_stance

    lex = lexicon()
    items, arts = stance_three_parts(lex)
    both = fit_stance(items, "vec-both")
    assert both.detector is not None
    assert set(READING_CONFIGS) == {"vec-title", "vec-concl", "vec-tc"}
    for config, rows in READING_CONFIGS.items():
        model = fit_stance(items, config)
        assert model.detector is not None and model.classifier is not None
        np.testing.assert_allclose(model.detector.coef, both.detector.coef)
        np.testing.assert_array_equal(model.vectors["directions"], both.vectors["directions"])
        assert model.classifier.coef.shape == (len(SHARE_FEATURES) + 3 + 3 * len(rows), 3)
        keys = {"directions", "centre", "prototypes",
                *(f"{r}_{k}" for r in rows for k in ("centre", "prototypes"))}
        assert set(model.vectors) == keys
        model.save(tmp_path / f"{config}.npz")
        again = load_stance_model(tmp_path / f"{config}.npz")
        got = [again.predict(a.body, a.title, lex) for a in arts]
        assert got == [model.predict(a.body, a.title, lex) for a in arts]
        assert set(got) <= {*ARGUED, "neutral_report"}
        short = tmp_path / f"{config}-short.npz"
        StanceModel(config, model.detector, model.classifier, model.fallback, {},
                    dict(both.vectors)).save(short)
        with pytest.raises(DetenteError, match="does not fit"):
            load_stance_model(short)
