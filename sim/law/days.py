"""Counting days: one reading of the agreement's periods for every clause.

The one reading of "days" every rule uses. Days are whole calendar days; a period "after D" or "from D"
starts counting on the day after D (D itself is day 0 of the count). Three forms occur:

* "within N days after D" (the §1(a) joinder window, the §3(a) piggy-back window, the
  §1(c) cooldown, "promptly" read as a number of days): the period covers days
  D+1 .. D+N inclusive. Its last day is D+N; the first day outside it is D+N+1.
  A request that must be *received within* the period is in time on any day up to
  D+N (one received on D itself is not late: nothing arrives before it is sent).
  A right that holds *within* the period ("shall not be required to effect any
  registration within 180 days after") holds on D+1 .. D+N, and the party must act
  from D+N+1.
* "no more than N days from D" ("not in excess of", "no later than"): the last
  allowed day is D+N (the §1(a) filing deadline, the §1(a) effectiveness target, the
  §1(d) delay cap).
* "not less than N days from D": the first allowed day is D+N (the §1(a) filing floor).

These helpers are arithmetic, not clauses: the rule functions that cite the clauses
call them, so every clause counts alike.
"""

from __future__ import annotations

from datetime import date

from sim.core.dates import day_after_years


def last_day_within(start: int, days: int) -> int:
    """Last day of "within ``days`` days after ``start``": ``start + days``."""
    return start + days


def first_day_after(start: int, days: int) -> int:
    """First day outside "within ``days`` days after ``start``": ``start + days + 1``."""
    return start + days + 1


def is_within(day: int, start: int, days: int) -> bool:
    """Whether ``day`` lies "within ``days`` days after ``start``": start < day <= start + days."""
    return start < day <= start + days


def last_day_no_more_than(start: int, days: int) -> int:
    """Last allowed day of "no more than ``days`` days from ``start``": ``start + days``."""
    return start + days


def first_day_not_less_than(start: int, days: int) -> int:
    """First allowed day of "not less than ``days`` days from ``start``": ``start + days``."""
    return start + days


def in_twelve_months_after(prior_day: int, day: int, closing: date) -> bool:
    """Day ``day`` falls in the 12 calendar months that begin on deal day ``prior_day``
    (``prior_day`` <= ``day`` < the same date a year later, sim/core/dates.py): "in any
    12 months" counts the events of the 12 months before ``day``, ``day`` included."""
    return prior_day <= day < day_after_years(prior_day, 1, closing)
