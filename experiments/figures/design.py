"""Figures of a design sweep: each outcome against each swept parameter, and a heat map.

Design points are grouped by a parameter's value: a grid's values as they are; a Latin
hypercube's or Sobol design's continuous values in quantile bins (about four points a
bin). The rows of every design point in a group are pooled and the outcome estimated on
them with its 95% interval (:func:`experiments.analysis.compare.estimate`): the parameter's main
effect, the other parameters averaged over the design. Each design point's own estimate
is drawn as a faint dot, so the spread the other parameters cause stays visible.
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
from experiments.analysis.saved import Saved, design_frame, pooled_rows, short_name
from experiments.figures.common import Made
from experiments.figures.style import WIDE, WIDTH, themed, variant_styles

#: A parameter with at most this many distinct values is drawn value by value.
MAX_LEVELS = 8


def groups(values: pd.Series) -> list[tuple[float, str, list[int]]]:
    """Design points grouped by one parameter: (x position, tick label, point indices).

    Args:
        values: The parameter's value at each design point (index = point).
    """
    x = pd.to_numeric(values, errors="coerce")
    if x.isna().any():                                   # a categorical switch
        cats = list(dict.fromkeys(values.astype(str)))
        return [(float(i), c, list(values.index[values.astype(str) == c]))
                for i, c in enumerate(cats)]
    levels = sorted(x.unique())
    if len(levels) <= MAX_LEVELS:
        return [(float(v), _num(v), list(x.index[x == v])) for v in levels]
    nbins = max(2, min(5, len(x) // 4))
    bins = pd.qcut(x, nbins, duplicates="drop")
    out = []
    for interval in bins.cat.categories:
        members = list(x.index[bins == interval])
        out.append((float(x[members].mean()),
                    f"{_num(interval.left, 2)}–{_num(interval.right, 2)}", members))
    return out


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


def _main_effect(saved: Saved, variant: str, grouped, name: str) -> np.ndarray:
    """(x, estimate, low, high) per group, from the pooled rows of its points."""
    out = []
    for x, _label, members in grouped:
        iv = estimate(pooled_rows(saved, variant, members), OUTCOMES[name])
        out.append((x, iv.value, iv.low, iv.high))
    return np.array(out, dtype=float)


def effects_figure(saved: Saved) -> Figure:
    """Each outcome (rows) against each swept parameter (columns), line per variant with
    a 95% CI band; faint dots are single design points."""
    params, outs = saved.parameters, saved.outcomes
    styles = variant_styles(saved.variants, saved.labels)
    frame = design_frame(saved)
    pts = pd.DataFrame(saved.points)
    with themed():
        fig = Figure(figsize=(max(WIDTH, min(WIDE, 3.6 * len(params))), 0.8 + 2.9 * len(outs)),
                     layout="constrained")
        axes = np.atleast_2d(fig.subplots(len(outs), len(params), sharey="row", squeeze=False))
        for c, p in enumerate(params):
            grouped = groups(pts[p])
            for r, name in enumerate(outs):
                _effect_panel(axes[r, c], saved, frame, p, grouped, name, styles)
                if c == 0:
                    factor, unit = _scale(name)
                    axes[r, c].set_ylabel(wrap(f"{_short_label(name)} ({unit})", 24),
                                          fontsize=10)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)),
                   fontsize=9.5)
        fig.suptitle(f"Outcomes across the {saved.manifest['design']['method']} design "
                     f"({len(saved.points)} points, {saved.replications:,} replications each)",
                     x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig


def _short_label(name: str) -> str:
    o = OUTCOMES[name]
    return f"{o.label} {o.clause}".replace("Demand Notice -> effective", "demand → effective")


def _effect_panel(ax, saved: Saved, frame: pd.DataFrame, param: str, grouped, name: str,
                  styles) -> None:
    factor, unit = _scale(name)
    for v in saved.variants:
        s = styles[v]
        e = _main_effect(saved, v, grouped, name) * [1, factor, factor, factor]
        ok = np.isfinite(e).all(axis=1)
        ax.plot(e[ok, 0], e[ok, 1], color=s.color, ls=s.linestyle, marker=s.marker, lw=2,
                ms=5, label=s.label)
        ax.fill_between(e[ok, 0], e[ok, 2], e[ok, 3], color=s.color, alpha=0.15, lw=0)
        mine = frame[frame["variant"] == v]
        ax.scatter(_point_x(mine[param]), mine[name] * factor, s=10, color=s.color,
                   alpha=0.35, lw=0, label="_nolegend_")
    if pd.to_numeric(frame[param], errors="coerce").isna().any():      # categorical
        ax.set_xticks([g[0] for g in grouped], [g[1] for g in grouped])
    ax.set_xlabel(short_name(param), fontsize=10)
    ax.tick_params(labelsize=9)
    if unit == "USD":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"${x / 1e3:,.0f}k"))


def _cell_matrix(saved: Saved, variant: str, gx, gy, name: str) -> np.ndarray:
    """Estimate of ``name`` on the pooled rows of the points in each (x, y) group."""
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
    """The outcome over the first two swept parameters, one panel per variant."""
    if len(saved.parameters) < 2 or not saved.outcomes:
        return None
    name = name or saved.outcomes[0]
    px, py = saved.parameters[:2]
    pts = pd.DataFrame(saved.points)
    gx, gy = groups(pts[px]), groups(pts[py])
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
        extra = ("; other parameters averaged over the design"
                 if len(saved.parameters) > 2 else "")
        fig.suptitle(wrap(f"{_short_label(name)} over {short_name(px)} and {short_name(py)}"
                          + extra, 70), x=0.01, ha="left", fontweight="bold", fontsize=12)
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
    made = [Made("design-effects", "Outcomes across the design", (
        "Lines: the design points with each parameter value (a grid) or in each quantile "
        "bin (LHS, Sobol) pooled, with a 95% band: the parameter's main effect, the others "
        "averaged over the design. Faint dots: single design points."),
        effects_figure(saved))]
    heat = heatmap_figure(saved)
    if heat is not None:
        made.append(Made("design-heatmap", "Heat map over two parameters", (
            f"{OUTCOMES[saved.outcomes[0]].label} estimated on the pooled rows of the design "
            "points in each cell; grey: no design point."), heat))
    for m in made:
        m.wide = m.fig.get_figwidth() > WIDTH * 1.2
    return made
