"""Figures that tell the truth at a glance (issue 15, item 3; the Gantt chart, item 1).

Drawn from the committed results fixtures (``tests/fixtures/results``) and a frozen
golden log, and checked through matplotlib's objects after a draw: no line marks a rule
the agreement does not have, axes end where the data ends, probabilities are on a
plain (or log) scale, differences say whom they serve, texts do not overlap each other
or the markers (renderer window extents), design figures pool nothing and join nothing,
and the Gantt chart reads in dates.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import ErrorbarContainer

from experiments.analysis.saved import load_saved
from experiments.figures.design import effects_figure, heatmap_figure
from experiments.figures.gantt import gantt_figure
from experiments.figures.money import money_rows, who_gains_figure
from experiments.figures.outcomes import (ecdf_figure, ecdf_pairs_figure, forest_figure,
                                         probability_figure)
from experiments.analysis.summary import days_to_effective
from sim.engine.events import EventLog
from sim.law.terms import load_terms
from sim.read.headline import OUTCOMES

FIXTURES = Path(__file__).parent / "fixtures" / "results"
LOGS = Path(__file__).parent / "fixtures" / "logs"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

pytestmark = pytest.mark.usefixtures("no_model")


@pytest.fixture(scope="module")
def saved():
    return load_saved(FIXTURES / "variants")


@pytest.fixture(scope="module")
def valued(saved):
    """The variants fixture with the value of the registrations (a column newer than
    the fixture): fixed draws, so who gains what is drawn."""
    table = saved.table.copy()
    rng = np.random.default_rng(15)
    table["value_to_investors_usd"] = rng.gamma(1.5, 90_000, len(table))
    table["rights_expenses_usd"] = rng.gamma(4.0, 28_000, len(table))
    return replace(saved, table=table)


@pytest.fixture(scope="module")
def design():
    return load_saved(FIXTURES / "tiny-design")


def one_variant(saved, n: int = 1):
    """The results as if only the first ``n`` variants had run."""
    return replace(saved, manifest=dict(saved.manifest,
                                        variants=saved.manifest["variants"][:n]))


def drawn(fig):
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def overlap(a, b, tol: float = 0.5) -> bool:
    """Two window extents overlap by more than ``tol`` pixels each way."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tol
            and min(a.y1, b.y1) - max(a.y0, b.y0) > tol)


def no_two_overlap(boxes) -> None:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not overlap(a, b), (a, b)


def visible_texts(texts):
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


# --- 1. no rule the agreement does not have --------------------------------------------
def test_ecdf_marks_no_target_from_the_deadline_and_states_the_misses_per_deal(saved):
    fig = ecdf_figure(saved)
    (ax,) = fig.axes
    for ln in ax.get_lines():
        assert not re.search(r"target|deadline", ln.get_label()), ln.get_label()
    assert not [ln for ln in ax.get_lines() if len(set(ln.get_xdata())) == 1]   # no verticals
    (box,) = ax.texts
    text = box.get_text()
    target = saved.terms("base")["effectiveness_target_days"]
    assert f"effective within {target} days\nof each deal's own filing" in text
    for v, df in saved.frames().items():       # each share counted here from the table
        with_demand = df[df["demand_day"].notna()]
        share = with_demand["effectiveness_target_missed"].astype(bool).mean()
        assert f"{share:.1%} ({saved.labels[v]})" in text


def test_ecdf_target_days_come_from_the_terms(saved):
    cells = [dict(c, terms={**c["terms"], "effectiveness_target_days": 90})
             for c in saved.manifest["cells"]]
    changed = replace(saved, manifest=dict(saved.manifest, cells=cells))
    assert changed.terms("base")["effectiveness_target_days"] == 90
    (ax,) = ecdf_figure(changed).axes
    assert "effective within 90 days" in ax.texts[0].get_text()


# --- 2. axes end where the data ends ------------------------------------------------------
def test_ecdf_x_axis_ends_at_the_last_effective_day(saved):
    for figure in (ecdf_figure(saved), ecdf_pairs_figure(saved)):
        last = max(days_to_effective(df)[np.isfinite(days_to_effective(df))].max()
                   for df in saved.frames().values())
        lo, hi = figure.axes[0].get_xlim()
        assert lo == 0 and last <= hi <= last * 1.02


def test_who_gains_what_each_party_on_its_own_range(valued):
    fig = who_gains_figure(valued)
    rows = money_rows(valued)
    drawn(fig)
    for ax, party in zip(fig.axes[:2], ("Investors", "Company")):
        r = rows[rows["party"] == party]
        parts = r[r["column"] != "net"]
        net = r[r["column"] == "net"]
        stacks = parts.assign(pos=parts["value"].clip(lower=0),
                              neg=parts["value"].clip(upper=0)).groupby("variant")
        data_lo = min(0.0, stacks["neg"].sum().min(), net["low"].min())
        data_hi = max(0.0, stacks["pos"].sum().max(), net["high"].max())
        lo, hi = ax.get_xlim()
        width = data_hi - data_lo
        # A margin, and room for the net's label on the side it sits, no more.
        assert data_lo - 0.25 * width <= lo <= data_lo
        assert data_hi <= hi <= data_hi + 0.25 * width
        if data_hi == 0:                       # all payments: the axis stops near zero
            assert hi <= 0.05 * width


def test_forest_axes_end_at_the_intervals(saved):
    from experiments.analysis.compare import compare

    fig = forest_figure(saved)
    cmp = compare(saved.frames(), "base", saved.outcomes)
    for ax, name in zip(fig.axes, saved.outcomes):
        factor = 100.0 if OUTCOMES[name].unit == "probability" else 1.0
        r = cmp[cmp["outcome"] == name]
        ends = np.r_[r["diff_low"], r["diff_high"], 0.0] * factor
        ends = ends[np.isfinite(ends)]
        lo, hi = ax.get_xlim()
        least = {"USD": 100.0}.get(OUTCOMES[name].unit, 1.0)
        width = max(ends.max() - ends.min(), least)
        top = max(ends.max(), ends.min() + least)   # nothing moved: `least` wide from 0
        assert ends.min() - 0.1 * width <= lo <= ends.min()
        assert ends.max() <= hi <= top + 0.1 * width


# --- 3. design figures: each point its own estimate ----------------------------------------
def test_design_figures_draw_no_binned_lines(design):
    fig = effects_figure(design)
    for ax in fig.axes:
        for ln in ax.get_lines():
            # Markers and caps only: a line joining estimates would have a line style.
            assert ln.get_linestyle() in ("None", "none", "") or len(ln.get_xdata()) < 2
        for c in ax.containers:
            assert len(c.lines[0].get_xdata()) == len(design.points)


def test_heatmap_only_for_a_full_grid_of_two_parameters(design):
    assert heatmap_figure(design) is not None
    lhs = replace(design, manifest={**design.manifest, "design": {
        **design.manifest["design"], "method": "lhs"}})
    assert heatmap_figure(lhs) is None
    half = replace(design, manifest={**design.manifest, "design": {
        **design.manifest["design"], "points": design.points[:5]}})
    assert heatmap_figure(half) is None         # a grid with an empty cell


# --- 4. probabilities a lawyer can read -------------------------------------------------------
@pytest.mark.parametrize("n", [1, 4])
def test_probabilities_on_a_plain_scale_and_no_label_meets_another(saved, n):
    fig = probability_figure(one_variant(saved, n))
    renderer = drawn(fig)
    for ax in fig.axes:
        assert ax.get_xscale() in ("linear", "log")
        ticks = visible_texts(ax.get_yticklabels())
        no_two_overlap([t.get_window_extent(renderer) for t in ticks])
        no_two_overlap([t.get_window_extent(renderer)
                        for t in visible_texts(ax.get_xticklabels())])
        values = [t for t in ax.texts if t.get_gid() == "value-label"]
        assert bool(values) == (n <= 3)
        boxes = [t.get_window_extent(renderer) for t in values]
        no_two_overlap(boxes)
        markers = [c.lines[0].get_window_extent(renderer) for c in ax.containers]
        for box in boxes:
            for c in ax.containers:
                # each estimate's marker: a small box around its display point
                for x, y in ax.transData.transform(c.lines[0].get_xydata()):
                    assert not overlap(box, type(box).from_bounds(x - 3, y - 3, 6, 6))
        del markers


def test_a_long_outcome_label_does_not_meet_its_neighbour(saved):
    table = saved.table.copy()
    for col in ("holdouts", "amendments", "waivers_asked", "second_demand_made",
                "withdrawals_using_demand"):
        table[col] = (np.arange(len(table)) % 7 == 0).astype(int)
    fig = probability_figure(replace(one_variant(saved), table=table))
    renderer = drawn(fig)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert any("held out for" in t.replace("\n", " ") for t in labels)
    for ax in fig.axes:
        no_two_overlap([t.get_window_extent(renderer)
                        for t in visible_texts(ax.get_yticklabels())])


# --- 5. differences say whom they serve ---------------------------------------------------------
def test_forest_panels_say_whom_each_side_serves(saved):
    # The negotiated-variants spec's outcomes: long labels side by side.
    saved = replace(saved, manifest=dict(saved.manifest, outcomes=[
        "days_to_effective", "days_to_effective_p90", "days_to_filing", "value_to_investors",
        "filing_deadline_missed", "filed_before_floor", "window_empty", "company_notice_late",
        "target_missed", "delay_used"]))
    fig = forest_figure(saved)
    renderer = drawn(fig)
    for ax, name in zip(fig.axes, saved.outcomes):
        o = OUTCOMES[name]
        verdicts = [t for t in ax.texts if t.get_gid() == "verdict"]
        expected = [t for t in ("← " + o.verdict(-1) if o.verdict(-1) else "",
                                o.verdict(1) + " →" if o.verdict(1) else "") if t]
        assert [t.get_text() for t in verdicts] == expected
        assert all("better for" in t or "worse for" in t for t in expected)
        no_two_overlap([t.get_window_extent(renderer) for t in verdicts])
        for t in verdicts:                   # above the first row's interval
            box = t.get_window_extent(renderer)
            for c in ax.containers:
                assert not overlap(box, c.lines[0].get_window_extent(renderer))
    assert any(t.get_gid() == "verdict" for ax in fig.axes for t in ax.texts)
    titles = [ax.title if ax.title.get_text() else ax._left_title for ax in fig.axes
              if ax.get_visible()]
    no_two_overlap([t.get_window_extent(renderer) for t in titles])


def test_ecdf_pairs_say_whom_the_median_change_serves(saved):
    fig = ecdf_pairs_figure(saved)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    moved = [t for t in texts if "by a median" in t]
    assert moved
    for t in moved:
        change = int(re.search(r"by a median ([+-]\d+) days", t).group(1))
        assert t.endswith(OUTCOMES["days_to_effective"].verdict(change)) or change == 0


# --- 6. the net's label beside, not on, its diamond ------------------------------------------
def test_who_gains_what_net_labels_clear_of_the_diamonds(valued):
    saved = valued
    fig = who_gains_figure(valued)
    renderer = drawn(fig)
    for ax in fig.axes[:2]:
        labels = [t for t in ax.texts if re.fullmatch(r"-?\$[\d.,]+[kM]?", t.get_text())]
        assert len(labels) == len(saved.variants)
        boxes = [t.get_window_extent(renderer) for t in labels]
        no_two_overlap(boxes)
        rows = [c for c in ax.containers if isinstance(c, ErrorbarContainer)
                and len(c.lines[0].get_xdata())]          # not the legend's handle
        assert len(rows) == len(saved.variants)
        for c, box in zip(rows, boxes):
            # Beside the interval: no label within the columns of a diamond, its
            # whiskers or caps (a label just above the diamond reads as touching it).
            parts = [c.lines[0], *c.lines[1], *c.lines[2]]
            x0 = min(p.get_window_extent(renderer).x0 for p in parts) - 2
            x1 = max(p.get_window_extent(renderer).x1 for p in parts) + 2
            assert box.x1 <= x0 or box.x0 >= x1, (box, x0, x1)
        for box in boxes:                    # inside the axes
            ab = ax.get_window_extent(renderer)
            assert ab.x0 <= box.x0 and box.x1 <= ab.x1


# --- 7. the Gantt chart reads in dates ------------------------------------------------------------
def test_gantt_ticks_are_dates_and_the_title_names_the_deal():
    log = EventLog.from_jsonl((LOGS / "seed2024-deal8557.jsonl").read_text(encoding="utf-8"))
    fig = gantt_figure(log, load_terms())
    (ax,) = [a for a in fig.axes if a.get_yticklabels()]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks and all(t.split("\n")[0] in MONTHS for t in ticks)
    assert all(re.fullmatch(r"[A-Z][a-z]{2}(\n\d{4})?", t) for t in ticks)
    assert ax.get_title(loc="left") == "Deal 8557 of seed 2024, closing Sun 30 Mar 2003 (day 0)"
    from experiments.figures.gantt import title_of

    assert title_of(log, "bestnet-2003", "bestnet-2003") == (
        "Deal 8557 of seed 2024, closing Sun 30 Mar 2003 (day 0)\n"
        "terms: bestnet-2003; scenario: bestnet-2003")
