"""The value of the registration right to the Investors (issue 12, item 1): the scenario's
Rule 144 facts, the Rule 144 exit, the realised value of a registration, and Longstaff's
upper bound. Fact patterns from CALIBRATION.md and the rule's text; Hypothesis on
simulated price paths."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.config import ConfigError
from sim.read.value import (Sale, exit_bound, longstaff_bound, realised_value,
                            value_of_registration)
from sim.world.rule144 import (Tranche, average_weekly_volume, discount_factor,
                               discounted_proceeds, exit_schedule, sale_days, schedule,
                               volume_limit)
from sim.world.scenario import load_scenario, scenario_from_dict

SC = load_scenario()
CLOSING = date(2003, 3, 30)
OUTSTANDING = 19_257_325          # April 21, 2003 (EDGAR), capital.outstanding_common
ONE_PERCENT = 192_573             # floor(1% of it)


# --- the scenario's facts --------------------------------------------------------------

def test_preset_carries_the_2003_rule_144_facts():
    """CALIBRATION.md "Rule 144 (2003)": one-year holding, 1% or four weeks' volume per
    three months, unlimited after two years; the preset's volume and discount rate."""
    f = SC.rule144
    assert (f.holding_years, f.unlimited_years, f.volume_months) == (1, 2, 3)
    assert (f.volume_fraction_outstanding, f.volume_weeks) == (0.01, 4)
    assert f.weekly_volume_counts is False          # OTC Bulletin Board: the 1% only
    assert SC.capital.outstanding_common == OUTSTANDING
    assert SC.market.avg_weekly_volume == 100_000
    assert SC.market.discount_rate == pytest.approx(0.10)


def test_scenario_without_the_new_facts_keeps_the_rule_s_defaults():
    """A scenario table that predates the facts (an old manifest) still loads; the
    dataclass defaults are the rule's text (the weekly measure counts)."""
    from sim.world.scenario import Market, Rule144Facts
    assert Rule144Facts() == Rule144Facts(holding_years=1, unlimited_years=2,
                                          volume_months=3, volume_fraction_outstanding=0.01,
                                          volume_weeks=4, weekly_volume_counts=True)
    m = Market(price0=0.1, annual_volatility=1.0)
    assert (m.avg_weekly_volume, m.discount_rate) == (0, 0.0)


@pytest.mark.parametrize("table, field", [
    ({"rule144": {"holding_years": 2, "unlimited_years": 1}}, "unlimited_years"),
    ({"rule144": {"volume_fraction_outstanding": 1.5}}, "volume_fraction_outstanding"),
    ({"rule144": {"volume_months": 0}}, "volume_months"),
    ({"market": {"avg_weekly_volume": -1}}, "avg_weekly_volume"),
    ({"market": {"discount_rate": -0.01}}, "discount_rate"),
    ({"rule144": {"holding_year": 1}}, "holding_year"),
])
def test_scenario_rejects_bad_rule_144_facts(table, field):
    with pytest.raises(ConfigError, match=field):
        scenario_from_dict(table)


# --- Rule 144(e): the volume limit -----------------------------------------------------

def test_volume_limit_is_the_greater_of_one_percent_and_weekly_volume():
    """144(e)(1): the greater of 1% of the outstanding and the average weekly volume;
    on the OTC Bulletin Board only the 1%."""
    assert volume_limit(OUTSTANDING, 100_000) == ONE_PERCENT
    assert volume_limit(OUTSTANDING, 250_000) == 250_000
    assert volume_limit(OUTSTANDING, 250_000, weekly_volume_counts=False) == ONE_PERCENT
    assert volume_limit(0, 0) == 0
    with pytest.raises(ValueError):
        volume_limit(-1)


def test_average_weekly_volume_is_over_the_last_four_weeks():
    """144(e)(1)(ii): "during the four calendar weeks preceding" the notice."""
    weeks = [1_000_000, 100_000, 200_000, 300_000, 400_000]
    assert average_weekly_volume(weeks) == 250_000
    assert average_weekly_volume(weeks, weeks=5) == 400_000
    with pytest.raises(ValueError):
        average_weekly_volume(weeks[:3])


# --- the Rule 144 exit -----------------------------------------------------------------

def test_sale_days_from_the_2003_closing():
    """Closing March 30, 2003: first sale March 30, 2004 (day 366, the year spans Feb 29),
    then the day after each three calendar months; all on March 30, 2005 (day 731)."""
    days, unlimited = sale_days(CLOSING)
    assert days == [366, 459, 552, 645]
    assert unlimited == 731
    # Acquired later (the notes' Units on April 24, 2003 = day 25): the clock starts then.
    days, unlimited = sale_days(CLOSING, acquired_day=25)
    assert days[0] == 391 and unlimited == 756


def test_exit_on_a_flat_price_nothing_before_a_year_then_the_limit_then_all():
    """The preset: 1,000,000 shares. Nothing before day 366; 192,573 (1% of 19,257,325)
    in each three months; the remaining 229,708 on day 731."""
    ex = exit_schedule(SC, 1_000_000)
    assert ex == (Tranche(366, ONE_PERCENT), Tranche(459, ONE_PERCENT),
                  Tranche(552, ONE_PERCENT), Tranche(645, ONE_PERCENT),
                  Tranche(731, 1_000_000 - 4 * ONE_PERCENT))
    assert min(t.day for t in ex) == 366
    # Proceeds on a flat $0.10 without discounting: every share at $0.10.
    assert discounted_proceeds(ex, lambda day: 0.10, 0.0) == pytest.approx(100_000.0)
    # A holding the limit sells at once: one tranche on the first day.
    assert exit_schedule(SC, 150_000) == (Tranche(366, 150_000),)


def test_an_affiliate_never_leaves_the_volume_limit():
    """144(k) is for non-affiliates: an affiliate sells at the limit every three months."""
    ex = exit_schedule(SC, 1_000_000, affiliate=True)
    assert [t.shares for t in ex] == [ONE_PERCENT] * 5 + [1_000_000 - 5 * ONE_PERCENT]
    assert ex[4].day == 736      # April 4, 2005: the day after three months from day 645
    with pytest.raises(ValueError, match="unsold"):
        schedule(1_000, 10, [366, 459], None)


def test_weekly_volume_raises_the_limit_when_it_counts():
    sc = scenario_from_dict({"market": {"avg_weekly_volume": 300_000},
                             "rule144": {"weekly_volume_counts": True}})
    assert exit_schedule(sc, 1_000_000)[0] == Tranche(366, 300_000)


# --- the realised value ----------------------------------------------------------------

def _flat(price: float):
    return lambda day: price


def test_registration_selling_on_the_rule_144_days_is_worth_nothing():
    """Same shares, same days, same prices as the Rule 144 exit: value 0, whatever the
    price path and the rate."""
    rng = np.random.default_rng(12)
    path = 0.10 * np.exp(np.cumsum(rng.normal(0, 0.05, 800)))
    ex = exit_schedule(SC, 1_000_000)
    sales = [Sale(t.shares, t.day, float(path[t.day])) for t in ex]
    for rate in (0.0, 0.012, 0.1):
        v = realised_value(sales, ex, path, rate=rate, investment_usd=50_000)
        assert v.value_usd == pytest.approx(0.0, abs=1e-9)
        assert v.fraction == pytest.approx(0.0, abs=1e-12)


def test_selling_all_at_day_50_on_a_flat_price_is_worth_the_time_value():
    """Flat $0.10, the scenario's 10% a year: selling 1,000,000 shares on day 50 instead
    of the Rule 144 exit gains only the discounting of the later days."""
    sales = [Sale(1_000_000, 50, 0.10)]
    v = value_of_registration(sales, SC, _flat(0.10), investment_usd=100_000)
    ex = exit_schedule(SC, 1_000_000)
    expected = 0.10 * sum(t.shares * (discount_factor(50, 0.10) - discount_factor(t.day, 0.10))
                          for t in ex)
    assert v.value_usd == pytest.approx(expected)
    assert 12_000 < v.value_usd < 12_500            # about 12.2% of $100,000
    assert v.fraction == pytest.approx(v.value_usd / 100_000)
    # Without discounting, selling earlier at the same price is worth nothing.
    v0 = realised_value(sales, ex, _flat(0.10), rate=0.0, investment_usd=100_000)
    assert v0.value_usd == pytest.approx(0.0, abs=1e-9)


def test_selling_before_a_fall_is_worth_the_fall():
    """The price halves on day 300: a registration selling everything on day 100 gains
    half the price on every share (no discounting)."""
    path = lambda day: 0.10 if day < 300 else 0.05   # noqa: E731
    v = realised_value([Sale(1_000_000, 100, 0.10)], exit_schedule(SC, 1_000_000), path,
                       rate=0.0, investment_usd=100_000)
    assert v.value_usd == pytest.approx(50_000.0)
    assert v.fraction == pytest.approx(0.5)


def test_realised_value_needs_the_same_shares():
    with pytest.raises(ValueError, match="exit"):
        realised_value([Sale(10, 1, 1.0)], [Tranche(366, 9)], _flat(1.0), rate=0.0,
                       investment_usd=1.0)


def test_price_path_as_an_array_is_indexed_by_day():
    path = np.linspace(0.1, 0.2, 801)
    assert discounted_proceeds([Tranche(400, 10)], path, 0.0) == pytest.approx(10 * path[400])
    with pytest.raises(IndexError):
        discounted_proceeds([Tranche(900, 1)], path, 0.0)


# --- Longstaff's bound -----------------------------------------------------------------

def test_longstaff_bound_matches_calibration_30_and_58_percent():
    """CALIBRATION.md: at 60% volatility about 30% for 120 days and 58% for one year.
    The horizons are calendar days: 120/365 years -> 30.5%, one year -> 57.6%."""
    assert longstaff_bound(0.6, 120 / 365) == pytest.approx(0.30, abs=0.01)
    assert longstaff_bound(0.6, 1.0) == pytest.approx(0.58, abs=0.01)
    # Not trading days: 120/252 years would give 37.6%.
    assert longstaff_bound(0.6, 120 / 252) > 0.35
    assert longstaff_bound(0.6, 0.0) == 0.0


def test_longstaff_bound_grows_with_volatility_and_horizon():
    assert longstaff_bound(0.3, 1) < longstaff_bound(0.6, 1) < longstaff_bound(1.0, 1)
    assert longstaff_bound(0.6, 0.25) < longstaff_bound(0.6, 0.5) < longstaff_bound(0.6, 1)


def _gbm(sigma: float, rate: float, n: int, days: int, seed: int) -> np.ndarray:
    """Daily GBM paths starting at 1 whose discounted price is a martingale (drift =
    the rate): shape (n, days + 1)."""
    rng = np.random.default_rng(seed)
    dt = 1 / 365
    inc = ((math.log1p(rate) - sigma ** 2 / 2) * dt
           + sigma * math.sqrt(dt) * rng.standard_normal((n, days)))
    return np.exp(np.concatenate([np.zeros((n, 1)), np.cumsum(inc, axis=1)], axis=1))


@pytest.mark.parametrize("days", [120, 365])
def test_longstaff_bound_is_the_expected_maximum_of_the_price(days):
    """The bound is E[max P] / P0 - 1 for a driftless price: 20,000 simulated daily paths,
    their maximum corrected for daily sampling (Broadie, Glasserman & Kou 1997: the
    continuous maximum is about exp(0.5826 sigma sqrt(dt)) times the discrete one), agree
    with the formula within 2%. (With N(sqrt(s/2)) it would be 17-19% off.)"""
    sigma = 0.6
    p = _gbm(sigma, 0.0, 20_000, days, seed=120 + days)
    discrete = p.max(axis=1).mean()
    continuous = discrete * math.exp(0.5826 * sigma * math.sqrt(1 / 365))
    bound = longstaff_bound(sigma, days / 365)
    assert continuous - 1 == pytest.approx(bound, rel=0.02)
    assert discrete - 1 < bound


# --- Hypothesis: the value sits below the bound ----------------------------------------

@settings(max_examples=25, deadline=None, derandomize=True)
@given(sigma=st.floats(0.10, 1.00), day=st.integers(0, 400),
       rate=st.sampled_from([0.0, 0.012, 0.05]), seed=st.integers(0, 2 ** 16))
def test_value_of_registering_stays_below_the_longstaff_bound(sigma, day, rate, seed):
    """On 3,000 simulated GBM paths (a martingale after discounting), the mean realised
    value of registering on day ``day``, as a fraction of the investment (the shares at
    the closing price), stays below Longstaff's bound for the Rule 144 exit's
    restrictions: for a seller who sells everything on ``day``, and even for one who
    knows the path and sells each share at the top between ``day`` and its Rule 144
    day."""
    shares, price0 = 1_000_000, 1.0
    ex = exit_schedule(SC, shares)
    horizon = ex[-1].day
    paths = price0 * _gbm(sigma, rate, 3_000, horizon, seed)
    disc = paths * (1 + rate) ** (-np.arange(horizon + 1) / 365)
    investment = shares * price0
    at_day = np.zeros(len(paths))
    timed = np.zeros(len(paths))
    for t in ex:
        best = disc[:, day:t.day + 1].max(axis=1) if day <= t.day else disc[:, day]
        at_day += t.shares * (disc[:, day] - disc[:, t.day])
        timed += t.shares * (best - disc[:, t.day])
    bound = exit_bound(sigma, ex)
    assert bound <= longstaff_bound(sigma, horizon / 365)
    assert at_day.mean() / investment < bound
    assert timed.mean() / investment < bound
    # The realised value module gives the same number on one path.
    one = realised_value([Sale(shares, day, float(paths[0, day]))], ex, paths[0], rate=rate,
                         investment_usd=investment)
    assert one.fraction == pytest.approx(at_day[0] / investment, rel=1e-9, abs=1e-12)


def test_perfect_timing_from_the_closing_nearly_reaches_the_bound():
    """The bound is tight: knowing the path and selling each share at its top from day 0
    earns over 90% of it (daily sampling and the finite sample keep it below)."""
    sigma, shares = 0.6, 1_000_000
    ex = exit_schedule(SC, shares)
    paths = _gbm(sigma, 0.0, 4_000, ex[-1].day, seed=58)
    timed = sum(t.shares * (paths[:, :t.day + 1].max(axis=1) - paths[:, t.day]) for t in ex)
    assert 0.9 * exit_bound(sigma, ex) < timed.mean() / shares < exit_bound(sigma, ex)


# --- From the event log (sim.read.value.deal_value) ------------------------------------

from sim.engine import events as ev                     # noqa: E402
from sim.engine.events import Event, EventLog           # noqa: E402
from sim.law.terms import Terms, load_terms             # noqa: E402
from sim.read.value import deal_value, month_sales       # noqa: E402


def test_month_sales_are_linear_in_usable_days_by_month_of_the_path():
    """1,000 shares sold from day 10 to day 70: 20, 30 and 10 usable days in the path's
    months 0, 1 and 2 -> 333, 500, 167; a suspension from day 25 to 35 takes 5 days
    out of month 0 and 5 out of month 1 (whose sales then start on day 35)."""
    assert month_sales(1000, 10, 70, (), 30) == [(10, 333), (30, 500), (60, 167)]
    assert month_sales(1000, 10, 70, ((25, 35),), 30) == [(10, 300), (35, 500), (60, 200)]
    assert month_sales(1000, 10, 10, (), 30) == [(10, 1000)]        # no usable day
    assert month_sales(0, 10, 70, (), 30) == []


def _log(*events: tuple) -> EventLog:
    return EventLog(Event(*e) for e in events).freeze()


def _closed(holdings):
    return (0, ev.DEAL_CLOSED, "company", "recitals", dict(
        holdings=tuple(holdings.items()), closing_date="2003-03-30"))


def _path(prices, rate=0.0, affiliates=()):
    return (800, ev.PRICE_PATH, "market", "scenario", dict(
        month_days=30, prices=tuple(prices), discount_rate=rate, rule144_limit=192_573,
        holding_years=1, unlimited_years=2, volume_months=3, affiliates=affiliates))


def test_deal_value_on_a_falling_price_is_the_fall_the_registration_avoided():
    """inv01 holds 600 Units (3,600 shares at 6 per Unit; $180 at $0.30). Its resale
    statement is effective on day 50 and it sells everything that month (until day 55)
    at $0.10; without it, Rule 144 sells all 3,600 shares on March 30, 2004 (day 366,
    under the 1% limit) at the month-12 price of $0.04. Undiscounted: 3,600 x
    ($0.10 - $0.04) = $216, 120% of the $180 investment."""
    prices = [0.10] * 12 + [0.04] * 20
    log = _log(_closed({"inv01": 3600}),
               (55, ev.EFFECTIVENESS_ENDED, "company", "§2(e)", dict(
                   cycle=0, effective_day=50, sold_by=(("inv01", 3600),),
                   selling_until=(("inv01", 55),))),
               _path(prices))
    v = deal_value(log, Terms())
    assert v.investment_usd == pytest.approx(180.0)
    assert v.shares_sold == 3600
    assert v.registered_usd == pytest.approx(360.0)
    assert v.rule144_usd == pytest.approx(144.0)
    assert v.value_usd == pytest.approx(216.0)
    assert v.fraction == pytest.approx(1.2)
    assert v.by_investor["inv01"].value_usd == pytest.approx(216.0)
    assert exit_schedule(SC, 3600) == (Tranche(366, 3600),)


def test_deal_value_discounts_and_counts_offering_sales_not_other_holders():
    """A flat $0.10 path at 10% a year: inv01 sells 1,000 shares in a Company offering on
    day 100 (its SELLING_COSTS_PAID), an Other Holder's sale is not the Investors'. The
    value is the time value: 1,000 x $0.10 x (1.1**(-100/365) - 1.1**(-731/365))."""
    log = _log(_closed({"inv01": 6000}),
               (100, ev.SELLING_COSTS_PAID, "inv01", "§4", dict(
                   registration="offering-0", shares=1000, gross_usd=100.0, cost_usd=7.0,
                   item="underwriting_discount")),
               (100, ev.SELLING_COSTS_PAID, "oh01", "§4", dict(
                   registration="offering-0", shares=5000, gross_usd=500.0, cost_usd=35.0,
                   item="underwriting_discount")),
               _path([0.10] * 30, rate=0.10))
    v = deal_value(log, Terms())
    assert v.shares_sold == 1000 and set(v.by_investor) == {"inv01"}
    # 1,000 shares fit under the 1% limit: Rule 144 sells them on day 366.
    expected = 1000 * 0.10 * (1.1 ** (-100 / 365) - 1.1 ** (-366 / 365))
    assert v.value_usd == pytest.approx(expected)


def test_deal_value_needs_the_price_path():
    with pytest.raises(ValueError, match="PRICE_PATH"):
        deal_value(_log(_closed({"inv01": 6})), Terms())


@pytest.mark.parametrize("sigma", [0.3, 0.6, 1.0])
def test_simulated_value_of_the_right_sits_below_longstaff(sigma):
    """Issue 12: the mean realised value of the registrations over 400 simulated deals of
    the agreement as written, as a fraction of the shares' value at the closing price,
    sits below Longstaff's bound for the Rule 144 exit (two years) at the scenario's
    volatility -- with room for three standard errors of the mean."""
    from sim.deal.model import DealModel
    sc = scenario_from_dict({"market": {"annual_volatility": sigma}})
    model = DealModel(load_terms(), sc, seed=12)
    values, worth = [], []
    for deal in range(400):
        v = deal_value(model.run(deal), model.terms)
        values.append(v.value_usd)
        worth.append(v.shares_sold * sc.market.price0)
    values, worth = np.array(values), np.array(worth)
    mean = values.mean() / worth.mean()
    se = values.std() / np.sqrt(len(values)) / worth.mean()
    bound = longstaff_bound(sigma, 2.0)
    assert mean + 3 * se < bound, (mean, se, bound)


def _reference_value(log, terms, scenario) -> float:
    """The value the slow way: each seller's sales as whole shares by month
    (:func:`month_sales`), valued and set against its Rule 144 exit by
    :func:`value_of_registration` on the logged price path."""
    path = log.first(ev.PRICE_PATH).details
    prices = path["prices"]

    def price(day):
        return prices[min(day // 30 if day > 0 else 0, len(prices) - 1)]

    sales: dict[str, list[Sale]] = {}
    susp = {}
    for e in log.of_kind(ev.SALES_SUSPENDED):
        susp.setdefault(e.details["cycle"], []).append((e.day, e.details["until"]))
    holdings = dict(log[0].details["holdings"])
    for e in log.of_kind(ev.EFFECTIVENESS_ENDED):
        d = e.details
        until = dict(d["selling_until"])
        for name, n in d["sold_by"]:
            for day, k in month_sales(n, d["effective_day"], until[name],
                                      sorted(susp.get(d["cycle"], ())), 30):
                sales.setdefault(name, []).append(Sale(k, day, price(day)))
    for e in log.of_kind(ev.SELLING_COSTS_PAID):
        if e.actor in holdings and not e.details["registration"].startswith("demand-"):
            sales.setdefault(e.actor, []).append(Sale(e.details["shares"], e.day, price(e.day)))
    return sum(value_of_registration(s, scenario, price, investment_usd=1.0).value_usd
               for s in sales.values())


def test_deal_value_agrees_with_the_whole_share_reference_on_simulated_deals():
    """The fast reader (shares spread over months without rounding, cumulative sums per
    period) against the slow reference (whole shares by month): within a few parts in
    a million of the proceeds, on 150 deals of each term sheet."""
    from sim.deal.model import DealModel
    for preset in ("bestnet-2003", "pipe-typical", "nvca-2020"):
        model = DealModel(load_terms(preset), SC, seed=3)
        for deal in range(150):
            log = model.run(deal)
            v = deal_value(log, model.terms)
            ref = _reference_value(log, model.terms, SC)
            assert v.value_usd == pytest.approx(ref, rel=1e-4, abs=1e-6 * v.registered_usd
                                                + 0.01), (preset, deal)
