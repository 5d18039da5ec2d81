"""The offline rule extractor: a spaCy pipeline with no statistical model, plus cue lists.

Pipeline (spaCy ``blank("en")``: rule-based tokenizer and sentencizer, an ``entity_ruler``
over the gazetteer of :mod:`detente.extract.lexicon`) — nothing is downloaded, nothing learned.
Per sentence:

1. **Actors**: gazetteer matches (longest match wins, so "Washington Post" is not the US).
2. **Clauses**: the sentence is cut at ``;``, " but ", " while " and dashes; a clause that opens
   with a pronoun (He, She, They …) carries the subject of the previous sentence.
3. **Signals**: each cue of ``cues.csv`` found in a clause gives a signal of its kind; the
   sender is the actors named in the clause before the cue (the subject group), else the carried
   subject, else the first actor after the cue. A ceasefire cue shadows an escalation cue it
   overlaps ("halt attacks"). A ``statement`` needs a speech verb and a negotiation topic and is
   given only to a speaker with no other signal in the sentence. Hypothetical or recommended
   acts (should, could, would … without a reporting verb) are not signals.
4. **Positions**: a clause naming an issue of the vocabulary (the case's issues with ``--case``)
   and a position verb (demand, insist, ready, willing, reject, abandon, recognise …).
5. **Proposals**: named plans ("Istanbul Communiqué", "28-point plan", "Putin's terms").
6. **Stance**: weighted cues over the whole article; few evaluative cues and many reporting
   verbs make a ``neutral_report`` (``stance="cues"``); or the stance model of protocol §13
   (``stance="model"``, :mod:`detente.extract.stance_model`).

Every quote is the exact text of a clause (or name) of the body, with its offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from detente.errors import DetenteError
from detente.extract.article import Article
from detente.extract.clause import (
    accusation,
    agent_of_passive,
    author_between,
    condition,
    future,
    locative,
    partner_follows,
    prepositional,
    subject_start,
    talks_about,
)
from detente.extract.context import background_spans, names_the_parties, refers_by_role
from detente.extract.dates import find_date
from detente.extract.lexicon import Lexicon, lexicon
from detente.extract.schema import (
    ActorMention,
    ArticleExtraction,
    Position,
    Proposal,
    Signal,
)
from detente.extract.stance_model import DEFAULT_STANCE, article_stance, check_method
from detente.extract.vocabulary import IssueTerms, any_issue, default_issues

_CLAUSE_CUT = re.compile(r";|\s[–—-]\s|,?\s+but\s+|,\s+while\s+|:\s")
_PARAGRAPH = re.compile(r"\n\s*\n|\[…\]|\[\.\.\.\]")
_NEGATED = re.compile(r"\b(?:no|not|without|never|nor)\b[^.;]{0,40}$", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_PRONOUN = re.compile(r"^\W*(?:he|she|they|his|her|their)\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"\b(?:should|could|might|may|must|would(?! not)|if|suppose|"
                          r"whether|unless)\b", re.IGNORECASE)
# A definite noun phrase refers back to a known event, unless a verb of initiating makes it
# the act ("ordered the mobilization", "launched the offensive").
_ANAPHORIC = re.compile(r"(?<!order)(?<!ordered)(?<!launched)(?<!began)(?<!announced)"
                        r"(?<!declared)(?<!started)\s+(?:the|this|that|these|those)\s+$",
                        re.IGNORECASE)
_VENUE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$")  # "met in Turkey's Istanbul": a venue
_TITLES_BETWEEN = re.compile(r"\s*(?:,|and|, and|&)?\s*(?:[A-Z][\w.’'-]*\s+){0,4}")
_AND_VERB = re.compile(r"\band\s+$")
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_VICTIM = re.compile(r"\b(?:on|against|into|in|inside|of|from|at)\s+(?:the\s+)?\S*$",
                     re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:said|says|told|stated|declared|announced|confirmed|added|"
                       r"reported|noted|agreed|offered|emphasi[sz]ed)\b", re.IGNORECASE)
_POSITION_VERB = re.compile(
    r"\b(?:demand\w*|insist\w*|requir\w*|must|willing|ready|readiness|abandon\w*|offer\w*|"
    r"agree\w*|reject\w*|refus\w*|recogni[sz]\w*|condition\w*|would not|never|open to|"
    r"seek\w*|want\w*|renounc\w*|prepared to|withdraw\w*|leave|settle for|object|"
    r"lost their relevance|impossible|call\w* for|propos\w*)\b", re.IGNORECASE)
_PLAN = re.compile(
    r"(?:\b\d+-point (?:peace )?(?:plan|framework|proposal)s?\b)|"
    r"(?:\b(?:[A-Z][\w’'-]+\s){1,4}(?:Communiqu[ée]|Plan|Framework|Memorandum|Formula|"
    r"Initiative|Accords?|Agreements?|Treaty|Declaration)\b)|"
    r"(?:\b(?:peace|victory) (?:plan|formula)\b)|"
    r"(?:\b[A-Z][a-z]+[’']s? (?:\w+ )?(?:terms|conditions|plan|(?:counter)?proposal|"
    r"memorandum)\b)|"
    # a plan in free words: "a 30-day ceasefire proposal from the United States"
    r"(?:\b(?:a|an|its|his|her|their)\s+(?:[\w“”\"-]+\s+){0,3}?(?:counter)?(?:proposal|"
    r"plan|offer|initiative|roadmap)\s+(?:from|by|for|to)(?:\s+(?!(?:on|in|at|and|that|which|"
    r"was|is|were|as|after|before|but|with)\b)(?:(?:[A-Z]\.)+|[\w“”\"’'-]+)){1,5})|"
    r"(?:\bso-called \"memorandum\"|\bmemorandum\b)")


@dataclass(frozen=True)
class _Mention:
    code: str
    kind: str
    start: int
    end: int


def _build_nlp(lex: Lexicon) -> Any:
    try:
        import spacy  # imported on first use: other commands do not pay its start-up
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DetenteError.one("the rule extractor needs spaCy", path="extract",
                               allowed='pip install "detente[extract]"') from exc

    nlp: Any = spacy.blank("en")
    # A trailing hyphen is its own token ("UN- and Turkey-brokered"), so "UN" is matched;
    # so is a hyphen after an abbreviation ("U.S.-brokered" → "U.S." "-" "brokered").
    suffixes = [*list(nlp.Defaults.suffixes or []), r"-$"]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    infixes = [*list(nlp.Defaults.infixes or []), r"(?<=[A-Z]\.)-(?=[a-z])",
               r"(?<=[A-Z])-(?=[a-z])"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer")
    ruler: Any = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    patterns: list[dict[str, Any]] = [
        {"label": "ACTOR", "pattern": p, "id": f"{code}|{kind}"} for p, code, kind in lex.gazetteer]
    patterns += [{"label": "IGNORE", "pattern": p} for p in lex.ignore]
    ruler.add_patterns(patterns)
    return nlp


class RuleExtractor:
    """Rules over a spaCy pipeline; see the module docstring. Thread-safe after construction."""

    name = "rules"

    def __init__(self, stance: str = DEFAULT_STANCE) -> None:
        self.stance = check_method(stance)
        self.lex = lexicon()
        self.nlp = _build_nlp(self.lex)

    def extract(self, article: Article, issues: Mapping[str, IssueTerms] | None = None
                ) -> ArticleExtraction:
        """Extract actors, positions, proposals, signals and stance from one article."""
        return self.extract_many([article], issues)[0]

    def extract_many(self, articles: Sequence[Article],
                     issues: Mapping[str, IssueTerms] | None = None) -> list[ArticleExtraction]:
        """Extract from several articles (spaCy batches them through ``nlp.pipe``)."""
        vocab = issues if issues is not None else default_issues()
        docs = self.nlp.pipe(a.body for a in articles)
        return [_Run(self.lex, a, doc, vocab, self.stance).result()
                for a, doc in zip(articles, docs, strict=True)]


class _Run:
    """One article through the rules (kept as a small object so each step stays short)."""

    def __init__(self, lex: Lexicon, article: Article, doc: Any,
                 issues: Mapping[str, IssueTerms], stance: str = "cues") -> None:
        self.lex, self.article, self.doc, self.issues = lex, article, doc, issues
        self.stance = stance
        self.any_issue = any_issue(dict(issues))
        self.body = article.body
        self.signals: list[Signal] = []
        self.positions: list[Position] = []
        self.proposals: list[Proposal] = []
        self.carried: list[str] = []
        self.parties: list[str] = []  # the two actors the article names most
        self.speaker: list[str] = []  # who spoke last in the current sentence
        self.old: list[tuple[int, int]] = []  # background spans of the current sentence
        self.acts: list[tuple[str, int]] = []  # (sender, cue offset) of every act signal

    def result(self) -> ArticleExtraction:
        mentions = self._mentions()
        self.parties = [c for c, _ in Counter(m.code for m in mentions).most_common(2)]
        starts = [m.start for m in mentions]  # spaCy's entities come in text order
        for s0, s1 in _sentences(self.body, self.doc):
            # the mentions of one sentence by bisection: a filter over every mention per
            # sentence was quadratic (50,000 short sentences took minutes)
            inside = mentions[bisect_left(starts, s0):bisect_left(starts, s1)]
            self._sentence(s0, s1, inside)
        self._find_proposals(mentions)
        return ArticleExtraction(
            file=self.article.path, title=self.article.title,
            date=self.article.date.isoformat() if self.article.date else None,
            extractor="rules", actors=self._actors(mentions), positions=self.positions,
            proposals=self.proposals, signals=self.signals,
            stance=article_stance(self.body, self.article.title, self.lex, self.stance))

    # -- actors -----------------------------------------------------------------------------
    def _mentions(self) -> list[_Mention]:
        out = []
        for ent in self.doc.ents:
            if ent.label_ != "ACTOR":
                continue
            code, kind = ent.ent_id_.split("|")
            out.append(_Mention(code, kind, ent.start_char, ent.end_char))
        return out

    def _actors(self, mentions: list[_Mention]) -> list[ActorMention]:
        counts = Counter(m.code for m in mentions)
        first: dict[str, _Mention] = {}
        for m in mentions:
            first.setdefault(m.code, m)
        return [ActorMention(code=c, name=self.lex.names[c], mentions=counts[c],
                             quote=self.body[m.start:m.end], start=m.start, end=m.end)
                for c, m in first.items()]

    # -- one sentence -----------------------------------------------------------------------
    def _sentence(self, s0: int, s1: int, mentions: list[_Mention]) -> None:
        text = self.body[s0:s1]
        if not text.strip():
            return
        date = find_date(text, self.article.date)
        clauses = _clauses(text, s0)
        # Actors named inside a quotation are what someone said, not who said it.
        quoted = [(s0 + m.start(), s0 + m.end()) for m in _QUOTED.finditer(text)]
        mentions = [m for m in mentions if not any(a < m.start < b for a, b in quoted)]
        hypothetical = bool(_HYPOTHETICAL.search(text)) and not _REPORTED.search(text)
        senders_in_sentence: set[tuple[str, str]] = set()
        self.old = [(s0 + a, s0 + b) for a, b in background_spans(text, self.article.date)]
        if not hypothetical:
            hits = [(kind, s0 + m.start(), s0 + m.end()) for kind, pattern in self.lex.cues
                    for m in pattern.finditer(text)]
            hits = [h for h in hits if not any(a <= h[1] < b for a, b in self.old)]
            for c0, c1 in clauses:
                clause = self.body[c0:c1]
                if _HYPOTHETICAL.search(clause) and not _REPORTED.search(clause):
                    continue  # "but Ukraine must first recognize …": a demand, not an act
                inside = [h for h in hits if c0 <= h[1] < c1]
                for kind, actor, cue in self._clause_signals(c0, c1, inside, mentions):
                    self.acts.append((actor, cue))
                    if (actor, kind) not in senders_in_sentence:
                        senders_in_sentence.add((actor, kind))
                        self._add_signal(actor, kind, c0, c1, date)
        if not hypothetical or self.lex.reported.search(text):
            # "Minsk stressed that talks must go on": a hypothesis framed by a verb of speech
            # is still a statement (the act it names is not reported).
            self._statements(clauses, mentions, senders_in_sentence, date)
        self._find_positions(clauses, mentions)
        subject = [m.code for m in mentions if m.kind in ("person", "state", "institution")]
        if self.speaker:
            self.carried, self.speaker = self.speaker, []
        elif subject:
            self.carried = subject[:1]

    def _clause_signals(self, c0: int, c1: int, hits: list[tuple[str, int, int]],
                        mentions: list[_Mention]) -> list[tuple[str, str, int]]:
        cease = [(a, b) for k, a, b in hits if k == "ceasefire"]
        out: list[tuple[str, str, int]] = []
        mediators = self._mediators(c0, c1, hits, mentions)
        for kind, a, b in sorted(hits, key=lambda h: h[1]):
            prefix = self.body[c0:a]
            if kind == "escalation" and any(x < b and a < y for x, y in cease):
                continue
            if kind != "escalation" and _NEGATED.search(prefix):
                continue
            modifier = "-" in self.body[a - 1:a + 1]  # "a U.S.-brokered truce": presupposed
            if not modifier and (accusation(prefix) or condition(prefix)):
                continue  # "accused Kyiv of attacks", "if Ukraine continues its strikes"
            if kind in ("ceasefire", "summit") and talks_about(prefix):
                continue  # "ready for direct talks", "in exchange for a ceasefire"
            if kind == "summit" and future(self.body[b:c1]):
                continue  # "direct talks, scheduled for next Thursday"
            if kind == "escalation" and _ANAPHORIC.search(prefix):
                continue  # "Putin downplayed the incursion": a known event referred back to
            senders = self._kind_senders(kind, c0, c1, a, b, mentions)
            senders += [m.code for m in mentions if b <= m.start < c1
                        and author_between(self.body[b:m.start])]
            held_with = kind in ("summit", "backchannel") and partner_follows(self.body[b:c1])
            if kind != "mediation" and not held_with and set(senders) & mediators:
                # "the UAE mediated the release of Russian prisoners": the mediator is not a party
                rest = [m.code for m in mentions if a <= m.start < c1 and m.code not in mediators]
                others = [c for c in senders if c not in mediators]
                senders = others or rest or [c for c in self.parties if c not in mediators]
            out += [(kind, code, a) for code in dict.fromkeys(senders)]
        return out

    def _mediators(self, c0: int, c1: int, hits: list[tuple[str, int, int]],
                   mentions: list[_Mention]) -> set[str]:
        """The mediators of a clause: the senders of its mediation cues (with the agent of a
        passive one: "was mediated by the UAE")."""
        out: set[str] = set()
        for kind, a, b in hits:
            if kind == "mediation":
                out.update(self._kind_senders(kind, c0, c1, a, b, mentions))
        return out

    def _kind_senders(self, kind: str, c0: int, c1: int, a: int, b: int,
                      mentions: list[_Mention]) -> list[str]:
        hyphen = a if self.body[a] == "-" else a - 1
        passive_agents = [m.code for m in mentions if b <= m.start < c1
                          and agent_of_passive(self.body[b:m.start])]
        if self.body[hyphen] == "-":  # "UN- and Turkey-brokered": the brokers come just before
            senders = _modifier_chain(self.body, hyphen, mentions)
        elif kind == "mediation" and passive_agents:  # "was mediated by Qatar"
            senders = passive_agents[:1]
        elif kind in ("summit", "backchannel"):  # a meeting or contact has two sides
            senders = self._sides(c0, c1, a, b, mentions)
        elif kind == "escalation":  # the agent: the nearest actor before, not a target
            agents = [m for m in mentions if c0 <= m.start < a
                      and not _VICTIM.search(self.body[c0:m.start])]
            senders = [agents[-1].code] if agents else []
        else:
            senders = self._senders(c0, c1, a, b, mentions)
        return senders

    def _sides(self, c0: int, c1: int, a: int, b: int, mentions: list[_Mention]) -> list[str]:
        """The sides of a meeting or contact: every party named in the clause but a venue;
        with "a call / talks with X", the subject and X; else "the two leaders" → the parties."""
        named = [m for m in mentions if c0 <= m.start < c1
                 and not (m.kind in ("state", "capital") and _VENUE.search(self.body[c0:m.start]))]
        if partner_follows(self.body[b:c1]):  # "X held talks with Y, Z and W"
            after = _partners([m for m in named if m.start >= b], self.body)
            before = [m.code for m in named if m.start < a
                      and not prepositional(self.body[c0:m.start])][-1:] or self.carried[:1]
            if after and before:
                return list(dict.fromkeys([before[0], *after]))
        if not named and len(self.parties) == 2 and names_the_parties(self.body[c0:c1]):
            return list(self.parties)
        return [m.code for m in named]

    def _senders(self, c0: int, c1: int, a: int, b: int, mentions: list[_Mention]) -> list[str]:
        # the subject: in the last subordinate clause before the cue if it names one, never a
        # place phrase ("sirens rang out in Kyiv, shortly after Putin announced …")
        own = [m for m in mentions if c0 <= m.start < a and not locative(self.body[c0:m.start])]
        s0 = c0 + subject_start(self.body[c0:a])
        before = [m.code for m in own if m.start >= s0] or [m.code for m in own]
        last = max((m.end for m in mentions if c0 <= m.start < a), default=c0)
        if len(self.parties) == 2 and names_the_parties(self.body[last:a]):
            return list(self.parties)  # "Medinsky said both countries agreed to …"
        if before:
            return list(dict.fromkeys(before))
        if self.carried and (_PRONOUN.match(self.body[c0:c1]) or refers_by_role(self.body[c0:a])):
            return list(self.carried)
        after = [m for m in mentions if b <= m.start < c1]
        if not after and self.carried and refers_by_role(self.body[b:c1]):
            return list(self.carried)
        if after and _BETWEEN.search(self.body[b:after[0].start]):
            return list(dict.fromkeys(m.code for m in after[:2]))  # "swap between X and Y"
        return [m.code for m in after[:1]]

    def _statements(self, clauses: list[tuple[int, int]], mentions: list[_Mention],
                    given: set[tuple[str, str]], date: str | None) -> None:
        """A statement per speech cue whose topic is the talks; the speaker is the actor
        named nearest before the cue ("Kremlin spokesman Dmitry Peskov told"), else the one
        the role or pronoun refers to, else the first after it ("…," said Biden)."""
        sentence = self.body[clauses[0][0]:clauses[-1][1]]
        if not self.lex.topic.search(sentence):
            return
        for c0, c1 in clauses:
            for m in self.lex.speech.finditer(self.body[c0:c1]):
                a, b = c0 + m.start(), c0 + m.end()
                if any(x <= a < y for x, y in self.old):
                    continue
                near = _coordinated(self.body, [x for x in mentions
                                                if c0 <= x.start < a and a - x.end < 90])
                if self.speaker and _AND_VERB.search(self.body[c0:a]):
                    near = self.speaker  # "Peskov told reporters … and said": same speaker
                speakers = near or self._senders(c0, c1, a, b, mentions)
                for actor in speakers:
                    self.speaker = [actor]
                    if (actor, "statement") in given or any(
                            x == actor and a < pos < c1 for x, pos in self.acts):
                        continue  # one statement per speaker; "X said they agreed to swap
                        # prisoners" reports the act, which is the signal
                    given.add((actor, "statement"))
                    self._add_signal(actor, "statement", c0, c1, date)

    def _add_signal(self, actor: str, kind: str, c0: int, c1: int, date: str | None) -> None:
        q0, q1 = _trim(self.body, c0, c1)
        self.signals.append(Signal(actor=actor, kind=kind, date=date,  # type: ignore[arg-type]
                                   quote=self.body[q0:q1], start=q0, end=q1))

    # -- positions and proposals --------------------------------------------------------------
    def _find_positions(self, clauses: list[tuple[int, int]], mentions: list[_Mention]) -> None:
        for c0, c1 in clauses:
            clause = self.body[c0:c1]
            if not self.any_issue.search(clause):
                continue
            verb = _POSITION_VERB.search(clause)
            if not verb:
                continue
            actors = self._senders(c0, c1, c0 + verb.start(), c0 + verb.end(), mentions)
            if not actors:
                continue
            q0, q1 = _trim(self.body, c0, c1)
            for issue_id, terms in self.issues.items():
                if not terms.pattern.search(clause):
                    continue
                self.positions += [Position(actor=actor, issue=issue_id,
                                            position=terms.option_in(clause),
                                            quote=self.body[q0:q1], start=q0, end=q1)
                                   for actor in actors[:2]]

    def _find_proposals(self, mentions: list[_Mention]) -> None:
        seen: set[str] = set()
        for m in _PLAN.finditer(self.body):
            name = m.group(0).strip().strip('"')
            key = name.lower()
            if key in seen or len(name) < 4:
                continue
            seen.add(key)
            near = [x.code for x in mentions if abs(x.start - m.start()) < 120]
            self.proposals.append(Proposal(name=name, by=near[0] if near else None,
                                           quote=self.body[m.start():m.end()],
                                           start=m.start(), end=m.end()))


def _coordinated(body: str, before: list[_Mention]) -> list[str]:
    """The subject group ending at the last name of ``before``: "both Ukraine and Russia
    accuse" → Ukraine, Russia (names joined by "and" or a comma; one name otherwise)."""
    if not before:
        return []
    group = [before[-1]]
    for m in reversed(before[:-1]):
        if not re.fullmatch(r"\s*(?:,|and|, and|&)\s*", body[m.end:group[-1].start]):
            break
        group.append(m)
    return list(dict.fromkeys(m.code for m in reversed(group)))


def _partners(after: list[_Mention], body: str) -> list[str]:
    """The coordinated names after "with": "talks with French President Macron, German
    Chancellor Scholz, and Starmer" → FRA, DEU, GBR (only separators and capitalised title
    words between two names)."""
    group = after[:1]
    for m in after[1:]:
        if not _TITLES_BETWEEN.fullmatch(body[group[-1].end:m.start]):
            break
        group.append(m)
    return list(dict.fromkeys(m.code for m in group))


def _modifier_chain(body: str, a: int, mentions: list[_Mention]) -> list[str]:
    """The names hyphenated to a cue at ``a``: "UN- and Turkey-brokered" → UN, Turkey."""
    chain: list[str] = []
    end = a
    for m in sorted(mentions, key=lambda x: -x.start):
        if m.end > end:
            continue
        if not re.fullmatch(r"-?(?:\s*(?:,|and|or)\s*)?", body[m.end:end]):
            break
        chain.append(m.code)
        end = m.start
    return chain[::-1]


def _sentences(body: str, doc: Any) -> list[tuple[int, int]]:
    """spaCy's sentences, cut again at paragraph breaks and elision marks."""
    out = []
    for sent in doc.sents:
        start = sent.start_char
        for m in _PARAGRAPH.finditer(body, sent.start_char, sent.end_char):
            out.append((start, m.start()))
            start = m.end()
        out.append((start, sent.end_char))
    return [(a, b) for a, b in out if body[a:b].strip()]


def _clauses(text: str, offset: int) -> list[tuple[int, int]]:
    cuts = [0] + [m.end() for m in _CLAUSE_CUT.finditer(text)] + [len(text)]
    spans = [(offset + a, offset + b) for a, b in pairwise(cuts) if b > a]
    return spans or [(offset, offset + len(text))]


def _trim(body: str, a: int, b: int) -> tuple[int, int]:
    """Shrink [a, b) to exclude surrounding whitespace and trailing separators."""
    while a < b and body[a] in " \t\n,;:–—-":
        a += 1
    while b > a and body[b - 1] in " \t\n,;:–—":
        b -= 1
    return a, b
