"""DealModel: one registration-rights deal as a Mesa model on a SimPy calendar.

The model is a pure function of (terms, scenario, seed, deal index): it owns the agents
and the named random streams, builds a fresh calendar per deal and returns the frozen
event log. It is built once and reused for many deals (``run(deal)`` resets all per-deal
state), which keeps the per-deal cost to the calendar and the agents' reactions.

SimPy owns the clock; the Mesa model is never stepped.
"""

from __future__ import annotations

import math

import mesa

from agents.company import Company
from agents.investor import Investor, initiating_group
from agents.other_holder import OtherHolder
from agents.policies import (COMPANY_SLOTS, COMPANY_WIDTH, INVESTOR_SLOTS, INVESTOR_WIDTH,
                             OTHER_HOLDER_SLOTS, OTHER_HOLDER_WIDTH, PIGGYBACK_SLOTS,
                             PIGGYBACK_WIDTH, POLICIES, WITHDRAWAL_SLOTS, WITHDRAWAL_WIDTH,
                             ScenarioPolicy)
from agents.underwriter import Underwriter
from agents import claims, costs, effectiveness
from agents.claims import CLAIM_SLOTS, CLAIMS_WIDTH, PER_CLAIM
from sim.engine import events as ev
from sim.law.rules import expenses as costs_rules
from sim.engine.calendar import Calendar, Order
from agents.effectiveness import MAX_SUSPENSIONS, SUSPENSION_WIDTH
from sim.engine.events import EventLog
from sim.engine.holdings import CAPITAL_SHORT, Holdings
from agents.offerings import (OFFERING_SLOTS, PER_OFFERING, draw_offerings, offering_process,
                          offering_stream_width)
from sim.engine.registration import DemandRegistration
from agents.commission import REVIEW_SLOTS, REVIEW_WIDTH
from sim.law.rules import demand as demand_rules
from sim.law.rules import securities
from sim.world.scenario import Scenario
from sim.world.script import MAX_DEMAND_CYCLES, Script
from sim.engine.streams import NORMAL, RandomStreams, StreamSpec
from sim.law.terms import Terms

MAX_CYCLES = MAX_DEMAND_CYCLES   # demand cycles per deal (renewals, second demand)
EVENTS_WIDTH = 8        # activity (2 slots), then (mai occurs, mai day) per cycle
DAYS_PER_MONTH = 30


def stream_specs(scenario: Scenario) -> list[StreamSpec]:
    """The named streams a deal under ``scenario`` draws from: widths and slot layouts.

    A layout names the distribution each slot is sampled from, so a chunk of deals is
    transformed at once (see :mod:`sim.engine.streams`); it must match what the agents ask for
    at those slots. A mismatch is not an error, only slower: the value is then computed per
    draw with ``math`` instead of NumPy (deterministic either way, though the two may
    round a duration differently in rare last-bit cases).
    """
    sc, notices = scenario, scenario.notices
    company_method = getattr(notices, sc.company.notice_method)
    months = sc.horizon_days // DAYS_PER_MONTH + 2
    market_width = (months + 3) // 4 * 4
    cs, rs, ib = COMPANY_SLOTS, REVIEW_SLOTS, sc.investor_behaviour
    specs = [
        StreamSpec("company", COMPANY_WIDTH, (
            (cs["notice_delay"], sc.company.notice_delay_days), (cs["prep"], sc.company.prep_days),
            (cs["delay_hold"], sc.company.delay_hold_days))),
        StreamSpec("review", REVIEW_WIDTH, (
            (rs["no_review"], sc.review.no_review_days),
            (rs["first_comment"], sc.review.first_comment_days),
            (rs["letters"], sc.review.comment_letters), (rs["clearance"], sc.review.clearance_days),
            *((rs["turnaround"] + k, sc.review.turnaround_days) for k in range(5)),
            *((rs["response"] + k, sc.review.response_days) for k in range(6)))),
        StreamSpec("suspension", SUSPENSION_WIDTH, tuple(
            (2 + 2 * k, sc.suspensions.length_days) for k in range(MAX_SUSPENSIONS))),
        StreamSpec("market", market_width, tuple((k, NORMAL) for k in range(market_width))),
        StreamSpec("capital", 4, ((1, sc.capital.increase_days),)),
        StreamSpec("offerings", offering_stream_width(sc.offerings.max_count), tuple(
            pair for k in range(sc.offerings.max_count) for pair in (
                (1 + PER_OFFERING * k + OFFERING_SLOTS["lead"], sc.offerings.plan_lead_days),
                (1 + PER_OFFERING * k + OFFERING_SLOTS["review"], sc.offerings.review_days),
                (1 + PER_OFFERING * k + OFFERING_SLOTS["distribution"],
                 sc.offerings.distribution_days),
                (1 + PER_OFFERING * k + OFFERING_SLOTS["notice"],
                 sc.company.notice_delay_days)))),
        StreamSpec("events", EVENTS_WIDTH, ((1, sc.events.other_activity_day),
                                            (3, sc.events.mai_day))),
        StreamSpec("withdrawal", WITHDRAWAL_WIDTH, (
            (WITHDRAWAL_SLOTS["before_days"], sc.events.mai_before_days),
            (WITHDRAWAL_SLOTS["before_withdraw"], ib.withdraw_day),
            (WITHDRAWAL_SLOTS["other_withdraw"], ib.withdraw_day))),
        StreamSpec("underwriter", 16),
        StreamSpec("claims", CLAIMS_WIDTH, tuple(
            (c * PER_CLAIM + CLAIM_SLOTS["day"], sc.claims.claim_day)
            for c in range(CLAIMS_WIDTH // PER_CLAIM))),
    ]
    for inv in sc.investors:
        own = getattr(notices, inv.notice_method)
        specs.append(StreamSpec(f"investor:{inv.id}", INVESTOR_WIDTH, tuple(
            (INVESTOR_SLOTS[name], dist) for name, dist in (
                ("patience", ib.demand_patience_days), ("cn_latency", company_method),
                ("join_response", ib.join_response_days), ("join_latency", own),
                ("info_req_latency", company_method), ("info_response", ib.info_response_days),
                ("info_latency", own), ("sell_days", ib.sell_days), ("demand_latency", own)))))
        specs.append(StreamSpec(f"piggyback:{inv.id}", PIGGYBACK_WIDTH * 4, tuple(
            (k * PIGGYBACK_WIDTH + PIGGYBACK_SLOTS[name], dist) for k in range(4)
            for name, dist in (("response", ib.piggyback_response_days),
                               ("latency_in", company_method), ("latency_out", own)))))
    for oh in sc.other_holders:
        specs.append(StreamSpec(f"other_holder:{oh.id}", OTHER_HOLDER_WIDTH, (
            (OTHER_HOLDER_SLOTS["latency_in"], company_method),
            (OTHER_HOLDER_SLOTS["response"], ib.join_response_days),
            (OTHER_HOLDER_SLOTS["latency_out"], getattr(notices, oh.notice_method)))))
    return specs


class DealModel(mesa.Model):
    """A deal under ``terms`` in ``scenario``; ``run(deal)`` plays deal number ``deal``.

    Args:
        terms: The negotiated terms.
        scenario: The world the deal meets.
        seed: Root seed; every named stream is spawned from it.
        script: Optional what-if script fixing decisions and draws.
        policy: ``"scenario"`` (behaviour as drawn), ``"compliant"``, or a subclass of
            :class:`agents.policies.ScenarioPolicy` overriding any decision.
    """

    def __init__(self, terms: Terms, scenario: Scenario, seed: int = 0, *,
                 script: Script | None = None,
                 policy: str | type[ScenarioPolicy] = "scenario") -> None:
        super().__init__(rng=seed)   # Mesa's own generators: seeded, not used by the rules
        # The scenario is ``world``: Mesa >= 3.5 reserves ``Model.scenario`` for its own
        # Scenario objects.
        self.terms, self.world, self.seed = terms, scenario, seed
        self.streams = RandomStreams(seed, stream_specs(scenario))
        policy_cls = POLICIES[policy] if isinstance(policy, str) else policy
        self.policy = policy_cls(terms, scenario, script)
        self.market_stream = self.streams.stream("market")
        self.capital_stream = self.streams.stream("capital")
        self.offerings_stream = self.streams.stream("offerings")
        self.events_stream = self.streams.stream("events")
        self.withdrawal_stream = self.streams.stream("withdrawal")
        self.review_stream = self.streams.stream("review")
        self.claims_stream = self.streams.stream("claims")
        self.expense_figures = costs.figures(self)
        self.company = Company(self)
        self.investors = [Investor(self, spec) for spec in scenario.investors]
        self.investors_by_name = {i.name: i for i in self.investors}
        self.other_holders = [OtherHolder(self, spec) for spec in scenario.other_holders]
        self.underwriter = Underwriter(self)
        self.total_units = scenario.total_units
        self.registrable_total = sum(i.registrable for i in self.investors)
        self.holdings = Holdings({i.name: i.registrable for i in self.investors})
        self._monthly_drift = (scenario.market.annual_drift
                               - 0.5 * scenario.market.annual_volatility ** 2) * (
            DAYS_PER_MONTH / 365)
        self._monthly_vol = scenario.market.annual_volatility * math.sqrt(DAYS_PER_MONTH / 365)
        self.calendar = Calendar()      # one SimPy environment, rewound for every deal
        # Mesa 3.3 numbers agents in a class-level dict keyed by the model, which keeps
        # every model alive (about 0.4 MB each: a volume check builds thousands). All our
        # agents exist by now, so let go of this model's counter (Mesa >= 3.4 has none).
        ids = getattr(mesa.Agent, "_ids", None)
        if ids is not None:
            ids.pop(self, None)
        # Day 0 is the closing (a scenario date); the Warrants are issued with the Units
        # at the closing and expire by the calendar (recitals, §7).
        self.closing_iso = scenario.closing_date.isoformat()
        self.warrant_expiry_day = securities.warrant_expiry_day(0, terms,
                                                                scenario.closing_date)

    def investor(self, name: str) -> Investor:
        """The Investor with id ``name``."""
        return self.investors_by_name[name]

    # --- One deal ----------------------------------------------------------------------
    def run(self, deal: int = 0) -> EventLog:
        """Play deal number ``deal`` to its end and return its frozen event log."""
        self.streams.load(deal)
        self.deal = deal
        self.calendar.reset()
        self.log = EventLog()
        self.company.reset()
        self.holdings.reset()
        self.registrations: list[DemandRegistration] = []
        self.share_factor = 1.0           # shares now per share at the closing (§7)
        self._factor_days: list[tuple[int, float]] = []
        self.capital_increase_pending = False
        self.cycles = 0
        self.capital_increased_day: int | None = None
        self.second_demand_scheduled = False
        self.statements_effective = 0
        self._log_prices: list[float] = [0.0]
        self._prices: list[float] = [self.world.market.price0]   # price0 * exp(log price)
        self._start()
        self.calendar.run()
        self.log.record(self.calendar.now, ev.DEAL_ENDED, "calendar", "§2(e)", dict(
            demands_used=self.company.demands_used))
        return self.log.freeze()

    def _start(self) -> None:
        sc, terms, log = self.world, self.terms, self.log
        log.record(0, ev.DEAL_CLOSED, "company", "recitals", dict(
            seed=self.seed, deal=self.deal, investors=len(self.investors), units=self.total_units,
            registrable_shares=self.registrable_total, other_holders=len(self.other_holders),
            investor_ids=tuple(i.name for i in self.investors),
            holdings=tuple((i.name, i.registrable) for i in self.investors),
            price=sc.market.price0, closing_date=self.closing_iso,
            warrant_expiry_day=self.warrant_expiry_day, prior_statements=tuple(
                (p.id, p.effective_day, p.permits_resale, p.form_permits_resale)
                for p in sc.prior_statements)))
        fixed = self.policy.script.company.reserved_other_shares
        reserved = fixed if fixed is not None else int(
            self.capital_stream.sample(sc.capital.reserved_other, 0))
        self.headroom = sc.capital.authorized_common - sc.capital.outstanding_common - reserved
        needed = securities.capital_dependent_shares(self.total_units, terms)
        log.record(0, ev.CAPITAL_CHECKED, "company", "§1(a)", dict(
            authorized=sc.capital.authorized_common, outstanding=sc.capital.outstanding_common,
            reserved_other=reserved, headroom=self.headroom, capital_dependent_shares=needed,
            shortfall=demand_rules.capital_shortfall(needed, self.headroom)))
        self.company.statements += [(p.effective_day, p.permits_resale, p.form_permits_resale,
                                     p.id) for p in sc.prior_statements]
        self.offerings = draw_offerings(self)
        for plan in self.offerings:
            plan.resolved = self.calendar.signal()
            self.calendar.process(offering_process(self, plan))
        self.activity_day = self._draw_activity()
        if self.activity_day is not None:
            self.calendar.at(self.activity_day, Order.ACTION, lambda _: log.record(
                self.activity_day, ev.OTHER_ACTIVITY_COMMENCED, "company", "§1(d)", {}))
        for adj in sc.share_adjustments:
            self.calendar.at(adj.day, Order.ACTION, lambda _, adj=adj: self._adjust_shares(adj))
        self.schedule_demand(base_day=0, second=False)

    def _adjust_shares(self, adj) -> None:
        """§7: "Registrable Shares" include "any other shares of capital stock of the
        Company issued to the Investors in respect of such shares as a result of stock
        splits, stock dividends ...": every Investor's Registrable Shares, and every
        request and registration of them, are multiplied by the ratio (the Units, and so
        the §1(a) majority, are not); the price per share is divided by it."""
        r = adj.ratio
        before = sum(self.holdings.registrable.values())
        self.holdings.scale(r)
        for reg in self.registrations:
            for table in (reg.requested, reg.registered, reg.unregistered_capital, reg.sales):
                for name in table:
                    table[name] = int(table[name] * r)
        for plan in self.offerings:
            for name in plan.requests:
                plan.requests[name] = int(plan.requests[name] * r)
        self.headroom = int(self.headroom * r)
        self.share_factor *= r
        self._factor_days.append((self.calendar.now, self.share_factor))
        self.registrable_total = sum(self.holdings.registrable.values())
        self.log.record(self.calendar.now, ev.SHARES_ADJUSTED, "company", "§7", dict(
            kind=adj.kind, ratio=r, registrable_before=before,
            registrable_after=self.registrable_total, factor=self.share_factor))

    def share_price(self, day: int) -> float:
        """Price of one share of the Common as it is on ``day`` (after any split or stock
        dividend up to then): :meth:`price_at` is the price per share at the closing."""
        price = self.price_at(day)
        if not self._factor_days:
            return price
        factor = 1.0
        for since, f in self._factor_days:
            if since <= day:
                factor = f
        return price / factor

    def _draw_activity(self) -> int | None:
        fixed = self.policy.script.events.other_activity_day
        if self.policy.scripted and (fixed is not None or self.policy.script.events.mai_day
                                     is not None):
            return fixed
        e = self.world.events
        if not self.events_stream.chance(e.other_activity_prob, 0):
            return None
        return self.events_stream.days(e.other_activity_day, 1)

    # --- Market --------------------------------------------------------------------------
    def price_at(self, day: int) -> float:
        """Price of the Common on ``day`` per share at the closing (adjusted for splits and
        stock dividends, so ratios of prices are returns): GBM sampled monthly (piecewise
        constant). The price of one share as it is then is :meth:`share_price`."""
        month = day // DAYS_PER_MONTH if day > 0 else 0
        prices = self._prices
        if month < len(prices):             # a month already priced (most calls)
            return prices[month]
        logs = self._log_prices             # extend the path to this month (once per month)
        fixed = self.policy.script.events.market_returns
        drift, vol, normal = self._monthly_drift, self._monthly_vol, self.market_stream.normal
        price0 = self.world.market.price0
        for k in range(len(logs) - 1, month):
            if fixed is not None:
                step = fixed[k] if k < len(fixed) else 0.0
            else:
                step = drift + vol * normal(k)
            logs.append(logs[-1] + step)
            prices.append(price0 * math.exp(logs[-1]))
        return prices[month]

    def price_trigger_day(self, start: int, until: int) -> int | None:
        """First month start in ``[start, until]`` with the price at the investors' trigger."""
        trigger = self.world.market.price0 * (1 + self.world.investor_behaviour.price_trigger)
        day = start
        while day <= until:
            if self.price_at(day) >= trigger:
                return day
            day = (day // DAYS_PER_MONTH + 1) * DAYS_PER_MONTH
        return None

    # --- Demands ---------------------------------------------------------------------------
    def schedule_demand(self, base_day: int, second: bool) -> None:
        """Let the Investors form a majority and send a Demand Notice (§1(a))."""
        cycle = self.cycles
        if cycle >= MAX_CYCLES:
            return
        self.cycles += 1
        fixed = self.policy.script.demand_for(cycle) if self.policy.scripted else None
        if fixed is not None and fixed.day is not None:
            members = fixed.by or tuple(i.name for i in self.investors)
            day, lead = max(fixed.day, base_day), members[0]
        elif fixed is not None and fixed.by is not None:
            # Named Initiating Investors on a drawn day: when the last of them wants it.
            pol, members = self.policy, fixed.by
            desire = {n: base_day + pol.patience(self.investor(n).stream, n, cycle)
                      for n in members}
            lead = max(members, key=desire.__getitem__)
            day = desire[lead]
        else:
            pol = self.policy
            desire = [base_day + pol.patience(i.stream, i.name, cycle) for i in self.investors]
            if cycle == 0 and self.world.investor_behaviour.price_trigger > 0:
                cross = self.price_trigger_day(base_day, max(desire))
                if cross is not None:
                    desire = [min(d, cross) for d in desire]
            group = initiating_group(self.investors, desire, self.total_units, self.terms)
            if group is None:
                return
            day, members, lead = group
        if day > self.world.horizon_days:
            return
        reg = DemandRegistration(cycle=cycle, second=second, initiating=tuple(members),
                                 requested={}, demand_sent_day=day)
        self.registrations.append(reg)
        self.calendar.at(day, Order.ACTION, lambda _: self.investor(lead).send_demand(reg))

    # --- Withdrawal at the Investors' request (§1(c)) ---------------------------------
    def schedule_withdrawals(self, reg: DemandRegistration) -> None:
        """On receipt of a demand, schedule what may lead the Investors to withdraw it:
        the script's withdrawal for this cycle, else the scenario's draws (material
        information made known after or before the request, a change of mind, a price
        fall). Whichever comes first while the statement is pending withdraws it."""
        pol = self.policy
        scripted = pol.script.demand_for(reg.cycle) if pol.scripted else None
        if scripted is not None and scripted.withdrawal is not None:
            self._schedule_scripted_withdrawal(reg, scripted.withdrawal)
            return
        if pol.scripted and reg.cycle > 0:
            return                    # a scripted renewal runs its course unless scripted
        self._schedule_mai(reg)
        s, cycle, now = self.withdrawal_stream, reg.cycle, self.calendar.now
        at = self.calendar.at
        earlier = pol.earlier_information(s, cycle)
        if earlier is not None:
            known = max(0, reg.demand_sent_day - earlier[0])
            self._disclose(reg, known)
            at(now + earlier[1], Order.ACTION,
               lambda _: self.withdraw(reg, ("information",), known))
        other = pol.changes_mind(s, cycle)
        if other is not None:
            at(now + other, Order.ACTION, lambda _: self.withdraw(reg, ("other",), None))
        if pol.price_sensitive(s, cycle):
            self._schedule_price_withdrawal(reg, self.world.investor_behaviour.withdraw_price_drop)

    def _schedule_mai(self, reg: DemandRegistration) -> None:
        """Material adverse information made known while ``reg`` is pending (§1(c))."""
        e, s = self.world.events, self.events_stream
        fixed = self.policy.script.events.mai_day
        if self.policy.scripted and fixed is not None:
            if reg.cycle > 0:
                return
            known = fixed
        else:
            if not s.chance(e.mai_prob, 2 + 2 * reg.cycle):
                return
            known = reg.received_day + s.days(e.mai_day, 3 + 2 * reg.cycle)
        self.calendar.at(max(known, self.calendar.now), Order.ACTION,
                         lambda _: self._on_mai(reg, known))

    def _on_mai(self, reg: DemandRegistration, known: int) -> None:
        """The information is at hand: the Investors decide whether to withdraw."""
        if self._disclosed(reg, known):
            lead = self.investor(reg.initiating[0])
            if self.policy.withdraws_on_mai(lead.stream, lead.name, reg.cycle):
                self.withdraw(reg, ("information",), known)

    def _disclosed(self, reg: DemandRegistration, known: int) -> bool:
        """Log MAI_DISCLOSED (if ``reg`` is still pending): material information made
        known to the Investors on day ``known`` (on the demand's receipt if earlier)."""
        if reg.withdrawn or reg.effective_day >= 0:
            return False
        self.log.record(self.calendar.now, ev.MAI_DISCLOSED, "company", "§1(c)", dict(
            cycle=reg.cycle, made_known_day=known, request_day=reg.demand_sent_day))
        return True

    def _disclose(self, reg: DemandRegistration, known: int) -> None:
        self.calendar.at(max(known, self.calendar.now), Order.ACTION,
                         lambda _: self._disclosed(reg, known))

    def _schedule_scripted_withdrawal(self, reg: DemandRegistration, w) -> None:
        """The script's withdrawal: its day (or the price path), its causes and the day the
        information was made known."""
        causes, now, at = w.causes, self.calendar.now, self.calendar.at
        if not causes:
            return
        known = w.information_day
        if known is not None:
            self._disclose(reg, known)
        day = w.day if w.day is not None else known
        if day is None:               # "price" alone: the price path decides the day
            drop = w.price_drop if w.price_drop is not None else (
                self.world.investor_behaviour.withdraw_price_drop)
            self._schedule_price_withdrawal(reg, drop)
            return
        at(max(day, now), Order.ACTION, lambda _: self.withdraw(reg, causes, known))

    def _schedule_price_withdrawal(self, reg: DemandRegistration, drop: float) -> None:
        """Withdraw on the first day from now the price is ``drop`` below its level on
        the request day (the path is monthly: only month starts need checking)."""
        trigger = self.price_at(reg.demand_sent_day) * (1 - drop)
        day, horizon = self.calendar.now, self.world.horizon_days
        while day <= horizon:
            if self.price_at(day) < trigger:
                self.calendar.at(day, Order.ACTION,
                                 lambda _: self.withdraw(reg, ("price",), None))
                return
            day = (day // DAYS_PER_MONTH + 1) * DAYS_PER_MONTH

    def withdraw(self, reg: DemandRegistration, causes: tuple[str, ...],
                 made_known_day: int | None) -> None:
        """The Investors ask for ``reg``'s withdrawal (if still pending); they demand
        again unless that used up the demand (or a script names the next cycle)."""
        if reg.withdrawn or reg.effective_day >= 0:
            return
        used = self.company.withdraw_at_investors_request(reg, causes, made_known_day)
        if not used or (self.policy.scripted
                        and self.policy.script.demand_for(self.cycles) is not None):
            self.schedule_demand(base_day=self.calendar.now, second=reg.second)

    # --- Capital (§1(a)) -----------------------------------------------------------------
    def allocate_capital(self, reg: DemandRegistration) -> tuple[dict[str, int], dict[str, int]]:
        """Shares registered now, and conversion/warrant shares left out for lack of capital.

        The headroom is shared pro rata to each seller's capital-dependent shares (whole
        shares, largest remainder); the Common already issued is always registrable.
        """
        terms = self.terms
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
        holdings, key = self.holdings, reg.key
        for name, shares in reg.requested.items():
            short = cap[name] - alloc[name]
            registered[name] = shares - short
            if short:
                unregistered[name] = short
                holdings.move(name, key, CAPITAL_SHORT, short)   # kept for the second demand
        reg.capital_used = sum(alloc.values())
        return registered, unregistered

    @property
    def unregistered_capital(self) -> dict[str, int]:
        """Shares left out of a filed statement for lack of authorized capital and not
        yet asked for again: what a second demand may register (§1(a)). Read from the
        holdings ledger, where they wait in their own bucket."""
        return self.holdings.by_registration.get(CAPITAL_SHORT, {})

    def release_capital(self, reg: DemandRegistration) -> None:
        """A filed statement is withdrawn: what it registered is unregistered again, and
        the authorized capital it took, and the shortfall it recorded, are undone."""
        holdings = self.holdings
        self.headroom += reg.capital_used
        if reg.second:             # the second demand's shares wait for it again
            for name, shares in reg.registered.items():
                holdings.move(name, reg.key, CAPITAL_SHORT, shares)
        for name, short in reg.unregistered_capital.items():
            # Free again, unless a second demand has taken them meanwhile.
            holdings.release(name, CAPITAL_SHORT, short)
        holdings.release_all(reg.key)

    def schedule_capital_increase(self, reg: DemandRegistration) -> None:
        """Shareholders authorize more Common some days after a shortfall (scenario);
        one meeting at a time covers whatever shortfall there is when it is held."""
        if self.capital_increase_pending:
            return
        self.capital_increase_pending = True
        fixed = self.policy.script.company.capital_increase_days
        days = fixed if fixed is not None else self.capital_stream.days(
            self.world.capital.increase_days, 1)
        reg_day = self.calendar.now

        def increase(_event=None) -> None:
            self.capital_increase_pending = False
            short = sum(self.unregistered_capital.values())
            self.headroom += short
            self.capital_increased_day = self.calendar.now
            self.log.record(self.calendar.now, ev.CAPITAL_INCREASED, "company", "§1(a)", dict(
                added=short, headroom=self.headroom))
            self._maybe_second_demand()

        self.calendar.at(reg_day + days, Order.ACTION, increase)

    def demand_pending(self) -> bool:
        """Whether a demand registration is under way (received, not yet over)."""
        return bool(self.company.active)

    def sell_in_offering(self, plan, included: dict[str, int]) -> None:
        """The included holders sell in the Company's offering: their shares stop being
        Registrable Shares (§7), an Investor's warrant shares only if it exercises
        (recitals: not out of the money, not after expiry), they bear their selling costs
        (§4), claims may follow (§5) with each cap at the seller's net proceeds."""
        today = self.calendar.now
        price, terms, investors = self.share_price(today), self.terms, self.investors_by_name
        holdings = self.holdings
        sales = {name: securities.warrant_sale(shares, price, today, self.warrant_expiry_day,
                                               terms)
                 for name, shares in included.items() if shares and name in investors}
        if sales:
            effectiveness.record_warrants(self, plan.id, sales, price)
        net, gross_total = {}, 0.0
        for name, shares in included.items():
            if not shares:
                continue
            sale = sales.get(name)
            # Only shares committed to this offering are sold; warrant shares not
            # exercised were not distributed and are free again below.
            sold = holdings.sell(name, plan.id, sale.shares_sold) if sale else shares
            if sold:
                gross, net_usd = costs.pay_selling_costs(
                    self, plan.id, name, sold, plan.underwritten,
                    exercise_usd=sale.exercise_usd if sale else 0.0)
            else:
                gross = net_usd = 0.0
            if sale:
                net[name] = net_usd
                gross_total += gross
        holdings.release_all(plan.id)   # what was not included or not sold is free again
        company_gross = plan.company_shares * price
        company_net = company_gross - costs_rules.selling_costs(
            company_gross, plan.underwritten, self.expense_figures)
        claims.schedule_claim(self, plan.id, claims.OFFERING_BASE + plan.index, net,
                              gross_total, company_net, plan.underwritten)

    def after_effective(self, reg: DemandRegistration) -> None:
        """After a statement is effective: the second demand may follow (§1(a))."""
        self.statements_effective += 1
        if self.unregistered_capital:
            self._maybe_second_demand()

    def _maybe_second_demand(self) -> None:
        """Once a statement is effective and capital is authorized, a majority may make
        the second demand for the shares left out (§1(a))."""
        short = sum(self.unregistered_capital.values())
        if (self.statements_effective and self.capital_increased_day is not None
                and demand_rules.second_demand_allowed(short, int(self.second_demand_scheduled),
                                                       self.terms)):
            self.second_demand_scheduled = True
            self.schedule_demand(base_day=self.calendar.now, second=True)


def run_deal(terms: Terms, scenario: Scenario, seed: int = 0, deal: int = 0, *,
             script: Script | None = None,
             policy: str | type[ScenarioPolicy] = "scenario") -> EventLog:
    """Play one deal and return its event log (a new model; see :class:`DealModel`)."""
    return DealModel(terms, scenario, seed, script=script, policy=policy).run(deal)
