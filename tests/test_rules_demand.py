"""§1(a) Demand registration: fact-pattern tests a lawyer can check by hand (day 0 = closing)."""

from __future__ import annotations

import dataclasses

import pytest

from sim.law.rules.demand import (
    FilingWindow,
    capital_shortfall,
    company_notice_late,
    effectiveness_target_day,
    filing_window,
    is_initiating_majority,
    joinder_last_day,
    notice_receipt_anchor,
    planned_filing_day,
    response_excess_days,
    second_demand_allowed,
    target_miss_is_breach,
)
from sim.law.terms import Terms

T = Terms()


# --- Initiating Investors: "One or more Investors holding a majority of the Units" -------

def test_1a_majority_exactly_half_of_units_is_not_a_majority():
    """§1(a): 500 of 1,000 Units is exactly 50%: not "a majority"."""
    assert is_initiating_majority(500, 1000, T) is False


def test_1a_majority_half_plus_one_unit_is_a_majority():
    """§1(a): 501 of 1,000 Units is more than half: a majority."""
    assert is_initiating_majority(501, 1000, T) is True


def test_1a_majority_odd_total_needs_more_than_half():
    """§1(a): of 3,563,593 Units, 1,781,796 is below half, 1,781,797 is above it."""
    assert is_initiating_majority(1_781_796, 3_563_593, T) is False
    assert is_initiating_majority(1_781_797, 3_563_593, T) is True


def test_1a_majority_threshold_one_needs_every_unit():
    """§1(a) switch demand_threshold=1.0: all the Units must join the demand."""
    unanimity = Terms(demand_threshold=1.0)
    assert is_initiating_majority(999, 1000, unanimity) is False
    assert is_initiating_majority(1000, 1000, unanimity) is True


def test_1a_majority_no_units_outstanding_no_demand():
    """§1(a): with no Units held by Investors nobody can hold a majority."""
    assert is_initiating_majority(0, 0, T) is False


# --- "the Company shall promptly notify each other Investor" -----------------------------

def test_1a_promptly_company_notice_10_days_after_demand_is_on_time():
    """§1(a): Demand Notice received day 5, Company Notice given day 15 (10 days): prompt."""
    assert company_notice_late(5, 15, T) is False


def test_1a_promptly_company_notice_11_days_after_demand_is_late():
    """§1(a): Demand Notice received day 5, Company Notice given day 16 (11 days): late."""
    assert company_notice_late(5, 16, T) is True


def test_1a_promptly_switch_promptly_days_5():
    """§1(a) switch promptly_days=5: 5 days is prompt, 6 days is late."""
    strict = Terms(promptly_days=5)
    assert company_notice_late(0, 5, strict) is False
    assert company_notice_late(0, 6, strict) is True


# --- Joinder: "received within twenty (20) days after the date ... Company Notice is given" -

def test_1a_joinder_window_runs_from_notice_given_by_default():
    """§1(a): Company Notice given day 3, received by this Investor day 9: the request must
    be received by day 23 (3 + 20); receipt on day 9 does not extend it."""
    assert joinder_last_day(3, 9, T) == 23


def test_1a_joinder_window_unconditional_notice_switch_runs_from_receipt():
    """§1(a) switch unconditional_notice=company_notice_receipt: given day 3, received day 9
    -> last day 29 (9 + 20); received the same day it was given -> last day 23."""
    receipt = Terms(unconditional_notice="company_notice_receipt")
    assert joinder_last_day(3, 9, receipt) == 29
    assert joinder_last_day(3, 3, receipt) == 23


# --- Whose "receipt of the Company Notice" starts the 30 days -----------------------------

def test_1a_company_notice_receipt_last_investor_by_default():
    """§1(a): Company Notice received by three Investors on days 4, 3 and 8: the floor runs
    from day 8 (last investor)."""
    assert notice_receipt_anchor([4, 3, 8], T) == 8


def test_1a_company_notice_receipt_first_investor_switch():
    """§1(a) switch company_notice_receipt=first_investor: same receipts -> day 3."""
    assert notice_receipt_anchor([4, 3, 8], Terms(company_notice_receipt="first_investor")) == 3


def test_1a_company_notice_receipt_no_other_investor_no_anchor():
    """§1(a): when the Initiating Investors are all the Investors, nobody is notified."""
    assert notice_receipt_anchor([], T) is None


# --- Filing window: "not less than 30 days from receipt of the Company Notice and no more
#     than 45 days from receipt by the Company of the Demand Notice" -----------------------

def test_1a_filing_window_company_notice_received_day_3_allows_days_33_to_45():
    """§1(a): Demand Notice received day 0, Company Notice received day 3 -> file on a day
    from 33 to 45; the Company plans day 33."""
    window = filing_window(0, 3, T)
    assert window == FilingWindow(floor=33, deadline=45)
    assert window.empty is False
    assert planned_filing_day(window, T) == 33
    assert planned_filing_day(window, Terms(empty_window="file_at_deadline")) == 33


def test_1a_filing_window_company_notice_received_day_15_is_a_single_day():
    """§1(a): Company Notice received day 15 -> floor 45 = deadline 45: one legal day."""
    window = filing_window(0, 15, T)
    assert (window.floor, window.deadline, window.empty) == (45, 45, False)


def test_1a_filing_window_company_notice_received_day_20_is_empty():
    """§1(a): Demand Notice received day 0, Company Notice received day 20 -> floor 50 is
    after deadline 45: no day satisfies both limits."""
    window = filing_window(0, 20, T)
    assert window == FilingWindow(floor=50, deadline=45)
    assert window.empty is True


def test_1a_empty_window_file_at_floor_by_default_breaches_deadline():
    """§1(a) switch empty_window=file_at_floor: with the day-20 notice, file on day 50."""
    assert planned_filing_day(filing_window(0, 20, T), T) == 50


def test_1a_empty_window_file_at_deadline_switch_breaches_floor():
    """§1(a) switch empty_window=file_at_deadline: with the day-20 notice, file on day 45."""
    terms = Terms(empty_window="file_at_deadline")
    assert planned_filing_day(filing_window(0, 20, terms), terms) == 45


def test_1a_filing_window_deadline_counts_from_companys_receipt_of_demand():
    """§1(a): Demand Notice received day 10, Company Notice received day 14 -> days 44..55."""
    assert filing_window(10, 14, T) == FilingWindow(floor=44, deadline=55)


def test_1a_filing_window_without_company_notice_has_no_floor():
    """§1(a): no other Investor to notify -> the Company may file from the day it receives the demand."""
    window = filing_window(7, None, T)
    assert window == FilingWindow(floor=7, deadline=52)
    assert planned_filing_day(window, T) == 7


def test_1a_filing_window_first_vs_last_investor_changes_emptiness():
    """§1(a): Company Notice received days 10 and 18 after a day-0 demand: last investor
    -> floor 48 (empty); first investor -> floor 40 (days 40..45)."""
    receipts = [10, 18]
    last = filing_window(0, notice_receipt_anchor(receipts, T), T)
    first_terms = Terms(company_notice_receipt="first_investor")
    first = filing_window(0, notice_receipt_anchor(receipts, first_terms), first_terms)
    assert (last.floor, last.empty) == (48, True)
    assert (first.floor, first.empty) == (40, False)


def test_1a_filing_window_negotiated_60_day_deadline():
    """§1(a) variant filing_deadline_days=60: the day-20 notice (floor 50) now fits by 60."""
    terms = dataclasses.replace(T, filing_deadline_days=60)
    window = filing_window(0, 20, terms)
    assert window == FilingWindow(floor=50, deadline=60)
    assert window.empty is False


# --- "best efforts to ... become effective no later than 120 days from filing" ------------

def test_1a_effectiveness_target_filed_day_40_target_day_160():
    """§1(a): filed day 40 -> effectiveness target day 160."""
    assert effectiveness_target_day(40, T) == 160


def test_1a_response_excess_days_beyond_30_are_company_delay():
    """§1(a) switch late_response_days=30: a 45-day answer to comments is 15 days late; a
    30-day answer is not late at all."""
    assert response_excess_days(45, T) == 15
    assert response_excess_days(30, T) == 0
    assert response_excess_days(10, T) == 0


def test_1a_target_met_is_never_a_breach():
    """§1(a): filed day 40, effective day 160 (the target itself): no miss, no breach."""
    assert target_miss_is_breach(40, 160, 50, T) is False


def test_1a_target_missed_because_of_company_late_responses_is_a_breach():
    """§1(a): filed day 40, effective day 175, the Company's late answers took 20 days:
    without them effective day 155 <= 160, so the Company caused the miss: breach."""
    assert target_miss_is_breach(40, 175, 20, T) is True


def test_1a_target_missed_without_company_delay_is_not_a_breach():
    """§1(a): filed day 40, effective day 175 after a long SEC review with prompt answers
    (0 days of Company delay): best efforts were used; target missed, no breach."""
    assert target_miss_is_breach(40, 175, 0, T) is False


def test_1a_target_missed_but_not_caused_by_company_delay_is_not_a_breach():
    """§1(a): filed day 40, effective day 200, Company late by 10 days: without them still
    day 190 > 160, so its conduct did not cause the miss."""
    assert target_miss_is_breach(40, 200, 10, T) is False


# --- Capital shortfall and the second Demand Registration ---------------------------------

@pytest.mark.parametrize(("needed", "headroom", "short"), [
    (3_000, 1_000, 2_000),   # 1,000 Units need 3,000 conversion/warrant shares
    (3_000, 3_000, 0),       # exactly enough authorized Common
    (3_000, 5_000, 0),       # more than enough
    (3_000, -200, 3_000),    # already over-issued: nothing can be registered
])
def test_1a_capital_shortfall_unregistrable_shares(needed, headroom, short):
    """§1(a): shares "unable to [be registered] ... as a result of the failure to have
    sufficient authorized capital stock"."""
    assert capital_shortfall(needed, headroom) == short


def test_1a_second_demand_allowed_once_after_a_shortfall():
    """§1(a): 2,000 shares left out for lack of capital -> a second demand may be made;
    after one second demand, no third."""
    assert second_demand_allowed(2_000, 0, T) is True
    assert second_demand_allowed(2_000, 1, T) is False


def test_1a_second_demand_needs_unregistered_shares():
    """§1(a): no shortfall -> no second demand."""
    assert second_demand_allowed(0, 0, T) is False


def test_1a_second_demand_switched_off():
    """§1(a) variant second_demand=False: a shortfall gives no second demand."""
    assert second_demand_allowed(2_000, 0, Terms(second_demand=False)) is False


def test_1a_majority_of_the_units_offered_switch():
    """§1(a) with the recitals: "the Units" are the 4,500,000 Units offered. Read that way
    a majority is more than 2,250,000 Units, whatever the Investors bought; holders of
    2,000,000 of the 3,563,593 Units sold then cannot demand."""
    offered = Terms(majority_base="units_offered")
    assert is_initiating_majority(2_000_000, 3_563_593, Terms())
    assert not is_initiating_majority(2_000_000, 3_563_593, offered)
    assert not is_initiating_majority(2_250_000, 3_563_593, offered)
    assert is_initiating_majority(2_250_001, 3_563_593, offered)
