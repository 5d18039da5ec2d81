"""Training of the second stage of §11 (:mod:`detente.extract.rerank`): needs scikit-learn,
like :mod:`detente.extract.training`, and is used only by it.

The second stage learns from the linear model's *inner held-out* probabilities (each
training part scored by the linear model trained on the other training parts: stacking,
Wolpert 1992, *Stacked generalization*, Neural Networks 5(2)), so it sees probabilities as
unseen text gets them. Its per-kind thresholds are chosen on its own inner held-out scores
(one ensemble per inner part, trained on the others). scikit-learn's histogram gradient
boosting (fixed seed, no early stopping: deterministic) is exported to flat NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.extract.rerank import TreeEnsemble, rerank_features
from detente.extract.schema import SIGNAL_KINDS

if TYPE_CHECKING:
    from detente.extract.training import Item, Recipe


def export(hgb: Any) -> TreeEnsemble:
    """A fitted binary ``HistGradientBoostingClassifier`` as flat arrays (numerical splits
    only: ``x <= threshold`` goes left; the rows never hold missing values)."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    offset, depth = 0, 0
    for (tree,) in hgb._predictors:
        nodes = tree.nodes
        leaf = nodes["is_leaf"].astype(bool)
        roots.append(offset)
        feature.append(np.where(leaf, 0, nodes["feature_idx"].astype(np.int64)))
        threshold.append(nodes["num_threshold"].astype(float))
        left.append(np.where(leaf, -1, nodes["left"].astype(np.int64) + offset))
        right.append(np.where(leaf, -1, nodes["right"].astype(np.int64) + offset))
        value.append(np.where(leaf, nodes["value"].astype(float), 0.0))
        depth = max(depth, int(nodes["depth"].max()))
        offset += len(nodes)
    return TreeEnsemble(np.concatenate(feature), np.concatenate(threshold),
                        np.concatenate(left), np.concatenate(right), np.concatenate(value),
                        np.array(roots, dtype=np.int64),
                        float(np.ravel(hgb._baseline_prediction)[0]), depth)


def _boost(x: Sequence[np.ndarray], y: Sequence[np.ndarray], r: Recipe,
           w: Sequence[np.ndarray]) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    hgb = HistGradientBoostingClassifier(
        max_iter=r.trees, learning_rate=r.rate, max_leaf_nodes=r.leaves,
        min_samples_leaf=r.min_leaf, l2_regularization=1.0, early_stopping=False,
        random_state=0)
    weight = np.concatenate(w)
    hgb.fit(np.vstack(x), np.concatenate(y),
            sample_weight=None if np.all(weight == 1.0) else weight)
    return export(hgb)


def fit_second_stage(items: Sequence[Item], inner: Sequence[np.ndarray],
                     base_thresholds: np.ndarray, r: Recipe,
                     extra: Sequence[np.ndarray] | None = None,
                     sink: list[np.ndarray] | None = None
                     ) -> tuple[TreeEnsemble, np.ndarray]:
    """The ensemble on every item's rows (``inner``: the linear model's inner held-out
    probabilities per item; ``extra``: more columns per item's rows, §16's prototype columns)
    and per-kind thresholds by inner leave-one-part-out (``sink`` receives each item's inner
    held-out scores, candidates × kinds)."""
    from detente.extract.training import _GRID, _f1, row_weights

    k = len(SIGNAL_KINDS)
    x = [rerank_features(it.candidates, p, base_thresholds) for it, p in zip(items, inner,
                                                                              strict=True)]
    if extra is not None:
        x = [np.hstack([a, b]) for a, b in zip(x, extra, strict=True)]
    y = [it.y.reshape(-1) for it in items]
    # one row per (candidate, kind): each candidate's weight repeated over the kinds
    w = [np.repeat(row_weights([it], r.weights), k) for it in items]
    parts = [it.part for it in items]
    held_out: list[np.ndarray] = [np.zeros((0, k))] * len(items)
    for part in dict.fromkeys(parts):
        rest = [i for i, p in enumerate(parts) if p != part]
        ens = _boost([x[i] for i in rest], [y[i] for i in rest], r, [w[i] for i in rest])
        for i, p in enumerate(parts):
            if p == part:
                held_out[i] = ens.probability(x[i]).reshape(-1, k)
    if sink is not None:
        sink.extend(held_out)
    scores, gold = np.vstack(held_out), np.vstack([it.y for it in items]) == 1
    missed = np.sum([it.missed for it in items], axis=0)
    f1 = _f1(scores[:, :, None] >= _GRID[None, None, :], gold[:, :, None], missed[:, None])
    return _boost(x, y, r, w), np.asarray(_GRID[np.argmax(f1, axis=1)], dtype=float)


#: The factors :func:`choose_bar` tries (1: no change).
BAR_GRID = np.round(np.arange(1.0, 3.01, 0.1), 2)


def choose_bar(items: Sequence[Item], scores: Sequence[np.ndarray], thresholds: np.ndarray,
               multi: float, marked: Sequence[bool]) -> float:
    """§18: the factor by which every threshold is multiplied in articles marked argued
    (``marked``), chosen on the second stage's inner held-out ``scores`` (each item's,
    candidates × kinds, as decoding compares them with ``thresholds``): the factor of
    :data:`BAR_GRID` with the highest F1 over all items and kinds (decoding as
    :func:`detente.extract.learned.decode` with ``multi``; gold the candidates cannot hold
    counts as missed); ties go to the smallest factor."""
    tp, fp = np.zeros(len(BAR_GRID)), np.zeros(len(BAR_GRID))
    gold = 0.0
    for it, s, mark in zip(items, scores, marked, strict=True):
        y = it.y == 1
        gold += y.sum() + it.missed.sum()
        bars = BAR_GRID if mark else np.ones(1)
        for g, bar in enumerate(bars):
            ratio = s / (thresholds * bar)
            best = ratio.max(axis=1, keepdims=True) if len(s) else ratio
            over = (ratio >= 1.0) & ((ratio >= best) | (ratio >= multi))
            hit, extra = float((over & y).sum()), float((over & ~y).sum())
            if mark:
                tp[g] += hit
                fp[g] += extra
            else:
                tp += hit
                fp += extra
    f1 = 2 * tp / np.maximum(2 * tp + fp + (gold - tp), 1)
    return float(BAR_GRID[int(np.argmax(f1))])


# --- §19 (amendment 14): the second look of :mod:`detente.extract.second_look` -------------

#: The budget scales :func:`fit_budget` tries (0: no budget, first, so ties keep none).
BUDGET_GRID = (0.0, *np.round(np.arange(0.5, 4.01, 0.25), 2))
#: The gate cuts :func:`fit_gate` tries (0: no gate, first, so ties keep none).
GATE_GRID = tuple(np.round(np.arange(0.0, 0.61, 0.025), 3))
#: Ridge penalty of the budget's regression (not on the bias), and the gate's inverse L2
#: penalty (scikit-learn's ``C``, on standardised columns).
BUDGET_RIDGE = 1.0
GATE_C = 1.0


def _passing(s: np.ndarray, thresholds: np.ndarray, multi: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """Ratio and the pairs decoding keeps (:func:`detente.extract.learned.decode`)."""
    ratio = s / thresholds
    best = ratio.max(axis=1, keepdims=True) if len(s) else ratio
    return ratio, (ratio >= 1.0) & ((ratio >= best) | (ratio >= multi))


def _ridge(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    pen = np.eye(x.shape[1]) * BUDGET_RIDGE
    pen[0, 0] = 0.0  # the bias is not penalised
    return np.asarray(np.linalg.solve(x.T @ x + pen, x.T @ t))


def _best(tp: np.ndarray, fp: np.ndarray, gold: float, grid: Sequence[float]) -> float:
    f1 = 2 * tp / np.maximum(2 * tp + fp + (gold - tp), 1)
    return float(grid[int(np.argmax(f1))])


def fit_budget(items: Sequence[Item], scores: Sequence[np.ndarray], thresholds: np.ndarray,
               multi: float) -> dict[str, Any]:
    """§19: the article budget (:mod:`detente.extract.second_look`) from the second stage's
    inner held-out ``scores`` of the training items: the regression of ``log1p`` (gold pairs
    the candidates hold) on :data:`~detente.extract.second_look.ARTICLE_COLUMNS`, its
    ``scale`` chosen from :data:`BUDGET_GRID` by F1 over every item with each part's budget
    predicted by the regression fitted on the other parts (nothing chosen on the part it is
    judged on); the coefficients returned are fitted on every item."""
    from detente.extract.second_look import article_columns, budget_of, keep_top

    passing = [_passing(s, thresholds, multi) for s in scores]
    x = np.vstack([article_columns(it.gold.article, it.candidates, ratio, over)
                   for it, (ratio, over) in zip(items, passing, strict=True)])
    t = np.log1p(np.array([float((it.y == 1).sum()) for it in items]))
    parts = np.array([it.part for it in items])
    pred = np.zeros(len(items))
    for part in dict.fromkeys(parts):
        out = parts == part
        pred[out] = x[out] @ _ridge(x[~out], t[~out])
    gold = float(sum((it.y == 1).sum() + it.missed.sum() for it in items))
    tp, fp = np.zeros(len(BUDGET_GRID)), np.zeros(len(BUDGET_GRID))
    for i, (it, (ratio, over)) in enumerate(zip(items, passing, strict=True)):
        y = it.y == 1
        for g, scale in enumerate(BUDGET_GRID):
            n = budget_of({"coef": [1.0], "scale": scale}, np.array([pred[i]]))
            kept = over if n is None else keep_top(over, ratio, n)
            tp[g] += float((kept & y).sum())
            fp[g] += float((kept & ~y).sum())
    return {"coef": [float(v) for v in _ridge(x, t)],
            "scale": _best(tp, fp, gold, BUDGET_GRID)}


def _logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                     float]:
    """Standardisation and a logistic regression (lbfgs, deterministic) on ``x``."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    if len(set(y.tolist())) < 2:  # one class only: a constant gate at its rate
        return mean, scale, np.zeros(x.shape[1]), float(20.0 if y.all() else -20.0)
    lr = LogisticRegression(C=GATE_C, max_iter=2000)
    lr.fit((x - mean) / scale, y)
    return mean, scale, np.asarray(lr.coef_[0], dtype=float), float(lr.intercept_[0])


def fit_gate(items: Sequence[Item], scores: Sequence[np.ndarray], thresholds: np.ndarray,
             multi: float) -> dict[str, Any]:
    """§19: the gate (:mod:`detente.extract.second_look`) from the second stage's inner
    held-out ``scores`` of the training items: a logistic regression over the
    :data:`~detente.extract.second_look.GATE_COLUMNS` of the pairs that decoding keeps,
    labelled by gold; its ``cut`` chosen from :data:`GATE_GRID` by F1 over every item with
    each part's pairs judged by the gate fitted on the other parts; the weights returned are
    fitted on every item's pairs."""
    from detente.extract.second_look import gate_columns, gate_probability

    cols, labels, owner = [], [], []
    for it, s in zip(items, scores, strict=True):
        ratio, over = _passing(s, thresholds, multi)
        cols.append(gate_columns(it.gold.article, it.candidates, ratio, over))
        labels.append((it.y == 1)[over])
        owner.append(np.full(int(over.sum()), it.part, dtype=object))
    x, y, parts = np.vstack(cols), np.concatenate(labels), np.concatenate(owner)
    prob = np.zeros(len(y))
    for part in dict.fromkeys(parts.tolist()):
        out = parts == part
        mean, scale, coef, icpt = _logistic(x[~out], y[~out])
        prob[out] = gate_probability({"mean": mean, "scale": scale, "coef": coef,
                                      "intercept": icpt}, x[out])
    gold = float(sum((it.y == 1).sum() + it.missed.sum() for it in items))
    grid = np.asarray(GATE_GRID)
    keep = prob[:, None] >= grid[None, :]
    tp = (keep & y[:, None]).sum(axis=0).astype(float)
    fp = (keep & ~y[:, None]).sum(axis=0).astype(float)
    mean, scale, coef, icpt = _logistic(x, y)
    return {"mean": [float(v) for v in mean], "scale": [float(v) for v in scale],
            "coef": [float(v) for v in coef], "intercept": icpt,
            "cut": _best(tp, fp, gold, GATE_GRID)}
