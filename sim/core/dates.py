"""Deal days and calendar dates.

The engine counts whole calendar days from the closing (day 0, a scenario field:
March 30, 2003 for the BestNet deal). The agreement counts some periods in *years*
("one year after the effective date", §2(b)/(e); "three-year warrants", recitals), and
a year runs by the calendar (sim/law/days.py): one year after May 19, 2003 is
May 19, 2004, and a year that spans February 29 has 366 days. This module turns day
numbers into dates and back and adds calendar months and years; it is pure and small,
and the one conversion the engine makes per deal (:func:`day_after_years`) is cached.

**February 29.** A period of whole years starting on February 29 ends on February 28
of a year that has no February 29 (the anniversary does not exist; the period must not
run into March). This is the usual reading of "one year from" a leap day, and the one
Python's ``date.replace`` cannot make by itself.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

#: English names, not ``strftime``'s ``%a``/``%b``: those follow the process locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


def date_of(day: int, closing: date) -> date:
    """The calendar date of deal day ``day`` (day 0 = ``closing``)."""
    return closing + timedelta(days=day)


def day_of(when: date, closing: date) -> int:
    """The deal day of calendar date ``when`` (negative before the closing)."""
    return (when - closing).days


def add_months(when: date, months: int) -> date:
    """``when`` plus ``months`` calendar months, the day clipped to the target month's
    last day (January 31 + 1 month = February 28 or 29; February 29 + 12 months =
    February 28 when the target year has no leap day)."""
    month0 = when.month - 1 + months
    year, month = when.year + month0 // 12, month0 % 12 + 1
    return when.replace(year=year, month=month,
                        day=min(when.day, calendar.monthrange(year, month)[1]))


def add_years(when: date, years: int) -> date:
    """``when`` plus ``years`` calendar years; February 29 -> February 28 when the
    target year has no leap day."""
    return add_months(when, 12 * years)


@lru_cache(maxsize=8192)
def day_after_years(day: int, years: int, closing: date) -> int:
    """The deal day ``years`` calendar years after deal day ``day``.

    Example: with closing March 30, 2003, day 50 is May 19, 2003; one year later is
    May 19, 2004, day 416 (366 days later: the year spans February 29, 2004).
    """
    start = closing + timedelta(days=day)
    return (add_years(start, years) - closing).days


def label(day: int, closing: date | None) -> str:
    """``Wed 23 Apr 2003`` for deal day ``day``; empty when the closing date is unknown."""
    if closing is None:
        return ""
    d = date_of(day, closing)
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def short_label(day: int, closing: date) -> str:
    """``23 Apr 2003`` (for axes and tables)."""
    d = date_of(day, closing)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def parse_iso(text: str | date | None) -> date | None:
    """A date from an ISO string (as the event log stores it), or None."""
    if text is None or isinstance(text, date):
        return text
    return date.fromisoformat(text)


__all__ = ["date_of", "day_of", "add_years", "day_after_years", "label",
           "short_label", "parse_iso"]
