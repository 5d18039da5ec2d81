"""The analyst's voice and a learned reading of the argument vector (protocol amendment 14, §19).

locked14 scored once (§18.4) and held out at eighteen parts (docs/extraction.md, "Fourteenth
session (amendment 14): stance") shows `vec-both`'s two error groups:

- **Skeptical analyses read as reports** (13 of 57 skeptical pieces held out): written like a
  report (few quotations of the author's own, no first person, no modal of recommendation), so
  the detector's kind measures put them with the reports (P(argued) 0.03–0.49). What they have
  that reports lack is the analyst's own voice: contrastive transitions ("however", "yet",
  "despite", "rather than"), evidentials and hedges ("likely", "suggests", "appears") and
  boosters ("in fact", "clearly", "only", "merely", "whether") in sentences that are not
  attributed to anyone — Hyland's interactional and interactive metadiscourse (*Metadiscourse*,
  2005, ch. 3: hedges, boosters and contrastive transitions as the writer's stance), Biber's
  dimension of overt persuasion (1988, ch. 7). :func:`analytic_features` counts them.
- **Anti-concession pieces read as skeptical** (8) or as pro (15): the classifier reads the
  argument vector only by its cosine with three stance centroids, and a centroid of texts that
  all talk about talks, plans and ceasefires carries their common topic more than what sets a
  stance apart. :func:`fit_probe` learns a linear reading of the (centred, standardised)
  argument vector instead — a class-balanced multinomial logistic regression with its L2
  strength chosen by an inner cross-validation on the training pieces only — and the
  classifier reads its out-of-fold probabilities (stacked generalisation, Wolpert, *Neural
  Networks* 5, 1992), so the regression above it weighs them as it will see them on new text.

Pure NumPy at inference; scikit-learn only when training (:mod:`training_stance`).
"""

from __future__ import annotations

import re

import numpy as np

#: The analyst's markers (whole words, case-insensitive): contrastive transitions, evidentials
#: and hedges, boosters.
_ANALYTIC = re.compile(
    r"\b(?:however|yet|although|though|despite|nevertheless|nonetheless|instead|rather than|"
    r"whereas|even if|even though|"
    r"likely|unlikely|suggests?|suggest(?:ed|ing)|indicat\w*|appears?|seems?|probably|perhaps|"
    r"possibly|apparently|evidently|"
    r"in fact|in reality|actually|clearly|obviously|only|merely|simply|really|true|truth|"
    r"question|whether)\b", re.IGNORECASE)
#: The names of :func:`analytic_features`' columns.
ANALYTIC_FEATURES = ("own_analytic",)
#: The candidate inverse L2 strengths of the probe (on standardised vector dimensions) and the
#: number of inner folds that choose among them.
PROBE_CS = (0.003, 0.01, 0.03, 0.1)
PROBE_FOLDS = 5


def analytic_count(text: str) -> int:
    """How many analyst's markers ``text`` holds."""
    return len(_ANALYTIC.findall(text))


def analytic_features(body: str, title: str | None) -> np.ndarray:
    """The analyst's markers per 100 words of the body's own-voice sentences
    (:func:`detente.extract.stance_model.own_sentences`: no quotation, no reporting verb),
    ``log1p``; shape ``(1,)``, zero when no sentence is the author's own."""
    from detente.extract.stance_model import _WORD, own_sentences

    own, _ = own_sentences(body)
    text = " ".join(own)
    n = len(_WORD.findall(text))
    rate = analytic_count(text) * 100.0 / n if n else 0.0
    return np.log1p(np.asarray([rate], dtype=float))


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced multinomial L2 logistic regression; (coef features × classes present,
    intercept), columns in the order of the sorted classes present."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="lbfgs", max_iter=5000, class_weight="balanced")
    clf.fit(x, y)
    return clf.coef_.T.copy(), clf.intercept_.copy()


def _full(coef: np.ndarray, icpt: np.ndarray, present: np.ndarray, k: int
          ) -> tuple[np.ndarray, np.ndarray]:
    """Weights with one column per class ``0 … k-1``; a class absent from training gets a
    column that never wins (binary sklearn models give one column for the second class)."""
    full_c, full_i = np.zeros((coef.shape[0], k)), np.full(k, -50.0)
    if len(present) == 1:
        full_i[present[0]] = 0.0
    elif len(present) == 2:
        full_c[:, present[1]], full_i[present[0]], full_i[present[1]] = coef[:, 0], 0.0, icpt[0]
    else:
        full_c[:, present], full_i[present] = coef, icpt
    return full_c, full_i


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def _fit_full(x: np.ndarray, y: np.ndarray, c: float, k: int) -> tuple[np.ndarray, np.ndarray]:
    present = np.unique(y)
    if len(present) == 1:
        return _full(np.zeros((x.shape[1], 1)), np.zeros(1), present, k)
    coef, icpt = _fit(x, y, c)
    return _full(coef, icpt, present, k)


def inner_folds(n: int, folds: int = PROBE_FOLDS) -> np.ndarray:
    """The inner fold of each of ``n`` training pieces: position modulo ``folds``."""
    return np.arange(n) % folds


def fit_probe(vecs: np.ndarray, stance: np.ndarray, k: int
              ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The probe over ``vecs`` (``(n, d)`` argument vectors; ``stance`` ``(n,)`` integers in
    ``range(k)``): its arrays (``probe_mean``, ``probe_scale``, ``probe_coef`` ``(d, k)``,
    ``probe_intercept`` ``(k,)``, ``probe_c`` the chosen strength) and the training pieces'
    out-of-fold probabilities ``(n, k)`` at the chosen strength. The strength is the one of
    :data:`PROBE_CS` with the lowest inner-fold log-loss (ties: the smaller C); inner folds
    standardise on their own training rows."""
    n = len(vecs)
    fold = inner_folds(n)
    best: tuple[float, float, np.ndarray] | None = None
    for c in PROBE_CS:
        oof = np.full((n, k), 1.0 / k)
        for f in range(PROBE_FOLDS):
            test, train = fold == f, fold != f
            if not test.any() or not train.any():
                continue
            mean, scale = _standardise(vecs[train])
            coef, icpt = _fit_full((vecs[train] - mean) / scale, stance[train], c, k)
            oof[test] = _softmax(((vecs[test] - mean) / scale) @ coef + icpt)
        loss = float(-np.mean(np.log(np.clip(oof[np.arange(n), stance], 1e-12, None))))
        if best is None or loss < best[0] - 1e-12:
            best = (loss, c, oof)
    assert best is not None
    _, c, oof = best
    mean, scale = _standardise(vecs)
    coef, icpt = _fit_full((vecs - mean) / scale, stance, c, k)
    return ({"probe_mean": mean, "probe_scale": scale, "probe_coef": coef,
             "probe_intercept": icpt, "probe_c": np.asarray([c])}, oof)


def probe_probabilities(vec: np.ndarray, arrays: dict[str, np.ndarray]) -> np.ndarray:
    """The probe's probabilities of the ``k`` stances for one argument vector, shape
    ``(k,)``."""
    z = ((vec - arrays["probe_mean"]) / arrays["probe_scale"]) @ arrays["probe_coef"]
    return _softmax(z + arrays["probe_intercept"])
