"""One of each primitive (issue 20): where the same idea was written twice, the callers now
share one implementation, and it gives the numbers the copies gave."""

from __future__ import annotations

import numpy as np
import pytest

from detente.cases import case_path
from detente.deals.compile import _Draw
from detente.errors import DetenteError
from detente.records.base import Record
from detente.scenario.model import Number, Quantity, Source
from detente.scenario.values import draw_quantity
from detente.signals.evidence import parse_signals
from detente.war.dynamics import draw


def bundled_signals_text() -> str:
    return (case_path("ru-ua").parent / "signals" / "ru-ua.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("q", [Quantity(low=0.2, likely=0.5, high=0.9),
                               Quantity(low=1.0, likely=1.0, high=3.0),
                               Quantity(low=4.0, likely=4.0, high=4.0)])
def test_one_triangular_draw_of_a_quantity(q: Quantity) -> None:
    """The deal tables and the war model draw a range the same way: numpy's triangular when
    uncertain, the likely value (and no random number used) when certain."""
    def rng() -> np.random.Generator:
        return np.random.default_rng(11)

    a, b = rng(), rng()
    ours = draw_quantity(q, 500, a)
    if q.uncertain:
        assert np.array_equal(ours, b.triangular(q.low, q.likely, q.high, size=500))
    else:
        assert np.array_equal(ours, np.full(500, q.likely))
        assert a.random() == b.random()  # the stream did not move
    assert np.array_equal(draw(Number(value=q), 500, rng()), draw_quantity(q, 500, rng()))
    assert np.array_equal(_Draw(500, np.random.default_rng(11))(q),
                          draw_quantity(q, 500, np.random.default_rng(11)))


def test_signals_sources_are_the_scenario_source() -> None:
    case = parse_signals(bundled_signals_text(), "ru-ua.yaml")
    src = case.sources["seed-001"]
    assert isinstance(src, Source) and src.file == "001_d0665d34aa104011.txt"


def test_a_bad_signals_source_id_is_one_located_problem() -> None:
    text = bundled_signals_text().replace("  seed-003:\n", "  seed 003 (bad):\n", 1)
    with pytest.raises(DetenteError) as info:
        parse_signals(text, "s.yaml")
    problems = [p for p in info.value.problems if "not a usable source" in p.message]
    assert len(problems) == 1 and problems[0].file == "s.yaml" and problems[0].line


def test_agreement_records_share_the_record_base() -> None:
    from detente.agreements.record import AgreementsRecord

    assert issubclass(AgreementsRecord, Record)


@pytest.mark.parametrize("sizes", [(3,), (2, 3, 2), (5, 1, 4, 7), (1, 1)])
def test_one_mixed_radix_decoder_agrees_with_numpy(sizes: tuple[int, ...]) -> None:
    from detente.deals.space import mixed_radix

    flat = np.arange(int(np.prod(sizes)))
    assert np.array_equal(mixed_radix(flat, sizes), np.column_stack(np.unravel_index(flat, sizes)))


def test_the_nonlinear_search_filters_with_the_house_dominance() -> None:
    """The bounded search prunes a node when an incumbent strictly dominates its bound: the
    house's ``dominated_by`` against a plain loop over pairs."""
    from detente.deals.dominance import dominated_by

    rng = np.random.default_rng(4)
    inc, ub = rng.integers(0, 4, (30, 3)).astype(float), rng.integers(0, 4, (200, 3)) * 1.0
    want = [any(all(w >= u) and any(w > u) for w in inc) for u in ub]
    assert dominated_by(inc, ub, 0.0).tolist() == want
    assert not dominated_by(inc[:0], ub, 0.0).any()
