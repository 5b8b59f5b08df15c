"""The Investors' decision model: the value of registering now (docs/decisions.md).

An Investor weighs a registration by what it is worth to it to be able to sell now
rather than wait for Rule 144(k): its unregistered Registrable Shares at today's price
(warrant shares only in the money) times Longstaff's marketability discount for the
time left to its Rule 144(k) day (``sim.world.marketability``). It acts (wants a
registration, agrees to join one, piggy-backs, accepts underwriting terms, stays in a
registration) when that value exceeds its cost of acting (``action_cost_usd``) and the
price is at least its reservation (``reservation_price_ratio`` x its cost per share:
the Unit price over the Registrable Shares of a Unit, recitals and §7).

With every figure of ``[strategy.investors]`` at zero each decision is the scenario's
draw (:class:`agents.policies.ScenarioPolicy`), and no coalition is formed: the
Investors meet on their drawn days as :func:`agents.investor.initiating_group` says.
"""

from __future__ import annotations

import functools

from sim.engine import events as ev
from sim.law.rules import demand as demand_rules
from sim.law.rules import securities
from sim.world import rule144
from sim.world.marketability import longstaff_discount, restriction_years

DAYS_PER_MONTH = 30          # the price path is monthly (sim/deal/model.py)


def cost_per_share(terms) -> float:
    """What one Registrable Share cost its Investor: "a purchase price per Unit of
    $0.30" (recitals) over the Registrable Shares of a Unit (§7: 3 Common + 2 on
    conversion + 1 on exercise): $0.05."""
    return terms.unit_price_usd / terms.registrable_per_unit


def _next_month(day: int) -> int:
    return (day // DAYS_PER_MONTH + 1) * DAYS_PER_MONTH


@functools.lru_cache(maxsize=8192)
def _discount(volatility: float, days_left: int) -> float:
    """Longstaff's discount for ``days_left`` days of restriction (a deal asks for the
    same few hundred values thousands of times: kept)."""
    return longstaff_discount(volatility, restriction_years(0, days_left, days_left))


class InvestorChoices:
    """Mixin over :class:`agents.policies.ScenarioPolicy`: the Investors' choices."""

    # --- What the Investor sees -------------------------------------------------------
    def investors_strategic(self) -> bool:
        """Whether any cost of ``[strategy.investors]`` is set: then every Investor
        decision below weighs it (and Investors form coalitions); else the draws."""
        st = self.scenario.strategy.investors
        return bool(st.trigger_price_ratio or st.reservation_price_ratio
                    or st.action_cost_usd)

    forms_coalitions = investors_strategic

    def free_day(self, inv) -> int | None:
        """The day ``inv`` may sell all it holds under Rule 144(k) (None: an affiliate,
        never). The same for every non-affiliate of the scenario: computed once."""
        cache = self.__dict__.setdefault("_free_days", {})
        if inv.affiliate not in cache:
            cache[inv.affiliate] = rule144.unlimited_day(self.scenario,
                                                         affiliate=inv.affiliate)
        return cache[inv.affiliate]

    def value_now(self, inv, day: int, shares: int) -> float:
        """The value to ``inv`` of registering ``shares`` of its Registrable Shares on
        ``day``: their value at the day's price (warrant shares only in the money, and
        nothing once the Warrants have expired: recitals, §7) times Longstaff's
        discount for the years left to its Rule 144(k) day."""
        if shares <= 0:
            return 0.0
        m = self.model
        sc = self.scenario
        free = self.free_day(inv)
        days_left = max(0, (sc.horizon_days if free is None else free) - day)
        disc = _discount(sc.market.annual_volatility, days_left)
        if disc <= 0.0:
            return 0.0
        price = m.share_price(day)
        factor = m.price_at(day) / price if price > 0 else 1.0   # shares now per share then
        strike = self.terms.warrant_exercise_price_usd / factor
        w = securities.warrant_shares(shares, self.terms)
        warrant_value = 0.0 if day > m.warrant_expiry_day else max(0.0, price - strike)
        return ((shares - w) * price + w * warrant_value) * disc

    def price_ok(self, day: int) -> bool:
        """The price (per share at the closing) is at least the reservation."""
        st = self.scenario.strategy.investors
        return self.model.price_at(day) >= st.reservation_price_ratio * cost_per_share(
            self.terms)

    def would_sell(self, inv, day: int, shares: int) -> tuple[bool, float]:
        """(value of registering ``shares`` now > action cost and the price at least the
        reservation, that value)."""
        value = self.value_now(inv, day, shares)
        ok = value > self.scenario.strategy.investors.action_cost_usd and self.price_ok(day)
        return ok, value

    def _investor_choice(self, inv_name: str, clause: str, choice: str, natural, chosen,
                value: float, **extra) -> None:
        if chosen == natural:        # the draw would have chosen the same: nothing to explain
            return
        m = self.model
        st = self.scenario.strategy.investors
        m.log.record(m.calendar.now, ev.CHOICE_MADE, inv_name, clause, dict(
            choice=choice, natural=natural, chosen=chosen, value_usd=round(value, 2),
            action_cost_usd=st.action_cost_usd, price=m.price_at(m.calendar.now),
            reservation_price=st.reservation_price_ratio * cost_per_share(self.terms),
            **extra))

    # --- When an Investor wants a registration (§1(a)) --------------------------------
    def desire_day(self, inv, cycle: int, base_day: int, second: bool = False) -> int | None:
        """The first day from ``base_day`` on which ``inv`` wants a registration: its
        liquidity need has come (the scenario's patience draw) or the price has reached
        ``trigger_price_ratio`` x its cost per share, and its value of registering now
        exceeds its action cost at a price at least its reservation. Checked on the
        liquidity day and on month starts (the price path is monthly); never after its
        Rule 144(k) day, nor after the horizon (None)."""
        m = self.model
        sc = self.scenario
        st = sc.strategy.investors
        liquidity = base_day + self.patience(inv.stream, inv.name, cycle)
        trigger = st.trigger_price_ratio * cost_per_share(self.terms)
        free = self.free_day(inv)
        last = sc.horizon_days if free is None else min(free, sc.horizon_days)
        shares = inv.shares_to_offer_for(second)
        day = base_day
        while day <= last:
            if day >= liquidity or (trigger > 0 and m.price_at(day) >= trigger):
                if self.would_sell(inv, day, shares)[0]:
                    return day
            nxt = _next_month(day)
            day = liquidity if day < liquidity < nxt else nxt
        return None

    def agrees(self, inv, day: int, desire: int | None, second: bool) -> tuple[bool, str]:
        """§1(a): whether ``inv``, asked on ``day`` to be an Initiating Investor, agrees,
        and why."""
        if desire is not None and desire <= day:
            return True, "wants a registration"
        shares = inv.shares_to_offer_for(second)
        if shares <= 0:
            return False, "no Registrable Shares free to register"
        value = self.value_now(inv, day, shares)
        if value <= self.scenario.strategy.investors.action_cost_usd:
            return False, "value of registering now below its action cost"
        if not self.price_ok(day):
            return False, "price below its reservation"
        return True, "value of registering now above its action cost"

    def ask_order(self, solicitor, members) -> list:
        """Whom ``solicitor`` asks, in order: its affiliate group first, then by Units
        held, largest first (ties: scenario order)."""
        others = [i for i in members if i is not solicitor]
        same = [i for i in others if solicitor.group is not None and i.group == solicitor.group]
        rest = [i for i in others if not (solicitor.group is not None
                                          and i.group == solicitor.group)]
        return (sorted(same, key=lambda i: -i.units) + sorted(rest, key=lambda i: -i.units))

    def solicit(self, solicitor, members, desire: dict, day: int, cycle: int,
                second: bool, total_units: int, log: bool) -> tuple[str, ...] | None:
        """One attempt on ``day``: ``solicitor`` asks the others in :meth:`ask_order`
        until the Units of those who agreed are a majority (§1(a)). Logs each ask and
        the outcome when ``log``. Returns the Initiating Investors, or None."""
        m = self.model
        terms = self.terms
        agreed = [solicitor]
        units = solicitor.units
        if not demand_rules.is_initiating_majority(units, total_units, terms):
            for order, inv in enumerate(self.ask_order(solicitor, members), start=1):
                yes, reason = self.agrees(inv, day, desire[inv.name], second)
                if yes:
                    agreed.append(inv)
                    units += inv.units
                if log:
                    m.log.record(day, ev.DEMAND_SOLICITED, solicitor.name, "§1(a)", dict(
                        cycle=cycle, asked=inv.name, order=order, units=inv.units,
                        answer=yes, reason=reason, units_so_far=units,
                        total_units=total_units))
                if yes and demand_rules.is_initiating_majority(units, total_units, terms):
                    break
        names = tuple(i.name for i in agreed)
        formed = demand_rules.is_initiating_majority(units, total_units, terms)
        if log:
            m.log.record(day, ev.COALITION_FORMED if formed else ev.COALITION_FAILED,
                         solicitor.name, "§1(a)", dict(cycle=cycle, members=names,
                                                       units=units, total_units=total_units))
        return names if formed else None

    def attempt_days(self, desire: dict, after: int, horizon: int) -> int | None:
        """The next day after ``after`` a coalition is tried again: the next desire day
        of another Investor or the next month start (the price, and so the answers,
        change monthly), whichever comes first; None past the horizon or once no
        Investor can want one (every Rule 144(k) day passed)."""
        days = [d for d in desire.values() if d is not None and d > after]
        nxt = min(days + [_next_month(after)])
        frees = [self.free_day(i) for i in self.model.investors]
        last = horizon if any(f is None for f in frees) else min(horizon, max(frees))
        return nxt if nxt <= last else None

    # --- Join, piggy-back, underwriting terms, withdrawal -----------------------------
    def _weigh(self, inv, key: str, natural: bool, shares: int, clause: str,
               choice: str, **extra) -> bool:
        """One of the Investor's yes-or-no choices on the footing of the value of
        registering ``shares`` now: the draw while the costs are zero or a script fixes
        ``key``; else whether it would sell today (logged where that differs)."""
        if not self.investors_strategic() or (self.scripted and self._inv(
                inv.name, key) is not None):
            return natural
        chosen, value = self.would_sell(inv, self.model.calendar.now, shares)
        self._investor_choice(inv.name, clause, choice, natural, chosen, value, **extra)
        return chosen

    def joins(self, s, investor_id: str, cycle: int, *, reg=None) -> bool:
        natural = super().joins(s, investor_id, cycle)
        inv = self.model.investor(investor_id)
        second = reg.second if reg is not None else False
        return self._weigh(inv, "join", natural, inv.shares_to_offer_for(second), "§1(a)",
                           "join", cycle=cycle)

    def elects_piggyback(self, inv, plan) -> bool:
        return self._weigh(inv, "piggyback", super().elects_piggyback(inv, plan),
                           inv.unregistered(), "§3(a)", "piggyback", offering=plan.id)

    def accepts_underwriting_terms(self, inv, plan) -> bool:
        return self._weigh(inv, "accept_underwriting",
                           super().accepts_underwriting_terms(inv, plan),
                           plan.requests.get(inv.name, 0), "§3(c)", "accept_underwriting",
                           offering=plan.id)

    def withdrawal_price(self, s, cycle: int, reg) -> float | None:
        """§1(c): the Initiating Investors ask to withdraw once the price falls below
        their reservation (they would not sell below it); no reservation: the draw."""
        st = self.scenario.strategy.investors
        natural = super().withdrawal_price(s, cycle, reg)
        if not self.investors_strategic() or st.reservation_price_ratio <= 0:
            return natural
        floor = st.reservation_price_ratio * cost_per_share(self.terms)
        lead = self.model.investor(reg.initiating[0])
        self._investor_choice(lead.name, "§1(c)", "withdraw_below", natural, floor,
                     self.value_now(lead, self.model.calendar.now,
                                    reg.requested.get(lead.name, 0)), cycle=cycle)
        return floor
