"""One regression test per finding of the thirteenth session's hostile-input sweep (families in
``tests/fuzz/round13.py``) and for the leftovers of round 12 (GENIUS attributes detente does
not read, the workbench forecast form's 1-9 draws, ``DETENTE_STORE=`` set empty). Each input
once replaced a user's file (an output onto an input), was silently taken (a blank or ``~``
store path, an unknown form field, a bundled case chosen over a file of its name), or gave an
error that named no line or no content type."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from fuzz.harness import (
    CASE,
    COMMIT,
    GDELT,
    GEN,
    ROOT,
    TOY,
    copy_file,
    run_cli,
    workbench_client,
)
from fuzz.harness import error_words as _err


# -- an output path that is an input -------------------------------------------------------------
@pytest.mark.parametrize("spell", ["same", "sub/..", "symlink"])
@pytest.mark.parametrize("verb, flag", [("analyze", "--json"), ("analyze", "--html"),
                                        ("check", "--json"), ("forecast", "--json"),
                                        ("sensitivity", "--html")])
def test_an_output_onto_the_scenario_is_refused(tmp_path: Path, verb: str, flag: str,
                                                spell: str) -> None:
    """``analyze t.yaml --json t.yaml`` replaced the scenario by its own record."""
    toy = copy_file(TOY, tmp_path / "t.yaml")
    (tmp_path / "sub").mkdir()
    out = {"same": toy, "sub/..": tmp_path / "sub" / ".." / "t.yaml",
           "symlink": tmp_path / "link.yaml"}[spell]
    if spell == "symlink":
        out.symlink_to(toy)
    extra = {"forecast": ["-m", "compromise"], "sensitivity": ["--method", "oat"]}.get(verb, [])
    run = run_cli([verb, str(toy), *extra, flag, str(out)] + (["-q"] if verb != "check" else []))
    assert run.code == 2, run.out[-300:]
    assert toy.read_bytes() == TOY.read_bytes()
    words = " ".join(run.err.split())
    assert flag in words and ("the same path is given to an input file (" in words
                              or "symbolic link" in words), words


def test_signals_outputs_onto_their_inputs(tmp_path: Path) -> None:
    events = copy_file(GDELT, tmp_path / "20150218230000.export.CSV")
    commit = copy_file(COMMIT, tmp_path / "c.csv")
    store = tmp_path / "new.sqlite"
    words = _err(["signals", "import", str(events), "--store", str(store), "-q", "--json",
                  str(events)], "--json", "an input file (FILES)")
    assert events.read_bytes() == GDELT.read_bytes() and "no input" in words
    # a new store and the record on one path: the record replaced the store just written
    _err(["signals", "import", str(events), "--store", str(store), "-q", "--json", str(store)],
         "an input file (--store)")
    assert not store.exists()
    _err(["signals", "evaluate", str(commit), "-q", "--resamples", "10", "--json", str(commit)],
         "an input file (COMMITMENTS)")
    assert commit.read_bytes() == COMMIT.read_bytes()


def test_signals_list_json_onto_its_store(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert run_cli(["signals", "import", str(GDELT), "--store", str(db), "-q"]).code == 0
    before = db.read_bytes()
    _err(["signals", "list", "--store", str(db), "--json", str(db)], "an input file (--store)")
    assert db.read_bytes() == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 186
    conn.close()


def test_a_csv_table_onto_an_input_of_its_name(tmp_path: Path) -> None:
    """``forecast forecasts.csv --csv .`` replaced the stakeholder table by the forecasts."""
    bdm = ROOT.parent / "shared" / "data" / "bdm" / "emission.csv"
    if not bdm.is_file():
        pytest.skip("the shared BdM table is not here")
    table = copy_file(bdm, tmp_path / "forecasts.csv")
    words = _err(["forecast", str(table), "-q", "-m", "compromise", "--csv", str(tmp_path)],
                 "forecasts.csv", "--csv")
    assert "would replace an input file (SOURCE)" in words
    assert table.read_bytes() == bdm.read_bytes()


@pytest.mark.parametrize("argv", [["import", "genius", "{d}", "-o", "{p}"],
                                  ["analyze", "{d}", "-q", "--json", "{p}"]])
def test_an_output_onto_a_profile_of_the_genius_folder(tmp_path: Path, argv: list[str]) -> None:
    d = tmp_path / "gen"
    shutil.copytree(GEN, d)
    prof = d / "England.xml"
    before = prof.read_bytes()
    _err([a.format(d=d, p=prof) for a in argv], "the same path is given to an input file")
    assert prof.read_bytes() == before
    rec = d / "rec.json"  # a new file in the folder is no input: written, and again
    for _ in range(2):
        assert run_cli(["analyze", str(d), "-q", "--json", str(rec)]).code == 0


def test_an_output_onto_a_file_of_an_input_folder(tmp_path: Path) -> None:
    """``check --sources DIR --json DIR/a.txt`` replaced a source text; ``agreements --data DIR
    --json DIR/pax….csv`` the PA-X table."""
    text = tmp_path / "sources" / "a.txt"
    text.parent.mkdir()
    text.write_text("a source text\n", encoding="utf-8")
    _err(["check", str(TOY), "--sources", str(text.parent), "--json", str(text)],
         "the same path is given to an input file")
    assert text.read_text(encoding="utf-8") == "a source text\n"
    agr = tmp_path / "agr"
    shutil.copytree(ROOT / "tests" / "data" / "agreements", agr)
    pax = agr / "pax_all_agreements_data_v9.csv"
    before = pax.read_bytes()
    _err(["agreements", "rates", "ceasefire", "--data", str(agr), "--json", str(pax)],
         "the same path is given to an input file")
    assert pax.read_bytes() == before


def test_a_csv_table_onto_the_json_record(tmp_path: Path) -> None:
    out = tmp_path / "out"
    words = _err(["analyze", str(TOY), "-q", "--json", str(out / "pairs.csv"), "--csv",
                  str(out)], "pairs.csv", "--csv")
    assert "would replace the --json output" in words and not out.exists()


def test_outputs_beside_their_inputs_still_pass(tmp_path: Path) -> None:
    toy = copy_file(TOY, tmp_path / "t.yaml")
    run = run_cli(["analyze", str(toy), "-q", "--json", str(tmp_path / "r.json"), "--csv",
                   str(tmp_path)])
    assert run.code == 0, run.err
    assert (tmp_path / "pairs.csv").is_file() and toy.read_bytes() == TOY.read_bytes()
    assert run_cli(["analyze", CASE, "-q", "--json", str(tmp_path / "c.json")]).code == 0


def test_given_inputs_outside_a_command_is_empty() -> None:
    from detente.cli.common import given_inputs

    assert given_inputs(set()) == []


# -- a name that is both a bundled case and a file here ----------------------------------------
@pytest.mark.parametrize("argv", [
    ["analyze", CASE, "-q"], ["check", CASE], ["forecast", CASE, "-q", "-m", "compromise"],
    ["window", CASE, "-q", "--paths", "100"], ["window", f"war/{CASE}", "-q", "--paths", "100"],
    ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50", "--case",
     "ru-ua"]])
def test_a_bundled_name_that_is_also_a_file_here(tmp_path: Path, argv: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``analyze ru-ua-2024-09`` beside a file of that name read the bundled case (the file
    unread); ``--case ru-ua`` read the file: each silently."""
    for name in (CASE, f"war/{CASE}", "ru-ua"):
        copy_file(TOY, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    name = next(a for a in argv if a.removeprefix("war/") in (CASE, "ru-ua"))
    words = _err(argv, name)
    assert "names both a bundled case and a file" in words and f"./{name} for the file" in words


def test_a_path_with_a_folder_is_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_file(TOY, tmp_path / CASE)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    run = run_cli(["analyze", f"./{CASE}", "-q"])
    assert run.code == 0 and "Toy two-party" in run.out
    import detente

    assert detente.load(tmp_path / "sub" / ".." / CASE).id == "toy"
    monkeypatch.chdir(ROOT)
    assert run_cli(["analyze", CASE, "-q"]).code == 0  # no such file here: the bundled case


# -- settings from the environment ----------------------------------------------------------------
def test_detente_store_blank_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``DETENTE_STORE='  '`` wrote a store named two spaces in the current folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DETENTE_STORE", "  ")
    words = _err(["signals", "import", str(GDELT), "-q"], "$DETENTE_STORE")
    assert "spaces only" in words and list(tmp_path.iterdir()) == []


def test_detente_store_tilde_is_the_home_folder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``DETENTE_STORE='~/ev.sqlite'`` (quoted: the shell leaves ``~``) made a folder ``~``."""
    work, home = tmp_path / "cwd", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DETENTE_STORE", "~/ev.sqlite")
    assert run_cli(["signals", "import", str(GDELT), "-q"]).code == 0
    assert (home / "ev.sqlite").is_file() and list(work.iterdir()) == []
    monkeypatch.setenv("DETENTE_STORE", "~nosuchuser13x/ev.sqlite")
    assert "home folder of a user" in _err(["signals", "import", str(GDELT), "-q"],
                                           "$DETENTE_STORE")


def test_a_relative_xdg_data_home_is_ignored(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.signals.store import default_store_path

    monkeypatch.delenv("DETENTE_STORE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "rel")
    assert default_store_path() == tmp_path / ".local" / "share" / "detente" / "events.sqlite"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert default_store_path() == tmp_path / "x" / "detente" / "events.sqlite"


@pytest.mark.parametrize("name, value", [("DETENTE_STORE", ""), ("DETENTE_MEMORY_LIMIT", ""),
                                         ("DETENTE_DUCKDB_MEMORY", "")])
def test_a_setting_set_empty_is_the_default(tmp_path: Path, name: str, value: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Decided in round 13: every ``DETENTE_*`` setting set empty is unset (the default)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("DETENTE_STORE", raising=False)
    monkeypatch.setenv(name, value)
    run = run_cli(["signals", "import", str(GDELT), "-q"])
    assert run.code == 0, run.err
    assert (tmp_path / "detente" / "events.sqlite").is_file()
    assert run_cli(["analyze", str(TOY), "-q", "--draws", "10"]).code == 0


# -- GENIUS attributes detente does not read ------------------------------------------------------
@pytest.mark.parametrize("attr, value", [("cost", "abc"), ("cost", "nan"), ("cost", "1_0"),
                                         ("number_of_issues", "-5"),
                                         ("number_of_issues", "1.5")])
def test_an_unread_genius_attribute_that_is_no_number_is_warned(tmp_path: Path, attr: str,
                                                                value: str) -> None:
    """Taken without a word (round 12's leftover); refusing would refuse files detente reads
    correctly, so each such value is counted in one warning per file."""
    import re

    d = tmp_path / "gen"
    shutil.copytree(GEN, d)
    for f in sorted(d.glob("*.xml")):
        text = f.read_text(encoding="utf-8")
        if attr in text:
            f.write_text(re.sub(rf'{attr}="[^"]*"', f'{attr}="{value}"', text, count=1),
                         encoding="utf-8")
            break
    else:
        pytest.fail(f"no {attr} in {GEN}")
    run = run_cli(["import", "genius", str(d), "-o", str(tmp_path / "g.yaml")])
    assert run.code == 0, run.err
    words = " ".join((run.out + run.err).split())
    assert f"@{attr}={value!r}" in words and "1 attribute detente does not read" in words


def test_the_bundled_genius_files_give_no_such_warning() -> None:
    from detente.formats.genius import _read, _unread_numbers

    for f in sorted((ROOT / "tests" / "data" / "genius").rglob("*.xml")):
        try:
            root = _read(f)
        except Exception:  # the fixtures hold deliberately unreadable files
            continue
        notes: list[str] = []
        _unread_numbers(root, f, notes)
        assert notes == [], f


# -- an event file with one line in another encoding ---------------------------------------------
def test_a_latin1_byte_in_the_first_lines_of_an_event_file_names_the_line(
        tmp_path: Path) -> None:
    """Round 13 named the line and refused the file; round 14 counts the line as a problem
    (named with its line) and imports the others."""
    lines = GDELT.read_bytes().split(b"\n")
    cells = lines[2].split(b"\t")
    cells[6] += b"\xe9"
    lines[2] = b"\t".join(cells)
    f = tmp_path / "20150218230000.export.CSV"
    f.write_bytes(b"\n".join(lines))
    run = run_cli(["signals", "import", str(f), "--store", str(tmp_path / "s.sqlite")])
    assert run.code == 0
    flat = "".join((run.out + run.err).split())  # the console wraps a long path
    assert f"{f.name}:3:notUTF-8" in flat


# -- the workbench --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    with workbench_client() as c:
        yield c


@pytest.mark.parametrize("url, draws, least", [(f"/case/{CASE}/run/forecast", "5", "10"),
                                               (f"/case/{CASE}/run/forecast", "1", "10"),
                                               (f"/case/{CASE}/run/forecast", "9", "10"),
                                               ("/timeline", "1", "2")])
def test_workbench_draws_below_the_librarys_least_are_refused(client, url: str, draws: str,  # type: ignore[no-untyped-def]
                                                             least: str) -> None:
    """A forecast of 1-9 draws started a job the library then refused (round 12's leftover)."""
    r = client.post(url, data={"draws": draws})
    assert r.status_code == 400 and f"0 (no Monte Carlo) or a whole number from {least}" in r.text
    assert "job-" not in r.text
    client.post("/job/cancel")


def test_workbench_the_least_draws_start(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post(f"/case/{CASE}/run/forecast", data={"draws": "10"})
    assert r.status_code == 200 and "job-" in r.text
    client.post("/job/cancel")


@pytest.mark.parametrize("url, data, field", [
    (f"/case/{CASE}/run/window", {"pahts": "100"}, "pahts"),
    (f"/case/{CASE}/run/montecarlo", {"draws": "100", "sed": "5"}, "sed"),
    ("/timeline", {"drawz": "10"}, "drawz")])
def test_workbench_a_field_the_form_does_not_have(client, url: str, data: dict,  # type: ignore[no-untyped-def, type-arg]
                                                  field: str) -> None:
    """``pahts=100`` was ignored and the window ran its default of 2,000 paths."""
    r = client.post(url, data=data)
    assert r.status_code == 400 and f"unknown field &#39;{field}&#39;" in r.text
    client.post("/job/cancel")


@pytest.mark.parametrize("kw, ctype", [
    ({"content": b"rev=0&path=actors[0].batna&value=0.5",
      "headers": {"content-type": "text/plain"}}, "text/plain"),
    ({"json": {"rev": "0", "path": "actors[0].batna", "value": "0.5"}}, "application/json")])
def test_workbench_a_body_that_is_no_form(client, kw: dict, ctype: str) -> None:  # type: ignore[no-untyped-def, type-arg]
    """Answered "incomplete or malformed request (fields: rev, path)": no content type named."""
    r = client.post(f"/case/{CASE}/edit", **kw)
    assert r.status_code == 415 and ctype in r.text


def test_workbench_posts_without_a_body_pass(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/job/cancel").status_code < 400


def test_least_draws_is_one_number_for_the_cli_and_the_forms() -> None:
    from detente.limits import LEAST_DRAWS
    from detente.web.routes import RUNS, TIMELINE

    assert RUNS["forecast"]["options"]["draws"][1][2] == LEAST_DRAWS["forecast"]
    assert RUNS["montecarlo"]["options"]["draws"][1][0] == LEAST_DRAWS["analyze"]
    assert TIMELINE["options"]["draws"][1][2] == LEAST_DRAWS["analyze"]
    run = run_cli(["forecast", str(TOY), "-q", "-m", "compromise", "--draws",
                   str(LEAST_DRAWS["forecast"] - 1)])
    assert run.code == 2 and "--draws" in run.err


@pytest.mark.parametrize("argv", [["analyze", CASE], ["analyze", CASE, "-q"]])
def test_a_folder_named_as_a_bundled_case(tmp_path: Path, argv: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``analyze NAME`` beside a folder NAME went to the GENIUS branch (directly, without the
    parser, for the two-word command line)."""
    (tmp_path / CASE).mkdir()
    monkeypatch.chdir(tmp_path)
    assert "names both a bundled case" in _err(argv, CASE)
