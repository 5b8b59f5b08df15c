"""PIPE RRA Mandatory resale registration: deadlines from the closing, damages paid.

A typical PIPE registration rights agreement (``SOURCES["PIPE RRA"]`` in
:mod:`sim.law.terms`; preset ``pipe-typical``) needs no demand: at the closing the
Company must register all Registrable Shares for resale, file within a number of days
of the closing and have the statement effective within a number of days of the closing
(more when the Commission reviews it). Under the 2003 agreement
(``registration_trigger = "demand"``) none of this applies: the deadlines are §1(a)'s.

Liquidated damages (:mod:`sim.law.rules.damages`) are paid here as follows (a decision
of the model, documented in docs/damages.md): the damages of each 30 days of a failure
are due on the last of those days, and the Company pays a failure's damages when it is
cured (filed, effective, the effectiveness period over); each 30 days' damages bear
interest from the day they were due to the payment. Days are deal days (day 0 = the
closing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sim.law.rules.demand as demand_rules
from sim.law.rules._registry import rule
from sim.law.rules.damages import damages_cap, damages_for_late_days, interest_on_unpaid
from sim.law.terms import DAMAGES_PERIOD_DAYS, Terms


@rule("PIPE RRA", "PIPE resale registration: file within 30 days of closing ... no demand "
                  "needed")
def registration_required(terms: Terms) -> bool:
    """PIPE RRA: "PIPE resale registration: file within 30 days of closing": with
    ``registration_trigger = "closing"`` the Company registers all Registrable Shares for
    resale after the closing, no demand needed; with ``"demand"`` (the 2003 agreement)
    only on a Demand Notice (§1(a))."""
    return terms.registration_trigger == "closing"


@rule("PIPE RRA", "file within 30 days of closing (45 in some)")
def closing_filing_deadline_day(closing_day: int, terms: Terms) -> int:
    """PIPE RRA: "file within 30 days of closing (45 in some)": the last day to file the
    mandatory resale statement, ``terms.closing_filing_deadline_days`` after the closing
    (filed on day 30 after a day-0 closing is in time)."""
    return closing_day + terms.closing_filing_deadline_days


@rule("PIPE RRA", "effective within 60-90 days of closing without review, 90-120 with review")
def closing_effective_deadline_day(closing_day: int, reviewed: bool, terms: Terms) -> int:
    """PIPE RRA: "effective within 60-90 days of closing without review, 90-120 with
    review": the last day for the mandatory resale statement to become effective,
    ``terms.closing_effective_deadline_reviewed_days`` after the closing if the Commission
    reviews it, else ``terms.closing_effective_deadline_days``."""
    days = (terms.closing_effective_deadline_reviewed_days if reviewed
            else terms.closing_effective_deadline_days)
    return closing_day + days


@rule("PIPE RRA", "liquidated damages ... per 30 days late: a statement not effective by its "
                  "effectiveness deadline")
def effectiveness_deadline_day(filed_day: int, reviewed: bool, terms: Terms,
                               required_day: int | None = None) -> int:
    """PIPE RRA: the effectiveness deadline whose failure runs liquidated damages ("a
    statement not effective by its effectiveness deadline"): for a mandatory
    registration required on ``required_day`` (the closing)
    :func:`closing_effective_deadline_day`; for a demand registration (``None``) the
    §1(a) target, "no later than 120 days from filing"
    (:func:`sim.law.rules.demand.effectiveness_target_day`)."""
    if required_day is not None:
        return closing_effective_deadline_day(required_day, reviewed, terms)
    return demand_rules.effectiveness_target_day(filed_day, terms)


@dataclass(frozen=True)
class Installment:
    """Liquidated damages for one failure, paid on one day."""

    failure: str            # filing, effectiveness, maintenance
    from_day: int           # first day that counts
    to_day: int             # last day that counts
    days: int               # days that count (not already paid for another failure)
    amount_usd: float       # damages, after the cap
    interest_usd: float     # interest on the damages from each 30 days' due day
    pay_day: int


@rule("PIPE RRA", "1% of the purchase price per 30 days late (pro-rated), often with 1% per "
                  "month interest on unpaid damages")
def damages_installments(failures: Sequence[tuple[str, Sequence[int], int]],
                         purchase_price: float, terms: Terms) -> list[Installment]:
    """PIPE RRA: "1% of the purchase price per 30 days late (pro-rated), often with 1% per
    month interest on unpaid damages": what the Company pays for each failure.

    ``failures`` are ``(failure, its days, the payment day)`` in order of payment. A day
    already paid for an earlier failure is not paid again (one rate per day, as
    :func:`sim.law.rules.damages.damages_total`); the damages of each 30 counted days
    (:func:`damages_for_late_days`) are due on the last of them and bear interest
    (:func:`interest_on_unpaid`) to the payment day; all damages together never exceed
    :func:`damages_cap`. Effectiveness 45 days late at 1% on $1,000,000 paid on the 45th
    day: $15,000, of which $10,000 due 15 days earlier, at 12% a year $49.32 interest.
    A failure with no day left to pay gives no installment.
    """
    if terms.damages_rate_percent_per_30_days == 0:
        return []
    cap = damages_cap(purchase_price, terms)
    counted: set[int] = set()
    paid = 0.0
    out: list[Installment] = []
    for failure, days, pay_day in failures:
        new = sorted(set(days) - counted)
        if not new:
            continue
        counted.update(new)
        amount = interest = 0.0
        for k in range(0, len(new), DAMAGES_PERIOD_DAYS):
            block = new[k:k + DAMAGES_PERIOD_DAYS]
            due = min(damages_for_late_days(len(block), purchase_price, terms),
                      max(cap - paid - amount, 0.0))
            amount += due
            interest += interest_on_unpaid(due, pay_day - block[-1], terms)
        paid += amount
        out.append(Installment(failure, new[0], new[-1], len(new), amount, interest, pay_day))
    return out


@rule("PIPE RRA", "liquidated damages about 1% of the investment ... (paid to each Investor "
                  "pro rata to its purchase price)")
def damages_payees(total_usd: float, units: Sequence[tuple[str, int]]) -> tuple[tuple[str, float], ...]:
    """PIPE RRA: liquidated damages of "1% of the investment" are the Investors'
    together, so each Investor receives its share pro rata to its purchase price (its
    Units). Cents, the last Investor taking the rounding: the list sums to
    ``round(total_usd, 2)``."""
    total = round(total_usd, 2)
    all_units = sum(n for _, n in units)
    if not units or all_units <= 0:
        return ()
    out, left = [], total
    for name, n in units[:-1]:
        share = round(total * n / all_units, 2)
        out.append((name, share))
        left -= share
    out.append((units[-1][0], round(left, 2)))
    return tuple(out)
