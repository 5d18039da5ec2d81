"""One regression test per finding of the seventh session's hostile-input sweep (byte-level
damage, YAML / table / JSON specials, path specials, options at their bounds and commands
chained on each other's outputs; the families are in ``tests/fuzz/damage.py``): each input
once ended in a destroyed file, a hang, a silent wrong success or a message naming neither the
file nor what is allowed, and now gets one clear message naming the file (line, field path)
or the option, and what is allowed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from detente.cli.common import _cell, check_outputs, console
from detente.errors import DetenteError
from detente.extract.article import read_article
from detente.extract.evaluate import load_gold
from detente.formats._csvtext import read_rows
from detente.records.output import write_text
from fuzz.harness import check, run_cli, toy_variant
from fuzz.harness import error_words as _err

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "toy.yaml"
ARTICLE = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GOLD = ROOT / "tests" / "data" / "extract" / "dev" / "01.json"


def _toy(tmp_path: Path, old: str, new: str, name: str = "case.yaml") -> Path:
    return toy_variant(tmp_path, old, new, name, 1)


# -- output paths that are not files ----------------------------------------------------------
# Outputs are written beside the target and renamed into place: `--json /dev/null` (run as
# root) replaced the device with a regular file, and a FIFO given to --html was replaced too.
def _device(tmp_path: Path) -> Path:
    dev = tmp_path / "null"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here (not root)")
    return dev


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_output_path_that_is_a_fifo_or_device_is_refused(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    if kind == "fifo":
        os.mkfifo(out)
    else:
        out = _device(tmp_path)
    msg = _err(["analyze", str(TOY), "-q", "--json", str(out)], str(out))
    assert "--json" in msg and ("FIFO" in msg if kind == "fifo" else "a device" in msg)
    assert "writing would replace it" in msg and "allowed: a regular file path" in msg
    mode = out.stat().st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode)  # still there


def test_write_text_refuses_a_fifo_itself(tmp_path: Path) -> None:
    out = tmp_path / "pipe"
    os.mkfifo(out)
    with pytest.raises(DetenteError) as err:
        write_text(out, "x")
    assert "FIFO" in str(err.value) and str(out) in str(err.value)
    assert stat.S_ISFIFO(out.stat().st_mode)
    with pytest.raises(DetenteError):
        check_outputs(files={"--output": out})


# -- printing user text ----------------------------------------------------------------------
# Rich's number/URL highlighting is quadratic in an unbroken run: a 64 KB scenario title took
# 38 s to print and a 1 MB one never finished. Past 4 KB the text prints uncoloured.
def test_long_text_is_not_highlighted_short_text_is() -> None:
    from rich.text import Text

    long = console.highlighter(Text("x" * 5000 + " 12"))
    short = console.highlighter(Text("value 12"))
    assert not long.spans and short.spans


def test_one_megabyte_title_prints(tmp_path: Path) -> None:
    f = _toy(tmp_path, "title: Toy two-party negotiation", "title: " + "x" * (1 << 20))
    run = run_cli(["analyze", str(f), "-q"])
    check(run, str(f), seconds=60.0)
    assert run.code == 0 and run.out.count("x") >= 1 << 20


# -- YAML specials --------------------------------------------------------------------------
# An escape such as "\e[31m" in a quoted title reached the terminal as a command (and the
# HTML report, CSV tables) as written; control characters are refused at their line.
def test_yaml_control_character_is_refused_at_its_line(tmp_path: Path) -> None:
    f = _toy(tmp_path, "title: Toy two-party negotiation", 'title: "Toy\\e[2Jgone"')
    msg = _err(["check", str(f)], str(f))
    assert f"{f}:2:" in msg and "control character U+001B" in msg
    assert "allowed: printable text, tab and newline" in msg


# `capability: 1e308` is text to YAML 1.1 (an exponent needs a decimal point): the message was
# "Input should be a valid dictionary or instance of Quantity".
@pytest.mark.parametrize("old,new,field", [
    ("capability: 1\n", "capability: 1e308\n", "actors[1].capability"),
    ("batna: 0.4", 'batna: "0.4"', "actors[1].batna"),
])
def test_number_yaml_reads_as_text_says_why(tmp_path: Path, old: str, new: str,
                                            field: str) -> None:
    f = _toy(tmp_path, old, new)
    msg = _err(["check", str(f)], str(f))
    assert field in msg and "YAML reads this as text, not a number" in msg
    # round 8: 1.0e3 is text to YAML 1.1 too (the hint said to write it)
    assert "1.0e+3, not 1e3 or 1.0e3" in msg and "allowed: a number or [low, likely, high]" in msg


def test_text_where_a_number_belongs_says_what_is_allowed(tmp_path: Path) -> None:
    f = _toy(tmp_path, "batna: 0.4", "batna: abc")
    msg = _err(["check", str(f)], str(f))
    assert "actors[1].batna" in msg and "expected a number or [low, likely, high], got text" in msg


# -- chained commands: one command's output as another's input ----------------------------------
# A JSON record or an HTML report given to `extract` was read as prose: a draft with actors and
# positions made up from keys and tags, exit 0.
@pytest.mark.parametrize("kind", ["json", "html"])
def test_record_or_report_is_not_an_article(tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"rec.{kind}"
    assert run_cli(["analyze", str(TOY), "-q", f"--{kind}", str(out)]).code == 0
    with pytest.raises(DetenteError) as err:
        read_article(out)
    text = str(err.value)
    assert str(out) in text and "not an article" in text and "allowed: an article's plain" in text
    run = run_cli(["extract", str(out), "-q"])
    check(run, str(out), expect_error=True)


# When nothing was extracted, an empty draft was still written: one that `check` refuses.
def test_no_draft_is_written_when_nothing_was_extracted(tmp_path: Path) -> None:
    rec, draft = tmp_path / "rec.json", tmp_path / "draft.yaml"
    assert run_cli(["analyze", str(TOY), "-q", "--json", str(rec)]).code == 0
    _err(["extract", str(rec), "-q", "-o", str(draft)], str(rec))
    assert not draft.exists()


# `forecast` and `sensitivity` on a scenario they cannot use (a draft without veto players,
# nothing uncertain) said what was wrong but not which file.
def test_forecast_and_sensitivity_name_the_file(tmp_path: Path) -> None:
    f = _toy(tmp_path, "veto: true", "veto: false")
    f.write_text(f.read_text(encoding="utf-8").replace("veto: true", "veto: false"),
                 encoding="utf-8")
    msg = _err(["forecast", str(f), "-q", "-m", "compromise"], str(f))
    assert msg.startswith(f"error: {f}: actors: no veto players")
    g = _toy(tmp_path, "capability: [1, 2, 3]", "capability: 2", "flat.yaml")
    g.write_text(g.read_text(encoding="utf-8").replace("[0.3, 0.4, 0.5]", "0.4")
                 .replace("[0.3, 0.5, 0.7]", "0.5")
                 .replace("{land: split, money: 5}", "{land: split, money: 5, guarantee: weak}"),
                 encoding="utf-8")
    msg = _err(["sensitivity", str(g), "-q", "--method", "oat"], str(g))
    assert msg.startswith(f"error: {g}: nothing is uncertain")


# -- articles and gold -------------------------------------------------------------------------
# An ESC sequence in an article went into the draft scenario, which `check` then refused;
# form feeds (pdftotext's page breaks) are read as line breaks.
def test_article_control_character_is_refused_at_its_line(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"Title: x\n---\nRussia and Ukraine met.\nThey \x1b[31mtalked.\n")
    with pytest.raises(DetenteError) as err:
        read_article(f)
    text = str(err.value)
    assert f"{f}:4:" in text and "U+001B" in text and "allowed: text without control" in text
    g = tmp_path / "b.txt"
    g.write_bytes(b"Russia and Ukraine met.\x0cPage two.\n")
    assert "Page two." in read_article(g).body


# A gold item with "quote" written twice was scored on the second one without a word.
def test_gold_key_written_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "01.txt").write_bytes(ARTICLE.read_bytes())
    raw = GOLD.read_text(encoding="utf-8")
    assert '"quote": ' in raw
    (tmp_path / "01.json").write_text(raw.replace('"quote": ', '"quote": "zz", "quote": ', 1),
                                      encoding="utf-8")
    with pytest.raises(DetenteError) as err:
        load_gold(tmp_path)
    text = str(err.value)
    assert "01.json" in text and "duplicate key 'quote'" in text
    assert "allowed: each key once" in text
    json.loads(raw)  # the unchanged file is fine


# -- tables ------------------------------------------------------------------------------------
# A stakeholder table in UTF-8 (a BOM, or UTF-8 characters) with one byte that is not UTF-8 was
# read as Latin-1 throughout: the BOM became 'ï»¿' in the first name, every é became 'Ã©'.
@pytest.mark.parametrize("raw,line", [
    (b"\xef\xbb\xbfActor,Capability,Position,Salience\nA,1,0,1\nB\xe9,1,100,1\n", 3),
    (b"Actor,Capability,Position,Salience\nS\xc3\xa3o,1,0,1\nB\xed\xa0\x80,1,100,1\n", 3),
])
def test_mixed_encodings_in_a_table_are_refused(tmp_path: Path, raw: bytes, line: int) -> None:
    f = tmp_path / "t.csv"
    f.write_bytes(raw)
    with pytest.raises(DetenteError) as err:
        read_rows(f)
    text = str(err.value)
    assert f"{f}:{line}" in text and "mixed encodings" in text
    assert "allowed: one encoding for the whole file" in text


def test_latin1_table_is_still_read(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_bytes(b"Actor,Capability,Position,Salience\nB\xe9,1,100,1\n")
    assert read_rows(f)[1][0] == "B\u00e9"


# A proposal named '=HYPERLINK("http://evil","x")' was written as a live formula to the CSV
# tables (CSV injection); a spreadsheet now shows it as text. Numbers are left alone.
def test_csv_cells_that_start_a_formula_are_quoted(tmp_path: Path) -> None:
    f = _toy(tmp_path, "name: Split", 'name: "=HYPERLINK(\\"http://evil\\",\\"x\\")"')
    out = tmp_path / "csv"
    assert run_cli(["analyze", str(f), "-q", "--csv", str(out)]).code == 0
    text = (out / "proposals.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    assert [_cell(v) for v in ("-0.5", "+1", "@x", "-x", "a=b", 3)] == [
        "-0.5", "+1", "'@x", "'-x", "a=b", 3]


# -- event files -------------------------------------------------------------------------------
# A line longer than the reader's 8 MB buffer: the whole file failed. Since the eighth session
# such a line is a counted row problem: tests/fuzz/test_hardening8.py.


# Reading the first bytes of /proc/self/mem fails with EIO: an OSError traceback.
@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="Linux /proc only")
def test_event_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    run = run_cli(["signals", "import", "/proc/self/mem", "--store",
                   str(tmp_path / "s.sqlite"), "-q"])
    check(run, "/proc/self/mem", expect_error=True)
    assert "cannot read the file" in run.err and "allowed: a readable event file" in " ".join(
        run.err.split())


# `extract -o`'s own draft (or any scenario) given back to `extract` was read as prose.
def test_scenario_yaml_is_not_an_article(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    assert run_cli(["new", str(new)]).code == 0
    for f in (new, TOY):
        with pytest.raises(DetenteError) as err:
            read_article(f)
        assert "a YAML document" in str(err.value) and str(f) in str(err.value)


# -- folders holding something that is not a file -------------------------------------------------
# A gold folder whose NN.json is a FIFO or a folder: "article without gold annotation; allowed:
# NN.json beside it" (it is there); a sources folder whose cited text is a FIFO: "no text file
# for source 's000'".
@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_gold_annotation_that_is_not_a_file_is_named(tmp_path: Path, kind: str) -> None:
    (tmp_path / "01.txt").write_bytes(ARTICLE.read_bytes())
    js = tmp_path / "01.json"
    os.mkfifo(js) if kind == "fifo" else js.mkdir()
    with pytest.raises(DetenteError) as err:
        load_gold(tmp_path)
    text = str(err.value)
    assert f"{js}: gold annotation is not a regular file" in text
    assert "allowed: a JSON file 01.json beside 01.txt" in text


def test_source_text_that_is_a_fifo_is_named(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "sources"
    shutil.copytree(ROOT / "src" / "detente" / "cases" / "sources", folder)
    cited = folder / "000_e71a9ef3079067d3.txt"
    cited.unlink()
    os.mkfifo(cited)
    msg = _err(["check", "ru-ua-2024-09", "--sources", str(folder)], str(cited))
    assert f"the text of source 's000' ({cited}) is not a regular file" in msg
    assert "allowed: a text file" in msg


# A UCDP PAD file holding bytes that are not UTF-8: DuckDB's sniffer took the data for column
# names ("unexpected column '19'", "'1_17'", "'22.1'", …); PA-X said "not UTF-8" with no line.
@pytest.mark.parametrize("name", ["ucdp_pad_v22_1_from_bherbst5.csv",
                                  "pax_all_agreements_data_v9.csv"])
def test_agreement_file_not_utf8_names_the_line(tmp_path: Path, name: str) -> None:
    import shutil

    data = tmp_path / "agr"
    shutil.copytree(ROOT / "tests" / "data" / "agreements", data)
    f = data / name
    lines = f.read_bytes().split(b"\n")
    k = next(i for i in range(2, len(lines)) if b"," in lines[i])
    lines[k] = lines[k].replace(b",", b",\xed\xa0\x80", 1)
    f.write_bytes(b"\n".join(lines))
    msg = _err(["agreements", "check", "--data", str(data)], str(f))
    assert f"{f}:{k + 1}: not UTF-8 text" in msg and "allowed: UTF-8" in msg
    assert "unexpected column" not in msg


# `extract --evaluate GOLD --json r.json` (or -o, --signals, --csv) printed the scores, wrote
# none of the asked-for files and exited 0.
@pytest.mark.parametrize("flag", ["--json", "-o", "--signals", "--csv"])
def test_outputs_beside_evaluate_are_refused(tmp_path: Path, flag: str) -> None:
    out = tmp_path / "out"
    msg = _err(["extract", "--evaluate", str(ARTICLE.parent), flag, str(out)], flag,
               "--output")
    assert "cannot be used with --evaluate" in msg and "allowed: extract --evaluate" in msg
    assert not out.exists()


# `analyze toy.yaml --batna war` on a scenario without a war section named no file.
def test_batna_war_without_war_names_the_file() -> None:
    msg = _err(["analyze", str(TOY), "-q", "--batna", "war"], str(TOY))
    assert msg.startswith(f"error: {TOY}: war: the scenario has no war model")


# The workbench's upload with two file parts kept the last and dropped the first silently.
def test_upload_of_two_files_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from detente.web.app import create_app

    client = TestClient(create_app(None, tmp_path / "out"), headers={"HX-Request": "true"})
    toy = TOY.read_bytes()
    r = client.post("/upload", files=[("file", ("a.yaml", toy)), ("file", ("b.yaml", toy))])
    assert r.status_code == 400 and "one scenario file per upload (got 2)" in r.text
    r = client.post("/upload", files={"file": ("a.yaml", toy)})
    assert r.status_code == 200 and "uploaded" in r.text
