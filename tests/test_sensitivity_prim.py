"""PRIM scenario discovery on a random model (experiments/sensitivity/prim.py): a box
planted in 3 of 5 parameters under noise shared by every point (common random numbers)
is recovered, its limits within tolerance and the other parameters left free; with
noise only no box is claimed, even a box PRIM over-fits, and the density's interval
covers the base rate; a paired difference and a share of futures are targets like a
mean; bad input is one line. Fixed seeds throughout: the tests cannot flake.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.sensitivity.prim import classify, discover
from sim.core.config import ConfigError

NAMES = ("x1", "x2", "x3", "x4", "x5")
BOX = {"x1": (0.5, 1.0), "x2": (0.0, 0.4), "x3": (0.2, 0.8)}   # volume 0.12
BOUNDS = {n: (0.0, 1.0) for n in NAMES}


def points(n=1600, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(0, 1, (n, len(NAMES))), columns=list(NAMES))


def in_box(x: pd.DataFrame) -> np.ndarray:
    return np.all([(x[n] >= lo) & (x[n] <= hi) for n, (lo, hi) in BOX.items()], axis=0)


def noise(n, reps, seed, shared=0.3, own=0.8) -> np.ndarray:
    """A draw per future shared by every point, plus one of each point's own."""
    rng = np.random.default_rng(seed)
    return shared * rng.standard_normal(reps)[None, :] + own * rng.standard_normal((n, reps))


@pytest.fixture(scope="module")
def planted():
    x = points()
    y = np.where(in_box(x), -1.0, 0.0)[:, None] + noise(len(x), 8, seed=2)
    return x, y, discover(x, y, threshold=-0.5, bounds=BOUNDS)


def test_planted_box_is_recovered(planted):
    _, _, d = planted
    assert d.claimed, d.line()
    found = {lim.name: (lim.low, lim.high) for lim in d.limits}
    assert set(found) == set(BOX), found                     # x4, x5 left free
    for name, (lo, hi) in BOX.items():
        assert found[name][0] == pytest.approx(lo, abs=0.06), (name, found[name])
        assert found[name][1] == pytest.approx(hi, abs=0.06), (name, found[name])
    assert all(lim.full_low == 0 and lim.full_high == 1 for lim in d.limits)
    assert found["x1"][1] == 1 and found["x2"][0] == 0        # ends left free: the range's
    assert d.density.low > 0.6 and d.coverage.low > 0.3
    assert d.density.low > d.base_rate.high
    assert d.lift.low > 0


def test_intervals_cover_the_truth_for_the_planted_box(planted):
    """The truth: a point is of interest when its conditional mean is below -0.5,
    i.e. inside the planted box; the base rate is the box's volume."""
    x, _, d = planted
    assert d.base_rate.covers(0.12), d.base_rate
    assert d.coverage.low <= 1 and d.density.high >= 0.95
    assert 0 < d.base_rate.low < d.base_rate.value < d.base_rate.high < 1


def test_trajectory_peels_and_marks_the_chosen_box(planted):
    _, _, d = planted
    t = d.trajectory
    assert {"coverage", "density", "mass", "res_dim", "test_coverage",
            "test_density"} <= set(t.columns)
    assert t["coverage"].iloc[0] == 1 and t["mass"].iloc[0] == 1
    # The whole space holds every held-out point, those beyond the peeled points' range
    # too (an end PRIM left free is no limit).
    assert t["test_coverage"].iloc[0] == 1
    assert t["test_density"].iloc[0] == pytest.approx(d.base_rate.value)
    assert (np.diff(t["mass"].to_numpy()[:-5]) < 0).all()   # peeling: smaller each step
    assert t["res_dim"].iloc[d.chosen] == 3
    assert t["test_density"].iloc[d.chosen] == pytest.approx(d.density.value)
    assert "x1" in d.line() and "mean below -0.5" in d.line()


def test_noise_only_claims_no_box():
    x = points(seed=5)
    y = noise(len(x), 8, seed=6)
    d = discover(x, y, threshold=0.0)
    assert not d.claimed, d.line()
    assert d.line().startswith("no box")
    # An over-fitted box: the densest PRIM peeled (none reaches 0.99). On the points it
    # was found on it looks dense; on the held-out points it is not.
    d = discover(x, y, threshold=0.0, min_density=0.99)
    assert d.limits, "PRIM peeled nothing"
    chosen = d.trajectory.iloc[d.chosen]
    assert chosen["density"] > d.base_rate.value + 0.05
    assert not d.claimed, d.line()
    assert d.density.covers(d.base_rate.value), (d.density, d.base_rate)
    assert d.lift.covers(0.0)


def test_paired_difference_and_share_of_futures():
    """B - A per future: B loses in the planted box (advantage -0.3 on average); as a
    mean below 0, and as a loss in more than half the futures."""
    x = points(seed=7)
    advantage = np.where(in_box(x), -0.3, 0.3)[:, None] + noise(len(x), 12, 8, 0.1, 0.5)
    by_mean = discover(x, advantage, threshold=0.0)
    by_share = discover(x, advantage, threshold=0.0, share=0.5)
    for d in (by_mean, by_share):
        assert d.claimed, d.line()
        assert {lim.name for lim in d.limits} >= {"x1", "x2"}
    assert by_share.target == "below 0 in more than 50% of futures"


def test_classify_under_weights():
    y = np.array([[1.0, -3.0, 1.0], [1.0, 1.0, -0.5]])
    w = np.array([[1, 1, 1], [0, 1, 1], [1, 0, 1]], dtype=float)
    assert classify(y, w, 0.0, True, None).tolist() == [[True, True, False],
                                                        [False, False, False]]
    assert classify(y, w, 0.0, True, 0.4).tolist() == [[False, True, False],
                                                       [False, True, True]]
    assert classify(y, w, 0.4, False, None).tolist() == [[False, False, True],
                                                         [True, False, False]]


@pytest.mark.parametrize("args, key", [
    (dict(x=np.zeros((20, 2))), "x"),
    (dict(x=pd.DataFrame({"a": ["u"] * 20})), "a"),
    (dict(y=np.zeros((19, 4))), "y"),
    (dict(y=np.zeros((20, 2))), "y"),
    (dict(y=np.full((20, 4), np.nan)), "y"),
    (dict(share=1.0), "share"),
    (dict(holdout=1.0), "holdout"),
    (dict(threshold=-5.0), "threshold"),
])
def test_bad_input_is_one_line(args, key):
    rng = np.random.default_rng(0)
    kw = dict(x=pd.DataFrame({"a": rng.uniform(size=20), "b": rng.uniform(size=20)}),
              y=rng.standard_normal((20, 4)), threshold=0.0)
    kw.update(args)
    with pytest.raises(ConfigError) as err:
        discover(**kw)
    text = str(err.value)
    assert "\n" not in text and key in text, text


def test_without_the_extra_one_line_names_it(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis.prim", None)
    x = points(n=40, seed=9)
    y = np.where(x["x1"] > 0.5, -1.0, 1.0)[:, None] + noise(40, 3, seed=9, own=0.1)
    with pytest.raises(ConfigError) as err:
        discover(x, y)
    assert str(err.value) == ("PRIM: ema_workbench: needs the EMA Workbench, an optional "
                              "extra: pip install 'regsim[discovery]'")
