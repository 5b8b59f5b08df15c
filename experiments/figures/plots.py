"""Figures read from saved outcome tables (never from a re-run of the model)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from experiments.analysis.summary import days_to_effective  # noqa: E402
from sim.law.terms import Terms  # noqa: E402


def ecdf_days_to_effective(df: pd.DataFrame, terms: Terms, out: Path,
                           label: str = "agreement as written") -> Path:
    """ECDF of days from Demand Notice to effectiveness, with the contract's marks.

    Marks: the filing deadline (§1(a), days after the Demand Notice is received) and
    that deadline plus the 120-day effectiveness target (§1(a)): the latest day an
    on-time filing meets the target. Deals never effective keep the curve below 1.
    """
    days = days_to_effective(df)
    finite = days[np.isfinite(days)]
    sns.set_theme(style="whitegrid", context="talk")
    fig, ax = plt.subplots(figsize=(10, 6), dpi=110)
    if len(finite):
        xs = np.sort(finite)
        ys = np.arange(1, len(xs) + 1) / len(days)
        ax.step(xs, ys, where="post", lw=2.5, color=sns.color_palette()[0], label=label)
    d, t = terms.filing_deadline_days, terms.effectiveness_target_days
    # The contract's marks go in the legend, where they cannot cover the curve.
    ax.axvline(d, color="0.35", ls="--", lw=1.5,
               label=f"filing deadline: {d} days after receipt of the demand (§1(a))")
    ax.axvline(d + t, color="firebrick", ls="--", lw=1.5,
               label=f"deadline + {t}-day effectiveness target (§1(a))")
    ax.set_ylim(0, 1.0)
    ax.set_xlim(left=0)
    ax.set_xlabel("days from Demand Notice to effectiveness")
    ax.set_ylabel("share of deals effective")
    never = 1 - len(finite) / max(len(days), 1)
    ax.set_title(f"Time to effectiveness, {len(days):,} deals "
                 f"({never:.2%} never effective)")
    ax.legend(loc="lower right", fontsize=11)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out
