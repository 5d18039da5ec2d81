"""Base rates from agreement data, with counts and intervals.

- :func:`provision_rates`: share of PA-X agreements that include an issue, overall or by stage,
  conflict type or agreement type.
- :func:`renewal_rates`: share of agreements followed by renewed war within h years, for
  agreements with and without an issue (PAD flags, or PA-X codes on PA-X agreements linked to
  PAD), overall or by group, and the with − without difference (Newcombe 1998 interval).
- :func:`guarantee_effect`: the same for third-party guarantees, the war model's prior.

Every rate is k of n with a Wilson (1927) or Jeffreys interval (:mod:`.intervals`).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.agreements.crosswalk import THIRD_PARTY, issue_codes, pad_flag, pad_has, pax_has
from detente.agreements.data import AgreementData
from detente.agreements.intervals import interval, newcombe_difference
from detente.agreements.outcomes import FOLLOW_UP_END, HELD, RENEWED, outcome_counts, renewal
from detente.errors import DetenteError
from detente.formats.pax import STAGES

PAX_GROUPS = {"stage": "stage", "conflict_type": "conflict_type",
              "agreement_type": "agreement_type"}
PAD_GROUPS = {"incompatibility": {1: "territory", 2: "government", 3: "both"},
              "pa_type": {1: "full", 2: "partial", 3: "peace process"}}
GUARANTEES = ("pko", THIRD_PARTY, "pax")


class Rate(BaseModel):
    """k of n with an interval; ``group`` names the subset."""

    model_config = ConfigDict(frozen=True)
    group: str
    k: int
    n: int
    rate: float | None
    low: float
    high: float


class Difference(BaseModel):
    """p(with) − p(without) and its Newcombe (1998, method 10) interval."""

    model_config = ConfigDict(frozen=True)
    group: str
    difference: float | None
    low: float | None
    high: float | None


def _rates(labels: np.ndarray, hit: np.ndarray, level: float, method: str,
           order: list[str] | None = None) -> list[Rate]:
    """Vectorised k/n per label (bincount over the label codes)."""
    names, inv = np.unique(labels.astype(str), return_inverse=True)
    k = np.bincount(inv, weights=hit.astype(float), minlength=names.size).astype(int)
    n = np.bincount(inv, minlength=names.size)
    lo, hi = interval(k, n, level, method)
    rows = {str(g): Rate(group=str(g), k=int(a), n=int(b), rate=float(a / b) if b else None,
                         low=float(x), high=float(y))
            for g, a, b, x, y in zip(names, k, n, lo, hi, strict=True)}
    keys = [g for g in (order or []) if g in rows] + sorted(set(rows) - set(order or []))
    return [rows[g] for g in keys]


def provision_rates(data: AgreementData, issue: str, by: str | None = None, *,
                    min_level: int = 1, level: float = 0.95,
                    method: str = "wilson") -> list[Rate]:
    """Share of PA-X agreements with ``issue`` (crosswalk rule at ``min_level``), overall
    (group "all") and, when ``by`` is given, per stage / conflict_type / agreement_type."""
    codes = _issue(issue, "pax")
    has = pax_has(data.pax, codes, min_level)
    out = _rates(np.full(len(data.pax), "all"), has, level, method)
    if by is not None:
        if by not in PAX_GROUPS:
            raise DetenteError.one("cannot group PA-X rates by this", path="--by", value=by,
                                   allowed=", ".join(PAX_GROUPS))
        labels = getattr(data.pax, PAX_GROUPS[by])
        out += _rates(labels, has, level, method, order=list(STAGES))
    return out


def _issue(issue: str, source: str) -> tuple[str, ...]:
    ic = issue_codes(issue)
    codes = ic.pax if source == "pax" else ic.pad
    if not codes:
        raise DetenteError.one(f"{'PA-X' if source == 'pax' else 'UCDP PAD'} does not code "
                               f"this issue ({ic.note})", path="issue", value=issue,
                               allowed="an issue the crosswalk maps (docs/agreements.md)")
    return codes


def linked_pad(data: AgreementData, codes: tuple[str, ...], min_level: int) -> np.ndarray:
    """Per PAD agreement: 1 when a linked PA-X agreement has any of ``codes``, 0 when linked
    ones do not, -1 when no PA-X agreement links to it (via PA-X ``UcdpAgr``)."""
    has = pax_has(data.pax, codes, min_level)
    link = data.pax.ucdp_paid
    ok = link >= 0
    out = np.full(len(data.pad), -1, dtype=np.int8)
    pos = {int(p): i for i, p in enumerate(data.pad.paid)}
    idx = np.array([pos.get(int(p), -1) for p in link[ok]], dtype=np.int64)
    good = idx >= 0
    out[idx[good]] = 0
    np.maximum.at(out, idx[good], has[ok][good].astype(np.int8))
    return out


class RenewalRates(BaseModel):
    """Renewed-war rates with and without an issue, and their difference."""

    model_config = ConfigDict(frozen=True)
    issue: str
    source: str
    rule: str
    horizon_years: float
    follow_up_end: str
    with_issue: list[Rate]
    without_issue: list[Rate]
    difference: list[Difference]
    outcomes: dict[str, int]
    unlinked: int


def renewal_rates(data: AgreementData, issue: str, *, source: str = "pad",
                  by: str | None = None, horizon_years: float = 2.0, min_level: int = 1,
                  level: float = 0.95, method: str = "wilson",
                  follow_up_end: str = FOLLOW_UP_END) -> RenewalRates:
    """How often agreements with (and without) ``issue`` were followed by renewed war within
    ``horizon_years`` (docs/agreements.md, "Renewed war"). ``source`` "pad" reads the issue
    from PAD flags; "pax" from the PA-X codes of PA-X agreements linked to PAD."""
    status = renewal(data.pad, horizon_years, follow_up_end)
    if source == "pad":
        codes = _issue(issue, "pad")
        has, linked, rule = pad_has(data.pad, codes), np.ones(len(data.pad), bool), \
            f"PAD {' or '.join(codes)} = 1"
    elif source == "pax":
        codes = _issue(issue, "pax")
        lk = linked_pad(data, codes, min_level)
        has, linked = lk == 1, lk >= 0
        rule = f"PA-X {' or '.join(codes)} >= {min_level} on PA-X agreements linked to PAD"
    else:
        raise DetenteError.one("unknown source", path="--source", value=source,
                               allowed="pad, pax")
    return _renewal(data, issue, source, rule, status, has, linked, by, horizon_years,
                    level, method, follow_up_end)


def _groups(data: AgreementData, by: str | None, source: str) -> np.ndarray:
    if by is None:
        return np.full(len(data.pad), "all", dtype=object)
    if by in PAD_GROUPS:
        names = PAD_GROUPS[by]
        return np.array([names.get(int(c), str(c)) for c in data.pad.codes[by]], dtype=object)
    if by in PAX_GROUPS and source == "pax":
        return linked_label(data, getattr(data.pax, PAX_GROUPS[by]))
    allowed = list(PAD_GROUPS) + ([*PAX_GROUPS] if source == "pax" else [])
    raise DetenteError.one("cannot group renewal rates by this"
                           + ("" if source == "pax" else " (PA-X groups need --source pax)"),
                           path="--by", value=by, allowed=", ".join(allowed))


def linked_label(data: AgreementData, labels: np.ndarray) -> np.ndarray:
    """Per PAD agreement, the label of the earliest-signed PA-X agreement linked to it ("-"
    when none is)."""
    out = np.full(len(data.pad), "-", dtype=object)
    pos = {int(p): i for i, p in enumerate(data.pad.paid)}
    for j in np.argsort(data.pax.date, kind="stable")[::-1]:  # earliest written last
        i = pos.get(int(data.pax.ucdp_paid[j]), -1)
        if i >= 0:
            out[i] = labels[j]
    return out


def _renewal(data: AgreementData, issue: str, source: str, rule: str, status: np.ndarray,
             has: np.ndarray, linked: np.ndarray, by: str | None, horizon_years: float,
             level: float, method: str, follow_up_end: str) -> RenewalRates:
    resolved = ((status == HELD) | (status == RENEWED)) & linked
    renewed = status == RENEWED
    groups = _groups(data, by, source)
    sets = []
    for sel in (has, ~has):
        m = resolved & sel
        sets.append(_rates(np.r_[np.full(int(m.sum()), "all"), groups[m]],
                           np.r_[renewed[m], renewed[m]], level, method,
                           order=["all", *STAGES])
                    if by else _rates(groups[m], renewed[m], level, method))
    with_, without = sets
    wo = {r.group: r for r in without}
    diffs = []
    for r in with_:
        o = wo.get(r.group)
        if o is None or r.n == 0 or o.n == 0:
            diffs.append(Difference(group=r.group, difference=None, low=None, high=None))
            continue
        d, lo, hi = newcombe_difference(r.k, r.n, o.k, o.n, level)
        diffs.append(Difference(group=r.group, difference=float(d), low=float(lo),
                                high=float(hi)))
    return RenewalRates(issue=issue, source=source, rule=rule, horizon_years=horizon_years,
                        follow_up_end=follow_up_end, with_issue=with_, without_issue=without,
                        difference=diffs, outcomes=outcome_counts(status, linked),
                        unlinked=int((~linked).sum()))


def guarantee_effect(data: AgreementData, definition: str = "pko", *,
                     horizon_years: float = 2.0, level: float = 0.95,
                     follow_up_end: str = FOLLOW_UP_END) -> RenewalRates:
    """Renewed war within ``horizon_years`` after agreements with vs without a third-party
    guarantee — the base rate behind the war model's guarantee (Walter 2002; Fortna 2004).

    ``definition``: "pko" (PAD: a peacekeeping operation deployed), "third_party" (PAD: a third
    party signed or witnessed, ``pa_3rd`` not blank), or "pax" (PA-X SsrGua/ImPK/ImE on PA-X
    agreements linked to PAD).
    """
    if definition not in GUARANTEES:
        raise DetenteError.one("unknown guarantee definition", path="--definition",
                               value=definition, allowed=", ".join(GUARANTEES))
    if definition == "pax":
        return renewal_rates(data, "guarantees", source="pax", horizon_years=horizon_years,
                             level=level, follow_up_end=follow_up_end)
    status = renewal(data.pad, horizon_years, follow_up_end)
    has = pad_flag(data.pad, definition)
    rule = ("PAD pko = 1 (peacekeeping operation)" if definition == "pko"
            else "PAD pa_3rd not blank (third-party signatory or witness)")
    return _renewal(data, "guarantees", "pad", rule, status, has, np.ones(len(data.pad), bool),
                    None, horizon_years, level, "wilson", follow_up_end)
