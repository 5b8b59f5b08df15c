"""Figures of what the parties bear: underwriter cutbacks (§3(c), §1(b)) per variant, and
expenses (§4) and claim losses (§5) per party.

Read from a sweep's saved table only (:class:`experiments.analysis.saved.Saved`). Sweeps keep one
row per deal, so cutbacks are per deal (the share of all Investors' requested shares cut,
and the largest cut from one Investor); one deal's per-Investor cutbacks are drawn by
``regsim timeline --plot`` (:mod:`experiments.figures.gantt`).
"""

from __future__ import annotations

from textwrap import fill as wrap

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke
from matplotlib.ticker import FuncFormatter, MaxNLocator

from experiments.figures.common import dodge, finite, styles_of, usd_tick, where_text
from experiments.analysis.saved import Saved
from experiments.figures.style import WIDTH, themed
from experiments.analysis.summary import mean_with_ci

#: Money columns by party: (column, clause, party, what), drawn when present.
MONEY = (
    ("company_expenses_usd", "§4", "Company", "Registration\nExpenses"),
    ("seller_costs_usd", "§4", "sellers", "discounts,\ncommissions"),
    ("loss_company_usd", "§5", "Company", ""),
    ("loss_investors_usd", "§5", "Investors", ""),
    ("loss_others_usd", "§5", "others", ""),
)

#: The table columns these figures read.
READS = ("error", "cutbacks", "cutback_fraction", "largest_cutback_fraction",
         *(col for col, _, _, _ in MONEY))


# --- cutbacks --------------------------------------------------------------------------
def _cut_deals(saved: Saved, point: int) -> dict[str, pd.DataFrame]:
    frames = saved.frames(point)
    return {v: df[(df["cutbacks"].fillna(0) > 0).to_numpy() & df["error"].isna().to_numpy()]
            for v, df in frames.items()}


#: Dots drawn per variant in the cutback figure; beyond, a fixed random sample of them.
MAX_DOTS = 1000


def cutback_figure(saved: Saved, point: int = 0) -> Figure | None:
    """Per variant, how much of the Investors' requested shares underwriters cut, in the
    deals with a cutback (§3(c), §1(b)): all cutbacks of a deal together, and the largest
    cut from one Investor. Per-Investor detail needs event logs, which sweeps do not keep.
    """
    cut = _cut_deals(saved, point)
    if not any(len(df) for df in cut.values()):
        return None
    styles = styles_of(saved)
    variants = saved.variants
    with themed():
        fig = Figure(figsize=(WIDTH, 2.0 + 0.45 * len(variants)), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
        for ax, col, what in zip(axes, ("cutback_fraction", "largest_cutback_fraction"),
                                 ("Investors' shares cut,\nall cutbacks (%)",
                                  "largest cut from\none Investor (%)")):
            _cut_panel(ax, cut, col, variants, styles)
            ax.set_xlabel(what, fontsize=10.5)
        axes[0].set_yticks(range(len(variants)), [_cut_label(styles[v].label, cut[v])
                                                  for v in variants], fontsize=9.5)
        axes[0].set_ylim(len(variants) - 0.5, -0.5)
        fig.suptitle("Underwriter cutbacks (§3(c), §1(b))\n" + wrap(
            "deals with one; dot: a deal" + (f" (a sample of {MAX_DOTS:,} where more)"
                                             if any(len(df) > MAX_DOTS for df in cut.values())
                                             else "")
            + ", |: mean with 95% CI" + where_text(saved, point),
            52),
            x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig


def _cut_label(label: str, deals: pd.DataFrame) -> str:
    x = deals["cutback_fraction"].astype("Float64").fillna(0).to_numpy(dtype=float)
    share = (x > 0).mean() if len(x) else 0.0
    return f"{wrap(label, 18)}\n{len(x):,} deals; shares cut in {share:.0%}"


def _cut_panel(ax, cut: dict[str, pd.DataFrame], col: str, variants: list[str],
               styles) -> None:
    rng = np.random.default_rng(0)          # fixed jitter: the figure is reproducible
    for i, v in enumerate(variants):
        x = cut[v][col].astype("Float64").dropna().to_numpy(dtype=float) * 100
        s = styles[v]
        # At most MAX_DOTS dots (a fixed sample beyond): a hundred thousand would paint a
        # solid bar over the mean. Rasterized: thousands of vector dots would make the SVG
        # (and the report) megabytes. The mean and its interval use every deal.
        dots = x if len(x) <= MAX_DOTS else x[np.sort(rng.choice(len(x), MAX_DOTS,
                                                                 replace=False))]
        ax.scatter(dots, i + rng.uniform(-0.22, 0.22, len(dots)), s=13, color=s.color,
                   alpha=0.4, marker=s.marker, lw=0, zorder=2, rasterized=True)
        iv = mean_with_ci(x) if len(x) else None
        if iv is not None and finite(iv.value):
            lo, hi = (iv.low, iv.high) if finite(iv.low, iv.high) else (iv.value, iv.value)
            bar = ax.errorbar([iv.value], [i], xerr=[[iv.value - lo], [hi - iv.value]],
                              fmt="|", ms=22, mew=3, color=s.color, ecolor="black",
                              elinewidth=1.6, capsize=4, zorder=4, label=s.label)
            # A white halo keeps the mean readable over the dots.
            for artist in [bar.lines[0], *bar.lines[1], *bar.lines[2]]:
                artist.set_path_effects([withStroke(linewidth=6, foreground="white")])
    ax.set_xlim(-4, 104)
    ax.set_xticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100%"], fontsize=9.5)
    ax.grid(axis="y", visible=False)
    for k in range(1, len(variants)):
        ax.axhline(k - 0.5, color="0.88", lw=0.8)


# --- money -----------------------------------------------------------------------------
def _money_rows(saved: Saved, point: int) -> pd.DataFrame:
    rows = []
    for v, df in saved.frames(point).items():
        ok = df["error"].isna().to_numpy()
        for col, clause, party, what in MONEY:
            if col in df:
                x = df[col].astype("Float64").fillna(0.0).to_numpy(dtype=float)[ok]
                iv = mean_with_ci(x)
                rows.append({"column": col, "clause": clause, "party": party, "what": what,
                             "variant": v, "value": iv.value, "low": iv.low, "high": iv.high})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out[out.groupby("column")["value"].transform(lambda s: (s.abs() > 0).any())]


def money_figure(saved: Saved, point: int = 0) -> Figure | None:
    """Mean expenses (§4) and claim losses (§5) per deal by party, per variant, 95% CIs."""
    rows = _money_rows(saved, point)
    if rows.empty:
        return None
    styles = styles_of(saved)
    groups = [g for g in ("§4", "§5") if (rows["clause"] == g).any()]
    with themed():
        fig = Figure(figsize=(WIDTH, 2.1 + 0.2 * len(saved.variants) * max(
            rows.groupby("clause")["column"].nunique())), layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, len(groups)))
        for ax, clause in zip(axes, groups):
            _money_panel(ax, rows[rows["clause"] == clause], saved.variants, styles)
            ax.set_title({"§4": "expenses (§4)", "§5": "claim losses borne (§5)"}[clause],
                         loc="left", fontsize=10.5)
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
                   ncols=2, fontsize=9.5)
        fig.suptitle("Expenses and indemnity exposure per party"
                     + where_text(saved, point, 50),
                     x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig


def _money_panel(ax, rows: pd.DataFrame, variants: list[str], styles) -> None:
    cols = list(dict.fromkeys(rows["column"]))
    for j, v in enumerate(variants):
        r = rows[rows["variant"] == v].set_index("column").reindex(cols)
        y = np.arange(len(cols)) + dodge(len(variants), j)
        x = r["value"].to_numpy()
        err = np.vstack([x - r["low"].to_numpy(), r["high"].to_numpy() - x])
        err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
        s = styles[v]
        # A light fill, so the black interval shows on the near-black base bar too.
        ax.barh(y, x, height=0.78 / len(variants), xerr=err, color=(*to_rgb(s.color), 0.55),
                edgecolor=s.color, lw=1, label=s.label,
                error_kw={"elinewidth": 1.2, "capsize": 2, "ecolor": "black"})
    first = rows.drop_duplicates("column").set_index("column")
    ax.set_yticks(range(len(cols)), [f"{first.loc[c, 'party']}\n{first.loc[c, 'what']}".strip()
                                     for c in cols], fontsize=9.5)
    ax.set_ylim(len(cols) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(MaxNLocator(3))
    ax.xaxis.set_major_formatter(FuncFormatter(usd_tick))
    ax.tick_params(axis="x", labelsize=9.5)
    ax.set_xlabel("mean per deal (USD, 95% CI)", fontsize=10)
