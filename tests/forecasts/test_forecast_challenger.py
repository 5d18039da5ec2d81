"""The challenger: its pre-registered split, its fit on training proposals only, its limits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.forecasts.backtest import issue_table, scorable
from detente.forecasts.challenger import (
    FITTED,
    ChallengerModel,
    ChallengerParams,
    challenger_position,
    fit_challenger,
    is_test_proposal,
)
from detente.forecasts.compromise import weighted_median
from detente.formats.deu import read_deu

DEU = Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv"


def test_split_is_fixed_and_about_a_third():
    ids = [f"d{y:02d}{n:03d}" for y in range(0, 20) for n in range(50)]
    share = np.mean([is_test_proposal(p) for p in ids])
    assert share == pytest.approx(1 / 3, abs=0.05)
    assert is_test_proposal("d00060") == is_test_proposal("d00060")


def test_frozen_parameters_come_from_the_training_proposals_only():
    if not DEU.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    train = [i for i in scorable(read_deu(DEU)) if not is_test_proposal(i.proposal)]
    assert len(train) == 165
    params, mae = fit_challenger([issue_table(i) for i in train],
                                 np.array([i.outcome for i in train]))
    assert params == FITTED
    assert mae == pytest.approx(19.87, abs=0.01)


def test_limits_of_the_kernel():
    x = np.array([0.0, 40.0, 50.0, 100.0])
    s = np.array([1.0, 0.5, 0.8, 1.0])
    c = np.array([3.0, 1.0, 1.0, 2.0])
    ones = np.ones(4)
    wide = challenger_position(x, s, c, ones, None, ChallengerParams(tau=float("inf")))
    assert wide == pytest.approx(float(weighted_median(x, s, c)))
    # a narrow kernel snaps the compromise (about 36.5) to the nearest held position
    snap = challenger_position(x, s, c, ones, None, ChallengerParams(tau=0.5))
    assert snap == 40.0
    # ... unless every held position is so far that the kernel weight vanishes (< 1e-12):
    # then the forecast is the compromise itself (part of the model as fitted and evaluated)
    far = challenger_position(x, s, c, ones, None, ChallengerParams(tau=0.01))
    assert far == pytest.approx(float((c * s * x).sum() / (c * s).sum()))
    # the reference point with most of the weight becomes the forecast
    ref = challenger_position(x, s, c, ones, 70.0, ChallengerParams(reference_weight=0.9))
    assert ref == 70.0


def test_role_weights_apply_by_actor_name():
    from detente.formats.table import StakeholderTable

    t = StakeholderTable.build(["com", "a", "b"], [1, 1, 1], [0, 100, 100], [1, 1, 1])
    plain = ChallengerModel(ChallengerParams()).forecast(t).position[0]
    heavy = ChallengerModel(ChallengerParams(role_weight=(("com", 5.0),))).forecast(t)
    assert plain == 100.0 and heavy.position[0] == 0.0
