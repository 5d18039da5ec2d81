"""WarModel validation: every bad input is a clear error with its field path and line; the
bundled war case is complete, traced and quotes its seeds exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from detente.cases import sources_dir
from detente.errors import ScenarioError
from detente.scenario.evidence import check_quotes, iter_untraced
from detente.war.case import bundled_war_case, load_war, load_war_file, war_case_names

GOOD = """\
id: t
title: test
date: 2024-09-01
war:
  side_a: ua
  side_b: ru
  stake: territory
  horizon: 12
  p: 0.4
  cost_a: 0.1
  cost_b: 0.1
  shocks:
    - {name: offensive, kind: offensive, month: 3, shift: -0.2}
"""


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "war.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def _edit(path: tuple[str | int, ...], value: object) -> str:
    data = yaml.safe_load(GOOD)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return yaml.safe_dump(data, sort_keys=False)


def test_good_file_loads(tmp_path: Path) -> None:
    case = load_war_file(_write(tmp_path, GOOD))
    assert case.war.p.value.likely == 0.4 and case.war.shocks[0].month == 3


@pytest.mark.parametrize("path, value, where, words", [
    (("war", "p"), 1.2, "war.p", "[0, 1]"),
    (("war", "p"), [-0.1, 0.3, 0.5], "war.p", "[0, 1]"),
    (("war", "cost_a"), -0.05, "war.cost_a", ">= 0"),
    (("war", "cost_b"), [-0.1, 0.1, 0.2], "war.cost_b", ">= 0"),
    (("war", "discount"), 0.0, "war.discount", "(0, 1]"),
    (("war", "discount"), 1.5, "war.discount", "(0, 1]"),
    (("war", "horizon"), 0, "war.horizon", "[1, 600]"),
    (("war", "horizon"), -6, "war.horizon", "[1, 600]"),
    (("war", "shocks"), [{"name": "late", "month": 13}], "war.shocks", "outside the horizon"),
    (("war", "shocks"), [{"name": "x", "month": 2, "probability": 1.3}],
     "war.shocks[0].probability", "[0, 1]"),
    (("war", "shocks"), [{"name": "x", "month": 0}], "war.shocks[0].month",
     "greater than or equal to 1"),
    (("war", "defeat_below"), 1.5, "war.defeat_below", "[0, 1]"),
    (("war", "ratification"), {"a": {"opposition": 1.4}}, "war.ratification.a.opposition",
     "[0, 1]"),
    (("war", "guarantee"), 0.1, "war.guarantee", "a guarantee needs a guarantor"),
    (("war", "guarantors"), [{"actor": "x", "strength": 0.1, "cost": -0.1}],
     "war.guarantors[0].cost", "cannot be negative"),
    (("war", "guarantors"), [{"actor": "x", "strength": 1.5}], "war.guarantors[0].strength",
     "[0, 1]"),
    (("war", "discount"), 0.0, "war.discount", "(0, 1]"),
    (("war", "cost_a"), -0.2, "war.cost_a", "cannot be negative"),
    (("war", "cost_rate_b"), -0.01, "war.cost_rate_b", "cannot be negative"),
    (("war", "p"), -0.1, "war.p", "[0, 1]"),
    (("war", "beliefs"), {"model": "learning", "signal_noise": 0.0},
     "war.beliefs.signal_noise", "> 0"),
    (("war", "proposals"), [{"id": "x", "name": "x", "share": 1.1}], "war.proposals[0].share",
     "[0, 1]"),
    (("war", "volatilty"), 0.2, "war.volatilty", "unknown field"),
])
def test_bad_input_names_the_field_and_line(tmp_path: Path, path: tuple, value: object,
                                            where: str, words: str) -> None:
    f = _write(tmp_path, _edit(path, value))
    with pytest.raises(ScenarioError) as e:
        load_war_file(f)
    problem = e.value.problems[0]
    assert problem.path == where
    assert problem.file == str(f) and problem.line is not None and problem.line > 1
    assert words in str(problem)


def test_horizon_shorter_than_a_shock_is_caught(tmp_path: Path) -> None:
    f = _write(tmp_path, GOOD.replace("horizon: 12", "horizon: 2"))
    with pytest.raises(ScenarioError) as e:
        load_war_file(f)
    assert "dated month 3" in str(e.value) and "1..2" in str(e.value)


def test_missing_war_section_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no war model"):
        load_war_file(_write(tmp_path, "id: x\n"))
    with pytest.raises(ScenarioError, match="file not found"):
        load_war_file(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="no such war case"):
        load_war("no-such-case")


def test_bundled_case_is_complete_and_traced() -> None:
    assert "ru-ua-2024-09" in war_case_names()
    case = bundled_war_case("ru-ua-2024-09")
    assert case.war.side_a == "UKR" and case.war.side_b == "RUS"
    assert case.war.horizon == 36 and len(case.war.shocks) >= 3 and case.war.guarantors
    untraced = list(iter_untraced(case))
    assert untraced == [], untraced


def test_bundled_case_quotes_are_exact() -> None:
    """Against the excerpts shipped with the package, which tests/cases/test_bundled.py checks
    against the seed articles when ../shared/seeds is present."""
    checks = check_quotes(bundled_war_case("ru-ua-2024-09"), sources_dir())  # type: ignore[arg-type]
    assert len(checks) >= 15
    bad = [c for c in checks if not c.found]
    assert bad == [], bad
