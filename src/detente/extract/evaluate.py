"""Scoring an extractor against gold annotations (``docs/extraction-evaluation.md``).

A gold folder holds ``NN.txt`` (the article) and ``NN.json`` (the gold extraction in the same
schema). Matching, per article, pooled over articles:

- actors: sets of codes → recall, precision;
- signals: same actor and kind, quotes overlapping as character spans of the body, one-to-one
  (greedy by overlap) → precision, recall, F1;
- positions: same actor and issue, overlapping quotes → recall;
- proposals: overlapping quotes → recall;
- stance: accuracy, also split by the gold stance into argued pieces (``pro_negotiation``,
  ``skeptical``, ``anti_concession``) and reports (``neutral_report``; protocol §13);
  quotes: share exact.

Intervals are 95 % percentile bootstrap over articles (``draws`` resamples, ``seed``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError, Problem
from detente.extract.article import Article, read_article
from detente.extract.schema import SIGNAL_KINDS, STANCES, ArticleExtraction
from detente.extract.verify import find_span
from detente.invisible import ALLOWED, find_in, message, without_invisible
from detente.limits import read_text
from detente.records.output import nz

#: Count columns per article: actors tp/gold/pred, signals tp/gold/pred, positions found/gold,
#: proposals found/gold, stance correct, quotes exact/total, gold stance argued (not a
#: report), stance correct on an argued piece.
_COLS = ("actor_tp", "actor_gold", "actor_pred", "signal_tp", "signal_gold", "signal_pred",
         "position_tp", "position_gold", "proposal_tp", "proposal_gold", "stance_ok",
         "quote_exact", "quote_total", "argued", "argued_stance_ok")
#: Columns added after per-article counts were first dumped (protocol §13): a count without
#: them reads as NaN (the split stance scores are then undefined, "n/a"), never a KeyError.
_LATER = ("argued", "argued_stance_ok")


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article."""

    article: Article
    gold: dict[str, Any]
    path: str


@dataclass(frozen=True)
class Score:
    """A pooled score with its bootstrap interval; None where undefined (nothing to count)."""

    value: float | None
    low: float | None
    high: float | None

    def __str__(self) -> str:
        if self.value is None or self.low is None or self.high is None:
            return "n/a (nothing to count)"
        return f"{nz(self.value, 3):.3f} [{nz(self.low, 3):.3f}, {nz(self.high, 3):.3f}]"


@dataclass(frozen=True)
class Evaluation:
    """Scores of one extractor on one gold folder, with the per-article counts."""

    articles: int
    scores: dict[str, Score]
    per_article: list[dict[str, Any]] = field(default_factory=list)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different: Python's reader keeps the last of two
    equal keys silently (a second ``"quote"`` replaced the first without a word)."""
    data = dict(pairs)
    if len(data) < len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate key {dup!r} in one object (the earlier value would be "
                         "silently lost); allowed: each key once")
    return data


def _not_json(token: str) -> Any:
    """``NaN``, ``Infinity``: Python's reader takes them, JSON has no such numbers."""
    raise ValueError(f"{token} is not a JSON number; allowed: finite numbers, text")


def load_gold(folder: Path) -> list[GoldArticle]:
    """Every ``NN.txt`` with its ``NN.json`` in ``folder``; a missing or bad JSON is an error."""
    if not folder.is_dir():
        raise DetenteError.one("not a folder", file=str(folder),
                               allowed="a folder of NN.txt + NN.json files")
    texts = sorted(folder.glob("*.txt"))
    if not texts:
        raise DetenteError.one("no .txt articles in the gold folder", file=str(folder))
    out, problems = [], []
    for txt in texts:
        js = txt.with_suffix(".json")
        if not js.is_file():
            odd = js.exists() or js.is_symlink()  # a folder, FIFO, device or broken link
            problems.append(Problem("gold annotation is not a regular file" if odd
                                    else "article without gold annotation",
                                    file=str(js if odd else txt),
                                    allowed=f"a JSON file {js.name} beside {txt.name}"))
            continue
        try:
            gold = json.loads(read_text(js, "sources"), object_pairs_hook=_unique_keys,
                              parse_constant=_not_json)
        except ValueError as exc:
            problems.append(Problem(f"gold annotation is not JSON: {exc}", file=str(js)))
            continue
        except RecursionError:  # [[[…]]] nested past Python's recursion limit
            problems.append(Problem("gold annotation nested too deeply", file=str(js),
                                    allowed="the gold layout: a mapping of lists of items"))
            continue
        if not isinstance(gold, dict):
            problems.append(Problem("gold annotation is not a JSON object", file=str(js),
                                    value=type(gold).__name__,
                                    allowed="an object with stance, actors, signals, "
                                    "positions, proposals"))
            continue
        if gold.get("stance") not in STANCES:
            problems.append(Problem("gold needs a 'stance'", file=str(js), path="stance",
                                    allowed=", ".join(STANCES)))
            continue
        if bad := find_in(gold, moves_only=True):  # quotes reach reports (detente.invisible)
            problems.append(Problem(message(bad[1]), file=str(js), path=bad[0] or None,
                                    allowed=ALLOWED))
            continue
        found = gold_problems(gold, str(js))
        if found:
            problems += found
            continue
        gold = without_invisible(gold)  # as the article's text is read (detente.invisible)
        try:
            article = read_article(txt)
        except DetenteError as exc:
            problems += exc.problems
            continue
        found = gold_content_problems(gold, article.body, str(js))
        if found:
            problems += found
            continue
        out.append(GoldArticle(article, gold, str(txt)))
    problems += _number_clashes(texts)
    stems = {t.stem for t in texts}
    problems += [Problem("gold annotation without its article", file=str(js),
                         allowed=f"the article {js.stem}.txt beside it (a gold file alone was "
                         "silently left out of the scores)")
                 for js in sorted(folder.glob("*.json")) if js.stem not in stems]
    if problems:
        raise DetenteError(problems)
    return out


#: The keys each gold item must hold, as text (``actors`` may also be plain codes).
_GOLD_KEYS = {"actors": ("code",), "signals": ("actor", "kind", "quote"),
              "positions": ("actor", "issue", "quote"), "proposals": ("quote",)}


#: Every key a gold annotation and its items may hold (the extractor's schema): another key is
#: a typo whose content would be silently ignored (``"signal": [...]`` dropped every signal).
_TOP_KEYS = ("stance", "actors", "signals", "positions", "proposals")
_ITEM_KEYS = {"signals": ("actor", "kind", "quote", "date"),
              "positions": ("actor", "issue", "position", "quote"),
              "proposals": ("name", "by", "quote")}


def _unknown_keys(gold: dict[str, Any], file: str) -> list[Problem]:
    out = [Problem("unknown key (a typo? its content would be silently ignored)", file=file,
                   path=k, allowed=", ".join(_TOP_KEYS)) for k in gold if k not in _TOP_KEYS]
    for name, keys in _ITEM_KEYS.items():
        items = gold.get(name)
        for i, x in enumerate(items if isinstance(items, list) else []):
            out += [Problem("unknown key (a typo? its content would be silently ignored)",
                            file=file, path=f"{name}[{i}].{k}", allowed=", ".join(keys))
                    for k in (x if isinstance(x, dict) else ()) if k not in keys]
    return out


def gold_problems(gold: dict[str, Any], file: str) -> list[Problem]:
    """What is wrong with the shape of one gold annotation: a key outside the schema; each
    list of :data:`_GOLD_KEYS` a list of objects holding those keys as text (an actor may be a
    plain code)."""
    out = _unknown_keys(gold, file)
    for name, keys in _GOLD_KEYS.items():
        items = gold.get(name, [])
        if not isinstance(items, list):
            out.append(Problem(f"{name} must be a list", file=file, path=name,
                               value=type(items).__name__, allowed="a JSON list"))
            continue
        seen: dict[str, int] = {}
        for i, x in enumerate(items):
            if name == "actors" and isinstance(x, str):
                x = {"code": x}  # a plain code is the item's code
            bad = [k for k in keys if not isinstance(x, dict) or not isinstance(x.get(k), str)
                   or not x[k].strip()]  # an empty quote matches nothing, an empty actor no one
            if bad:
                out.append(Problem(f"each item needs {', '.join(keys)} as non-empty text",
                                   file=file, path=f"{name}[{i}]" + (
                                       f".{bad[0]}" if isinstance(x, dict) else ""),
                                   value=x.get(bad[0]) if isinstance(x, dict) else x,
                                   allowed=f"an object with {', '.join(keys)} (strings)"))
                continue
            for k, what in _OPTIONAL.get(name, {}).items():
                if k in x and not isinstance(x[k], str | type(None)):
                    out.append(Problem(f"{k} must be {what}", file=file,
                                       path=f"{name}[{i}].{k}", value=x[k],
                                       allowed=f"{what}, or no {k!r} key"))
                elif k == "date" and isinstance(x.get(k), str) and not _gold_date(x[k]):
                    out.append(Problem("not a calendar date or month", file=file,
                                       path=f"{name}[{i}].date", value=x[k],
                                       allowed=f"{what} (a year alone is no date: null)"))
            if name == "actors":
                if x["code"] in seen:  # a set: the second was silently dropped
                    out.append(Problem(f"the same actor as actors[{seen[x['code']]}]",
                                       file=file, path=f"actors[{i}]", value=x["code"],
                                       allowed="each actor once"))
                seen.setdefault(x["code"], i)
    return out


#: The optional keys of gold items and what they hold (they are not scored, but a number or a
#: list there was silently ignored).
_OPTIONAL = {"signals": {"date": "a date as text (YYYY-MM-DD, YYYY-MM) or null"},
             "positions": {"position": "text or null"},
             "proposals": {"name": "text or null", "by": "an actor code as text or null"}}


def _gold_date(text: str) -> bool:
    """Whether a gold signal's date is a calendar day ``YYYY-MM-DD`` or a month ``YYYY-MM``
    (the guideline's two forms; ``2025-13-45``, ``2025-5-1`` or ``20250516`` were taken)."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        return 1 <= int(text[5:]) <= 12
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return False
        return True
    return False


def gold_content_problems(gold: dict[str, Any], body: str, file: str) -> list[Problem]:
    """What a well-shaped gold annotation gets wrong against its article: a signal kind
    outside :data:`SIGNAL_KINDS`, a quote that is not in the body (it could never be matched),
    an item listed twice (it would count twice)."""
    out = []
    for name in ("signals", "positions", "proposals"):
        seen: dict[str, int] = {}
        for i, x in enumerate(gold.get(name, [])):
            where = f"{name}[{i}]"
            if name == "signals" and x["kind"] not in SIGNAL_KINDS:
                out.append(Problem("unknown signal kind", file=file, path=f"{where}.kind",
                                   value=x["kind"], allowed=", ".join(SIGNAL_KINDS)))
            if find_span(body, x["quote"]) is None:
                out.append(Problem("quote is not in the article body", file=file,
                                   path=f"{where}.quote", value=x["quote"][:80],
                                   allowed="a verbatim excerpt of the article's body"))
            key = json.dumps(x, sort_keys=True)
            if key in seen:
                out.append(Problem(f"the same item as {name}[{seen[key]}]", file=file,
                                   path=where, allowed="each item once"))
            seen.setdefault(key, i)
    return out


def _number_clashes(texts: Sequence[Path]) -> list[Problem]:
    """Two articles with the same number (``1.txt`` and ``01.txt``)."""
    first: dict[str, Path] = {}
    out = []
    for t in texts:
        key = (t.stem.lstrip("0") or "0") if t.stem.isdigit() else t.stem
        if key in first:
            out.append(Problem(f"article number {t.stem} is also {first[key].name}",
                               file=str(t), allowed="one file per article number"))
        first.setdefault(key, t)
    return out


def _codes(items: Sequence[Any]) -> set[str]:
    return {x if isinstance(x, str) else x["code"] for x in items}


def _spans(body: str, items: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    return [find_span(body, x["quote"]) or (-1, -1) for x in items]


def _match(gold: list[tuple[Any, int, int]], pred: list[tuple[Any, int, int]]) -> int:
    """One-to-one matches of (key, start, end) triples with equal key and overlapping spans."""
    pairs = []
    for i, (gk, g0, g1) in enumerate(gold):
        for j, (pk, p0, p1) in enumerate(pred):
            overlap = min(g1, p1) - max(g0, p0)
            if gk == pk and overlap > 0:
                pairs.append((overlap, i, j))
    used_g, used_p, n = set(), set(), 0
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            n += 1
    return n


def count(item: GoldArticle, got: ArticleExtraction) -> dict[str, int]:
    """The per-article counts of :data:`_COLS`."""
    body, gold = item.article.body, item.gold
    ga, pa = _codes(gold.get("actors", [])), {a.code for a in got.actors}
    gs = [((x["actor"], x["kind"]), *s) for x, s in
          zip(gold.get("signals", []), _spans(body, gold.get("signals", [])), strict=True)]
    ps = [((s.actor, s.kind), s.start or 0, s.end or 0) for s in got.signals]
    gp = [((x["actor"], x["issue"]), *s) for x, s in
          zip(gold.get("positions", []), _spans(body, gold.get("positions", [])), strict=True)]
    pp = [((p.actor, p.issue), p.start or 0, p.end or 0) for p in got.positions]
    gr = [(0, *s) for s in _spans(body, gold.get("proposals", []))]
    pr = [(0, p.start or 0, p.end or 0) for p in got.proposals]
    quotes = got.items()
    exact = sum(1 for q in quotes if q.start is not None and body[q.start:q.end] == q.quote)
    return {"actor_tp": len(ga & pa), "actor_gold": len(ga), "actor_pred": len(pa),
            "signal_tp": _match(gs, ps), "signal_gold": len(gs), "signal_pred": len(ps),
            "position_tp": _match(gp, pp), "position_gold": len(gp),
            "proposal_tp": _match(gr, pr), "proposal_gold": len(gr),
            "stance_ok": int(got.stance == gold["stance"]),
            "quote_exact": exact, "quote_total": len(quotes),
            "argued": int(gold["stance"] != "neutral_report"),
            "argued_stance_ok": int(gold["stance"] != "neutral_report"
                                    and got.stance == gold["stance"])}


def _ratios(c: np.ndarray) -> dict[str, float]:
    """Pooled scores from summed counts (columns in :data:`_COLS` order); NaN when undefined."""
    s = dict(zip(_COLS, c.sum(axis=0).astype(float), strict=True))

    def div(a: float, b: float) -> float:
        return a / b if b else float("nan")

    p, r = div(s["signal_tp"], s["signal_pred"]), div(s["signal_tp"], s["signal_gold"])
    return {"actor_recall": div(s["actor_tp"], s["actor_gold"]),
            "actor_precision": div(s["actor_tp"], s["actor_pred"]),
            "signal_precision": p, "signal_recall": r,
            "signal_f1": div(2 * p * r, p + r) if p == p and r == r else float("nan"),
            "position_recall": div(s["position_tp"], s["position_gold"]),
            "proposal_recall": div(s["proposal_tp"], s["proposal_gold"]),
            "stance_accuracy": div(s["stance_ok"], len(c)),
            "stance_accuracy_argued": div(s["argued_stance_ok"], s["argued"]),
            "stance_accuracy_reports": div(s["stance_ok"] - s["argued_stance_ok"],
                                           len(c) - s["argued"]),
            "quotes_exact": div(s["quote_exact"], s["quote_total"])}


def evaluate(gold: list[GoldArticle], run: Callable[[list[Article]], list[ArticleExtraction]],
             draws: int = 2000, seed: int = 0) -> Evaluation:
    """Score ``run`` (articles → extractions) on ``gold`` with bootstrap intervals."""
    got = run([g.article for g in gold])
    counts = [count(g, x) for g, x in zip(gold, got, strict=True)]
    rows = [{"file": g.path, **row} for g, row in zip(gold, counts, strict=True)]
    return Evaluation(len(gold), scores_of(counts, draws, seed), rows)


def scores_of(counts: Sequence[dict[str, int]], draws: int = 2000, seed: int = 0
              ) -> dict[str, Score]:
    """Pooled scores of per-article ``counts`` (:func:`count`) with 95 % percentile bootstrap
    intervals over the articles (``draws`` resamples, ``seed``)."""
    c = np.array([[row.get(k, np.nan) if k in _LATER else row[k] for k in _COLS]
                  for row in counts], dtype=float)
    point = _ratios(c)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(c), size=(draws, len(c)))
    boot = [_ratios(c[i]) for i in idx]
    scores = {}
    for k, v in point.items():
        vals = np.array([b[k] for b in boot])
        vals = vals[~np.isnan(vals)]
        if v != v or not len(vals):
            scores[k] = Score(None, None, None)
            continue
        lo, hi = np.percentile(vals, [2.5, 97.5])
        scores[k] = Score(v, float(lo), float(hi))
    return scores
