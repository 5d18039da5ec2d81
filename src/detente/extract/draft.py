"""Drafts from extractions: a scenario YAML to review, and analyst signals for the event store.

Every drafted value carries the extracted quote as evidence (source = the article), and every
number the text does not give (capability, salience) carries an explicit assumption saying it is
a placeholder to set. With a case, the draft is the case plus the articles as sources, the
extracted quotes added as evidence to the matching stances, and new stances where the case has
none (only when the text names one of the issue's options).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.extract.article import MAX_BYTES, Article
from detente.extract.lexicon import lexicon
from detente.extract.schema import ArticleExtraction

if TYPE_CHECKING:  # pragma: no cover
    from detente.extract.run import ExtractionRecord

_PLACEHOLDER = "draft: not stated in the text; set it before analysis"

#: Signal kind → indicator of the ladder (docs/signals.md), for analyst evidence drafts.
INDICATOR = {"statement": "readiness-statement", "backchannel": "contact",
             "ceasefire": "ceasefire-declared", "prisoner_release": "release-of-detainees",
             "summit": "negotiation-round", "mediation": "mediation-offer",
             "escalation": "force", "other": "contact"}


def source_entries(articles: Sequence[Article]) -> list[dict[str, Any]]:
    """One scenario source per article (id ``art1``, ``art2`` …), file = the article's name."""
    out = []
    for i, a in enumerate(articles, start=1):
        entry: dict[str, Any] = {"id": f"art{i}", "title": a.title or Path(a.path).name,
                                 "file": Path(a.path).name}
        for key in ("outlet", "url"):
            if a.meta.get(key):
                entry[key] = a.meta[key]
        if a.date:
            entry["date"] = a.date
        out.append(entry)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "option"


def draft_scenario(articles: Sequence[Article], extractions: Sequence[ArticleExtraction],
                   date: dt.date | None = None) -> dict[str, Any]:
    """A new draft scenario (plain data, ready for ``yaml.safe_dump``)."""
    names = lexicon().names
    sources = source_entries(articles)
    actors: dict[str, dict[str, Any]] = {}
    issues: dict[str, dict[str, str]] = {}
    stances: dict[tuple[str, str], dict[str, Any]] = {}
    for src, ex in zip(sources, extractions, strict=True):
        for a in ex.actors:
            actors.setdefault(a.code, {
                "id": a.code, "name": names.get(a.code, a.code),
                "capability": {"value": 1, "assumption": _PLACEHOLDER},
                "description": f"named in {src['id']} as {a.quote!r}"})
        for p in ex.positions:
            option = _slug(p.position)
            issues.setdefault(p.issue, {})[option] = p.position
            st = stances.setdefault((p.actor, p.issue), {
                "actor": p.actor, "issue": p.issue, "ideal": {"value": option, "evidence": []},
                "salience": {"value": 0.5, "assumption": _PLACEHOLDER}})
            st["ideal"]["evidence"].append({"source": src["id"], "quote": p.quote})
    anchor = date or max((a.date for a in articles if a.date), default=dt.date.today())
    return {
        "id": "draft", "title": "Draft extracted from " + ", ".join(s["title"] for s in sources),
        "date": anchor, "sources": sources, "actors": list(actors.values()),
        "issues": [{"id": k, "name": k.replace("_", " "),
                    "options": [{"id": o, "label": lab} for o, lab in v.items()]
                    + ([{"id": "other", "label": "to review"}] if len(v) < 2 else [])}
                   for k, v in issues.items()],
        "stances": [s for s in stances.values() if s["actor"] in actors],
    }


def add_to_case(case: dict[str, Any], articles: Sequence[Article],
                extractions: Sequence[ArticleExtraction]) -> tuple[dict[str, Any], list[str]]:
    """The case's data with the articles as sources and the extracted quotes as evidence;
    returns the new data and notes on what could not be placed."""
    data = dict(case)
    known = {s["id"] for s in data.get("sources", [])}
    new_sources = []
    for s in source_entries(articles):
        while s["id"] in known:
            s["id"] += "x"
        known.add(s["id"])
        new_sources.append(s)
    data["sources"] = [*data.get("sources", []), *new_sources]
    issue_options = {i["id"]: {o["id"] for o in i.get("options") or []}
                     for i in data.get("issues", [])}
    actor_ids = {a["id"] for a in data.get("actors", [])}
    stances = [dict(s) for s in data.get("stances", [])]
    index = {(s["actor"], s["issue"]): s for s in stances}
    notes = []
    for src, ex in zip(new_sources, extractions, strict=True):
        for p in ex.positions:
            ev = {"source": src["id"], "quote": p.quote}
            if p.actor not in actor_ids or p.issue not in issue_options:
                notes.append(f"{src['id']}: position of {p.actor} on {p.issue} has no actor or "
                             "issue in the case")
                continue
            st = index.get((p.actor, p.issue))
            if st is not None and st.get("ideal") is not None:
                st["ideal"] = _with_evidence(st["ideal"], ev)
            elif st is None and p.position in issue_options[p.issue]:
                st = {"actor": p.actor, "issue": p.issue,
                      "ideal": {"value": p.position, "evidence": [ev]},
                      "salience": {"value": 0.5, "assumption": _PLACEHOLDER}}
                index[(p.actor, p.issue)] = st
                stances.append(st)
            else:
                notes.append(f"{src['id']}: no stance of {p.actor} on {p.issue} and the text "
                             "names none of its options")
    data["stances"] = stances
    return data, notes


def _with_evidence(ideal: Any, ev: dict[str, str]) -> dict[str, Any]:
    """An ideal (scalar or traced mapping) with one more piece of evidence."""
    out = dict(ideal) if isinstance(ideal, dict) else {"value": ideal}
    old = out.get("evidence") or []
    out["evidence"] = [*(old if isinstance(old, list) else [old]), ev]
    return out


def draft_signals(articles: Sequence[Article], extractions: Sequence[ArticleExtraction]
                  ) -> tuple[dict[str, Any], int]:
    """Analyst signals (``detente signals`` evidence YAML) for every signal with a day date;
    returns the data and how many signals were left out for lack of one."""
    names = lexicon().names
    sources = source_entries(articles)
    signals: list[dict[str, Any]] = []
    skipped = 0
    for src, ex in zip(sources, extractions, strict=True):
        for k, s in enumerate(ex.signals, start=1):
            if not s.date or not re.fullmatch(r"\d{4}-\d\d-\d\d", s.date):
                skipped += 1
                continue
            signals.append({"id": f"{src['id']}-{k}", "date": s.date, "actor": s.actor,
                            "indicator": INDICATOR[s.kind],
                            "summary": f"draft ({s.kind}): review the indicator",
                            "evidence": [{"source": src["id"], "quote": s.quote}]})
    used = sorted({str(s["actor"]) for s in signals})
    return {"sources": {s["id"]: {k: v for k, v in s.items() if k != "id"} for s in sources},
            "actors": {c: {"name": names.get(c, c),
                           "prior": {"kept": 0, "broken": 0, "assumption": _PLACEHOLDER}}
                       for c in used},
            "signals": signals}, skipped


@dataclass(frozen=True)
class Drafts:
    """What ``detente extract -o/--signals`` writes: the draft scenario and the analyst signals
    as YAML text (None: not asked for), with the notes of adding to a case and the counts."""

    scenario: str | None
    signals: str | None
    notes: list[str]
    n_signals: int
    skipped: int


def build_drafts(record: ExtractionRecord, files: Sequence[Path], *,
                 date: dt.date | None = None, case: str | None = None,
                 max_bytes: int = MAX_BYTES, scenario: bool = True,
                 signals: bool = True) -> Drafts:
    """The drafts of an extraction run (:func:`detente.extract.run.run_extract` over
    ``files``): with ``case`` (a bundled name or a scenario file) the case plus the articles'
    quotes (:func:`add_to_case`), else a new scenario (:func:`draft_scenario`); and the dated
    signals (:func:`draft_signals`). Articles in which nothing was found are left out."""
    from detente.extract.run import read_all

    articles, _ = read_all(files, date, max_bytes)
    got = {a.file: a for a in record.articles}
    articles = [a for a in articles if a.path in got and got[a.path].actors]
    extractions = [got[a.path] for a in articles]
    text: str | None = None
    notes: list[str] = []
    if scenario:
        if case:
            from detente.cases import case_path, is_bundled
            from detente.scenario.load import read_yaml

            path = case_path(case) if is_bundled(case) else Path(case)
            data, notes = add_to_case(read_yaml(path)[0], articles, extractions)
        else:
            data = draft_scenario(articles, extractions, date)
        text = dump_yaml(data)
    sig_text, n, skipped = None, 0, 0
    if signals:
        sig, skipped = draft_signals(articles, extractions)
        sig_text, n = dump_yaml(sig), len(sig["signals"])
    return Drafts(text, sig_text, list(notes), n, skipped)


def dump_yaml(data: object) -> str:
    """YAML without anchors and aliases (a reviewer reads every value where it stands)."""
    import yaml

    from detente.invisible import INVISIBLE
    from detente.records.output import SURROGATE

    class _NoAlias(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:
            return True

        def represent_str(self, data: str) -> yaml.ScalarNode:
            # an article's zero-width spaces and marks left out: scenario files refuse them
            # (detente.invisible) and the quote check ignores them in the source text; a byte
            # of a file name that is not UTF-8 as U+FFFD (YAML refuses the escape \uDCFF)
            return super().represent_str(SURROGATE.sub("\ufffd", INVISIBLE.sub("", data)))

    _NoAlias.add_representer(str, _NoAlias.represent_str)
    return yaml.dump(data, Dumper=_NoAlias, sort_keys=False, allow_unicode=True, width=100)
