"""Word-vector measures of the article's stance (protocol amendment 11, §16).

Two vectors per article from the pretrained static word vectors of
:mod:`detente.extract.vectors` (WordLlama ``l2_supercat``, 256 dimensions, unit length):

- the **document vector**: the mean of the vectors of the headline and of every body sentence
  (three words or more), renormalised — what the whole text is about and how it is written;
- the **argument vector**: the same mean over the sentences where the author argues — the
  headline, the last paragraph (where a column concludes), and every own-voice sentence (no
  quotation, no reporting verb: :func:`detente.extract.stance_model.own_sentences`) that
  carries a modal, first or second person, a hedge, a judgement word or a question — so an
  analysis that quotes at length is read by its own conclusions, not by its quotations.

Amendment 12 (§17) adds two more, for the classifier over the argued stances only: the
**headline vector** (the headline's own vector) and the **conclusion vector** (the mean over the
sentences of the body's last two paragraphs of ten words or more — where a column concludes
and, by §17.1 item 9, the piece's call to action decides; a subheading is shorter).

Both are turned into a few numbers by prototypes learned on the training articles only (a
nearest-centroid reading, Rocchio 1971; Manning, Raghavan & Schütze, *Introduction to
Information Retrieval*, 2008, §14.2): the detector reads each vector's projection on the
normalised difference between the argued pieces' and the reports' centroids
(:func:`projections`), and the classifier over the argued stances reads the cosine of the
centred argument vector with each argued stance's centred centroid (:func:`similarities`).
On training articles both are computed leave-one-out (the article's own vector taken out of
every centroid it is in), so the regression behind them weighs them as it will see them on new
text. Pure NumPy at inference; the vectors load only when a model that needs them runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from detente.errors import DetenteError

#: Rows of :func:`text_vectors`.
VECTOR_ROWS = ("document", "argument")
#: Rows of :func:`reading_vectors` (§17: the headline and the conclusion after §16's two).
READING_ROWS = (*VECTOR_ROWS, "headline", "conclusion")
#: §17: the conclusion is the last this many paragraphs of at least :data:`CONCLUSION_WORDS`
#: words.
CONCLUSION_PARAGRAPHS = 2
CONCLUSION_WORDS = 10
_ARGUING = re.compile(
    r"\b(?:must|should|shouldn[’']t|cannot|can[’']t|ought|needs? to|has to|have to|"
    r"would be|I|we|our|my|me|you|your|likely|unlikely|seems?|perhaps|probably|maybe|"
    r"arguably|might|hardly|naive|dangerous|doomed|illusions?|folly|foolish|absurd\w*|"
    r"reckless|mistakes?|disastrous|shameful|betray\w*|farce|charade|cynical\w*|hollow|"
    r"fantas(?:y|ies)|wishful|pointless|futile|sensible|wise|pragmatic|realistic|"
    r"unrealistic|grim|tragic|nonsense|clearly|surely|indeed|of course|in fact|simply|"
    r"at best|at worst)\b|\?", re.IGNORECASE)


def argument_sentences(body: str, title: str | None) -> tuple[list[str], list[str]]:
    """The headline and every body sentence of three words or more (the document), and the
    sentences where the author argues (headline, last paragraph, own-voice sentences with an
    arguing marker), each in body order, without repeats."""
    from detente.extract.stance_model import _SENTENCE, _WORD, body_sentences, headline, is_own

    head = headline(body, title)
    found = body_sentences(body)
    sentences = [s.strip() for s in found]
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", body) if len(_WORD.findall(p)) >= 3]
    last = {s.strip() for s in _SENTENCE.findall(paragraphs[-1])} if paragraphs else set()
    own = {s.strip() for s in found if is_own(s)}
    arguing = [s for s in sentences
               if s in last or (s in own and _ARGUING.search(s))]
    document = [head, *sentences] if head.strip() else sentences
    argument = [head, *arguing] if head.strip() else arguing
    return document, argument


def conclusion_sentences(body: str) -> list[str]:
    """The sentences (three words or more, stripped, in order) of the body's last
    :data:`CONCLUSION_PARAGRAPHS` paragraphs of :data:`CONCLUSION_WORDS` words or more (§17)."""
    from detente.extract.stance_model import _WORD, body_sentences

    paragraphs = [p for p in re.split(r"\n\s*\n|\n", body)
                  if len(_WORD.findall(p)) >= CONCLUSION_WORDS]
    return [s.strip() for p in paragraphs[-CONCLUSION_PARAGRAPHS:] for s in body_sentences(p)]


def _embed(texts: Sequence[str]) -> np.ndarray:
    from detente.extract import vectors

    try:
        return vectors.embed(texts)
    except DetenteError as exc:
        raise DetenteError.one(
            f"the stance model reads word vectors: {exc.problems[0].message}",
            allowed=f"{vectors.EXTRA}, or use --stance cues") from None


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else np.zeros_like(v)


def text_vectors(body: str, title: str | None) -> np.ndarray:
    """The document and argument vectors (:data:`VECTOR_ROWS`), shape ``(2, 256)``, float64,
    unit length (the argument vector is the document vector when no sentence argues; a text
    with no sentence gives zeros)."""
    return _vectors(body, title, extra=False)


def reading_vectors(body: str, title: str | None) -> np.ndarray:
    """:func:`text_vectors`' two rows, then the headline and conclusion vectors (§17,
    :data:`READING_ROWS`), shape ``(4, 256)``, float64, unit length; every sentence is embedded
    once (the headline and the conclusion's sentences are among the document's). The headline
    vector is the document vector when there is no headline, the conclusion vector the argument
    vector when no paragraph is long enough; a text with no sentence gives zeros."""
    return _vectors(body, title, extra=True)


def _vectors(body: str, title: str | None, extra: bool) -> np.ndarray:
    """:func:`text_vectors` (``extra`` false) or :func:`reading_vectors` (true)."""
    document, argument = argument_sentences(body, title)
    from detente.extract.vectors import DIM

    if not document:
        return np.zeros((len(READING_ROWS if extra else VECTOR_ROWS), DIM))
    v = _embed(document).astype(float)
    pos = {s: i for i, s in enumerate(document)}
    doc = _unit(v.mean(axis=0))
    rows = [pos[s] for s in argument if s in pos]
    arg = _unit(v[rows].mean(axis=0)) if rows else doc
    if not extra:
        return np.stack([doc, arg])
    head = headline_text(body, title)
    top = _unit(v[pos[head]]) if head and head in pos else doc
    rows = [pos[s] for s in conclusion_sentences(body) if s in pos]
    end = _unit(v[rows].mean(axis=0)) if rows else arg
    return np.stack([doc, arg, top, end])


def headline_text(body: str, title: str | None) -> str:
    """The headline as :func:`argument_sentences` puts it first in the document (empty when
    blank)."""
    from detente.extract.stance_model import headline

    head = headline(body, title)
    return head if head.strip() else ""


def _loo_means(x: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean of ``x[member]``, and for each row the mean without that row where it is a
    member (the full mean otherwise)."""
    n = int(member.sum())
    total = x[member].sum(axis=0)
    mean = total / max(n, 1)
    each = np.tile(mean, (len(x), 1))
    if n > 1:
        each[member] = (total - x[member]) / (n - 1)
    return mean, each


def fit_directions(vecs: np.ndarray, argued: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of :data:`VECTOR_ROWS`, the unit direction from the reports' centroid to the
    argued pieces' (shape ``(2, 256)``), and the training articles' projections on it, each
    with its own vector left out of the centroids (shape ``(n, 2)``). ``vecs``: ``(n, 2,
    256)``; ``argued``: ``(n,)`` booleans."""
    dirs, train = [], []
    for r in range(vecs.shape[1]):
        x = vecs[:, r]
        ca, each_a = _loo_means(x, argued)
        cr, each_r = _loo_means(x, ~argued)
        dirs.append(_unit(ca - cr))
        d = each_a - each_r
        d = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
        train.append((x * d).sum(axis=1))
    return np.stack(dirs), np.stack(train, axis=1)


def projections(vecs: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """The detector's vector measures of one article: each row's projection on its learned
    direction, shape ``(2,)``."""
    return np.asarray((vecs * directions).sum(axis=1))


def fit_prototypes(arg: np.ndarray, stance: np.ndarray, k: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The centre (mean argument vector of the training's argued pieces), the ``k`` stances'
    centroids (rows; a stance absent from training gets the centre), and the training pieces'
    :func:`similarities` with every centroid and the centre leave-one-out (shape ``(n, k)``).
    ``arg``: ``(n, 256)`` argument vectors; ``stance``: ``(n,)`` integers in ``range(k)``."""
    every = np.ones(len(arg), dtype=bool)
    centre, centre_each = _loo_means(arg, every)
    protos, train = [], []
    for c in range(k):
        member = stance == c
        proto, proto_each = _loo_means(arg, member) if member.any() else (centre, centre_each)
        protos.append(proto)
        train.append(_cosines(arg - centre_each, proto_each - centre_each))
    return centre, np.stack(protos), np.stack(train, axis=1)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    num = (a * b).sum(axis=-1)
    den = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return np.asarray(np.divide(num, den, out=np.zeros_like(num), where=den > 0))


def similarities(arg: np.ndarray, centre: np.ndarray, prototypes: np.ndarray) -> np.ndarray:
    """The classifier's vector measures of one article: the cosine of its centred argument
    vector with each centred stance centroid, shape ``(k,)``."""
    return _cosines(np.tile(arg - centre, (len(prototypes), 1)), prototypes - centre)
