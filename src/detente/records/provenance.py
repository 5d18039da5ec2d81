"""Provenance of an analysis record: what went in, with which options and seed, by which version.

The same inputs (by content hash), options and seed give the same output.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from detente import __version__


class Provenance(BaseModel):
    """Where a record came from."""

    model_config = ConfigDict(frozen=True)

    tool: str = "detente"
    version: str
    analysis: str
    inputs_sha256: str
    inputs: list[str]
    options: dict[str, Any]
    seed: int | None
    created: str


def _canonical(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    return obj


def inputs_hash(*objs: Any) -> str:
    """SHA-256 over the canonical JSON (sorted keys) of the given inputs or raw bytes."""
    h = hashlib.sha256()
    for obj in objs:
        if isinstance(obj, bytes | bytearray):
            h.update(bytes(obj))
        else:
            h.update(json.dumps(_canonical(obj), sort_keys=True, ensure_ascii=False,
                                separators=(",", ":")).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def make_provenance(analysis: str, inputs: list[str], digest: str, options: dict[str, Any],
                    seed: int | None) -> Provenance:
    """Build a :class:`Provenance`. ``created`` is the only field that differs between reruns."""
    return Provenance(version=__version__, analysis=analysis, inputs_sha256=digest, inputs=inputs,
                      options=options, seed=seed,
                      created=datetime.now(UTC).replace(microsecond=0).isoformat())
