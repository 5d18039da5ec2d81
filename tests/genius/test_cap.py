"""GENIUS's cap at 1 (``getUtility`` ends ``if (result > 1) return 1``): the capped frontier,
its outcome counts and the bargaining solutions on it equal a brute force over every outcome;
weights as written with a warning (SYAgent-like 1.1, far-off 3), bad input named; and
``detente analyze DIR`` gives the API's numbers (one code path)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.cli.app import main
from detente.deals.capped import cap_frontier, capped_outcomes
from detente.deals.genius import domain_frontier, to_space
from detente.deals.genius_analysis import analyze_domain
from detente.deals.issuewise import frontier_solutions, issuewise_frontier
from detente.deals.space import AdditiveSpace
from detente.formats.genius import GeniusError, load_domain
from strategies import all_utilities

TOL = 1e-12


@st.composite
def over_one_spaces(draw: st.DrawFn) -> AdditiveSpace:
    """Coarse-grid contributions whose sums often pass 1 (weights summing above 1), so the cap
    merges vectors and makes ties off the uncapped frontier."""
    a = draw(st.integers(2, 3))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    contrib = tuple(np.array(draw(st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n),
                                           min_size=a, max_size=a)), dtype=float) / 4
                    for n in sizes)
    return AdditiveSpace(tuple(f"a{i}" for i in range(a)),
                         tuple(f"i{k}" for k in range(len(sizes))),
                         tuple(tuple(f"o{o}" for o in range(n)) for n in sizes), contrib,
                         np.zeros(a))


def brute_capped(space: AdditiveSpace) -> dict[tuple[float, ...], int]:
    """Every outcome capped, each tested against every other: frontier vector → outcomes."""
    u = np.minimum(all_utilities(space), 1.0)
    ge = np.all(u[None, :, :] >= u[:, None, :] - TOL, axis=2)
    gt = np.any(u[None, :, :] > u[:, None, :] + TOL, axis=2)
    front = u[~(ge & gt).any(axis=1)]
    out: dict[tuple[float, ...], int] = {}
    for row in np.round(front / TOL).tolist():
        out[tuple(row)] = out.get(tuple(row), 0) + 1
    return out


def _scores(pts: np.ndarray) -> dict[str, float]:
    ideal = pts.max(axis=0)
    share = np.divide(pts, ideal, out=np.ones_like(pts), where=ideal > 1e-12)
    return {"nash": float(np.prod(pts, axis=1).max()),
            "kalai_smorodinsky": float(share.min(axis=1).max()),
            "egalitarian": float(pts.min(axis=1).max()),
            "utilitarian": float(pts.sum(axis=1).max())}


@settings(max_examples=150, deadline=None)
@given(over_one_spaces())
def test_capped_frontier_counts_and_solutions_equal_brute_force(space: AdditiveSpace) -> None:
    f = issuewise_frontier(space)
    c = cap_frontier(f.utilities, f.index, f.counts, space.best())
    want = brute_capped(space)
    got = dict(zip(map(tuple, np.round(c.utilities / TOL).tolist()),
                   np.asarray(c.counts).tolist(), strict=True))
    assert set(got) == set(want)
    for key, n in got.items():  # exact, or a lower bound where flagged
        assert n <= want[key]
    for key, ok in zip(map(tuple, np.round(c.utilities / TOL).tolist()), c.counts_exact,
                       strict=True):
        if ok:
            assert got[key] == want[key]
    _, hit = capped_outcomes(space, c.utilities)
    assert np.bincount(hit, minlength=len(c.utilities)).tolist() == [
        want[k] for k in map(tuple, np.round(c.utilities / TOL).tolist())]
    assert np.allclose(np.minimum(space.utilities(c.index).T, 1.0), c.utilities, atol=1e-12)
    sol = frontier_solutions(c.utilities, np.zeros(space.n_actors), space.actors)
    assert isinstance(sol, dict)
    every = np.minimum(all_utilities(space), 1.0)
    best = _scores(every)
    for name, value in best.items():
        got_score = _scores(c.utilities[[sol[name]]])[name]
        if name == "kalai_smorodinsky":  # share of the ideal of the whole frontier
            pts = c.utilities
            ideal = pts.max(axis=0)
            got_score = float(np.min(np.divide(pts[sol[name]], ideal, out=np.ones(len(ideal)),
                                               where=ideal > 1e-12)))
        assert got_score == pytest.approx(value, abs=1e-9), name


def _write(folder: Path, weights: list[list[float]], evals: list[list[list[int]]],
           extra: str = "") -> Path:
    """A small GENIUS domain: discrete issues, one profile per party."""
    folder.mkdir(parents=True, exist_ok=True)
    n_opts = [len(e) for e in evals[0]]
    issues = "".join(f'<issue index="{k + 1}" name="i{k + 1}" type="discrete">' + "".join(
        f'<item index="{o + 1}" value="v{o + 1}"/>' for o in range(n)) + "</issue>"
        for k, n in enumerate(n_opts))
    (folder / "domain.xml").write_text(
        f'<negotiation_template><utility_space><objective index="0" name="r">{issues}'
        "</objective></utility_space></negotiation_template>")
    for p, (w, ev) in enumerate(zip(weights, evals, strict=True)):
        body = "".join(f'<issue index="{k + 1}" name="i{k + 1}" type="discrete">' + "".join(
            f'<item index="{o + 1}" value="v{o + 1}" evaluation="{e}"/>'
            for o, e in enumerate(row)) + "</issue>" for k, row in enumerate(ev))
        ws = "".join(f'<weight index="{k + 1}" value="{x}"/>' for k, x in enumerate(w))
        (folder / f"party{p + 1}.xml").write_text(
            f'<utility_space><objective index="0" name="r">{body}{ws}</objective>{extra}'
            "</utility_space>")
    return folder


def _syagent_like(tmp_path: Path) -> Path:
    """Weights summing to 1.1 (as ANAC 2016 SYAgent's): party 1's best outcomes pass 1."""
    ev = [[[1, 3, 5, 5], [5, 2, 4]], [[5, 4, 1, 2], [1, 5, 5]]]
    return _write(tmp_path / "syagent", [[0.6, 0.5], [0.5, 0.5]], ev)


def test_syagent_like_domain_loads_with_weights_as_written_and_caps(tmp_path: Path) -> None:
    d = _syagent_like(tmp_path)
    dom = load_domain(d)
    assert [p.weight_sum for p in dom.profiles] == pytest.approx([1.1, 1.0])
    assert len(dom.notes) == 1 and "party1.xml" in dom.notes[0] and "1.1" in dom.notes[0]
    f = domain_frontier(dom)
    assert f.capped and f.utilities.max() == 1.0
    space = to_space(dom)
    want = brute_capped(space)
    assert dict(zip(map(tuple, np.round(f.utilities / TOL).tolist()),
                    np.asarray(f.counts).tolist(), strict=True)) == want
    assert f.counts_exact is not None and f.counts_exact.all()
    norm = domain_frontier(load_domain(d, normalise_weights=True))
    assert not norm.capped


def test_far_off_negative_and_out_of_range_input_is_named(tmp_path: Path) -> None:
    far = _write(tmp_path / "far", [[1.5, 1.5], [0.5, 0.5]], [[[1, 2], [2, 1]]] * 2)
    notes = load_domain(far).notes
    assert len(notes) == 1 and "party1.xml" in notes[0] and "far from 1" in notes[0]
    assert "utility_space/objective/weight" in notes[0]
    neg = _write(tmp_path / "neg", [[-0.2, 1.2], [0.5, 0.5]], [[[1, 2], [2, 1]]] * 2)
    with pytest.raises(GeniusError) as exc:
        load_domain(neg)
    p = exc.value.problems[0]
    assert "party1.xml" in str(p.file) and "negative" in p.message and "weight" in str(p.path)
    integer = tmp_path / "int"
    integer.mkdir()
    (integer / "domain.xml").write_text(
        '<negotiation_template><utility_space><objective index="0" name="r"><issue index="1" '
        'name="price" type="integer" lowerbound="0" upperbound="10"/></objective>'
        "</utility_space></negotiation_template>")
    for name, slope in (("a", "0.2"), ("b", "-0.1")):
        (integer / f"{name}.xml").write_text(
            '<utility_space><objective index="0" name="r"><issue index="1" name="price" '
            f'type="integer"><evaluator ftype="linear" offset="0" slope="{slope}"/></issue>'
            '<weight index="1" value="1"/></objective></utility_space>')
    notes = load_domain(integer).notes
    assert any("a.xml" in n and "evaluator" in n and "clamped" in n for n in notes)
    assert any("b.xml" in n and "evaluator" in n for n in notes)


def test_cli_and_api_give_the_same_numbers(genius_root: Path, tmp_path: Path, capsys) -> None:
    """`detente analyze DIR` goes through `analyze_domain`: same utilities, counts printed."""
    d = _syagent_like(tmp_path)
    out = tmp_path / "r.json"
    main(["analyze", str(d), "--json", str(out), "--frontier-limit", "2"])
    text = capsys.readouterr().out
    api = analyze_domain(d, frontier_limit=2)
    rec = json.loads(out.read_text())
    assert rec["solutions"] == api.model_dump(mode="json")["solutions"]
    assert rec["frontier_truncated"] and rec["frontier_shown"] == 2
    assert f"{api.frontier_distinct} distinct utility vectors" in text
    assert f"reached by {api.frontier_outcomes} outcomes" in text
    assert "cut at 2 of" in text and "warning" in text and "party1.xml" in text
    laptop = genius_root / "y2012" / "LaptopA"
    main(["analyze", str(laptop), "--json", str(out)])
    rec = json.loads(out.read_text())
    f = domain_frontier(load_domain(laptop))
    nash = f.utilities[f.solutions["nash"]]
    assert list(rec["solutions"]["nash"]["utilities"].values()) == pytest.approx(nash, abs=0)
    assert not rec["frontier_truncated"] and len(rec["frontier"]) == len(f)


def test_cli_analyzes_a_non_linear_domain_with_its_gap(genius_root: Path, tmp_path: Path,
                                                        capsys) -> None:
    out = tmp_path / "n.json"
    main(["analyze", str(genius_root / "other" / "10issues"), "--json", str(out), "-q"])
    text = capsys.readouterr().out
    rec = json.loads(out.read_text())
    assert rec["method"] == "nonlinear" and rec["exact"] and rec["gap"] == 0.0
    assert "10 distinct utility vectors" in text and "not counted" in text


def test_cli_refuses_scenario_options_on_a_folder(genius_root: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(genius_root / "y2012" / "LaptopA"), "--draws", "10"])
    assert exc.value.code == 2
    assert "--draws" in capsys.readouterr().err


@pytest.mark.parametrize("which", ["syagent", "laptop"])
def test_every_tied_outcome_on_request(which: str, genius_root: Path, tmp_path: Path) -> None:
    from detente.deals.genius_analysis import frontier_outcomes

    d = _syagent_like(tmp_path) if which == "syagent" else genius_root / "y2012" / "LaptopA"
    dom = load_domain(d)
    f = domain_frontier(dom)
    index, rows = frontier_outcomes(dom, f)
    assert np.bincount(rows, minlength=len(f)).tolist() == np.asarray(f.counts).tolist()
    u = np.minimum(to_space(dom).utilities(index).T, 1.0)
    assert np.allclose(u, f.utilities[rows], atol=1e-12)
    assert len(index) == sum(brute_capped(to_space(dom)).values())
