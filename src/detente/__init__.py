"""detente: analyse peace negotiations.

Layers (see ``docs/architecture.md``): the scenario (plain typed data) → analyses (pure
functions over arrays: deals, forecasts, war, signals) → records (JSON with provenance) →
presentation (CLI, HTML report).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("detente")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
