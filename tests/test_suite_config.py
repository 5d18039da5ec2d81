"""The suite's own configuration: CI runs every test (slow ones included) under coverage with a
floor, the README shows the command CI runs, and the slow marker is registered."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_every_test_under_coverage_as_the_readme_says() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    pytest_args = ci.split("pytest", 1)[1].split()
    assert pytest_args == ["-q", "--cov=detente"]  # no -m: the slow tests run too
    assert ci in (ROOT / "README.md").read_text(encoding="utf-8")


def test_slow_is_registered_never_deselected_and_there_is_a_floor() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_conf = conf["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("slow:") for m in pytest_conf["markers"])
    assert "not slow" not in pytest_conf["addopts"] and "-m" not in pytest_conf["addopts"].split()
    assert conf["tool"]["coverage"]["report"]["fail_under"] >= 50
    assert any(d.startswith("pytest-cov") for d in conf["project"]["optional-dependencies"]["test"])
