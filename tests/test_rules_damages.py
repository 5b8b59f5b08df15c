"""Liquidated damages (PIPE RRA): fact patterns from issue 12 and CALIBRATION.md, the
agreement as written (no damages), validation of the terms, and Hypothesis invariants.

Fact patterns (issue 12, item 3 and Acceptance): effectiveness 45 days late at 1% per 30
days on $1,000,000 -> $15,000, capped at $100,000 (10%) when very late; filing 10 days
late at 1.5% on $2,000,000 -> $10,000; a 15-day suspension with 10 consecutive days
allowed -> 5 days of damages; 25 suspended days in 12 months with 20 allowed -> 5 days.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.core import dates
from sim.core.config import ConfigError
from sim.law.rules import REGISTRY
from sim.law.rules.damages import (
    damages_cap,
    damages_for_late_days,
    damages_total,
    effectiveness_failure_days,
    filing_failure_days,
    interest_on_unpaid,
    maintenance_failure_days,
)
from sim.law.terms import SOURCES, Terms, clause_of, diff_terms, load_terms, terms_from_dict

CLOSING = date(2003, 3, 30)          # day 0 of the BestNet deal
ONE_PCT = Terms(damages_rate_percent_per_30_days=1.0, damages_cap_percent=10.0)
GRACE = dataclasses.replace(ONE_PCT, damages_grace_consecutive_days=10,
                            damages_grace_days_per_12_months=20)
DAMAGES_TERMS = [n for n in (f.name for f in dataclasses.fields(Terms))
                 if n.startswith("damages_")]


# --- fact patterns ----------------------------------------------------------------------
def test_effectiveness_45_days_late_at_1_percent_on_1m_is_15000():
    days = effectiveness_failure_days(deadline_day=90, effective_day=135, as_of=400,
                                      terms=ONE_PCT)
    assert len(days) == 45 and days[0] == 91 and days[-1] == 135
    assert damages_for_late_days(45, 1_000_000.0, ONE_PCT) == pytest.approx(15_000.0)
    assert damages_total([days], 1_000_000.0, ONE_PCT) == pytest.approx(15_000.0)


def test_very_late_is_capped_at_10_percent_100000():
    assert damages_cap(1_000_000.0, ONE_PCT) == pytest.approx(100_000.0)
    assert damages_for_late_days(300, 1_000_000.0, ONE_PCT) == pytest.approx(100_000.0)
    assert damages_for_late_days(299, 1_000_000.0, ONE_PCT) < 100_000.0
    never_effective = effectiveness_failure_days(90, None, as_of=90 + 400, terms=ONE_PCT)
    assert len(never_effective) == 400           # 400 days: $133,333 uncapped
    assert damages_total([never_effective], 1_000_000.0, ONE_PCT) == pytest.approx(100_000.0)


def test_filing_10_days_late_at_1_5_percent_on_2m_is_10000():
    terms = Terms(damages_rate_percent_per_30_days=1.5, damages_cap_percent=10.0)
    days = filing_failure_days(deadline_day=30, filed_day=40, as_of=40, terms=terms)
    assert list(days) == list(range(31, 41))
    assert damages_total([days], 2_000_000.0, terms) == pytest.approx(10_000.0)


def test_filed_or_effective_on_the_deadline_is_not_late():
    assert len(filing_failure_days(30, 30, as_of=99, terms=ONE_PCT)) == 0
    assert len(filing_failure_days(30, 12, as_of=99, terms=ONE_PCT)) == 0
    assert len(effectiveness_failure_days(90, 90, as_of=99, terms=ONE_PCT)) == 0
    assert len(filing_failure_days(30, 31, as_of=99, terms=ONE_PCT)) == 1


def test_not_yet_filed_runs_up_to_as_of():
    assert list(filing_failure_days(30, None, as_of=33, terms=ONE_PCT)) == [31, 32, 33]
    assert len(filing_failure_days(30, None, as_of=30, terms=ONE_PCT)) == 0


def test_15_consecutive_suspended_days_with_10_allowed_is_5_days():
    days = maintenance_failure_days([(200, 215)], GRACE, CLOSING)
    assert days == (210, 211, 212, 213, 214)
    # $1M at 1% per 30 days: 5 days -> $1,666.67
    assert damages_total([days], 1_000_000.0, GRACE) == pytest.approx(1_000_000 * 0.01 * 5 / 30)


def test_25_days_in_12_months_with_20_allowed_is_5_days():
    # 9 + 8 + 8 days, none over 10 in a row: the 21st to 25th suspended days pay.
    suspensions = [(100, 109), (200, 208), (300, 308)]
    assert maintenance_failure_days(suspensions, GRACE, CLOSING) == (303, 304, 305, 306, 307)


def test_suspensions_more_than_12_months_apart_do_not_add_up():
    suspensions = [(100, 109), (200, 208), (500, 508)]     # the last is >1 year after the first
    assert maintenance_failure_days(suspensions, GRACE, CLOSING) == ()


def test_12_months_are_a_calendar_year_across_february_29():
    terms = dataclasses.replace(ONE_PCT, damages_grace_consecutive_days=10,
                                damages_grace_days_per_12_months=1)
    a = dates.day_of(date(2003, 6, 1), CLOSING)
    b = dates.day_of(date(2004, 5, 31), CLOSING)          # 365 days later, leap year between
    assert b - a == 365
    assert maintenance_failure_days([(a, a + 1), (b, b + 1)], terms, CLOSING) == (b,)
    c = dates.day_of(date(2004, 6, 1), CLOSING)
    d = dates.day_of(date(2005, 6, 1), CLOSING)           # exactly one year later: outside
    assert maintenance_failure_days([(c, c + 1), (d, d + 1)], terms, CLOSING) == ()


def test_overlapping_suspensions_count_each_day_once():
    assert maintenance_failure_days([(200, 212), (205, 215)], GRACE, CLOSING) == (
        210, 211, 212, 213, 214)


def test_no_grace_makes_every_suspended_day_pay():
    assert maintenance_failure_days([(5, 8)], ONE_PCT, CLOSING) == (5, 6, 7)


def test_days_two_failures_share_are_paid_once():
    filing = filing_failure_days(30, 40, as_of=40, terms=ONE_PCT)               # 31..40
    effective = effectiveness_failure_days(35, 45, as_of=45, terms=ONE_PCT)     # 36..45
    assert damages_total([filing, effective], 1_000_000.0, ONE_PCT) == pytest.approx(
        damages_for_late_days(15, 1_000_000.0, ONE_PCT))


def test_each_trigger_can_be_switched_off():
    off = dataclasses.replace(GRACE, damages_on_filing_failure=False,
                              damages_on_effectiveness_failure=False,
                              damages_on_maintenance_failure=False)
    assert len(filing_failure_days(30, 60, as_of=60, terms=off)) == 0
    assert len(effectiveness_failure_days(90, 150, as_of=150, terms=off)) == 0
    assert maintenance_failure_days([(200, 260)], off, CLOSING) == ()
    assert len(filing_failure_days(30, 60, as_of=60, terms=GRACE)) == 30


def test_interest_on_unpaid_damages():
    terms = dataclasses.replace(ONE_PCT, damages_interest_percent_per_year=12.0)  # 1%/month
    assert interest_on_unpaid(15_000.0, 365, terms) == pytest.approx(1_800.0)
    assert interest_on_unpaid(15_000.0, 73, terms) == pytest.approx(360.0)
    assert interest_on_unpaid(15_000.0, 0, terms) == 0.0
    assert interest_on_unpaid(15_000.0, 365, ONE_PCT) == 0.0     # no interest term


def test_cap_0_means_no_cap():
    uncapped = Terms(damages_rate_percent_per_30_days=2.0)
    assert damages_cap(1_000_000.0, uncapped) == float("inf")
    assert damages_for_late_days(600, 1_000_000.0, uncapped) == pytest.approx(400_000.0)


# --- the agreement as written ------------------------------------------------------------
def test_the_2003_agreement_has_no_liquidated_damages():
    t = Terms()
    assert t == load_terms() == load_terms("bestnet-2003")
    assert t.damages_rate_percent_per_30_days == 0.0
    assert diff_terms(t, load_terms("bestnet-2003")) == []
    days = effectiveness_failure_days(90, None, as_of=2000, terms=t)
    assert len(days) > 0                                   # late, but nothing to pay
    assert damages_for_late_days(45, 1_000_000.0, t) == 0.0
    assert damages_total([days, maintenance_failure_days([(0, 400)], t, CLOSING)],
                         1_000_000.0, t) == 0.0
    assert interest_on_unpaid(0.0, 365, t) == 0.0


# --- terms: validation and `regsim terms show` ------------------------------------------
@pytest.mark.parametrize("key,value", [
    ("damages_rate_percent_per_30_days", -1.0),
    ("damages_rate_percent_per_30_days", 101.0),
    ("damages_rate_percent_per_30_days", "1%"),
    ("damages_cap_percent", 150.0),
    ("damages_interest_percent_per_year", -0.5),
    ("damages_grace_consecutive_days", -1),
    ("damages_grace_days_per_12_months", 10.5),
    ("damages_on_maintenance_failure", "yes"),
])
def test_a_bad_damages_term_is_one_line_naming_it(key, value):
    with pytest.raises(ConfigError) as exc:
        terms_from_dict({key: value}, "t.toml")
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"t.toml: {key}: "), msg


def test_good_damages_terms_load():
    t = terms_from_dict({"damages_rate_percent_per_30_days": 1.5, "damages_cap_percent": 10,
                         "damages_grace_days_per_12_months": 20}, "t.toml")
    assert (t.damages_rate_percent_per_30_days, t.damages_cap_percent) == (1.5, 10.0)


def test_damages_terms_cite_the_market_source_and_terms_show_lists_them():
    assert len(DAMAGES_TERMS) >= 8
    for name in DAMAGES_TERMS:
        assert clause_of(name).section in SOURCES and clause_of(name).words.strip()
    result = CliRunner().invoke(main, ["terms", "show"])
    assert result.exit_code == 0, result.output
    for name in DAMAGES_TERMS:
        (row,) = [ln for ln in result.output.splitlines() if ln.startswith(f"{name} = ")]
        assert "PIPE RRA" in row and clause_of(name).words in row


def test_the_damages_rules_cite_the_market_source():
    rules = [r for k, r in REGISTRY.items() if k.startswith("damages.")]
    assert len(rules) == 7
    assert all(r.section == "PIPE RRA" and r.fn.__doc__.startswith("PIPE RRA:") for r in rules)


# --- invariants --------------------------------------------------------------------------
rates = st.floats(0.0, 100.0, allow_nan=False)
caps = st.floats(0.0, 100.0, allow_nan=False)
prices = st.floats(0.0, 1e9, allow_nan=False)


def _terms(rate, cap, **kw):
    return Terms(damages_rate_percent_per_30_days=rate, damages_cap_percent=cap, **kw)


@settings(max_examples=200, deadline=None)
@given(rate=rates, cap=st.floats(0.01, 100.0), price=prices, days=st.integers(-100, 5000))
def test_damages_never_above_the_cap(rate, cap, price, days):
    t = _terms(rate, cap)
    assert 0.0 <= damages_for_late_days(days, price, t) <= price * cap / 100.0 * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(rate=rates, cap=caps, price=prices, days=st.integers(-100, 5000),
       more=st.integers(0, 500))
def test_damages_are_monotone_in_days_late(rate, cap, price, days, more):
    t = _terms(rate, cap)
    assert damages_for_late_days(days, price, t) <= damages_for_late_days(days + more, price, t)


@settings(max_examples=100, deadline=None)
@given(rate=rates, cap=caps, price=prices, days=st.integers(-1000, 0))
def test_no_damages_for_no_days_late(rate, cap, price, days):
    assert damages_for_late_days(days, price, _terms(rate, cap)) == 0.0


@settings(max_examples=100, deadline=None)
@given(rate=rates, cap=st.floats(0.01, 100.0), price=prices,
       failures=st.lists(st.sets(st.integers(0, 4000), max_size=400), max_size=4))
def test_total_damages_never_above_the_cap_and_count_a_day_once(rate, cap, price, failures):
    t = _terms(rate, cap)
    total = damages_total(failures, price, t)
    assert total <= damages_cap(price, t) * (1 + 1e-12)
    assert total == damages_for_late_days(len(set().union(*failures)), price, t)


def _reference_maintenance(suspensions, consecutive, per_year):
    """The grace rule by brute force: each day's run and its 12 months counted anew."""
    days = sorted({d for s, e in suspensions for d in range(s, e)})
    out = []
    for day in days:
        run = 0
        while day - run in days:
            run += 1
        year = [e for e in days if e <= day
                and dates.day_after_years(e, 1, CLOSING) > day]
        if run > consecutive or len(year) > per_year:
            out.append(day)
    return tuple(out)


suspension_lists = st.lists(
    st.tuples(st.integers(0, 900), st.integers(0, 40)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=6)


@settings(max_examples=150, deadline=None)
@given(suspensions=suspension_lists, consecutive=st.integers(0, 30),
       per_year=st.integers(0, 60))
def test_maintenance_days_match_the_rule_counted_by_brute_force(suspensions, consecutive,
                                                                per_year):
    t = _terms(1.0, 10.0, damages_grace_consecutive_days=consecutive,
               damages_grace_days_per_12_months=per_year)
    got = maintenance_failure_days(suspensions, t, CLOSING)
    assert got == _reference_maintenance(suspensions, consecutive, per_year)
    assert set(got) <= {d for s, e in suspensions for d in range(s, e)}


@settings(max_examples=100, deadline=None)
@given(suspensions=suspension_lists, consecutive=st.integers(0, 30),
       per_year=st.integers(0, 60), extra=st.integers(0, 20))
def test_more_grace_never_adds_damages_days(suspensions, consecutive, per_year, extra):
    lo = _terms(1.0, 10.0, damages_grace_consecutive_days=consecutive,
                damages_grace_days_per_12_months=per_year)
    hi = dataclasses.replace(lo, damages_grace_consecutive_days=consecutive + extra,
                             damages_grace_days_per_12_months=per_year + extra)
    assert set(maintenance_failure_days(suspensions, hi, CLOSING)) <= set(
        maintenance_failure_days(suspensions, lo, CLOSING))
