"""The Investors as a group: when a majority demands, and when they withdraw (§1(a), §1(c)).

Each Investor wants a registration on its own day; the group sends a Demand Notice once
its members hold a majority of the Units (§1(a)). While a demand is pending, material
information, a change of mind or a price fall may lead the Investors to ask for its
withdrawal (§1(c)); unless that used up the demand, they demand again. The group's
withdrawal draws come from the ``withdrawal`` stream, declared here.
"""

from __future__ import annotations

from typing import Sequence

from sim.engine.calendar import Order
from sim.engine import events as ev
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose
from sim.world.script import MAX_DEMAND_CYCLES

from agents.deal import Deal
from agents.investor import Investor, initiating_group

MAX_CYCLES = MAX_DEMAND_CYCLES   # demand cycles per deal (renewals, second demand)
DAYS_PER_MONTH = 30              # the price path is monthly

# The ``withdrawal`` stream, per demand cycle (§1(c)): material information made known
# before the request (occurs, days before the request, withdrawal day), a change of mind
# (occurs, day), price sensitivity. Cycle 0 in the window, later cycles in overflow.
WITHDRAWAL = Layout("withdrawal", 8, 8, blocks=MAX_DEMAND_CYCLES, purposes=dict(
    before=Purpose(0),
    before_days=Purpose(1, dist=lambda sc, _: sc.events.mai_before_days),
    before_withdraw=Purpose(2, dist=lambda sc, _: sc.investor_behaviour.withdraw_day),
    other=Purpose(3),
    other_withdraw=Purpose(4, dist=lambda sc, _: sc.investor_behaviour.withdraw_day),
    price=Purpose(5)))


class Investors:
    """The Investors acting together: the Initiating Investors' demand and withdrawal.

    Args:
        model: The deal.
        members: The Investors, in scenario order.
    """

    def __init__(self, model: Deal, members: Sequence[Investor]) -> None:
        self.model = model
        self.members = list(members)
        self.reset()

    def reset(self) -> None:
        """Per-deal state."""
        self.cycles = 0                   # demand cycles begun

    # --- Demands (§1(a)) ---------------------------------------------------------------
    def schedule_demand(self, base_day: int, second: bool) -> None:
        """Let the Investors form a majority and send a Demand Notice (§1(a))."""
        m = self.model
        cycle = self.cycles
        if cycle >= MAX_CYCLES:
            return
        if not second and m.terms.demand_registrations == 0:
            return      # no demand right (e.g. a mandatory registration instead): no notice
        self.cycles += 1
        fixed = m.policy.script.demand_for(cycle) if m.policy.scripted else None
        if fixed is not None and fixed.day is not None:
            members = fixed.by or tuple(i.name for i in self.members)
            day, lead = max(fixed.day, base_day), members[0]
        elif fixed is not None and fixed.by is not None:
            # Named Initiating Investors on a drawn day: when the last of them wants it.
            pol, members = m.policy, fixed.by
            desire = {n: base_day + pol.patience(m.investor(n).stream, n, cycle)
                      for n in members}
            lead = max(members, key=desire.__getitem__)
            day = desire[lead]
        elif m.policy.forms_coalitions():
            self._schedule_coalition(cycle, base_day, second)
            return
        else:
            pol = m.policy
            desire = [base_day + pol.patience(i.stream, i.name, cycle) for i in self.members]
            if cycle == 0 and m.world.investor_behaviour.price_trigger > 0:
                cross = m.price_trigger_day(base_day, max(desire))
                if cross is not None:
                    desire = [min(d, cross) for d in desire]
            group = initiating_group(self.members, desire, m.total_units, m.terms)
            if group is None:
                return
            day, members, lead = group
        if day > m.world.horizon_days:
            return
        reg = DemandRegistration(cycle=cycle, second=second, initiating=tuple(members),
                                 requested={}, demand_sent_day=day)
        m.registrations.append(reg)
        m.calendar.at(day, Order.ACTION, lambda _: m.investor(lead).send_demand(reg))

    # --- Coalitions for a demand (§1(a), strategic Investors) -------------------------
    def _schedule_coalition(self, cycle: int, base_day: int, second: bool) -> None:
        """The Investor who first wants a registration solicits the others for a
        majority of the Units (§1(a)); a failed attempt is tried again on the next
        desire day of another Investor or the next month start (the policy's
        ``solicit``, ``attempt_days``, docs/decisions.md). Attempts between desire days
        are logged only when they succeed: a solicitor sounds the others out as the
        price moves and asks formally once a majority would agree."""
        m = self.model
        pol = m.policy
        desire = {i.name: pol.desire_day(i, cycle, base_day, second) for i in self.members}
        days = [d for d in desire.values() if d is not None]
        if not days:
            return
        first = min(days)
        if first <= m.world.horizon_days:
            m.calendar.at(first, Order.ACTION,
                          lambda _: self._attempt(cycle, second, desire, first))

    def _attempt(self, cycle: int, second: bool, desire: dict, day: int) -> None:
        if self.cycles != cycle + 1:
            return                    # a later cycle has begun: this one is given up
        m = self.model
        pol = m.policy
        # A transferee who became an Investor since the cycle began (§7) is asked like any
        # other; its own wish for a registration counts from the next cycle.
        for i in self.members:
            desire.setdefault(i.name, None)
        # The solicitor: the Investor whose desire came last by today (ties: scenario order).
        wanting = [i for i in self.members if desire[i.name] is not None
                   and desire[i.name] <= day]
        latest = max(desire[i.name] for i in wanting)
        solicitor = next(i for i in wanting if desire[i.name] == latest)
        members = pol.solicit(solicitor, self.members, desire, day, cycle, second,
                              m.total_units, log=(latest == day))
        if members is None:
            nxt = pol.attempt_days(desire, day, m.world.horizon_days)
            if nxt is not None:
                m.calendar.at(nxt, Order.ACTION,
                              lambda _: self._attempt(cycle, second, desire, nxt))
            return
        if latest != day:             # a sounding-out that succeeds: log it formally
            pol.solicit(solicitor, self.members, desire, day, cycle, second,
                        m.total_units, log=True)
        reg = DemandRegistration(cycle=cycle, second=second, initiating=members,
                                 requested={}, demand_sent_day=day)
        m.registrations.append(reg)
        m.investor(solicitor.name).send_demand(reg)

    # --- Withdrawal at the Investors' request (§1(c)) ---------------------------------
    def schedule_withdrawals(self, reg: DemandRegistration) -> None:
        """On receipt of a demand, schedule what may lead the Investors to withdraw it:
        the script's withdrawal for this cycle, else the scenario's draws (material
        information made known after or before the request, a change of mind, a price
        fall). Whichever comes first while the statement is pending withdraws it."""
        m = self.model
        pol = m.policy
        scripted = pol.script.demand_for(reg.cycle) if pol.scripted else None
        if scripted is not None and scripted.withdrawal is not None:
            self._schedule_scripted_withdrawal(reg, scripted.withdrawal)
            return
        if pol.scripted and reg.cycle > 0:
            return                    # a scripted renewal runs its course unless scripted
        self._schedule_mai(reg)
        s, cycle, now = m.withdrawal_stream, reg.cycle, m.calendar.now
        at = m.calendar.at
        earlier = pol.earlier_information(s, cycle)
        if earlier is not None:
            known = max(0, reg.demand_sent_day - earlier[0])
            self._disclose(reg, known)
            at(now + earlier[1], Order.ACTION,
               lambda _: self.withdraw(reg, ("information",), known))
        other = pol.changes_mind(s, cycle)
        if other is not None:
            at(now + other, Order.ACTION, lambda _: self.withdraw(reg, ("other",), None))
        floor = pol.withdrawal_price(s, cycle, reg)
        if floor is not None:
            self._schedule_price_withdrawal(reg, floor)

    def _schedule_mai(self, reg: DemandRegistration) -> None:
        """Material adverse information made known while ``reg`` is pending (§1(c))."""
        m = self.model
        known = m.company.material_information(reg)
        if known is not None:
            m.calendar.at(max(known, m.calendar.now), Order.ACTION,
                          lambda _: self._on_mai(reg, known))

    def _on_mai(self, reg: DemandRegistration, known: int) -> None:
        """The information is at hand: the Investors decide whether to withdraw."""
        if self._disclosed(reg, known):
            m = self.model
            lead = m.investor(reg.initiating[0])
            if m.policy.withdraws_on_mai(lead.stream, lead.name, reg.cycle):
                self.withdraw(reg, ("information",), known)

    def _disclosed(self, reg: DemandRegistration, known: int) -> bool:
        """Log MAI_DISCLOSED (if ``reg`` is still pending): material information made
        known to the Investors on day ``known`` (on the demand's receipt if earlier)."""
        if reg.withdrawn or reg.effective_day >= 0:
            return False
        m = self.model
        m.log.record(m.calendar.now, ev.MAI_DISCLOSED, "company", "§1(c)", dict(
            cycle=reg.cycle, made_known_day=known, request_day=reg.demand_sent_day))
        return True

    def _disclose(self, reg: DemandRegistration, known: int) -> None:
        cal = self.model.calendar
        cal.at(max(known, cal.now), Order.ACTION, lambda _: self._disclosed(reg, known))

    def _schedule_scripted_withdrawal(self, reg: DemandRegistration, w) -> None:
        """The script's withdrawal: its day (or the price path), its causes and the day the
        information was made known."""
        m = self.model
        causes, now, at = w.causes, m.calendar.now, m.calendar.at
        if not causes:
            return
        known = w.information_day
        if known is not None:
            self._disclose(reg, known)
        day = w.day if w.day is not None else known
        if day is None:               # "price" alone: the price path decides the day
            drop = w.price_drop if w.price_drop is not None else (
                m.world.investor_behaviour.withdraw_price_drop)
            self._schedule_price_withdrawal(reg, m.price_at(reg.demand_sent_day) * (1 - drop))
            return
        at(max(day, now), Order.ACTION, lambda _: self.withdraw(reg, causes, known))

    def _schedule_price_withdrawal(self, reg: DemandRegistration, trigger: float) -> None:
        """Withdraw on the first day from now the price is below ``trigger`` (the request
        day's price less a drop, or a reservation price; the path is monthly: only month
        starts need checking)."""
        m = self.model
        day, horizon = m.calendar.now, m.world.horizon_days
        while day <= horizon:
            if m.price_at(day) < trigger:
                m.calendar.at(day, Order.ACTION,
                              lambda _: self.withdraw(reg, ("price",), None))
                return
            day = (day // DAYS_PER_MONTH + 1) * DAYS_PER_MONTH

    def withdraw(self, reg: DemandRegistration, causes: tuple[str, ...],
                 made_known_day: int | None) -> None:
        """The Investors ask for ``reg``'s withdrawal (if still pending); they demand
        again unless that used up the demand (or a script names the next cycle)."""
        if reg.withdrawn or reg.effective_day >= 0:
            return
        m = self.model
        used = m.company.withdraw_at_investors_request(reg, causes, made_known_day)
        if not used or (m.policy.scripted
                        and m.policy.script.demand_for(self.cycles) is not None):
            self.schedule_demand(base_day=m.calendar.now, second=reg.second)
