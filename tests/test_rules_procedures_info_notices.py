"""§2 procedures, §3(a) piggy-back, §6 information, §7 securities, §8(a) notices: fact patterns."""

from __future__ import annotations

from datetime import date

import pytest

from sim.law.rules.information import filing_delay_fault, information_late
from sim.law.rules.notices import given_day, received_day
from sim.law.rules.piggyback import investors_may_include
from sim.law.rules.procedures import effectiveness_end_day, may_offer
from sim.law.rules.securities import capital_dependent_shares, registrable_shares
from sim.law.terms import Terms

T = Terms()
CLOSING = date(2003, 3, 30)     # day 0 of the default scenario


# --- §2(b), §2(e) keep the statement effective ---------------------------------------------

def test_2e_effectiveness_ends_one_year_after_effective_day_if_not_all_sold():
    """§2(e): effective day 160 (Sep 6, 2003), shares never all sold -> keep effective
    until Sep 6, 2004, day 526 (the year spans Feb 29, 2004)."""
    assert effectiveness_end_day(160, None, T, CLOSING) == 526


def test_2e_effectiveness_ends_when_all_shares_are_sold_first():
    """§2(e): effective day 160, all Units and Registrable Shares sold day 300 -> day 300."""
    assert effectiveness_end_day(160, 300, T, CLOSING) == 300


def test_2e_effectiveness_ends_at_one_year_if_sales_finish_later():
    """§2(e): effective day 160, last sale day 600 (after the year) -> day 526."""
    assert effectiveness_end_day(160, 600, T, CLOSING) == 526


def test_2e_effectiveness_negotiated_two_years():
    """§2(e) variant keep_effective_years=2: Sep 6, 2003 -> Sep 6, 2005, day 891."""
    assert effectiveness_end_day(160, None, Terms(keep_effective_years=2), CLOSING) == 891


# --- §2 prospectus amendments: cease offers until revised prospectuses received -------------

def test_2_may_offer_outside_any_suspension():
    """§2: no prospectus amendment -> Selling Investors may offer any day."""
    assert may_offer(200, ()) is True


def test_2_may_not_offer_during_suspension():
    """§2: amendment notice day 200, revised prospectuses received day 215 -> no offers on
    days 200 to 214."""
    suspensions = ((200, 215),)
    assert may_offer(200, suspensions) is False
    assert may_offer(214, suspensions) is False


def test_2_may_offer_again_on_receipt_of_revised_prospectus():
    """§2: "following receipt of the revised prospectuses ... free to resume": offers
    allowed on day 215 (receipt) and the day before the suspension (199)."""
    suspensions = ((200, 215),)
    assert may_offer(215, suspensions) is True
    assert may_offer(199, suspensions) is True


def test_2_may_offer_between_two_suspensions():
    """§2: suspensions days 200-215 and 300-310 -> day 250 open, day 305 closed."""
    suspensions = ((200, 215), (300, 310))
    assert may_offer(250, suspensions) is True
    assert may_offer(305, suspensions) is False


# --- §3(a) which Company registrations Investors may join ----------------------------------

@pytest.mark.parametrize(("offering_type", "may_include"), [
    ("public", True),             # a registration for a public offering
    ("stock_plan", False),        # "relating solely to ... a Company stock plan"
    ("rule_145", False),          # "corporate reorganization ... under Rule 145"
    ("convertible_debt", False),  # "only Common Stock ... issuable upon conversion of debt"
])
def test_3a_investors_may_include(offering_type, may_include):
    """§3(a): Investors may piggy-back on a public offering but not the excluded kinds."""
    assert investors_may_include(offering_type) is may_include


# --- §6 information by Investor ------------------------------------------------------------

def test_6_information_answered_within_due_days_is_not_late():
    """§6: requested in writing day 30, 10 days allowed, answer received day 40 -> on time."""
    assert information_late(30, 40, 10) is False


def test_6_information_answered_after_due_days_is_late():
    """§6: requested day 30, 10 days allowed, answer received day 41 -> late."""
    assert information_late(30, 41, 10) is True


def test_6_filing_on_or_before_deadline_has_no_fault():
    """§6 with §1(a): deadline day 45, filed day 45 -> on time, nobody at fault."""
    assert filing_delay_fault(45, 45, 40, 50, True) is None


def test_6_late_investor_answer_is_investors_fault():
    """§6: Company otherwise ready day 40, deadline 45, late answer completes day 50, filed
    day 50 -> the Investor's fault."""
    assert filing_delay_fault(50, 45, 40, 50, True) == "investor"


def test_6_company_not_ready_by_deadline_is_companys_fault():
    """§6: Company itself not ready until day 48 (after the day-45 deadline) -> Company's
    fault even though an Investor answered late."""
    assert filing_delay_fault(50, 45, 48, 50, True) == "company"


def test_6_timely_answer_after_deadline_is_companys_fault():
    """§6: the Investor answered within the time allowed (not late) but after the
    deadline because the Company asked too late -> the Company's fault."""
    assert filing_delay_fault(50, 45, 40, 50, False) == "company"


def test_6_late_answer_received_before_deadline_is_companys_fault():
    """§6: a late answer that still arrived day 44, before the day-45 deadline, did not
    hold the filing back -> a day-50 filing is the Company's fault."""
    assert filing_delay_fault(50, 45, 40, 44, True) == "company"


# --- §7 Registrable Shares ------------------------------------------------------------------

def test_7_one_unit_gives_six_registrable_shares():
    """§7 with the recitals: 3 Common + 2 on conversion of the Preferred + 1 on exercise of
    the Warrant = 6 Registrable Shares per Unit."""
    assert registrable_shares(1, T) == 6


def test_7_units_sold_3563593_give_21381558_registrable_shares():
    """§7: 3,563,593 Units x 6 = 21,381,558 Registrable Shares."""
    assert registrable_shares(3_563_593, T) == 21_381_558


def test_7_all_4500000_units_offered_give_27000000_registrable_shares():
    """§7: the full 4,500,000 Units offered x 6 = 27,000,000."""
    assert registrable_shares(4_500_000, T) == 27_000_000


def test_7_capital_dependent_shares_three_per_unit():
    """§7/§1(a): the conversion (2) and warrant (1) shares need authorized capital: 3 per
    Unit; 3,563,593 Units -> 10,690,779."""
    assert capital_dependent_shares(1, T) == 3
    assert capital_dependent_shares(3_563_593, T) == 10_690_779


def test_7_registrable_shares_follow_the_unit_terms():
    """§7 variant: Preferred convertible into 3 Common -> 7 per Unit, 4 need capital."""
    terms = Terms(common_per_preferred=3)
    assert registrable_shares(1, terms) == 7
    assert capital_dependent_shares(1, terms) == 4


# --- §8(a) notices -------------------------------------------------------------------------

MAILED = ("registered_mail", "certified_mail")
OTHER = ("personal", "fax", "regular_mail")


def test_8a_mailed_notice_is_given_when_sent():
    """§8(a) as written (by_method, default): a notice "shall be deemed to have been given
    if sent by registered or certified mail": sent day 3, arriving day 7 -> given day 3."""
    for method in MAILED:
        assert given_day(3, 7, T, method) == 3


def test_8a_other_methods_are_given_only_when_received():
    """§8(a): by "personal delivery, by facsimile or by regular mail" a notice is "effective
    only if and when actually received": sent day 3, arriving day 7 -> given day 7."""
    for method in OTHER:
        assert given_day(3, 7, T, method) == 7


def test_8a_notice_given_on_receipt_variant():
    """§8(a) variant notices_effective=on_receipt: every notice given when it arrives."""
    for method in MAILED + OTHER:
        assert given_day(3, 8, Terms(notices_effective="on_receipt"), method) == 8


def test_8a_notice_given_on_dispatch_variant():
    """§8(a) variant notices_effective=on_dispatch: every notice given when sent."""
    for method in MAILED + OTHER:
        assert given_day(3, 8, Terms(notices_effective="on_dispatch"), method) == 3


def test_8a_same_day_delivery_is_the_same_under_every_reading():
    """§8(a): a fax received the day it is sent is given that day under every reading."""
    for reading in ("by_method", "on_receipt", "on_dispatch"):
        assert given_day(3, 3, Terms(notices_effective=reading), "fax") == 3


def test_8a_receipt_is_arrival_whatever_the_method():
    """§8(a): "deemed given" is not "received": a notice sent day 3 by certified mail
    taking 4 days is received day 7 -- the day its recipient can act on it and the day a
    deadline "from receipt" starts -- though it was given day 3."""
    assert received_day(3, 4) == 7
    assert received_day(3, 0) == 3


def test_3a_piggyback_window_runs_from_the_day_the_notice_is_given():
    """§3(a): a Piggy-back Request must be "received within twenty (20) days after the date
    on which the Registration Notice is given": notice given day 10 -> last day 30,
    whenever the Investor received it."""
    from sim.law.rules.piggyback import piggyback_last_day

    assert piggyback_last_day(10, Terms()) == 30
    assert piggyback_last_day(10, Terms(piggyback_window_days=30)) == 40


def test_3a_registration_notice_must_come_before_filing():
    """§3(a): "prior to filing the registration statement": notice day 9, filing day 10 is
    in time; notice on the filing day or later is not."""
    from sim.law.rules.piggyback import registration_notice_in_time

    assert registration_notice_in_time(9, 10)
    assert not registration_notice_in_time(10, 10)
    assert not registration_notice_in_time(12, 10)
