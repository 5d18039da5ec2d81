"""The learned extractor (protocol amendments 4–6, §9–§11): the rules' pipeline finds the
candidates, a linear model scores them, and (§11, the shipped model) a tree ensemble re-scores
every (candidate, kind) pair in its sentence and article (:mod:`detente.extract.rerank`).

Actors, positions, proposals and stance are the rules' (:mod:`detente.extract.rules`). Signals
are re-chosen: every (sentence, actor) candidate of :mod:`detente.extract.candidates` is
scored by one-vs-rest logistic regression over its sparse binary features (one weight vector
per signal kind; Hosmer & Lemeshow, *Applied Logistic Regression*). Decoding (amendment 5,
§10): a candidate keeps its best kind (largest ratio of probability to that kind's threshold,
if the ratio is ≥ 1) and any other kind whose ratio reaches ``multi`` (1.5 in the second
model, §10; 1 gives the §9 rule, every kind over its threshold); the kinds the training handed back
(``use_rules``) are the rules' own choice instead. Features come from the model's feature set
(version 2: the §9 features plus actor-role × sentence-cue pairs). With a second stage
(``reranker``), decoding compares ``blend`` × the trees' ratio + (1 − ``blend``) × the linear
ratio with 1 (the shipped model: blend 0.5, multi 1, no kind handed back). Inference is
NumPy over a weights file shipped in the package (``data/learned_model.npz``, written by
``scripts/train_extractor.py``; it records the training data's hash, the features' version and
the training command); nothing is downloaded or trained at run time.

Word vectors (amendment 11, §16; :mod:`detente.extract.dense`): a model may add to the
linear stage dense columns from its candidates' sentence and window vectors (``dense_coef``)
and to the second stage projections on per-kind prototype directions (``proto_mean``,
``proto_dirs``); the vectors come from the installed ``wordllama`` package, and a model that
needs them stops at load with a message naming the extra when it is missing.

Amendment 12 (§17): a second stage may also read the article's kind of text
(:data:`detente.extract.rerank.DOC_COLUMNS`, ``meta["doc"]``) and each row beside the same
actor's other rows of its kind in the article (:data:`~detente.extract.rerank.REPEAT_COLUMNS`,
``meta["repeat"]``); both are computed from the text and the linear scores, nothing extra is
stored.

Amendment 13 (§18): a second stage may also read whether each candidate's sentence reports a
discrete act placed at the article's time (:data:`detente.extract.rerank.ACT_COLUMNS`,
``meta["act"]``), and a model may raise every threshold by one factor in articles the fixed
argued-piece marker calls argued (:func:`detente.extract.rerank.is_argued`,
``meta["argued_bar"]``, chosen in training).

Amendment 14 (§19): a model may take a second look at the pairs decoding keeps — an
article-level budget (``meta["budget"]``) or a learned gate on each kept pair (``meta["gate"]``),
:mod:`detente.extract.second_look`; both only drop pairs.

Quotes: the rules' quote for the same actor and kind in that sentence where the rules gave
one, else the sentence (trimmed); both are exact substrings of the body by construction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.extract.article import Article
from detente.extract.candidates import FEATURE_SETS, Candidate, FeatureSet, article_candidates
from detente.extract.dates import find_date
from detente.extract.dense import (
    PROTO_COLUMNS,
    SOURCES,
    candidate_vectors,
    dense_columns,
    proto_columns,
)
from detente.extract.rerank import (
    ACT_COLUMNS,
    COLUMNS,
    DOC_COLUMNS,
    REPEAT_COLUMNS,
    TreeEnsemble,
    act_rows,
    doc_rows,
    is_argued,
    repeat_rows,
    rerank_features,
)
from detente.extract.rules import RuleExtractor, _trim
from detente.extract.schema import SIGNAL_KINDS, ArticleExtraction, Signal
from detente.extract.second_look import check as check_second_look
from detente.extract.second_look import second_look
from detente.extract.stance_model import DEFAULT_STANCE
from detente.extract.vectors import DIM
from detente.extract.vocabulary import IssueTerms, default_issues

MODEL_FILE = Path(__file__).resolve().parent / "data" / "learned_model.npz"


@dataclass(frozen=True)
class LearnedModel:
    """Weights of the one-vs-rest model: ``coef`` is features × kinds."""

    vocab: dict[str, int]
    coef: np.ndarray
    intercept: np.ndarray
    thresholds: np.ndarray
    use_rules: np.ndarray  # per kind: leave the kind to the rules (chosen in training)
    meta: dict[str, Any]
    #: A candidate keeps its best kind (largest probability / threshold ratio, if ≥ 1) and
    #: any other kind whose ratio reaches ``multi`` (1: every kind over its threshold, §9).
    multi: float = 1.0
    #: The second stage of §11 (None: the linear probabilities are the scores). With it,
    #: ``thresholds`` are the second stage's and ``base_thresholds`` the linear model's.
    reranker: TreeEnsemble | None = None
    base_thresholds: np.ndarray | None = None
    #: Weight of the second stage: a pair's ratio to threshold is ``blend`` × the second
    #: stage's + (1 − ``blend``) × the linear model's (1: the second stage alone).
    blend: float = 1.0
    #: §16: weights of the dense vector columns (256 per source in ``meta["dense"]``) × kinds,
    #: and the second stage's prototypes (``meta["protos"]``): mean and unit directions.
    dense_coef: np.ndarray | None = None
    proto_mean: np.ndarray | None = None
    proto_dirs: np.ndarray | None = None

    @property
    def dense(self) -> tuple[str, ...]:
        """The vector sources of the linear stage's dense columns (empty: none)."""
        return tuple(self.meta.get("dense", ())) if self.dense_coef is not None else ()

    @property
    def needs_vectors(self) -> bool:
        """Whether scoring reads the candidates' word vectors."""
        return bool(self.dense) or self.proto_dirs is not None

    def vectors(self, body: str, candidates: Sequence[Candidate]) -> np.ndarray | None:
        """The candidates' vectors if the model reads them (else None)."""
        return candidate_vectors(body, candidates) if self.needs_vectors else None

    @property
    def doc_columns(self) -> bool:
        """Whether the second stage reads :data:`~detente.extract.rerank.DOC_COLUMNS` (§17)."""
        return self.reranker is not None and bool(self.meta.get("doc", False))

    @property
    def repeat_columns(self) -> bool:
        """Whether the second stage reads :data:`~detente.extract.rerank.REPEAT_COLUMNS`."""
        return self.reranker is not None and bool(self.meta.get("repeat", False))

    @property
    def act_columns(self) -> bool:
        """Whether the second stage reads :data:`~detente.extract.rerank.ACT_COLUMNS` (§18)."""
        return self.reranker is not None and bool(self.meta.get("act", False))

    @property
    def argued_bar(self) -> float:
        """The factor on every threshold in articles marked argued (§18; 1: none)."""
        return float(self.meta.get("argued_bar", 1.0))

    def bar(self, article: Article | None) -> float:
        """:attr:`argued_bar` if ``article`` is marked argued, else 1 (a model with a bar
        needs the article)."""
        if self.argued_bar == 1.0:
            return 1.0
        if article is None:
            raise ValueError("this model reads the article's kind: pass the article")
        return self.argued_bar if is_argued(article) else 1.0

    @property
    def features(self) -> FeatureSet:
        """The feature set the model was trained on."""
        return FEATURE_SETS[int(self.meta.get("features_version", 1))]

    def probabilities(self, candidates: Sequence[Candidate], vecs: np.ndarray | None = None
                      ) -> np.ndarray:
        """P(kind | candidate), candidates × kinds (features unseen in training count 0;
        ``vecs``: the candidates' vectors, :meth:`vectors`, when the model reads them)."""
        if not candidates:
            return np.zeros((0, len(SIGNAL_KINDS)))
        rows = [[self.vocab[f] for f in dict.fromkeys(c.features) if f in self.vocab]
                for c in candidates]
        lengths = np.array([len(r) for r in rows])
        idx = np.fromiter((j for r in rows for j in r), dtype=np.int64, count=int(lengths.sum()))
        z = np.zeros((len(rows), self.coef.shape[1]))
        if len(idx):
            owner = np.repeat(np.arange(len(rows)), lengths)
            np.add.at(z, owner, self.coef[idx])
        z += self.intercept
        if self.dense:
            if vecs is None:
                raise ValueError("this model reads word vectors: pass the candidates' vectors")
            z += dense_columns(vecs, self.dense) @ self.dense_coef
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def scores(self, candidates: Sequence[Candidate], vecs: np.ndarray | None = None,
               article: Article | None = None) -> np.ndarray:
        """The scores decoding compares with ``thresholds``, candidates × kinds: the linear
        probabilities, re-scored by the second stage when the model has one (``article``: the
        candidates' article, needed by a second stage reading its kind of text)."""
        p = self.probabilities(candidates, vecs)
        if self.reranker is None or self.base_thresholds is None:
            return p
        x = rerank_features(candidates, p, self.base_thresholds)
        if self.doc_columns:
            if article is None:
                raise ValueError("this model reads the article's kind: pass the article")
            x = np.hstack([x, doc_rows(article, candidates)])
        if self.repeat_columns:
            x = np.hstack([x, repeat_rows(candidates, p, self.base_thresholds)])
        if self.act_columns:
            if article is None:
                raise ValueError("this model reads the sentences' act placement: pass the "
                                 "article")
            x = np.hstack([x, act_rows(article, candidates)])
        if self.proto_dirs is not None and self.proto_mean is not None:
            if vecs is None:
                raise ValueError("this model reads word vectors: pass the candidates' vectors")
            x = np.hstack([x, proto_columns(vecs, self.proto_mean, self.proto_dirs)])
        second = self.reranker.probability(x).reshape(p.shape)
        if self.blend == 1.0:
            return second
        # in the second stage's units: scores / thresholds is the blended ratio
        return np.asarray(self.blend * second + (1.0 - self.blend) * p
                          * (self.thresholds / self.base_thresholds))

    def save(self, path: Path) -> None:
        """Write the weights file (compressed npz; no pickled objects)."""
        order = sorted(self.vocab, key=self.vocab.__getitem__)
        extra: dict[str, np.ndarray] = {}
        if self.reranker is not None and self.base_thresholds is not None:
            extra = {**self.reranker.arrays("tree_"), "base_thresholds": self.base_thresholds}
        if self.dense_coef is not None:
            extra["dense_coef"] = self.dense_coef.astype(np.float32)
        if self.proto_mean is not None and self.proto_dirs is not None:
            extra |= {"proto_mean": self.proto_mean, "proto_dirs": self.proto_dirs}
        arrays: dict[str, Any] = {"vocab": np.array(order), "coef": self.coef.astype(np.float32),
                                   "intercept": self.intercept, "thresholds": self.thresholds,
                                   "use_rules": self.use_rules, "multi": np.array(self.multi),
                                   "meta": np.array(json.dumps(self.meta, sort_keys=True)),
                                   **extra}
        np.savez_compressed(path, **arrays)


def load_model(path: Path | None = None) -> LearnedModel:
    """The shipped model (or ``path``); a missing, corrupt or mismatched file is one error."""
    path = path or MODEL_FILE
    fix = "retrain with `python3 scripts/train_extractor.py`, or use --extractor rules"
    if not path.is_file():
        raise DetenteError.one("the learned extractor's weights file is missing",
                               file=str(path), allowed=fix)
    try:
        with np.load(path, allow_pickle=False) as z:
            vocab = [str(v) for v in z["vocab"]]
            coef, intercept = np.asarray(z["coef"], float), np.asarray(z["intercept"], float)
            thresholds = np.asarray(z["thresholds"], float)
            use_rules = np.asarray(z["use_rules"], bool)
            multi = float(z["multi"]) if "multi" in z.files else 1.0
            meta = json.loads(str(z["meta"]))
            trees, base = None, None
            if "base_thresholds" in z.files:
                trees = TreeEnsemble.from_arrays({f: z[f] for f in z.files}, "tree_")
                base = np.asarray(z["base_thresholds"], float)
            dense = np.asarray(z["dense_coef"], float) if "dense_coef" in z.files else None
            pmean = np.asarray(z["proto_mean"], float) if "proto_mean" in z.files else None
            pdirs = np.asarray(z["proto_dirs"], float) if "proto_dirs" in z.files else None
    except (OSError, ValueError, KeyError, EOFError) as exc:  # zip, npz or json damage
        raise DetenteError.one(f"the learned extractor's weights file is unreadable: {exc}",
                               file=str(path), allowed=fix) from exc
    k = len(SIGNAL_KINDS)
    sources = meta.get("dense", []) if isinstance(meta, dict) else []
    doc, repeat, act = (meta.get("doc", False), meta.get("repeat", False),
                        meta.get("act", False)) if isinstance(meta, dict) else (None, None, None)
    bar = meta.get("argued_bar", 1.0) if isinstance(meta, dict) else None
    columns = (len(COLUMNS) + (len(DOC_COLUMNS) if doc is True else 0)
               + (len(REPEAT_COLUMNS) if repeat is True else 0)
               + (len(ACT_COLUMNS) if act is True else 0)
               + (len(PROTO_COLUMNS) if pdirs is not None else 0))
    if (coef.shape != (len(vocab), k) or intercept.shape != (k,) or thresholds.shape != (k,)
            or use_rules.shape != (k,)
            or not isinstance(meta, dict) or meta.get("features_version") not in FEATURE_SETS
            or not np.isfinite(coef).all() or not multi >= 1.0
            or (trees is not None and not trees.fits(columns))
            or not isinstance(sources, list) or not set(sources) <= set(SOURCES)
            or (dense is None) != (not sources)
            or (dense is not None and (dense.shape != (DIM * len(sources), k)
                                       or not np.isfinite(dense).all()))
            or (pmean is None) != (pdirs is None) or (pdirs is not None and trees is None)
            or (pdirs is not None and (pmean is None or pmean.shape != (len(SOURCES), DIM)
                                       or pdirs.shape != (len(SOURCES), k + 1, DIM)))
            or (base is not None and base.shape != (k,))
            or not isinstance(doc, bool) or not isinstance(repeat, bool)
            or not isinstance(act, bool) or isinstance(bar, bool)
            or not isinstance(bar, (int, float)) or not 1.0 <= bar <= 10.0
            or ((doc or repeat or act or bar != 1.0) and trees is None)
            or not check_second_look(meta)
            or (("budget" in meta or "gate" in meta) and trees is None)
            or not 0.0 <= float(meta.get("blend", 1.0)) <= 1.0):
        raise DetenteError.one("the learned extractor's weights file does not fit this version",
                               file=str(path),
                               path="coef/intercept/thresholds/use_rules/multi/meta/tree_*/"
                               "dense_coef/proto_*",
                               allowed=f"{k} kinds, features version in "
                               f"{sorted(FEATURE_SETS)}, multi ≥ 1, flags doc/repeat/act "
                               f"true or false, argued_bar a number in [1, 10], budget and "
                               f"gate as second_look.check; {fix}")
    model = LearnedModel({v: i for i, v in enumerate(vocab)}, coef, intercept, thresholds,
                         use_rules, meta, multi, trees, base, float(meta.get("blend", 1.0)),
                         dense, pmean, pdirs)
    if model.needs_vectors:
        from detente.extract.vectors import require

        require()  # one clear error naming the extra when the package is missing
    return model


def decode(model: LearnedModel, body: str, ruled: ArticleExtraction,
           candidates: Sequence[Candidate], anchor: Any,
           probs: np.ndarray | None = None, article: Article | None = None
           ) -> ArticleExtraction:
    """The rules' extraction with its signals replaced by the model's choices (``probs``: the
    model's scores when already computed; ``article``: the article, for a model reading its
    kind of text)."""
    p = (model.scores(candidates, model.vectors(body, candidates), article) if probs is None
         else probs)
    thresholds = model.thresholds * model.bar(article)
    ratio = p / thresholds
    best = ratio.max(axis=1, keepdims=True) if len(p) else ratio
    over = (p >= thresholds) & ((ratio >= best) | (ratio >= model.multi))
    if model.reranker is not None:  # §19: the gate and the budget, if the model has them
        over = second_look(model.meta, article, candidates, ratio, over)
    take = np.where(model.use_rules, rule_kinds(candidates), over)
    chosen = np.argwhere(take)
    signals = []
    dates: dict[int, str | None] = {}  # one date per sentence, as the rules find it
    for j, k in chosen:
        c, kind = candidates[int(j)], SIGNAL_KINDS[int(k)]
        q0, q1 = c.rule_quotes.get(kind) or _trim(body, c.start, c.end)
        if c.start not in dates:
            dates[c.start] = find_date(body[c.start:c.end], anchor)
        signals.append(Signal(actor=c.actor, kind=kind,  # type: ignore[arg-type]
                              date=dates[c.start],
                              quote=body[q0:q1], start=q0, end=q1))
    signals.sort(key=lambda s: (s.start or 0, s.actor, s.kind))
    return ruled.model_copy(update={"signals": signals, "extractor": "learned"})


def rule_kinds(candidates: Sequence[Candidate]) -> np.ndarray:
    """The rules' own choice, candidates × kinds (True where the rules gave that signal)."""
    out = np.zeros((len(candidates), len(SIGNAL_KINDS)), dtype=bool)
    for j, c in enumerate(candidates):
        for kind in c.rule_quotes:
            out[j, SIGNAL_KINDS.index(kind)] = True
    return out


class LearnedExtractor:
    """The rules' pipeline for candidates, the shipped linear model for signals."""

    name = "learned"

    def __init__(self, model: LearnedModel | None = None, rules: RuleExtractor | None = None,
                 stance: str | None = None) -> None:
        """``stance``: the rules' stance method (``cues`` or ``model``; default: ``rules``'s,
        else :data:`detente.extract.stance_model.DEFAULT_STANCE`)."""
        self.model = model or load_model()
        if rules is None or (stance is not None and stance != rules.stance):
            rules = RuleExtractor(stance or DEFAULT_STANCE)
        self.rules = rules

    def extract_many(self, articles: Sequence[Article],
                     issues: Mapping[str, IssueTerms] | None = None) -> list[ArticleExtraction]:
        """Extract from several articles (spaCy batches them)."""
        vocab = issues if issues is not None else default_issues()
        docs = self.rules.nlp.pipe(a.body for a in articles)
        out = []
        for a, doc in zip(articles, docs, strict=True):
            ruled, cands = article_candidates(self.rules.lex, a, doc, vocab,
                                              self.model.features, self.rules.stance)
            out.append(decode(self.model, a.body, ruled, cands, a.date, article=a))
        return out
