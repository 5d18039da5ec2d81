"""Issue vocabularies for positions: the default one, or a scenario's issues (``--case``).

The default vocabulary is the one fixed by ``docs/extraction-evaluation.md`` and shared with
the bundled cases. With a case, each issue is recognised by its id, its name and its options'
ids and names, and a position is reported as the option named in the clause when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.scenario.model import Scenario

_DEFAULT = {
    "nato": r"\bNATO\b|\bneutral(?:ity)?\b|\bnon-aligned\b",
    "eu": r"\bEU membership\b|\bEuropean Union membership\b|"
          r"\bjoin(?:ing)? the (?:EU|European Union)",
    "guarantees": r"\bsecurity guarantees?\b|\bguarantor",
    "crimea": r"\bCrimea",
    "donbas": r"\bDonbas+\b|\bDonetsk\b|\bLuhansk\b|\bLugansk\b|"
              r"\bfour (?:Russia-claimed |illegally annexed )?regions\b",
    "south": r"\bKherson\b|\bZaporiz?h|\bZaporozh|\bfour (?:Russia-claimed |illegally "
             r"annexed )?regions\b",
    "territory": r"\bterritor(?:y|ies|ial)\b|\bfront ?lines?\b",
    "army": r"\bdemilitari[sz]|\barmed forces\b|\barmy\b|\btroop ceiling|\bforce cap",
    "language": r"\blanguage\b|\bbilingual",
    "sanctions": r"\bsanctions?\b",
    "accountability": r"\breparations?\b|\btribunal\b|\bwar crimes\b|\baccountab",
    "bases_wmd": r"\bforeign (?:military )?bases\b|\bweapons of mass destruction\b|\bWMDs?\b|"
                 r"\bnon-nuclear\b",
    "ceasefire": r"\bcease-?fire\b|\btruce\b",
    "talks": r"\bnegotiat\w*|\btalks\b|\bdialogue\b",
    "regime": r"\bregime change\b|\bnew president\b|\bgone from office\b",
}


@dataclass(frozen=True)
class IssueTerms:
    """How an issue is recognised in a clause, and its options' names."""

    pattern: re.Pattern[str]
    options: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def option_in(self, clause: str) -> str:
        """The option named in ``clause``, else the clause's first 80 characters."""
        for option, pattern in self.options.items():
            if pattern.search(clause):
                return option
        return " ".join(clause.split())[:80]


def any_issue(issues: dict[str, IssueTerms]) -> re.Pattern[str]:
    """One pattern that matches where any of ``issues`` is named (a quick first test)."""
    return re.compile("|".join(f"(?:{t.pattern.pattern})" for t in issues.values()),
                      re.IGNORECASE)


@cache
def default_issues() -> dict[str, IssueTerms]:
    """The default issue vocabulary."""
    return {k: IssueTerms(re.compile(p, re.IGNORECASE)) for k, p in _DEFAULT.items()}


def _words(text: str) -> str:
    return r"\b" + r"\W+".join(re.escape(w) for w in re.split(r"[\s_]+", text.strip()) if w)


def scenario_issues(scenario: Scenario) -> dict[str, IssueTerms]:
    """A case's issues: id, name and option labels; the default vocabulary's pattern is added
    for an issue whose id it knows (the bundled cases share those ids)."""
    out: dict[str, IssueTerms] = {}
    base = default_issues()
    for issue in scenario.issues:
        alternatives = [_words(issue.id), _words(issue.name)]
        if issue.id in base:
            alternatives.append(base[issue.id].pattern.pattern)
        options = {o.id: re.compile(_words(o.id.replace("_", " ")), re.IGNORECASE)
                   for o in issue.options or []}
        out[issue.id] = IssueTerms(re.compile("|".join(alternatives), re.IGNORECASE), options)
    return out
