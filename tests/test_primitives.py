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


def test_one_logit_with_the_clip_as_a_parameter() -> None:
    """The three former copies: the signals' two (log p − log1p(−p), clipped at 1e-12 and 1e-6)
    are the same numbers to the bit; the war model's log(p / (1 − p)) within one rounding
    (about 2e-16 absolute on log-odds of order 1); the clip is where each copy had it."""
    from detente.logistic import expit, logit

    p = np.random.default_rng(2).random(10_000)
    p[:3] = (0.0, 1.0, 1e-9)
    for clip in (1e-12, 1e-6):
        q = np.clip(p, clip, 1 - clip)
        assert np.array_equal(logit(p, clip), np.log(q) - np.log1p(-q))
    q = np.clip(p, 1e-12, 1 - 1e-12)
    np.testing.assert_allclose(logit(p), np.log(q / (1 - q)), rtol=1e-13, atol=1e-15)
    assert logit(0.0, 1e-6) == pytest.approx(np.log(1e-6 / (1 - 1e-6)), rel=1e-12)
    z = np.random.default_rng(3).normal(0, 4, 10_000)
    assert np.array_equal(expit(z), 1.0 / (1.0 + np.exp(-z)))
    np.testing.assert_allclose(expit(z), 0.5 * (1 + np.tanh(0.5 * z)), rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(expit(logit(p[3:])), p[3:], rtol=1e-9)
    assert expit(-1000.0) == 0.0 and expit(1000.0) == 1.0


def test_the_forecast_draws_are_the_one_triangular_sampler() -> None:
    """The stakeholder Monte Carlo's former sampler (inverse CDF by hand, one uniform per cell,
    degenerate cells at their mode) against ``draw_triangular``: the same uniforms, so the same
    draws up to one rounding (numpy groups the products differently)."""
    from detente.scenario.values import draw_triangular

    r = np.random.default_rng(1)
    lo = r.random((7, 3))
    hi = lo + r.random((7, 3))
    mo = lo + (hi - lo) * r.random((7, 3))
    hi[0], mo[0], mo[1] = lo[0], lo[0], lo[1]  # a degenerate row; a row with mode = low
    u = np.random.default_rng(3).random((4000, 7, 3))
    width = hi - lo
    safe = np.where(width > 0, width, 1.0)
    old = np.where(u < (mo - lo) / safe, lo + np.sqrt(u * safe * (mo - lo)),
                   hi - np.sqrt((1 - u) * safe * (hi - mo)))
    old = np.where(width > 0, old, mo)
    new = draw_triangular(lo, mo, hi, (4000, 7, 3), np.random.default_rng(3))
    np.testing.assert_allclose(new, old, rtol=0, atol=4.5e-16)
    assert np.array_equal(new[:, 0], np.broadcast_to(mo[0], (4000, 3)))


def test_one_no_agreement_record_for_scenarios_and_genius_domains() -> None:
    """Both analyses answer an empty ZOPA with ``NoAgreement`` built from ``zopa.blocking``."""
    from detente.deals.genius_analysis import DomainAnalysis
    from detente.deals.result import DealAnalysis, NoAgreement, Package
    from detente.deals.zopa import blocking

    for record in (DealAnalysis, DomainAnalysis):
        assert record.model_fields["no_agreement"].annotation == NoAgreement | None
    pts = np.array([[0.9, 0.2], [0.5, 0.5], [0.2, 0.9]])
    blk = blocking(pts, np.array([0.7, 0.7]))
    na = NoAgreement.of(blk, ["A", "B"], lambda row: Package(
        options={"row": str(row)}, utilities=dict(zip("AB", pts[row].tolist(), strict=True))),
        1e-9)
    assert na.blocking_actors == ["A", "B"]
    assert na.shortfall == pytest.approx({"A": 0.2, "B": 0.2})
    assert {b.actor: b.concession for b in na.sole_blockers} == pytest.approx({"A": 0.5,
                                                                              "B": 0.5})
    assert na.common_concession == pytest.approx(0.2)


def test_one_position_for_a_byte_that_is_not_utf8(tmp_path) -> None:
    """Text files, PA-X, UCDP PAD and articles name the first byte that is not UTF-8 with one
    helper: its offset in the file (after a byte-order mark too: 'utf-8-sig' counts past it)
    and its line."""
    from detente.extract.article import read_article
    from detente.formats.pax import read_pax
    from detente.formats.ucdp_pad import read_ucdp_pad
    from detente.limits import read_text

    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbfa,b\nc\xe9,d\n")  # the bad byte is at offset 8, on line 2
    for read in (lambda p: read_text(p, "sources"), read_pax, read_ucdp_pad):
        with pytest.raises(DetenteError) as err:
            read(f)
        assert f"{f}:2: not UTF-8 text (byte 8: b'\\xe9')" in str(err.value)
    with pytest.raises(DetenteError) as err:
        read_article(f)
    assert f"{f}:2: not valid UTF-8" in str(err.value) and "\\xe9,d" in str(err.value)
