"""A command line imports only the CLI module that provides its command (start-up time), and
the dispatch table names exactly the commands each module registers."""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from detente.cli import app as cli
from shared_data import GENIUS


def test_dispatch_table_matches_what_each_module_registers() -> None:
    for name in cli._MODULES:
        t = typer.Typer()
        importlib.import_module(f"detente.cli.{name}").register(t)
        got = {c.name or c.callback.__name__ for c in t.registered_commands}  # type: ignore[union-attr]
        got |= {g.name for g in t.registered_groups if g.name}
        assert got == {c for c, m in cli._PROVIDER.items() if m == name}, name


def test_wanted_modules() -> None:
    assert cli._wanted(["cases"]) == ("deals",)
    assert cli._wanted(["--memory-limit", "8G", "--timestamp", "window", "x"]) == ("war",)
    assert cli._wanted(["--help"]) == cli._MODULES
    assert cli._wanted(["no-such-command"]) == cli._MODULES
    assert cli._given(["--timestamp", "analyze", "x"]) == "analyze"
    assert cli._given(["--memory-limit", "cases", "check"]) == "check"
    assert [cli._given(a) for a in (["-h", "cases"], ["no-such-command"], [])] == [None] * 3


def test_a_command_line_builds_only_its_own_command() -> None:
    # Typer builds the command given, not the other commands of its module; each command of
    # the dispatch table is found that way, with the root options
    for name, module in cli._PROVIDER.items():
        group = cli._command((module,), name)
        assert sorted(group.commands) == [name], name
        assert {"--memory-limit", "--timestamp"} <= {o for p in group.params for o in p.opts}


def test_small_command_does_not_import_heavy_analyses() -> None:
    code = ("import sys; from detente.cli.app import main\n"
            "try:\n    main(['cases'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('scipy', 'duckdb', 'detente.sensitivity', "
            "'detente.forecasts') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


AMPO = GENIUS / "other" / "AMPOvsCity"
HEAVY = ("scipy", "matplotlib", "duckdb", "pandas", "sklearn", "detente.sensitivity",
         "detente.forecasts", "detente.signals", "detente.war")
# ``analyze DIR`` (a GENIUS folder) reads XML: neither the scenario model nor its analysis.
SCENARIO = ("detente.scenario.model", "detente.deals.analysis", "detente.deals.montecarlo",
            "yaml")


def _imported(argv: list[str], names: tuple[str, ...]) -> list[str]:
    """The names of ``names`` that running ``detente ARGV`` imports, in a fresh process.
    Modules loaded before detente is imported (e.g. by coverage's start-up hook under
    ``--cov``, which loads multiprocessing) are not counted: they are not detente's."""
    code = ("import sys; before = set(sys.modules); from detente.cli.app import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    assert not e.code, e\n"
            f"print(sorted(m for m in {names!r} if m in sys.modules and m not in before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return ast.literal_eval(out.strip().splitlines()[-1])


# Libraries a command loads only when it needs them: NumPy to compute, pydantic for a record,
# rich.progress for a progress display (none when the output is not a terminal) and
# multiprocessing for a process pool.
ON_DEMAND = ("numpy", "pydantic", "rich.progress", "multiprocessing")


@pytest.mark.parametrize("argv", [["cases"], ["check", "ru-ua-2024-09"],
                                  ["check", "ru-ua-2024-09", "--sources", "bundled"]])
def test_light_commands_import_no_heavy_library(argv: list[str]) -> None:
    # checking and listing cases validate the scenario model: pydantic, but no NumPy
    assert _imported(argv, HEAVY + ON_DEMAND) == ["pydantic"]


def test_cases_lists_the_bundled_cases_from_their_index(tmp_path: Path) -> None:
    # the rows come from detente/cases/index.json (tests/scenario/test_catalogue.py): listing
    # the cases parses no YAML and builds no scenario model. The record goes to a file of its
    # own: `--json /dev/null` (os.devnull) run as root replaced the device with a regular file
    # (outputs are renamed into place), and is now refused before writing.
    assert _imported(["cases"], SCENARIO + ("detente.scenario.load",)) == []
    out = tmp_path / "cases.json"
    assert _imported(["cases", "--json", str(out)], SCENARIO) == []
    assert out.is_file()


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["analyze", "--help"], ["--version"]])
def test_help_lists_every_command_without_loading_the_analyses(argv: list[str]) -> None:
    # Typer 0.29 would build a pydantic adapter for every option, given or not; the defaults
    # pass by them (detente.cli.coercion), so a command's own help loads no pydantic either
    assert _imported(argv, HEAVY + ON_DEMAND + SCENARIO) == []


def test_root_help_still_lists_every_command() -> None:
    out = subprocess.run([sys.executable, "-m", "detente.cli.app", "--help"],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "COLUMNS": "200"}).stdout
    for name in cli._PROVIDER:
        assert re.search(rf"\b{name}\b", out), name


def test_genius_folder_analysis_imports_neither_scenario_nor_heavy_libraries() -> None:
    assert _imported(["analyze", str(AMPO)], HEAVY + SCENARIO + ON_DEMAND) == ["numpy",
                                                                              "pydantic"]
    # the probe sees what a real import would: the scenario analysis does load these
    assert _imported(["check", "ru-ua-2024-09"], SCENARIO[:1]) == list(SCENARIO[:1])


def test_an_additive_domain_loads_no_nonlinear_search_nor_batch() -> None:
    # AMPOvsCity is additive: solved issue by issue, one folder; the non-linear search and
    # the batch over folders load only when needed (a non-linear domain does load the search)
    extra = ("detente.deals.nonlinear", "detente.deals.nonlinear_bounds",
             "detente.deals.genius_batch", "detente.deals.result")
    assert _imported(["analyze", str(AMPO)], extra) == []
    nonlinear = GENIUS / "other" / "S-1NIKFRT-1"
    if nonlinear.is_dir():
        assert _imported(["analyze", str(nonlinear), "-q"], extra[:2]) == list(extra[:2])


REFERENCE = os.path.join(os.path.dirname(__file__), "data", "reference")


@pytest.mark.parametrize("argv", [
    ["forecast", os.path.join(REFERENCE, "bdm", "emission.csv"), "-m", "eum", "--draws", "50",
     "-q"],
    ["backtest", os.path.join(REFERENCE, "deu3-dev.tsv"), "-m", "compromise", "--bootstrap",
     "10", "-q"],
])
def test_stakeholder_commands_load_no_scenario_model(argv: list[str]) -> None:
    # a stakeholder table is not a scenario: drawing its ranges (detente.triangular) needs
    # neither the scenario model nor YAML
    assert _imported(argv, SCENARIO) == []


def test_lazy_deals_package_keeps_its_names() -> None:
    import detente.deals as deals
    import detente.deals.open_terms  # noqa: F401  (binds the submodule on the package)
    from detente.deals.analysis import analyze

    assert deals.analyze is analyze
    assert callable(deals.open_terms) and deals.open_terms.__name__ == "open_terms"
    assert set(deals.__all__) <= set(dir(deals))
    with pytest.raises(AttributeError):
        deals.no_such_name  # noqa: B018


def test_check_parses_the_case_yaml_once(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import detente.scenario.yamlsafe as y
    from detente.cli.app import main

    calls = []
    init = y._Loader.__init__

    def counting(self, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        init(self, *a, **k)

    monkeypatch.setattr(y._Loader, "__init__", counting)
    try:
        main(["check", "ru-ua-2024-09"])
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert len(calls) == 1


def test_only_the_process_entry_point_freezes_the_collector(capsys) -> None:  # type: ignore[no-untyped-def]
    import gc

    from detente.cli.app import main

    before = gc.get_freeze_count()
    try:
        main(["cases"])  # in-process (a test, a notebook): the collector is left as it was
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert gc.get_freeze_count() == before
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
            "sys.argv = ['detente', 'check', 'ru-ua-2024-09']\n"
            "from detente.cli.app import main\nmain()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "frozen True"


def _all_model_classes() -> list[type]:
    """Every pydantic model class detente defines (each of its modules imported)."""
    import pkgutil

    import pydantic

    import detente

    for info in pkgutil.walk_packages(detente.__path__, "detente."):
        try:
            importlib.import_module(info.name)
        except ModuleNotFoundError as exc:  # an optional extra that is not installed
            if (exc.name or "").startswith("detente"):
                raise
    seen: list[type] = []
    todo: list[type] = [pydantic.BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.append(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.startswith("detente.")]


def test_every_deferred_model_builds() -> None:
    # Records and scenario parts build their validators on first use (``defer_build``, a
    # start-up cut): a schema error would surface only then, so build every one of them here.
    classes = _all_model_classes()
    deferred = [c for c in classes if c.model_config.get("defer_build")]
    names = {c.__name__ for c in deferred}
    assert {"DomainAnalysis", "DealAnalysis", "CaseList", "Quantity", "Scenario"} <= names
    for cls in deferred:
        assert cls.model_rebuild(force=True) is not False, cls
        assert cls.__pydantic_complete__, cls
        cls.model_json_schema(mode="serialization")


def test_process_defaults_are_the_process_own_and_the_user_setting_wins(capsys) -> None:  # type: ignore[no-untyped-def]
    import gc

    from detente.cli.app import main

    env_before, threshold = os.environ.get("OPENBLAS_THREAD_TIMEOUT"), gc.get_threshold()
    try:
        main(["cases"])  # in-process: neither the environment nor the collector changes
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert (os.environ.get("OPENBLAS_THREAD_TIMEOUT"), gc.get_threshold()) == (env_before,
                                                                              threshold)
    assert gc.isenabled()
    code = ("import atexit, gc, os, sys\nimport detente.cli.app as app\n"
            "orig = app.process_defaults\n"
            "def probe():\n    print('numpy before', 'numpy' in sys.modules)\n    orig()\n"
            "app.process_defaults = probe\n"
            "atexit.register(lambda: print('after', os.environ.get('OPENBLAS_THREAD_TIMEOUT'),"
            " gc.get_threshold()[0], 'numpy' in sys.modules, gc.isenabled()))\n"
            f"sys.argv = ['detente', 'analyze', {str(AMPO)!r}]\napp.main()\n")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    for given, want in ((None, "4"), ("9", "9")):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env if given is None else {**env,
                                                            "OPENBLAS_THREAD_TIMEOUT": given})
        assert out.returncode == 0, out.stderr
        lines = out.stdout.strip().splitlines()
        # set before NumPy loads (OpenBLAS reads it then), and NumPy did load afterwards
        assert "numpy before False" in lines
        assert lines[-1] == f"after {want} 10000 True True"  # the collector runs again


def test_the_collector_pauses_only_while_the_command_line_is_parsed() -> None:
    # process_defaults pauses the collector; the root callback resumes it before the command
    # runs (start-up objects frozen); a collector the user switched off stays off.
    probe = ("import gc, sys\nimport detente.cli.app as app\n"
             "import detente.cli.deals as deals\n"
             "def cases() -> None:\n    print('in command', gc.isenabled(), "
             "gc.get_freeze_count() > 0)\n"
             "deals.cases = cases\n"
             "orig = app.process_defaults\n"
             "def defaults():\n    orig()\n    print('parsing', gc.isenabled())\n"
             "app.process_defaults = defaults\n"
             "sys.argv = ['detente', 'cases']\napp.main()\n")
    for user_off, want in (("", "True True"), ("gc.disable()\n", "False False")):
        out = subprocess.run([sys.executable, "-c", "import gc\n" + user_off + probe],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        lines = out.stdout.strip().splitlines()
        assert lines == ["parsing False", f"in command {want}"], lines


def test_user_text_prints_as_written_without_rich_emoji_codes() -> None:
    # The consoles take no emoji codes: a title holding ":warning:" prints as written (and
    # Rich's table of emoji names is never loaded).
    from detente.cli.common import console, err_console, esc

    for con in (console, err_console):
        with con.capture() as cap:
            con.print(f"title {esc(':warning: [b]x[/b] :smile:')}", highlight=False)
        assert cap.get() == "title :warning: [b]x[/b] :smile:\n"
    assert _imported(["analyze", str(AMPO)], ("rich._emoji_codes",)) == []


def test_the_version_is_the_literal_pyproject_reads() -> None:
    # One place for the release (detente.__version__, read by setuptools), and no
    # importlib.metadata lookup to learn it.
    import tomllib
    from pathlib import Path

    import detente

    root = Path(__file__).resolve().parents[1]
    conf = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in conf["project"]["dynamic"] and "version" not in conf["project"]
    assert conf["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "detente.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", detente.__version__)
    out = subprocess.run([sys.executable, "-c", "import sys, detente; "
                          "print(detente.__version__, 'importlib.metadata' in sys.modules)"],
                         capture_output=True, text=True)
    assert out.stdout.split() == [detente.__version__, "False"], out.stderr
