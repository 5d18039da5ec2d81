"""detente: analyse peace negotiations.

>>> import detente
>>> result = detente.analyze("ru-ua-2024-09")   # doctest: +SKIP
>>> result.to_frame()                           # doctest: +SKIP

Layers (see ``docs/architecture.md``): the scenario (plain typed data) → analyses (pure
functions over arrays: deals, forecasts, war, signals) → records (JSON with provenance) →
presentation (CLI, HTML report).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("detente")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

_API = ("analyze", "backtest", "cases", "credibility", "extract", "forecast", "load",
        "sensitivity", "timeline", "window")
"""The verbs of :mod:`detente.api`, imported on first use so that ``import detente`` stays
fast (NumPy, pydantic and the models load only when a verb is called)."""

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> object:
    if name in _API:
        from detente import api

        return getattr(api, name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
