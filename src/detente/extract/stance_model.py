"""The article's stance from a learned model (protocol amendment 8, §13).

The weighted cues of :mod:`detente.extract.stance` are right on almost every news report but
on few argued pieces (opinion columns, editorials, letters, analyses): most argued pieces fire
no cue, and the cues' neutral threshold compares them with reporting verbs they rarely have
(docs/extraction.md, "Stance by kind of text"). This module gives the stance in two steps:

1. **Kind of text.** :func:`kind_features` measures what tells an argued piece from a report
   (Biber, *Variation across Speech and Writing*, 1988, ch. 5–7: reported speech and past-tense
   narration against first person, modals and questions marking an overtly argued text; the
   same markers are the classic cues of opinion-vs-news classification, Yu & Hatzivassiloglou,
   EMNLP 2003): reporting verbs, first-person pronouns, modal and necessity verbs and question
   marks (all per 100 words, outside quotation marks), quotation density, weekday/date words,
   the headline's markers (Opinion, Editorial, Letter, must, should, Why, ?) and the cues'
   evaluative total.
2. **Stance.** A configuration either takes the cues' heaviest stance for an argued piece
   (``kind-cues``), or scores the three argued stances by a multinomial logistic regression
   over the cue totals and the words of the piece (``kind-words``; the label is the largest of
   P(report) and P(argued) × P(stance | argued)), or scores all four labels by one multinomial
   regression over every feature (``flat``).

Inference is NumPy over a weights file shipped in the package (``data/stance_model.npz``,
written by ``scripts/train_stance.py``; it records the training data's hash, the articles and
the command); nothing is downloaded or trained at run time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.extract.lexicon import Lexicon
from detente.extract.stance import classify_stance, stance_scores

STANCE_FILE = Path(__file__).resolve().parent / "data" / "stance_model.npz"
#: The argued stances in the order the cues break ties (skeptical first, as in ``stance``).
ARGUED = ("skeptical", "anti_concession", "pro_negotiation")
REPORT = "neutral_report"
#: The configurations of §13 (at most three).
CONFIGS = ("kind-cues", "kind-words", "flat")

_QUOTED = re.compile(r"“[^”]{0,2000}”|\"[^\"\n]{0,2000}\"")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_REPORTING = re.compile(r"\b(?:said|says|say|told|according to|reported|reports|reportedly|"
                        r"added|noted|announced|confirmed|stated|declared|insisted|"
                        r"spokes(?:man|woman|person)|statement|press conference)\b",
                        re.IGNORECASE)
_FIRST = re.compile(r"\b(?:I|[Ww]e|[Oo]ur|us|[Mm]y|me|[Oo]urselves)\b")
_MODAL = re.compile(r"\b(?:must|should|shouldn[’']t|cannot|can[’']t|ought|needs? to|"
                    r"has to|have to|would be|mustn[’']t)\b", re.IGNORECASE)
_DATE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                   r"yesterday|today|tonight|this week|last week)\b")
_TITLE_GENRE = re.compile(r"\b(?:opinion|editorial|letters?|analysis|view|comment|column|"
                          r"op-ed|commentary|essay|viewpoint)\b", re.IGNORECASE)
_TITLE_ARGUE = re.compile(r"\b(?:must|should|shouldn[’']t|why|how|time for|cannot|can[’']t|"
                          r"won[’']t|need|needs|only|no)\b|\?|!", re.IGNORECASE)
#: The names of :func:`kind_features`' columns, in order.
KIND_FEATURES = ("reporting", "first_person", "modal", "questions", "quotes", "dates",
                 "title_genre", "title_argues", "cue_total")


def headline(body: str, title: str | None) -> str:
    """The title, or (no header) the body's first non-empty line: where a headline stands."""
    if title:
        return title
    return next((line for line in body.splitlines() if line.strip()), "")


def kind_features(body: str, title: str | None, lex: Lexicon,
                  scores: dict[str, float] | None = None) -> np.ndarray:
    """The text-kind measures of one article (:data:`KIND_FEATURES`): rates are per 100
    words (first person, modals and questions outside quotation marks), then ``log1p``.
    ``scores``: the article's :func:`stance_scores`, when already computed."""
    words = max(len(_WORD.findall(body)), 1)
    outside = _QUOTED.sub(" ", body)
    head = headline(body, title)
    per = 100.0 / words
    cues = scores if scores is not None else stance_scores(body, title, lex)
    raw = [len(_REPORTING.findall(body)) * per, len(_FIRST.findall(outside)) * per,
           len(_MODAL.findall(outside)) * per, outside.count("?") * per,
           len(_QUOTED.findall(body)) * per, len(_DATE.findall(body)) * per,
           float(bool(_TITLE_GENRE.search(head))), float(bool(_TITLE_ARGUE.search(head))),
           sum(cues.values())]
    return np.log1p(np.asarray(raw, dtype=float))


def cue_features(body: str, title: str | None, lex: Lexicon,
                 scores: dict[str, float] | None = None) -> np.ndarray:
    """The cues' totals per argued stance (order :data:`ARGUED`), ``log1p``."""
    s = scores if scores is not None else stance_scores(body, title, lex)
    return np.log1p(np.asarray([s[k] for k in ARGUED], dtype=float))


def words(body: str, title: str | None) -> set[str]:
    """Lower-cased word types of the body (≥ 3 letters) and of the headline (``t:`` prefix)."""
    def types(text: str) -> set[str]:
        return {w.lower().replace("’", "'") for w in _WORD.findall(text) if len(w) >= 3}

    return types(body) | {f"t:{w}" for w in types(headline(body, title))}


@dataclass(frozen=True)
class Linear:
    """A logistic model over dense features (standardised by ``mean``/``scale``) and binary
    word features (``vocab`` → row of ``coef`` after the dense rows). ``coef`` is features ×
    outputs: one output is a binary model (sigmoid), several a multinomial one (softmax)."""

    mean: np.ndarray
    scale: np.ndarray
    vocab: dict[str, int]
    coef: np.ndarray
    intercept: np.ndarray

    def probabilities(self, dense: np.ndarray, types: set[str] | None = None) -> np.ndarray:
        z = ((dense - self.mean) / self.scale) @ self.coef[:len(self.mean)] + self.intercept
        if types:
            rows = [len(self.mean) + self.vocab[t] for t in types if t in self.vocab]
            z = z + self.coef[rows].sum(axis=0)
        if z.shape == (1,):
            return np.asarray(1.0 / (1.0 + np.exp(-z)))
        e = np.exp(z - z.max())
        return np.asarray(e / e.sum())

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        order = sorted(self.vocab, key=self.vocab.__getitem__)
        return {f"{prefix}mean": self.mean, f"{prefix}scale": self.scale,
                f"{prefix}vocab": np.array(order, dtype=str), f"{prefix}coef": self.coef,
                f"{prefix}intercept": self.intercept}

    @classmethod
    def from_arrays(cls, z: Any, prefix: str) -> Linear:
        vocab = [str(v) for v in z[f"{prefix}vocab"]]
        out = cls(np.asarray(z[f"{prefix}mean"], float), np.asarray(z[f"{prefix}scale"], float),
                  {v: i for i, v in enumerate(vocab)}, np.asarray(z[f"{prefix}coef"], float),
                  np.asarray(z[f"{prefix}intercept"], float))
        n = len(out.mean) + len(vocab)
        if (out.scale.shape != out.mean.shape or out.coef.ndim != 2 or out.coef.shape[0] != n
                or out.intercept.shape != (out.coef.shape[1],) or not np.all(out.scale > 0)
                or not np.isfinite(out.coef).all()):
            raise ValueError(f"{prefix} arrays do not fit together")
        return out


@dataclass(frozen=True)
class StanceModel:
    """One §13 configuration: ``detector`` (P(argued) from :func:`kind_features`; none for
    ``flat``) and ``classifier`` (over the argued stances, or over all four labels for
    ``flat``; none for ``kind-cues``, which takes the cues' heaviest stance, or
    ``fallback`` when no cue fires)."""

    config: str
    detector: Linear | None
    classifier: Linear | None
    fallback: str
    meta: dict[str, Any]

    def labels(self) -> tuple[str, ...]:
        return (*ARGUED, REPORT) if self.config == "flat" else ARGUED

    def predict(self, body: str, title: str | None, lex: Lexicon) -> str:
        """One of pro_negotiation, skeptical, anti_concession, neutral_report."""
        scores = stance_scores(body, title, lex)
        kind = kind_features(body, title, lex, scores)
        if self.config == "flat" and self.classifier is not None:
            dense = np.concatenate([kind, cue_features(body, title, lex, scores)])
            p = self.classifier.probabilities(dense, words(body, title))
            return self.labels()[int(np.argmax(p))]
        if self.detector is None:
            raise DetenteError.one("the stance model has no detector", path="config",
                                   value=self.config, allowed=", ".join(CONFIGS))
        argued = float(self.detector.probabilities(kind)[0])
        if self.config == "kind-cues" or self.classifier is None:
            if argued < 0.5:
                return REPORT
            if not any(scores.values()):
                return self.fallback
            return max(ARGUED, key=lambda s: (scores[s], -ARGUED.index(s)))
        q = self.classifier.probabilities(cue_features(body, title, lex, scores),
                                          words(body, title))
        if 1.0 - argued >= argued * float(q.max()):
            return REPORT
        return ARGUED[int(np.argmax(q))]

    def save(self, path: Path) -> None:
        """Write the weights file (compressed npz; no pickled objects)."""
        arrays: dict[str, Any] = {"config": np.array(self.config),
                                  "fallback": np.array(self.fallback),
                                  "meta": np.array(json.dumps(self.meta, sort_keys=True))}
        if self.detector is not None:
            arrays |= self.detector.arrays("det_")
        if self.classifier is not None:
            arrays |= self.classifier.arrays("cls_")
        np.savez_compressed(path, **arrays)


def load_stance_model(path: Path | None = None) -> StanceModel:
    """The shipped stance model (or ``path``); a missing or corrupt file is one error."""
    path = path or STANCE_FILE
    fix = "retrain with `python3 scripts/train_stance.py`, or use --stance cues"
    if not path.is_file():
        raise DetenteError.one("the stance model's weights file is missing", file=str(path),
                               allowed=fix)
    try:
        with np.load(path, allow_pickle=False) as z:
            config, fallback = str(z["config"]), str(z["fallback"])
            meta = json.loads(str(z["meta"]))
            det = Linear.from_arrays(z, "det_") if "det_coef" in z.files else None
            cls = Linear.from_arrays(z, "cls_") if "cls_coef" in z.files else None
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise DetenteError.one(f"the stance model's weights file is unreadable: {exc}",
                               file=str(path), allowed=fix) from exc
    if (config not in CONFIGS or fallback not in ARGUED or not isinstance(meta, dict)
            or (config != "flat" and det is None) or (config != "kind-cues" and cls is None)):
        raise DetenteError.one("the stance model's weights file does not fit its configuration",
                               file=str(path), value=config, allowed=fix)
    return StanceModel(config, det, cls, fallback, meta)


#: How ``detente extract`` gives the stance: ``cues`` (the weighted cues of
#: :mod:`detente.extract.stance`) or ``model`` (the shipped :class:`StanceModel`). The default
#: is the decision of protocol §13 (docs/extraction-evaluation.md §13.2): the model
#: (configuration ``kind-cues``).
STANCE_METHODS = ("cues", "model")
DEFAULT_STANCE = "model"
_SHIPPED: list[StanceModel] = []


def check_method(method: str) -> str:
    """``method`` if it is one of :data:`STANCE_METHODS`; otherwise one clear error."""
    if method not in STANCE_METHODS:
        raise DetenteError.one("unknown stance method", path="--stance", value=method,
                               allowed=", ".join(STANCE_METHODS))
    return method


def article_stance(body: str, title: str | None, lex: Lexicon, method: str = "cues") -> str:
    """The stance by ``method``: ``cues`` (:func:`detente.extract.stance.classify_stance`)
    or ``model`` (the shipped :class:`StanceModel`, loaded once)."""
    if check_method(method) == "cues":
        return classify_stance(body, title, lex)
    if not _SHIPPED:
        _SHIPPED.append(load_stance_model())
    return _SHIPPED[0].predict(body, title, lex)
