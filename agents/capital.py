"""The Company's authorized capital (§1(a)): headroom, its allocation, and the increase.

A filed demand statement registers the conversion and warrant shares only as far as
authorized and unreserved Common allows; the rest waits, in the holdings ledger, for
shareholders to authorize more and for the second demand (§1(a)). Draws come from the
``capital`` stream, declared here.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.holdings import CAPITAL_SHORT
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose
from sim.law.rules import demand as demand_rules
from sim.law.rules import securities

from agents.deal import Deal

# Drawn once per deal: Common reserved for other purposes, and the days until the
# shareholders authorize more after a shortfall.
CAPITAL = Layout("capital", 4, 4, purposes=dict(
    reserved_other=Purpose(0),
    increase=Purpose(1, dist=lambda sc, _: sc.capital.increase_days)))
_RESERVED, _INCREASE = CAPITAL.slot("reserved_other"), CAPITAL.slot("increase")


class Capital:
    """The Company's authorized Common not yet issued or reserved (the headroom).

    Args:
        model: The deal.
    """

    def __init__(self, model: Deal) -> None:
        self.model = model
        self.reset()

    def reset(self) -> None:
        """Per-deal state."""
        self.headroom = 0
        self.increase_pending = False
        self.increased_day: int | None = None
        self.second_demand_scheduled = False
        self.statements_effective = 0

    def check(self) -> None:
        """At the closing: the headroom, and the shares that depend on it (§1(a))."""
        m = self.model
        sc = m.world
        fixed = m.policy.script.company.reserved_other_shares
        reserved = fixed if fixed is not None else int(
            m.capital_stream.sample(sc.capital.reserved_other, _RESERVED))
        self.headroom = sc.capital.authorized_common - sc.capital.outstanding_common - reserved
        needed = securities.capital_dependent_shares(m.total_units, m.terms)
        m.log.record(0, ev.CAPITAL_CHECKED, "company", "§1(a)", dict(
            authorized=sc.capital.authorized_common, outstanding=sc.capital.outstanding_common,
            reserved_other=reserved, headroom=self.headroom, capital_dependent_shares=needed,
            shortfall=demand_rules.capital_shortfall(needed, self.headroom)))

    def allocate(self, reg: DemandRegistration) -> tuple[dict[str, int], dict[str, int]]:
        """Shares registered now, and conversion/warrant shares left out for lack of capital.

        The headroom is shared pro rata to each seller's capital-dependent shares (whole
        shares, largest remainder); the Common already issued is always registrable.
        """
        terms = self.model.terms
        cap = {}
        if reg.second:
            cap.update(reg.requested)
        else:
            # Terms computes these per access; read them once for all sellers.
            per_unit, registrable = terms.capital_dependent_per_unit, terms.registrable_per_unit
            for name, shares in reg.requested.items():
                cap[name] = shares * per_unit // registrable
        need = sum(cap.values())
        if need <= self.headroom:
            self.headroom -= need
            alloc = cap
        else:
            avail = max(self.headroom, 0)
            exact = {n: c * avail / need for n, c in cap.items()}
            alloc = {n: int(x) for n, x in exact.items()}
            rest = avail - sum(alloc.values())
            for n in sorted(exact, key=lambda n: (-(exact[n] - alloc[n]), n))[:rest]:
                alloc[n] += 1
            self.headroom = 0
        registered, unregistered = {}, {}
        holdings, key = self.model.holdings, reg.key
        for name, shares in reg.requested.items():
            short = cap[name] - alloc[name]
            registered[name] = shares - short
            if short:
                unregistered[name] = short
                holdings.move(name, key, CAPITAL_SHORT, short)   # kept for the second demand
        reg.capital_used = sum(alloc.values())
        return registered, unregistered

    @property
    def unregistered(self) -> dict[str, int]:
        """Shares left out of a filed statement for lack of authorized capital and not
        yet asked for again: what a second demand may register (§1(a)). Read from the
        holdings ledger, where they wait in their own bucket."""
        return self.model.holdings.by_registration.get(CAPITAL_SHORT, {})

    def release(self, reg: DemandRegistration) -> None:
        """A filed statement is withdrawn: what it registered is unregistered again, and
        the authorized capital it took, and the shortfall it recorded, are undone."""
        holdings = self.model.holdings
        self.headroom += reg.capital_used
        if reg.second:             # the second demand's shares wait for it again
            for name, shares in reg.registered.items():
                holdings.move(name, reg.key, CAPITAL_SHORT, shares)
        for name, short in reg.unregistered_capital.items():
            # Free again, unless a second demand has taken them meanwhile.
            holdings.release(name, CAPITAL_SHORT, short)
        holdings.release_all(reg.key)

    def schedule_increase(self, reg: DemandRegistration) -> None:
        """Shareholders authorize more Common some days after a shortfall (scenario);
        one meeting at a time covers whatever shortfall there is when it is held."""
        if self.increase_pending:
            return
        self.increase_pending = True
        m = self.model
        fixed = m.policy.script.company.capital_increase_days
        days = fixed if fixed is not None else m.capital_stream.days(
            m.world.capital.increase_days, _INCREASE)
        reg_day = m.calendar.now

        def increase(_event=None) -> None:
            self.increase_pending = False
            short = sum(self.unregistered.values())
            self.headroom += short
            self.increased_day = m.calendar.now
            m.log.record(m.calendar.now, ev.CAPITAL_INCREASED, "company", "§1(a)", dict(
                added=short, headroom=self.headroom))
            self._maybe_second_demand()

        m.calendar.at(reg_day + days, Order.ACTION, increase)

    def after_effective(self, reg: DemandRegistration) -> None:
        """After a statement is effective: the second demand may follow (§1(a))."""
        self.statements_effective += 1
        if self.unregistered:
            self._maybe_second_demand()

    def _maybe_second_demand(self) -> None:
        """Once a statement is effective and capital is authorized, a majority may make
        the second demand for the shares left out (§1(a))."""
        m = self.model
        short = sum(self.unregistered.values())
        if (self.statements_effective and self.increased_day is not None
                and demand_rules.second_demand_allowed(short, int(self.second_demand_scheduled),
                                                       m.terms)):
            self.second_demand_scheduled = True
            m.investor_group.schedule_demand(base_day=m.calendar.now, second=True)
