"""One regression test per finding of the fifth session's hostile-input sweep (the outcomes file
of the war retrospective, the large GENIUS domains, whole-file mutations of every table and
event format): each input once ended in a traceback or a wrong success and now gets one clear
error naming the file (line, field path) or the argument."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.war.retrospective import load_outcomes, retrospective
from fuzz.harness import check, run_cli

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "data" / "war" / "retrospective_events.yaml"
ARTICLE = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
AGREEMENTS = str(ROOT / "tests" / "data" / "agreements")


def _err(argv: list[str], *names: str) -> str:
    run = run_cli(argv)
    check(run, list(names), expect_error=True)
    return " ".join(run.err.split())


# -- the war retrospective's outcomes: no reader validated them -----------------------------
# retrospective() of a mutated file's mapping: TypeError (an outcome that is a list),
# AttributeError (a case that is a number), ValueError (an outcome '0001-01-01'),
# OverflowError (an outcome .inf), and NaN outcomes scored as 0 (int(nan) is refused, int(0.5)
# is 0: a wrong success).
@pytest.mark.parametrize(("outcomes", "path", "what"), [
    ({"ru-ua-2022-11": {"any_truce": {12: []}}}, "ru-ua-2022-11.any_truce.12", "0 or 1"),
    ({"ru-ua-2022-11": -0.0}, "ru-ua-2022-11", "non-empty mapping"),
    ({"ru-ua-2022-03": {"any_truce": {12: "0001-01-01"}}}, "ru-ua-2022-03.any_truce.12",
     "0 or 1"),
    ({"ru-ua-2022-11": {"any_truce": {6: math.inf}}}, "ru-ua-2022-11.any_truce.6", "0 or 1"),
    ({"ru-ua-2022-11": {"settlement": {6: 0.5}}}, "ru-ua-2022-11.settlement.6", "0 or 1"),
    ({"ru-ua-2022-11": {"settlement": {6: True}}}, "ru-ua-2022-11.settlement.6", "0 or 1"),
    ({"ru-ua-2022-11": {"settlement": {0: 1}}}, "ru-ua-2022-11.settlement.0", "1 … 600"),
    ({"ru-ua-2022-11": {"settlement": {10**30: 1}}}, "ru-ua-2022-11.settlement.", "1 … 600"),
    ({"ru-ua-2022-11": {"setlement": {6: 0}}}, "ru-ua-2022-11.setlement", "any_truce"),
    ({"nosuch": {"settlement": {6: 0}}}, "nosuch", "ru-ua-2024-09"),
    ([1, 2], None, "{case: {event"),
])
def test_outcomes_of_the_wrong_shape(outcomes: object, path: str | None, what: str) -> None:
    with pytest.raises(DetenteError) as err:
        retrospective(outcomes, paths=50)  # type: ignore[arg-type]
    text = str(err.value)
    assert what in text and (path is None or path in text), text


@pytest.mark.parametrize(("kw", "name"), [({"paths": 0}, "paths"), ({"paths": "9"}, "paths"),
                                          ({"seed": -1}, "seed")])
def test_retrospective_arguments(kw: dict[str, object], name: str) -> None:
    with pytest.raises(DetenteError, match=name):
        retrospective({"ru-ua-2022-11": {"settlement": {6: 0}}}, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "where"), [
    ("source: s\nquote: q\ncases:\n  ru-ua-2022-11: {settlement: {6: .nan}}\n",
     ":4:32: cases.ru-ua-2022-11.settlement.6: the outcome must be 0"),
    ("source: s\ncases:\n  ru-ua-2022-11: {settlement: {6: 0}}\n", ": quote: missing"),
    ("source: s\nquote: q\nextra: 1\ncases: {ru-ua-2022-11: {settlement: {6: 0}}}\n",
     ":3: extra: unknown field"),
    ("source: s\nquote: q\ncases: {ru-ua-2022-11: {settlement: {6: 0, 6: 1}}}\n",
     ":3: cases.ru-ua-2022-11.settlement.6: duplicate key"),
    ("- 1\n", ":1: expected a YAML mapping"),
    ("source: s\nquote: q\ncases: []\n", ":3:1: cases: expected a non-empty mapping"),
])
def test_outcomes_file_errors_name_file_line_and_field(tmp_path: Path, text: str,
                                                        where: str) -> None:
    f = tmp_path / "events.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DetenteError) as err:
        load_outcomes(f)
    assert f"{f}{where}" in str(err.value)


def test_the_bundled_outcomes_file_still_loads() -> None:
    cases = load_outcomes(EVENTS)
    assert set(cases) == {"ru-ua-2022-03", "ru-ua-2022-11", "ru-ua-2024-09"}
    assert cases["ru-ua-2024-09"]["direct_talks"] == {6: 0, 12: 1}


# -- the event store: a damaged or changed SQLite file was an sqlite3/ValueError traceback ----
@pytest.mark.parametrize(("label", "said"), [
    ("pages overwritten", "database disk image is malformed"),
    ("events without columns", "no table or column events.source_sha256"),
    ("dates and numbers of the wrong type", "events.date: the event store holds a value"),
    ("NULL dates and countries", "events.date: the event store holds a value"),
])
@pytest.mark.parametrize("argv", [
    ["signals", "credibility", "--actor", "RUS", "--draws", "50", "--store"],
    ["signals", "evaluate", "dev", "--resamples", "10", "-q", "--events"],
    ["signals", "list", "--limit", "500", "--store"],
], ids=lambda a: a[1])
def test_damaged_event_store(tmp_path: Path, label: str, said: str, argv: list[str]) -> None:
    from fuzz.sources import store_cases

    case = next(c for c in store_cases() if c.label == label)
    db = tmp_path / "s.sqlite"
    db.write_bytes(case.files["s.sqlite"])
    err = _err([*argv, str(db)], str(db))
    assert said in err, err


def test_wrong_typed_number_in_the_store(tmp_path: Path) -> None:
    """A whole-number column holding text ('x') was int('x') ValueError in the reader."""
    import sqlite3

    from fuzz.sources import _store_bytes

    db = tmp_path / "s.sqlite"
    db.write_bytes(_store_bytes())
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE events SET quad_class = 'x'")
    conn.close()
    err = _err(["signals", "list", "--store", str(db)], str(db))
    assert "events.quad_class" in err and "'x'" in err


# -- files: an article past the parser's length, gold nested deep ---------------------------
def test_article_longer_than_the_parser_takes(tmp_path: Path) -> None:
    """2 MB in one line (under --max-bytes) was spaCy's ValueError E088."""
    f = tmp_path / "a.txt"
    f.write_bytes(ARTICLE.read_bytes() + b"x" * (2 << 20))
    err = _err(["extract", str(f), "-q"], str(f))
    assert "characters, more than the 1,000,000 the sentence parser takes" in err


def test_gold_nested_past_the_recursion_limit(tmp_path: Path) -> None:
    """json.loads of [[[…]]] 10^5 deep was a RecursionError."""
    shutil.copy(ARTICLE, tmp_path / "01.txt")
    (tmp_path / "01.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    err = _err(["extract", str(tmp_path / "01.txt"), "-q", "--evaluate", str(tmp_path)],
               str(tmp_path / "01.json"))
    assert "nested too deeply" in err


@pytest.mark.parametrize(("text", "what"), [(b"", "is empty"), (b"\n \n", "is empty"),
                                            (b"Nothing quoted here.\n", "does not hold")])
def test_quote_check_names_the_source_text(tmp_path: Path, text: bytes, what: str) -> None:
    """An empty or damaged source text failed the check with a message naming no file."""
    src = ROOT / "src" / "detente" / "cases" / "sources"
    shutil.copytree(src, tmp_path / "src")
    bad = tmp_path / "src" / "000_e71a9ef3079067d3.txt"
    bad.write_bytes(text)
    err = _err(["check", "ru-ua-2024-09", "--sources", str(tmp_path / "src")], str(bad))
    assert f"({bad} {what}" in err


# -- GENIUS: a folder with one profile was analysed as a one-party "negotiation" -------------
@pytest.mark.parametrize("rel", ["templates/7issues", "other/AMPOvsCity"])
def test_genius_folder_with_one_profile(tmp_path: Path, rel: str) -> None:
    from fuzz.sources import _genius_domain_file, _genius_folder

    files = _genius_folder(rel)
    dom = _genius_domain_file(files)
    keep = [dom, next(n for n in sorted(files) if n != dom)]
    for n in keep:
        (tmp_path / n).write_bytes(files[n])
    err = _err(["analyze", str(tmp_path), "-q"], str(tmp_path))
    assert "needs at least two parties" in err
    err = _err(["import", "genius", str(tmp_path), "-o", str(tmp_path / "o.yaml")],
               str(tmp_path))
    assert "needs at least two parties" in err


# -- agreements: a PA-X or PAD file with a header only gave empty tables, exit 0 -------------
@pytest.mark.parametrize("target", ["pax_all_agreements_data_v9.csv",
                                    "ucdp_pad_v22_1_from_bherbst5.csv"])
@pytest.mark.parametrize("argv", [
    ["agreements", "check"], ["agreements", "rates", "ceasefire"],
    ["agreements", "prior", "RUS", "ceasefire"],
    ["signals", "evaluate", "dev", "--resamples", "10", "-q", "--compliance-prior"],
], ids=lambda a: " ".join(a[:2]))
def test_agreement_file_with_a_header_only(tmp_path: Path, target: str,
                                           argv: list[str]) -> None:
    for f in Path(AGREEMENTS).glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    f = tmp_path / target
    f.write_text(f.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    data = [] if argv[-1] == "--compliance-prior" else ["--data"]
    err = _err([*argv, *data, str(tmp_path)], str(f))
    assert "no usable" in err


# -- YAML merge keys: an explicit key beside `<<: *base` was reported as a duplicate key -------
def test_scenario_with_a_merge_key_overridden(tmp_path: Path) -> None:
    """Actor B's batna reuses A's mapping and overrides its value (YAML merge-key spec: the
    explicit key wins); ``check`` accepts it and the value read is the explicit one."""
    import yaml as pyyaml

    from detente.scenario.load import load_file

    text = (ROOT / "tests" / "toy.yaml").read_text(encoding="utf-8")
    text = text.replace('batna: {value: [0.3, 0.4, 0.5], assumption: "toy"}',
                        'batna: &bat {value: [0.3, 0.4, 0.5], assumption: "toy"}')
    text = text.replace("    batna: 0.4\n", "    batna:\n      <<: *bat\n      value: 0.25\n")
    f = tmp_path / "merge.yaml"
    f.write_text(text, encoding="utf-8")
    assert pyyaml.safe_load(text)["actors"][1]["batna"] == {"value": 0.25, "assumption": "toy"}
    run = run_cli(["check", str(f)])
    assert run.code == 0, run.err
    b = next(a for a in load_file(f).actors if a.id == "B")
    assert b.batna.value.likely == pytest.approx(0.25)
    # the same key written twice beside the merge is still refused, at its line
    f.write_text(text.replace("      value: 0.25\n", "      value: 0.25\n      value: 0.3\n"),
                 encoding="utf-8")
    assert "batna.value: duplicate key" in _err(["check", str(f)], str(f))


@pytest.mark.parametrize(("text", "said"), [
    ("", "no column type"), ("\n\n", "no column type"),
    ("actor_id,type,actor,iso3c,gwn,ucdp_id\n", "no rows"),
    ("a;b;c\n1;2;3\n", "no column type"),
])
def test_peacerep_actor_file_present_but_unusable(tmp_path: Path, text: str, said: str) -> None:
    """An empty or foreign actor list beside PA-X was read as no actors, silently (exit 0)."""
    for f in Path(AGREEMENTS).glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    f = tmp_path / "peacerep_paax_actors_info_in_agts_with_Russia.csv"
    f.write_text(text, encoding="utf-8")
    assert said in _err(["agreements", "prior", "RUS", "ceasefire", "--data", str(tmp_path)],
                        str(f))


def test_peacerep_actor_codes_that_are_not_finite(tmp_path: Path) -> None:
    """gwn / ucdp_id of inf (int(inf): OverflowError) are read as missing codes."""
    from detente.agreements.data import _num

    assert _num("inf") is None and _num("nan") is None and _num("-inf") is None
    assert _num("365.0") == 365.0 and _num("") is None and _num("x") is None
