"""The effectiveness period (§2): suspensions for prospectus amendments and sales.

:func:`keep_effective` runs the period for the Company once a demand statement is
effective: it draws the suspensions and each Investor's selling pace and schedules the
period's events; the pure helpers turn them into days. Sales are linear in *usable*
days (days the prospectus may be used, §2), so a suspension pushes every sell-out back.
"""

from __future__ import annotations

import math
from typing import Protocol, Sequence

from agents import claims, damages
from agents.deal import Deal
from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.periods import merge_periods, sell_out_day, usable_days
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose, Stream
from sim.law.rules import expenses, procedures, securities
from sim.world.script import MAX_DEMAND_CYCLES

MAX_SUSPENSIONS = 9
# The ``suspension`` stream, per demand cycle (slot 20c; later cycles in overflow): the
# number of suspensions, then each one's (start, length).
SUSPENSION = Layout("suspension", 20, 20, blocks=MAX_DEMAND_CYCLES, purposes=dict(
    count=Purpose(0),
    start=Purpose(1, count=MAX_SUSPENSIONS, stride=2),
    length=Purpose(2, count=MAX_SUSPENSIONS, stride=2,
                   dist=lambda sc, _: sc.suspensions.length_days)))
_W, _COUNT, _START, _LENGTH = (SUSPENSION.block, *(SUSPENSION.offset(k) for k in (
    "count", "start", "length")))


class Registrant(Protocol):
    """The party keeping a statement effective (the Company), as this module sees it."""

    model: Deal
    name: str
    suspension_stream: Stream


def poisson_count(mean: float, u: float, cap: int) -> int:
    """Inverse-CDF Poisson draw from one uniform, capped at ``cap``."""
    k, p = 0, math.exp(-mean)
    cum = p
    while u > cum and k < cap:
        k += 1
        p *= mean / k
        cum += p
    return k


def keep_effective(company: Registrant, reg: DemandRegistration) -> None:
    """Keep the statement effective (§2(e)); suspensions (§2) hold sales back.

    The period ends one calendar year after the effective date (§2(e)), or earlier when
    the Selling Investors have sold all the shares it covers. Warrant shares an Investor
    holds out of the money are not sold (recitals, §7: it does not exercise), so they
    keep the statement effective for the year; warrant shares of an expired Warrant can
    never be sold and do not.
    """
    m, cal, terms = company.model, company.model.calendar, company.model.terms
    start = cal.now
    year_end = procedures.effectiveness_end_day(start, None, terms, m.world.closing_date,
                                                m.rule144_day)
    keep = year_end - start
    fixed = m.policy.script.events.suspensions
    if fixed is not None:
        periods = [(start + a, start + a + n) for a, n in fixed]
    else:
        s, base = company.suspension_stream, reg.cycle * _W
        count = poisson_count(m.world.suspensions.rate_per_year * keep / 365,
                              s.u(base + _COUNT), MAX_SUSPENSIONS)
        periods = []
        for k in range(count):
            a = start + int(s.u(base + _START + 2 * k) * keep)
            n = max(1, s.days(m.world.suspensions.length_days, base + _LENGTH + 2 * k))
            periods.append((a, a + n))
    periods = merge_periods(periods)
    by_name, pol, cycle = m.investors_by_name, m.policy, reg.cycle
    sellers = [(by_name[name], shares) for name, shares in reg.registered.items() if shares]
    # Sales are valued at the price on the effective date (see resale_sold); the same
    # price decides whether an Investor exercises its Warrants for this period.
    price, expiry = m.share_price(start), m.warrant_expiry_day
    needs, done = {}, {}        # usable days each seller needs, and the day it is done
    held_back = False           # warrant shares out of the money: not all can be sold
    strike = terms.warrant_exercise_price_usd
    for inv, shares in sellers:
        need = needs[inv.name] = pol.sell_days(inv.stream, inv.name, cycle)
        done[inv.name] = sell_out_day(start, need, periods)
        if not held_back and price <= strike and start <= expiry:   # out of the money
            held_back = securities.warrant_shares(shares, terms) > 0
    # Nothing covered (sellers cut to 0): all is sold on the effective day.
    all_sold = None if held_back else (max(done.values()) if done else start)
    end = procedures.effectiveness_end_day(start, all_sold if all_sold is not None
                                           and all_sold <= year_end else None, terms,
                                           m.world.closing_date, m.rule144_day)
    for a, b in periods:
        if a < end:
            cal.at(a, Order.ACTION, lambda _, a=a, b=b: m.log.record(
                a, ev.SALES_SUSPENDED, company.name, "§2",
                dict(cycle=reg.cycle, until=min(b, end))))
            if b < end:
                cal.at(b, Order.ACTION, lambda _, b=b: m.log.record(
                    b, ev.SALES_RESUMED, company.name, "§2", dict(cycle=reg.cycle)))
    sold_out, offered_by, sales_then = [], reg.sales, {}
    factor_then = m.share_factor
    for inv, shares in sellers:
        day = done[inv.name]
        if day <= end:
            offered = shares
        else:
            # Linear sales over usable days: the share of the pace reached by the end.
            offered = min(shares, shares * usable_days(start, end, periods) // needs[inv.name])
        offered_by[inv.name] = offered
        sale = sales_then[inv.name] = securities.warrant_sale(offered, price, start, expiry,
                                                              terms)
        if day <= end and not sale.unsold_out_of_money:
            sold_out.append((inv.name, day))
    reason = "all_sold" if end < year_end else period_reason(terms, start, year_end)

    def period_ends(_event=None) -> None:
        # Valued at the price of the effective date; a split or stock dividend since then
        # scaled the shares offered (§7) and so divides that price per share.
        at_price = m.price_at(start) / m.share_factor
        sales = sales_then if m.share_factor == factor_then else {
            name: securities.warrant_sale(n, at_price, start, expiry, terms)
            for name, n in offered_by.items()}
        m.log.record(end, ev.EFFECTIVENESS_ENDED, company.name, "§2(e)", dict(
            cycle=reg.cycle, reason=reason, effective_day=start,
            shares_registered=sum(reg.registered.values()),
            shares_sold=sum(x.shares_sold for x in sales.values()), sold_out=tuple(sold_out),
            sold_by=tuple((name, x.shares_sold) for name, x in sales.items()),
            # Each seller sells linearly in usable days from the effective day until this
            # day (its sell-out, or the end of the period): the days of its sales.
            selling_until=tuple((name, min(done[name], end)) for name in sales),
            suspension_days=sum(min(b, end) - a for a, b in periods if a < end)))
        resale_sold(company, reg, at_price, sales)

    cal.at(end, Order.END, period_ends)
    damages.schedule_maintenance(m, reg, periods, end)


def period_reason(terms, start: int, end: int) -> str:
    """Why a period not cut short by the sale of all shares ends (EFFECTIVENESS_ENDED
    ``reason``): ``one_year`` (§2(e)), ``rule144_unlimited`` (PIPE RRA: the Rule 144(k)
    day), ``max_days`` (NVCA IRA: "keep effective 120 days")."""
    if terms.keep_effective_max_days and end == start + terms.keep_effective_max_days:
        return "max_days"
    return "one_year" if terms.keep_effective_until == "years" else "rule144_unlimited"


def record_warrants(model: Deal, registration: str, sales: dict[str, "securities.WarrantSale"],
                    price: float) -> None:
    """Log the Warrants exercised to sell, and the warrant shares left unsold (recitals,
    §7): one event each per registration, the Investors listed with their shares."""
    terms, today = model.terms, model.calendar.now
    exercised = tuple((n, s.exercised) for n, s in sales.items() if s.exercised)
    if exercised:
        model.log.record(today, ev.WARRANTS_EXERCISED, "investors", "recitals", dict(
            registration=registration, shares=sum(k for _, k in exercised),
            sellers=exercised, price=price, exercise_price=terms.warrant_exercise_price_usd,
            exercise_usd=round(sum(s.exercise_usd for s in sales.values()), 2)))
    for reason, attr in (("out_of_the_money", "unsold_out_of_money"),
                         ("expired", "unsold_expired")):
        unsold = tuple((n, getattr(s, attr)) for n, s in sales.items() if getattr(s, attr))
        if unsold:
            model.log.record(today, ev.WARRANT_SHARES_UNSOLD, "investors", "recitals", dict(
                registration=registration, reason=reason, shares=sum(k for _, k in unsold),
                sellers=unsold, price=price,
                exercise_price=terms.warrant_exercise_price_usd,
                expiry_day=model.warrant_expiry_day))


def resale_sold(company: Registrant, reg: DemandRegistration, price: float,
                sales: dict[str, "securities.WarrantSale"]) -> None:
    """Sales under a resale statement: shares sold stop being Registrable Shares (§7);
    warrant shares are sold only by exercising the Warrants (recitals); the sellers bear
    their brokers' commissions (§4), valued at the price when the statement became
    effective; a claim may follow (§5), each seller's cap at its net proceeds."""
    m = company.model
    registration = reg.key
    record_warrants(m, registration, sales, price)
    net, gross_total, cost_total, shares_total = {}, 0.0, 0.0, 0
    rate = m.expense_figures.selling_commission
    holdings = m.holdings
    for name, sale in sales.items():
        sold = holdings.sell(name, registration, sale.shares_sold)
        if sold:
            cost = expenses.selling_costs(sale.gross_usd, False, m.expense_figures)
            net[name] = sale.net_usd - cost
            gross_total += sale.gross_usd
            cost_total += cost
            shares_total += sold
    holdings.release_all(registration)   # the period is over: what is unsold is free again
    if not net:
        return
    m.log.record(m.calendar.now, ev.SELLING_COSTS_PAID, "investors", "§4", dict(
        registration=registration, shares=shares_total,
        gross_usd=round(gross_total, 2), cost_usd=round(cost_total, 2),
        item="selling_commission", rate=rate))
    claims.schedule_claim(m, registration, claims.registration_index(reg.cycle), net,
                          gross_total, 0.0, False)
