"""Sobol' indices of a random model's conditional mean, and the chance share beside them.

The outcome at parameters x in future r is ``Y(x, r) = m(x) + noise(x, r)``. The
indices are those of the conditional mean ``m(x) = E_r[Y(x, r)]``:

* first order ``S_j = V_j / Var(m)``, ``V_j = Var(E[m | x_j])``: what x_j alone explains;
* total ``ST_j = VT_j / Var(m)``, ``VT_j = E[Var(m | x_-j)]``: x_j with all its
  interactions.

Estimators on Saltelli's design (groups ``A, AB_1..AB_k, B``; Saltelli et al. 2010):
``V_j = E[m(B) (m(AB_j) - m(A))]`` and Jansen's ``VT_j = E[(m(A) - m(AB_j))^2] / 2``,
``Var(m) = E[(m(A) - m(B))^2] / 2``. Each product of two conditional means is estimated
over pairs of *distinct* replications, which removes the noise left in replication means
exactly, also when common random numbers correlate the noise of the points; a constant
(the grand mean) is taken off the outcome first, which changes no index and steadies
the first-order estimator.

Beside them: the chance share ``E_x[Var_r(Y | x)] / Var(Y)``
(:mod:`experiments.sensitivity.chance`), and the same indices relative to ``Var(Y)``
(``*_of_all``: ``S_j (1 - chance)``) so that they and the chance share add up: the
first-order parts and the chance share sum to at most 1, the total parts and the chance
share to at least 1. Intervals: the base samples' bootstrap and the replications'
jackknife of :mod:`experiments.sensitivity.replications`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.sensitivity.chance import parts
from experiments.sensitivity.design import SobolDesign
from experiments.sensitivity.replications import (Estimate, bootstrap, check_outcomes,
                                                  pair_mean, weighted_mean)


@dataclass(frozen=True)
class SobolIndices:
    """First and total indices with intervals, and the chance share.

    Attributes:
        names: The parameters.
        base: Base samples.
        replications: Replications per point.
        first: First-order indices of the conditional mean (relative to ``Var(m)``).
        total: Total indices of the conditional mean.
        first_of_all: First-order indices relative to ``Var(Y)``.
        total_of_all: Total indices relative to ``Var(Y)``.
        chance: The chance share ``E_x[Var_r(Y | x)] / Var(Y)``.
        variance: ``Var(Y)``.
        variance_of_mean: ``Var(m)``.
    """

    names: tuple[str, ...]
    base: int
    replications: int
    first: tuple[Estimate, ...]
    total: tuple[Estimate, ...]
    first_of_all: tuple[Estimate, ...]
    total_of_all: tuple[Estimate, ...]
    chance: Estimate
    variance: Estimate
    variance_of_mean: Estimate

    def rows(self) -> list[dict]:
        """One dict per parameter (and one for chance), for a table."""
        out = []
        for i, name in enumerate(self.names):
            row = {"parameter": name}
            for label, est in (("S1", self.first[i]), ("ST", self.total[i]),
                               ("S1_of_all", self.first_of_all[i]),
                               ("ST_of_all", self.total_of_all[i])):
                row.update({label: est.value, f"{label}_low": est.low,
                            f"{label}_high": est.high})
            out.append(row)
        out.append({"parameter": "(chance)", "S1_of_all": self.chance.value,
                    "S1_of_all_low": self.chance.low, "S1_of_all_high": self.chance.high})
        return out


def sobol(design: SobolDesign, y, level: float = 0.95, resamples: int = 1000,
          seed: int = 0) -> SobolIndices:
    """Sobol' indices of the conditional mean, with intervals, and the chance share.

    Args:
        design: The design the outcomes were run on.
        y: Outcomes, one row per design point, one column per replication (R >= 3),
            replication r the same future at every point. A paired difference between
            two variants (B - A in each future) is an outcome like any other.
        level: Confidence level of the intervals.
        resamples: Bootstrap resamples of the base samples.
        seed: Seed of the bootstrap.

    Returns:
        The indices.

    Raises:
        ConfigError: outcomes that do not fit the design, fewer than three replications,
            or values that are not finite.
    """
    k, n = design.space.k, design.base
    arr = check_outcomes(y, n * design.group)
    reps = arr.shape[1]
    groups = (arr - arr.mean()).reshape(n, design.group, reps)
    a, b = groups[:, 0], groups[:, k + 1]
    ab = [groups[:, 1 + j] for j in range(k)]
    every = [groups[:, i] for i in range(design.group)]

    def stat(w, v):
        var_mean, within = parts(a, b, every, w, v)
        first = [weighted_mean(pair_mean(b, abj - a, w), v) for abj in ab]
        total = [weighted_mean(0.5 * pair_mean(a - abj, a - abj, w), v) for abj in ab]
        return np.stack([var_mean, within, *first, *total])

    def derive(q):
        var_mean, within = q[0], q[1]
        var_all = var_mean + within
        first, total = q[2:2 + k], q[2 + k:]
        return np.concatenate([first / var_mean, total / var_mean, first / var_all,
                               total / var_all, (within / var_all)[None],
                               var_all[None], var_mean[None]])

    est = bootstrap(stat, n, reps, resamples, seed).map(derive).estimates(
        level, shares=(4 * k,))
    return SobolIndices(design.space.names, n, reps, tuple(est[:k]), tuple(est[k:2 * k]),
                        tuple(est[2 * k:3 * k]), tuple(est[3 * k:4 * k]), est[4 * k],
                        est[4 * k + 1], est[4 * k + 2])
