"""One regression test per finding of the ninth session's hostile-input sweep (families in
``tests/fuzz/round9.py``: invisible and layout characters in free text, YAML 1.1 number
spellings, endless inputs, output paths, options the option sweep had not reached, ``timeline``
on scenario variants) and of the items left from round 8 (bidi overrides in names, ``-0.0``
printed as ``-0.0``). Each input once ended in a traceback, a wrong success (a value silently
read as another) or a message that named neither the option nor what is allowed."""

from __future__ import annotations

import csv
import json
import math
import os
import random
import shutil
from pathlib import Path

import pytest

from fuzz.harness import error_words as _err
from fuzz.harness import run_cli, toy_variant

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
TOY = ROOT / "tests" / "toy.yaml"
ART = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
AGR = ROOT / "tests" / "data" / "agreements"
SOURCES = ROOT / "src" / "detente" / "cases" / "sources"

INVISIBLE = {"\u202e": "U+202E", "\u2067": "U+2067", "\u200b": "U+200B", "\u200f": "U+200F",
             "\ufeff": "U+FEFF", "\u00ad": "U+00AD", "\U000e0041": "U+E0041"}


# -- item 1a: invisible and layout characters, refused where an analyst writes ----------------
# An actor named "Side \u202eA" printed reordered in every table, report and message; a name
# with a zero-width space looked exactly like another. Refused in every YAML text value, at
# its line and field, naming the character and never printing it.
@pytest.mark.parametrize("ch", list(INVISIBLE))
def test_an_invisible_character_in_a_yaml_name_is_refused(tmp_path: Path, ch: str) -> None:
    f = toy_variant(tmp_path, "name: Side A", f"name: Side {ch}A")
    msg = _err(["analyze", str(f), "-q"], str(f))
    assert f"{f}:8:11: actors[0].name: an invisible character {INVISIBLE[ch]}" in msg
    assert ch not in msg and "allowed: visible text" in msg


def test_an_escaped_override_in_a_quote_and_a_key_are_refused(tmp_path: Path) -> None:
    f = toy_variant(tmp_path, "name: Side A", 'name: "Side \\u202eA"')
    assert "actors[0].name" in _err(["check", str(f)], str(f))
    f = toy_variant(tmp_path, "title:", "title\u2066:")  # a key: no field path yet, the line
    assert f"{f}:2:1: an invisible character U+2066" in _err(["check", str(f)], str(f))


def test_timeline_refuses_an_invisible_character_in_a_dated_scenario(tmp_path: Path) -> None:
    text = (ROOT / "src" / "detente" / "cases" / "ru-ua-2024-09.yaml").read_text("utf-8")
    f = tmp_path / "case.yaml"
    f.write_text(text.replace("title: ", "title: \u202e", 1), encoding="utf-8")
    assert "U+202E" in _err(["timeline", "ru-ua-2022-03", str(f), "-q"], str(f))


@pytest.mark.parametrize(("sub", "name"), [("bdm", "emission.csv"), ("ktab", "SOE-Policy.csv")])
def test_an_invisible_character_in_a_stakeholder_table_is_refused(tmp_path: Path, sub: str,
                                                                  name: str) -> None:
    src = SHARED / sub / name
    if not src.is_file():
        pytest.skip("shared data not present")
    lines = src.read_text("utf-8").split("\n")
    k = 2 if sub == "ktab" else 1
    lines[k] = lines[k][:1] + "\u200b" + lines[k][1:]
    f = tmp_path / name
    f.write_text("\n".join(lines), encoding="utf-8")
    msg = _err(["forecast", str(f), "-q", "-m", "compromise"], str(f))
    assert f"{f}:{k + 1}: an invisible character U+200B" in msg


def test_an_invisible_character_in_the_commitments_table_is_refused(tmp_path: Path) -> None:
    src = ROOT / "src" / "detente" / "signals" / "data" / "commitments-dev.csv"
    f = tmp_path / "c.csv"
    f.write_text(src.read_text("utf-8").replace("minsk1-rus,RUS", "minsk1-rus,R\u202eUS", 1),
                 encoding="utf-8")
    msg = _err(["signals", "evaluate", str(f), "-q", "--resamples", "10"], str(f))
    assert f"{f}:2: an invisible character U+202E" in msg


def test_an_invisible_character_in_a_genius_name_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "g"
    shutil.copytree(GEN, d)
    f = d / "England.xml"
    f.write_text(f.read_text("utf-8").replace('name="', 'name="\u202e', 1), encoding="utf-8")
    msg = _err(["analyze", str(d), "-q"], str(f))
    assert "@name: an invisible character U+202E" in msg and "\u202e" not in msg
    f.write_text(f.read_text("utf-8").replace("\u202e", "&#x200B;"), encoding="utf-8")
    assert "U+200B" in _err(["import", "genius", str(d), "-o", str(tmp_path / "o.yaml")],
                            str(f))


# -- articles and gold files: overrides refused, zero-width characters kept ------------------
def test_an_override_in_an_article_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ART.read_text("utf-8").replace(" ", " \u202e", 1), encoding="utf-8")
    assert f"{f}:1: an invisible character U+202E" in _err(["extract", str(f), "-q"], str(f))


def test_an_articles_zero_width_space_is_kept_out_of_the_draft(tmp_path: Path) -> None:
    """A zero-width space is common in pasted news text: the article is read, and its draft
    (which scenario files must not hold one) leaves it out; the draft checks clean."""
    text = ART.read_text("utf-8")
    words = text.split(" ")
    f = tmp_path / "a.txt"
    f.write_text(" ".join(w + "\u200b" if len(w) > 6 else w for w in words), encoding="utf-8")
    draft = tmp_path / "d.yaml"
    run = run_cli(["extract", str(f), "-q", "-o", str(draft)])
    assert run.code == 0, run.err
    out = draft.read_text("utf-8")
    assert "\u200b" not in out and "quote:" in out
    run = run_cli(["check", str(draft)])
    assert run.code == 0, run.err


def test_an_override_in_a_gold_file_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "gold"
    d.mkdir()
    shutil.copy(ART, d / "01.txt")
    gold = json.loads((ART.with_suffix(".json")).read_text("utf-8"))
    first = next(k for k, v in gold.items() if isinstance(v, list) and v
                 and isinstance(v[0], dict) and "quote" in v[0])
    gold[first][0]["quote"] = "\u202e" + gold[first][0]["quote"]
    (d / "01.json").write_text(json.dumps(gold), encoding="utf-8")
    msg = _err(["extract", str(ART), "-q", "--evaluate", str(d)], str(d / "01.json"))
    assert f"{first}[0].quote: an invisible character U+202E" in msg


# -- third-party text: kept, shown escaped wherever printed or written ------------------------
def test_kept_invisible_characters_are_shown_escaped_in_every_output() -> None:
    from detente.cli.common import _cell
    from detente.cli.common import esc as term
    from detente.report.base import esc as html

    text = "Mar\u00eda\u200b\u200b Pizarro \u202eRTL"  # PA-X v9 holds such zero-width spaces
    assert term(text) == "Mar\u00eda<U+200B><U+200B> Pizarro <U+202E>RTL"
    assert html(text) == "Mar\u00eda&lt;U+200B&gt;&lt;U+200B&gt; Pizarro &lt;U+202E&gt;RTL"
    assert _cell(text) == "Mar\u00eda<U+200B><U+200B> Pizarro <U+202E>RTL"
    assert _cell("=\u200bcmd") == "'=<U+200B>cmd" and term("plain [x]") == "plain \\[x]"
    from detente.cli import agreements, extract  # they print PA-X / article text

    assert agreements.escape(text) == extract.escape(text) == term(text)


def test_a_json_record_escapes_invisible_characters_and_reads_back_the_same(
        tmp_path: Path) -> None:
    from detente.records.output import write_json

    data = {"name": "a\u200bb\u202ec\U000e0041", "plain": "caf\u00e9 \u2014 \u0420\u0424"}
    out = tmp_path / "r.json"
    write_json(data, out)
    raw = out.read_text("utf-8")
    assert "\\u200b" in raw and "\\u202e" in raw and "\\udb40\\udc41" in raw
    assert "caf\u00e9 \u2014 \u0420\u0424" in raw  # other text as written (ensure_ascii off)
    assert json.loads(raw) == data


def test_a_quote_matches_a_source_text_holding_a_zero_width_space(tmp_path: Path) -> None:
    """A quote (which may not hold one) still matches its source when the source text has a
    zero-width space inside the quoted words."""
    d = tmp_path / "src"
    shutil.copytree(SOURCES, d)
    f = d / "000_e71a9ef3079067d3.txt"
    quoted = "Russia\u2019s attacks inside Ukraine continued"
    text = f.read_text("utf-8")
    assert quoted in text
    f.write_text(text.replace(quoted, "Russia\u2019s at\u200btacks inside\ufeff Ukraine "
                              "continued"), encoding="utf-8")
    run = run_cli(["check", "ru-ua-2024-09", "--sources", str(d)])
    assert run.code == 0, run.out + run.err


# -- YAML 1.1 numbers in another base ---------------------------------------------------------
# "salience: 010" was read as 8 (octal), "1:30" as 90 (base 60), "0x10" as 16, "1_000" as
# 1000: in range, such a value was a silent wrong success. Refused at the field.
@pytest.mark.parametrize("value", ["010", "0x10", "1:30", "1_000", "0b11", "-010", "+0x1"])
def test_a_number_yaml_reads_in_another_base_is_refused(tmp_path: Path, value: str) -> None:
    f = toy_variant(tmp_path, "capability: 1\n", f"capability: {value}\n")
    msg = _err(["check", str(f)], str(f))
    assert f"actors[1].capability: the number '{value}' is read by YAML 1.1 as" in msg
    assert "write 8 or 10, not 010" in msg


@pytest.mark.parametrize("value", ["10", "0", "0.5", "-0.0", "+1", "1.", ".5", "1.0e+1", "0.80"])
def test_a_decimal_number_still_reads(tmp_path: Path, value: str) -> None:
    f = toy_variant(tmp_path, "batna: 0.4", f"batna: {value}")
    run = run_cli(["check", str(f)])
    assert "read by YAML 1.1" not in run.err, run.err


# -- item 1c: negative zero --------------------------------------------------------------------
def test_a_negative_zero_forecast_prints_and_writes_as_zero(tmp_path: Path) -> None:
    f = toy_variant(tmp_path, "position: 0}", "position: -0.0}")
    rec, csv_dir = tmp_path / "f.json", tmp_path / "csv"
    run = run_cli(["forecast", str(f), "-q", "-m", "median", "--json", str(rec),
                   "--csv", str(csv_dir)])
    assert run.code == 0, run.err
    assert "-0.0" not in run.out and " 0.00 " in run.out  # the median of land is -0.0
    assert "-0.0" not in rec.read_text("utf-8")
    cells = [c for p in csv_dir.glob("*.csv") for row in csv.reader(p.open()) for c in row]
    assert "-0.0" not in cells and "0.0" in cells


def test_fixed_is_the_format_but_for_the_sign_of_zero() -> None:
    """Oracle: Python's own ``f"{x:.{d}f}"``; only a result that reads as zero may differ,
    and then only by its minus sign."""
    from detente.records.output import fixed

    rng = random.Random(9)
    xs = [rng.uniform(-1, 1) * 10 ** rng.randint(-6, 6) for _ in range(20_000)]
    xs += [-0.0, 0.0, -0.004, -0.005, -0.0051, 0.125, -0.125, 2.675, math.inf, -math.inf]
    for x in xs:
        for d in (1, 2, 3):
            want = f"{x:.{d}f}"
            got = fixed(x, d)
            assert got == (want[1:] if want.startswith("-") and float(want) == 0 else want), x
    assert fixed(math.nan, 2) == "nan"


# -- options the option sweep had not reached -------------------------------------------------
def test_an_infinite_prior_strength_is_refused() -> None:
    for value in ("inf", "1e400", "infinity"):
        msg = _err(["agreements", "prior", "RUS", "ceasefire", "--data", str(AGR),
                    "--strength", value], "--strength")
        assert "a finite number of agreements > 0" in msg


@pytest.mark.parametrize("spec", ["local:1_0", "local: 2", "local:+2", "local:\u0662"])
def test_an_executor_worker_count_is_ascii_digits(spec: str) -> None:
    msg = _err(["analyze", str(TOY), "-q", "--executor", spec], "--executor")
    assert "whole number from 1 to" in msg


# "" is refused by the parser since round 11 (an empty value: tests/fuzz/test_hardening11.py)
@pytest.mark.parametrize("value", ["\u202e", "nosuch"])
def test_a_missing_genius_profile_names_the_option(tmp_path: Path, value: str) -> None:
    msg = _err(["import", "genius", str(GEN), "-o", str(tmp_path / "o.yaml"), "--profile",
                value], str(GEN))
    assert f"--profile {value!r}: profile file not found" in msg.encode().decode()


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_an_extract_anchor_at_the_ends_of_the_calendar(date: str) -> None:
    """'last week' of an article dated 0001-01-01 was an OverflowError traceback: a relative
    date outside the calendar is left unresolved."""
    run = run_cli(["extract", str(ART), "-q", "--date", date])
    assert run.code == 0, run.err


# -- endless inputs: never a hang --------------------------------------------------------------
@pytest.mark.parametrize("dev", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused_by_every_reader_kind(tmp_path: Path, dev: str) -> None:
    if not os.path.exists(dev):
        pytest.skip(f"no {dev}")
    for argv in (["check", dev], ["signals", "import", dev, "--store", str(tmp_path / "s.db")],
                 ["extract", dev, "-q"], ["backtest", dev, "-q"],
                 ["agreements", "rates", "ceasefire", "--data", dev]):
        run = run_cli(argv)
        assert run.code == 2 and dev in run.err and run.seconds < 20, (argv, run.err)


@pytest.mark.parametrize(("opt", "value", "words"), [
    ("--burn-in", "1000000000", "no agreement has 1,000,000,000 known outcomes before it"),
    ("--seed", str(2**64), "an integer from 0 to 2^63 - 1"),
    ("--strength", "inf", "a finite number of agreements > 0")])
def test_agreements_backtest_option_edges(opt: str, value: str, words: str) -> None:
    """A burn-in past every agreement was a ValueError traceback (a maximum of nothing); a
    seed of 2^64 and an infinite strength ran."""
    msg = _err(["agreements", "backtest", "--data", str(AGR), opt, value], opt)
    assert words in msg


def test_the_workbench_templates_show_invisible_characters() -> None:
    pytest.importorskip("fastapi")
    from markupsafe import Markup

    from detente.web.app import _shown

    assert _shown("a\u200bb") == "a<U+200B>b" and _shown(5) == 5 and _shown("plain") == "plain"
    assert _shown(Markup("<b>a\u202e</b>")) == Markup("<b>a&lt;U+202E&gt;</b>")


def test_a_gold_quote_and_its_article_may_both_hold_a_zero_width_space(tmp_path: Path) -> None:
    """The article's zero-width spaces are removed before reading; the gold file's are too, so
    a gold quote copied from the article (with its zero-width space) still matches."""
    d = tmp_path / "gold"
    d.mkdir()
    gold = json.loads((ART.with_suffix(".json")).read_text("utf-8"))
    first = next(k for k, v in gold.items() if isinstance(v, list) and v
                 and isinstance(v[0], dict) and "quote" in v[0])
    quote = gold[first][0]["quote"]
    k = quote.index(" ")
    zw = quote[:k] + "\u200b" + quote[k:]
    (d / "01.txt").write_text(ART.read_text("utf-8").replace(quote, zw), encoding="utf-8")
    gold[first][0]["quote"] = zw
    (d / "01.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    run = run_cli(["extract", str(d / "01.txt"), "-q", "--evaluate", str(d)])
    assert run.code == 0, run.err
