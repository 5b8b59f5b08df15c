"""Estimates and paired comparisons of outcome tables, with honest intervals.

Every headline outcome (:data:`sim.read.headline.OUTCOMES`) is a statistic of one per-deal value:

* ``median`` / ``quantile`` of days (a deal never effective counts as +infinity, so the
  slow futures are not dropped) -- 95% interval: the distribution-free order-statistic
  interval (:func:`experiments.analysis.summary.quantile_with_ci`);
* ``p``: the share of deals where a flag holds -- exact Clopper-Pearson interval;
* ``mean`` of an amount -- Student t interval.

Deals without a Demand Notice have no value for the demand-path outcomes (``NaN``) and
are left out of those; money means use every deal.

**Paired differences.** Replication *r* of every variant meets the same random future
(common random numbers), so the difference variant - base is estimated from the pairs
(base_r, variant_r):

* means and probabilities: the mean of the per-deal differences, Student t interval on
  those differences (for probabilities this is the paired Wald interval; when no deal
  differs the interval is the point);
* medians and quantiles: percentile bootstrap of the difference of the two statistics,
  resampling replications jointly (2,000 resamples, a fixed seed so the table is
  reproducible). Resampling is done as multinomial counts over the distinct (base,
  variant) pairs, which is the same bootstrap but costs the same for a million deals as
  for ten thousand (days take few distinct values).

Each difference also carries the interval an *unpaired* comparison of the same size
would give (means: Welch standard error; medians: the bootstrap resampling the two
samples independently) and ``narrowing`` = unpaired width / paired width: what pairing
bought. Its square is the variance-reduction factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from experiments.analysis.summary import Interval, mean_with_ci, proportion_with_ci, quantile_with_ci
from sim.read.headline import DEFAULT_OUTCOMES, OUTCOMES, Outcome

N_BOOT = 2000
BOOT_SEED = 20030330      # the agreement's date: any fixed seed makes tables reproducible


def values(df: pd.DataFrame, outcome: Outcome) -> np.ndarray:
    """The per-deal values of ``outcome`` (float; NaN where a deal has none)."""
    col = df[outcome.column]
    if outcome.statistic in ("median", "quantile"):
        x = col.astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    elif outcome.statistic == "p":
        x = (col.astype("Float64").fillna(0) > 0).astype(float).to_numpy(dtype=float)
    else:
        x = col.astype("Float64").fillna(0.0).to_numpy(dtype=float)
    x = np.array(x, dtype=float)        # a writable copy (Arrow-backed views are not)
    if outcome.demand_only and "demand_day" in df:
        x[df["demand_day"].isna().to_numpy()] = np.nan
    if "error" in df:
        x[df["error"].notna().to_numpy()] = np.nan
    return x


def _q(outcome: Outcome) -> float:
    return 0.5 if outcome.statistic == "median" else outcome.q


def estimate(df: pd.DataFrame, outcome: Outcome, level: float = 0.95) -> Interval:
    """The outcome's statistic over the deals of ``df``, with its 95% interval."""
    return _estimate(values(df, outcome), outcome, level)


def _estimate(x: np.ndarray, outcome: Outcome, level: float = 0.95) -> Interval:
    """:func:`estimate` from per-deal values (NaN: no value, left out)."""
    x = x[~np.isnan(x)]
    if outcome.statistic in ("median", "quantile"):
        return quantile_with_ci(x, _q(outcome), level)
    if outcome.statistic == "p":
        return proportion_with_ci(int(x.sum()), len(x), level)
    return mean_with_ci(x, level)


@dataclass(frozen=True)
class Difference:
    """variant - base, with its paired interval and what pairing bought.

    Attributes:
        value, low, high: The difference and its paired 95% interval.
        unpaired_low, unpaired_high: The interval an unpaired comparison of the same
            size would give.
        n: Pairs used.
        differing: Pairs whose per-deal values differ.
    """

    value: float
    low: float
    high: float
    unpaired_low: float
    unpaired_high: float
    n: int
    differing: int

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def unpaired_width(self) -> float:
        return self.unpaired_high - self.unpaired_low

    @property
    def narrowing(self) -> float:
        """Unpaired width / paired width (inf when the paired interval is a point)."""
        if self.width == 0:
            return math.inf if self.unpaired_width > 0 else 1.0
        return self.unpaired_width / self.width


def _quantile(x: np.ndarray, q: float) -> float:
    return float(np.quantile(x, q, method="inverted_cdf")) if len(x) else math.nan


def _resampled_quantiles(values_: np.ndarray, counts: np.ndarray, weights: np.ndarray,
                         q: float) -> np.ndarray:
    """The ``q``-quantile (inverted CDF) of each resample given as counts per value.

    ``values_`` are sorted; ``weights`` is (resamples, len(values_)).
    """
    n = counts.sum()
    cum = np.cumsum(weights, axis=1)
    return values_[np.argmax(cum >= q * n, axis=1)]


def _bootstrap_quantile_difference(a: np.ndarray, b: np.ndarray, q: float, paired: bool,
                                   level: float) -> tuple[float, float]:
    """Percentile-bootstrap interval of quantile(b) - quantile(a).

    Resampling ``n`` rows with replacement is a multinomial draw over the distinct rows,
    so the data are first reduced to distinct values -- (a, b) pairs when ``paired``,
    each sample's values otherwise -- with their counts. Days take few distinct values,
    so this is exact and fast at any ``n`` (a million deals cost the same as ten
    thousand).
    """
    rng = np.random.default_rng(BOOT_SEED)
    n = len(a)
    # The distinct values and their counts do not change between batches: reduce once.
    if paired:
        pairs, counts = np.unique(np.column_stack([a, b]), axis=0, return_counts=True)
        oa = np.argsort(pairs[:, 0], kind="stable")
        ob = np.argsort(pairs[:, 1], kind="stable")
    else:
        va, ca = np.unique(a, return_counts=True)
        vb, cb = np.unique(b, return_counts=True)
    diffs = []
    for start in range(0, N_BOOT, 250):
        size = min(250, N_BOOT - start)
        if paired:
            w = rng.multinomial(n, counts / n, size=size)
            qa = _resampled_quantiles(pairs[oa, 0], counts, w[:, oa], q)
            qb = _resampled_quantiles(pairs[ob, 1], counts, w[:, ob], q)
        else:
            qa = _resampled_quantiles(va, ca, rng.multinomial(n, ca / n, size=size), q)
            qb = _resampled_quantiles(vb, cb, rng.multinomial(n, cb / n, size=size), q)
        with np.errstate(invalid="ignore"):
            diffs.append(qb - qa)
    d = np.concatenate(diffs)
    alpha = 1 - level
    low, high = np.quantile(d, [alpha / 2, 1 - alpha / 2], method="inverted_cdf")
    return float(low), float(high)


def paired_difference(base: pd.DataFrame, variant: pd.DataFrame, outcome: Outcome,
                      level: float = 0.95) -> Difference:
    """Difference variant - base of ``outcome`` over paired replications.

    Args:
        base, variant: Outcome tables of the same replications (same seed, same deal
            indices), row for row in the same order.
        outcome: What to compare.
        level: Confidence level of the intervals.
    """
    if len(base) != len(variant):
        raise ValueError("paired tables must have the same replications")
    a, b = values(base, outcome), values(variant, outcome)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = len(a)
    differing = int(np.sum(a != b))
    if n < 2:
        return Difference(math.nan, math.nan, math.nan, math.nan, math.nan, n, differing)
    if outcome.statistic in ("median", "quantile"):
        q = _q(outcome)
        point = _quantile(b, q) - _quantile(a, q)
        if differing == 0:
            low = high = point
        else:
            low, high = _bootstrap_quantile_difference(a, b, q, True, level)
        ulow, uhigh = _bootstrap_quantile_difference(a, b, q, False, level)
        return Difference(point, low, high, ulow, uhigh, n, differing)
    d = b - a
    point = float(d.mean())
    paired = mean_with_ci(d, level)
    se = math.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n)
    half = float(stats.t.ppf(0.5 + level / 2, 2 * n - 2)) * se
    return Difference(point, paired.low, paired.high, point - half, point + half, n,
                      differing)


def compare(frames: dict[str, pd.DataFrame], base: str,
            outcomes: Sequence[str] = DEFAULT_OUTCOMES) -> pd.DataFrame:
    """Estimates per variant and paired differences against ``base``, as one table.

    Args:
        frames: Outcome tables by variant name, the same replications in the same order.
        base: The name of the base variant.
        outcomes: Names from :data:`OUTCOMES`.

    Returns:
        One row per (outcome, variant): ``estimate``, ``low``, ``high`` and, for
        variants other than the base, ``diff``, ``diff_low``, ``diff_high``,
        ``unpaired_low``, ``unpaired_high``, ``narrowing``, ``differing``.
    """
    rows = []
    for name in outcomes:
        o = OUTCOMES[name]
        for variant, df in frames.items():
            x = values(df, o)
            est = _estimate(x, o)
            row = {"outcome": name, "clause": o.clause, "label": o.label, "unit": o.unit,
                   "variant": variant, "n": int((~np.isnan(x)).sum()),
                   "estimate": est.value, "low": est.low, "high": est.high}
            if variant != base:
                d = paired_difference(frames[base], df, o)
                row.update(diff=d.value, diff_low=d.low, diff_high=d.high,
                           unpaired_low=d.unpaired_low, unpaired_high=d.unpaired_high,
                           narrowing=d.narrowing, differing=d.differing)
            rows.append(row)
    return pd.DataFrame(rows)
