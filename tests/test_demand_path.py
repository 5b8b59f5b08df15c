"""Fact patterns for the whole demand path, played through the model with what-if scripts.

Each test fixes every draw that matters, so the expected days can be checked by hand:
Demand Notice sent day 10 by inv01, inv02 and inv05 (2,000,000 of 3,563,593 Units, a
majority); every notice takes 2 days (§8(a)); the Company gives its Company Notice 3
days after receipt; drafting takes 20 days; every Investor joins after 2 days and
answers §6 requests after 3, and none piggy-backs on a Company offering; no review; no
offerings; the Company uses its §1(c) cooldown right where it has one. Unless a test
says otherwise the cooldown reads §1(c) as the §7 defined term, so the 2002 resale statement (day -86)
does not hold the filing.
"""

import dataclasses

import pytest

from conftest import DEMAND_PATH
from sim.engine import events as ev
from sim.read.audit import audit
from sim.core.config import build, deep_merge
from sim.deal.model import run_deal
from sim.read.outcomes import outcomes
from sim.world.script import Script

BASE = deep_merge(DEMAND_PATH, {"company": {"invoke_cooldown": True}})


#: Monthly log returns taking the price from $0.10 to about $0.45 from day 30 on: above
#: the Warrants' $0.30 exercise price, so Investors exercise to sell (recitals).
IN_THE_MONEY = [1.5] + [0.0] * 60


def play(terms, scenario, script=None, policy="strategic", **term_changes):
    script_data = deep_merge(BASE, script or {})
    t = dataclasses.replace(terms, **{"cooldown_scope": "defined_term", **term_changes})
    log = run_deal(t, scenario, seed=0, script=build(Script, script_data, "test-script"),
                   policy=policy)
    return t, log


def day_of(log, kind, **match):
    e = log.first(kind, **match)
    assert e is not None, f"no {kind} {match}"
    return e.day


def test_1a_window_33_to_45_days_after_demand_receipt(terms, scenario):
    """§1(a): Demand received day 12, Company Notice given day 15 and received day 17:
    file no sooner than day 47 (17 + 30) and no later than day 57 (12 + 45)."""
    t, log = play(terms, scenario)
    assert day_of(log, ev.DEMAND_RECEIVED) == 12
    assert day_of(log, ev.COMPANY_NOTICE_GIVEN) == 15
    w = log.first(ev.FILING_WINDOW_SET)
    assert (w.day, w.details["floor"], w.details["deadline"]) == (17, 47, 57)
    assert day_of(log, ev.STATEMENT_FILED) == 47
    assert day_of(log, ev.STATEMENT_EFFECTIVE) == 47 + 7 + 3
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_1a_every_timely_joinder_is_registered(terms, scenario):
    """§1(a): requests received day 19 (given 15 + 20 = day 35 is the last day) count."""
    _, log = play(terms, scenario)
    joined = {e.actor for e in log if e.kind == ev.JOINDER_RECEIVED}
    assert joined == {i.id for i in scenario.investors} - {"inv01", "inv02", "inv05"}
    filed = log.first(ev.STATEMENT_FILED)
    assert filed.details["shares_registered"] == 3_563_593 * 6


def test_1a_late_joinder_is_rejected(terms, scenario):
    """§1(a): inv09 receives the notice day 17, sends day 47, received day 49 > day 35."""
    _, log = play(terms, scenario, {"investors": {"inv09": {"join": True,
                                                            "join_response_days": 30}}})
    rejected = log.first(ev.JOINDER_REJECTED)
    assert (rejected.actor, rejected.day, rejected.details["last_day"]) == ("inv09", 49, 35)
    assert "inv09" not in log.first(ev.STATEMENT_FILED).details["sellers"]


@pytest.mark.parametrize("switch, filed, kind", [
    ("file_at_floor", 64, ev.FILING_DEADLINE_MISSED),
    ("file_at_deadline", 57, ev.FILED_BEFORE_FLOOR),
])
def test_1a_company_notice_20_days_late_empties_the_window(terms, scenario, switch, filed,
                                                           kind):
    """§1(a): Company Notice given day 32 (20 days after receipt: late), received day 34;
    floor day 64 > deadline day 57. The switch decides which limit gives way. (The
    exogenous policy: a strategic Company asks the Investors to waive the limit it
    breaks, tests/test_waivers.py.)"""
    t, log = play(terms, scenario, {"company": {"notice_delay_days": 20}},
                  policy="scenario", empty_window=switch)
    assert log.first(ev.COMPANY_NOTICE_LATE).details["days_after_demand"] == 20
    empty = log.first(ev.WINDOW_EMPTY)
    assert (empty.details["floor"], empty.details["deadline"]) == (64, 57)
    # info answers (requested day 32) arrive day 39; drafting done day 32
    assert day_of(log, ev.STATEMENT_FILED) == filed
    assert log.first(kind) is not None
    kinds = {f.kind for f in audit(log, t)}
    assert "window_empty" in kinds and "company_notice_late" in kinds


def test_6_late_information_delays_filing_and_is_the_investors_fault(terms, scenario):
    """§6: inv01 answers 60 days after the request arrives: received day 15+2+60+2 = 79,
    past the deadline day 57; the Company files that day and the fault is inv01's."""
    t, log = play(terms, scenario, {"investors": {"inv01": {"info_response_days": 60}}})
    assert log.first(ev.INFO_RECEIVED, late=True).actor == "inv01"
    missed = log.first(ev.FILING_DEADLINE_MISSED)
    assert (missed.day, missed.clause, missed.details["fault"]) == (79, "§6", "investor")
    assert [f.severity for f in audit(log, t) if f.kind == "filing_late_investor"] == [
        "investor_fault"]
    assert outcomes(log, t)["filing_delayed_by_investor"] is True


DELAY = {"company": {"invoke_delay": True, "delay_hold_days": 200},
         "offerings": [{"type": "public", "plan_day": 0, "file_day": 5, "effective_day": 60,
                        "notice_day": 1}]}


@pytest.mark.parametrize("scope, filed", [("defined_term", 181), ("any_statement", 241)])
def test_1d_delay_capped_120_days_after_offering_then_1c_cooldown(terms, scenario, scope,
                                                                  filed):
    """§1(d): an offering filed day 5 is under way at the demand: the Company may delay
    through day 60 + 120 = 180 and resumes day 181. §1(c): under `any_statement` the
    offering's effectiveness (day 60) also bars a filing through day 240 (to day 241).
    (The exogenous policy: a late strategic Company in a cooldown asks the Investors to
    waive the deadline and files at once, tests/test_waivers.py.)"""
    t, log = play(terms, scenario, DELAY, policy="scenario", cooldown_scope=scope)
    assert day_of(log, ev.DELAY_INVOKED) == 12
    ended = log.first(ev.DELAY_ENDED)
    assert (ended.day, ended.details["cap_day"]) == (181, 180)
    assert day_of(log, ev.STATEMENT_FILED) == filed
    assert log.first(ev.FILING_DEADLINE_MISSED) is None
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_1c_offering_with_piggybacked_shares_counts_under_defined_term(terms, scenario):
    """§1(c) with §7: once Investors' Registrable Shares are included in the Company's
    offering, its statement "permits the secondary resale" of them, so even the narrow
    reading bars a filing within 180 days of its effectiveness (day 60 -> day 241)."""
    script = deep_merge(DELAY, {"investors": {"inv09": {"piggyback": True,
                                                        "piggyback_response_days": 1}}})
    _, log = play(terms, scenario, script, policy="scenario", cooldown_scope="defined_term")
    assert log.first(ev.PIGGYBACK_REQUESTED).actor == "inv09"
    assert log.first(ev.OFFERING_EFFECTIVE).details["investor_shares"] > 0
    assert day_of(log, ev.STATEMENT_FILED) == 241


def test_1d_no_delay_for_an_excluded_registration(terms, scenario):
    """§1(d) with §3(a): a stock-plan registration gives no right to delay."""
    script = deep_merge(DELAY, {"offerings": [{"type": "stock_plan", "plan_day": 0,
                                               "file_day": 5, "effective_day": 5}]})
    _, log = play(terms, scenario, script)
    assert log.first(ev.DELAY_INVOKED) is None
    assert day_of(log, ev.STATEMENT_FILED) == 47


def test_1c_prior_statement_cooldown_under_any_statement(terms, scenario):
    """§1(c): the 2002 resale statement became effective day -86: under `any_statement`
    no registration is required through day 94 (-86 + 180), and the deadline gives way
    to it: filed day 95."""
    t, log = play(terms, scenario, cooldown_scope="any_statement")
    assert log.first(ev.COOLDOWN_APPLIED).details["until"] == 95
    assert day_of(log, ev.STATEMENT_FILED) == 95
    assert log.first(ev.FILING_DEADLINE_MISSED) is None


def test_1c_withdrawal_after_adverse_information_does_not_use_the_demand(terms, scenario):
    """§1(c): withdrawn day 30 at the Investors' request because of later material
    information: the demand is not used up, and the renewed demand is honoured."""
    t, log = play(terms, scenario, {"events": {"mai_day": 30}})
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.day, w.details["demand_used"]) == (30, False)
    renewed = [e for e in log if e.kind == ev.DEMAND_RECEIVED]
    assert len(renewed) == 2 and log.first(ev.DEMAND_REFUSED) is None
    assert log.first(ev.STATEMENT_EFFECTIVE).details["cycle"] == 1
    assert outcomes(log, t)["demands_used"] == 1


def test_1a_capital_shortfall_then_second_demand(terms, scenario):
    """§1(a): with 25,000,000 shares reserved the headroom is 5,742,675 for 10,690,779
    conversion and warrant shares; the rest waits for more authorized capital and a
    second demand, which does not count against the one demand (§1(c))."""
    t, log = play(terms, scenario, {"company": {"reserved_other_shares": 25_000_000,
                                                "capital_increase_days": 30}})
    filed = log.first(ev.STATEMENT_FILED)
    assert filed.details["shares_unregistered_capital"] == 10_690_779 - 5_742_675
    assert day_of(log, ev.CAPITAL_INCREASED) == 47 + 30
    second = log.first(ev.DEMAND_SENT, second=True)
    assert second is not None
    effective = [e for e in log if e.kind == ev.STATEMENT_EFFECTIVE]
    assert sum(e.details["shares"] for e in effective) == 3_563_593 * 6
    row = outcomes(log, t)
    # §1(c): the first statement did not cover "all shares ... specified", so it did
    # not use the demand up (RULES.md, corrected); the second demand never counts.
    assert (row["demands_used"], row["second_demand_made"]) == (0, True)
    assert log.first(ev.DEMAND_NOT_SATISFIED, cycle=0) is not None


def test_2_suspension_pushes_sales_back_and_period_ends_when_all_sold(terms, scenario):
    """§2: effective day 57; a prospectus amendment suspends sales days 67-72; each seller
    needs 100 usable days, so all are sold out on day 57 + 100 + 5 = 162 (§2(e)). The price
    is above the Warrants' $0.30 (recitals), so the warrant shares are sold too."""
    t, log = play(terms, scenario, {"events": {"suspensions": [[10, 5]],
                                               "market_returns": IN_THE_MONEY}})
    assert day_of(log, ev.SALES_SUSPENDED) == 67 and day_of(log, ev.SALES_RESUMED) == 72
    end = log.first(ev.EFFECTIVENESS_ENDED)
    assert (end.day, end.details["reason"], end.details["suspension_days"]) == (162, "all_sold", 5)
    assert outcomes(log, t)["fraction_sold_first_year"] == 1.0


def test_2e_one_year_limit(terms, scenario):
    """§2(e): a seller needing 400 usable days is cut off one year after effectiveness:
    effective May 26, 2003 (day 57), ended May 26, 2004, 366 days later (the year spans
    Feb 29, 2004). In the money, the warrant shares sell at the same pace."""
    _, log = play(terms, scenario, {"investors": {"all": {"sell_days": 400}},
                                    "events": {"market_returns": IN_THE_MONEY}})
    end = log.first(ev.EFFECTIVENESS_ENDED)
    assert (end.day, end.details["reason"]) == (57 + 366, "one_year")
    assert end.details["shares_sold"] == 3_563_593 * 6 * 366 // 400


@pytest.mark.parametrize("responses, breach", [([60, 45], True), ([30, 30], False)])
def test_1a_missed_target_is_a_breach_only_if_late_responses_caused_it(
        terms, scenario, responses, breach):
    """§1(a): filed day 47; comments day 72, 2 letters, 10 days staff turnaround, 4 days
    to clear. Answers of 60 and 45 days (30 and 15 beyond `late_response_days`) make it
    effective day 47 + 25 + 60 + 10 + 45 + 4 = 191 > target 167: the Company's own 45
    days caused it. With 30-day answers (none late) it is effective day 146."""
    script = {"review": {"reviewed": True, "first_comment_days": 25, "comment_letters": 2,
                         "response_days": responses, "turnaround_days": [10],
                         "clearance_days": 4}}
    t, log = play(terms, scenario, script)
    effective = day_of(log, ev.STATEMENT_EFFECTIVE)
    assert effective == 47 + 25 + sum(responses) + 10 + 4
    missed = log.first(ev.TARGET_MISSED)
    if breach:
        assert missed.details["breach"] is True and missed.details["company_delay_days"] == 45
        assert "target_missed_company" in {f.kind for f in audit(log, t)}
    else:
        assert missed is None


def test_8a_notices_effective_on_dispatch_variant(terms, scenario):
    """§8(a) as negotiated: every notice given when sent. Receipt is still arrival: the
    Demand Notice is received day 12 and the Company Notice day 17 (floor 47, deadline
    57); only the joinder window moves, to the day the notice was sent (15 + 20 = 35)."""
    _, log = play(terms, scenario, notices_effective="on_dispatch")
    assert day_of(log, ev.DEMAND_RECEIVED) == 12
    w = log.first(ev.FILING_WINDOW_SET)
    assert (w.details["floor"], w.details["deadline"]) == (47, 57)
    assert {e.details["last_day"] for e in log if e.kind == ev.JOINDER_RECEIVED} == {35}


def test_1a_minority_demand_is_refused(terms, scenario):
    """§1(a): inv01 and inv03 hold 1,150,000 of 3,563,593 Units, not a majority."""
    t, log = play(terms, scenario, {"demand": {"by": ["inv01", "inv03"]}})
    assert log.first(ev.DEMAND_REFUSED).clause == "§1(a)"
    assert log.first(ev.STATEMENT_FILED) is None
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_1c_withdrawn_after_filing_the_shares_are_registered_again_later(terms, scenario):
    """§1(c): withdrawn day 50, after the filing on day 47, for later material adverse
    information: the statement registered nothing, the demand is not used up, and the
    renewed demand registers every Registrable Share once (the Company paid the expenses
    of the withdrawn statement, §4)."""
    _, log = play(terms, scenario, {"events": {"mai_day": 50}})
    w = log.first(ev.STATEMENT_WITHDRAWN)
    assert (w.day, w.details["filed"], w.details["demand_used"]) == (50, True, False)
    assert log.first(ev.REGISTRATION_EXPENSES_PAID, withdrawn=True) is not None
    effective = [e for e in log if e.kind == ev.STATEMENT_EFFECTIVE]
    assert [e.details["cycle"] for e in effective] == [1]
    assert effective[0].details["shares"] == 3_563_593 * 6
