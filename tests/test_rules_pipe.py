"""Mandatory resale registration and the payment of liquidated damages (PIPE RRA), and
the end of the effectiveness period under the market's terms: fact patterns from the
pipe-typical preset's words.

Preset pipe-typical: "file within 30 days of closing", "effective within 60-90 days of
closing without review, 90-120 with review" (90 and 120 in the preset), "keep effective
until sold or Rule 144 without volume limits", "1% of the purchase price per 30 days
late (pro-rated), often with 1% per month interest on unpaid damages", "capped near 10%".
NVCA IRA: "keep effective 120 days".
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import dates
from sim.law.rules.damages import damages_total
from sim.law.rules.procedures import effectiveness_end_day
from sim.law.rules.resale import (
    closing_effective_deadline_day,
    closing_filing_deadline_day,
    damages_installments,
    damages_payees,
    effectiveness_deadline_day,
    registration_required,
)
from sim.law.terms import Terms, load_terms

CLOSING = date(2003, 3, 30)
PIPE = load_terms("pipe-typical")
BESTNET = Terms()
RULE144_DAY = dates.day_after_years(0, 2, CLOSING)     # March 30, 2005: day 731


def test_pipe_typical_registers_at_the_closing_the_agreement_as_written_does_not():
    assert registration_required(PIPE)
    assert not registration_required(BESTNET)


def test_file_within_30_days_of_closing():
    assert closing_filing_deadline_day(0, PIPE) == 30


def test_effective_within_90_days_without_review_120_with_review():
    assert closing_effective_deadline_day(0, False, PIPE) == 90
    assert closing_effective_deadline_day(0, True, PIPE) == 120
    # The damages' effectiveness deadline: the closing's for the mandatory registration
    assert effectiveness_deadline_day(40, True, PIPE, required_day=0) == 120
    assert effectiveness_deadline_day(40, False, PIPE, required_day=0) == 90
    # ... the §1(a) 120-day target from filing for a demand (e.g. a second demand).
    assert effectiveness_deadline_day(40, True, PIPE) == 160
    assert effectiveness_deadline_day(40, False, BESTNET) == 160


def test_keep_effective_until_rule144k_not_one_year():
    """Effective day 100 (July 8, 2003): kept effective to March 30, 2005 (day 731, the
    Rule 144(k) day two years from the closing), not to July 8, 2004 (day 466)."""
    assert effectiveness_end_day(100, None, BESTNET, CLOSING) == 466
    assert effectiveness_end_day(100, None, PIPE, CLOSING, rule144_day=RULE144_DAY) == 731
    # ... or until all its shares are sold, whichever is earlier.
    assert effectiveness_end_day(100, 500, PIPE, CLOSING, rule144_day=RULE144_DAY) == 500
    # Effective after the Rule 144(k) day: nothing to keep effective.
    assert effectiveness_end_day(800, None, PIPE, CLOSING, rule144_day=RULE144_DAY) == 800
    with pytest.raises(ValueError):
        effectiveness_end_day(100, None, PIPE, CLOSING)


def test_keep_effective_120_days_caps_the_period():
    nvca = dataclasses.replace(BESTNET, keep_effective_max_days=120)
    assert effectiveness_end_day(100, None, nvca, CLOSING) == 220
    assert effectiveness_end_day(100, 150, nvca, CLOSING) == 150
    capped_pipe = dataclasses.replace(PIPE, keep_effective_max_days=120)
    assert effectiveness_end_day(100, None, capped_pipe, CLOSING, rule144_day=731) == 220


def test_effective_45_days_late_pays_15000_and_interest_on_the_first_30_days():
    """Effective day 135, deadline day 90, $1,000,000 at 1% per 30 days: $15,000; the
    first 30 days' $10,000 were due on day 120, paid day 135: 15 days at 12% a year."""
    inst = damages_installments([("effectiveness", range(91, 136), 135)], 1_000_000.0, PIPE)
    assert len(inst) == 1
    i = inst[0]
    assert (i.failure, i.from_day, i.to_day, i.days, i.pay_day) == (
        "effectiveness", 91, 135, 45, 135)
    assert i.amount_usd == pytest.approx(15_000.0)
    assert i.interest_usd == pytest.approx(10_000 * 0.12 * 15 / 365)


def test_a_day_of_two_failures_is_paid_once_and_all_capped_at_10_percent():
    """Filed day 100 (deadline 30): days 31-100; effective day 400 (deadline 90): days
    91-400, of which 91-100 were paid with the filing. 370 days uncapped would be
    $123,333; the cap is $100,000."""
    inst = damages_installments([("filing", range(31, 101), 100),
                                 ("effectiveness", range(91, 401), 400)], 1_000_000.0, PIPE)
    assert [i.days for i in inst] == [70, 300]
    assert inst[0].amount_usd == pytest.approx(70 / 30 * 10_000)
    assert sum(i.amount_usd for i in inst) == pytest.approx(100_000.0)


def test_no_damages_under_the_agreement_as_written():
    assert damages_installments([("filing", range(31, 101), 100)], 1e6, BESTNET) == []


def test_payees_pro_rata_to_purchase_price_sum_to_the_payment():
    out = damages_payees(1000.0, [("a", 1), ("b", 1), ("c", 1)])
    assert out == (("a", 333.33), ("b", 333.33), ("c", 333.34))
    assert damages_payees(10.0, []) == ()


@settings(max_examples=60, deadline=None)
@given(rate=st.floats(0.1, 5.0), cap=st.floats(0.0, 20.0), interest=st.floats(0.0, 24.0),
       filed=st.integers(0, 200), eff_after=st.integers(1, 400),
       price=st.floats(1e4, 1e7))
def test_installments_are_damages_total_never_above_the_cap(rate, cap, interest, filed,
                                                             eff_after, price):
    t = dataclasses.replace(PIPE, damages_rate_percent_per_30_days=rate,
                            damages_cap_percent=cap,
                            damages_interest_percent_per_year=interest)
    eff = filed + eff_after
    fails = [("filing", range(31, filed + 1), filed), ("effectiveness", range(91, eff + 1), eff)]
    inst = damages_installments(fails, price, t)
    total = sum(i.amount_usd for i in inst)
    assert total == pytest.approx(damages_total([d for _, d, _ in fails], price, t))
    if cap:
        assert total <= price * cap / 100 + 1e-6
    assert all(i.interest_usd >= 0 for i in inst)
