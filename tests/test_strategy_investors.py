"""The strategic Investors (agents/strategy/investors.py, docs/decisions.md "The Investors
and their coalitions"): the value of registering now, the demand desire, coalitions for a
§1(a) majority, joining, piggy-backing, underwriting terms and withdrawal on the price.

Numbers of the fact patterns: the BestNet preset (a Unit of $0.30 gives 6 Registrable
Shares: a cost of $0.05 a share; the Common at $0.10 at the closing; volatility 100%;
Rule 144(k) on day 731; 3,563,593 Units, a majority above 1,781,796.5).
"""

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sim.core.config import build
from sim.deal.model import DealModel
from sim.engine import events as ev
from sim.engine.events import EventLog
from sim.law.terms import load_terms
from sim.world.distributions import Fixed
from sim.world.scenario import InvestorStrategy, Strategy
from sim.world.script import Script
from agents.strategy.investors import cost_per_share

STRATEGIC_ONLY = {ev.CHOICE_MADE, ev.DEMAND_SOLICITED, ev.COALITION_FORMED,
                  ev.COALITION_FAILED}


def _scenario(scenario, patience=None, **strategy):
    ib = scenario.investor_behaviour
    if patience is not None:
        ib = dataclasses.replace(ib, demand_patience_days=Fixed(value=patience),
                                 price_trigger=0.0)
    return dataclasses.replace(scenario, investor_behaviour=ib, strategy=Strategy(
        investors=InvestorStrategy(**strategy)))


def _script(returns, **more):
    data = {"offerings": [], "events": {"market_returns": list(returns), "suspensions": []}}
    data.update(more)
    return build(Script, data, "test")


def _kinds(log, kind):
    return [e for e in log.events if e.kind == kind]


def _first_day(log, kind):
    days = [e.day for e in log.events if e.kind == kind]
    return days[0] if days else math.inf


# --- The value of registering now ------------------------------------------------------
def test_cost_per_share_is_the_unit_price_over_registrable_shares_per_unit(terms):
    # Recitals: "a purchase price per Unit of $0.30"; §7: 6 Registrable Shares a Unit.
    assert terms.registrable_per_unit == 6
    assert cost_per_share(terms) == pytest.approx(0.05)


def test_value_counts_warrant_shares_only_in_the_money(terms, scenario):
    m = DealModel(terms, _scenario(scenario, action_cost_usd=1.0), 0,
                  script=_script([]))
    m.run(0)
    pol, inv = m.policy, m.investor("inv01")
    # $0.10 < the $0.30 exercise price: 5 of 6 shares count.
    from sim.world.marketability import longstaff_discount
    disc = longstaff_discount(1.0, (731 - 10) / 365)
    assert pol.value_now(inv, 10, 6_000) == pytest.approx(5_000 * 0.10 * disc)
    # Past Rule 144(k) the right is worth nothing.
    assert pol.value_now(inv, 731, 6_000) == 0.0


# --- Demand desire and the trigger price (§1(a)) ---------------------------------------
def test_a_price_above_the_trigger_brings_the_demand_forward(terms, scenario):
    # Liquidity need on day 400; the price reaches $0.165 on day 90 (month 3), above
    # 3 x $0.05: with the trigger the Investors demand on day 90, without it on day 400.
    script = _script([0.0, 0.0, 0.5])
    with_trigger = DealModel(terms, _scenario(scenario, 400, trigger_price_ratio=3.0,
                                              action_cost_usd=1000.0), 1, script=script)
    without = DealModel(terms, _scenario(scenario, 400, action_cost_usd=1000.0), 1,
                        script=script)
    assert _first_day(with_trigger.run(0), ev.DEMAND_SENT) == 90
    assert _first_day(without.run(0), ev.DEMAND_SENT) == 400


def test_no_desire_after_rule_144k(terms, scenario):
    # Liquidity need after the Rule 144(k) day (731): nobody ever wants a registration.
    m = DealModel(terms, _scenario(scenario, 800, action_cost_usd=1.0), 1,
                  script=_script([]))
    log = m.run(0)
    assert not _kinds(log, ev.DEMAND_SENT) and not _kinds(log, ev.DEMAND_SOLICITED)


# --- Coalitions (§1(a)) ----------------------------------------------------------------
def _solicit(terms, scenario, desire, solicitor, day=10, **strategy):
    m = DealModel(terms, _scenario(scenario, **strategy), 0, script=_script([]))
    m.run(0)
    m.log = EventLog()
    names = {i.name: None for i in m.investors}
    names.update(desire)
    got = m.policy.solicit(m.investor(solicitor), m.investors, names, day, 0, False,
                           m.total_units, log=True)
    return got, m.log.events


def test_the_coalition_asks_its_group_first_then_by_units_and_stops_at_a_majority(
        terms, scenario):
    # inv04 (fund-a, 100,000 Units) wants a registration; everyone's value of registering
    # now is above a $1 cost at $0.10 >= the $0.05 reservation. It asks its partners
    # inv02 (600,000) and inv03 (150,000), then the largest, inv01 (1,000,000): 1,850,000
    # Units, a majority; nobody else is asked.
    got, events = _solicit(terms, scenario, {"inv04": 10}, "inv04",
                           action_cost_usd=1.0, reservation_price_ratio=1.0)
    asks = [e.details for e in events if e.kind == ev.DEMAND_SOLICITED]
    assert [a["asked"] for a in asks] == ["inv02", "inv03", "inv01"]
    assert [a["order"] for a in asks] == [1, 2, 3]
    assert all(a["answer"] for a in asks)
    assert asks[-1]["units_so_far"] == 1_850_000
    assert got == ("inv04", "inv02", "inv03", "inv01")
    formed = [e for e in events if e.kind == ev.COALITION_FORMED]
    assert formed[0].details["units"] == 1_850_000
    assert formed[0].clause == "§1(a)" and formed[0].actor == "inv04"


def test_a_coalition_short_of_a_majority_fails_and_says_why(terms, scenario):
    # A reservation of 100 x $0.05: only those who want a registration themselves agree
    # (inv01, inv05): 1,500,000 Units, no majority. The order: fund-a, then by Units
    # (note01's 508,194 before inv05's 400,000).
    got, events = _solicit(terms, scenario, {"inv04": 10, "inv01": 5, "inv05": 8}, "inv04",
                           reservation_price_ratio=100.0)
    assert got is None
    asks = [e.details for e in events if e.kind == ev.DEMAND_SOLICITED]
    assert [a["asked"] for a in asks] == ["inv02", "inv03", "inv01", "note01", "inv05",
                                          "inv06", "inv07", "inv08", "inv09", "inv10",
                                          "inv11"]
    assert {a["asked"]: a["reason"] for a in asks}["inv02"] == "price below its reservation"
    assert [a["asked"] for a in asks if a["answer"]] == ["inv01", "inv05"]
    failed = [e for e in events if e.kind == ev.COALITION_FAILED]
    assert failed[0].details["members"] == ("inv04", "inv01", "inv05")
    assert failed[0].details["units"] == 1_500_000


def test_a_failed_coalition_is_logged_and_tried_again(terms, scenario):
    # An action cost of $600,000: on day 10 (liquidity need) only inv01's value of
    # registering now ($853k at $0.10) exceeds it; inv02 ($512k) and the rest refuse:
    # the coalition fails. On day 120 the price doubles to $0.20: inv02 ($913k) and
    # note01 ($773k) now want a registration; inv02 asks again and inv01 and note01 make
    # the majority (2,108,194 Units). The Demand Notice goes on day 120.
    m = DealModel(terms, _scenario(scenario, 10, action_cost_usd=600_000.0), 1,
                  script=_script([0.0, 0.0, 0.0, math.log(2.0)]))
    log = m.run(0)
    failed = _kinds(log, ev.COALITION_FAILED)
    formed = _kinds(log, ev.COALITION_FORMED)
    assert [(e.day, e.actor, e.details["members"]) for e in failed] == [
        (10, "inv01", ("inv01",))]
    assert formed[0].day == 120 and formed[0].actor == "inv02"
    assert formed[0].details["members"] == ("inv02", "inv01", "note01")
    assert formed[0].details["units"] == 2_108_194
    sent = _kinds(log, ev.DEMAND_SENT)[0]
    assert sent.day == 120 and sent.details["initiating"] == ("inv02", "inv01", "note01")
    # Nothing is logged for the silent month-start soundings in between.
    assert not [e for e in log.events if e.kind == ev.DEMAND_SOLICITED and 10 < e.day < 120]


def test_a_cycle_stops_trying_once_a_later_cycle_has_begun(terms, scenario):
    # An attempt of cycle 0 that would succeed (everyone wants a registration) is given
    # up when cycle 1 (e.g. a capital increase's second demand) has begun meanwhile.
    m = DealModel(terms, _scenario(scenario, action_cost_usd=1.0), 0, script=_script([]))
    m.run(0)
    m.log = EventLog()
    group = m.investor_group
    before = len(m.registrations)
    everyone = {i.name: 5 for i in m.investors}
    group.cycles = 2
    group._attempt(0, False, everyone, 10)
    assert not m.log.events and len(m.registrations) == before
    group.cycles = 1
    group._attempt(0, False, everyone, 10)
    assert _kinds(m.log, ev.COALITION_FORMED)


# --- Join, piggy-back, withdrawal ------------------------------------------------------
def test_an_investor_whose_value_is_below_its_action_cost_does_not_join(terms, scenario):
    # A $50,000 action cost, a flat $0.10: on the Company Notice inv11 (38,733 Units:
    # 232,398 shares, 193,665 of them not warrant shares, x $0.10 x Longstaff's 1.7 =
    # about $33,000) does not ask to be included; inv09 (100,000 Units, about $85,000)
    # does (§1(a)).
    m = DealModel(terms, _scenario(scenario, 10, action_cost_usd=50_000.0), 1,
                  script=_script([], company={"notice_delay_days": 3, "prep_days": 20}))
    log = m.run(0)
    joins = {e.actor: e.details for e in log.events
             if e.kind == ev.CHOICE_MADE and e.details["choice"] == "join"}
    initiating = _kinds(log, ev.DEMAND_SENT)[0].details["initiating"]
    assert "inv11" not in initiating and "inv09" not in initiating
    assert joins["inv11"]["chosen"] is False and joins["inv11"]["value_usd"] < 50_000
    # inv09's draw said "join" too: a choice the cost did not change logs nothing more.
    assert "inv09" not in joins
    assert joins["inv11"]["natural"] is True
    joined = {e.actor for e in log.events if e.kind == ev.JOINDER_RECEIVED}
    assert "inv09" in joined and "inv11" not in joined


def test_below_its_reservation_an_investor_does_not_join_nor_piggy_back(terms, scenario):
    # A flat price of $0.10 (no market moves), a reservation of 3 x $0.05: nobody wants a
    # demand, and every Registration Notice is answered "no"; with 1 x $0.05, "yes".
    script = build(Script, {"events": {"market_returns": []}}, "test")   # offerings drawn
    high = DealModel(terms, _scenario(scenario, reservation_price_ratio=3.0,
                                      action_cost_usd=1.0), 7, script=script)
    low = DealModel(terms, _scenario(scenario, reservation_price_ratio=1.0,
                                     action_cost_usd=1.0), 7, script=script)
    asked = yes = 0
    for deal in range(40):
        lh, ll = high.run(deal), low.run(deal)
        assert not _kinds(lh, ev.DEMAND_SENT) and not _kinds(lh, ev.PIGGYBACK_REQUESTED)
        for e in lh.events:
            if e.kind == ev.CHOICE_MADE:
                asked += 1
                assert e.details["chosen"] is False and e.details["natural"] in (True, False)
        yes += sum(1 for e in ll.events if e.kind == ev.CHOICE_MADE
                   and e.details["choice"] == "piggyback" and e.details["chosen"])
    assert asked > 0 and yes > 0


def test_the_investors_withdraw_when_the_price_falls_below_their_reservation(
        terms, scenario):
    # Liquidity need on day 40 at $0.20 (>= the $0.15 reservation): a demand on day 40.
    # On day 60 the price is $0.12: below the reservation, the Initiating Investors ask
    # to withdraw (§1(c)).
    m = DealModel(terms, _scenario(scenario, 40, reservation_price_ratio=3.0,
                                   action_cost_usd=1000.0), 3,
                  script=_script([math.log(2.0), math.log(0.6)]))
    log = m.run(0)
    assert _first_day(log, ev.DEMAND_SENT) == 40
    w = _kinds(log, ev.STATEMENT_WITHDRAWN)[0]
    assert w.day == 60 and w.details["causes"] == ("price",)


# --- The reduction rule --------------------------------------------------------------
@pytest.mark.parametrize("preset", ["bestnet-2003", "pipe-typical", "nvca-2020"])
def test_zero_costs_play_the_scenario_draws(scenario, preset):
    terms = load_terms(preset)
    scenario = dataclasses.replace(scenario, strategy=Strategy())     # every cost zero
    strategic = DealModel(terms, scenario, 11, policy="strategic")
    drawn = DealModel(terms, scenario, 11, policy="scenario")
    for deal in range(300):
        a = [e for e in strategic.run(deal).events if e.kind not in STRATEGIC_ONLY]
        b = drawn.run(deal).events
        assert a == list(b), (preset, deal)


# --- Monotonicity: a higher trigger never makes the first demand earlier -------------
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), deal=st.integers(0, 500),
       low=st.floats(0.5, 6.0), step=st.floats(0.0, 6.0),
       cost=st.sampled_from([1.0, 5_000.0, 100_000.0]),
       reservation=st.sampled_from([0.0, 1.0, 2.0]),
       patience=st.integers(0, 900))
def test_a_higher_trigger_never_makes_the_first_demand_earlier(
        terms, scenario, seed, deal, low, step, cost, reservation, patience):
    def first(ratio):
        sc = _scenario(scenario, patience, trigger_price_ratio=ratio, action_cost_usd=cost,
                       reservation_price_ratio=reservation)
        return _first_day(DealModel(terms, sc, seed).run(deal), ev.COALITION_FORMED)

    assert first(low + step) >= first(low)


# --- The audit on random worlds with the strategic Investors on ---------------------
def test_audit_agrees_on_random_worlds_with_strategic_investors():
    # The volume check's random cases (any number of Investors, groups, horizons, terms)
    # with the proposed [strategy.investors] values on: the outcome rows agree with the
    # audit, no share is sold twice, nothing raises, and every Demand Notice a coalition
    # sends is signed by a majority of the Units (§1(a)).
    from experiments.benchmarks.volume_check import Tally, case_of, check_deal
    from sim.law.rules.demand import is_initiating_majority
    tally = Tally()
    coalitions = 0
    for chunk in range(8):
        terms, sc, seed = case_of(5, chunk)
        sc = dataclasses.replace(sc, strategy=Strategy(investors=InvestorStrategy(
            trigger_price_ratio=3.0, reservation_price_ratio=1.0, action_cost_usd=5000.0)))
        m = DealModel(terms, sc, seed)
        for deal in range(25):
            log = m.run(deal)
            tally.deals += 1
            check_deal(log, terms, sc, "strategic", tally, (chunk, deal))
            formed = {e.details["cycle"]: e for e in log.events
                      if e.kind == ev.COALITION_FORMED}
            coalitions += len(formed)
            # A cycle's attempts stop once a later cycle has begun.
            latest = -1
            for e in log.events:
                if e.kind in (ev.DEMAND_SOLICITED, ev.COALITION_FORMED, ev.COALITION_FAILED):
                    assert e.details["cycle"] >= latest, (chunk, deal)
                    latest = e.details["cycle"]
            for e in log.events:
                if e.kind == ev.DEMAND_SENT and e.details["cycle"] in formed:
                    assert e.details["initiating"] == formed[e.details["cycle"]].details[
                        "members"]
                    assert is_initiating_majority(e.details["units"], m.total_units, terms)
    assert not tally.failed, tally
    assert coalitions > 50
