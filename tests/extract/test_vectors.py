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


def test_long_texts_are_embedded_in_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hardening (round 11 on the merge): WordLlama pads a batch into a dense (rows, tokens,
    256) array, so one 230,000-token sentence among 63 others asked for 14 GiB. Every call now
    holds at most ``_BATCH_CHARS`` padded characters, a longer text is averaged alone in chunks,
    and every vector equals the text's own WordLlama mean (bit for bit for short texts)."""
    model = vectors._model()
    real, seen = model.embed, []

    def watched(batch: list[str], **kw: object) -> np.ndarray:
        seen.append(len(batch) * max(map(len, batch)))
        return real(batch, **kw)

    monkeypatch.setattr(model, "embed", watched)
    monkeypatch.setattr(vectors, "_CHUNK_TOKENS", 1_000)  # several chunks for the long one
    short = [f"Talks in round {i} ended without a deal." for i in range(70)]
    long_text = "Putin spoke. " * 8_000  # 104,000 characters, about 24,000 tokens
    texts = [*short[:30], long_text, *short[30:], "y" * 70_000]
    got = vectors.embed(texts)
    assert seen and max(seen) <= vectors._BATCH_CHARS
    monkeypatch.setattr(model, "embed", real)
    for k in (0, 29, 31, len(texts) - 2):  # short texts: exactly their vector alone
        np.testing.assert_array_equal(got[k], vectors.embed([texts[k]])[0])
    for k in (30, len(texts) - 1):  # long texts: WordLlama's own mean of the text alone, to
        alone = real([texts[k]], norm=False)[0]  # float32 rounding of ~24,000 terms summed
        np.testing.assert_allclose(got[k], alone / np.linalg.norm(alone), atol=1e-4)  # by chunk
