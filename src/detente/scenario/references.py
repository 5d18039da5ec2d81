"""Cross-reference checks of a scenario: ids unique, every reference resolves, every choice is an
option of its issue. Returns problems as ``(path, message, value, allowed)`` tuples; the loader
adds file and line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from detente.scenario.model import Evidence, Issue, Scenario, Term, _Traced

Found = tuple[tuple[str | int, ...], str, Any, str | None]


def _allowed(ids: list[str], limit: int = 12) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f", … ({len(ids)} in all)" if len(ids) > limit else "")


def _duplicates(items: list[Any], where: str, key: str = "id") -> Iterator[Found]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            yield ((where, i, key), f"duplicate id (also at {where}[{seen[value]}])", value, None)
        else:
            seen[value] = i


def _choice_problem(issue: Issue, choice: str | float) -> tuple[str, str] | None:
    if issue.index_of(choice) is not None:
        return None
    if issue.grid is not None:
        g = issue.grid
        return (f"not a point of issue {issue.id!r}'s grid",
                f"{g.low:g} to {g.high:g} in steps of {g.step:g} {g.unit}")
    return (f"not an option of issue {issue.id!r}", _allowed(issue.option_ids()))


def _evidence(obj: Any, path: tuple[str | int, ...], sources: set[str]) -> Iterator[Found]:
    """Every evidence's source id must be declared under ``sources``."""
    if isinstance(obj, _Traced):
        for j, ev in enumerate(obj.evidence):
            if ev.source not in sources:
                yield (path + ("evidence", j, "source"), "unknown source id", ev.source,
                       _allowed(sorted(sources)) or "declare it under 'sources'")
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, Evidence):
                continue
            yield from _evidence(value, path + (name,), sources)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _evidence(item, path + (i,), sources)
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from _evidence(item, path + (k,), sources)


def check_war_references(case: Any) -> list[Found]:
    """Cross-reference problems of a standalone war case (a ``WarCase``): duplicate source ids
    and evidence citing a source that is not declared."""
    out = list(_duplicates(case.sources, "sources"))
    out += _evidence(case.war, ("war",), {src.id for src in case.sources})
    return out


def check_references(s: Scenario) -> list[Found]:
    """All cross-reference problems of a schema-valid scenario."""
    out: list[Found] = []
    out += _duplicates(s.sources, "sources")
    out += _duplicates(s.actors, "actors")
    out += _duplicates(s.issues, "issues")
    out += _duplicates(s.proposals, "proposals")
    for i, issue in enumerate(s.issues):
        if issue.options is not None:
            for p, msg, value, allowed in _duplicates(issue.options, "options"):
                out.append((("issues", i, *p), msg, value, allowed))
        if issue.default is not None and (bad := _choice_problem(issue, issue.default)):
            out.append((("issues", i, "default"), bad[0], issue.default, bad[1]))

    actor_ids = [a.id for a in s.actors]
    issues = {issue.id: issue for issue in s.issues}
    sources = {src.id for src in s.sources}

    for i, a in enumerate(s.actors):
        if a.parent is not None:
            if a.parent not in actor_ids:
                out.append((("actors", i, "parent"), "unknown actor id", a.parent,
                            _allowed(actor_ids)))
            elif a.parent == a.id:
                out.append((("actors", i, "parent"), "an actor cannot be its own parent",
                            a.parent, None))
        if a.batna is not None and a.batna.outcome is not None:
            out += _package(a.batna.outcome, issues, ("actors", i, "batna", "outcome"))
    out += _parent_cycles(s)
    for i, a in enumerate(s.actors):
        if a.role == "faction" and a.parent is None:
            out.append((("actors", i, "parent"), "a faction needs a parent (the state it "
                        "belongs to)", None, _allowed(actor_ids)))
        if a.ratification_weight is not None and a.parent is None:
            out.append((("actors", i, "ratification_weight"), "a ratification weight needs "
                        "a parent (the state whose deals the actor ratifies)", None,
                        "set 'parent' to a state's id"))
        if a.veto and a.batna is None and s.war is None:
            out.append((("actors", i, "veto"), f"veto player {a.id!r} has no BATNA (the "
                        "reservation value the ZOPA is measured against)", None,
                        "a 'batna' with evidence or an assumption, or a 'war' section "
                        "(then `detente analyze --batna war`)"))
        if a.ratification_weight is not None and a.batna is None:
            out.append((("actors", i, "batna"), "an actor that ratifies needs a BATNA (what it "
                        "compares a deal with)", None, None))
    out += _weightless_veto_players(s)

    seen_stance: dict[tuple[str, str], int] = {}
    for i, st in enumerate(s.stances):
        if st.actor not in actor_ids:
            out.append((("stances", i, "actor"), "unknown actor id", st.actor,
                        _allowed(actor_ids)))
        found = issues.get(st.issue)
        if found is None:
            out.append((("stances", i, "issue"), "unknown issue id", st.issue,
                        _allowed(list(issues))))
            continue
        issue = found
        key = (st.actor, st.issue)
        if key in seen_stance:
            out.append((("stances", i), f"duplicate stance of {st.actor!r} on {st.issue!r} "
                        f"(also at stances[{seen_stance[key]}])", None, None))
        seen_stance.setdefault(key, i)
        if st.ideal is not None:
            if issue.grid is not None:
                g = issue.grid
                try:
                    x = float(st.ideal.value)
                except ValueError:
                    x = float("nan")
                if not g.low <= x <= g.high:
                    out.append((("stances", i, "ideal"), f"ideal outside issue {issue.id!r}'s "
                                "range", st.ideal.value, f"{g.low:g} to {g.high:g} {g.unit}"))
            elif bad := _choice_problem(issue, st.ideal.value):
                out.append((("stances", i, "ideal"), bad[0], st.ideal.value, bad[1]))
        for key_opt in (st.values or {}):
            if issue.index_of(key_opt) is None:
                out.append((("stances", i, "values", key_opt), f"not an option of issue "
                            f"{issue.id!r}", key_opt, _allowed(issue.option_ids())))

    for i, prop in enumerate(s.proposals):
        if prop.by is not None and prop.by not in actor_ids:
            out.append((("proposals", i, "by"), "unknown actor id", prop.by, _allowed(actor_ids)))
        if prop.source is not None and prop.source not in sources:
            out.append((("proposals", i, "source"), "unknown source id", prop.source,
                        _allowed(sorted(sources))))
        out += _terms(prop.package, issues, ("proposals", i, "package"))
    proposal_ids = [p.id for p in s.proposals]
    for i, t in enumerate(s.calibration):
        if t.proposal not in proposal_ids:
            out.append((("calibration", i, "proposal"), "calibration target refers to an "
                        "unknown proposal", t.proposal, _allowed(proposal_ids)))
        if t.actor not in actor_ids:
            out.append((("calibration", i, "actor"), "calibration target refers to an unknown "
                        "actor", t.actor, _allowed(actor_ids)))
        elif s.actors[actor_ids.index(t.actor)].batna is None:
            out.append((("calibration", i, "actor"), "calibration target's actor has no BATNA, "
                        "so whether it accepts cannot be checked", t.actor, None))
    out += _evidence(s, (), sources)
    out += _war_guarantors(s, actor_ids, issues)
    out += _war_outcomes(s, actor_ids, issues)
    return out


def _weightless_veto_players(s: Scenario) -> list[Found]:
    """A veto player needs a stance with salience > 0 (at its high end): its utility weighs
    the issues by its saliences (``detente.deals.compile``), so with none it cares about no
    deal and the analysis cannot place it. Named at its first stance's salience, or at the
    actor when it has no stance."""
    out: list[Found] = []
    for i, a in enumerate(s.actors):
        if not a.veto:
            continue
        mine = [j for j, st in enumerate(s.stances) if st.actor == a.id]
        if any(s.stances[j].salience.value.high > 0 for j in mine):
            continue
        msg = (f"veto player {a.id!r} has no stance with salience > 0 (its utility weighs the "
               "issues by salience: with none it cares about no deal)")
        allowed = "a salience > 0 on at least one issue it cares about"
        if mine:
            first = mine[0]
            out.append((("stances", first, "salience"), msg,
                        s.stances[first].salience.value.likely, allowed))
        else:
            out.append((("actors", i, "veto"), msg, None, "a stance of this actor with " +
                        allowed[2:]))
    return out


def _war_guarantors(s: Scenario, actor_ids: list[str], issues: dict[str, Issue]) -> list[Found]:
    """The war section's guarantors are actors, and the options that bind them (and the
    ``guarantee_option``) are options of its ``guarantee_issue``."""
    war = s.war
    if war is None:
        return []
    out: list[Found] = []
    issue = issues.get(war.guarantee_issue)
    named = (bool(war.guarantee_option) or any(g.options for g in war.guarantors)
             or any(ph.guarantee_option for ph in war.phases))
    if issue is None and named:
        out.append((("war", "guarantee_issue"), "unknown issue id", war.guarantee_issue,
                    _allowed(list(issues))))
    for i, g in enumerate(war.guarantors):
        if g.actor not in actor_ids:
            out.append((("war", "guarantors", i, "actor"), "unknown actor id", g.actor,
                        _allowed(actor_ids)))
        for j, opt in enumerate(g.options or ()):
            if issue is not None and issue.index_of(opt) is None:
                out.append((("war", "guarantors", i, "options", j),
                            f"not an option of issue {issue.id!r}", opt,
                            _allowed(issue.option_ids())))
    chosen: list[tuple[tuple[str | int, ...], str | None]] = [
        (("war", "guarantee_option"), war.guarantee_option)] + [
        (("war", "phases", i, "guarantee_option"), ph.guarantee_option)
        for i, ph in enumerate(war.phases)]
    for path, chosen_opt in chosen:
        if chosen_opt and issue is not None and issue.index_of(chosen_opt) is None:
            out.append((path, f"not an option of issue {issue.id!r}", chosen_opt,
                        _allowed(issue.option_ids())))
    return out


def _war_outcomes(s: Scenario, actor_ids: list[str], issues: dict[str, Issue]) -> list[Found]:
    """What winning means (``war.outcomes``): its sides are actors and each side's win is a
    complete package of the issues' options (``window`` and ``--batna war`` read them; ``check``
    used to pass a package holding ``army: .inf``)."""
    won = s.war.outcomes if s.war is not None else None
    if won is None:
        return []
    out: list[Found] = [(("war", "outcomes", "sides", a), "unknown actor id", a,
                         _allowed(actor_ids)) for a in won.sides if a not in actor_ids]
    for side in ("a_wins", "b_wins"):
        out += _package(dict(getattr(won, side)), issues, ("war", "outcomes", side))
    return out


def _package(package: dict[str, str | float], issues: dict[str, Issue],
             path: tuple[str | int, ...]) -> list[Found]:
    """An outcome package (a BATNA outcome): one option for every issue."""
    out: list[Found] = []
    for issue_id, value in package.items():
        issue = issues.get(issue_id)
        if issue is None:
            out.append((path + (issue_id,), "unknown issue id", issue_id, _allowed(list(issues))))
        elif bad := _choice_problem(issue, value):
            out.append((path + (issue_id,), bad[0], value, bad[1]))
    missing = [k for k in issues if k not in package]
    if missing:
        out.append((path, "an outcome package must name an option for every issue",
                    ", ".join(missing), "one option per issue"))
    return out


def _terms(package: dict[str, Term], issues: dict[str, Issue],
           path: tuple[str | int, ...]) -> list[Found]:
    """A proposal's terms: each an option of its issue, or OPEN (over options of its issue)."""
    out: list[Found] = []
    for issue_id, term in package.items():
        issue = issues.get(issue_id)
        if issue is None:
            out.append((path + (issue_id,), "unknown issue id", issue_id, _allowed(list(issues))))
            continue
        if term.value is not None and (bad := _choice_problem(issue, term.value)):
            out.append((path + (issue_id,), bad[0], term.value, bad[1]))
        if isinstance(term.open, list):
            for j, opt in enumerate(term.open):
                if bad := _choice_problem(issue, opt):
                    out.append((path + (issue_id, "open", j), bad[0], opt, bad[1]))
    return out


def _parent_cycles(s: Scenario) -> list[Found]:
    parent = {a.id: a.parent for a in s.actors}
    out: list[Found] = []
    for i, a in enumerate(s.actors):
        if a.parent is None or a.parent == a.id:
            continue
        seen: set[str] = set()
        p: str | None = a.parent
        while p is not None and p not in seen:
            if p == a.id:
                out.append((("actors", i, "parent"), "faction parents form a cycle", a.parent,
                            None))
                break
            seen.add(p)
            p = parent.get(p)
    return out
