"""Other Holder: holds other securities with their own registration rights (§1(b))."""

from __future__ import annotations

import mesa

from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose
from sim.world.script import MAX_DEMAND_CYCLES
from agents.deal import Deal
from sim.law.rules import notices, other_holders
from sim.world.scenario import OtherHolderSpec

# Each Other Holder's stream: per demand cycle (slot 8c; later cycles in overflow) its
# request (§1(b)) and the notices; once per deal, in cycle 0's block, whether it sells in
# Company offering k (slot 4 + k; offerings past the fourth at 500 + k, in overflow).
OTHER_HOLDER = Layout("other_holder:{id}", 8, 8, blocks=MAX_DEMAND_CYCLES, purposes=dict(
    request=Purpose(0),
    latency_in=Purpose(1, dist=lambda sc, _: getattr(sc.notices, sc.company.notice_method)),
    response=Purpose(2, dist=lambda sc, _: sc.investor_behaviour.join_response_days),
    latency_out=Purpose(3, dist=lambda sc, oh: getattr(sc.notices, oh.notice_method))),
    head=dict(offering=Purpose(4, count=4, spill=500)))


class OtherHolder(mesa.Agent):
    """An Other Holder (§1(b)): may ask to be included in a demand registration.

    Args:
        model: The deal model.
        spec: The scenario's description (id, shares, request probability, notice method).
    """

    def __init__(self, model: Deal, spec: OtherHolderSpec) -> None:
        super().__init__(model)
        self.name = spec.id
        self.shares = spec.shares
        self.request_prob = spec.request_prob
        self.sell_in_offering_prob = spec.sell_in_offering_prob
        self.notice_method = spec.notice_method
        self.stream = model.streams.stream(OTHER_HOLDER.stream_name(spec))

    def _slot(self, name: str, cycle: int) -> int:
        return OTHER_HOLDER.slot(name, cycle)

    def on_offer(self, reg: DemandRegistration) -> None:
        """The Company offers inclusion (§1(b)); request it or let it pass."""
        m = self.model
        if not self.stream.chance(self.request_prob, self._slot("request", reg.cycle)):
            return
        lat_in = m.policy.latency(self.stream, m.world.company.notice_method,
                                  self._slot("latency_in", reg.cycle), self.name)
        response = self.stream.days(m.world.investor_behaviour.join_response_days,
                                                 self._slot("response", reg.cycle))
        lat_out = m.policy.latency(self.stream, self.notice_method,
                                   self._slot("latency_out", reg.cycle), self.name)
        # It learns of the offer on arrival and its request counts on arrival (§8(a)).
        sent = notices.received_day(reg.notice_given_day, lat_in) + response
        arrive = notices.received_day(sent, lat_out)
        m.calendar.at(arrive, Order.RECEIPT, lambda _: self.on_request_received(reg))

    def consider_offering(self, plan) -> None:
        """§3(c): an Other Holder with its own rights may sell through the Company's
        underwriting as one of the "other stockholders distributing their securities"."""
        m = self.model
        slot = OTHER_HOLDER.slot("offering", 0, plan.index)
        if self.stream.chance(self.sell_in_offering_prob, slot):
            plan.others[self.name] = self.shares
            m.log.record(m.calendar.now, ev.OTHER_HOLDER_JOINED_OFFERING, self.name, "§3(c)",
                         dict(offering=plan.id, shares=self.shares))

    def on_request_received(self, reg: DemandRegistration) -> None:
        """This holder's request arrives: the Company receives it (§8(a))."""
        m = self.model
        today = m.calendar.now
        included = (other_holders.other_holder_included(today, reg.joinder_last_day)
                    and not reg.withdrawn)
        if included:
            reg.other_requested[self.name] = self.shares
        m.log.record(today, ev.OTHER_HOLDER_REQUESTED, self.name, "§1(b)", dict(
            cycle=reg.cycle, shares=self.shares, included=included))
