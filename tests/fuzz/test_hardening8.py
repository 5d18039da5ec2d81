"""One regression test per finding of the eighth session's hostile-input sweep (families in
``tests/fuzz/round8.py``: mixed line ends, UTF-16 without a BOM, compressed files given as text,
numbers and dates at their edges in every field, invisible and look-alike characters in ids,
quote chaos, XML DTDs, GENIUS folders with a skipped profile, unreadable files, scale) and of the
items left from round 7: each input once ended in a traceback, a whole file lost for one line,
a silent skip or a message naming neither the file nor what is allowed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fuzz.harness import error_words as _err
from fuzz.harness import run_cli, toy_variant

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "toy.yaml"
GDELT = ROOT / "tests" / "signals" / "fixtures" / "gdelt2_20150218230000_slice.tsv"


def _toy(tmp_path: Path, old: str, new: str, name: str = "case.yaml") -> Path:
    return toy_variant(tmp_path, old, new, name)


# -- event files -------------------------------------------------------------------------------
# One line longer than DuckDB's 8 MB read buffer stopped the whole file ("a line of 10,485,760
# bytes … the file is not imported"). Now a line past 1 MB is a counted problem at its line,
# read from a cleaned copy (streamed: the long line is never held whole); the rest imports.
def _long_line_file(tmp_path: Path, line: bytes, crlf: bool = False) -> Path:
    rows = GDELT.read_bytes().split(b"\n")
    body = b"\n".join([*rows[:3], line, *rows[3:]])
    f = tmp_path / "20150218230000.export.CSV"
    f.write_bytes(body.replace(b"\n", b"\r\n") if crlf else body)
    return f


def test_an_over_long_event_line_is_a_row_problem_and_the_rest_imports(tmp_path: Path) -> None:
    f = _long_line_file(tmp_path, b"a\t" * (5 << 20))  # 10 MB, past the reader's buffer
    rec = tmp_path / "r.json"
    run = run_cli(["signals", "import", str(f), "--store", str(tmp_path / "s.sqlite"),
                   "--json", str(rec)])
    assert run.code == 0, run.err
    flat = " ".join(run.err.split())
    assert ":4: line too long: the line is longer than 1,048,576 bytes" in flat
    (summary,) = json.loads(rec.read_text())["sources"]
    assert summary["problems"] == {"line too long": 1}
    assert summary["lines"] == 187 and summary["matched"] == 186  # every other row imported


def test_long_lines_at_the_limit_and_past_it_crlf_and_unended(tmp_path: Path) -> None:
    """1,048,576 bytes is read as a row (a wrong column count); one byte more is too long; the
    same in a CR LF file and for a last line without a line end."""
    rows = GDELT.read_bytes().split(b"\n")
    f = tmp_path / "20150218230000.export.CSV"
    f.write_bytes(b"\r\n".join([*rows[:3], b"y" * (1 << 20), b"z" * ((1 << 20) + 1),
                                *[r for r in rows[3:] if r], b"x" * (3 << 20)]))
    rec = tmp_path / "r.json"
    run = run_cli(["signals", "import", str(f), "--store", str(tmp_path / "s.sqlite"),
                   "--json", str(rec)])
    assert run.code == 0, run.err
    flat = " ".join(run.err.split())
    assert ":4: wrong column count" in flat and ":5: line too long" in flat
    (summary,) = json.loads(rec.read_text())["sources"]
    assert summary["problems"] == {"line too long": 2, "wrong column count": 1}
    assert summary["matched"] == 186


# -- GENIUS folders ----------------------------------------------------------------------------
# A profile that is skipped (a link to /etc/passwd, a text file, a pareto.xml of numbers, a
# sub-folder named x.xml, XML of another root) left only "needs at least two parties (got
# ['England.xml'])": which file was skipped, and why, was never said.
GEN = ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe"


def _genius(tmp_path: Path, how: str) -> Path:
    d = tmp_path / "g"
    d.mkdir(parents=True)
    for p in GEN.glob("*.xml"):
        (d / p.name).write_bytes(p.read_bytes())
    z = d / "Zimbabwe.xml"
    z.unlink()
    if how == "link":
        z.symlink_to("/etc/passwd")
    elif how == "text":
        z.write_text("Zimbabwe's preferences: see the report\n")
    elif how == "folder":
        z.mkdir()
    elif how == "root":
        z.write_text("<pareto><point u='0.5'/></pareto>")
    return d


def test_genius_folder_names_the_skipped_profile_and_why(tmp_path: Path) -> None:
    for how, why in (("link", "Zimbabwe.xml (a symbolic link to /etc/passwd): not XML"),
                     ("text", "Zimbabwe.xml: not XML"), ("folder", "Zimbabwe.xml: a folder"),
                     ("root", "Zimbabwe.xml: XML with root <pareto>")):
        d = _genius(tmp_path / how, how)
        for argv in (["analyze", str(d), "-q"],
                     ["import", "genius", str(d), "-o", str(tmp_path / "o.yaml")]):
            flat = _err(argv, str(d))
            assert "needs at least two parties (profiles read: England.xml)" in flat, flat
            assert f"skipped: {why}" in flat, flat
            assert "root:x:0:0" not in flat  # nothing of the linked file is shown


def test_genius_skipped_files_are_warned_when_the_rest_is_usable(tmp_path: Path) -> None:
    d = _genius(tmp_path, "text")
    (d / "Zimbabwe.xml").write_bytes((GEN / "Zimbabwe.xml").read_bytes())
    (d / "pareto.xml").write_text("0.1 0.9\n0.9 0.1\n")
    run = run_cli(["import", "genius", str(d), "-o", str(tmp_path / "o.yaml")])
    assert run.code == 0, run.err
    flat = " ".join((run.out + run.err).split())
    assert "skipped " in flat and "pareto.xml: not XML" in flat


# -- backtest --fit-on the scored file ---------------------------------------------------------
# `backtest X --fit-on X` (or a copy of X) fitted on the decisions it then scored and printed
# the scores as a confirmatory run; the only hint was a list of every shared proposal id.
def test_backtest_fit_on_the_scored_file_warns_that_the_score_is_in_sample(
        tmp_path: Path) -> None:
    deu = ROOT / "tests" / "data" / "reference" / "deu3-dev.tsv"
    copy = tmp_path / "copy.tsv"
    copy.write_bytes(deu.read_bytes())
    rec = tmp_path / "r.json"
    for fit in (deu, copy):
        run = run_cli(["backtest", str(deu), "--fit-on", str(fit), "-q", "-m", "compromise",
                       "--bootstrap", "10", "--json", str(rec)])
        assert run.code == 0, run.err
        flat = " ".join(run.err.split())
        assert "holds the same data as the scored file" in flat, flat
        assert "the scores are in sample" in flat and "--split cv" in flat
        warnings = json.loads(rec.read_text())["warnings"]
        assert "the scores are in sample" in warnings[0]
        assert not any("proposal(s) with the scoring file" in w for w in warnings)


# -- formulas in spreadsheet-facing outputs ------------------------------------------------------
# Round 7 quoted formulas in the --csv tables only; the HTML report's tables (Excel opens an
# HTML file's tables as cells) carried `=HYPERLINK(…)` as a plain cell.
def test_html_report_marks_formula_cells_as_text_and_keeps_the_text(tmp_path: Path) -> None:
    f = _toy(tmp_path, "name: Split", 'name: "=HYPERLINK(\\"http://evil\\",\\"x\\")"')
    out = tmp_path / "r.html"
    assert run_cli(["analyze", str(f), "-q", "--html", str(out)]).code == 0
    page = out.read_text(encoding="utf-8")
    cell = "<td style=\"mso-number-format:'\\@'\">=HYPERLINK(&quot;http://evil&quot;"
    assert cell in page
    assert "<td>=HYPERLINK" not in page and "'=HYPERLINK" not in page


# -- numbers YAML reads as text ----------------------------------------------------------------
# Round 7's hint said "an exponent needs a decimal point: 1.0e3", but YAML 1.1 reads 1.0e3 as
# text too (it wants a sign: 1.0e+3): following the advice failed again. Inside a range the
# message did not say which value was not a number.
def test_exponent_hint_is_a_spelling_yaml_reads_as_a_number(tmp_path: Path) -> None:
    f = _toy(tmp_path, "capability: 0.5", "capability: 1.0e3")
    assert "1.0e+3, not 1e3 or 1.0e3" in _err(["check", str(f)], str(f))
    ok = _toy(tmp_path, "capability: 0.5", "capability: 1.0e+3", "ok.yaml")
    assert run_cli(["check", str(ok)]).code == 0


def test_a_range_names_the_value_that_is_not_a_number(tmp_path: Path) -> None:
    f = _toy(tmp_path, "capability: 0.5", "capability: [1, 2, 1.0e3]")
    msg = _err(["check", str(f)], str(f))
    assert "actors[2].capability" in msg and "its third value '1.0e3' is not one" in msg
    assert "1.0e+3" in msg


# -- gold JSON ---------------------------------------------------------------------------------
# A key outside the schema was ignored: `"signal": [...]` (a typo) dropped every signal of the
# article silently, `"dat"` for `"date"` dropped the date; `NaN` / `Infinity` were read.
GOLD = ROOT / "tests" / "data" / "extract" / "dev"


def _gold(tmp_path: Path, change: str, to: str) -> Path:
    d = tmp_path / "gold"
    d.mkdir(parents=True)
    (d / "01.txt").write_bytes((GOLD / "01.txt").read_bytes())
    text = (GOLD / "01.json").read_text(encoding="utf-8")
    assert change in text
    (d / "01.json").write_text(text.replace(change, to, 1), encoding="utf-8")
    return d


def test_gold_keys_outside_the_schema_are_refused(tmp_path: Path) -> None:
    for k, (old, new, path) in enumerate((('"signals"', '"signal"', "signal"),
                                          ('"date"', '"dat"', "signals[0].dat"),
                                          ('"proposals"', '"zz": Infinity, "proposals"', ""))):
        d = _gold(tmp_path / str(k), old, new)
        msg = _err(["extract", str(d / "01.txt"), "-q", "--evaluate", str(d)], str(d))
        if path:
            assert f"{path}: unknown key (a typo?" in msg and "allowed:" in msg, msg
        else:
            assert "Infinity is not a JSON number" in msg, msg


# -- scale -------------------------------------------------------------------------------------
# 20,000 actors (1.8 MB of YAML, a 2-outcome deal space): `analyze` and `forecast` ran past a
# minute, each state scanning every actor for its constituents (quadratic).
def _many_actors(tmp_path: Path, n: int) -> Path:
    lines = ["id: big", "title: Big", "date: 2024-01-01", "actors:"]
    lines += [f"  - {{id: a{k}, name: A{k}, role: belligerent, veto: {str(k < 2).lower()}, "
              f"capability: 1, batna: 0.1}}" for k in range(n)]
    lines += ["issues:", "  - {id: i0, name: I0, options: [{id: o0}, {id: o1}]}", "stances:"]
    lines += [f"  - {{actor: a{k}, issue: i0, ideal: o{k % 2}, salience: 1}}" for k in range(3)]
    f = tmp_path / "big.yaml"
    f.write_text("\n".join(lines) + "\n")
    return f


def test_ratification_constituencies_are_linear_in_the_actors(tmp_path: Path) -> None:
    import time

    from detente.deals.ratification import constituencies
    from detente.scenario import load

    scenario = load(str(_many_actors(tmp_path, 5_000)))
    t0 = time.process_time()
    assert constituencies(scenario) == []
    assert time.process_time() - t0 < 0.5  # was 2.5 × 10^7 comparisons (seconds; 20,000: minutes)


# `forecast` on a scenario where an issue has fewer than two stances: "issues.i1: fewer than
# two actors state a stance on this issue" named no file.
def test_forecast_issue_errors_name_the_scenario_file(tmp_path: Path) -> None:
    f = _toy(tmp_path, "  - {actor: B, issue: money, ideal: 0, salience: 0.5}\n", "")
    msg = _err(["forecast", str(f), "-q", "-m", "compromise"], str(f))
    assert "issues.money: fewer than two actors state a stance" in msg


# -- what the file is, when it is not text -------------------------------------------------------
# A scenario saved as UTF-16 without a byte-order mark said "malformed YAML: control characters
# are not allowed" (no line, nothing allowed); a gzip'd or zipped file, a PDF or UTF-16 with a
# BOM said "not UTF-8 text (byte 1: b'\x8b')"; a CR-only event file said "ICEWS header has the
# wrong number of columns (got 9577)".
def test_files_that_are_not_text_are_named_for_what_they_are(tmp_path: Path) -> None:
    import gzip

    raw = TOY.read_bytes()
    cases = {"utf16.yaml": (raw.decode().encode("utf-16-le"), "UTF-16 text without a "
                            "byte-order mark"),
             "bom16.yaml": (raw.decode().encode("utf-16"), "UTF-16 text (a UTF-16 byte-order"),
             "gz.yaml": (gzip.compress(raw, mtime=0), "a gzip-compressed file"),
             "pdf.yaml": (b"%PDF-1.7\n" + raw, "a PDF document")}
    for name, (data, what) in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        assert what in _err(["check", str(f)], str(f))
    table = tmp_path / "t.csv"
    table.write_bytes(gzip.compress(b"Actor,Capability,Position,Salience\na,1,2,3\n", mtime=0))
    assert "a gzip-compressed file" in _err(["forecast", str(table), "-q"], str(table))
    ev = tmp_path / "20150218230000.export.CSV"
    ev.write_bytes(GDELT.read_bytes().decode().encode("utf-16-le"))
    assert "UTF-16 text without a byte-order mark" in _err(
        ["signals", "import", str(ev), "--store", str(tmp_path / "s.sqlite"), "-q"], str(ev))
    ev.write_bytes(GDELT.read_bytes().replace(b"\n", b"\r"))
    assert "end with a carriage return only" in _err(
        ["signals", "import", str(ev), "--store", str(tmp_path / "s.sqlite"), "-q"], str(ev))


# -- GENIUS: a DOCTYPE naming an external DTD ------------------------------------------------------
# `<!DOCTYPE utility_space SYSTEM "file:///etc/passwd">` was read (expat fetches no external
# DTD, but the file is an XXE probe and no GENIUS file has a DOCTYPE): now refused at its line.
def test_genius_doctype_with_an_external_dtd_is_refused(tmp_path: Path) -> None:
    d = _genius(tmp_path, "keep")
    (d / "Zimbabwe.xml").write_bytes((GEN / "Zimbabwe.xml").read_bytes())
    dom = d / "EnglandZimbabwe_domain.xml"
    body = dom.read_bytes().split(b"?>", 1)[-1]
    dom.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE n SYSTEM "file:///etc/passwd">\n' + body)
    msg = _err(["analyze", str(d), "-q"], str(dom))
    assert ":2: XML entity or DTD declarations are not read" in msg


# -- analyst signals: ids and fields -------------------------------------------------------------
# A signal id with a zero-width space, a right-to-left override or a Cyrillic look-alike was
# accepted (and the override reordered the printed line); a misspelt field ('verifed: true')
# was ignored silently. Every message now escapes invisible characters.
SIG = ROOT / "src" / "detente" / "cases" / "signals" / "ru-ua.yaml"


def _signals(tmp_path: Path, old: str, new: str) -> Path:
    text = SIG.read_text(encoding="utf-8")
    assert old in text
    f = tmp_path / "sig.yaml"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f


def test_signal_ids_and_fields_outside_the_schema_are_refused(tmp_path: Path) -> None:
    argv = ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50", "--case"]
    sid = "- id: rus-istanbul-round-2022-03-29"
    f = _signals(tmp_path, sid, sid + "\u0455")  # a Cyrillic look-alike
    msg = _err([*argv, str(f)], str(f))
    assert "not a usable signal id" in msg
    f = _signals(tmp_path, sid, sid + "\u202e")  # refused by the YAML reader (round 9)
    msg = _err([*argv, str(f)], str(f))
    assert "signals[0].id" in msg and "U+202E" in msg and "\u202e" not in msg
    f = _signals(tmp_path, "    indicator:", "    verifed: true\n    indicator:")
    assert "unknown field 'verifed' (a typo?)" in _err([*argv, str(f)], str(f))


def test_messages_escape_invisible_characters(tmp_path: Path) -> None:
    f = _toy(tmp_path, "title:", "title\u00a0:")  # (a zero-width space: refused in YAML)
    msg = _err(["check", str(f)], str(f))
    assert "title\\xa0: unknown field" in msg and "\u00a0" not in msg


# -- timeline: one scenario per date -------------------------------------------------------------
# `timeline a.yaml a.yaml` (or a copy, or two versions of one date) drew that date twice without
# a word; a scenario that does not fit the others was named by its id, never by its file.
def test_timeline_refuses_two_scenarios_of_one_date_and_names_the_files(tmp_path: Path) -> None:
    copy = _toy(tmp_path, "title:", "title:", "copy.yaml")
    msg = _err(["timeline", str(TOY), str(copy), "-q"], str(copy))
    assert "dated 2024-01-01 like" in msg and "allowed: one scenario per date" in msg
    msg = _err(["timeline", str(TOY), "ru-ua-2022-03", "-q"], str(TOY))  # names the file
    assert "actors: scenario 'toy' has veto players" in msg


# -- workbench upload ---------------------------------------------------------------------------
# The upload had its own decoding: UTF-16 without a BOM said "malformed YAML: control characters
# are not allowed", a gzip'd file "not UTF-8 text (byte 1)" with no line.
def test_workbench_upload_names_what_a_non_text_file_is(tmp_path: Path) -> None:
    import gzip

    from detente.errors import DetenteError
    from detente.web.workspace import Workspace

    ws = Workspace(None, tmp_path / "out")
    raw = TOY.read_bytes()
    for data, what in ((raw.decode().encode("utf-16-le"), "UTF-16 text without a byte-order"),
                       (gzip.compress(raw, mtime=0), "a gzip-compressed file"),
                       (raw[:50] + b"\xff" + raw[50:], "upload:case.yaml:3: not UTF-8 text")):
        try:
            ws.upload("case.yaml", data)
        except DetenteError as exc:
            assert what in str(exc), str(exc)
        else:
            raise AssertionError("accepted")


# -- GENIUS: indexes that are not whole numbers -------------------------------------------------
# `index="1e-320"` or `"0.4"` was read as issue 0 and `"1e308"` as a 309-digit index (printed
# whole in "two issues share an index").
def test_genius_index_must_be_a_whole_number(tmp_path: Path) -> None:
    d = _genius(tmp_path, "keep")
    (d / "Zimbabwe.xml").write_bytes((GEN / "Zimbabwe.xml").read_bytes())
    dom = d / "EnglandZimbabwe_domain.xml"
    text = dom.read_text(encoding="utf-8")
    assert 'index="1"' in text
    dom.write_text(text.replace('index="1"', 'index="1e-320"', 1), encoding="utf-8")
    msg = _err(["analyze", str(d), "-q"], str(dom))
    assert "attribute 'index' is not a whole number (got '1e-320')" in msg


# -- environment variables -----------------------------------------------------------------------
# DETENTE_DUCKDB_MEMORY=abc was a DuckDB parser traceback, =1KB an out-of-memory traceback,
# =99999999999999T "Memory value out of range" (traceback).
def test_duckdb_memory_variable_is_checked(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    src = ROOT / "tests" / "signals" / "fixtures" / "gdelt1_rows.tsv"
    for value in ("abc", "1KB", "99999999999999T"):
        monkeypatch.setenv("DETENTE_DUCKDB_MEMORY", value)
        run = run_cli(["signals", "import", str(src), "--store", str(tmp_path / "s.sqlite"),
                       "-q"])
        assert run.code == 2 and "Traceback" not in run.err + run.out
        flat = " ".join(run.err.split())
        assert f"DETENTE_DUCKDB_MEMORY: not a usable memory size (got '{value}')" in flat
    monkeypatch.setenv("DETENTE_DUCKDB_MEMORY", "256MB")
    assert run_cli(["signals", "import", str(src), "--store", str(tmp_path / "s.sqlite"),
                    "-q"]).code == 0


# -- quote chaos in stakeholder tables -----------------------------------------------------------
# An unclosed quote ran to the end of its line and merged the cells after it: in the DEU file's
# GDP row this silently dropped 12 countries' GDP and shifted the rest (ep's 4.1 became 0.22);
# '"b"c' was read as 'bc'. Now the line is refused, and a short GDP row is ragged.
def test_an_unclosed_quote_in_a_table_is_refused_at_its_line(tmp_path: Path) -> None:
    deu = ROOT / "tests" / "data" / "reference" / "deu3-dev.tsv"
    rows = deu.read_bytes().split(b"\n")
    cells = rows[1].split(b"\t")
    cells[1] = b'"' + cells[1]
    rows[1] = b"\t".join(cells)
    f = tmp_path / "deu.tsv"
    f.write_bytes(b"\n".join(rows))
    msg = _err(["backtest", str(f), "-q", "-m", "compromise", "--bootstrap", "10"], str(f))
    assert f"{f.name}:2: not readable as CSV" in msg and "\\t" in msg and "\t" not in msg
    table = tmp_path / "t.csv"
    table.write_text('Actor,Capability,Position,Salience\n"a,1,2,3\nb,1,4,3\n')
    msg = _err(["forecast", str(table), "-q", "-m", "compromise"], str(table))
    assert "t.csv:2: not readable as CSV: unexpected end of data (a quote opened" in msg


def test_commitments_and_pax_quotes_are_read_strictly(tmp_path: Path) -> None:
    """'"RUS"x' in the commitments CSV was read as the actor 'RUSx'; in PA-X an unclosed
    quote swallowed the rows after it."""
    src = ROOT / "src" / "detente" / "signals" / "data" / "commitments-dev.csv"
    lines = src.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",RUS,", ',"RUS"x,', 1)
    f = tmp_path / "c.csv"
    f.write_text("\n".join(lines), encoding="utf-8")
    msg = _err(["signals", "evaluate", str(f), "-q", "--resamples", "10"], str(f))
    assert "c.csv:2: not readable as CSV" in msg and "text follows a closing quote" in msg
    agr = ROOT / "tests" / "data" / "agreements"
    d = tmp_path / "agr"
    d.mkdir()
    for p in agr.glob("*.csv"):
        (d / p.name).write_bytes(p.read_bytes())
    pax = d / "pax_all_agreements_data_v9.csv"
    rows = pax.read_bytes().split(b"\n")
    cells = rows[1].split(b",")
    cells[1] = b'"' + cells[1] + b'"x'
    rows[1] = b",".join(cells)
    pax.write_bytes(b"\n".join(rows))
    assert "pax_all_agreements_data_v9.csv:2: not readable as CSV" in _err(
        ["agreements", "check", "--data", str(d)], str(pax))


def test_compliance_prior_folder_errors_name_that_option(tmp_path: Path) -> None:
    """``signals evaluate --compliance-prior DIR`` passes DIR to the agreement reader, whose
    errors named ``--data`` (an option this command does not have); with an invisible
    character in DIR the message (which escapes it) named neither the option nor the value
    as typed — found by the whole sweep at the end of round 8."""
    for bad in ("\x00", "\u202e", str(tmp_path / "missing")):
        msg = _err(["signals", "evaluate", "dev", "-q", "--compliance-prior", bad],
                   "--compliance-prior")
        assert "--data" not in msg and "not a directory" in msg, msg
