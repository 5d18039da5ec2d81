"""Training and leave-one-part-out scoring of the learned extractor (amendment 4, §9).

Used by ``scripts/train_extractor.py`` and ``scripts/extract_lopo.py`` only: it needs
scikit-learn (``pip install "detente[train]"``), which the extractor itself never imports.

- :func:`load_parts` reads the development parts of §9 (never a locked set);
- :func:`featurize` runs the rule pipeline once per article and keeps its candidates;
- :func:`fit` trains one-vs-rest L2 logistic regression (liblinear, fixed seed: the same data
  gives the same weights) and picks each kind's threshold by leave-one-part-out
  cross-validation *inside* the training parts (the held-out part is never seen);
- :func:`lopo` trains on all parts but one and scores the held-out part with
  :func:`detente.extract.evaluate.evaluate`, for each part and pooled.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.extract.article import read_article
from detente.extract.candidates import (
    FEATURE_SETS,
    FEATURES_VERSION,
    Candidate,
    FeatureSet,
    article_candidates,
    label,
)
from detente.extract.evaluate import Evaluation, GoldArticle, evaluate, load_gold
from detente.extract.learned import LearnedModel, decode, rule_kinds
from detente.extract.rerank import act_rows, doc_rows, is_argued, repeat_rows
from detente.extract.rules import RuleExtractor
from detente.extract.schema import SIGNAL_KINDS, ArticleExtraction
from detente.extract.vocabulary import default_issues

#: The development parts of §19 (amendment 14), in order. locked15 is not among them and never
#: may be.
PARTS = ("seeds", "dev", "locked2", "locked3", "dev5", "locked4", "dev6", "locked5", "locked6",
         "locked7", "locked8", "dev10", "locked9", "locked10", "locked11", "locked12",
         "locked13", "locked14")
#: The locked set of §19: never development data.
LOCKED = "locked15"
#: Regularisation (inverse strength) and feature count floor, chosen by LOPO (docs).
C = 0.1
MIN_COUNT = 2


@dataclass(frozen=True)
class Recipe:
    """Everything that makes a model from gold: features, regularisation, decoding."""

    features: FeatureSet
    c: float = C
    min_count: int = MIN_COUNT
    multi: float = 1.0  # see LearnedModel.multi
    crossfit: bool = False  # how a kind is left to the rules (see _thresholds)
    #: Second stage (§11, :mod:`detente.extract.rerank`): boosting rounds (0: none), leaves
    #: per tree, fewest rows per leaf, learning rate; ``handback``: keep the kinds the linear
    #: model leaves to the rules with the rules.
    trees: int = 0
    leaves: int = 7
    min_leaf: int = 40
    rate: float = 0.08
    handback: bool = False
    blend: float = 1.0  # see LearnedModel.blend
    #: Training weight of a part's rows in both stages, as (part, weight) pairs (parts not
    #: named weigh 1; thresholds are chosen on unweighted counts).
    weights: tuple[tuple[str, float], ...] = ()
    #: §16 (amendment 11): word-vector sources (:data:`detente.extract.dense.SOURCES`) whose
    #: vectors enter the linear stage as dense columns, and whether the second stage gets the
    #: per-kind prototype columns (:mod:`detente.extract.dense`; prototypes from the training
    #: items only, and for the stacking rows from the other inner parts only).
    dense: tuple[str, ...] = ()
    protos: bool = False
    #: §17 (amendment 12): the second stage also reads the article's kind of text
    #: (:data:`detente.extract.rerank.DOC_COLUMNS`) and each row beside the same actor's other
    #: rows of its kind in the article (:data:`~detente.extract.rerank.REPEAT_COLUMNS`).
    doc: bool = False
    repeat: bool = False
    #: §18 (amendment 13): the second stage also reads whether each candidate's sentence
    #: reports a discrete act placed at the article's time
    #: (:data:`detente.extract.rerank.ACT_COLUMNS`); and ``argued_bar``: in articles the fixed
    #: argued-piece marker calls argued (:func:`detente.extract.rerank.is_argued`) every
    #: threshold is multiplied by one factor ≥ 1, chosen by inner leave-one-part-out on the
    #: training parts (:func:`detente.extract.training_rerank.choose_bar`).
    act: bool = False
    argued_bar: bool = False
    #: §19 (amendment 14): a second look at the pairs decoding keeps
    #: (:mod:`detente.extract.second_look`): ``budget`` an article-level signal budget,
    #: ``gate`` a learned gate on each kept pair; each fitted on the second stage's inner
    #: held-out scores, its scale or cut chosen inside the training folds
    #: (:func:`detente.extract.training_rerank.fit_budget`, :func:`~.fit_gate`).
    budget: bool = False
    gate: bool = False

    @property
    def vectors(self) -> bool:
        """Whether the recipe reads the candidates' word vectors."""
        return bool(self.dense) or self.protos


#: The model of amendment 4 (§9, sixth session) and the second model (amendment 5, §10).
_SECOND = Recipe(FEATURE_SETS[FEATURES_VERSION], multi=1.5, crossfit=True)
#: ``stack*``: the third model's configurations (amendment 6, §11): the second model's linear
#: stage and a tree-ensemble second stage (:mod:`detente.extract.rerank`); every one compared
#: by leave-one-part-out is here, so each figure in docs/extraction.md can be reproduced.
RECIPES = {"current": Recipe(FEATURE_SETS[1]),
           "new": _SECOND,
           "stack1": replace(_SECOND, trees=150, leaves=15, min_leaf=20, rate=0.05),
           "stack2": replace(_SECOND, trees=80, handback=True),
           "stack3": replace(_SECOND, trees=80),
           "stack4": replace(_SECOND, trees=150, leaves=15, min_leaf=20, rate=0.05,
                             handback=True),
           "stack5": replace(_SECOND, trees=150, leaves=15, min_leaf=20, rate=0.05, multi=1.0),
           "stack6": replace(_SECOND, trees=150, leaves=15, min_leaf=20, rate=0.05, blend=0.5),
           "stack7": replace(_SECOND, trees=150, leaves=15, min_leaf=20, rate=0.05, blend=0.3),
           "stack8": replace(_SECOND, trees=150, leaves=15, min_leaf=20, rate=0.05, blend=0.5,
                             multi=1.0)}
#: ``nine*``: the configurations compared with ``stack8`` under §12 (amendment 7; at most
#: three; docs/extraction.md "Ninth session"): the blind parts weighted double in both
#: stages (their annotators' practice is locked8's), a weaker L2 penalty on the linear
#: stage (the learning curve still rises at the full training set), twice the boosting
#: rounds (most held-out losses are gold ranked below threshold: the second stage's job).
_BLIND = ("locked4", "locked5", "locked6", "locked7")
RECIPES |= {"nine1": replace(RECIPES["stack8"], weights=tuple((p, 2.0) for p in _BLIND)),
            "nine2": replace(RECIPES["stack8"], c=0.2),
            "nine3": replace(RECIPES["stack8"], trees=300)}
#: ``ten1``: the one signal configuration of §13 (amendment 8) using the article's kind of
#: text (feature set 3: ``doc:argued``/``doc:report`` alone and paired with the rules' kinds).
RECIPES["ten1"] = replace(RECIPES["stack8"], features=FEATURE_SETS[3])
#: ``vec*``: the three signal configurations of §16 (amendment 11; docs/extraction.md
#: "Eleventh session"), each ``stack8`` plus pretrained word vectors
#: (:mod:`detente.extract.dense`): ``vec1`` the candidate's sentence vector as 256 dense columns
#: of the linear stage; ``vec2`` the sentence and the actor window (six words each side of the
#: mention) vectors, 512 dense columns; ``vec3`` the linear stage unchanged and the second stage
#: given each (candidate, kind) row's projections on per-kind prototype directions (sentence
#: and window; learned from the training parts only).
RECIPES |= {"vec1": replace(RECIPES["stack8"], dense=("sentence",)),
            "vec2": replace(RECIPES["stack8"], dense=("sentence", "window")),
            "vec3": replace(RECIPES["stack8"], protos=True)}
#: ``p12*``: the three signal configurations of §17 (amendment 12; docs/extraction.md "Twelfth
#: session"), each ``stack8`` with more second-stage columns, aimed at locked12's wrong
#: predictions: ``p12doc`` the article's kind of text and the sentence's own voice (argued
#: pieces: the author's argument, standing positions, hypotheticals, recalled acts);
#: ``p12rep`` the row beside the same actor's other rows of its kind (reports: the same act
#: again at every mention); ``p12both`` both.
RECIPES |= {"p12doc": replace(RECIPES["stack8"], doc=True),
            "p12rep": replace(RECIPES["stack8"], repeat=True),
            "p12both": replace(RECIPES["stack8"], doc=True, repeat=True)}
#: ``p13*``: the three signal configurations of §18 (amendment 13; docs/extraction.md
#: "Thirteenth session"), each ``p12rep`` with one change aimed at locked13's argued pieces
#: (sentences without a discrete, placed act): ``p13act`` the act-placement columns in the
#: second stage; ``p13bar`` a higher bar in articles marked argued, its factor chosen inside
#: the training folds; ``p13both`` both.
RECIPES |= {"p13act": replace(RECIPES["p12rep"], act=True),
            "p13bar": replace(RECIPES["p12rep"], argued_bar=True),
            "p13both": replace(RECIPES["p12rep"], act=True, argued_bar=True)}
#: The recipe of the shipped model: ``p13act``, which passes §12's rule against ``p12rep`` and
#: every standing floor (docs/extraction-evaluation.md §18.2); ``p12rep`` before it (§17.2),
#: ``stack8`` before that (§11–§16).
SHIPPED = "p13act"
#: ``p14*``: the two signal configurations of §19 (amendment 14; docs/extraction.md
#: "Fourteenth session"), each ``p13act`` with one new kind of decision on the pairs it keeps,
#: aimed at locked14's argued pieces (many signal-like sentences, no new act): ``p14bud`` an
#: article-level budget (how many signals the article holds, from article-level evidence;
#: the highest-scoring pairs kept); ``p14gate`` a learned gate on each kept pair (a new,
#: placed act or not, from its score, kind, sentence's act placement and article's kind).
RECIPES |= {"p14bud": replace(RECIPES["p13act"], budget=True),
            "p14gate": replace(RECIPES["p13act"], gate=True)}
_GRID = np.round(np.arange(0.10, 0.91, 0.025), 3)


@dataclass
class Item:
    """One article with the rules' extraction, its candidates and their gold labels."""

    part: str
    gold: GoldArticle
    ruled: ArticleExtraction
    candidates: list[Candidate]
    y: np.ndarray
    missed: np.ndarray
    vecs: np.ndarray | None = None  # candidate_vectors, filled by with_vectors when needed


def with_vectors(items: Sequence[Item]) -> None:
    """Fill each item's candidate vectors once
    (:func:`detente.extract.dense.candidate_vectors`)."""
    from detente.extract.dense import candidate_vectors

    for it in items:
        if it.vecs is None:
            it.vecs = candidate_vectors(it.gold.article.body, it.candidates)


def load_parts(data: Path, seeds: Path, parts: Sequence[str] = PARTS
               ) -> dict[str, list[GoldArticle]]:
    """Gold articles per development part present under ``data`` (seeds: texts in ``seeds``,
    gold in ``data/seeds``; skipped when the texts are absent)."""
    if LOCKED in parts:
        raise DetenteError.one(f"{LOCKED} is the locked set: never development data",
                               path="parts", allowed=", ".join(PARTS))
    out: dict[str, list[GoldArticle]] = {}
    for part in parts:
        if part == "seeds":
            items = []
            for js in sorted((data / "seeds").glob("*.json")):
                txt = sorted(seeds.glob(f"{int(js.stem):03d}_*.txt"))
                if txt:
                    gold = json.loads(js.read_text(encoding="utf-8"))
                    items.append(GoldArticle(read_article(txt[0]), gold, str(txt[0])))
            if items:
                out[part] = items
        elif (data / part).is_dir() and any((data / part).glob("*.json")):
            out[part] = load_gold(data / part)
    return out


def data_hash(parts: dict[str, list[GoldArticle]]) -> str:
    """SHA-256 over every part's article bodies and gold, in order."""
    h = hashlib.sha256()
    for part, items in parts.items():
        for g in items:
            h.update(part.encode())
            h.update(g.article.body.encode("utf-8"))
            h.update(json.dumps(g.gold, sort_keys=True).encode("utf-8"))
    return h.hexdigest()


def featurize(parts: dict[str, list[GoldArticle]], rules: RuleExtractor,
              fs: FeatureSet | None = None) -> list[Item]:
    """Candidates and labels of every article (the rule pipeline runs once per article)."""
    issues = default_issues()
    fs = fs or FEATURE_SETS[FEATURES_VERSION]
    out = []
    for part, golds in parts.items():
        docs = rules.nlp.pipe(g.article.body for g in golds)
        for g, doc in zip(golds, docs, strict=True):
            ruled, cands = article_candidates(rules.lex, g.article, doc, issues, fs)
            y, missed = label(g.article.body, cands, g.gold, fs)
            out.append(Item(part, g, ruled, cands, y, missed))
    return out


def _matrix(items: Sequence[Item], vocab: dict[str, int], dense: tuple[str, ...] = ()) -> Any:
    from scipy.sparse import csr_matrix, hstack

    rows, cols = [], []
    r = 0
    for it in items:
        for c in it.candidates:
            js = sorted({vocab[f] for f in c.features if f in vocab})
            rows += [r] * len(js)
            cols += js
            r += 1
    x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(r, len(vocab)))
    if not dense:
        return x
    from detente.extract.dense import dense_columns

    with_vectors(items)
    d = np.vstack([dense_columns(it.vecs, dense) for it in items  # type: ignore[arg-type]
                   if it.vecs is not None])
    return hstack([x, csr_matrix(d)], format="csr")


def _fit_weights(items: Sequence[Item], c: float, min_count: int,
                 weights: tuple[tuple[str, float], ...] = (), dense: tuple[str, ...] = ()
                 ) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Vocabulary, weights (features then, with ``dense``, the dense columns) × kinds and
    intercepts of the linear stage."""
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for it in items for cand in it.candidates for f in set(cand.features))
    names = sorted(f for f, n in counts.items() if n >= min_count)
    vocab = {f: i for i, f in enumerate(names)}
    x = _matrix(items, vocab, dense)
    y = np.vstack([it.y for it in items])
    w = row_weights(items, weights)
    coef = np.zeros((x.shape[1], len(SIGNAL_KINDS)))
    intercept = np.full(len(SIGNAL_KINDS), -20.0)  # a kind never seen is never predicted
    for k in range(len(SIGNAL_KINDS)):
        if 0 < y[:, k].sum() < len(y):
            clf = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000)
            clf.fit(x, y[:, k], sample_weight=w)
            coef[:, k], intercept[k] = clf.coef_[0], clf.intercept_[0]
    return vocab, coef, intercept


def row_weights(items: Sequence[Item], weights: tuple[tuple[str, float], ...] = ()
                ) -> np.ndarray:
    """Each candidate row's training weight: its part's weight in ``weights`` (else 1)."""
    by = dict(weights)
    return np.concatenate([np.full(len(it.candidates), by.get(it.part, 1.0)) for it in items])


def _thresholds(items: Sequence[Item], c: float, min_count: int, crossfit: bool = False,
                sink: dict[int, np.ndarray] | None = None,
                weights: tuple[tuple[str, float], ...] = (), dense: tuple[str, ...] = ()
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per kind: the threshold maximising that kind's F1 over inner leave-one-part-out
    predictions, and whether the rules' own choice beats the model there (then the kind is
    left to the rules). Gold the candidates cannot hold counts as missed.

    ``crossfit=False`` is the §9 model's choice, kept as shipped to retrain it exactly: it
    compares the rules with the model at its best threshold, and its rules' rows are in
    article order while the model's are in part order (a misalignment found in the seventh
    session: the comparison is not a fair one; the shipped §9 model handed no kind back).
    ``crossfit=True`` (the §10 model) aligns the rows and judges the model on each inner
    part at the threshold chosen on the other inner parts (no threshold is chosen on the rows
    it is judged on). ``sink`` receives each item's inner held-out probabilities (by ``id``)."""
    k = len(SIGNAL_KINDS)
    parts = sorted({it.part for it in items})
    if len(parts) < 2:
        return np.full(k, 0.5), np.zeros(k, dtype=bool)
    probs, ys, ruled, owner, missed = [], [], [], [], []
    for h, held in enumerate(parts):
        train = [it for it in items if it.part != held]
        model = _linear(train, c, min_count, weights, dense)
        for it in (it for it in items if it.part == held):
            probs.append(model.probabilities(it.candidates, it.vecs))
            if sink is not None:
                sink[id(it)] = probs[-1]
            ys.append(it.y)
            ruled.append(rule_kinds(it.candidates))
            owner.append(np.full(len(it.candidates), h))
        missed.append(np.sum([it.missed for it in items if it.part == held], axis=0))
    p, y = np.vstack(probs), np.vstack(ys) == 1
    pred = p[:, :, None] >= _GRID[None, None, :]  # candidates × kinds × grid
    f1 = _f1(pred, y[:, :, None], np.sum(missed, axis=0)[:, None])
    best = np.argmax(f1, axis=1)
    if not crossfit:
        rules = np.vstack([rule_kinds(it.candidates) for it in items])
        return (np.asarray(_GRID[best], dtype=float),
                _f1(rules, y, np.sum(missed, axis=0)) > f1[np.arange(k), best])
    rows = np.concatenate(owner)
    fitted = np.zeros_like(y)
    for h in range(len(parts)):
        out = rows != h
        f1_h = _f1(pred[out], y[out][:, :, None],
                   np.sum([m for g, m in enumerate(missed) if g != h], axis=0)[:, None])
        fitted[~out] = p[~out] >= _GRID[np.argmax(f1_h, axis=1)]
    miss = np.sum(missed, axis=0)
    return (np.asarray(_GRID[best], dtype=float),
            _f1(np.vstack(ruled), y, miss) > _f1(fitted, y, miss))


def _linear(items: Sequence[Item], c: float, min_count: int,
            weights: tuple[tuple[str, float], ...] = (), dense: tuple[str, ...] = (),
            thresholds: np.ndarray | None = None, use_rules: np.ndarray | None = None,
            meta: dict[str, Any] | None = None, multi: float = 1.0) -> LearnedModel:
    """The linear stage trained on ``items`` (sparse weights, and dense ones with ``dense``)."""
    k = len(SIGNAL_KINDS)
    vocab, coef, icpt = _fit_weights(items, c, min_count, weights, dense)
    info = {**(meta or {}), "dense": list(dense)}
    return LearnedModel(vocab, coef[:len(vocab)], icpt,
                        np.zeros(k) if thresholds is None else thresholds,
                        np.zeros(k, dtype=bool) if use_rules is None else use_rules, info,
                        multi, dense_coef=coef[len(vocab):] if dense else None)


def _f1(pred: np.ndarray, y: np.ndarray, missed: np.ndarray) -> np.ndarray:
    tp = (pred & y).sum(axis=0)
    fp = (pred & ~y).sum(axis=0)
    fn = y.sum(axis=0) - tp + missed
    return np.asarray(2 * tp / np.maximum(2 * tp + fp + fn, 1))


def fit(items: Sequence[Item], recipe: Recipe | None = None,
        meta: dict[str, Any] | None = None) -> LearnedModel:
    """Train on ``items`` (featurized with ``recipe.features``): weights on all of them,
    thresholds by inner LOPO."""
    r = recipe or RECIPES[SHIPPED]
    if (r.protos or r.doc or r.repeat or r.act or r.argued_bar or r.budget or r.gate
            ) and not r.trees:
        raise DetenteError.one("prototype, document, repeat and act columns and the argued "
                               "bar belong to the second stage",
                               path="recipe.protos/doc/repeat/act/argued_bar/budget/gate",
                               allowed="protos, doc, repeat, act, argued_bar, budget, gate "
                               "only with trees > 0")
    if r.vectors:
        with_vectors(items)
    inner: dict[int, np.ndarray] = {}
    thresholds, use_rules = _thresholds(items, r.c, r.min_count, r.crossfit, inner, r.weights,
                                        r.dense)
    info = {"features_version": r.features.version, "C": r.c, "min_count": r.min_count,
            "multi": r.multi, "crossfit": r.crossfit, "kinds": list(SIGNAL_KINDS),
            "part_weight": dict(r.weights), **(meta or {})}
    if r.vectors:  # §16 models only: earlier weights files keep their meta unchanged
        info.update(protos=r.protos)
    linear = _linear(items, r.c, r.min_count, r.weights, r.dense, thresholds, use_rules, info,
                     r.multi)
    if not r.vectors:
        linear.meta.pop("dense")
    if not r.trees:
        return linear
    from detente.extract.training_rerank import fit_second_stage

    linear.meta.update(trees=r.trees, leaves=r.leaves, min_leaf=r.min_leaf, rate=r.rate,
                       handback=r.handback, blend=r.blend)
    if r.doc or r.repeat:  # §17 models only: earlier weights files keep their meta unchanged
        linear.meta.update(doc=r.doc, repeat=r.repeat)
    if r.act:  # §18 models only
        linear.meta.update(act=True)
    groups: list[list[np.ndarray]] = []  # more second-stage columns, in the order of scores()
    if r.doc:
        groups.append([doc_rows(it.gold.article, it.candidates) for it in items])
    if r.repeat:  # from the inner held-out linear probabilities, as the stacking rows' own
        groups.append([repeat_rows(it.candidates, inner[id(it)], thresholds) for it in items])
    if r.act:
        groups.append([act_rows(it.gold.article, it.candidates) for it in items])
    mean, dirs = None, None
    if r.protos:
        protos, mean, dirs = _proto_rows(items)
        groups.append(protos)
    extra = [np.hstack(cols) for cols in zip(*groups, strict=True)] if groups else None
    held: list[np.ndarray] = []  # the second stage's inner held-out scores, per item
    ensemble, final = fit_second_stage(items, [inner[id(it)] for it in items], thresholds, r,
                                       extra, held)
    if r.argued_bar:  # §18: the factor on the thresholds of articles marked argued
        from detente.extract.training_rerank import choose_bar

        blended = [r.blend * h + (1.0 - r.blend) * inner[id(it)] * (final / thresholds)
                   for it, h in zip(items, held, strict=True)]
        linear.meta.update(argued_bar=choose_bar(
            items, blended, final, r.multi, [is_argued(it.gold.article) for it in items]))
    if r.budget or r.gate:  # §19: the second look, on the same inner held-out scores
        from detente.extract.training_rerank import fit_budget, fit_gate

        looked = [r.blend * h + (1.0 - r.blend) * inner[id(it)] * (final / thresholds)
                  for it, h in zip(items, held, strict=True)]
        if r.gate:
            linear.meta.update(gate=fit_gate(items, looked, final, r.multi))
        if r.budget:
            linear.meta.update(budget=fit_budget(items, looked, final, r.multi))
    return replace(linear, thresholds=final,
                   use_rules=use_rules if r.handback else np.zeros_like(use_rules),
                   reranker=ensemble, base_thresholds=thresholds, blend=r.blend,
                   proto_mean=mean, proto_dirs=dirs)


def _proto_rows(items: Sequence[Item]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The second stage's prototype columns of each item, from prototypes fitted on the
    *other* parts (as the stacking rows' linear probabilities are), and the prototypes of all
    items (the model's)."""
    from detente.extract.dense import fit_prototypes, proto_columns

    vecs = [it.vecs for it in items]
    assert all(v is not None for v in vecs)
    out: list[np.ndarray] = [np.zeros(0)] * len(items)
    for part in dict.fromkeys(it.part for it in items):
        rest = [i for i, it in enumerate(items) if it.part != part]
        mean, dirs = fit_prototypes([vecs[i] for i in rest],  # type: ignore[misc]
                                    [items[i].y for i in rest])
        for i, it in enumerate(items):
            if it.part == part:
                out[i] = proto_columns(vecs[i], mean, dirs)  # type: ignore[arg-type]
    mean, dirs = fit_prototypes(vecs, [it.y for it in items])  # type: ignore[arg-type]
    return out, mean, dirs


def extractions(model: LearnedModel, items: Sequence[Item]) -> list[ArticleExtraction]:
    """The model's extraction of each item (candidates are reused, not recomputed)."""
    if model.needs_vectors:
        with_vectors(items)
    return [decode(model, it.gold.article.body, it.ruled, it.candidates, it.gold.article.date,
                   model.scores(it.candidates, it.vecs, it.gold.article)
                   if model.needs_vectors else None, it.gold.article)
            for it in items]


def score(items: Sequence[Item], got: Sequence[ArticleExtraction], draws: int = 2000
          ) -> Evaluation:
    """The project's evaluator on ``items`` with precomputed extractions ``got``."""
    by_path = {it.gold.path: x for it, x in zip(items, got, strict=True)}
    return evaluate([it.gold for it in items],
                    lambda arts: [by_path[a.path] for a in arts], draws=draws)


def lopo(items: Sequence[Item], recipe: Recipe | None = None
         ) -> dict[str, list[ArticleExtraction]]:
    """Held-out extractions per part: the model trained on every other part."""
    out = {}
    for held in dict.fromkeys(it.part for it in items):
        train = [it for it in items if it.part != held]
        test = [it for it in items if it.part == held]
        out[held] = extractions(fit(train, recipe), test)
    return out


def train_all(data: Path, seeds: Path, rules: RuleExtractor, recipe: Recipe | None = None,
              command: str = "", files: Sequence[str] | None = None) -> LearnedModel:
    """The shipped model: trained on every development part present (or only the articles
    whose file names ``part/name`` are in ``files``, to retrain a shipped model exactly), with
    its provenance (the parts, the articles, the training data's hash, features' version,
    command)."""
    import sklearn

    r = recipe or RECIPES[SHIPPED]
    parts = load_parts(data, seeds)
    if files is not None:
        keep = set(files)
        parts = {p: kept for p, items in parts.items()
                 if (kept := [g for g in items if f"{p}/{Path(g.path).name}" in keep])}
    items = featurize(parts, rules, r.features)
    names = [f"{p}/{Path(g.path).name}" for p, golds in parts.items() for g in golds]
    meta = {"parts": list(parts), "articles": len(items), "files": names,
            "data_sha256": data_hash(parts), "command": command,
            "sklearn": sklearn.__version__}
    return fit(items, r, meta)


def recipe_of(model: LearnedModel) -> Recipe:
    """The recipe a model's weights file records (to retrain it exactly)."""
    m = model.meta
    return Recipe(FEATURE_SETS[int(m["features_version"])], float(m["C"]),
                  int(m["min_count"]), float(m.get("multi", 1.0)),
                  bool(m.get("crossfit", False)), int(m.get("trees", 0)),
                  int(m.get("leaves", 7)), int(m.get("min_leaf", 40)),
                  float(m.get("rate", 0.08)), bool(m.get("handback", False)),
                  float(m.get("blend", 1.0)),
                  tuple((str(p), float(w)) for p, w in m.get("part_weight", {}).items()),
                  tuple(str(s) for s in m.get("dense", ())), bool(m.get("protos", False)),
                  bool(m.get("doc", False)), bool(m.get("repeat", False)),
                  bool(m.get("act", False)), "argued_bar" in m, "budget" in m, "gate" in m)
