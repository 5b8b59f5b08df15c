"""When to stop: is an interval narrow enough, and if not, what to add.

An estimate's variance has two parts (:class:`experiments.sensitivity.replications.Estimate`):
one from the base samples, about proportional to ``1 / base``, one from the
replications, about proportional to ``1 / R`` (under common random numbers every point
meets the same futures, so more base samples do not shrink it). To bring the half-width
``t * sqrt(var_base + var_replications)`` under a target, :func:`advise` compares the
runs each remedy costs (a run is a point in a future: ``points x R``):

* more base samples alone, when the replications' part is under the target;
* more replications alone, when the base samples' part is;
* both, scaled together, when neither alone can reach it.

It takes the cheapest, base samples rounded up to a power of two (the Sobol' design's
balance), and looks at the widest interval among those given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from experiments.sensitivity.replications import Estimate, z_of
from sim.core.config import ConfigError


@dataclass(frozen=True)
class Advice:
    """What the stopping rule says.

    Attributes:
        enough: Every interval's half-width is within the target.
        add: ``""`` when enough, else ``"base samples"``, ``"replications"`` or ``"both"``.
        base: Base samples to run next (the current number when none are to be added).
        replications: Replications to run next.
        half_width: The widest half-width now.
        target: The target half-width.
    """

    enough: bool
    add: str
    base: int
    replications: int
    half_width: float
    target: float

    def line(self) -> str:
        """One sentence for a person."""
        if self.enough:
            return (f"intervals within +/-{self.target:g} (widest +/-{self.half_width:.3g}): "
                    "enough")
        return (f"widest interval +/-{self.half_width:.3g} > +/-{self.target:g}: add "
                f"{self.add} (next: {self.base} base samples x {self.replications} "
                "replications)")


def _next_power_of_two(x: float) -> int:
    return 1 << max(1, math.ceil(math.log2(max(x, 2.0)) - 1e-12))


def advise(estimates: Iterable[Estimate], target: float, base: int,
           replications: int) -> Advice:
    """Whether the intervals are narrow enough, and if not, whether to add base samples
    or replications, and how many.

    Args:
        estimates: The estimates whose intervals must be narrow (e.g. every index and
            the chance share).
        target: The largest half-width wanted.
        base: Base samples now.
        replications: Replications now.

    Returns:
        The advice.

    Raises:
        ConfigError: a target that is not positive, or no estimate.
    """
    if not (math.isfinite(target) and target > 0):
        raise ConfigError("stopping rule", "target", f"{target}; a positive half-width")
    ests = list(estimates)
    if not ests:
        raise ConfigError("stopping rule", "estimates", "none given")
    widest = max(ests, key=lambda e: e.half_width)
    if widest.half_width <= target:
        return Advice(True, "", base, replications, widest.half_width, target)
    vb, vr = widest.var_base, widest.var_replications
    # the interval's own multiplier (Student's t at its degrees of freedom), else z
    mult = widest.half_width / math.sqrt(vb + vr) if vb + vr > 0 else z_of(widest.level)
    budget = (target / mult) ** 2
    options = []
    if vr < budget:
        n = _next_power_of_two(base * vb / (budget - vr)) if vb > 0 else base
        options.append(((n * replications), "base samples", max(n, 2 * base), replications))
    if vb < budget:
        r = math.ceil(replications * vr / (budget - vb)) if vr > 0 else replications
        options.append((base * r, "replications", base, max(r, replications + 1)))
    if not options:
        # half the budget to each part
        n = _next_power_of_two(base * 2 * vb / budget)
        r = math.ceil(replications * 2 * vr / budget)
        options.append((n * r, "both", max(n, 2 * base), max(r, replications + 1)))
    _, add, n, r = min(options)
    return Advice(False, add, n, r, widest.half_width, target)
