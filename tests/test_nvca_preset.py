"""The nvca-2020 preset played through the model: whole-deal fact patterns.

Timeline of the what-if script (tests/conftest.py DEMAND_PATH): Demand Notice sent day
10 by inv01, inv02 and inv05 (2,000,000 of 3,563,593 Units), every notice 2 days in
transit, Company Notice 3 days after receipt, drafting 20 days, joiners answer after 2
days, no review (effective 7 + 3 days after filing), no offerings. Under nvca-2020 the
window has no floor and a 60-day deadline, so the statement is filed when the joinder
window closes (notice given day 15 + 20 = day 35).
"""

from __future__ import annotations

import pytest

import dataclasses

from conftest import DEMAND_PATH
from sim.core.config import build, deep_merge
from sim.deal.model import run_deal
from sim.engine import events as ev
from sim.engine.events import Event, EventLog
from sim.law.terms import load_terms
from sim.read.audit import audit
from sim.world.scenario import scenario_from_dict
from sim.world.script import Script

NVCA = load_terms("nvca-2020")
BASE = deep_merge(DEMAND_PATH, {"company": {"invoke_cooldown": True, "invoke_delay": False}})
ALL_SHARES = 3_563_593 * 6


def play(script=None, terms=NVCA, scenario=None, **term_changes):
    data = deep_merge(BASE, script or {})
    data = {k: v for k, v in data.items() if v is not None}     # "demand": None drops it
    t = dataclasses.replace(terms, **term_changes)
    sc = scenario if scenario is not None else scenario_from_dict({})
    return t, run_deal(t, sc, seed=0, script=build(Script, data, "test-script"))


def breaches(log, t):
    return [f for f in audit(log, t) if f.severity in ("breach", "inconsistent")]


def doctored(log, change):
    """The log with one event changed by ``change(event) -> event or None``."""
    out = []
    for e in log:
        new = change(e)
        out.append(e if new is None else new)
    return EventLog(out).freeze()


def test_window_without_floor_runs_60_days_from_receipt():
    """Demand sent day 3, received day 5: file by day 65 (no floor); the Company files
    when the joinder window closes, day 8 + 20 = 28, and nothing is breached."""
    t, log = play({"demand": {"day": 3}})
    w = log.first(ev.FILING_WINDOW_SET)
    assert (w.details["demand_received_day"], w.details["floor"], w.details["deadline"]) == (
        5, 5, 65)
    assert log.first(ev.STATEMENT_FILED).day == 28
    rec = log.first(ev.DEMAND_RECEIVED)
    assert rec.details["form"] == "long-form"
    assert rec.details["s3_eligible"] is False
    assert not breaches(log, t)


def test_demand_below_40_percent_is_refused_and_does_not_count():
    """inv01, inv02 and inv05 hold a majority of the Units but ask for 1,000,000 shares
    each, 3,000,000 of 21,381,558 (14%): refused under "NVCA IRA"; no statement."""
    shares = {"inv01": 1_000_000, "inv02": 1_000_000, "inv05": 1_000_000}
    t, log = play({"demand": {"shares": shares}})
    refused = log.first(ev.DEMAND_REFUSED)
    assert refused is not None and refused.clause == "NVCA IRA"
    assert refused.details["registrable_shares"] == ALL_SHARES
    assert log.first(ev.STATEMENT_FILED) is None
    assert log.first(ev.DEMAND_SATISFIED) is None
    assert not breaches(log, t)


def test_audit_catches_a_refusal_of_a_demand_large_enough():
    """A doctored log where the same refused demand asked for 9,000,000 shares (42%)."""
    shares = {"inv01": 1_000_000, "inv02": 1_000_000, "inv05": 1_000_000}
    t, log = play({"demand": {"shares": shares}})

    def bigger(e):
        if e.kind == ev.DEMAND_RECEIVED:
            return e._replace(details={**e.details, "shares": 9_000_000})
    found = breaches(doctored(log, bigger), t)
    assert [(f.kind, f.clause) for f in found] == [("demand_refused", "NVCA IRA")]


def test_s3_demand_when_the_company_is_eligible():
    """company.s3_eligible = true: the demand is an S-3 demand, to be filed within 45
    days of receipt (day 12 + 45 = 57); it does not use a long-form demand."""
    sc = scenario_from_dict({"company": {"s3_eligible": True}})
    t, log = play(scenario=sc)
    assert log.first(ev.DEMAND_RECEIVED).details["form"] == "S-3"
    assert log.first(ev.FILING_WINDOW_SET).details["deadline"] == 57
    assert log.first(ev.STATEMENT_FILED).details["form"] == "S-3"
    sat = log.first(ev.DEMAND_SATISFIED)
    assert sat.details["counts"] is False and sat.details["demands_used"] == 0
    assert not breaches(log, t)


def test_bestnet_scenario_is_not_s3_eligible():
    """2003: Form S-3 resales needed a listed or Nasdaq class; BestNet was on the OTC
    Bulletin Board (the scenario's s3_eligible = false)."""
    t, log = play()
    assert log.first(ev.DEMAND_RECEIVED).details["form"] == "long-form"
    assert log.first(ev.DEMAND_SATISFIED).details["counts"] is True


def test_board_deferral_holds_the_demand_60_days():
    """Received day 12, the Board defers it 60 days: DEMAND_DEFERRED day 12 until day 72;
    the filing resumes on day 72, its deadline (day 72) excused to then."""
    t, log = play({"company": {"invoke_delay": True, "delay_hold_days": 60}})
    d = log.first(ev.DEMAND_DEFERRED)
    assert (d.day, d.clause, d.details["basis"], d.details["until"]) == (
        12, "NVCA IRA", "board_judgment", 72)
    assert log.first(ev.DEFERRAL_ENDED).day == 72
    assert log.first(ev.STATEMENT_FILED).day == 72
    assert log.first(ev.DELAY_INVOKED) is None
    assert not breaches(log, t)


def test_board_deferral_is_capped_at_120_days():
    """Held 200 days by the policy, the deferral ends day 12 + 121 = 133 at the latest."""
    t, log = play({"company": {"invoke_delay": True, "delay_hold_days": 200}})
    assert log.first(ev.DEFERRAL_ENDED).day == 133
    assert not breaches(log, t)


def test_audit_catches_a_deferral_past_the_cap():
    t, log = play({"company": {"invoke_delay": True, "delay_hold_days": 200}})

    def later(e):
        if e.kind in (ev.DEFERRAL_ENDED, ev.STATEMENT_FILED):
            return e._replace(day=150)
    kinds = [f.kind for f in breaches(doctored(log, later), t)]
    assert "delay_past_cap" in kinds


def _renewed(second_day):
    """Cycle 0 withdrawn day 20 solely for information made known day 15 (after the
    request: not used up); the Investors demand again on ``second_day``."""
    return {"demand": None, "demands": [
        {"day": 10, "by": ["inv01", "inv02", "inv05"],
         "withdrawal": {"day": 20, "cause": "information", "information_day": 15}},
        {"day": second_day, "by": ["inv01", "inv02", "inv05"]}],
        "company": {"invoke_delay": True, "delay_hold_days": 30}}


def test_one_deferral_in_12_months():
    """Deferred on day 12; the renewed demand received day 202 is within 12 months and
    is not deferred; one received day 402 (a year after day 12 is day 378) is."""
    t, log = play(_renewed(200))
    assert [(e.day, e.details["cycle"]) for e in log.of_kind(ev.DEMAND_DEFERRED)] == [(12, 0)]
    assert not breaches(log, t)
    t, log = play(_renewed(400))
    assert [(e.day, e.details["cycle"]) for e in log.of_kind(ev.DEMAND_DEFERRED)] == [
        (12, 0), (402, 1)]
    assert not breaches(log, t)


def test_audit_catches_a_second_deferral_in_12_months():
    t, log = play(_renewed(200))
    rec = [e for e in log.of_kind(ev.DEMAND_RECEIVED) if e.details["cycle"] == 1][0]
    events = list(log)
    i = events.index(rec)
    events.insert(i + 1, Event(rec.day, ev.DEMAND_DEFERRED, "company", "NVCA IRA", dict(
        cycle=1, basis="board_judgment", until=rec.day + 30, offering=None,
        estimated_file_day=None)))
    kinds = [f.kind for f in breaches(EventLog(events).freeze(), t)]
    assert "delay_reused" in kinds


OFFERING = {"type": "public", "plan_day": 0, "file_day": 60, "effective_day": 90,
            "underwritten": False, "distribution_days": 5, "company_shares": 1_000_000}


@pytest.mark.parametrize("hold_back_prob", [0.0, 1.0])
def test_an_offering_the_blackout_waits_for_is_never_held_back_for_that_demand(
        hold_back_prob):
    """The demand received day 12 waits in the blackout for the Company's offering; were
    the Company then to hold that offering back until the demand is effective (§1(c),
    §1(d) hold-back), each would wait for the other for ever. The offering files on its
    day 60 whatever the chance of a hold-back, and the demand is filed on day 271."""
    sc = scenario_from_dict({"offerings": {"hold_back_prob": hold_back_prob}})
    t, log = play({"offerings": [OFFERING]}, scenario=sc)
    assert log.first(ev.DEMAND_DEFERRED).details["basis"] == "blackout"
    assert not log.of_kind(ev.OFFERING_HELD_BACK)
    assert log.first(ev.OFFERING_FILED).day == 60
    assert log.first(ev.STATEMENT_FILED).day == 271


def test_blackout_before_a_company_offering_then_180_days_after_it():
    """Offering planned day 0, estimated filing day 60, effective day 90: the demand
    received day 12 is in the blackout (from day 0) until 180 days after day 90: the
    Company acts again on day 271, and files then."""
    t, log = play({"offerings": [OFFERING]})
    d = log.first(ev.DEMAND_DEFERRED)
    assert (d.day, d.details["basis"], d.details["offering"]) == (12, "blackout", "offering-1")
    end = log.first(ev.DEFERRAL_ENDED)
    assert (end.day, end.details["offering_effective"]) == (271, True)
    assert log.first(ev.STATEMENT_FILED).day == 271
    assert not breaches(log, t)


def test_demand_after_a_company_offering_waits_for_its_cooldown():
    """A demand received day 102, 12 days after the Company's offering became effective
    (day 90): the cooldown of the Company-initiated registration holds the filing to
    day 271; a demand statement would not start one (company_registrations)."""
    t, log = play({"demand": {"day": 100}, "offerings": [OFFERING]})
    assert log.first(ev.DEMAND_DEFERRED) is None
    cool = log.first(ev.COOLDOWN_APPLIED)
    assert (cool.day, cool.details["until"], cool.details["scope"]) == (
        125, 271, "company_registrations")
    assert log.first(ev.STATEMENT_FILED).day == 271
    assert not breaches(log, t)


def test_audit_catches_a_blackout_held_past_its_end():
    t, log = play({"offerings": [OFFERING]})

    def later(e):
        if e.kind in (ev.DEFERRAL_ENDED, ev.STATEMENT_FILED):
            return e._replace(day=280)
    assert "delay_past_cap" in [f.kind for f in breaches(doctored(log, later), t)]


def test_blackout_ends_when_the_offering_is_withdrawn():
    """The offering filed day 30 and withdrawn day 40: the blackout ends then, no
    cooldown; the demand is filed that day (its 60-day deadline, day 72, not passed)."""
    withdrawn = {**OFFERING, "file_day": 30, "effective_day": None, "withdrawn_day": 40}
    withdrawn.pop("effective_day")
    t, log = play({"offerings": [withdrawn]})
    assert log.first(ev.DEFERRAL_ENDED).day == 40
    assert log.first(ev.COOLDOWN_APPLIED) is None
    assert log.first(ev.STATEMENT_FILED).day == 40
    assert not breaches(log, t)


def test_no_blackout_when_the_filing_is_more_than_60_days_away():
    """Estimated filing day 80: the blackout starts day 20, after the receipt (day 12)."""
    t, log = play({"offerings": [{**OFFERING, "file_day": 80, "effective_day": 110}]})
    assert log.first(ev.DEMAND_DEFERRED) is None
    assert not breaches(log, t)


def test_audit_catches_a_blackout_without_an_offering():
    t, log = play({"offerings": [{**OFFERING, "file_day": 80, "effective_day": 110}]})
    rec = log.first(ev.DEMAND_RECEIVED)
    events = list(log)
    events.insert(events.index(rec) + 1, Event(rec.day, ev.DEMAND_DEFERRED, "company",
                                               "NVCA IRA", dict(
        cycle=0, basis="blackout", until=None, offering="offering-1",
        estimated_file_day=80)))
    kinds = [f.kind for f in breaches(EventLog(events).freeze(), t)]
    assert "delay_without_basis" in kinds


def test_demand_used_up_with_three_quarters_of_the_shares():
    """25,000,000 shares reserved: 4,948,104 of the 21,381,558 shares requested wait for
    authorized capital; 77% registered uses the demand up under NVCA (>= 50%), not under
    the 2003 agreement ("all shares")."""
    script = {"company": {"reserved_other_shares": 25_000_000, "capital_increase_days": 30}}
    t, log = play(script)
    sat = log.first(ev.DEMAND_SATISFIED, cycle=0)
    assert sat is not None and sat.details["counts"] is True
    assert not breaches(log, t)
    t2, log2 = play(script, terms=load_terms("bestnet-2003"), cooldown_scope="defined_term")
    assert log2.first(ev.DEMAND_SATISFIED, cycle=0) is None
    assert log2.first(ev.DEMAND_NOT_SATISFIED, cycle=0) is not None


def test_audit_uses_the_50_percent_bar():
    """The audit, read with the 2003 terms, calls the same NVCA log's count a breach."""
    script = {"company": {"reserved_other_shares": 25_000_000, "capital_increase_days": 30}}
    t, log = play(script)
    strict = dataclasses.replace(t, demand_used_min_included_percent=100.0)
    assert "demand_counted_unsatisfied" in [f.kind for f in breaches(log, strict)]


def test_third_demand_in_12_months_is_long_form():
    """Eligible for S-3: demands sent days 10 and 30 are S-3 demands, each withdrawn solely
    for information made known after the request (not used up, §1(c)); the third, sent
    day 50, finds the 2 S-3 demands of 12 months used: long-form, 60 days to file."""
    def cycle(day):
        return {"day": day, "by": ["inv01", "inv02", "inv05"],
                "withdrawal": {"day": day + 10, "cause": "information",
                               "information_day": day + 5}}
    sc = scenario_from_dict({"company": {"s3_eligible": True}})
    t, log = play({"demand": None, "demands": [cycle(10), cycle(30),
                                               {"day": 50, "by": ["inv01", "inv02", "inv05"]}]},
                  scenario=sc)
    forms = [(e.day, e.details["form"]) for e in log.of_kind(ev.DEMAND_RECEIVED)]
    assert forms == [(12, "S-3"), (32, "S-3"), (52, "long-form")]
    assert log.first(ev.FILING_WINDOW_SET, cycle=2).details["deadline"] == 52 + 60
    sat = log.first(ev.DEMAND_SATISFIED, cycle=2)
    assert sat.details["counts"] is True and sat.details["demands_used"] == 1
    assert not breaches(log, t)
