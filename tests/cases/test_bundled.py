"""Contract of the bundled Russia–Ukraine cases: they load, every value is traced to a quote or an
assumption, quotes are short and exact excerpts of the seed articles, the outcome space stays
small enough to enumerate, and the cases share issue ids so they compare across dates."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from detente.cases import case_names, case_path, cited_quotes, sources_dir
from detente.scenario import Scenario, load_file
from detente.scenario.evidence import (
    check_quotes,
    iter_evidence,
    iter_untraced,
    normalise,
    quoted_spans,
)
from shared_data import SEEDS, need_shared

EXCERPTS = sources_dir()
MAX_QUOTE = 200
MAX_OUTCOMES = 300_000
#: "News: short excerpts only": a shipped excerpt holds at most this share of its article's
#: words (the share of a review quoting a few sentences of a column), every seed included: the
#: cases quote only the words a value needs (every cited quote must ship).
MAX_SHARE = 0.25
RU_UA = [n for n in case_names() if n.startswith("ru-ua-")]
REQUIRED_ISSUES = {"nato", "eu", "guarantees", "crimea", "donbas", "south", "army", "language",
                   "sanctions", "accountability", "bases_wmd"}
# Earliest publication date each seed's text allows (its latest dated event); a case must not
# quote a source published after the date it describes.
SEED_EARLIEST = {
    "000_e71a9ef3079067d3.txt": dt.date(2024, 9, 24),
    "001_d0665d34aa104011.txt": dt.date(2022, 3, 29),
    "002_16506607363ae513.txt": dt.date(2024, 5, 24),
    "003_005434a369a56622.txt": dt.date(2024, 2, 26),
    "004_9846664104160aeb.txt": dt.date(2022, 11, 9),
}


@cache
def _load(name: str) -> Scenario:
    return load_file(case_path(name))


def test_at_least_the_two_required_cases_are_bundled() -> None:
    assert {"ru-ua-2022-03", "ru-ua-2024-09"} <= set(RU_UA)


@pytest.mark.parametrize("name", RU_UA)
def test_case_loads_and_is_named_after_its_file(name: str) -> None:
    s = _load(name)
    assert s.id == name
    assert s.date.strftime("%Y-%m") == name.removeprefix("ru-ua-")


@pytest.mark.parametrize("name", RU_UA)
def test_every_value_is_traced(name: str) -> None:
    assert list(iter_untraced(_load(name))) == []


@pytest.mark.parametrize("name", RU_UA)
def test_quotes_are_short(name: str) -> None:
    long = [(path, len(ev.quote)) for path, ev in iter_evidence(_load(name))
            if len(ev.quote) > MAX_QUOTE]
    assert long == []


@pytest.mark.parametrize("name", RU_UA)
def test_quotes_are_exact_excerpts_of_the_shipped_sources(name: str) -> None:
    """Runs from a fresh clone: the excerpts the cases quote ship inside the package."""
    bad = [(c.path, c.quote, c.reason) for c in check_quotes(_load(name), EXCERPTS)
           if not c.found]
    assert bad == []


def _excerpt(path: Path) -> tuple[dict[str, str], list[str]]:
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    return meta, [p for p in body.split("\n\n") if p.strip()]


@pytest.mark.parametrize("file", sorted(SEED_EARLIEST))
def test_shipped_seed_excerpts_are_exact_parts_of_the_seeds(file: str) -> None:
    need_shared(SEEDS, "the seed articles are copyrighted news: only cited excerpts ship")
    text = normalise((SEEDS / file).read_text(encoding="utf-8"))
    meta, paragraphs = _excerpt(EXCERPTS / file)
    assert meta["title"] != "unknown"
    assert int(meta["article_words"]) == len(text.split())
    for p in paragraphs:
        assert normalise(p) in text, p[:80]


def test_shipped_excerpts_hold_the_cited_quotes_and_nothing_else() -> None:
    """Each shipped source is exactly the passages its cited quotes cover (overlapping quotes
    merged), so no sentence ships that no case cites; every shipped file is cited."""
    cited = cited_quotes()
    files = {f.name for f in EXCERPTS.glob("*.txt")}
    assert files == set(cited), files ^ set(cited)
    for name in sorted(files):
        _, paragraphs = _excerpt(EXCERPTS / name)
        body = "\n\n".join(paragraphs)
        assert [normalise(p) for p in paragraphs] == quoted_spans(body, cited[name]), name


def _share(name: str) -> float:
    meta, paragraphs = _excerpt(EXCERPTS / name)
    return sum(len(p.split()) for p in paragraphs) / int(meta["article_words"])


@pytest.mark.parametrize("file", sorted(SEED_EARLIEST))
def test_shipped_excerpt_is_a_short_share_of_its_article(file: str) -> None:
    """Runs without the seeds: the header records the article's length (checked against the
    seed above when it is present)."""
    share = _share(file)
    assert share <= MAX_SHARE, (file, round(share, 3))


def test_every_shipped_excerpt_is_cited() -> None:
    """Each excerpt file names its title, outlet, date and URL (or says they are unknown)."""
    files = sorted(EXCERPTS.glob("*.txt"))
    assert len(files) >= 5
    for f in files:
        meta, paragraphs = _excerpt(f)
        assert {"title", "outlet", "date", "url"} <= set(meta), f.name
        assert paragraphs, f.name


@pytest.mark.parametrize("name", RU_UA)
def test_sources_do_not_postdate_the_case(name: str) -> None:
    s = _load(name)
    assert s.sources
    for src in s.sources:
        assert src.file is not None and (EXCERPTS / src.file).is_file(), src.id
        published = SEED_EARLIEST.get(src.file, src.date)
        assert published is not None, src.id
        assert published <= s.date, (src.id, src.file)


@pytest.mark.parametrize("name", RU_UA)
def test_outcome_space_is_bounded(name: str) -> None:
    assert 1 < _load(name).outcome_count() <= MAX_OUTCOMES


def test_issue_ids_and_options_agree_across_cases() -> None:
    cases = [_load(n) for n in RU_UA]
    first = cases[0]
    assert {i.id for i in first.issues} == REQUIRED_ISSUES
    for s in cases[1:]:
        assert [i.id for i in s.issues] == [i.id for i in first.issues], s.id
        for a, b in zip(first.issues, s.issues, strict=True):
            assert a.option_ids() == b.option_ids(), (s.id, a.id)
            assert a.positions() == b.positions(), (s.id, a.id)


@pytest.mark.parametrize("name", RU_UA)
def test_actors_the_seeds_name_are_present(name: str) -> None:
    s = _load(name)
    ids = {a.id: a for a in s.actors}
    for veto in ("RUS", "UKR", "USA", "EUR"):
        assert ids[veto].veto, veto
        assert ids[veto].batna is not None, veto
    assert ids["RUS_HARD"].parent == "RUS" and ids["RUS_HARD"].role == "faction"
    assert ids["RUS_PUB"].parent == "RUS" and ids["RUS_PUB"].role == "public"
    assert ids["UKR_PUB"].parent == "UKR" and ids["UKR_PUB"].role == "public"
    assert ids["TUR"].role == "mediator"
    assert {"CHN", "GUAR"} <= set(ids)


@pytest.mark.parametrize("name", RU_UA)
def test_every_stance_of_a_veto_player_covers_the_issues_it_needs(name: str) -> None:
    """Each belligerent has a stance on every issue (a package touches them all)."""
    s = _load(name)
    for actor in ("RUS", "UKR"):
        assert {st.issue for st in s.stances if st.actor == actor} == REQUIRED_ISSUES, actor


@pytest.mark.parametrize("name", RU_UA)
def test_proposals_are_dated_sourced_and_not_after_the_case(name: str) -> None:
    """A case describes one round and its immediate aftermath (e.g. Kadyrov's rebuke the day
    after Istanbul): no proposal may be dated more than a week after the case."""
    s = _load(name)
    assert len(s.proposals) >= 3
    for p in s.proposals:
        assert p.source is not None and p.evidence, p.id
        assert p.date is not None, p.id
        assert p.date <= s.date + dt.timedelta(days=7), p.id


@pytest.mark.parametrize("name", RU_UA)
def test_every_proposal_term_is_written_and_every_decided_term_quoted(name: str) -> None:
    """Proposals as written: no term is left to a default. Every issue is named in every
    package; a decided term carries a quote of the text; an open term says why (a quote or an
    assumption)."""
    s = _load(name)
    assert all(i.default is None for i in s.issues)
    for p in s.proposals:
        for issue in s.issues:
            term = p.package.get(issue.id)
            assert term is not None, (p.id, issue.id)
            if term.is_open:
                assert term.traced, (p.id, issue.id)
            else:
                assert term.evidence, (p.id, issue.id, term.value)
