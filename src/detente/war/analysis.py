"""One call from a war case to a record: the snapshot at month 0, the negotiation window over the
months, each proposal's odds and the war-end scenario tree, with provenance.

The record is plain JSON-ready data (pydantic, frozen); the CLI prints it and the report draws it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any
from warnings import warn

import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.logistic import expit, logit
from detente.parallel import SerialExecutor
from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record
from detente.records.output import fixed, nz
from detente.scenario.model import Scenario
from detente.scenario.war import WarCase, WarModel
from detente.war.bargaining import bargaining_range
from detente.war.chunked import classify_on, window_on
from detente.war.commitment import OUTCOMES, min_guarantee, outcome_codes
from detente.war.dynamics import simulate
from detente.war.guarantees import likely_guarantee
from detente.war.package_window import (
    PACKAGE_PATHS,
    PackageWindow,
    package_stream,
    package_window,
)
from detente.war.private_info import offer_under_beliefs
from detente.war.ratification import domestic_threshold, win_sets
from detente.war.scenarios import ScenarioTree, scenario_tree
from detente.war.sequencing import Phase, phased_settlement
from detente.war.window import Proportion, Window, negotiation_window

Progress = Callable[[str], None]


class _Rec(Record, BaseModel):  # BaseModel named so that linters see pydantic
    model_config = ConfigDict(frozen=True)


class ProportionRecord(_Rec):
    """A probability per month with its Monte Carlo standard error and 95 % Wilson interval."""

    mean: list[float]
    se: list[float]
    low: list[float]
    high: list[float]

    @classmethod
    def of(cls, p: Proportion) -> ProportionRecord:
        return cls(mean=p.mean.tolist(), se=p.se.tolist(), low=p.low.tolist(),
                   high=p.high.tolist())


class Snapshot(_Rec):
    """The models at month 0 with likely values (no Monte Carlo)."""

    p: float
    p_a: float
    p_b: float
    range_low: float
    range_high: float
    range_width: float
    range_exists: bool
    closed_by: str
    winset_low: float
    winset_high: float
    winset_exists: bool
    regroup_p: float
    commitment_outcome: str
    min_guarantee: float
    guarantee: float
    guarantee_option: str | None
    offer: float
    offer_p_reject: float
    offer_p_reject_believed: float
    phases: list[PhaseRecord] = []


class PhaseRecord(_Rec):
    """One phase of the war section's phased package at month 0 (``detente.war.sequencing``):
    A's chance in it (A's view), each side's least margin over its war value, self-enforcing."""

    name: str
    p: float
    margin_a: float
    margin_b: float
    self_enforcing: bool


class ProposalRecord(_Rec):
    id: str
    name: str
    share: float
    in_range: ProportionRecord
    ratifiable: ProportionRecord


class WindowRecord(_Rec):
    quantiles: list[float]
    range_exists: ProportionRecord
    ratifiable: ProportionRecord
    self_enforcing: ProportionRecord
    closed_by_a: list[float]
    closed_by_b: list[float]
    closed_by_both: list[float]
    p: list[list[float]]
    width: list[list[float]]
    guarantee: list[list[float]]
    by_guarantee: dict[str, ProportionRecord] = {}


class LeafRecord(_Rec):
    key: str
    label: str
    probability: float
    se: float
    median_month: float | None


class BranchRecord(_Rec):
    key: str
    label: str
    probability: float
    se: float
    leaves: list[LeafRecord]


class PackageProposalRecord(_Rec):
    """A bundled proposal: per month the probability every veto player accepts it, and the
    probability it is also ratifiable (inside every veto player's win-set)."""

    id: str
    name: str
    accepted: ProportionRecord
    ratified: ProportionRecord
    guarantee_option: str | None = None
    holds: ProportionRecord | None = None


class PackageWindowRecord(_Rec):
    """The window over the scenario's package space (``detente.war.package_window``):
    international (each veto player's BATNA) and ratifiable (its BATNA plus its domestic cost,
    Putnam 1988); ``ratification`` is false when no veto player has a domestic threshold, and
    the ratifiable fields then repeat the international ones. ``domestic``: QUANTILES of each
    thresholded veto player's threshold t (stake units) across paths; ``ratified_batna``: the
    bands of its ratification line (0-1 utility), the boundary of its win-set."""

    paths: int
    sampling: str
    veto: list[str]
    zopa: ProportionRecord
    proposals: list[PackageProposalRecord]
    batna: dict[str, list[list[float]]]
    settled: dict[str, int]
    ratification: bool
    zopa_ratified: ProportionRecord
    ratified_batna: dict[str, list[list[float]]]
    domestic: dict[str, list[float]]
    ratified_settled: dict[str, int]


class WarAnalysis(_Rec):
    """Everything ``detente window`` reports; ``packages`` when the input is a scenario."""

    provenance: Provenance
    case_id: str
    title: str
    date: dt.date
    side_a: str
    side_b: str
    stake: str
    months: int
    paths: int
    month_labels: list[str]
    snapshot: Snapshot
    window: WindowRecord
    proposals: list[ProposalRecord]
    scenario_tree: list[BranchRecord]
    headline: str = ""
    conditions: list[str] = []
    warnings: list[str] = []
    packages: PackageWindowRecord | None = None

    def table(self, field: str | None = None) -> list[dict[str, object]]:
        """Month by month (default): the median p, P(range exists) ± se, P(ratifiable),
        P(self-enforcing) and the median guarantee; or the list field ``field``."""
        if field is not None:
            return super().table(field)
        w, mid = self.window, len(self.window.quantiles) // 2
        return [{"month": label, "median_p": w.p[mid][m],
                 "range_exists": w.range_exists.mean[m], "range_exists_se": w.range_exists.se[m],
                 "ratifiable": w.ratifiable.mean[m], "self_enforcing": w.self_enforcing.mean[m],
                 "median_guarantee": w.guarantee[mid][m]}
                for m, label in enumerate(self.month_labels)]


def snapshot(war: WarModel) -> Snapshot:
    """The bargaining range, win-sets and commitment problem at month 0 with likely values (each
    side on its own beliefs, the guarantors' g under ``guarantee_option``, a truce signed at the
    midpoint of the win-sets' overlap), and A's exact risk–return offer on its own beliefs
    against its uncertainty over B's cost (``cost_b``'s triangular range), with the rejection
    probability A expects and the one under B's own beliefs (Fearon 1995, §3)."""
    lk = lambda n: n.value.likely  # noqa: E731
    p = lk(war.p)
    z = float(logit(np.float64(p)))
    p_a = float(expit(np.float64(z + lk(war.optimism_a))))
    p_b = float(expit(np.float64(z - lk(war.optimism_b))))
    r = bargaining_range(p, lk(war.cost_a), lk(war.cost_b), p_a=p_a, p_b=p_b,
                         delta=lk(war.discount))
    ra, rb = war.ratification.a, war.ratification.b
    ws = win_sets(r, domestic_threshold(lk(ra.opposition), lk(ra.audience_cost)),
                  domestic_threshold(lk(rb.opposition), lk(rb.audience_cost)))
    shift = lk(war.regroup_shift)
    g = likely_guarantee(war, war.guarantee_option)
    nxt = lambda q: float(expit(logit(np.float64(q)) - shift))  # noqa: E731
    mid = (ws.low + ws.high) / 2 if ws.exists else (r.low + r.high) / 2
    code, _ = outcome_codes(p_a, nxt(p_a), lk(war.cost_a), lk(war.cost_b), lk(war.discount), g,
                            float(np.clip(mid, 0.0, 1.0)), p_now_b=p_b, p_next_b=nxt(p_b))
    g_star = min_guarantee(p_a, nxt(p_a), lk(war.cost_a), lk(war.discount))
    cb = war.cost_b.value
    offer = offer_under_beliefs(p_a, p_b, lk(war.cost_a), cb.low, cb.likely, cb.high,
                                lk(war.discount))
    return Snapshot(
        p=p, p_a=p_a, p_b=p_b, range_low=float(r.low), range_high=float(r.high),
        range_width=float(r.width), range_exists=bool(r.exists), closed_by=str(r.closed_by),
        winset_low=float(ws.low), winset_high=float(ws.high), winset_exists=bool(ws.exists),
        regroup_p=nxt(p), commitment_outcome=OUTCOMES[int(code)],
        min_guarantee=float(g_star), guarantee=g, guarantee_option=war.guarantee_option,
        offer=float(offer.offer), offer_p_reject=float(offer.p_reject),
        offer_p_reject_believed=float(offer.p_reject_believed), phases=_phases(war, p_a, p_b))


def _phases(war: WarModel, p_a: float, p_b: float) -> list[PhaseRecord]:
    """The phased package tested step by step on each side's own month-0 beliefs."""
    if not war.phases:
        return []
    lk = lambda n: n.value.likely  # noqa: E731
    phases = [Phase(name=ph.name, months=ph.months, share=lk(ph.share), shift=lk(ph.shift),
                    guarantee=likely_guarantee(war, ph.guarantee_option)
                    if ph.guarantee_option else 0.0) for ph in war.phases]
    res = phased_settlement(phases, p_a, lk(war.cost_a), lk(war.cost_b), lk(war.discount), p_b)
    return [PhaseRecord(**vars(c)) for c in res.phases]


def _month_labels(start: dt.date | None, months: int) -> list[str]:
    if start is None:
        return [f"month {t}" for t in range(months + 1)]
    out = []
    for t in range(months + 1):
        y, m = divmod(start.month - 1 + t, 12)
        out.append(f"{start.year + y:04d}-{m + 1:02d}")
    return out


def _window_record(w: Window) -> WindowRecord:
    return WindowRecord(
        quantiles=list(w.quantiles), range_exists=ProportionRecord.of(w.range_exists),
        ratifiable=ProportionRecord.of(w.ratifiable),
        self_enforcing=ProportionRecord.of(w.self_enforcing),
        closed_by_a=w.closed_by_a.tolist(), closed_by_b=w.closed_by_b.tolist(),
        closed_by_both=w.closed_by_both.tolist(), p=w.p.tolist(), width=w.width.tolist(),
        guarantee=w.guarantee.tolist(),
        by_guarantee={k: ProportionRecord.of(v) for k, v in w.by_guarantee.items()})


SETTLED = ("bound", "candidate", "enumeration", "dominance")


def _package_record(pw: PackageWindow) -> PackageWindowRecord:
    return PackageWindowRecord(
        paths=pw.n_paths, sampling=SAMPLING, veto=list(pw.veto), zopa=ProportionRecord.of(pw.zopa),
        proposals=[PackageProposalRecord(
            id=p.id, name=p.name, accepted=ProportionRecord.of(p.accepted),
            ratified=ProportionRecord.of(p.ratified), guarantee_option=p.guarantee_option,
            holds=None if p.holds is None else ProportionRecord.of(p.holds))
            for p in pw.proposals],
        batna={a: b.tolist() for a, b in pw.batna.items()},
        settled=dict(zip(SETTLED, pw.settled, strict=True)),
        ratification=pw.ratification, zopa_ratified=ProportionRecord.of(pw.zopa_ratified),
        ratified_batna={a: b.tolist() for a, b in pw.ratified_batna.items()},
        domestic={a: t.tolist() for a, t in pw.domestic.items()},
        ratified_settled=dict(zip(SETTLED, pw.ratified_settled, strict=True)))


SAMPLING = ("paths drawn without replacement from the simulated paths with child stream 4 of "
            "the seed (streams 0-3 drive the simulation); one draw of the scenario's uncertain "
            "utilities per path")


MAX_PATHS = 2_000_000
MAX_MONTHS = 600
# Peak memory per simulated path-month, measured with /usr/bin/time on ru-ua-2024-09 (about
# 76 bytes for the window, 466 for the package window with two veto players), with headroom.
BYTES_PER_PATH_MONTH = 100
BYTES_PER_PACKAGE_MONTH = 600


def check_request(case: WarCase, months: int | None, paths: int, seed: int,
                  package_paths: int, scenario: Scenario | None) -> None:
    """Refuse, before any simulating, a window run out of range (months 1–600, paths
    1–2,000,000, package paths 0–2,000,000, a valid seed, paths × months within
    ``MAX_PATH_MONTHS``) or one whose arrays would pass the memory ceiling
    (``detente.limits.check_memory``). Errors name the command-line option."""
    from detente.errors import DetenteError
    from detente.limits import MAX_PATH_MONTHS, check_memory, check_range, check_seed

    if months is not None:
        check_range(months, 1, MAX_MONTHS, "--months")
    check_range(paths, 1, MAX_PATHS, "--paths")
    check_seed(seed)
    check_range(package_paths, 0, MAX_PATHS, "--package-paths")
    t_max = case.war.horizon if months is None else months
    if paths * t_max > MAX_PATH_MONTHS:
        raise DetenteError.one(f"--paths × months must be at most {MAX_PATH_MONTHS:,}",
                               path="--paths", value=paths * t_max)
    pkg = package_paths if scenario is not None else 0
    check_memory((t_max + 1) * (BYTES_PER_PATH_MONTH * paths + BYTES_PER_PACKAGE_MONTH * pkg),
                 f"{paths:,} paths ({pkg:,} package paths) × {t_max} months", path="--paths")


def analyze_window(case: WarCase, months: int | None = None, paths: int = 10_000,
                   seed: int = 0, source: str | None = None,
                   progress: Progress | None = None, scenario: Scenario | None = None,
                   package_paths: int = PACKAGE_PATHS,
                   executor: Executor | None = None) -> WarAnalysis:
    """Simulate ``paths`` paths over ``months`` months (default: the model's horizon) with
    ``seed`` and report the snapshot, the window, the proposals and the scenario tree; with a
    ``scenario`` (holding this war section) and ``package_paths`` > 0, also the window over
    its package space on a subsample of ``package_paths`` paths. ``executor``: where the
    window's and the tree's per-path work runs, in chunks of paths (``detente.war.chunked``;
    default: here, all at once); the same record on every executor. Out-of-range requests are
    refused first (:func:`check_request`)."""
    check_request(case, months, paths, seed, package_paths, scenario)
    war = case.war
    t_max = war.horizon if months is None else months
    tick = progress or (lambda _stage: None)
    if isinstance(executor, SerialExecutor):
        executor = None  # the same numbers all at once, without the chunks' extra memory
    tick("simulate")
    sim = simulate(war, t_max, paths, np.random.default_rng(seed))
    tick("window")
    w = negotiation_window(war, sim) if executor is None else window_on(war, sim, executor)
    tick("scenario tree")
    tree = scenario_tree(war, sim, None if executor is None else classify_on(war, sim, executor))
    packages = None
    options: dict[str, object] = {"months": t_max, "paths": paths}
    if scenario is not None and package_paths > 0:
        tick("package window")
        pw = package_window(scenario, sim, package_paths, package_stream(seed))
        packages = _package_record(pw)
        options["package_paths"] = package_paths
    tick("record")
    head, conditions, warnings = _headline(war, w, tree, t_max, paths, seed)
    hashed = inputs_hash(scenario) if scenario is not None else inputs_hash(case)
    prov = make_provenance("war-window", [source or case.id], hashed, options, seed)
    return WarAnalysis(
        provenance=prov, case_id=case.id, title=case.title, date=case.date, side_a=war.side_a,
        side_b=war.side_b, stake=war.stake, months=t_max, paths=paths,
        month_labels=_month_labels(war.start, t_max), snapshot=snapshot(war),
        window=_window_record(w),
        proposals=[ProposalRecord(id=p.id, name=p.name, share=p.share,
                                  in_range=ProportionRecord.of(p.in_range),
                                  ratifiable=ProportionRecord.of(p.ratifiable))
                   for p in w.proposals],
        scenario_tree=[BranchRecord(key=b.key, label=b.label, probability=b.probability,
                                    se=b.se, leaves=[LeafRecord(**vars(lf)) for lf in b.leaves])
                       for b in tree.branches],
        headline=head, conditions=conditions, warnings=warnings, packages=packages)


CLOSED_AT_START = 0.5
"""Warn when the range exists on fewer than this share of paths at month 0."""


def _headline(war: WarModel, w: Window, tree: ScenarioTree, months: int, paths: int,
              seed: int) -> tuple[str, list[str], list[str]]:
    """The window's answer in one sentence, the conditions it holds under, and warnings."""
    leaves = {lf.key: lf for lf in tree.leaves}
    held, broke = leaves["settlement"], leaves["truce_regroup"]
    lk = lambda n: n.value.likely  # noqa: E731
    head = (f"Settlement that holds within {months} months: "
            f"{nz(100 * held.probability, 1):.1f} % of "
            f"paths (± {nz(100 * held.se, 1):.1f}); truce used to regroup: "
            f"{nz(100 * broke.probability, 1):.1f} %; range open at month 0 on "
            f"{nz(100 * w.range_exists.mean[0], 1):.1f} %, at month {months} on "
            f"{nz(100 * w.range_exists.mean[-1], 1):.1f} %.")
    conditions = [
        f"beliefs: {war.beliefs.model.value} (optimism A {lk(war.optimism_a):g}, "
        f"B {lk(war.optimism_b):g} logit; hot hand {lk(war.hot_hand):g})",
        f"guarantee: option {war.guarantee_option or '(every guarantor bound)'} of "
        f"'{war.guarantee_issue}', g = {nz(likely_guarantee(war, war.guarantee_option), 3):.3f} "
        f"(likely values; {len(war.guarantors)} guarantor entries)",
        f"regroup shift {lk(war.regroup_shift):g} logit; δ = {lk(war.discount):g} per month; "
        f"truce after {war.truce_months} months of open win-sets",
        f"{paths:,} paths, seed {seed}; every uncertain parameter drawn once per path"]
    warnings = []
    open0 = float(w.range_exists.mean[0])
    if open0 < CLOSED_AT_START:
        by = {"A": w.closed_by_a[0], "B": w.closed_by_b[0], "both": w.closed_by_both[0]}
        who = max(by, key=lambda k: by[k])
        warnings.append(
            f"The bargaining range is closed at month 0 on {fixed(100 * (1 - open0), 1)} % of "
            f"paths (mostly by the optimism of {who}): no deal is possible today on those paths; "
            "later probabilities rest on the simulated war changing beliefs and costs.")
    rat0 = float(w.ratifiable.mean[0])
    if rat0 < CLOSED_AT_START:
        warnings.append(
            f"The win-sets do not overlap at month 0 on {fixed(100 * (1 - rat0), 1)} % of paths: a "
            "deal in the range would not be ratified at home today (Putnam 1988); no truce is "
            "signed until they do.")
    return head, conditions, warnings


def analyse_window(*args: Any, **kwargs: Any) -> WarAnalysis:
    """Deprecated spelling of :func:`analyze_window` (one spelling across the package, as
    ``detente.analyze``); kept for scripts written against 0.1."""
    warn("detente.war.analysis.analyse_window is deprecated; use analyze_window",
         DeprecationWarning, stacklevel=2)
    return analyze_window(*args, **kwargs)
