"""Round-11 families of hostile inputs (``scripts/hostile_sweep.py --part round11`` runs them,
``--round 11`` with ``--part files`` only their byte variants): what a tester who has read
rounds 1-10 tries next.

- **dates Python reads and no message allows**: ``date.fromisoformat`` takes ``20250516`` and
  ISO weeks (``2025-W20`` is Monday 2025-05-12, ``2025-W20-5``) while every message says
  ``YYYY-MM-DD``: every date of a YAML file and every date cell of the commitments table so
  written; an article's header ``Date`` with trailing characters (``2025-05-167`` was read as
  2025-05-16: only its first ten characters were looked at), an ISO week or no dashes;
- **articles the extractor meets in the wild**: a BOM and a header with no dashes and no body,
  dashes with nothing after them, U+2029 PARAGRAPH SEPARATOR between sentences, a NUL byte
  after the first 8 KB (the binary sniff reads 8 KB);
- **gold folders**: an empty or blank quote (matches nothing: a gold item no extractor could
  find), an actor listed twice (a set: silently one), a signal date or a position that is a
  number, a gold file without its article (silently left out of the scores).

:func:`sweep_round11` (``--part round11``) adds what a byte variant cannot express: every
reader and every value option given an empty argument (``analyze ""`` read the current folder
as a GENIUS folder, ``extract --case ""`` used no case); a file path with a trailing slash
(``toy.yaml/`` was read as ``toy.yaml``); the date options given ``20250516`` and ISO weeks;
one article of 58,000 one-actor sentences (1 MB: the rules and the reranker were quadratic, it
ran past 120 s and asked for ~20 GB); the console environment (``COLUMNS`` 0, 1, -5, ``abc``,
``PYTHONIOENCODING=ascii``/``latin-1``, ``PYTHONUTF8=0 LC_ALL=C``, ``TERM=dumb``, ``NO_COLOR``,
an unwritable ``HOME``) in a subprocess, standard output on a full device (``>/dev/full``),
closed standard streams; the language model's settings (``DETENTE_LLM_URL`` not a web
address, a port nobody listens on); ``DETENTE_DUCKDB_MEMORY`` set empty (every file failed).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fuzz.mutate import Case

Change = Callable[[bytes], bytes]
#: (label, change, surely refused)
Variant = tuple[str, Change, bool]

ROOT = Path(__file__).resolve().parents[2]
TAG = "[r11]"
VALID = "[r11 valid]"
TOY = ROOT / "tests" / "toy.yaml"
ART = ROOT / "tests" / "data" / "extract" / "dev" / "01.txt"
GDELT = ROOT / "tests" / "signals" / "fixtures" / "gdelt2_20150218230000_slice.tsv"

#: Dates ``date.fromisoformat`` reads and ``YYYY-MM-DD`` does not allow.
ODD_DATES = ("20250516", "2025-W20", "2025-W20-5")

_YAML_DATE = re.compile(rb"(?<=date: )(\d{4})-(\d{2})-(\d{2})(?=\s*[,}\n])")
_HEADER_DATE = re.compile(rb"(?m)^(Date:[ \t]*)(\d{4}-\d{2}-\d{2})[ \t]*$")


def _yaml_dates(form: bytes) -> Change:
    """Every ``date: YYYY-MM-DD`` of a YAML file written as ``form`` (``%Y%m%d`` or an ISO
    week: quoted, so that YAML reads text and the date reader sees it)."""
    def f(raw: bytes) -> bytes:
        return _YAML_DATE.sub(lambda m: form if form != b"YMD" else m.group(1) + m.group(2)
                              + m.group(3), raw)
    return f


def _yaml(raw: bytes) -> list[Variant]:
    if not _YAML_DATE.search(raw):
        return []
    return [("every date as 20250516 (YAML: the integer 20250516)", _yaml_dates(b"YMD"), True),
            ("every date as '2025-W20' (an ISO week)", _yaml_dates(b"'2025-W20'"), True),
            ("every date as '2025-W20-5' (an ISO week day)", _yaml_dates(b"'2025-W20-5'"),
             True)]


def _table_dates(raw: bytes, delim: bytes, header_rows: int, form: str) -> bytes:
    cell = re.compile(rb"^(\d{4})-(\d{2})-(\d{2})$")
    lines = raw.split(b"\n")
    out = lines[:header_rows]
    for ln in lines[header_rows:]:
        out.append(delim.join(
            (m.group(1) + m.group(2) + m.group(3) if form == "YMD" else form.encode())
            if (m := cell.match(c)) else c for c in ln.split(delim)))
    return b"\n".join(out)


def _table(fmt: str, delim: str, header_rows: int) -> list[Variant]:
    if fmt != "commitments":  # the one table detente reads dates from itself (events: DuckDB)
        return []
    d = delim.encode()
    return [(f"every date cell as {form if form != 'YMD' else '20140905'}",
             lambda r, form=form: _table_dates(r, d, header_rows, form), True)
            for form in ("YMD", "2014-W36-5")]


def _header_date(value: bytes) -> Change:
    return lambda r: _HEADER_DATE.sub(lambda m: m.group(1) + value, r, count=1)


def _text(raw: bytes, article: bool) -> list[Variant]:
    """``article``: the file is an article of ``extract`` (a refusal is sure); a source text of
    ``check --sources`` is only read for its quotes."""
    out: list[Variant] = []
    if _HEADER_DATE.search(raw):
        for value in (b"2025-05-167", b"2025-05-16junk", b"2025-05-16T99:99", b"20250516",
                      b"2025-W20-5"):
            out.append((f"header Date {value.decode()}", _header_date(value), article))
    head, sep, _ = raw.partition(b"\n---\n")
    if sep:
        out.append(("a BOM and the header alone (no dashes, no body)",
                    lambda r, h=head: b"\xef\xbb\xbf" + h + b"\n", False))
        out.append(("the header and its dashes, no body", lambda r, h=head: h + b"\n---\n",
                    article))
    out.append(("U+2029 between sentences", lambda r: r.replace(b". ", b". \xe2\x80\xa9"),
                False))
    out.append(("a NUL byte after the first 8 KB",
                lambda r: r + b"\n" + b"Filler text. " * 700 + b"\x00 tail\n", article))
    return out


def _gold(files: dict[str, bytes], main: str) -> list[tuple[str, dict[str, bytes], bool]]:
    """Gold-folder variants: (label, the folder's files, surely refused)."""
    try:
        gold = json.loads(files[main])
    except ValueError:
        return []
    if not isinstance(gold, dict):
        return []
    out: list[tuple[str, dict[str, bytes], bool]] = []

    def with_(change: Callable[[dict], None]) -> dict[str, bytes]:  # type: ignore[type-arg]
        g = json.loads(json.dumps(gold))
        change(g)
        return {**files, main: json.dumps(g, indent=1, ensure_ascii=False).encode()}

    def item(name: str, key: str, value: object) -> Callable[[dict], None]:  # type: ignore[type-arg]
        return lambda g: g[name][0].__setitem__(key, value)

    if gold.get("signals"):
        out += [("signals[0].quote empty", with_(item("signals", "quote", "")), True),
                ("signals[0].quote blank", with_(item("signals", "quote", "  ")), True),
                ("signals[0].date a number", with_(item("signals", "date", 20250516)), True),
                ("signals[0].actor empty", with_(item("signals", "actor", "")), True)]
    if gold.get("positions"):
        out.append(("positions[0].position a number",
                    with_(item("positions", "position", 5)), True))
    if gold.get("actors"):
        out.append(("the first actor listed twice",
                    with_(lambda g: g["actors"].append(g["actors"][0])), True))
    stem = Path(main).stem
    out.append(("a gold file without its article (99.json)",
                {**files, "99.json": files[main]}, True))
    if f"{stem}.txt" in files:
        out.append((f"the article renamed (98.txt beside {main})",
                    {k if k != f"{stem}.txt" else "98.txt": v for k, v in files.items()},
                    True))
    return out


def cases(fmt: str, files: dict[str, bytes], main: str, kind: str, delimiter: str = ",",
          header_rows: int = 1) -> list[Case]:
    """The round-11 byte variants of ``files[main]`` (as :func:`fuzz.whole.whole_cases`)."""
    raw = files[main]
    variants: list[Variant] = []
    if kind == "yaml":
        variants = _yaml(raw)
    elif kind == "table":
        variants = _table(fmt, delimiter, header_rows)
    elif kind == "text":
        variants = _text(raw, fmt == "article")
    out = []
    for label, change, sure in variants:
        new = change(raw)
        if new != raw:
            out.append(Case(fmt, f"{main}: {label} {TAG}", {**files, main: new}, sure))
    if kind == "json" and fmt == "gold":
        out += [Case(fmt, f"{main}: {label} {TAG}", fs, sure)
                for label, fs, sure in _gold(files, main)]
    return out


def is_new(case: Case) -> bool:
    """Whether ``case`` is one of this module's (``hostile_sweep.py --round 11``)."""
    return case.label.endswith((TAG, VALID))


# -- what a byte variant cannot express (--part round11) ----------------------------------------
def _empty_and_slash(tally: object, tmp: Path, seconds: float) -> None:
    """Every reader given ``""`` and a file path ending in ``/``; every value option ``""``."""
    from fuzz.paths import _readers
    from fuzz.round9 import option_commands9
    from fuzz.sweep import _short, classify, option_commands, prepare_store

    toy = tmp / "toy.yaml"
    toy.write_bytes(TOY.read_bytes())
    art = tmp / "a.txt"
    art.write_bytes(ART.read_bytes())
    work = tmp / "work"
    work.mkdir(exist_ok=True)
    for make in _readers(work):
        for label, path in (("an empty argument", ""), ("a file path ending in '/'",
                                                         f"{toy}/"),
                            ("an article path ending in '/'", f"{art}/")):
            argv = make(path)
            outcome, detail = classify(argv, ["''", path, path.rstrip("/")], True, seconds)
            tally.add("round11:input", outcome,  # type: ignore[attr-defined]
                      f"{label} | {' '.join(_short(argv))} | {detail}")
    prepare_store(tmp)
    seen: set[tuple[str, ...]] = set()
    for before, opt, _kind in option_commands(tmp) + option_commands9(tmp):
        key = (*before[:2], opt)
        if key in seen:
            continue
        seen.add(key)
        argv = [*before, opt, ""]
        outcome, detail = classify(argv, [opt], True, seconds)
        tally.add("round11:option", outcome,  # type: ignore[attr-defined]
                  f"'' | {' '.join(_short(argv))} | {detail}")


def date_commands(tmp: Path) -> list[tuple[list[str], str]]:
    """(command before the option, the date option) of every command that takes a date."""
    store = str(tmp / "s.sqlite")
    gen = str(ROOT / "tests" / "data" / "genius" / "y2010" / "EnglandZimbabwe")
    cred = ["signals", "credibility", "--actor", "RUS", "--no-store", "--draws", "50"]
    return [(["extract", str(ART), "-q"], "--date"), ([*cred], "--from"), ([*cred], "--to"),
            (["signals", "import", str(GDELT), "--store", store, "-q"], "--from"),
            (["signals", "import", str(GDELT), "--store", store, "-q"], "--to"),
            (["signals", "list", "--store", store, "--case", "ru-ua"], "--from"),
            (["import", "genius", gen, "-o", str(tmp / "g.yaml")], "--date")]


def _dates(tally: object, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify, prepare_store

    if not (tmp / "s.sqlite").exists():
        prepare_store(tmp)
    for before, opt in date_commands(tmp):
        for value in ODD_DATES:
            argv = [*before, opt, value]
            outcome, detail = classify(argv, [opt], True, seconds)
            tally.add("round11:date", outcome,  # type: ignore[attr-defined]
                      f"{' '.join(_short(argv))} | {detail}")


def sentences_article(path: Path, n: int = 58_000) -> Path:
    """An article of ``n`` short sentences naming one actor each (``n`` 58,000: 1 MB, under
    the 1,000,000-character body limit)."""
    path.write_text("Russia said yes. " * n, encoding="utf-8")
    return path


def _long_article(tally: object, tmp: Path, seconds: float) -> None:
    """In a subprocess under a 3 GB address-space limit (the quadratic reranker asked for
    ~20 GB) and the time bound."""
    from fuzz.harness import run_limited

    art = sentences_article(tmp / "sentences.txt")
    for extractor in ("learned", "rules"):
        argv = ["extract", str(art), "-q", "--extractor", extractor]
        try:
            run = run_limited(argv, mem_gb=3.0, timeout=seconds)
        except AssertionError as exc:  # the timeout
            outcome, detail = "hang", str(exc)[:200]
        else:
            text = run.out + run.err
            outcome, detail = (("traceback", text.strip().splitlines()[-1][:200])
                               if "Traceback" in text or run.code not in (0, 2)
                               else ("success", f"{run.seconds:.0f} s") if run.code == 0
                               else ("error", " ".join(run.err.split())[:200]))
        tally.add("round11:long-article", outcome,  # type: ignore[attr-defined]
                  f"58,000 sentences | extract --extractor {extractor} | {detail}")


#: Console environments: (label, environment changes; None removes the variable).
ENVIRONMENTS: list[tuple[str, dict[str, str | None]]] = [
    ("COLUMNS=0", {"COLUMNS": "0"}), ("COLUMNS=1", {"COLUMNS": "1"}),
    ("COLUMNS=-5", {"COLUMNS": "-5"}), ("COLUMNS=abc", {"COLUMNS": "abc"}),
    ("PYTHONIOENCODING=ascii", {"PYTHONIOENCODING": "ascii"}),
    ("PYTHONIOENCODING=latin-1", {"PYTHONIOENCODING": "latin-1"}),
    ("PYTHONUTF8=0 LC_ALL=C", {"PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C"}),
    ("LC_ALL=POSIX", {"LC_ALL": "POSIX"}), ("TERM=dumb", {"TERM": "dumb"}),
    ("NO_COLOR=1", {"NO_COLOR": "1"}), ("HOME=/proc (unwritable)", {"HOME": "/proc"}),
    ("HOME unset", {"HOME": None}),
]


def env_commands() -> list[list[str]]:
    """Commands whose console output holds tables, arrows and user text."""
    return [["check", str(TOY)], ["analyze", str(TOY)], ["extract", str(ART)], ["cases"],
            ["window", "ru-ua-2024-09", "--paths", "20", "--months", "2"],
            ["check", str(TOY) + ".nosuch"]]


def classify_process(argv: list[str], env: dict[str, str | None], names: list[str],
                     must_fail: bool, seconds: float, stdout: int | None = None,
                     stderr: int | None = None) -> tuple[str, str]:
    """``detente ARGV`` in a subprocess with ``env`` changed; the classes of
    :func:`fuzz.sweep.classify`, and a success that prints nothing (``COLUMNS=0``) is wrong."""
    full = {k: v for k, v in os.environ.items() if env.get(k, "") is not None}
    full.update({k: v for k, v in env.items() if v is not None})
    import detente  # the tree under test (its src folder), whichever that is

    src = str(Path(detente.__file__).resolve().parents[1])
    full["PYTHONPATH"] = os.pathsep.join([src, full.get("PYTHONPATH", "")])
    t0 = time.monotonic()
    try:
        res = subprocess.run([sys.executable, "-m", "detente.cli.app", *argv], env=full,
                             stdout=stdout if stdout is not None else subprocess.PIPE,
                             stderr=stderr if stderr is not None else subprocess.PIPE,
                             timeout=seconds)
    except subprocess.TimeoutExpired:
        return "hang", f"past {seconds:.0f} s"
    out = (res.stdout or b"").decode("utf-8", "replace")
    err = (res.stderr or b"").decode("utf-8", "replace")
    text = out + err
    if "Traceback" in text:
        return "traceback", text.strip().splitlines()[-1][:300]
    if res.returncode not in (0, 2):
        return "traceback", f"exit {res.returncode}: {text.strip()[-300:]}"
    if res.returncode == 2:
        flat = " ".join(err.split())
        if stderr is None and ("error" not in flat.lower() or not any(n in flat for n in names)):
            return "unclear", flat[-300:] or "(no message)"
        return "error", flat[:300]
    if must_fail:
        return "wrong", f"exit 0 in {time.monotonic() - t0:.1f} s: {text.strip()[-200:]}"
    if stdout is None and not out.strip():
        return "wrong", "exit 0 and nothing printed"
    return "success", ""


def _environments(tally: object, seconds: float) -> None:
    for label, env in ENVIRONMENTS:
        for argv in env_commands():
            sure = argv[-1].endswith(".nosuch")
            outcome, detail = classify_process(argv, env, [argv[-1]], sure, seconds)
            tally.add("round11:env", outcome,  # type: ignore[attr-defined]
                      f"{label} | {' '.join(argv[:2])} | {detail}")
    # standard streams: a full device, closed streams (exit 0 or 2, never a traceback or 1)
    with open("/dev/full", "wb") as full:
        for argv in (["analyze", str(TOY)], ["cases"]):
            outcome, detail = classify_process(argv, {}, ["cannot write the output"], True,
                                               seconds, stdout=full.fileno())
            tally.add("round11:streams", outcome,  # type: ignore[attr-defined]
                      f">/dev/full | {' '.join(argv[:2])} | {detail}")
        for argv in (["check", "nosuch-case"], ["analyze", str(TOY), "--draws", "1_0"]):
            outcome, detail = classify_process(argv, {}, [], True, seconds,
                                               stderr=full.fileno())
            tally.add("round11:streams", outcome,  # type: ignore[attr-defined]
                      f"2>/dev/full | {' '.join(argv[:2])} | {detail}")


class _Env:
    """``os.environ`` changed for an in-process run, then put back."""

    def __init__(self, **env: str | None) -> None:
        self.env, self.old = env, {k: os.environ.get(k) for k in env}

    def __enter__(self) -> None:
        for k, v in self.env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def __exit__(self, *exc: object) -> None:
        for k, v in self.old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _settings(tally: object, tmp: Path, seconds: float) -> None:
    from fuzz.sweep import _short, classify

    for url in ("notaurl", "http://127.0.0.1:1", "file:///etc/passwd", "http://[::1"):
        argv = ["extract", str(ART), "-q", "--llm"]
        with _Env(DETENTE_LLM_URL=url, DETENTE_LLM_MODEL="m"):
            outcome, detail = classify(argv, ["DETENTE_LLM_URL"], True, seconds)
        tally.add("round11:settings", outcome,  # type: ignore[attr-defined]
                  f"DETENTE_LLM_URL={url} | {' '.join(_short(argv))} | {detail}")
    argv = ["signals", "import", str(GDELT), "--store", str(tmp / "empty-mem.sqlite"), "-q"]
    with _Env(DETENTE_DUCKDB_MEMORY=""):
        outcome, detail = classify(argv, ["DETENTE_DUCKDB_MEMORY"], False, seconds)
    if outcome == "error":  # set empty is the default, as DETENTE_MEMORY_LIMIT= is
        outcome, detail = "wrong", "refused the default: " + detail
    tally.add("round11:settings", outcome,  # type: ignore[attr-defined]
              f"DETENTE_DUCKDB_MEMORY='' | {' '.join(_short(argv))} | {detail}")


def sweep_round11(tally: object, seconds: float = 60.0) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        _empty_and_slash(tally, tmp, seconds)
        _dates(tally, tmp, seconds)
        _settings(tally, tmp, seconds)
        _long_article(tally, tmp, seconds)
    _environments(tally, seconds)
