"""YAML loading of a bundled scenario: the former two pure-Python passes (``yaml.compose`` for
the line map, then ``yaml.safe_load`` for the data) against the single C-backed pass of
``detente.scenario.yamlsafe.load_yaml`` (libyaml's parser, a guarded composer, one graph for
data, line map and duplicate keys). Prints the median of 7 runs each, side by side, and the
load average (the machine is shared)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import yaml

from detente.scenario.yamlsafe import load_yaml

CASE = Path(__file__).resolve().parents[1] / "src" / "detente" / "cases" / "ru-ua-2024-09.yaml"


def two_pure_python_passes(text: str) -> object:
    yaml.compose(text, Loader=yaml.SafeLoader)
    return yaml.safe_load(text)


def one_c_pass(text: str) -> object:
    return load_yaml(text, str(CASE))[0]


def median_seconds(fn, text: str, runs: int = 7) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    text = CASE.read_text(encoding="utf-8")
    assert two_pure_python_passes(text) == one_c_pass(text)  # the same data
    print(f"load average {os.getloadavg()}; {CASE.name}: {len(text):,} characters")
    for fn in (two_pure_python_passes, one_c_pass, two_pure_python_passes, one_c_pass):
        print(f"  {fn.__name__:24s} {1000 * median_seconds(fn, text):7.1f} ms (median of 7)")


if __name__ == "__main__":
    main()
