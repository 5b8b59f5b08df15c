"""Calendar years (§2(b)/(e) "one year", RULES.md "Counting days") and the Warrants
(recitals, §7): fact patterns from the agreement's words, and their invariants."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import dates
from sim.engine import events as ev
from sim.read.audit import audit
from sim.core.config import ConfigError
from sim.deal.model import run_deal
from sim.law.rules.procedures import effectiveness_end_day
from sim.law.rules.securities import warrant_expiry_day, warrant_sale, warrant_shares
from sim.world.scenario import scenario_from_dict
from sim.world.script import Script
from sim.law.terms import Terms, terms_from_dict

T = Terms()
CLOSING = date(2003, 3, 30)           # the agreement's date, day 0 of the default scenario


# --- the calendar ---------------------------------------------------------------------------

def test_day_and_date_round_trip():
    """Day 0 is the closing, Sun 30 Mar 2003; day 24 is Wed 23 Apr 2003."""
    assert dates.date_of(0, CLOSING) == CLOSING
    assert dates.label(24, CLOSING) == "Wed 23 Apr 2003"
    assert dates.day_of(date(2003, 5, 19), CLOSING) == 50
    assert dates.date_of(-86, CLOSING) == date(2003, 1, 3)    # the earlier resale statement


def test_add_years_leap_day_ends_on_february_28():
    """A year from Feb 29, 2004 ends Feb 28, 2005 (no Feb 29 that year), never in March."""
    assert dates.add_years(date(2004, 2, 29), 1) == date(2005, 2, 28)
    assert dates.add_years(date(2004, 2, 29), 4) == date(2008, 2, 29)
    assert dates.add_years(date(2003, 5, 19), 1) == date(2004, 5, 19)


# --- §2(b), §2(e): one year after the effective date, by the calendar -----------------------

def test_2e_one_year_from_may_19_2003_is_may_19_2004_366_days():
    """§2(e) "one year from the effective date": effective May 19, 2003 (day 50) -> kept
    effective to May 19, 2004 (day 416): 366 days, the year spans Feb 29, 2004. (A
    365-day year ended a day early, on May 18, 2004.)"""
    end = effectiveness_end_day(50, None, T, CLOSING)
    assert dates.date_of(end, CLOSING) == date(2004, 5, 19)
    assert end - 50 == 366


def test_2e_one_year_from_a_2004_date_after_february_29_is_365_days():
    """§2(e): effective Apr 1, 2004 -> to Apr 1, 2005: 365 days (no Feb 29 inside)."""
    start = dates.day_of(date(2004, 4, 1), CLOSING)
    assert effectiveness_end_day(start, None, T, CLOSING) - start == 365


def test_2e_one_year_counts_from_the_scenarios_closing_date():
    """§2(e): the same day number under a 2005 closing spans no Feb 29: 365 days."""
    assert effectiveness_end_day(50, None, T, date(2005, 3, 30)) - 50 == 365


def test_2e_negotiated_two_years_by_the_calendar():
    """§2(e) variant keep_effective_years = 2: May 19, 2003 -> May 19, 2005 (731 days)."""
    assert effectiveness_end_day(50, None, Terms(keep_effective_years=2), CLOSING) == 50 + 731


def test_old_keep_effective_days_key_names_the_new_key():
    """A terms file still using keep_effective_days gets one line naming the new key."""
    with pytest.raises(ConfigError, match="keep_effective_days: replaced by "
                                          "keep_effective_years"):
        terms_from_dict({"keep_effective_days": 365}, "old.toml")


def test_closing_date_is_a_validated_scenario_field():
    """The closing date is a date (TOML date or ISO string), nothing else."""
    assert scenario_from_dict({}).closing_date == CLOSING
    assert scenario_from_dict({"closing_date": "2004-01-02"}).closing_date == date(2004, 1, 2)
    with pytest.raises(ConfigError, match="closing_date: must be a date"):
        scenario_from_dict({"closing_date": 20030330}, "s.toml")


def test_engine_keeps_a_may_19_2003_statement_effective_to_may_19_2004(terms, scenario):
    """§2(e) in the engine: a statement effective May 19, 2003 (day 50) whose warrant
    shares stay out of the money is kept effective to May 19, 2004, day 416."""
    script = Script(**{"demand": {"day": 5, "by": ["inv01", "inv02", "inv05"]},
                       "company": {"notice_delay_days": 0, "invoke_delay": False,
                                   "prep_days": 0},
                       "review": {"reviewed": False, "no_review_days": 0,
                                  "clearance_days": 0},
                       "events": {"market_returns": [0.0] * 30}})
    sc = dataclasses.replace(scenario, prior_statements=())
    log = run_deal(terms, sc, 0, 0, script=script)
    eff = log.first(ev.STATEMENT_EFFECTIVE)
    assert eff is not None
    ended = log.first(ev.EFFECTIVENESS_ENDED)
    assert ended.details["reason"] == "one_year"
    assert dates.date_of(ended.day, CLOSING) == dates.add_years(
        dates.date_of(eff.day, CLOSING), 1)
    assert not [f for f in audit(log, terms) if f.kind == "effectiveness_ended_early"]


# --- Warrants (recitals, §7) ----------------------------------------------------------------

def test_7_one_registrable_share_in_six_is_a_warrant_share():
    """Recitals: a Unit is 3 Common + 1 Preferred (-> 2) + 1 Warrant (-> 1): 600 shares
    offered carry 100 warrant shares."""
    assert warrant_shares(600, T) == 100
    assert warrant_shares(5, T) == 0


def test_7_warrants_expire_three_calendar_years_after_issue():
    """Recitals "three-year warrants": issued at the closing, Mar 30, 2003 -> last day
    Mar 30, 2006, day 1096 (2004 is a leap year)."""
    assert warrant_expiry_day(0, T, CLOSING) == 1096


def test_7_sale_at_050_exercises_and_nets_the_exercise_price():
    """Recitals: 600 shares incl. 100 warrant shares sold at $0.50 -> all sold; net
    proceeds 600 x 0.50 - 100 x 0.30 = $270 (before selling costs)."""
    sale = warrant_sale(600, 0.50, 100, 1096, T)
    assert (sale.shares_sold, sale.exercised) == (600, 100)
    assert sale.gross_usd == pytest.approx(300.0)
    assert sale.net_usd == pytest.approx(600 * 0.50 - 100 * 0.30)


def test_7_out_of_the_money_warrant_shares_are_not_sold():
    """Recitals: at $0.25 (below the $0.30 exercise price) the Investor does not exercise:
    500 shares sold, the 100 warrant shares not."""
    sale = warrant_sale(600, 0.25, 100, 1096, T)
    assert (sale.shares_sold, sale.exercised, sale.unsold_out_of_money) == (500, 0, 100)
    assert sale.net_usd == pytest.approx(500 * 0.25)


def test_7_at_the_money_is_not_exercised():
    """Recitals: price equal to the exercise price: nothing to gain, no exercise."""
    assert warrant_sale(600, 0.30, 100, 1096, T).unsold_out_of_money == 100


def test_7_after_expiry_warrant_shares_are_never_sold():
    """Recitals: after the three-year term (day 1097 on) warrant shares cannot be sold at
    any price; on the last day (1096) they still can."""
    late = warrant_sale(600, 5.00, 1097, 1096, T)
    assert (late.shares_sold, late.unsold_expired, late.exercised) == (500, 100, 0)
    assert warrant_sale(600, 5.00, 1096, 1096, T).exercised == 100


def test_7_exercise_price_is_a_term():
    """A negotiated exercise price of $0.10 makes a $0.25 sale worth exercising."""
    sale = warrant_sale(600, 0.25, 100, 1096, Terms(warrant_exercise_price_usd=0.10))
    assert sale.exercised == 100 and sale.net_usd == pytest.approx(600 * 0.25 - 100 * 0.10)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**8), st.floats(0.0, 10.0, allow_nan=False),
       st.integers(-100, 2000), st.floats(0.0, 2.0, allow_nan=False))
def test_net_proceeds_never_exceed_gross_nor_go_negative(shares, price, day, strike):
    """Invariant: net proceeds <= gross, never negative, and never below zero per share
    sold; what is sold plus what is left unsold is what was offered."""
    sale = warrant_sale(shares, price, day, 1096, Terms(warrant_exercise_price_usd=strike))
    assert 0.0 <= sale.net_usd <= sale.gross_usd + 1e-9
    assert sale.shares_sold + sale.unsold_out_of_money + sale.unsold_expired == shares
    assert sale.exercised <= sale.warrant_shares <= shares
    if sale.exercised:
        assert sale.net_usd / sale.shares_sold >= price - strike - 1e-9


def _script(returns, day=5):
    return Script(**{"demand": {"day": day, "by": ["inv01", "inv02", "inv05"]},
                     "company": {"notice_delay_days": 0, "invoke_delay": False},
                     "review": {"reviewed": False},
                     "investors": {i: {"sell_days": 30} for i in
                                   ("inv01", "inv02", "inv03", "inv04", "inv05", "inv06",
                                    "inv07", "inv08", "inv09", "inv10", "inv11", "note01")},
                     "offerings": [],
                     "events": {"market_returns": returns}})


def test_resale_in_the_money_exercises_and_caps_at_net_proceeds(terms, scenario):
    """Recitals, §5(b): the price rises to about $0.45 (> $0.30) before the statement is
    effective: the Investors exercise, the log says so, and the net proceeds (the §5(b)
    cap) are gross less exercise price less commission."""
    log = run_deal(terms, scenario, 0, 0, script=_script([1.5] + [0.0] * 40))
    ex = log.first(ev.WARRANTS_EXERCISED)
    assert ex is not None and ex.clause == "recitals"
    assert ex.details["exercise_usd"] == pytest.approx(ex.details["shares"] * 0.30, abs=0.01)
    assert log.first(ev.WARRANT_SHARES_UNSOLD) is None
    ended = log.first(ev.EFFECTIVENESS_ENDED)
    assert ended.details["reason"] == "all_sold"
    assert ended.details["shares_sold"] == ended.details["shares_registered"]


def test_resale_out_of_the_money_leaves_warrant_shares_unsold(terms, scenario):
    """Recitals: at the closing price ($0.10 < $0.30) no Investor exercises: one warrant
    share in six stays unsold, logged with the reason, and the statement stays effective
    for the year (§2(e): not all covered shares are sold)."""
    log = run_deal(terms, scenario, 0, 0, script=_script([0.0] * 40))
    assert log.first(ev.WARRANTS_EXERCISED) is None
    unsold = log.first(ev.WARRANT_SHARES_UNSOLD)
    assert unsold is not None and unsold.details["reason"] == "out_of_the_money"
    ended = log.first(ev.EFFECTIVENESS_ENDED)
    assert ended.details["reason"] == "one_year"
    assert (ended.details["shares_sold"] + unsold.details["shares"]
            == ended.details["shares_registered"])
    costs = log.first(ev.SELLING_COSTS_PAID, registration="demand-0")
    assert costs.details["shares"] == ended.details["shares_sold"]


def test_resale_after_expiry_never_sells_warrant_shares(terms, scenario):
    """Recitals: a demand on day 1100, after the warrants issued at a closing on Mar 30,
    2000 expired (Mar 30, 2003, day 1095): no warrant share is sold, however high the
    price, and the Investors' other shares sell out."""
    sc = dataclasses.replace(scenario, closing_date=date(2000, 3, 30))
    log = run_deal(terms, sc, 0, 0, script=_script([1.5] + [0.0] * 60, day=1100))
    unsold = log.first(ev.WARRANT_SHARES_UNSOLD)
    assert unsold is not None and unsold.details["reason"] == "expired"
    assert log.first(ev.WARRANTS_EXERCISED) is None
    assert log.first(ev.EFFECTIVENESS_ENDED).details["reason"] == "all_sold"


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 10_000),
       st.sampled_from([0.05, 0.10, 0.35, 1.00]))
def test_engine_sells_warrant_shares_only_in_the_money_before_expiry(seed, deal, price0):
    """Invariant over random deals: the engine exercises only above the exercise price
    (never paying more than the shares fetch), leaves warrant shares unsold only at or
    below it or after expiry, and never sells more than a statement registered."""
    from sim.world.scenario import load_scenario

    base = load_scenario()
    sc = dataclasses.replace(base, market=dataclasses.replace(base.market, price0=price0))
    log = run_deal(T, sc, seed, deal)
    expiry = log.first(ev.DEAL_CLOSED).details["warrant_expiry_day"]
    unsold: dict[str, int] = {}
    for e in log:
        d = e.details
        if e.kind == ev.WARRANTS_EXERCISED:
            assert d["price"] > d["exercise_price"]
            assert d["exercise_usd"] <= d["shares"] * d["price"] + 0.01
        elif e.kind == ev.WARRANT_SHARES_UNSOLD:
            unsold[d["registration"]] = unsold.get(d["registration"], 0) + d["shares"]
            if d["reason"] == "out_of_the_money":
                assert d["price"] <= d["exercise_price"]
        elif e.kind == ev.EFFECTIVENESS_ENDED:
            reg = f"demand-{d['cycle']}"
            assert d["shares_sold"] <= d["shares_registered"]
            if d["effective_day"] > expiry:
                assert not log.first(ev.WARRANTS_EXERCISED, registration=reg)
        elif e.kind == ev.SELLING_COSTS_PAID:
            assert d["cost_usd"] <= d["gross_usd"] + 0.01
    for e in log.of_kind(ev.EFFECTIVENESS_ENDED):
        d = e.details
        assert d["shares_sold"] + unsold.get(f"demand-{d['cycle']}", 0) <= d["shares_registered"]


def test_5b_cap_is_the_net_proceeds_after_the_exercise_price(terms, scenario, monkeypatch):
    """§5(b) "limited to an amount equal to the proceeds to each Selling Investor", with
    the recitals: inv01 sells its 6,000,000 shares, 1,000,000 of them by exercising at
    $0.30: the proceeds that cap its indemnity (and weigh its §5(d) benefit) are
    6,000,000 x price - 1,000,000 x $0.30 - the 2% commission, not the gross."""
    from agents import claims
    from sim.deal.model import DealModel

    seen = {}
    monkeypatch.setattr(claims, "schedule_claim",
                        lambda model, reg, index, net, gross, company, uw: seen.update(
                            {reg: (dict(net), gross)}))
    model = DealModel(terms, scenario, 0, script=_script([1.5] + [0.0] * 40))
    log = model.run(0)
    ex = log.first(ev.WARRANTS_EXERCISED, registration="demand-0")
    price, exercised = ex.details["price"], dict(ex.details["sellers"])["inv01"]
    sold = model.holdings.sold["inv01"]
    assert (sold, exercised) == (6_000_000, 1_000_000)
    net, gross = seen["demand-0"]
    assert net["inv01"] == pytest.approx(sold * price - exercised * 0.30 - 0.02 * sold * price)
    assert net["inv01"] < sold * price * 0.98 <= gross
