"""Morris screening of a random model: mu*, and the mu* that chance alone would give.

On a trajectory each step moves one parameter by ``delta`` (in units of its range,
``levels / (2 (levels - 1))``); the elementary effect is the change of the outcome per
``delta``. Run with R replications in the same futures, the elementary effect of the
replication means is the mean of the per-future effects: noise common to both ends of a
step cancels. ``mu``, ``mu*`` (mean absolute effect, the ranking measure) and its
interval come from ``SALib.analyze.morris.analyze`` on the replication means.

What is left of the noise still inflates ``mu*`` (an absolute value of noise is
positive): a parameter with no effect shows ``mu*`` near the **noise floor**
``sqrt(2/pi) * mean_i se_i``, with ``se_i`` the standard error of the i-th elementary
effect over the replications. ``sigma`` is given with the noise's part
(``mean_i se_i^2``) taken off its square. A parameter stands out of chance when the
lower end of its ``mu*`` interval is above its floor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from experiments.sensitivity.design import MorrisDesign
from experiments.sensitivity.replications import check_outcomes


@dataclass(frozen=True)
class MorrisEffects:
    """Morris measures per parameter, with the noise floor.

    Attributes:
        names: The parameters.
        mu: Mean elementary effect (signed).
        mu_star: Mean absolute elementary effect.
        mu_star_conf: Half-width of mu*'s interval (SALib's bootstrap over trajectories).
        sigma: Standard deviation of the effects, the noise's part removed.
        noise_floor: The mu* a parameter without effect would show at this R.
        level: Confidence level.
    """

    names: tuple[str, ...]
    mu: tuple[float, ...]
    mu_star: tuple[float, ...]
    mu_star_conf: tuple[float, ...]
    sigma: tuple[float, ...]
    noise_floor: tuple[float, ...]
    level: float

    def stands_out(self, name: str) -> bool:
        """Whether the parameter's mu* interval lies above its noise floor."""
        i = self.names.index(name)
        return self.mu_star[i] - self.mu_star_conf[i] > self.noise_floor[i]

    def ranking(self) -> list[str]:
        """The parameters by mu*, largest first."""
        return [self.names[i] for i in np.argsort(self.mu_star)[::-1]]


def elementary_effects(design: MorrisDesign, y: np.ndarray) -> np.ndarray:
    """The elementary effects in each future: parameters x trajectories x R.

    Args:
        design: The Morris design.
        y: Outcomes, points x R.

    Returns:
        Effects per ``delta`` step, signed as an increase of the parameter.
    """
    k = design.space.k
    t, reps = design.trajectories, y.shape[1]
    lows = np.array([lo for lo, _ in design.space.bounds])
    spans = np.array([hi - lo for lo, hi in design.space.bounds])
    x = ((design.points - lows) / spans).reshape(t, k + 1, k)
    out = y.reshape(t, k + 1, reps)
    dx = np.diff(x, axis=1)                          # t x k steps x k params
    moved = np.abs(dx).argmax(axis=2)                # which parameter each step moves
    sign = np.sign(np.take_along_axis(dx, moved[..., None], axis=2)[..., 0])
    dy = np.diff(out, axis=1) * sign[..., None]      # t x k x R
    delta = design.levels / (2 * (design.levels - 1))
    effects = np.empty((k, t, reps))
    rows = np.arange(t)[:, None]
    effects[moved, rows, :] = dy / delta
    return effects


def morris(design: MorrisDesign, y, level: float = 0.95, resamples: int = 1000,
           seed: int = 0) -> MorrisEffects:
    """Morris measures of the conditional mean, and the noise floor of mu*.

    Args:
        design: The design the outcomes were run on.
        y: Outcomes, points x R replications (R >= 2), the same futures at every point;
            a paired difference is an outcome like any other.
        level: Confidence level of mu*'s interval.
        resamples: SALib's bootstrap resamples.
        seed: Seed of SALib's bootstrap.

    Returns:
        The measures.

    Raises:
        ConfigError: outcomes that do not fit the design, fewer than two replications,
            or values that are not finite.
    """
    from SALib.analyze import morris as morris_analyze

    k = design.space.k
    arr = check_outcomes(y, design.trajectories * (k + 1), least=2)
    reps = arr.shape[1]
    res = morris_analyze.analyze(design.space.problem(), design.points, arr.mean(axis=1),
                                 num_resamples=resamples, conf_level=level,
                                 num_levels=design.levels, seed=seed)
    effects = elementary_effects(design, arr)
    se2 = effects.var(axis=2, ddof=1) / reps          # k x t
    floor = math.sqrt(2 / math.pi) * np.sqrt(se2).mean(axis=1)
    mean_effects = effects.mean(axis=2)
    sigma2 = mean_effects.var(axis=1, ddof=1) - se2.mean(axis=1)
    return MorrisEffects(design.space.names, tuple(map(float, res["mu"])),
                         tuple(map(float, res["mu_star"])),
                         tuple(map(float, res["mu_star_conf"])),
                         tuple(float(math.sqrt(max(s, 0.0))) for s in sigma2),
                         tuple(map(float, floor)), float(level))
