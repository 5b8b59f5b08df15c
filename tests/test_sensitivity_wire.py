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
  { column = "value_to_investors_usd", difference = ["base", "nvca"], below = 0, share = 0.5 },
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
