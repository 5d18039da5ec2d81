"""A scenario issue as a stakeholder table, so every forecaster runs on bundled cases.

Each stance on the issue gives one row: the position of the actor's ideal option on the
issue's 0–100 scale (``Issue.positions``; an actor that states only option values is placed at
its best-valued option), its salience, and the actor's capability. Likely values make the
table; (low, high) make the Monte Carlo ranges.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.forecasts.montecarlo import InputRanges
from detente.forecasts.table import StakeholderTable
from detente.scenario import Scenario


def issue_table(scenario: Scenario, issue_id: str) -> tuple[StakeholderTable, InputRanges]:
    """The table of ``issue_id`` and the input ranges the scenario states for it."""
    issues = {i.id: i for i in scenario.issues}
    if issue_id not in issues:
        raise DetenteError.one("no such issue in the scenario", path="issue", value=issue_id,
                               allowed=", ".join(issues))
    issue = issues[issue_id]
    actors = {a.id: a for a in scenario.actors}
    places = issue.positions()
    names, cap, pos, sal = [], [], [], []
    for st in scenario.stances:
        if st.issue != issue_id:
            continue
        if st.ideal is not None:
            idx = issue.index_of(st.ideal.value)
        else:
            values = st.values or {}
            best = max(values, key=lambda k: values[k].value.likely)
            idx = issue.index_of(best)
        if idx is None:
            raise DetenteError.one("the stance's ideal is not an option of the issue",
                                   path=f"stances[{st.actor}/{st.issue}].ideal",
                                   allowed=", ".join(issue.option_ids()))
        q = actors[st.actor].capability.value
        names.append(st.actor)
        cap.append((q.low, q.likely, q.high))
        pos.append(places[idx])
        sal.append((st.salience.value.low, st.salience.value.likely, st.salience.value.high))
    if len(names) < 2:
        raise DetenteError.one("fewer than two actors state a stance on this issue",
                               path=f"issues.{issue_id}", value=len(names), allowed=">= 2")
    c = np.array(cap, dtype=float)
    s = np.array(sal, dtype=float)
    x = np.array(pos, dtype=float)[:, None]
    table = StakeholderTable.build(names, c[:, 1], x, s[:, 1], dimensions=(issue_id,),
                                   name=f"{scenario.id}/{issue_id}", scale=(0.0, 100.0))
    ranges = InputRanges(c[:, 0], c[:, 2], x, x, s[:, :1], s[:, 2:])
    return table, ranges


def nearest_option(scenario: Scenario, issue_id: str, position: float) -> str:
    """The id of the issue's option whose 0–100 position is nearest ``position`` (ties: first)."""
    issue = next(i for i in scenario.issues if i.id == issue_id)
    places = np.array(issue.positions())
    return issue.option_ids()[int(np.argmin(np.abs(places - position)))]


def issue_scale(scenario: Scenario, issue_id: str) -> dict[str, Any]:
    """The issue's name and its options at their 0–100 positions, for reports: ``{"id", "name",
    "options": [{"id", "label", "position"}]}`` (a grid issue: each grid point with its unit)."""
    issue = next(i for i in scenario.issues if i.id == issue_id)
    if issue.options is not None:
        labels = [o.label or o.id for o in issue.options]
    else:
        assert issue.grid is not None
        labels = [f"{x:g} {issue.grid.unit}" for x in issue.grid.points()]
    return {"id": issue.id, "name": issue.name,
            "options": [{"id": o, "label": lab, "position": round(float(p), 6)} for o, lab, p
                        in zip(issue.option_ids(), labels, issue.positions(), strict=True)]}
