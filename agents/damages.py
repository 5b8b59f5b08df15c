"""The Company paying liquidated damages (PIPE RRA; none under the 2003 agreement).

A typical PIPE registration rights agreement (preset ``pipe-typical``) pays the
Investors damages for a statement filed late, effective late, or not usable for sales
beyond the grace days (:mod:`sim.law.rules.damages`). The Company pays each failure's
damages when it is cured -- on the filing day, the effective day, the last day of the
effectiveness period -- with interest on each 30 days' damages from the day they were
due (:func:`sim.law.rules.resale.damages_installments`; docs/damages.md), to each
Investor pro rata to its purchase price (its Units x ``unit_price_usd``). Nothing here
runs when the rate is 0: logs under the 2003 agreement are unchanged.

Deadlines: under a mandatory registration the closing's (filing, effectiveness with or
without review); under a demand the §1(a) filing deadline as excused (§1(c), §1(d)) and
the 120-day target from filing. A filing late only because an Investor answered its §6
request late is not the Company's failure (no filing damages).
"""

from __future__ import annotations

from typing import Sequence

from agents.deal import Deal
from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.registration import DemandRegistration
from sim.law.rules import damages as rules
from sim.law.rules import resale


def _active(model: Deal) -> bool:
    return model.terms.damages_rate_percent_per_30_days > 0


def after_filing(model: Deal, reg: DemandRegistration, deadline: int,
                 fault: str | None) -> None:
    """A filing failure: days after the (excused) filing deadline up to the filing."""
    if not _active(model):
        return
    days = range(0) if fault == "investor" else rules.filing_failure_days(
        deadline, reg.filed_day, reg.filed_day, model.terms)
    _pay(model, reg, "filing", days, reg.filed_day)


def after_effective(model: Deal, reg: DemandRegistration) -> None:
    """An effectiveness failure: days after the effectiveness deadline up to the
    effective day."""
    if not _active(model):
        return
    deadline = resale.effectiveness_deadline_day(
        reg.filed_day, bool(reg.reviewed), model.terms,
        reg.received_day if reg.mandatory else None)
    days = rules.effectiveness_failure_days(deadline, reg.effective_day, reg.effective_day,
                                            model.terms)
    _pay(model, reg, "effectiveness", days, reg.effective_day)


def schedule_maintenance(model: Deal, reg: DemandRegistration,
                         periods: Sequence[tuple[int, int]], end: int) -> None:
    """A maintenance failure: suspended days (SALES_SUSPENDED .. RESUMED, up to the end
    of the period) beyond the grace days, paid at the end of the effectiveness period."""
    if not _active(model):
        return
    suspensions = tuple((a, min(b, end)) for a, b in periods if a < end)

    def pay(_event=None) -> None:
        days = rules.maintenance_failure_days(suspensions, model.terms,
                                              model.world.closing_date)
        _pay(model, reg, "maintenance", days, end)

    model.calendar.at(end, Order.END, pay)


def _pay(model: Deal, reg: DemandRegistration, failure: str, days, pay_day: int) -> None:
    failures = model.company.damages_failures
    # The aggregate purchase price paid at the closing (§7 transfers do not change it).
    price = model.world.total_units * model.terms.unit_price_usd
    before = len(resale.damages_installments(failures, price, model.terms))
    failures.append((failure, tuple(days), pay_day))
    paid = resale.damages_installments(failures, price, model.terms)
    if len(paid) == before:
        return                      # no day of this failure left unpaid
    inst = paid[-1]
    log = model.log
    log.record(pay_day, ev.DAMAGES_ACCRUED, "company", "PIPE RRA", dict(
        failure=failure, registration=reg.key, from_day=inst.from_day, to_day=inst.to_day,
        days=inst.days, amount_usd=round(inst.amount_usd, 2)))
    amount, interest = round(inst.amount_usd, 2), round(inst.interest_usd, 2)
    if amount + interest <= 0:
        return                      # the cap is reached: nothing more to pay
    payees = resale.damages_payees(amount + interest,
                                   [(i.name, i.units) for i in model.investors])
    log.record(pay_day, ev.DAMAGES_PAID, "company", "PIPE RRA", dict(
        failure=failure, registration=reg.key, amount_usd=amount, interest_usd=interest,
        payees=payees))
