"""The structured hostile-input sweep: mutated inputs of every format through the commands
that read them, hostile option values, the Python API with wrong types and the workbench's
HTTP endpoints with malformed requests. Each run is classified:

- ``error``: exit 2 with one message that names the file (or option, field) — the wanted answer;
- ``success``: exit 0 on an input that may be valid;
- ``traceback``: any other exception escaped (or an exit code other than 0/2, or an API error
  that is not a :class:`~detente.errors.DetenteError`, or an HTTP 5xx);
- ``hang``: past the time bound;
- ``wrong``: exit 0 where the input was surely unusable, or a record holding NaN/Infinity;
- ``unclear``: exit 2 whose message names neither the file nor the option.

Since round 10 a success whose console output prints a negative zero (``-0.00``, ``-0.0%``) is
a ``wrong`` one, and so is a refusal of a round-10 variant marked valid
(:func:`fuzz.round10.is_valid`: no final newline, CR LF, a BOM, quoted cells, …).

``tests/fuzz/test_fuzz_structured.py`` runs a small seeded sample and asserts no run is in the
last four classes; ``scripts/hostile_sweep.py`` runs a large one and prints the counts.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import re
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fuzz.harness import Run, run_cli, web_outcome, workbench_client
from fuzz.mutate import Case
from fuzz.sources import ROOT, SHARED, Source, sources

BAD = ("traceback", "hang", "wrong", "unclear")


class Hang(BaseException):
    """Raised by the alarm; a BaseException so that ``except Exception`` in the code under
    test does not swallow it."""


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    def _alarm(signum: int, frame: object) -> None:
        raise Hang()

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Tally:
    """Counts per class and the first few findings of each bad class."""

    counts: Counter[str] = field(default_factory=Counter)
    per_format: Counter[tuple[str, str]] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    successes: list[str] = field(default_factory=list)

    def add(self, fmt: str, outcome: str, what: str) -> None:
        self.counts[outcome] += 1
        self.per_format[(fmt, outcome)] += 1
        if outcome in BAD:
            self.findings.append(f"{outcome.upper()} [{fmt}] {what}")
        elif outcome == "success":
            self.successes.append(f"[{fmt}] {what}")

    @property
    def runs(self) -> int:
        return sum(self.counts.values())

    def bad(self) -> int:
        return sum(self.counts[k] for k in BAD)

    def summary(self) -> str:
        order = ("error", "success", "traceback", "hang", "wrong", "unclear")
        return (f"runs {self.runs}: " + ", ".join(f"{k} {self.counts[k]}" for k in order)
                + f"; bad {self.bad()} ({100 * self.bad() / max(self.runs, 1):.2f}%)")


def _non_finite(path: Path) -> bool:
    """Whether a JSON record holds NaN or ±Infinity (a number no reader can trust)."""
    if not path.is_file():
        return False
    found = False

    def _const(name: str) -> float:
        nonlocal found
        found = True
        return math.nan

    json.loads(path.read_text(encoding="utf-8"), parse_constant=_const)
    return found


def classify(argv: list[str], names: list[str], must_fail: bool, seconds: float,
             record: Path | None = None) -> tuple[str, str]:
    """Run ``detente ARGV`` in-process under a time bound; (class, detail)."""
    t0 = time.monotonic()
    try:
        with time_bound(seconds):
            run: Run = run_cli(argv)
    except Hang:
        return "hang", f"past {seconds:.0f} s"
    except Exception as exc:
        return "traceback", f"{type(exc).__name__}: {str(exc)[:300]}"
    text = run.out + run.err
    if "Traceback" in text:
        return "traceback", text.strip().splitlines()[-1][:300]
    if run.code not in (0, 2):
        return "traceback", f"exit {run.code}: {text.strip()[-300:]}"
    if run.code == 2:
        flat = " ".join(run.err.split())
        if "error" not in flat.lower() or not any(n in flat for n in names):
            return "unclear", flat[-300:] or "(no message)"
        return "error", flat[:400]
    if must_fail:
        return "wrong", f"exit 0 in {time.monotonic() - t0:.1f} s: {text.strip()[-200:]}"
    if record is not None and _non_finite(record):
        return "wrong", "the JSON record holds NaN or Infinity"
    if m := NEGATIVE_ZERO.search(run.out):
        line = run.out[run.out.rfind("\n", 0, m.start()) + 1:].split("\n", 1)[0]
        return "wrong", f"prints a negative zero {m.group()!r}: {line.strip()[:160]}"
    return "success", ""


#: A number printed as a negative zero: ``-0.00``, ``-0.0%``, ``-0.000`` (a value that rounds to
#: zero printed with its sign), not ``-0.001`` or ``-0.5``.
NEGATIVE_ZERO = re.compile(r"(?<![\w.])[-\u2212]0\.0+(?![\d])")


# -- the formats and the commands that read them ------------------------------------------------
def classify_call(call: Callable[[], object], names: list[str], must_fail: bool,
                  seconds: float) -> tuple[str, str]:
    """Run an API reader under a time bound: a :class:`~detente.errors.DetenteError` naming
    the file is the wanted error; any other exception is a traceback-class finding."""
    from detente.errors import DetenteError

    try:
        with time_bound(seconds):
            call()
    except Hang:
        return "hang", f"past {seconds:.0f} s"
    except DetenteError as exc:
        flat = " ".join(str(exc).split())
        return ("error", flat[:200]) if any(n in flat for n in names) else ("unclear", flat)
    except Exception as exc:
        return "traceback", f"{type(exc).__name__}: {str(exc)[:300]}"
    return ("wrong", "returned") if must_fail else ("success", "")


def run_case(tally: Tally, src: Source, case: Case, seconds: float) -> None:
    from fuzz.round10 import base_refused, is_valid

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "in"
        folder.mkdir()
        for name, data in case.files.items():
            (folder / name).write_bytes(data)
        main = folder / (src.main if src.main in case.files else list(case.files)[-1])
        work = folder / "work"
        work.mkdir()
        names = [str(main), str(folder), main.name]
        for step in src.commands(work, main):
            if callable(step):
                outcome, detail = classify_call(step, names, case.must_fail, seconds)
                tally.add(src.fmt, outcome, f"{case.label} | (API) | {detail}")
                continue
            rec = Path(step[step.index("--json") + 1]) if "--json" in step else None
            outcome, detail = classify(step, names, case.must_fail, seconds, rec)
            if outcome == "error" and is_valid(case.label) and not base_refused(
                    case, step, folder, names, seconds):
                outcome, detail = "wrong", "refused a valid input: " + detail
            tally.add(src.fmt, outcome, f"{case.label} | {' '.join(_short(step))} | {detail}")


def sweep_files(tally: Tally, n: int, seed: int, seconds: float = 60.0,
                only: str | None = None, whole: bool = True, new_only: bool = False,
                round8: bool = False, round9: bool = False, round10: bool = False,
                round11: bool = False, round12: bool = False) -> None:
    """``n`` one-field mutations of each source, and (``whole``) every whole-file variant,
    each through its commands; ``new_only``: only the round-7 families (:mod:`fuzz.damage`);
    ``round8``/``round9``/``round10``/``round11``/``round12``: only the round-8/9/10/11/12
    families (:mod:`fuzz.round8`, :mod:`fuzz.round9`, :mod:`fuzz.round10`, :mod:`fuzz.round11`,
    :mod:`fuzz.round12`)."""
    from fuzz import round8 as r8
    from fuzz import round9 as r9
    from fuzz import round10 as r10
    from fuzz import round11 as r11
    from fuzz import round12 as r12
    from fuzz.damage import is_new

    for k, src in enumerate(sources()):
        if only and not src.fmt.startswith(only):
            continue
        cases = list(src.structured(seed + 1000 * k, n)) if src.structured and n else []
        for case in cases + (src.whole() if whole else []):
            if ((round8 and not r8.is_new(case)) or (round9 and not r9.is_new(case))
                    or (round10 and not r10.is_new(case))
                    or (round11 and not r11.is_new(case))
                    or (round12 and not r12.is_new(case))):
                continue
            if not new_only or is_new(case):
                run_case(tally, src, case, seconds)


def whole_sample(n: int, seed: int) -> list[tuple[Source, Case]]:
    """A seeded sample of ``n`` (source, whole-file variant) pairs (the suite's share)."""
    pairs = [(src, case) for src in sources() for case in src.whole()]
    return random.Random(seed).sample(pairs, min(n, len(pairs)))


def _short(argv: list[str]) -> list[str]:
    return [a if len(a) < 60 else "…" + a[-40:] for a in argv]


# -- option values ------------------------------------------------------------------------------
#: Hostile values of an option, by its kind: (value, surely refused).
OPTION_VALUES: dict[str, list[tuple[str, bool]]] = {
    "count": [("-1", True), ("0", False), ("abc", True), ("", True), ("1.5", True),
              ("99999999999999999999", True), ("1000000000", True), ("nan", True),
              ("\u0661", False), ("\u00b2", True)],
    "seed": [("-1", True), ("0", False), (str(2**64), True), (str(2**63), True), ("abc", True),
             ("", True), ("1e3", True)],
    "float": [("-1", True), ("nan", True), ("inf", True), ("-inf", True), ("abc", True),
              ("1e309", True), ("0", False), ("-0", False), ("1e308", False)],
    "executor": [("bogus", True), ("local:0", True), ("local:-1", True), ("local:abc", True),
                 ("", True), ("dask:", True), ("local:99999999", True), ("tcp://", True),
                 ("dask-local:0", True)],
    "date": [("2022-13-45", True), ("0000-01-01", True), ("9999-12-31", False), ("", True),
             ("abc", True), ("2022-02-30", True), ("-2022-01-01", True), ("20220101", False)],
    # never a value that would start the server (the run would not return)
    "port": [("-1", True), ("0", True), ("70000", True), ("abc", True), ("", True)],
    "host": [("no such host", True), ("8.8.8.8", True), ("", True), ("\u202e", True),
             ("x" * 300, True)],
    "text": [("", False), ("\x00", False), ("\u202e", False), ("x" * 100_000, False),
             ("[bold]x[/]", False), ("*", False)],
}

TOY = str(ROOT / "tests" / "toy.yaml")
DEU = str(SHARED / "deu3-dev.tsv")
CASE = "ru-ua-2024-09"


def option_commands(tmp: Path) -> list[tuple[list[str], str, str]]:
    """(command before the option, option, kind of value) for every command's options."""
    store = str(tmp / "s.sqlite")
    gd = str(ROOT / "tests" / "signals" / "fixtures" / "gdelt2_20150218230000_slice.tsv")
    agr = str(ROOT / "tests" / "data" / "agreements")
    art = str(ROOT / "tests" / "data" / "extract" / "dev" / "01.txt")
    cred = ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50"]
    out: list[tuple[list[str], str, str]] = []
    for opt, kind in (("--draws", "count"), ("--seed", "seed"), ("--executor", "executor"),
                      ("--batna", "text"), ("--frontier-limit", "count")):
        out.append((["analyze", TOY, "-q"], opt, kind))
    for opt, kind in (("--draws", "count"), ("--seed", "seed"), ("--spread", "float"),
                      ("--rounds", "count"), ("--eum", "text"), ("--issue", "text"),
                      ("-m", "text"), ("--executor", "executor")):
        out.append((["forecast", TOY, "-q"], opt, kind))
    for opt, kind in (("--months", "count"), ("--paths", "count"), ("--seed", "seed"),
                      ("--package-paths", "count"), ("--executor", "executor")):
        extra = [] if opt == "--paths" else ["--paths", "20"]
        extra += [] if opt == "--months" else ["--months", "2"]
        extra += [] if opt == "--package-paths" else ["--package-paths", "0"]
        out.append((["window", CASE, "-q", *extra], opt, kind))
    for opt, kind in (("--samples", "count"), ("--seed", "seed"), ("--method", "text"),
                      ("--top", "count"), ("-t", "text"), ("-i", "text"),
                      ("--executor", "executor")):
        extra = [] if opt == "--method" else ["--method", "oat"]
        out.append((["sensitivity", TOY, "-q", *extra], opt, kind))
    for opt, kind in (("--bootstrap", "count"), ("--seed", "seed"), ("--min-positions", "count"),
                      ("--split", "text"), ("--voting-rule", "text"), ("--capability", "text"),
                      ("--eum", "text")):
        out.append((["backtest", DEU, "-q", "-m", "compromise", "--bootstrap", "10"], opt,
                    kind))
    for opt, kind in (("--from", "date"), ("--to", "date"), ("--half-life", "float"),
                      ("--window", "count"), ("--lr", "text"), ("--draws", "count"),
                      ("--seed", "seed"), ("--against", "text"), ("--case", "text")):
        out.append((cred, opt, kind))
    for opt, kind in (("--seed", "seed"), ("--resamples", "count"),
                      ("--compliance-prior", "text")):
        out.append((["signals", "evaluate", "dev", "-q"], opt, kind))
    for opt, kind in (("--from", "date"), ("--to", "date"), ("--batch-size", "count"),
                      ("--format", "text"), ("--dyad", "text"), ("--actor", "text"),
                      ("--code", "text")):
        out.append((["signals", "import", gd, "--store", store, "-q"], opt, kind))
    for opt, kind in (("--min-level", "count"), ("--level", "float"), ("--method", "text"),
                      ("--by", "text")):
        out.append((["agreements", "rates", "ceasefire", "--data", agr], opt, kind))
    out.append((["agreements", "prior", "RUS", "ceasefire", "--data", agr], "--level", "float"))
    for opt, kind in (("--horizon", "float"), ("--level", "float"), ("--by", "text"),
                      ("--source", "text")):
        out.append((["agreements", "renewal", "ceasefire", "--data", agr], opt, kind))
    for opt, kind in (("--from", "date"), ("--to", "date"), ("--limit", "count"),
                      ("--dyad", "text"), ("--actor", "text"), ("--code", "text")):
        out.append((["signals", "list", "--store", store, "--case", "ru-ua"], opt, kind))
    out.append((["serve", "--out", str(tmp / "web")], "--port", "port"))
    out.append((["serve", "--out", str(tmp / "web")], "--host", "host"))
    for opt, kind in (("--date", "date"), ("--max-bytes", "count"), ("--case", "text")):
        out.append((["extract", art, "-q"], opt, kind))
    for opt, kind in (("--draws", "count"), ("--seed", "seed")):
        out.append((["timeline", "ru-ua-2022-03", CASE, "-q"], opt, kind))
    return out


#: Option pairs that contradict each other; each must be refused (or one of them win, said).
CONFLICTS: list[list[str]] = [
    ["signals", "credibility", "--actor", "RUS", "--no-store", "--store", "x.sqlite"],
    ["signals", "credibility", "--actor", "RUS", "--no-store", "--from", "2024-01-01",
     "--to", "2022-01-01"],
    ["signals", "import", "nosuch.tsv", "--from", "2024-01-01", "--to", "2022-01-01"],
    ["window", CASE, "--months", "0"],
    ["analyze", TOY, "--draws", "0", "--executor", "local:2"],
    ["forecast", TOY, "--issue", "nosuch"],
    ["sensitivity", TOY, "--method", "sobol", "--samples", "63"],
    ["--memory-limit", "0", "analyze", TOY, "--draws", "100"],
    ["--memory-limit", "-1G", "analyze", TOY],
    ["--memory-limit", "abc", "analyze", TOY],
    ["--memory-limit", "1e400G", "analyze", TOY],
    ["serve", TOY, "--out", TOY],
    ["agreements", "renewal", "ceasefire", "--horizon", "0"],
    ["signals", "list", "--case", "ru-ua", "--from", "2025-01-01", "--to", "2020-01-01",
     "--store", "nosuch.sqlite"],
    ["forecast", TOY, "--draws", "0", "--executor", "local:2", "--spread", "1"],
]


def prepare_store(tmp: Path) -> None:
    """The event store ``signals list`` reads (``signals import`` of the GDELT fixture)."""
    gd = str(ROOT / "tests" / "signals" / "fixtures" / "gdelt2_20150218230000_slice.tsv")
    assert run_cli(["signals", "import", gd, "--store", str(tmp / "s.sqlite"), "-q"]).code == 0


def option_must_fail(opt: str, value: str, sure: bool) -> bool:
    """Whether refusing is the only right answer; a few options take zero or any text."""
    # free text, or no upper bound needed (a listing limit)
    return sure and opt not in ("--eum", "--issue", "-m", "--batna", "-t", "-i", "--case",
                                "--against", "--frontier-limit")


def sweep_options(tally: Tally, seed: int = 0, seconds: float = 60.0,
                  skip: tuple[str, ...] = ()) -> None:
    """Every (command, option, hostile value) and the conflicting pairs; a run whose command
    line holds one of ``skip`` is left out (e.g. ``local:99999999`` against a tree that would
    start that many processes)."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        prepare_store(tmp)
        for before, opt, kind in option_commands(tmp):
            for value, sure in OPTION_VALUES[kind]:
                argv = [*before, opt, value]
                if any(x in a for x in skip for a in argv):
                    continue
                names = [opt, value[:40] or "''", repr(value)[1:41]]
                outcome, detail = classify(argv, names,
                                           option_must_fail(opt, value, sure), seconds)
                tally.add(f"option:{before[0]}", outcome,
                          f"{' '.join(_short(argv))} | {detail}")
        for argv in CONFLICTS:
            outcome, detail = classify(argv, [a for a in argv if a.startswith("-")] + argv,
                                       False, seconds)
            tally.add("option:conflict", outcome, f"{' '.join(_short(argv))} | {detail}")


# -- the Python API ---------------------------------------------------------------------------
def api_calls() -> list[tuple[str, Callable[[], object], bool]]:
    """(label, call, surely refused) with wrong types and values."""
    import detente

    p = Path(TOY)
    calls: list[tuple[str, Callable[[], object], bool]] = []

    def add(label: str, fn: Callable[[], object], sure: bool = True) -> None:
        calls.append((label, fn, sure))

    for bad in (123, None, ["x"], b"bytes", {"id": 1}, 1.5, Path("/nonexistent.yaml"),
                "no-such-case", "", Path("/dev/null")):
        add(f"load({bad!r})", lambda b=bad: detente.load(b))
        add(f"analyze({bad!r})", lambda b=bad: detente.analyze(b))
        add(f"forecast({bad!r})", lambda b=bad: detente.forecast(b))
        add(f"window({bad!r})", lambda b=bad: detente.window(b, paths=20, months=2))
    for kw in ({"draws": -1}, {"draws": "10"}, {"draws": 1.5}, {"draws": None},
               {"seed": "x"}, {"seed": -1}, {"seed": 2**70}, {"batna": "bogus"},
               {"batna": None}, {"executor": "bogus"}, {"executor": 5}, {"draws": 10**12},
               {"draws": True}, {"source": 5}):
        add(f"analyze(toy, **{kw})", lambda k=kw: detente.analyze(p, **k))  # type: ignore[arg-type]
    for kw in ({"paths": "x"}, {"paths": -1}, {"months": -1}, {"months": "3"},
               {"seed": None}, {"seed": "x"}, {"paths": 1.5}, {"package_paths": -5},
               {"paths": 10**12}):
        add(f"window(case, **{kw})", lambda k=kw: detente.window(CASE, **{
            "paths": 20, "months": 2, "package_paths": 0, **k}))
    for kw in ({"method": 1}, {"method": "bogus"}, {"samples": "x"}, {"samples": -4},
               {"seed": "x"}, {"samples": 10**9}):
        add(f"sensitivity(toy, **{kw})", lambda k=kw: detente.sensitivity(
            p, **{"method": "oat", **k}))
    for kw in ({"issue": 5}, {"issue": "nosuch"}, {"models": [1]}, {"models": ["bogus"]},
               {"models": "bogus"}, {"draws": -1}, {"draws": "x"}, {"seed": -1},
               {"models": None}, {"models": []}):
        add(f"forecast(toy, **{kw})", lambda k=kw: detente.forecast(p, **k))
    add("forecast(toy, models='compromise')",
        lambda: detente.forecast(p, models="compromise"), False)
    for bad in (123, None, "/nonexistent.tsv", ["x"]):
        add(f"backtest({bad!r})", lambda b=bad: detente.backtest(b))
    for kw in ({"actor": 123}, {"actor": None}, {"case": 5}, {"store": 5},
               {"case": "nosuch"}, {"draws": -1}):
        add(f"credibility(**{kw})", lambda k=kw: detente.credibility(**{
            "actor": "RUS", "case": "ru-ua", "store": None, "draws": 50, **k}))
    for kw in ({"commitments": 5}, {"commitments": None}, {"resamples": "x"},
               {"resamples": -1}, {"seed": "x"}, {"commitments": "/nonexistent.csv"}):
        add(f"evaluate(**{kw})", lambda k=kw: detente.evaluate(**{"resamples": 10, **k}))
    for bad in (5, None, ["/nonexistent.txt"], [5], "not-a-list", []):
        add(f"extract({bad!r})", lambda b=bad: detente.extract(b),
            bad not in ("not-a-list", ["/nonexistent.txt"]))  # a file's problem is recorded
    add("extract(date='2022-13-45')", lambda: detente.extract(
        [str(ROOT / "tests" / "data" / "extract" / "dev" / "01.txt")], date="2022-13-45"))
    for bad in (5, None, [5], ["toy"], "ru-ua-2024-09", [None, None]):
        add(f"timeline({bad!r})", lambda b=bad: detente.timeline(b))
    return calls


def sweep_api(tally: Tally, seconds: float = 60.0) -> None:
    from detente.errors import DetenteError

    for label, fn, sure in api_calls():
        try:
            with time_bound(seconds):
                fn()
        except Hang:
            tally.add("api", "hang", label)
            continue
        except DetenteError as exc:
            ok = bool(str(exc).strip())
            tally.add("api", "error" if ok else "unclear", f"{label} | {exc}")
            continue
        except Exception as exc:
            tally.add("api", "traceback", f"{label} | {type(exc).__name__}: {str(exc)[:200]}")
            continue
        tally.add("api", "wrong" if sure else "success", f"{label} | returned")


# -- the workbench ------------------------------------------------------------------------------
def web_requests(key: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, requests kwargs) of malformed requests."""
    c = f"/case/{key}"
    big = "x" * (17 << 20)
    reqs: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/case/nosuch", {}), ("GET", "/case/%00", {}), ("GET", "/case/..%2F..", {}),
        ("DELETE", "/", {}), ("PUT", c, {}), ("PATCH", f"{c}/edit", {}),
        ("GET", f"{c}/edit", {}),
        ("POST", f"{c}/edit", {}), ("POST", f"{c}/edit", {"data": {"rev": "abc"}}),
        ("POST", f"{c}/edit", {"data": {"rev": "0", "path": "actors[999].batna",
                                        "value": "0.5"}}),
        ("POST", f"{c}/edit", {"data": {"rev": "0", "path": "../../etc", "value": "1"}}),
        ("POST", f"{c}/edit", {"data": {"rev": "0", "path": "actors[0].batna",
                                        "value": "nan"}}),
        ("POST", f"{c}/edit", {"data": {"rev": "0", "path": "actors[0].batna",
                                        "value": "1e309"}}),
        ("POST", f"{c}/edit", {"data": {"rev": "0", "path": "actors[0].batna",
                                        "value": "0.1, 0.9, 0.2"}}),
        ("POST", f"{c}/edit", {"data": {"rev": "0", "path": "actors[0].batna",
                                        "value": "\x00", "kind": "bogus"}}),
        ("POST", f"{c}/edit", {"data": {"rev": str(2**70), "path": "x", "value": "1"}}),
        ("POST", f"{c}/edit", {"json": {"rev": 0, "path": "actors[0].batna", "value": 1}}),
        ("POST", f"{c}/edit", {"content": b"{not json", "headers": {
            "content-type": "application/json"}}),
        ("POST", f"{c}/edit", {"content": b"\xff\xfe\x00garbage", "headers": {
            "content-type": "application/x-www-form-urlencoded"}}),
        ("POST", f"{c}/edit", {"content": b"--b\r\nbroken", "headers": {
            "content-type": "multipart/form-data; boundary=b"}}),
        ("POST", f"{c}/yaml", {"data": {"rev": "0", "text": "a: [\n"}}),
        ("POST", f"{c}/yaml", {"data": {"rev": "0", "text": "- 1\n- 2\n"}}),
        ("POST", f"{c}/yaml", {"data": {"rev": "0", "text": "deep: " + "[" * 500}}),
        ("POST", f"{c}/yaml", {"data": {"rev": "0", "text": "\x00\x01"}}),
        ("POST", f"{c}/yaml", {"data": {"rev": "0", "text": big}}),
        ("POST", f"{c}/save", {"data": {"rev": "0", "name": "../x.yaml"}}),
        ("POST", f"{c}/save", {"data": {"rev": "0", "name": "/etc/x.yaml"}}),
        ("POST", f"{c}/save", {"data": {"rev": "0", "name": "x\x00.yaml"}}),
        ("POST", f"{c}/save", {"data": {"rev": "0", "name": "." * 300 + ".yaml"}}),
        ("POST", f"{c}/save", {"data": {"rev": "0", "name": ".yaml"}}),
        ("GET", f"{c}/proposal/%00", {}), ("GET", f"{c}/run/bogus", {}),
        ("POST", f"{c}/run/window", {"data": {"paths": "-1"}}),
        ("POST", f"{c}/run/window", {"data": {"paths": "\u00b2"}}),
        ("POST", f"{c}/run/window", {"data": {"paths": "9" * 5000}}),
        ("POST", f"{c}/run/sensitivity", {"data": {"method": "bogus"}}),
        ("POST", f"{c}/run/forecast", {"data": {"seed": "\u00b9\u00b2"}}),
        ("GET", "/job/abc", {}), ("GET", "/job/-1", {}), ("GET", f"/job/{2**70}", {}),
        ("POST", "/timeline", {"data": {"draws": "abc"}}),
        ("POST", "/timeline", {"data": {"draws": "\u00b2"}}),
        ("GET", "/records/..%2F..%2Fetc%2Fpasswd", {}), ("GET", "/records/%00", {}),
        ("GET", "/records/" + "a" * 5000, {}),
        ("GET", "/signals?source=nosuch&actor=%00", {}),
        ("GET", "/signals?source=ru-ua&actor=" + "x" * 10000, {}),
        ("GET", f"{c}/signals?actor=%E2%80%AE", {}),
        ("POST", "/upload", {}),
        ("POST", "/upload", {"files": {"file": ("x.yaml", b"a: [\n")}}),
        ("POST", "/upload", {"files": {"file": ("../../x.yaml", b"id: x\n")}}),
        ("POST", "/upload", {"files": {"file": ("x.yaml", b"\xff\xfe")}}),
        ("POST", "/upload", {"files": {"file": ("", b"")}}),
        ("POST", "/upload", {"files": {"file": ("x.yaml", big.encode())}}),
        ("POST", "/upload", {"files": {"file": ("x.yaml", b"l0: &a [x]\nl1: &b [*a,*a]\n")}}),
    ]
    # every whole-file variant of the toy scenario as an upload (binary, UTF-16, bombs, …)
    from fuzz.whole import whole_cases

    toy = (ROOT / "tests" / "toy.yaml").read_bytes()
    reqs += [("POST", "/upload", {"files": {"file": ("toy.yaml", c.files["toy.yaml"])}})
             for c in whole_cases("upload", {"toy.yaml": toy}, "toy.yaml", "yaml")]
    return reqs


def sweep_web(tally: Tally) -> None:
    """Malformed requests through FastAPI's TestClient: a 5xx is a traceback-class finding;
    every request is followed by ``GET /`` (the server must still answer)."""
    with workbench_client() as client:
        if client is None:  # pragma: no cover - the web extra is not installed
            return
        for method, url, kw in web_requests(CASE):
            try:
                r = client.request(method, url, **kw)
            except Exception as exc:
                tally.add("web", "traceback", f"{method} {url[:60]} | {type(exc).__name__}")
                continue
            alive = client.get("/").status_code == 200
            what = f"{method} {url[:60]} {str(kw)[:60]} | {r.status_code} {r.text[:150]!r}"
            tally.add("web", web_outcome(r, alive), what)
        client.post("/job/cancel")
