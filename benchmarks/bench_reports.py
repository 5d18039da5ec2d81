"""Chart layer and report weight (issue 22 item 4; the workbench's page-weight target is 2 MB):
for the deal analysis of every bundled case, the time to build its chart specs, the size of
the specs as JSON (what the app sends) and the size of the self-contained HTML report (the
vendored Vega libraries inlined once, about 0.83 MB, plus the data).

Run: ``python benchmarks/bench_reports.py [--draws N]`` (default 1,000 draws, seed 1). Prints
one line per case and the machine's load average (the figures are wall-clock times).
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    from detente import api
    from detente.cases import case_names
    from detente.report import charts
    from detente.report.deals import render

    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    libs = len(charts.scripts().encode())
    print(f"load average {os.getloadavg()}; vendored libraries inlined: {libs / 1e6:.2f} MB")
    print(f"{'case':<22}{'charts':>7}{'specs ms':>10}{'specs MB':>10}{'report MB':>11}"
          f"{'render ms':>11}")
    for case in case_names():
        record = api.analyze(case, draws=args.draws, seed=1)
        t0 = time.perf_counter()
        specs = charts.for_record(record)
        t1 = time.perf_counter()
        payload = charts.to_json(specs)
        html = render(record, api.load(case))  # type: ignore[arg-type]
        t2 = time.perf_counter()
        print(f"{case:<22}{len(specs):>7}{1000 * (t1 - t0):>10.1f}"
              f"{len(payload.encode()) / 1e6:>10.3f}{len(html.encode()) / 1e6:>11.3f}"
              f"{1000 * (t2 - t1):>11.1f}")


if __name__ == "__main__":
    main()
