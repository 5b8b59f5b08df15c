"""Statistics over replications that meet the same random futures, and their intervals.

Outcomes are an array ``y[point, r]``: replication r is the same random future at every
point (common random numbers). Two facts drive everything here:

* **Distinct futures are independent.** For two quantities ``a`` and ``b`` measured at
  the same points, the average of ``a_r * b_s`` over pairs of *distinct* replications
  ``r != s`` is unbiased for the product of their conditional means,
  ``E_r[a] * E_r[b]``, whatever the noise and however it is shared between points.
  :func:`pair_mean` computes it; the product of replication means would carry the
  noise's covariance, ``Cov_r(a, b) / R``, instead.
* **Two sources of error.** An estimate varies with the base samples (which points)
  and with the replications (which futures: under common random numbers every point
  shares them, so more points do not average them out). :func:`bootstrap` resamples
  both at once (the "pigeonhole" bootstrap of crossed designs, Owen 2007, slightly
  conservative), and each alone to say which one dominates.

Resampling is by weights: multinomial counts over the base samples and over the
replications. A weighted pair mean leaves out the pairs of copies of one replication,
so resampled estimates keep the correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import ndtri

from sim.core.config import ConfigError


def check_outcomes(y, rows: int, what: str = "outcomes") -> np.ndarray:
    """The outcomes as a float array of ``rows`` points x R >= 2 replications.

    Args:
        y: Array-like, points x replications (a paired difference B - A is one too).
        rows: The number of points the design has.
        what: The name in a message.

    Returns:
        The array, as float.

    Raises:
        ConfigError: a shape that does not fit, fewer than two replications, or a value
            that is not finite.
    """
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != rows:
        raise ConfigError(what, "shape", f"{arr.shape}; expected ({rows}, R): one row per "
                          "design point, one column per replication")
    if arr.shape[1] < 2:
        raise ConfigError(what, "replications", f"{arr.shape[1]}; at least 2 per point "
                          "(the chance share and the noise correction need two futures)")
    bad = int(np.count_nonzero(~np.isfinite(arr)))
    if bad:
        raise ConfigError(what, "values", f"{bad} of {arr.size} are not finite; give "
                          "every point and replication a number (e.g. cap the never-"
                          "effective deals' days)")
    return arr


def pair_mean(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean of ``a_r * b_s`` over distinct replications ``r != s``, per point.

    Args:
        a: points x R.
        b: points x R.
        w: R x B replication weights (a column of ones: the plain pair mean).

    Returns:
        points x B.
    """
    total = w.sum(axis=0)
    pairs = total * total - (w * w).sum(axis=0)
    return ((a @ w) * (b @ w) - (a * b) @ (w * w)) / pairs


def within_variance(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted variance over replications at each point (unbiased; ``w`` = 1: ``ddof=1``).

    Args:
        y: points x R.
        w: R x B replication weights.

    Returns:
        points x B.
    """
    total = w.sum(axis=0)
    pairs = total * total - (w * w).sum(axis=0)
    return (total * ((y * y) @ w) - (y @ w) ** 2) / pairs


@dataclass(frozen=True)
class Estimate:
    """A point estimate, its interval, and where the interval's width comes from.

    Attributes:
        value: The estimate.
        low: Lower end of the interval (bootstrap percentile, both sources resampled).
        high: Upper end.
        level: The interval's confidence level.
        var_base: Variance over resampled base samples alone.
        var_replications: Variance over resampled replications alone.
    """

    value: float
    low: float
    high: float
    level: float
    var_base: float
    var_replications: float

    @property
    def half_width(self) -> float:
        """Half the interval's width."""
        return (self.high - self.low) / 2

    def covers(self, x: float) -> bool:
        """Whether ``x`` lies in the interval."""
        return self.low <= x <= self.high


@dataclass(frozen=True)
class Draws:
    """A statistic's value and its resampled values (quantities x resamples).

    Attributes:
        point: The statistic on the data (quantities,).
        joint: Base samples and replications resampled together.
        base: Base samples resampled, replications kept.
        replications: Replications resampled, base samples kept.
    """

    point: np.ndarray
    joint: np.ndarray
    base: np.ndarray
    replications: np.ndarray

    def map(self, f: Callable[[np.ndarray], np.ndarray]) -> "Draws":
        """The same draws of a function of the quantities (applied to each column)."""
        return Draws(*(np.asarray(f(x)) for x in (self.point[:, None], self.joint,
                                                  self.base, self.replications)))

    def estimates(self, level: float) -> list[Estimate]:
        """One :class:`Estimate` per quantity (percentile intervals at ``level``)."""
        tail = 50 * (1 - level)
        low, high = np.nanpercentile(self.joint, [tail, 100 - tail], axis=1)
        vb = np.nanvar(self.base, axis=1, ddof=1)
        vr = np.nanvar(self.replications, axis=1, ddof=1)
        value = self.point.reshape(-1)
        return [Estimate(float(value[i]), float(low[i]), float(high[i]), float(level),
                         float(vb[i]), float(vr[i])) for i in range(value.size)]


def _replication_weights(rng: np.random.Generator, reps: int, size: int) -> np.ndarray:
    """R x size multinomial counts, each column with at least two distinct futures."""
    w = rng.multinomial(reps, np.full(reps, 1 / reps), size=size).T.astype(float)
    bad = np.flatnonzero((w > 0).sum(axis=0) < 2)
    while bad.size:
        w[:, bad] = rng.multinomial(reps, np.full(reps, 1 / reps), size=bad.size).T
        bad = bad[(w[:, bad] > 0).sum(axis=0) < 2]
    return w


def bootstrap(stat: Callable[[np.ndarray, np.ndarray], np.ndarray], units: int, reps: int,
              resamples: int, seed: int, chunk: int = 250) -> Draws:
    """A statistic and its two-way bootstrap.

    Args:
        stat: ``stat(w, v)`` with replication weights ``w`` (R x B) and base-sample
            weights ``v`` (units x B) returns the quantities (q x B).
        units: Independent base samples (Sobol groups, Morris trajectories, points).
        reps: Replications R.
        resamples: Resamples of each kind.
        seed: Seed of the resampling, so results are reproducible.
        chunk: Resamples computed at once (bounds memory).

    Returns:
        The draws.
    """
    if resamples < 10:
        raise ConfigError("bootstrap", "resamples", f"{resamples}; at least 10 (1000 is usual)")
    rng = np.random.default_rng(seed)
    point = stat(np.ones((reps, 1)), np.ones((units, 1)))[:, 0]
    out = {"joint": [], "base": [], "replications": []}
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        v = rng.multinomial(units, np.full(units, 1 / units), size=b).T.astype(float)
        w = _replication_weights(rng, reps, b)
        out["joint"].append(stat(w, v))
        out["base"].append(stat(np.ones((reps, b)), v))
        out["replications"].append(stat(w, np.ones((units, b))))
    return Draws(point, *(np.concatenate(out[k], axis=1)
                          for k in ("joint", "base", "replications")))


def weighted_mean(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Mean over base samples (axis 0) with weights ``v`` (units x B)."""
    return (x * v).sum(axis=0) / v.sum(axis=0)


def z_of(level: float) -> float:
    """The normal quantile of a two-sided interval at ``level``."""
    if not 0 < level < 1:
        raise ConfigError("interval", "level", f"{level}; a confidence level in (0, 1)")
    return float(ndtri(0.5 + level / 2))


__all__ = ["Draws", "Estimate", "bootstrap", "check_outcomes", "pair_mean",
           "within_variance", "weighted_mean", "z_of"]
