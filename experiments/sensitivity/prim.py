"""Scenario discovery with PRIM on a random model: where the outcome is worst.

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999) peels a box, a
range per parameter, off the swept parameters a little at a time, keeping at each
step the peel that raises the share of points of interest inside the box most; the
boxes it passes through form the **peeling trajectory**. The peeling is the EMA
Workbench's (``ema_workbench.analysis.prim``, an optional extra: ``regsim[discovery]``);
what a random model adds is here:

* **A point's class is a statistic over futures.** The outcomes are an array
  ``y[point, r]``, replication r the same random future at every point (or a paired
  difference B - A per future). A point is *of interest* when its conditional mean is
  below (or above) a threshold, or when the share of its futures below (above) the
  threshold exceeds a level ("B loses against A in more than half the futures").
* **The box is judged on points it was not found on.** PRIM picks the box that looks
  worst on the points it peels, so its own coverage and density flatter it (with noise
  only, a small box of unlucky points always looks dense). The points are split: PRIM
  runs on one part, the chosen box's coverage and density are measured on the
  held-out part.
* **Intervals over points and futures.** As for the indices
  (:mod:`experiments.sensitivity.replications`): a bootstrap over the held-out points,
  the futures kept, and a jackknife over the futures, each left out in turn, every
  point re-classified from the futures left (a point's class depends on its mean over
  futures, and under common random numbers every point shares them). The two
  variances add (Student's t at their degrees of freedom), the interval clipped to
  the range of a share. A box is **claimed**
  only when the interval of its density minus the base rate (the share of interest
  among all held-out points) lies above zero.

Coverage: the share of all points of interest that fall inside the box. Density: the
share of the points inside the box that are of interest.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.sensitivity.replications import Estimate, bootstrap
from sim.core.config import ConfigError

MISSING = ("needs the EMA Workbench, an optional extra: pip install "
           "'regsim[discovery]'")


@dataclass(frozen=True)
class Limit:
    """One restricted parameter of a box.

    Attributes:
        name: The parameter.
        low: The box's lower limit (the full range's where PRIM left that end free).
        high: The box's upper limit (likewise).
        full_low: The lower end of the parameter's full range.
        full_high: The upper end.
    """

    name: str
    low: float
    high: float
    full_low: float
    full_high: float


@dataclass(frozen=True)
class Discovery:
    """What PRIM found, and how sure it is.

    Attributes:
        target: What a point of interest is, in words (``mean below 0``).
        names: The swept parameters.
        points: Design points in all; ``held_out`` of them judge the box.
        held_out: Points the box was not found on.
        replications: Futures per point.
        trajectory: One row per box PRIM passed through: ``coverage``, ``density``,
            ``mass`` (share of points inside) and ``res_dim`` (restricted parameters)
            on the points it peeled, ``test_coverage`` and ``test_density`` on the
            held-out points.
        chosen: The row of ``trajectory`` of the chosen box.
        limits: The chosen box's restricted parameters (none: the whole space).
        base_rate: The share of held-out points of interest.
        coverage: The chosen box's coverage on the held-out points.
        density: Its density there.
        lift: Density minus base rate (its interval from the same resamples).
    """

    target: str
    names: tuple[str, ...]
    points: int
    held_out: int
    replications: int
    trajectory: pd.DataFrame
    chosen: int
    limits: tuple[Limit, ...]
    base_rate: Estimate
    coverage: Estimate
    density: Estimate
    lift: Estimate

    @property
    def claimed(self) -> bool:
        """Whether the box is denser than the space as a whole (lift interval above 0)."""
        return bool(self.limits) and self.lift.low > 0

    def line(self) -> str:
        """The finding in one sentence."""
        pct = lambda e: f"{e.value:.0%} ({e.low:.0%} to {e.high:.0%})"  # noqa: E731
        if not self.claimed:
            return (f"no box: {self.target} is no more frequent in any box PRIM found "
                    f"than everywhere ({pct(self.base_rate)} of points)")
        where = ", ".join(f"{lim.name} {lim.low:.3g} to {lim.high:.3g}"
                          for lim in self.limits)
        return (f"{self.target} where {where}: {pct(self.density)} of the points there, "
                f"against {pct(self.base_rate)} everywhere; the box holds "
                f"{pct(self.coverage)} of all such points")


def classify(y: np.ndarray, weights: np.ndarray, threshold: float, below: bool,
             share: float | None) -> np.ndarray:
    """Which points are of interest, under each set of replication weights.

    Args:
        y: Outcomes, points x R.
        weights: Replication weights, resamples x R (a bootstrap's counts, or a
            jackknife's zero for the future left out).
        threshold: The outcome's threshold.
        below: Interest lies below the threshold (else above).
        share: None: the weighted mean is compared with the threshold; a level in
            (0, 1): the weighted share of futures beyond the threshold must exceed it.

    Returns:
        Booleans, points x resamples.
    """
    total = weights.sum(axis=1)
    if share is None:
        stat = y @ weights.T / total
        return stat < threshold if below else stat > threshold
    beyond = (y < threshold) if below else (y > threshold)
    return (beyond.astype(float) @ weights.T / total) > share


def _check(x, y, threshold, share, holdout, level):
    if not isinstance(x, pd.DataFrame) or x.shape[1] == 0:
        raise ConfigError("PRIM", "x", "not a DataFrame of parameters (one column each)")
    bad = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    if bad:
        raise ConfigError("PRIM", str(bad[0]), "not numeric; PRIM here peels ranges")
    xs = x.astype(float).reset_index(drop=True)
    if not np.isfinite(xs.to_numpy()).all():
        raise ConfigError("PRIM", "x", "a parameter value is not finite")
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != len(xs):
        raise ConfigError("PRIM", "y", f"shape {arr.shape}; expected ({len(xs)}, R): one "
                          "row per point, one column per replication")
    if arr.shape[1] < 3:
        raise ConfigError("PRIM", "y", f"{arr.shape[1]} replications; at least 3 (the "
                          "intervals leave each future out in turn)")
    if not np.isfinite(arr).all():
        raise ConfigError("PRIM", "y", "an outcome is not finite")
    if not np.isfinite(threshold):
        raise ConfigError("PRIM", "threshold", f"{threshold}; a finite number")
    if share is not None and not 0 < share < 1:
        raise ConfigError("PRIM", "share", f"{share}; a level strictly between 0 and 1")
    if not 0 < holdout < 1:
        raise ConfigError("PRIM", "holdout", f"{holdout}; a fraction strictly between "
                          "0 and 1")
    if not 0 < level < 1:
        raise ConfigError("PRIM", "level", f"{level}; strictly between 0 and 1")
    return xs, arr


def _peel(x: pd.DataFrame, interest: np.ndarray, peel_alpha: float, paste_alpha: float,
          mass_min: float):
    """The EMA Workbench's peeling and pasting: its trajectory and box limits."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")       # optional back-ends it does not find
            from ema_workbench.analysis import prim as ema_prim
    except ImportError:
        raise ConfigError("PRIM", "ema_workbench", MISSING) from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    # Binary mode: a point of interest is y = 1; a threshold just above 0 counts
    # exactly those, and accepts any box that holds one (the box is chosen here).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # its pandas deprecations
        alg = ema_prim.Prim(x, interest.astype(int), threshold=1e-9,
                            peel_alpha=peel_alpha, paste_alpha=paste_alpha,
                            mass_min=mass_min)
        box = alg.find_box()
    lims = [pd.DataFrame(b, copy=True) for b in box.box_lims]
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
    return traj.reset_index(drop=True), lims, alg.box_init


def _inside(x: np.ndarray, lim: pd.DataFrame, init: pd.DataFrame, names) -> np.ndarray:
    """Which rows of ``x`` a box holds; an end left where the peeled data ends is no
    limit (a held-out point may lie beyond it)."""
    cols = list(names)
    low, high = (lim.loc[i, cols].to_numpy(dtype=float) for i in (0, 1))
    low = np.where(low == init.loc[0, cols].to_numpy(dtype=float), -np.inf, low)
    high = np.where(high == init.loc[1, cols].to_numpy(dtype=float), np.inf, high)
    return ((x >= low) & (x <= high)).all(axis=1)


def _choose(traj: pd.DataFrame, min_density: float | None) -> int:
    if min_density is not None:
        ok = traj.index[traj["density"] >= min_density]
        if len(ok):
            return int(traj.loc[ok, "coverage"].idxmax())
        return int(traj["density"].idxmax())
    return int((traj["coverage"] * traj["density"]).idxmax())


def discover(x: pd.DataFrame, y, threshold: float = 0.0, below: bool = True,
             share: float | None = None, bounds: dict | None = None,
             min_density: float | None = None, holdout: float = 0.5, level: float = 0.95,
             resamples: int = 500, seed: int = 0, peel_alpha: float = 0.05,
             paste_alpha: float = 0.05, mass_min: float = 0.05) -> Discovery:
    """Find the box of parameters where the outcome is worst, with honest intervals.

    Args:
        x: The parameters, one row per design point (any independent design: Monte
            Carlo, Latin hypercube; not Saltelli's, whose groups repeat coordinates).
        y: Outcomes, points x R >= 3 replications, the same futures at every point; or a
            paired difference B - A per future (``threshold=0, below=True``: points
            where B loses against A on average).
        threshold: The threshold on the outcome.
        below: A point is of interest below the threshold (else above).
        share: None: the point's mean over futures is compared with the threshold.
            A level: the share of its futures beyond the threshold must exceed it
            (``share=0.5``: beyond in most futures).
        bounds: Each parameter's full range (``{name: (low, high)}``), for the box's
            limits and the figures; by default the range of ``x``.
        min_density: The chosen box: the one of largest coverage among those at least
            this dense on the points peeled; by default the one of largest coverage
            times density.
        holdout: The fraction of points held out to judge the chosen box.
        level: Confidence level of the intervals.
        resamples: Bootstrap resamples of the held-out points.
        seed: Seed of the split and the bootstrap.
        peel_alpha: The share of points each peel removes (PRIM's patience).
        paste_alpha: The same for pasting.
        mass_min: PRIM stops peeling below this share of the peeled points.

    Returns:
        The trajectory, the chosen box and its coverage and density with intervals.

    Raises:
        ConfigError: inputs that do not fit, no or only points of interest, or the EMA
            Workbench missing.
    """
    xs, arr = _check(x, y, threshold, share, holdout, level)
    names = tuple(str(c) for c in xs.columns)
    xs.columns = list(names)
    n, reps = arr.shape
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    n_test = int(round(n * holdout))
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    if len(test) < 10 or len(train) < 10:
        raise ConfigError("PRIM", "x", f"{n} points; at least 10 to peel and 10 to "
                          "judge the box on")

    ones = np.ones((1, reps))
    interest = classify(arr, ones, threshold, below, share)[:, 0]
    side = "below" if below else "above"
    target = (f"mean {side} {threshold:g}" if share is None else
              f"{side} {threshold:g} in more than {share:.0%} of futures")
    for part, what in ((train, "the points PRIM peels"), (test, "the held-out points")):
        if interest[part].all() or not interest[part].any():
            word = "every" if interest[part].all() else "no"
            raise ConfigError("PRIM", "threshold", f"{word} point of {what} has the "
                              f"outcome {target}; nothing to discover")

    traj, lims, box_init = _peel(xs.iloc[train].reset_index(drop=True), interest[train],
                                 peel_alpha, paste_alpha, mass_min)
    xt, yt = xs.to_numpy()[test], arr[test]
    inside = np.stack([_inside(xt, lim, box_init, names) for lim in lims], axis=1)   # test x boxes
    it = interest[test]
    with np.errstate(invalid="ignore", divide="ignore"):
        traj["test_coverage"] = (inside & it[:, None]).sum(0) / it.sum()
        traj["test_density"] = (inside & it[:, None]).sum(0) / inside.sum(0)
    chosen = _choose(traj, min_density)

    full = {nm: tuple(map(float, (bounds or {}).get(nm, (xs[nm].min(), xs[nm].max()))))
            for nm in names}
    lim = lims[chosen]
    limits = []
    for nm in names:                # an end PRIM left where the data ends: the range's
        low, high = (lim.loc[i, nm] for i in (0, 1))
        free_low, free_high = (low == box_init.loc[0, nm], high == box_init.loc[1, nm])
        if not (free_low and free_high):
            limits.append(Limit(nm, full[nm][0] if free_low else float(low),
                                full[nm][1] if free_high else float(high), *full[nm]))
    limits = tuple(limits)
    box = inside[:, chosen]

    def stat(w, v):                    # w: R x B futures' weights, v: test x B points'
        cls = classify(yt, w.T, threshold, below, share)
        hits = (v * cls).sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            base = hits / v.sum(0)
            cover = (v * cls * box[:, None]).sum(0) / hits
            dense = (v * cls * box[:, None]).sum(0) / (v * box[:, None]).sum(0)
        return np.stack([base, cover, dense, dense - base])

    draws = bootstrap(stat, len(test), reps, resamples, seed)
    base, cover, dense, lift = (
        Estimate(e.value, max(e.low, lo), min(e.high, 1.0), e.level, e.var_base,
                 e.var_replications)
        for e, lo in zip(draws.estimates(level), (0.0, 0.0, 0.0, -1.0)))
    return Discovery(target, names, n, len(test), reps, traj, chosen, limits, base, cover,
                     dense, lift)
