"""The GENIUS record is built without pydantic's validator (``model_construct``, issue 19
start-up): validating the same values must give the same record, field by field and type by
type, or the record would hold a value validation would have changed (a NumPy float, an int
where a float belongs) or refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.deals.genius_analysis import DomainAnalysis, analyze_domain
from detente.formats.genius import is_genius_dir
from detente.records.provenance import Provenance, make_provenance
from record_checks import assert_as_validated
from record_checks import raw as _raw
from record_checks import typed as _typed
from shared_data import GENIUS

SLOW = {"S-1NAGUNL-128", "S-1NAGUNL-255", "S-1NIKFRT-2", "S-1NIKFRT-3"}


def _domains() -> list[Path]:
    return sorted(p for p in GENIUS.rglob("*") if p.is_dir() and is_genius_dir(str(p))
                  and p.name not in ("laptopdomainNoBayes", "Railway"))


@pytest.mark.parametrize("folder", _domains(), ids=lambda p: p.name)
def test_constructed_record_is_the_validated_one(folder: Path) -> None:
    # The slow non-linear domains stop early: an anytime record (gap > 0, not exact).
    rec = analyze_domain(folder, time_limit=0.2 if folder.name in SLOW else None)
    assert isinstance(rec, DomainAnalysis)
    assert_as_validated(rec)


def test_options_truncated_normalised_and_no_agreement(tmp_path: Path) -> None:
    rec = analyze_domain(GENIUS / "other" / "AMPOvsCity", normalise_weights=True,
                         frontier_limit=3, profiles=None)
    assert rec.frontier_truncated and rec.frontier_shown == 3
    assert_as_validated(rec)
    # Reservation values no frontier point meets: the "no agreement" answer.
    dst = tmp_path / "LaptopA"
    shutil.copytree(GENIUS / "y2012" / "LaptopA", dst)
    for f in dst.glob("*.xml"):
        f.write_text(re.sub(r'<reservation value="[^"]*"', '<reservation value="0.99"',
                            f.read_text()))
    blocked = analyze_domain(dst)
    assert blocked.no_agreement is not None and not blocked.solutions
    assert_as_validated(blocked)


@pytest.mark.parametrize("seed", [None, 0, 7, np.int64(7), np.uint32(3), True])
def test_provenance_is_the_validated_one(seed: Any) -> None:
    prov = make_provenance("deals", ["./cases/x.yaml", "ru-ua"], "ab" * 32,
                           {"draws": 10, "profiles": None}, seed, created=None)
    validated = Provenance.model_validate(_raw(prov) | {"seed": seed})
    assert _typed(validated) == _typed(prov)
    assert prov.inputs == ["cases/x.yaml", "ru-ua"]


def test_provenance_refuses_what_validation_refused() -> None:
    with pytest.raises(TypeError):
        make_provenance("deals", ["x"], "ab", {"draws": 1}, 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        make_provenance("deals", ["x"], "ab", {1: 1}, None)  # type: ignore[dict-item]
