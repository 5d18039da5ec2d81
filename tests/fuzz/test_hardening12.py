"""One regression test per finding of the twelfth session's hostile-input sweep (families in
``tests/fuzz/round12.py``) and for the leftovers of round 11 (gold signal dates checked for type
only, an interval of one draw, a YAML key that is not text located at 1:1). Each input once
ended in a traceback, a silently dropped value (an option given twice, the final slash of
``DETENTE_STORE``), a silent answer for a scenario ``check`` refuses, or an error at the wrong
place."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import detente
from detente.errors import DetenteError
from fuzz.harness import error_words as _err
from fuzz.harness import run_cli, workbench_client

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "toy.yaml"
ART = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GOLD = ROOT / "tests" / "data" / "extract" / "dev" / "01.json"
FIX = ROOT / "tests" / "signals" / "fixtures"
GDELT = FIX / "gdelt2_20150218230000_slice.tsv"
ODD = os.fsdecode(b"\xff")  # a name byte that is not UTF-8 (U+DCFF)


# -- file names that are not UTF-8 ---------------------------------------------------------------
def test_a_json_record_of_a_file_named_with_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    """The record holds the path: ``UnicodeEncodeError`` writing it; now its ``\\udcff``
    escape, which reads back as the same name."""
    toy = tmp_path / f"toy{ODD}.yaml"
    shutil.copyfile(TOY, toy)
    rec = tmp_path / "rec.json"
    run = run_cli(["analyze", str(toy), "-q", "--json", str(rec)])
    assert run.code == 0, run.err
    text = rec.read_text(encoding="utf-8")
    assert "\\udcff" in text
    assert json.loads(text)["provenance"]["inputs"] == [str(toy)]


def test_a_csv_table_of_an_article_named_with_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    art = tmp_path / f"a{ODD}.txt"
    shutil.copyfile(ART, art)
    run = run_cli(["extract", str(art), "-q", "--csv", str(tmp_path / "csv")])
    assert run.code == 0, run.err
    table = (tmp_path / "csv" / "articles.csv").read_text(encoding="utf-8")
    assert "a\ufffd.txt" in table


def test_outputs_in_a_folder_named_with_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    out = tmp_path / f"o{ODD}"
    gen = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
    run = run_cli(["import", "genius", str(gen), "--json", str(tmp_path / "g.json"), "-o",
                   str(out / "g.yaml")])
    assert run.code == 0, run.err
    assert "\\udcff" in (tmp_path / "g.json").read_text(encoding="utf-8")


# -- an option given twice ------------------------------------------------------------------------
@pytest.mark.parametrize("argv, opt", [
    (["analyze", str(TOY), "-q", "--draws", "10", "--draws", "20"], "--draws"),
    (["--memory-limit", "4G", "--memory-limit", "8G", "analyze", str(TOY), "-q"],
     "--memory-limit"),
    (["extract", str(ART), "-q", "-o", "a.yaml", "--output", "b.yaml"], "--output"),
    (["signals", "credibility", "--no-store", "--actor", "RUS", "--actor", "UKR"], "--actor"),
])
def test_a_single_valued_option_given_twice_is_refused(argv: list[str], opt: str) -> None:
    """The parser kept the last value: ``--draws 10 --draws 20`` ran 20 draws, ``-o a -o b``
    wrote b alone."""
    words = _err(argv, opt)
    assert "given twice" in words


def test_an_option_given_twice_with_one_value_and_repeatable_options_pass() -> None:
    assert run_cli(["analyze", str(TOY), "-q", "--draws", "10", "--draws", "10"]).code == 0
    assert run_cli(["forecast", str(TOY), "-q", "-m", "compromise", "-m", "median"]).code == 0


# -- a locked event store -------------------------------------------------------------------------
@pytest.mark.parametrize("wal", [True, False])
def test_an_import_into_a_store_another_process_has_locked(
        tmp_path: Path, wal: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite gives up after 30 s (here 1 s): ``sqlite3.OperationalError: database is
    locked``."""
    from detente.signals import store
    from fuzz.round12 import Locker, locked_store

    monkeypatch.setattr(store, "BUSY_SECONDS", 1.0)
    db = locked_store(tmp_path, wal=wal)
    gd1 = tmp_path / "20150218.export.CSV"
    gd1.write_bytes((FIX / "gdelt1_rows.tsv").read_bytes())
    with Locker(db):
        words = _err(["signals", "import", str(gd1), "--store", str(db), "-q"], str(db))
    assert "locked by another process" in words


def test_a_locked_store_error_names_the_store(tmp_path: Path) -> None:
    from detente.signals.store import store_error

    exc = store_error(sqlite3.OperationalError("database is locked"), tmp_path / "s.sqlite")
    assert "locked by another process" in str(exc) and "s.sqlite" in str(exc)


# -- settings from the environment -------------------------------------------------------------
@pytest.mark.parametrize("how", ["missing/", "folder", "folder/"])
def test_detente_store_naming_a_folder(tmp_path: Path, how: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``DETENTE_STORE=new/``: the slash was dropped and a file ``new`` written."""
    (tmp_path / "folder").mkdir()
    value = str(tmp_path / how.rstrip("/")) + ("/" if how.endswith("/") else "")
    monkeypatch.setenv("DETENTE_STORE", value)
    words = _err(["signals", "import", str(GDELT), "-q"], "DETENTE_STORE")
    assert "names a folder" in words
    assert not (tmp_path / "missing").exists()


def test_signals_list_of_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    words = _err(["signals", "list", "--store", str(tmp_path)], str(tmp_path))
    assert "is a folder" in words


@pytest.mark.parametrize("value", ["\u0661G", "\u0664\u0660\u0660M", "1e3M", "abc"])
def test_detente_memory_limit_in_other_digits_or_unreadable(
        value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``\\u0661G`` (Arabic-Indic one) was read as 1 GB; an unreadable value was refused as
    ``--memory-limit``, an option nobody typed."""
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT", value)
    _err(["analyze", str(TOY), "-q", "--draws", "10"], "$DETENTE_MEMORY_LIMIT")


def test_memory_limit_option_in_other_digits() -> None:
    _err(["--memory-limit", "\u0661G", "analyze", str(TOY), "-q"], "--memory-limit")


# -- Scenario objects that skipped validation -----------------------------------------------------
def _objects() -> list[tuple[str, object, str]]:
    from fuzz.round12 import scenario_objects

    return [(label, make, names[0]) for label, make, names in scenario_objects()]


@pytest.mark.parametrize("label, make, name", _objects(), ids=[x[0] for x in _objects()])
@pytest.mark.parametrize("verb", ["analyze", "sensitivity"])
def test_a_scenario_object_that_skipped_validation(label: str, make: object, name: str,
                                                   verb: str) -> None:
    """AttributeError, TypeError, a ValidationError of the record, or a silent answer (two
    actors with one id, a proposal by nobody)."""
    obj = make()  # type: ignore[operator]
    with pytest.raises(DetenteError) as exc:
        if verb == "analyze":
            detente.analyze(obj)
        else:
            detente.sensitivity(obj, method="oat")
    assert name in str(exc.value)


def test_a_valid_scenario_object_gives_the_files_record() -> None:
    a = detente.analyze(str(TOY), draws=30).to_json()
    b = detente.analyze(detente.load(TOY), draws=30, source=str(TOY)).to_json()
    assert a == b


# -- where a key that is not text is ----------------------------------------------------------
@pytest.mark.parametrize("key, kind", [("2024-01-01", "a date"), ("5", "a number"),
                                       ("true", "a boolean"), ("null", "null")])
def test_a_key_that_is_not_text_is_located(tmp_path: Path, key: str, kind: str) -> None:
    """Reported at 1:1 with the path ``datetime.date(2024, 1, 1)`` or ``[1]`` (for true)."""
    text = TOY.read_text(encoding="utf-8")
    f = tmp_path / "case.yaml"
    f.write_text(text + f"{key}: x\n", encoding="utf-8")
    words = _err(["check", str(f)], str(f))
    assert f"{f}:{text.count(chr(10)) + 1}:1: {key}: a key that is not text" in words
    assert kind in words
    old = "package: {land: split, money: 5}"
    f.write_text(text.replace(old, f"package: {{land: split, {key}: 5}}"), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    words = _err(["check", str(f)], str(f))
    assert f"{f}:{line}:" in words and f"proposals[0].package.{key}" in words


# -- gold signal dates ------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["2025-13-45", "2025-02-30", "2025-5-1", "20250516", "2025",
                                   "2025-04-19/2025-04-20", "2025-00", ""])
def test_a_gold_signal_date_that_is_no_date(tmp_path: Path, value: str) -> None:
    shutil.copyfile(ART, tmp_path / "01.txt")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    gold["signals"][0]["date"] = value
    (tmp_path / "01.json").write_text(json.dumps(gold), encoding="utf-8")
    words = _err(["extract", str(tmp_path / "01.txt"), "-q", "--evaluate", str(tmp_path)],
                 "signals[0].date")
    assert "not a calendar date or month" in words


@pytest.mark.parametrize("value", ["2025-04-19", "2025-04", "2024-02-29", None])
def test_a_gold_signal_date_day_month_or_null_passes(tmp_path: Path, value: str | None) -> None:
    shutil.copyfile(ART, tmp_path / "01.txt")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    gold["signals"][0]["date"] = value
    (tmp_path / "01.json").write_text(json.dumps(gold), encoding="utf-8")
    run = run_cli(["extract", str(tmp_path / "01.txt"), "-q", "--evaluate", str(tmp_path)])
    assert run.code == 0, run.err


# -- Monte Carlo of too few draws -------------------------------------------------------------
@pytest.mark.parametrize("argv, words", [
    (["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "1"],
     "1 draw gives no 90 % interval"),
    (["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "19"],
     "19 draws give no 90 % interval"),
    (["analyze", str(TOY), "-q", "--draws", "1"], "1 draw gives no standard error"),
    (["timeline", "ru-ua-2022-03", "ru-ua-2024-09", "-q", "--draws", "1"],
     "1 draw gives no standard error"),
    (["forecast", str(TOY), "-q", "-m", "compromise", "--draws", "9"],
     "9 draws give no 10-90 % band"),
])
def test_too_few_draws_for_the_spread_printed(argv: list[str], words: str) -> None:
    """``credibility --draws 1`` printed ``[0.055, 0.055]`` (excluding its own point estimate),
    ``forecast --draws 1`` a band ``44.5–44.5``, ``analyze --draws 1`` ``± 0.000``."""
    assert words in _err(argv, "--draws")


def test_the_fewest_draws_allowed_run() -> None:
    for argv in (["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "20"],
                 ["analyze", str(TOY), "-q", "--draws", "2"],
                 ["forecast", str(TOY), "-q", "-m", "compromise", "--draws", "10"],
                 ["analyze", str(TOY), "-q", "--draws", "0"]):
        run = run_cli(argv)
        assert run.code == 0, run.err


def test_the_api_takes_the_same_draws() -> None:
    with pytest.raises(DetenteError, match="1 draw gives no standard error"):
        detente.analyze(TOY, draws=1)
    with pytest.raises(DetenteError, match="0 draws give no 90 % interval"):
        detente.credibility("RUS", store=None, draws=0)


def test_yaml_written_from_inputs_named_with_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    """``import genius`` and ``extract -o/--signals`` wrote the name as ``\\uDCFF``, an escape
    every YAML reader refuses (``detente check`` of detente's own output failed); a GENIUS
    profile so named raised ``UnicodeEncodeError`` in ``analyze`` (its hash)."""
    from fuzz.round12 import chain_commands

    for _label, make, read in chain_commands(tmp_path):
        assert run_cli(make).code == 0, make
        run = run_cli(read)
        assert run.code == 0, run.err


def test_an_event_file_named_with_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    """SQLite holds UTF-8 text only: ``UnicodeEncodeError`` storing the source name."""
    d = tmp_path / f"in{ODD}"
    d.mkdir()
    f = d / "20150218230000.export.CSV"
    shutil.copyfile(GDELT, f)
    db = tmp_path / "s.sqlite"
    assert run_cli(["signals", "import", str(f), "--store", str(db), "-q"]).code == 0
    assert run_cli(["signals", "list", "--store", str(db), "--limit", "1"]).code == 0
    with sqlite3.connect(db) as conn:
        files = {r[0] for r in conn.execute("SELECT DISTINCT source_file FROM events")}
    conn.close()
    assert files == {str(f).replace(ODD, "\ufffd")}


# -- the workbench: a field given twice -----------------------------------------------------------
@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    with workbench_client() as c:
        yield c


@pytest.mark.parametrize("method, url, kw, field", [
    ("GET", "/signals?source=ru-ua&actor=RUS&actor=UKR", {}, "actor"),
    ("POST", "/case/ru-ua-2024-09/run/window", {"data": {"paths": ["100", "200"]}}, "paths"),
    ("POST", "/case/ru-ua-2024-09/edit",
     {"data": {"rev": ["0", "1"], "path": "actors[0].batna", "value": "0.5"}}, "rev"),
])
def test_a_workbench_field_given_twice(client, method: str, url: str, kw: dict,  # type: ignore[no-untyped-def, type-arg]
                                       field: str) -> None:
    """FastAPI kept one value: ``rev=0&rev=1`` passed the conflict check with the newer one."""
    r = client.request(method, url, **kw)
    assert r.status_code == 400 and f"{field} given twice" in r.text
    client.post("/job/cancel")


def test_a_workbench_field_given_twice_with_one_value_passes(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/signals?source=ru-ua&actor=RUS&actor=RUS")
    assert r.status_code == 200


def test_a_workbench_monte_carlo_of_one_draw(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/case/ru-ua-2024-09/run/montecarlo", data={"draws": "1"})
    assert r.status_code == 400 and "from 2 to 100,000" in r.text
