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
from matplotlib.ticker import FuncFormatter, PercentFormatter

from experiments.analysis.compare import compare, estimate

from sim.read.headline import OUTCOMES, Outcome
from experiments.analysis.saved import Saved
from experiments.analysis.summary import days_to_effective
from experiments.figures.common import (display, dodge, finite, styles_of, unit_scale,
                                        usd_tick, where_text)
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


def _deadline_marks(saved: Saved, point: int) -> list[tuple[int, int, list[str]]]:
    """Distinct (filing deadline, effectiveness target) pairs, the base's first, with the
    labels of the variants whose pair differs from the base's (none for the base's)."""
    marks: dict[tuple[int, int], list[str]] = {}
    for v in saved.variants:
        t = saved.terms(v, point)
        names = marks.setdefault((t["filing_deadline_days"], t["effectiveness_target_days"]),
                                 [])
        if marks and next(iter(marks)) != (t["filing_deadline_days"],
                                           t["effectiveness_target_days"]):
            names.append(saved.labels[v])
    return [(d, t, names) for (d, t), names in marks.items()]


def ecdf_figure(saved: Saved, point: int = 0) -> Figure:
    """ECDF of days from Demand Notice to effectiveness, one curve per variant.

    Marks the filing deadline (§1(a), counted from receipt of the Demand Notice) and
    the deadline plus the 120-day effectiveness target: the latest day an on-time filing
    meets the target. Deals never effective keep a curve below 1.
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
                right = max(right, float(np.quantile(days[np.isfinite(days)], 0.995)))
        marks = _deadline_marks(saved, point)
        for i, (d, t, names) in enumerate(marks):
            who = f" ({', '.join(names)})" if names else ""
            ls = ["--", ":", "-."][i % 3]
            ax.axvline(d, color="0.4", ls=ls, lw=1.4, label=f"filing deadline, day {d}{who}")
            ax.axvline(d + t, color="firebrick", ls=ls, lw=1.4,
                       label=f"deadline + {t}-day target, day {d + t}{who}")
            right = max(right, d + t)
        ax.set_xlim(0, right * 1.05 or 1)
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("days from Demand Notice to effectiveness")
        ax.set_ylabel("deals effective (% of deals with a demand)")
        ax.set_title("Time to effectiveness (§1(a))" + where_text(saved, point, 50),
                     loc="left")
        # Below the axes: with many variants an inside legend would cover the curves.
        fig.legend(loc="outside lower center", ncols=2, fontsize=9.5)
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
    return text


def ecdf_pairs_figure(saved: Saved, point: int = 0) -> Figure | None:
    """One small panel per variant: its ECDF of days from Demand Notice to effectiveness
    over the base's (grey), titled with how many deals' timing it moved on the same
    random futures. Drawn for three variants or more, where one panel of many curves
    hides which variants move timing; None otherwise."""
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
            right = max(right, float(np.quantile(days[np.isfinite(days)], 0.995)))
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
            d = saved.terms(v, point)["filing_deadline_days"]
            if d != saved.terms("base", point)["filing_deadline_days"]:
                ax.axvline(d, color=s.color, ls=":", lw=1.3,
                           label=f"filing deadline, day {d}")
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
        axes[0].set_xlim(0, right * 1.05 or 1)
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


def probability_figure(saved: Saved, point: int = 0) -> Figure | None:
    """Probability of each breach, missed target and event per variant, exact 95% CIs:
    breaches and missed targets in one panel, the other events in a second."""
    rows = _probability_rows(saved, point)
    if rows.empty:
        return None
    names = list(dict.fromkeys(rows["outcome"]))
    panels = [p for p in ([n for n in names if n in BREACHES],
                          [n for n in names if n not in BREACHES]) if p]
    styles = styles_of(saved)
    n = len(saved.variants)
    with themed():
        fig = Figure(figsize=(WIDTH if len(panels) == 1 else WIDE,
                              # a row holds a two-line label even with one variant
                              1.4 + 0.13 * n + max(map(len, panels))
                              * max(0.4, 0.17 + 0.04 * n)),
                     layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, len(panels)))
        for ax, panel, title in zip(axes, panels, ("breaches and missed targets",
                                                   "other events")):
            _probability_panel(ax, rows[rows["outcome"].isin(panel)], panel, saved.variants,
                               styles)
            if len(panels) > 1:
                ax.set_title(title if panel[0] in BREACHES else "events", loc="left",
                             fontsize=10.5)
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
                   ncols=min(4, n) if len(panels) > 1 else 2, fontsize=9.5)
        fig.suptitle("Probabilities per deal with a Demand Notice"
                     + where_text(saved, point, 90),
                     x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig


def _probability_panel(ax, rows: pd.DataFrame, names: list[str], variants: list[str],
                       styles) -> None:
    for j, v in enumerate(variants):
        r = rows[rows["variant"] == v].set_index("outcome").reindex(names)
        y = np.arange(len(names)) + dodge(len(variants), j)
        x = r["value"].to_numpy() * 100
        err = np.vstack([x - r["low"].to_numpy() * 100, r["high"].to_numpy() * 100 - x])
        s = styles[v]
        ax.errorbar(x, y, xerr=err, fmt=s.marker, color=s.color, ms=5, capsize=2.5,
                    elinewidth=1.3, label=s.label)
    ax.set_yticks(np.arange(len(names)),
                  [wrap(display(f"{OUTCOMES[n].label} {OUTCOMES[n].clause}"), 22)
                   for n in names], fontsize=10)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    for k in range(1, len(names)):
        ax.axhline(k - 0.5, color="0.88", lw=0.8)
    _sqrt_percent_axis(ax, float(rows["high"].max()) * 100)
    ax.set_xlabel("% of deals (square-root scale; exact 95% CI)", fontsize=10.5)


def _signed_sqrt(x):
    return np.sign(x) * np.sqrt(np.abs(x))


def _sqrt_percent_axis(ax, top: float) -> None:
    """A square-root percent axis: 0.5% and 2% stay apart when another bar reaches 40%."""
    ax.set_xscale("function", functions=(_signed_sqrt, lambda y: np.sign(y) * y ** 2))
    top = max(top, 1.0)
    ticks: list[float] = []
    for t in (0, 0.5, 1, 2, 5, 10, 20, 30, 40, 50, 60, 80, 100):
        # Keep ticks at least 12% of the axis apart (in square-root space), so none overlap.
        if t <= top * 1.1 and (not ticks or np.sqrt(t) - np.sqrt(ticks[-1])
                               >= 0.12 * np.sqrt(top)):
            ticks.append(t)
    ax.set_xticks(ticks, [f"{t:g}%" for t in ticks])
    ax.set_xlim(-(0.025 * np.sqrt(top)) ** 2, top * 1.08)


# --- paired differences ----------------------------------------------------------------
def forest_figure(saved: Saved, point: int = 0) -> Figure | None:
    """Paired differences variant - base with 95% CIs, one panel per headline outcome."""
    if len(saved.variants) < 2 or not saved.outcomes:
        return None
    cmp = compare(saved.frames(point), "base", saved.outcomes)
    styles = styles_of(saved)
    others = saved.variants[1:]
    n = len(saved.outcomes)
    ncols = min(4, n)
    nrows = -(-n // ncols)
    with themed():
        fig = Figure(figsize=(WIDE, 0.9 + nrows * (0.85 + 0.26 * len(others))),
                     layout="constrained")
        axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True)).ravel()
        for ax, name in zip(axes, saved.outcomes):
            _forest_panel(ax, cmp[cmp["outcome"] == name], OUTCOMES[name], others, styles)
        for ax in axes[n:]:
            ax.set_visible(False)
        axes[0].set_yticks(range(len(others)), [styles[v].label for v in others])
        axes[0].set_ylim(len(others) - 0.5, -0.5)
        fig.suptitle("Paired differences, variant − " + styles["base"].label
                     + " (same random futures; 95% CI)" + where_text(saved, point, 120),
                     x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig


def _forest_panel(ax, rows: pd.DataFrame, o: Outcome, others: list[str], styles) -> None:
    factor, unit = unit_scale(o)
    rows = rows.set_index("variant")
    for i, v in enumerate(others):
        r = rows.loc[v]
        s = styles[v]
        d, lo, hi = (r["diff"] * factor, r["diff_low"] * factor, r["diff_high"] * factor)
        if finite(d, lo, hi):
            ax.errorbar([d], [i], xerr=[[d - lo], [hi - d]], fmt=s.marker, color=s.color,
                        ms=6, capsize=3, elinewidth=1.6, label=s.label)
        else:
            ax.errorbar([0], [i], fmt="none", color=s.color, label=s.label)
            ax.annotate("n/a (never effective)", (0, i), fontsize=8, ha="center",
                        va="bottom", color=s.color)
    ax.axvline(0, color="0.3", lw=1)
    ax.grid(axis="y", visible=False)
    ax.set_title(wrap(display(f"{o.label} {o.clause}"), 24), fontsize=9.5, loc="left")
    ax.set_xlabel({"%": "percentage points", "USD": "USD per deal"}.get(unit, unit))
    if unit == "USD":
        ax.xaxis.set_major_formatter(FuncFormatter(usd_tick))
    ax.tick_params(axis="x", labelsize=9)
    lo, hi = ax.get_xlim()
    # Zero in the middle of every panel; at least +-1 day / point / $100 when nothing moved.
    span = max(abs(lo), abs(hi), {"USD": 100.0}.get(unit, 1.0))
    ax.set_xlim(-span * 1.1, span * 1.1)
