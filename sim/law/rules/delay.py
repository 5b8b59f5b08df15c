"""§1(d) Company's right to delay registration."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from sim.law.rules._registry import rule
from sim.law.days import (first_day_after, in_twelve_months_after, is_within,
                          last_day_no_more_than)
from sim.law.terms import Terms


@rule("§1(d)", "engaged or has fixed plans to engage within 30 days of the time of the "
               "Demand Notice in a registered public offering as to which the Investors may "
               "include Units")
def offering_supports_delay(demand_day: int, plan_fixed_day: int, filing_day: int,
                            resolved_day: int | None, investors_may_include: bool,
                            terms: Terms) -> bool:
    """§1(d): the right exists "if at the time of any request ... the Company is engaged or
    has fixed plans to engage within 30 days of the time of the Demand Notice in a
    registered public offering as to which the Investors may include Units".

    Engaged: filed on or before the demand and not yet effective or withdrawn. Fixed
    plans: plans fixed on or before the demand, filing within ``delay_plan_window_days``
    of it. Only an offering Investors may piggy-back on (§3(a)) counts.
    """
    if not investors_may_include or plan_fixed_day > demand_day:
        return False
    engaged = filing_day <= demand_day and (resolved_day is None or resolved_day > demand_day)
    planned = is_within(filing_day, demand_day, terms.delay_plan_window_days)
    return engaged or planned


@rule("§1(d)", "or 120 days from the date of commencement of such other material activity")
def activity_supports_delay(demand_day: int, commenced_day: int | None, terms: Terms) -> bool:
    """§1(d): "or 120 days from the date of commencement of such other material activity,
    as the case may be" -- "such other material activity" has no antecedent.

    Switch ``delay_other_activity``: ``ignore`` (default) gives the words no effect;
    ``allow`` lets material activity under way at the demand support a delay, while
    "120 days from the date of commencement" has not yet run out (a day of it is left
    after the demand: the demand comes before the cap's last day).
    """
    return (terms.delay_other_activity == "allow" and commenced_day is not None
            and commenced_day <= demand_day < delay_cap_day(commenced_day, terms))


@rule("§1(d)", "such right to delay a request to be exercised by the Company not more than once")
def delay_right_left(delays_used: int, terms: Terms) -> bool:
    """§1(d): "such right to delay a request to be exercised by the Company not more than
    once" (``delay_uses``)."""
    return delays_used < terms.delay_uses


@rule("§1(d)", "for a period not in excess of 120 days from the effective date of such offering")
def delay_cap_day(basis_day: int, terms: Terms) -> int:
    """§1(d): delayed "for a period not in excess of 120 days from the effective date of
    such offering or 120 days from the date of commencement of such other material
    activity": the last day the request may stay delayed, from ``basis_day`` (the
    offering's effective date, or the activity's commencement). "Not in excess of N days
    from D" allows day D+N (sim/law/days.py); the Company must act from the
    next day (:func:`delay_end_latest`).

    When the offering is withdrawn before it is effective there is no effective date;
    the delay then ends on the withdrawal (the engine's reading).
    """
    return last_day_no_more_than(basis_day, terms.delay_max_days)


@rule("§1(d)", "for a period not in excess of 120 days from the effective date of such offering "
               "(the day the request resumes at the latest)")
def delay_end_latest(basis_day: int, terms: Terms) -> int:
    """§1(d): the latest day a delayed request resumes (the Company acts on it again):
    the day after the delay's last day :func:`delay_cap_day`, as a cooldown "within 180
    days after" E frees day E+181."""
    return first_day_after(basis_day, terms.delay_max_days)


@rule("§1(d)", "direct that such request be delayed (deadline after a delay or cooldown)")
def excused_deadline(deadline: int, suspension_end: int | None) -> int:
    """§1(d), §1(c): while a request is delayed (§1(d)) or the Company "shall not be
    required to effect any registration" (§1(c)), the filing deadline does not run; the
    Company must then file by the later of the deadline and the end of the suspension
    (the engine's reading: the text does not restate the deadline)."""
    return deadline if suspension_end is None else max(deadline, suspension_end)


@rule("NVCA IRA", "company deferral 30-120 days, once in 12 months")
def deferral_right_left(day: int, prior_days: Iterable[int], closing: date,
                        terms: Terms) -> bool:
    """NVCA IRA: the Company may defer "not more than once in any twelve (12) month
    period" (``delay_uses`` per ``delay_uses_per``).

    ``twelve_months``: fewer than ``delay_uses`` deferrals (or §1(d) delays) invoked in
    the 12 calendar months before ``day`` (sim/core/dates.py: a deferral on day p counts
    until the same date a year later); ``agreement``: fewer in all (§1(d) "not more
    than once"). ``prior_days``: the days earlier deferrals were invoked.
    """
    prior = tuple(prior_days)
    if terms.delay_uses_per == "agreement":
        return len(prior) < terms.delay_uses
    return sum(1 for p in prior if in_twelve_months_after(p, day, closing)) < terms.delay_uses


@rule("NVCA IRA", "defer taking action with respect to such filing for a period of not more "
                  "than [120] days after receipt of the request")
def board_deferral_end_latest(receipt_day: int, terms: Terms) -> int:
    """NVCA IRA: on the Board's good faith judgment that a filing now "would be materially
    detrimental to the Company", the Company may "defer taking action with respect to
    such filing for a period of not more than [120] days after receipt of the request"
    (``delay_basis = board_judgment``, ``delay_max_days``): no offering needs to stand
    behind it. The deferral may run through day receipt + 120 (the cap day, "not more
    than N days after"); the Company acts again from the next day at the latest."""
    return first_day_after(receipt_day, terms.delay_max_days)


@rule("NVCA IRA", "blackout from 60 days before ... a company registration: during the period "
                  "that is sixty (60) days before the Company's good faith estimate of the "
                  "date of filing of ... a Company-initiated registration")
def in_blackout(receipt_day: int, plan_day: int, estimated_file_day: int,
                resolved_day: int | None, terms: Terms) -> bool:
    """NVCA IRA: the Company is not obligated to effect a demand "during the period that
    is sixty (60) days before the Company's good faith estimate of the date of filing
    of, and ending on a date that is one hundred eighty (180) days after the effective
    date of, a Company-initiated registration".

    The blackout's first part: a demand received on a day from ``estimated_file_day -
    blackout_before_days`` on, while the Company's own offering (planned on or before
    the receipt: a good faith estimate needs a plan) is not yet effective or withdrawn
    (``resolved_day`` None or after the receipt). Its second part, 180 days after the
    offering's effective date, is the §1(c) cooldown with ``cooldown_scope =
    company_registrations`` (:func:`sim.law.rules.limits.cooldown_end`). A withdrawn
    offering ends the blackout on its withdrawal. 0 days = no blackout.
    """
    before = terms.blackout_before_days
    if before <= 0 or plan_day > receipt_day:
        return False
    if resolved_day is not None and resolved_day <= receipt_day:
        return False
    return receipt_day >= estimated_file_day - before


@rule("NVCA IRA", "ending on a date that is one hundred eighty (180) days after the effective "
                  "date of, a Company-initiated registration")
def blackout_end(resolved_day: int, effective: bool, terms: Terms) -> int:
    """NVCA IRA: the blackout ends "on a date that is one hundred eighty (180) days after
    the effective date of" the Company's registration: the Company must act again from
    the day after, effective date + ``cooldown_days`` + 1 (as :func:`limits.cooldown_end`
    counts "within 180 days after"). A registration withdrawn before it is effective has
    no effective date: the blackout ends on the withdrawal (the engine's reading)."""
    return first_day_after(resolved_day, terms.cooldown_days) if effective else resolved_day
