"""The analyst's voice and the argument-vector probe (protocol amendment 14, §19): the markers
counted by hand on constructed texts, the probe on synthetic vectors (its inner choice of
strength, out-of-fold probabilities, a missing class), and §19's three configurations trained,
saved, loaded and refused with the wrong arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extract.lexicon import lexicon
from detente.extract.stance_model import (
    ARGUED,
    SHARE_FEATURES,
    StanceModel,
    detector_features,
    load_stance_model,
)
from detente.extract.stance_probe import (
    PROBE_CS,
    analytic_count,
    analytic_features,
    inner_folds,
    probe_probabilities,
)

from .conftest import stance_three_parts

#: An analysis in the analyst's own voice (constructed): 2 + 2 + 2 markers in its three own
#: sentences; the quoted and the attributed sentences hold three more that do not count.
ANALYSIS = ("Moscow is likely playing for time, however much it speaks of a truce.\n\n"
            "The offer only appears generous on paper and serves to split the allies.\n\n"
            "In fact the Kremlin has not changed one demand, whether in Istanbul or Riyadh.\n\n"
            "\"We will however probably agree,\" the envoy said.\n\n"
            "Officials said the talks would only resume next week.")


def test_analytic_markers_counted_in_own_voice_only() -> None:
    assert analytic_count("However, it is likely; in fact, clearly so.") == 4
    assert analytic_count("The whatever text: nowhere, likelihood, onlyness, yeti.") == 0
    own = [s for s in ANALYSIS.split("\n\n")[:3]]
    words = sum(len(s.replace(",", " ").replace(".", " ").split()) for s in own)
    got = analytic_features(ANALYSIS, None)
    assert got.shape == (1,)
    np.testing.assert_allclose(got[0], np.log1p(6 * 100.0 / words))
    # nothing in the author's own voice: zero
    assert analytic_features("\"However, likely,\" he said.\n\nShe said it was only fair.",
                             None)[0] == 0.0


def test_analytic_detector_reads_one_more_measure() -> None:
    lex = lexicon()
    base = detector_features("vec-both", ANALYSIS, "A title", lex)
    more = detector_features("ana-det", ANALYSIS, "A title", lex)
    assert len(more) == len(base) + 1
    np.testing.assert_array_equal(more[:-1], base)
    np.testing.assert_array_equal(more[-1:], analytic_features(ANALYSIS, "A title"))


def test_probe_on_synthetic_vectors() -> None:
    pytest.importorskip("sklearn")
    from detente.extract.stance_probe import fit_probe

    rng = np.random.default_rng(0)
    k, d, n = 3, 16, 90
    y = np.arange(n) % k
    centres = rng.normal(size=(k, d)) * 2.0
    x = centres[y] + rng.normal(size=(n, d))
    arrays, oof = fit_probe(x, y, k)
    assert oof.shape == (n, k)
    np.testing.assert_allclose(oof.sum(axis=1), 1.0)
    assert float(arrays["probe_c"][0]) in PROBE_CS
    assert arrays["probe_coef"].shape == (d, k) and arrays["probe_intercept"].shape == (k,)
    # separable classes: out-of-fold and refitted readings mostly right
    assert (oof.argmax(axis=1) == y).mean() > 0.9
    fitted = np.array([probe_probabilities(v, arrays) for v in x])
    assert (fitted.argmax(axis=1) == y).mean() > 0.9
    # deterministic
    again, oof2 = fit_probe(x, y, k)
    np.testing.assert_array_equal(oof, oof2)
    np.testing.assert_array_equal(arrays["probe_coef"], again["probe_coef"])
    # a class absent from training never wins
    two = y != 1
    arrays2, oof3 = fit_probe(x[two], y[two], k)
    assert not (oof3.argmax(axis=1) == 1).any()
    assert not (np.array([probe_probabilities(v, arrays2) for v in x]).argmax(axis=1) == 1).any()
    # inner folds interleave
    assert list(inner_folds(7)) == [0, 1, 2, 3, 4, 0, 1]


def test_section_19_configurations_train_save_and_load(tmp_path: Path) -> None:
    """§19's three configurations on three development parts: ``ana-det`` is ``vec-both`` with
    one more detector measure and the same classifier; ``vec-probe`` is ``vec-both``'s detector
    with three more classifier measures (the probe's probabilities, last) and the probe's arrays;
    ``ana-probe`` both. Each file loads back and labels the same; a probe configuration's file
    without the probe is refused."""
    pytest.importorskip("sklearn")
    pytest.importorskip("wordllama")
    from detente.extract.training_stance import fit_stance

    lex = lexicon()
    items, arts = stance_three_parts(lex)
    both = fit_stance(items, "vec-both")
    assert both.detector is not None and both.classifier is not None
    probe_keys = {"probe_mean", "probe_scale", "probe_coef", "probe_intercept", "probe_c"}
    for config in ("ana-det", "vec-probe", "ana-probe"):
        model = fit_stance(items, config)
        assert model.detector is not None and model.classifier is not None
        ana, probe = config != "vec-probe", config != "ana-det"
        assert model.detector.coef.shape[0] == both.detector.coef.shape[0] + ana
        if not ana:
            np.testing.assert_allclose(model.detector.coef, both.detector.coef)
        rows = len(SHARE_FEATURES) + 3 + 3 * probe
        assert model.classifier.coef.shape == (rows, len(ARGUED))
        np.testing.assert_allclose(model.classifier.mean[:10], both.classifier.mean[:10])
        assert set(model.vectors) == set(both.vectors) | (probe_keys if probe else set())
        if not probe:
            np.testing.assert_allclose(model.classifier.coef, both.classifier.coef)
        else:
            assert float(model.meta["probe_C"]) in PROBE_CS
        model.save(tmp_path / f"{config}.npz")
        again = load_stance_model(tmp_path / f"{config}.npz")
        got = [again.predict(a.body, a.title, lex) for a in arts]
        assert got == [model.predict(a.body, a.title, lex) for a in arts]
        assert set(got) <= {*ARGUED, "neutral_report"}
    wrong = tmp_path / "wrong.npz"
    StanceModel("vec-probe", both.detector, both.classifier, both.fallback, {},
                dict(both.vectors)).save(wrong)
    with pytest.raises(DetenteError, match="does not fit"):
        load_stance_model(wrong)
