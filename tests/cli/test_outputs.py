"""Every command's outputs: `--json` on every leaf command (and it parses, with provenance),
`--csv DIR` one UTF-8 file per table, `-h` everywhere, unusable output paths refused with exit 2
*before* anything is computed, and progress only on a terminal."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from detente.cli import app as cli_app
from detente.cli.common import check_outputs, progress_wanted, record_tables, write_csv
from detente.errors import DetenteError

TOY = str(Path(__file__).resolve().parents[1] / "toy.yaml")


def leaves(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every leaf command of the Click tree (Typer carries its own Click copy, so duck-typed)."""
    if hasattr(command, "commands"):
        return [leaf for name, sub in sorted(command.commands.items())
                for leaf in leaves(sub, (*prefix, name))]
    return [(prefix, command)]


def options(command: Any) -> set[str]:
    return {o for p in command.params for o in (*getattr(p, "opts", ()),
                                                 *getattr(p, "secondary_opts", ()))}


ALL = leaves(cli_app._command())


def test_the_walk_sees_every_command() -> None:
    names = {" ".join(p) for p, _ in ALL}
    assert {"cases", "check", "analyze", "signals list", "signals import", "import genius",
            "new", "agreements rates"} <= names
    assert len(names) >= 20


# `serve` runs the workbench, not an analysis: each run made in it writes the JSON record the
# command of that analysis writes (into its --out folder), so it has no record of its own.
SERVES = {("serve",)}


@pytest.mark.parametrize("path", [p for p, _ in ALL if p not in SERVES], ids=" ".join)
def test_every_command_has_json(path: tuple[str, ...]) -> None:
    command = dict(ALL)[path]
    assert "--json" in options(command), f"detente {' '.join(path)} has no --json"


def test_the_only_command_without_json_is_the_server() -> None:
    assert {p for p, _ in ALL} >= SERVES
    assert "--out" in options(dict(ALL)[("serve",)])


def test_every_command_with_html_has_csv() -> None:
    # A command that renders a report renders tables: each can also write them as CSV.
    missing = [" ".join(p) for p, c in ALL if "--html" in options(c) and "--csv" not in options(c)]
    assert not missing


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        cli_app.main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv", [["-h"], ["analyze", "-h"], ["signals", "list", "-h"],
                                  ["agreements", "rates", "-h"], ["import", "genius", "-h"]])
def test_dash_h_is_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert code == 0 and "Usage: detente" in out, err


def _json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    prov = data["provenance"]
    assert prov["tool"] == "detente" and len(prov["inputs_sha256"]) == 64
    return data


def test_cases_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cases import case_names

    code, _, err = run(["cases", "--json", str(tmp_path / "c.json"), "--csv",
                        str(tmp_path / "t")], capsys)
    assert code == 0, err
    data = _json(tmp_path / "c.json")
    assert [r["case"] for r in data["cases"]] == case_names()
    with (tmp_path / "t" / "cases.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["case"] for r in rows] == case_names()
    assert all(int(r["outcomes"]) == c["outcomes"] for r, c in zip(rows, data["cases"],
                                                                   strict=True))


def test_check_json_written_also_when_the_check_fails(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    # toy.yaml has untraced values: --strict fails (exit 2) and the record lists them.
    out = tmp_path / "k.json"
    code, _, err = run(["check", TOY, "--strict", "--json", str(out)], capsys)
    assert code == 2 and "neither evidence nor an assumption" in err
    data = _json(out)
    assert data["problems"] and len(data["problems"]) == len(data["untraced"])
    code, _, _ = run(["check", TOY, "--json", str(out)], capsys)
    assert code == 0 and _json(out)["problems"] == []


def test_check_rejects_a_veto_player_without_batna_with_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli.new import skeleton

    text = skeleton()
    line = 'batna: {value: 0.35, assumption: "B is tiring of the war"}'
    assert line in text
    bad = tmp_path / "nobatna.yaml"
    bad.write_text(text.replace("    " + line + "\n", ""), encoding="utf-8")
    code, _, err = run(["check", str(bad)], capsys)
    assert code == 2
    assert f"{bad}:" in err and "veto player 'B' has no BATNA" in err
    head = err.split("error: ", 1)[1].split(":")
    assert head[1].isdigit()  # file:line:column


def test_check_rejects_a_weightless_veto_player_with_file_line_and_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A veto player whose saliences are all 0 is caught by ``check`` (the loader) at its first
    stance's salience, with file:line:column and field path, not first by ``analyze``."""
    from detente.cli.new import skeleton
    from detente.errors import DetenteError
    from detente.scenario import load

    text = skeleton()
    for old in ('value: [0.4, 0.5, 0.6], assumption: "B cares, but less than A"',
                'value: 0.5, assumption: "B fears a renewed attack"'):
        assert old in text
        text = text.replace(old, 'value: 0, assumption: "B cares about nothing"')
    bad = tmp_path / "weightless.yaml"
    bad.write_text(text, encoding="utf-8")
    want_line = text.splitlines().index("  - actor: B") + 4  # its first stance's salience
    code, _, err = run(["check", str(bad)], capsys)
    assert code == 2 and "Traceback" not in err
    assert f"{bad}:{want_line}:" in err
    assert "veto player 'B' has no stance with salience > 0" in err
    with pytest.raises(DetenteError) as info:
        load(str(bad))
    [p] = [p for p in info.value.problems if "salience > 0" in p.message]
    assert (p.file, p.line, p.path) == (str(bad), want_line, "stances[2].salience")
    # without any stance: named at the actor's veto flag
    lines = text.splitlines()
    start = lines.index("  - actor: B")
    end = next(k for k in range(start + 1, len(lines)) if not lines[k].startswith("    ")
               and lines[k] != "  - actor: B")
    none = tmp_path / "stanceless.yaml"
    none.write_text("\n".join(lines[:start] + lines[end:]) + "\n", encoding="utf-8")
    with pytest.raises(DetenteError) as info:
        load(str(none))
    [p] = [p for p in info.value.problems if "salience > 0" in p.message]
    assert p.path == "actors[1].veto" and p.line


def test_new_and_signals_list_json(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_STORE", str(tmp_path / "default.sqlite"))  # no store there
    code, _, err = run(["new", str(tmp_path / "s.yaml"), "--json", str(tmp_path / "n.json")],
                       capsys)
    assert code == 0, err
    assert _json(tmp_path / "n.json")["bytes"] == len((tmp_path / "s.yaml").read_bytes())
    code, _, err = run(["signals", "list", "--store", str(tmp_path / "none.sqlite"),
                        "--case", "ru-ua", "--json", str(tmp_path / "l.json")], capsys)
    assert code == 2 and "no event store here" in err  # named store missing: refused
    code, _, err = run(["signals", "list", "--case", "ru-ua", "--actor", "RUS", "--csv",
                        str(tmp_path / "sig"), "--json", str(tmp_path / "l.json")], capsys)
    assert code == 0, err
    data = _json(tmp_path / "l.json")
    assert data["signals"] and {s["actor"] for s in data["signals"]} == {"RUS"}
    assert (tmp_path / "sig" / "signals.csv").read_text(encoding="utf-8").startswith("date,")


def test_analyze_csv_tables_match_the_json(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["analyze", TOY, "-q", "--json", str(tmp_path / "a.json"), "--csv",
                        str(tmp_path / "csv")], capsys)
    assert code == 0, err
    data = _json(tmp_path / "a.json")
    with (tmp_path / "csv" / "proposals.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [p["id"] for p in data["proposals"]]
    with (tmp_path / "csv" / "solutions.csv").open(encoding="utf-8", newline="") as fh:
        names = [r["name"] for r in csv.DictReader(fh)]
    assert names == list(data["solutions"])


def test_write_csv_needs_no_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    written = write_csv(tmp_path / "new" / "dir", {"t": [{"a": 1, "b": [1, 2]},
                                                        {"a": "é,\"x\"", "c": None}]})
    assert [p.name for p in written] == ["t.csv"]
    with written[0].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["a", "b", "c"], ["1", "[1,2]", ""], ["é,\"x\"", "", ""]]


def test_record_tables_of_plain_dicts() -> None:
    tables = record_tables({"provenance": {}, "rows": [{"x": {"y": 1}}], "by": {"k": {"v": 2}},
                            "scalars": [1, 2]})
    assert tables == {"rows": [{"x.y": 1}], "by": [{"name": "k", "v": 2}]}


# --- unusable output paths: refused before any computing ------------------------------------

def _bad_paths(tmp_path: Path) -> dict[str, Path]:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    return {"a folder": tmp_path, "a parent that is a file": afile / "sub" / "out.html"}


@pytest.mark.parametrize("flag", ["--json", "--html"])
@pytest.mark.parametrize("kind", ["a folder", "a parent that is a file"])
def test_bad_output_path_exits_2_before_the_analysis(tmp_path: Path, flag: str, kind: str,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    import detente.deals

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the analysis ran before the output path was checked")

    monkeypatch.setattr(detente.deals, "analyze", must_not_run)
    bad = _bad_paths(tmp_path)[kind]
    code, _, err = run(["analyze", TOY, flag, str(bad)], capsys)
    assert code == 2 and "Traceback" not in err
    assert flag in err and str(bad) in err
    assert not (tmp_path / "afile" / "sub").exists()  # nothing created


@pytest.mark.parametrize("argv,module,name", [
    (["forecast", TOY], "detente.forecasts.records", "forecast_source"),
    (["window", "war/ru-ua-2024-09"], "detente.war.analysis", "analyze_window"),
    (["sensitivity", TOY], "detente.sensitivity", "sensitivity"),
    (["timeline", TOY], "detente.deals.timeline", "timeline"),
    (["signals", "credibility", "--actor", "RUS", "--no-store"], "detente.signals.record",
     "credibility_record"),
    (["signals", "evaluate", "dev"], "detente.signals.evaluate", "evaluate"),
    (["cases"], "detente.scenario.catalogue", "catalogue"),
])
def test_every_command_checks_paths_first(argv: list[str], module: str, name: str,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{name} ran before the output path was checked")

    monkeypatch.setattr(importlib.import_module(module), name, must_not_run)
    code, _, err = run([*argv, "--json", str(tmp_path)], capsys)
    assert code == 2 and "output path is a folder" in err, err


def test_csv_folder_that_is_a_file_is_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    code, _, err = run(["cases", "--csv", str(afile)], capsys)
    assert code == 2 and "not a folder" in err


def test_all_bad_paths_in_one_message(tmp_path: Path) -> None:
    bad = _bad_paths(tmp_path)
    with pytest.raises(DetenteError) as info:
        check_outputs(files={"--json": bad["a folder"], "--html": bad["a parent that is a file"]},
                      folders={"--csv": tmp_path / "afile"})
    assert len(info.value.problems) == 3


def test_unwritable_place_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A folder this process may not write in (os.access is asked, so this holds for root too,
    # whose real permission checks always pass).
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != locked and real(p, mode))
    with pytest.raises(DetenteError, match="no permission to write in"):
        check_outputs(files={"--json": locked / "x" / "r.json"})
    with pytest.raises(DetenteError, match="no permission"):
        check_outputs(folders={"--csv": locked})
    check_outputs(files={"--json": tmp_path / "fine" / "r.json"})  # creatable: no error


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setattr(sys, "stdout", Tty(False))
    assert not progress_wanted()
    monkeypatch.setattr(sys, "stdout", Tty(True))
    assert progress_wanted() and not progress_wanted(quiet=True)


def test_progress_is_drawn_on_a_terminal_and_names_the_stage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from rich.console import Console

    from detente.cli import common

    screen = io.StringIO()
    monkeypatch.setattr(common, "err_console", Console(file=screen, force_terminal=True,
                                                       width=100))
    monkeypatch.setattr(common, "progress_wanted", lambda quiet=False: not quiet)
    code, _, err = run(["forecast", TOY, "-m", "compromise", "--html",
                        str(tmp_path / "f.html")], capsys)
    assert code == 0, err
    drawn = screen.getvalue()
    assert "issues" in drawn and "rendering the HTML report" in drawn
    screen.truncate(0)
    code, _, err = run(["forecast", TOY, "-m", "compromise", "--quiet"], capsys)
    assert code == 0 and screen.getvalue().strip("\x00") == ""


def test_root_options_do_not_outlive_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    # An in-process run with --memory-limit 1K must not leave the 1K ceiling behind.
    from detente.limits import MEMORY_OVERRIDE

    code, _, _ = run(["--memory-limit", "1K", "analyze", TOY, "--draws", "500", "-q"], capsys)
    assert code == 2
    assert MEMORY_OVERRIDE.get() is None
    assert run(["analyze", TOY, "--draws", "500", "-q"], capsys)[0] == 0
