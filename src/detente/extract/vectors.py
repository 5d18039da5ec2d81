"""Pretrained word vectors read from an installed registry package (protocol §16).

The vectors are WordLlama's ``l2_supercat`` token embeddings (Miller, *WordLlama*, 2024,
https://github.com/dleemiller/WordLlama, MIT licence): the input-token embeddings of several
large language models, concatenated, projected to 256 dimensions and trained further for
sentence similarity. A text's vector is the (attention-weighted, as WordLlama pools) mean of its
tokens' vectors, L2-normalised. The weights (16 MB) ship inside the ``wordllama`` wheel on the
package registry; they are read from the installed package, never downloaded
(``disable_download``; the package's own loader looks for its tokenizer file in a folder the
wheel does not have, so the package folder is passed as its cache folder, where the file is).

Pure and deterministic: the same texts give the same array. The model loads once per process
(about 0.2 s) and only when a vector is asked for, so commands that do not need it pay nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError

#: The width of the shipped vectors.
DIM = 256
#: What a user installs to have them.
EXTRA = 'pip install "detente[extract]"'


@lru_cache(maxsize=1)
def _model() -> Any:
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError as exc:
        raise DetenteError.one(
            f"the word vectors need the package `wordllama`, which is not installed ({exc})",
            allowed=f"{EXTRA}, or use --extractor rules") from None
    try:
        return WordLlama.load(config="l2_supercat", dim=DIM,
                              cache_dir=Path(wordllama.__file__).parent,
                              disable_download=True)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise DetenteError.one(
            f"the word vectors of the installed `wordllama` could not be read: {exc}",
            allowed=f"reinstall with {EXTRA}, or use --extractor rules") from None


def require() -> None:
    """Stop with one clear error (naming the extra) unless the vectors can be read here."""
    _model()


def available() -> bool:
    """Whether the vectors can be read here (the package installed and its weights intact)."""
    try:
        _model()
    except DetenteError:
        return False
    return True


#: WordLlama's own batch size: ordinary articles are embedded in exactly its batches.
_BATCH_ROWS = 64
#: At most this many characters (rows × the longest text) go into one call: WordLlama pads a
#: batch into a dense (rows, tokens, 256) float32 array, so 64 sentences of a hostile article
#: padded to one 230,000-token "sentence" asked for 14 GiB. A longer text is averaged alone,
#: in chunks of :data:`_CHUNK_TOKENS` tokens.
_BATCH_CHARS = 65_536
_CHUNK_TOKENS = 65_536


def _long_mean(model: Any, text: str) -> np.ndarray:
    """WordLlama's mean token vector of one long text, summed in chunks without the padded
    array (equal to its own mean to float32 rounding: the terms are added in another order)."""
    emb = model.embedding
    ids = np.clip(np.asarray(model.tokenize([text])[0].ids, dtype=np.int64), 0, len(emb) - 1)
    acc = np.zeros(emb.shape[1], dtype=np.float32)
    for k in range(0, len(ids), _CHUNK_TOKENS):
        acc += emb[ids[k:k + _CHUNK_TOKENS]].sum(axis=0, dtype=np.float32)
    return acc / np.float32(max(len(ids), 1))


def embed(texts: Sequence[str]) -> np.ndarray:
    """Each text's vector, shape ``(len(texts), DIM)``, float32, unit length (a text with no
    token gives the zero vector). Memory stays bounded whatever the texts' lengths: batches
    hold at most :data:`_BATCH_CHARS` padded characters, longer texts are averaged alone."""
    texts = list(texts)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    model, i = _model(), 0
    while i < len(texts):
        if len(texts[i]) > _BATCH_CHARS:
            out[i] = _long_mean(model, texts[i])
            i += 1
            continue
        j, longest = i, 0
        while j < len(texts) and j - i < _BATCH_ROWS:
            wide = max(longest, len(texts[j]))
            if (j - i + 1) * wide > _BATCH_CHARS:
                break
            longest, j = wide, j + 1
        out[i:j] = model.embed(texts[i:j], norm=False, batch_size=_BATCH_ROWS)
        i = j
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norm, out=np.zeros_like(out), where=norm > 0)
