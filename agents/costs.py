"""Who pays (§4): Registration Expenses to the Company, selling costs to the sellers.

The amounts come from the §4 rule functions and the scenario's figures; each payment is
one event in the log, so outcomes and audits sum them from there.
"""

from __future__ import annotations

from agents.deal import Deal
from sim.engine import events as ev
from sim.law.rules import expenses


def figures(model: Deal) -> expenses.ExpenseFigures:
    """The scenario's expense figures as the §4 rules take them."""
    e = model.world.expenses
    return expenses.ExpenseFigures(
        sec_fee_per_million=e.sec_fee_per_million, legal_usd=e.legal_usd,
        accounting_usd=e.accounting_usd, printing_usd=e.printing_usd,
        listing_usd=e.listing_usd, blue_sky_per_state_usd=e.blue_sky_per_state_usd,
        underwriting_discount=e.underwriting_discount,
        selling_commission=e.selling_commission)


def pay_registration_expenses(model: Deal, registration: str, shares: int,
                              withdrawn: bool) -> float:
    """§4: "The Company will pay all Registration Expenses of all registrations", the
    withdrawn ones too (§3(b)). Returns the total."""
    today = model.calendar.now
    value = shares * model.share_price(today)
    items = expenses.registration_expenses(value, model.world.expenses.blue_sky_states,
                                           model.expense_figures)
    payers = {expenses.expenses_payer(item) for item in items}
    total = round(sum(items.values()), 2)
    # The rule returns amounts already rounded to cents, and rounding a rounded float to
    # the same places gives it back unchanged: the items go into the log as returned.
    model.log.record(today, ev.REGISTRATION_EXPENSES_PAID, "company", "§4", dict(
        registration=registration, withdrawn=withdrawn, offering_value_usd=round(value, 2),
        items=tuple(items.items()), total_usd=total,
        payer=next(iter(payers)) if len(payers) == 1 else "/".join(sorted(payers))))
    return total


def pay_selling_costs(model: Deal, registration: str, seller: str, shares: int,
                      underwritten: bool, day: int | None = None,
                      exercise_usd: float = 0.0) -> tuple[float, float]:
    """§4: underwriting discounts and selling commissions are not Registration Expenses:
    the seller bears them on its own shares. Returns (gross, net) proceeds in USD.

    ``shares`` are the shares sold; ``exercise_usd`` is what the seller paid to exercise
    the Warrants behind the warrant shares among them (recitals, §7,
    :func:`sim.law.rules.securities.warrant_sale`): not part of its proceeds, so
    ``net = gross - exercise_usd - selling costs``.
    """
    today = model.calendar.now if day is None else day
    gross = shares * model.share_price(today)
    cost = expenses.selling_costs(gross, underwritten, model.expense_figures)
    model.log.record(model.calendar.now, ev.SELLING_COSTS_PAID, seller, "§4", dict(
        registration=registration, shares=shares, gross_usd=round(gross, 2),
        cost_usd=round(cost, 2),
        item="underwriting_discount" if underwritten else "selling_commission"))
    return gross, gross - exercise_usd - cost
