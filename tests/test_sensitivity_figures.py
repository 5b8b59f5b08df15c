"""Figures of sensitivity and scenario discovery (experiments/figures/sensitivity.py),
checked through matplotlib's objects after a draw: the bars and whiskers are the
numbers of the results, the chance share has its own labelled bar, the Morris points
sit at (mu*, sigma) with the noise floor and hollow markers where a parameter does not
stand out, PRIM's trajectory and box are the discovery's, no two texts overlap
(renderer window extents), and every figure has its one-sentence caption.

The results are built by hand (no model, no PRIM run): the figures are drawn from
result objects only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.text import Text

from experiments.figures.sensitivity import (CAPTIONS, box_figure, morris_figure,
                                             sobol_figure, trajectory_figure)
from experiments.sensitivity.morris import MorrisEffects
from experiments.sensitivity.prim import Discovery, Limit
from experiments.sensitivity.replications import Estimate
from experiments.sensitivity.sobol import SobolIndices

NAMES = ("review_probability", "notice_latency_days", "withdrawal_rate",
         "price_volatility")


def est(value, low, high) -> Estimate:
    return Estimate(value, low, high, 0.95, 0.001, 0.001)


@pytest.fixture(scope="module")
def sobol_res():
    first = (est(0.20, 0.11, 0.29), est(0.30, 0.18, 0.41), est(-0.01, -0.10, 0.09),
             est(0.0, -0.02, 0.02))
    total = (est(0.39, 0.24, 0.54), est(0.32, 0.21, 0.43), est(0.19, 0.12, 0.26),
             est(0.003, -0.005, 0.01))
    return SobolIndices(NAMES, 256, 8, first, total, first, total, est(0.29, 0.12, 0.56),
                        est(14.0, 10, 18), est(10.0, 7, 13))


@pytest.fixture(scope="module")
def morris_res():
    # Two parameters nearly on top of each other: their labels must still part.
    return MorrisEffects(NAMES, (8.9, 8.0, 8.05, 0.0), (8.9, 8.0, 8.05, 0.78),
                         (1.9, 0.25, 1.8, 0.16), (6.4, 7.9, 7.95, 0.3),
                         (0.67, 0.74, 0.67, 0.69), 0.95)


@pytest.fixture(scope="module")
def discovery():
    steps = 12
    traj = pd.DataFrame({
        "coverage": np.linspace(1.0, 0.7, steps),
        "density": np.linspace(0.15, 0.97, steps),
        "mass": np.linspace(1.0, 0.12, steps),
        "res_dim": [0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4],
        "test_coverage": np.linspace(1.0, 0.6, steps),
        "test_density": np.linspace(0.14, 0.9, steps),
    })
    limits = (Limit("review_probability", 0.5, 1.0, 0.0, 1.0),
              Limit("notice_latency_days", 2.0, 14.0, 0.0, 30.0),
              Limit("withdrawal_rate", 0.0, 0.4, 0.0, 1.0))
    return Discovery("mean below 0", NAMES, 1600, 800, 8, traj, 9, limits,
                     est(0.13, 0.04, 0.22), est(0.71, 0.33, 1.0), est(0.93, 0.83, 1.0),
                     est(0.8, 0.65, 0.95))


def drawn(fig):
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def overlap(a, b, tol: float = 0.5) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tol and
            min(a.y1, b.y1) - max(a.y0, b.y0) > tol)


def texts(fig):
    """Every visible, non-empty text of the figure (titles, ticks, labels, legends)."""
    found = fig.findobj(Text)
    return [t for t in dict((id(t), t) for t in found).values()
            if t.get_visible() and t.get_text().strip()]


def no_two_overlap(fig) -> None:
    renderer = drawn(fig)
    items = texts(fig)
    boxes = [t.get_window_extent(renderer) for t in items]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not overlap(boxes[i], boxes[j]), (items[i].get_text(),
                                                     items[j].get_text())


def test_sobol_bars_and_whiskers_are_the_numbers(sobol_res):
    fig = sobol_figure(sobol_res, "days to effectiveness")
    drawn(fig)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    whiskers = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert [b.get_label() for b in bars] == ["alone (first order)",
                                             "with its interactions (total)",
                                             "chance: no parameter"]
    for bar, whisker, ests in zip(bars, whiskers, (sobol_res.first_of_all,
                                                   sobol_res.total_of_all,
                                                   (sobol_res.chance,))):
        widths = [p.get_width() for p in bar.patches]
        assert widths == pytest.approx([e.value for e in ests])
        segs = whisker.lines[2][0].get_segments()
        # flat lists: pytest 9.2 refuses nested tuples in approx
        assert [x for s in segs for x in (s[0][0], s[1][0])] == pytest.approx(
            [x for e in ests for x in (e.low, e.high)])
        # The whisker sits on its bar.
        centres = [p.get_y() + p.get_height() / 2 for p in bar.patches]
        assert [s[0][1] for s in segs] == pytest.approx(centres)


def test_sobol_has_the_chance_bar_labelled(sobol_res):
    fig = sobol_figure(sobol_res)
    drawn(fig)
    ax = fig.axes[0]
    chance = [p for p in ax.patches if p.get_gid() == "chance"]
    assert len(chance) == 1 and chance[0].get_width() == pytest.approx(0.29)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[:4] == list(NAMES) and "chance" in ticks[4]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "chance: no parameter" in legend
    lo, hi = ax.get_xlim()
    assert lo <= -0.10 and hi >= 0.56            # every whisker inside the axes


def test_morris_points_floor_and_hollow_markers(morris_res):
    fig = morris_figure(morris_res)
    drawn(fig)
    ax = fig.axes[0]
    for i, name in enumerate(NAMES):
        (line,) = [c.lines[0] for c in ax.containers if isinstance(c, ErrorbarContainer)
                   and c.lines[0].get_gid() == f"param:{name}"]
        assert line.get_xydata()[0] == pytest.approx([morris_res.mu_star[i],
                                                      morris_res.sigma[i]])
        hollow = line.get_markerfacecolor() in ("white", (1.0, 1.0, 1.0, 1.0))
        assert hollow == (not morris_res.stands_out(name)), name
    (floor,) = [p for p in ax.patches if p.get_gid() == "noise-floor"]
    x0, x1 = floor.get_x(), floor.get_x() + floor.get_width()
    assert (x0, x1) == pytest.approx((0.0, max(morris_res.noise_floor)))
    assert morris_res.stands_out("review_probability")
    assert not morris_res.stands_out("price_volatility")


def test_prim_trajectory_is_the_discovery(discovery):
    fig = trajectory_figure(discovery, "B - A")
    drawn(fig)
    ax = fig.axes[0]
    pts = np.concatenate([c.get_offsets() for c in ax.collections
                          if c.get_gid() == "trajectory"])
    want = discovery.trajectory[["coverage", "density"]].to_numpy()
    assert sorted(map(tuple, np.round(pts, 9))) == sorted(map(tuple, np.round(want, 9)))
    (chosen,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert chosen.lines[0].get_xydata()[0] == pytest.approx([0.71, 0.93])
    (base,) = [ln for ln in ax.lines if ln.get_gid() == "base-rate"]
    assert base.get_ydata()[0] == pytest.approx(0.13)
    assert "B - A" in ax.get_title(loc="left")


def test_prim_box_is_the_limits(discovery):
    fig = box_figure(discovery, "B - A")
    drawn(fig)
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if p.get_gid() == "box"]
    assert [x for p in boxes for x in (p.get_x(), p.get_x() + p.get_width())] == \
        pytest.approx([0.5, 1.0, 2 / 30, 14 / 30, 0.0, 0.4])
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "review_probability", "notice_latency_days", "withdrawal_rate"]
    limits = [t.get_text() for t in ax.texts if t.get_gid() == "limit"]
    assert limits == ["0.5 to 1", "2 to 14", "0 to 0.4"]
    ends = [t.get_text() for t in ax.texts if t.get_gid() == "end"]
    assert ends == ["0", "1", "0", "30", "0", "1"]


@pytest.mark.parametrize("v, span, text", [
    (0.000269, 1.0, "0"), (0.0433, 1.0, "0.043"), (0.9996, 1.0, "1"), (2.0, 30.0, "2"),
    (1.36e-06, 1.0, "0"), (2500.0, 5000.0, "2,500"), (0.01234, 0.05, "0.0123"), (0.00027, 0.9997, "0"),
    (-0.25, 2.0, "-0.25")])
def test_limits_read_to_a_thousandth_of_the_range(v, span, text):
    from experiments.figures.sensitivity import _num
    assert _num(v, span) == text


def test_prim_box_of_nothing_says_so(discovery):
    from dataclasses import replace
    fig = box_figure(replace(discovery, limits=()))
    drawn(fig)
    assert "no region" in fig.axes[0].texts[0].get_text()
    assert "not claimed" in fig.axes[0].get_title(loc="left")


@pytest.mark.parametrize("make", ["sobol", "morris", "trajectory", "box"])
def test_no_two_texts_overlap(make, sobol_res, morris_res, discovery):
    fig = {"sobol": lambda: sobol_figure(sobol_res, "days to effectiveness"),
           "morris": lambda: morris_figure(morris_res, "days to effectiveness"),
           "trajectory": lambda: trajectory_figure(discovery, "B - A"),
           "box": lambda: box_figure(discovery, "B - A")}[make]()
    no_two_overlap(fig)
    renderer = drawn(fig)
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        # Outside the axes: a legend hides no bar, dot or whisker.
        assert not overlap(legend.get_window_extent(renderer),
                           fig.axes[0].get_window_extent(renderer))


def test_every_figure_has_one_sentence():
    assert set(CAPTIONS) == {"sobol", "morris", "trajectory", "box"}
    for text in CAPTIONS.values():
        assert text.endswith(".") and text.count(". ") == 0, text
        assert "Sobol" not in text and "PRIM" not in text and "Morris" not in text


@pytest.mark.parametrize("make", ["sobol", "morris", "trajectory", "box"])
def test_every_text_lies_inside_the_figure(make, sobol_res, morris_res, discovery):
    """A long outcome name wraps: no title runs off the figure's right edge (the Morris
    title 'Which assumptions move ...: Morris screening' once did)."""
    name = "value_to_investors_usd, nvca-2020 - as written (paired, per future)"
    fig = {"sobol": lambda: sobol_figure(sobol_res, name),
           "morris": lambda: morris_figure(morris_res, name),
           "trajectory": lambda: trajectory_figure(discovery, name),
           "box": lambda: box_figure(discovery, name)}[make]()
    renderer = drawn(fig)
    ink = fig.get_tightbbox(renderer)            # what is drawn, in inches
    width, _ = fig.get_size_inches()
    assert ink.x0 >= -0.01 and ink.x1 <= width + 0.01, (ink, width)
