"""One extraction run over several files: the library function behind ``detente extract``.

Each file is read and extracted on its own: a file that cannot be read (empty, binary, not
UTF-8, too large) or in which no actor is recognised gets one message and the others go on.
The record carries the inputs' hash, the options and the version.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field

from detente.errors import DetenteError
from detente.extract.article import (
    MAX_BYTES,
    Article,
    invisible_note,
    read_article,
    unended_header,
)
from detente.extract.schema import ArticleExtraction
from detente.extract.verify import quote_problems
from detente.extract.vocabulary import IssueTerms
from detente.records.base import Record
from detente.records.provenance import Provenance, inputs_hash, make_provenance


class Extractor(Protocol):
    """What every extractor offers: a name and a batch ``extract_many``."""

    name: str

    def extract_many(self, articles: Sequence[Article],
                     issues: dict[str, IssueTerms] | None = None) -> list[ArticleExtraction]:
        ...


#: The extractors ``detente extract --extractor`` offers, and the default. The default is the
#: decision of protocol §9 (docs/extraction-evaluation.md §9.1): the learned extractor, whose
#: pooled leave-one-part-out signal F1 beat the rules' and which lost on neither dev5 nor
#: locked4.
EXTRACTORS = ("rules", "learned", "llm")
DEFAULT_EXTRACTOR = "learned"


def make_extractor(name: str = DEFAULT_EXTRACTOR, stance: str | None = None) -> Extractor:
    """The extractor called ``name``, its stance by ``stance`` (``cues`` or ``model``; default
    :data:`detente.extract.stance_model.DEFAULT_STANCE`; the language model gives its own
    stance); an unknown name is one clear error."""
    if name not in EXTRACTORS:
        raise DetenteError.one("unknown extractor", path="--extractor", value=name,
                               allowed=", ".join(EXTRACTORS))
    from detente.extract.stance_model import DEFAULT_STANCE, check_method

    method = check_method(stance or DEFAULT_STANCE)
    if name == "llm":
        if stance is not None:
            raise DetenteError.one("--stance applies to the rules and learned extractors",
                                   path="--stance", value=stance,
                                   allowed="--extractor rules or learned with --stance; "
                                   "no --stance with the language model")
        from detente.extract.llm import LLMExtractor

        return LLMExtractor.from_env()
    if name == "learned":
        from detente.extract.learned import LearnedExtractor

        return LearnedExtractor(stance=method)
    from detente.extract.rules import RuleExtractor

    return RuleExtractor(method)


class FileProblem(BaseModel):
    """A file that gave nothing, and why."""

    model_config = ConfigDict(frozen=True)

    file: str
    message: str


class ExtractionRecord(Record):
    """The record of one run: per-article extractions, per-file problems, provenance."""

    model_config = ConfigDict(frozen=True)
    frame_field: ClassVar[str | None] = "articles"

    articles: list[ArticleExtraction] = Field(default_factory=list)
    problems: list[FileProblem] = Field(default_factory=list)
    provenance: Provenance

    @property
    def extracted_anything(self) -> bool:
        return any(a.actors or a.signals for a in self.articles)


def read_all(files: Sequence[Path], date: dt.date | None, max_bytes: int = MAX_BYTES
             ) -> tuple[list[Article], list[FileProblem]]:
    """Read every file; unreadable ones become problems, the rest articles."""
    articles, problems = [], []
    seen: set[Path] = set()
    for f in files:
        real = Path(os.path.realpath(f))
        if real in seen:  # the same article twice would count every item twice
            problems.append(FileProblem(file=str(f), message="given more than once; read once"))
            continue
        seen.add(real)
        try:
            articles.append(read_article(f, date, max_bytes))
        except DetenteError as exc:
            problems.append(FileProblem(file=str(f), message=str(exc)))
            continue
        for note in (unended_header(articles[-1]), invisible_note(articles[-1])):
            if note:
                problems.append(FileProblem(file=str(f), message=note))
    return articles, problems


def run_extract(files: Sequence[Path], extractor: Extractor, *, date: dt.date | None = None,
                issues: dict[str, IssueTerms] | None = None, case: str | None = None,
                max_bytes: int = MAX_BYTES,
                progress: Callable[[int, int], None] | None = None) -> ExtractionRecord:
    """Read and extract ``files``; quotes are checked against each body before returning."""
    articles, problems = read_all(files, date, max_bytes)
    out: list[ArticleExtraction] = []
    for i, article in enumerate(articles):
        got = extractor.extract_many([article], issues)[0]
        bad = quote_problems(article.body, got)
        if bad:  # an extractor bug or a model's invention: reported, never repaired
            got = got.model_copy(update={"warnings": [*got.warnings, *bad]})
        if not got.actors:
            problems.append(FileProblem(file=article.path,
                                        message="no recognisable actor in the text"))
        out.append(got)
        if progress:
            progress(i + 1, len(articles))
    options: dict[str, Any] = {"extractor": extractor.name,
                               "date": date.isoformat() if date else None, "case": case,
                               "max_bytes": max_bytes}
    digest = inputs_hash(*[a.body for a in articles], options)
    prov = make_provenance("extract", [a.path for a in articles], digest, options, None)
    return ExtractionRecord(articles=out, problems=problems, provenance=prov)
