"""Score the commitment model out of sample: one library call from commitments to a record.

Protocol: ``docs/signals-evaluation.md`` (rolling origin, two baselines, Brier, log-loss,
AUC, reliability diagram, paired bootstrap intervals, unknown outcomes apart).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from detente.errors import DetenteError, Problem
from detente.limits import MAX_BOOTSTRAP, check_range, check_seed
from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record
from detente.signals.commitment_features import bulk_items, features, store_events
from detente.signals.commitment_model import ModelOptions, PriorTable, predict
from detente.signals.commitments import Commitment
from detente.signals.credibility import CredibilityOptions
from detente.signals.lr_estimate import estimate_likelihood_ratios
from detente.signals.scoring import reliability, score_table
from detente.signals.store import EventStore

MIN_RESAMPLES = 10
"""Fewest bootstrap resamples that give an interval (the most: ``limits.MAX_BOOTSTRAP``)."""
MODELS = ("model", "constant", "per_side")
LABELS = {"model": "M: record + recalibration", "constant": "B1: constant base rate",
          "per_side": "B2: running base rate per side"}


class EvaluationRecord(Record):
    """The out-of-sample evaluation of the commitment model (``detente signals evaluate``):
    counts, scores with bootstrap intervals (None with fewer than two scored commitments), the
    protocol's targets, reliability bins and every rolling-origin forecast (the main table)."""

    frame_field: ClassVar[str | None] = "forecasts"

    provenance: Provenance
    protocol: str
    n: int
    scored: int
    kept: int
    broken: int
    with_events: bool
    unknown: dict[str, Any]
    labels: dict[str, str]
    scores: dict[str, Any] | None
    targets: dict[str, bool] | None
    reliability: dict[str, list[dict[str, Any]]]
    forecasts: list[dict[str, Any]]
    estimated_likelihood_ratios: list[dict[str, Any]]


def _targets(scores: dict[str, Any]) -> dict[str, bool]:
    m = scores["models"]
    best = min(m["constant"]["brier"]["value"], m["per_side"]["brier"]["value"])
    ll = m["model"]["log_loss"]["value"]
    return {"brier_at_most_better_baseline": m["model"]["brier"]["value"] <= best + 1e-12,
            "log_loss_finite_and_below_both": bool(np.isfinite(ll)) and all(
                ll < m[b]["log_loss"]["value"] for b in ("constant", "per_side"))}


def _check_store_dates(cs: Sequence[Commitment], store: EventStore) -> None:
    """Every commitment date on or before the store's last event (the protocol's information
    set cannot reach past the store), and a store with events at all."""
    last = store.last_date()
    if last is None:
        raise DetenteError([Problem("the event store is empty: no events to build the "
                                    "signals and force features from", file=str(store.path),
                                    allowed="a store with events (detente signals import)")])
    end = dt.date.fromisoformat(last[:10])
    problems = [Problem(f"date in the future of the store (last date {end})", line=c.line or None,
                        path=f"commitment {c.id}: {col}", value=d.isoformat(),
                        allowed=f"on or before {end}")
                for c in cs for col, d in (("announced", c.announced), ("start", c.start),
                                           ("end", c.end)) if d is not None and d > end]
    if problems:
        raise DetenteError(problems)


def evaluate(commitments: Sequence[Commitment], *, store: EventStore | None = None,
             options: ModelOptions | None = None,
             signal_options: CredibilityOptions | None = None,
             prior: PriorTable | None = None, seed: int = 0, resamples: int = 2000,
             inputs: Sequence[str] = ()) -> EvaluationRecord:
    """Rolling-origin forecasts of every commitment, scored against the two baselines, as a
    record with provenance. ``resamples`` (bootstrap) and ``seed`` out of range are refused
    first."""
    check_range(resamples, MIN_RESAMPLES, MAX_BOOTSTRAP, "--resamples")
    check_seed(seed)
    options = options or ModelOptions()
    signal_options = signal_options or CredibilityOptions()
    cs = sorted(commitments, key=lambda c: (c.announced, c.id))
    feats, lrs = None, []
    if store is not None:
        _check_store_dates(cs, store)
        ev = store_events(cs, store)
        items = bulk_items(ev, sorted({c.announced_by for c in cs}), signal_options.dedup_days)
        feats = features(cs, items, ev, signal_options)
        lrs = estimate_likelihood_ratios(cs, items)
    f = predict(cs, feats, options=options, prior=prior)
    scored = np.array([c.scored for c in cs], dtype=bool)
    y = np.array([c.outcome == "kept" for c in cs], dtype=float)
    rng = np.random.default_rng(seed)
    scores = (score_table({k: f[k][scored] for k in MODELS}, y[scored], reference="model",
                          rng=rng, resamples=resamples) if scored.sum() >= 2 else None)
    unknown = ~scored
    opts = {"model": dataclasses.asdict(options), "signals": dataclasses.asdict(signal_options),
            "resamples": resamples, "compliance_prior": prior is not None}
    rows = [{"id": c.id, "announced_by": c.announced_by, "counterpart": c.counterpart,
             "kind": c.kind, "announced": c.announced.isoformat(), "outcome": c.outcome,
             "source": c.source, **{k: float(f[k][i]) for k in MODELS},
             "recalibrated": bool(f["fitted"][i]),
             **({"signals_score": float(feats[i, 0]), "force_pressure": float(feats[i, 1])}
                if feats is not None else {})} for i, c in enumerate(cs)]
    digest = inputs_hash({"commitments": [{k: str(v) for k, v in dataclasses.asdict(c).items()
                                          if k != "line"} for c in cs],
                          "store": store.count() if store is not None else None}, opts)
    prov = make_provenance("signals.evaluate", list(inputs), digest, opts, seed)
    return EvaluationRecord(
        provenance=prov, protocol="docs/signals-evaluation.md",
        n=len(cs), scored=int(scored.sum()),
        kept=int(y[scored].sum()), broken=int(scored.sum() - y[scored].sum()),
        with_events=feats is not None,
        unknown={"n": int(unknown.sum()),
                 "mean_p_model": float(f["model"][unknown].mean()) if unknown.any() else None,
                 "ids": [c.id for c, u in zip(cs, unknown, strict=True) if u]},
        labels=LABELS, scores=scores, targets=_targets(scores) if scores else None,
        reliability={k: reliability(f[k][scored], y[scored]) for k in MODELS},
        forecasts=rows, estimated_likelihood_ratios=[dataclasses.asdict(e) for e in lrs])


def evaluate_commitments(commitments: str | Path, *, events: str | Path | None = None,
                         compliance_prior: str | Path | None = None, seed: int = 0,
                         resamples: int = 2000,
                         progress: Callable[[str, int, int | None], None] | None = None
                         ) -> EvaluationRecord:
    """``detente signals evaluate``: the commitments CSV ``commitments`` (``"dev"``: the
    bundled set), with the signals and force features of the event store ``events`` (read up
    to its last date) and, with ``compliance_prior`` (a PA-X/UCDP PAD folder or
    ``"default"``), compliance priors per side and kind; scored by :func:`evaluate`.
    ``progress(stage, done, total)`` marks the scoring (a stage of unknown length)."""
    from detente.signals.commitments import bundled_commitments, load_commitments
    from detente.signals.store import EventStore

    check_range(resamples, MIN_RESAMPLES, MAX_BOOTSTRAP, "--resamples")
    check_seed(seed)
    if events is not None and not Path(events).exists():
        raise DetenteError.one("no event store here", file=str(events))
    st = EventStore(Path(events), read_only=True) if events is not None else None
    try:
        last = st.last_date() if st else None
        as_of = dt.date.fromisoformat(last) if last else None
        cs = (bundled_commitments(as_of=as_of) if str(commitments) == "dev"
              else load_commitments(commitments, as_of=as_of))
        prior = None
        if compliance_prior is not None:
            from detente.agreements.priors import prior_table

            try:
                prior = prior_table(None if str(compliance_prior) == "default"
                                    else compliance_prior)
            except DetenteError as exc:  # the folder came from --compliance-prior, not --data
                raise exc.with_path("--data", "--compliance-prior") from None
        if progress:
            progress(f"rolling-origin scores of {len(cs)} commitments", 0, None)
        return evaluate(cs, store=st, seed=seed, resamples=resamples, prior=prior,
                        inputs=[str(commitments)] + ([str(events)] if events else [])
                        + ([f"agreements:{compliance_prior}"] if compliance_prior else []))
    finally:
        if st:
            st.close()
