"""The article's stance from a learned model (protocol amendments 8 and 9, §13–§14).

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

Protocol §14 adds three configurations judged by balanced accuracy: ``kind-bal`` (the kind
detector trained with class-balanced weights, then the cues), ``voice-bal`` (the balanced
detector also reading :func:`voice_features`, the author's own voice outside quotations and
attributed sentences, then the cues) and ``voice-stance`` (that detector, then a balanced
multinomial regression over the argued stances on :func:`stance_features`). None passed §14's
rule (docs/extraction-evaluation.md §14.2); they stay available for training.

Protocol §15 adds three configurations for the stance among argued pieces, each with
``kind-cues``' detector: a class-balanced, strongly regularised multinomial regression over
the cues' totals and four phrase families read over the whole text (urging talks, a modal
urging talks, doubting, arguing against the terms — :func:`family_features`) for every argued
piece (``fam-bal``), the same only where no cue fires (``fam-fill``), and the same regression
over the families normalised per family and length (:func:`family_shares`, ``fam-share``).
Only ``fam-share`` passed §14's rule (docs/extraction-evaluation.md §15.2): it is the shipped
configuration.

Protocol §16 (amendment 11) adds three configurations that read pretrained word vectors
(:mod:`detente.extract.stance_vectors`, prototypes learned on the training articles only):
``vec-det`` (the detector also reads the document and argument vectors' projections on the
argued-minus-report direction, then ``fam-share``'s classifier), ``vec-arg`` (``fam-share``'s
detector, then the classifier also reads the argument vector's similarity to each argued
stance's centroid) and ``vec-both`` (both). They need the ``wordllama`` package (the
``extract`` extra); without it they stop with one clear error. All three passed §14's rule
against ``fam-share``; ``vec-both``, with the highest balanced accuracy, is shipped
(docs/extraction-evaluation.md §16.2).

Protocol §17 (amendment 12) adds three configurations, each ``vec-both`` with its classifier
also reading the similarity of one or two more of the article's vectors
(:func:`detente.extract.stance_vectors.reading_vectors`) to each argued stance's centroid of
the same vector: the headline's (``vec-title``), the conclusion's — the last two long
paragraphs, where §17.1 item 9 says the call to action decides (``vec-concl``) — or both
(``vec-tc``).

Protocol §18 (amendment 13) adds three configurations, each ``vec-both`` with its classifier
reading §17.1 item 9's call to action in plain markers (:mod:`detente.extract.stance_call`):
six call-to-action measures over the own-voice headline, opening and conclusion
(``call-act``), negation scope in the family shares (``call-neg``), or both (``call-both``).
None of §17's or §18's passed §14's rule; ``vec-both`` stays shipped
(docs/extraction-evaluation.md §17.3, §18.3).

Protocol §19 (amendment 14) adds three configurations (:mod:`detente.extract.stance_probe`),
each ``vec-both`` with its detector also reading the analyst's voice — contrastive
transitions, hedges and boosters in the author's own sentences (``ana-det``) —, its classifier
also reading a learned linear probe of the argument vector, stacked out-of-fold
(``vec-probe``), or both (``ana-probe``).

Inference is NumPy over a weights file shipped in the package (``data/stance_model.npz``,
written by ``scripts/train_stance.py``; it records the training data's hash, the articles and
the command); nothing is downloaded or trained at run time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
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
#: The configurations of §13 (at most three), of §14 (at most three more: ``kind-bal``,
#: ``voice-bal``, ``voice-stance``) and of §15 (at most three more: ``fam-bal``, ``fam-fill``,
#: ``fam-share``).
CONFIGS = ("kind-cues", "kind-words", "flat", "kind-bal", "voice-bal", "voice-stance",
           "fam-bal", "fam-fill", "fam-share", "vec-det", "vec-arg", "vec-both",
           "vec-title", "vec-concl", "vec-tc", "call-act", "call-neg", "call-both",
           "ana-det", "vec-probe", "ana-probe")
#: §17: the configurations whose classifier also reads the similarities of these rows of
#: :func:`detente.extract.stance_vectors.reading_vectors` to their own stance centroids.
READING_CONFIGS = {"vec-title": ("headline",), "vec-concl": ("conclusion",),
                   "vec-tc": ("headline", "conclusion")}
#: §18: the configurations whose classifier also reads the call to action
#: (:func:`detente.extract.stance_call.call_features`) and those whose family shares count a
#: negated talk word against the terms or as doubt
#: (:func:`detente.extract.stance_call.negated_shares`); each is ``vec-both`` otherwise.
CALL_CONFIGS = ("call-act", "call-both")
NEGATION_CONFIGS = ("call-neg", "call-both")
#: §19: the configurations whose detector also reads the analyst's voice
#: (:func:`detente.extract.stance_probe.analytic_features`) and those whose classifier also
#: reads the probe of the argument vector
#: (:func:`detente.extract.stance_probe.probe_probabilities`); each is ``vec-both`` otherwise.
ANALYTIC_CONFIGS = ("ana-det", "ana-probe")
PROBE_CONFIGS = ("vec-probe", "ana-probe")
_S19 = (*ANALYTIC_CONFIGS, "vec-probe")
#: §15: the configurations whose classifier over the argued stances reads
#: :func:`family_features` (``kind-cues``' detector in front of each); §16's three read
#: :func:`family_shares` as ``fam-share`` does, with word-vector measures beside.
FAMILY_CONFIGS = ("fam-bal", "fam-fill", "fam-share", "vec-det", "vec-arg", "vec-both",
                  *READING_CONFIGS, "call-act", "call-neg", "call-both", *_S19)
#: §16: the configurations whose detector reads the word-vector projections
#: (:func:`detente.extract.stance_vectors.projections`) besides the kind measures.
VECTOR_DETECTOR = ("vec-det", "vec-both", *READING_CONFIGS, "call-act", "call-neg", "call-both",
                   *_S19)
#: §16: the configurations whose classifier reads the argument vector's similarity to each
#: argued stance's centroid (:func:`detente.extract.stance_vectors.similarities`) besides
#: :func:`family_shares`.
VECTOR_CLASSIFIER = ("vec-arg", "vec-both", *READING_CONFIGS, "call-act", "call-neg",
                     "call-both", *_S19)
VECTOR_CONFIGS = ("vec-det", "vec-arg", "vec-both", *READING_CONFIGS, "call-act", "call-neg",
                  "call-both", *_S19)
#: The configurations whose detector reads :func:`voice_features` besides the kind measures.
VOICE_CONFIGS = ("voice-bal", "voice-stance")

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


# --- §14: the author's own voice, outside quotations and attributed sentences -------------
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_ATTRIBUTED = re.compile(r"\b(?:said|says|say|told|tells|according to|reported|reportedly|"
                         r"announced|confirmed|stated|declared|insisted|added|noted|claimed|"
                         r"warned|urged|wrote|quoted|spokes(?:man|woman|person)|"
                         r"press conference|statement)\b", re.IGNORECASE)
_SECOND = re.compile(r"\b(?:you|your|yourself)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:likely|unlikely|seems?|seemed|appears?|perhaps|probably|maybe|"
                    r"arguably|possibly|presumably|may well|might|could well|in all likelihood|"
                    r"it is hard to|hardly)\b", re.IGNORECASE)
_JUDGE = re.compile(r"\b(?:naive|naïve|dangerous|doomed|illusions?|illusory|delusion\w*|folly|"
                    r"foolish|absurd\w*|reckless|mistakes?|blunders?|disastrous|catastroph\w*|"
                    r"shameful|disgrace\w*|betray\w*|farce|theat(?:er|re)|charade|cynical\w*|"
                    r"hollow|fantas(?:y|ies)|wishful|pointless|futile|sensible|wise|wisdom|"
                    r"pragmatic|realistic|unrealistic|realism|sober|grim|hypocri\w*|fateful|"
                    r"tragic|tragedy|shameless|nonsense|worthless|meaningless|obvious(?:ly)?|"
                    r"clearly|surely|indeed|of course|in fact|simply|merely|nothing but|"
                    r"at best|at worst|ironic\w*|irony)\b", re.IGNORECASE)
_TITLE_OPEN = re.compile(r"^\s*(?:why|how|what|is|are|can|will|should|does|do|time|the case|"
                         r"it.s time|don.t|stop|let)\b", re.IGNORECASE)
#: The names of :func:`voice_features`' columns, in order.
VOICE_FEATURES = ("attributed_share", "own_first", "own_second", "own_modal", "own_hedge",
                  "own_judge", "own_questions", "title_colon", "title_question", "title_open",
                  "length")


def body_sentences(text: str) -> list[str]:
    """The text's sentences of three words or more, in order (unstripped)."""
    return [s for s in _SENTENCE.findall(text) if len(_WORD.findall(s)) >= 3]


def is_own(sentence: str) -> bool:
    """Whether a sentence is in the author's own voice: outside quotation marks and without a
    reporting verb."""
    return (not _ATTRIBUTED.search(sentence) and not _QUOTED.search(sentence)
            and "“" not in sentence and '"' not in sentence)


def own_sentences(body: str) -> tuple[list[str], int]:
    """The body's sentences in the author's own voice (:func:`is_own`) and the number of
    sentences in all."""
    sentences = body_sentences(body)
    return [s for s in sentences if is_own(s)], len(sentences)


def voice_features(body: str, title: str | None) -> np.ndarray:
    """The author's-voice measures of one article (:data:`VOICE_FEATURES`, protocol §14): the
    share of sentences that are attributed (a reporting verb or a quotation), then first and
    second person, modals, hedges ("likely", "seems"), judgement words ("naive", "doomed",
    "illusion") and questions per 100 words of the own-voice sentences, the headline's form
    (colon subtitle, question, an opening "Why"/"How"/"Is"/"Time"…) and the body's length in
    words; ``log1p``. Markers of overt argument as in :func:`kind_features` (Biber 1988, ch.
    7: persuasion and overt expression of the writer's stance; hedges and amplifiers as stance
    markers, Hyland, *Metadiscourse*, 2005, ch. 3)."""
    own, total = own_sentences(body)
    text = " ".join(own)
    per = 100.0 / max(len(_WORD.findall(text)), 1)
    head = headline(body, title)
    raw = [1.0 - len(own) / max(total, 1), len(_FIRST.findall(text)) * per,
           len(_SECOND.findall(text)) * per, len(_MODAL.findall(text)) * per,
           len(_HEDGE.findall(text)) * per, len(_JUDGE.findall(text)) * per,
           sum(s.rstrip().endswith("?") for s in own) * per, float(":" in head),
           float("?" in head), float(bool(_TITLE_OPEN.search(head))),
           len(_WORD.findall(body)) / 100.0]
    return np.log1p(np.asarray(raw, dtype=float))


# Stance-family words of the within-argued classifier (§14.1 item 2): doubt that talks can work
# or that a side is sincere (skeptical); against the terms or conceding (anti_concession);
# urging talks, a ceasefire or compromise (pro_negotiation). Counted in own-voice sentences
# and the headline.
_FAMILY = {
    "skeptical": re.compile(
        r"\b(?:sincer\w*|insincer\w*|bad faith|good faith|stall\w*|delay\w*|doubt\w*|"
        r"illusions?|pretend\w*|pretext|ploy|bluff\w*|theat(?:er|re)|charade|show|"
        r"unlikely|no intention|not serious|serious about|won.t work|will not work|doomed|"
        r"futile|stalemate|deadlock\w*|empty|hollow|trust|distrust|mistrust|credib\w*|"
        r"buy(?:ing)? time|regroup|breakthrough|far from|elusive|skeptic\w*|sceptic\w*)\b",
        re.IGNORECASE),
    "anti_concession": re.compile(
        r"\b(?:capitulat\w*|appease\w*|surrender\w*|concessions?|conced\w*|reward\w*|"
        r"munich|sell(?:s|ing)? out|sold out|betray\w*|give up|giving up|cede|ceding|"
        r"territor\w*|annex\w*|occupied|aggressor|victory|win|winning|defeat\w*|"
        r"weapons|arms|sanctions|pressure|strength|weakness|dictat\w*|blackmail|"
        r"unacceptable|red lines?|sovereignty|justice|accountab\w*)\b", re.IGNORECASE),
    "pro_negotiation": re.compile(
        r"\b(?:negotiat\w*|diplomac\w*|diplomatic|dialogue|compromise\w*|ceasefire|"
        r"truce|talks|settlement|peace|end the war|ending the war|bloodshed|lives|"
        r"escalat\w*|de-escalat\w*|opportunit\w*|window|realis\w*|realiz\w*|"
        r"pragmatic|common ground|deal|agreement|both sides)\b", re.IGNORECASE),
}


def stance_features(body: str, title: str | None, lex: Lexicon,
                    scores: dict[str, float] | None = None) -> np.ndarray:
    """The within-argued classifier's measures (protocol §14): the cues' totals per argued
    stance (:func:`cue_features`), then per stance family (order :data:`ARGUED`) its words per
    100 words of the own-voice sentences and headline, ``log1p``."""
    own, _ = own_sentences(body)
    text = " ".join([*own, headline(body, title)])
    per = 100.0 / max(len(_WORD.findall(text)), 1)
    fam = [len(_FAMILY[k].findall(text)) * per for k in ARGUED]
    return np.concatenate([cue_features(body, title, lex, scores),
                           np.log1p(np.asarray(fam, dtype=float))])


# --- §15: what the argument does, read over the whole text ----------------------------------
# Three families of §14.1 item 2, each a phrase list (the brief of the third round): urging
# talks (calls for negotiation, a ceasefire, diplomacy, compromise, "end the war", a peace deal;
# and a modal followed within three words by such a call), doubting they can work or that a
# side is sincere, and arguing against the terms or conceding. Counted in the headline and the
# whole body (quotations included: most argued pieces that fire no cue carry their argument in
# plain words, not in the cues' phrases).
_URGE = re.compile(
    r"\b(?:negotiat\w*|diplomac\w*|ceasefire|cease-fire|truce|armistice|compromise\w*|"
    r"end (?:the|this) war|ending (?:the|this) war|peace (?:deal|talks|process|settlement|"
    r"agreement)|settlement|off-?ramp|de-?escalat\w*|dialogue|stop the (?:killing|bloodshed)|"
    r"save lives|bloodshed|at the table)\b", re.IGNORECASE)
_URGE_MODAL = re.compile(
    r"\b(?:should|must|need to|needs to|time to|time for|ought to|has to|have to)\s+"
    r"(?:\w+\s+){0,3}(?:negotiat\w*|talk\w*|ceasefire|compromise|diplomac\w*|peace|"
    r"end the war|engage|seek)", re.IGNORECASE)
_DOUBT = re.compile(
    r"\b(?:won.t work|will not work|not serious|no sign|illusion\w*|stall\w*|bad faith|"
    r"insincer\w*|sincer\w*|buy(?:ing)? time|regroup\w*|pretext|ploy|sham|charade|"
    r"theat(?:er|re)|doomed|futile|unlikely|skeptic\w*|sceptic\w*|doubt\w*|distrust|mistrust|"
    r"trust|credib\w*|no intention|pretend\w*|delay\w*|naive|naïve|wishful|empty|hollow|"
    r"deadlock\w*|stalemate|far from|elusive|maximalist|no interest)\b", re.IGNORECASE)
_AGAINST = re.compile(
    r"\b(?:capitulat\w*|appease\w*|surrender\w*|reward\w*|munich|chamberlain|cede|ceding|"
    r"ceded|give up|giving up|concessions?|conced\w*|sell(?:s|ing)? out|sold out|betray\w*|"
    r"land for peace|territor\w*|annex\w*|partition\w*|carve|dismember\w*|victory|win|"
    r"defeat\w*|weapons|arm(?:ing|s)? ukraine|more (?:aid|support|weapons)|sanctions|"
    r"pressure|red lines?|sovereignty|unacceptable|legitimi[sz]\w*|embolden\w*|aggression)\b",
    re.IGNORECASE)
#: The names of :func:`family_features`' columns, in order.
FAMILY_FEATURES = ("cue_skeptical", "cue_anti_concession", "cue_pro_negotiation", "urge",
                   "urge_modal", "doubt", "against")
#: The names of :func:`family_shares`' columns, in order.
SHARE_FEATURES = ("cue_skeptical", "cue_anti_concession", "cue_pro_negotiation",
                  "share_urge", "share_doubt", "share_against", "family_rate")


def family_counts(body: str, title: str | None) -> tuple[np.ndarray, int]:
    """Matches of the urge, urge-modal, doubt and against families in the headline and body,
    and the number of words."""
    text = f"{headline(body, title)}\n{body}" if title else body
    n = max(len(_WORD.findall(text)), 1)
    return np.array([len(r.findall(text)) for r in (_URGE, _URGE_MODAL, _DOUBT, _AGAINST)],
                    dtype=float), n


def family_features(body: str, title: str | None, lex: Lexicon,
                    scores: dict[str, float] | None = None) -> np.ndarray:
    """The §15 within-argued measures (:data:`FAMILY_FEATURES`): the cues' totals per argued
    stance (:func:`cue_features`), then the four families' matches per 100 words, ``log1p``
    (family lists after the stance definitions of protocol §14.1 item 2)."""
    counts, n = family_counts(body, title)
    return np.concatenate([cue_features(body, title, lex, scores),
                           np.log1p(counts * 100.0 / n)])


def family_shares(body: str, title: str | None, lex: Lexicon,
                  scores: dict[str, float] | None = None) -> np.ndarray:
    """The §15 measures normalised per family and length (:data:`SHARE_FEATURES`): the cues'
    totals, each family's share of all family matches (urge and urge-modal together; zero
    when none matches), and ``log1p`` of the family matches per 100 words."""
    return shares_of(*family_counts(body, title), body, title, lex, scores)


def shares_of(counts: np.ndarray, n: int, body: str, title: str | None, lex: Lexicon,
              scores: dict[str, float] | None = None) -> np.ndarray:
    """:func:`family_shares`' columns from family counts already made (``n`` the words counted):
    the cues' totals, each family's share (urge and urge-modal together; zero when none
    matches) and ``log1p`` of the family matches per 100 words — shared with the
    negation-scoped counts of :func:`detente.extract.stance_call.negated_shares`."""
    fam = np.array([counts[0] + counts[1], counts[2], counts[3]])
    total = fam.sum()
    shares = fam / total if total else np.zeros(3)
    return np.concatenate([cue_features(body, title, lex, scores), shares,
                           [np.log1p(total * 100.0 / n)]])


def within_features(config: str, body: str, title: str | None, lex: Lexicon,
                    scores: dict[str, float] | None = None) -> np.ndarray:
    """What a §15 configuration's classifier over the argued stances reads (§16's: the
    shares, before their vector measures; §18's: the shares with negation scope for
    :data:`NEGATION_CONFIGS`, then the call to action for :data:`CALL_CONFIGS`)."""
    if config in NEGATION_CONFIGS or config in CALL_CONFIGS:  # §18 only: not the shipped path
        from detente.extract.stance_call import call_features, negated_shares

        shares = (negated_shares(body, title, lex, scores) if config in NEGATION_CONFIGS
                  else family_shares(body, title, lex, scores))
        call = call_features(body, title) if config in CALL_CONFIGS else np.zeros(0)
        return np.concatenate([shares, call])
    if config == "fam-share" or config in VECTOR_CONFIGS:
        return family_shares(body, title, lex, scores)
    return family_features(body, title, lex, scores)


def detector_features(config: str, body: str, title: str | None, lex: Lexicon,
                      scores: dict[str, float] | None = None) -> np.ndarray:
    """What ``config``'s detector of argued pieces reads: the kind measures, plus the
    author's-voice measures for :data:`VOICE_CONFIGS`."""
    kind = kind_features(body, title, lex, scores)
    if config in VOICE_CONFIGS:
        return np.concatenate([kind, voice_features(body, title)])
    if config in ANALYTIC_CONFIGS:  # §19 only: not the shipped path
        from detente.extract.stance_probe import analytic_features

        return np.concatenate([kind, analytic_features(body, title)])
    return kind


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
    """One §13/§14 configuration: ``detector`` (P(argued) from :func:`detector_features`;
    none for ``flat``) and ``classifier`` (over the argued stances — on cue totals and words
    for ``kind-words``, on :func:`stance_features` for ``voice-stance``, on
    :func:`family_features` or :func:`family_shares` for §15's ``fam-*`` (``fam-fill`` only
    when no cue fires; the cues' heaviest stance otherwise) — or over all four
    labels for ``flat``; none for ``kind-cues``, ``kind-bal`` and ``voice-bal``, which take
    the cues' heaviest stance, or ``fallback`` when no cue fires)."""

    config: str
    detector: Linear | None
    classifier: Linear | None
    fallback: str
    meta: dict[str, Any]
    #: §16: learned word-vector prototypes — ``directions`` (2 × 256, the detector's) for
    #: :data:`VECTOR_DETECTOR`, ``centre`` (256) and ``prototypes`` (3 × 256, order
    #: :data:`ARGUED`) for :data:`VECTOR_CLASSIFIER`, and (§17) ``ROW_centre`` and
    #: ``ROW_prototypes`` for each row of :data:`READING_CONFIGS`; empty otherwise.
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def _vector_measures(self, body: str, title: str | None) -> tuple[np.ndarray, np.ndarray]:
        """The detector's and the classifier's word-vector measures (empty when unused)."""
        from detente.extract.stance_vectors import (
            READING_ROWS,
            VECTOR_ROWS,
            projections,
            reading_vectors,
            similarities,
            text_vectors,
        )

        extra = READING_CONFIGS.get(self.config, ())
        v = reading_vectors(body, title) if extra else text_vectors(body, title)
        det = (projections(v[:len(VECTOR_ROWS)], self.vectors["directions"])
               if self.config in VECTOR_DETECTOR else np.zeros(0))
        cls = (similarities(v[1], self.vectors["centre"], self.vectors["prototypes"])
               if self.config in VECTOR_CLASSIFIER else np.zeros(0))
        more = [similarities(v[READING_ROWS.index(r)], self.vectors[f"{r}_centre"],
                             self.vectors[f"{r}_prototypes"]) for r in extra]
        if self.config in PROBE_CONFIGS:  # §19 only: not the shipped path
            from detente.extract.stance_probe import probe_probabilities

            more.append(probe_probabilities(v[1], self.vectors))
        return det, np.concatenate([cls, *more])

    def labels(self) -> tuple[str, ...]:
        return (*ARGUED, REPORT) if self.config == "flat" else ARGUED

    def predict(self, body: str, title: str | None, lex: Lexicon) -> str:
        """One of pro_negotiation, skeptical, anti_concession, neutral_report."""
        scores = stance_scores(body, title, lex)
        kind = (kind_features(body, title, lex, scores) if self.config == "flat"
                else detector_features(self.config, body, title, lex, scores))
        if self.config == "flat" and self.classifier is not None:
            dense = np.concatenate([kind, cue_features(body, title, lex, scores)])
            p = self.classifier.probabilities(dense, words(body, title))
            return self.labels()[int(np.argmax(p))]
        if self.detector is None:
            raise DetenteError.one("the stance model has no detector", path="config",
                                   value=self.config, allowed=", ".join(CONFIGS))
        vec_det, vec_cls = (self._vector_measures(body, title)
                            if self.config in VECTOR_CONFIGS else (np.zeros(0), np.zeros(0)))
        argued = float(self.detector.probabilities(np.concatenate([kind, vec_det]))[0])
        return self._label(argued, body, title, lex, scores, vec_cls)

    def argued_probability(self, body: str, title: str | None, lex: Lexicon) -> float:
        """The detector's P(argued) for one article (from every measure it reads)."""
        if self.detector is None:
            raise DetenteError.one("the stance model has no detector", path="config",
                                   value=self.config, allowed=", ".join(CONFIGS))
        scores = stance_scores(body, title, lex)
        kind = (kind_features(body, title, lex, scores)
                if self.config in ("kind-cues", "kind-words")
                else detector_features(self.config, body, title, lex, scores))
        vec = (self._vector_measures(body, title)[0] if self.config in VECTOR_DETECTOR
               else np.zeros(0))
        return float(self.detector.probabilities(np.concatenate([kind, vec]))[0])

    def _label(self, argued: float, body: str, title: str | None, lex: Lexicon,
               scores: dict[str, float], vec_cls: np.ndarray) -> str:
        """The label given the detector's P(argued) (every configuration but ``flat``)."""
        if self.config in FAMILY_CONFIGS and self.classifier is not None:
            if argued < 0.5:
                return REPORT
            if self.config == "fam-fill" and any(scores.values()):
                return max(ARGUED, key=lambda s: (scores[s], -ARGUED.index(s)))
            q = self.classifier.probabilities(np.concatenate(
                [within_features(self.config, body, title, lex, scores), vec_cls]))
            return ARGUED[int(np.argmax(q))]
        if self.config == "voice-stance" and self.classifier is not None:
            if argued < 0.5:
                return REPORT
            q = self.classifier.probabilities(stance_features(body, title, lex, scores))
            return ARGUED[int(np.argmax(q))]
        if self.config != "kind-words" or self.classifier is None:
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
        arrays |= {f"vec_{k}": v for k, v in sorted(self.vectors.items())}
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
            vecs = {k[4:]: np.asarray(z[k], float) for k in z.files if k.startswith("vec_")}
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise DetenteError.one(f"the stance model's weights file is unreadable: {exc}",
                               file=str(path), allowed=fix) from exc
    if (config not in CONFIGS or fallback not in ARGUED or not isinstance(meta, dict)
            or (config != "flat" and det is None)
            or ((config in ("kind-words", "flat", "voice-stance", *FAMILY_CONFIGS))
                != (cls is not None))
            or not _vectors_fit(config, vecs) or not _classifier_fits(config, cls)):
        raise DetenteError.one("the stance model's weights file does not fit its configuration",
                               file=str(path), value=config, allowed=fix)
    return StanceModel(config, det, cls, fallback, meta, vecs)


def _classifier_fits(config: str, cls: Linear | None) -> bool:
    """Whether a §15–§18 classifier over the argued stances reads as many dense measures as
    ``config`` gives it (seven family measures; three similarities per prototype vector; §18's
    six call measures)."""
    from detente.extract.stance_call import CALL_FEATURES

    if config not in FAMILY_CONFIGS or cls is None:
        return True
    rows = (len(FAMILY_FEATURES) + 3 * (config in VECTOR_CLASSIFIER)
            + 3 * len(READING_CONFIGS.get(config, ())) + len(ARGUED) * (config in PROBE_CONFIGS)
            + len(CALL_FEATURES) * (config in CALL_CONFIGS))
    return len(cls.mean) == rows and not cls.vocab


def _vectors_fit(config: str, vecs: dict[str, np.ndarray]) -> bool:
    """Whether the §16 prototype arrays are those ``config`` reads, with finite values."""
    from detente.extract.vectors import DIM

    shapes: dict[str, tuple[int, ...]] = {}
    if config in VECTOR_DETECTOR:
        shapes["directions"] = (2, DIM)
    if config in VECTOR_CLASSIFIER:
        shapes |= {"centre": (DIM,), "prototypes": (len(ARGUED), DIM)}
    for r in READING_CONFIGS.get(config, ()):
        shapes |= {f"{r}_centre": (DIM,), f"{r}_prototypes": (len(ARGUED), DIM)}
    if config in PROBE_CONFIGS:
        shapes |= {"probe_mean": (DIM,), "probe_scale": (DIM,), "probe_coef": (DIM, len(ARGUED)),
                   "probe_intercept": (len(ARGUED),), "probe_c": (1,)}
    return (set(vecs) == set(shapes)
            and all(vecs[k].shape == s and np.isfinite(vecs[k]).all()
                    for k, s in shapes.items()))


#: How ``detente extract`` gives the stance: ``cues`` (the weighted cues of
#: :mod:`detente.extract.stance`) or ``model`` (the shipped :class:`StanceModel`). The default
#: is the decision of protocol §13 (docs/extraction-evaluation.md §13.2): the model
#: (configuration ``kind-cues``, kept by §14's rule, §14.2; ``fam-share`` from §15.2;
#: ``vec-both`` from §16.2; ``ana-probe`` from §19.3).
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
