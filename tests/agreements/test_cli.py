"""``detente agreements``: records with provenance, the same record twice, and bad input
(paths, columns, options) as one clear message with exit 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from detente import __version__
from detente.cli.app import main


def _run(args: list[str]) -> None:
    try:
        main(args)
    except SystemExit as e:
        if e.code not in (0, None):
            raise


@pytest.mark.parametrize("args", [
    ["rates", "guarantees", "--by", "stage"],
    ["rates", "ceasefire", "--by", "conflict_type", "--method", "jeffreys"],
    ["renewal", "ceasefire", "--by", "incompatibility"],
    ["renewal", "territory", "--source", "pax"],
    ["guarantees", "--definition", "third_party"],
    ["prior", "RUS", "ceasefire"],
    ["backtest", "--burn-in", "5", "--resamples", "200"],
    ["check"],
])
def test_record_with_provenance(slice_dir: Path, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "r.json"
    _run(["agreements", *args, "--data", str(slice_dir), "--json", str(out)])
    rec = json.loads(out.read_text(encoding="utf-8"))
    prov = rec["provenance"]
    assert prov["version"] == __version__ and prov["analysis"] == f"agreements.{args[0]}"
    assert len(prov["inputs_sha256"]) == 64 and prov["options"]["query"] == args[0]
    assert [Path(p).name for p in prov["inputs"]] == [
        "pax_all_agreements_data_v9.csv", "ucdp_pad_v22_1_from_bherbst5.csv"]
    assert rec["data"][0]["problems"] == 1  # the slice's 5.17E+12 link, reported


def test_same_inputs_same_record(slice_dir: Path, tmp_path: Path) -> None:
    recs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        _run(["agreements", "prior", "UKR", "withdrawal", "--data", str(slice_dir),
              "--json", str(out)])
        rec = json.loads(out.read_text(encoding="utf-8"))
        rec["provenance"].pop("created")
        recs.append(rec)
    assert recs[0] == recs[1]


def test_prior_printout_names_its_rows(slice_dir: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _run(["agreements", "prior", "RUS", "ceasefire", "--data", str(slice_dir)])
    out = capsys.readouterr().out
    assert "Beta(" in out and "1536" in out and "third party" in out


def _exit2(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return " ".join(err.split())


@pytest.mark.parametrize("args,needle", [
    (["rates", "sanctions"], "does not code this issue"),
    (["rates", "borders"], "unknown issue"),
    (["rates", "ceasefire", "--level", "1.5"], "--level: bad level"),
    (["rates", "ceasefire", "--min-level", "4"], "--min-level"),
    (["renewal", "ceasefire", "--horizon", "0"], "--horizon"),
    (["renewal", "ceasefire", "--source", "acled"], "unknown source"),
    (["prior", "XYZ", "ceasefire"], "unknown country code"),
    (["prior", "RUS", "armistice"], "unknown commitment kind"),
    (["prior", "RUS", "truce", "--strength", "-1"], "--strength: bad strength"),
    (["backtest", "--resamples", "5"], "--resamples"),
])
def test_bad_options_exit_2(slice_dir: Path, capsys: pytest.CaptureFixture[str],
                            args: list[str], needle: str) -> None:
    assert needle in _exit2(["agreements", *args, "--data", str(slice_dir)], capsys)


def test_bad_paths_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _exit2(["agreements", "check", "--data", str(tmp_path / "nope")], capsys)
    assert "not a directory" in err
    err = _exit2(["agreements", "check", "--data", str(tmp_path)], capsys)
    assert "no PA-X file" in err


def test_bad_columns_exit_2(slice_dir: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    for f in slice_dir.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    pad = tmp_path / "ucdp_pad_v22_1_from_bherbst5.csv"
    text = pad.read_text(encoding="utf-8")
    pad.write_text(text.replace("pko,", "peacekeepers,", 1), encoding="utf-8")
    err = _exit2(["agreements", "check", "--data", str(tmp_path)], capsys)
    assert f"{pad}:1: pko: missing column 'pko'" in err
    assert "unexpected column 'peacekeepers'" in err


def test_no_default_data_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k != "DETENTE_AGREEMENTS"}
    res = subprocess.run([sys.executable, "-m", "detente.cli.app", "agreements", "check"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert "pass --data DIR" in " ".join(res.stderr.split())


def test_crosswalk_needs_no_data(tmp_path: Path) -> None:
    out = tmp_path / "cw.json"
    _run(["agreements", "crosswalk", "--json", str(out)])
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["result"]["issues"]["ceasefire"]["pad"] == ["cease"]
    assert rec["result"]["issues"]["neutrality"]["fit"] == "none"
