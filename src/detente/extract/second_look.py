"""Amendment 14 (§19): a second look at the pairs decoding keeps, made per article or per
pair by a small learned model — not another column of the second stage.

locked14's argued pieces (docs/extraction.md, "Fourteenth session"): 27 of the 32 wrong
predictions are sentences with no new, placed act (recalled acts, the author's argument,
standing positions, hypotheticals), 13 of them in argued pieces with no gold at all and 9 in
one piece with 3 gold. The second stage decides pair by pair at per-kind thresholds; these
models change the kind of decision:

- **Budget** (``meta["budget"]``): from article-level evidence (:data:`ARTICLE_COLUMNS`: how
  many pairs pass, how strongly, the article's kind-of-text measures) a ridge regression
  predicts ``log1p`` of the number of signals the article holds; the article keeps at most
  ``round(scale × expm1(prediction))`` of its passing pairs, the highest ratios first.
  ``scale`` (0: no budget) is chosen inside the training folds
  (:func:`detente.extract.training_rerank.fit_budget`).
- **Gate** (``meta["gate"]``): a logistic regression over each passing pair's
  :data:`GATE_COLUMNS` (its ratio, kind, its sentence's act placement
  :data:`detente.extract.rerank.ACT_COLUMNS`, the article's kind of text) trained on the
  passing pairs of the inner held-out decoding only (is a pair the model already keeps a gold
  signal?); a pair is dropped when the gate's probability is under ``cut`` (0: no gate), the
  cut chosen inside the training folds (:func:`detente.extract.training_rerank.fit_gate`).

Both only remove pairs decoding kept, so quotes stay exact by construction. Inference is
NumPy over numbers stored in the weights file's meta (JSON floats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from detente.extract.article import Article
from detente.extract.candidates import Candidate
from detente.extract.rerank import ACT_COLUMNS, act_sentence
from detente.extract.schema import SIGNAL_KINDS

#: The text-kind measures read (:data:`detente.extract.stance_model.KIND_FEATURES` without the
#: stance cues' total, which needs the lexicon).
KIND_COLUMNS = ("reporting", "first_person", "modal", "questions", "quotes", "dates",
                "title_genre", "title_argues")
#: The budget's article-level columns: a bias, log1p of the passing pairs, of their summed
#: ratios (each capped at 3), of their distinct sentences and of the article's candidates,
#: the best ratio (capped at 3), and :data:`KIND_COLUMNS`.
ARTICLE_COLUMNS = ("bias", "log_pairs", "log_mass", "log_sentences", "log_candidates",
                   "top_ratio", *KIND_COLUMNS)
#: The gate's columns of one passing pair: log of its ratio, its kind (one-hot), its
#: sentence's :data:`~detente.extract.rerank.ACT_COLUMNS`, and the article's
#: :data:`KIND_COLUMNS` and log1p of its passing pairs.
GATE_COLUMNS = ("log_ratio", *(f"kind_{k}" for k in SIGNAL_KINDS), *ACT_COLUMNS,
                *KIND_COLUMNS, "log_pairs")


def kind_columns(article: Article) -> np.ndarray:
    """:data:`KIND_COLUMNS` of one article."""
    from detente.extract.stance_model import KIND_FEATURES, kind_features

    # the lexicon serves only the cues' total, which is not read (scores given)
    kind = kind_features(article.body, article.title, None, {})  # type: ignore[arg-type]
    return np.asarray([kind[KIND_FEATURES.index(c)] for c in KIND_COLUMNS], dtype=float)


def article_columns(article: Article, candidates: Sequence[Candidate], ratio: np.ndarray,
                    over: np.ndarray, kind: np.ndarray | None = None) -> np.ndarray:
    """:data:`ARTICLE_COLUMNS` of one article (``ratio``: candidates × kinds, score over
    threshold; ``over``: the pairs decoding keeps; ``kind``: :func:`kind_columns` if known)."""
    kept = ratio[over]
    rows = np.flatnonzero(over.any(axis=1)) if len(over) else np.zeros(0, dtype=int)
    sentences = len({candidates[int(j)].start for j in rows})
    k = kind_columns(article) if kind is None else kind
    return np.asarray([1.0, np.log1p(len(kept)), np.log1p(np.minimum(kept, 3.0).sum()),
                       np.log1p(sentences), np.log1p(len(candidates)),
                       float(min(kept.max(), 3.0)) if len(kept) else 0.0, *k], dtype=float)


def budget_of(budget: Mapping[str, Any], columns: np.ndarray) -> int | None:
    """The most pairs an article keeps under ``budget`` (None: no budget)."""
    scale = float(budget["scale"])
    if scale == 0.0:
        return None
    count = float(np.expm1(max(float(np.dot(budget["coef"], columns)), 0.0)))
    return int(np.floor(scale * count + 0.5))


def keep_top(over: np.ndarray, ratio: np.ndarray, n: int) -> np.ndarray:
    """``over`` with only its ``n`` pairs of highest ``ratio`` left (ties: the earlier pair,
    in row-major order)."""
    idx = np.flatnonzero(over)
    if len(idx) <= n:
        return over
    order = idx[np.argsort(-ratio.reshape(-1)[idx], kind="stable")]
    out = np.zeros(over.size, dtype=bool)
    out[order[:n]] = True
    return out.reshape(over.shape)


def gate_columns(article: Article, candidates: Sequence[Candidate], ratio: np.ndarray,
                 over: np.ndarray, kind: np.ndarray | None = None) -> np.ndarray:
    """:data:`GATE_COLUMNS` of every pair in ``over`` (in ``np.argwhere`` order)."""
    pairs = np.argwhere(over)
    if not len(pairs):
        return np.zeros((0, len(GATE_COLUMNS)))
    k = kind_columns(article) if kind is None else kind
    acts: dict[tuple[int, int], list[float]] = {}
    rows = []
    n_kinds = len(SIGNAL_KINDS)
    shared = [*k, np.log1p(len(pairs))]
    for j, kk in pairs:
        c = candidates[int(j)]
        if (c.start, c.end) not in acts:
            acts[(c.start, c.end)] = act_sentence(article.body[c.start:c.end], article.date)
        onehot = [0.0] * n_kinds
        onehot[int(kk)] = 1.0
        rows.append([float(np.log(max(ratio[int(j), int(kk)], 1e-6))), *onehot,
                     *acts[(c.start, c.end)], *shared])
    return np.asarray(rows, dtype=float)


def gate_probability(gate: Mapping[str, Any], columns: np.ndarray) -> np.ndarray:
    """The gate's probability that each pair (a row of :func:`gate_columns`) is a signal."""
    if not len(columns):
        return np.zeros(0)
    z = ((columns - np.asarray(gate["mean"])) / np.asarray(gate["scale"])
         ) @ np.asarray(gate["coef"]) + float(gate["intercept"])
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def second_look(meta: Mapping[str, Any], article: Article | None,
                candidates: Sequence[Candidate], ratio: np.ndarray, over: np.ndarray
                ) -> np.ndarray:
    """``over`` after the model's gate and budget (as ``meta`` holds them; neither: unchanged).
    The gate drops pairs first; the budget then counts the pairs left."""
    gate, budget = meta.get("gate"), meta.get("budget")
    active_gate = gate is not None and float(gate["cut"]) > 0.0
    active_budget = budget is not None and float(budget["scale"]) > 0.0
    if not (active_gate or active_budget) or not over.any():
        return over
    if article is None:
        raise ValueError("this model reads the article (gate or budget): pass the article")
    kind = kind_columns(article)
    if active_gate:
        assert gate is not None
        prob = gate_probability(gate, gate_columns(article, candidates, ratio, over, kind))
        pairs = np.argwhere(over)
        drop = pairs[prob < float(gate["cut"])]
        over = over.copy()
        over[drop[:, 0], drop[:, 1]] = False
    if active_budget:
        assert budget is not None
        n = budget_of(budget, article_columns(article, candidates, ratio, over, kind))
        if n is not None:
            over = keep_top(over, ratio, n)
    return over


def check(meta: Mapping[str, Any]) -> bool:
    """Whether ``meta``'s gate and budget (if any) have the shapes and ranges inference
    needs."""
    def numbers(v: Any, n: int) -> bool:
        return (isinstance(v, list) and len(v) == n
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
                and bool(np.isfinite(np.asarray(v, dtype=float)).all()))

    def number(v: Any, lo: float, hi: float) -> bool:
        return (isinstance(v, (int, float)) and not isinstance(v, bool)
                and lo <= float(v) <= hi)

    budget, gate = meta.get("budget"), meta.get("gate")
    if budget is not None and not (isinstance(budget, dict)
                                   and numbers(budget.get("coef"), len(ARTICLE_COLUMNS))
                                   and number(budget.get("scale"), 0.0, 100.0)):
        return False
    n = len(GATE_COLUMNS)
    return gate is None or (isinstance(gate, dict) and numbers(gate.get("mean"), n)
                            and numbers(gate.get("scale"), n)
                            and all(s > 0 for s in gate["scale"])
                            and numbers(gate.get("coef"), n)
                            and number(gate.get("intercept"), -1e6, 1e6)
                            and number(gate.get("cut"), 0.0, 1.0))
