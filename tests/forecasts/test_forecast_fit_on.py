"""Fit on one DEU file, score on another; predictive distributions, CRPS and coverage; bad input
of the confirmatory run (overlap, voting codes, no outcomes, unknown columns)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.cli.app import main
from detente.errors import DetenteError
from detente.forecasts.backtest import issue_table, run_backtest, scorable
from detente.forecasts.challenger import is_test_proposal
from detente.forecasts.challenger2 import ChallengerV2Model, fit_challenger2
from detente.forecasts.compromise import CompromiseModel
from detente.forecasts.predictive import coverage, crps, residual_samples
from detente.formats.deu import read_deu

DEU = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "deu3-dev.tsv"


def need_lines() -> list[str]:
    if not DEU.exists():
        pytest.skip("shared DEU data not available")
    return DEU.read_text(encoding="utf-8").splitlines()


def write_part(path: Path, lines: list[str], keep) -> Path:
    """Header, GDP row and the issue rows whose proposal id (3rd column) passes ``keep``."""
    rows = [r for r in lines[2:] if keep(r.split("\t")[2].strip('"'))]
    path.write_text("\n".join(lines[:2] + rows) + "\n", encoding="utf-8")
    return path


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(argv)
        raise SystemExit(0)
    return int(exc.value.code or 0)


def test_crps_against_the_double_sum_and_a_point_mass():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, (5, 37))
    y = rng.uniform(0, 100, 5)
    brute = (np.abs(x - y[:, None]).mean(axis=1)
             - 0.5 * np.abs(x[:, :, None] - x[:, None, :]).mean(axis=(1, 2)))
    np.testing.assert_allclose(crps(x, y), brute, atol=1e-10)
    np.testing.assert_allclose(crps(np.full((1, 9), 30.0), np.array([45.0])), [15.0])
    # uniform on [0, 1] against y: CRPS = y^2 - y + 1/3 (Gneiting & Raftery 2007)
    u = np.linspace(0, 1, 20001)[None, :]
    assert crps(u, np.array([0.3]))[0] == pytest.approx(0.09 - 0.3 + 1 / 3, abs=1e-4)


def test_residual_samples_are_clipped_and_coverage_is_exact_on_the_fit_itself():
    resid = np.arange(-50.0, 51.0)           # 101 residuals
    s = residual_samples(np.array([10.0, 90.0]), resid)
    assert s.shape == (2, 101) and s.min() == 0.0 and s.max() == 100.0
    # in sample the residual distribution covers its own residuals as often as it claims
    y = np.full(101, 50.0) + resid
    samples = residual_samples(np.full(101, 50.0), resid)
    cov = coverage(samples, y, (0.5, 0.8))
    np.testing.assert_allclose(cov, [51 / 101, 81 / 101], atol=1e-12)


def test_fit_on_another_file_equals_a_fit_on_that_file_alone(tmp_path):
    lines = need_lines()
    fit = read_deu(write_part(tmp_path / "fit.tsv", lines, lambda p: not is_test_proposal(p)))
    score = read_deu(write_part(tmp_path / "score.tsv", lines, is_test_proposal))
    res = run_backtest(score, [CompromiseModel(), ChallengerV2Model()], fit=fit, bootstrap=200)
    assert res.warnings == ()
    fit_issues = scorable(fit)
    params, _ = fit_challenger2([issue_table(i) for i in fit_issues],
                                np.array([i.outcome for i in fit_issues]))
    want = [ChallengerV2Model(params).forecast(issue_table(i)).position[0] for i in res.issues]
    np.testing.assert_allclose(res.predictions[1], want)
    assert res.fitted["challenger2"]["tau"] == params.tau
    assert res.options["fit_on"]["shared_proposals"] == []
    # the compromise's predictive distribution: its forecast + its residuals on the fit file
    comp = np.array([CompromiseModel().forecast(issue_table(i)).position[0]
                     for i in fit_issues])
    resid = np.array([i.outcome for i in fit_issues]) - comp
    s = residual_samples(res.predictions[0], resid)
    np.testing.assert_allclose(res.crps[0], crps(s, res.outcomes))
    scores = res.scores()["compromise"]
    assert 0 <= scores["coverage50"] <= scores["coverage80"] <= 1


def test_shared_proposals_are_named(tmp_path):
    lines = need_lines()
    fit = read_deu(write_part(tmp_path / "fit.tsv", lines, lambda p: p < "d05"))
    score = read_deu(write_part(tmp_path / "score.tsv", lines, lambda p: "d04" <= p < "d06"))
    res = run_backtest(score, [CompromiseModel()], fit=fit, bootstrap=0)
    shared = sorted({i.proposal for i in fit.issues} & {i.proposal for i in score.issues})
    assert shared and res.options["fit_on"]["shared_proposals"] == shared
    assert len(res.warnings) == 1 and all(p in res.warnings[0] for p in shared)


def test_unknown_voting_code_is_an_error_with_line_unless_mapped(tmp_path):
    lines = need_lines()
    lines[4] = lines[4].replace('"QMV"', '"QMV(10)"', 1)
    path = tmp_path / "odd.tsv"
    path.write_text("\n".join(lines[:30]) + "\n", encoding="utf-8")
    data = read_deu(path)
    with pytest.raises(DetenteError) as exc:
        run_backtest(data, [CompromiseModel()], bootstrap=0)
    p = exc.value.problems[0]
    assert p.line == 5 and p.value == "QMV(10)" and "--voting-rule" in str(p.allowed)
    res = run_backtest(data, [CompromiseModel()], bootstrap=0, voting_map={"QMV(10)": "qmv"})
    assert len(res.issues) > 0
    with pytest.raises(DetenteError, match="unknown decision rule"):
        run_backtest(data, [CompromiseModel()], bootstrap=0, voting_map={"QMV(10)": "most"})


def test_scoring_file_without_outcomes_and_unknown_columns(tmp_path):
    lines = need_lines()
    head = lines[0].split("\t")
    out = head.index('"out"')
    rows = []
    for r in lines[2:20]:
        cells = r.split("\t")
        cells[out] = ""
        rows.append("\t".join(cells))
    path = tmp_path / "blind.tsv"
    path.write_text("\n".join(lines[:2] + rows) + "\n", encoding="utf-8")
    with pytest.raises(DetenteError, match="no decision outcome") as exc:
        run_backtest(read_deu(path), [CompromiseModel()], bootstrap=0)
    assert exc.value.problems[0].file == str(path)
    extra = tmp_path / "extra.tsv"
    extra.write_text("\n".join([lines[0] + '\t"notes"', lines[1] + "\t"]
                               + [r + "\tx" for r in lines[2:10]]) + "\n", encoding="utf-8")
    data = read_deu(extra)
    assert data.warnings == (f"{extra}:1:{len(head) + 1}: unknown column 'notes' ignored "
                             "(not a DEU III column)",)


def test_cli_fit_on_records_both_hashes_and_the_reliability_plot(tmp_path, capsys):
    lines = need_lines()
    fit = write_part(tmp_path / "fit.tsv", lines, lambda p: p < "d05")
    score = write_part(tmp_path / "score.tsv", lines, lambda p: "d04" <= p < "d07")
    out, html = tmp_path / "b.json", tmp_path / "b.html"
    assert run(["backtest", str(score), "--fit-on", str(fit), "-m", "challenger2",
                "--bootstrap", "100", "--json", str(out), "--html", str(html)]) == 0
    rec = json.loads(out.read_text())
    files = rec["provenance"]["options"]["files"]
    assert files["score"]["path"] == str(score) and files["fit"]["path"] == str(fit)
    assert files["score"]["sha256"] != files["fit"]["sha256"]
    assert set(rec["fitted"]["challenger2"]) >= {"tau", "kappa", "com", "ep"}
    assert rec["options"]["fit_on"]["shared_proposals"]
    captured = capsys.readouterr()
    assert "shares" in captured.err and "80 % covers" in captured.out
    text = html.read_text()
    assert "Reliability" in text and 'class="vl-spec"' in text
    assert run(["backtest", str(score), "--fit-on", str(fit), "--split", "cv"]) == 2
    assert run(["backtest", str(score), "--voting-rule", "nonsense"]) == 2


def test_cross_validated_intervals_come_from_the_other_folds_only():
    if not DEU.exists():
        pytest.skip("shared DEU data not available")
    from detente.forecasts.crossval import cv_fold

    data = read_deu(DEU)
    res = run_backtest(data, [CompromiseModel()], split="cv", bootstrap=0)
    folds = np.array([cv_fold(i.proposal) for i in res.issues])
    resid = res.outcomes - res.predictions[0]
    for f in (0, 7):
        test = folds == f
        s = residual_samples(res.predictions[0, test], resid[~test])
        np.testing.assert_allclose(res.crps[0, test], crps(s, res.outcomes[test]))
        lo, hi = np.quantile(s, [0.1, 0.9], axis=1)
        np.testing.assert_allclose(res.intervals[0, test, 0], lo)
        np.testing.assert_allclose(res.intervals[0, test, 3], hi)
