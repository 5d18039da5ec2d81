"""An optional extractor behind the same interface: a language model the user configures.

The model (an OpenAI-compatible ``/chat/completions`` endpoint or Anthropic's ``/v1/messages``)
is asked for the extraction schema as JSON. Its answer is validated: unknown actor codes,
signal kinds or stances are dropped with a warning, and every quote must be an exact substring
of the article body (the same check as the rule extractor's). Items that fail are listed back to
the model, which is asked once more (``retries`` times at most); what still fails is dropped and
reported, never repaired. Nothing here runs unless the user passes ``--llm``; the tests replay
recorded answers through ``transport`` and make no network call.

Configuration (environment): ``DETENTE_LLM_URL`` (base URL), ``DETENTE_LLM_MODEL``,
``DETENTE_LLM_API`` (``openai`` or ``anthropic``), and the key in ``DETENTE_LLM_KEY``.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from detente.errors import DetenteError
from detente.extract.article import Article
from detente.extract.lexicon import lexicon
from detente.extract.schema import (
    SIGNAL_KINDS,
    STANCES,
    ActorMention,
    ArticleExtraction,
    Position,
    Proposal,
    Signal,
)
from detente.extract.verify import find_span
from detente.extract.vocabulary import IssueTerms, default_issues

Transport = Callable[[str, dict[str, str], dict[str, Any]], dict[str, Any]]

_PROMPT = """You extract structured data from one news article or opinion piece about war \
termination. Answer with one JSON object only, with keys: "actors" (list of codes), \
"positions" (list of {{"actor","issue","position","quote"}}), "proposals" (list of \
{{"name","by","quote"}}), "signals" (list of {{"actor","kind","date","quote"}}), "stance".
Actor codes: {codes}. Map people and institutions to their state (Putin, Peskov -> RUS).
Signal kinds: {kinds}. A signal is an act or statement reported as having happened, not a \
recommendation. Dates ISO (YYYY-MM-DD or YYYY-MM) or null; the article is dated {date}.
Issues: {issues}. Stance: one of {stances}.
Every "quote" MUST be copied exactly, character for character, from the article."""


def _http(url: str, headers: dict[str, str], payload: dict[str, Any]) -> dict[str, Any]:
    """POST ``payload`` to ``url``; a URL that is none, a server that does not answer or
    answers with no JSON object is one :class:`DetenteError` naming ``DETENTE_LLM_URL`` (they
    were tracebacks: ``unknown url type``, ``Connection refused``)."""
    try:
        req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"),
                                     headers={"Content-Type": "application/json", **headers})
        with urllib.request.urlopen(req, timeout=120) as resp:
            got = json.loads(resp.read().decode("utf-8"))
    except (ValueError, OSError, http.client.HTTPException) as exc:  # URLError is an OSError
        raise DetenteError.one(f"cannot use the language model's service: {exc}",
                               path="DETENTE_LLM_URL", value=url,
                               allowed="the http(s) address of a running OpenAI- or "
                               "Anthropic-compatible service that answers in JSON") from exc
    if not isinstance(got, dict):
        raise DetenteError.one("the language model's service did not answer with a JSON "
                               "object", path="DETENTE_LLM_URL", value=url,
                               allowed="an OpenAI- or Anthropic-compatible service")
    return got


class LLMExtractor:
    """Extraction by a configured language model, validated and quote-checked."""

    name = "llm"

    def __init__(self, url: str, model: str, api: str = "openai", key: str | None = None,
                 transport: Transport | None = None, retries: int = 1) -> None:
        if api not in ("openai", "anthropic"):
            raise DetenteError.one("unknown LLM API", path="DETENTE_LLM_API", value=api,
                                   allowed="openai, anthropic")
        self.url, self.model, self.api, self.key = url.rstrip("/"), model, api, key
        self.transport = transport or _http
        self.retries = retries

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMExtractor:
        """Configured from ``DETENTE_LLM_*``; a missing URL or model is a clear error."""
        env = os.environ if env is None else env
        missing = [k for k in ("DETENTE_LLM_URL", "DETENTE_LLM_MODEL") if not env.get(k)]
        if missing:
            raise DetenteError.one("the LLM extractor is not configured", path=missing[0],
                                   allowed="set DETENTE_LLM_URL and DETENTE_LLM_MODEL "
                                   "(and DETENTE_LLM_KEY, DETENTE_LLM_API)")
        if not env["DETENTE_LLM_URL"].lower().startswith(("http://", "https://")):
            raise DetenteError.one("not a web address", path="DETENTE_LLM_URL",
                                   value=env["DETENTE_LLM_URL"],
                                   allowed="an http:// or https:// address of the service")
        return cls(env["DETENTE_LLM_URL"], env["DETENTE_LLM_MODEL"],
                   env.get("DETENTE_LLM_API", "openai"), env.get("DETENTE_LLM_KEY"))

    # -- one call -----------------------------------------------------------------------------
    def _ask(self, messages: list[dict[str, str]], system: str) -> str:
        if self.api == "anthropic":
            headers = {"anthropic-version": "2023-06-01", **({"x-api-key": self.key}
                                                            if self.key else {})}
            got = self.transport(f"{self.url}/v1/messages", headers,
                                 {"model": self.model, "max_tokens": 4096, "system": system,
                                  "messages": messages})
            content = got.get("content")
            if not isinstance(content, list):
                raise DetenteError.one("the language model's answer has no content list (got "
                                       f"{str(got)[:200]!r})", path="DETENTE_LLM_URL",
                                       value=self.url, allowed="an Anthropic-compatible "
                                       "service, or DETENTE_LLM_API=openai")
            return "".join(str(part.get("text", "")) for part in content
                           if isinstance(part, dict))
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        got = self.transport(f"{self.url}/chat/completions", headers,
                             {"model": self.model, "temperature": 0,
                              "messages": [{"role": "system", "content": system}, *messages]})
        try:
            return str(got["choices"][0]["message"]["content"])
        except (KeyError, IndexError, TypeError) as exc:  # an error body, another API
            raise DetenteError.one("the language model's answer has no choices[0].message."
                                   f"content (got {str(got)[:200]!r})", path="DETENTE_LLM_URL",
                                   value=self.url, allowed="an OpenAI-compatible service, or "
                                   "DETENTE_LLM_API=anthropic for Anthropic's") from exc

    def extract_many(self, articles: Sequence[Article],
                     issues: Mapping[str, IssueTerms] | None = None) -> list[ArticleExtraction]:
        """Extract each article with the model (one conversation per article)."""
        vocab = list((issues if issues is not None else default_issues()).keys())
        return [self._one(a, vocab) for a in articles]

    def _one(self, article: Article, issues: list[str]) -> ArticleExtraction:
        system = _PROMPT.format(codes=", ".join(lexicon().names), kinds=", ".join(SIGNAL_KINDS),
                                date=article.date or "unknown", issues=", ".join(issues),
                                stances=", ".join(STANCES))
        messages = [{"role": "user", "content": article.body}]
        warnings: list[str] = []
        result = ArticleExtraction(file=article.path, title=article.title, extractor=self.name,
                                   date=article.date.isoformat() if article.date else None)
        for attempt in range(self.retries + 1):
            answer = self._ask(messages, system)
            result, bad = _validate(answer, article, result)
            if not bad or attempt == self.retries:
                warnings += bad
                break
            messages += [{"role": "assistant", "content": answer},
                         {"role": "user", "content": "These items are invalid; answer again "
                          "with the whole JSON, quotes copied exactly:\n" + "\n".join(bad)}]
        return result.model_copy(update={"warnings": warnings})


def _json_object(answer: str) -> dict[str, Any]:
    m = re.search(r"\{.*\}", answer, re.DOTALL)
    if not m:
        raise ValueError("no JSON object in the answer")
    data = json.loads(m.group(0))
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    return data


def _validate(answer: str, article: Article, previous: ArticleExtraction
              ) -> tuple[ArticleExtraction, list[str]]:
    """Parse, check codes and quotes; return the extraction and one line per rejected item."""
    try:
        data = _json_object(answer)
    except ValueError as exc:
        return previous, [f"answer: {exc}"]
    body, names, bad = article.body, lexicon().names, []

    def quoted(kind: type, raw: Any) -> Any | None:
        if not isinstance(raw, dict):
            bad.append(f"{kind.__name__}: not an object: {raw!r}"[:200])
            return None
        if kind is Signal and raw.get("kind") not in SIGNAL_KINDS:
            bad.append(f"Signal: unknown kind {raw.get('kind')!r}; allowed: "
                       + ", ".join(SIGNAL_KINDS))
            return None
        span = find_span(body, str(raw.get("quote", "")))
        if span is None:
            bad.append(f"{kind.__name__}: quote not in the article: {raw.get('quote')!r}"[:200])
            return None
        try:
            return kind(**{**raw, "start": span[0], "end": span[1]})
        except (ValidationError, TypeError) as exc:
            bad.append(f"{kind.__name__}: {exc}"[:200])
            return None

    actors = []
    for k in ("actors", "positions", "proposals", "signals"):
        if not isinstance(data.get(k, []), list):  # a number here was a TypeError
            bad.append(f"{k}: not a list: {data[k]!r}"[:200])
            data[k] = []
    for code in data.get("actors", []):
        code = code.get("code") if isinstance(code, dict) else code
        if not isinstance(code, str) or code not in names:
            bad.append(f"actor: unknown code {code!r}")
            continue
        hits = [m for p, c, _ in lexicon().gazetteer if c == code
                 for m in [re.search(rf"\b{re.escape(p)}\b", body)] if m]
        if not hits:
            bad.append(f"actor: {code} is not named in the article")
            continue
        first = min(hits, key=lambda m: m.start())
        actors.append(ActorMention(code=code, name=names[code], quote=first.group(0),
                                   start=first.start(), end=first.end()))
    items = {k: [x for x in (quoted(cls, raw) for raw in data.get(k, [])) if x is not None]
             for k, cls in (("positions", Position), ("proposals", Proposal),
                            ("signals", Signal))}
    stance = data.get("stance")
    if stance not in STANCES:
        bad.append(f"stance: {stance!r} is not one of {', '.join(STANCES)}")
        stance = "neutral_report"
    return previous.model_copy(update={"actors": actors, "stance": stance, **items}), bad
