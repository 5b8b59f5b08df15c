"""Outcome figures of a sweep's saved results: time to effectiveness, probabilities,
paired differences.

Each function takes a :class:`experiments.analysis.saved.Saved` (manifest and table, never a
re-run of the model) and returns a matplotlib :class:`~matplotlib.figure.Figure`, or
``None`` when the table holds nothing to draw (one variant for a forest plot). They show
one design point (point 0 unless asked); cutbacks and money are in
:mod:`experiments.figures.exposure`, the design figures in :mod:`experiments.figures.design`,
and :mod:`experiments.figures.plot` lists and writes them all.
Every variant keeps one colour, line style and marker (:mod:`experiments.figures.style`).
"""

from __future__ import annotations

from textwrap import fill as wrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from experiments.analysis.compare import compare, estimate

from sim.read.headline import OUTCOMES, Outcome
from experiments.analysis.saved import Saved
from experiments.analysis.summary import days_to_effective
from experiments.figures.common import (display, dodge, finite, span, styles_of,
                                        unit_scale, usd_tick, verdict_sides, where_text)
from experiments.figures.style import WIDE, WIDTH, themed

#: The table columns these figures read.
READS = ("demand_day", "error", *dict.fromkeys(o.column for o in OUTCOMES.values()))

#: Probability outcomes that are a breach or a missed target (the rest are events).
BREACHES = ("company_notice_late", "window_empty", "filing_deadline_missed",
            "filed_before_floor", "target_missed", "target_miss_breach")


# --- days to effectiveness -------------------------------------------------------------
def _ecdf_points(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step points of the ECDF over every deal (never effective = +inf stays out of the
    curve, so it ends below 1)."""
    finite = days[np.isfinite(days)]
    xs, counts = np.unique(finite, return_counts=True)
    return xs, np.cumsum(counts) / max(len(days), 1)


def _target_text(saved: Saved, point: int) -> str:
    """What the figure says of the §1(a) effectiveness target, per variant: the share of
    deals with a Demand Notice that missed it, each counted from its own filing (the
    target runs from a deal's filing, so no single day on this axis marks it)."""
    target = OUTCOMES["target_missed"]
    lines, days = [], set()
    frames = saved.frames(point)
    for v, df in frames.items():
        t = saved.terms(v, point)["effectiveness_target_days"]
        days.add(t)
        iv = estimate(df, target) if target.column in df else None
        if iv is None or not finite(iv.value):
            continue
        lines.append((saved.labels[v], t, iv.value))
    if not lines:
        return ""
    if len(days) == 1:
        head = (f"§1(a) target: effective within {days.pop()} days\nof each deal's own "
                "filing; missed in")
        body = [f"{share:.1%}" + (f" ({label})" if len(lines) > 1 else " of deals")
                for label, _t, share in lines]
    else:
        head = "§1(a) target, from each deal's own filing;\nmissed in"
        body = [f"{share:.1%} ({label}, {t} days)" for label, t, share in lines]
    return head + (" " + body[0] if len(body) == 1 else "\n" + "\n".join(body))


def ecdf_figure(saved: Saved, point: int = 0) -> Figure:
    """ECDF of days from Demand Notice to effectiveness, one curve per variant.

    Deals never effective keep a curve below 1. No deadline is drawn on the axis: the
    filing deadline (§1(a)) runs from the Company's receipt of the Demand Notice and the
    120-day effectiveness target from each deal's own filing, so neither is a day of this
    axis; the figure states instead the share of deals that missed the target, each
    counted from its filing (column ``effectiveness_target_missed``, the target's length
    read from the terms). The x axis ends where the data ends.
    """
    styles = styles_of(saved)
    with themed():
        fig = Figure(figsize=(WIDTH, 4.2 + 0.13 * len(saved.variants)), layout="constrained")
        ax = fig.subplots()
        right = 0.0
        for v, df in saved.frames(point).items():
            days = days_to_effective(df)
            xs, ys = _ecdf_points(days)
            s = styles[v]
            last = ys[-1] if len(ys) else 0.0
            never = 1 - last
            # Carried on past the axis, so a curve that stops short of 100% stays visible.
            ax.step(np.r_[0, xs, 1e6], np.r_[0, ys, last], where="post", color=s.color,
                    ls=s.linestyle, lw=2.2,
                    label=s.label + (f" ({never:.1%} never effective)" if never > 0 else ""))
            if len(xs):
                right = max(right, float(xs[-1]))
        text = _target_text(saved, point)
        if text:
            ax.text(0.97, 0.04, text, transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=9, bbox=dict(boxstyle="round,pad=0.35", fc="white", ec="0.7"))
        ax.set_xlim(0, right * 1.01 or 1)
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("days from Demand Notice to effectiveness")
        ax.set_ylabel("deals effective (% of deals with a demand)")
        ax.set_title("Time to effectiveness (§1(a))" + where_text(saved, point, 50),
                     loc="left")
        # Below the axes: with many variants an inside legend would cover the curves.
        fig.legend(loc="outside lower center", ncols=2 if len(saved.variants) > 1 else 1,
                   fontsize=9.5)
    return fig


def _paired_days(df: pd.DataFrame) -> np.ndarray:
    """Days demand -> effective per replication: NaN without a demand, +inf never
    effective (replications aligned across variants, :meth:`Saved.frames`)."""
    days = df["days_demand_to_effective"].astype("Float64").fillna(np.inf).to_numpy(
        dtype=float)
    days[~df["demand_day"].notna().to_numpy(dtype=bool)] = np.nan
    return days


def _shift_text(base: np.ndarray, other: np.ndarray) -> str:
    """How a variant moved time to effectiveness against the base on the same futures:
    the share of deals whose day changed and the median change among them."""
    both = ~(np.isnan(base) | np.isnan(other))
    moved = both & (base != other)
    share = moved.sum() / max(both.sum(), 1)
    if not moved.any():
        return "no deal's timing moved"
    finite = moved & np.isfinite(base) & np.isfinite(other)
    text = f"timing moved in {share:.0%} of deals" if share >= 0.095 else (
        f"timing moved in {share:.1%} of deals")
    if finite.any():
        med = float(np.median(other[finite] - base[finite]))
        text += f"\nby a median {med:+.0f} days"
        verdict = OUTCOMES["days_to_effective"].verdict(med)
        if verdict:
            text += f",\n{verdict}"
    return text


def ecdf_pairs_figure(saved: Saved, point: int = 0) -> Figure | None:
    """One small panel per variant: its ECDF of days from Demand Notice to effectiveness
    over the base's (grey), titled with how many deals' timing it moved on the same
    random futures, and whom the median change serves. No deadline is drawn: the filing
    deadline runs from the Company's receipt of the notice, not from the day it was
    sent. Drawn for three variants or more, where one panel of many curves hides which
    variants move timing; None otherwise."""
    others = saved.variants[1:]
    if len(others) < 2:
        return None
    frames = saved.frames(point)
    styles = styles_of(saved)
    base = _paired_days(frames["base"])
    # Up to four variants fit a half-page figure two panels a row; more take the width.
    few = len(others) <= 4
    ncols = 2 if few else 3
    nrows = -(-len(others) // ncols)
    right = 0.0
    for df in frames.values():
        days = days_to_effective(df)
        if np.isfinite(days).any():
            right = max(right, float(days[np.isfinite(days)].max()))
    with themed():
        fig = Figure(figsize=(WIDTH if few else WIDE, 1.0 + (1.7 if few else 2.7) * nrows),
                     layout="constrained")
        axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True)).ravel()
        bx, by = _ecdf_points(days_to_effective(frames["base"]))
        for ax, v in zip(axes, others):
            s = styles[v]
            ax.step(np.r_[0, bx, 1e6], np.r_[0, by, by[-1] if len(by) else 0.0],
                    where="post", color="0.55", lw=1.6, label=styles["base"].label)
            xs, ys = _ecdf_points(days_to_effective(frames[v]))
            ax.step(np.r_[0, xs, 1e6], np.r_[0, ys, ys[-1] if len(ys) else 0.0],
                    where="post", color=s.color, ls=s.linestyle, lw=2.0, label=s.label)
            ax.set_title(wrap(s.label, 28 if few else 40), fontsize=9.5, loc="left")
            # Bottom right is empty: every curve is near its top by the right edge.
            ax.text(0.97, 0.06, _shift_text(base, _paired_days(frames[v])),
                    transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=8 if few else 9.5,
                    bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.7"))
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.tick_params(labelsize=9)
        for ax in axes[len(others):]:
            ax.set_visible(False)
        axes[0].set_xlim(0, right * 1.01 or 1)
        axes[0].set_ylim(0, 1.02)
        fig.supxlabel("days from Demand Notice to effectiveness", fontsize=10)
        fig.supylabel("deals effective", fontsize=10)
        fig.suptitle(wrap("Time to effectiveness, each variant over " + styles["base"].label
                          + " (grey), same random futures", 60 if few else 120)
                     + where_text(saved, point, 60 if few else 120),
                     x=0.01, ha="left", fontweight="bold", fontsize=11 if few else 12)
    return fig


# --- probabilities ---------------------------------------------------------------------
def _probability_rows(saved: Saved, point: int) -> pd.DataFrame:
    """Estimate of every probability outcome per variant; outcomes never seen dropped."""
    rows = []
    for v, df in saved.frames(point).items():
        for o in OUTCOMES.values():
            if o.statistic == "p" and o.column in df:
                iv = estimate(df, o)
                rows.append({"outcome": o.name, "variant": v, "value": iv.value,
                             "low": iv.low, "high": iv.high})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    seen = out.groupby("outcome")["value"].transform("max") > 0
    return out[seen]


#: Characters a probability's label is wrapped at, and the height of one text line
#: (inches, 10 pt with leading) and of one variant's row with its value (9 pt).
_WRAP, _LINE, _VARIANT_ROW = 26, 0.16, 0.19
#: Up to this many variants, each probability is written beside its interval.
MAX_VALUE_LABELS = 3


def _outcome_label(name: str) -> str:
    return wrap(display(f"{OUTCOMES[name].label} {OUTCOMES[name].clause}"), _WRAP)


def probability_figure(saved: Saved, point: int = 0) -> Figure | None:
    """Probability of each breach, missed target and event per variant, exact 95% CIs:
    breaches and missed targets in one panel, the other events in a second.

    A plain percent scale from 0; with up to ``MAX_VALUE_LABELS`` variants each estimate
    is written beside its interval (a small share reads as its number where the scale
    squeezes it; with more, the table of headline outcomes has the numbers). Each
    outcome's row is as tall as its wrapped label and its variants' values need, so no
    two texts meet.
    """
    rows = _probability_rows(saved, point)
    if rows.empty:
        return None
    names = list(dict.fromkeys(rows["outcome"]))
    panels = [p for p in ([n for n in names if n in BREACHES],
                          [n for n in names if n not in BREACHES]) if p]
    styles = styles_of(saved)
    n = len(saved.variants)
    # One outcome's row: its label's lines or its variants' values, whichever is taller.
    values = n <= MAX_VALUE_LABELS
    row = max(max(_outcome_label(o).count("\n") + 1 for o in names) * _LINE + 0.06,
              n * _VARIANT_ROW + 0.1 if values else 0.17 + 0.04 * n)
    with themed():
        fig = Figure(figsize=(WIDTH if len(panels) == 1 else WIDE,
                              1.5 + 0.13 * n + max(map(len, panels)) * row),
                     layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, len(panels)))
        for ax, panel in zip(axes, panels):
            _probability_panel(ax, rows[rows["outcome"].isin(panel)], panel, saved.variants,
                               styles, values)
            if len(panels) > 1:
                ax.set_title("breaches and missed targets" if panel[0] in BREACHES
                             else "events", loc="left", fontsize=10.5)
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
                   ncols=min(4, n) if len(panels) > 1 else 2, fontsize=9.5)
        fig.suptitle("Probabilities per deal with a Demand Notice"
                     + where_text(saved, point, 90),
                     x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig


def _percent_text(p: float) -> str:
    """``12%``, ``1.2%``, ``0.27%``, ``0%``: two significant digits below 10%."""
    if p == 0:
        return "0%"
    return f"{p:.0f}%" if p >= 9.95 else f"{p:.2g}%" if p < 1 else f"{p:.1f}%"


def _probability_panel(ax, rows: pd.DataFrame, names: list[str], variants: list[str],
                       styles, values: bool) -> None:
    for j, v in enumerate(variants):
        r = rows[rows["variant"] == v].set_index("outcome").reindex(names)
        y = np.arange(len(names)) + dodge(len(variants), j)
        x = r["value"].to_numpy() * 100
        err = np.vstack([x - r["low"].to_numpy() * 100, r["high"].to_numpy() * 100 - x])
        s = styles[v]
        ax.errorbar(x, y, xerr=err, fmt=s.marker, color=s.color, ms=5, capsize=2.5,
                    elinewidth=1.3, label=s.label)
        for xi, yi, hi in zip(x, y, r["high"].to_numpy() * 100):
            if values and np.isfinite(xi):
                ax.annotate(_percent_text(xi), (hi, yi), xytext=(4, 0),
                            textcoords="offset points", va="center", ha="left",
                            fontsize=8.5, color=s.color, gid="value-label")
    ax.set_yticks(np.arange(len(names)), [_outcome_label(n) for n in names], fontsize=10)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    for k in range(1, len(names)):
        ax.axhline(k - 0.5, color="0.88", lw=0.8)
    top = max(float(rows["high"].max()) * 100, 0.1)
    # Room on the right for the value written beside the highest interval.
    # A sliver left of 0, so a marker at 0% shows whole.
    ax.set_xlim(-top * 0.02, top * (1.22 if values else 1.04))
    ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda t, _p: f"{t:g}%"))
    ax.set_xlabel("% of deals (exact 95% CI)", fontsize=10.5)


# --- paired differences ----------------------------------------------------------------
#: Rows of the forest panels' top band that holds whom each side serves.
_VERDICT_BAND = 1.3


def forest_figure(saved: Saved, point: int = 0) -> Figure | None:
    """Paired differences variant - base with 95% CIs, one panel per headline outcome.

    Each panel says at its top whom a difference to either side serves
    (:meth:`sim.read.headline.Outcome.verdict`: "← better for the Investors", "worse for
    the Investors →"), and its x axis runs from the data's lowest to its highest value
    (zero, the line of no difference, always inside).
    """
    if len(saved.variants) < 2 or not saved.outcomes:
        return None
    cmp = compare(saved.frames(point), "base", saved.outcomes)
    styles = styles_of(saved)
    others = saved.variants[1:]
    n = len(saved.outcomes)
    ncols = min(4, n)
    nrows = -(-n // ncols)
    with themed():
        fig = Figure(figsize=(WIDE, 0.9 + nrows * (0.95 + 0.26 * len(others))),
                     layout="constrained")
        axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True)).ravel()
        for ax, name in zip(axes, saved.outcomes):
            _forest_panel(ax, cmp[cmp["outcome"] == name], OUTCOMES[name], others, styles)
        for ax in axes[n:]:
            ax.set_visible(False)
        axes[0].set_yticks(range(len(others)), [styles[v].label for v in others],
                          fontsize=10)
        axes[0].set_ylim(len(others) - 0.5, -0.5 - _VERDICT_BAND)
        fig.suptitle("Paired differences, variant − " + styles["base"].label
                     + " (same random futures; 95% CI)" + where_text(saved, point, 120),
                     x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig


def _forest_panel(ax, rows: pd.DataFrame, o: Outcome, others: list[str], styles) -> None:
    factor, unit = unit_scale(o)
    rows = rows.set_index("variant")
    drawn: list[float] = []
    for i, v in enumerate(others):
        r = rows.loc[v]
        s = styles[v]
        d, lo, hi = (r["diff"] * factor, r["diff_low"] * factor, r["diff_high"] * factor)
        if finite(d, lo, hi):
            ax.errorbar([d], [i], xerr=[[d - lo], [hi - d]], fmt=s.marker, color=s.color,
                        ms=6, capsize=3, elinewidth=1.6, label=s.label)
            drawn += [lo, hi]
        else:
            ax.errorbar([0], [i], fmt="none", color=s.color, label=s.label)
            ax.annotate("n/a (never effective)", (0, i), fontsize=8, ha="center",
                        va="bottom", color=s.color)
    ax.axvline(0, color="0.3", lw=1)
    ax.grid(axis="y", visible=False)
    ax.set_title(wrap(display(f"{o.label} {o.clause}"), 22), fontsize=9.5, loc="left")
    ax.set_xlabel({"%": "percentage points", "USD": "USD per deal"}.get(unit, unit),
                  fontsize=9.5)
    if unit == "USD":
        ax.xaxis.set_major_formatter(FuncFormatter(usd_tick))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(axis="x", labelsize=9)
    ax.tick_params(axis="y", labelsize=10)
    # From the lowest to the highest interval end, zero inside; at least 1 day / point /
    # $100 wide when nothing moved.
    ax.set_xlim(*span(drawn, margin=0.06, zero=True,
                      least={"USD": 100.0}.get(unit, 1.0)))
    left, right = verdict_sides(o)
    # Two lines, so the two sides never meet however narrow the panel.
    for k, (text, x, ha) in enumerate((t for t in ((left, 0.02, "left"),
                                                   (right, 0.98, "right")) if t[0])):
        ax.annotate(text, (x, 1.0), xycoords="axes fraction", xytext=(0, -2 - 10.5 * k),
                    textcoords="offset points", ha=ha, va="top", fontsize=8,
                    color="0.25", gid="verdict")
