"""Round-14 regressions (tests/fuzz/round14.py holds the families; docs/limits.md, "Round 14")."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from fuzz.harness import error_words, run_cli, workbench_client
from fuzz.round14 import GDELT, GEN, latin_files, odd_stores, stored_events, tree_clashes

ROOT = Path(__file__).resolve().parents[2]
CASE = "ru-ua-2024-09"


# -- an output onto a file deeper inside an input folder -----------------------------------------
@pytest.mark.parametrize("k", range(4))
def test_an_output_onto_any_xml_of_a_genius_tree_is_refused(tmp_path: Path, k: int) -> None:
    label, argv, f = tree_clashes(tmp_path)[k]
    before = f.read_bytes()
    words = error_words(argv, "the same path is given to an input file", "--json")
    assert f.name in words, label
    assert f.read_bytes() == before


def test_a_new_record_inside_a_genius_tree_is_still_written(tmp_path: Path) -> None:
    _, argv, _ = tree_clashes(tmp_path)[0]
    rec = Path(argv[1]) / "rec.json"
    for _ in range(2):  # a record is no input: written, and again
        assert run_cli(["analyze", argv[1], "-q", "--json", str(rec)]).code == 0
    assert rec.read_text(encoding="utf-8").lstrip().startswith("{")


# -- --store '~/x' quoted ----------------------------------------------------------------------
def test_a_quoted_tilde_store_is_the_home_folder(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    home, work = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("DETENTE_STORE", raising=False)
    monkeypatch.chdir(work)
    run = run_cli(["signals", "import", str(GDELT), "--store", "~/ev.sqlite", "-q"])
    assert run.code == 0, run.err
    assert list(work.iterdir()) == []  # no folder named '~' here
    assert stored_events(home / "ev.sqlite") == 186
    listed = run_cli(["signals", "list", "--store", "~/ev.sqlite", "--limit", "1"])
    assert listed.code == 0 and "186" in listed.out
    # the clash check reads the store as the command does
    error_words(["signals", "list", "--store", "~/ev.sqlite", "--json",
                 str(home / "ev.sqlite")], "the same path is given to an input file (--store)")
    words = error_words(["signals", "import", str(GDELT), "--store", "~nosuchuser14/x.sqlite"],
                        "--store", "a user this system does not know")
    assert "~nosuchuser14" in words
    assert list(work.iterdir()) == []


# -- an event file with one line in another encoding -------------------------------------------
@pytest.mark.parametrize("k", range(4))
def test_a_line_that_is_not_utf8_is_counted_and_the_others_imported(tmp_path: Path,
                                                                    k: int) -> None:
    label, f, bad = latin_files(tmp_path)[k]
    db = tmp_path / "s.sqlite"
    run = run_cli(["signals", "import", str(f), "--store", str(db)])
    assert run.code == 0, run.err
    assert f"not UTF-8: {bad}" in run.out, label
    assert stored_events(db) == 186 - bad
    with sqlite3.connect(db) as conn:
        kinds = conn.execute("SELECT kind, count(*) FROM problems GROUP BY kind").fetchall()
    conn.close()
    assert kinds == [("not UTF-8", bad)]


# -- GENIUS notes printed once -----------------------------------------------------------------
@pytest.mark.parametrize("argv", [["analyze", "{d}", "-q"], ["analyze", "{d}"],
                                  ["import", "genius", "{d}", "-o", "{o}"]])
def test_a_genius_note_reaches_the_console_once(tmp_path: Path, argv: list[str]) -> None:
    d = tmp_path / "gen"
    shutil.copytree(GEN, d)
    f = d / "England.xml"
    f.write_text(re.sub(r'cost="[^"]*"', 'cost="abc"', f.read_text(encoding="utf-8"), count=1),
                 encoding="utf-8")
    run = run_cli([a.format(d=d, o=tmp_path / "g.yaml") for a in argv])
    assert run.code == 0, run.err
    assert " ".join((run.out + run.err).split()).count("cost='abc'") == 1


@pytest.mark.parametrize("argv", [["analyze", "{d}", "-q"], ["analyze", "{d}"],
                                  ["import", "genius", "{d}", "-o", "{o}"]])
def test_a_value_evaluated_twice_is_a_note_whatever_logging_holds(
        tmp_path: Path, argv: list[str]) -> None:
    """The whole sweep found the "evaluated twice" warning missing once another part had set up
    logging: it was only logged. It is a note now, shown by the command as every GENIUS note,
    once, with a logging handler installed or not."""
    import logging

    d = tmp_path / "gen"
    shutil.copytree(GEN, d)
    f = d / "England.xml"
    text = f.read_text(encoding="utf-8")
    m = re.search(r'(<item [^>]*evaluation="[^"]*"[^>]*>\s*</item>)', text)
    assert m, "the fixture has discrete items"
    dup = re.sub(r'evaluation="[^"]*"', 'evaluation="0.123"', m.group(1))
    f.write_text(text.replace(m.group(1), m.group(1) + "\n" + dup, 1), encoding="utf-8")
    handler = logging.NullHandler()  # as a host program's logging set-up would swallow it
    logging.getLogger().addHandler(handler)
    try:
        run = run_cli([a.format(d=d, o=tmp_path / "g.yaml") for a in argv])
    finally:
        logging.getLogger().removeHandler(handler)
    assert run.code == 0, run.err
    assert " ".join((run.out + run.err).split()).count("evaluated twice") == 1


# -- SQLite files that are no event store of this version --------------------------------------
@pytest.mark.parametrize("k", range(4))
@pytest.mark.parametrize("cmd", ["import", "list"])
def test_an_sqlite_file_that_is_no_store_of_this_version_is_refused_unchanged(
        tmp_path: Path, k: int, cmd: str) -> None:
    label, store = list(odd_stores(tmp_path))[k]
    before = store.read_bytes() if store.is_file() else None
    argv = (["signals", "import", str(GDELT), "--store", str(store), "-q"] if cmd == "import"
            else ["signals", "list", "--store", str(store), "--limit", "2"])
    error_words(argv, store.name)
    assert (store.read_bytes() if store.is_file() else None) == before, label
    assert not store.with_name(store.name + "-wal").exists()


def test_the_schema_version_and_foreign_tables_are_named(tmp_path: Path) -> None:
    stores = dict(odd_stores(tmp_path))
    words = error_words(["signals", "import", str(GDELT), "--store",
                         str(stores["another program's SQLite database"])], "other.sqlite")
    assert "not an event store (its tables: notes)" in words
    words = error_words(["signals", "list", "--store",
                         str(stores["an event store of schema version 99"])], "future.sqlite")
    assert "schema version 99" in words


# -- the workbench -----------------------------------------------------------------------------
def test_a_run_given_query_fields_is_refused() -> None:
    pytest.importorskip("fastapi")
    with workbench_client() as client:
        r = client.post(f"/case/{CASE}/run/window?seed=5", data={"paths": "200"})
        assert r.status_code == 400 and "query field" in r.text and "seed" in r.text
        r = client.post("/timeline?drawz=1", data={})
        assert r.status_code == 400 and "query field" in r.text and "drawz" in r.text
        r = client.post(f"/case/{CASE}/run/window", data={"paths": "100"})
        assert r.status_code == 200
        client.post("/job/cancel")


def test_an_upload_with_a_second_field_is_refused() -> None:
    pytest.importorskip("fastapi")
    toy = (ROOT / "tests" / "toy.yaml").read_bytes()
    with workbench_client() as client:
        r = client.post("/upload", files={"file": ("a.yaml", toy, "application/x-yaml"),
                                          "file2": ("b.yaml", toy, "application/x-yaml")})
        assert r.status_code == 400 and "file2" in r.text
        r = client.post("/upload", files={"file": ("a.yaml", toy, "application/x-yaml")})
        assert r.status_code == 200 and "uploaded" in r.text


# -- the Python API ----------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda d: d.credibility(""), lambda d: d.credibility("  "),
    lambda d: d.credibility("RUS", against=""), lambda d: d.extract(""),
    lambda d: d.extract(["   "]),
    lambda d: d.extract([ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"], extractor=""),
    lambda d: d.timeline(["ru-ua-2024-09", ""])])
def test_blank_text_given_to_the_api_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    import detente
    from detente.errors import DetenteError

    with pytest.raises(DetenteError, match="non-empty"):
        call(detente)


@pytest.mark.parametrize("target", ["drafts", "drafts/toy.yaml"])
def test_a_workbench_whose_drafts_folder_holds_its_input_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    pytest.importorskip("fastapi")
    from detente.errors import DetenteError
    from detente.web.app import create_app

    f = tmp_path / "drafts" / "toy.yaml"
    f.parent.mkdir()
    f.write_bytes((ROOT / "tests" / "toy.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DetenteError, match="drafts/ holds a scenario"):
        create_app(target, tmp_path)
    create_app(target, tmp_path / "elsewhere")  # another output folder: served


def test_a_line_that_is_not_utf8_is_reported_under_a_filter_too(tmp_path: Path) -> None:
    """With ``--dyad`` the filter skips lines that cannot hold its countries before they are
    split: a RUS-UKR line with a Latin-1 byte must still be found, and reported."""
    lines = GDELT.read_bytes().split(b"\n")
    k = [i for i, ln in enumerate(lines) if b"\tRUS" in ln and b"UKR" in ln][1]
    cells = lines[k].split(b"\t")
    cells[6] += b"\xe9"
    lines[k] = b"\t".join(cells)
    f = tmp_path / "20150218230000.export.CSV"
    f.write_bytes(b"\n".join(lines))
    clean = run_cli(["signals", "import", str(GDELT), "--store", str(tmp_path / "a.sqlite"),
                     "--dyad", "RUS-UKR", "-q"])
    run = run_cli(["signals", "import", str(f), "--store", str(tmp_path / "b.sqlite"),
                   "--dyad", "RUS-UKR", "-q"])
    assert clean.code == run.code == 0
    assert f"{f.name}:{k + 1}:notUTF-8" in "".join((run.out + run.err).split())  # wrapped
    assert stored_events(tmp_path / "b.sqlite") == stored_events(tmp_path / "a.sqlite") - 1
