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
  shares them, so more points do not average them out). :func:`bootstrap` measures
  each: a bootstrap over the base samples (multinomial weights, the replications
  kept) and a jackknife over the replications (each future left out in turn; for a
  U-statistic such as the pair mean the jackknife errs on the wide side, Efron and
  Stein 1981). The interval adds the two variances, with Student's t at their
  Welch-Satterthwaite degrees of freedom, so a handful of futures gives the wide
  interval a handful of futures deserves. Adding the two counts the noise drawn
  afresh at each point in both: the interval errs on the wide side there too.

A pair mean under weights leaves out the pairs of a future with itself, so every
resample keeps the noise correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import ndtri
from scipy.stats import t as student_t

from sim.core.config import ConfigError


def check_outcomes(y, rows: int, what: str = "outcomes", least: int = 3) -> np.ndarray:
    """The outcomes as a float array of ``rows`` points x R >= ``least`` replications.

    Args:
        y: Array-like, points x replications (a paired difference B - A is one too).
        rows: The number of points the design has.
        what: The name in a message.
        least: The fewest replications the analysis can use (3 for intervals that
            know the replications' part: two futures for the noise correction when one
            is left out).

    Returns:
        The array, as float.

    Raises:
        ConfigError: a shape that does not fit, too few replications, or a value
            that is not finite.
    """
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != rows:
        raise ConfigError(what, "shape", f"{arr.shape}; expected ({rows}, R): one row per "
                          "design point, one column per replication")
    if arr.shape[1] < least:
        raise ConfigError(what, "replications", f"{arr.shape[1]}; at least {least} per "
                          "point, the same futures at every point")
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
        low: Lower end of the interval.
        high: Upper end.
        level: The interval's confidence level.
        var_base: The estimate's variance due to the base samples (bootstrap).
        var_replications: Its variance due to the replications (jackknife).
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
    """A statistic's value, its bootstrap over base samples and its jackknife over
    replications (quantities x draws).

    Attributes:
        point: The statistic on the data (quantities,).
        base: Base samples resampled with replacement, replications kept.
        jackknife: Each replication left out in turn, base samples kept.
        units: Base samples.
    """

    point: np.ndarray
    base: np.ndarray
    jackknife: np.ndarray
    units: int

    def map(self, f: Callable[[np.ndarray], np.ndarray]) -> "Draws":
        """The same draws of a function of the quantities (applied to each column)."""
        point, base, jack = (np.asarray(f(x)) for x in (self.point[:, None], self.base,
                                                        self.jackknife))
        return Draws(point[:, 0], base, jack, self.units)

    def estimates(self, level: float, shares: tuple[int, ...] = ()) -> list[Estimate]:
        """One :class:`Estimate` per quantity.

        The interval is ``value +/- t * sqrt(var_base + var_replications)`` with
        Student's t at the Welch-Satterthwaite degrees of freedom of the two parts
        (``units - 1`` and ``R - 1``): with few replications dominating, the interval
        widens as a t interval on R - 1 degrees of freedom does.

        Args:
            level: Confidence level.
            shares: Quantities that are shares in (0, 1) (the chance share): their
                interval is built on the logit scale and mapped back, so it stays in
                (0, 1) and is as lopsided as a share near 0 or 1 needs.
        """
        z_of(level)
        vb, vr, half = _parts(self.point, self.base, self.jackknife, self.units, level)
        out = [Estimate(float(v), float(v - h), float(v + h), float(level), float(b),
                        float(r)) for v, h, b, r in zip(self.point, half, vb, vr)]
        for i in shares:
            rows = [np.clip(x[i:i + 1], 1e-12, 1 - 1e-12) for x in
                    (self.point, self.base, self.jackknife)]
            lv, lb, lj = (np.log(x / (1 - x)) for x in rows)
            _, _, lh = _parts(lv, lb, lj, self.units, level)
            lo, hi = (float(1 / (1 + np.exp(-(lv[0] + d)))) for d in (-lh[0], lh[0]))
            e = out[i]
            out[i] = Estimate(e.value, lo, hi, e.level, e.var_base, e.var_replications)
        return out


def _parts(point, base, jack, units, level):
    """Each quantity's base and replication variances and its interval's half-width."""
    reps = jack.shape[1]
    vb = np.var(base, axis=1, ddof=1)
    vr = (reps - 1) / reps * ((jack - jack.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    total = vb + vr
    with np.errstate(divide="ignore", invalid="ignore"):
        df = total ** 2 / (vb ** 2 / (units - 1) + vr ** 2 / (reps - 1))
    df = np.where(np.isfinite(df) & (df > 0), df, np.inf)
    return vb, vr, student_t.ppf(0.5 + level / 2, df) * np.sqrt(total)


def bootstrap(stat: Callable[[np.ndarray, np.ndarray], np.ndarray], units: int, reps: int,
              resamples: int, seed: int, chunk: int = 250) -> Draws:
    """A statistic, its bootstrap over base samples and its jackknife over replications.

    Args:
        stat: ``stat(w, v)`` with replication weights ``w`` (R x B) and base-sample
            weights ``v`` (units x B) returns the quantities (q x B).
        units: Independent base samples (Sobol' groups, Morris trajectories, pairs of
            points).
        reps: Replications R (at least 3: a pair mean needs two futures when one is
            left out).
        resamples: Bootstrap resamples of the base samples.
        seed: Seed of the resampling, so results are reproducible.
        chunk: Resamples computed at once (bounds memory).

    Returns:
        The draws.
    """
    if resamples < 10:
        raise ConfigError("bootstrap", "resamples", f"{resamples}; at least 10 (1000 is usual)")
    rng = np.random.default_rng(seed)
    point = stat(np.ones((reps, 1)), np.ones((units, 1)))[:, 0]
    base = []
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        v = rng.multinomial(units, np.full(units, 1 / units), size=b).T.astype(float)
        base.append(stat(np.ones((reps, b)), v))
    jack = stat(1 - np.eye(reps), np.ones((units, reps)))
    return Draws(point, np.concatenate(base, axis=1), jack, units)


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
