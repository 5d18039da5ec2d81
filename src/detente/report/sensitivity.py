"""HTML report of a sensitivity analysis: per target a tornado of one-at-a-time swings, Sobol'
bars with intervals (charts from :mod:`detente.report.charts.sensitivity`; or Morris μ*), and
the break-even values with the evidence beside them.
:func:`what_decides` is the section the deal report embeds."""

from __future__ import annotations

from detente.records.output import fixed, nz
from detente.report.base import chart, esc, page, table
from detente.report.charts.sensitivity import BARS, sobol, target_charts
from detente.sensitivity.result import SensitivityAnalysis, TargetSensitivity


def break_even_table(t: TargetSensitivity) -> str:
    if not t.break_even:
        return "<p>No input moved alone (within the top by swing) flips this verdict.</p>"
    return table(["input", "flips at", "stated range (likely)", "verdict holds", "how",
                  "evidence or assumption"],
                 [[b.input, fixed(b.value, 3) + ("" if b.within_range else " (outside range)"),
                   f"[{b.low:g}, {b.high:g}] ({b.likely:g})", f"{b.holds} {nz(b.value, 3):.3f}",
                   b.method, b.basis[:300]] for b in t.break_even], numeric=[1])


def what_decides(r: SensitivityAnalysis, verdicts_only: bool = True) -> str:
    """The "what decides it" section: per verdict, the deciding inputs and where it flips."""
    rows = []
    for t in r.targets:
        if verdicts_only and not t.verdict:
            continue
        flips = [f"{b.input} = {nz(b.value, 3):.3f} (holds {b.holds})" for b in t.break_even
                 if b.within_range]
        top = t.tornado[0] if t.tornado else None
        rows.append([t.name, f"{nz(t.base, 3):+.3f}",
                     f"{top.input} (swing {nz(top.swing, 3):.3f})" if top else "–",
                     "; ".join(flips) or "no single input flips it within its stated range"])
    return ("<h2>What decides it</h2><p>For each verdict (a proposal's margin for a veto "
            "player; the ZOPA's largest smallest surplus), the input with the largest "
            "one-at-a-time swing and every input whose stated range contains the value where "
            "the verdict flips.</p>" +
            table(["verdict", "at likely values", "largest swing", "flips within range at"],
                  rows, numeric=[1]))


def render(r: SensitivityAnalysis) -> str:
    """A self-contained HTML report of a sensitivity analysis."""
    sec = [what_decides(r)]
    for t in r.targets:
        part = [f"<h2>{esc(t.name)}</h2><p>{esc(t.label)}; at the likely values "
                f"{nz(t.base, 3):+.3f}" + (f"; over the design mean {nz(t.mean, 3):+.3f}, "
                                           f"sd {nz(t.std, 3):.3f}"
                                    if t.mean is not None and t.std is not None else "") + ".</p>"]
        figs = [chart(c) for c in target_charts(t)]
        if t.sobol and sobol(t) is None:
            part.append("<p class='meta'>No Sobol' chart: the target does not vary over the "
                        "design, so every index is undefined.</p>")
        if figs:
            part.append('<div class="grid">' + "".join(figs) + "</div>")
        if t.morris:
            part.append(table(["input", "μ*", "μ", "σ"],
                              [[m.input, f"{m.mu_star:.4g}", f"{m.mu:.4g}", f"{m.sigma:.4g}"]
                               for m in t.morris[:BARS]], numeric=[1, 2, 3]))
        if t.verdict:
            part.append(break_even_table(t))
        sec.append("".join(part))
    sec.append("<h2>Notes</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in r.notes) + "</ul>")
    meta = (f"scenario {r.scenario}; method {r.method}, samples {r.samples}, "
            f"{r.evaluations:,} model evaluations; seed {r.provenance.seed}; detente "
            f"{r.provenance.version}; inputs sha256 {r.provenance.inputs_sha256[:12]}")
    return page(f"Sensitivity: {r.title}", sec, meta)
