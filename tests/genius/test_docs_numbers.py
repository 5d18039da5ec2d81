"""The numbers docs/genius.md quotes for detente are the computed ones, and its Python example
runs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from detente.deals.genius import domain_frontier, to_space
from detente.formats.genius import load_domain

DOC = Path(__file__).resolve().parents[2] / "docs" / "genius.md"


def test_python_example_runs(genius_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not DOC.is_file():
        pytest.skip("docs/genius.md not found")
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert code is not None
    monkeypatch.chdir(DOC.parents[1])  # the example reads tests/data/genius
    scope: dict[str, object] = {}
    exec(compile(code.group(1), str(DOC), "exec"), scope)
    res = scope["res"]
    assert np.allclose(res.utilities[res.solutions["nash"]], [0.706, 0.783], atol=5e-4)


def test_quoted_values(genius_root: Path) -> None:
    ez = to_space(load_domain(genius_root / "y2012" / "EnglandvsZimbabweA"))
    assert np.allclose(ez.utilities(np.zeros((1, 5), int))[:, 0], [0.587, 0.717], atol=5e-4)
    integer = to_space(load_domain(genius_root / "other" / "IntegerDomain"))
    assert np.allclose(integer.utilities(np.zeros((1, 2), int))[:, 0], [0.225, 0.0], atol=1e-12)
    ampo = domain_frontier(load_domain(genius_root / "other" / "AMPOvsCity"))
    assert len(ampo) == 192 and ampo.n_outcomes == 283
    seven = domain_frontier(load_domain(genius_root / "templates" / "7issues"))
    nash = seven.utilities[seven.solutions["nash"]]
    assert np.prod(nash) == pytest.approx(0.332110, abs=1e-6)
    assert np.prod(nash) > 0.5375495510549875 * 0.6177316532262076  # negmas's point
    nik = domain_frontier(load_domain(genius_root / "other" / "S-1NIKFRT-2"))
    assert len(nik) == 16 and nik.gap == 0.0 and nik.capped
    assert nik.utilities.max() == 1.0
