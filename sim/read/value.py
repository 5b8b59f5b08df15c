"""The value of the registration right to the Investors, and its upper bound.

A registration lets an Investor sell sooner than the exit it has without one, Rule 144
(:mod:`sim.world.rule144`). For the shares sold under a registration, the *realised
value* of the registration is what those sales brought, discounted to the closing, less
what the same shares would have brought on the Rule 144 exit (earliest sales at the
volume limit), discounted the same way: in dollars, and as a fraction of the
investment. Its mean over deals is the value of the right.

No value of earlier liquidity can exceed the value of perfect market timing over the
restriction: Longstaff (1995, "How much can marketability affect security values?",
Journal of Finance 50(5)) bounds the marketability discount by a lookback option,
:func:`longstaff_bound`. CALIBRATION.md gives the check: at 60% volatility about 30%
for 120 days and 58% for one year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from sim.world.rule144 import (DAYS_PER_YEAR, PricePath, Tranche, discount_factor,
                               discounted_proceeds, exit_schedule)
from sim.world.scenario import Scenario


@dataclass(frozen=True)
class Sale:
    """Shares sold under a registration: how many, on which deal day, at what price."""

    shares: int
    day: int
    price: float


@dataclass(frozen=True)
class RealisedValue:
    """What a registration gained on one set of sales over the Rule 144 exit.

    Attributes:
        registered_usd: Discounted proceeds of the sales under the registration.
        rule144_usd: Discounted proceeds of the same shares on the Rule 144 exit.
        value_usd: ``registered_usd - rule144_usd``.
        fraction: ``value_usd`` as a fraction of the investment.
        exit: The Rule 144 sales it was measured against.
    """

    registered_usd: float
    rule144_usd: float
    value_usd: float
    fraction: float
    exit: tuple[Tranche, ...]


def sales_proceeds(sales: Iterable[Sale], rate: float) -> float:
    """Proceeds of ``sales`` at their own prices, discounted to the closing."""
    return sum(s.shares * s.price * discount_factor(s.day, rate) for s in sales)


def realised_value(sales: Sequence[Sale], exit: Sequence[Tranche], price: PricePath, *,
                   rate: float, investment_usd: float) -> RealisedValue:
    """The realised value of a registration: the discounted proceeds of ``sales`` minus
    those of the same shares sold on ``exit`` (the Rule 144 schedule) at ``price``.

    Args:
        sales: The sales under the registration.
        exit: The Rule 144 exit of the same shares (:func:`sim.world.rule144.exit_schedule`
            or :func:`~sim.world.rule144.schedule`).
        price: The price path (a function of the day, or an array by day).
        rate: The annual discount rate.
        investment_usd: What the Investor paid (the denominator of ``fraction``).

    Raises:
        ValueError: ``exit`` sells a different number of shares than ``sales``, or the
            investment is not positive.
    """
    sold = sum(s.shares for s in sales)
    if sum(t.shares for t in exit) != sold:
        raise ValueError(f"exit: sells {sum(t.shares for t in exit)} shares, the sales {sold}")
    if investment_usd <= 0:
        raise ValueError("investment_usd: must be positive")
    registered = sales_proceeds(sales, rate)
    rule144 = discounted_proceeds(exit, price, rate)
    value = registered - rule144
    return RealisedValue(registered, rule144, value, value / investment_usd, tuple(exit))


def value_of_registration(sales: Sequence[Sale], scenario: Scenario, price: PricePath, *,
                          investment_usd: float, acquired_day: int = 0,
                          affiliate: bool = False) -> RealisedValue:
    """:func:`realised_value` against the scenario's Rule 144 exit and discount rate."""
    exit = exit_schedule(scenario, sum(s.shares for s in sales), acquired_day=acquired_day,
                         affiliate=affiliate)
    return realised_value(sales, exit, price, rate=scenario.market.discount_rate,
                          investment_usd=investment_usd)


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def longstaff_bound(sigma: float, years: float) -> float:
    """Longstaff's (1995) upper bound on the marketability discount, as a fraction of the
    price: the value of selling at the best moment of a restriction of ``years`` years
    (a lookback), for a price with volatility ``sigma``.

    ``V / P = (2 + s/2) N(sqrt(s) / 2) + sqrt(s / (2 pi)) exp(-s / 8) - 1`` with
    ``s = sigma**2 * years``. (The argument of ``N`` is ``sqrt(s)/2``, the point whose
    normal density is the ``exp(-s/8)`` of the second term; with ``N(sqrt(s/2))`` the
    bound would be 36% and 68% at CALIBRATION.md's horizons, not its 30% and 58%.)

    It is the expected maximum over the restriction of the discounted price, less the
    price: ``E[max_t P_t] / P_0 - 1`` for a driftless price, which a simulation checks.

    Example: sigma 0.6, 120 calendar days (120/365 years): 0.305; one year: 0.576.
    """
    if sigma < 0 or years < 0:
        raise ValueError("sigma and years: must not be negative")
    s = sigma * sigma * years
    return ((2.0 + s / 2.0) * _normal_cdf(math.sqrt(s) / 2.0)
            + math.sqrt(s / (2.0 * math.pi)) * math.exp(-s / 8.0) - 1.0)


def exit_bound(sigma: float, exit: Sequence[Tranche], start_day: int = 0) -> float:
    """Longstaff's bound for a Rule 144 exit, per share: each tranche's shares could at
    best have been sold at the top of the path from ``start_day`` to their Rule 144 day,
    so the bound is the share-weighted mean of :func:`longstaff_bound` over the tranches'
    restrictions (at most the bound for the last tranche's)."""
    total = sum(t.shares for t in exit)
    if total == 0:
        return 0.0
    return sum(t.shares * longstaff_bound(sigma, max(t.day - start_day, 0) / DAYS_PER_YEAR)
               for t in exit) / total
