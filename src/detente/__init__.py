"""detente: analyse peace negotiations.

Layers (see ``docs/architecture.md``): the scenario (plain typed data) → analyses (pure
functions over arrays: deals, forecasts, war, signals) → records (JSON with provenance) →
presentation (CLI, HTML report).
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """``__version__`` on first use (importlib.metadata costs start-up time)."""
    if name != "__version__":
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("detente")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        v = "0.0.0+unknown"
    globals()["__version__"] = v
    return v


__all__ = ["__version__"]
