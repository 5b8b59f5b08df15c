"""Distribution specs used by scenarios, sampled from pre-drawn uniforms.

A scenario writes a distribution as an inline table with a ``dist`` tag, e.g.
``{ dist = "lognormal", median = 25, sigma = 0.5 }``. Sampling takes one uniform ``u``
and its standard-normal transform ``z`` (both pre-drawn in blocks by
:mod:`sim.engine.streams`), so every draw is an inverse-CDF transform of a single slot: a
variant that samples a different distribution from the same slot still meets the same
random future (common random numbers).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sim.core.config import MAX_COUNT, STRICT

#: Parameters are finite (``STRICT``) and at most :data:`sim.core.config.MAX_COUNT`: a
#: distribution gives days, shares, ratios or counts, and none is larger.
NonNeg = Annotated[float, Field(ge=0.0, le=MAX_COUNT, strict=True)]
Pos = Annotated[float, Field(gt=0.0, le=MAX_COUNT, strict=True)]
Prob = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]
#: Largest log-scale of a lognormal: e^20 (5 * 10^8) times the median per standard
#: deviation is already no model of a duration or a size; a larger sigma overflows.
MAX_SIGMA = 20.0

#: Longest drawn duration, in days: 100 years, ten times the longest horizon a scenario
#: may have (3,650 days). A drawn duration is clipped to it (:func:`whole_days`), so a
#: day far past the horizon -- a fixed 10^12-day patience, a lognormal with a huge
#: sigma and no max -- stays "not within the simulation" without the deal's calendar
#: and price path running out to it (which would hang). No duration a shipped scenario
#: draws comes near it, so no deal of a valid scenario changes.
MAX_DAYS = 36_500


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Fixed:
    """Always ``value``."""

    dist: Literal["fixed"] = "fixed"
    value: NonNeg

    def sample(self, u: float, z: float) -> float:
        return self.value

    def sample_vec(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.full_like(u, self.value)

    def bounds(self) -> tuple[float, float]:
        return self.value, self.value


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Uniform:
    """Uniform on [low, high]."""

    dist: Literal["uniform"] = "uniform"
    low: NonNeg
    high: NonNeg

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.high < self.low:
            raise ValueError(f"high: must be >= low ({self.high} < {self.low})")
        return self

    def sample(self, u: float, z: float) -> float:
        return self.low + (self.high - self.low) * u

    def sample_vec(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * u

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


@dataclass(frozen=True, kw_only=True, config=STRICT)
class LogNormal:
    """Log-normal given by its median and log-scale ``sigma``; optional cap ``max``."""

    dist: Literal["lognormal"] = "lognormal"
    median: Pos
    sigma: Annotated[float, Field(ge=0.0, le=MAX_SIGMA, strict=True)]
    max: Pos | None = None

    def sample(self, u: float, z: float) -> float:
        x = self.median * math.exp(self.sigma * z)
        return x if self.max is None or x < self.max else self.max

    def sample_vec(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        x = self.median * np.exp(self.sigma * z)
        return x if self.max is None else np.minimum(x, self.max)

    def bounds(self) -> tuple[float, float]:
        # The streams draw u in (0, 1) with a half-ulp offset, so |z| <= 8.3.
        hi = self.median * math.exp(self.sigma * 8.3)
        return self.median * math.exp(-self.sigma * 8.3), min(hi, self.max or hi)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Exponential:
    """Exponential with the given mean, shifted by ``shift``."""

    dist: Literal["exponential"] = "exponential"
    mean: Pos
    shift: NonNeg = 0.0

    def sample(self, u: float, z: float) -> float:
        return self.shift - self.mean * math.log1p(-u)

    def sample_vec(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        return self.shift - self.mean * np.log1p(-u)

    def bounds(self) -> tuple[float, float]:
        return self.shift, self.shift + self.mean * 27.7


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Choice:
    """Discrete values with probabilities (inverse CDF on ``u``)."""

    dist: Literal["choice"] = "choice"
    values: tuple[NonNeg, ...]
    probs: tuple[Prob, ...]

    @model_validator(mode="after")
    def _consistent(self) -> "Choice":
        if not self.values or len(self.values) != len(self.probs):
            raise ValueError("probs: values and probs must be non-empty and of equal length")
        if abs(sum(self.probs) - 1.0) > 1e-6:
            raise ValueError(f"probs: must sum to 1 (they sum to {sum(self.probs):.6g})")
        return self

    def sample(self, u: float, z: float) -> float:
        cum = 0.0
        for value, p in zip(self.values, self.probs):
            cum += p
            if u < cum:
                return value
        return self.values[-1]

    def sample_vec(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        cum = np.cumsum(self.probs)
        idx = np.minimum(np.searchsorted(cum, u, side="right"), len(self.values) - 1)
        return np.asarray(self.values, dtype=float)[idx]

    def bounds(self) -> tuple[float, float]:
        support = [v for v, p in zip(self.values, self.probs) if p > 0]
        return min(support), max(support)


Dist = Annotated[Union[Fixed, Uniform, LogNormal, Exponential, Choice],
                 Field(discriminator="dist")]


def whole_days(x: float) -> int:
    """A duration in calendar days: rounded up, never negative (day counts are whole),
    at most :data:`MAX_DAYS`."""
    if not x < MAX_DAYS:            # also an infinite draw
        return MAX_DAYS
    d = math.ceil(x - 1e-9)
    return d if d > 0 else 0


def whole_days_vec(x: np.ndarray) -> np.ndarray:
    """:func:`whole_days` over an array (as floats holding whole numbers)."""
    out = np.ceil(x - 1e-9)
    return np.clip(out, 0.0, MAX_DAYS, out=out)


__all__ = ["Dist", "Fixed", "Uniform", "LogNormal", "Exponential", "Choice", "MAX_DAYS",
           "whole_days", "whole_days_vec"]
