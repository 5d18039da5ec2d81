"""Records: every analysis result as JSON with its provenance (inputs hash, options, seed,
version), so that anyone can check and rerun it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - type checkers see the names; the import is on first use
    from detente.records.provenance import Provenance, inputs_hash, make_provenance

__all__ = ["Provenance", "inputs_hash", "make_provenance"]


def __getattr__(name: str) -> object:
    # pydantic loads with the first record, not with ``detente.records.output`` (the command
    # line's writers): ``detente --help`` builds no record.
    if name in __all__:
        from detente.records import provenance

        return getattr(provenance, name)
    raise AttributeError(f"module 'detente.records' has no attribute {name!r}")
