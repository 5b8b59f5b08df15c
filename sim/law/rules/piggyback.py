"""§3(a) Company registrations that Investors may join (the seam for piggy-back)."""

from __future__ import annotations

from sim.law.rules._registry import rule
from sim.law.days import last_day_within
from sim.law.terms import Terms

#: Registration types of the scenario, and whether §3(a) excludes them.
EXCLUDED_TYPES = {
    "stock_plan": "relating solely to the sale of securities to participants in a Company stock plan",
    "rule_145": "relating to corporate reorganization or other transaction under Rule 145",
    "convertible_debt": "the only Common Stock being registered is Common Stock issuable upon "
                        "conversion of debt securities which are also being registered",
}


@rule("§3(a)", "other than a registration relating solely to ... a Company stock plan, ... Rule "
               "145, or ... conversion of debt securities")
def investors_may_include(offering_type: str) -> bool:
    """§3(a): Investors may include shares in a Company registration for a public
    offering, "other than a registration relating solely to the sale of securities to
    participants in a Company stock plan, a registration relating to corporate
    reorganization or other transaction under Rule 145 of the Securities Act, or a
    registration in which the only Common Stock being registered is Common Stock
    issuable upon conversion of debt securities which are also being registered"."""
    return offering_type not in EXCLUDED_TYPES


@rule("§3(a)", "provided that such written request is received within twenty (20) days after "
               "the date on which the Registration Notice is given")
def piggyback_last_day(notice_given_day: int, terms: Terms) -> int:
    """§3(a): a Piggy-back Request must be "received within twenty (20) days after the date
    on which the Registration Notice is given" (``piggyback_window_days``): the last day,
    inclusive, counted from the day this Investor's notice is *given* under §8(a)
    (:func:`sim.law.rules.notices.given_day`), the request counted on the day it arrives."""
    return last_day_within(notice_given_day, terms.piggyback_window_days)


@rule("§3(a)", "the Company shall, prior to filing the registration statement with the "
               "Commission, promptly give each Investor written notice")
def registration_notice_in_time(notice_given_day: int, filing_day: int) -> bool:
    """§3(a): the Company "shall, prior to filing the registration statement with the
    Commission, promptly give each Investor written notice of such proposed registration":
    a notice given on or after the filing day is late."""
    return notice_given_day < filing_day
