"""Who gains what: each party's money per variant, the value of the registrations and
what the terms make the Company pay.

Per variant, the mean per deal of each component over all deals (zero where nothing was
paid), stacked: what a party gains to the right of zero, what it pays to the left; a
diamond marks its net with a Student t 95% interval of the per-deal net. The Investors
gain the value of the registrations (:mod:`sim.read.value`: their sales under a
registration against their Rule 144 exit, discounted to the closing) and any liquidated
damages; the Company pays the Registration Expenses of the Investors' registrations
(§4; its own offerings' it would pay anyway), liquidated damages, its claim
losses (§5) and the cost of holding its own offering back (§1(c), §1(d)). A transfer
(damages) appears on both sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from experiments.analysis.saved import Saved
from experiments.analysis.summary import mean_with_ci
from experiments.figures.common import span, usd_tick, where_text
from experiments.figures.style import WIDE, themed

#: (party, column, sign, label, colour): a party's components, gains first.
COMPONENTS = (
    ("Investors", "value_to_investors_usd", +1, "value of the registrations", "#1b9e77"),
    ("Investors", "damages_usd", +1, "liquidated damages received", "#e6ab02"),
    ("Investors", "loss_investors_usd", -1, "claim losses (§5)", "#d95f02"),
    ("Company", "rights_expenses_usd", -1, "Registration Expenses of the Investors' "
     "registrations (§4)", "#7570b3"),
    ("Company", "damages_usd", -1, "liquidated damages paid", "#e6ab02"),
    ("Company", "loss_company_usd", -1, "claim losses (§5)", "#d95f02"),
    ("Company", "hold_back_cost_usd", -1, "own offering held back (§1(c), §1(d))", "#a6761d"),
)
PARTIES = ("Investors", "Company")

#: The table columns this figure reads.
READS = ("error", *dict.fromkeys(col for _, col, _, _, _ in COMPONENTS))


def money_rows(saved: Saved, point: int = 0) -> pd.DataFrame:
    """Per variant and party: each component's mean per deal (signed: a payment is
    negative), and the party's net mean with its 95% interval.

    Columns: ``variant``, ``party``, ``column``, ``label``, ``color``, ``value``, and
    for the ``net`` rows ``low`` and ``high``. Components absent from the table or zero
    in every variant are left out; a table without the value of the registrations (a
    results folder older than it) has none.
    """
    rows = []
    frames = saved.frames(point)
    if not all("value_to_investors_usd" in df and df["value_to_investors_usd"].notna().any()
               for df in frames.values()):
        return pd.DataFrame()
    for v, df in frames.items():
        ok = df["error"].isna().to_numpy() if "error" in df else np.ones(len(df), bool)
        for party in PARTIES:
            net = np.zeros(int(ok.sum()))
            for p, col, sign, label, color in COMPONENTS:
                if p != party or col not in df:
                    continue
                x = sign * df[col].astype("Float64").fillna(0.0).to_numpy(dtype=float)[ok]
                net += x
                rows.append(dict(variant=v, party=party, column=col, label=label,
                                 color=color, value=float(x.mean()) if len(x) else 0.0))
            iv = mean_with_ci(net)
            rows.append(dict(variant=v, party=party, column="net", label="net",
                             color="black", value=iv.value, low=iv.low, high=iv.high))
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    parts = out[out["column"] != "net"]
    used = parts.groupby(["party", "column"])["value"].transform(lambda s: (s != 0).any())
    return pd.concat([parts[used], out[out["column"] == "net"]])


def who_gains_figure(saved: Saved, point: int = 0) -> Figure | None:
    """The figure "who gains what" (module docstring), one panel per party."""
    rows = money_rows(saved, point)
    if rows.empty or not (rows["column"] != "net").any():
        return None
    variants = list(saved.variants)
    labels = [saved.labels.get(v, v) for v in variants]
    with themed():
        fig = Figure(figsize=(WIDE, 1.9 + 0.42 * len(variants)), layout="constrained")
        # Each party's own x range: one party's gains would stretch the other's axis.
        axes = fig.subplots(1, len(PARTIES), sharey=True)
        handles = {}
        for ax, party in zip(axes, PARTIES):
            _panel(ax, rows[rows["party"] == party], variants, handles)
            ax.set_title(party, loc="left", fontsize=11.5)
        axes[0].set_yticks(range(len(variants)), labels, fontsize=10)
        axes[0].set_ylim(len(variants) - 0.5, -0.5)
        handles["net, 95% CI"] = axes[0].errorbar([], [], xerr=[], fmt="D", color="black",
                                                  ms=6)
        fig.legend([handles[k] for k in handles], [k for k in handles],
                   loc="outside lower center", ncols=3, fontsize=9.5)
        fig.suptitle("Who gains what: mean per deal" + where_text(saved, point, 80),
                     x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig


def _panel(ax, rows: pd.DataFrame, variants: list[str], handles: dict) -> None:
    extent: list[float] = []
    sides: set[str] = set()         # where net labels sit
    for i, v in enumerate(variants):
        r = rows[rows["variant"] == v]
        right = left = 0.0
        for _, c in r[r["column"] != "net"].iterrows():
            x = c["value"]
            start = right if x >= 0 else left
            bar = ax.barh(i, x, left=start, height=0.56, color=c["color"], alpha=0.85,
                          edgecolor="white", lw=0.8)
            handles.setdefault(c["label"], Patch(color=c["color"], alpha=0.85))
            if x >= 0:
                right += x
            else:
                left += x
            del bar
        extent += [left, right]
        net = r[r["column"] == "net"].iloc[0]
        if np.isfinite(net["value"]):
            err = [[max(net["value"] - net["low"], 0.0) if np.isfinite(net["low"]) else 0.0],
                   [max(net["high"] - net["value"], 0.0) if np.isfinite(net["high"]) else 0.0]]
            ax.errorbar([net["value"]], [i], xerr=err, fmt="D", color="black", ms=6,
                        elinewidth=1.4, capsize=3, zorder=5)
            # Beside the interval, away from zero: never on the diamond or its whiskers.
            hi = net["value"] + err[1][0]
            lo = net["value"] - err[0][0]
            right_side = net["value"] >= 0
            sides.add("right" if right_side else "left")
            ax.annotate(usd_tick(net["value"]), (hi if right_side else lo, i),
                        xytext=(5 if right_side else -5, 0), textcoords="offset points",
                        ha="left" if right_side else "right", va="center", fontsize=9,
                        fontweight="bold", gid="net-label")
            extent += [lo, hi]
    ax.axvline(0, color="black", lw=0.9)
    ax.grid(axis="y", visible=False)
    # The axis ends where the bars and intervals end, with room for the net's label.
    lo, hi = span(extent, margin=0.04, zero=True, least=1.0)
    room = (hi - lo) * 0.16
    ax.set_xlim(lo - (room if "left" in sides else 0), hi + (room if "right" in sides else 0))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(FuncFormatter(usd_tick))
    ax.tick_params(axis="x", labelsize=9.5)
    ax.set_xlabel("USD per deal  (← pays · gains →)", fontsize=10)
