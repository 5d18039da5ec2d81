"""The pretrained word vectors (``detente.extract.vectors``, protocol §16): read from the installed
package, deterministic, unit length, the same vector for a text alone or in a batch, and one
clear error naming the extra when the package is missing."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from detente.errors import DetenteError

pytest.importorskip("wordllama")

from detente.extract import vectors


def test_vectors_are_unit_length_and_deterministic() -> None:
    texts = ["Putin met Erdogan in Ankara.", "Kyiv and Moscow exchanged 90 prisoners each.",
             "The talks in Istanbul ended without a ceasefire."]
    a, b = vectors.embed(texts), vectors.embed(texts)
    assert a.shape == (3, vectors.DIM) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    # a text's vector does not depend on its batch (padding) or position
    alone = vectors.embed([texts[1]])
    np.testing.assert_allclose(alone[0], a[1], atol=1e-6)
    assert vectors.embed([]).shape == (0, vectors.DIM)


def test_related_sentences_are_closer_than_unrelated_ones() -> None:
    """A property the vectors are for (WordLlama is trained for sentence similarity): a
    prisoner exchange is nearer another prisoner exchange than an artillery strike."""
    v = vectors.embed(["Ukraine and Russia swapped prisoners of war.",
                       "A prisoner exchange between Kyiv and Moscow took place.",
                       "Artillery shelled the eastern city overnight."])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


def test_missing_package_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors._model.cache_clear()
    monkeypatch.setitem(sys.modules, "wordllama", None)
    try:
        with pytest.raises(DetenteError, match=r"wordllama.*not installed") as err:
            vectors.embed(["x"])
        assert "detente[extract]" in str(err.value)
        assert vectors.available() is False
    finally:
        vectors._model.cache_clear()
