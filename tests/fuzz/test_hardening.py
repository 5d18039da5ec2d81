"""One regression test per finding of the structured hostile-input sweep (fourth session):
each input once ended in a traceback, a hang or a wrong success, and now gets one clear error
(exit 2) naming the file, field or option."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import detente
from detente.errors import DetenteError
from fuzz.harness import check, run_cli

ROOT = Path(__file__).resolve().parents[2]
TOY = str(ROOT / "tests" / "toy.yaml")
ARTICLE = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GDELT = str(ROOT / "tests" / "signals" / "fixtures" / "gdelt2_20150218230000_slice.tsv")
AGREEMENTS = str(ROOT / "tests" / "data" / "agreements")
LONG = "x" * 300  # one file name over the 255 bytes every file system allows


def _err(run_argv: list[str], *names: str) -> str:
    run = run_cli(run_argv)
    check(run, list(names), expect_error=True)
    return " ".join(run.err.split())


# -- gold annotations: an item of the wrong shape was a KeyError/TypeError ---------------------
@pytest.mark.parametrize(("mutate", "path"), [
    (lambda g: g["signals"][0].pop("quote"), "signals[0].quote"),
    (lambda g: g["signals"].__setitem__(1, 1.5), "signals[1]"),
    (lambda g: g["positions"][0].__setitem__("quote", 0), "positions[0].quote"),
    (lambda g: g.__setitem__("proposals", "2022-13-45"), "proposals"),
])
def test_gold_item_of_wrong_shape(tmp_path: Path, mutate, path: str) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(ARTICLE, tmp_path / "01.txt")
    gold = json.loads(ARTICLE.with_suffix(".json").read_text(encoding="utf-8"))
    mutate(gold)
    (tmp_path / "01.json").write_text(json.dumps(gold), encoding="utf-8")
    err = _err(["extract", str(tmp_path / "01.txt"), "-q", "--evaluate", str(tmp_path)],
               str(tmp_path / "01.json"))
    assert f"01.json: {path}:" in err


# -- a file name too long for any file system: OSError from Path.exists() ----------------------
@pytest.mark.parametrize("argv", [
    ["check", LONG], ["analyze", LONG], ["window", LONG], ["forecast", LONG],
    ["sensitivity", LONG], ["import", "genius", LONG, "-o", "out.yaml"],
    ["timeline", "ru-ua-2022-03", LONG],
    ["signals", "credibility", "--actor", "RUS", "--no-store", "--case", LONG],
    ["signals", "evaluate", "dev", "--compliance-prior", LONG],
    ["agreements", "rates", "ceasefire", "--data", LONG],
    ["extract", str(ARTICLE), "-q", "--case", LONG],
], ids=lambda a: " ".join(x[:12] for x in a[:2]))
def test_file_name_too_long(argv: list[str], tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    err = _err(argv, LONG[:40])
    assert "File name too long" in err


def test_file_name_too_long_in_import(tmp_path: Path) -> None:
    err = _err(["signals", "import", LONG, "--store", str(tmp_path / "s.sqlite")], LONG[:40])
    assert "too long" in err


def test_api_refuses_a_name_no_file_system_holds() -> None:
    with pytest.raises(DetenteError, match="name too long"):
        detente.load(LONG + ".yaml")
    with pytest.raises(DetenteError, match="NUL byte"):
        detente.analyze("toy\x00.yaml")


# -- option values --------------------------------------------------------------------------
@pytest.mark.parametrize("spec", ["local:99999999", "dask-local:100000", "", "tcp://",
                                  "local:0"])
def test_executor_spec_refused_before_any_work(spec: str) -> None:
    """``local:99999999`` once tried to start 10^8 processes (a hang); ``""`` and ``tcp://``
    ran as if no executor were given."""
    err = _err(["window", "ru-ua-2024-09", "--paths", "20", "--months", "2", "--package-paths",
                "0", "-q", "--executor", spec], "--executor")
    assert "executor" in err


@pytest.mark.parametrize("seed", [str(2**63), str(2**64)])
def test_sensitivity_seed_range(seed: str) -> None:
    """Sensitivity took any seed ≥ 0 (the other commands: 0 … 2^63 − 1)."""
    err = _err(["sensitivity", TOY, "--method", "oat", "-q", "--seed", seed], "--seed")
    assert "--seed must be" in err


@pytest.mark.parametrize("days", ["99999999999999999999", "1000000000"])
def test_credibility_window_bounded(days: str) -> None:
    """A renege window of 10^20 days overflowed a date (OverflowError); 10^9 ran."""
    err = _err(["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50",
                "--window", days], "--window")
    assert "between 0 and 36,500" in err


@pytest.mark.parametrize("size", ["0", "99999999999999999999", "1000000000"])
def test_import_batch_size_bounded(size: str, tmp_path: Path) -> None:
    """10^20 reached DuckDB as a TypeError; 0 and 10^9 were taken."""
    err = _err(["signals", "import", GDELT, "--store", str(tmp_path / "s.sqlite"), "-q",
                "--batch-size", size], "--batch-size")
    assert "between 1 and 10,000,000" in err


@pytest.mark.parametrize("size", ["99999999999999999999", "1000000000"])
def test_extract_max_bytes_bounded(size: str) -> None:
    err = _err(["extract", str(ARTICLE), "-q", "--max-bytes", size], "--max-bytes")
    assert "--max-bytes must be between 1 and" in err


@pytest.mark.parametrize(("argv", "option"), [
    (["signals", "credibility", "--actor", "RUS", "--no-store", "--case", ""], "--case"),
    (["signals", "evaluate", "dev", "-q", "--compliance-prior", ""],
     "--compliance-prior"),
])
def test_empty_name_is_not_the_current_folder(argv: list[str], option: str) -> None:
    """``--case ""`` read the current folder ('.: is a directory'). (A ``Path`` option such
    as ``agreements --data ""`` reaches the command as ``.``, a folder like any other: its
    error names ``--data``.)"""
    err = _err(argv, option)
    assert "empty" in err


def test_agreements_data_error_names_the_option(tmp_path: Path) -> None:
    err = _err(["agreements", "rates", "ceasefire", "--data", str(tmp_path)], "--data")
    assert "no PA-X file" in err


# -- scenario values ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["0", "1700000000", "2024-09-05T10:00:00"])
def test_date_is_a_calendar_date(value: str, tmp_path: Path) -> None:
    """``date: 0`` was read as 1970-01-01 (pydantic takes a number as a time stamp)."""
    text = Path(TOY).read_text(encoding="utf-8")
    lines = [f"date: {value}" if x.startswith("date:") else x for x in text.splitlines()]
    f = tmp_path / "d.yaml"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _err(["check", str(f)], str(f))
    assert "date: expected a date YYYY-MM-DD" in err


# -- the Python API: wrong types raise DetenteError, not TypeError/AttributeError ---------------
@pytest.mark.parametrize(("call", "text"), [
    (lambda: detente.analyze(TOY, draws="10"), "draws must be a whole number"),
    (lambda: detente.analyze(TOY, draws=1.5), "draws must be a whole number"),
    (lambda: detente.analyze(TOY, draws=True), "draws must be a whole number"),
    (lambda: detente.analyze(TOY, executor="local:2"), "concurrent.futures.Executor"),
    (lambda: detente.analyze(TOY, source=5), "source"),
    (lambda: detente.window("ru-ua-2024-09", paths="x"), "--paths must be a whole number"),
    (lambda: detente.window("ru-ua-2024-09", paths=20, months=2, seed=None), "seed"),
    (lambda: detente.sensitivity(TOY, samples="x"), "--samples must be a whole number"),
    (lambda: detente.sensitivity(TOY, method="oat", seed="x"), "--seed must be"),
    (lambda: detente.forecast(TOY, models=None), "models"),
    (lambda: detente.forecast(TOY, models=[]), "non-empty list"),
    (lambda: detente.forecast(TOY, draws="x"), "--draws must be a whole number"),
    (lambda: detente.backtest(None), "deu_file"),
    (lambda: detente.credibility(123), "actor"),
    (lambda: detente.credibility("RUS", case=5), "case"),
    (lambda: detente.credibility("RUS", store=None, draws="50"), "--draws must be"),
    (lambda: detente.evaluate(commitments=None), "commitments"),
    (lambda: detente.evaluate(resamples="x"), "--resamples must be a whole number"),
    (lambda: detente.extract(None), "files"),
    (lambda: detente.extract([]), "non-empty list"),
    (lambda: detente.extract([str(ARTICLE)], date="2022-13-45"), "datetime.date"),
    (lambda: detente.timeline("ru-ua-2024-09"), "at least two"),
    (lambda: detente.timeline(None), "cases"),
    (lambda: detente.load(123), "case"),
])
def test_api_wrong_types(call, text: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DetenteError) as info:
        call()
    assert text in str(info.value)


def test_api_one_model_name_is_one_model() -> None:
    """``models="compromise"`` is one model, not ten one-letter ones."""
    one = detente.forecast(TOY, models="compromise")
    assert {r["model"] for r in one.table()} == {"compromise"}


# -- the workbench -----------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "data"), [
    ("/case/ru-ua-2024-09/run/window", {"paths": "\u00b2"}),
    ("/case/ru-ua-2024-09/run/window", {"paths": "9" * 5000}),
    ("/case/ru-ua-2024-09/run/forecast", {"seed": "\u00b9\u00b2"}),
    ("/timeline", {"draws": "\u00b2"}),
])
def test_workbench_run_options_are_ascii_digits(url: str, data: dict[str, str],
                                                tmp_path: Path) -> None:
    """``"²".isdigit()`` is true and ``int("²")`` raises; so does int() of 5,000 digits: a 500."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from detente.web.app import create_app

    client = TestClient(create_app(None, tmp_path / "out"), raise_server_exceptions=False,
                        headers={"HX-Request": "true"})
    r = client.post(url, data=data)
    assert r.status_code == 400, r.text
    assert "refused; allowed: a whole number" in r.text
    assert client.get("/").status_code == 200


# -- numbers at the edge of float ----------------------------------------------------------------
def test_flat_triangular_at_huge_values() -> None:
    """A certain value of 1e30 was drawn on (1e30, 1e30 + 1) = (1e30, 1e30): numpy refused
    (ValueError: left == right) inside ``forecast`` of a case with a capability of 10^30.
    Certain cells still give their value and the uncertain ones the same draws as before."""
    import numpy as np

    from detente.scenario.values import draw_triangular

    lo, mo, hi = np.array([1e30, 0.0, 2.0]), np.array([1e30, 0.5, 2.0]), np.array([1e30, 1.0,
                                                                                    2.0])
    got = draw_triangular(lo, mo, hi, (4, 3), np.random.default_rng(7))
    assert np.all(got[:, 0] == 1e30) and np.all(got[:, 2] == 2.0)
    ref = np.random.default_rng(7).triangular(0.0, 0.5, 1.0, size=(4, 3))[:, 1]
    assert np.array_equal(got[:, 1], ref)  # one uniform per cell: the stream is unchanged


def test_forecast_with_a_huge_capability(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((ROOT / "src" / "detente" / "cases" / "ru-ua-2022-03.yaml")
                          .read_text(encoding="utf-8"))
    data["actors"][7]["capability"] = 10**30
    f = tmp_path / "cap.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "rec.json"
    run = run_cli(["forecast", str(f), "-m", "compromise", "--json", str(out)])
    check(run, str(f))
    assert run.code == 0, run.err
    assert "NaN" not in out.read_text(encoding="utf-8")


# -- stakeholder tables: an actor given twice counted twice, silently ---------------------------
def test_bdm_actor_listed_twice(tmp_path: Path) -> None:
    f = tmp_path / "bdm.csv"
    f.write_text("Actor,Capability,Position,Salience\nA,10,0,50\nB,20,100,50\nA,10,0,50\n",
                 encoding="utf-8")
    err = _err(["forecast", str(f), "-m", "compromise"], str(f))
    assert "bdm.csv:4:1: actor listed more than once" in err and "first on line 2" in err


def test_table_actor_listed_twice() -> None:
    from detente.formats.table import StakeholderTable

    with pytest.raises(DetenteError, match="B: actor listed more than once"):
        StakeholderTable.build(["A", "B", "B"], [1, 1, 1], [[0], [1], [1]], [[1], [1], [1]])


# -- detente serve: refused before the address is printed as if the server ran ---------------
@pytest.mark.parametrize(("host", "text"), [
    ("no such host", "cannot listen on this host"), ("x" * 300, "cannot listen on this host"),
    ("\u202e", "cannot listen on this host"), ("", "an empty value (got '')")])
def test_serve_refuses_a_host_that_does_not_resolve(host: str, text: str,
                                                    tmp_path: Path) -> None:
    """uvicorn logged 'Name or service not known' and exited 3 after the address line; an
    empty host served on every interface."""
    pytest.importorskip("uvicorn")
    err = _err(["serve", "--host", host, "--out", str(tmp_path / "o")], "--host")
    assert text in err


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    import socket

    pytest.importorskip("uvicorn")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        err = _err(["serve", "--port", str(port), "--out", str(tmp_path / "o")], "--port")
    assert "Address already in use" in err


def test_serve_refuses_an_output_folder_that_is_a_file(tmp_path: Path) -> None:
    """``--out FILE`` started the server; every save and run then failed."""
    pytest.importorskip("uvicorn")
    f = tmp_path / "afile"
    f.write_text("x", encoding="utf-8")
    err = _err(["serve", "--out", str(f)], str(f))
    assert "--out: not a folder" in err


# "" is refused by the parser since round 11 (an empty value: tests/fuzz/test_hardening11.py)
@pytest.mark.parametrize("code", ["x" * 100_000, "%", "1_"],
                         ids=["100000-chars", "percent", "underscore"])
def test_event_code_prefix_is_letters_and_digits(code: str, tmp_path: Path) -> None:
    """A 100,000-character --code made SQLite raise 'LIKE or GLOB pattern too complex'; '%'
    matched every code (an SQL wildcard, not a prefix)."""
    store = str(tmp_path / "s.sqlite")
    assert run_cli(["signals", "import", GDELT, "--store", store, "-q"]).code == 0
    err = _err(["signals", "list", "--store", store, "--code", code], "--code")
    assert "not an event-code prefix" in err
    err = _err(["signals", "import", GDELT, "--store", store, "-q", "--code", code], "--code")
    assert "not an event-code prefix" in err
