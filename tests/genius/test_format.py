"""Reading GENIUS domains: semantics on hand-made and bundled files, and clear errors on copies of
real files with one defect injected."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from detente.cli.app import main
from detente.deals.compile import build_space
from detente.deals.genius import load_space, to_space
from detente.formats.genius import (
    GeniusError,
    discounted,
    is_genius_dir,
    load_domain,
    to_scenario,
)
from detente.scenario.model import Scenario

TOL = 1e-12

DOMAIN = """<negotiation_template>
<utility_space number_of_issues="3">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="colour" type="discrete" etype="discrete" vtype="discrete">
  <item index="1" value="red"/><item index="2" value="green"/><item index="3" value="blue"/>
</issue>
<issue index="2" name="count" type="integer" lowerbound="1" upperbound="5"/>
<issue index="3" name="share" type="real" lowerbound="0" upperbound="10"/>
</objective></utility_space></negotiation_template>
"""

PROFILE = """<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="colour" type="discrete">
  <item index="1" value="red" evaluation="2"/><item index="2" value="green" evaluation="4"/>
  <item index="3" value="blue" evaluation="8"/>
</issue>
<issue index="2" name="count" type="integer" lowerbound="1" upperbound="5">
  <evaluator ftype="linear" offset="0.2" slope="0.3"/>
</issue>
<issue index="3" name="share" type="real" lowerbound="0" upperbound="10">
  <evaluator ftype="linear" offset="1.0" slope="-0.2"/>
</issue>
<weight index="1" value="0.5"/><weight index="2" value="0.3"/><weight index="3" value="0.2"/>
</objective>
<discount_factor value="0.9"/>
<reservation value="0.3"/>
</utility_space>
"""


def _write(tmp_path: Path) -> Path:
    d = tmp_path / "toy"
    d.mkdir()
    (d / "toy_domain.xml").write_text(DOMAIN)
    (d / "toy_a.xml").write_text(PROFILE)
    (d / "toy_b.xml").write_text(PROFILE.replace('evaluation="8"', 'evaluation="1"')
                                 .replace('"0.3"/>\n</utility_space>', '"0.0"/>\n</utility_space>'))
    return d


def test_genius_semantics_on_a_hand_made_domain(tmp_path: Path) -> None:
    dom = load_domain(_write(tmp_path), real_steps=3)
    a = dom.profiles[0]
    # Discrete: evaluation / max evaluation of the issue.
    assert np.allclose(a.evaluations[0], [0.25, 0.5, 1.0], atol=TOL)
    # Integer: clamp(offset + slope (x - lower bound)), x = 1..5.
    assert np.allclose(a.evaluations[1], [0.2, 0.5, 0.8, 1.0, 1.0], atol=TOL)
    # Real, discretised at 0, 5, 10: 1 - 0.2 x clamped at 0.
    assert np.allclose(a.evaluations[2], [1.0, 0.0, 0.0], atol=TOL)
    assert a.reservation == pytest.approx(0.3) and a.discount == pytest.approx(0.9)
    b = dom.profiles[1]
    assert np.allclose(b.evaluations[0], [0.5, 1.0, 0.25], atol=TOL)  # max is now 4
    space = to_space(dom)
    u = space.utilities(np.array([[2, 1, 0], [0, 4, 2]]))
    assert np.allclose(u[0], [0.5 * 1 + 0.3 * 0.5 + 0.2 * 1, 0.5 * 0.25 + 0.3 * 1 + 0], atol=TOL)
    assert np.allclose(space.reservation, [0.3, 0.0])
    assert discounted(0.8, 0.9, 0.5) == pytest.approx(0.8 * 0.9 ** 0.5)
    assert discounted(0.8, 1.0, 0.5) == pytest.approx(0.8)  # 1 (or 0): no discount


def test_integer_domain_lower_bound_shift_and_clamp(genius_root: Path) -> None:
    space = load_space(genius_root / "other" / "IntegerDomain")
    # prof1: price e = clamp(0.3 + 0.08 (x + 5)), otherprice e = clamp(0.1 (x + 5)); w .75/.25.
    x = np.arange(-5, 6)
    e1 = np.clip(0.3 + 0.08 * (x + 5), 0, 1)
    e2 = np.clip(0.1 * (x + 5), 0, 1)
    assert np.allclose(space.contrib[0][0], 0.75 * e1, atol=TOL)
    assert np.allclose(space.contrib[1][0], 0.25 * e2, atol=TOL)
    assert space.contrib[0][0].max() == pytest.approx(0.75)  # 0.3 + 0.8 = 1.1 clamped to 1


def test_discrete_matches_an_independent_reading(genius_root: Path) -> None:
    """Laptop-A prof1: e = evaluation / max of the issue, read here with a regex."""
    d = genius_root / "y2012" / "LaptopA"
    text = (d / "Laptop-A-prof1.xml").read_text()
    space = load_space(d, ["Laptop-A-prof1"])
    blocks = re.findall(r"<issue.*?</issue>", text, flags=re.S)
    weights = [float(w) for w in re.findall(r'<weight index="\d+" value="([0-9.]+)"', text)]
    for k, blk in enumerate(blocks):
        ev = np.array([float(v) for v in re.findall(r'evaluation="([0-9.]+)"', blk)])
        assert np.allclose(space.contrib[k][0], weights[k] * ev / ev.max(), atol=TOL)


def test_nonlinear_profile_reads_rectangles(genius_root: Path) -> None:
    dom = load_domain(genius_root / "other" / "S-1NAGUNL-114")
    assert not dom.additive and dom.n_outcomes == 10 ** 10
    p = dom.profiles[0]
    assert p.max_utility == 1316 and p.reservation == pytest.approx(0.6)
    assert any(not r.inclusive for r in p.rectangles)  # EXCLUDES present
    with pytest.raises(GeniusError, match="non-linear"):
        to_space(dom)


def test_is_genius_dir(genius_root: Path, tmp_path: Path) -> None:
    assert is_genius_dir(genius_root / "y2012" / "LaptopA")
    assert not is_genius_dir(tmp_path)
    assert not is_genius_dir(genius_root / "y2012" / "LaptopA" / "Laptop-A-prof1.xml")


def test_scenario_round_trip(genius_root: Path) -> None:
    dom = load_domain(genius_root / "y2010" / "EnglandZimbabwe")
    data = to_scenario(dom, date="2010-05-01")
    scenario = Scenario.model_validate(data)
    space, ref = build_space(scenario), to_space(dom)
    for a, b in zip(space.contrib, ref.contrib, strict=True):
        assert np.allclose(a, b, atol=1e-9)
    assert np.allclose(space.reservation, ref.reservation)
    for st in data["stances"]:
        assert "England.xml" in st["salience"]["assumption"] or \
            "Zimbabwe.xml" in st["salience"]["assumption"]


def test_cli_import_then_check(genius_root: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "case.yaml"
    with pytest.raises(SystemExit) as ok:
        main(["import", "genius", str(genius_root / "other" / "IntegerDomain"), "-o", str(out),
              "--date", "2020-01-01"])
        raise SystemExit(0)
    assert ok.value.code in (0, None)
    assert yaml.safe_load(out.read_text())["issues"][0]["grid"]["low"] == -5
    main(["check", str(out)])
    with pytest.raises(SystemExit) as bad:
        main(["import", "genius", str(genius_root / "templates" / "Railway"), "-o",
              str(tmp_path / "r.yaml")])
    assert bad.value.code == 2
    assert "constraint utility spaces" in capsys.readouterr().err


# -- bad input, each on a copy of a real domain --------------------------------------------------
def _edit(file: Path, old: str, new: str, count: int = 1) -> None:
    text = file.read_text()
    assert old in text, old
    file.write_text(text.replace(old, new, count))


def test_truncated_xml_names_file_and_line(copy_domain) -> None:
    d = copy_domain("y2012/LaptopA")
    f = d / "Laptop-A-prof1.xml"
    f.write_text(f.read_text()[: len(f.read_text()) // 2])
    with pytest.raises(GeniusError) as exc:
        load_domain(d)
    msg = str(exc.value)
    assert "Laptop-A-prof1.xml:" in msg and "malformed or truncated XML" in msg
    assert exc.value.problems[0].line is not None


def test_missing_profile_files(copy_domain) -> None:
    d = copy_domain("y2012/LaptopA")
    with pytest.raises(GeniusError, match="profile file not found"):
        load_domain(d, ["Laptop-A-prof3"])
    for f in d.glob("*prof*.xml"):
        f.unlink()
    with pytest.raises(GeniusError, match="no profile files"):
        load_domain(d)


def test_weights_not_summing_to_one(copy_domain) -> None:
    """GENIUS loads such a profile with its weights as written (and caps at 1): a warning that
    names the file and the element, not a refusal; ``normalise_weights`` rescales."""
    d = copy_domain("y2010/EnglandZimbabwe")
    text = (d / "England.xml").read_text()
    first = re.search(r'<weight index="1" value="([0-9.]+)"', text)
    assert first is not None
    _edit(d / "England.xml", first.group(0), '<weight index="1" value="0.9"')
    dom = load_domain(d)
    prof = next(p for p in dom.profiles if p.name == "England")
    assert prof.weight_sum == pytest.approx(sum(prof.weights)) and prof.weight_sum > 1.2
    assert any("England.xml" in n and "objective/weight" in n and "not 1" in n
               for n in dom.notes)
    norm = next(p for p in load_domain(d, normalise_weights=True).profiles
                if p.name == "England")
    assert sum(norm.weights) == pytest.approx(1.0)
    assert np.allclose(np.array(norm.weights) * prof.weight_sum, prof.weights)


def test_missing_and_non_numeric_evaluations(copy_domain) -> None:
    d = copy_domain("y2012/LaptopA")
    f = d / "Laptop-A-prof2.xml"
    original = f.read_text()
    item = re.search(r'<item[^>]*evaluation="[^"]*"[^>]*>\s*</item>', original)
    assert item is not None
    f.write_text(original.replace(item.group(0), "", 1))
    with pytest.raises(GeniusError) as exc:
        load_domain(d)
    assert "no evaluation for 1 value" in str(exc.value) and "issue[" in str(exc.value)
    f.write_text(re.sub(r'evaluation="[^"]*"', 'evaluation="high"', original, count=1))
    with pytest.raises(GeniusError) as exc:
        load_domain(d)
    assert "'evaluation' is not a number" in str(exc.value) and "'high'" in str(exc.value)
    assert "Laptop-A-prof2.xml" in str(exc.value) and "/item[" in str(exc.value)


def test_issue_index_mismatch(copy_domain) -> None:
    d = copy_domain("y2012/LaptopA")
    _edit(d / "Laptop-A-prof1.xml", '<issue index="3"', '<issue index="7"')
    with pytest.raises(GeniusError, match="issue index mismatch"):
        load_domain(d)


def test_issue_name_mismatch(copy_domain) -> None:
    d = copy_domain("y2010/EnglandZimbabwe")
    text = (d / "Zimbabwe.xml").read_text()
    name = re.search(r'<issue[^>]*name="([^"]+)"', text)
    assert name is not None
    _edit(d / "Zimbabwe.xml", f'name="{name.group(1)}"', 'name="Something else"')
    with pytest.raises(GeniusError, match="issue index mismatch"):
        load_domain(d)


def test_one_party_is_not_a_scenario(genius_root: Path) -> None:
    dom = load_domain(genius_root / "other" / "laptopdomainNoBayes")
    with pytest.raises(GeniusError, match="at least two parties"):
        to_scenario(dom, date="2020-01-01")


def test_constraint_spaces_are_named(genius_root: Path) -> None:
    with pytest.raises(GeniusError, match="constraint utility spaces"):
        load_domain(genius_root / "templates" / "Railway", ["NS"])


def test_rectangle_on_unknown_issue(copy_domain) -> None:
    d = copy_domain("other/10issues")
    _edit(d / "profile-1.xml", '<INCLUDES index="2"', '<INCLUDES index="12"')
    with pytest.raises(GeniusError) as exc:
        load_domain(d)
    assert "hyperRectangle[0]/INCLUDES" in str(exc.value) and "profile-1.xml" in str(exc.value)
