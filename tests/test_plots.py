"""Figures from the committed results fixtures (never a re-run), checked as objects.

Each figure is drawn from ``tests/fixtures/results`` (``variants``: the base and three
variants, 200 replications; ``tiny-design``: a 3 x 2 grid, two variants, 60
replications) and checked through matplotlib's objects: axis labels with units, one
artist per variant (legend entries, lines, error-bar and bar containers, images), a
fixed colour per variant across figures, and the contract's marks. The Gantt chart is
drawn from the golden event logs. ``regsim plot`` and ``regsim timeline --plot`` are
run through click.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.image import AxesImage

from experiments.figures.design import effects_figure, heatmap_figure
from experiments.figures.exposure import cutback_figure, money_figure
from experiments.figures.outcomes import (ecdf_figure, ecdf_pairs_figure, forest_figure,
                                         probability_figure)
from experiments.figures.plot import figures_for, plot_results
from experiments.figures.gantt import chart_of, gantt_figure
from experiments.analysis.saved import load_saved
from sim.cli.main import main
from sim.engine.events import EventLog
from sim.law.terms import load_terms

FIXTURES = Path(__file__).parent / "fixtures" / "results"
GOLDEN = Path(__file__).parent / "golden"
LABELS = ["as written", "file within 60 days", "cooldown 90 days", "cutback: Investors first"]


# Figures and the report read saved results only: building a model fails the test.
pytestmark = pytest.mark.usefixtures("no_model")


@pytest.fixture(scope="module")
def saved():
    return load_saved(FIXTURES / "variants")


@pytest.fixture(scope="module")
def design():
    return load_saved(FIXTURES / "tiny-design")


def legend_texts(fig) -> list[str]:
    legends = [lg for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)] if lg]
    return [t.get_text() for lg in legends for t in lg.get_texts()]


def container_labels(ax, kind) -> list[str]:
    return [c.get_label() for c in ax.containers if isinstance(c, kind)]


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


# --- comparison figures ------------------------------------------------------------------
def test_ecdf_has_one_curve_per_variant_and_states_the_target_per_deal(saved):
    fig = ecdf_figure(saved)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "days from Demand Notice to effectiveness"
    assert ax.get_ylabel() == "deals effective (% of deals with a demand)"
    curves = [ln for ln in ax.get_lines() if ln.get_label() in LABELS]
    assert [ln.get_label() for ln in curves] == LABELS
    for ln in curves:
        y = ln.get_ydata()
        assert np.all(np.diff(y) >= 0) and y[-1] == pytest.approx(1.0)   # all effective
    marks = {ln.get_label(): ln.get_xdata()[0] for ln in ax.get_lines()
             if ln.get_label() not in LABELS}
    # No deadline is a day of this axis (the target runs from each deal's filing).
    assert marks == {}
    (box,) = ax.texts
    assert box.get_text().startswith("§1(a) target: effective within 120 days\nof each "
                                     "deal's own filing; missed in\n")
    assert box.get_text().count("% (") == len(LABELS)
    assert set(LABELS) <= set(legend_texts(fig))


def test_ecdf_of_deals_never_effective_stays_below_one(saved):
    table = saved.table.copy()
    never = (table["variant"] == "base").to_numpy() & (table["replication"] < 20).to_numpy()
    table.loc[never, "days_demand_to_effective"] = None
    fig = ecdf_figure(replace(saved, table=table))
    base = next(ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("as written"))
    assert base.get_label() == "as written (10.0% never effective)"
    assert base.get_ydata()[-1] == pytest.approx(0.9)


def test_ecdf_by_variant_one_panel_per_variant_over_the_base(saved):
    fig = ecdf_pairs_figure(saved)
    axes = visible_axes(fig)
    assert [ax.get_title(loc="left") for ax in axes] == LABELS[1:]
    frames = saved.frames()
    base = frames["base"]
    for ax, v in zip(axes, saved.variants[1:]):
        labels = [ln.get_label() for ln in ax.get_lines()]
        # No deadline line: the filing deadline runs from receipt, the axis from sending.
        assert labels == ["as written", saved.labels[v]]
        (text,) = [t.get_text() for t in ax.texts]
        # The share of deals whose effective day moved, counted here from the table.
        a, b = (f["days_demand_to_effective"].to_numpy(dtype=float) for f in (base, frames[v]))
        moved = np.mean(a != b)
        if moved == 0:
            assert text == "no deal's timing moved"
        else:
            share = f"{moved:.0%}" if moved >= 0.095 else f"{moved:.1%}"
            assert text.startswith(f"timing moved in {share} of deals")


def test_ecdf_by_variant_needs_three_variants(saved):
    manifest = dict(saved.manifest, variants=saved.manifest["variants"][:2])
    two = replace(saved, manifest=manifest,
                  table=saved.table[saved.table["variant"].isin(["base", saved.variants[1]])])
    assert ecdf_pairs_figure(two) is None


def test_probabilities_one_errorbar_series_per_variant_per_panel(saved):
    fig = probability_figure(saved)
    breaches, events = visible_axes(fig)
    for ax in (breaches, events):
        assert container_labels(ax, ErrorbarContainer) == LABELS
        assert "% of deals" in ax.get_xlabel()
    ticks = [t.get_text().replace("\n", " ") for t in breaches.get_yticklabels()]
    assert "filing deadline missed (Company) §1(a)" in ticks
    assert any("underwriter cut" in t.get_text().replace("\n", " ")
               for t in events.get_yticklabels())
    assert legend_texts(fig) == LABELS


def test_forest_one_interval_per_variant_per_outcome_in_its_unit(saved):
    fig = forest_figure(saved)
    axes = visible_axes(fig)
    assert len(axes) == len(saved.outcomes) == 8
    for ax in axes:
        assert container_labels(ax, ErrorbarContainer) == LABELS[1:]
        assert any(ln.get_xdata()[0] == 0 for ln in ax.get_lines())     # the zero line
    assert [ax.get_xlabel() for ax in axes] == ["days", "days"] + ["percentage points"] * 4 \
        + ["USD per deal"] * 2
    # The 90-day cooldown makes the median deal effective sooner, for sure.
    median = axes[0].containers[1]
    assert median.get_label() == "cooldown 90 days"
    assert median.lines[0].get_xdata()[0] < 0


def test_forest_needs_two_variants(saved):
    base_only = replace(saved, manifest={**saved.manifest,
                                         "variants": saved.manifest["variants"][:1]})
    assert forest_figure(base_only) is None


def test_cutbacks_per_variant_and_none_without_cutbacks(saved):
    fig = cutback_figure(saved)
    axes = visible_axes(fig)
    assert [ax.get_xlabel() for ax in axes] == ["Investors' shares cut,\nall cutbacks (%)",
                                                "largest cut from\none Investor (%)"]
    for ax in axes:
        assert container_labels(ax, ErrorbarContainer) == LABELS
        assert len(ax.collections) >= len(LABELS)          # the deals as dots
    ticks = [t.get_text() for t in axes[0].get_yticklabels()]
    assert ticks[0] == "as written\n21 deals; shares cut in 33%"
    table = saved.table.copy()
    table["cutbacks"] = table["cutbacks"] * 0
    assert cutback_figure(replace(saved, table=table)) is None


def test_cutbacks_draw_a_sample_of_dots_and_the_mean_of_all(saved, monkeypatch):
    """Beyond MAX_DOTS deals a variant shows a fixed sample of dots (a million-deal run
    would paint a solid bar), and says so; the mean and its interval use every deal."""
    from matplotlib.collections import PathCollection

    import experiments.figures.exposure as exposure

    full = cutback_figure(saved)
    monkeypatch.setattr(exposure, "MAX_DOTS", 5)
    sampled = cutback_figure(saved)
    for ax_full, ax_sampled in zip(visible_axes(full), visible_axes(sampled)):
        dots = [len(c.get_offsets()) for c in ax_sampled.collections
                if isinstance(c, PathCollection)]
        assert dots and max(dots) <= 5
        means = [c.lines[0].get_xdata()[0] for c in ax_full.containers]
        assert [c.lines[0].get_xdata()[0] for c in ax_sampled.containers] == means
    assert "a sample of 5" in sampled._suptitle.get_text()
    assert "sample" not in full._suptitle.get_text()


def test_money_by_party_one_bar_series_per_variant(saved):
    fig = money_figure(saved)
    expenses, losses = visible_axes(fig)
    assert expenses.get_title(loc="left") == "expenses (§4)"
    assert losses.get_title(loc="left") == "claim losses borne (§5)"
    for ax in (expenses, losses):
        assert container_labels(ax, BarContainer) == LABELS
        assert ax.get_xlabel() == "mean per deal (USD, 95% CI)"
    assert [t.get_text().split("\n")[0] for t in losses.get_yticklabels()] == \
        ["Company", "Investors"]                           # no losses of others: left out


def test_each_variant_keeps_its_colour_in_every_figure(saved):
    colour = {}
    for fig in (ecdf_figure(saved), probability_figure(saved), forest_figure(saved),
                money_figure(saved)):
        for ax in visible_axes(fig):
            for ln in ax.get_lines():
                if ln.get_label() in LABELS:
                    colour.setdefault(ln.get_label(), set()).add(to_hex(ln.get_color()))
            for c in ax.containers:
                if c.get_label() in LABELS:
                    art = c.patches[0] if isinstance(c, BarContainer) else c.lines[0]
                    rgb = art.get_edgecolor() if isinstance(c, BarContainer) else art.get_color()
                    colour.setdefault(c.get_label(), set()).add(to_hex(rgb))
    assert set(colour) == set(LABELS)
    assert all(len(c) == 1 for c in colour.values()), colour
    assert len({next(iter(c)) for c in colour.values()}) == len(LABELS)


# --- design figures ----------------------------------------------------------------------
def test_design_effects_each_point_its_own_estimate_per_variant(design):
    fig = effects_figure(design)
    axes = visible_axes(fig)
    assert len(axes) == 2 * 2                                 # outcomes x parameters
    labels = ["as written", "file within 60 days"]
    for ax in axes:
        assert container_labels(ax, ErrorbarContainer) == labels
        for c in ax.containers:
            assert len(c.lines[0].get_xdata()) == len(design.points)   # no pooling
    assert [ax.get_xlabel() for ax in axes[:2]] == ["review.review_prob", "cooldown_days"]
    assert "(days)" in axes[0].get_ylabel() and "(%)" in axes[2].get_ylabel()
    base = axes[1].containers[0].lines[0]                     # median days vs cooldown
    x, y = base.get_xdata(), base.get_ydata()
    assert sorted(set(np.round(x, -1))) == [90, 180]         # side by side around each
    assert np.mean(y[x > 135]) > np.mean(y[x < 135])


def test_heatmap_one_image_per_variant_over_two_parameters(design):
    fig = heatmap_figure(design)
    panels = [ax for ax in visible_axes(fig) if ax.get_images()]
    assert [ax.get_title(loc="left") for ax in panels] == ["as written", "file within 60 days"]
    for ax in panels:
        (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
        assert image.get_array().shape == (2, 3)           # cooldown x review_prob
        assert ax.get_xlabel() == "review.review_prob" and ax.get_ylabel() == "cooldown_days"
    assert heatmap_figure(replace(design, manifest={
        **design.manifest, "design": {**design.manifest["design"],
                                      "parameters": design.parameters[:1]}})) is None


def test_figures_for_lists_comparison_and_design_figures(saved, design):
    assert [m.name for m in figures_for(saved)] == [
        "ecdf-by-variant", "probabilities", "forest-paired-differences", "cutbacks",
        "money-by-party"]
    made = figures_for(design)
    assert [m.name for m in made][-2:] == ["design-effects", "design-heatmap"]
    assert "design point 0" in made[0].caption


# --- files and commands ------------------------------------------------------------------
def test_regsim_plot_writes_png_and_svg_of_every_figure(tmp_path):
    result = CliRunner().invoke(main, ["plot", str(FIXTURES / "tiny-design"), "-o",
                                       str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = [Path(line.removeprefix("wrote ")) for line in result.output.splitlines()]
    names = ["ecdf-days-to-effective", "probabilities", "forest-paired-differences",
             "cutbacks", "money-by-party", "design-effects", "design-heatmap"]
    assert written == [tmp_path / f"{n}.{ext}" for n in names for ext in ("png", "svg")]
    for path in written:
        if path.suffix == ".png":
            pixels = mpimg.imread(path)[..., :3]
            assert pixels.shape[1] > 600 and pixels.std() > 0.05      # not blank
        else:
            assert ET.parse(path).getroot().tag.endswith("svg")


def test_regsim_plot_refuses_a_missing_point_or_folder(tmp_path):
    bad = CliRunner().invoke(main, ["plot", str(FIXTURES / "variants"), "--point", "3"])
    assert bad.exit_code == 2
    assert bad.output.strip() == (f"regsim: error: {FIXTURES / 'variants'}: --point: no "
                                  "design point 3; allowed: 0 to 0 (the results have 1 point)")
    none = CliRunner().invoke(main, ["plot", str(tmp_path)])
    assert none.exit_code == 2 and "no manifest.json" in none.output


def test_plot_results_defaults_to_a_figures_folder_inside_the_results(tmp_path):
    import shutil

    out = tmp_path / "variants"
    shutil.copytree(FIXTURES / "variants", out)
    paths = plot_results(out)
    assert {p.parent for p in paths} == {out / "figures"} and len(paths) == 10


def test_unfinished_sweep_is_refused(tmp_path):
    import shutil

    out = tmp_path / "variants"
    shutil.copytree(FIXTURES / "variants", out)
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    result = CliRunner().invoke(main, ["plot", str(out)])
    assert result.exit_code == 2 and "not finished" in result.output


# --- one deal's Gantt chart --------------------------------------------------------------
# The charts are drawn from frozen copies of golden logs (tests/fixtures/logs): a chart
# test checks the drawing, so a deliberate change of the engine or the scenario (which
# regenerates the golden logs) does not take away the features the charts must show.
LOGS = Path(__file__).parent / "fixtures" / "logs"


def golden(name: str) -> EventLog:
    return EventLog.from_jsonl((LOGS / f"{name}.jsonl").read_text(encoding="utf-8"))


def test_gantt_lanes_clauses_deadlines_and_cutback_of_a_company_offering():
    terms = load_terms()
    fig = gantt_figure(golden("seed2024-deal8557"), terms)
    (ax,) = fig.axes
    lanes = [t.get_text() for t in ax.get_yticklabels()]
    assert lanes[-3:] == ["Company offering offering-2 (public)  §1(d), §3",
                          "Piggy-back window offering-2  §3(a)",
                          "Company offering offering-1 (stock plan)  §1(d), §3"]
    for lane in ("Demand Notice in transit  §1(a), §8(a)", "Company Notice  §1(a)",
                 "Joinder window  §1(a)", "Filing window (floor to deadline)  §1(a)",
                 "Filed, under review  §2(a)", "Effectiveness period  §2(b), §2(e)"):
        assert lane in lanes
    assert ax.get_xlabel() == "date (day 0 = the closing, Sun 30 Mar 2003)"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "Jul\n2003" and "Jan\n2007" in ticks
    verticals = sorted({ln.get_xdata()[0] for ln in ax.get_lines()})
    assert verticals == [15, 50, 162]       # Company Notice due, filing deadline, target
    legend = legend_texts(fig)
    assert any(t.startswith("Company Notice due §1(a): day 15 (14 Apr 2003)") for t in legend)
    assert {"request too late", "underwriter cutback (§3(c), §1(b))"} <= set(legend)
    notes = [t.get_text() for t in ax.texts]
    assert len(notes) == 1 and notes[0].startswith("cut: ") and "78%" in notes[0]


def test_gantt_marks_an_empty_window_a_delay_and_its_cap():
    chart = chart_of(golden("whatif-seed0"), load_terms())
    assert [n.text for n in chart.notes] == ["empty: floor day 67 (5 Jun 2003) after deadline "
                                             "day 55 (24 May 2003)"]
    delay = [b for b in chart.bars if b.lane == "Delay"]
    assert len(delay) == 1 and delay[0].clause == "§1(d)"
    assert [d.day for d in chart.deadlines if d.what == "delay cap"] == [180]
    late = [b for b in chart.bars if b.kind == "late"]
    assert {b.lane for b in late} == {"Company Notice", "Filing window (floor to deadline)"}


def test_gantt_of_a_second_demand_gets_its_own_lanes():
    chart = chart_of(golden("seed2024-deal3665"), load_terms())
    lanes = {b.lane for b in chart.bars}
    # The lanes are numbered by demand cycle: cycle 1 is the Demand Notice not sent on
    # day 104 (no shares free), so the second demand sent is cycle 2, "demand 3".
    assert {"Delay (demand 3)", "Filed, under review (demand 3)",
            "Effectiveness period (demand 3)"} <= lanes
    assert [(d.day, d.cycle) for d in chart.deadlines if d.what == "delay cap"] == [(349, 2)]
    suspended = [(b.lane, b.start, b.end) for b in chart.bars if b.kind == "suspended"]
    # The second statement's year (day 383, Apr 2004) runs to day 748, Apr 16, 2005.
    assert ("Effectiveness period", 117, 137) in suspended
    assert ("Effectiveness period (demand 3)", 692, 699) in suspended
    effective = {b.lane: (b.start, b.end) for b in chart.bars if b.kind == "effective"}
    assert effective == {"Effectiveness period": (101, 467),
                         "Effectiveness period (demand 3)": (383, 748)}


def test_regsim_timeline_plot_draws_the_deal(tmp_path, monkeypatch):
    monkeypatch.undo()                     # this command plays its one deal
    png = tmp_path / "deal.png"
    result = CliRunner().invoke(main, ["timeline", "--seed", "2024", "--deal", "8557",
                                       "--json", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / "seed2024-deal8557.jsonl").read_text(encoding="utf-8")
    assert result.stderr.strip() == f"wrote {png}"
    pixels = mpimg.imread(png)[..., :3]
    assert pixels.std() > 0.05
    bad = CliRunner().invoke(main, ["timeline", "--plot", str(tmp_path / "deal.gif")])
    assert bad.exit_code == 2 and "--plot: the chart is written as .png, .svg, .pdf" in \
        bad.output
