"""The argued piece's call to action (protocol amendment 13, §18).

§17.1 item 9 settles a mixed argued piece by its call to action: it urges talks or a ceasefire
now (``pro_negotiation``), argues against concessions and for pressure or more support
(``anti_concession``), or doubts that talks will work or that a party is sincere without
recommending either (``skeptical``); where the headline and the conclusion disagree, the
conclusion wins. Word-vector means carry what a headline or a conclusion is *about*, not its
modal or its negation (docs/extraction.md, "Twelfth session": the headline and conclusion
vectors cost the skeptical class). This module reads the call itself, in plain markers:

- :func:`call_features` — where the author speaks in their own voice (no quotation, no reporting
  verb: :func:`detente.extract.stance_model.is_own`) in the headline, the opening paragraph
  and the conclusion (the last two paragraphs of ten words or more,
  :func:`detente.extract.stance_vectors.conclusion_sentences`): whether those sentences
  recommend at all (a modal of recommendation — "should", "must", "needs to", "time to" — or a
  headline that opens on an imperative), whether what they recommend is talks (a talk word, not
  negated) or pressure (a pressure or support word, or a negated talk word: "should not
  negotiate"), how often a talk word is negated ("no talks", "won't agree to a ceasefire",
  "false hopes of negotiated peace"), and how many conclusion sentences doubt without
  recommending. Modals of obligation and necessity as the grammar of recommendation: Biber,
  Johansson, Leech, Conrad & Finegan, *Longman Grammar of Spoken and Written English*, 1999,
  §6.6; negation scope as a window of words after the negator: Councill, McDonald &
  Velikovich, "What's great and what's not", NeSp-NLP 2010 (the classic fixed-window baseline).
- :func:`negated_shares` — :func:`detente.extract.stance_model.family_shares` with that
  negation scope: a talk word negated within three words is not counted as urging talks; it
  counts against the terms when a modal of recommendation stands before the negator in the
  same sentence ("should not negotiate"), as doubt otherwise ("Russia will not negotiate"); a
  modal-then-talk match that holds a negator ("must not fall for talks") is not counted as
  urging.
"""

from __future__ import annotations

import re

import numpy as np

from detente.extract.lexicon import Lexicon

#: A modal of recommendation (obligation, necessity, advice) or an explicit call.
_RECOMMEND = re.compile(
    r"\b(?:should|shouldn[’']t|must|mustn[’']t|ought to|needs? to|has to|have to|"
    r"had better|(?:it is |it[’']s )?time (?:to|for)|cannot afford|can[’']t afford|"
    r"let[’']s|let us|urge|call on|we need|is needed|only way|best (?:course|option|hope))\b",
    re.IGNORECASE)
#: A headline that opens on an imperative ("Stop…", "Don't…", "Arm…", "Talk…").
_IMPERATIVE = re.compile(
    r"^\s*(?:stop|don[’']t|do not|let|end|give|keep|arm|talk|negotiate|make|seize|take|"
    r"reject|resist|support|help|push|back|stand|hold|trust|forget|abandon)\b", re.IGNORECASE)
_TALK = (r"(?:negotiat\w*|talks|ceasefire|cease-fire|truce|armistice|diplomac\w*|dialogue|"
         r"compromise\w*|deal|settlement|peace (?:deal|plan|process|agreement|talks)|"
         r"end (?:the|this) war)")
_TALK_WORD = re.compile(rf"\b{_TALK}\b", re.IGNORECASE)
_NEGATOR = re.compile(r"\b(?:no|not|never|nor|without|against|refus\w*|reject\w*|false|"
                      r"abandon\w*)\b|n[’']t\b", re.IGNORECASE)
#: A talk word is negated when a negator stands among the words just before it: the negator
#: and at most three words between it and the talk word.
NEGATION_WINDOW = 4
_PRESSURE = re.compile(
    r"\b(?:weapons|arms|arming|aid|support\w*|sanctions|pressure|strength|military|victory|"
    r"win|winning|defeat\w*|deter\w*|defen[cs]\w*|fight\w*|resist\w*|stand (?:with|by|firm)|"
    r"hold (?:the line|firm)|tough\w*|punish\w*|isolat\w*)\b", re.IGNORECASE)

#: The names of :func:`call_features`' columns, in order.
CALL_FEATURES = ("call_any", "call_headline", "call_talks", "call_pressure", "negated_talk",
                 "doubt_end")
#: :func:`negated_shares`' columns are :data:`detente.extract.stance_model.SHARE_FEATURES`.


def recommends(sentence: str) -> bool:
    """Whether a sentence carries a modal of recommendation or an explicit call."""
    return bool(_RECOMMEND.search(sentence))


def negated_at(sentence: str, start: int) -> bool:
    """Whether the word at ``start`` is negated: a negator among the :data:`NEGATION_WINDOW`
    words before it ("no talks", "won't agree to a ceasefire", "false hopes of negotiated")."""
    before = sentence[:start].split()[-NEGATION_WINDOW:]
    return bool(_NEGATOR.search(" ".join(before)))


def negated_talk(sentence: str) -> int:
    """How many talk words of ``sentence`` are negated (:func:`negated_at`)."""
    return sum(negated_at(sentence, m.start()) for m in _TALK_WORD.finditer(sentence))


def plain_talk(sentence: str) -> int:
    """How many talk words of ``sentence`` are not negated."""
    return sum(not negated_at(sentence, m.start()) for m in _TALK_WORD.finditer(sentence))


def call_zones(body: str, title: str | None) -> tuple[list[str], list[str], list[str]]:
    """The author's own-voice sentences of the headline, the opening paragraph (the first of
    ten words or more) and the conclusion (:func:`conclusion_sentences`), stripped."""
    from detente.extract.stance_model import _WORD, body_sentences, headline, is_own
    from detente.extract.stance_vectors import CONCLUSION_WORDS, conclusion_sentences

    head = headline(body, title).strip()
    top = [head] if head and is_own(head) else []
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", body)
                  if len(_WORD.findall(p)) >= CONCLUSION_WORDS]
    opening = ([s.strip() for s in body_sentences(paragraphs[0]) if is_own(s)]
               if paragraphs else [])
    end = [s for s in conclusion_sentences(body) if is_own(s)]
    return top, opening, end


def call_features(body: str, title: str | None) -> np.ndarray:
    """The call-to-action measures of one article (:data:`CALL_FEATURES`), over the own-voice
    sentences of the headline, the opening paragraph and the conclusion (each sentence once):
    the number that recommend; whether the headline recommends (a modal or an opening
    imperative); the number that recommend with a talk word not negated (a call for talks); the
    number that recommend with a pressure or support word or a negated talk word (a call
    against talks); the negated talk words; the conclusion's sentences with a doubt word that
    do not recommend. Counts ``log1p``; the headline flag 0 or 1."""
    from detente.extract.stance_model import _DOUBT

    top, opening, end = call_zones(body, title)
    seen: list[str] = []
    for s in (*top, *opening, *end):
        if s not in seen:
            seen.append(s)
    rec = [s for s in seen if recommends(s)]
    head_call = float(bool(top) and (recommends(top[0]) or bool(_IMPERATIVE.search(top[0]))))
    raw = [len(rec), head_call,
           sum(plain_talk(s) > 0 for s in rec),
           sum(bool(_PRESSURE.search(s)) or negated_talk(s) > 0 for s in rec),
           sum(negated_talk(s) for s in seen),
           sum(bool(_DOUBT.search(s)) and not recommends(s) for s in end)]
    out = np.log1p(np.asarray(raw, dtype=float))
    out[1] = head_call
    return out


def negated_counts(body: str, title: str | None) -> tuple[np.ndarray, int]:
    """:func:`detente.extract.stance_model.family_counts` with negation scope: urge, urge-modal,
    doubt and against matches in the headline and body, where a negated talk word leaves urge
    for against (a modal of recommendation before the negator in its sentence) or doubt (no
    such modal), and a modal-then-talk match holding a negator leaves urge-modal."""
    from detente.extract.stance_model import (
        _AGAINST,
        _DOUBT,
        _URGE,
        _URGE_MODAL,
        _WORD,
        body_sentences,
        headline,
    )

    text = f"{headline(body, title)}\n{body}" if title else body
    n = max(len(_WORD.findall(text)), 1)
    urge, doubt, against = (len(r.findall(text)) for r in (_URGE, _DOUBT, _AGAINST))
    modal = sum(not _NEGATOR.search(m.group(0)) for m in _URGE_MODAL.finditer(text))
    for s in (s for line in text.splitlines() for s in body_sentences(line)):
        for m in _URGE.finditer(s):
            if negated_at(s, m.start()):
                urge -= 1
                if recommends(s[:m.start()]):
                    against += 1
                else:
                    doubt += 1
    return np.array([max(urge, 0), modal, doubt, against], dtype=float), n


def negated_shares(body: str, title: str | None, lex: Lexicon,
                   scores: dict[str, float] | None = None) -> np.ndarray:
    """:func:`detente.extract.stance_model.family_shares` over :func:`negated_counts`: the
    cues' totals, each family's share of all family matches (urge and urge-modal together),
    ``log1p`` of the family matches per 100 words."""
    from detente.extract.stance_model import shares_of

    return shares_of(*negated_counts(body, title), body, title, lex, scores)
