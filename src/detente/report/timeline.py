"""The HTML report of a timeline: how the ZOPA, the BATNAs, the Nash package and the named
proposals moved from one dated scenario to the next."""

from __future__ import annotations

from detente.deals.timeline import Timeline
from detente.report.base import Raw, esc, figure, page, table, use_agg


def _dates(t: Timeline) -> list[float]:
    """Dates as Matplotlib date numbers (days)."""
    from matplotlib.dates import date2num

    return [float(date2num(p.date)) for p in t.points]


def _zopa_figure(t: Timeline) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.dates import AutoDateFormatter, AutoDateLocator

    dates = _dates(t)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    share = [p.zopa_share for p in t.points]
    if all(x is not None for x in share):
        ax.plot(dates, [float(x or 0.0) for x in share], "o-", color="#1a9850",
                label="share of packages in the ZOPA")
    if all(p.p_zopa_nonempty is not None for p in t.points):
        prob = [float(p.p_zopa_nonempty or 0.0) for p in t.points]
        err = [1.96 * (p.p_zopa_se or 0.0) for p in t.points]
        ax.errorbar(dates, prob, yerr=err, fmt="s--", color="#1f4e99", capsize=3,
                    label="P(ZOPA non-empty) over draws")
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share / probability")
    ax.legend(fontsize=8)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(AutoDateFormatter(locator))
    fig.autofmt_xdate()
    return figure(fig, "The zone of possible agreement by date: the share of all packages every "
                  "veto player prefers to fighting on, and the probability that at least one "
                  "exists under the uncertain inputs (bars: 95% interval).")


def _batna_figure(t: Timeline) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.dates import AutoDateFormatter, AutoDateLocator

    dates = _dates(t)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for a in t.veto_players:
        line = ax.plot(dates, [p.reservation[a] for p in t.points], "o-", label=f"{a} BATNA")
        nash = [p.nash_utilities for p in t.points]
        if all(nash):
            ax.plot(dates, [n[a] for n in nash if n], ":", color=line[0].get_color(),
                    label=f"{a} at the Nash package")
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("utility (own 0–1 scale)")
    ax.legend(fontsize=7, ncol=2)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(AutoDateFormatter(locator))
    fig.autofmt_xdate()
    return figure(fig, "Each veto player's reservation value (value of no deal) and its utility "
                  "at the Nash bargaining package, by date.")


def render(t: Timeline) -> str:
    """A self-contained HTML report of a timeline."""
    use_agg()
    sec = [f"<p>{len(t.points)} dated scenarios; veto players "
           f"<b>{esc(', '.join(t.veto_players))}</b>.</p>", _zopa_figure(t), _batna_figure(t)]
    header = ["issue", *[str(p.date) for p in t.points]]
    rows: list[list[object]] = []
    for issue in t.issues:
        cells: list[object] = [issue]
        prev = None
        for p in t.points:
            opt = p.nash[issue] if p.nash else "no ZOPA"
            cells.append(Raw(f"<b>{esc(opt)}</b>") if prev is not None and opt != prev
                         else opt)
            prev = opt
        rows.append(cells)
    sec.append("<h2>The Nash bargaining package by date</h2><p>Bold: changed since the "
               "previous date.</p>" + table(header, rows))
    prow = []
    for p in t.points:
        for q in p.proposals:
            verdict = q.verdict
            prob = f"{q.p_accepted_by_all_veto:.3f}" if q.p_accepted_by_all_veto is not None \
                else ""
            prow.append([str(p.date), q.name, q.date or "", verdict,
                         "yes" if q.efficient else "no", prob])
    sec.append("<h2>Proposals on the table at each date</h2>" + table(
        ["scenario date", "proposal", "proposal date", "verdict", "efficient",
         "P(all veto players accept)"], prow, numeric=[5]))
    prov = t.provenance
    meta = (f"detente {prov.version} · inputs sha256 {prov.inputs_sha256[:16]}… · seed "
            f"{prov.seed} · options {prov.options}")
    return page("Timeline of the bargaining space", sec, meta=meta)
