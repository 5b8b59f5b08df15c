"""The parameter space and the designs that sample it (through SALib).

A :class:`Space` names the swept parameters and their ranges (uniform on each). Two
designs sample it:

* :func:`sobol_design`: Saltelli's scheme on a scrambled Sobol' sequence
  (``SALib.sample.sobol.sample`` without second-order indices): ``base`` groups of
  ``k + 2`` points, each group ``A, AB_1 .. AB_k, B`` where ``AB_j`` is ``A`` with its
  j-th coordinate taken from ``B``. The same seed and a larger ``base`` keep the first
  groups unchanged, so adding base samples re-uses the points already run.
* :func:`morris_design`: Morris trajectories (``SALib.sample.morris.sample``) of
  ``k + 1`` points, each step moving one parameter.

Every point is then run with the same R replications (common random numbers); the
outcomes come back as an array of points x replications.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from sim.core.config import ConfigError


@dataclass(frozen=True)
class Space:
    """Named parameters, each uniform on ``[low, high]``.

    Attributes:
        names: The parameters' names, distinct.
        bounds: ``(low, high)`` for each name, finite, ``low < high``.
    """

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        names = tuple(str(n) for n in self.names)
        bounds = tuple((float(lo), float(hi)) for lo, hi in self.bounds)
        if not names:
            raise ConfigError("space", "names", "no parameter to vary; name at least one")
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ConfigError("space", dup[0], "named twice; each parameter once")
        if len(bounds) != len(names):
            raise ConfigError("space", "bounds", f"{len(bounds)} ranges for {len(names)} "
                              "parameters; one (low, high) per parameter")
        for name, (lo, hi) in zip(names, bounds):
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ConfigError("space", name, f"range ({lo}, {hi}) is not a finite "
                                  "interval with low < high")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "bounds", bounds)

    @property
    def k(self) -> int:
        """The number of parameters."""
        return len(self.names)

    def problem(self) -> dict:
        """The space as SALib's problem dictionary."""
        return {"num_vars": self.k, "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}


@dataclass(frozen=True)
class SobolDesign:
    """Saltelli's design: ``base`` groups of ``k + 2`` points (``A, AB_1..AB_k, B``).

    Attributes:
        space: The parameter space.
        base: The number of base samples (groups), a power of two.
        seed: The seed of the scrambled Sobol' sequence.
        points: ``base * (k + 2)`` rows, one column per parameter, group by group.
    """

    space: Space
    base: int
    seed: int
    points: np.ndarray

    @property
    def group(self) -> int:
        """Points per base sample: ``k + 2``."""
        return self.space.k + 2


@dataclass(frozen=True)
class MorrisDesign:
    """Morris trajectories of ``k + 1`` points, each step moving one parameter.

    Attributes:
        space: The parameter space.
        trajectories: The number of trajectories.
        levels: The grid's number of levels (even).
        seed: The sampler's seed.
        points: ``trajectories * (k + 1)`` rows, one column per parameter.
    """

    space: Space
    trajectories: int
    levels: int
    seed: int
    points: np.ndarray


def _power_of_two(n: int) -> bool:
    return n >= 2 and n & (n - 1) == 0


def sobol_design(space: Space, base: int, seed: int = 0) -> SobolDesign:
    """Saltelli's design on a scrambled Sobol' sequence (first and total indices).

    Args:
        space: The parameters and their ranges.
        base: Base samples, a power of two (the Sobol' sequence is balanced only then).
        seed: Seed of the scrambling; the same seed and a larger ``base`` keep the
            first ``base`` groups.

    Returns:
        The design; run each of its points with the same R replications.

    Raises:
        ConfigError: ``base`` is not a power of two of at least 2.
    """
    from SALib.sample import sobol as sobol_sample

    if not _power_of_two(int(base)):
        raise ConfigError("sobol design", "base", f"{base} base samples; a power of two "
                          "(e.g. 256, 512, 1024) keeps the Sobol' sequence balanced")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # SALib's note on powers of two, checked above
        points = sobol_sample.sample(space.problem(), int(base), calc_second_order=False,
                                     scramble=True, seed=int(seed))
    return SobolDesign(space, int(base), int(seed), np.asarray(points, dtype=float))


def morris_design(space: Space, trajectories: int, levels: int = 4,
                  seed: int = 0) -> MorrisDesign:
    """Morris's one-at-a-time trajectories on a grid of ``levels`` levels.

    Args:
        space: The parameters and their ranges.
        trajectories: How many trajectories (at least 2; 10 to 50 is usual).
        levels: Grid levels, even (4 is usual).
        seed: Seed of the sampler.

    Returns:
        The design; run each of its points with the same R replications.

    Raises:
        ConfigError: too few trajectories, or an odd or too small number of levels.
    """
    from SALib.sample import morris as morris_sample

    if int(trajectories) < 2:
        raise ConfigError("morris design", "trajectories",
                          f"{trajectories}; at least 2 (10 to 50 is usual)")
    if int(levels) < 2 or int(levels) % 2:
        raise ConfigError("morris design", "levels", f"{levels}; an even number of at least 2")
    points = morris_sample.sample(space.problem(), int(trajectories), num_levels=int(levels),
                                  seed=int(seed))
    return MorrisDesign(space, int(trajectories), int(levels), int(seed),
                        np.asarray(points, dtype=float))
