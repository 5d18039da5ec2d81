"""Pareto frontier + Nash point on GENIUS/ANAC domains, side by side with negmas when installed.

Each case runs in its own child process so that its peak RSS (``resource.getrusage``) is its
own. Per case it prints: outcomes, parties, frontier size (points and distinct utility vectors),
load time, frontier + Nash time (best of ``--repeat``), peak RSS, and — when ``negmas`` is
importable and the space is small enough for it — negmas's frontier + Nash time measured in the
same child process right after ours, and the ratio.

Cases: AMPOvsCity (1.94 M outcomes), the 7issues template (10^7), a three-party 5.76 M-outcome
grid, a three-party 5.76 M-outcome grid with heavy ties (≈ 600 distinct frontier vectors reached
by ≈ 1 M outcomes, the shape of the ANAC 2016 energy domain), two additive 10^10-outcome
domains and the non-linear 10^10 / 10^20 ANAC domains. The
three-party grid and the additive 10^10 domains are generated here (fixed seeds) and written as
GENIUS XML, then read back with the same reader as the bundled ones: the ANAC 2016 three-party
energy domain is not among the bundled data, and the bundled 10^10 domains are non-linear.

Run:  python benchmarks/bench_genius.py [--repeat 3] [--no-negmas] [--negmas-max 2e7]

``--batch`` runs ``detente analyze DIR`` (the command line's code path and defaults) on every
folder of ``../shared/data/genius`` in one process and prints the total time, the slowest five
and the domains over ``--limit`` seconds (default 30):

      python benchmarks/bench_genius.py --batch

``--nonlinear`` instead runs every non-linear domain of the shared data with more than
``--min-outcomes`` (default 10^21) outcomes, i.e. those beyond the exact reach of the search,
and prints per domain the time, the frontier size and the ``gap`` (0: exact), each domain in its
own process, with ``--max-nodes`` (default 20,000) and ``--time-limit`` passed to the search:

      python benchmarks/bench_genius.py --nonlinear [--max-nodes 20000] [--time-limit S]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GENIUS = ROOT / ".." / "shared" / "data" / "genius"

# name: (folder or generator, target seconds for frontier + Nash)
CASES: dict[str, tuple[str, float | None]] = {
    "AMPOvsCity": ("other/AMPOvsCity", 0.25),
    "7issues": ("templates/7issues", 1.5),
    "three-party-5.76M": ("gen:three", 3.0),
    "three-party-ties-5.76M": ("gen:ties3", 2.0),
    "additive-1e10-integer": ("gen:int10", 5.0),
    "additive-1e10-discrete": ("gen:disc10", 5.0),
    "10issues (non-linear 1e10)": ("other/10issues", 5.0),
    "S-1NIKFRT-1 (non-linear 1e10)": ("other/S-1NIKFRT-1", 5.0),
    "S-1NAGUNL-114 (non-linear 1e10)": ("other/S-1NAGUNL-114", 5.0),
    "S-1NIKFRT-2 (non-linear 1e20)": ("other/S-1NIKFRT-2", None),
}


# -- generated domains, written as GENIUS XML ----------------------------------------------------
def _write_discrete(folder: Path, sizes: list[int], parties: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    issues = "".join(
        f'<issue index="{k + 1}" name="issue{k + 1}" type="discrete" etype="discrete" '
        f'vtype="discrete">' + "".join(f'<item index="{o + 1}" value="v{o + 1}"/>'
                                       for o in range(n)) + "</issue>\n"
        for k, n in enumerate(sizes))
    (folder / "domain.xml").write_text(
        f'<negotiation_template><utility_space number_of_issues="{len(sizes)}"><objective '
        f'index="0" name="root" type="objective" etype="objective">\n{issues}</objective>'
        "</utility_space></negotiation_template>\n")
    for p in range(parties):
        w = rng.dirichlet(np.ones(len(sizes)))
        body = "".join(
            f'<issue index="{k + 1}" name="issue{k + 1}" type="discrete">' + "".join(
                f'<item index="{o + 1}" value="v{o + 1}" evaluation="{int(e)}"/>'
                for o, e in enumerate(rng.integers(1, 101, n))) + "</issue>\n"
            for k, n in enumerate(sizes))
        weights = "".join(f'<weight index="{k + 1}" value="{float(x)!r}"/>'
                          for k, x in enumerate(w))
        (folder / f"party{p + 1}.xml").write_text(
            '<utility_space><objective index="0" name="root" type="objective" '
            f'etype="objective">\n{body}{weights}</objective><discount_factor value="1.0"/>'
            f'<reservation value="{0.3 + 0.1 * p}"/></utility_space>\n')


def _write_tied(folder: Path, seed: int = 61) -> None:
    """The tie structure of the ANAC 2016 three-party energy domain (5,764,801 outcomes, 589
    distinct frontier vectors reached by 924,385 outcomes), on the 5.76 M grid: each issue's
    values fall in three groups that every party evaluates alike (so outcomes tie), the groups
    evaluated in opposed, rotated orders, and issue weights from four distinct values. Seed 61
    gives 597 distinct frontier vectors reached by 1,080,348 outcomes."""
    rng = np.random.default_rng(seed)
    sizes = [10, 10, 10, 8, 8, 9, 10]
    base_w = np.array([0.1, 0.1, 0.15, 0.15, 0.15, 0.15, 0.2])
    evals = []
    for n in sizes:
        grp = np.sort(rng.integers(0, 3, n))
        grp[:3] = np.arange(3)
        lv = np.sort(rng.choice(np.arange(1, 6), 3, replace=False))
        ge = np.stack([lv[[0, 1, 2]], lv[[1, 2, 0]], lv[[2, 0, 1]]])[:, rng.permutation(3)]
        evals.append(ge[:, grp])
    weights = np.stack([rng.permutation(base_w) for _ in range(3)])
    issues = "".join(
        f'<issue index="{k + 1}" name="issue{k + 1}" type="discrete">' + "".join(
            f'<item index="{o + 1}" value="v{o + 1}"/>' for o in range(n)) + "</issue>\n"
        for k, n in enumerate(sizes))
    (folder / "domain.xml").write_text(
        '<negotiation_template><utility_space><objective index="0" name="root" '
        f'type="objective">\n{issues}</objective></utility_space></negotiation_template>\n')
    for p in range(3):
        body = "".join(
            f'<issue index="{k + 1}" name="issue{k + 1}" type="discrete">' + "".join(
                f'<item index="{o + 1}" value="v{o + 1}" evaluation="{int(e)}"/>'
                for o, e in enumerate(evals[k][p])) + "</issue>\n" for k in range(len(sizes)))
        ws = "".join(f'<weight index="{k + 1}" value="{float(x)!r}"/>'
                     for k, x in enumerate(weights[p]))
        (folder / f"party{p + 1}.xml").write_text(
            f'<utility_space><objective index="0" name="root" type="objective">\n{body}{ws}'
            f'</objective><reservation value="0.3"/></utility_space>\n')


def _write_integer(folder: Path, n_issues: int, parties: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    issues = "".join(f'<issue index="{k + 1}" name="i{k + 1}" type="integer" etype="integer" '
                     f'vtype="integer" lowerbound="1" upperbound="10"/>\n'
                     for k in range(n_issues))
    (folder / "domain.xml").write_text(
        '<negotiation_template><utility_space><objective index="0" name="root" '
        f'type="objective" etype="objective">\n{issues}</objective></utility_space>'
        "</negotiation_template>\n")
    for p in range(parties):
        w = rng.dirichlet(np.ones(n_issues))
        body = ""
        for k in range(n_issues):
            up = (k + p) % 2 == 0
            offset, slope = (0.05, 0.1) if up else (1.0, -0.1)
            body += (f'<issue index="{k + 1}" name="i{k + 1}" type="integer" lowerbound="1" '
                     f'upperbound="10"><evaluator ftype="linear" offset="{offset}" '
                     f'slope="{float(slope * rng.uniform(0.7, 1.3))!r}"/></issue>\n')
        weights = "".join(f'<weight index="{k + 1}" value="{float(x)!r}"/>'
                          for k, x in enumerate(w))
        (folder / f"party{p + 1}.xml").write_text(
            '<utility_space><objective index="0" name="root" type="objective" '
            f'etype="objective">\n{body}{weights}</objective><reservation value="0.4"/>'
            "</utility_space>\n")


def _folder(spec: str, tmp: Path) -> Path:
    if not spec.startswith("gen:"):
        return GENIUS / spec
    out = tmp / spec[4:]
    out.mkdir()
    if spec == "gen:three":
        _write_discrete(out, [10, 10, 10, 8, 8, 9, 10], 3, seed=2016)
    elif spec == "gen:ties3":
        _write_tied(out)
    elif spec == "gen:disc10":
        _write_discrete(out, [10] * 10, 2, seed=10)
    else:
        _write_integer(out, 10, 2, seed=1010)
    return out


# -- one case, in a child process ----------------------------------------------------------------
def _negmas(folder: Path, nash_ours: np.ndarray) -> dict[str, object]:
    import warnings

    warnings.filterwarnings("ignore")
    from negmas.inout import Scenario
    from negmas.preferences import nash_points, pareto_frontier

    from detente.formats.genius import _classify

    domains, profiles = _classify(folder)[:2]
    t0 = time.perf_counter()
    sc = Scenario.from_genius_files(domain=domains[0], ufuns=profiles, safe_parsing=False)
    t1 = time.perf_counter()
    assert sc is not None
    front, _ = pareto_frontier(sc.ufuns, issues=sc.outcome_space.issues)
    nash = nash_points(sc.ufuns, front, issues=sc.outcome_space.issues)
    t2 = time.perf_counter()
    return {"negmas_load": t1 - t0, "negmas_time": t2 - t1, "negmas_frontier": len(front),
            "negmas_nash": [float(x) for x in nash[0][0]] if nash else None,
            "negmas_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_case(name: str, repeat: int, negmas: bool, negmas_max: float) -> dict[str, object]:
    from detente.deals.genius import domain_frontier
    from detente.formats.genius import load_domain

    spec, target = CASES[name]
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(spec, Path(tmp))
        t0 = time.perf_counter()
        dom = load_domain(folder)
        load = time.perf_counter() - t0
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = domain_frontier(dom)
            times.append(time.perf_counter() - t0)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        distinct = len(res)
        nash = res.utilities[res.solutions["nash"]].tolist() \
            if isinstance(res.solutions, dict) else None
        out: dict[str, object] = {
            "case": name, "outcomes": dom.n_outcomes, "parties": len(dom.profiles),
            "frontier": res.n_outcomes or len(res), "distinct": distinct, "gap": res.gap,
            "method": res.method,
            "load": load, "time": min(times), "rss_mib": rss, "target": target, "nash": nash}
        if negmas and dom.n_outcomes <= negmas_max:
            try:
                out.update(_negmas(folder, np.array(nash or [])))
            except Exception as exc:  # report, do not hide, a peer failure
                out["negmas_error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
        elif negmas:
            out["negmas_error"] = f"not run: {dom.n_outcomes:.3g} outcomes > --negmas-max"
    return out


# -- the large non-linear domains: time, frontier size, gap -------------------------------------
def nonlinear_folders(min_outcomes: float) -> list[Path]:
    """Folders of the shared data whose profiles are non-linear, with more outcomes than
    ``min_outcomes``."""
    import logging

    from detente.formats.genius import is_genius_dir, load_domain

    logging.disable(logging.WARNING)  # reader warnings about other domains are not the point
    out = []
    for folder in sorted(p for p in GENIUS.glob("*/*") if p.is_dir()):
        if not is_genius_dir(folder):
            continue
        try:
            dom = load_domain(folder)
        except Exception:  # refused domains (e.g. Railway) are not cases here
            continue
        if not dom.additive and dom.n_outcomes > min_outcomes:
            out.append(folder)
    return out


def run_nonlinear(folder: Path, max_nodes: int, time_limit: float | None) -> dict[str, object]:
    from detente.deals.genius import to_rectangle_space
    from detente.deals.nonlinear import nonlinear_frontier
    from detente.formats.genius import load_domain

    rs = to_rectangle_space(load_domain(folder))
    t0 = time.perf_counter()
    f = nonlinear_frontier(rs, max_nodes=max_nodes, time_limit=time_limit)
    took = time.perf_counter() - t0
    return {"case": folder.name, "outcomes": rs.n_outcomes, "issues": len(rs.sizes),
            "rectangles": sum(len(r) for r in rs.rectangles), "frontier": len(f), "gap": f.gap,
            "nodes": f.nodes, "time": took,
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main_nonlinear(args: argparse.Namespace) -> None:
    if args.nonlinear_case:
        print(json.dumps(run_nonlinear(Path(args.nonlinear_case), args.max_nodes,
                                       args.time_limit)))
        return
    print(f"non-linear domains over {args.min_outcomes:.3g} outcomes; max_nodes "
          f"{args.max_nodes}, time_limit {args.time_limit}; each in its own process")
    head = (f"{'domain':16} {'outcomes':>9} {'issues':>6} {'rects':>5} {'front':>6} "
            f"{'gap':>7} {'time s':>8} {'RSS MiB':>8}")
    print(head)
    print("-" * len(head))
    for folder in nonlinear_folders(args.min_outcomes):
        cmd = [sys.executable, __file__, "--nonlinear-case", str(folder), "--max-nodes",
               str(args.max_nodes)]
        if args.time_limit is not None:
            cmd += ["--time-limit", str(args.time_limit)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"{folder.name:16} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{r['case']:16} {r['outcomes']:9.3g} {r['issues']:6d} {r['rectangles']:5d} "
              f"{r['frontier']:6d} {r['gap']:7.4f} {r['time']:8.2f} {r['rss_mib']:8.0f}")


# -- every shared domain through the command line, in one process ------------------------------
def run_batch(limit: float) -> None:
    """``detente analyze DIR --quiet --json …`` on every folder of the shared GENIUS data, one
    after the other in this process (the CLI's own defaults, e.g. its non-linear time limit):
    per domain the wall time; then the total, the slowest five and how many exceed ``limit``."""
    import contextlib
    import io
    import logging
    import os

    from detente.cli.app import _register, app
    from detente.errors import DetenteError

    logging.disable(logging.WARNING)  # reader warnings are printed by the CLI, not timed here
    _register()
    folders = sorted(p for p in GENIUS.glob("*/*") if p.is_dir())
    print(f"load average before: {os.getloadavg()}; {len(folders)} folders")
    rows: list[tuple[float, str, str]] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "record.json"
        for folder in folders:
            t0 = time.perf_counter()
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    app(args=["analyze", str(folder), "--quiet", "--json", str(out)],
                        standalone_mode=False)
                r = json.loads(out.read_text())
                status = (f"{r['outcomes']:.3g} outcomes, {r['method']}, "
                          f"{r['frontier_distinct']} distinct / "
                          f"{r['frontier_outcomes'] if r['frontier_outcomes'] else '-'} "
                          f"outcomes, gap {r['gap']:.4f}")
            except DetenteError as exc:
                status = "refused: " + str(exc).splitlines()[0][:90]
            rows.append((time.perf_counter() - t0, f"{folder.parent.name}/{folder.name}",
                         status))
    total = time.perf_counter() - start
    refused = [r for r in rows if r[2].startswith("refused")]
    print(f"{len(rows) - len(refused)} analysed, {len(refused)} refused, total {total:.1f} s, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, "
          f"load average after: {os.getloadavg()}")
    for _t, name, status in refused:
        print(f"  {name}: {status}")
    print("slowest five:")
    for t, name, status in sorted(rows, reverse=True)[:5]:
        print(f"  {t:7.2f} s  {name:32} {status}")
    over = [r for r in rows if r[0] > limit]
    print(f"over {limit:g} s: {len(over)}" + "".join(f"\n  {n} {t:.1f} s" for t, n, _ in over))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-negmas", action="store_true")
    ap.add_argument("--negmas-max", type=float, default=2e7,
                    help="largest space handed to negmas (it enumerates every outcome)")
    ap.add_argument("--case", choices=list(CASES), help=argparse.SUPPRESS)
    ap.add_argument("--only", nargs="*", help="run only these cases")
    ap.add_argument("--nonlinear", action="store_true",
                    help="time, frontier size and gap on the large non-linear domains")
    ap.add_argument("--min-outcomes", type=float, default=1e21)
    ap.add_argument("--max-nodes", type=int, default=20_000)
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--nonlinear-case", help=argparse.SUPPRESS)
    ap.add_argument("--batch", action="store_true",
                    help="every shared domain through `detente analyze`, in one process")
    ap.add_argument("--limit", type=float, default=30.0, help="--batch: seconds per domain")
    args = ap.parse_args()
    if args.batch:
        run_batch(args.limit)
        return
    if args.nonlinear or args.nonlinear_case:
        main_nonlinear(args)
        return
    try:
        import negmas  # noqa: F401

        has_negmas = not args.no_negmas
    except ImportError:
        has_negmas = False
    if args.case:
        print(json.dumps(run_case(args.case, args.repeat, has_negmas, args.negmas_max)))
        return
    if not GENIUS.is_dir():
        sys.exit(f"GENIUS data not found at {GENIUS}")
    print(f"negmas: {'yes' if has_negmas else 'not installed or disabled'}; "
          f"best of {args.repeat}; each case in its own process")
    head = (f"{'case':34} {'outcomes':>9} {'n':>2} {'front':>6} {'dist':>5} {'gap':>5} "
            f"{'load s':>7} {'ours s':>8} {'target':>6} {'RSS MiB':>8} {'negmas s':>9} "
            f"{'ratio':>7}")
    print(head)
    print("-" * len(head))
    for name in args.only or CASES:
        cmd = [sys.executable, __file__, "--case", name, "--repeat", str(args.repeat),
               "--negmas-max", str(args.negmas_max)] + (["--no-negmas"] if args.no_negmas else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"{name:34} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        neg = r.get("negmas_time")
        ratio = f"{neg / r['time']:.0f}x" if neg else "-"
        target = f"{r['target']:.2f}" if r["target"] else "-"
        print(f"{name:34} {r['outcomes']:9.3g} {r['parties']:2d} {r['frontier']:6d} "
              f"{r['distinct']:5d} {r['gap']:5.3f} {r['load']:7.3f} {r['time']:8.4f} "
              f"{target:>6} {r['rss_mib']:8.0f} "
              f"{(f'{neg:.2f}' if neg else '-'):>9} {ratio:>7}")
        if "negmas_error" in r:
            print(f"{'':34} negmas: {r['negmas_error']}")
        elif neg:
            print(f"{'':34} negmas: frontier {r['negmas_frontier']} points, Nash "
                  f"{r['negmas_nash']}, ours {r['nash']}, RSS after negmas "
                  f"{r['negmas_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
