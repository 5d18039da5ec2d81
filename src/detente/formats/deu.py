"""DEU III: decisions of the European Union, issue by issue (tab-separated, quoted strings).

Arregui, J. & Perarnaud, C. (2021), "A new dataset on legislative decision-making in the
European Union: the DEU III dataset", *Journal of European Public Policy*; data
doi:10.34810/data53, CC BY 4.0.

Row 1 is the header, row 2 an added GDP row (USD trillions per actor; blank for the first 13
columns), then one row per issue. Positions ``p<actor>`` and saliences ``s<actor>`` are on
0–100 for the Commission (``com``), the Parliament (``ep``) and 28 member states; blank = no
position. ``rp`` is the reference point and ``out`` the decision outcome (both 0–100, either
may be blank). The year is read from the proposal id (``d00060`` → 2000), as the date columns
are partly corrupted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError, Problem
from detente.formats._csvtext import read_rows
from detente.limits import NUMBER_ALLOWED, odd_number

log = logging.getLogger(__name__)

#: Actor codes in column order: Commission, Parliament, then the member states.
ACTORS: tuple[str, ...] = (
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu",
    "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk")
#: Salience assumed when a position is given without one (the scale's midpoint).
DEFAULT_SALIENCE = 50.0
REQUIRED = ("prnr", "isnr", "proc", "counvte", "rp", "out")
#: Other columns of the DEU III layout (read or deliberately ignored); anything else is named
#: in a warning with its line and column.
OPTIONAL = ("prnrnmc", "isnrnmc", "prname", "type", "council", "proccde", "issues", "intro",
            "finact")


@dataclass(frozen=True)
class DeuIssue:
    """One controversial issue of one legislative proposal.

    ``actors`` lists the codes with a position; ``position`` and ``salience`` (0–100) follow
    that order. ``reference`` and ``outcome`` are None when blank.
    """

    proposal: str
    issue: str
    name: str
    year: int
    procedure: str
    voting: str
    kind: str
    actors: tuple[str, ...]
    position: NDArray[np.float64]
    salience: NDArray[np.float64]
    reference: float | None
    outcome: float | None
    line: int


@dataclass(frozen=True)
class DeuData:
    """All issues of a DEU file and the file's GDP row (actor code → USD trillions)."""

    issues: tuple[DeuIssue, ...]
    gdp: dict[str, float]
    source: str
    warnings: tuple[str, ...] = ()


def _num(cell: str, file: str, line: int, column: int, field: str,
         lo: float = 0.0, hi: float = 100.0) -> float | None:
    cell = cell.strip().strip('"')
    if cell == "":
        return None
    try:
        v = float(cell)
    except ValueError:
        raise DetenteError.one(f"{field} is not a number", file=file, line=line, column=column,
                               value=cell, allowed=f"a number from {lo:g} to {hi:g} or blank"
                               ) from None
    if why := odd_number(cell):
        raise DetenteError.one(f"{field} is not written as a decimal number: {why}", file=file,
                               line=line, column=column, value=cell,
                               allowed=f"{NUMBER_ALLOWED}; from {lo:g} to {hi:g} or blank")
    if not lo <= v <= hi:
        raise DetenteError.one(f"{field} out of range", file=file, line=line, column=column,
                               value=v, allowed=f"{lo:g} to {hi:g}")
    return v


def year_of(proposal: str) -> int:
    """The year a proposal was introduced, from the two digits after its letter."""
    yy = int(proposal[1:3])
    return 1900 + yy if yy >= 50 else 2000 + yy


def read_deu(path: str | Path) -> DeuData:
    """Read a DEU III tab-separated file into :class:`DeuData`; errors name line and column."""
    file = str(path)
    rows = read_rows(path, delimiter="\t")
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) < 3:
        raise DetenteError.one("a DEU file needs a header, the GDP row and issue rows",
                               file=file, value=len(rows))
    header = [h.strip('"') for h in rows[0]]
    col = {h: j for j, h in enumerate(header)}
    missing = [h for h in REQUIRED + tuple(f"p{a}" for a in ACTORS)
               + tuple(f"s{a}" for a in ACTORS) if h not in col]
    if missing:
        raise DetenteError.one("unknown header layout: DEU columns missing", file=file, line=1,
                               value=missing[:6], allowed="the DEU III columns prnr, isnr, "
                               "proc, counvte, pcom … puk, scom … suk, rp, out")
    known = set(REQUIRED + OPTIONAL) | {f"{x}{a}" for x in "ps" for a in ACTORS}
    warnings = tuple(f"{file}:1:{j + 1}: unknown column '{h}' ignored (not a DEU III column)"
                     for j, h in enumerate(header) if h not in known)
    for w in warnings:
        log.info(w)
    gdp_row = rows[1]
    if len(gdp_row) != len(header):  # a short GDP row silently lost the countries past its end
        raise DetenteError.one("ragged GDP row: wrong number of fields", file=file, line=2,
                               value=len(gdp_row), allowed=f"{len(header)} fields as in the "
                               "header")
    gdp = {}
    for a in ACTORS:
        j = col[f"p{a}"]
        v = _num(gdp_row[j], file, 2, j + 1, "GDP", 0.0, 1e6) if j < len(gdp_row) else None
        if v is not None:
            gdp[a] = v
    issues = []
    problems: list[Problem] = []
    for line, row in enumerate(rows[2:], start=3):
        if not any(row):
            continue
        if len(row) != len(header):
            problems.append(Problem("ragged row: wrong number of fields", file=file, line=line,
                                    column=min(len(row), len(header)) + 1, value=len(row),
                                    allowed=f"{len(header)} fields as in the header"))
            continue
        try:
            issues.append(_issue(row, col, file, line))
        except DetenteError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DetenteError(problems)
    return DeuData(tuple(issues), gdp, file, warnings)


def _issue(row: list[str], col: dict[str, int], file: str, line: int) -> DeuIssue:
    def text(name: str) -> str:
        return row[col[name]].strip().strip('"')

    proposal = text("prnr")
    if len(proposal) < 3 or not proposal[1:3].isdigit():
        raise DetenteError.one("proposal id must be a letter and two year digits",
                               file=file, line=line, column=col["prnr"] + 1, value=proposal)
    codes, pos, sal = [], [], []
    for a in ACTORS:
        jp, js = col[f"p{a}"], col[f"s{a}"]
        p = _num(row[jp], file, line, jp + 1, f"position of {a}")
        if p is None:
            continue
        s = _num(row[js], file, line, js + 1, f"salience of {a}")
        if s is None:
            log.info("%s:%d: %s has a position but no salience; using %g", file, line, a,
                     DEFAULT_SALIENCE)
            s = DEFAULT_SALIENCE
        codes.append(a)
        pos.append(p)
        sal.append(s)
    return DeuIssue(
        proposal=proposal, issue=text("isnr"),
        name=text("prname") if "prname" in col else "", year=year_of(proposal),
        procedure=text("proc"), voting=text("counvte"),
        kind=text("type") if "type" in col else "", actors=tuple(codes),
        position=np.array(pos, dtype=float), salience=np.array(sal, dtype=float),
        reference=_num(row[col["rp"]], file, line, col["rp"] + 1, "reference point"),
        outcome=_num(row[col["out"]], file, line, col["out"] + 1, "outcome"), line=line)
