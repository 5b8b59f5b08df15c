"""Underwriter: prices or pulls offerings, sets the marketing limit, cuts back (§3(b), §3(c))."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from agents.deal import Deal
from sim.engine import events as ev
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose
from sim.law.rules import cutback
from sim.world.script import MAX_DEMAND_CYCLES

if TYPE_CHECKING:
    from agents.offerings import OfferingPlan

# The ``underwriter`` stream: the room for sellers it finds in Company offering k (slot
# k; at most eight offerings, scenario ``offerings.max_count``) and in an underwritten
# demand registration of cycle c (slot 8 + c).
UNDERWRITER = Layout("underwriter", 16, 16, head=dict(
    offering=Purpose(0, count=8), demand=Purpose(8, count=MAX_DEMAND_CYCLES)))


class Underwriter(mesa.Agent):
    """The managing underwriter of the Company's underwritten offerings.

    On the planned pricing day it decides whether the deal goes ahead: it pulls it when
    the price has fallen by more than the scenario's ``pull_if_price_drop`` since filing
    (the Company then withdraws, §3(b)). Otherwise it sets the marketing limit -- the
    Company's own shares plus room for selling holders that scales with the market
    (scenario ``underwriting``) -- and applies the §3(c) cutback.
    """

    def __init__(self, model: Deal) -> None:
        super().__init__(model)
        self.name = "underwriter"
        self.stream = model.streams.stream(UNDERWRITER.name)

    def proceeds(self, plan: "OfferingPlan", day: int) -> bool:
        """Whether the offering is priced on ``day`` (True) or pulled (False)."""
        m = self.model
        drop = 1.0 - m.price_at(day) / m.price_at(plan.file_day)
        return drop <= m.world.offerings.pull_if_price_drop

    def _room(self, base_shares: int, slot: int) -> int:
        m = self.model
        u = m.world.underwriting
        factor = (m.price_at(m.calendar.now) / m.world.market.price0) ** u.price_elasticity
        return int(base_shares * self.stream.sample(u.capacity_ratio, slot) * factor)

    def marketing_limit(self, plan: "OfferingPlan") -> int:
        """§3(c): "the amount of securities that the underwriters determine is compatible
        with the success of the offering": the Company's shares plus the room for sellers."""
        if plan.marketing_limit is not None:
            return plan.marketing_limit
        slot = UNDERWRITER.slot("offering", 0, plan.index)
        return plan.company_shares + self._room(plan.company_shares, slot)

    def include(self, plan: "OfferingPlan") -> dict[str, int]:
        """Sellers who accept the underwriting terms, cut back to the limit (§3(c))."""
        m = self.model
        today = m.calendar.now
        sellers = []
        for name, shares in plan.requests.items():
            inv = m.investors_by_name[name]
            if not m.policy.accepts_underwriting_terms(inv, plan):
                m.log.record(today, ev.UNDERWRITING_TERMS_REFUSED, name, "§3(c)", dict(
                    offering=plan.id, shares=shares))
                continue
            sellers.append(cutback.Seller(name, shares, inv.holds, inv.group, True))
        for name, shares in plan.others.items():
            sellers.append(cutback.Seller(name, shares, shares, None, False))
        limit = self.marketing_limit(plan)
        return self._cut(plan.id, "§3(c)", limit, sellers, plan.company_shares,
                         cutback.allocate_cutback(limit, sellers, m.terms, plan.company_shares))

    def include_in_demand(self, reg: DemandRegistration, sellers: list) -> dict[str, int]:
        """An underwritten demand registration: limit and the `demand_cutback` switch (§1(b))."""
        requested = sum(s.requested for s in sellers)
        limit = self._room(requested, UNDERWRITER.slot("demand", 0, reg.cycle))
        return self._cut(f"demand-{reg.cycle}", "§1(b)", limit, sellers, 0,
                         cutback.demand_cutback_allocation(limit, sellers, self.model.terms))

    def _cut(self, registration: str, clause: str, limit: int, sellers: list,
             company_shares: int, alloc: dict[str, int]) -> dict[str, int]:
        m = self.model
        today, terms = m.calendar.now, m.terms
        requested = sum(s.requested for s in sellers)
        m.log.record(today, ev.UNDERWRITER_LIMIT_SET, self.name, clause, dict(
            registration=registration, limit=limit, company_shares=company_shares,
            shares_requested=requested))
        if sum(alloc.values()) < requested:
            rule = terms.cutback_rule if clause == "§3(c)" else terms.demand_cutback
            m.log.record(today, ev.CUTBACK_APPLIED, self.name, clause, dict(
                registration=registration, rule=rule, limit=limit,
                company_shares=company_shares, floor_percent=terms.cutback_floor_percent,
                sellers=tuple((s.id, s.requested, s.holdings, s.group, s.investor,
                               alloc.get(s.id, 0)) for s in sellers)))
        return alloc
