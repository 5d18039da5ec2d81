"""Documentation examples run: the README's scenario validates and analyses, docs/scenario.md's
snippets parse, and docstring examples pass."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest
import yaml

from detente.deals import analyze
from detente.scenario import validate_data

ROOT = Path(__file__).resolve().parents[2]


def yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_readme_scenario_validates_and_analyses() -> None:
    block = next(b for b in yaml_blocks(ROOT / "README.md") if b.startswith("id: my-case"))
    scenario = validate_data(yaml.safe_load(block), "README.md")
    result = analyze(scenario, draws=200, seed=1)
    assert result.outcomes == 3 * 5
    assert result.monte_carlo is not None and 0.0 <= result.monte_carlo.p_zopa_nonempty <= 1.0


def test_scenario_doc_snippets_parse() -> None:
    blocks = yaml_blocks(ROOT / "docs" / "scenario.md")
    assert len(blocks) >= 6
    for b in blocks:
        yaml.safe_load(b.replace("…", "x"))


@pytest.mark.parametrize("module", ["detente.deals.solutions", "detente.deals.open_terms",
                                    "detente.forecasts.nash", "detente.forecasts.exchange",
                                    "detente.forecasts.procedural",
                                    "detente.forecasts.ensemble",
                                    "detente.forecasts.predictive",
                                    "detente.report.charts"])
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
