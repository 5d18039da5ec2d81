"""Calibration targets: the facts a case was fitted to, checked against the analysis.

A case's ``calibration:`` section lists facts its numbers were chosen to reproduce, each with a
quote (e.g. "Kyiv rejected Putin's June 2024 terms"). Reproducing them is a check of the
fitting, not a result: a fitted fact is not a finding. The report prints them under their own
heading, apart from the findings. A target *holds* when the actor's verdict over every fill of
the proposal's open terms is the one the fact states, *fails* when it is the opposite, and
*depends* when the verdict turns on how the open terms are filled. A target marked
``fitted: false`` is a reported fact the numbers were not tuned to (e.g. a 2025 answer checked
against numbers carried over from 2024): a held-out check of the case, still not a finding.
"""

from __future__ import annotations

from detente.deals.result import CalibrationCheck, ProposalResult
from detente.scenario.model import Scenario


def check_calibration(scenario: Scenario,
                      proposals: list[ProposalResult]) -> list[CalibrationCheck]:
    """Each calibration target of ``scenario`` against the proposal results."""
    by_id = {p.id: p for p in proposals}
    out = []
    for t in scenario.calibration:
        score = next(s for s in by_id[t.proposal].scores if s.actor == t.actor)
        want = "accepts" if t.accepts else "rejects"
        status = ("holds" if score.verdict == want else
                  "depends" if score.verdict == "depends" else "fails")
        out.append(CalibrationCheck(
            claim=t.claim, proposal=t.proposal, actor=t.actor, accepts=t.accepts,
            margin_low=score.margin_low, margin_high=score.margin_high, status=status,
            quotes=[e.quote for e in t.evidence], fitted=t.fitted))
    return out
