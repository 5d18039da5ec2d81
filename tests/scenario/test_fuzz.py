"""Bad input never gives a traceback: random corruptions of a valid scenario either load or
raise ScenarioError (one clear message per problem), and so does the deal analysis."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.deals import analyze
from detente.errors import DetenteError
from detente.scenario import validate_data

TOY = yaml.safe_load((Path(__file__).resolve().parents[1] / "toy.yaml").read_text())

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=True),
                 st.text(max_size=8), st.lists(st.integers(-3, 3), max_size=4),
                 st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


def paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += paths(v, (*prefix, i))
    return out


ALL_PATHS = paths(TOY)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["set", "drop"]), JUNK),
                min_size=1, max_size=3))
def test_corrupted_scenarios_fail_cleanly(edits: list[tuple[tuple[Any, ...], str, Any]]) -> None:
    data = copy.deepcopy(TOY)
    for path, op, value in edits:
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            if op == "drop":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        scenario = validate_data(data, "fuzz.yaml")
    except DetenteError as exc:
        assert str(exc)  # a message, never an empty error
        return
    try:
        analyze(scenario, draws=20, seed=0)
    except DetenteError as exc:
        assert str(exc)
