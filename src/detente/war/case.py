"""Finding and reading a war model: a bundled war case, a standalone war file, or a scenario
file with a ``war`` section. Every problem names the file, line and field path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.errors import Problem, ScenarioError
from detente.scenario.load import LineMap, format_path, read_yaml
from detente.scenario.model import Scenario
from detente.scenario.war import WarCase, WarModel

SCENARIO_KEYS = ("actors", "issues", "stances")


def war_case_names() -> list[str]:
    """Names of the bundled scenarios with a war section, sorted: the one war calibration of
    each dated case (the standalone war cases are gone; ``war/NAME`` is the same model)."""
    from detente.cases import case_names

    return sorted(n for n in case_names() if _has_war(n))


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
    return _from_data(data, file, where)[0]


def _from_data(data: Any, file: str,
               where: LineMap | None = None) -> tuple[WarCase, Scenario | None]:
    """The war case, and the scenario when the file is a scenario with a ``war`` section."""
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
                       description=scenario.description, sources=scenario.sources,
                       war=war), scenario
    try:
        case = WarCase.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, file, where)) from None
    from detente.scenario.references import check_war_references

    found = check_war_references(case)
    if found:
        raise ScenarioError([Problem(msg, file=file, line=where.locate(path)[0],
                                     column=where.locate(path)[1], path=format_path(path),
                                     value=value, allowed=allowed)
                             for path, msg, value, allowed in found])
    return case, None


def load_war_source(path: str | Path) -> tuple[WarCase, Scenario | None]:
    """Read and validate a war file: the war case, and the scenario when the file is a
    scenario with a ``war`` section (None for a standalone war case)."""
    data, where, file = read_yaml(path, "war")
    return _from_data(data, file, where)


def load_war_file(path: str | Path) -> WarCase:
    """Read and validate a war case (or a scenario with a war section) from a YAML file."""
    return load_war_source(path)[0]


def bundled_war_case(name: str) -> WarCase:
    """The war model of a bundled scenario (see :func:`war_case_names`)."""
    from detente.cases import case_path

    if name not in war_case_names():
        raise ScenarioError.one("no such bundled war case", value=name,
                                allowed=", ".join(war_case_names()))
    return load_war_file(case_path(name))


def resolve_war(case_or_path: str | Path) -> tuple[WarCase, Scenario | None]:
    """A bundled scenario case with a war section (its name; ``war/NAME`` gives the same war
    model without the package window), or a YAML file (a scenario with a ``war`` section or a
    standalone war file); with the scenario when there is one (the package window needs it)."""
    from detente.cases import case_path, is_bundled

    text = str(case_or_path)
    if text.startswith("war/") and is_bundled(text, [f"war/{n}" for n in war_case_names()]):
        return bundled_war_case(text.removeprefix("war/")), None
    if is_bundled(text, war_case_names()):
        data, where, file = read_yaml(case_path(text))
        return _from_data(data, file, where)
    p = Path(text)
    if p.exists() or p.suffix in (".yaml", ".yml"):
        return load_war_source(p)
    raise ScenarioError.one("no such war case or file", value=text,
                            allowed="a YAML file or one of: " + ", ".join(war_case_names()))


def _has_war(name: str) -> bool:
    from detente.cases import case_path

    data = read_yaml(case_path(name))[0]
    return isinstance(data, dict) and "war" in data


def load_war(case_or_path: str | Path) -> WarCase:
    """The war case of :func:`resolve_war`."""
    return resolve_war(case_or_path)[0]
