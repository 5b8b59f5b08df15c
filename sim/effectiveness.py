"""The effectiveness period (§2): suspensions for prospectus amendments and sales.

:func:`keep_effective` runs the period for the Company once a demand statement is
effective: it draws the suspensions and each Investor's selling pace and schedules the
period's events; the pure helpers turn them into days. Sales are linear in *usable*
days (days the prospectus may be used, §2), so a suspension pushes every sell-out back.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from sim import claims
from sim import events as ev
from sim.calendar import Order
from sim.rules import expenses, procedures

if TYPE_CHECKING:
    from agents.company import Company
    from sim.registration import DemandRegistration

SUSPENSION_WIDTH = 20      # per cycle: count, then (start, length) pairs
MAX_SUSPENSIONS = 9


def poisson_count(mean: float, u: float, cap: int) -> int:
    """Inverse-CDF Poisson draw from one uniform, capped at ``cap``."""
    k, p = 0, math.exp(-mean)
    cum = p
    while u > cum and k < cap:
        k += 1
        p *= mean / k
        cum += p
    return k


def merge_periods(periods: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort and merge overlapping ``[start, end)`` periods."""
    merged: list[list[int]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def usable_days(start: int, end: int, suspensions: Sequence[tuple[int, int]]) -> int:
    """Days in ``[start, end)`` outside every suspension (merged periods)."""
    total = max(0, end - start)
    for a, b in suspensions:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            total -= hi - lo
    return total


def sell_out_day(start: int, needed: int, suspensions: Sequence[tuple[int, int]]) -> int:
    """The first day by which a seller needing ``needed`` usable days from ``start`` is
    done: ``usable_days(start, result, suspensions) == needed`` (merged periods)."""
    day, remaining = start, needed
    for a, b in suspensions:
        if b <= day:
            continue
        if a > day:
            if remaining <= a - day:
                return day + remaining
            remaining -= a - day
        day = b
    return day + remaining


def keep_effective(company: "Company", reg: "DemandRegistration") -> None:
    """Keep the statement effective (§2(e)); suspensions (§2) hold sales back."""
    m, cal, terms = company.model, company.model.calendar, company.model.terms
    start = cal.now
    keep = terms.keep_effective_days
    fixed = m.policy.script.events.suspensions
    if fixed is not None:
        periods = [(start + a, start + a + n) for a, n in fixed]
    else:
        s, base = company.suspension_stream, reg.cycle * SUSPENSION_WIDTH
        count = poisson_count(m.world.suspensions.rate_per_year * keep / 365,
                              s.u(base), MAX_SUSPENSIONS)
        periods = []
        for k in range(count):
            a = start + int(s.u(base + 1 + 2 * k) * keep)
            n = max(1, s.days(m.world.suspensions.length_days, base + 2 + 2 * k))
            periods.append((a, a + n))
    periods = merge_periods(periods)
    by_name, pol, cycle = m.investors_by_name, m.policy, reg.cycle
    sellers = [(by_name[name], shares) for name, shares in reg.registered.items() if shares]
    needs, done = {}, {}        # usable days each seller needs, and the day it is done
    for inv, _ in sellers:
        need = needs[inv.name] = pol.sell_days(inv.stream, inv.name, cycle)
        done[inv.name] = sell_out_day(start, need, periods)
    all_sold = max(done.values()) if done else start
    end = procedures.effectiveness_end_day(start, all_sold if all_sold <= start + keep
                                           else None, terms)
    for a, b in periods:
        if a < end:
            cal.at(a, Order.ACTION, lambda _, a=a, b=b: m.log.record(
                a, ev.SALES_SUSPENDED, company.name, "§2",
                dict(cycle=reg.cycle, until=min(b, end))))
            if b < end:
                cal.at(b, Order.ACTION, lambda _, b=b: m.log.record(
                    b, ev.SALES_RESUMED, company.name, "§2", dict(cycle=reg.cycle)))
    sold_total, sold_out, sold_by = 0, [], {}
    for inv, shares in sellers:
        day = done[inv.name]
        if day <= end:
            sold = shares
            sold_out.append((inv.name, day))
        else:
            # Linear sales over usable days: the share of the pace reached by the end.
            sold = min(shares, shares * usable_days(start, end, periods) // needs[inv.name])
        sold_total += sold
        sold_by[inv.name] = sold
    reason = "all_sold" if end < start + keep else "one_year"

    def period_ends(_event=None) -> None:
        m.log.record(end, ev.EFFECTIVENESS_ENDED, company.name, "§2(e)", dict(
            cycle=reg.cycle, reason=reason, effective_day=start,
            shares_registered=sum(s for _, s in sellers), shares_sold=sold_total,
            sold_out=tuple(sold_out), sold=tuple(sold_by.items()),
            suspension_days=sum(min(b, end) - a for a, b in periods if a < end)))
        resale_sold(company, reg, start, sold_by)

    cal.at(end, Order.END, period_ends)

def resale_sold(company: "Company", reg: "DemandRegistration", effective_day: int,
                sold_by: dict[str, int]) -> None:
    """Sales under a resale statement: shares sold stop being Registrable Shares (§7);
    the sellers bear their brokers' commissions (§4), valued at the price when the
    statement became effective; a claim may follow (§5)."""
    m = company.model
    price = m.price_at(effective_day)
    net, gross_total, cost_total = {}, 0.0, 0.0
    rate = m.expense_figures.selling_commission
    for name, sold in sold_by.items():
        if sold:
            m.sold_registrable[name] = m.sold_registrable.get(name, 0) + sold
            gross = sold * price
            cost = expenses.selling_costs(gross, False, m.expense_figures)
            net[name] = gross - cost
            gross_total += gross
            cost_total += cost
    if not net:
        return
    m.log.record(m.calendar.now, ev.SELLING_COSTS_PAID, "investors", "§4", dict(
        registration=f"demand-{reg.cycle}", shares=sum(sold_by.values()),
        gross_usd=round(gross_total, 2), cost_usd=round(cost_total, 2),
        item="selling_commission", rate=rate))
    index = reg.cycle if reg.cycle < claims.OFFERING_BASE else 100 + reg.cycle
    claims.schedule_claim(m, f"demand-{reg.cycle}", index, net, gross_total, 0.0, False)
