"""The Python face (``detente.api``): each verb gives the same record as the library function
its command calls, every record becomes JSON, a DataFrame and a notebook table, and
``import detente`` stays light."""

from __future__ import annotations

import json
import subprocess
import sys
from html import escape
from pathlib import Path
from typing import Any

import pytest

import detente
from detente.deals import analyze as deal_analysis
from detente.errors import DetenteError
from detente.records.base import Record
from detente.scenario import load

pd = pytest.importorskip("pandas")
CASE = "ru-ua-2024-09"


def test_import_is_light_and_verbs_are_lazy() -> None:
    code = ("import sys, detente; print(any(m.startswith(('numpy', 'pydantic', 'detente.api'))"
            " for m in sys.modules)); print(callable(detente.analyze))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert res.stdout.split() == ["False", "True"]
    with pytest.raises(AttributeError):
        _ = detente.analyse  # one spelling


def test_analyze_is_the_library_analysis() -> None:
    rec = detente.analyze(CASE)
    direct = deal_analysis(load(CASE), source=CASE)
    assert rec.model_dump() == direct.model_dump()
    frame = rec.to_frame()
    assert list(frame["id"]) == [p.id for p in rec.proposals]
    assert list(frame["accepted_by_all_veto"]) == [p.accepted_by_all_veto for p in rec.proposals]
    back = json.loads(rec.to_json())
    assert back["provenance"]["inputs_sha256"] == rec.provenance.inputs_sha256
    html = rec._repr_html_()
    assert escape(rec.title) in html and escape(rec.proposals[0].name) in html


def test_other_tables_and_a_clear_error_for_a_wrong_one() -> None:
    rec = detente.analyze(CASE)
    assert len(rec.to_frame("frontier")) == len(rec.frontier)
    assert set(rec.to_frame("solutions")["name"]) == set(rec.solutions)
    with pytest.raises(DetenteError, match="no such table"):
        rec.to_frame("nonsense")


def test_forecast_record_matches_its_issues() -> None:
    rec = detente.forecast(CASE, issue="nato", models=["compromise", "median"])
    frame = rec.to_frame()
    forecasts = rec.issues[0]["forecasts"]
    assert list(frame["model"]) == [f["model"] for f in forecasts] == ["compromise", "median"]
    assert frame["position"].tolist() == pytest.approx([f["position"][0] for f in forecasts])
    assert rec.provenance.analysis == "forecast" and rec.bridge is not None
    same = detente.forecast(CASE, issue="nato", models=["compromise", "median"])
    assert same.to_json() == rec.to_json()  # same inputs and seed ⇒ same record


def test_window_frame_is_month_by_month() -> None:
    rec = detente.window(CASE, paths=200, package_paths=0, months=6)
    frame = rec.to_frame()
    assert list(frame["month"]) == rec.month_labels
    assert frame["range_exists"].tolist() == rec.window.range_exists.mean
    assert ((frame["range_exists"] >= 0) & (frame["range_exists"] <= 1)).all()


def test_credibility_record_series() -> None:
    rec = detente.credibility("rus", draws=100)
    frame = rec.to_frame()
    assert len(frame) == len(rec.series) > 0
    assert ((frame["lo"] <= frame["p"] + 1e-12) & (frame["p"] <= frame["hi"] + 1e-12)).all()
    assert rec.actor == "RUS"


def test_to_frame_without_pandas_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    rec = detente.analyze(CASE)
    with pytest.raises(DetenteError, match=r"detente\[frames\]"):
        rec.to_frame()
    assert rec.table()[0]["id"] == rec.proposals[0].id  # rows still available


def test_records_share_one_base() -> None:
    from detente.deals.genius_analysis import DomainAnalysis
    from detente.deals.result import DealAnalysis
    from detente.deals.timeline import Timeline
    from detente.extract.run import ExtractionRecord
    from detente.forecasts.records import BacktestRecord, ForecastRecord
    from detente.sensitivity.result import SensitivityAnalysis
    from detente.signals.evaluate import EvaluationRecord
    from detente.signals.record import CredibilityRecord
    from detente.war.analysis import WarAnalysis

    for cls in (DealAnalysis, DomainAnalysis, Timeline, ExtractionRecord, BacktestRecord,
                ForecastRecord, SensitivityAnalysis, CredibilityRecord, WarAnalysis,
                EvaluationRecord):
        assert issubclass(cls, Record), cls


def test_old_spelling_warns_and_gives_the_same_record() -> None:
    from detente.war.analysis import analyse_window, analyze_window
    from detente.war.case import resolve_war

    war_case, _ = resolve_war(CASE)
    with pytest.warns(DeprecationWarning, match="analyze_window"):
        old = analyse_window(war_case, months=2, paths=50, seed=3)
    assert old == analyze_window(war_case, months=2, paths=50, seed=3)


def test_backtest_frame_gives_the_reported_mae() -> None:
    from pathlib import Path

    deu = Path(__file__).resolve().parents[1] / "data" / "reference" / "deu3-dev.tsv"
    if not deu.exists():
        pytest.fail("fixture missing: tests/data/reference/deu3-dev.tsv")
    rec = detente.backtest(deu, models=["median"], bootstrap=0)
    frame = rec.to_frame()
    assert len(frame) == len(rec.issues) > 0
    assert rec.result is not None
    for model in ("compromise", "median"):
        mae = float(frame[f"residual.{model}"].abs().mean())
        assert mae == pytest.approx(rec.result.scores()[model]["mae"], abs=1e-3)
    assert "seconds" not in json.loads(rec.to_json())  # timings stay out of the record


def test_evaluate_is_the_command_record(tmp_path: Path) -> None:
    """``detente.evaluate()`` gives the record ``detente signals evaluate dev --json`` writes
    (the same library call), with its forecasts as the main table."""
    from detente.cli.app import main

    rec = detente.evaluate(resamples=50, seed=4)
    assert rec.scored + rec.unknown["n"] == rec.n == len(rec.to_frame())
    assert list(rec.to_frame()["id"]) == [r["id"] for r in rec.forecasts]
    assert "<table>" in rec._repr_html_() and "signals.evaluate" in rec._repr_html_()
    out = tmp_path / "ev.json"
    main(["signals", "evaluate", "dev", "--resamples", "50", "--seed", "4", "--json", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(rec.to_json())


def test_extract_is_the_library_run() -> None:
    from pathlib import Path

    from detente.extract.learned import LearnedExtractor
    from detente.extract.rules import RuleExtractor
    from detente.extract.run import run_extract
    from detente.extract.vocabulary import scenario_issues

    article = Path(__file__).resolve().parents[1] / "data" / "extract" / "dev" / "01.txt"
    rec = detente.extract([article], case=CASE)  # the default: the learned extractor (§9)
    direct = run_extract([article], LearnedExtractor(), issues=scenario_issues(load(CASE)),
                         case=CASE)
    assert rec == direct and rec.provenance.options["extractor"] == "learned"
    ruled = detente.extract([article], case=CASE, extractor="rules")
    assert ruled == run_extract([article], RuleExtractor(), issues=scenario_issues(load(CASE)),
                                case=CASE)
    assert list(rec.to_frame()["file"]) == [a.file for a in rec.articles]


def test_subpackage_verbs_work_before_and_after_the_import() -> None:
    code = ("import detente\n"
            "before = detente.extract\n"
            "import detente.extract.run, detente.sensitivity.analysis\n"
            "from detente.sensitivity import open_executor\n"
            "print(callable(before), callable(detente.extract), callable(detente.sensitivity),"
            " detente.extract.run.__name__, open_executor.__name__)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert res.stdout.split() == ["True", "True", "True", "detente.extract.run",
                                  "open_executor"]
    import detente.sensitivity

    rec = detente.sensitivity(CASE, method="oat", targets=["zopa"], inputs=["actors.RUS.*"],
                              top=1)
    assert isinstance(rec, Record) and rec.targets[0].name == "zopa"


@pytest.mark.parametrize("call,message", [
    (lambda d: d.window("war/ru-ua-2024-09", paths=0), "--paths must be between 1"),
    (lambda d: d.window("war/ru-ua-2024-09", months=601), "--months must be between 1 and 600"),
    (lambda d: d.forecast("ru-ua-2024-09", draws=-1), "--draws must be between 0"),
    (lambda d: d.forecast("ru-ua-2024-09", seed=-5), "--seed must be between 0"),
    (lambda d: d.forecast("ru-ua-2024-09", rounds=10**9), "--rounds must be between 0"),
    (lambda d: d.sensitivity("ru-ua-2024-09", samples=0), "--samples must be between 1"),
    (lambda d: d.sensitivity("ru-ua-2024-09", top=101), "--top must be between 0 and 100"),
    (lambda d: d.credibility("RUS", draws=0), "0 draws give no 90 % interval"),
    (lambda d: d.credibility("RUS", half_life=0), "--half-life > 0"),
    (lambda d: d.credibility("RUS", likelihood_ratios={"neutral-contact": -1.0}),
     "likelihood ratio is a finite number > 0"),
    (lambda d: d.evaluate(resamples=9), "--resamples must be between 10 and 100,000"),
    (lambda d: d.evaluate(resamples=100_001), "--resamples must be between 10 and 100,000"),
    (lambda d: d.evaluate(seed=-1), "--seed must be between 0"),
    (lambda d: d.evaluate(events="no-such-store.sqlite"), "no event store here"),
])
def test_api_refuses_what_the_command_refuses(call: Any, message: str) -> None:
    # The range checks live in the library, so a script gets the command's message.
    with pytest.raises(DetenteError, match=message.replace("(", r"\(")):
        call(detente)
