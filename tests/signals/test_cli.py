"""The ``detente signals`` commands end to end (files in tmp_path)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers_signals import run_cli


def test_import_twice_then_list(fixtures: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    files = [str(fixtures / "gdelt2_20150218230000_slice.tsv"),
             str(fixtures / "icews_2018_slice.tab")]
    assert run_cli(["signals", "import", *files, "--store", str(db), "--dyad", "RUS-UKR"]) == 0
    first = capsys.readouterr().out
    assert "gdelt2" in first and "icews" in first
    assert run_cli(["signals", "import", *files, "--store", str(db), "--dyad", "RUS-UKR"]) == 0
    assert run_cli(["signals", "list", "--store", str(db), "--actor", "RUS", "--code", "19"]) == 0
    out = capsys.readouterr().out
    assert "force" in out


def test_nothing_usable_exits_2_without_traceback(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# not event data\n", encoding="utf-8")
    assert run_cli(["signals", "import", str(notes), "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "nothing usable" in err and "unrecognised event-data format" in err
    assert "Traceback" not in err


def test_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["signals", "import", "x.tsv", "--store", str(tmp_path / "s"), "--dyad",
                "Russia"]) == 2
    assert "dyad" in capsys.readouterr().err
    assert run_cli(["signals", "credibility", "--actor", "RUS", "--no-store", "--from",
                "March 2022"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: {s: {title: S}}\nsignals:\n  - id: x\n    date: 2024-01-01\n"
                   "    actor: RUS\n    indicator: contact\n", encoding="utf-8")
    assert run_cli(["signals", "credibility", "--actor", "RUS", "--no-store", "--case",
                str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:3" in err and "needs evidence" in err


def test_credibility_json_and_html(tmp_path: Path) -> None:
    out_json, out_html = tmp_path / "rus.json", tmp_path / "rus.html"
    argv = ["signals", "credibility", "--actor", "RUS", "--no-store", "--seed", "5",
            "--json", str(out_json), "--html", str(out_html)]
    assert run_cli(argv) == 0
    rec = json.loads(out_json.read_text(encoding="utf-8"))
    assert rec["provenance"]["analysis"] == "signals.credibility"
    assert rec["provenance"]["seed"] == 5
    assert rec["prior"]["mean"] == pytest.approx(0.25, abs=1e-12)
    reneging = [i for m in rec["moves"] for i in m["items"] if i["indicator"] == "reneging"]
    assert reneging and reneging[0]["date"] == "2022-03-30"
    assert all(s["lo"] <= s["p"] + 1e-12 <= s["hi"] + 2e-12 for s in rec["series"])
    html = out_html.read_text(encoding="utf-8")
    assert html.count('class="vl-spec"') == 1 and "What moved the belief" in html
    assert run_cli(argv[:-4] + ["--json", str(tmp_path / "again.json")]) == 0
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["series"] == rec["series"]  # same seed, same numbers


def test_actor_without_signals_warns(capsys: pytest.CaptureFixture[str]) -> None:
    # A typo in --actor must not pass silently as "no evidence, posterior = prior".
    assert run_cli(["signals", "credibility", "--actor", "ZZZ", "--no-store"]) == 0
    err = capsys.readouterr().err
    assert "no signals of ZZZ" in err
    capsys.readouterr()
    assert run_cli(["signals", "credibility", "--actor", "RUS", "--no-store"]) == 0
    assert "no signals" not in capsys.readouterr().err
