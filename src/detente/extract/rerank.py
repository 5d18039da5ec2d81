"""The third learned model's second stage (protocol amendment 6, §11): a tree ensemble that
re-scores every (candidate, kind) pair from the linear model's probabilities in context.

The linear model (:mod:`detente.extract.learned`) scores each candidate on its own. Its errors
on the development parts are mostly *ranking* (gold pairs below threshold) and the *kind*
chosen when a sentence holds several acts (docs/extraction.md). The second stage sees, for
each (candidate, kind) row, the linear probability beside the same kind's probabilities of the
other actors of the sentence and of the article (rank, margin, share of the maximum), the
other kinds of the same candidate (rank, margin), the rules' choice, and the candidate's
clause structure (who speaks — a speaker next to a speech verb or a reported-speech sentence —,
agent, prepositional or locative role, negation, hypothetical, future, background, position).
It is a gradient-boosted ensemble of regression trees on the logistic loss (Friedman 2001,
*Greedy function approximation: a gradient boosting machine*, Ann. Statist. 29(5); trained
with scikit-learn's histogram variant, Ke et al. 2017 "LightGBM"), stored as flat NumPy arrays
and evaluated here with NumPy only (all trees, one tree level per step).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.extract.article import Article
from detente.extract.candidates import Candidate
from detente.extract.schema import SIGNAL_KINDS

#: Candidate flags the second stage reads from the candidate's features (present: 1).
FLAGS = ("role:first", "role:prep", "role:loc", "role:agent", "role:with", "role:cond",
         "role:accused", "role:modifier", "speaker:before_verb", "speaker:after_verb",
         "src:carried", "src:rule_only", "src:parties", "party", "mkind:person",
         "mkind:state", "mkind:demonym", "mkind:capital", "mkind:institution", "ctx:hyp",
         "ctx:future", "ctx:neg", "ctx:reported", "ctx:background", "ctx:quotation", "speech",
         "topic", "pos:first", "rule:none")
#: Column names of :func:`rerank_features` (the weights file records them).
COLUMNS = ("kind", "p", "ratio", "kind_rank", "kind_margin", "best_ratio", "sent_n",
           "sent_rank", "sent_margin", "art_rank", "art_share", "art_n", "position",
           "nactors", "rule_kind", "rule_other_kind", "cue_kind", "cue_after_kind",
           "cue_near_kind", "n_cues", *FLAGS)


def _flags(c: Candidate) -> list[float]:
    f = set(c.features)
    kinds = [0.0] * (5 * len(SIGNAL_KINDS))
    k_n = len(SIGNAL_KINDS)
    for k, kind in enumerate(SIGNAL_KINDS):
        kinds[k] = float(f"rule:{kind}" in f)
        kinds[k_n + k] = float(f"rule_other:{kind}" in f)
        kinds[2 * k_n + k] = float(f"cue:{kind}" in f)
        kinds[3 * k_n + k] = float(f"cue_after:{kind}" in f)
        kinds[4 * k_n + k] = float(f"cue_after_near:{kind}" in f or f"cue_before_near:{kind}"
                                   in f)
    pos = next((int(x[4:]) for x in f if x.startswith("pos:") and x[4:].isdigit()), 0)
    nact = next((int(x[8:]) for x in f if x.startswith("nactors:")), 0)
    cues = sum(1 for x in f if x.startswith("cue:"))
    return [*kinds, float(pos), float(nact), float(cues), *(float(x in f) for x in FLAGS)]


def _rank_desc(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rank (0 = largest) of each row's value within its group, per column: how many values
    of its group are larger (NaN is larger than nothing and ranks 0)."""
    n, k = values.shape
    out = np.zeros((n, k))
    # sorted by (group, value) once per column: a rows × rows comparison per group was
    # quadratic (50,000 candidates of one article asked for 15 GB), a loop over groups too
    for j in range(k):
        col = np.where(np.isnan(values[:, j]), -np.inf, values[:, j])
        order = np.lexsort((col, groups))
        g, v = groups[order], col[order]
        new_group = np.flatnonzero(np.diff(g)) + 1
        group_end = np.repeat(np.append(new_group, n), np.diff(np.concatenate(
            ([0], new_group, [n]))))
        change = np.flatnonzero((g[1:] != g[:-1]) | (v[1:] != v[:-1])) + 1
        run_end = np.repeat(np.append(change, n), np.diff(np.concatenate(([0], change, [n]))))
        out[order, j] = group_end - run_end
    out[np.isnan(values)] = 0
    return out


def rerank_features(candidates: Sequence[Candidate], probs: np.ndarray,
                    thresholds: np.ndarray) -> np.ndarray:
    """Second-stage rows of one article: (candidates × kinds) × :data:`COLUMNS`, row
    ``j * kinds + k`` for candidate ``j`` and kind ``k``."""
    n, k = len(candidates), len(SIGNAL_KINDS)
    if n == 0:
        return np.zeros((0, len(COLUMNS)))
    ratio = probs / thresholds
    best = ratio.max(axis=1, keepdims=True)
    kind_rank = (ratio[:, None, :] > ratio[:, :, None]).sum(axis=2)
    other = np.where(np.eye(k, dtype=bool)[None], -np.inf, ratio[:, None, :]).max(axis=2)
    sent = np.array([c.start for c in candidates])
    _, sent_id, sent_n = np.unique(sent, return_inverse=True, return_counts=True)
    sent_rank = _rank_desc(probs, sent_id)
    sent_margin = np.zeros((n, k))
    order = np.argsort(sent_id, kind="stable")  # each sentence's rows, found once (a scan
    for rows in np.split(order, np.cumsum(sent_n)[:-1]):  # of every row per sentence was
        if len(rows) > 1:  # quadratic)
            block = probs[rows]
            masked = np.where(np.eye(len(rows), dtype=bool)[:, :, None], -np.inf,
                              block[None, :, :])
            sent_margin[rows] = block - masked.max(axis=1)
    art_rank = _rank_desc(probs, np.zeros(n, dtype=int)) / n
    art_share = probs / np.maximum(probs.max(axis=0, keepdims=True), 1e-12)
    flags = np.array([_flags(c) for c in candidates])
    per_kind = flags[:, :5 * k].reshape(n, 5, k).transpose(0, 2, 1)  # n × k × 5
    rest = flags[:, 5 * k:]
    cols = [np.broadcast_to(np.arange(k, dtype=float), (n, k)), probs, ratio, kind_rank,
            ratio - other, np.broadcast_to(best, (n, k)),
            np.broadcast_to(sent_n[sent_id][:, None].astype(float), (n, k)), sent_rank,
            sent_margin, art_rank, art_share, np.full((n, k), float(n))]
    head = np.stack(cols, axis=2)  # n × k × 12
    tail = np.broadcast_to(rest[:, None, :], (n, k, rest.shape[1]))
    pos, nact, ncue = tail[:, :, 0:1], tail[:, :, 1:2], tail[:, :, 2:3]
    x = np.concatenate([head, pos, nact, per_kind[:, :, :5], ncue, tail[:, :, 3:]], axis=2)
    return np.ascontiguousarray(x.reshape(n * k, len(COLUMNS)))


#: §17 (twelfth session), optional second-stage columns of the article's kind of text: the
#: argued-piece marker of :func:`detente.extract.candidates.article_kind` (no reporting verb,
#: or an opinion genre in the headline), the share of attributed sentences, reporting verbs
#: and quotations per 100 words (``log1p``; :func:`detente.extract.stance_model.kind_features`
#: and :func:`~detente.extract.stance_model.voice_features`) — fixed markers, nothing learned,
#: so no held-out label leaks —, and whether the candidate's sentence is in the author's own
#: voice (:func:`~detente.extract.stance_model.is_own`: no reporting verb, no quotation).
DOC_COLUMNS = ("doc_argued", "doc_attributed", "doc_reporting", "doc_quotes", "own_sentence")
#: §17, optional second-stage columns comparing a (candidate, kind) row with the *same
#: actor's* rows of that kind elsewhere in the article (news reports repeat the lede's act;
#: gold has it once or twice): the rank of its linear probability among them (0 = highest),
#: how many sentences have the actor as a candidate, how many of them reach the kind's linear
#: threshold, the margin over the actor's best other row, and how many *earlier* sentences
#: reach the threshold for the actor.
REPEAT_COLUMNS = ("actor_rank", "actor_n", "actor_over", "actor_margin", "actor_before")


def doc_rows(article: Article, candidates: Sequence[Candidate]) -> np.ndarray:
    """:data:`DOC_COLUMNS` of every (candidate, kind) row of one article (row ``j * kinds +
    k``, as :func:`rerank_features`)."""
    from detente.extract.stance_model import (
        KIND_FEATURES,
        VOICE_FEATURES,
        is_own,
        kind_features,
        voice_features,
    )

    n, k = len(candidates), len(SIGNAL_KINDS)
    if n == 0:
        return np.zeros((0, len(DOC_COLUMNS)))
    body = article.body
    # the lexicon serves only the cues' total, which is not asked for (scores given)
    kind = kind_features(body, article.title, None, {})  # type: ignore[arg-type]
    voice = voice_features(body, article.title)
    argued = float(kind[KIND_FEATURES.index("reporting")] == 0
                   or kind[KIND_FEATURES.index("title_genre")] > 0)
    shared = [argued, voice[VOICE_FEATURES.index("attributed_share")],
              kind[KIND_FEATURES.index("reporting")], kind[KIND_FEATURES.index("quotes")]]
    own: dict[int, float] = {}
    for c in candidates:
        if c.start not in own:
            own[c.start] = float(is_own(body[c.start:c.end]))
    rows = np.array([[*shared, own[c.start]] for c in candidates])
    return np.repeat(rows, k, axis=0)


def repeat_rows(candidates: Sequence[Candidate], probs: np.ndarray, thresholds: np.ndarray
                ) -> np.ndarray:
    """:data:`REPEAT_COLUMNS` of every (candidate, kind) row of one article (``probs``: the
    linear probabilities, candidates × kinds; ``thresholds``: the linear thresholds)."""
    n, k = len(candidates), len(SIGNAL_KINDS)
    if n == 0:
        return np.zeros((0, len(REPEAT_COLUMNS)))
    _, actor, count = np.unique([c.actor for c in candidates], return_inverse=True,
                                return_counts=True)
    rank = _rank_desc(probs, actor)
    over = (probs >= thresholds).astype(float)
    n_over, margin, before = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
    start = np.array([c.start for c in candidates])
    for g in range(len(count)):
        rows = np.flatnonzero(actor == g)
        rows = rows[np.argsort(start[rows], kind="stable")]
        block = probs[rows]
        n_over[rows] = over[rows].sum(axis=0)
        before[rows] = np.cumsum(over[rows], axis=0) - over[rows]
        if len(rows) > 1:  # the best other row: the best, or the second best for the best
            # (two maxima, not a rows × rows mask: an actor can have thousands of rows)
            top = np.argmax(block, axis=0)
            first = block[top, np.arange(k)]
            rest = block.copy()
            rest[top, np.arange(k)] = -np.inf
            other = np.broadcast_to(first, block.shape).copy()
            other[top, np.arange(k)] = rest.max(axis=0)
            margin[rows] = block - other
    cols = [rank, np.broadcast_to(count[actor][:, None].astype(float), (n, k)), n_over, margin,
            before]
    return np.ascontiguousarray(np.stack(cols, axis=2).reshape(n * k, len(REPEAT_COLUMNS)))


#: §18 (thirteenth session), optional second-stage columns saying whether the candidate's
#: sentence reports a discrete act placed at the article's time or something else — a recalled
#: act, a standing position, an argument, a hypothetical (docs/extraction.md, "Thirteenth
#: session"): counts in the sentence of present-perfect and pluperfect verb groups, habitual or
#: continuing markers ("repeatedly", "all the time", "from the start", "continues"), modals and
#: hedges ("would", "could", "appears to"), conditionals ("if", "unless"), past-placing time
#: expressions ("last year", "ago", "so far", "already", "in 2019") and present-placing ones
#: ("today", "on Tuesday", "this week"), past-simple act verbs not after an auxiliary ("met",
#: "said", "signed"), analysts' and former officials' nouns ("analyst", "political scientist",
#: "former", "critics"), first person and questions outside quotations, the author's own
#: voice (:func:`detente.extract.stance_model.is_own`); and the distance back from the
#: article's date to the earliest year and the nearest month the sentence names (−1: no such
#: expression, or no date). Fixed regular expressions and the header's date: nothing learned.
ACT_COLUMNS = ("act_perfect", "act_pluperfect", "act_habitual", "act_modal", "act_cond",
               "act_time_past", "act_time_now", "act_past_verb", "act_analyst", "act_first",
               "act_question", "act_own", "act_year_gap", "act_month_gap")
_PARTICIPLE = r"(?:\w+ly\s+)?(?:not\s+)?(?:been|\w+ed|\w+en|made|said|told|met|held|sent|sought|" \
    r"brought|kept|put|set|left|led|won|lost|begun|taken|given|shown|done|gone|had)\b"
_ACT_RX = {
    "act_perfect": re.compile(r"\b(?:has|have|[’']ve)\s+" + _PARTICIPLE, re.IGNORECASE),
    "act_pluperfect": re.compile(r"\b(?:had|[’']d)\s+" + _PARTICIPLE, re.IGNORECASE),
    "act_habitual": re.compile(
        r"\b(?:repeatedly|consistently|persistently|routinely|continu(?:e|es|ed|ing|ally)|"
        r"all the time|from the (?:start|outset|beginning)|always|still|time and again|"
        r"again and again|ever since|for (?:weeks|months|years|decades)|keeps?|kept|"
        r"no longer|long (?:been|sought|insisted|argued))\b", re.IGNORECASE),
    "act_modal": re.compile(
        r"\b(?:would|could|might|may|should|must|can|cannot|can[’']t|won[’']t|wouldn[’']t|"
        r"couldn[’']t|ought|appears? to|seems? to|likely|unlikely|perhaps|possibly|probably|"
        r"ready to|incentive)\b", re.IGNORECASE),
    "act_cond": re.compile(r"\b(?:if|unless|whether|provided that|in case|as long as)\b",
                           re.IGNORECASE),
    "act_time_past": re.compile(
        r"\b(?:last (?:year|month|week|spring|summer|autumn|fall|winter|January|February|"
        r"March|April|May|June|July|August|September|October|November|December)|"
        r"\d+ (?:days?|weeks?|months?|years?|decades?) ago|ago|earlier (?:this|last)|so far|"
        r"at the time|back in|previously|in the past|first time|already|once|formerly|then-|"
        r"in (?:19|20)\d\d|since)\b", re.IGNORECASE),
    "act_time_now": re.compile(
        r"\b(?:today|yesterday|tonight|this (?:week|morning|afternoon|evening)|"
        r"(?:on|late|early|last) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
        r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
        r"(?:January|February|March|April|May|June|July|August|September|October|November|"
        r"December) \d{1,2}\b)", re.IGNORECASE),
    "act_past_verb": re.compile(
        r"\b(?:said|met|held|signed|agreed|announced|told|called|spoke|visited|launched|"
        r"released|declared|proposed|offered|rejected|accepted|warned|urged|struck|attacked|"
        r"fired|invaded|withdrew|pledged|vowed|hosted|welcomed|discussed|talked|phoned|"
        r"confirmed|denied|demanded|refused|traveled|travelled|arrived|exchanged|freed)\b",
        re.IGNORECASE),
    "act_analyst": re.compile(
        r"\b(?:analysts?|experts?|professor|scholars?|political scientists?|columnists?|"
        r"commentators?|critics?|observers?|pundits?|former|ex-\w+|retired|think[- ]tank|"
        r"researchers?|historians?|economists?|journalists?|newspapers?|magazine|editorial|"
        r"op-ed|academics?|writers?)\b", re.IGNORECASE),
}
_AUXILIARY = re.compile(r"\b(?:has|have|had|[’']ve|[’']d|be|been|being|is|are|was|were|will|"
                        r"would|to)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_QUOTATION = re.compile(r"“[^”]{0,2000}”|\"[^\"\n]{0,2000}\"")
_FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e|[Oo]ur|us|[Mm]y|me)\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|"
                    r"November|December|May(?= \d))\b")


def act_sentence(sentence: str, date: dt.date | None) -> list[float]:
    """:data:`ACT_COLUMNS` of one sentence (``date``: the article's date, or None)."""
    from detente.extract.stance_model import is_own

    out = []
    for name, rx in _ACT_RX.items():
        if name == "act_past_verb":  # past simple: not after an auxiliary ("has met")
            out.append(float(sum(1 for m in rx.finditer(sentence)
                                 if not _AUXILIARY.search(sentence[max(0, m.start() - 30):
                                                                   m.start()]))))
        else:
            out.append(float(len(rx.findall(sentence))))
    outside = _QUOTATION.sub(" ", sentence)
    out += [float(len(_FIRST_PERSON.findall(outside))), float("?" in outside),
            float(is_own(sentence))]
    years = [int(y) for y in _YEAR.findall(sentence)]
    months = [_MONTHS.index(m.lower()) + 1 for m in _MONTH.findall(sentence)]
    year_gap = float(min(max(date.year - min(years), -1), 30)) if years and date else -1.0
    month_gap = (float(min((date.month - m) % 12 for m in months)) if months and date
                 else -1.0)
    return [*out, year_gap, month_gap]


def act_rows(article: Article, candidates: Sequence[Candidate]) -> np.ndarray:
    """:data:`ACT_COLUMNS` of every (candidate, kind) row of one article (row ``j * kinds +
    k``, as :func:`rerank_features`); one computation per sentence."""
    n, k = len(candidates), len(SIGNAL_KINDS)
    if n == 0:
        return np.zeros((0, len(ACT_COLUMNS)))
    seen: dict[tuple[int, int], list[float]] = {}
    for c in candidates:
        if (c.start, c.end) not in seen:
            seen[(c.start, c.end)] = act_sentence(article.body[c.start:c.end], article.date)
    rows = np.array([seen[(c.start, c.end)] for c in candidates])
    return np.repeat(rows, k, axis=0)


def is_argued(article: Article) -> bool:
    """§13's fixed argued-piece marker (:func:`detente.extract.candidates.article_kind`): no
    reporting verb in the body, or an opinion genre in the headline. Nothing learned."""
    from detente.extract.stance_model import KIND_FEATURES, kind_features

    # the lexicon serves only the cues' total, which is not asked for (scores given)
    kind = kind_features(article.body, article.title, None, {})  # type: ignore[arg-type]
    return bool(kind[KIND_FEATURES.index("reporting")] == 0
                or kind[KIND_FEATURES.index("title_genre")] > 0)


#: Rows scored at once by :meth:`TreeEnsemble.probability`.
_BLOCK = 4096


@dataclass(frozen=True)
class TreeEnsemble:
    """Additive regression trees in flat arrays: node ``i`` splits on ``feature[i]`` at
    ``threshold[i]`` (``x <= threshold`` goes ``left``), a leaf (``left[i] < 0``) holds
    ``value[i]``; ``roots`` index each tree's first node. Score = ``baseline`` + Σ leaves,
    probability = logistic(score)."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    baseline: float
    depth: int

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(signal | row) for each row of ``x`` (rows × :data:`COLUMNS`)."""
        if len(x) == 0 or len(self.roots) == 0:
            return np.full(len(x), 1.0 / (1.0 + np.exp(-self.baseline)))
        if len(x) > _BLOCK:  # rows × trees index arrays in blocks: bounded memory, and a
            # long article (350,000 rows) took 43 s in one piece, a few in blocks
            return np.concatenate([self.probability(x[i:i + _BLOCK])
                                   for i in range(0, len(x), _BLOCK)])
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            leaf = self.left[node] < 0
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        z = self.baseline + self.value[node].sum(axis=1)
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def fits(self, columns: int) -> bool:
        """Whether the arrays form trees over ``columns`` features (a damaged or foreign
        file does not)."""
        n = len(self.feature)
        same = all(len(a) == n for a in (self.threshold, self.left, self.right, self.value))
        if not same or n == 0:
            return same and len(self.roots) == 0
        inner = self.left >= 0
        return bool(np.isfinite(self.value).all() and np.isfinite(self.baseline)
                    and ((self.feature >= 0) & (self.feature < columns)).all()
                    and (self.left < n).all() and (self.right < n).all()
                    and (self.right[inner] >= 0).all()
                    and ((self.roots >= 0) & (self.roots < n)).all() and 0 <= self.depth <= 64)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays to store in a weights file under ``prefix``."""
        return {f"{prefix}feature": self.feature, f"{prefix}threshold": self.threshold,
                f"{prefix}left": self.left, f"{prefix}right": self.right,
                f"{prefix}value": self.value, f"{prefix}roots": self.roots,
                f"{prefix}scalars": np.array([self.baseline, self.depth], dtype=float)}

    @classmethod
    def from_arrays(cls, z: dict[str, np.ndarray], prefix: str) -> TreeEnsemble:
        """Inverse of :meth:`arrays`."""
        base, depth = (float(v) for v in z[f"{prefix}scalars"])
        return cls(np.asarray(z[f"{prefix}feature"], np.int64),
                   np.asarray(z[f"{prefix}threshold"], float),
                   np.asarray(z[f"{prefix}left"], np.int64),
                   np.asarray(z[f"{prefix}right"], np.int64),
                   np.asarray(z[f"{prefix}value"], float),
                   np.asarray(z[f"{prefix}roots"], np.int64), base, int(depth))
