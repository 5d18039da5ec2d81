"""Hypothesis strategies over the grammar of each input format: a valid document of the format,
then mutations drawn from the classes that broke the CLI before (junk scalars, truncation,
duplicate keys, deep nesting, alias bombs, control bytes, Rich markup in text, huge numbers).

Each strategy gives ``(content, invalid)``: ``invalid`` is True when a mutation is known to
make the input unusable, so exit 0 would be a wrong success.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
TOY = (ROOT / "tests" / "toy.yaml").read_text(encoding="utf-8")
_CASE = yaml.safe_load((ROOT / "src" / "detente" / "cases" / "ru-ua-2024-09.yaml").read_text(
    encoding="utf-8"))
#: A standalone war file derived from the bundled scenario's war section (its one calibration).
WAR = yaml.safe_dump({k: _CASE[k] for k in ("id", "title", "date", "sources", "war")},
                     allow_unicode=True, sort_keys=False)
SIGNALS = (ROOT / "src" / "detente" / "cases" / "signals" / "ru-ua.yaml").read_text(
    encoding="utf-8")

#: Scalars that broke loaders: non-finite, negative, huge, wrong type, markup, tags, dates.
JUNK = [".nan", ".inf", "-.inf", "-1", "0", "1e309", "-1e309", "99999999999999999999999",
        "9" * 5000, "~", "[]", "{}", "'closing [/] tag'", "'[bold]x[/bold]'", "yes", "''",
        "2022-13-45", "!!binary aGVsbG8=", "!!python/object:os.system ls", "\"\\x00\"",
        "[1, [2, [3]]]", "{a: {b: {c: 1}}}", "-0.0", "1_000", "0x1F", "*nosuch", "'\u202e'",
        "\"\\u0001\"", "1.7976931348623157e308", "-9223372036854775809", "[.nan, .inf]"]


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """A "billion laughs" document: ``width ** levels`` nodes from a few hundred bytes."""
    out = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        out.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(out) + "\n"


def _mutate_lines(text: str, rnd: random.Random, n: int) -> tuple[str, bool]:
    """Apply ``n`` line-level mutations; True when one of them surely breaks the file."""
    lines = text.splitlines()
    tail: list[str] = []  # lines that surely break the file, added after every other change
    invalid = False
    dups: list[str] = []  # duplicated top-level keys: invalid only if the original survives
    for _ in range(n):
        op = rnd.choice(["junk", "junk", "junk", "drop", "dup", "truncate", "markup", "indent",
                         "control", "deep", "bomb", "recursive", "dupkey", "bom", "crlf"])
        i = rnd.randrange(len(lines)) if lines else 0
        if op == "junk" and lines and ":" in lines[i]:
            key, _, _ = lines[i].partition(":")
            lines[i] = f"{key}: {rnd.choice(JUNK)}"
        elif op == "drop" and lines:
            del lines[i]
        elif op == "dup" and lines:
            lines.insert(i, lines[i])
        elif op == "truncate":
            joined = "\n".join(lines)
            lines = joined[: rnd.randrange(len(joined) + 1)].splitlines()
        elif op == "markup" and lines and ":" in lines[i]:
            key, _, _ = lines[i].partition(":")
            lines[i] = f"{key}: 'closing [/] tag [red]x'"
        elif op == "indent" and lines:
            lines[i] = " " * rnd.randrange(1, 5) + lines[i]
        elif op == "control":
            tail.append("ctl: x" + rnd.choice(["\x01", "\x1f", "\x7f", "\x00"]))
            invalid = True  # YAML forbids these characters
        elif op == "deep":
            tail.append("deep: " + "[" * 150 + "]" * 150)
            invalid = True
        elif op == "bomb":
            tail += alias_bomb().splitlines()
            invalid = True
        elif op == "recursive":
            tail.append("loop: &loop [*loop]")
            invalid = True
        elif op == "dupkey":
            top = [m.group(1) for x in lines if (m := _TOP_KEY.match(x.lstrip("\ufeff")))]
            if top:
                tail.append(f"{top[0]}: again")
                dups.append(top[0])
        elif op == "bom":
            lines = ["\ufeff" + (lines[0] if lines else "")] + lines[1:]
        elif op == "crlf":
            return "\r\n".join(lines + tail) + "\r\n", invalid or _kept(lines, dups)
    return "\n".join(lines + tail) + "\n", invalid or _kept(lines, dups)


def _kept(lines: list[str], dups: list[str]) -> bool:
    """Whether a key duplicated at the end still has its original (a later drop or truncate
    can remove it, and then the document is valid)."""
    top = {m.group(1) for x in lines if (m := _TOP_KEY.match(x.lstrip("\ufeff")))}
    return any(k in top for k in dups)


@st.composite
def yaml_documents(draw: st.DrawFn, base: str) -> tuple[str, bool]:
    """A mutated copy of the YAML document ``base``."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(1, 4))
    return _mutate_lines(base, random.Random(seed), n)


@st.composite
def evidence_documents(draw: st.DrawFn) -> tuple[str, bool]:
    """Analyst-signal YAML built from its grammar (sources, actors with a prior, signals),
    with junk where the loader once crashed (``kept: -1``, ``broken: .nan``, non-mappings)."""
    invalid = False
    value = st.sampled_from(JUNK + ["3", "1", "ok", "seed-001"])
    n_src = draw(st.integers(0, 3))
    lines = ["sources:" if n_src else "sources: {}"]
    for k in range(n_src):
        lines.append(f"  s{k}: {{title: \"Source {k}\", date: {draw(value)}}}")
    lines.append("actors:")
    kept = draw(st.sampled_from(["0", "2", "-1", ".nan", "1.5", "yes", "'3'", "99999999"]))
    broken = draw(st.sampled_from(["0", "1", "-3", ".inf", "[]"]))
    if kept not in ("0", "2") or broken not in ("0", "1"):
        invalid = True
    lines.append(f"  RUS: {{name: Russia, prior: {{kept: {kept}, broken: {broken}, "
                 "assumption: toy}}")
    lines.append("signals:")
    for k in range(draw(st.integers(0, 3))):
        src = draw(st.sampled_from([f"s{j}" for j in range(n_src)] + ["nosuch"]))
        if src == "nosuch":
            invalid = True
        date = draw(st.sampled_from(["2022-03-29", "2022-02-30", ".nan", "~", "[1]"]))
        if date != "2022-03-29":
            invalid = True
        ind = draw(st.sampled_from(["de-escalation-declared", "neutral-contact", "bogus", "[x]"]))
        if ind in ("bogus", "[x]"):
            invalid = True
        lines.append(f"  - {{id: sig{k}, date: {date}, actor: RUS, target: UKR, "
                     f"indicator: {ind}, evidence: [{{source: {src}, quote: \"a quote [/]\"}}]}}")
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        # A line mutation may cut the junk away: only its own verdict stays certain.
        text, invalid = _mutate_lines(text, random.Random(draw(st.integers(0, 2**32 - 1))), 1)
    return text, invalid


# -- tables ------------------------------------------------------------------------------------
BAD_NUM = st.one_of(st.integers(-5, 150).map(str), st.sampled_from(
    ["", "nan", "inf", "-inf", "1e400", "abc", "50", "0", "100", "1e-320", "[/]", "  7 "]))
NUM = st.one_of(st.integers(1, 100).map(str), st.integers(1, 100).map(str), BAD_NUM)
SMALL = st.one_of(st.integers(0, 30).map(str), st.integers(0, 30).map(str), BAD_NUM)


@st.composite
def ktab_files(draw: st.DrawFn) -> tuple[str, bool]:
    """KTAB SMP CSV: ``name, description, N, K``, a header, N actor rows."""
    n = draw(st.integers(0, 5))
    k = draw(st.integers(1, 3))
    n_decl = draw(st.sampled_from([str(n)] * 6 + [str(n + 1), "x", "-2", "1e9"]))
    k_decl = draw(st.sampled_from([str(k)] * 6 + ["1000000000", "0", "-1", "2.5", "y"]))
    head = ["Actor", "Description", "Power"]
    for j in range(k):
        head += [f"Dim{j} Position", f"Dim{j} Salience"]
    rows = [f"Fuzz [/], test, {n_decl}, {k_decl}", ", ".join(head)]
    for i in range(n):
        cells = [f"A{i}", "desc", draw(NUM)]
        for _ in range(k):
            cells += [draw(NUM), draw(SMALL)]
        rows.append(", ".join(cells))
    invalid = n < 2 or n_decl != str(n) or k_decl != str(k)
    return "\n".join(rows) + "\n", invalid


@st.composite
def bdm_files(draw: st.DrawFn) -> tuple[str, bool]:
    """Bueno de Mesquita stakeholder CSV: ``Actor,Capability,Position,Salience``."""
    header = draw(st.sampled_from(["Actor,Capability,Position,Salience",
                                   "Stakeholder,Clout,Position,Salience",
                                   "Actor,Capability,Position", "Name,Power,Stance,Importance,X",
                                   "[/],a,b,c"]))
    n = draw(st.integers(0, 5))
    rows = [header] + [f"A{i} [bold],{draw(NUM)},{draw(NUM)},{draw(SMALL)}" for i in range(n)]
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return sep.join(rows) + sep, n < 2


def deu_header() -> list[str]:
    from detente.formats.deu import ACTORS

    return (["prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "type", "council", "proc",
             "counvte", "proccde", "issues", "intro", "finact"]
            + [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS] + ["rp", "out"])


@st.composite
def deu_files(draw: st.DrawFn) -> tuple[str, bool]:
    """DEU III TSV: header, GDP row, issue rows (positions/saliences 0–100 or blank)."""
    head = deu_header()
    n_actors = (len(head) - 15) // 2
    rows = ["\t".join(f'"{h}"' for h in head)]
    rows.append("\t".join([""] * 13 + [str(draw(st.integers(0, 20))) for _ in head[13:]]))
    for i in range(draw(st.integers(0, 4))):
        pos = [draw(st.sampled_from(["", "0", "50", "100", "x", "-5", "nan"]))
               for _ in range(n_actors)]
        sal = [draw(st.sampled_from(["", "50", "80", "inf"])) for _ in range(n_actors)]
        meta = [f'"{i}"', f'"{i}"', f'"d{draw(st.sampled_from(["00060", "x", "99999"]))}"',
                '"name [/]"', f'"{i}"', '"t"', '"c"', draw(st.sampled_from(['"cod"', '"cns"'])),
                draw(st.sampled_from(['"qmv"', '"unan"', '""'])), '"p"', "1", "", ""]
        rows.append("\t".join(meta + pos + sal + [draw(NUM), draw(NUM)]))
    return "\n".join(rows) + "\n", False


# -- GENIUS ------------------------------------------------------------------------------------
RESERVATION = st.sampled_from(["0", "0.2", "0.35", "0", "0.1", "0.3", "-1", "2", "", "nan",
                              "1e400"])


@st.composite
def genius_folders(draw: st.DrawFn) -> tuple[dict[str, bytes], bool]:
    """A GENIUS folder: a domain XML with discrete and integer issues and 2–3 profiles, with
    the hostile classes (bogus encoding, non-numeric index, truncation, empty profile, huge
    integer range, negative weights)."""
    invalid = False
    k = draw(st.integers(1, 3))
    issues = []
    for j in range(k):
        if draw(st.sampled_from([True] * 4 + [False])):
            items = "".join(f'<item index="{v + 1}" value="v{v}"/>'
                            for v in range(draw(st.sampled_from([3] * 8 + [0, 1, 4]))))
            issues.append(f'<issue index="{j + 1}" name="i{j}" type="discrete" '
                          f'etype="discrete" vtype="discrete">{items}</issue>')
        else:
            hi = draw(st.sampled_from(["3", "3", "10", "1000000000000000", "-1", "x"]))
            issues.append(f'<issue index="{j + 1}" name="i{j}" type="integer" etype="integer" '
                          f'vtype="integer" lowerbound="0" upperbound="{hi}"/>')
    index_attr = draw(st.sampled_from(["1", "1", "1", "abc", ""]))
    enc = draw(st.sampled_from(["UTF-8"] * 6 + ["x-bogus", "UTF-16"]))
    if enc in ("x-bogus",):
        invalid = True
    domain = (f'<?xml version="1.0" encoding="{enc}"?>\n<negotiation_template>'
              f'<utility_space number_of_issues="{k}"><objective index="{index_attr}" '
              f'name="root" type="objective">{"".join(issues)}</objective></utility_space>'
              "</negotiation_template>\n")
    files = {"domain.xml": domain.encode("utf-8")}
    for p in range(draw(st.sampled_from([2, 2, 3, 3, 1]))):
        w = st.one_of(st.just(f"{1 / k:.6f}"), st.just(f"{1 / k:.6f}"), BAD_NUM)
        weights = "".join(f'<weight index="{j + 1}" value="{draw(w) or "0.5"}"/>'
                          for j in range(k))
        evals = "".join(f'<issue index="{j + 1}" etype="discrete" type="discrete" '
                        f'vtype="discrete" name="i{j}">'
                        + "".join(f'<item index="{v + 1}" value="v{v}" evaluation="{draw(NUM)}"/>'
                                  for v in range(3)) + "</issue>" for j in range(k))
        evals = evals if all("discrete" in x for x in issues) else evals.replace(
            'etype="discrete"', "")
        text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<utility_space>'
                f'<objective index="0" name="root" type="objective">{weights}{evals}'
                f'</objective><reservation value="{draw(RESERVATION)}"/></utility_space>\n')
        cut = draw(st.sampled_from([None] * 8 + [0, 40]))
        if cut is not None:
            text = text[:cut]
            invalid = True
        files[f"profile{p + 1}.xml"] = text.encode("utf-8")
    return files, invalid


# -- event files -----------------------------------------------------------------------------
@st.composite
def event_files(draw: st.DrawFn, rows: list[bytes]) -> tuple[bytes, int]:
    """A GDELT 2.0 file built from real rows: some mutated (a field replaced, a control byte,
    a carriage return, a field dropped), blank lines, a BOM. Also returns the number of rows
    left intact (the import must keep each of them)."""
    out = []
    intact = 0
    for _ in range(draw(st.integers(1, 12))):
        row = draw(st.sampled_from(rows))
        op = draw(st.sampled_from(["keep", "keep", "keep", "field", "control", "cr", "drop",
                                   "blank", "markup"]))
        fields = row.split(b"\t")
        if op == "keep":
            intact += 1
        elif op == "field":
            j = draw(st.integers(0, len(fields) - 1))
            fields[j] = draw(st.sampled_from([b"", b"x", b"99999999", b"-1", b"2015-02-18",
                                              b"[/]"]))
            row = b"\t".join(fields)
        elif op == "control":
            j = draw(st.integers(0, len(row)))
            row = row[:j] + draw(st.sampled_from([b"\x1f", b"\x01", b"\x0b"])) + row[j:]
        elif op == "cr":
            j = draw(st.integers(0, len(row)))
            row = row[:j] + b"\r" + row[j:]
        elif op == "drop":
            row = b"\t".join(fields[:-1])
        elif op == "blank":
            row = b""
        elif op == "markup":
            fields[6] = b"[/] closing [bold]"
            row = b"\t".join(fields)
        out.append(row)
    data = b"\n".join(out) + draw(st.sampled_from([b"\n", b"", b"\r\n"]))
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, intact


def dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
