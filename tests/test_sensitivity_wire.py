"""A sensitivity study wired through: scenario discovery in the spec and
`regsim sensitivity`, the figures of `regsim plot`, the report's two sections.

One tiny Saltelli study is run once (module fixture: 16 base samples x (2 parameters +
2) = 64 points x 2 variants x 4 replications, in this process) and read by the
other tests: the discovery entry is validated (one line naming its key), PRIM's line
is printed and lands in sensitivity.json, `regsim plot` writes the Sobol' figure per
analysis and PRIM's trajectory and box, the HTML report has "Which assumptions drive
the outcomes" and "Where the variant loses" with the figures' captions, and the PDF
prints with nothing in the pages' outer margins.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli.main import main

SPEC = """
name = "tiny-drivers"
seed = 7
replications = 4
task_size = 4

[base]
terms = "bestnet-2003"
scenario = "bestnet-2003"

[variants.nvca]
label = "nvca-2020"
terms = "nvca-2020"

[design]
method = "saltelli"
base = 16

[design.parameters]
"scenario.review.review_prob" = { low = 0.3, high = 0.7 }
"scenario.market.annual_volatility" = { low = 0.5, high = 1.5 }

[sensitivity]
outcomes = ["value_to_investors_usd"]
differences = [["base", "nvca"]]
discover = [
  { column = "value_to_investors_usd", difference = ["base", "nvca"], below = -150000 },
  { column = "days_demand_to_effective", difference = ["base", "nvca"], above = 0 },
]
"""


def test_the_sobol_figure_draws_an_estimate_beyond_its_clipped_interval():
    """A chance share estimated a little above 1 has its interval clipped to [0, 1]:
    the whisker is drawn from the interval, not a negative error bar."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from experiments.figures.sensitivity import sobol_figure
    from experiments.sensitivity.replications import Estimate
    from experiments.sensitivity.sobol import SobolIndices

    def est(v, lo, hi):
        return Estimate(v, lo, hi, 0.95, 0.001, 0.001)

    first = (est(0.06, -0.58, 0.70), est(-0.01, 0.0, 0.02))     # value below its low
    res = SobolIndices(("a", "b"), 16, 4, first, first, first, first,
                       est(1.01, 0.0, 1.0), 1.0, 0.01)
    fig = sobol_figure(res, "the value")
    FigureCanvasAgg(fig).draw()


def test_the_sobol_figure_keeps_its_bars_wide_beside_long_names_and_a_long_title():
    """The drivers spec's nine parameters and a long outcome label: the bars keep at
    least a third of the figure's width (the title does not squeeze the axes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from experiments.figures.sensitivity import sobol_figure
    from experiments.sensitivity.replications import Estimate
    from experiments.sensitivity.sobol import SobolIndices

    e = Estimate(0.1, 0.0, 0.2, 0.95, 0.001, 0.001)
    names = ("review.review_prob", "review.response_days.median",
             "review.clearance_days.median", "notices.certified_mail.median",
             "company.notice_delay_days.median",
             "investor_behaviour.demand_patience_days.median",
             "investor_behaviour.sell_days.median", "market.annual_volatility",
             "market.discount_rate")                    # the drivers spec's, short
    res = SobolIndices(names, 32, 32, (e,) * 9, (e,) * 9, (e,) * 9, (e,) * 9, e, 1.0, 0.1)
    fig = sobol_figure(res, "days_demand_to_effective, nvca-2020 - as written (paired, "
                            "per future)")
    FigureCanvasAgg(fig).draw()
    assert fig.axes[0].get_position().width > 1 / 3


def _spec(tmp: Path, text: str = SPEC, name: str = "study.toml") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The tiny study run once: its folder and what `regsim sensitivity` printed."""
    tmp = tmp_path_factory.mktemp("study")
    out = tmp / "results"
    res = CliRunner().invoke(main, ["sensitivity", str(_spec(tmp)), "--workers", "0",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out, res.stdout


BAD = [
    ('{ column = "days_to_heaven", difference = ["base", "nvca"], below = 0 }',
     "sensitivity.discover[0].column: 'days_to_heaven' is not a numeric column"),
    ('{ column = "value_to_investors_usd", variant = "nvca", difference = ["base", "nvca"], '
     'below = 0 }', "sensitivity.discover[0]: give variant (an outcome) or difference"),
    ('{ column = "value_to_investors_usd", variant = "seller" , below = 0 }',
     "sensitivity.discover[0].variant: no variant 'seller'; allowed: base, nvca"),
    ('{ column = "value_to_investors_usd", difference = ["nvca", "nvca"], below = 0 }',
     "sensitivity.discover[0].difference: 'nvca' against itself"),
    ('{ column = "value_to_investors_usd", difference = ["base", "nvca", "x"], below = 0 }',
     "sensitivity.discover[0].difference: give [A, B]"),
    ('{ column = "value_to_investors_usd" }', "sensitivity.discover[0]: give one threshold"),
    ('{ column = "value_to_investors_usd", below = 0, above = 1 }',
     "sensitivity.discover[0]: give one threshold"),
    ('{ column = "value_to_investors_usd", below = 0, share = 1.5 }',
     "sensitivity.discover[0].share: 1.5; a level strictly between 0 and 1"),
    ('{ column = "value_to_investors_usd", below = 0, colour = "red" }',
     "sensitivity.discover[0].colour: unknown key"),
]


@pytest.mark.parametrize("entry, message", BAD, ids=[m.split(": ", 1)[1][:24] for _, m in BAD])
def test_a_bad_discovery_entry_is_one_line_naming_its_key(tmp_path, entry, message):
    text = SPEC[:SPEC.index("discover = [")] + f"discover = [{entry}]\n"
    res = CliRunner().invoke(main, ["sensitivity", str(_spec(tmp_path, text)),
                                    "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("regsim: error: ")
    assert message in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_design_too_small_for_prim_says_which_key_to_raise(tmp_path):
    text = SPEC.replace("base = 16", "base = 8")
    res = CliRunner().invoke(main, ["sensitivity", str(_spec(tmp_path, text))])
    assert res.exit_code == 2
    assert ("design.base: 16 independent points for sensitivity.discover[0] (2 x base A "
            "and B rows); PRIM needs at least 20") in res.stderr


def test_prim_peels_only_the_independent_a_and_b_rows(tmp_path):
    from experiments.analysis.discovery import independent_rows
    from experiments.execution.spec import load_spec

    exp = load_spec(_spec(tmp_path))
    rows = independent_rows(exp)
    k = len(exp.parameters)
    assert len(rows) == 2 * exp.design.base
    assert list(rows[:4]) == [0, k + 1, k + 2, 2 * k + 3]
    values = [tuple(exp.points[i].values()) for i in rows]
    for j in range(k):                  # no two points chosen share a coordinate
        assert len({v[j] for v in values}) == len(values)
    # every AB row left out repeats all but one coordinate of its group's A row
    a, ab = exp.points[0], exp.points[1]
    assert sum(a[p] == ab[p] for p in exp.parameters) == k - 1


def test_the_study_prints_prim_per_discovery_and_writes_it_into_the_json(study):
    out, stdout = study
    doc = json.loads((out / "sensitivity.json").read_text())
    found = doc["discoveries"]
    assert [d["column"] for d in found] == ["value_to_investors_usd",
                                            "days_demand_to_effective"]
    value, days = found
    assert (value["variant"], value["against"], value["below"]) == ("nvca", "base", -150000)
    assert value["points"] == 32 and value["held_out"] == 16 and value["replications"] == 4
    assert value["trajectory"][0]["mass"] == 1.0 and len(value["trajectory"]) > 1
    assert 0 <= value["density"]["value"] <= 1 and "line" in value
    assert days["line"].startswith("no point of the points PRIM peels has the outcome "
                                   "mean above 0") and "trajectory" not in days
    assert "Scenario discovery" in stdout
    for d in found:
        assert f"  {d['label']}: {d['line']}" in stdout


def test_plot_draws_the_indices_and_prims_trajectory_and_box(study, tmp_path):
    out, _ = study
    res = CliRunner().invoke(main, ["plot", str(out), "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    names = {p.name for p in tmp_path.glob("*.png")}
    assert {"sensitivity-1-sobol.png", "sensitivity-2-sobol.png",
            "discovery-1-trajectory.png", "discovery-1-box.png"} <= names
    assert not any(n.startswith("discovery-2") for n in names)   # nothing to discover
    assert "who-gains-what.png" in names                           # the usual ones too
    assert "design-effects.png" not in names          # the indices say it, with intervals


@pytest.fixture(scope="module")
def page(study):
    from experiments.analysis.saved import load_saved
    from experiments.figures.plot import READS
    from experiments.report.html import report_html

    saved = load_saved(study[0], columns=READS)
    return saved, report_html(saved)


def test_the_report_has_both_sections_with_tables_lines_and_captions(page):
    import html

    from experiments.figures.sensitivity import CAPTIONS

    _, text = page
    drivers = text[text.index("<section id=\"drivers\">"):text.index("<section id=\"discovery\">")]
    found = text[text.index("<section id=\"discovery\">"):text.index("<section id=\"figures\">")]
    assert "Which assumptions drive the outcomes" in drivers
    assert drivers.count("<table class=\"indices\">") == 2
    assert drivers.count("chance share ") == 3          # the note and one per analysis
    assert "S1 of all [95% CI]" in drivers and "market.annual_<wbr>volatility" in drivers
    assert drivers.count(html.escape(CAPTIONS["sobol"])) == 2
    assert "Where the variant loses" in found
    assert found.count(html.escape(CAPTIONS["trajectory"])) == 1
    assert found.count(html.escape(CAPTIONS["box"])) == 1
    assert "nothing to discover" in found
    rest = text[text.index("<section id=\"figures\">"):]
    assert "fig-sensitivity-" not in rest and "fig-discovery-" not in rest


def test_the_pdf_prints_the_sections_inside_the_margins(page, tmp_path):
    from test_report_pdf import margin_ink, pdf_text

    from experiments.report.pdf import write_pdf

    saved, text = page
    pdf = write_pdf(saved, tmp_path / "report.pdf", 0, text)
    words = pdf_text(pdf)
    assert "Which assumptions drive the outcomes" in words
    assert "Where the variant loses" in words
    assert margin_ink(pdf) == []
