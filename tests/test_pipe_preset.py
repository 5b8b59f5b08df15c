"""The pipe-typical preset played through whole deals: a mandatory resale registration at
the closing, kept effective until the Rule 144(k) day, liquidated damages paid and
recomputed by the audit (PIPE RRA).

Each what-if script fixes the draws that matter: the Company has drafted the statement
20 days after the closing; every notice takes 2 days and every Investor answers the §6
request in 3 (answer in hand day 7); no review (effective 7 + 3 days after filing) unless
a test says so; no Company offerings, suspensions or price moves (the price stays below
the Warrants' exercise price: warrant shares are not sold and the statement stays
effective to the Rule 144(k) day, March 30, 2005 = day 731). The Investors' purchase
price is 3,563,593 Units x $0.30 = $1,069,077.90: 1% per 30 days is $356.36 a day.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.config import build, deep_merge
from sim.deal.model import DealModel, run_deal
from sim.engine import events as ev
from sim.engine.events import EventLog
from sim.law.terms import load_terms
from sim.read.audit import audit
from sim.read.outcomes import outcomes
from sim.world.script import Script

PIPE = load_terms("pipe-typical")
PRICE = 3_563_593 * 0.30
PER_DAY = PRICE * 0.01 / 30
BASE = {
    "company": {"prep_days": 20},
    "latency": {"default": 2},
    "investors": {"all": {"info_response_days": 3, "sell_days": 100, "piggyback": False}},
    "review": {"reviewed": False, "no_review_days": 7, "clearance_days": 3},
    "offerings": [],
    "events": {"suspensions": [], "market_returns": []},
}


def play(scenario, script=None, terms=PIPE, policy="strategic", **changes):
    t = dataclasses.replace(terms, **changes)
    data = deep_merge(BASE, script or {})
    return t, run_deal(t, scenario, seed=0, script=build(Script, data, "test-script"),
                      policy=policy)


def breaches(log, t):
    return [f for f in audit(log, t) if f.severity == "breach"]


def test_registration_required_at_the_closing_filed_effective_no_demand(scenario):
    t, log = play(scenario)
    req = log.first(ev.REGISTRATION_REQUIRED)
    assert req.day == 0 and req.clause == "PIPE RRA"
    assert (req.details["filing_deadline"], req.details["effective_deadline"],
            req.details["effective_deadline_reviewed"]) == (30, 90, 120)
    assert req.details["shares"] == log.first(ev.DEAL_CLOSED).details["registrable_shares"]
    for kind in (ev.DEMAND_SENT, ev.DEMAND_RECEIVED, ev.COMPANY_NOTICE_GIVEN,
                 ev.JOINDER_WINDOW_CLOSED, ev.FILING_WINDOW_SET):
        assert not log.of_kind(kind), kind
    assert log.first(ev.INFO_REQUESTED).day == 0
    filed = log.first(ev.STATEMENT_FILED)
    assert filed.day == 20
    assert filed.details["shares_registered"] == req.details["shares"]
    assert log.first(ev.STATEMENT_EFFECTIVE).day == 30
    ended = log.first(ev.EFFECTIVENESS_ENDED)
    assert (ended.day, ended.details["reason"]) == (731, "rule144_unlimited")
    assert not log.of_kind(ev.DAMAGES_ACCRUED) and not log.of_kind(ev.DAMAGES_PAID)
    assert not breaches(log, t)
    row = outcomes(log, t)
    assert row["damages_usd"] == 0 and row["damages_not_as_agreed"] == 0


def test_filed_15_days_late_pays_5345_39(scenario):
    """Drafted day 45: filed 15 days after the day-30 deadline: 15 x $356.36."""
    t, log = play(scenario, {"company": {"prep_days": 45}})
    acc = log.first(ev.DAMAGES_ACCRUED)
    assert (acc.day, acc.details["failure"], acc.details["from_day"], acc.details["to_day"],
            acc.details["days"]) == (45, "filing", 31, 45, 15)
    paid = log.first(ev.DAMAGES_PAID)
    assert paid.details["amount_usd"] == pytest.approx(round(15 * PER_DAY, 2)) == 5345.39
    assert paid.details["interest_usd"] == 0.0
    assert sum(v for _, v in paid.details["payees"]) == pytest.approx(5345.39)
    assert [f.kind for f in breaches(log, t)] == ["filing_deadline_missed"]
    row = outcomes(log, t)
    assert (row["damages_usd"], row["damages_filing_usd"]) == (5345.39, 5345.39)
    assert row["filing_deadline_missed"] and row["damages_not_as_agreed"] == 0


def test_reviewed_effective_45_days_after_the_120_day_deadline(scenario):
    """Reviewed: first comments day 27 (filed 20), one letter answered in 10 days, cleared
    128 days later: effective day 165, 45 days after day 120. The first 30 days'
    $10,690.78 were due day 150, paid day 165: 15 days at 12% a year."""
    t, log = play(scenario, {"review": {"reviewed": True, "first_comment_days": 7,
                                        "comment_letters": 1, "response_days": [10],
                                        "clearance_days": 128}})
    assert log.first(ev.STATEMENT_EFFECTIVE).day == 165
    paid = log.first(ev.DAMAGES_PAID)
    assert paid.details["failure"] == "effectiveness"
    assert paid.details["amount_usd"] == pytest.approx(45 * PER_DAY, abs=0.01)
    assert paid.details["interest_usd"] == pytest.approx(30 * PER_DAY * 0.12 * 15 / 365,
                                                         abs=0.01)
    assert [f.kind for f in breaches(log, t)] == ["effective_deadline_missed"]
    # Not reviewed, the same day would be 75 days after the 90-day deadline.
    _, log2 = play(scenario, {"review": {"no_review_days": 142}})
    assert log2.first(ev.STATEMENT_EFFECTIVE).day == 165
    assert log2.first(ev.DAMAGES_ACCRUED).details["days"] == 75


def test_a_15_day_suspension_with_10_days_grace_pays_5_days_at_the_period_end(scenario):
    """Effective day 30; sales suspended days 130-144: days 140-144 beyond the 10
    consecutive days of grace; due day 144, paid day 731 with 587 days' interest."""
    t, log = play(scenario, {"events": {"suspensions": [[100, 15]]}})
    paid = log.first(ev.DAMAGES_PAID)
    acc = log.first(ev.DAMAGES_ACCRUED)
    assert (paid.day, acc.details["from_day"], acc.details["to_day"]) == (731, 140, 144)
    assert paid.details["amount_usd"] == pytest.approx(5 * PER_DAY, abs=0.01)
    assert paid.details["interest_usd"] == pytest.approx(5 * PER_DAY * 0.12 * 587 / 365,
                                                         abs=0.01)
    assert not breaches(log, t)
    assert outcomes(log, t)["damages_maintenance_usd"] == pytest.approx(1781.80)


def test_very_late_damages_stop_at_the_10_percent_cap(scenario):
    """Drafted day 400: filing days 31-400 and effectiveness days 401-410: 380 days,
    $135,413 uncapped; paid $106,907.79 (10%)."""
    t, log = play(scenario, {"company": {"prep_days": 400}})
    paid = log.of_kind(ev.DAMAGES_PAID)
    assert sum(e.details["amount_usd"] for e in paid) == pytest.approx(PRICE * 0.10, abs=0.01)
    assert [e.details["failure"] for e in log.of_kind(ev.DAMAGES_ACCRUED)] == ["filing",
                                                                               "effectiveness"]
    assert log.of_kind(ev.DAMAGES_ACCRUED)[1].details["amount_usd"] == 0
    assert not [f for f in audit(log, t) if f.kind == "damages_not_as_agreed"]


def test_keep_effective_120_days_ends_the_period_early(scenario):
    t, log = play(scenario, keep_effective_max_days=120)
    ended = log.first(ev.EFFECTIVENESS_ENDED)
    assert (ended.day, ended.details["reason"]) == (150, "max_days")
    assert not breaches(log, t)


def test_under_a_demand_damages_run_from_the_1a_deadline(scenario, terms):
    """The agreement as written plus damages: Demand Notice day 10, received day 12
    (deadline day 57); drafted 60 days after receipt: filed day 72, 15 days late."""
    from conftest import DEMAND_PATH
    script = deep_merge(DEMAND_PATH, {"company": {"prep_days": 60}})
    t = dataclasses.replace(terms, damages_rate_percent_per_30_days=1.0,
                            damages_cap_percent=10.0, cooldown_scope="defined_term")
    log = run_deal(t, scenario, seed=0, script=build(Script, script, "s"))
    assert log.first(ev.STATEMENT_FILED).day == 72
    assert not log.of_kind(ev.REGISTRATION_REQUIRED)
    paid = log.first(ev.DAMAGES_PAID)
    assert (paid.details["failure"], paid.details["amount_usd"]) == ("filing", 5345.39)
    assert not [f for f in audit(log, t) if f.kind == "damages_not_as_agreed"]


def test_the_agreement_as_written_pays_no_damages(scenario, terms):
    log = run_deal(terms, scenario, seed=0, deal=3)
    assert not log.of_kind(ev.DAMAGES_PAID) and not log.of_kind(ev.REGISTRATION_REQUIRED)
    assert "rule144_day" not in log.first(ev.DEAL_CLOSED).details


def _doctor(log, kind, change):
    out, done = [], False
    for e in log:
        if e.kind == kind and not done:
            done = True
            e = change(e)
            if e is None:
                continue
        out.append(e)
    return EventLog(out)


def test_audit_catches_doctored_damages(scenario):
    t, log = play(scenario, {"company": {"prep_days": 45}})
    assert not [f for f in audit(log, t) if f.kind == "damages_not_as_agreed"]

    def less(e):
        d = dict(e.details, amount_usd=5000.0)
        return e._replace(details=d)

    found = [f for f in audit(_doctor(log, ev.DAMAGES_PAID, less), t)
             if f.kind == "damages_not_as_agreed"]
    assert len(found) == 1 and "5,345.39" in found[0].message
    found = [f for f in audit(_doctor(log, ev.DAMAGES_PAID, lambda e: None), t)
             if f.kind == "damages_not_as_agreed"]
    assert len(found) == 1 and "not paid" in found[0].message

    def unequal(e):
        p = list(e.details["payees"])
        p[0], p[1] = (p[0][0], p[0][1] + 500), (p[1][0], p[1][1] - 500)
        return e._replace(details=dict(e.details, payees=tuple(p)))

    assert [f for f in audit(_doctor(log, ev.DAMAGES_PAID, unequal), t)
            if f.kind == "damages_not_as_agreed"]
    assert outcomes(_doctor(log, ev.DAMAGES_PAID, less), t)["damages_not_as_agreed"] == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(rate=st.sampled_from([0.5, 1.0, 2.0, 5.0]), cap=st.sampled_from([0.0, 2.0, 10.0]),
       consecutive=st.integers(0, 30), per_year=st.integers(0, 40),
       deal=st.integers(0, 10_000))
def test_random_pipe_deals_damages_capped_and_paid_to_the_investors(
        scenario, rate, cap, consecutive, per_year, deal):
    t = dataclasses.replace(PIPE, damages_rate_percent_per_30_days=rate,
                            damages_cap_percent=cap,
                            damages_grace_consecutive_days=consecutive,
                            damages_grace_days_per_12_months=per_year)
    log = DealModel(t, scenario, seed=7).run(deal)
    paid = log.of_kind(ev.DAMAGES_PAID)
    amount = sum(e.details["amount_usd"] for e in paid)
    if cap:
        assert amount <= PRICE * cap / 100 + 0.01 * len(paid)
    for e in paid:
        assert sum(v for _, v in e.details["payees"]) == pytest.approx(
            e.details["amount_usd"] + e.details["interest_usd"], abs=1e-6)
    assert not [f for f in audit(log, t) if f.kind in ("damages_not_as_agreed",
                                                      "effectiveness_ended_early")]
    row = outcomes(log, t)
    assert row["damages_usd"] == pytest.approx(amount + row["damages_interest_usd"], abs=0.02)


# --- The Company's own offering held back (§1(c), §1(d)) --------------------------------
def _held_back_play(terms, scenario, prob=1.0, **company):
    """The demand path of tests/conftest.py (demand received day 12, filed day 47,
    effective day 57) and a public offering of 1,000,000 Company shares planned day 5,
    to file day 30 and be effective day 90; the price stays $0.10. The hold-back is
    the exogenous draw (``hold_back_prob``): the strategic Company's weighing of it is
    tests/test_strategy_company.py's."""
    from conftest import DEMAND_PATH
    sc = dataclasses.replace(scenario, offerings=dataclasses.replace(
        scenario.offerings, hold_back_prob=prob))
    script = deep_merge(DEMAND_PATH, {"company": {"invoke_delay": False, **company},
                                      "offerings": [{"type": "public", "plan_day": 5,
                                                     "file_day": 30, "effective_day": 90,
                                                     "company_shares": 1_000_000}]})
    t = dataclasses.replace(terms, cooldown_scope="defined_term")
    return t, run_deal(t, sc, seed=0, script=build(Script, script, "s"), policy="scenario")


def test_offering_held_back_until_the_demand_statement_is_effective(terms, scenario):
    """Held day 30 to day 57 (27 days): $100,000 x 15% x 27/365 = $1,109.59; filed day 57,
    effective 27 days later than planned (day 117)."""
    t, log = _held_back_play(terms, scenario)
    held, released = log.first(ev.OFFERING_HELD_BACK), log.first(ev.OFFERING_RELEASED)
    assert (held.day, held.details["cycle"], held.details["value_usd"]) == (30, 0, 100_000.0)
    assert (released.day, released.details["held_days"]) == (57, 27)
    assert released.details["cost_usd"] == pytest.approx(100_000 * 0.15 * 27 / 365, abs=0.01)
    assert log.first(ev.OFFERING_FILED).day == 57
    assert log.first(ev.OFFERING_EFFECTIVE).day == 117
    row = outcomes(log, t)
    assert (row["offerings_held_back"], row["hold_back_days"]) == (1, 27)
    assert row["hold_back_cost_usd"] == pytest.approx(1109.59)


def test_no_hold_back_when_unlikely_or_the_demand_was_delayed_for_it(terms, scenario):
    _, log = _held_back_play(terms, scenario, prob=0.0)
    assert not log.of_kind(ev.OFFERING_HELD_BACK)
    assert log.first(ev.OFFERING_FILED).day == 30
    # §1(d): the Company delayed the demand for this offering: it files as planned.
    _, log = _held_back_play(terms, scenario, invoke_delay=True)
    assert log.first(ev.DELAY_INVOKED).details["offering"] == "offering-1"
    assert not log.of_kind(ev.OFFERING_HELD_BACK)
    assert log.first(ev.OFFERING_FILED).day == 30


def test_outcome_row_counts_from_the_closing_for_a_mandatory_registration(scenario):
    t, log = play(scenario)
    row = outcomes(log, t)
    assert (row["demand_day"], row["demand_received_day"], row["filing_day"],
            row["effective_day"], row["days_demand_to_effective"]) == (0, 0, 20, 30, 30)
    assert row["demands_made"] == 0
