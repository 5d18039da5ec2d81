"""``detente signals evaluate``: the record, the HTML report, features from a store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from detente.signals.commitment_features import features_from_store
from detente.signals.commitments import parse_commitments
from detente.signals.store import EventStore
from helpers_signals import force_store, run_cli

HEADER = "id,announced_by,counterpart,kind,announced,start,end,location,outcome,source\n"


def test_evaluate_dev_set_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, html = tmp_path / "ev.json", tmp_path / "ev.html"
    assert run_cli(["signals", "evaluate", "dev", "--json", str(out), "--html", str(html),
                "--resamples", "200"]) == 0
    text = capsys.readouterr().out
    assert "B2: running base rate per side" in text
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["scored"] + rec["unknown"]["n"] == rec["n"]
    assert rec["unknown"]["n"] > 0 and all(
        f["outcome"] == "unknown" for f in rec["forecasts"] if f["id"] in rec["unknown"]["ids"])
    models = rec["scores"]["models"]
    for m in ("model", "constant", "per_side"):
        lo, hi = models[m]["brier"]["interval"]
        assert lo <= models[m]["brier"]["value"] <= hi
    page = html.read_text(encoding="utf-8")
    assert "Reliability" in page and 'class="vl-spec"' in page and "M − B2" in page
    again = tmp_path / "ev2.json"
    assert run_cli(["signals", "evaluate", "dev", "--json", str(again), "--resamples", "200"]) == 0
    rec2 = json.loads(again.read_text(encoding="utf-8"))
    assert rec2["scores"] == rec["scores"]  # same inputs and seed, same record



def test_features_from_store_use_only_the_past(tmp_path: Path) -> None:
    path = force_store(tmp_path)
    text = HEADER + (
        "a,RUS,UKR,corridor,2022-04-11,,,,kept,s\n"
        "b,RUS,UKR,corridor,2022-04-12,,,,kept,s\n"
        "c,UKR,RUS,corridor,2022-04-12,,,,kept,s\n")
    cs = parse_commitments(text, "x.csv", as_of=dt.date(2022, 4, 30))
    with EventStore(path) as st:
        f = features_from_store(cs, st)
    assert f.shape == (3, 2)
    # the release of 11 April counts for b (announced the day after), not for a (same day)
    assert f[1, 0] > f[0, 0]
    assert f[2, 0] == 0.0  # UKR has no signals of its own
    assert np.all(np.isfinite(f))


def test_evaluate_with_events_and_future_date(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = force_store(tmp_path)
    csv = tmp_path / "c.csv"
    csv.write_text(HEADER + "a,RUS,UKR,truce,2022-03-01,,2022-03-03,,broken,s\n"
                   "b,RUS,UKR,truce,2022-04-01,,2022-04-03,,kept,s\n"
                   "c,RUS,UKR,truce,2022-06-01,,,,kept,s\n", encoding="utf-8")
    assert run_cli(["signals", "evaluate", str(csv), "--events", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{csv}:4: announced: date in the future of the store (last date 2022-04-30)" in err
    csv.write_text(HEADER + "a,RUS,UKR,truce,2022-03-01,,2022-03-03,,broken,s\n"
                   "b,RUS,UKR,truce,2022-04-01,,2022-04-03,,kept,s\n", encoding="utf-8")
    out = tmp_path / "e.json"
    assert run_cli(["signals", "evaluate", str(csv), "--events", str(path), "--json", str(out),
                "--resamples", "50"]) == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["with_events"] and "force_pressure" in rec["forecasts"][0]


def test_credibility_with_likelihood_ratios_estimated_from_outcomes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = force_store(tmp_path)
    csv = tmp_path / "c.csv"
    csv.write_text(HEADER + "a,RUS,UKR,truce,2022-03-01,,2022-03-03,,broken,s\n"
                   "b,RUS,UKR,truce,2022-04-12,,2022-04-13,,kept,s\n", encoding="utf-8")
    out = tmp_path / "r.json"
    assert run_cli(["signals", "credibility", "--actor", "RUS", "--store", str(path), "--case",
                "none", "--lr-from", str(csv), "--json", str(out)]) == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    lr = rec["likelihood_ratios"]
    # one release in the 90 days before the kept truce, none before the broken one
    assert lr["release-of-detainees"]["lr"] > 3.0
    assert lr["reneging"]["lr"] == pytest.approx(0.2)  # derived: kept at its default
    capsys.readouterr()
    none = tmp_path / "n.csv"
    none.write_text(HEADER + "a,UKR,RUS,truce,2022-03-01,,2022-03-03,,kept,s\n",
                    encoding="utf-8")
    assert run_cli(["signals", "credibility", "--actor", "RUS", "--store", str(path), "--case",
                "none", "--lr-from", str(none)]) == 2
    assert "no kept and broken commitments" in capsys.readouterr().err


def test_the_store_bounds_the_dev_set_and_an_empty_store_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = force_store(tmp_path)  # events of January-April 2022; the dev set runs to 2025
    out = tmp_path / "e.json"
    assert run_cli(["signals", "evaluate", "dev", "--events", str(path), "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert "signals/data/commitments-dev.csv:" in err and "Traceback" not in err
    assert "announced: date in the future of the store (last date 2022-04-30)" in err
    assert not out.exists()
    empty = tmp_path / "empty.sqlite"
    EventStore(empty).close()
    csv = tmp_path / "c.csv"
    csv.write_text(HEADER + "a,RUS,UKR,truce,2022-03-01,,2022-03-03,,broken,s\n"
                   "b,RUS,UKR,truce,2022-04-01,,2022-04-03,,kept,s\n", encoding="utf-8")
    assert run_cli(["signals", "evaluate", str(csv), "--events", str(empty), "--json",
                str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{empty}: the event store is empty" in err and not out.exists()


def test_evaluate_refuses_commitments_after_the_store(tmp_path: Path) -> None:
    from detente.errors import DetenteError
    from detente.signals.evaluate import evaluate

    cs = parse_commitments(HEADER + "a,RUS,UKR,truce,2022-03-01,,2022-03-03,,broken,s\n"
                           "b,RUS,UKR,truce,2022-04-20,,2022-05-03,,kept,s\n", "c.csv",
                           as_of=dt.date(2026, 1, 1))
    with EventStore(force_store(tmp_path)) as st, pytest.raises(DetenteError) as err:
        evaluate(cs, store=st)
    assert str(err.value).count("date in the future of the store") == 1
    assert "commitment b: end" in str(err.value) and "2022-05-03" in str(err.value)
