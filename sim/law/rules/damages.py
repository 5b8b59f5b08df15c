"""PIPE RRA Liquidated damages: filing, effectiveness and maintenance failures.

The 2003 agreement has no liquidated damages (``damages_rate_percent_per_30_days`` = 0,
every function below then pays nothing). A typical PIPE registration rights agreement
(``SOURCES["PIPE RRA"]`` in :mod:`sim.law.terms`; preset ``pipe-typical``) pays the
Investors a percentage of their purchase price for each 30 days, pro-rated by the day,
that a statement is filed late, becomes effective late, or cannot be used for sales
beyond the allowed grace days; the total is capped, and unpaid damages bear interest.

Days are the model's whole calendar days (sim/law/days.py). A failure "runs"
on the days after its deadline up to and including the day it is cured: filed on
``deadline + 45`` is 45 days late. A suspension ``(start, end)`` bars sales on days
``start .. end - 1`` (as :func:`sim.law.rules.procedures.may_offer`). Days on which two
failures run at once are paid once (one rate per day, not one per failure).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from sim.core import dates
from sim.law.rules._registry import rule
from sim.law.terms import DAMAGES_GRACE_WINDOW_YEARS, DAMAGES_PERIOD_DAYS, Terms

#: Day count of simple interest "per year": actual days over 365 (a convention of the
#: model, not a term of any agreement).
INTEREST_DAY_COUNT = 365


@rule("PIPE RRA", "liquidated damages about 1% of the investment per 30 days late (some "
                  "1.5-2%), capped near 10% ... 1% of the purchase price per 30 days late "
                  "(pro-rated)")
def damages_cap(purchase_price: float, terms: Terms) -> float:
    """PIPE RRA: liquidated damages "capped near 10%" -- "caps near 10% of the investment".

    ``terms.damages_cap_percent`` of ``purchase_price``; ``inf`` when the cap is 0 (no cap).

    Args:
        purchase_price: The Investors' purchase price (their investment), in USD.
        terms: The terms (``damages_cap_percent``).
    """
    if terms.damages_cap_percent == 0:
        return float("inf")
    return purchase_price * terms.damages_cap_percent / 100.0


@rule("PIPE RRA", "1% of the purchase price per 30 days late (pro-rated) ... caps near 10% "
                  "of the investment")
def damages_for_late_days(days_late: int, purchase_price: float, terms: Terms) -> float:
    """PIPE RRA: "liquidated damages about 1% of the investment per 30 days late (some
    1.5-2%), capped near 10%"; "1% of the purchase price per 30 days late (pro-rated)".

    ``terms.damages_rate_percent_per_30_days`` of ``purchase_price`` for each 30 days,
    pro-rated by the day, never above :func:`damages_cap`. Zero for ``days_late <= 0``
    and when the rate is 0 (the 2003 agreement). Effectiveness 45 days late at 1% on
    $1,000,000: $15,000.

    Args:
        days_late: Days the failure ran (days after the deadline up to the cure).
        purchase_price: The Investors' purchase price, in USD.
        terms: The terms (rate and cap).
    """
    if days_late <= 0 or terms.damages_rate_percent_per_30_days == 0:
        return 0.0
    amount = (purchase_price * terms.damages_rate_percent_per_30_days / 100.0
              * days_late / DAMAGES_PERIOD_DAYS)
    return min(amount, damages_cap(purchase_price, terms))


def _late_days(deadline_day: int, done_day: int | None, as_of: int) -> range:
    """Days a deadline failure runs: after ``deadline_day`` up to the cure (``done_day``)
    or, not yet cured, up to ``as_of``."""
    last = as_of if done_day is None else done_day
    return range(deadline_day + 1, max(last, deadline_day) + 1)


@rule("PIPE RRA", "liquidated damages ... per 30 days late: a statement not filed by its "
                  "filing deadline")
def filing_failure_days(deadline_day: int, filed_day: int | None, as_of: int,
                        terms: Terms) -> range:
    """PIPE RRA: a filing failure -- the statement is not filed by its filing deadline
    ("file within 30 days of closing (45 in some)"; damages "per 30 days late").

    Args:
        deadline_day: The last day to file.
        filed_day: The day it was filed (None: not yet).
        as_of: The last day counted while it is not filed.
        terms: The terms (``damages_on_filing_failure``).

    Returns:
        The days the failure runs (empty when filed in time or the trigger is off).
    """
    if not terms.damages_on_filing_failure:
        return range(0)
    return _late_days(deadline_day, filed_day, as_of)


@rule("PIPE RRA", "liquidated damages ... per 30 days late: a statement not effective by "
                  "its effectiveness deadline")
def effectiveness_failure_days(deadline_day: int, effective_day: int | None, as_of: int,
                               terms: Terms) -> range:
    """PIPE RRA: an effectiveness failure -- the statement is not effective by its
    effectiveness deadline ("effective within 60-90 days of closing without review,
    90-120 with review"; damages "per 30 days late").

    Args:
        deadline_day: The last day for the statement to become effective.
        effective_day: The day it became effective (None: not yet).
        as_of: The last day counted while it is not effective.
        terms: The terms (``damages_on_effectiveness_failure``).

    Returns:
        The days the failure runs (empty when effective in time or the trigger is off).
    """
    if not terms.damages_on_effectiveness_failure:
        return range(0)
    return _late_days(deadline_day, effective_day, as_of)


@rule("PIPE RRA", "Maintenance failures usually allow grace periods of 10 consecutive or 20 "
                  "total trading days in any 12 months before damages run")
def maintenance_failure_days(suspensions: Iterable[tuple[int, int]], terms: Terms,
                             closing: date) -> tuple[int, ...]:
    """PIPE RRA: "Maintenance failures usually allow grace periods of 10 consecutive or
    20 total trading days in any 12 months before damages run".

    A day on which sales are suspended is a day of damages when the suspension has run
    more than ``terms.damages_grace_consecutive_days`` days in a row through it, or when
    more than ``terms.damages_grace_days_per_12_months`` suspended days fall in the 12
    months ending with it (the days ``e <= day`` whose calendar-year anniversary, with
    ``closing`` as day 0, comes after ``day``). Either grace exceeded starts the damages.
    Overlapping suspensions count each day once. Grace days are counted in calendar days,
    as every period of the model (the sources say trading days).

    Examples: one suspension of 15 days with 10 consecutive (and 20 per 12 months)
    allowed: 5 days. Suspensions of 9, 8 and 8 days within 12 months with 20 allowed:
    the last 5 days.

    Args:
        suspensions: ``(start, end)`` pairs: sales barred on days ``start .. end - 1``.
        terms: The terms (trigger and grace days).
        closing: The calendar date of day 0 (12 months are a calendar year).

    Returns:
        The days of damages, ascending.
    """
    if not terms.damages_on_maintenance_failure:
        return ()
    days = sorted({d for start, end in suspensions for d in range(start, end)})
    out: list[int] = []
    run = 0
    window: list[int] = []   # suspended days in the 12 months ending with the current day
    head = 0                 # first index of ``window`` still inside it
    for i, day in enumerate(days):
        run = run + 1 if i and days[i - 1] == day - 1 else 1
        window.append(day)
        while dates.day_after_years(window[head], DAMAGES_GRACE_WINDOW_YEARS, closing) <= day:
            head += 1
        in_window = len(window) - head
        if (run > terms.damages_grace_consecutive_days
                or in_window > terms.damages_grace_days_per_12_months):
            out.append(day)
    return tuple(out)


@rule("PIPE RRA", "often with 1% per month interest on unpaid damages")
def interest_on_unpaid(amount: float, days: int, terms: Terms) -> float:
    """PIPE RRA: liquidated damages "often with 1% per month interest on unpaid damages".

    Simple interest at ``terms.damages_interest_percent_per_year`` on ``amount`` for
    ``days`` days unpaid (actual/365: :data:`INTEREST_DAY_COUNT`); zero for ``days <= 0``.
    The interest is not liquidated damages: the cap does not limit it.

    Args:
        amount: Damages due and unpaid, in USD.
        days: Days they stayed unpaid after they were due.
        terms: The terms (``damages_interest_percent_per_year``).
    """
    if days <= 0 or amount <= 0:
        return 0.0
    return amount * terms.damages_interest_percent_per_year / 100.0 * days / INTEREST_DAY_COUNT


@rule("PIPE RRA", "liquidated damages about 1% of the investment per 30 days late ... capped "
                  "near 10%")
def damages_total(failure_days: Iterable[Iterable[int]], purchase_price: float,
                  terms: Terms) -> float:
    """PIPE RRA: "liquidated damages about 1% of the investment per 30 days late (some
    1.5-2%), capped near 10%": the damages of every failure of a deal together.

    The days of all failures (:func:`filing_failure_days`,
    :func:`effectiveness_failure_days`, :func:`maintenance_failure_days`) are joined, a
    day on which two failures run counted once, and paid at the rate of
    :func:`damages_for_late_days`, never above :func:`damages_cap` in total.

    Args:
        failure_days: The days of each failure.
        purchase_price: The Investors' purchase price, in USD.
        terms: The terms (rate and cap).
    """
    days = set().union(*(set(d) for d in failure_days))
    return damages_for_late_days(len(days), purchase_price, terms)
