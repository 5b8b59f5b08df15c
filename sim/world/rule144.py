"""Rule 144 as of 2003: the exit the Investors have without a registration.

Rule 144 (17 CFR 230.144) is a rule of the world a deal meets, not a term the parties
negotiated: it lets a holder of restricted securities resell them without a registration
statement once it has held them long enough, and then only so many at a time. What a
registration is worth to the Investors is what it gains over this exit
(:mod:`sim.read.value`). The facts (periods, the volume measures) are the scenario's
:class:`~sim.world.scenario.Rule144Facts`, cited in the preset.

The exit modelled here is the earliest one the rule allows, at its limit:

- nothing before the holding period ends: Rule 144(d)(1), "a minimum of one year must
  elapse between the later of the date of the acquisition of the securities from the
  issuer or from an affiliate of the issuer, and any resale";
- then, in each period of three months, the volume limit: Rule 144(e)(1), sales "together
  with all sales ... within the preceding three months, shall not exceed the greater of
  (i) one percent of the shares or other units of the class outstanding ... or (ii) the
  average weekly reported volume of trading ... during the four calendar weeks
  preceding" the notice;
- everything left once a non-affiliate has held two years: Rule 144(k), "a period of at
  least two years has elapsed since the later of the date the securities were acquired
  from the issuer or from an affiliate". An affiliate stays under the volume limit.

Persons who "agree to act in concert for the purpose of selling" share one limit (Rule
144(e)(3)(vi)): give the schedule their shares together.

Days are deal days (day 0 = the closing); years and months run by the calendar.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

import numpy as np

from sim.core.dates import add_months, date_of, day_after_years, day_of
from sim.world.scenario import Scenario

#: A price path: a function of the deal day, or an array indexed by day.
PricePath = Callable[[int], float] | Sequence[float] | np.ndarray

DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class Tranche:
    """Shares sold on one day."""

    day: int
    shares: int


def average_weekly_volume(weekly_volumes: Sequence[int], weeks: int = 4) -> float:
    """Rule 144(e)(1)(ii): "the average weekly reported volume of trading ... during the
    four calendar weeks preceding" the notice: the mean of the last ``weeks`` weeks."""
    if weeks < 1:
        raise ValueError("weeks: must be at least 1")
    if len(weekly_volumes) < weeks:
        raise ValueError(f"weekly_volumes: need {weeks} weeks, got {len(weekly_volumes)}")
    return sum(weekly_volumes[-weeks:]) / weeks


def volume_limit(outstanding: int, avg_weekly_volume: float = 0.0, *,
                 fraction_outstanding: float = 0.01,
                 weekly_volume_counts: bool = True) -> int:
    """Rule 144(e)(1): shares one seller may sell in any three months, "the greater of
    (i) one percent of the shares ... outstanding ... or (ii) the average weekly reported
    volume of trading".

    Args:
        outstanding: Shares of the class outstanding (the issuer's latest report).
        avg_weekly_volume: Average weekly trading volume over the four weeks.
        fraction_outstanding: The "one percent".
        weekly_volume_counts: Whether measure (ii) is available (not for a stock quoted
            only on the OTC Bulletin Board).

    Example: 19,257,325 shares outstanding -> 192,573 shares per three months on the 1%
    measure; with 250,000 shares a week that counts, 250,000.
    """
    if outstanding < 0 or avg_weekly_volume < 0:
        raise ValueError("outstanding and avg_weekly_volume: must not be negative")
    by_outstanding = math.floor(fraction_outstanding * outstanding + 1e-9)
    by_volume = math.floor(avg_weekly_volume + 1e-9) if weekly_volume_counts else 0
    return max(by_outstanding, by_volume)


def sale_days(closing: date, *, acquired_day: int = 0, holding_years: int = 1,
              unlimited_years: int = 2, volume_months: int = 3,
              affiliate: bool = False, count: int = 64) -> tuple[list[int], int | None]:
    """The days a seller may sell a full volume limit again, and the day it may sell all.

    The first limited sale is on the anniversary ending the holding period (144(d)(1));
    each later one on the day after ``volume_months`` calendar months from the last (a
    sale on the day three months on would still count the last one as "within the
    preceding three months": the cautious reading). Limited days stop before the
    unlimited day (144(k)), which an affiliate never reaches (``None``).

    Args:
        closing: The closing date (day 0).
        acquired_day: The day the securities were acquired from the issuer.
        holding_years, unlimited_years, volume_months: Rule 144's periods.
        affiliate: The seller is an affiliate of the issuer.
        count: At most this many limited days for an affiliate.

    Example: closing March 30, 2003: first sale March 30, 2004 (day 366), then July 1,
    2004 (day 459), October 2, 2004 (day 552), January 3, 2005 (day 645); all on March
    30, 2005 (day 731).
    """
    first = day_after_years(acquired_day, holding_years, closing)
    unlimited = None if affiliate else day_after_years(acquired_day, unlimited_years,
                                                       closing)
    days: list[int] = []
    day = first
    while (unlimited is None or day < unlimited) and len(days) < count:
        days.append(day)
        day = day_of(add_months(date_of(day, closing), volume_months), closing) + 1
    return days, unlimited


def schedule(shares: int, limit: int, days: Sequence[int],
             unlimited_day: int | None) -> tuple[Tranche, ...]:
    """Earliest sales at the limit: ``limit`` shares on each of ``days`` until none are
    left, the rest on ``unlimited_day``.

    Raises:
        ValueError: shares remain and there is no unlimited day (an affiliate whose
            limit never sells them within ``days``).
    """
    if shares < 0 or limit < 0:
        raise ValueError("shares and limit: must not be negative")
    left, out = shares, []
    for day in days:
        if left == 0:
            break
        sold = min(limit, left)
        if sold:
            out.append(Tranche(day, sold))
            left -= sold
    if left:
        if unlimited_day is None:
            raise ValueError(f"{left} shares unsold: an affiliate's volume limit of {limit} "
                             f"does not sell {shares} shares in {len(days)} periods")
        out.append(Tranche(unlimited_day, left))
    return tuple(out)


def unlimited_day(scenario: Scenario, *, acquired_day: int = 0,
                  affiliate: bool = False) -> int | None:
    """Rule 144(k) in ``scenario``: the day a non-affiliate may sell all it acquired on
    ``acquired_day`` (``unlimited_years`` by the calendar); an affiliate never may."""
    if affiliate:
        return None
    return day_after_years(acquired_day, scenario.rule144.unlimited_years,
                           scenario.closing_date)


def exit_limit(scenario: Scenario) -> int:
    """Rule 144(e)(1)'s limit per ``volume_months`` for one seller in ``scenario``: its
    outstanding Common (``capital.outstanding_common``) and trading volume."""
    facts = scenario.rule144
    return volume_limit(scenario.capital.outstanding_common,
                        scenario.market.avg_weekly_volume,
                        fraction_outstanding=facts.volume_fraction_outstanding,
                        weekly_volume_counts=facts.weekly_volume_counts)


def exit_schedule(scenario: Scenario, shares: int, *, acquired_day: int = 0,
                  affiliate: bool = False) -> tuple[Tranche, ...]:
    """The Rule 144 exit of ``shares`` in ``scenario``: its facts, its outstanding
    Common (``capital.outstanding_common``) and trading volume."""
    facts = scenario.rule144
    limit = exit_limit(scenario)
    count = 64
    if affiliate:
        if limit == 0:
            raise ValueError("an affiliate with a volume limit of 0 cannot sell")
        count = -(-shares // limit) + 1
    days, unlimited = sale_days(scenario.closing_date, acquired_day=acquired_day,
                                holding_years=facts.holding_years,
                                unlimited_years=facts.unlimited_years,
                                volume_months=facts.volume_months, affiliate=affiliate,
                                count=count)
    return schedule(shares, limit, days, unlimited)


def price_function(path: PricePath) -> Callable[[int], float]:
    """A price path as a function of the day (an array is indexed by day)."""
    if callable(path):
        return path
    prices = np.asarray(path, dtype=float)

    def price(day: int) -> float:
        if not 0 <= day < len(prices):
            raise IndexError(f"day {day}: the price path covers days 0-{len(prices) - 1}")
        return float(prices[day])
    return price


def discount_factor(day: float, rate: float) -> float:
    """Money on deal day ``day`` at the closing: ``(1 + rate) ** (-day / 365)``."""
    return (1.0 + rate) ** (-day / DAYS_PER_YEAR)


def discounted_proceeds(tranches: Sequence[Tranche], price: PricePath,
                        rate: float) -> float:
    """Proceeds of ``tranches`` at the path's prices, discounted to the closing."""
    at = price_function(price)
    return sum(t.shares * at(t.day) * discount_factor(t.day, rate) for t in tranches)


__all__ = ["DAYS_PER_YEAR", "PricePath", "Tranche", "average_weekly_volume", "discount_factor",
           "discounted_proceeds", "exit_limit", "exit_schedule", "price_function", "sale_days",
           "schedule", "unlimited_day", "volume_limit"]
