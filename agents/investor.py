"""Investor: a holder of Units with demand, joinder and information duties (§1(a), §6, §7)."""

from __future__ import annotations

from typing import Sequence

import mesa

from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.holdings import CAPITAL_SHORT
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose
from sim.world.script import MAX_DEMAND_CYCLES
from agents.deal import Deal
from agents.offerings import OfferingPlan, on_piggyback_request
from sim.law.rules import demand as demand_rules
from sim.law.rules import information, notices, securities
from sim.world.scenario import InvestorSpec


def _company_method(sc, _inv):
    return getattr(sc.notices, sc.company.notice_method)


def _own_method(sc, inv):
    return getattr(sc.notices, inv.notice_method)


# Each Investor's own stream, per demand cycle (cycle c from slot 12c; later cycles in
# overflow): its patience, the notices it gets and sends, its joinder, its §6 answers, its
# selling pace, its withdrawal on material information and its method of disposition.
INVESTOR = Layout("investor:{id}", 12, 12, blocks=MAX_DEMAND_CYCLES, purposes=dict(
    patience=Purpose(0, dist=lambda sc, _: sc.investor_behaviour.demand_patience_days),
    cn_latency=Purpose(1, dist=_company_method),
    join=Purpose(2),
    join_response=Purpose(3, dist=lambda sc, _: sc.investor_behaviour.join_response_days),
    join_latency=Purpose(4, dist=_own_method),
    info_req_latency=Purpose(5, dist=_company_method),
    info_response=Purpose(6, dist=lambda sc, _: sc.investor_behaviour.info_response_days),
    info_latency=Purpose(7, dist=_own_method),
    sell_days=Purpose(8, dist=lambda sc, _: sc.investor_behaviour.sell_days),
    withdraw=Purpose(9),
    demand_latency=Purpose(10, dist=_own_method),
    underwritten=Purpose(11)))
# Each Investor's piggy-back stream, per Company offering k (slot 5k; offerings past the
# fourth in overflow): its election, response, the notices, acceptance of the terms (§3).
PIGGYBACK = Layout("piggyback:{id}", 20, 5, blocks=lambda sc: range(sc.offerings.max_count),
                   purposes=dict(
    elect=Purpose(0),
    response=Purpose(1, dist=lambda sc, _: sc.investor_behaviour.piggyback_response_days),
    latency_in=Purpose(2, dist=_company_method),
    latency_out=Purpose(3, dist=_own_method),
    accept=Purpose(4)))

# Slots of the hottest draws, resolved once (``slot()`` gives the same numbers).
_IW = INVESTOR.block
_JOIN_LATENCY, _INFO_REQ_LATENCY, _INFO_LATENCY = (
    INVESTOR.offset(k) for k in ("join_latency", "info_req_latency", "info_latency"))
_PW = PIGGYBACK.block
_PIGGYBACK = {name: PIGGYBACK.offset(name) for name in PIGGYBACK.purposes}


class Investor(mesa.Agent):
    """An Investor (§7): signs the Demand Notice, asks to join, furnishes information.

    Args:
        model: The deal model.
        spec: The scenario's description (id, Units, affiliate group, notice method).
    """

    def __init__(self, model: Deal, spec: InvestorSpec) -> None:
        super().__init__(model)
        self.name = spec.id
        self.units = spec.units
        self.group = spec.group
        self.affiliate = spec.affiliate            # of the Company (Rule 144)
        self.notice_method = spec.notice_method
        self.registrable = securities.registrable_shares(spec.units, model.terms)
        self.stream = model.streams.stream(INVESTOR.stream_name(spec))
        self.piggyback_stream = model.streams.stream(PIGGYBACK.stream_name(spec))

    def slot(self, name: str, cycle: int) -> int:
        """This investor's stream slot for draw ``name`` in ``cycle``."""
        return INVESTOR.slot(name, cycle)

    def piggyback_slot(self, plan: OfferingPlan, name: str) -> int:
        """This investor's ``piggyback`` stream slot for draw ``name`` about ``plan``."""
        return plan.index * _PW + _PIGGYBACK[name]

    @property
    def holds(self) -> int:
        """Registrable Shares not yet sold in a registered distribution (§7)."""
        return self.model.holdings.held(self.name)

    # --- Piggy-back (§3(a)) ----------------------------------------------------------
    def on_registration_notice(self, plan: OfferingPlan) -> None:
        """A Registration Notice arrives (§8(a)): decide on a Piggy-back Request."""
        m = self.model
        today = m.calendar.now
        m.log.record(today, ev.REGISTRATION_NOTICE_RECEIVED, self.name, "§8(a)", dict(
            offering=plan.id, sent_day=plan.notice_given_day,
            given_day=plan.notice_given[self.name]))
        if self.unregistered() <= 0 or not m.policy.elects_piggyback(self, plan):
            return
        sent = today + m.policy.piggyback_response(self, plan)
        lat = m.policy.latency(self.piggyback_stream, self.notice_method,
                               self.piggyback_slot(plan, "latency_out"), self.name)
        got = notices.received_day(sent, lat)         # "received within": on arrival

        def send(_event=None) -> None:
            # The request asks for the shares free on the day it is sent, and commits
            # them to this registration (§7: a share is asked for in one at a time).
            shares = m.holdings.commit(self.name, plan.id, m.policy.asks_shares(
                self.name, "piggyback_shares", self.unregistered()))
            if shares > 0:
                m.calendar.at(got, Order.RECEIPT,
                              lambda _: on_piggyback_request(m, plan, self.name, shares, sent))

        m.calendar.at(sent, Order.ACTION, send)

    # --- Demand (§1(a)) --------------------------------------------------------------
    def send_demand(self, reg: DemandRegistration) -> None:
        """Send the Demand Notice on behalf of the Initiating Investors (§1(a)), for the
        shares they hold unregistered on the day it is sent (none left: no demand)."""
        m = self.model
        today = m.calendar.now
        by_name, holdings, key, pol = m.investors_by_name, m.holdings, reg.key, m.policy
        for name in reg.initiating:
            shares = pol.demand_shares(name, reg.cycle,
                                       by_name[name].shares_to_offer_for(reg.second))
            if reg.second:          # the shares left out for lack of capital (§1(a))
                shares = holdings.move(name, CAPITAL_SHORT, key, shares)
            else:
                shares = holdings.commit(name, key, shares)
            if shares > 0:
                reg.requested[name] = shares
        if not reg.requested:     # every share held is asked for elsewhere, or sold
            m.log.record(today, ev.DEMAND_NOT_SENT, self.name, "§1(a)", dict(
                cycle=reg.cycle, second=reg.second, initiating=reg.initiating,
                reason="no Registrable Shares free: committed to other registrations or sold"))
            return
        # §1(c): the requesting holders specify the method of disposition.
        reg.underwritten = m.policy.demand_underwritten(self.stream, self.name, reg.cycle)
        latency = m.policy.latency(self.stream, self.notice_method,
                                   self.slot("demand_latency", reg.cycle), self.name)
        m.log.record(today, ev.DEMAND_SENT, self.name, "§1(a)", dict(
            cycle=reg.cycle, second=reg.second, initiating=reg.initiating,
            units=sum(m.investors_by_name[i].units for i in reg.initiating),
            shares=sum(reg.requested.values()), requested=tuple(reg.requested.items()),
            method=self.notice_method, underwritten=reg.underwritten))
        reg.demand_method = self.notice_method
        # The Company acts "upon receipt": on arrival, even if mail was given when sent.
        m.calendar.at(notices.received_day(today, latency), Order.RECEIPT,
                      lambda _: m.company.on_demand_received(reg))

    # --- Company Notice and joinder (§1(a)) ------------------------------------------
    # These run once per notified Investor and per §6 request, the busiest reactions of
    # a deal: locals stand in for repeated ``m.``/``self.`` lookups.
    def on_company_notice(self, reg: DemandRegistration) -> None:
        """The Company Notice arrives (§8(a)); decide whether to ask to be included."""
        m = self.model
        today, cycle = m.calendar.now, reg.cycle
        m.log.record(today, ev.COMPANY_NOTICE_RECEIVED, self.name, "§8(a)", dict(
            cycle=cycle, sent_day=reg.notice_given_day, given_day=reg.notice_given[self.name]))
        pol = m.policy
        if reg.withdrawn or not pol.joins(self.stream, self.name, cycle, reg=reg):
            return
        shares = self.shares_to_offer(reg)
        if shares <= 0:
            return
        self.send_joinder(reg, shares, today + pol.join_response(self.stream, self.name, cycle))

    def shares_to_offer(self, reg: DemandRegistration) -> int:
        """Registrable Shares this Investor asks to include in ``reg`` (all it may, or
        fewer where a script says so)."""
        return self.model.policy.asks_shares(self.name, "join_shares",
                                             self.shares_to_offer_for(reg.second))

    def shares_to_offer_for(self, second: bool) -> int:
        """Shares not yet registered (first demand), or left out for lack of capital
        (second demand, §1(a))."""
        if second:
            return self.model.holdings.in_registration(CAPITAL_SHORT, self.name)
        return self.unregistered()

    def unregistered(self) -> int:
        """Registrable Shares held and not committed to any pending registration (a
        demand, a joinder or a Piggy-back Request, or a statement still effective)."""
        return self.model.holdings.free(self.name)

    def send_joinder(self, reg: DemandRegistration, shares: int, sent_day: int) -> None:
        """Send a written request to be included (§1(a)) on ``sent_day``; the Company's
        receipt, on arrival whatever the method (§8(a)), is the logged fact (with the day
        it was sent)."""
        m = self.model
        key = reg.key                 # the shares asked for are committed here only
        shares = (m.holdings.move(self.name, CAPITAL_SHORT, key, shares) if reg.second
                  else m.holdings.commit(self.name, key, shares))
        if shares <= 0:
            return
        latency = m.policy.latency(self.stream, self.notice_method,
                                   reg.cycle * _IW + _JOIN_LATENCY, self.name)
        received = notices.received_day(sent_day, latency)
        company = m.company
        m.calendar.at(received, Order.RECEIPT,
                      lambda _: company.on_joinder(reg, self, shares, sent_day))

    # --- Information (§6) ------------------------------------------------------------
    def on_info_request(self, reg: DemandRegistration, requested_day: int) -> None:
        """Answer the Company's §6 request after this Investor's response time."""
        m = self.model
        pol, s, name, base = m.policy, self.stream, self.name, reg.cycle * _IW
        company = m.company
        lat_in = pol.latency(s, company.notice_method, base + _INFO_REQ_LATENCY, name)
        response = pol.info_response(s, name, reg.cycle)
        lat_out = pol.latency(s, self.notice_method, base + _INFO_LATENCY, name)
        sent = requested_day + lat_in + response
        arrive = notices.received_day(sent, lat_out)
        m.calendar.at(arrive, Order.RECEIPT,
                      lambda _: company.on_info(reg, self, requested_day))

    def info_is_late(self, requested_day: int, received_day: int) -> bool:
        """§6 lateness of this Investor's answer (scenario's reasonable time)."""
        return information.information_late(requested_day, received_day,
                                            self.model.company.info_due_days)


def initiating_group(investors: Sequence[Investor], desire_days: Sequence[int],
                     total_units: int, terms) -> tuple[int, tuple[str, ...], str] | None:
    """The day a majority of Units wants a registration, its members and its lead.

    Investors join the group on their own desire day; the group may send a Demand Notice
    (§1(a)) on the first day it holds a majority of the Units. The lead is the member
    whose desire completed the majority (ties: scenario order).

    Returns:
        ``(day, member ids, lead id)``, or None if no majority ever forms.
    """
    # By (desire day, scenario order): the sort is stable, so keying on the day is enough.
    order = sorted(range(len(investors)), key=desire_days.__getitem__)
    units = 0
    for pos, i in enumerate(order):
        units += investors[i].units
        day = desire_days[i]
        if demand_rules.is_initiating_majority(units, total_units, terms):
            members = [investors[j].name for j in order[:pos + 1]]
            members += [investors[j].name for j in order[pos + 1:] if desire_days[j] == day]
            return day, tuple(members), investors[i].name
    return None
