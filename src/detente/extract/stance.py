"""The stance of an article as a whole, from weighted cues (``data/stance.csv``).

Each cue adds its weight to its stance (a cue in the title counts three times). An article
whose evaluative weight is small against its reporting verbs ("said", "told reporters",
"according to") is a ``neutral_report``; otherwise the heaviest stance wins, ties going to the
more cautious reading (skeptical, then anti_concession, then pro_negotiation).
"""

from __future__ import annotations

import re

from detente.extract.lexicon import Lexicon

_REPORTING = re.compile(r"\b(?:said|says|told|according to|reported|reports|added|noted|"
                        r"announced|confirmed|stated)\b", re.IGNORECASE)
_ORDER = ("skeptical", "anti_concession", "pro_negotiation")


def stance_scores(body: str, title: str | None, lex: Lexicon) -> dict[str, float]:
    """Weighted cue totals per stance (a cue in the title counts three times)."""
    scores = dict.fromkeys(_ORDER, 0.0)
    pattern = lex.stance_all
    for text, factor in ((body, 1.0), (title or "", 3.0)):
        for m in pattern.finditer(text):
            stance, weight, _ = lex.stance[int(str(m.lastgroup)[1:])]
            scores[stance] += factor * weight
    return scores


def classify_stance(body: str, title: str | None, lex: Lexicon) -> str:
    """One of pro_negotiation, skeptical, anti_concession, neutral_report."""
    scores = stance_scores(body, title, lex)
    evaluative = sum(scores.values())
    reporting = len(_REPORTING.findall(body))
    if evaluative < 2 or evaluative < 0.5 * reporting:
        return "neutral_report"
    return max(_ORDER, key=lambda s: (scores[s], -_ORDER.index(s)))
