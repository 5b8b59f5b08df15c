"""§1(a) Demand registration."""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple, Sequence

from sim.law.rules._registry import rule
from sim.law.days import first_day_not_less_than, last_day_no_more_than, last_day_within
from sim.law.terms import Terms


@rule("§1(a)", "One or more Investors holding a majority of the Units")
def is_initiating_majority(units_initiating: int, total_units: int, terms: Terms) -> bool:
    """§1(a): "One or more Investors holding a majority of the Units (the 'Initiating
    Investors') may elect to exercise the right to request a Demand Registration".

    A majority is *more than* ``demand_threshold`` of the Units; a threshold of 1.0 means
    all of them. Switch ``majority_base``: ``units_held`` (default) counts the Units the
    Investors hold (``total_units``); ``units_offered`` reads "the Units" as the recitals
    define them, all ``units_offered`` (4,500,000) Units offered, sold or not.
    """
    base = terms.units_offered if terms.majority_base == "units_offered" else total_units
    if base <= 0:
        return False
    if terms.demand_threshold >= 1.0:
        return units_initiating >= base
    return units_initiating > terms.demand_threshold * base


@rule("§1(a)", "Upon receipt by the Company of a Demand Notice, the Company shall promptly "
               "notify each other Investor")
def company_notice_late(demand_received_day: int, notice_given_day: int,
                        terms: Terms) -> bool:
    """§1(a): "the Company shall promptly notify each other Investor of the Demand Notice".

    "Promptly" is undefined; switch ``promptly_days``, read as "within N days after" the
    Company's receipt (arrival) of the Demand Notice: a Company Notice sent after day
    receipt + N is a breach. The Company's own act counts: the day it sends the notice.
    """
    return notice_given_day > last_day_within(demand_received_day, terms.promptly_days)


@rule("§1(a)", "provided that such written request is received within twenty (20) days "
               "after the date on which the Company Notice is given")
def joinder_last_day(notice_given_day: int, notice_received_day: int, terms: Terms) -> int:
    """§1(a): a request to be included must be "received within twenty (20) days after
    the date on which the Company Notice is given": days given+1 .. given+20, the
    request counted on the day it arrives (§8(a)).

    ``notice_given_day`` is the day this Investor's Company Notice is *given* under
    §8(a) (:func:`sim.law.rules.notices.given_day`: the day sent for registered or certified
    mail, the day received for the other methods, under ``by_method``);
    ``notice_received_day`` the day it arrived.

    The scope sentence counts requests "received ... within twenty (20) days from the
    date on which the Unconditional Company Notice is received", an undefined term.
    Switch ``unconditional_notice``: ``company_notice`` (default) reads it as the
    Company Notice with the proviso governing, so the window runs from the day the
    notice is *given*; ``company_notice_receipt`` lets the scope sentence govern, so
    the window runs from the day this Investor *received* it, if later.

    Returns:
        The last day (inclusive) on which the request may be received.
    """
    last = last_day_within(notice_given_day, terms.joinder_window_days)
    if terms.unconditional_notice == "company_notice_receipt":
        last = max(last, last_day_within(notice_received_day, terms.joinder_window_days))
    return last


@rule("§1(a)", "not less than 30 days from receipt of the Company Notice")
def notice_receipt_anchor(receipt_days: Sequence[int], terms: Terms) -> int | None:
    """§1(a): the filing floor runs "from receipt of the Company Notice"; with several
    recipients the text does not say whose receipt counts.

    Switch ``company_notice_receipt``: ``last_investor`` (default) or ``first_investor``.
    Returns None when no other Investor had to be notified.
    """
    if not receipt_days:
        return None
    return max(receipt_days) if terms.company_notice_receipt == "last_investor" else min(
        receipt_days)


class FilingWindow(NamedTuple):
    """The §1(a) filing window: file on a day in ``[floor, deadline]``."""

    floor: int
    deadline: int

    @property
    def empty(self) -> bool:
        """The floor falls after the deadline: no day satisfies both limits."""
        return self.floor > self.deadline


@rule("§1(a)", "in no event less than 30 days from receipt of the Company Notice and no more "
               "than 45 days from receipt by the Company of the Demand Notice")
def filing_window(demand_received_day: int, notice_anchor_day: int | None,
                  terms: Terms, s3: bool = False) -> FilingWindow:
    """§1(a): file "in no event less than 30 days from receipt of the Company Notice and no
    more than 45 days from receipt by the Company of the Demand Notice".

    The window is empty when the Company Notice is received more than
    ``filing_deadline_days - filing_floor_days`` (15) days after the Demand Notice.
    Without another Investor to notify there is no floor. Both limits run from a
    *receipt*, so from the day the notice arrived, whatever its method (§8(a)).

    A floor of 0 days is no floor (NVCA IRA: "files within 60 days", nothing before):
    the window opens on the Demand Notice's receipt.

    An S-3 demand (``s3``, NVCA IRA, :func:`sim.law.rules.limits.is_s3_demand`) runs
    to ``s3_filing_deadline_days`` instead ("file within 45 days").
    """
    days = terms.s3_filing_deadline_days if s3 else terms.filing_deadline_days
    deadline = last_day_no_more_than(demand_received_day, days)
    floor = (demand_received_day if notice_anchor_day is None or terms.filing_floor_days == 0
             else first_day_not_less_than(notice_anchor_day, terms.filing_floor_days))
    return FilingWindow(floor, deadline)


@rule("§1(a)", "in no event less than 30 days ... and no more than 45 days (empty window)")
def planned_filing_day(window: FilingWindow, terms: Terms) -> int:
    """§1(a): the earliest day the Company plans to file within the window.

    When the window is empty the text cannot be obeyed; switch ``empty_window``:
    ``file_at_floor`` (default) files at the 30-day floor and breaches the 45-day
    deadline; ``file_at_deadline`` files on the deadline and breaches the floor.
    """
    if window.empty and terms.empty_window == "file_at_deadline":
        return window.deadline
    return window.floor


@rule("§1(a)", "use its commercially reasonable best efforts to promptly cause to become "
               "effective no later than 120 days from filing")
def effectiveness_target_day(filing_day: int, terms: Terms) -> int:
    """§1(a): "commercially reasonable best efforts to promptly cause to become effective
    no later than 120 days from filing": the target day, the last allowed day of "no
    later than N days from" filing (a best-efforts target)."""
    return last_day_no_more_than(filing_day, terms.effectiveness_target_days)


@rule("§1(a)", "commercially reasonable best efforts (responses to Commission comments)")
def response_excess_days(response_days: int, terms: Terms) -> int:
    """§1(a): "commercially reasonable best efforts": days of a response to Commission
    comments beyond switch ``late_response_days`` are the Company's own delay."""
    return max(0, response_days - terms.late_response_days)


@rule("§1(a)", "best efforts ... no later than 120 days from filing (missed target)")
def target_miss_is_breach(filing_day: int, effective_day: int, company_delay_days: int,
                          terms: Terms) -> bool:
    """§1(a): missing the 120-day target is not itself a breach of a best-efforts
    promise; it is one only when the Company's own conduct (its late responses to
    comments, ``company_delay_days``) caused it: without them it would have been met."""
    target = effectiveness_target_day(filing_day, terms)
    return effective_day > target and effective_day - company_delay_days <= target


@rule("§1(a)", "unable to file a Registration Statement to register all of the Registrable "
               "Shares as a result of the failure to have sufficient authorized capital")
def capital_shortfall(capital_needed: int, headroom: int) -> int:
    """§1(a): the Company may be "unable to file ... all of the Registrable Shares as a
    result of the failure to have sufficient authorized capital stock" for conversion
    and warrant shares: the shares that cannot be registered now."""
    return max(0, capital_needed - max(headroom, 0))


@rule("§1(a)", "one or more Investors holding a majority of the Units may request a second "
               "Demand Registration with respect to such unregistered Registrable Shares")
def second_demand_allowed(unregistered_capital_shares: int, second_demands_made: int,
                          terms: Terms) -> bool:
    """§1(a): after a capital shortfall "a majority ... may request a second Demand
    Registration with respect to such unregistered Registrable Shares" (once)."""
    return terms.second_demand and unregistered_capital_shares > 0 and second_demands_made == 0


@rule("NVCA IRA", "a request ... that the Company file a Form S-1 registration statement with "
                  "respect to at least [40%] of the Registrable Securities then outstanding")
def meets_minimum_size(requested_shares: int, registrable_shares: int, terms: Terms) -> bool:
    """NVCA IRA: a long-form demand is "a request ... that the Company file a Form S-1
    registration statement with respect to at least [40%] of the Registrable Securities
    then outstanding" (``demand_min_percent``; 0 = no minimum, the 2003 agreement).

    ``requested_shares``: the Registrable Shares the Initiating Investors ask to register
    in the Demand Notice; ``registrable_shares``: all Registrable Shares held on its
    receipt. "At least" includes the percentage itself (exact arithmetic: 40% of 1,000
    is 400, not a float just above it).
    """
    pct = terms.demand_min_percent
    if pct <= 0:
        return True
    return requested_shares * 100 >= Fraction(repr(pct)) * registrable_shares
