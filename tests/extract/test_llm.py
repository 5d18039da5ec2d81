"""The LLM extractor, replayed: validation, the quote check and one retry, no network."""

from __future__ import annotations

import json
from typing import Any

import pytest

from detente.errors import DetenteError
from detente.extract.article import read_article
from detente.extract.llm import LLMExtractor
from detente.extract.verify import quote_problems

from .conftest import DATA

ANSWERS = json.loads((DATA.parents[1] / "extract" / "recorded" / "answers.json")
                     .read_text(encoding="utf-8"))


class Replay:
    """A transport that returns recorded answers in order and keeps the requests."""

    def __init__(self, answers: list[dict[str, Any]]) -> None:
        self.answers, self.requests = list(answers), []

    def __call__(self, url: str, headers: dict[str, str], payload: dict[str, Any]
                 ) -> dict[str, Any]:
        self.requests.append((url, headers, payload))
        return self.answers.pop(0)


def test_openai_answer_validated_and_retried_once() -> None:
    article = read_article(DATA / "dev" / "01.txt")
    replay = Replay(ANSWERS["openai"])
    ex = LLMExtractor("http://127.0.0.1:9/v1", "m", key="k", transport=replay,
                      retries=1).extract_many([article])[0]
    assert len(replay.requests) == 2  # the paraphrased quote was sent back once
    url, headers, payload = replay.requests[1]
    assert url.endswith("/chat/completions") and headers["Authorization"] == "Bearer k"
    assert "quote not in the article" in payload["messages"][-1]["content"]
    assert [a.code for a in ex.actors] == ["RUS", "UKR", "TUR"]
    assert {(s.actor, s.kind) for s in ex.signals} == {("RUS", "summit"),
                                                        ("RUS", "prisoner_release")}
    assert any("negotiation" in w for w in ex.warnings)  # unknown kind dropped, reported
    assert quote_problems(article.body, ex) == []
    assert [(p.actor, p.issue) for p in ex.positions] == [("RUS", "talks")]


def test_anthropic_shape() -> None:
    article = read_article(DATA / "dev" / "01.txt")
    replay = Replay(ANSWERS["anthropic"])
    ex = LLMExtractor("http://127.0.0.1:9", "m", api="anthropic", key="k", transport=replay,
                      retries=0).extract_many([article])[0]
    url, headers, payload = replay.requests[0]
    assert url.endswith("/v1/messages") and headers["x-api-key"] == "k"
    assert payload["system"].startswith("You extract")
    assert len(ex.signals) == 2 and ex.stance == "neutral_report"


def test_not_configured_is_a_clear_error() -> None:
    with pytest.raises(DetenteError, match="DETENTE_LLM_URL"):
        LLMExtractor.from_env({})
    with pytest.raises(DetenteError, match="unknown LLM API"):
        LLMExtractor("u", "m", api="gopher")


def test_answer_without_json_keeps_nothing() -> None:
    article = read_article(DATA / "dev" / "01.txt")
    replay = Replay([{"choices": [{"message": {"content": "I cannot help."}}]}])
    ex = LLMExtractor("u", "m", transport=replay, retries=0).extract_many([article])[0]
    assert ex.signals == [] and ex.warnings == ["answer: no JSON object in the answer"]
