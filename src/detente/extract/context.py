"""Discourse context for the rule extractor: background acts and senders named by role.

Two small rules that look past the clause a cue sits in (docs/extraction-evaluation.md §6.1):

* **Background.** A past act mentioned only as context for the article's news is not a signal
  of the article. A clause is background when it marks the act as old ("previously", "long
  ago", "years ago", "it is not the first time", "since the war began", "last year") or dates
  it before the article's episode: a year earlier than the article's year ("in 2022", "the 2022
  decree"), or a month named without a day earlier in the article's year ("In August, …" in a
  September article). Tense alone is not enough: "Russia had agreed to some concessions" is
  news. The cue follows the temporal frame of narrative discourse (Reichenbach 1947, *Elements
  of Symbolic Logic* §51: event time before reference time) without a parser.
* **The parties.** "The parties", "both sides", "the two countries" name the two actors the
  article mentions most (in a report on the talks, the belligerents): each is a sender.
* **Senders by role.** "The spokesman", "the Ukrainian president", "he" name no state by
  themselves; they refer back to the last actor named before them (the recency heuristic of
  pronoun resolution, Hobbs 1978, *Lingua* 44, simplified to the previous clause or sentence).

>>> import datetime as dt
>>> is_background("Zelensky previously decreed to ban negotiations.", dt.date(2025, 2, 5))
True
>>> is_background("In August, the two sides exchanged 115 POWs.", dt.date(2024, 9, 16))
True
>>> is_background("Russia had agreed to some concessions.", dt.date(2025, 11, 26))
False
>>> refers_by_role("the spokesman added")
True
>>> names_the_parties("The parties also agreed")
True
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise

_OLD = re.compile(
    r"(?<!the )\b(?:previously|long ago|years ago|last year|a year ago|"
    r"in the past(?!\s+(?:few|several|\w+ (?:days|weeks)))|"
    r"(?:is|was) not the first time|since the (?:war|invasion|conflict) (?:began|started)|"
    r"since the (?:start|beginning|outbreak) of the (?:war|invasion|conflict)|"
    # habitual aspect: a generalisation over many acts, not one reported act (Comrie 1976,
    # *Aspect* §1.2.1)
    r"periodic(?:al)?(?:ly)?|regularly|routinely|from time to time|on several occasions|"
    r"throughout the (?:war|conflict|invasion))\b",
    re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b(?!\s*[-–/]\s*\d)")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_ONLY = re.compile(r"\b(?:[Ii]n|[Ss]ince|[Ff]rom) ("
                         + "|".join(m.capitalize() for m in _MONTHS) + r")\b(?!\s+\d)")
_ROLE = re.compile(
    r"\b(?:the|his|her|its|their)\s+(?:\w+\s+){0,2}?(?:spokes(?:wo)?man|spokesperson|"
    r"president|leader|minister|ministry|envoy|delegation|side|official|aide|presidency|"
    r"government|administration|head|chief|negotiator)s?\b|"
    r"(?:^|[\s,“”\"])(?:he|she|they)\b", re.IGNORECASE)


# Where a clause's temporal frame can change: a subordinate clause or a second predicate.
_FRAME_CUT = re.compile(r",?\s+(?:since|after|before|when|while|as|which|who|and said|"
                        r"and added)\b|,\s+")


def background_spans(text: str, anchor: dt.date | None) -> list[tuple[int, int]]:
    """The parts of ``text`` (cut at subordinators and commas, see ``_FRAME_CUT``) that are
    background by :func:`is_background`; a part opening with a comma-set adverbial ("In
    August, …") carries its frame to the next part."""
    cuts = [0] + [m.start() for m in _FRAME_CUT.finditer(text)] + [len(text)]
    out: list[tuple[int, int]] = []
    carry = False
    for a, b in pairwise(cuts):
        if b <= a:
            continue
        part = text[a:b]
        old = is_background(part, anchor)
        if old or carry:
            out.append((a, b))
        carry = old and len(part.split()) <= 4  # "In August," frames what follows
    return out


_PARTIES = re.compile(r"\b(?:the|both) (?:two )?(?:parties|sides|countries|delegations)\b|"
                      r"\b(?:the two|both) leaders\b|\beach side\b", re.IGNORECASE)


def names_the_parties(text: str) -> bool:
    """Whether ``text`` names the two parties jointly ("the parties", "both sides")."""
    return bool(_PARTIES.search(text))


def is_background(clause: str, anchor: dt.date | None) -> bool:
    """Whether ``clause`` reports an act as old context rather than as the article's news."""
    if _OLD.search(clause):
        return True
    if anchor is None:
        return False
    if any(int(y) < anchor.year for y in _YEAR.findall(clause)):
        return True
    return any(_MONTHS.index(m.lower()) + 1 < anchor.month
               for m in _MONTH_ONLY.findall(clause))


def refers_by_role(text: str) -> bool:
    """Whether ``text`` names a sender only by role or pronoun ("the spokesman", "he said")."""
    return bool(_ROLE.search(text))
