"""Figures of a design sweep: each outcome against each swept parameter, and a heat map
where the design is a full grid of two parameters.

Each design point is its own estimate, drawn at its parameter value with its 95%
interval (:func:`experiments.analysis.compare.estimate` on that point's rows): no bins
pool points, and no line joins neighbouring points, whose differences are as much the
other parameters and noise as this one. A heat map is drawn only for a full grid of two
parameters, one design point per cell; a Latin hypercube or Sobol design has no cells to
fill. (Sensitivity indices and box-finding are for a later issue.)
"""

from __future__ import annotations

import math
from textwrap import fill as wrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from experiments.analysis.compare import estimate

from sim.read.headline import OUTCOMES
from experiments.analysis.saved import Saved, pooled_rows, short_name
from experiments.figures.common import Made, dodge
from experiments.figures.style import WIDE, WIDTH, themed, variant_styles

def levels(values: pd.Series) -> list[tuple[float, str, list[int]]]:
    """Design points by one parameter's value: (x position, tick label, point indices),
    one entry per distinct value (a categorical switch at 0, 1, 2, ...).

    Args:
        values: The parameter's value at each design point (index = point).
    """
    x = pd.to_numeric(values, errors="coerce")
    if x.isna().any():                                   # a categorical switch
        cats = list(dict.fromkeys(values.astype(str)))
        return [(float(i), c, list(values.index[values.astype(str) == c]))
                for i, c in enumerate(cats)]
    return [(float(v), _num(v), list(x.index[x == v])) for v in sorted(x.unique())]


def _point_x(values: pd.Series) -> np.ndarray:
    """Where each design point sits on the x axis: its value, or its category's index."""
    x = pd.to_numeric(values, errors="coerce")
    if not x.isna().any():
        return x.to_numpy(dtype=float)
    cats = list(dict.fromkeys(values.astype(str)))
    return np.array([cats.index(str(v)) for v in values], dtype=float)


def _num(v: float, digits: int = 3) -> str:
    return f"{v:.{digits}g}" if not float(v).is_integer() else f"{int(v)}"


def _scale(name: str) -> tuple[float, str]:
    unit = OUTCOMES[name].unit
    return {"probability": (100.0, "%"), "USD": (1.0, "USD")}.get(unit, (1.0, unit))


def point_estimates(saved: Saved, variant: str, name: str) -> np.ndarray:
    """(estimate, low, high) of ``name`` at each design point, on that point's rows only,
    in the outcome's display unit (% for probabilities)."""
    factor, _unit = _scale(name)
    out = []
    for i in range(len(saved.points)):
        iv = estimate(pooled_rows(saved, variant, [i]), OUTCOMES[name])
        out.append((iv.value, iv.low, iv.high))
    return np.array(out, dtype=float).reshape(-1, 3) * factor


def effects_figure(saved: Saved) -> Figure:
    """Each outcome (rows) against each swept parameter (columns): every design point's
    estimate with its 95% interval, a marker per variant side by side, no lines."""
    params, outs = saved.parameters, saved.outcomes
    styles = variant_styles(saved.variants, saved.labels)
    pts = pd.DataFrame(saved.points)
    est = {(v, name): point_estimates(saved, v, name) for v in saved.variants for name in outs}
    with themed():
        fig = Figure(figsize=(max(WIDTH, min(WIDE, 3.6 * len(params))), 0.8 + 2.9 * len(outs)),
                     layout="constrained")
        axes = np.atleast_2d(fig.subplots(len(outs), len(params), sharey="row", squeeze=False))
        for c, p in enumerate(params):
            for r, name in enumerate(outs):
                _effect_panel(axes[r, c], saved, pts[p], p, name, est, styles)
                if c == 0:
                    _factor, unit = _scale(name)
                    axes[r, c].set_ylabel(wrap(f"{_short_label(name)} ({unit})", 24),
                                          fontsize=10)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)),
                   fontsize=9.5)
        fig.suptitle(f"Outcomes at each point of the {saved.manifest['design']['method']} "
                     f"design ({len(saved.points)} points, {saved.replications:,} "
                     "replications each; 95% CI)",
                     x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig


def _short_label(name: str) -> str:
    o = OUTCOMES[name]
    return f"{o.label} {o.clause}".replace("Demand Notice -> effective", "demand → effective")


def _effect_panel(ax, saved: Saved, values: pd.Series, param: str, name: str, est,
                  styles) -> None:
    x = _point_x(values)
    categorical = pd.to_numeric(values, errors="coerce").isna().any()
    # Variants side by side around each point's value: a small share of the axis.
    width = (x.max() - x.min()) if len(x) and x.max() > x.min() else 1.0
    n = len(saved.variants)
    for j, v in enumerate(saved.variants):
        s = styles[v]
        e = est[(v, name)]
        ok = np.isfinite(e[:, 0])
        lo = np.where(np.isfinite(e[:, 1]), e[:, 1], e[:, 0])
        hi = np.where(np.isfinite(e[:, 2]), e[:, 2], e[:, 0])
        xj = x + dodge(n, j, 0.04 * n if not categorical else 0.5) * (
            width if not categorical else 1.0)
        ax.errorbar(xj[ok], e[ok, 0], yerr=[e[ok, 0] - lo[ok], hi[ok] - e[ok, 0]],
                    fmt=s.marker, ls="none", color=s.color, ms=4.5, capsize=2,
                    elinewidth=1.1, alpha=0.9, label=s.label)
    if categorical:
        cats = list(dict.fromkeys(values.astype(str)))
        ax.set_xticks(range(len(cats)), cats)
    ax.set_xlabel(short_name(param), fontsize=10)
    ax.tick_params(labelsize=9)
    if OUTCOMES[name].unit == "USD":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: f"${y / 1e3:,.0f}k"))


def full_grid(saved: Saved) -> bool:
    """The design is a grid of exactly two parameters with one point per cell: a heat map
    of it shows every point once and averages nothing."""
    if len(saved.parameters) != 2 or saved.manifest.get("design", {}).get("method") != "grid":
        return False
    pts = pd.DataFrame(saved.points)
    px, py = saved.parameters
    cells = pts[[px, py]].astype(str).drop_duplicates()
    return (len(cells) == len(pts)
            == pts[px].astype(str).nunique() * pts[py].astype(str).nunique())


def _cell_matrix(saved: Saved, variant: str, gx, gy, name: str) -> np.ndarray:
    """Estimate of ``name`` at the design point of each (x, y) cell (a full grid: one
    point per cell)."""
    factor, _unit = _scale(name)
    m = np.full((len(gy), len(gx)), np.nan)
    for i, (_y, _ly, ys) in enumerate(gy):
        for j, (_x, _lx, xs) in enumerate(gx):
            members = sorted(set(xs) & set(ys))
            if members:
                m[i, j] = estimate(pooled_rows(saved, variant, members),
                                   OUTCOMES[name]).value * factor
    return m


def heatmap_figure(saved: Saved, name: str | None = None) -> Figure | None:
    """The outcome over a full grid of two parameters (:func:`full_grid`), one panel per
    variant, each cell one design point; None for any other design."""
    if not full_grid(saved) or not saved.outcomes:
        return None
    name = name or saved.outcomes[0]
    px, py = saved.parameters[:2]
    pts = pd.DataFrame(saved.points)
    gx, gy = levels(pts[px]), levels(pts[py])
    mats = {v: _cell_matrix(saved, v, gx, gy, name) for v in saved.variants}
    finite = np.concatenate([m[np.isfinite(m)] for m in mats.values()])
    vmin, vmax = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    labels = variant_styles(saved.variants, saved.labels)
    n = len(saved.variants)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    with themed():
        fig = Figure(figsize=(max(WIDTH, min(WIDE, 1.2 + 3.4 * ncols)), 1.3 + 3.0 * nrows),
                     layout="constrained")
        axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
        image = None
        for ax, v in zip(axes, saved.variants):
            image = _heat_panel(ax, mats[v], gx, gy, vmin, vmax, name)
            ax.set_title(labels[v].label, fontsize=10.5, loc="left")
            ax.set_xlabel(short_name(px), fontsize=10)
            ax.set_ylabel(short_name(py), fontsize=10)
        for ax in axes[n:]:
            ax.set_visible(False)
        factor, unit = _scale(name)
        fig.colorbar(image, ax=list(axes[:n]), label=wrap(f"{_short_label(name)} ({unit})",
                                                          30), shrink=0.9)
        fig.suptitle(wrap(f"{_short_label(name)} over {short_name(px)} and {short_name(py)}"
                          ", each cell a design point", 70), x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig


def _heat_panel(ax, m: np.ndarray, gx, gy, vmin: float, vmax: float, name: str):
    image = ax.imshow(np.ma.masked_invalid(m), cmap="viridis", vmin=vmin, vmax=vmax,
                      aspect="auto", origin="lower")
    ax.set_facecolor("0.92")
    mid = (vmin + vmax) / 2
    unit = OUTCOMES[name].unit
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if np.isfinite(m[i, j]):
                text = f"{m[i, j]:.0f}" if unit != "probability" else f"{m[i, j]:.1f}%"
                ax.text(j, i, text, ha="center", va="center", fontsize=9.5,
                        color="white" if m[i, j] < mid else "black")
    ax.set_xticks(range(len(gx)), [g[1] for g in gx], fontsize=9,
                  rotation=30 if max(len(g[1]) for g in gx) > 5 else 0,
                  ha="right" if max(len(g[1]) for g in gx) > 5 else "center")
    ax.set_yticks(range(len(gy)), [g[1] for g in gy], fontsize=9)
    ax.grid(False)
    return image


def figures_for(saved: Saved) -> list[Made]:
    """The design figures of a results folder (none without a design)."""
    if not saved.parameters or not saved.outcomes:
        return []
    made = [Made("design-effects", "Outcomes at each design point", (
        "Each design point's estimate with its 95% interval, at its value of each swept "
        "parameter (variants side by side); no bins, no lines: points that share a value "
        "differ in the other parameters."),
        effects_figure(saved))]
    heat = heatmap_figure(saved)
    if heat is not None:
        made.append(Made("design-heatmap", "Heat map over two parameters", (
            f"{OUTCOMES[saved.outcomes[0]].label} at each design point of the full grid, "
            "one point per cell."), heat))
    for m in made:
        m.wide = m.fig.get_figwidth() > WIDTH * 1.2
    return made
