"""One typed record per agreement query, with provenance (inputs SHA-256, options, version).

:func:`query` is the one library function the ``detente agreements`` commands call: it loads
the data, runs the query and returns an :class:`AgreementsRecord`. Same files and options ⇒
same record (except ``provenance.created``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from detente.agreements.crosswalk import load_crosswalk
from detente.agreements.data import AgreementData, load_agreements
from detente.errors import DetenteError, Problem
from detente.records.base import Record
from detente.records.provenance import Provenance, inputs_hash, make_provenance

QUERIES = ("rates", "renewal", "guarantees", "prior", "backtest", "crosswalk", "check")
MAX_PROBLEMS = 20


class TableCheck(BaseModel):
    """What a reader made of one file."""

    model_config = ConfigDict(frozen=True)
    source: str
    sha256: str
    rows_read: int
    rows_used: int
    problems: int
    first_problems: list[str]


class AgreementsRecord(Record):
    """The result of one agreement query (a :class:`detente.records.base.Record`: ``to_json``,
    ``to_frame``, a notebook view)."""

    query: str
    result: Any
    data: list[TableCheck]
    provenance: Provenance


def _check(table: Any) -> TableCheck:
    probs: tuple[Problem, ...] = table.problems
    return TableCheck(source=table.source, sha256=table.sha256, rows_read=table.rows_read,
                      rows_used=len(table), problems=len(probs),
                      first_problems=[str(p) for p in probs[:MAX_PROBLEMS]])


def _run(name: str, data: AgreementData | None, options: dict[str, Any]) -> Any:
    from detente.agreements import priors, rates

    o = {k: v for k, v in options.items() if v is not None}
    if name == "crosswalk" or data is None:
        cw = load_crosswalk()
        return {"issues": {k: vars(v) for k, v in cw.issues.items()},
                "kinds": {k: vars(v) for k, v in cw.kinds.items()}, "sources": cw.sources}
    if name == "rates":
        return rates.provision_rates(data, o.pop("issue"), o.pop("by", None), **o)
    if name == "renewal":
        return rates.renewal_rates(data, o.pop("issue"), **o)
    if name == "guarantees":
        return rates.guarantee_effect(data, **o)
    if name == "prior":
        return priors.compliance_prior(o.pop("actor"), o.pop("kind"), data, **o)
    if name == "backtest":
        from detente.agreements.backtest import backtest

        return backtest(data, **o)
    return None  # check: the table summaries are the result


def _validate(options: dict[str, Any]) -> None:
    checks = {
        "level": (lambda v: 0 < v < 1, "a number in (0, 1), e.g. 0.95"),
        "horizon_years": (lambda v: 0 < v <= 50, "years in (0, 50]"),
        "min_level": (lambda v: v in (1, 2, 3), "1, 2 or 3"),
        "method": (lambda v: v in ("wilson", "jeffreys"), "wilson, jeffreys"),
        # finite: an infinite m is no prior, it pins the estimate to the kind's rate
        "strength": (lambda v: 0 < v < float("inf"), "a finite number of agreements > 0"),
        "resamples": (lambda v: 100 <= v <= 100_000, "100 to 100,000"),
        "burn_in": (lambda v: v >= 1, "an integer >= 1"),
        "seed": (lambda v: 0 <= v <= 2**63 - 1, "an integer from 0 to 2^63 - 1"),
    }
    flags = {"horizon_years": "--horizon", "min_level": "--min-level", "burn_in": "--burn-in"}
    for key, (ok, allowed) in checks.items():
        v = options.get(key)
        if v is not None and not ok(v):
            raise DetenteError.one(f"bad {key.replace('_', ' ')}", value=v, allowed=allowed,
                                   path=flags.get(key, f"--{key}"))


def query(name: str, directory: str | Path | None = None, **options: Any) -> AgreementsRecord:
    """Run agreement query ``name`` (rates, renewal, guarantees, prior, crosswalk, check) on
    the data in ``directory`` (None: the default directory) with ``options``."""
    if name not in QUERIES:
        raise DetenteError.one("unknown agreement query", value=name,
                               allowed=", ".join(QUERIES))
    _validate(options)
    if name == "crosswalk":  # the bundled table: no data needed
        result, checks = _run(name, None, {}), []
        inputs = ["detente/agreements/data/crosswalk.yaml"]
    else:
        data = load_agreements(directory, empty_ok=name == "check")
        result = _run(name, data, dict(options))
        checks, inputs = [_check(data.pax), _check(data.pad)], data.inputs()
    if isinstance(result, list):
        result = [r.model_dump(mode="json") for r in result]
    elif isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    opts = {"query": name, **{k: v for k, v in options.items() if v is not None}}
    prov = make_provenance(f"agreements.{name}", inputs,
                           inputs_hash(*(c.sha256 for c in checks)), opts, seed=None)
    return AgreementsRecord(query=name, result=result, data=checks, provenance=prov)
