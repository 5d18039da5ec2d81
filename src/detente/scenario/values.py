"""The typed values every scenario section is built from: ids, (uncertain) numbers with their
evidence or assumption, and the sources behind them.

``detente.scenario.model`` (actors, issues, stances, proposals) and ``detente.scenario.war`` (the
war-model section) both build on these, so neither imports the other's internals. A number may
be ``[low, likely, high]`` (a triangular range, DESIGN.md §3); any value may carry ``evidence``
(a source id and an exact quote) or an ``assumption``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)

from detente.triangular import TriangularSource, draw_triangular

if TYPE_CHECKING:  # NumPy loads when a quantity is drawn: checking a case needs none of it
    import numpy as np
    from numpy.typing import NDArray

Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


def _calendar_date(value: Any) -> Any:
    """A date is written YYYY-MM-DD: a number (which pydantic would read as seconds since
    1970, so ``date: 0`` became 1970-01-01) or a date with a time is refused."""
    if isinstance(value, bool | int | float):
        raise ValueError(f"expected a date YYYY-MM-DD, got the number {value!r}")
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date YYYY-MM-DD, got a date with a time")
    return value


Date = Annotated[dt.date, BeforeValidator(_calendar_date)]
"""A calendar date (``2024-09-05``), never a number read as a time stamp."""


class _Frozen(BaseModel):
    # ``defer_build``: the parts of a scenario are validated inside ``Scenario``'s own
    # validator, which holds theirs; each part builds a validator of its own only when it is
    # validated by itself (a start-up cost of ``check``/``cases`` otherwise).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _text_number(text: str) -> str:
    """Why a text is not a number here: YAML 1.1 reads ``1e3`` and ``1.0e3`` (an exponent
    without a decimal point or without a sign) and quoted numbers as text, and we do not
    guess."""
    try:
        float(text)
    except ValueError:
        return "expected a number or [low, likely, high], got text"
    return ("YAML reads this as text, not a number (an exponent needs a decimal point and a "
            "sign: 1.0e+3, not 1e3 or 1.0e3; and no quotes); allowed: a number or [low, "
            "likely, high]")


class Quantity(_Frozen):
    """A number that may be uncertain: ``x`` or ``[low, likely, high]`` (triangular)."""

    low: float
    likely: float
    high: float

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a number or [low, likely, high], got a boolean")
        if isinstance(data, str):
            raise ValueError(_text_number(data))
        if isinstance(data, int | float):
            return {"low": data, "likely": data, "high": data}
        if isinstance(data, list | tuple):
            if len(data) != 3:
                raise ValueError(
                    f"a range must have exactly 3 numbers [low, likely, high], got {len(data)}")
            for k, x in enumerate(data):
                if isinstance(x, bool) or not isinstance(x, int | float):
                    why = ("text" if not isinstance(x, str) or not _numeric(x) else
                           "YAML reads it as text (numbers unquoted; an exponent needs a "
                           "decimal point and a sign: 1.0e+3)")
                    why = why if isinstance(x, str) else f"a {type(x).__name__}"
                    raise ValueError(f"a range must hold 3 numbers [low, likely, high]; its "
                                     f"{('first', 'second', 'third')[k]} value {x!r} is not "
                                     f"one: {why}")
            return {"low": data[0], "likely": data[1], "high": data[2]}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Quantity:
        for x in (self.low, self.likely, self.high):
            if not math.isfinite(x):
                raise ValueError("numbers must be finite")
        if not self.low <= self.likely <= self.high:
            raise ValueError(
                f"range must satisfy low <= likely <= high, got [{self.low}, {self.likely}, "
                f"{self.high}]")
        return self

    @property
    def uncertain(self) -> bool:
        return self.high > self.low

    @model_serializer
    def _dump(self) -> float | list[float]:
        return [self.low, self.likely, self.high] if self.uncertain else self.likely

    def within(self, lo: float, hi: float) -> bool:
        return lo <= self.low and self.high <= hi


class Evidence(_Frozen):
    """A source id and an exact quote from it that supports a value."""

    source: Id
    quote: Annotated[str, Field(min_length=3, max_length=600)]


class _Traced(_Frozen):
    """A value with its evidence (quotes) or assumption (why it was chosen)."""

    evidence: list[Evidence] = Field(default_factory=list)
    assumption: str | None = None

    @field_validator("evidence", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    @property
    def traced(self) -> bool:
        return bool(self.evidence) or bool(self.assumption and self.assumption.strip())


def _wrap_value(data: Any) -> Any:
    if isinstance(data, dict) and "value" in data:
        return data
    if isinstance(data, dict) and not ({"evidence", "assumption"} & set(data)):
        return data  # let field validation report what is wrong
    if isinstance(data, dict):
        raise ValueError("a sourced value needs a 'value' key next to 'evidence'/'assumption'")
    return {"value": data}


class Number(_Traced):
    """A (possibly uncertain) number with its evidence or assumption.

    YAML: ``0.8``, ``[0.6, 0.8, 0.9]`` or ``{value: 0.8, evidence: {source: s1, quote: "..."}}``.
    """

    value: Quantity

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        return _wrap_value(data)


class Source(_Frozen):
    """A document the scenario's numbers come from."""

    id: Id
    title: str
    outlet: str | None = None
    author: str | None = None
    date: Date | None = None
    url: str | None = None
    file: str | None = Field(
        default=None, description="file name of the source text, for quote checking")


def draw_quantity(q: Quantity, n: int, rng: TriangularSource) -> NDArray[np.float64]:
    """``n`` draws of a quantity: its likely value when certain (no random number consumed),
    else :func:`draw_triangular` (low, likely, high) — the one way the house samples a
    ``[low, likely, high]`` range (DESIGN.md §3), for the deal tables and the war model."""
    import numpy as np

    if not q.uncertain:
        return np.full(n, q.likely, dtype=np.float64)
    return draw_triangular(q.low, q.likely, q.high, n, rng)

