"""The rule extractor's documented lists, shipped as CSV files in ``detente/extract/data``.

- ``actors.csv`` — the actor codes and names an extraction may use (states, blocs, regions).
- ``gazetteer.csv`` — surface forms (names, capitals, people, institutions, demonyms) → code.
- ``ignore.csv`` — longer names that contain an actor's name but are not the actor (outlets,
  historical labels: "Washington Post", "World War II").
- ``cues.csv`` — regular expressions per signal kind (case-insensitive), tied to the indicator
  ladder of ``docs/signals.md``.
- ``statement_cues.csv`` — speech verbs and negotiation topics; a ``statement`` signal needs both.
- ``stance.csv`` — weighted stance cues for the article as a whole.

The verb and noun families of :mod:`detente.extract.cameo` (CAMEO event categories) are joined
to the cues of their kind and to the speech verbs.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from detente.extract.cameo import cue_patterns, speech_pattern, topic_pattern


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("detente.extract").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class Lexicon:
    """All lists the rule extractor uses, loaded once."""

    names: dict[str, str]
    gazetteer: tuple[tuple[str, str, str], ...]
    ignore: tuple[str, ...]
    cues: tuple[tuple[str, re.Pattern[str]], ...]
    speech: re.Pattern[str]
    #: The verbs of the speech family only (a clause framed by one reports what was said).
    reported: re.Pattern[str]
    topic: re.Pattern[str]
    stance: tuple[tuple[str, float, re.Pattern[str]], ...]
    #: All stance cues as one alternation; group ``g<i>`` is cue ``i`` (one scan of a text).
    stance_all: re.Pattern[str]


@cache
def lexicon() -> Lexicon:
    """The shipped lists (cached)."""
    names = {r["code"]: r["name"] for r in _rows("actors.csv")}
    gaz = tuple((r["pattern"], r["code"], r["kind"]) for r in _rows("gazetteer.csv"))
    unknown = sorted({code for _, code, _ in gaz} - set(names))
    if unknown:  # pragma: no cover - a packaging error, caught by the tests
        raise RuntimeError(f"gazetteer codes missing from actors.csv: {unknown}")
    by_kind: dict[str, list[str]] = {}
    for r in _rows("cues.csv"):
        re.compile(r["pattern"])  # each cue must compile on its own
        by_kind.setdefault(r["kind"], []).append(f"(?:{r['pattern']})")
    for kind, patterns in cue_patterns().items():
        by_kind.setdefault(kind, []).extend(f"(?:{p})" for p in patterns)
    # One alternation per kind: a sentence is scanned once per kind, not once per cue.
    cues = tuple((kind, re.compile("|".join(parts), re.IGNORECASE))
                 for kind, parts in by_kind.items())
    roles = {r["role"]: re.compile(r["pattern"], re.IGNORECASE)
             for r in _rows("statement_cues.csv")}
    speech = "|".join(p for p in (roles["speech"].pattern, speech_pattern()) if p)
    roles["speech"] = re.compile(speech, re.IGNORECASE)
    topic = "|".join(p for p in (roles["topic"].pattern, topic_pattern()) if p)
    roles["topic"] = re.compile(topic, re.IGNORECASE)
    stance = tuple((r["stance"], float(r["weight"]), re.compile(r["pattern"], re.IGNORECASE))
                   for r in _rows("stance.csv"))
    stance_all = re.compile("|".join(f"(?P<g{i}>{p.pattern})"
                                     for i, (_, _, p) in enumerate(stance)), re.IGNORECASE)
    return Lexicon(names=names, gazetteer=gaz, stance_all=stance_all,
                   ignore=tuple(r["pattern"] for r in _rows("ignore.csv")),
                   cues=cues, speech=roles["speech"],
                   reported=re.compile(speech_pattern(verbs_only=True) or "(?!)", re.IGNORECASE),
                   topic=roles["topic"], stance=stance)
