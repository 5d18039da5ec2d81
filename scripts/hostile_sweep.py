"""The hostile-input sweep: structure-aware mutations of every bundled case and fixture format,
hostile option values, the Python API with wrong types, the workbench's endpoints with malformed
requests; prints the counts (runs, clear errors, successes, tracebacks, hangs, wrong successes,
unclear errors) and every finding.

    PYTHONPATH=src:tests python3 scripts/hostile_sweep.py --n 40 --seed 0

``--n``: one-field mutations per source (the test suite runs 2 per source, seed 0; ``--n 0``
runs the whole-file variants alone); every whole-file variant of :mod:`fuzz.whole` runs too
unless ``--no-whole``; ``--new-only`` keeps only the round-7 families of :mod:`fuzz.damage`,
``--round 8`` only the round-8 families of :mod:`fuzz.round8`, ``--round 9`` those of
:mod:`fuzz.round9`, ``--round 10`` those of :mod:`fuzz.round10`, ``--round 11`` those of
:mod:`fuzz.round11`, ``--round 12`` those of :mod:`fuzz.round12`;
``--only FORMAT`` limits the file part to formats whose name starts with FORMAT; ``--part``
picks files, options, api, web, paths, round8, round9, round10, round11, round12 or round13
(default all; paths:
tests/fuzz/paths.py; round8: the folder, permission and scale cases of tests/fuzz/round8.py;
round9: endless inputs, output paths, the options left out before and timeline on scenario
variants, tests/fuzz/round9.py; round10: the byte variants of tests/fuzz/round10.py for every
source, then sockets, sparse and changing files, number spellings of every option and workbench
uploads; round11: the byte variants of tests/fuzz/round11.py, then empty arguments, trailing
slashes, odd dates, a 1 MB article of short sentences, console environments and settings;
round12: the gold-date variants of tests/fuzz/round12.py, then file names that are not UTF-8,
options given twice, a locked event store, settings from the environment, Scenario objects
that skipped validation, keys that are not text and Monte Carlo of one draw; round13: outputs
onto inputs, gold JSON of wrong types, odd settings, unread GENIUS attributes, event files of
mixed encodings and workbench forms given what they do not hold, tests/fuzz/round13.py;
round14: round 13's leftovers (outputs deep in a GENIUS tree, --store '~/x', a Latin-1 line,
GENIUS notes printed twice), SQLite files that are no event store, confusing YAML, event files
and articles that are something else, odd output places and workbench requests,
tests/fuzz/round14.py).
Exits 1
when any run is in a bad class.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz.sweep import Tally, sweep_files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="mutations per source")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default=None)
    ap.add_argument("--no-whole", action="store_true",
                    help="leave out the whole-file variants (empty, binary, UTF-16, bombs, …)")
    ap.add_argument("--new-only", action="store_true",
                    help="only the round-7 families of tests/fuzz/damage.py (byte damage, "
                    "YAML/table/XML/JSON specials, chained commands)")
    ap.add_argument("--round", type=int, choices=[8, 9, 10, 11, 12], default=None,
                    help="only the round-8 (9, 10, 11) families of tests/fuzz/round8.py "
                    "(round9.py, round10.py, round11.py, round12.py) with --part files; "
                    "--part round8 (round9, round10, round11, round12) runs their other cases")
    ap.add_argument("--part", action="append",
                    choices=["files", "options", "api", "web", "paths", "round8", "round9",
                             "round10", "round11", "round12", "round13", "round14"])
    ap.add_argument("--seconds", type=float, default=60.0, help="time bound of one run")
    ap.add_argument("--skip", action="append", default=[],
                    help="leave out option runs whose command line holds this text")
    ap.add_argument("--show-successes", action="store_true",
                    help="also list every run that exited 0 (to review for silent successes)")
    args = ap.parse_args()
    parts = args.part or ["files", "options", "api", "web", "paths", "round8", "round9",
                          "round10", "round11", "round12", "round13", "round14"]
    tally = Tally()
    t0 = time.monotonic()
    if "files" in parts:
        sweep_files(tally, args.n, args.seed, args.seconds, args.only, not args.no_whole,
                    args.new_only, args.round == 8, args.round == 9, args.round == 10,
                    args.round == 11, args.round == 12)
    if "options" in parts:
        from fuzz.sweep import sweep_options
        sweep_options(tally, args.seed, args.seconds, tuple(args.skip))
    if "api" in parts:
        from fuzz.sweep import sweep_api
        sweep_api(tally, args.seconds)
    if "paths" in parts:
        from fuzz.paths import sweep_paths
        sweep_paths(tally, args.seconds)
    if "round8" in parts:
        from fuzz.round8 import sweep_round8
        sweep_round8(tally, args.seconds)
    if "round9" in parts:
        from fuzz.round9 import sweep_round9
        sweep_round9(tally, args.seconds)
    if "round10" in parts:
        from fuzz.round10 import sweep_round10
        if "files" not in parts:  # the round-10 byte variants of every source
            sweep_files(tally, 0, args.seed, args.seconds, args.only, True, False, False,
                        False, True)
        sweep_round10(tally, args.seconds)
    if "round11" in parts:
        from fuzz.round11 import sweep_round11
        if "files" not in parts:  # the round-11 byte variants of every source
            sweep_files(tally, 0, args.seed, args.seconds, args.only, True, False, False,
                        False, False, True)
        sweep_round11(tally, args.seconds)
    if "round12" in parts:
        from fuzz.round12 import sweep_round12
        if "files" not in parts:  # the round-12 byte variants of every source
            sweep_files(tally, 0, args.seed, args.seconds, args.only, True, False, False,
                        False, False, False, True)
        sweep_round12(tally, args.seconds)
    if "round13" in parts:
        from fuzz.round13 import sweep_round13
        sweep_round13(tally, args.seconds)
    if "round14" in parts:
        from fuzz.round14 import sweep_round14
        sweep_round14(tally, args.seconds)
    if "web" in parts:
        from fuzz.sweep import sweep_web
        sweep_web(tally)
    for line in tally.successes if args.show_successes else []:
        print("SUCCESS", line)
    for line in tally.findings:
        print(line)
    print()
    fmts = sorted({f for f, _ in tally.per_format})
    for f in fmts:
        row = {o: tally.per_format[(f, o)] for o in
               ("error", "success", "traceback", "hang", "wrong", "unclear")}
        print(f"  {f:28s} " + " ".join(f"{k} {v}" for k, v in row.items()))
    print(f"\n{tally.summary()}  [{time.monotonic() - t0:.0f} s, load "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}]")
    return 1 if tally.bad() else 0


if __name__ == "__main__":
    sys.exit(main())
