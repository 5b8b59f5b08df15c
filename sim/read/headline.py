"""The headline outcomes: each a statistic of one outcome column, with its clause.

A spec names them (:mod:`experiments.execution.spec`), the analysis estimates them
(:mod:`experiments.analysis.compare`), tables, figures and the report show them. Each
reads one column of the outcome row (:mod:`sim.read.outcomes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


Statistic = Literal["median", "quantile", "p", "mean"]


@dataclass(frozen=True)
class Outcome:
    """A headline outcome: a statistic of one per-deal value.

    Attributes:
        name: Stable id used in specs, tables and plots.
        column: The outcome-table column it reads.
        statistic: ``median``, ``quantile`` (with ``q``), ``p`` or ``mean``.
        clause: The clause the outcome concerns.
        label: Short human label.
        unit: ``days``, ``probability``, ``USD`` or ``% of investment``.
        q: The quantile, for ``quantile``.
        demand_only: Only deals with a Demand Notice have a value.
        lower_better_for: The party a decrease serves ("Investors", "Company"), or "".
        higher_better_for: The party an increase serves, or "".
    """

    name: str
    column: str
    statistic: Statistic
    clause: str
    label: str
    unit: str
    q: float = 0.5
    demand_only: bool = True
    lower_better_for: str = ""
    higher_better_for: str = ""

    def verdict(self, delta: float) -> str:
        """Who a change of ``delta`` serves, in words a term sheet uses.

        A decrease is "better for" the party that prefers lower values, or else "worse
        for" the party that prefers higher ones; an increase the other way round. An
        outcome neither party ranks (how often an Investor piggy-backs) gives "".

        Args:
            delta: Variant minus base, in the outcome's unit.

        Returns:
            "better for the Investors", "worse for the Company", ... or "".
        """
        if not delta or delta != delta:
            return ""
        good, bad = ((self.lower_better_for, self.higher_better_for) if delta < 0
                     else (self.higher_better_for, self.lower_better_for))
        if good:
            return f"better for the {good}"
        return f"worse for the {bad}" if bad else ""


def _p(name: str, column: str, clause: str, label: str, lower: str = "",
       higher: str = "") -> Outcome:
    return Outcome(name, column, "p", clause, label, "probability",
                   lower_better_for=lower, higher_better_for=higher)


def _usd(name: str, column: str, clause: str, label: str, lower: str = "",
         higher: str = "") -> Outcome:
    return Outcome(name, column, "mean", clause, label, "USD", demand_only=False,
                   lower_better_for=lower, higher_better_for=higher)


_INV, _CO = "Investors", "Company"


#: Headline outcomes by name, in display order.
OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    _usd("value_to_investors", "value_to_investors_usd", "§1, §3",
         "value of the registrations to the Investors", higher=_INV),
    Outcome("value_to_investors_pct", "value_to_investors_pct", "mean", "§1, §3",
            "value to the Investors, % of investment", "% of investment",
            demand_only=False, higher_better_for=_INV),
    Outcome("days_closing_to_effective", "effective_day", "median", "§1(a)",
            "median days closing -> effective", "days", demand_only=False,
            lower_better_for=_INV),
    Outcome("days_to_effective", "days_demand_to_effective", "median", "§1(a)",
            "median days Demand Notice -> effective", "days", lower_better_for=_INV),
    Outcome("days_to_effective_p90", "days_demand_to_effective", "quantile", "§1(a)",
            "90th percentile days Demand Notice -> effective", "days", q=0.9,
            lower_better_for=_INV),
    Outcome("days_to_filing", "days_demand_to_filing", "median", "§1(a)",
            "median days Demand Notice -> filing", "days", lower_better_for=_INV),
    _p("company_notice_late", "company_notice_late", "§1(a)", "Company Notice late", _INV),
    _p("window_empty", "window_empty", "§1(a)", "filing window empty", _INV),
    _p("filing_deadline_missed", "filing_deadline_missed", "§1(a)",
       "filing deadline missed (Company)", _INV),
    _p("filed_before_floor", "filed_before_floor", "§1(a)", "filed before the 30-day floor"),
    _p("target_missed", "effectiveness_target_missed", "§1(a)", "120-day target missed", _INV),
    _p("target_miss_breach", "target_miss_breach", "§1(a)", "120-day target missed (breach)",
       _INV),
    _p("delay_used", "delay_used", "§1(d)", "delay right used", _INV, _CO),
    _p("withdrawn_mai", "withdrawn_mai", "§1(c)", "withdrawn after material adverse info",
       _INV, _CO),
    _p("withdrawal_used_demand", "withdrawals_using_demand", "§1(c)",
       "a withdrawal used up the demand", _INV, _CO),
    _p("second_demand", "second_demand_made", "§1(a)", "second demand (capital shortfall)"),
    _p("piggybacked", "piggyback_requests", "§3(a)", "an Investor piggy-backed"),
    _p("cut_back", "cutbacks", "§3(c)", "an underwriter cut Investors back", _INV),
    _usd("company_expenses", "company_expenses_usd", "§4", "Company Registration Expenses", _CO),
    _usd("rights_expenses", "rights_expenses_usd", "§4",
         "Registration Expenses of the Investors' registrations", _CO),
    _usd("damages", "damages_usd", "PIPE RRA", "liquidated damages paid to the Investors",
         _CO, _INV),
    _usd("hold_back_cost", "hold_back_cost_usd", "§1(c), §1(d)",
         "cost of holding the Company's offering back", _CO),
    _usd("company_cost", "company_cost_usd", "§4, §5",
         "what the registration rights cost the Company", _CO),
    _p("waiver_asked", "waivers_asked", "§8(c)", "a §8(c) waiver or amendment asked"),
    _p("waiver_granted", "waivers_granted", "§8(c)", "a §8(c) waiver signed by every Investor",
       higher=_CO),
    _p("holdout", "holdouts", "§8(c)", "an Investor held out for consideration"),
    _p("amended", "amendments", "§8(c)", "an amendment agreed"),
    _usd("consideration", "consideration_usd", "§8(c)", "consideration paid for waivers", _CO, _INV),
    _usd("seller_costs", "seller_costs_usd", "§4", "sellers' discounts and commissions", _INV),
    _usd("loss_company", "loss_company_usd", "§5", "claim losses, Company", _CO),
    _usd("loss_investors", "loss_investors_usd", "§5", "claim losses, Investors", _INV),
)}

#: The outcomes a spec reports when it names none.
DEFAULT_OUTCOMES = ("value_to_investors", "rights_expenses", "days_to_effective",
                    "days_to_effective_p90", "filing_deadline_missed", "window_empty",
                    "target_missed", "delay_used", "company_expenses")
