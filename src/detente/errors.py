"""Errors a person can act on.

Every user-facing failure is a :class:`DetenteError` carrying where it happened (file, line,
field path), the bad value and what is allowed. The CLI prints ``str(error)`` and exits non-zero;
it never shows a traceback for these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None
    value: object = None
    allowed: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            where.append(_visible(loc, keep=""))
        if self.path:
            where.append(_visible(self.path, keep=""))
        head = ": ".join(where)
        message = _visible(self.message)
        text = f"{head}: {message}" if head else message
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text


def _visible(text: str, keep: str = "\n\t") -> str:
    """``text`` with every character that prints as nothing or moves other text — zero-width
    spaces, right-to-left overrides, control characters, non-breaking spaces — escaped as
    Python writes them (``\\u200b``, ``\\n``): a key ``title\\u200b`` looked exactly like
    ``title``, an override reordered the rest of the line. ``keep``: characters left as they
    are."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


@dataclass
class DetenteError(Exception):
    """An input or request the toolkit cannot use; holds one or more :class:`Problem`."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def one(cls, message: str, **where: object) -> DetenteError:
        return cls([Problem(message, **where)])  # type: ignore[arg-type]

    def with_file(self, file: str | None) -> DetenteError:
        """The same error with ``file`` filled in where a problem names no file."""
        if not file:
            return self
        return type(self)([p if p.file else replace(p, file=file) for p in self.problems])

    def with_path(self, old: str, new: str) -> DetenteError:
        """The same error with the field path ``old`` named ``new`` (a library function names
        its own option, e.g. ``--data``; a command that passes it another option's value
        names that option)."""
        return type(self)([replace(p, path=new) if p.path == old else p for p in self.problems])

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ScenarioError(DetenteError):
    """A scenario file that cannot be read or fails validation."""


class AnalysisError(DetenteError):
    """An analysis that cannot run on the given (valid) inputs, e.g. an empty outcome space."""
