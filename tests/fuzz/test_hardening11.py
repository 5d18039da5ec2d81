"""One regression test per finding of the eleventh session's hostile-input sweep (families in
``tests/fuzz/round11.py``) and for the leftovers of round 10 (a trailing slash read as the
file, ``-0.000`` in the margins chart's tooltips). Each input once ended in a traceback, a hang,
a silently wrong value (a date, an empty argument read as the current folder) or a gold item
silently left out of the scores."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.errors import DetenteError
from fuzz.harness import error_words as _err
from fuzz.harness import run_cli, run_limited

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "toy.yaml"
ART = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GOLD = ROOT / "tests" / "data" / "extract" / "dev" / "01.json"
GDELT = ROOT / "tests" / "signals" / "fixtures" / "gdelt2_20150218230000_slice.tsv"
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"
SRC = ROOT / "src"


# -- a long article of short sentences: quadratic in the rules and the reranker ----------------
def _rank_brute(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The reranker's rank as it was written (a rows × rows comparison per group)."""
    out = np.zeros(values.shape)
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        block = values[rows]
        out[rows] = (block[None, :, :] > block[:, None, :]).sum(axis=1)
    return out


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=12),
                  elements=st.sampled_from([0.0, -0.0, 0.1, 0.5, 1.0, np.inf, -np.inf, np.nan])),
       st.integers(1, 4), st.randoms())
def test_the_rank_by_sorting_is_the_rank_by_comparison(values: np.ndarray, ngroups: int,
                                                       rnd: object) -> None:
    """Law: the sorted rank equals the pairwise count for any values (ties, ±inf, NaN) and
    any grouping."""
    from detente.extract.rerank import _rank_desc

    groups = np.array([rnd.randrange(ngroups) for _ in range(len(values))])  # type: ignore[attr-defined]
    assert np.array_equal(_rank_desc(values, groups), _rank_brute(values, groups))


def test_the_rank_of_one_large_group_needs_no_square_array() -> None:
    """58,000 candidates of one article asked for a 58,000² × kinds array (~20 GB)."""
    from detente.extract.rerank import _rank_desc

    n = 40_000
    values = np.random.default_rng(0).random((n, 2))
    tracemalloc.start()
    try:
        ranks = _rank_desc(values, np.zeros(n, dtype=int))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 << 20, f"{peak >> 20} MB"
    assert ranks[np.argmax(values[:, 0]), 0] == 0 and ranks[np.argmin(values[:, 0]), 0] == n - 1


def test_tree_scores_in_blocks_are_the_scores_in_one_piece(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from detente.extract import rerank
    from detente.extract.learned import load_model

    trees = load_model().reranker
    if trees is None:
        pytest.skip("the shipped model has no second stage")
    # as many columns as the shipped second stage reads (§17's ``p12rep`` reads five more
    # than ``rerank.COLUMNS``)
    x = np.random.default_rng(1).random((50, int(trees.feature.max()) + 1))
    whole = trees.probability(x)
    monkeypatch.setattr(rerank, "_BLOCK", 7)
    assert np.array_equal(trees.probability(x), whole)


@pytest.mark.slow  # ~40 s under load: an article of 1 MB through both extractors
def test_an_article_of_58000_short_sentences_is_extracted(tmp_path: Path) -> None:
    from fuzz.round11 import sentences_article

    art = sentences_article(tmp_path / "s.txt")
    for extractor in ("learned", "rules"):
        run = run_limited(["extract", str(art), "-q", "--extractor", extractor], mem_gb=3.0,
                          timeout=120)
        assert run.code == 0, run.err[-2000:]


# -- dates Python reads and no message allows ---------------------------------------------------
@pytest.mark.parametrize("text", ["20250516", "2025-W20", "2025-W20-5", "\u0662025-05-16",
                                  "2025-05-16 ", "2025-5-16"])
def test_iso_date_is_yyyy_mm_dd_only(text: str) -> None:
    from detente.limits import iso_date

    with pytest.raises(ValueError):
        iso_date(text)
    assert iso_date("2024-02-29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("value", ["20250516", "2025-W20", "2025-W20-5"])
@pytest.mark.parametrize("k", range(7))
def test_a_date_option_takes_yyyy_mm_dd_only(value: str, k: int, tmp_path: Path) -> None:
    """``--date 2025-W20`` anchored the article on Monday 2025-05-12; ``--from 20250516`` was
    read as 2025-05-16, though every message says YYYY-MM-DD."""
    from fuzz.round11 import date_commands

    before, opt = date_commands(tmp_path)[k]
    if before[:2] == ["signals", "list"]:
        assert run_cli(["signals", "import", str(GDELT), "--store", before[3], "-q"]).code == 0
    msg = _err([*before, opt, value], opt)
    assert "YYYY-MM-DD" in msg and repr(value) in msg


def test_an_analyst_signal_date_written_without_dashes_is_refused(tmp_path: Path) -> None:
    src = (ROOT / "src" / "detente" / "cases" / "signals" / "ru-ua.yaml").read_text("utf-8")
    f = tmp_path / "sig.yaml"
    f.write_text(src.replace("date: 2022-03-29", "date: 20220329", 1), encoding="utf-8")
    msg = _err(["signals", "credibility", "--actor", "RUS", "--no-store", "--case", str(f),
                "--draws", "50"], str(f))
    assert "not a date (got 20220329)" in msg


def test_a_commitment_date_written_as_an_iso_week_is_refused(tmp_path: Path) -> None:
    src = (ROOT / "src" / "detente" / "signals" / "data" / "commitments-dev.csv").read_text(
        "utf-8")
    f = tmp_path / "c.csv"
    f.write_text(src.replace("2014-09-05", "2014-W36-5", 1), encoding="utf-8")
    msg = _err(["signals", "evaluate", str(f), "-q", "--resamples", "10"], str(f))
    assert "not a date (got '2014-W36-5')" in msg


@pytest.mark.parametrize("value", ["2025-05-167", "2025-05-16junk", "2025-05-16T99:99",
                                   "20250516", "2025-W20-5", "2025-05-16T"])
def test_an_article_header_date_is_a_day_and_an_optional_time(value: str) -> None:
    """Only the first ten characters were read: ``2025-05-167`` was 2025-05-16."""
    from detente.extract.article import parse_article

    with pytest.raises(DetenteError, match="metadata Date is not a date"):
        parse_article(f"Title: t\nDate: {value}\n---\nRussia met Ukraine.", "a.txt")


@pytest.mark.parametrize("value", ["2025-05-16", "2025-05-16T10:00:00+02:00",
                                   "2025-05-16 10:00", "2025-05-16T10:00:00Z"])
def test_an_article_header_date_with_a_time_is_read(value: str) -> None:
    from detente.extract.article import parse_article

    a = parse_article(f"Title: t\nDate: {value}\n---\nRussia met Ukraine.", "a.txt")
    assert a.date == dt.date(2025, 5, 16)


def test_an_article_with_a_bad_header_date_is_named_and_the_others_extracted(
        tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(ART.read_text("utf-8").replace("Date: 2025-05-16", "Date: 2025-05-167"),
                   encoding="utf-8")
    run = run_cli(["extract", str(bad), str(ART), "-q"])
    assert run.code == 0 and "2025-05-167" in run.err and str(bad) in run.err


# -- empty arguments and trailing slashes ----------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["analyze", ""], ["check", ""], ["extract", ""], ["backtest", ""],
    ["extract", str(ART), "-q", "--case", ""],
    ["signals", "list", "--case", "ru-ua", "--code", ""],
    ["import", "genius", str(GEN), "--profile", ""],
    ["agreements", "rates", "ceasefire", "--data", ""],
    ["analyze", str(TOY), "--batna="],
])
def test_an_empty_argument_is_refused(argv: list[str]) -> None:
    """``analyze ""`` read the current folder (a path of no characters is ``.``) and went
    through its sub-folders for GENIUS files; ``extract --case ""`` silently used no case."""
    run = run_cli(argv)
    assert run.code == 2 and "Traceback" not in run.err
    assert "an empty value (got '')" in " ".join(run.err.split())


@pytest.mark.parametrize("argv", [["check", "{}/"], ["analyze", "{}//"], ["extract", "{}/"]])
def test_a_file_path_with_a_trailing_slash_is_refused(argv: list[str], tmp_path: Path) -> None:
    """Round 10's leftover: pathlib drops a trailing slash, so ``toy.yaml/`` read toy.yaml
    (the system refuses such a name: ENOTDIR)."""
    f = tmp_path / ("a.txt" if argv[0] == "extract" else "toy.yaml")
    f.write_bytes((ART if argv[0] == "extract" else TOY).read_bytes())
    argv = [argv[0], argv[1].format(f)]
    msg = _err(argv, "ends with '/'")
    assert f"({str(f)!r})" in msg


def test_backtest_of_a_file_path_with_a_trailing_slash_is_not_run_directly(tmp_path: Path
                                                                           ) -> None:
    """``backtest deu.tsv/`` (two words) skipped the parser and read deu.tsv."""
    from detente.cli.direct import direct_command

    f = tmp_path / "deu.tsv"
    f.write_text("x\n", encoding="utf-8")
    assert direct_command(["backtest", f"{f}/"]) is None
    assert direct_command(["backtest", str(f)]) is not None
    assert "ends with '/'" in _err(["backtest", f"{f}/"], str(f))


def test_the_api_refuses_a_file_path_with_a_trailing_slash() -> None:
    import detente

    with pytest.raises(DetenteError, match="trailing '/'"):
        detente.load(f"{TOY}/")
    assert detente.load(str(TOY)).id == "toy"


def test_a_folder_with_a_trailing_slash_is_still_a_folder() -> None:
    run = run_cli(["analyze", f"{GEN}/", "-q"])
    assert run.code == 0, run.err


# -- gold folders ---------------------------------------------------------------------------------
def _gold_folder(tmp_path: Path, change: object = None, extra: dict[str, bytes] | None = None
                 ) -> Path:
    d = tmp_path / "gold"
    d.mkdir()
    shutil.copy(ART, d / "01.txt")
    gold = json.loads(GOLD.read_text("utf-8"))
    if callable(change):
        change(gold)
    (d / "01.json").write_text(json.dumps(gold), encoding="utf-8")
    for name, data in (extra or {}).items():
        (d / name).write_bytes(data)
    return d


def _gold_err(d: Path) -> str:
    return _err(["extract", "--evaluate", str(d), "--extractor", "rules"], str(d))


def test_a_gold_file_without_its_article_is_an_error(tmp_path: Path) -> None:
    """A ``02.json`` alone was silently left out of the scores."""
    d = _gold_folder(tmp_path, extra={"02.json": GOLD.read_bytes()})
    assert "02.json: gold annotation without its article" in _gold_err(d)


@pytest.mark.parametrize(("key", "value", "words"), [
    ("quote", "", "signals[0].quote: each item needs actor, kind, quote as non-empty text"),
    ("quote", " \t", "signals[0].quote: each item needs"),
    ("actor", "", "signals[0].actor: each item needs"),
    ("date", 20250516, "signals[0].date: date must be a date as text"),
    ("date", ["2025-05-16"], "signals[0].date: date must be"),
])
def test_a_gold_signal_that_no_extractor_could_match_is_an_error(
        key: str, value: object, words: str, tmp_path: Path) -> None:
    """An empty quote is found at offset 0 with length 0: it overlaps nothing, so the item
    counted as a miss of every extractor."""
    d = _gold_folder(tmp_path, lambda g: g["signals"][0].__setitem__(key, value))
    assert words in _gold_err(d)


def test_a_gold_actor_listed_twice_is_an_error(tmp_path: Path) -> None:
    d = _gold_folder(tmp_path, lambda g: g["actors"].append(g["actors"][0]))
    assert "actors[3]: the same actor as actors[0]" in _gold_err(d)


def test_a_gold_position_that_is_a_number_is_an_error(tmp_path: Path) -> None:
    d = _gold_folder(tmp_path, lambda g: g["positions"][0].__setitem__("position", 5))
    assert "positions[0].position: position must be text or null (got 5)" in _gold_err(d)


def test_a_gold_proposal_by_null_is_still_read(tmp_path: Path) -> None:
    d = _gold_folder(tmp_path, lambda g: g["proposals"].append(
        {"name": "swap", "by": None, "quote": "prisoner exchange"}))
    assert run_cli(["extract", "--evaluate", str(d), "--extractor", "rules"]).code == 0


# -- the language model's settings and answers -------------------------------------------------
@pytest.mark.parametrize("url", ["notaurl", "file:///etc/passwd", "ftp://x"])
def test_an_llm_url_that_is_no_web_address_is_refused(url: str) -> None:
    from detente.extract.llm import LLMExtractor

    with pytest.raises(DetenteError, match="DETENTE_LLM_URL: not a web address"):
        LLMExtractor.from_env({"DETENTE_LLM_URL": url, "DETENTE_LLM_MODEL": "m"})


@pytest.mark.parametrize("url", ["http://127.0.0.1:1", "http://[::1"])
def test_an_llm_service_that_does_not_answer_is_one_error(url: str) -> None:
    """``Connection refused`` and ``Invalid IPv6 URL`` were urllib tracebacks."""
    from detente.extract.llm import _http

    with pytest.raises(DetenteError, match="cannot use the language model's service"):
        _http(url + "/chat/completions", {}, {"model": "m"})


@pytest.mark.parametrize("api", ["openai", "anthropic"])
@pytest.mark.parametrize("answer", [{"error": "no such model"}, {"choices": []},
                                    {"content": "text"}])
def test_an_llm_answer_of_another_shape_is_one_error(api: str, answer: dict) -> None:  # type: ignore[type-arg]
    from detente.extract.article import read_article
    from detente.extract.llm import LLMExtractor

    ex = LLMExtractor("http://127.0.0.1:9", "m", api=api, transport=lambda *a: answer,
                      retries=0)
    with pytest.raises(DetenteError, match="DETENTE_LLM_URL: the language model's answer"):
        ex.extract_many([read_article(ART)])


def test_an_llm_answer_with_a_number_for_a_list_is_a_rejected_item() -> None:
    """``"actors": 5`` was a TypeError (``for code in 5``)."""
    from detente.extract.article import read_article
    from detente.extract.llm import LLMExtractor

    content = json.dumps({"actors": 5, "signals": "x", "stance": "neutral_report"})
    ex = LLMExtractor("http://127.0.0.1:9", "m", transport=lambda *a: {
        "choices": [{"message": {"content": content}}]}, retries=0)
    got = ex.extract_many([read_article(ART)])[0]
    assert got.actors == [] and any("actors: not a list" in w for w in got.warnings)


def test_duckdb_memory_set_empty_is_the_default(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``DETENTE_DUCKDB_MEMORY=`` failed every file ('nothing usable was read')."""
    monkeypatch.setenv("DETENTE_DUCKDB_MEMORY", "")
    run = run_cli(["signals", "import", str(GDELT), "--store", str(tmp_path / "s.sqlite"),
                   "-q"])
    assert run.code == 0, run.err


# -- the console -----------------------------------------------------------------------------------
def _detente(argv: list[str], env: dict[str, str], **kw: object) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    full = {**os.environ, **env,
            "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "detente.cli.app", *argv], env=full,
                          timeout=120, **kw)  # type: ignore[call-overload]


@pytest.mark.parametrize("cols", ["0", "1"])
def test_a_console_of_no_columns_still_prints(cols: str) -> None:
    """``COLUMNS=0`` printed nothing (exit 0), ``COLUMNS=1`` one character per line."""
    res = _detente(["check", str(TOY)], {"COLUMNS": cols}, capture_output=True, text=True)
    assert res.returncode == 0 and "valid" in res.stdout
    assert "45 outcomes" in res.stdout and max(map(len, res.stdout.splitlines())) <= 40


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"},
                                 {"PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C"}])
def test_a_console_that_cannot_show_an_arrow_prints_a_question_mark(env: dict[str, str]
                                                                    ) -> None:
    """The ``→`` of ``analyze`` was a UnicodeEncodeError traceback."""
    res = _detente(["analyze", str(TOY)], env, capture_output=True)
    assert res.returncode == 0 and b"Traceback" not in res.stderr
    assert b" ? A +" in res.stdout


def test_standard_output_on_a_full_device_is_one_error() -> None:
    with open("/dev/full", "wb") as full:
        res = _detente(["analyze", str(TOY)], {}, stdout=full, stderr=subprocess.PIPE)
    assert res.returncode == 2 and b"Traceback" not in res.stderr
    assert b"error: cannot write the output: No space left on device" in res.stderr


@pytest.mark.parametrize("argv", [["check", "nosuch-case"], ["analyze", str(TOY), "--draws",
                                                             "1_0"]])
def test_an_error_on_a_closed_error_stream_still_exits_2(argv: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        res = _detente(argv, {}, stdout=subprocess.DEVNULL, stderr=full)
    assert res.returncode == 2


# -- -0.000 in the margins chart ---------------------------------------------------------------
@pytest.mark.parametrize(("x", "digits", "shown"), [(-0.0001, 3, "+0.000"), (-0.004, 2, "+0.00"),
                                                    (-0.0, 3, "+0.000"), (-0.0006, 3, "-0.001"),
                                                    (0.25, 2, "+0.25")])
def test_the_margins_chart_writes_signed_numbers_without_a_negative_zero(
        x: float, digits: int, shown: str) -> None:
    """d3's ``+.3f`` keeps the sign of a value that rounds to zero (``−0.000``)."""
    from detente.report.charts.deals import _signed

    assert _signed(x, digits) == shown


def test_the_margins_chart_tooltips_use_the_written_numbers() -> None:
    import detente
    from detente.report.charts.deals import margins

    spec = margins(detente.analyze(TOY, draws=0))
    assert spec is not None
    text = json.dumps(spec.spec)
    assert '"+.3f"' not in text and '"+.2f"' not in text and "margin_shown" in text
