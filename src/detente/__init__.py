"""detente: analyse peace negotiations.

>>> import detente
>>> result = detente.analyze("ru-ua-2024-09")   # doctest: +SKIP
>>> result.to_frame()                           # doctest: +SKIP

Layers (see ``docs/architecture.md``): the scenario (plain typed data) → analyses (pure
functions over arrays: deals, forecasts, war, signals) → records (JSON with provenance) →
presentation (CLI, HTML report).
"""

from types import ModuleType
from typing import Any

_API = ("analyze", "backtest", "credibility", "evaluate", "extract", "forecast", "load",
        "sensitivity", "timeline", "window")
"""The verbs of :mod:`detente.api`, imported on first use so that ``import detente`` stays
fast (NumPy, pydantic and the models load only when a verb is called)."""

__all__ = ["__version__", *_API]

__version__ = "0.1.0"
"""The release, written only here (pyproject.toml reads it, ``[tool.setuptools.dynamic]``).
A literal, not ``importlib.metadata.version("detente")``: that lookup reads the installed
distributions' metadata, ~2–4 ms of every command that writes a record (issue 19)."""


class VerbModule(ModuleType):
    """A subpackage that is also the verb of the same name: ``detente.sensitivity`` is the
    package, and ``detente.sensitivity(case)`` calls :func:`detente.api.sensitivity`.

    Python sets an imported subpackage as an attribute of its parent, which would hide the
    verb once anything imported ``detente.sensitivity``; the subpackages ``sensitivity`` and
    ``extract`` take this class so that the verb works before and after."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from detente import api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


def __getattr__(name: str) -> object:
    if name in _API:
        from detente import api

        return getattr(api, name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
