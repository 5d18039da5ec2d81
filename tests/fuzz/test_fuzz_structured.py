"""The structured hostile-input sweep (``tests/fuzz/sweep.py``) on a small seeded sample:
every bundled case and fixture format mutated one field at a time through the commands that
read it, option values, the Python API with wrong types and the workbench's endpoints with
malformed requests. No run may end in a traceback, a hang, a wrong success or an error that
names neither the file nor the option. ``scripts/hostile_sweep.py`` runs the large sweep and
prints the counts."""

from __future__ import annotations

import random

import pytest

from fuzz.sweep import (
    OPTION_VALUES,
    Tally,
    api_calls,
    classify,
    option_commands,
    option_must_fail,
    prepare_store,
    run_case,
    sweep_api,
    sweep_files,
    sweep_web,
    whole_sample,
)

#: Mutations per source in the suite (the script's default is 40), and the seed; whole-file
#: variants in the suite's sample (the script runs all ~400).
N, SEED, WHOLE = 2, 0, 30


def _clean(tally: Tally) -> None:
    assert tally.runs > 0
    assert tally.bad() == 0, "\n".join(tally.findings[:20])


def test_mutated_files() -> None:
    tally = Tally()
    sweep_files(tally, N, SEED, seconds=60.0, whole=False)
    _clean(tally)
    # the mutations reach both ends: some inputs are refused, some still run
    assert tally.counts["error"] > 0 and tally.counts["success"] > 0, tally.summary()


def test_whole_file_variants_sample() -> None:
    """A seeded sample of the whole-file variants (empty, binary, UTF-16, header only, wrong
    delimiter, YAML/XML bombs, a damaged event store, a folder with one profile, …)."""
    tally = Tally()
    for src, case in whole_sample(WHOLE, SEED):
        run_case(tally, src, case, 60.0)
    _clean(tally)
    assert tally.counts["error"] > 0, tally.summary()


def test_option_values_sample(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A seeded sample of 40 (command, option, hostile value) runs of the ~560 the script
    runs."""
    rnd = random.Random(SEED)
    prepare_store(tmp_path)
    runs = [(before, opt, value, sure) for before, opt, kind in option_commands(tmp_path)
            for value, sure in OPTION_VALUES[kind]]
    tally = Tally()
    for before, opt, value, sure in rnd.sample(runs, 40):
        argv = [*before, opt, value]
        outcome, detail = classify(argv, [opt, value[:40] or "''", repr(value)[1:41]],
                                   option_must_fail(opt, value, sure), 60.0)
        tally.add(before[0], outcome, f"{argv} | {detail}")
    _clean(tally)


@pytest.mark.slow  # ~10 s; tests/fuzz/test_hardening.py keeps 24 of these calls in every run
def test_api_wrong_types() -> None:
    assert len(api_calls()) > 100
    tally = Tally()
    sweep_api(tally, seconds=60.0)
    _clean(tally)


def test_workbench_malformed_requests() -> None:
    pytest.importorskip("fastapi")
    tally = Tally()
    sweep_web(tally)
    _clean(tally)
    assert tally.counts["error"] >= 40, tally.summary()
