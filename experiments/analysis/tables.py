"""Readable text tables of a sweep: per-variant estimates and paired differences.

Everything here reads a saved sweep table (:func:`experiments.execution.sweep.load_table`) and
the analysis of :mod:`experiments.analysis.compare`; nothing re-runs the model.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from experiments.analysis.compare import compare, estimate

from sim.read.headline import OUTCOMES
from experiments.execution.spec import Experiment
from experiments.execution.sweep import frames_by_variant


def fmt(value: float, unit: str, signed: bool = False) -> str:
    """A value in its unit: days whole, probabilities in percent, dollars with commas."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return ("+" if value > 0 and signed else "") + ("never" if value > 0 else "-inf")
    sign = "+" if signed and value >= 0 else ""
    if unit == "probability":
        return f"{sign}{value:.1%}" if not signed else f"{sign}{value * 100:.2f} pts"
    if unit == "USD":
        return f"{sign}${value:,.0f}" if value >= 0 else f"-${-value:,.0f}"
    if unit == "% of investment":
        return f"{sign}{value:.1f} pts" if signed else f"{sign}{value:.1f}%"
    return f"{sign}{value:.0f}" if float(value).is_integer() else f"{sign}{value:.1f}"


def _ci(low: float, high: float, unit: str, signed: bool = False) -> str:
    return f"[{fmt(low, unit, signed)}, {fmt(high, unit, signed)}]"


def _pairing(row: pd.Series) -> str:
    if row["differing"] == 0:
        return "no deal differs"
    n = row["narrowing"]
    if math.isnan(n):                 # e.g. a median that is "never" in both
        return "n/a"
    return "∞ narrower" if math.isinf(n) else f"{n:.1f}x narrower"


def comparison_text(exp: Experiment, table: pd.DataFrame, point: int = 0) -> str:
    """The paired comparison of every variant against the base at one design point."""
    frames = frames_by_variant(table, point)
    labels = {v.name: v.label for v in exp.variants}
    cmp = compare(frames, "base", exp.outcomes)
    n = len(frames["base"])
    lines = [f"{exp.name}: {n:,} replications per variant, seed {exp.seed} "
             f"(common random numbers: replication r of every variant is deal r)"]
    if exp.description:
        lines.append(exp.description)
    name_w = max(12, *(len(labels[v]) for v in frames))
    for name in exp.outcomes:
        o = OUTCOMES[name]
        rows = cmp[cmp["outcome"] == name]
        lines += ["", f"{o.label} ({o.clause}; {o.unit})",
                  f"  {'variant':<{name_w}} {'estimate':>10} {'95% CI':>22}   "
                  f"{'variant - base':>14} {'paired 95% CI':>24} {'unpaired 95% CI':>24}  pairing"]
        for _, r in rows.iterrows():
            head = (f"  {labels[r['variant']]:<{name_w}} {fmt(r['estimate'], o.unit):>10} "
                    f"{_ci(r['low'], r['high'], o.unit):>22}")
            if r["variant"] != "base":
                head += (f"   {fmt(r['diff'], o.unit, True):>14} "
                         f"{_ci(r['diff_low'], r['diff_high'], o.unit, True):>24} "
                         f"{_ci(r['unpaired_low'], r['unpaired_high'], o.unit, True):>24}  "
                         f"{_pairing(r)}")
            lines.append(head)
    lines += ["", "Intervals: medians/quantiles order-statistic (estimates) and paired "
              "bootstrap (differences); probabilities exact Clopper-Pearson (estimates) and "
              "paired t on per-deal differences; means t. 'unpaired' is what independent "
              "samples of the same size would give; see experiments/analysis/compare.py."]
    return "\n".join(lines) + "\n"


def design_frame(points: Sequence[dict], table: pd.DataFrame,
                 outcomes: Sequence[str]) -> pd.DataFrame:
    """One row per (design point, variant): the parameters and each outcome's estimate
    with its interval (columns ``<outcome>``, ``<outcome>_low``, ``<outcome>_high``).

    Args:
        points: Parameter values of each design point (from the spec or the manifest).
        table: The sweep table.
        outcomes: Names from :data:`sim.read.headline.OUTCOMES`.
    """
    rows = []
    for point, values in enumerate(points):
        for variant, df in frames_by_variant(table, point).items():
            row: dict = {"point": point, "variant": variant, **values}
            for name in outcomes:
                iv = estimate(df, OUTCOMES[name])
                row.update({name: iv.value, f"{name}_low": iv.low, f"{name}_high": iv.high})
            rows.append(row)
    return pd.DataFrame(rows)


def _estimate_cell(row: pd.Series, outcome: str) -> str:
    unit = OUTCOMES[outcome].unit
    return f"{fmt(row[outcome], unit)} {_ci(row[outcome + '_low'], row[outcome + '_high'], unit)}"


def sensitivity_text(exp: Experiment, table: pd.DataFrame) -> str:
    """Per design point estimates, and each parameter's rank correlation with them."""
    d = design_frame(exp.points, table, exp.outcomes)
    lines = [f"{exp.name}: {exp.design_method} design, {len(exp.points)} points x "
             f"{len(exp.variants)} variant(s), {exp.replications:,} replications each, "
             f"seed {exp.seed}", ""]
    short = {p: p.split(".", 1)[1] for p in exp.parameters}
    head = "  ".join(f"{short[p]:>22}" for p in exp.parameters)
    outs = list(exp.outcomes)
    lines.append(f"{'pt':>3} {'variant':<12} {head}  " + "  ".join(f"{o:>26}" for o in outs))
    for _, r in d.iterrows():
        params = "  ".join(f"{r[p]:>22.4g}" if isinstance(r[p], float) else f"{r[p]!s:>22}"
                           for p in exp.parameters)
        cells = "  ".join(f"{_estimate_cell(r, o):>26}" for o in outs)
        lines.append(f"{r['point']:>3} {r['variant']:<12} {params}  {cells}")
    lines += ["", "Spearman rank correlation of each outcome with each parameter, across "
              "design points (base variant):"]
    base = d[d["variant"] == "base"]
    for o in outs:
        parts = []
        for p in exp.parameters:
            x = pd.to_numeric(base[p], errors="coerce").to_numpy(dtype=float)
            y = base[o].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() >= 3 and np.ptp(x[ok]) > 0 and np.ptp(y[ok]) > 0:
                rho, pval = stats.spearmanr(x[ok], y[ok])
                parts.append(f"{short[p]} {rho:+.2f} (p={pval:.2g})")
            else:
                parts.append(f"{short[p]} n/a")
        lines.append(f"  {o:<26} " + "; ".join(parts))
    return "\n".join(lines) + "\n"


def widest_interval(exp: Experiment, table: pd.DataFrame) -> float:
    """The widest 95% interval of the spec's first outcome: every variant's estimate
    and every paired difference, at every design point (what ``--until-ci`` bounds)."""
    name = exp.outcomes[0]
    widest = 0.0
    for point in range(len(exp.points)):
        cmp = compare(frames_by_variant(table, point), "base", [name])
        widths = list(cmp["high"] - cmp["low"])
        if "diff_high" in cmp:
            widths += list((cmp["diff_high"] - cmp["diff_low"]).dropna())
        for w in widths:
            widest = max(widest, float(w) if not math.isnan(w) else math.inf)
    return widest
