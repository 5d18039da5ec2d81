"""Chunked Monte Carlo draws equal the one-shot draws number for number (detente.deals.streams),
so the streamed Monte Carlo gives the one-shot record whatever the chunk size."""

from __future__ import annotations

import numpy as np
import pytest

from detente.cases import case_path
from detente.deals.compile import build_tables
from detente.deals.montecarlo import monte_carlo
from detente.deals.open_terms import proposal_fills
from detente.deals.ratification import constituencies
from detente.deals.streams import IntegerSegments, TriangularSegments
from detente.deals.uncertainty import package_utilities, zopa_exists
from detente.scenario import load_file


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return load_file(case_path("ru-ua-2024-09"))


@pytest.mark.parametrize("chunk", [1, 7, 64, 333])
def test_chunked_tables_equal_one_shot_tables(case, chunk: int) -> None:  # type: ignore[no-untyped-def]
    D = 333
    whole = build_tables(case, D, np.random.default_rng(5))
    seg = TriangularSegments(np.random.default_rng(5), D)
    parts = []
    for s in range(0, D, chunk):
        seg.window(min(chunk, D - s))
        parts.append(build_tables(case, min(chunk, D - s), seg))
    np.testing.assert_array_equal(np.concatenate([p.reservation for p in parts]),
                                  whole.reservation)
    for k, c in enumerate(whole.contrib):
        np.testing.assert_array_equal(np.concatenate([p.contrib[k] for p in parts]), c)


@pytest.mark.parametrize("start", [0, 1, 150, 332])
def test_a_chunk_alone_reads_the_one_shot_numbers(case, start: int) -> None:  # type: ignore[no-untyped-def]
    """A worker given only draws [start, start + n) builds the same tables as the one-shot
    draws' rows start … start + n − 1 (what lets chunks run anywhere)."""
    D = 333
    n = min(40, D - start)
    whole = build_tables(case, D, np.random.default_rng(5))
    seg = TriangularSegments(np.random.default_rng(5), D, start)
    seg.window(n)
    part = build_tables(case, n, seg)
    np.testing.assert_array_equal(part.reservation, whole.reservation[start:start + n])
    for k, c in enumerate(whole.contrib):
        np.testing.assert_array_equal(part.contrib[k], c[start:start + n])


@pytest.mark.parametrize("chunk", [1, 5, 1000, 4096])
def test_chunked_integers_equal_one_shot_integers(chunk: int) -> None:
    D, bounds = 4096, [3, 7, 2, 5, 1 << 20]
    rng = np.random.default_rng(9)
    whole = [rng.integers(0, n, size=D) for n in bounds]
    seg = IntegerSegments(np.random.default_rng(9), D, bounds)
    for j in range(len(bounds)):
        got = np.concatenate([seg.draw(j, min(chunk, D - s)) for s in range(0, D, chunk)])
        np.testing.assert_array_equal(got, whole[j])


def _one_shot(scenario, draws: int, seed: int, veto: list[int], cand):  # type: ignore[no-untyped-def]
    """The Monte Carlo as it was before streaming: every draw held at once (the oracle)."""
    t = build_tables(scenario, draws, np.random.default_rng(seed))
    z = zopa_exists(t, veto, cand, 1e-9)
    fill_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    odds = []
    for prop in scenario.proposals:
        f = proposal_fills(scenario, prop)
        idx = f.sample(draws, fill_rng) if f.open_issues else list(f.fixed)
        acc = package_utilities(t, idx) >= t.reservation - 1e-9
        defined = np.isfinite(t.reservation).all(axis=0)
        odds.append((float(acc[:, veto].all(axis=1).mean()), acc.mean(axis=0)[defined]))
    return z, odds


@pytest.mark.parametrize("chunk", [17, 256])
def test_streamed_monte_carlo_equals_one_shot(case, chunk: int) -> None:  # type: ignore[no-untyped-def]
    veto = [i for i, a in enumerate(case.actors) if a.veto]
    cand = np.zeros((0, len(case.issues)), dtype=np.int64)
    assert constituencies(case)  # ratification is exercised too
    z, odds = _one_shot(case, 700, 4, veto, cand)
    mc = monte_carlo(case, 700, 4, veto, cand, 1e-9, chunk=chunk)
    assert mc.p_zopa_nonempty == float(z.exists.mean())
    assert (mc.settled_by_bound, mc.settled_by_candidate, mc.settled_by_enumeration) == (
        z.by_bound, z.by_candidate, z.by_enumeration)
    for o, (p_all, p_acc) in zip(mc.proposals, odds, strict=True):
        assert o.p_accepted_by_all_veto == p_all
        assert list(o.p_accept.values()) == [float(x) for x in p_acc]


def test_memory_does_not_grow_with_draws() -> None:
    """Peak traced memory of 40,000 draws stays within 1.5× that of 2,000 (chunks of 1,000);
    one-shot tables take about 4× on this case."""
    import tracemalloc
    from pathlib import Path

    s = load_file(Path(__file__).parents[1] / "toy.yaml")
    veto = [i for i, a in enumerate(s.actors) if a.veto]
    cand = np.zeros((0, len(s.issues)), dtype=np.int64)
    peaks = []
    for draws in (2000, 40_000):
        tracemalloc.start()
        monte_carlo(s, draws, 1, veto, cand, 1e-9, chunk=1000)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0], peaks
