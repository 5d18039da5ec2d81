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


def embed(texts: Sequence[str]) -> np.ndarray:
    """Each text's vector, shape ``(len(texts), DIM)``, float32, unit length (a text with no
    token gives the zero vector)."""
    if not len(texts):
        return np.zeros((0, DIM), dtype=np.float32)
    out = np.asarray(_model().embed(list(texts), norm=False), dtype=np.float32)
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norm, out=np.zeros_like(out), where=norm > 0)
