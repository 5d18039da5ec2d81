"""Candidates and features of the learned extractor (protocol amendment 4, §9).

A *candidate* is one (sentence, actor) pair the rule pipeline can see in an article:

- every actor named in the sentence (gazetteer mentions outside quotations);
- every sender the rules give a signal in that sentence (roles, "both sides", …);
- the subject carried from the previous sentence when the sentence opens with a pronoun or
  refers to an actor by role ("he", "the spokesman").

Each candidate is described by sparse binary features (strings, hashed by a vocabulary at
training time): the words and bigrams of the sentence, the words around the actor's first
mention, the CAMEO cue families found in the sentence and where they stand relative to the
actor (:mod:`detente.extract.cameo` via the lexicon), the rules' own predicted kinds for this
pair and for other actors, the actor's role (first named, in a prepositional or locative
phrase, agent of a passive, partner after "with", speaker next to a speech verb, carried),
modal/conditional/future/background cues (:mod:`detente.extract.context`) and the
sentence's position in the article. Features are a bag of indicators for a linear model
(a log-linear model in the sense of Berger, Della Pietra & Della Pietra 1996).

Labels come from gold by the evaluation's matching (:mod:`detente.extract.evaluate`): a gold
signal labels the candidate of its actor in the sentence its quote overlaps most; a candidate
is multi-label over the signal kinds (all zero: "none").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from detente.extract.article import Article
from detente.extract.clause import (
    accusation,
    agent_of_passive,
    condition,
    locative,
    prepositional,
)
from detente.extract.context import background_spans, names_the_parties, refers_by_role
from detente.extract.lexicon import Lexicon
from detente.extract.rules import _PRONOUN, _QUOTED, _Mention, _Run, _sentences
from detente.extract.schema import SIGNAL_KINDS, ArticleExtraction
from detente.extract.verify import find_span
from detente.extract.vocabulary import IssueTerms

#: Bumped whenever a feature changes: the weights file records the version it was trained on.
FEATURES_VERSION = 2

_WORD = re.compile(r"[a-z0-9]+(?:[’'-][a-z0-9]+)*")
_HYPOTHETICAL = re.compile(r"\b(?:should|could|might|may|must|would|if|suppose|whether|"
                           r"unless)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|expected to|scheduled|planned|plans? to|set to|"
                     r"due to|going to|next (?:week|month|year)|tomorrow)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:no|not|never|nor|without|n[’']t)\b", re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:said|says|told|stated|announced|confirmed|added|according to)\b",
                       re.IGNORECASE)
_WITH = re.compile(r"\bwith\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}$", re.IGNORECASE)
_WINDOW = 4
#: Words on each side of the actor's mention in :attr:`Candidate.window` (the text whose word
#: vector the §16 configurations read; the mention itself is left out).
VECTOR_WINDOW = 6
_TOKEN = re.compile(r"\w+(?:[’'-]\w+)*")
#: The rules' own kinds enter this many times (a larger effective weight under L2).
RULE_REPEAT = 1


@dataclass
class Candidate:
    """One (sentence, actor) pair with its features and the rules' quotes for it."""

    start: int  # the sentence's span in the body
    end: int
    actor: str
    features: list[str]
    rule_quotes: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: The words around the actor's first mention in the sentence (amendment 11, §16): the
    #: span of up to :data:`VECTOR_WINDOW` words before it and after it, as (left start,
    #: mention start, mention end, right end) in the body; None for a candidate not named in
    #: the sentence (carried, the rules' own sender, "both sides").
    window: tuple[int, int, int, int] | None = None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _cue_hits(lex: Lexicon, text: str) -> list[tuple[str, int]]:
    return [(kind, m.start()) for kind, pattern in lex.cues for m in pattern.finditer(text)]


def _role(body: str, s0: int, m: _Mention, first: bool) -> list[str]:
    prefix = body[max(s0, m.start - 80):m.start]
    out = [f"mkind:{m.kind}"]
    if first:
        out.append("role:first")
    for name, test in (("prep", prepositional), ("loc", locative), ("agent", agent_of_passive),
                       ("accused", accusation), ("cond", condition)):
        if test(prefix):
            out.append(f"role:{name}")
    if _WITH.search(prefix):
        out.append("role:with")
    if "-" in body[m.end:m.end + 1]:
        out.append("role:modifier")  # "U.S.-brokered", "Putin-Trump call"
    return out


def _sentence_features(lex: Lexicon, text: str, anchor: Any, hits: list[tuple[str, int]]
                       ) -> list[str]:
    words = _words(text)
    out = [f"w:{w}" for w in set(words)]
    out += [f"b:{a}_{b}" for a, b in set(pairwise(words))]
    out += [f"cue:{k}" for k in {k for k, _ in hits}]
    if lex.speech.search(text):
        out.append("speech")
    if lex.topic.search(text):
        out.append("topic")
    for name, rx in (("hyp", _HYPOTHETICAL), ("future", _FUTURE), ("neg", _NEGATION),
                     ("reported", _REPORTED)):
        if rx.search(text):
            out.append(f"ctx:{name}")
    if background_spans(text, anchor):
        out.append("ctx:background")
    if _QUOTED.search(text):
        out.append("ctx:quotation")
    return out


def _local_features(body: str, s0: int, s1: int, m: _Mention, hits: list[tuple[str, int]],
                    speech: list[tuple[int, int]]) -> list[str]:
    """Words around the actor's mention and cues before/after it in the sentence (``hits``:
    cue kinds and offsets in the sentence; ``speech``: spans of speech verbs there)."""
    left = _words(body[s0:m.start])[-_WINDOW:]
    right = _words(body[m.end:s1])[:_WINDOW]
    out = [f"l:{w}" for w in left] + [f"r:{w}" for w in right]
    for kind, pos in hits:
        where = "after" if s0 + pos >= m.end else "before"
        near = "near" if abs(s0 + pos - m.start) < 60 else "far"
        out += [f"cue_{where}:{kind}", f"cue_{where}_{near}:{kind}"]
    for a0, b0 in speech:
        a = s0 + a0
        if m.end <= a < m.end + 60:
            out.append("speaker:before_verb")
        elif m.start >= s0 + b0 and m.start - (s0 + b0) < 20:
            out.append("speaker:after_verb")  # "…," said Biden
    return out


@dataclass(frozen=True)
class FeatureSet:
    """How candidates, features and labels are made (one per :data:`FEATURES_VERSION`)."""

    version: int
    conjunctions: bool  # the actor's role features paired with the sentence's cues
    carry: int  # subjects of the last sentence naming one, carried to a pronoun/role sentence
    speakers: bool  # a quotation naming nobody: the speaker of the next or last sentence
    any_sentence: bool  # label: any sentence the gold quote overlaps where its actor is one
    kind: bool = False  # the article's kind of text (argued or report), alone and × rules' kinds


#: Version 1: the model of amendment 4 (§9); version 2: the second model (amendment 5, §10):
#: conjunctions only (carrying two subjects, quotation speakers and any-sentence labels were
#: tried by leave-one-part-out and not kept; docs/extraction.md).
#: Version 3 (amendment 8, §13; the one signal configuration using the article's kind):
#: version 2 plus the article's kind of text.
FEATURE_SETS = {1: FeatureSet(1, False, 1, False, False), 2: FeatureSet(2, True, 1, False, False),
                3: FeatureSet(3, True, 1, False, False, True)}
_ROLE_PREFIX = ("role:", "speaker:", "mkind:", "src:", "party", "rule:")
_CTX_PREFIX = ("cue:", "ctx:")


def _conjunctions(feats: list[str]) -> list[str]:
    """Pairs of the actor's role features with the sentence's cue and context features."""
    got = set(feats)
    roles = sorted(f for f in got if f.startswith(_ROLE_PREFIX))
    ctx = sorted(f for f in got if f.startswith(_CTX_PREFIX))
    return [f"{a}&{b}" for a in roles for b in ctx]


def _outside_quotes(mentions: Sequence[_Mention], body: str, s0: int, s1: int
                    ) -> list[_Mention]:
    text = body[s0:s1]
    quoted = [(s0 + q.start(), s0 + q.end()) for q in _QUOTED.finditer(text)]
    # ``mentions`` come in text order: bisection, not a filter over every mention per
    # sentence (quadratic: 50,000 short sentences took minutes)
    lo = bisect_left(mentions, s0, key=lambda m: m.start)
    hi = bisect_left(mentions, s1, key=lambda m: m.start)
    return [m for m in mentions[lo:hi] if not any(a < m.start < b for a, b in quoted)]


def article_candidates(lex: Lexicon, article: Article, doc: Any,
                       issues: Mapping[str, IssueTerms], fs: FeatureSet | None = None,
                       stance: str = "cues") -> tuple[ArticleExtraction, list[Candidate]]:
    """The rules' extraction of ``article`` and every candidate of it, with features
    (``fs``: the feature set, by default the current version's; ``stance``: the stance
    method, :func:`detente.extract.stance_model.article_stance`)."""
    fs = fs or FEATURE_SETS[FEATURES_VERSION]
    run = _Run(lex, article, doc, issues, stance)
    ruled = run.result()
    body = article.body
    mentions = run._mentions()
    parties = run.parties
    sentences = _sentences(body, doc)
    by_sentence: list[list[tuple[str, str, int, int]]] = [[] for _ in sentences]
    starts = np.array([s for s, _ in sentences]) if sentences else np.zeros(0, int)
    for sig in ruled.signals:
        i = int(np.searchsorted(starts, sig.start or 0, side="right")) - 1
        if i >= 0:
            by_sentence[i].append((sig.actor, sig.kind, sig.start or 0, sig.end or 0))
    named = [_outside_quotes(mentions, body, s0, s1) for s0, s1 in sentences]
    out: list[Candidate] = []
    carried: list[str] = []
    n = max(len(sentences), 1)
    kind = [article_kind(lex, article)] if fs.kind else []
    for i, (s0, s1) in enumerate(sentences):
        text = body[s0:s1]
        inside = named[i]
        first: dict[str, _Mention] = {}
        for m in inside:
            first.setdefault(m.code, m)
        rules_here = by_sentence[i]
        actors = list(first)
        extra: dict[str, str] = {}
        for code, *_ in rules_here:
            if code not in first:
                extra.setdefault(code, "src:rule_only")
        if carried and (_PRONOUN.match(text) or refers_by_role(text)):
            for r, code in enumerate(carried):
                if code not in first:
                    extra.setdefault(code, "src:carried" if r == 0 else "src:carried_other")
        if len(parties) == 2 and names_the_parties(text):
            for code in parties:
                if code not in first:
                    extra.setdefault(code, "src:parties")
        if fs.speakers and not first and not extra:
            _speaker_of_quotation(lex, body, sentences, named, i, carried, extra)
        hits = _cue_hits(lex, text)
        speech = [(sp.start(), sp.end()) for sp in lex.speech.finditer(text)]
        shared = _sentence_features(lex, text, article.date, hits)
        shared += [f"pos:{min(3, 4 * i // n)}"] + (["pos:first"] if i == 0 else [])
        shared.append(f"nactors:{min(len(first), 4)}")
        for code in [*actors, *extra]:
            feats = ["bias", *shared, f"actor:{code}"]
            if code in parties:
                feats.append("party")
            if code in first:
                m = first[code]
                feats += _role(body, s0, m, m is inside[0])
                feats += _local_features(body, s0, s1, m, hits, speech)
            else:
                feats.append(extra[code])
            mine = {k for c, k, _, _ in rules_here if c == code}
            feats += [f"rule:{k}" + (f"#{r}" if r else "") for k in mine
                      for r in range(RULE_REPEAT)] or ["rule:none"]
            feats += [f"rule_other:{k}" for c, k, _, _ in rules_here if c != code]
            for d in kind:
                feats += [d, *(f"{d}&rule:{k}" for k in sorted(mine) or ["none"])]
            if fs.conjunctions:
                feats += _conjunctions(feats)
            quotes = {k: (a, b) for c, k, a, b in rules_here if c == code}
            window = _window(body, s0, s1, first[code]) if code in first else None
            out.append(Candidate(s0, s1, code, feats, quotes, window))
        subject = list(dict.fromkeys(m.code for m in inside
                                     if m.kind in ("person", "state", "institution")))
        if subject:
            carried = subject[:fs.carry]
    return ruled, out


def _window(body: str, s0: int, s1: int, m: _Mention) -> tuple[int, int, int, int]:
    """Up to :data:`VECTOR_WINDOW` words of the sentence before and after mention ``m``."""
    left = list(_TOKEN.finditer(body, s0, m.start))[-VECTOR_WINDOW:]
    right = list(_TOKEN.finditer(body, m.end, s1))[:VECTOR_WINDOW]
    return (left[0].start() if left else m.start, m.start, m.end,
            right[-1].end() if right else m.end)


def window_text(body: str, c: Candidate) -> str:
    """The words around the candidate's mention, without the mention ("" when none)."""
    if c.window is None:
        return ""
    a, m0, m1, b = c.window
    return f"{body[a:m0].strip()} {body[m1:b].strip()}".strip()


def article_kind(lex: Lexicon, article: Article) -> str:
    """``doc:argued`` when the body has no reporting verb or the headline names an opinion
    genre (Opinion, Editorial, Letter, Analysis …), else ``doc:report`` — fixed markers of
    :mod:`detente.extract.stance_model`, nothing learned (docs/extraction.md, "Stance by kind
    of text": a median of 0 reporting verbs per 100 words in argued pieces, 1.8 in reports)."""
    from detente.extract.stance_model import KIND_FEATURES, kind_features

    f = kind_features(article.body, article.title, lex, {})
    argued = (f[KIND_FEATURES.index("reporting")] == 0
              or f[KIND_FEATURES.index("title_genre")] > 0)
    return "doc:argued" if argued else "doc:report"


def _speaker_of_quotation(lex: Lexicon, body: str, sentences: Sequence[tuple[int, int]],
                          named: Sequence[Sequence[_Mention]], i: int, carried: Sequence[str],
                          extra: dict[str, str]) -> None:
    """A sentence naming nobody inside a quotation: the speaker named in the next sentence
    next to a speech verb ("…," Putin said), else the subject carried from before."""
    text = body[sentences[i][0]:sentences[i][1]]
    if not any(ch in text for ch in "“”\""):
        return
    if i + 1 < len(sentences) and named[i + 1]:
        a, b = sentences[i + 1]
        if lex.speech.search(body[a:b]):
            extra.setdefault(named[i + 1][0].code, "src:speaker_next")
    for code in carried[:1]:
        extra.setdefault(code, "src:speaker_before")


def label(body: str, candidates: Sequence[Candidate], gold: Mapping[str, Any],
          fs: FeatureSet | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gold kinds of each candidate (rows × :data:`SIGNAL_KINDS`, 0/1) and, per kind, the
    number of gold signals no candidate can hold: its actor is not a candidate of the sentence
    its quote overlaps most (feature set 1) or of any sentence its quote overlaps (2: the
    one it overlaps most among those; the evaluation matches any overlap)."""
    fs = fs or FEATURE_SETS[FEATURES_VERSION]
    y = np.zeros((len(candidates), len(SIGNAL_KINDS)), dtype=np.int8)
    index = {(c.start, c.actor): j for j, c in enumerate(candidates)}
    spans = sorted({(c.start, c.end) for c in candidates})
    missed = np.zeros(len(SIGNAL_KINDS), dtype=np.int64)
    for sig in gold.get("signals", []):
        if sig["kind"] not in SIGNAL_KINDS:
            continue
        k = SIGNAL_KINDS.index(sig["kind"])
        span = find_span(body, sig["quote"])
        if span is None:
            missed[k] += 1
            continue
        held = [s for s in spans if min(s[1], span[1]) > max(s[0], span[0])
                and (not fs.any_sentence or (s[0], sig["actor"]) in index)]
        best = max(held, key=lambda s: min(s[1], span[1]) - max(s[0], span[0]), default=None)
        j = index.get((best[0], sig["actor"])) if best else None
        if j is None:
            missed[k] += 1
        elif y[j, k]:
            missed[k] += 1  # a second report in one sentence: one candidate holds one signal
        else:
            y[j, k] = 1
    return y, missed
