"""The forecast and backtest commands, the Monte Carlo layer and the scenario adapter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.cli.app import main
from detente.forecasts.compromise import CompromiseModel, MedianModel
from detente.forecasts.eum import ExpectedUtilityModel
from detente.forecasts.montecarlo import InputRanges, monte_carlo
from detente.formats.table import StakeholderTable
from detente.scenario.values import draw_triangular

DATA = Path(__file__).resolve().parents[1] / "data" / "reference"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"fixture missing: {path}")
    return path


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(argv)
        raise SystemExit(0)
    return int(exc.value.code or 0)


def test_forecast_csv_writes_json_and_html(tmp_path, capsys):
    src = need(DATA / "bdm" / "emission.csv")
    out, html = tmp_path / "f.json", tmp_path / "f.html"
    code = run(["forecast", str(src), "--draws", "40", "--seed", "5", "--json", str(out),
                "--html", str(html)])
    assert code == 0
    rec = json.loads(out.read_text())
    assert rec["provenance"]["analysis"] == "forecast" and rec["provenance"]["seed"] == 5
    models = {f["model"]: f for f in rec["issues"][0]["forecasts"]}
    assert set(models) == {"compromise", "median", "eum", "smp", "nash", "exchange",
                           "procedural", "ensemble"}
    assert models["compromise"]["position"][0] == pytest.approx(7.3899, abs=1e-3)
    assert models["eum"]["rounds"] == 8 and len(models["eum"]["predicted_by_round"]) == 9
    mc = {m["model"]: m for m in rec["issues"][0]["monte_carlo"]}
    assert mc["eum"]["draws"] == 40
    assert mc["compromise"]["quantiles"]["p05"][0] <= mc["compromise"]["quantiles"]["p95"][0]
    text = html.read_text()
    assert text.startswith("<!DOCTYPE html>") and text.count('class="vl-spec"') == 2
    assert "compromise" in capsys.readouterr().out


def test_forecast_errors_exit_2_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,x,3,0.5\n")
    assert run(["forecast", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv:3:2" in err and "Traceback" not in err
    assert run(["forecast", str(need(DATA / "bdm" / "emission.csv")), "-m", "oracle"]) == 2
    assert "unknown model" in capsys.readouterr().err


def test_forecast_ktab_dimension(capsys):
    src = need(DATA / "ktab" / "dummyData_3Dim.csv")
    assert run(["forecast", str(src), "--issue", "Pstn2", "-m", "smp"]) == 0
    assert "Pstn2" in capsys.readouterr().out
    assert run(["forecast", str(src), "--issue", "nope"]) == 2


def test_backtest_command_on_a_slice(tmp_path, capsys):
    lines = need(DATA / "deu3-dev.tsv").read_text(encoding="utf-8").splitlines()
    part = tmp_path / "part.tsv"
    part.write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    out = tmp_path / "b.json"
    code = run(["backtest", str(part), "-m", "median", "-m", "eum", "--bootstrap", "200",
                "--json", str(out)])
    assert code == 0
    rec = json.loads(out.read_text())
    assert rec["models"] == ["compromise", "median", "eum"]
    assert rec["provenance"]["analysis"] == "backtest"
    assert all(set(i["residual"]) == {"compromise", "median", "eum"} for i in rec["issues"])
    assert "voting=QMV" in capsys.readouterr().out


def test_backtest_executor_same_record_and_a_bad_spec_is_one_error(tmp_path, capsys):
    lines = need(DATA / "deu3-dev.tsv").read_text(encoding="utf-8").splitlines()
    part = tmp_path / "part.tsv"
    part.write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    recs = []
    for spec in ("serial", "local:2"):
        out = tmp_path / f"{spec[:5]}.json"
        assert run(["backtest", str(part), "-m", "smp", "-m", "median", "--bootstrap", "100",
                    "--executor", spec, "--json", str(out)]) == 0
        rec = json.loads(out.read_text())
        del rec["provenance"]              # its time stamp; the seconds are not in the record
        recs.append(rec)
    assert recs[0] == recs[1]
    capsys.readouterr()
    assert run(["backtest", str(part), "--executor", "local:zero"]) == 2
    err = capsys.readouterr().err
    assert "--executor" in err and "Traceback" not in err


def test_backtest_command_cross_validates_challenger2(tmp_path, capsys):
    lines = need(DATA / "deu3-dev.tsv").read_text(encoding="utf-8").splitlines()
    part = tmp_path / "part.tsv"
    part.write_text("\n".join(lines[:60]) + "\n", encoding="utf-8")
    out = tmp_path / "cv.json"
    code = run(["backtest", str(part), "-m", "challenger2", "--split", "cv", "--bootstrap",
                "100", "--json", str(out)])
    assert code == 0
    rec = json.loads(out.read_text())
    assert rec["options"]["split"] == "cv"
    assert rec["options"]["cv"]["out_of_fold"] == ["challenger2"]
    assert "challenger2" in rec["bootstrap_vs_compromise"]
    assert "out-of-fold" in capsys.readouterr().out


def test_triangular_moments():
    rng = np.random.default_rng(0)
    d = draw_triangular(np.array([0.0, 5.0]), np.array([1.0, 5.0]), np.array([4.0, 5.0]),
                        (200_000, 2), rng)
    assert d[:, 0].mean() == pytest.approx(5 / 3, abs=0.01)  # (low + mode + high) / 3
    assert d[:, 0].min() >= 0 and d[:, 0].max() <= 4
    assert np.all(d[:, 1] == 5.0)


def test_monte_carlo_fixed_ranges_give_the_point_forecast_and_seeds_repeat():
    rng = np.random.default_rng(3)
    t = StakeholderTable.build([f"a{i}" for i in range(6)], rng.uniform(1, 5, 6),
                               rng.uniform(0, 100, 6), rng.uniform(0.1, 1, 6),
                               scale=(0.0, 100.0))
    for model in (CompromiseModel(), MedianModel(), ExpectedUtilityModel()):
        mc = monte_carlo(model, t, InputRanges.fixed(t), 7, seed=1)
        np.testing.assert_allclose(mc.draws[:, 0], model.forecast(t).position[0], atol=1e-12)
        wide = InputRanges.spread(t, 0.2)
        a = monte_carlo(model, t, wide, 50, seed=9)
        b = monte_carlo(model, t, wide, 50, seed=9)
        np.testing.assert_array_equal(a.draws, b.draws)


def test_scenario_issue_table_and_compromise():
    from detente.forecasts.scenario import issue_table
    from detente.scenario import load

    try:
        sc = load("ru-ua-2022-03")
    except Exception as exc:  # pragma: no cover - bundled case missing
        pytest.skip(f"bundled case unavailable: {exc}")
    t, ranges = issue_table(sc, "nato")
    issue = next(i for i in sc.issues if i.id == "nato")
    caps = {a.id: a.capability.value.likely for a in sc.actors}
    num = den = 0.0
    for st in sc.stances:
        if st.issue == "nato" and st.ideal is not None:
            x = issue.positions()[issue.index_of(st.ideal.value)]
            w = caps[st.actor] * st.salience.value.likely
            num, den = num + w * x, den + w
    assert CompromiseModel().forecast(t).position[0] == pytest.approx(num / den, abs=1e-9)
    assert np.all(ranges.capability_low <= t.capability)
    assert np.all(t.capability <= ranges.capability_high)


def test_forecast_bundled_case_issue(tmp_path, capsys):
    from detente.cases import case_names

    if "ru-ua-2024-09" not in case_names():
        pytest.skip("case ru-ua-2024-09 not bundled")
    out = tmp_path / "n.json"
    assert run(["forecast", "ru-ua-2024-09", "--issue", "nato", "--draws", "100", "--json",
                str(out)]) == 0
    rec = json.loads(out.read_text())["issues"][0]
    assert rec["table"]["dimensions"] == ["nato"]
    for f in rec["forecasts"]:
        assert 0 <= f["position"][0] <= 100
        assert f["nearest_option"] in {"member", "deferred", "neutral"}
    assert "nearest option" in capsys.readouterr().out
    assert run(["forecast", "ru-ua-2024-09", "--issue", "no_such_issue"]) == 2


def test_eum_options_from_the_command_line(tmp_path, capsys):
    src = need(DATA / "bdm" / "emission.csv")
    out = tmp_path / "e.json"
    assert run(["forecast", str(src), "-m", "eum", "--eum", "probability=pair", "--eum",
                "rounds=3", "--json", str(out)]) == 0
    rec = json.loads(out.read_text())
    eum = rec["issues"][0]["forecasts"][0]
    assert eum["options"]["probability"] == "pair" and eum["rounds"] == 3
    assert rec["provenance"]["options"]["eum"]["probability"] == "pair"
    assert run(["forecast", str(src), "-m", "eum", "--eum", "q=2"]) == 2
    assert "Q must be a probability" in capsys.readouterr().err
    assert run(["forecast", str(src), "-m", "eum", "--eum", "nonsense"]) == 2
