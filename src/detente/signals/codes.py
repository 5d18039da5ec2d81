"""Code books shipped with the package: CAMEO 1.1b3 event codes, PLOVER categories, countries.

* ``data/cameo.csv`` — the 312 event codes of the CAMEO 1.1b3 codebook (Schrodt 2012, *CAMEO
  Conflict and Mediation Event Observations Event and Actor Codebook*, version 1.1b3) with their
  Goldstein (1992) scores, as distributed in the MIT-licensed ``icews`` R package
  (``cameo_codes``), joined to the official CAMEO→PLOVER conversion table
  (openeventdata/PLOVER ``CAMEO2PLOVER``, draft 0.8, 2021). GDELT's own ``CAMEO.eventcodes.txt``
  mislabels 106–108 (it calls 107 "Demand ceasefire"); the labels here are the codebook's.
* ``data/countries.csv`` — CAMEO/ISO 3166 alpha-3 country codes, the FIPS 10-4 codes GDELT uses
  in its geography fields (Ukraine ``UP``, Russia ``RS``), and the country names ICEWS uses.

Codes are always strings: ``"036"`` (express intent to meet or negotiate) is not ``36``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: The PLOVER event categories (Halterman et al. 2023, PLOVER manual) POLECAT uses.
PLOVER_TYPES: tuple[str, ...] = (
    "ACCUSE", "AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE", "DEFY",
    "MOBILIZE", "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION", "SUPPORT", "THREATEN",
)


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO 1.1b3 event code with its Goldstein score and PLOVER equivalent."""

    code: str
    label: str
    goldstein: float
    plover_type: str
    plover_mode: str
    plover_context: str


@dataclass(frozen=True)
class Country:
    """A country: CAMEO (ISO alpha-3) code, FIPS 10-4 code, name and other spellings."""

    cameo: str
    fips: str
    name: str
    aliases: tuple[str, ...]


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("detente.signals").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def cameo_codebook() -> dict[str, CameoCode]:
    """CAMEO 1.1b3 codes keyed by code string.

    >>> cameo_codebook()["036"].label
    'Express intent to meet or negotiate'
    >>> cameo_codebook()["107"].label
    'Demand settling of dispute'
    """
    return {
        r["code"]: CameoCode(r["code"], r["label"], float(r["goldstein"]), r["plover_type"],
                             r["plover_mode"], r["plover_context"])
        for r in _read("cameo.csv")
    }


@cache
def countries() -> tuple[Country, ...]:
    """The shipped country table."""
    return tuple(
        Country(r["cameo"], r["fips"], r["name"],
                tuple(a for a in r["aliases"].split("|") if a))
        for r in _read("countries.csv")
    )


@cache
def fips_to_cameo() -> dict[str, str]:
    """FIPS 10-4 country code (GDELT geography) → CAMEO code: ``{"UP": "UKR", "RS": "RUS"}``."""
    return {c.fips: c.cameo for c in countries()}


@cache
def name_to_cameo() -> dict[str, str]:
    """Country name as ICEWS writes it (and common variants) → CAMEO code."""
    out: dict[str, str] = {}
    for c in countries():
        out[c.name] = c.cameo
        for a in c.aliases:
            out[a] = c.cameo
    return out


def cameo_label(code: str) -> str:
    """The CAMEO 1.1b3 label of ``code``, or ``"unknown CAMEO code"``."""
    entry = cameo_codebook().get(code)
    return entry.label if entry else "unknown CAMEO code"
