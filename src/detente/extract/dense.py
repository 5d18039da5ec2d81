"""Word-vector features of the signal model's candidates (protocol amendment 11, §16).

Each candidate of :mod:`detente.extract.candidates` gets two vectors from
:mod:`detente.extract.vectors` (WordLlama ``l2_supercat``, 256 dimensions, unit length): its
sentence's and its *window*'s — up to six words on each side of the actor's first mention in
the sentence, the mention left out (zero for a candidate not named in the sentence). Two uses,
the §16 configurations (``vec1``–``vec3`` in :data:`detente.extract.training.RECIPES`):

- **dense columns of the linear stage**: the chosen vectors × :data:`DENSE_SCALE` appended to
  the sparse binary features (each coordinate of a unit vector has RMS 1/16; scaled, RMS 1,
  the size of a binary feature, so the one L2 penalty treats both alike);
- **prototype columns of the second stage**: per kind, the direction from the mean vector of
  all training candidates to the mean of those labelled with that kind (and one for the
  candidates with no label, "none"), for sentences and windows apart; a (candidate, kind) row
  gets the projections of its centred vectors on its kind's and on the "none" direction and
  the rank of its kind's projection among the kinds (:data:`PROTO_COLUMNS`). Prototypes are
  means over training candidates only (a nearest-centroid score, Rocchio 1971; Manning,
  Raghavan & Schütze, *Introduction to Information Retrieval*, §14.2).

NumPy only; the vectors are computed once per article (one batch of its distinct texts), so a
text's vector does not depend on other articles.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detente.extract.candidates import Candidate, window_text
from detente.extract.schema import SIGNAL_KINDS

#: Which vectors a candidate has, in order (axis 1 of :func:`candidate_vectors`).
SOURCES = ("sentence", "window")
#: Scale of the dense columns in the linear stage (RMS of a scaled unit-vector coordinate: 1).
DENSE_SCALE = 16.0
#: Second-stage columns added by prototypes, per (candidate, kind) row.
PROTO_COLUMNS = ("proto_sent_kind", "proto_win_kind", "proto_sent_none", "proto_win_none",
                 "proto_sent_rank", "proto_win_rank")


def candidate_vectors(body: str, candidates: Sequence[Candidate]) -> np.ndarray:
    """Candidates × :data:`SOURCES` × 256: each candidate's sentence and window vectors
    (float32, unit length; the window's is zero when the candidate has none)."""
    from detente.extract.vectors import DIM, embed

    out = np.zeros((len(candidates), len(SOURCES), DIM), dtype=np.float32)
    if not candidates:
        return out
    texts: dict[str, int] = {}
    keys = []
    for c in candidates:
        sent, win = body[c.start:c.end].strip(), window_text(body, c)
        keys.append((texts.setdefault(sent, len(texts)) if sent else -1,
                     texts.setdefault(win, len(texts)) if win else -1))
    vecs = embed(list(texts))
    for j, (a, b) in enumerate(keys):
        if a >= 0:
            out[j, 0] = vecs[a]
        if b >= 0:
            out[j, 1] = vecs[b]
    return out


def dense_columns(vecs: np.ndarray, sources: Sequence[str]) -> np.ndarray:
    """The linear stage's dense columns: the chosen sources' vectors side by side, scaled
    (candidates × 256·len(sources), float64)."""
    idx = [SOURCES.index(s) for s in sources]
    return DENSE_SCALE * np.asarray(vecs[:, idx, :], dtype=float).reshape(len(vecs), -1)


def fit_prototypes(vecs: Sequence[np.ndarray], ys: Sequence[np.ndarray]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(mean, directions)``: per source the mean vector of the candidates that have one
    (:data:`SOURCES` × 256) and per source the unit directions from it to each kind's mean and
    the unlabelled candidates' mean (:data:`SOURCES` × (kinds + 1) × 256; zero for a kind with
    no example)."""
    v = np.concatenate(vecs).astype(float) if len(vecs) else np.zeros((0, len(SOURCES), 256))
    y = np.concatenate(ys).astype(bool) if len(ys) else np.zeros((0, len(SIGNAL_KINDS)), bool)
    k, dim = y.shape[1], v.shape[2]
    mean = np.zeros((len(SOURCES), dim))
    dirs = np.zeros((len(SOURCES), k + 1, dim))
    groups = [*(y[:, i] for i in range(k)), ~y.any(axis=1)]
    for s in range(len(SOURCES)):
        has = np.abs(v[:, s]).sum(axis=1) > 0
        if not has.any():
            continue
        mean[s] = v[has, s].mean(axis=0)
        for g, rows in enumerate(groups):
            sel = rows & has
            if sel.any():
                d = v[sel, s].mean(axis=0) - mean[s]
                n = np.linalg.norm(d)
                dirs[s, g] = d / n if n > 0 else 0.0
    return mean, dirs


def proto_columns(vecs: np.ndarray, mean: np.ndarray, dirs: np.ndarray) -> np.ndarray:
    """Second-stage prototype columns, (candidates × kinds) × :data:`PROTO_COLUMNS`, row
    ``j * kinds + k`` as in :func:`detente.extract.rerank.rerank_features`."""
    n, k = len(vecs), dirs.shape[1] - 1
    if n == 0:
        return np.zeros((0, len(PROTO_COLUMNS)))
    v = np.asarray(vecs, dtype=float)
    has = np.abs(v).sum(axis=2) > 0  # n × sources
    centred = np.where(has[:, :, None], v - mean[None], 0.0)
    proj = np.einsum("nsd,sgd->nsg", centred, dirs)  # n × sources × (kinds + 1)
    kinds = proj[:, :, :k]
    rank = (kinds[:, :, None, :] > kinds[:, :, :, None]).sum(axis=3)  # 0: the largest
    cols = [kinds[:, 0], kinds[:, 1],
            np.broadcast_to(proj[:, 0, k:], (n, k)), np.broadcast_to(proj[:, 1, k:], (n, k)),
            rank[:, 0].astype(float), rank[:, 1].astype(float)]
    return np.ascontiguousarray(np.stack(cols, axis=2).reshape(n * k, len(PROTO_COLUMNS)))
