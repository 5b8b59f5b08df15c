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
:func:`longstaff_bound`. docs/calibration.md gives the check: at 60% volatility about 30%
for 120 days and 58% for one year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable, Sequence

from sim.engine import events as ev
from sim.engine.events import EventLog
from sim.engine.periods import usable_days
from sim.law.rules import securities
from sim.law.terms import Terms
from sim.world.rule144 import (DAYS_PER_YEAR, PricePath, Tranche, discount_factor,
                               discounted_proceeds, exit_schedule, sale_days, schedule)
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
    bound would be 36% and 68% at docs/calibration.md's horizons, not its 30% and 58%.)

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


# --- From the event log ---------------------------------------------------------------

@dataclass(frozen=True)
class DealValue:
    """The value of the registrations of one deal to the Investors, from its log.

    Attributes:
        investment_usd: What the Investors paid: Units x the Unit price (recitals).
        registered_usd: Discounted proceeds of every share sold under a registration
            (resale statements and Company offerings), at the path's prices.
        rule144_usd: Discounted proceeds of the same shares on each Investor's Rule 144
            exit.
        value_usd: ``registered_usd - rule144_usd``: the realised value of the
            registrations.
        shares_sold: Shares sold under a registration.
        by_investor: Each selling Investor's :class:`RealisedValue` (its ``exit`` left
            empty: :func:`sim.world.rule144.exit_schedule` gives it).
    """

    investment_usd: float
    registered_usd: float
    rule144_usd: float
    value_usd: float
    shares_sold: int
    by_investor: dict[str, RealisedValue]

    @property
    def fraction(self) -> float:
        """``value_usd`` as a fraction of the investment."""
        return self.value_usd / self.investment_usd if self.investment_usd else 0.0


def month_sales(shares: int, start: int, until: int, suspensions: Sequence[tuple[int, int]],
                month_days: int) -> list[tuple[int, int]]:
    """``shares`` sold linearly in usable days (outside ``suspensions``) over
    ``[start, until)``, gathered by month of the price path: ``(first day of sales in the
    month, shares)`` pairs summing to ``shares`` (all on ``start`` if no day is usable).
    """
    total = usable_days(start, until, suspensions)
    if shares <= 0:
        return []
    if total <= 0:
        return [(start, shares)]
    out, done, used = [], 0, 0
    day = start
    while day < until:
        month_end = min(until, (day // month_days + 1) * month_days)
        used += usable_days(day, month_end, suspensions)
        cum = shares * used // total
        if cum > done:
            first = next_usable_day(day, suspensions)
            out.append((first, cum - done))
            done = cum
        day = month_end
    return out


def next_usable_day(day: int, suspensions: Sequence[tuple[int, int]]) -> int:
    """``day``, or the end of the suspension it falls in (merged periods)."""
    for a, b in suspensions:
        if a <= day < b:
            return b
    return day


_SALES_SUSPENDED, _SELLING_COSTS_PAID, _EFFECTIVENESS_ENDED = (
    ev.SALES_SUSPENDED, ev.SELLING_COSTS_PAID, ev.EFFECTIVENESS_ENDED)
_PRICE_PATH, _SHARES_ADJUSTED = ev.PRICE_PATH, ev.SHARES_ADJUSTED
_UNITS_TRANSFERRED = ev.UNITS_TRANSFERRED
_READ = frozenset({_SALES_SUSPENDED, _SELLING_COSTS_PAID, _EFFECTIVENESS_ENDED, _PRICE_PATH,
                   _SHARES_ADJUSTED, ev.DEAL_CLOSED, _UNITS_TRANSFERRED})


def deal_value(log: EventLog, terms: Terms) -> DealValue:
    """The realised value of a deal's registrations to the Investors (see the module
    docstring), read from the log alone: the sales (``EFFECTIVENESS_ENDED`` with its
    ``SALES_SUSPENDED`` periods; an Investor's ``SELLING_COSTS_PAID`` in a Company
    offering), the price path and the Rule 144 facts (``PRICE_PATH``), splits
    (``SHARES_ADJUSTED``). Shares are valued at the path's price per share then; each
    Investor's Rule 144 exit sells the same number of shares from the closing (warrant
    shares included: their holding period is taken from the closing too).

    A resale seller's shares are spread over the path's months in proportion to its
    usable days in each (as :func:`month_sales`, without rounding to whole shares), each
    month's at the price of that month, discounted from its first usable day.
    """
    closed, path = None, None
    offered: list[tuple[str, int, int]] = []              # (investor, day, shares)
    suspended: dict[object, list[tuple[int, int]]] = {}
    ended, factors = [], []
    transferees: dict[str, int] = {}      # §7: transferees who are Investors, their shares
    read = _READ
    for day, k, actor, _, d in log:
        if k not in read:                  # most of a log: skipped after one set lookup
            continue
        if k == _SALES_SUSPENDED:
            suspended.setdefault(d["cycle"], []).append((day, d["until"]))
        elif k == _SELLING_COSTS_PAID:
            if actor != "investors" and d["shares"] and not str(
                    d["registration"]).startswith("demand-"):
                offered.append((actor, day, d["shares"]))
        elif k == _EFFECTIVENESS_ENDED:
            ended.append(d)
        elif k == _PRICE_PATH:
            path = d
        elif k == _SHARES_ADJUSTED:
            factors.append((day, d["factor"]))
        elif k == _UNITS_TRANSFERRED:
            if securities.transferee_is_investor(d["counterpart"]):
                transferees[d["to"]] = d["shares"]
        else:
            closed = d
    if closed is None or path is None:
        raise ValueError("deal_value: the log has no DEAL_CLOSED or no PRICE_PATH")
    holdings = dict(closed["holdings"])
    investment_total = sum(n // terms.registrable_per_unit for n in holdings.values()) * (
        terms.unit_price_usd)
    # A transferee who signed a counterpart is an Investor (§7): its sales count as the
    # Investors', against its own Rule 144 exit (its holding period tacks to the
    # transferor's, Rule 144(d)(3)), its investment the Units it bought (not added to
    # the Investors' total, paid once at the closing).
    holdings.update(transferees)
    month_days, prices = path["month_days"], path["prices"]
    rate = path["discount_rate"]
    last_month = len(prices) - 1
    per_year = math.log1p(rate) / DAYS_PER_YEAR

    def pv(day: int) -> float:             # a share sold on ``day``, at the closing
        month = day // month_days if day > 0 else 0
        p = prices[month if month < last_month else last_month]
        if factors:
            factor = 1.0
            for since, f in factors:
                if since <= day:
                    factor = f
            p /= factor
        return p * math.exp(-per_year * day)

    shares_by: dict[str, int] = {}
    registered_by: dict[str, float] = {}
    for name, day, n in offered:
        if name in holdings:                # not an Other Holder selling in an offering
            shares_by[name] = shares_by.get(name, 0) + n
            registered_by[name] = registered_by.get(name, 0.0) + n * pv(day)
    for d in ended:
        sellers = [(name, n) for name, n in d["sold_by"] if n and name in holdings]
        if not sellers:
            continue
        periods = sorted(suspended.get(d["cycle"], ()))
        until = dict(d.get("selling_until", ()))
        start = d["effective_day"]
        # The period laid out once by month of the path: segment k runs from bounds[k]
        # to bounds[k + 1]; cumulative usable days and their discounted worth.
        last = max(until.get(name, start) for name, _ in sellers)
        bounds, used, worth, pvs = [start], [0], [0.0], []
        day = start
        while day < last:
            end = (day // month_days + 1) * month_days
            if end > last:
                end = last
            u = usable_days(day, end, periods)
            p = pv(next_usable_day(day, periods) if periods else day)
            bounds.append(end)
            used.append(used[-1] + u)
            worth.append(worth[-1] + u * p)
            pvs.append(p)
            day = end
        first_month = start // month_days
        for name, n in sellers:
            stop = until.get(name, start)
            if stop <= start:
                value = n * pv(start)
            else:
                k = min(stop // month_days - first_month, len(pvs) - 1)   # stop's segment
                if bounds[k + 1] <= stop:
                    k += 1                    # ... or stop is the segment's end
                u, w = used[k], worth[k]
                if k < len(pvs) and bounds[k] < stop:
                    extra = usable_days(bounds[k], stop, periods)
                    u += extra
                    w += extra * pvs[k]
                value = n * w / u if u else n * pv(start)
            shares_by[name] = shares_by.get(name, 0) + n
            registered_by[name] = registered_by.get(name, 0.0) + value
    closing = date.fromisoformat(closed["closing_date"])
    limit = path["rule144_limit"]
    affiliates = path["affiliates"]
    per_unit = terms.registrable_per_unit
    exit_days = {}                                   # per kind of seller: its sale days
    worth_on: dict[int, float] = {}                  # a share's worth on each exit day
    values, registered_total, rule144_total = {}, 0.0, 0.0
    for name, n in shares_by.items():
        affiliate = name in affiliates
        count = -(-n // limit) + 1 if affiliate and limit else 64
        key = (affiliate, count)
        if key not in exit_days:
            exit_days[key] = _exit_days(closing, path["holding_years"],
                                        path["unlimited_years"], path["volume_months"],
                                        affiliate, count)
        rule144 = 0.0
        for t in schedule(n, limit, *exit_days[key]):
            if t.day not in worth_on:
                worth_on[t.day] = pv(t.day)
            rule144 += t.shares * worth_on[t.day]
        investment = holdings[name] // per_unit * terms.unit_price_usd
        value = registered_by[name] - rule144
        values[name] = RealisedValue(registered_by[name], rule144, value,
                                     value / investment if investment else 0.0, ())
        registered_total += registered_by[name]
        rule144_total += rule144
    return DealValue(investment_total, registered_total, rule144_total,
                     registered_total - rule144_total, sum(shares_by.values()), values)


@lru_cache(maxsize=64)
def _exit_days(closing: date, holding_years: int, unlimited_years: int, volume_months: int,
               affiliate: bool, count: int) -> tuple[list[int], int | None]:
    days, unlimited = sale_days(closing, holding_years=holding_years,
                                unlimited_years=unlimited_years, volume_months=volume_months,
                                affiliate=affiliate, count=count if affiliate else 64)
    return days, unlimited
