"""Fact patterns for the Company's own registrations (§3), expenses (§4) and claims (§5),
played through the model with what-if scripts.

Unless a test says otherwise: one public offering, plans fixed day 0, Registration
Notice given day 2, filed day 30, effective day 60; every notice takes 2 days (§8(a));
every Investor asks to be included 3 days after the notice arrives and accepts the
underwriting terms; the price stays at the closing price; the Investors' own demand
comes much later (day 1000) and plays no part.
"""

import dataclasses

import pytest

from sim.engine import events as ev
from sim.read.audit import audit
from sim.core.config import build, deep_merge
from sim.deal.model import run_deal
from sim.read.outcomes import outcomes
from sim.world.scenario import scenario_from_dict
from sim.world.script import Script

OFFERING = {"type": "public", "plan_day": 0, "notice_day": 2, "file_day": 30,
            "effective_day": 60}
BASE = {
    "demand": {"day": 1000, "by": ["inv01", "inv02", "inv05"]},
    "latency": {"default": 2},
    "investors": {"all": {"piggyback": True, "piggyback_response_days": 3,
                          "accept_underwriting": True}},
    "offerings": [OFFERING],
    "events": {"market_returns": []},
}


def play(terms, scenario, script=None, **term_changes):
    data = deep_merge(BASE, script or {})
    t = dataclasses.replace(terms, **term_changes)
    return t, run_deal(t, scenario, seed=0, script=build(Script, data, "test-script"))


def offering(**changes):
    return {"offerings": [{**OFFERING, **changes}]}


@pytest.mark.parametrize("kind, words", [
    ("stock_plan", "Company stock plan"), ("rule_145", "Rule 145"),
    ("convertible_debt", "conversion of debt securities")])
def test_3a_excluded_registrations_need_no_notice(terms, scenario, kind, words):
    """§3(a): no Registration Notice for a stock-plan, Rule 145 or convertible-debt
    registration, and the log says which exclusion applies."""
    _, log = play(terms, scenario, offering(type=kind))
    skipped = log.first(ev.REGISTRATION_NOTICE_NOT_REQUIRED)
    assert skipped is not None and words in skipped.details["reason"]
    assert log.first(ev.REGISTRATION_NOTICE_GIVEN) is None
    assert log.first(ev.PIGGYBACK_REQUESTED) is None


def test_3a_window_counts_from_the_day_the_notice_is_given(terms, scenario):
    """§3(a): notice given day 2, so requests must arrive by day 22. inv09's copy takes 10
    days (received day 12); it answers 9 days later and its request arrives day 31 --
    within 20 days of *its receipt*, but too late. Everyone else's arrives day 9."""
    t, log = play(terms, scenario, {"latency": {"inv09": 10},
                                    "investors": {"inv09": {"piggyback_response_days": 9}}})
    late = log.first(ev.PIGGYBACK_REJECTED)
    assert (late.actor, late.day, late.details["last_day"]) == ("inv09", 31, 22)
    timely = [e for e in log if e.kind == ev.PIGGYBACK_REQUESTED]
    assert len(timely) == 11 and all(e.day == 9 for e in timely)
    assert not [f for f in audit(log, t) if f.severity == "breach"]


def test_3a_notice_after_filing_is_a_breach(terms, scenario):
    """§3(a): "prior to filing": a notice given on the filing day is late."""
    t, log = play(terms, scenario, offering(notice_day=30))
    assert log.first(ev.REGISTRATION_NOTICE_GIVEN).details["before_filing"] is False
    assert "registration_notice_late" in {f.kind for f in audit(log, t)}
    assert outcomes(log, t)["registration_notice_late"] is True


def test_3b_withdrawn_registration_costs_the_company_its_expenses(terms, scenario):
    """§3(b) with §4: the Company withdraws on day 50; the requests fall away and the
    Company still pays the Registration Expenses; no seller pays anything."""
    t, log = play(terms, scenario, offering(effective_day=None, withdrawn_day=50))
    withdrawn = log.first(ev.OFFERING_WITHDRAWN)
    assert withdrawn.day == 50 and withdrawn.details["requests_dropped"] == 12
    paid = log.first(ev.REGISTRATION_EXPENSES_PAID)
    assert (paid.day, paid.details["withdrawn"], paid.details["payer"]) == (50, True, "company")
    assert log.first(ev.SELLING_COSTS_PAID, registration="offering-1") is None


def test_4_company_pays_registration_expenses_sellers_pay_their_discount(terms, scenario):
    """§4: on an unlimited non-underwritten offering of the Company's 0 shares plus all
    21,381,558 requested shares at $0.10, the SEC fee is 2,138,155.8 / 1,000,000 x $80.90
    = $172.98; the Company pays every Registration Expenses item, and each seller pays
    the 2% brokers' commission on the shares it sells: at $0.10, below the Warrants' $0.30
    exercise price, inv01 sells its 5,000,000 Common and conversion shares, not its
    1,000,000 warrant shares (recitals)."""
    _, log = play(terms, scenario, offering(underwritten=False))
    paid = log.first(ev.REGISTRATION_EXPENSES_PAID)
    items = dict(paid.details["items"])
    assert items["registration_fee"] == pytest.approx(172.98, abs=0.01)
    assert paid.details["payer"] == "company"
    costs = [e for e in log if e.kind == ev.SELLING_COSTS_PAID and e.details["registration"]
             == "offering-1"]
    inv01 = next(e for e in costs if e.actor == "inv01")
    assert inv01.details["shares"] == 5_000_000
    assert inv01.details["cost_usd"] == pytest.approx(0.02 * 500_000.0)
    unsold = log.first(ev.WARRANT_SHARES_UNSOLD, registration="offering-1")
    assert unsold.details["reason"] == "out_of_the_money"
    assert dict(unsold.details["sellers"])["inv01"] == 1_000_000


def test_3c_underwriter_cutback_pro_rata_to_holdings_with_the_affiliate_group(terms, scenario):
    """§3(c): the Company sells 10,000,000 shares and the underwriters' limit is
    14,000,000: 4,000,000 are left for the 21,381,558 requested Registrable Shares and the
    Other Holders' shares. Each seller gets its share pro rata to its holdings; the fund-a
    partners (inv02, inv03, inv04: 5,100,000 shares) are cut as one holder and split
    6:1.5:1 inside the group."""
    t, log = play(terms, scenario, offering(underwritten=True, company_shares=10_000_000,
                                            marketing_limit=14_000_000),
                  cutback_rule="pro_rata_holdings")
    cut = log.first(ev.CUTBACK_APPLIED)
    alloc = {i: a for i, _r, _h, _g, _inv, a in cut.details["sellers"]}
    assert sum(alloc.values()) == 4_000_000
    held = sum(h for _i, _r, h, _g, _inv, _a in cut.details["sellers"])
    group = alloc["inv02"] + alloc["inv03"] + alloc["inv04"]
    assert group == pytest.approx(4_000_000 * 5_100_000 / held, abs=2)
    assert alloc["inv02"] / alloc["inv04"] == pytest.approx(6.0, rel=1e-4)
    assert not [f for f in audit(log, t) if f.severity == "breach"]
    row = outcomes(log, t)
    assert row["cutbacks"] == 1 and 0.8 < row["cutback_fraction"] < 0.83


def test_3c_investor_refusing_the_underwriting_terms_drops_out(terms, scenario):
    """§3(c): an Investor who will not accept the underwriting terms is not included."""
    _, log = play(terms, scenario, {**offering(underwritten=True, company_shares=1_000_000,
                                               marketing_limit=100_000_000),
                                    "investors": {"inv01": {"accept_underwriting": False}}})
    assert log.first(ev.UNDERWRITING_TERMS_REFUSED).actor == "inv01"
    sold = {e.actor for e in log if e.kind == ev.SELLING_COSTS_PAID}
    assert "inv01" not in sold and "inv02" in sold


@pytest.mark.parametrize("switch, cut", [("none", False), ("pro_rata_as_3c", True),
                                         ("investors_first", True)])
def test_1b_underwritten_demand_registration_follows_demand_cutback(terms, scenario,
                                                                    switch, cut):
    """§1(b): no cutback rule for a demand registration as written; the switch supplies
    one when the demand registration is underwritten."""
    # §1(c): the requesting holders specify the method of disposition.
    world = scenario_from_dict({"investor_behaviour": {"demand_underwritten_prob": 1.0}})
    script = {"demand": {"day": 10}, "offerings": [],
              "investors": {"all": {"join": True, "join_response_days": 2,
                                    "info_response_days": 3}}}
    _, log = play(terms, world, script, demand_cutback=switch, cooldown_scope="defined_term")
    assert log.first(ev.STATEMENT_FILED).details["underwritten"] is True
    applied = log.first(ev.CUTBACK_APPLIED)
    assert (applied is not None) == cut
    if cut:
        assert applied.clause == "§1(b)" and applied.details["rule"] == switch


def test_5_claim_is_allocated_in_full(terms, scenario):
    """§5: with a claim certain after the offering, the loss is asserted and borne in
    full by the parties §5 makes responsible."""
    world = scenario_from_dict({"claims": {"claim_prob": 1.0}})
    _, log = play(terms, world, offering(underwritten=True, company_shares=1_000_000,
                                         marketing_limit=100_000_000))
    claim = log.first(ev.CLAIM_ASSERTED, registration="offering-1")
    loss = log.first(ev.LOSS_ALLOCATED, registration="offering-1")
    assert claim is not None and loss.day == claim.day
    assert sum(usd for _, usd in loss.details["borne"]) == pytest.approx(
        claim.details["loss_usd"], abs=0.05)


def test_3c_cutback_per_investor_from_the_log(terms, scenario):
    """The per-Investor cutback table is read from the log: one row per Investor cut."""
    from sim.read.outcomes import investor_cutbacks

    _, log = play(terms, scenario, offering(underwritten=True, company_shares=10_000_000,
                                            marketing_limit=14_000_000))
    rows = investor_cutbacks(log)
    assert {r["investor"] for r in rows} == {i.id for i in scenario.investors}
    inv01 = next(r for r in rows if r["investor"] == "inv01")
    assert inv01["requested"] == 6_000_000
    assert inv01["cutback_fraction"] == pytest.approx(1 - inv01["allocated"] / 6_000_000)
