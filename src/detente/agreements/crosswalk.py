"""The crosswalk: detente's issues and commitment kinds → PA-X v9 codes and UCDP PAD flags.

The table lives in ``detente/agreements/data/crosswalk.yaml`` and is documented, code by code,
with its sources in ``docs/agreements.md``. Loading checks every code against the reader's
column lists, so a crosswalk that names a column the data do not have fails at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import yaml

from detente.errors import DetenteError
from detente.formats.pax import PROVISIONS, PaxTable
from detente.formats.ucdp_pad import FLAGS, PadTable

ISSUES: tuple[str, ...] = ("neutrality", "guarantees", "territory", "ceasefire", "sanctions",
                           "amnesty_prisoners", "accountability", "army_limits", "language")
KINDS: tuple[str, ...] = ("ceasefire", "truce", "corridor", "prisoner_exchange", "withdrawal",
                          "talks", "other")
#: Derived PAD pseudo-flag: a third party signed or witnessed the agreement (pa_3rd not blank).
THIRD_PARTY = "third_party"
FITS = ("direct", "proxy", "none")


@dataclass(frozen=True)
class IssueCodes:
    """How one detente issue is read in PA-X and UCDP PAD."""

    issue: str
    label: str
    fit: str
    pax: tuple[str, ...]
    pad: tuple[str, ...]
    note: str
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class KindCodes:
    """Which PAD agreements count as a commitment of one kind."""

    kind: str
    fit: str
    pad: tuple[str, ...]
    pad_type: tuple[int, ...]
    note: str


@dataclass(frozen=True)
class Crosswalk:
    issues: dict[str, IssueCodes]
    kinds: dict[str, KindCodes]
    sources: dict[str, str]


def _check_codes(name: str, pax: list[str], pad: list[str]) -> None:
    bad = [c for c in pax if c not in PROVISIONS] + [
        f for f in pad if f not in FLAGS and f != THIRD_PARTY]
    if bad:
        raise DetenteError.one("crosswalk names columns the data do not have",
                               file="detente/agreements/data/crosswalk.yaml", path=name,
                               value=bad, allowed="PA-X v9 provision columns, PAD v22.1 flags")


@cache
def load_crosswalk() -> Crosswalk:
    """The bundled crosswalk, checked against the PA-X v9 and PAD v22.1 column lists."""
    text = resources.files("detente.agreements").joinpath("data/crosswalk.yaml").read_text(
        encoding="utf-8")
    doc = yaml.safe_load(text)
    issues = {}
    for name in ISSUES:
        d = doc["issues"][name]
        related = {k: tuple(v) for k, v in (d.get("related") or {}).items()}
        _check_codes(f"issues.{name}", d["pax"] + list(related.get("pax", ())),
                     d["pad"] + list(related.get("pad", ())))
        issues[name] = IssueCodes(issue=name, label=d["label"], fit=d["fit"], pax=tuple(d["pax"]),
                                  pad=tuple(d["pad"]), note=" ".join(str(d["note"]).split()),
                                  related=related)
    kinds = {}
    for name in KINDS:
        d = doc["kinds"][name]
        _check_codes(f"kinds.{name}", [], d.get("pad", []))
        kinds[name] = KindCodes(kind=name, fit=d["fit"], pad=tuple(d.get("pad", ())),
                                pad_type=tuple(d.get("pad_type", ())),
                                note=" ".join(str(d.get("note", "")).split()))
    return Crosswalk(issues=issues, kinds=kinds,
                     sources={k: " ".join(v.split()) for k, v in doc["sources"].items()})


def issue_codes(issue: str) -> IssueCodes:
    """The crosswalk entry of ``issue``; a clear error for an unknown or uncoded issue."""
    cw = load_crosswalk()
    if issue not in cw.issues:
        raise DetenteError.one("unknown issue", path="issue", value=issue,
                               allowed=", ".join(ISSUES))
    return cw.issues[issue]


def pad_flag(pad: PadTable, name: str) -> np.ndarray:
    """A PAD 0/1 column as bool, including the derived ``third_party`` flag."""
    if name == THIRD_PARTY:
        return np.array([bool(s.strip()) for s in pad.text["pa_3rd"]], dtype=bool)
    return pad.flag(name) == 1


def pax_has(pax: PaxTable, codes: tuple[str, ...], min_level: int = 1) -> np.ndarray:
    """Agreements (bool) where any of ``codes`` is at least ``min_level`` (1-3)."""
    if not codes:
        raise DetenteError.one("no PA-X code for this selection", value=codes)
    idx = [PROVISIONS.index(c) for c in codes if c in PROVISIONS]
    if len(idx) != len(codes):
        raise DetenteError.one("not a PA-X v9 provision column", value=codes,
                               allowed="PA-X v9 provision columns, e.g. Ce, SsrGua")
    return np.asarray((pax.provisions[:, idx] >= min_level).any(axis=1), dtype=bool)


def pad_has(pad: PadTable, flags: tuple[str, ...]) -> np.ndarray:
    """Agreements (bool) where any of ``flags`` is 1."""
    if not flags:
        raise DetenteError.one("no UCDP PAD flag for this selection", value=flags)
    return np.logical_or.reduce([pad_flag(pad, f) for f in flags])


def kind_mask(pad: PadTable, kind: str) -> np.ndarray | None:
    """PAD agreements of commitment ``kind``; None when PAD does not code the kind."""
    cw = load_crosswalk()
    if kind not in cw.kinds:
        raise DetenteError.one("unknown commitment kind", path="kind", value=kind,
                               allowed=", ".join(KINDS))
    k = cw.kinds[kind]
    if k.pad:
        return pad_has(pad, k.pad)
    if k.pad_type:
        return np.isin(pad.codes["pa_type"], np.array(k.pad_type))
    return None
