"""Finding and loading the agreement data: PA-X v9, UCDP PAD v22.1, the PeaceRep actor file.

The data directory is ``--data DIR`` when given, else ``$DETENTE_AGREEMENTS`` when set, else
``../shared/data/agreements`` (relative to the working directory) when it exists. It holds
``pax_all_agreements_data_v9.csv`` (or another ``pax_all_agreements*.csv``), ``ucdp_pad*.csv``
and optionally ``peacerep_paax_actors_info*.csv``.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from detente.errors import DetenteError
from detente.formats._csvtext import csv_problem
from detente.formats.pax import PaxTable, read_pax
from detente.formats.ucdp_pad import PadTable, read_ucdp_pad
from detente.limits import read_text

SHARED = Path("../shared/data/agreements")
ENV = "DETENTE_AGREEMENTS"


@dataclass(frozen=True)
class ActorIndex:
    """Country codes: ISO 3166 alpha-3 → Gleditsch-Ward number, UCDP actor id, names."""

    gw: dict[str, int] = field(default_factory=dict)
    ucdp_id: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AgreementData:
    """The loaded tables and where they came from."""

    directory: str
    pax: PaxTable
    pad: PadTable
    actors: ActorIndex

    def inputs(self) -> list[str]:
        return [self.pax.source, self.pad.source]

    def digests(self) -> list[str]:
        return [self.pax.sha256, self.pad.sha256]


def default_data_dir() -> Path | None:
    """``$DETENTE_AGREEMENTS`` or ``../shared/data/agreements`` when present, else None."""
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    return SHARED if SHARED.is_dir() else None


def _one(directory: Path, patterns: tuple[str, ...], what: str) -> Path:
    for pattern in patterns:
        found = sorted(directory.glob(pattern))
        if found:
            return found[0]
    raise DetenteError.one(f"no {what} file in the agreement data directory", file=str(directory),
                           path="--data", allowed=" or ".join(patterns))


def resolve_dir(directory: str | Path | None) -> Path:
    """The data directory to use, or one clear error saying how to give one."""
    if directory is not None and not str(directory).strip():  # Path("") would be "."
        raise DetenteError.one("the agreement data directory is empty", path="--data",
                               value=str(directory),
                               allowed="a directory holding the PA-X and UCDP PAD CSV files")
    d = Path(directory) if directory is not None else default_data_dir()
    if d is None:
        raise DetenteError.one("no agreement data directory: pass --data DIR (or set "
                               f"${ENV}); ../shared/data/agreements does not exist here",
                               path="--data")
    if not d.is_dir():  # named by --data, or by the variable when --data is not given
        raise DetenteError.one("not a directory", file=str(d),
                               path="--data" if directory is not None else f"${ENV}",
                               allowed="a directory holding the PA-X and UCDP PAD CSV files")
    return d


def load_agreements(directory: str | Path | None = None, *,
                    empty_ok: bool = False) -> AgreementData:
    """Read PA-X, UCDP PAD and (when present) the PeaceRep actor file from a directory.

    Reads are cached per file path and modification time, so repeated queries in one process
    read each file once. A file without one usable row (a header only, or every row a
    problem) is an error naming it, unless ``empty_ok`` (``agreements check``, which reports
    the counts): a rate, prior or renewal share of nothing is no answer.
    """
    d = resolve_dir(directory)
    pax = _one(d, ("pax_all_agreements_data_v9.csv", "pax_all_agreements*.csv"), "PA-X")
    pad = _one(d, ("ucdp_pad*.csv",), "UCDP PAD")
    actors = sorted(d.glob("peacerep_paax_actors_info*.csv"))
    p, u = _read_pax(str(pax), pax.stat().st_mtime_ns), _read_pad(str(pad), pad.stat().st_mtime_ns)
    for table, what in ((p, "PA-X"), (u, "UCDP PAD")):
        if not empty_ok and len(table.line) == 0:
            first = f"; first problem: {table.problems[0]}" if table.problems else ""
            raise DetenteError.one(f"no usable {what} row ({table.rows_read:,} rows read, "
                                   f"{len(table.problems):,} problems){first}",
                                   file=table.source, allowed=f"the {what} CSV with its rows "
                                   "(see 'detente agreements check')")
    index = _actor_index(p, str(actors[0]) if actors else None)
    return AgreementData(directory=str(d), pax=p, pad=u, actors=index)


@lru_cache(maxsize=8)
def _read_pax(path: str, mtime: int) -> PaxTable:
    return read_pax(path)


@lru_cache(maxsize=8)
def _read_pad(path: str, mtime: int) -> PadTable:
    return read_ucdp_pad(path)


def _actor_rows(actor_file: str) -> list[dict[str, str]]:
    """The rows of the UCDP actor list; a file that is not UTF-8 CSV is one clear error."""
    text = read_text(actor_file, "agreements")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise csv_problem(exc, actor_file, reader.reader.line_num) from None
    # present but unusable (empty, a header only, another table): an error, not a silent
    # actor index without the file's codes
    missing = [c for c in ACTOR_COLUMNS if c not in (reader.fieldnames or [])]
    if missing or not rows:
        raise DetenteError.one(f"no column {', '.join(missing)}" if missing else "no rows",
                               file=actor_file, line=1,
                               allowed="the PeaceRep actor list (columns "
                                       f"{', '.join(ACTOR_COLUMNS)}, one row per actor), or no "
                                       "such file in the folder")
    return rows


ACTOR_COLUMNS = ("type", "actor", "iso3c", "gwn", "ucdp_id")
"""The columns of the PeaceRep actor list that are read."""


def _actor_index(pax: PaxTable, actor_file: str | None) -> ActorIndex:
    gw: dict[str, int] = {}
    for iso_col, gw_col in (("Loc1ISO", "Loc1GWNO"), ("Loc2ISO", "Loc2GWNO")):
        for iso, g in zip(pax.text[iso_col], pax.text[gw_col], strict=True):
            if re.fullmatch(r"[A-Z]{3}", iso.strip()) and g.strip().isdigit():
                gw.setdefault(iso.strip(), int(g))
    ucdp: dict[str, int] = {}
    names: dict[str, str] = {}
    if actor_file:
        for row in _actor_rows(actor_file):
            iso = (row.get("iso3c") or "").strip()
            if row.get("type") != "CON" or not re.fullmatch(r"[A-Z]{3}", iso):
                continue
            names.setdefault(iso, row.get("actor", ""))
            if _num(row.get("gwn")) is not None:
                gw.setdefault(iso, int(_num(row.get("gwn")) or 0))
            if _num(row.get("ucdp_id")) is not None:
                ucdp.setdefault(iso, int(_num(row.get("ucdp_id")) or 0))
    return ActorIndex(gw=gw, ucdp_id=ucdp, names=names)


def _num(cell: str | None) -> float | None:
    try:
        x = float(cell) if cell not in (None, "") else None
    except ValueError:
        return None
    return x if x is None or math.isfinite(x) else None  # int(inf) would raise


ROLES = ("signatory", "party")


def actor_mask(data: AgreementData, actor: str,
               role: str = "signatory") -> tuple[np.ndarray, np.ndarray, dict[str, object]]:
    """PAD agreements the actor signed: (mask, is_party, how the actor was identified).

    ``actor``: ISO 3166 alpha-3 code (RUS) or a Gleditsch-Ward number (365). The actor is a
    *party* to an agreement located in its state (PAD ``gwno``) or whose dyad names its
    government (``dyad_name``); a *signatory* when its UCDP id is among the agreement's actors
    (``actor_id``, which also lists third parties and witnesses). ``role="party"`` keeps only
    the first kind. The UCDP id is the PeaceRep actor file's ``ucdp_id`` or, failing that, the
    most frequent "Government of …" signatory of agreements located in the state.
    """
    if role not in ROLES:
        raise DetenteError.one("unknown role", path="role", value=role, allowed=", ".join(ROLES))
    iso, gw = _identify(data, actor)
    pad = data.pad
    located = np.array([str(gw) in _split(g) for g in pad.text["gwno"]], dtype=bool)
    uid = data.actors.ucdp_id.get(iso) or _government_id(pad, located)
    name = _ucdp_name(pad, uid) if uid is not None else None
    signed = np.array([uid is not None and str(uid) in _split(a)
                       for a in pad.text["actor_id"]], dtype=bool)
    in_dyad = np.array([name is not None and name in d for d in pad.text["dyad_name"]],
                       dtype=bool)
    party = located | in_dyad
    mask = party if role == "party" else party | signed
    return mask, party, {"actor": iso, "gwno": gw, "ucdp_actor_id": uid,
                         "ucdp_name": name, "role": role}


def _split(cell: str) -> list[str]:
    return [x.strip() for x in re.split(r",", cell)]


def _identify(data: AgreementData, actor: str) -> tuple[str, int]:
    code = actor.strip().upper()
    if code.isdigit():
        iso = next((k for k, v in data.actors.gw.items() if v == int(code)), code)
        return iso, int(code)
    if re.fullmatch(r"[A-Z]{3}", code):
        if code not in data.actors.gw:
            raise DetenteError.one("unknown country code (not in the PA-X locations or the "
                                   "PeaceRep actor file)", path="actor", value=actor,
                                   allowed="an ISO 3166 alpha-3 code, e.g. RUS, UKR, or a "
                                   "Gleditsch-Ward number")
        return code, data.actors.gw[code]
    raise DetenteError.one("not a country code", path="actor", value=actor,
                           allowed="an ISO 3166 alpha-3 code (RUS) or a Gleditsch-Ward "
                           "number (365)")


def _pairs(pad: PadTable, rows: np.ndarray | None = None) -> list[tuple[str, str]]:
    ids, names = pad.text["actor_id"], pad.text["actor_name"]
    if rows is not None:
        ids, names = ids[rows], names[rows]
    out: list[tuple[str, str]] = []
    for i, n in zip(ids, names, strict=True):
        a, b = _split(i), _split(n)
        if len(a) == len(b):  # names with commas inside cannot be aligned: skip the row
            out += list(zip(a, b, strict=True))
    return out


def _government_id(pad: PadTable, located: np.ndarray) -> int | None:
    counts: dict[int, int] = {}
    for i, n in _pairs(pad, located):
        if n.startswith("Government of") and i.isdigit():
            counts[int(i)] = counts.get(int(i), 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _ucdp_name(pad: PadTable, uid: int) -> str | None:
    counts: dict[str, int] = {}
    for i, n in _pairs(pad):
        if i == str(uid):
            counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
