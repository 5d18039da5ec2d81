"""Check that a speed change left every output as it was: run command lines from two source
trees and compare stdout, stderr, the exit code and every file written (``--json``, ``--csv``).

    git -C ../main archive HEAD src | tar -x -C /tmp/before
    python3 benchmarks/same_outputs.py --before /tmp/before/src

The command lines: ``cases`` (plain, ``--json``, ``--csv``), ``check`` and ``analyze`` of a
bundled case and of ``tests/toy.yaml``, ``analyze`` of GENIUS folders (AMPOvsCity, 10issues,
Jobs, IntegerDomain, a non-linear domain and the hostile GENIUS folders; the shared data when
present), ``check`` and ``analyze`` of the hostile YAML files, small ``forecast``, ``backtest``
and ``timeline`` runs, root options, help of every command, usage errors. Output paths are
replaced by ``OUT`` and the backtest's ``seconds:`` line is dropped before comparing. Prints
each difference and the count; exits 1 on any.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
HOSTILE = TESTS / "data" / "hostile"
GENIUS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "data" / "genius"
REF = TESTS / "data" / "reference"

Outcome = tuple[int, bytes, bytes, dict[str, bytes]]


def command_lines() -> list[list[str]]:
    toy = str(TESTS / "toy.yaml")
    lines = [
        ["cases"], ["cases", "--json", "{o}/c.json", "--csv", "{o}/csv"],
        ["check", "ru-ua-2024-09"], ["check", "ru-ua-2024-09", "--sources", "bundled", "--strict"],
        ["check", toy, "--json", "{o}/k.json"],
        ["analyze", "ru-ua-2024-09", "-q", "--json", "{o}/a.json"], ["analyze", "ru-ua-2022-03"],
        ["analyze", toy, "--json", "{o}/t.json"],
        ["forecast", str(REF / "bdm" / "emission.csv"), "-m", "eum", "--draws", "50", "-q",
         "--json", "{o}/f.json"],
        ["backtest", str(REF / "deu3-dev.tsv"), "-m", "compromise", "--bootstrap", "10", "-q"],
        # no option: the direct path (detente.cli.direct), and its errors
        ["backtest", str(REF / "deu3-dev.tsv")], ["backtest", "no-such.tsv"], ["backtest", "."],
        # the typed record only for an output file (the ninth session): JSON, CSV and HTML,
        # and the warnings of --fit-on the same file, which the record carries
        ["backtest", str(REF / "deu3-dev.tsv"), "-m", "smp", "--bootstrap", "20", "-q",
         "--json", "{o}/b.json", "--csv", "{o}/bcsv", "--html", "{o}/b.html"],
        ["backtest", str(REF / "deu3-dev.tsv"), "-m", "compromise", "--bootstrap", "10", "-q",
         "--fit-on", str(REF / "deu3-dev.tsv"), "--json", "{o}/f.json"],
        ["timeline", toy],
        ["--memory-limit", "1G", "cases"], ["--timestamp", "check", "ru-ua-2024-09"],
        ["--help"], ["-h"], ["--version"], ["analyse", "x"], ["analyze"], ["cases", "--json"],
        ["cases", "--bogus"], ["check", "no-such-case"], ["analyze", "--draws", "-5", "x"],
        ["signals", "nope"],
    ]
    lines += [[*c, "--help"] for c in (["cases"], ["check"], ["analyze"], ["timeline"],
                                        ["window"], ["signals"], ["signals", "list"], ["import"],
                                        ["import", "genius"], ["forecast"], ["backtest"],
                                        ["sensitivity"], ["extract"], ["agreements"], ["new"],
                                        ["serve"])]
    folders = [GENIUS / "other" / n for n in ("AMPOvsCity", "10issues", "Jobs", "IntegerDomain",
                                             "S-1NIKFRT-1")]
    for folder in [f for f in folders if f.is_dir()]:
        lines.append(["analyze", str(folder)])
    if (GENIUS / "other" / "AMPOvsCity").is_dir():
        ampo = str(GENIUS / "other" / "AMPOvsCity")
        lines += [["analyze", ampo, "-q"],
                  ["analyze", ampo, "--json", "{o}/g.json", "--csv", "{o}/gcsv"]]
    lines += [["analyze", str(p)] for p in sorted(HOSTILE.glob("genius_*")) if p.is_dir()]
    yamls = sorted(HOSTILE.glob("*.yaml"))
    lines += [["check", str(p)] for p in yamls] + [["analyze", str(p)] for p in yamls[:6]]
    return lines


def run(src: Path, argv: list[str], out: str) -> Outcome:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), str(TESTS)]), COLUMNS="120")
    proc = subprocess.run([sys.executable, "-m", "detente.cli.app",
                           *(a.format(o=out) for a in argv)],
                          capture_output=True, env=env, timeout=900, check=False)
    files = {p.relative_to(out).as_posix(): p.read_bytes()
             for p in sorted(Path(out).rglob("*")) if p.is_file()}
    mark = out.encode()
    stdout = b"".join(line for line in proc.stdout.replace(mark, b"OUT").splitlines(True)
                      if not line.startswith(b"seconds: "))  # the backtest's own timings
    return proc.returncode, stdout, proc.stderr.replace(mark, b"OUT"), files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="src folder of the old tree")
    ns = ap.parse_args()
    lines = command_lines()
    bad = 0
    for argv in lines:
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            old, new = run(ns.before.resolve(), argv, d1), run(ROOT / "src", argv, d2)
        if old != new:
            bad += 1
            print("DIFFERENT:", " ".join(argv), f"(exit {old[0]} → {new[0]})")
            for i, name in ((1, "stdout"), (2, "stderr")):
                if old[i] != new[i]:
                    print(f"  {name}: {old[i][-300:]!r}\n     now: {new[i][-300:]!r}")
            if old[3] != new[3]:
                print("  files:", sorted(k for k in {*old[3], *new[3]}
                                         if old[3].get(k) != new[3].get(k)))
    print(f"{len(lines)} command lines, {bad} with different outputs")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
