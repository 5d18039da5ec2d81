"""The third model's second stage (protocol amendment 6, §11): the NumPy tree evaluator agrees
with scikit-learn (the independent oracle it was exported from), the context features mean
what their names say on constructed probabilities, and a stacked weights file round-trips or
fails with one error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.extract.candidates import Candidate
from detente.extract.learned import LearnedModel, load_model
from detente.extract.rerank import COLUMNS, TreeEnsemble, rerank_features
from detente.extract.schema import SIGNAL_KINDS

K = len(SIGNAL_KINDS)


def _boosted(seed: int = 0):  # type: ignore[no-untyped-def]
    pytest.importorskip("sklearn")
    from sklearn.ensemble import HistGradientBoostingClassifier

    from detente.extract.training_rerank import export

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(600, 6))
    x[:, 2] = rng.integers(0, 4, 600)  # ties on a discrete column
    y = ((x[:, 0] + 0.5 * x[:, 2] - x[:, 1] * x[:, 3] + rng.normal(0, 0.5, 600)) > 0.5)
    hgb = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=7, early_stopping=False,
                                         random_state=0).fit(x, y)
    return hgb, export(hgb), rng


def test_exported_trees_agree_with_scikit_learn() -> None:
    hgb, ens, rng = _boosted()
    test = rng.normal(size=(400, 6))
    test[:, 2] = rng.integers(0, 4, 400)
    np.testing.assert_allclose(ens.probability(test), hgb.predict_proba(test)[:, 1],
                               rtol=0, atol=1e-12)
    assert ens.fits(6) and not ens.fits(2)
    assert ens.probability(np.zeros((0, 6))).shape == (0,)


def _cand(start: int, actor: str, *feats: str) -> Candidate:
    return Candidate(start, start + 10, actor, ["bias", *feats])


def test_context_features_rank_the_kind_within_sentence_and_article() -> None:
    """Two actors in one sentence, one in the next; constructed probabilities."""
    cands = [_cand(0, "RUS", "rule:summit", "ctx:reported", "speaker:before_verb"),
             _cand(0, "UKR", "rule_other:summit", "role:prep"),
             _cand(20, "USA", "cue:ceasefire", "pos:2")]
    p = np.full((3, K), 0.05)
    s, c = SIGNAL_KINDS.index("summit"), SIGNAL_KINDS.index("ceasefire")
    p[0, s], p[1, s], p[2, s] = 0.8, 0.3, 0.5
    p[2, c] = 0.6
    x = rerank_features(cands, p, np.full(K, 0.5)).reshape(3, K, len(COLUMNS))
    col = {name: i for i, name in enumerate(COLUMNS)}
    assert x.shape == (3, K, len(COLUMNS)) and (x[:, :, col["kind"]] == np.arange(K)).all()
    assert x[0, s, col["sent_rank"]] == 0 and x[1, s, col["sent_rank"]] == 1
    assert x[0, s, col["sent_margin"]] == pytest.approx(0.5)  # 0.8 − 0.3
    assert x[1, s, col["sent_margin"]] == pytest.approx(-0.5)
    assert x[2, s, col["sent_n"]] == 1 and x[2, s, col["sent_margin"]] == 0
    assert x[1, s, col["art_rank"]] == pytest.approx(2 / 3)  # third of three
    assert x[2, s, col["art_share"]] == pytest.approx(0.5 / 0.8)
    assert x[2, c, col["kind_rank"]] == 0 and x[2, s, col["kind_rank"]] == 1
    assert x[2, c, col["kind_margin"]] == pytest.approx((0.6 - 0.5) / 0.5)
    assert x[0, s, col["rule_kind"]] == 1 and x[0, c, col["rule_kind"]] == 0
    assert x[1, s, col["rule_other_kind"]] == 1 and x[2, c, col["cue_kind"]] == 1
    assert x[0, 0, col["ctx:reported"]] == 1 and x[0, 0, col["speaker:before_verb"]] == 1
    assert x[1, 0, col["role:prep"]] == 1 and x[2, 0, col["position"]] == 2
    assert rerank_features([], np.zeros((0, K)), np.full(K, 0.5)).shape == (0, len(COLUMNS))


def test_stacked_weights_file_round_trips_and_damage_is_one_error(tmp_path: Path) -> None:
    _, ens, _ = _boosted()
    cols = len(COLUMNS)
    ens = TreeEnsemble(np.minimum(ens.feature, cols - 1), ens.threshold, ens.left, ens.right,
                       ens.value, ens.roots, ens.baseline, ens.depth)
    m = LearnedModel({"bias": 0}, np.zeros((1, K)), np.zeros(K), np.full(K, 0.4),
                     np.zeros(K, bool), {"features_version": 2}, 1.5, ens, np.full(K, 0.3))
    m.save(tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.reranker is not None and back.base_thresholds is not None
    np.testing.assert_array_equal(back.reranker.left, ens.left)
    np.testing.assert_array_equal(back.base_thresholds, np.full(K, 0.3))
    cands = [_cand(0, "RUS", "rule:summit"), _cand(0, "UKR")]
    want = ens.probability(rerank_features(cands, m.probabilities(cands), np.full(K, 0.3)))
    np.testing.assert_allclose(back.scores(cands), want.reshape(2, K))
    z = dict(np.load(tmp_path / "m.npz", allow_pickle=False))
    z["tree_left"] = z["tree_left"] + len(z["tree_left"])  # children outside the arrays
    np.savez(tmp_path / "bad.npz", **z)
    with pytest.raises(DetenteError, match="does not fit"):
        load_model(tmp_path / "bad.npz")


def test_blend_mixes_the_two_stages_ratios() -> None:
    """``blend`` w: scores / thresholds = w × (second stage / its thresholds)
    + (1 − w) × (linear / its thresholds), so decoding compares the blended ratio with 1."""
    _, ens, _ = _boosted()
    cols = len(COLUMNS)
    ens = TreeEnsemble(np.minimum(ens.feature, cols - 1), ens.threshold, ens.left, ens.right,
                       ens.value, ens.roots, ens.baseline, ens.depth)
    coef = np.linspace(-1, 1, K)[None, :]
    thr2, thr1 = np.full(K, 0.4), np.linspace(0.2, 0.6, K)
    cands = [_cand(0, "RUS", "rule:summit"), _cand(10, "UKR")]
    alone = LearnedModel({"bias": 0}, coef, np.zeros(K), thr2, np.zeros(K, bool),
                         {"features_version": 2}, 1.5, ens, thr1, 1.0)
    half = LearnedModel(alone.vocab, coef, alone.intercept, thr2, alone.use_rules, alone.meta,
                        1.5, ens, thr1, 0.5)
    p1 = alone.probabilities(cands)
    want = 0.5 * alone.scores(cands) / thr2 + 0.5 * p1 / thr1
    np.testing.assert_allclose(half.scores(cands) / thr2, want, rtol=1e-12)
