"""NVCA IRA rules: fact patterns from the words of the nvca-2020 preset.

The preset (sim/law/presets/nvca-2020.terms.toml) reads the NVCA model Investors' Rights
Agreement onto this deal: a long-form demand for at least 40% of the Registrable
Securities; notice within 10 days, 20 days to join, file within 60 days (no floor); 2
long-form demands and up to 2 S-3 demands in 12 months (file within 45 days); one
deferral on the Board's judgment in 12 months, up to 120 days; a blackout from 60 days
before a Company registration to 180 days after it; holders cut only after other
sellers, never below 25% of the offering; a demand not used up under 50% included.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.dates import day_after_years
from sim.law.rules import cutback, delay, demand, limits
from sim.law.terms import load_terms

NVCA = load_terms("nvca-2020")
BESTNET = load_terms("bestnet-2003")
CLOSING = date(2003, 3, 30)


# --- 1. Minimum size of a long-form demand --------------------------------------------

def test_demand_of_40_percent_meets_the_minimum():
    """"at least [40%] of the Registrable Securities": 400 of 1,000 shares is enough."""
    assert demand.meets_minimum_size(400, 1_000, NVCA)
    assert demand.meets_minimum_size(8_552_624, 21_381_558, NVCA)   # 40.0000% of the deal


def test_demand_under_40_percent_is_below_the_minimum():
    assert not demand.meets_minimum_size(399, 1_000, NVCA)
    assert not demand.meets_minimum_size(8_552_622, 21_381_558, NVCA)


def test_the_2003_agreement_has_no_minimum_size():
    assert demand.meets_minimum_size(1, 21_381_558, BESTNET)


# --- 2. The window with no floor ------------------------------------------------------

def test_demand_received_day_5_is_filed_by_day_65_with_no_floor():
    """"files within 60 days" (no floor): received day 5 -> deadline day 65; a floor of 0
    days is none, so the window opens on the receipt, day 5, whenever the Company Notice
    (day 8) arrives."""
    w = demand.filing_window(5, 8, NVCA)
    assert (w.floor, w.deadline) == (5, 65)
    assert not w.empty
    assert demand.planned_filing_day(w, NVCA) == 5


def test_s3_demand_received_day_5_is_filed_by_day_50():
    """"file within 45 days" for an S-3 demand."""
    assert demand.filing_window(5, 8, NVCA, s3=True).deadline == 50


# --- 3. S-3 demands and their 12-month allowance --------------------------------------

def test_first_demand_of_an_eligible_company_is_an_s3_demand():
    assert limits.is_s3_demand(True, [], 100, CLOSING, NVCA)


def test_two_s3_demands_in_12_months_use_the_allowance():
    """Two S-3 demands received days 10 and 100: a third on day 375 is long-form; from
    the day a year after day 10 (day 376: the year spans February 29, 2004) one is left."""
    assert day_after_years(10, 1, CLOSING) == 376
    assert not limits.is_s3_demand(True, [10, 100], 375, CLOSING, NVCA)
    assert limits.is_s3_demand(True, [10, 100], 376, CLOSING, NVCA)


def test_an_ineligible_company_or_the_2003_agreement_has_no_s3_demands():
    assert not limits.is_s3_demand(False, [], 100, CLOSING, NVCA)
    assert not limits.is_s3_demand(True, [], 100, CLOSING, BESTNET)


def test_twelve_month_count_is_calendar_months():
    assert limits.twelve_month_count([0, 300, 400], 365, CLOSING) == 2


# --- 4. Deferral on the Board's judgment, once in 12 months -------------------------

def test_board_deferral_runs_at_most_120_days_after_receipt():
    """Received day 12: deferred through day 132 at the most, acting again by day 133."""
    assert delay.board_deferral_end_latest(12, NVCA) == 133


def test_one_deferral_in_any_12_months():
    """A deferral invoked day 50 (May 19, 2003) bars another until May 19, 2004, day 416."""
    assert delay.deferral_right_left(40, [], CLOSING, NVCA)
    assert not delay.deferral_right_left(415, [50], CLOSING, NVCA)
    assert delay.deferral_right_left(416, [50], CLOSING, NVCA)


def test_the_agreement_counts_delays_in_all():
    """§1(d) "not more than once": a delay on day 50 bars one on day 2,000."""
    assert not delay.deferral_right_left(2_000, [50], CLOSING, BESTNET)
    assert delay.deferral_right_left(2_000, [], CLOSING, BESTNET)


# --- 5. Blackout before a Company registration ---------------------------------------

def test_demand_60_days_before_the_estimated_filing_is_in_the_blackout():
    """Offering planned day 50, estimated filing day 150: a demand received day 90 (60
    days before) or day 120 is in the blackout; day 89 is not."""
    assert delay.in_blackout(90, 50, 150, None, NVCA)
    assert delay.in_blackout(120, 50, 150, None, NVCA)
    assert not delay.in_blackout(89, 50, 150, None, NVCA)


def test_blackout_lasts_while_the_offering_is_pending():
    """Filed day 150, not yet effective on day 160: still in the blackout (afterwards
    the 180-day cooldown takes over)."""
    assert delay.in_blackout(160, 50, 150, None, NVCA)
    assert not delay.in_blackout(160, 50, 150, 155, NVCA)     # resolved before receipt


def test_no_blackout_without_a_plan_at_receipt_or_under_the_2003_agreement():
    assert not delay.in_blackout(100, 101, 150, None, NVCA)   # planned after the demand
    assert not delay.in_blackout(100, 50, 150, None, BESTNET)


def test_cooldown_counts_company_initiated_registrations_only():
    """"180 days after the effective date of a Company-initiated registration"."""
    assert limits.counts_for_cooldown(False, False, NVCA, company_initiated=True)
    assert not limits.counts_for_cooldown(True, True, NVCA, company_initiated=False)
    # The 2003 agreement: any statement.
    assert limits.counts_for_cooldown(False, False, BESTNET)


def test_cooldown_of_180_days_after_a_company_offering():
    """Offering effective day 90: the Company need not file through day 270."""
    assert limits.cooldown_end(100, [90], NVCA) == 271


# --- 6. Cutback: others first, never below 25% of the offering ----------------------

S = cutback.Seller


def test_floor_takes_room_from_the_company():
    """Limit 1,000, Company 900 shares: Investors (holdings 4:1) asking 400 get 25% of
    the offering, 250 (200 and 50), and the Other Holder's 100 are cut to nothing."""
    sellers = [S("a", 200, 800), S("b", 200, 200), S("o", 100, 100, None, False)]
    got = cutback.allocate_cutback(1_000, sellers, NVCA, company_shares=900)
    assert got == {"a": 200, "b": 50, "o": 0}


def test_others_are_cut_before_any_investor():
    """Company 600: 400 of room; the Investors' 400 fit whole and the Other Holder gets
    nothing; with the Company at 500 everyone fits."""
    sellers = [S("a", 200, 800), S("b", 200, 200), S("o", 100, 100, None, False)]
    assert cutback.allocate_cutback(1_000, sellers, NVCA, 600) == {"a": 200, "b": 200, "o": 0}
    assert cutback.allocate_cutback(1_000, sellers, NVCA, 500) == {"a": 200, "b": 200, "o": 100}


def test_floor_percent_reading_differs():
    """The existing floor_percent is a share of what the Company leaves, and others share
    the rest pro rata: it does not say "others first, never below 25% of the offering"."""
    sellers = [S("a", 200, 800), S("b", 200, 200), S("o", 100, 100, None, False)]
    t = dataclasses.replace(NVCA, cutback_rule="floor_percent")
    got = cutback.allocate_cutback(1_000, sellers, t, company_shares=900)
    assert sum(got[i] for i in "ab") < 250


def test_demand_cutback_serves_investors_first():
    sellers = [S("a", 300, 300), S("o", 300, 300, None, False)]
    assert cutback.demand_cutback_allocation(400, sellers, NVCA) == {"a": 300, "o": 100}


@settings(max_examples=80, deadline=None)
@given(limit=st.integers(0, 5_000), company=st.integers(0, 5_000),
       reqs=st.lists(st.tuples(st.integers(0, 2_000), st.integers(0, 3_000), st.booleans()),
                     min_size=1, max_size=5))
def test_investors_first_floor_invariants(limit, company, reqs):
    """Others get a share only when every Investor is served whole; the Investors never
    get less than min(their request, 25% of the offering); nobody above its request; the
    holders never take more than the Company leaves or the floor."""
    sellers = [S(f"s{i}", r, h, None, inv) for i, (r, h, inv) in enumerate(reqs)]
    got = cutback.allocate_cutback(limit, sellers, NVCA, company)
    inv_req = sum(s.requested for s in sellers if s.investor)
    inv_got = sum(got[s.id] for s in sellers if s.investor)
    others = sum(got[s.id] for s in sellers if not s.investor)
    floor = min(limit, math.ceil(limit * 25 / 100))
    assert all(0 <= got[s.id] <= s.requested for s in sellers)
    assert inv_got >= min(inv_req, floor)
    assert others == 0 or inv_got == inv_req
    assert inv_got + others <= max(limit - company, 0) or inv_got <= floor


# --- 7. A demand used up by 50% of the requested shares -----------------------------

@pytest.mark.parametrize("covered,used", [(50, True), (49, False), (100, True)])
def test_demand_used_up_by_half_of_the_requested_shares(covered, used):
    assert limits.effective_statement_satisfies_demand(100, covered, False, False,
                                                       NVCA) is used


def test_the_2003_agreement_needs_all_the_shares():
    assert not limits.effective_statement_satisfies_demand(100, 99, False, False, BESTNET)
    assert limits.effective_statement_satisfies_demand(100, 100, False, False, BESTNET)


def test_blackout_ends_180_days_after_the_company_registration():
    """Effective day 90: the Company acts again from day 271; withdrawn day 40: from 40."""
    assert delay.blackout_end(90, True, NVCA) == 271
    assert delay.blackout_end(40, False, NVCA) == 40
