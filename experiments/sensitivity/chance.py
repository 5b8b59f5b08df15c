"""The chance share: the part of an outcome's variance that no parameter explains.

Write the outcome at parameters x in future r as ``Y(x, r) = m(x) + noise(x, r)``, with
``m(x) = E_r[Y(x, r)]`` the conditional mean. Its variance over random parameters and
futures splits in two:

    Var(Y) = Var_x(m(x)) + E_x[Var_r(Y | x)]

The second part is chance: the spread of futures at fixed parameters, which no
parameter, and no combination of them, can explain. Its share is
``E_x[Var_r(Y | x)] / Var(Y)``.

Estimates (``R`` replications, the same futures at every point):

* ``E_x[Var_r(Y | x)]``: the mean over points of the variance over replications at each
  point (unbiased at every point).
* ``Var_x(m)``: ``E[(m(x) - m(x'))^2] / 2`` over pairs of independent points, the square's
  noise removed by taking the product of the difference in distinct futures only
  (:func:`experiments.sensitivity.replications.pair_mean`). The variance of replication
  means would count ``1/R`` of the noise as parameter variance; under common random
  numbers the noise of two points is correlated, and the pair mean is still right.

Intervals: the base samples' bootstrap and the replications' jackknife
(:mod:`experiments.sensitivity.replications`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from experiments.sensitivity.replications import (Estimate, bootstrap, check_outcomes,
                                                  pair_mean, weighted_mean, within_variance)
from sim.core.config import ConfigError


def parts(a: np.ndarray, b: np.ndarray, every: Sequence[np.ndarray], w: np.ndarray,
          v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``Var_x(m)`` and ``E_x[Var_r(Y | x)]`` under weights.

    Args:
        a: units x R outcomes at one point of each base sample.
        b: units x R outcomes at an independent point of the same base sample.
        every: units x R arrays, all the points whose within-point variance is averaged.
        w: R x B replication weights.
        v: units x B base-sample weights.

    Returns:
        Two arrays of B values: the variance of the conditional mean, and the mean
        variance over futures.
    """
    d = a - b
    var_mean = weighted_mean(0.5 * pair_mean(d, d, w), v)
    within = sum(within_variance(y, w) for y in every) / len(every)
    return var_mean, weighted_mean(within, v)


@dataclass(frozen=True)
class ChanceShare:
    """The split of an outcome's variance into parameters and chance.

    Attributes:
        share: ``E_x[Var_r(Y | x)] / Var(Y)``.
        variance: ``Var(Y)``.
        variance_of_mean: ``Var_x(m(x))``, the part the parameters explain.
        points: Design points used.
        replications: Replications per point.
    """

    share: Estimate
    variance: Estimate
    variance_of_mean: Estimate
    points: int
    replications: int


def chance_share(y, level: float = 0.95, resamples: int = 1000, seed: int = 0) -> ChanceShare:
    """The chance share of outcomes at independent random points.

    The points are any design whose rows are drawn independently from the parameters'
    distribution (a Monte Carlo sample); the first half is paired with the second half
    for ``Var_x(m)``, every point counts for the within-point variance.

    Args:
        y: Outcomes, points x R replications (R >= 3), the same futures at every point.
        level: Confidence level of the intervals.
        resamples: Bootstrap resamples.
        seed: Seed of the bootstrap.

    Returns:
        The chance share, ``Var(Y)`` and ``Var_x(m)``, with intervals.

    Raises:
        ConfigError: fewer than 4 points, or outcomes that are not points x R >= 3.
    """
    arr = np.asarray(y, dtype=float)
    rows = arr.shape[0] if arr.ndim else 0
    if rows < 4:
        raise ConfigError("outcomes", "points", f"{rows}; at least 4 independent points")
    arr = check_outcomes(arr, rows)
    half = rows // 2
    a, b = arr[:half], arr[half:2 * half]

    def stat(w, v):
        var_mean, within = parts(a, b, (a, b), w, v)
        return np.stack([var_mean, within])

    draws = bootstrap(stat, half, arr.shape[1], resamples, seed).map(
        lambda q: np.stack([q[1] / (q[0] + q[1]), q[0] + q[1], q[0]]))
    share, variance, var_mean = draws.estimates(level, shares=(0,))
    return ChanceShare(share, variance, var_mean, 2 * half, arr.shape[1])
