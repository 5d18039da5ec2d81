"""Checking a scenario file (``detente check``): it loads and validates (every reference,
every veto player's BATNA), what is untraced, and, given the source texts, whether every quote
is an exact substring of its source. The result is a typed record; :meth:`ScenarioCheck.raise_`
turns its problems into one :class:`~detente.errors.ScenarioError`."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import ConfigDict, PrivateAttr

from detente.errors import Problem, ScenarioError
from detente.records import Provenance, inputs_hash, make_provenance
from detente.records.base import Record


class ScenarioCheck(Record):
    """What ``detente check`` found: counts, notes, untraced values, quotes, problems."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "problems"

    provenance: Provenance
    file: str
    title: str
    actors: int
    veto_players: int
    issues: int
    stances: int
    proposals: int
    outcomes: int
    notes: list[str]
    untraced: list[str]
    quotes_checked: int | None = None
    quotes_found: int | None = None
    problems: list[dict[str, str | None]]
    _problems: list[Problem] = PrivateAttr(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when nothing failed (with ``strict``, untraced values fail)."""
        return not self.problems

    def raise_(self) -> None:
        """Raise the problems found as one :class:`ScenarioError` (nothing when valid)."""
        if self._problems:
            raise ScenarioError(self._problems)


def check_scenario(file: str | Path, *, sources: str | Path | None = None,
                   strict: bool = False) -> ScenarioCheck:
    """Check the scenario ``file`` (or a bundled case name). A file that does not load raises
    :class:`ScenarioError` at once (file, line, field); untraced values are problems with
    ``strict``, notes otherwise; ``sources`` (a folder of source texts, or ``"bundled"`` for the
    excerpts shipped with the package) checks every quote."""
    from detente.limits import MAX_OUTCOMES
    from detente.scenario import load
    from detente.scenario.evidence import check_quotes, iter_untraced

    name = str(file)
    s = load(name)
    notes = [f"issues[{k}].default ({issue.id}) is deprecated and ignored: a proposal silent "
             "on an issue leaves that term open" for k, issue in enumerate(s.issues)
             if issue.default is not None]
    if s.outcome_count() > MAX_OUTCOMES:
        notes.append("more than 2^63 − 1 outcomes: `detente analyze` will refuse this space "
                     "(docs/limits.md)")
    untraced = list(iter_untraced(s))
    problems: list[Problem] = []
    if untraced and strict:
        problems += [Problem("value has neither evidence nor an assumption", file=name, path=p)
                     for p in untraced]
    elif untraced:
        notes.append(f"{len(untraced)} values carry neither evidence nor an assumption (use "
                     "--strict to require them)")
    checked = found = None
    folder = None
    if sources is not None:
        if str(sources) == "bundled":
            from detente.cases import sources_dir

            folder = sources_dir()
        else:
            folder = Path(sources)
        if not folder.is_dir():
            raise ScenarioError.one("sources folder not found", file=str(sources))
        results = check_quotes(s, folder)
        bad = [r for r in results if not r.found]
        checked, found = len(results), len(results) - len(bad)
        problems += [Problem(f"{r.reason}: {r.quote[:80]!r}", file=name, path=r.path)
                     for r in bad]
    options = {"strict": strict, "sources": None if sources is None else str(sources)}
    prov = make_provenance("check", [name], inputs_hash(s, options), options, None)
    record = ScenarioCheck(
        provenance=prov, file=name, title=s.title, actors=len(s.actors),
        veto_players=len(s.veto_players), issues=len(s.issues), stances=len(s.stances),
        proposals=len(s.proposals), outcomes=s.outcome_count(), notes=notes,
        untraced=untraced, quotes_checked=checked, quotes_found=found,
        problems=[{"path": p.path, "message": p.message} for p in problems])
    record._problems = problems
    return record
