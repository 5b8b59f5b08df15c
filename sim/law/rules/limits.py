"""§1(c) Registration limitation: one demand, satisfaction, and the 180-day cooldown."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Collection, Iterable

from sim.law.rules._registry import rule
from sim.law.days import first_day_after, in_twelve_months_after, is_within
from sim.law.terms import Terms


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


@rule("§1(c)", "any other Registration Statement of the Company (§7: which permits the "
               "secondary resale thereunder of the Units and the Registrable Shares)")
def registers_registrable(investor_shares: int) -> bool:
    """§1(c) with §7: a statement "permits the secondary resale thereunder of the Units and
    the Registrable Shares" when it registers Investors' Registrable Shares for resale:
    ``investor_shares`` > 0. Other Holders' shares (§1(b), §3(c)) are not Registrable
    Shares and do not count. The engine (on an offering's effectiveness) and the audit
    (from the logged ``investor_shares``) both decide it here."""
    return investor_shares > 0


@rule("§1(c)", "any other Registration Statement of the Company (scope of the cooldown)")
def counts_for_cooldown(permits_resale_of_registrable: bool, form_permits_resale: bool,
                        terms: Terms, company_initiated: bool = False) -> bool:
    """§1(c): "within 180 days after the effective date of any other Registration
    Statement of the Company"; §7: "'Registration Statement' shall mean any registration
    statement of the Company ... on any form (to be selected by the Company) for which the
    Company then qualifies and which permits the secondary resale thereunder of the Units
    and the Registrable Shares".

    Switch ``cooldown_scope``:

    * ``any_statement`` (default): every statement of the Company counts.
    * ``defined_term``: only a statement that registers the Registrable Shares for
      resale (:func:`registers_registrable`; for a statement before the deal, the
      scenario's ``permits_resale``).
    * ``resale_form``: the definition read as a form test: any statement on a form that
      permits secondary resale (the scenario's fact for the offering's type, or for a
      prior statement), whosever shares it registers.
    * ``company_registrations`` (NVCA IRA): only a Company-initiated registration, the
      Company's own offering ("ending on a date that is 180 days after the effective
      date of a Company-initiated registration"); neither a demand statement nor a
      statement that registered others' shares before the deal counts.

    Args:
        permits_resale_of_registrable: It registers Investors' Registrable Shares.
        form_permits_resale: Its form permits secondary resale.
        terms: The terms (the switch).
        company_initiated: It is the Company's own offering (an ``offering-<k>``).
    """
    scope = terms.cooldown_scope
    if scope == "any_statement":
        return True
    if scope == "company_registrations":
        return company_initiated
    return permits_resale_of_registrable if scope == "defined_term" else form_permits_resale


@rule("§1(c)", "shall not be required to effect any registration within 180 days after the "
               "effective date of any other Registration Statement")
def cooldown_end(day: int, effective_days: Iterable[int], terms: Terms) -> int | None:
    """§1(c): "the Company shall not be required to effect any registration within 180
    days after the effective date of any other Registration Statement".

    "Within 180 days after E" covers days E+1 .. E+180 (sim/law/days.py): the
    Company may decline through day E+180 and must act from day E+181. A statement
    effective on ``day`` itself does not cover it.

    Switch ``cooldown_effect`` (read by the engine and the audit, not here): ``file``
    (default) -- the Company need not *file* inside a cooldown, and the filing deadline
    waits for its end; ``effective`` -- it may be made to file (the deadline runs as
    usual) but need not *become effective* inside a cooldown.

    Args:
        day: The day the Company would otherwise act (file, or become effective).
        effective_days: Effective dates of the other statements in scope.

    Returns:
        The first day after every cooldown covering ``day`` (the Company must act from
        it), or None if ``day`` is outside every cooldown.
    """
    n = terms.cooldown_days
    ends = [first_day_after(e, n) for e in effective_days if is_within(day, e, n)]
    return max(ends) if ends else None


def cooldown_release_day(day: int, effective_days: Iterable[int], terms: Terms) -> int:
    """§1(c): the first day from ``day`` outside every cooldown (cooldowns that begin
    while one is running hold on): :func:`cooldown_end` applied until none covers it."""
    days = tuple(effective_days)
    while (end := cooldown_end(day, days, terms)) is not None:
        day = end
    return day


@rule("§1(c)", "deemed satisfied only when a registration statement covering all shares of "
               "Investor stock specified in notices received ... for sale in accordance with "
               "the method of disposition specified by the requesting holders, shall have (i) "
               "become effective")
def effective_statement_satisfies_demand(shares_specified: int, shares_covered: int,
                                         method_specified_underwritten: bool,
                                         method_used_underwritten: bool,
                                         terms: Terms | None = None) -> bool:
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
        terms: The terms (None: the agreement as written).

    The NVCA model lowers the bar (``demand_used_min_included_percent``; 100 = "all
    shares", as written): "a demand is not used up if under 50% of requested shares are
    included"; a statement including at least that percent of the shares specified uses
    it up.
    """
    pct = 100.0 if terms is None else terms.demand_used_min_included_percent
    enough = (shares_covered >= shares_specified if pct >= 100.0
              else shares_covered * 100 >= Fraction(repr(pct)) * shares_specified)
    return enough and method_specified_underwritten == method_used_underwritten


def twelve_month_count(prior_days: Iterable[int], day: int, closing: date) -> int:
    """How many of ``prior_days`` fall in the 12 calendar months before ``day`` (a
    prior day counts while ``day`` is less than a year after it)."""
    return sum(1 for p in prior_days if in_twelve_months_after(p, day, closing))


@rule("NVCA IRA", "up to 2 short-form (S-3) demands per 12 months (file within 45 days)")
def is_s3_demand(s3_eligible: bool, prior_s3_receipt_days: Iterable[int], receipt_day: int,
                 closing: date, terms: Terms) -> bool:
    """NVCA IRA: "If at any time ... the Company is eligible to use a Form S-3 ... and
    the Company receives a request ... that the Company file a Form S-3": up to
    ``s3_demands_per_12_months`` short-form demands in any 12 months, each to be filed
    within ``s3_filing_deadline_days``.

    A demand received while the Company is eligible for Form S-3 (the scenario's
    ``company.s3_eligible``) and fewer than the allowance of S-3 demands were received
    (and accepted) in the 12 calendar months before its receipt is an S-3 demand: it
    counts against the S-3 allowance, not against ``demand_registrations`` (long-form).
    Otherwise it is a long-form demand. 0 = no S-3 demands (the 2003 agreement).
    """
    n = terms.s3_demands_per_12_months
    if not s3_eligible or n <= 0:
        return False
    return twelve_month_count(prior_s3_receipt_days, receipt_day, closing) < n
