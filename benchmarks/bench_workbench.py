"""Workbench benchmark (issue 22) in a real browser (Debian's chromium through Playwright):

- app start: ``detente serve`` launched → first page answered (targets ≤ 3 s), 3 launches;
- page weight: bytes transferred to load each bundled case's page with its charts drawn
  (HTML, scripts, styles; gzip as served; target ≤ 2 MB);
- edit-to-redrawn-chart: a value changed in the form (Enter) → the analysis re-run on the
  server → the ZOPA figure and every chart of the analysis panel redrawn (target ≤ 1 s on the
  bundled cases; deterministic analysis). Three edits per case (new values, no cache hit on
  the analysis): the first BATNA twice (the Pareto frontiers are reused) and the first
  salience (they are recomputed). Besides the wall time, the CPU seconds of the work itself —
  the server's request and the page's main thread — which the machine's load does not stretch.

Run: ``PYTHONPATH=src:tests python3 benchmarks/bench_workbench.py`` (needs chromium and
``pip install -e '.[test]'``). Prints the figures and the load average: on the shared 2-core
machine the figures rise with the load.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from detente.cases import case_names
from web.browser import chromium, missing, server

MB = 1024 * 1024


def start_times(out: Path, n: int = 3) -> list[float]:
    times = []
    for _ in range(n):
        with server(out) as (_, seconds):
            times.append(seconds)
    return times


def page_weight(pg: object, url: str) -> int:
    sizes: list[object] = []

    def keep(req: object) -> None:
        sizes.append(req)

    pg.on("requestfinished", keep)  # type: ignore[attr-defined]
    pg.goto(url)  # type: ignore[attr-defined]
    pg.wait_for_selector("#analysis figure.chart svg, #analysis figure.chart canvas",  # type: ignore[attr-defined]
                         timeout=60_000)
    pg.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    pg.remove_listener("requestfinished", keep)  # type: ignore[attr-defined]
    total = 0
    for req in sizes:
        s = req.sizes()  # type: ignore[attr-defined]
        total += max(s["responseBodySize"], 0) + max(s["responseHeadersSize"], 0)
    return total


REDRAWN = """rev => {
  const r = document.querySelector('#rev');
  if (!r || r.value !== rev) return false;
  const v = Array.from(document.querySelectorAll('#analysis .vl-chart'));
  return v.length > 0 && v.every(x => x.dataset.rendered);
}"""


MARKS = """() => {
  window.__marks = {};
  window.__how = [];
  const mark = n => () => { window.__marks[n] = performance.now(); };
  document.addEventListener('htmx:beforeRequest', mark('request'), {once: true});
  // the chart loader starts on htmx:afterSwap: the swap ends where it starts
  document.addEventListener('htmx:beforeSwap', mark('swapping'), {once: true});
  if (!window.__hooked) {
    window.__hooked = true;
    document.addEventListener('detente:drawn', e => {
      window.__marks.drawn = performance.now(); window.__how.push(e.detail.how); });
  }
}"""


EDITS = (("input[data-path$='.batna']", "0.61"), ("input[data-path$='.batna']", "0.42"),
         ("input[data-path$='.salience']", "0.37"))
"""The edits timed on each case: the first BATNA field twice (new values: no cache hit on the
analysis; the Pareto frontiers are reused, :mod:`detente.deals.memo`), then the first salience
(the utilities change: every frontier is recomputed — the slow kind of edit)."""


def _task_seconds(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ThreadTime"))


def edit_to_redraw(pg: object, selector: str, value: str) -> tuple[float, dict[str, Any]]:
    """Seconds from Enter in a form field to every chart of the panel redrawn, and its parts:
    the server's (Server-Timing header: check, analyze, render) and the page's (request →
    answer received and about to be swapped, → last chart drawn), in seconds; ``how``: how
    each chart was redrawn (``update``: new rows into the live view; ``embed``: drawn anew)."""
    field = pg.locator(selector).first  # type: ignore[attr-defined]
    rev = int(pg.input_value("#rev"))  # type: ignore[attr-defined]
    field.fill(value)
    pg.evaluate(MARKS)  # type: ignore[attr-defined]
    cdp = pg.context.new_cdp_session(pg)  # type: ignore[attr-defined]
    cdp.send("Performance.enable")
    busy = _task_seconds(cdp)
    with pg.expect_response(lambda r: r.url.endswith("/edit")) as info:  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        field.press("Enter")
        pg.wait_for_function(REDRAWN, arg=str(rev + 1), timeout=60_000)  # type: ignore[attr-defined]
        total = time.perf_counter() - t0
    timing = info.value.headers.get("server-timing", "")
    parts = {k: float(v) / 1000 for k, v in
             (p.strip().split(";dur=") for p in timing.split(",") if ";dur=" in p)}
    cpu = parts.pop("cpu", 0.0)
    m = pg.evaluate("() => window.__marks")  # type: ignore[attr-defined]
    if {"request", "swapping", "drawn"} <= set(m):
        parts["wire"] = (m["swapping"] - m["request"]) / 1000 - sum(parts.values())
        parts["draw"] = (m["drawn"] - m["swapping"]) / 1000
    parts["cpu"] = cpu
    # the CPU time of the page's main thread (Chrome's ThreadTime; it includes Playwright's
    # polling for the redraw): the browser's own work, which the load does not stretch
    parts["page_cpu"] = _task_seconds(cdp) - busy
    cdp.detach()
    parts["how"] = "/".join(pg.evaluate("() => window.__how"))  # type: ignore[attr-defined]
    return total, parts


def main() -> None:
    why = missing()
    if why:
        sys.exit(f"bench_workbench: {why}")
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {os.getloadavg()}; cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        starts = start_times(out / "start")
        print(f"app start (launch → first page): {', '.join(f'{t:.2f}' for t in starts)} s; "
              f"median {statistics.median(starts):.2f} s (target ≤ 3 s)")
        with server(out / "run") as (url, _), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium())
            weights: dict[str, int] = {}
            edits: dict[str, list[tuple[float, dict[str, Any]]]] = {}
            for name in case_names():
                pg = browser.new_page(viewport={"width": 1400, "height": 1000})
                weights[name] = page_weight(pg, f"{url}/case/{name}")
                pg.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                edits[name] = [edit_to_redraw(pg, sel, v) for sel, v in EDITS]
                pg.close()
            browser.close()
    keys = ("check", "analyze", "render", "wire", "draw")
    print(f"{'case':<16}{'page weight':>12}  edit → redrawn, s: total = server check + analyze "
          "+ render, then wire (request to answer received: transfer, parsing, gzip), swap + "
          "chart draw [CPU s: the server's request + the page's main thread; how the charts were "
          "redrawn]; edits: BATNA, BATNA, salience")
    for name in case_names():
        runs = "; ".join(f"{t:.2f} = " + " + ".join(f"{s.get(k, 0):.2f}" for k in keys)
                         + f" [{s.get('cpu', 0):.2f} + {s.get('page_cpu', 0):.2f}; {s['how']}]"
                         for t, s in edits[name])
        print(f"{name:<16}{weights[name] / MB:>9.2f} MB  {runs}")
    for label, picked in (("BATNA edits", slice(0, 2)), ("salience edits", slice(2, 3)),
                          ("every edit", slice(None))):
        ts = [t for runs in edits.values() for t, _ in runs[picked]]
        work = [s.get("cpu", 0) + s.get("page_cpu", 0) for runs in edits.values()
                for _, s in runs[picked]]
        print(f"edit → redrawn chart, {label}: median {statistics.median(ts):.2f} s, max "
              f"{max(ts):.2f} s (target ≤ 1 s); CPU of server + page: median "
              f"{statistics.median(work):.2f} s, max {max(work):.2f} s")
    print(f"page weight max {max(weights.values()) / MB:.2f} MB (target ≤ 2 MB)")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
