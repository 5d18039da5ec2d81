"""A record built without pydantic's validator (``model_construct``) against the same values
validated: same record, field by field and type by type (shared by the record tests)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def raw(value: Any) -> Any:
    """The record's values as plain data, every leaf as it is (nothing converted)."""
    if isinstance(value, BaseModel):
        return {k: raw(getattr(value, k)) for k in type(value).model_fields}
    if isinstance(value, list):
        return [raw(v) for v in value]
    if isinstance(value, dict):
        return {k: raw(v) for k, v in value.items()}
    return value


def typed(value: Any) -> Any:
    """Nested data with every leaf paired with its exact type (1 and 1.0 and True differ)."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, typed(raw(value)))
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {(type(k), k): typed(v) for k, v in value.items()}
    return (type(value), value)


def assert_as_validated(record: BaseModel) -> None:
    validated = type(record).model_validate(raw(record))
    assert typed(validated) == typed(record)
    assert validated == record
    assert validated.model_dump_json() == record.model_dump_json()
