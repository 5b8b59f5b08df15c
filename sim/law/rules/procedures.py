"""§2 Registration procedures: keeping the statement effective, suspensions."""

from __future__ import annotations

from datetime import date

from sim.core import dates
from sim.law.rules._registry import rule
from sim.law.terms import Terms


@rule("§2(e)", "keep the Registration Statement effective for a period ending on the earlier "
               "of the sale ... of all Units and Registrable Shares ... or one year")
def effectiveness_end_day(effective_day: int, all_sold_day: int | None, terms: Terms,
                          closing: date, rule144_day: int | None = None) -> int:
    """§2(e), §2(b): "keep the Registration Statement effective for a period ending on the
    earlier of the sale by the Selling Investors of all Units and Registrable Shares
    covered by the Registration Statement or one year from the effective date".

    "One year" is a calendar year (``terms.keep_effective_years``): from an effective
    date of May 19, 2003 to May 19, 2004, 366 days because the year spans February 29
    (:func:`sim.core.dates.day_after_years`, with ``closing`` as day 0).

    PIPE RRA (``keep_effective_until = "rule144_unlimited"``): "keep effective until sold
    or Rule 144 without volume limits": instead of the year, the day the shares may be
    sold under Rule 144(k) (``rule144_day``, a fact of the world: two years from the
    closing in 2003; never before the effective day). NVCA IRA
    (``keep_effective_max_days`` > 0): "keep effective 120 days": the period ends at
    most that many days after the effective date.
    """
    if terms.keep_effective_until == "rule144_unlimited":
        if rule144_day is None:
            raise ValueError("rule144_day: needed when keep_effective_until = rule144_unlimited")
        end = max(rule144_day, effective_day)
    else:
        end = dates.day_after_years(effective_day, terms.keep_effective_years, closing)
    if terms.keep_effective_max_days:
        end = min(end, effective_day + terms.keep_effective_max_days)
    return end if all_sold_day is None else min(end, all_sold_day)


@rule("§2", "the Selling Investors shall immediately cease making offers ... following receipt "
            "of the revised prospectuses ... free to resume making offers")
def may_offer(day: int, suspensions: tuple[tuple[int, int], ...]) -> bool:
    """§2: after a prospectus amendment "the Selling Investors shall immediately cease
    making offers" until "following receipt of the revised prospectuses, the Selling
    Investors shall be free to resume": no sales on a day inside ``[start, end)`` of a
    suspension."""
    return not any(start <= day < end for start, end in suspensions)
