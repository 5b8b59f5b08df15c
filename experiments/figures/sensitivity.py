"""Figures of sensitivity and scenario discovery, drawn from the core's results.

Each function takes a result object of :mod:`experiments.sensitivity` and returns a
matplotlib Figure; each has a caption (``CAPTIONS``), one sentence saying how to read
it for someone who has never heard of Sobol', Morris or PRIM:

* :func:`sobol_figure`: each parameter's share of the outcome's variance, alone and
  with its interactions, with intervals, and the share that is chance, its own bar;
* :func:`morris_figure`: Morris's mu* (how much a parameter moves the outcome) against
  sigma (how unevenly), with the noise floor chance alone would reach;
* :func:`trajectory_figure`: PRIM's peeling trajectory, coverage against density, the
  chosen box marked with its held-out intervals;
* :func:`box_figure`: the chosen box, each restricted parameter's range inside its
  full range.
"""

from __future__ import annotations

from textwrap import fill as wrap

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from experiments.figures.style import BASE_COLOR, WIDTH, themed
from experiments.sensitivity.morris import MorrisEffects
from experiments.sensitivity.prim import Discovery
from experiments.sensitivity.sobol import SobolIndices

FIRST = "#4a7fb0"        # alone
TOTAL = "#a9c6e3"        # with interactions
CHANCE = "#8c8c8c"       # no parameter
BOX = "#b5473a"          # where the outcome is worst

CAPTIONS = {
    "sobol": ("Each bar is the share of the outcome's variance that comes from one "
              "assumption: the dark bar what it does alone, the light bar what it does "
              "including its combinations with the others, and the grey bar the share "
              "no assumption explains, the luck of each deal; whiskers are 95% "
              "intervals, and a bar whose whisker reaches 0 may not matter at all."),
    "morris": ("Each dot is an assumption: further right, changing it moves the outcome "
               "more; higher up, its effect depends more on the other assumptions (or is "
               "not a straight line); a dot inside the grey band on the left moves the "
               "outcome no more than luck alone would at this many deals (hollow: not "
               "shown to matter)."),
    "trajectory": ("Reading from the top left, each dot is a smaller region of the "
                   "assumptions: it holds a smaller share of the bad cases (coverage, "
                   "across) but a larger share of the cases in it are bad (density, "
                   "up); the star is the region chosen, measured with its whiskers on "
                   "settings of the assumptions it was not found on, and the dashed line "
                   "is how often the outcome is bad anywhere."),
    "box": ("Each row is an assumption the region restricts: the grey bar is the range "
            "swept, the red bar the part of it where the outcome is worst (pale: "
            "no worse there than anywhere); every assumption not shown can take any "
            "value."),
}


def _wrapped(text: str, width: int = 60) -> str:
    return wrap(text, width)


def _fit(fig: Figure, title, text: str, width: int) -> None:
    """Set ``title``'s text wrapped at ``width`` characters, fewer while it would run
    off the figure's edge (a long outcome name; the layout is the figure's own)."""
    for w in range(width, 19, -4):
        title.set_text(_wrapped(text, w))
        fig.draw_without_rendering()
        box = title.get_window_extent()
        if box.x1 <= fig.bbox.x1 and box.x0 >= fig.bbox.x0:
            return


def _num(v: float, span: float) -> str:
    """A limit to a thousandth of its parameter's range: 0, 0.043, 14, 2,500."""
    digits = max(0, int(round(3 - np.log10(span)))) if span > 0 else 3
    text = f"{v:,.{digits}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


# --- Sobol' ----------------------------------------------------------------------------
def sobol_figure(res: SobolIndices, outcome: str = "the outcome") -> Figure:
    """Sobol' indices as shares of the whole variance, with the chance share.

    The bars are ``first_of_all`` and ``total_of_all`` (relative to the outcome's whole
    variance, so they stand beside the chance share on one scale) with their
    intervals; the chance share is a bar of its own, below the parameters.

    Args:
        res: :func:`experiments.sensitivity.sobol.sobol`'s result.
        outcome: The outcome's name, for the title.
    """
    k = len(res.names)
    rows = np.arange(k)
    chance_row = k + 0.4
    h = 0.36
    with themed():
        fig = Figure(figsize=(WIDTH, 1.9 + 0.55 * (k + 1)), layout="constrained")
        ax = fig.subplots()
        for off, ests, color, label in (
                (-h / 2, res.first_of_all, FIRST, "alone (first order)"),
                (h / 2, res.total_of_all, TOTAL, "with its interactions (total)")):
            vals = np.array([e.value for e in ests])
            # an estimate may lie outside its interval clipped to a share's range
            err = np.clip([[e.value - e.low for e in ests], [e.high - e.value for e in ests]],
                          0, None)
            ax.barh(rows + off, vals, height=h, color=color, edgecolor=BASE_COLOR,
                    linewidth=0.6, label=label, gid="index")
            ax.errorbar(vals, rows + off, xerr=err, fmt="none", ecolor=BASE_COLOR,
                        elinewidth=1.1, capsize=3, gid="whisker")
        c = res.chance
        ax.barh([chance_row], [c.value], height=h * 1.4, color=CHANCE, hatch="//",
                edgecolor="white", linewidth=0, label="chance: no parameter", gid="chance")
        ax.errorbar([c.value], [chance_row], xerr=[[max(c.value - c.low, 0)], [max(c.high - c.value, 0)]],
                    fmt="none", ecolor=BASE_COLOR, elinewidth=1.1, capsize=3,
                    gid="chance-whisker")
        ax.axhline(k - 0.3, color=BASE_COLOR, lw=0.6)
        ax.set_yticks([*rows, chance_row], [*res.names, "chance\n(luck of each deal)"],
                      fontsize=9.5)
        ax.set_ylim(chance_row + 0.6, -0.6)
        high = max([1e-9] + [e.high for e in (*res.first_of_all, *res.total_of_all, c)])
        ax.set_xlim(min(0.0, *(e.low for e in res.first_of_all)) - 0.01, min(1.0, high) + 0.04)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("share of the outcome's variance (95% interval)", fontsize=10)
        ax.axvline(0, color=BASE_COLOR, lw=0.8)
        fig.legend(loc="outside lower center", ncols=2, fontsize=8.5)
        # over the whole figure, not the axes: beside long names a title as wide as
        # the axes would squeeze the bars
        title = fig.suptitle("", x=0.02, ha="left", fontsize=11.5, fontweight="bold")
        _fit(fig, title, f"What drives {outcome}: Sobol' indices, {res.base:,} base "
             f"samples x {res.replications:,} deals", 72)
    return fig


# --- Morris ----------------------------------------------------------------------------
def morris_figure(res: MorrisEffects, outcome: str = "the outcome") -> Figure:
    """Morris's mu* against sigma, with the noise floor.

    Args:
        res: :func:`experiments.sensitivity.morris.morris`'s result.
        outcome: The outcome's name, for the title.
    """
    mu = np.array(res.mu_star)
    conf = np.array(res.mu_star_conf)
    sigma = np.array(res.sigma)
    floor = float(max(res.noise_floor)) if res.noise_floor else 0.0
    xmax = max(float((mu + conf).max()), floor) * 1.25 or 1.0
    ymax = max(float(sigma.max()), 1e-12) * 1.25
    with themed():
        fig = Figure(figsize=(WIDTH, 4.6), layout="constrained")
        ax = fig.subplots()
        ax.axvspan(0, floor, color=CHANCE, alpha=0.25, lw=0, gid="noise-floor")
        for i, name in enumerate(res.names):
            out = res.stands_out(name)
            ax.errorbar([mu[i]], [sigma[i]], xerr=[[min(conf[i], mu[i])], [conf[i]]],
                        fmt="o", ms=7, color=FIRST, mfc=FIRST if out else "white",
                        mew=1.4, elinewidth=1, capsize=2.5, gid=f"param:{name}")
        ax.set_xlim(0, xmax)
        ax.set_ylim(0, ymax)
        labels = [ax.annotate(name, (mu[i], sigma[i]), xytext=(7, 4),
                              textcoords="offset points", fontsize=9, gid="label")
                  for i, name in enumerate(res.names)]
        _spread(fig, labels)
        ax.set_xlabel("mu*: how much changing it moves the outcome", fontsize=10)
        ax.set_ylabel("sigma: how unevenly", fontsize=10)
        fig.legend(handles=[
            Patch(color=CHANCE, alpha=0.35, label="noise floor: luck alone"),
            Line2D([], [], marker="o", ls="none", color=FIRST, label="stands out"),
            Line2D([], [], marker="o", ls="none", color=FIRST, mfc="white",
                   label="not shown to matter")], loc="outside lower center", ncols=3,
            fontsize=8.5)
        title = ax.set_title("", loc="left", fontsize=11.5)
        _fit(fig, title, f"Which assumptions move {outcome}: Morris screening "
             f"({res.level:.0%} intervals)", 56)
    return fig


def _spread(fig: Figure, labels) -> None:
    """Move point labels down, then up, until no two overlap (display coordinates)."""
    if len(labels) < 2:
        return
    FigureCanvasAgg(fig)
    fig.canvas.draw()                     # the layout first: it moves the points
    renderer = fig.canvas.get_renderer()
    for _ in range(50):
        moved = False
        boxes = [t.get_window_extent(renderer) for t in labels]
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                a, b = boxes[i], boxes[j]
                if a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0:
                    continue
                lower = labels[j] if b.y0 <= a.y0 else labels[i]
                x, y = lower.xyann
                lower.xyann = (x, y - (min(a.y1, b.y1) - max(a.y0, b.y0)) * 72 / fig.dpi - 1)
                moved = True
                boxes = [t.get_window_extent(renderer) for t in labels]
        if not moved:
            return


# --- PRIM ------------------------------------------------------------------------------
def trajectory_figure(d: Discovery, outcome: str = "the outcome") -> Figure:
    """PRIM's peeling trajectory: coverage against density, coloured by the number of
    restricted parameters; the chosen box and its held-out intervals marked.

    Args:
        d: :func:`experiments.sensitivity.prim.discover`'s result.
        outcome: The outcome's name (a paired difference: ``B - A``), for the title.
    """
    t = d.trajectory
    dims = t["res_dim"].astype(int).to_numpy()
    with themed():
        fig = Figure(figsize=(WIDTH, 5.0), layout="constrained")
        ax = fig.subplots()
        ax.plot(t["coverage"], t["density"], color=CHANCE, lw=0.8, zorder=1)
        palette = ["#222222", "#4a7fb0", "#59a14f", "#e49444", "#b07aa1", "#9c755f",
                   "#d37295"]
        for n in sorted(set(dims)):
            sel = dims == n
            ax.scatter(t["coverage"][sel], t["density"][sel], s=18,
                       color=palette[n % len(palette)], zorder=2,
                       label=f"{n} restricted", gid="trajectory")
        ax.axhline(d.base_rate.value, color=BASE_COLOR, ls="--", lw=1, gid="base-rate",
                   label=f"anywhere: {d.base_rate.value:.0%}")
        ax.errorbar([d.coverage.value], [d.density.value],
                    xerr=[[d.coverage.value - d.coverage.low],
                          [d.coverage.high - d.coverage.value]],
                    yerr=[[d.density.value - d.density.low],
                          [d.density.high - d.density.value]],
                    fmt="*", ms=15, color=BOX, mec="white", mew=0.8, elinewidth=1.3,
                    capsize=3, zorder=3, gid="chosen",
                    label="chosen (held-out points)" if d.claimed else
                    "chosen: not claimed")
        ax.set_xlim(-0.02, 1.04)
        ax.set_ylim(-0.02, 1.04)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("coverage: share of all bad cases inside", fontsize=10)
        ax.set_ylabel("density: share bad inside", fontsize=10)
        fig.legend(loc="outside lower center", fontsize=8.5, ncols=3)
        title = ax.set_title("", loc="left", fontsize=11.5)
        _fit(fig, title, f"Where {outcome} is {d.target}: PRIM's peeling "
             f"({d.points:,} points, {d.replications:,} deals each)", 56)
    return fig


def box_figure(d: Discovery, outcome: str = "the outcome") -> Figure:
    """The chosen box: each restricted parameter's range inside its full range.

    Args:
        d: :func:`experiments.sensitivity.prim.discover`'s result.
        outcome: The outcome's name (a paired difference: ``B - A``), for the title.
    """
    lims = d.limits
    with themed():
        fig = Figure(figsize=(WIDTH, 1.9 + 0.6 * max(len(lims), 1)), layout="constrained")
        ax = fig.subplots()
        for i, lim in enumerate(lims):
            span = (lim.full_high - lim.full_low) or 1.0
            lo, hi = ((lim.low - lim.full_low) / span, (lim.high - lim.full_low) / span)
            ax.barh([i], [1.0], left=[0.0], height=0.5, color=CHANCE, alpha=0.35,
                    gid="full")
            ax.barh([i], [hi - lo], left=[lo], height=0.5, color=BOX,
                    alpha=1.0 if d.claimed else 0.4, gid="box")
            for x, v, ha in ((0.0, lim.full_low, "left"), (1.0, lim.full_high, "right")):
                ax.text(x, i + 0.33, _num(v, span), ha=ha, va="top", fontsize=8,
                        color="#555555", gid="end")
            ax.text((lo + hi) / 2, i - 0.3, f"{_num(lim.low, span)} to "
                    f"{_num(lim.high, span)}", ha="center", va="bottom", fontsize=9,
                    color=BOX, gid="limit")
        if not lims:
            ax.text(0.5, 0, "no region: every assumption free", ha="center", va="center",
                    fontsize=10, gid="limit")
        ax.set_yticks(range(len(lims)), [lim.name for lim in lims], fontsize=9.5)
        ax.set_ylim(max(len(lims), 1) - 0.4, -0.75)
        ax.set_xlim(-0.02, 1.02)
        ax.set_xticks([])
        ax.grid(False)
        ax.set_xlabel("each assumption's swept range, low to high", fontsize=10)
        verdict = (f"{d.density.value:.0%} bad inside vs {d.base_rate.value:.0%} anywhere"
                   if d.claimed else "not claimed: no denser than anywhere")
        title = ax.set_title("", loc="left", fontsize=11.5)
        _fit(fig, title, f"Where {outcome} is {d.target} ({verdict})", 56)
    return fig
