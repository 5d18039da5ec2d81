"""Capability of EU legislative actors by treaty era, for forecasting DEU issues.

The literature on DEU data (Thomson et al. 2006; Arregui & Perarnaud 2021) weights member
states by their Council votes under qualified majority, era by era, and gives the Commission
and the Parliament the largest member state's weight; the alternative is equal capability.

- pre-Nice (proposals up to 2002): Council votes of the Treaty of Amsterdam, EU-15.
- Nice (2003–2010): Council votes of the Treaty of Nice (Art. 3 of the Protocol on
  enlargement as amended by the accession treaties), EU-27 plus Croatia's 7.
- population (2011 on): the Lisbon double majority counts population; weights are populations
  on 1 January 2013 in millions (Eurostat, rounded).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError

PRE_NICE: dict[str, float] = {
    "de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "nl": 5, "be": 5, "el": 5, "pt": 5,
    "se": 4, "at": 4, "dk": 3, "fi": 3, "ie": 3, "lu": 2}
NICE: dict[str, float] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13, "be": 12,
    "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10, "dk": 7,
    "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
    "lu": 4, "si": 4, "mt": 3}
POPULATION_2013: dict[str, float] = {
    "de": 80.5, "fr": 65.6, "uk": 63.9, "it": 59.7, "es": 46.7, "pl": 38.5, "ro": 20.0,
    "nl": 16.8, "be": 11.2, "el": 11.1, "cz": 10.5, "pt": 10.5, "hu": 9.9, "se": 9.6,
    "at": 8.5, "bu": 7.3, "dk": 5.6, "fi": 5.4, "sk": 5.4, "ie": 4.6, "cr": 4.3, "lt": 3.0,
    "si": 2.1, "lv": 2.0, "ee": 1.3, "cy": 0.87, "lu": 0.54, "mt": 0.42}
INSTITUTIONS = ("com", "ep")
RULES = ("era", "equal", "gdp")


def era_of(year: int) -> str:
    """``"pre-Nice"`` up to 2002, ``"Nice"`` 2003–2010, ``"population"`` from 2011."""
    if year <= 2002:
        return "pre-Nice"
    return "Nice" if year <= 2010 else "population"


def capability(actors: tuple[str, ...], year: int, rule: str = "era",
               gdp: dict[str, float] | None = None) -> NDArray[np.float64]:
    """Capability of each actor code for a proposal of ``year`` under ``rule``.

    ``"era"``: Council votes (or population) of the era, institutions at the largest state's
    weight; a state without a weight in that era falls back to the next era's table.
    ``"equal"``: all ones. ``"gdp"``: the file's GDP row.

    >>> capability(("com", "de", "lu"), 1999).tolist()
    [10.0, 10.0, 2.0]
    """
    if rule not in RULES:
        raise DetenteError.one("unknown capability rule", path="capability", value=rule,
                               allowed=", ".join(RULES))
    if rule == "equal":
        return np.ones(len(actors))
    if rule == "gdp":
        if not gdp:
            raise DetenteError.one("the DEU file has no GDP row", path="capability",
                                   value=rule, allowed="era, equal")
        missing = [a for a in actors if a not in gdp]
        if missing:
            raise DetenteError.one("no GDP for some actors", path="capability", value=missing)
        return np.array([gdp[a] for a in actors], dtype=float)
    era = era_of(year)
    chain = {"pre-Nice": (PRE_NICE, NICE), "Nice": (NICE, POPULATION_2013),
             "population": (POPULATION_2013,)}[era]
    main = chain[0]
    top = max(main.values())
    out = []
    for a in actors:
        if a in INSTITUTIONS:
            out.append(top)
            continue
        for table in chain:
            if a in table:
                out.append(table[a] * (1.0 if table is main else top / max(table.values())))
                break
        else:
            raise DetenteError.one("unknown DEU actor code", value=a)
    return np.array(out, dtype=float)
