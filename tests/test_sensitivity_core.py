"""The statistical core of sensitivity analysis on a random model
(experiments/sensitivity/): on the Ishigami function plus noise of known variance, the
intervals of the Sobol' indices of the conditional mean and of the chance share cover
the true values, with independent noise and with common random numbers; the usual
treatments that ignore the noise do not; Morris ranks the parameters and leaves a dummy
at its noise floor; paired differences are outcomes like any other; the stopping rule
says what to add. Fixed seeds throughout: the tests cannot flake.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from experiments.sensitivity.chance import chance_share
from experiments.sensitivity.design import Space, morris_design, sobol_design
from experiments.sensitivity.morris import elementary_effects, morris
from experiments.sensitivity.replications import Estimate
from experiments.sensitivity.sobol import sobol
from experiments.sensitivity.stopping import advise
from sim.core.config import ConfigError

A, B = 7.0, 0.1
VAR_F = A * A / 8 + B * np.pi ** 4 / 5 + B * B * np.pi ** 8 / 18 + 0.5
TRUE_S1 = (0.3139, 0.4424, 0.0, 0.0)          # x4 is a dummy
TRUE_ST = (0.5576, 0.4424, 0.2437, 0.0)
SHARE = 0.2                                   # the chance share the noise is built for
SPACE = Space(("x1", "x2", "x3", "x4"), ((-np.pi, np.pi),) * 4)


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def independent_noise(x: np.ndarray, reps: int, seed: int) -> np.ndarray:
    """Noise of variance VAR_F * SHARE / (1 - SHARE), a fresh draw at every point."""
    sd = np.sqrt(VAR_F * SHARE / (1 - SHARE))
    return sd * np.random.default_rng(seed).standard_normal((len(x), reps))


def common_noise(x: np.ndarray, reps: int, seed: int) -> np.ndarray:
    """Common random numbers: future r's draw z_r is the same at every point, and it
    matters more where x2 is high; plus a part drawn afresh at each point. The mean
    over points of the variance over futures is VAR_F * SHARE / (1 - SHARE)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(reps)                        # one per future, every point
    own = rng.standard_normal((len(x), reps))
    loading = 1 + 0.3 * x[:, 1] / np.pi                  # E[loading^2] = 1.03
    scale = np.sqrt(VAR_F * SHARE / (1 - SHARE) / (0.6 * 1.03 + 0.4))
    return scale * (np.sqrt(0.6) * loading[:, None] * z[None, :] + np.sqrt(0.4) * own)


@pytest.fixture(scope="module")
def design():
    return sobol_design(SPACE, 512, seed=11)


def outcomes(design_points, noise, reps=8, seed=3):
    return ishigami(design_points)[:, None] + noise(design_points, reps, seed)


def _misses(res):
    out = [f"S1 {n} {e}" for n, e, t in zip(res.names, res.first, TRUE_S1) if not e.covers(t)]
    out += [f"ST {n} {e}" for n, e, t in zip(res.names, res.total, TRUE_ST) if not e.covers(t)]
    if not res.chance.covers(SHARE):
        out.append(f"chance {res.chance}")
    return out


@pytest.mark.parametrize("noise, reps, chance_width", [(independent_noise, 8, 0.03),
                                                       (common_noise, 32, 0.1)])
def test_intervals_cover_the_indices_of_the_conditional_mean_and_the_chance_share(
        design, noise, reps, chance_width):
    """Under common random numbers the chance share is known only as well as the few
    futures shared by every point let it be: more replications, not more points."""
    res = sobol(design, outcomes(design.points, noise, reps), resamples=300, seed=1)
    assert _misses(res) == []
    # the parameters' parts of Var(Y) and the chance share add up
    first = sum(e.value for e in res.first_of_all)
    total = sum(e.value for e in res.total_of_all)
    assert first + res.chance.value <= 1.02 and total + res.chance.value >= 0.98
    assert res.first_of_all[1].value == pytest.approx(res.first[1].value * (1 - res.chance.value))
    # the intervals are narrow enough to mean something
    assert max(e.half_width for e in res.first + res.total) < 0.12
    assert res.chance.half_width < chance_width
    rows = res.rows()
    assert [r["parameter"] for r in rows] == ["x1", "x2", "x3", "x4", "(chance)"]
    assert rows[2]["ST"] == res.total[2].value and rows[4]["S1_of_all"] == res.chance.value


def test_under_common_random_numbers_the_replications_part_of_the_interval_shows(design):
    """Every point meets the same futures: the futures' share of the error does not
    average out over the points, and the bootstrap sees it."""
    ind = sobol(design, outcomes(design.points, independent_noise), resamples=300, seed=1)
    crn = sobol(design, outcomes(design.points, common_noise), resamples=300, seed=1)
    assert crn.chance.var_replications > 3 * ind.chance.var_replications


def test_seed_as_a_parameter_misses_the_indices_of_the_conditional_mean(design):
    """The usual treatment, one run per point with the seed as a hidden input (SALib's
    own analysis of one replication): its intervals do not cover the conditional mean's
    indices -- what the tests above check can fail."""
    from SALib.analyze import sobol as salib_sobol

    y = outcomes(design.points, independent_noise)
    si = salib_sobol.analyze(SPACE.problem(), y[:, 0], calc_second_order=False,
                             num_resamples=300, seed=1)
    s1 = [abs(v - t) <= c for v, c, t in zip(si["S1"], si["S1_conf"], TRUE_S1)]
    st = [abs(v - t) <= c for v, c, t in zip(si["ST"], si["ST_conf"], TRUE_ST)]
    assert not all(s1 + st)
    assert si["ST"][3] - si["ST_conf"][3] > 0.1          # the dummy takes the noise


def test_averaging_the_replications_first_leaves_noise_in_the_total_indices(design):
    """SALib on replication means (R = 3): the dummy's total index is the noise left in
    the means, and its interval misses 0; the pair mean removes it."""
    from SALib.analyze import sobol as salib_sobol

    y = outcomes(design.points, independent_noise, reps=3)
    si = salib_sobol.analyze(SPACE.problem(), y.mean(axis=1), calc_second_order=False,
                             num_resamples=300, seed=1)
    assert si["ST"][3] - si["ST_conf"][3] > 0.02
    ours = sobol(design, y, resamples=300, seed=1)
    assert ours.total[3].covers(0.0)


def test_without_noise_the_estimates_agree_with_salib(design):
    from SALib.analyze import sobol as salib_sobol

    f = ishigami(design.points)
    si = salib_sobol.analyze(SPACE.problem(), f, calc_second_order=False,
                             num_resamples=100, seed=1)
    ours = sobol(design, np.column_stack([f, f, f]), resamples=50, seed=1)
    assert [e.value for e in ours.first] == pytest.approx(si["S1"], abs=0.03)
    assert [e.value for e in ours.total] == pytest.approx(si["ST"], abs=0.03)
    assert ours.chance.value == pytest.approx(0.0, abs=1e-12)


def test_a_paired_difference_is_an_outcome_like_any_other(design):
    """Variants A and B in the same futures: each carries a large shared noise, B - A
    is Ishigami with little noise left. The difference's indices are Ishigami's and its
    chance share is small, while each variant's is large."""
    x = design.points
    rng = np.random.default_rng(7)
    shared = 3.0 * np.sqrt(VAR_F) * rng.standard_normal((len(x), 8)) * (1 + 0.2 * np.cos(x[:, [3]]))
    base = np.cos(x[:, 3])[:, None]
    var_a = base + shared + 0.1 * rng.standard_normal((len(x), 8))
    var_b = base + ishigami(x)[:, None] + shared + 0.1 * rng.standard_normal((len(x), 8))
    diff = sobol(design, var_b - var_a, resamples=300, seed=1)
    assert all(e.covers(t) for e, t in zip(diff.first, TRUE_S1))
    assert all(e.covers(t) for e, t in zip(diff.total, TRUE_ST))
    assert diff.chance.high < 0.01
    assert sobol(design, var_b, resamples=100, seed=1).chance.low > 0.5


def test_chance_share_of_independent_points():
    x = np.random.default_rng(2).uniform(-np.pi, np.pi, (2000, 4))
    for noise in (independent_noise, common_noise):
        res = chance_share(outcomes(x, noise, reps=6), resamples=300, seed=1)
        assert res.share.covers(SHARE), res.share
        assert res.variance_of_mean.covers(VAR_F)
        assert res.points == 2000 and res.replications == 6


def test_the_chance_share_interval_can_miss():
    """With the noise doubled the share is 0.5, not 0.2: the interval says so."""
    x = np.random.default_rng(2).uniform(-np.pi, np.pi, (2000, 4))
    noisy = ishigami(x)[:, None] + 2 * independent_noise(x, 6, 3)
    res = chance_share(noisy, resamples=300, seed=1)
    assert not res.share.covers(SHARE) and res.share.covers(0.5)


def test_morris_ranks_x1_and_x2_above_x3_and_leaves_the_dummy_at_its_noise_floor():
    design = morris_design(SPACE, 200, levels=4, seed=5)
    y = outcomes(design.points, common_noise, reps=6)
    res = morris(design, y, resamples=300, seed=1)
    assert set(res.ranking()[:2]) == {"x1", "x2"} and res.ranking()[2:] == ["x3", "x4"]
    assert all(res.stands_out(n) for n in ("x1", "x2", "x3"))
    assert not res.stands_out("x4")
    assert res.mu_star[3] < 0.15 * min(res.mu_star[:3])
    assert res.mu_star[3] < res.noise_floor[3] + 2 * res.mu_star_conf[3]
    without_noise = morris(design, np.column_stack([ishigami(design.points)] * 2),
                           resamples=100, seed=1)
    assert without_noise.mu_star[3] == 0.0 and without_noise.noise_floor[3] == 0.0


def test_the_elementary_effects_of_the_means_are_salibs():
    from SALib.analyze import morris as salib_morris

    design = morris_design(SPACE, 20, seed=2)
    y = outcomes(design.points, independent_noise, reps=3)
    ee = elementary_effects(design, y).mean(axis=2)
    si = salib_morris.analyze(SPACE.problem(), design.points, y.mean(axis=1), seed=1)
    assert ee.mean(axis=1) == pytest.approx(si["mu"])
    assert np.abs(ee).mean(axis=1) == pytest.approx(si["mu_star"])


def test_more_base_samples_keep_the_points_already_run():
    small, large = sobol_design(SPACE, 64, seed=4), sobol_design(SPACE, 256, seed=4)
    assert np.array_equal(large.points[:len(small.points)], small.points)


def _est(vb, vr):
    half = 1.96 * np.sqrt(vb + vr)
    return Estimate(0.5, 0.5 - half, 0.5 + half, 0.95, vb, vr)


def test_stopping_rule_says_what_dominates():
    assert advise([_est(1e-5, 1e-5)], 0.02, 256, 10).enough
    base = advise([_est(2.5e-3, 1e-5), _est(1e-5, 1e-5)], 0.05, 256, 10)
    assert (base.enough, base.add, base.replications) == (False, "base samples", 10)
    assert base.base == 1024 and base.half_width == pytest.approx(0.098, abs=1e-3)
    reps = advise([_est(1e-5, 2.5e-3)], 0.05, 256, 10)
    assert (reps.add, reps.base) == ("replications", 256) and 40 <= reps.replications <= 45
    both = advise([_est(1.3e-3, 1.3e-3)], 0.05, 256, 10)
    assert both.add == "both" and both.base > 256 and both.replications > 10
    assert "add replications" in reps.line() and "enough" in advise(
        [_est(0, 0)], 0.02, 256, 10).line()


def test_stopping_rule_on_real_intervals(design):
    """Few replications under strong common noise: the futures dominate."""
    y = outcomes(design.points, common_noise, reps=3)
    res = sobol(design, y, resamples=200, seed=1)
    advice = advise([res.chance], 0.005, design.base, 3)
    assert advice.add in ("replications", "both") and advice.replications > 3


@pytest.mark.parametrize("y, key", [
    (np.zeros((10, 4)), "shape"),
    (np.zeros((512 * 6,)), "shape"),
    (np.zeros((512 * 6, 2)), "replications"),
    (np.full((512 * 6, 3), np.nan), "values"),
])
def test_bad_outcomes_are_one_line(design, y, key):
    with pytest.raises(ConfigError) as err:
        sobol(design, y)
    assert err.value.key == key and "\n" not in str(err.value)


def test_bad_designs_are_one_line():
    with pytest.raises(ConfigError, match="power of two"):
        sobol_design(SPACE, 100)
    with pytest.raises(ConfigError, match="named twice"):
        Space(("a", "a"), ((0, 1), (0, 1)))
    with pytest.raises(ConfigError, match="low < high"):
        Space(("a",), ((1, 1),))
    with pytest.raises(ConfigError, match="even"):
        morris_design(SPACE, 10, levels=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sobol_design(SPACE, 8)
