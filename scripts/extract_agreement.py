"""Inter-annotator agreement between two gold annotations of the same excerpts (issue 21).

Annotation A (``A_DIR``: ``NN.txt`` + ``NN.json``) is treated as gold and annotation B
(``B_DIR``: ``NN.json`` for the same file names; the texts are read from ``A_DIR``) as the
prediction, then the reverse. B's JSON is built into the extractor's record types
(:class:`detente.extract.schema.ArticleExtraction`) and scored with the project's own scorer,
:func:`detente.extract.evaluate.evaluate` — the same counting (same actor and kind, overlapping
quotes, one-to-one greedy by overlap) and the same 95 % percentile bootstrap over articles
(``--draws`` resamples, ``--seed``) as ``detente extract --evaluate``; nothing is re-implemented.

Besides the protocol's scores it prints the signal F1 per kind (both annotations restricted to
that kind), a kind-agnostic F1 (actor + overlapping quote), a span-only F1 (overlapping quote
alone), and Cohen's kappa of the stances (Cohen 1960, *Educational and Psychological
Measurement* 20:37–46) with the interval over the same bootstrap resamples, and the stance
agreement split by kind of text: on the articles either annotator calls argued (not
``neutral_report``), on those both call argued (with kappa there too), and the 4×4 confusion
table (rows A, columns B).

    PYTHONPATH=src python3 scripts/extract_agreement.py tests/data/extract/locked4 \
        tests/data/extract/locked4-b [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError, Problem
from detente.extract.evaluate import GoldArticle, Score, evaluate, gold_problems, load_gold
from detente.extract.schema import SIGNAL_KINDS, STANCES, ArticleExtraction
from detente.extract.verify import find_span
from detente.limits import read_text

#: Scores reported per direction (keys of :func:`detente.extract.evaluate.evaluate`).
SCORES = ("signal_precision", "signal_recall", "signal_f1", "actor_recall",
          "actor_precision", "position_recall", "proposal_recall", "stance_accuracy")


def load_pair(a_dir: Path, b_dir: Path) -> tuple[list[GoldArticle], list[GoldArticle]]:
    """A's articles and, on the same texts, B's annotations (one error listing every problem)."""
    a = load_gold(a_dir)
    b, problems = [], []
    for item in a:
        js = b_dir / Path(item.path).with_suffix(".json").name
        try:
            doc = json.loads(read_text(js, "sources"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(f"second annotation missing or not JSON: {exc}",
                                    file=str(js)))
            continue
        found = gold_problems(doc, str(js)) if isinstance(doc, dict) else [
            Problem("annotation must be a JSON object", file=str(js))]
        if isinstance(doc, dict) and doc.get("stance") not in STANCES:
            found.append(Problem("annotation needs a 'stance'", file=str(js), path="stance",
                                 allowed=", ".join(STANCES)))
        problems += found
        if not found:
            b.append(GoldArticle(item.article, doc, str(js)))
    if problems:
        raise DetenteError(problems)
    return a, b


def _quoted(body: str, x: dict[str, Any], **fields: Any) -> dict[str, Any]:
    span = find_span(body, x["quote"])
    start, end = span if span else (None, None)
    return {"quote": x["quote"], "start": start, "end": end, **fields}


def as_extraction(item: GoldArticle) -> ArticleExtraction:
    """One annotation as the extractor's record (offsets from the first occurrence of each
    quote, as the scorer finds gold spans)."""
    body, doc = item.article.body, item.gold
    codes = [x if isinstance(x, str) else x["code"] for x in doc.get("actors", [])]
    return ArticleExtraction.model_validate({
        "file": item.path, "extractor": "annotation",
        "actors": [{"code": c, "name": c, "quote": c} for c in codes],
        "positions": [_quoted(body, x, actor=x["actor"], issue=x["issue"],
                              position=str(x.get("position", "")))
                      for x in doc.get("positions", [])],
        "proposals": [_quoted(body, x, name=str(x.get("name", "")), by=x.get("by"))
                      for x in doc.get("proposals", [])],
        "signals": [_quoted(body, x, actor=x["actor"], kind=x["kind"], date=x.get("date"))
                    for x in doc.get("signals", [])],
        "stance": doc["stance"]})


def relabel(items: list[GoldArticle], keep: Callable[[dict[str, Any]], bool] = lambda s: True,
            actor: str | None = None, kind: str | None = None) -> list[GoldArticle]:
    """The annotations with signals filtered by ``keep`` and actor/kind replaced when given."""
    out = []
    for g in items:
        sigs = [{**s, **({"actor": actor} if actor else {}), **({"kind": kind} if kind else {})}
                for s in g.gold.get("signals", []) if keep(s)]
        out.append(GoldArticle(g.article, {**g.gold, "signals": sigs}, g.path))
    return out


def score(gold: list[GoldArticle], pred: list[GoldArticle], draws: int, seed: int
          ) -> dict[str, Score]:
    """The project's scorer with ``pred``'s annotations as the extraction."""
    got = [as_extraction(p) for p in pred]
    return evaluate(gold, lambda _arts: got, draws=draws, seed=seed).scores


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two labelings (NaN when chance agreement is 1)."""
    x, y = np.asarray(a), np.asarray(b)
    po = float(np.mean(x == y))
    pe = sum(float(np.mean(x == s)) * float(np.mean(y == s)) for s in STANCES)
    return (po - pe) / (1.0 - pe) if pe < 1.0 else float("nan")


def kappa_score(a: list[GoldArticle], b: list[GoldArticle], draws: int, seed: int) -> Score:
    """Stance kappa with a 95 % percentile bootstrap over articles (same resamples as
    :func:`evaluate`: ``default_rng(seed).integers(0, n, (draws, n))``)."""
    sa, sb = [g.gold["stance"] for g in a], [g.gold["stance"] for g in b]
    idx = np.random.default_rng(seed).integers(0, len(sa), size=(draws, len(sa)))
    boot = np.array([kappa([sa[i] for i in r], [sb[i] for i in r]) for r in idx])
    boot = boot[~np.isnan(boot)]
    lo, hi = np.percentile(boot, [2.5, 97.5]) if len(boot) else (None, None)
    return Score(kappa(sa, sb), None if lo is None else float(lo),
                 None if hi is None else float(hi))


def _ratio_score(ok: np.ndarray, n: np.ndarray, idx: np.ndarray) -> Score:
    """sum(ok)/sum(n) with its percentile interval over the resamples ``idx`` (rows of article
    indices); None where nothing is counted, resamples with nothing counted dropped."""
    if n.sum() == 0:
        return Score(None, None, None)
    tot = n[idx].sum(axis=1)
    boot = ok[idx].sum(axis=1)[tot > 0] / tot[tot > 0]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return Score(float(ok.sum() / n.sum()), float(lo), float(hi))


def stance_agreement(a: list[GoldArticle], b: list[GoldArticle], draws: int = 2000,
                     seed: int = 0) -> dict[str, Any]:
    """Stance agreement on all articles, on those either annotator calls argued, on those both
    call argued (with Cohen's kappa there), and the confusion table ``{A stance: {B stance:
    n}}``; intervals over the same resamples as :func:`kappa_score`."""
    sa, sb = [g.gold["stance"] for g in a], [g.gold["stance"] for g in b]
    same = np.array([x == y for x, y in zip(sa, sb, strict=True)], dtype=float)
    arg_a = np.array([x != "neutral_report" for x in sa], dtype=float)
    arg_b = np.array([y != "neutral_report" for y in sb], dtype=float)
    either, both = np.maximum(arg_a, arg_b), arg_a * arg_b
    idx = np.random.default_rng(seed).integers(0, len(sa), size=(draws, len(sa)))
    def kappa_both(rows: list[int]) -> float:
        rows = [i for i in rows if both[i]]
        return kappa([sa[i] for i in rows], [sb[i] for i in rows]) if rows else float("nan")

    kb = kappa_both(list(range(len(sa))))
    boot = np.array([kappa_both(list(r)) for r in idx])
    boot = boot[~np.isnan(boot)]
    k_both = (Score(kb, *(float(v) for v in np.percentile(boot, [2.5, 97.5])))
              if kb == kb and len(boot) else Score(None, None, None))
    return {"all": _ratio_score(same, np.ones_like(same), idx),
            "either_argued": _ratio_score(same * either, either, idx),
            "both_argued": _ratio_score(same * both, both, idx),
            "n_either_argued": int(either.sum()), "n_both_argued": int(both.sum()),
            "kappa_both_argued": k_both,
            "confusion": {x: {y: sum(1 for p, q in zip(sa, sb, strict=True) if (p, q) == (x, y))
                              for y in STANCES} for x in STANCES}}


def agreement(a: list[GoldArticle], b: list[GoldArticle], draws: int = 2000, seed: int = 0
              ) -> dict[str, Any]:
    """Every agreement figure: both directions, per kind, kind-agnostic, span-only, kappa."""
    out: dict[str, Any] = {"articles": len(a),
                           "signals": {"A": _n(a), "B": _n(b)},
                           "A_gold": _pick(score(a, b, draws, seed)),
                           "B_gold": _pick(score(b, a, draws, seed)),
                           "stance_kappa": kappa_score(a, b, draws, seed)}
    out["kind_agnostic_f1"] = score(relabel(a, kind="statement"), relabel(b, kind="statement"),
                                    draws, seed)["signal_f1"]
    out["span_only_f1"] = score(relabel(a, actor="*", kind="statement"),
                                relabel(b, actor="*", kind="statement"), draws, seed)["signal_f1"]
    per_kind = {}
    for k in SIGNAL_KINDS:
        def keep(s: dict[str, Any], k: str = k) -> bool:
            return bool(s["kind"] == k)
        ak, bk = relabel(a, keep), relabel(b, keep)
        per_kind[k] = {"A": _n(ak), "B": _n(bk),
                       "f1": score(ak, bk, draws, seed)["signal_f1"]}
    out["per_kind"] = per_kind
    out["stance"] = stance_agreement(a, b, draws, seed)
    return out


def _n(items: list[GoldArticle]) -> int:
    return sum(len(g.gold.get("signals", [])) for g in items)


def _pick(scores: dict[str, Score]) -> dict[str, Score]:
    return {k: scores[k] for k in SCORES}


def _plain(x: Any) -> Any:
    if isinstance(x, Score):
        return {"value": x.value, "low": x.low, "high": x.high}
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def report(res: dict[str, Any]) -> str:
    """Plain-text table of :func:`agreement`."""
    lines = [f"articles: {res['articles']}; signals A {res['signals']['A']}, "
             f"B {res['signals']['B']}"]
    for side, title in (("A_gold", "A as gold, B as prediction"),
                        ("B_gold", "B as gold, A as prediction")):
        lines.append(f"{title}:")
        lines += [f"  {k:18s} {v}" for k, v in res[side].items()]
    lines.append(f"stance kappa         {res['stance_kappa']}")
    lines.append(f"kind-agnostic F1     {res['kind_agnostic_f1']}")
    lines.append(f"span-only F1         {res['span_only_f1']}")
    lines.append("per kind (A n, B n, F1):")
    lines += [f"  {k:16s} {v['A']:3d} {v['B']:3d}  {v['f1']}"
              for k, v in res["per_kind"].items()]
    st = res["stance"]
    lines.append("stance agreement:")
    lines.append(f"  all articles       {st['all']}")
    lines.append(f"  either argued ({st['n_either_argued']:2d}) {st['either_argued']}")
    lines.append(f"  both argued   ({st['n_both_argued']:2d}) {st['both_argued']}")
    lines.append(f"  kappa both argued  {st['kappa_both_argued']}")
    short = {"pro_negotiation": "pro", "skeptical": "skep", "anti_concession": "anti",
             "neutral_report": "rep"}
    lines.append("stance confusion (rows A, columns B): " + " ".join(
        f"{short.get(y, y):>5s}" for y in STANCES))
    lines += [f"  {x:35s} " + " ".join(f"{n:5d}" for n in row.values())
              for x, row in st["confusion"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a_dir", type=Path, help="annotation A: NN.txt + NN.json")
    ap.add_argument("b_dir", type=Path, help="annotation B: NN.json (same names)")
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    try:
        a, b = load_pair(args.a_dir, args.b_dir)
    except DetenteError as exc:
        print(exc, file=sys.stderr)
        return 2
    res = agreement(a, b, args.draws, args.seed)
    print(json.dumps(_plain(res), indent=1) if args.json else report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
