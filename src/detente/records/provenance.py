"""Provenance of an analysis record: what went in, with which options and seed, by which version.

The same inputs (by content hash), options and seed give the same output, byte for byte: a
record holds no clock time unless asked (``detente --timestamp …`` adds ``created`` and the
run's timings in a separate ``run`` field), and input paths are normalised (``./x.yaml`` and
``x.yaml`` give the same record).
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

import detente


class Provenance(BaseModel):
    """Where a record came from."""

    # ``defer_build``: the validator is built on first validation (reading a record back),
    # not at import; :func:`make_provenance` builds the record without it.
    model_config = ConfigDict(frozen=True, defer_build=True)

    tool: str = "detente"
    version: str
    analysis: str
    inputs_sha256: str
    inputs: list[str]
    options: dict[str, Any]
    seed: int | None
    created: str | None = None


def _canonical(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    return obj


def inputs_hash(*objs: Any) -> str:
    """SHA-256 over the canonical JSON (sorted keys) of the given inputs or raw bytes (a file
    name's byte that is not UTF-8, a lone surrogate in text, hashed as that byte)."""
    h = hashlib.sha256()
    for obj in objs:
        if isinstance(obj, bytes | bytearray):
            h.update(bytes(obj))
        else:
            h.update(json.dumps(_canonical(obj), sort_keys=True, ensure_ascii=False,
                                separators=(",", ":")).encode("utf-8", "surrogateescape"))
        h.update(b"\x00")
    return h.hexdigest()


def normalise_input(name: str) -> str:
    """An input as recorded: a path in its normal form (``./x.yaml`` → ``x.yaml``, ``a//b`` →
    ``a/b``); a bundled case name unchanged."""
    return os.path.normpath(name) if name else name


def now() -> str:
    """The current UTC time to the second, ISO 8601 (only for ``--timestamp``)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def make_provenance(analysis: str, inputs: list[str], digest: str, options: dict[str, Any],
                    seed: int | None, created: str | None = None) -> Provenance:
    """Build a :class:`Provenance`; ``created`` stays None (byte-identical reruns) unless a
    time is given.

    Built without running pydantic's validator (``model_construct``): every field is made
    here from typed arguments, exactly as validation would make it (``seed`` an ``int``: a
    NumPy integer or a bool becomes one; ``options`` a new dict with ``str`` keys;
    tests/genius/test_record_construct.py compares with the validated record). A command
    that validates no other record so builds no validator at all, and pydantic scans the
    installed distributions for plugins only when a validator is built (issue 19, start-up)."""
    if not (isinstance(analysis, str) and isinstance(digest, str)
            and (created is None or isinstance(created, str))
            and all(isinstance(k, str) for k in options)):
        raise TypeError("make_provenance: analysis, digest, created and option names are text")
    return Provenance.model_construct(
        version=str(detente.__version__), analysis=analysis, inputs_sha256=digest,
        inputs=[normalise_input(str(x)) for x in inputs], options=dict(options),
        seed=None if seed is None else operator.index(seed), created=created)
