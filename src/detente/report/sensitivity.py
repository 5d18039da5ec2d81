"""HTML report of a sensitivity analysis: per target a tornado of one-at-a-time swings, Sobol'
bars with intervals (or Morris μ*), and the break-even values with the evidence beside them.
:func:`what_decides` is the section the deal report embeds."""

from __future__ import annotations

from detente.report.base import esc, figure, page, table, use_agg
from detente.sensitivity.result import SensitivityAnalysis, TargetSensitivity

BARS = 10


def _short(name: str, n: int = 48) -> str:
    return name if len(name) <= n else "…" + name[-(n - 1):]


def tornado_figure(t: TargetSensitivity) -> str:
    """Horizontal bars from the target at each input's low end to its high end."""
    import matplotlib.pyplot as plt

    rows = t.tornado[:BARS][::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(rows) + 1.2))
    for y, r in enumerate(rows):
        lo, hi = sorted((r.at_low, r.at_high))
        ax.barh(y, hi - lo, left=lo, color="#4a78b0" if r.at_high >= r.at_low else "#c0504d")
    ax.axvline(t.base, color="black", lw=1)
    if t.verdict:
        ax.axvline(0.0, color="#b00020", lw=1, ls="--")
    ax.set_yticks(range(len(rows)), [_short(r.input) for r in rows], fontsize=8)
    ax.set_xlabel(f"{t.name} (blue: rises with the input, red: falls)", fontsize=8)
    return figure(fig, f"Tornado: {t.label}. Each bar moves one input from its low to its high "
                       "value, every other input at its likely value.")


def sobol_figure(t: TargetSensitivity) -> str:
    """First-order and total indices of the top inputs, with bootstrap intervals."""
    import matplotlib.pyplot as plt

    rows = (t.sobol[:BARS] + t.groups[:BARS])[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(rows) + 1.2))
    y = list(range(len(rows)))
    ax.barh([v + 0.2 for v in y], [r.total for r in rows], height=0.4, color="#4a78b0",
            xerr=[[r.total - r.total_low for r in rows], [r.total_high - r.total for r in rows]],
            label="total")
    ax.barh([v - 0.2 for v in y], [r.first for r in rows], height=0.4, color="#9bbb59",
            xerr=[[max(0.0, r.first - r.first_low) for r in rows],
                  [max(0.0, r.first_high - r.first) for r in rows]], label="first order")
    ax.set_yticks(y, [_short(r.input) for r in rows], fontsize=8)
    ax.set_xlabel("Sobol' index (share of variance), 95 % bootstrap interval", fontsize=8)
    ax.legend(fontsize=8)
    return figure(fig, f"Sobol' indices: {t.label} (inputs, then groups of one actor's inputs).")


def break_even_table(t: TargetSensitivity) -> str:
    if not t.break_even:
        return "<p>No input moved alone (within the top by swing) flips this verdict.</p>"
    return table(["input", "flips at", "stated range (likely)", "verdict holds", "how",
                  "evidence or assumption"],
                 [[b.input, f"{b.value:.3f}" + ("" if b.within_range else " (outside range)"),
                   f"[{b.low:g}, {b.high:g}] ({b.likely:g})", f"{b.holds} {b.value:.3f}",
                   b.method, b.basis[:300]] for b in t.break_even], numeric=[1])


def what_decides(r: SensitivityAnalysis, verdicts_only: bool = True) -> str:
    """The "what decides it" section: per verdict, the deciding inputs and where it flips."""
    rows = []
    for t in r.targets:
        if verdicts_only and not t.verdict:
            continue
        flips = [f"{b.input} = {b.value:.3f} (holds {b.holds})" for b in t.break_even
                 if b.within_range]
        top = t.tornado[0] if t.tornado else None
        rows.append([t.name, f"{t.base:+.3f}",
                     f"{top.input} (swing {top.swing:.3f})" if top else "–",
                     "; ".join(flips) or "no single input flips it within its stated range"])
    return ("<h2>What decides it</h2><p>For each verdict (a proposal's margin for a veto "
            "player; the ZOPA's largest smallest surplus), the input with the largest "
            "one-at-a-time swing and every input whose stated range contains the value where "
            "the verdict flips.</p>" +
            table(["verdict", "at likely values", "largest swing", "flips within range at"],
                  rows, numeric=[1]))


def render(r: SensitivityAnalysis) -> str:
    """A self-contained HTML report of a sensitivity analysis."""
    use_agg()
    sec = [what_decides(r)]
    for t in r.targets:
        part = [f"<h2>{esc(t.name)}</h2><p>{esc(t.label)}; at the likely values "
                f"{t.base:+.3f}" + (f"; over the design mean {t.mean:+.3f}, sd {t.std:.3f}"
                                    if t.mean is not None and t.std is not None else "") + ".</p>"]
        figs = []
        if t.tornado:
            figs.append(tornado_figure(t))
        if t.sobol:
            figs.append(sobol_figure(t))
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
