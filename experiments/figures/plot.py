"""Every figure a results folder supports, in report order, and writing them to files.

The one module above the figure modules (:mod:`experiments.figures.outcomes`,
:mod:`experiments.figures.exposure`, :mod:`experiments.figures.design`): it lists what
they draw (:func:`figures_for`, also the report's figures) and writes it as PNG and SVG
(:func:`plot_results`, ``regsim plot``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from matplotlib.figure import Figure

from experiments.analysis.saved import Saved, load_saved, short_name
from experiments.execution.files import check_writable, write_error
from experiments.analysis import discovery
from experiments.figures import design, exposure, money, sensitivity
from experiments.figures.common import Made, where_text
from experiments.figures import outcomes
from experiments.figures.outcomes import (ecdf_figure, ecdf_pairs_figure, forest_figure,
                                         probability_figure)
from experiments.figures.style import WIDTH, save

#: Every table column a figure or the report reads (the design figures and the headline
#: numbers read headline outcomes, all among the outcome figures' columns): a folder is
#: loaded with these only, so a million-deal table is not held whole.
READS = tuple(dict.fromkeys(outcomes.READS + exposure.READS + money.READS))
#: The figure a report leads with, beside its headline numbers (when the results have it).
LEAD_FIGURE = "who-gains-what"


#: Name prefixes of a sensitivity study's figures: the indices (or Morris measures) per
#: analysis, and PRIM's trajectory and box per discovery (the report's own sections).
SENSITIVITY_FIGURE, DISCOVERY_FIGURE = "sensitivity-", "discovery-"


def figures_for(saved: Saved, point: int = 0, study=None) -> list[Made]:
    """Every figure the results support, in report order."""
    return list(iter_figures(saved, point, study))


def study_figures(study) -> Iterator[Made]:
    """A sensitivity study's figures (:class:`experiments.analysis.discovery.Study`):
    the Sobol' bars (or the Morris plot) per analysis, then PRIM's trajectory and box
    per discovery, each with its one-sentence caption (:data:`sensitivity.CAPTIONS`)."""
    for i, r in enumerate(study.results, 1):
        # the parameters by their short names (review.review_prob): long paths squeeze
        # the bars out of the figure
        if r.indices is not None:
            res = replace(r.indices, names=tuple(map(short_name, r.indices.names)))
            fig, what, key = sensitivity.sobol_figure(res, r.label), "Sobol' indices", "sobol"
        else:
            res = replace(r.effects, names=tuple(map(short_name, r.effects.names)))
            fig, what, key = sensitivity.morris_figure(res, r.label), "Morris screening", \
                "morris"
        yield Made(f"{SENSITIVITY_FIGURE}{i}-{key}", f"{what}: {r.label}",
                   sensitivity.CAPTIONS[key], fig, wide=True)
    for i, f in enumerate(study.found, 1):
        if f.discovery is None:
            continue
        for key, draw, what in (("trajectory", sensitivity.trajectory_figure,
                                 "PRIM's peeling trajectory"),
                                ("box", sensitivity.box_figure, "PRIM's box")):
            yield Made(f"{DISCOVERY_FIGURE}{i}-{key}", f"{what}: {f.label}",
                       sensitivity.CAPTIONS[key], draw(f.discovery, f.label))


def iter_figures(saved: Saved, point: int = 0, study=None) -> Iterator[Made]:
    """Every figure the results support, in report order, drawn one at a time (a caller
    that saves each and lets it go holds one figure's data at a time); a sensitivity
    study's folder adds its own (:func:`study_figures`; ``study``: its analyses, if the
    caller has them)."""
    where = where_text(saved, point)
    specs: list[tuple[str, str, Callable[[], Figure | None], str]] = [
        ("who-gains-what", "Who gains what",
         lambda: money.who_gains_figure(saved, point),
         "Mean per deal over all deals: the Investors' value of the registrations (their "
         "sales under a registration against their Rule 144 exit, discounted to the "
         "closing at the scenario's rate) and damages received; what the Company pays. "
         "Diamonds: each party's net with a Student t 95% interval."
         + ("" if len(saved.variants) == 1 else " Paired differences between variants are "
            "in the table of headline outcomes.") + where),
        # Three variants or more: one panel each over the base, where one panel of many
        # curves would hide which variants move timing.
        ("ecdf-by-variant", "Time to effectiveness: which variants move it",
         lambda: ecdf_pairs_figure(saved, point),
         "Deals effective by each day, each variant over the base (grey) on the same "
         "random futures; the box: deals whose effective day moved, and the median "
         "change, and whom it serves." + where)
        if len(saved.variants) > 3 else
        ("ecdf-days-to-effective", "Time to effectiveness",
         lambda: ecdf_figure(saved, point),
         "Deals with a Demand Notice effective by each day (never effective: the curve "
         "stays below 100%). The §1(a) effectiveness target runs from each deal's own "
         "filing, so no day of this axis marks it: the box gives the share of deals that "
         "missed it." + where),
        ("probabilities", "Breaches, missed targets and events",
         lambda: probability_figure(saved, point),
         "Share of deals with a Demand Notice in which each happened, with exact "
         "(Clopper-Pearson) 95% intervals; outcomes that never happened are left out." + where),
        ("forest-paired-differences", "Paired differences against the base",
         lambda: forest_figure(saved, point),
         "Each variant minus the base over the same replications (common random numbers): "
         "means and probabilities with paired t intervals, medians and quantiles with a "
         "paired bootstrap (experiments/analysis/compare.py)." + where),
        ("cutbacks", "Underwriter cutbacks",
         lambda: exposure.cutback_figure(saved, point),
         "Deals with a cutback only, each a dot; the mean with its t 95% interval. "
         "Per-Investor cutbacks of one deal: `regsim timeline --plot`." + where),
        ("money-by-party", "Expenses and indemnity exposure",
         lambda: exposure.money_figure(saved, point),
         "Mean per deal over all deals (zero where nothing was paid), Student t 95% "
         "intervals." + where),
    ]
    for name, title, draw, caption in specs:
        fig = draw()
        if fig is not None:
            made = Made(name, title, caption, fig, fig.get_figwidth() > WIDTH * 1.2)
            del fig                 # the caller's reference is the only one left
            yield made
            del made
    if study is None and discovery.is_study(saved):
        study = discovery.study(saved)
    if study is None:
        yield from design.figures_for(saved)
    else:
        # A sensitivity study's indices and discoveries say what the design figures'
        # per-point estimates would, with intervals (and those take minutes at
        # hundreds of points)
        yield from study_figures(study)


def plot_results(out: str | Path, fig_dir: str | Path | None = None,
                 point: int = 0) -> list[Path]:
    """Write every figure of a results folder as PNG and SVG.

    Args:
        out: The results folder (``manifest.json`` and ``shards/``).
        fig_dir: Where to write (default ``<out>/figures``).
        point: The design point of the comparison figures.

    Returns:
        The files written, in report order.

    Raises:
        ConfigError: an unreadable results folder, or a figure folder that cannot be
            written (checked before anything is drawn).
    """
    fig_dir = Path(fig_dir) if fig_dir else Path(out) / "figures"
    check_writable(fig_dir, "" if fig_dir == Path(out) / "figures" else "-o")
    saved = load_saved(out, columns=READS)
    saved.check_point(point)
    paths: list[Path] = []
    for m in iter_figures(saved, point):
        try:
            paths += save(m.fig, fig_dir, m.name)
        except OSError as exc:
            raise write_error(fig_dir, exc) from None
        del m                       # let the figure go before the next is drawn
    return paths
