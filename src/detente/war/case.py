"""Finding and reading a war model: a bundled war case, a standalone war file, or a scenario
file with a ``war`` section. Every problem names the file, line and field path."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.errors import Problem, ScenarioError
from detente.scenario.load import LineMap, format_path, parse_yaml
from detente.scenario.war import WarCase, WarModel

SCENARIO_KEYS = ("actors", "issues", "stances")


def _dir() -> Path:
    return Path(str(files("detente.cases"))) / "war"


def war_case_names() -> list[str]:
    """Names of the bundled war cases, sorted."""
    return sorted(p.stem for p in _dir().glob("*.yaml"))


def _problems(exc: ValidationError, file: str, where: LineMap,
              prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(x for x in err["loc"]
                             if not (isinstance(x, str) and x.startswith("function-")))
        line, col = where.locate(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (a typo?)"
        value = err.get("input")
        if isinstance(value, dict | list) or err["type"] == "missing":
            value = None
        out.append(Problem(msg, file=file, line=line, column=col,
                           path=format_path(loc) or None, value=value))
    return out


def war_case_from_data(data: Any, file: str, where: LineMap | None = None) -> WarCase:
    """Validate parsed YAML as a standalone war case, or a scenario holding a ``war`` section."""
    where = where or LineMap({})
    if not isinstance(data, dict) or "war" not in data:
        raise ScenarioError([Problem(
            "no war model here: expected a YAML mapping with a 'war' section", file=file, line=1,
            allowed="a war case (id, title, date, sources, war) or a scenario with 'war'")])
    if data.get("war") is None:
        raise ScenarioError([Problem("the 'war' section is empty", file=file,
                                     line=where.locate(("war",))[0], path="war")])
    if any(k in data for k in SCENARIO_KEYS):
        from detente.scenario.load import validate_data

        scenario = validate_data(data, file, where)
        war = scenario.war
        if not isinstance(war, WarModel):
            try:
                war = WarModel.model_validate(war)
            except ValidationError as exc:
                raise ScenarioError(_problems(exc, file, where, ("war",))) from None
        return WarCase(id=scenario.id, title=scenario.title, date=scenario.date,
                       description=scenario.description, sources=scenario.sources, war=war)
    try:
        return WarCase.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, file, where)) from None


def load_war_file(path: str | Path) -> WarCase:
    """Read and validate a war case (or a scenario with a war section) from a YAML file."""
    p = Path(path)
    file = str(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError.one("file not found", file=file) from None
    except IsADirectoryError:
        raise ScenarioError.one("is a directory, not a war file", file=file) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError.one(f"not UTF-8 text (byte {exc.start})", file=file) from None
    data, where = parse_yaml(text, file)
    return war_case_from_data(data, file, where)


def bundled_war_case(name: str) -> WarCase:
    """A bundled war case by name (see :func:`war_case_names`)."""
    if name not in war_case_names():
        raise ScenarioError.one("no such bundled war case", value=name,
                                allowed=", ".join(war_case_names()))
    return load_war_file(_dir() / f"{name}.yaml")


def load_war(case_or_path: str | Path) -> WarCase:
    """A bundled war case, a bundled scenario case with a war section, or a YAML file."""
    text = str(case_or_path)
    if text in war_case_names():
        return bundled_war_case(text)
    from detente.cases import case_names, case_path

    if text in case_names():
        return load_war_file(case_path(text))
    p = Path(text)
    if p.exists() or p.suffix in (".yaml", ".yml"):
        return load_war_file(p)
    raise ScenarioError.one("no such war case or file", value=text,
                            allowed="a YAML file or one of: "
                            + ", ".join(war_case_names() + case_names()))
