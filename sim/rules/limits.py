"""§1(c) Registration limitation: one demand, satisfaction, and the 180-day cooldown."""

from __future__ import annotations

from typing import Collection, Iterable

from sim.rules._registry import rule
from sim.terms import Terms


@rule("§1(c)", "obligated to register Investor stock pursuant to SECTION 1(a) on one "
               "occasion only")
def demand_available(demands_used: int, is_second_demand: bool, terms: Terms) -> bool:
    """§1(c): "Except as otherwise provided in SECTION 1(a), the Company shall be obligated
    to register Investor stock pursuant to SECTION 1(a) on one occasion only".

    The exception is §1(a)'s second demand for shares left out for lack of authorized
    capital, which does not count against the one occasion.
    """
    return is_second_demand or demands_used < terms.demand_registrations


@rule("§1(c)", "withdrawn at the request of the Investors requesting such registration "
               "(other than solely as a result of material information concerning the business "
               "or financial condition of the Company which is made known to such Investors "
               "after the date on which registration was requested)")
def withdrawal_uses_demand(causes: Collection[str], made_known_day: int | None,
                           request_day: int, at_investors_request: bool = True) -> bool:
    """§1(c): the obligation is "deemed satisfied only when a registration statement ...
    shall have (i) become effective, or (ii) been withdrawn at the request of the
    Investors requesting such registration (other than solely as a result of material
    information concerning the business or financial condition of the Company which is
    made known to such Investors after the date on which registration was requested)".

    A withdrawal at the Investors' request uses up the demand unless its *only* cause is
    such information made known on a day *after* the request day. Information made known
    on the request day or before it (the Investors asked knowing it), a price fall, a
    change of mind, or later information together with another cause, all use it up. A
    withdrawal not at the Investors' request (the Company's own) does not satisfy it.

    Args:
        causes: The withdrawal's causes: ``"information"`` (material information about
            the Company), ``"price"``, ``"other"``.
        made_known_day: The day the information was made known to the Investors (None
            when ``"information"`` is not a cause).
        request_day: "the date on which registration was requested": the day the Initiating
            Investors sent the Demand Notice (their request, whatever day it reached the
            Company).
        at_investors_request: Withdrawn at the request of the requesting Investors.
    """
    if not at_investors_request:
        return False
    solely_information = set(causes) == {"information"}
    return not (solely_information and made_known_day is not None
                and made_known_day > request_day)


@rule("§1(c)", "any other Registration Statement of the Company (scope of the cooldown)")
def counts_for_cooldown(permits_resale_of_registrable: bool, terms: Terms) -> bool:
    """§1(c): "within 180 days after the effective date of any other Registration
    Statement of the Company".

    Switch ``cooldown_scope``: ``any_statement`` (default) counts every statement of the
    Company; ``defined_term`` counts only a "Registration Statement" as §7 defines it,
    one that "permits the secondary resale thereunder of the Units and the Registrable
    Shares".
    """
    return terms.cooldown_scope == "any_statement" or permits_resale_of_registrable


@rule("§1(c)", "shall not be required to effect any registration within 180 days after the "
               "effective date of any other Registration Statement")
def cooldown_end(day: int, effective_days: Iterable[int], terms: Terms) -> int | None:
    """§1(c): "the Company shall not be required to effect any registration within 180
    days after the effective date of any other Registration Statement".

    Args:
        day: The day the Company would otherwise file.
        effective_days: Effective dates of the other statements in scope.

    Returns:
        The first day after the cooldown that covers ``day`` (filing on it is allowed),
        or None if ``day`` is outside every cooldown.
    """
    ends = [e + terms.cooldown_days for e in effective_days if e <= day < e + terms.cooldown_days]
    return max(ends) if ends else None


@rule("§1(c)", "deemed satisfied only when a registration statement covering all shares of "
               "Investor stock specified in notices received ... for sale in accordance with "
               "the method of disposition specified by the requesting holders, shall have (i) "
               "become effective")
def effective_statement_satisfies_demand(shares_specified: int, shares_covered: int,
                                         method_specified_underwritten: bool,
                                         method_used_underwritten: bool) -> bool:
    """§1(c): the one demand registration is "deemed satisfied only when a registration
    statement covering all shares of Investor stock specified in notices received as
    aforesaid, for sale in accordance with the method of disposition specified by the
    requesting holders, shall have (i) become effective".

    A statement that covers fewer shares than the Demand Notice and the timely requests
    to be included specified (an underwriter's cutback, a shortfall of authorized
    capital), or that sells them by a method the requesting holders did not choose
    (underwritten or not), does not use the demand up.

    Args:
        shares_specified: Investor shares specified in the Demand Notice and the requests
            received within the joinder window.
        shares_covered: Investor shares the effective statement registers.
        method_specified_underwritten: The requesting holders asked for an underwritten sale.
        method_used_underwritten: The statement is for an underwritten sale.
    """
    return (shares_covered >= shares_specified
            and method_specified_underwritten == method_used_underwritten)
