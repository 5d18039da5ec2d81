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


class VerbModule(ModuleType):
    """A subpackage that is also the verb of the same name: ``detente.sensitivity`` is the
    package, and ``detente.sensitivity(case)`` calls :func:`detente.api.sensitivity`.

    Python sets an imported subpackage as an attribute of its parent, which would hide the
    verb once anything imported ``detente.sensitivity``; the subpackages ``sensitivity`` and
    ``extract`` take this class so that the verb works before and after."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from detente import api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


def _version() -> str:
    """``__version__`` on first use (importlib.metadata costs start-up time)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("detente")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


def __getattr__(name: str) -> object:
    if name == "__version__":
        globals()["__version__"] = v = _version()
        return v
    if name in _API:
        from detente import api

        return getattr(api, name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
