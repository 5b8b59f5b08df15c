"""Company: receives demands, gives notices, delays, files, answers the Commission (§1, §2)."""

from __future__ import annotations

from typing import Generator

import mesa

from agents import costs
from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.holdings import CAPITAL_SHORT
from sim.engine.registration import DemandRegistration
from sim.engine.streams import Layout, Purpose
from sim.world.script import MAX_DEMAND_CYCLES
from agents import effectiveness
from agents.capital import Capital
from agents.commission import review
from agents.deal import Deal
from agents.investor import INVESTOR, Investor
from sim.law.rules import delay as delay_rules
from sim.law.rules import demand as demand_rules
from sim.law.rules import cutback, information, limits, notices, resale
from agents import damages
from agents.waivers import DEADLINE, FLOOR, Waivers

# The Company's own choices, per demand cycle (cycle c from slot 8c; cycles past the
# first continue in overflow). Slots 4-6 are retired (material information, the demand
# method): kept so that no new draw reuses them.
COMPANY = Layout("company", 8, 8, blocks=MAX_DEMAND_CYCLES, purposes=dict(
    notice_delay=Purpose(0, dist=lambda sc, _: sc.company.notice_delay_days),
    prep=Purpose(1, dist=lambda sc, _: sc.company.prep_days),
    invoke_delay=Purpose(2),
    delay_hold=Purpose(3, dist=lambda sc, _: sc.company.delay_hold_days),
    retired_mai=Purpose(4), retired_mai_day=Purpose(5), retired_demand_method=Purpose(6),
    invoke_cooldown=Purpose(7)))
# Events of the Company's business: other activity that supports a §1(d) delay (occurs,
# day; once per deal), then per demand cycle material information made known while the
# demand is pending (occurs, day; §1(c)). Only cycle 0's day is laid out.
EVENTS = Layout("events", 8, 2, start=2, laid=1, blocks=MAX_DEMAND_CYCLES, head=dict(
    activity=Purpose(0),
    activity_day=Purpose(1, dist=lambda sc, _: sc.events.other_activity_day)), purposes=dict(
    mai=Purpose(0),
    mai_day=Purpose(1, dist=lambda sc, _: sc.events.mai_day)))
_ACTIVITY, _ACTIVITY_DAY = EVENTS.slot("activity"), EVENTS.slot("activity_day")
_CN_LATENCY = INVESTOR.offset("cn_latency")   # the recipient's slot for the Company Notice
_IW = INVESTOR.block


class Company(mesa.Agent):
    """The Company (BestNet): the party bound by the registration obligations."""

    def __init__(self, model: Deal) -> None:
        super().__init__(model)
        self.name = "company"
        self.stream = model.streams.stream(COMPANY.name)
        self.suspension_stream = model.streams.stream(effectiveness.SUSPENSION.name)
        self.capital = Capital(model)
        self.waivers = Waivers(model, self)          # §8(c) requests and papers signed
        # Scenario facts read in every notice and §6 exchange.
        self.notice_method = model.world.company.notice_method
        self.info_due_days = model.world.company.info_due_days
        self.reset()

    def reset(self) -> None:
        """Per-deal state (the model is built once and reused across deals)."""
        self.demands_used = 0
        self.delays_used = 0
        # §1(c): (effective day, registers Registrable Shares (§7), form permits resale, id)
        self.statements: list[tuple[int, bool, bool, str]] = []
        self.active: set[int] = set()                       # demand cycles under way
        self.s3_receipts: list[int] = []      # NVCA IRA: receipt days of S-3 demands
        self.deferral_days: list[int] = []    # NVCA IRA: days deferrals were invoked
        # PIPE RRA: (failure, days, payment day) of the damages paid (agents.damages)
        self.damages_failures: list[tuple[str, tuple[int, ...], int]] = []
        self._settle_waiters: dict[int, object] = {}         # cycle -> signal (offerings)
        self.capital.reset()
        self.waivers.reset()

    # --- Events of the business (§1(c), §1(d)) -----------------------------------------
    def draw_activity(self) -> int | None:
        """The day the Company commences other activity that supports a §1(d) delay (the
        script's day, else drawn), or None."""
        m = self.model
        fixed = m.policy.script.events.other_activity_day
        if m.policy.scripted and (fixed is not None or m.policy.script.events.mai_day
                                  is not None):
            return fixed
        e, s = m.world.events, m.events_stream
        if not s.chance(e.other_activity_prob, _ACTIVITY):
            return None
        return s.days(e.other_activity_day, _ACTIVITY_DAY)

    def material_information(self, reg: DemandRegistration) -> int | None:
        """The day material adverse information about the Company is made known while
        ``reg`` is pending (§1(c)): the script's day (cycle 0), else drawn, or None."""
        m = self.model
        fixed = m.policy.script.events.mai_day
        if m.policy.scripted and fixed is not None:
            return None if reg.cycle > 0 else fixed
        e, s = m.world.events, m.events_stream
        if not s.chance(e.mai_prob, EVENTS.slot("mai", reg.cycle)):
            return None
        return reg.received_day + s.days(e.mai_day, EVENTS.slot("mai_day", reg.cycle))

    # --- Demand received (§1(a), §1(c)) --------------------------------------------
    def on_demand_received(self, reg: DemandRegistration) -> None:
        """The Demand Notice arrives: "upon receipt" the Company acts (§1(a)); receipt is
        arrival whatever the method, though by mail it was given when sent (§8(a))."""
        m = self.model
        today = reg.received_day = m.calendar.now
        by_name = m.investors_by_name
        units = sum(by_name[i].units for i in reg.initiating)
        details = dict(
            cycle=reg.cycle, second=reg.second, initiating=reg.initiating, units=units,
            total_units=m.total_units, shares=sum(reg.requested.values()),
            sent_day=reg.demand_sent_day, method=reg.demand_method,
            given_day=notices.given_day(reg.demand_sent_day, today, m.terms, reg.demand_method))
        nvca = m.terms.s3_demands_per_12_months > 0 or m.terms.demand_min_percent > 0
        if nvca:
            self._demand_form(reg, details)
        m.log.record(today, ev.DEMAND_RECEIVED, self.name, "§1(a)", details)
        if not demand_rules.is_initiating_majority(units, m.total_units, m.terms):
            self._release_requests(reg)
            m.log.record(today, ev.DEMAND_REFUSED, self.name, "§1(a)", dict(
                cycle=reg.cycle, reason="initiating investors do not hold a majority of the Units",
                units=units, total_units=m.total_units))
            return
        if nvca and not self._nvca_demand_accepted(reg, details):
            return
        if not reg.s3 and not limits.demand_available(self.demands_used, reg.second, m.terms):
            self._release_requests(reg)
            m.log.record(today, ev.DEMAND_REFUSED, self.name, "§1(c)", dict(
                cycle=reg.cycle, reason="demand registration already used",
                demands_used=self.demands_used))
            return
        self.active.add(reg.cycle)
        m.investor_group.schedule_withdrawals(reg)
        m.calendar.process(self.demand_registration(reg))

    # --- NVCA IRA: the demand's form and minimum size ----------------------------------
    def _demand_form(self, reg: DemandRegistration, details: dict) -> None:
        """NVCA IRA: an S-3 demand if the Company is eligible and the 12-month allowance
        is not used up (:func:`limits.is_s3_demand`), else long-form; the facts the audit
        recomputes both from go into DEMAND_RECEIVED's ``details``."""
        m, today = self.model, self.model.calendar.now
        eligible = m.world.company.s3_eligible
        reg.s3 = not reg.second and limits.is_s3_demand(
            eligible, self.s3_receipts, today, m.world.closing_date, m.terms)
        holdings = m.holdings
        details.update(form="S-3" if reg.s3 else "long-form", s3_eligible=eligible,
                       registrable_shares=sum(holdings.held(i.name) for i in m.investors))

    def _nvca_demand_accepted(self, reg: DemandRegistration, details: dict) -> bool:
        """NVCA IRA: a long-form demand below the minimum size is refused and does not
        count (:func:`demand_rules.meets_minimum_size`); an accepted S-3 demand takes
        one of the 12-month S-3 allowance."""
        m, today = self.model, self.model.calendar.now
        if (not reg.s3 and not reg.second and not demand_rules.meets_minimum_size(
                details["shares"], details["registrable_shares"], m.terms)):
            self._release_requests(reg)
            m.log.record(today, ev.DEMAND_REFUSED, self.name, "NVCA IRA", dict(
                cycle=reg.cycle, reason="demand below the minimum size",
                shares=details["shares"], registrable_shares=details["registrable_shares"],
                min_percent=m.terms.demand_min_percent))
            return False
        if reg.s3:
            self.s3_receipts.append(today)
        return True

    def _release_requests(self, reg: DemandRegistration) -> None:
        """The registration will not be filed: its requested shares are free again (a
        second demand's go back to waiting for it)."""
        holdings = self.model.holdings
        if reg.second:
            for name in list(holdings.by_registration.get(reg.key, ())):
                holdings.move(name, reg.key, CAPITAL_SHORT, holdings.in_registration(
                    reg.key, name))
        holdings.release_all(reg.key)

    # --- The registration (§1(a)-(d), §6) -------------------------------------------
    def demand_registration(self, reg: DemandRegistration) -> Generator:
        """SimPy process of one demand registration, from receipt to effectiveness."""
        m, cal, log, terms, pol = (self.model, self.model.calendar, self.model.log,
                                   self.model.terms, self.model.policy)
        rd, cycle = reg.received_day, reg.cycle
        delay_basis = self._delay_basis(reg)
        # The delay runs on its own clock (it ends when its offering allows, §1(d)),
        # whatever the filing work is waiting for meanwhile.
        delay = cal.process(self.hold_delay(reg, delay_basis)) if delay_basis else None
        if delay is None and (terms.blackout_before_days > 0
                              or terms.delay_basis == "board_judgment"):
            delay = self.nvca_deferral(reg)

        # Company Notice (§1(a)): each Investor learns of it on arrival; its joinder window
        # runs from the day it is given, which §8(a) ties to the method.
        yield cal.until(rd + pol.notice_delay(self.stream, cycle), Order.ACTION)
        if reg.withdrawn:
            return
        given = reg.notice_given_day = cal.now
        recipients = [i for i in m.investors if i.name not in reg.initiating]
        method = self.notice_method
        log.record(given, ev.COMPANY_NOTICE_GIVEN, self.name, "§1(a)", dict(
            cycle=cycle, days_after_demand=given - rd,
            recipients=tuple(i.name for i in recipients), method=method))
        if demand_rules.company_notice_late(rd, given, terms):
            log.record(given, ev.COMPANY_NOTICE_LATE, self.name, "§1(a)", dict(
                cycle=cycle, days_after_demand=given - rd, allowed_days=terms.promptly_days))
        joinder_last_day = demand_rules.joinder_last_day
        last = joinder_last_day(given, given, terms)
        receipts, given_to = reg.notice_receipts, reg.notice_given
        cn_slot = cycle * _IW + _CN_LATENCY
        latency, at, given_day = pol.latency, cal.at, notices.given_day
        for inv in recipients:
            got = receipts[inv.name] = notices.received_day(
                given, latency(inv.stream, method, cn_slot, inv.name, "company"))
            g = given_to[inv.name] = given_day(given, got, terms, method)
            last = max(last, joinder_last_day(g, got, terms))
            at(got, Order.RECEIPT, lambda _, inv=inv: inv.on_company_notice(reg))
        reg.joinder_last_day = last
        sellers = [name for name in reg.initiating if reg.requested.get(name)]
        log.record(given, ev.INFO_REQUESTED, self.name, "§6", dict(
            cycle=cycle, investors=tuple(sellers), due_days=self.info_due_days))
        for name in sellers:
            self.request_info(reg, m.investors_by_name[name])
        if m.other_holders and not reg.second:
            log.record(given, ev.OTHER_HOLDERS_OFFERED, self.name, "§1(b)", dict(
                cycle=cycle, holders=tuple(o.name for o in m.other_holders)))
            for holder in m.other_holders:
                holder.on_offer(reg)

        # Filing window (§1(a)): known once the anchoring receipt has happened.
        anchor = demand_rules.notice_receipt_anchor(tuple(reg.notice_receipts.values()), terms)
        window = demand_rules.filing_window(rd, anchor, terms, reg.s3)
        reg.floor, reg.deadline = window
        yield cal.until(anchor if anchor is not None else given, Order.CLOSE)
        if reg.withdrawn:
            return
        log.record(cal.now, ev.FILING_WINDOW_SET, self.name, "§1(a)", dict(
            cycle=cycle, floor=window.floor, deadline=window.deadline, anchor_receipt_day=anchor,
            demand_received_day=rd))
        if window.empty:
            log.record(cal.now, ev.WINDOW_EMPTY, self.name, "§1(a)", dict(
                cycle=cycle, floor=window.floor, deadline=window.deadline,
                notice_receipt_lag_days=anchor - rd, switch=terms.empty_window))
        # Drafting: its natural length was drawn at receipt (the same slot whenever
        # asked); the Company plans its finish once it knows the deadline.
        prep_done = rd + pol.prep_days(self.stream, cycle)
        if self.waivers.active:                      # §8(c): ask for a waiver?
            self.waivers.at_window(reg, window, prep_done, delay is not None)

        # Scope fixed at the close of the joinder window (§1(a)).
        yield cal.until(reg.joinder_last_day, Order.CLOSE)
        if reg.withdrawn:
            return
        reg.scope_closed = True
        log.record(cal.now, ev.JOINDER_WINDOW_CLOSED, self.name, "§1(a)", dict(
            cycle=cycle, sellers=tuple(reg.requested), shares=sum(reg.requested.values()),
            other_holder_shares=sum(reg.other_requested.values())))

        # Ready: the planned day in the window, drafting done, then §6 answers.
        yield cal.until(max(demand_rules.planned_filing_day(window, terms), prep_done),
                        Order.ACTION)
        ready_without_info = cal.now
        if reg.info_pending:
            yield reg.info_waiter
        if reg.withdrawn:
            return

        # Delay (§1(d)) and cooldown (§1(c)).
        if delay is not None:
            if not delay.triggered:
                yield delay
            # Ready when the delay ended, not when a §6 answer that came later arrived:
            # that wait is the Investor's (§6), and the audit reads the same days.
            if reg.delay_end is not None:
                ready_without_info = max(ready_without_info, reg.delay_end)
        if terms.cooldown_effect == "file" and (yield from self.hold_cooldown(reg, "file")):
            ready_without_info = max(ready_without_info, cal.now)
        if reg.withdrawn:
            return
        self.file(reg, ready_without_info, prep_done)

        company_delay = yield from review(m, reg)
        if company_delay is None or reg.withdrawn:
            return
        if terms.cooldown_effect == "effective":
            yield from self.hold_cooldown(reg, "effective")
            if reg.withdrawn:
                return
        self.become_effective(reg, company_delay)

    def hold_cooldown(self, reg: DemandRegistration, effect: str) -> Generator:
        """§1(c): while today is within a cooldown, wait for its end (switch
        ``cooldown_effect``: hold the filing, or hold effectiveness). Under ``file`` the
        hold excuses the filing deadline (``reg.cooldown_end``); under ``effective`` it
        does not. Returns whether it held."""
        m, cal, terms = self.model, self.model.calendar, self.model.terms
        order = Order.ACTION if effect == "file" else Order.COMMISSION
        held = False
        waivers = self.waivers
        while ((end := limits.cooldown_end(cal.now, self.cooldown_days(), terms)) is not None
               and m.policy.invokes_cooldown(self.stream, reg.cycle, effect == "file" and (
                   cal.now > waivers.deadline(reg)))):
            # A what-if script that fixes the cooldown decision has the Company hold.
            if (waivers.active and effect == "file" and cal.now > waivers.deadline(reg)
                    and m.policy.script.company.invoke_cooldown is None
                    and waivers.instead_of_cooldown(reg, end)):
                break                 # §8(c): every Investor waived the deadline instead
            held = True
            if effect == "file":
                reg.cooldown_end = end
            m.log.record(cal.now, ev.COOLDOWN_APPLIED, self.name, "§1(c)", dict(
                cycle=reg.cycle, until=end, cooldown_days=terms.cooldown_days,
                scope=terms.cooldown_scope, effect=effect))
            yield cal.until(end, order)
            if reg.withdrawn:
                break
        return held

    def request_info(self, reg: DemandRegistration, inv: Investor) -> None:
        """§6: ask a selling Investor in writing for the information the filing needs
        (logged with the Company Notice as INFO_REQUESTED)."""
        reg.info_pending += 1
        cal = self.model.calendar
        if reg.info_waiter is None:
            reg.info_waiter = cal.signal()
        inv.on_info_request(reg, cal.now)

    def on_info(self, reg: DemandRegistration, inv: Investor, requested_day: int) -> None:
        """A §6 answer arrives; the last one releases the filing."""
        m = self.model
        today = m.calendar.now
        due = self.info_due_days
        late = information.information_late(requested_day, today, due)   # §6 reasonable time
        m.log.record(today, ev.INFO_RECEIVED, inv.name, "§6", dict(
            cycle=reg.cycle, requested_day=requested_day, days=today - requested_day, late=late,
            due_days=due))
        if late:
            reg.info_late = True
        reg.info_pending -= 1
        if reg.info_pending == 0:
            reg.info_done_day = today
            if not reg.info_waiter.triggered:
                reg.info_waiter.succeed()

    def on_joinder(self, reg: DemandRegistration, inv: Investor, shares: int,
                   sent_day: int) -> None:
        """A request to be included counts when it arrives (§1(a) "received", §8(a)); in
        time or not against the window from the day this Investor's notice was given."""
        m = self.model
        today = m.calendar.now
        # The shares committed when the request was sent, as a split or stock dividend
        # since then has adjusted them (§7).
        shares = m.holdings.in_registration(reg.key, inv.name)
        last = demand_rules.joinder_last_day(reg.notice_given[inv.name],
                                             reg.notice_receipts[inv.name], m.terms)
        if today <= last and not reg.scope_closed and not reg.withdrawn:
            reg.requested[inv.name] = shares      # committed when the request was sent
            # §1(a)(iii): the request itself states "any other information reasonably
            # requested by the Company", so a joiner owes no separate §6 answer.
            m.log.record(today, ev.JOINDER_RECEIVED, inv.name, "§1(a)", dict(
                cycle=reg.cycle, shares=shares, sent_day=sent_day, last_day=last,
                info_included=True))
        else:
            holdings = m.holdings
            if reg.second:
                holdings.move(inv.name, reg.key, CAPITAL_SHORT, shares)
            holdings.release(inv.name, reg.key, shares)
            m.log.record(today, ev.JOINDER_REJECTED, inv.name, "§1(a)", dict(
                cycle=reg.cycle, shares=shares, sent_day=sent_day, last_day=last,
                days_late=today - last))

    # --- §1(d) delay -----------------------------------------------------------------
    def _delay_basis(self, reg: DemandRegistration):
        """The offering or activity that gives a §1(d) delay right now, if any is used."""
        m, terms = self.model, self.model.terms
        if terms.delay_basis != "offering" or not delay_rules.delay_right_left(
                self.delays_used, terms):
            return None
        rd = reg.received_day
        basis = next((o for o in m.offerings if delay_rules.offering_supports_delay(
            rd, o.plan_day, o.file_day, o.resolved_day if o.resolved_day is not None
            and o.resolved_day <= rd else None, o.investors_may_include, terms)), None)
        if basis is None and delay_rules.activity_supports_delay(rd, m.activity_day, terms):
            basis = "activity"
        if basis is None or not m.policy.invoke_delay(self.stream, reg.cycle, basis=basis):
            return None
        self.delays_used += 1
        m.log.record(rd, ev.DELAY_INVOKED, self.name, "§1(d)", dict(
            cycle=reg.cycle, basis="offering" if basis != "activity" else "other_activity",
            offering=getattr(basis, "id", None), delays_used=self.delays_used,
            max_days=terms.delay_max_days))
        return basis

    def hold_delay(self, reg: DemandRegistration, basis) -> Generator:
        """Hold the demand until the policy's end, never past the §1(d) cap."""
        m, cal = self.model, self.model.calendar
        hold = m.policy.delay_hold(self.stream, reg.cycle)
        # The request stays delayed through the cap day and resumes the day after at the
        # latest (§1(d) "not in excess of 120 days from", sim/law/days.py).
        if basis == "activity":
            start = m.activity_day
            cap = delay_rules.delay_cap_day(start, m.terms)
            end = max(min(start + hold, delay_rules.delay_end_latest(start, m.terms)), cal.now)
        else:
            if basis.resolved_day is None or basis.resolved_day > cal.now:
                yield basis.resolved
            start = basis.resolved_day
            if basis.effective:
                cap = delay_rules.delay_cap_day(start, m.terms)
                end = min(start + hold, delay_rules.delay_end_latest(start, m.terms))
            else:
                cap = end = start            # withdrawn: no effective date (§1(d) reading)
        yield cal.until(end, Order.ACTION)
        if reg.withdrawn:
            return
        reg.delay_end = cal.now
        m.log.record(cal.now, ev.DELAY_ENDED, self.name, "§1(d)", dict(
            cycle=reg.cycle, basis_day=start, cap_day=cap, offering=getattr(basis, "id", None),
            offering_effective=getattr(basis, "effective", None)))

    # --- NVCA IRA deferrals: the Board's judgment, the blackout -----------------------
    def nvca_deferral(self, reg: DemandRegistration):
        """NVCA IRA: defer the demand in a blackout before the Company's own offering
        (:func:`delay_rules.in_blackout`; the Company uses it as it uses its cooldown
        right, the same draw), else on the Board's judgment (``delay_basis =
        board_judgment``, once per ``delay_uses_per``; the §1(d) slots of the company
        stream decide whether and how long). Returns the deferral's process, or None."""
        m, terms, pol = self.model, self.model.terms, self.model.policy
        rd, today = reg.received_day, self.model.calendar.now
        plan = next((o for o in m.offerings if o.investors_may_include
                     and delay_rules.in_blackout(rd, o.plan_day, o.file_day,
                                                 o.resolved_day, terms)), None)
        if plan is not None and pol.invokes_cooldown(self.stream, reg.cycle):
            m.log.record(today, ev.DEMAND_DEFERRED, self.name, "NVCA IRA", dict(
                cycle=reg.cycle, basis="blackout", until=None, offering=plan.id,
                estimated_file_day=plan.file_day))
            return m.calendar.process(self._hold_blackout(reg, plan))
        if (terms.delay_basis != "board_judgment" or not delay_rules.deferral_right_left(
                rd, self.deferral_days, m.world.closing_date, terms)
                or not pol.invoke_delay(self.stream, reg.cycle)):
            return None
        end = min(rd + pol.delay_hold(self.stream, reg.cycle),
                  delay_rules.board_deferral_end_latest(rd, terms))
        self.deferral_days.append(rd)
        m.log.record(today, ev.DEMAND_DEFERRED, self.name, "NVCA IRA", dict(
            cycle=reg.cycle, basis="board_judgment", until=end, offering=None,
            estimated_file_day=None))
        return m.calendar.process(self._hold_deferral(reg, end, "board_judgment", None))

    def _hold_blackout(self, reg: DemandRegistration, plan) -> Generator:
        """The blackout holds until 180 days after the offering's effective date
        (:func:`delay_rules.blackout_end`), or until it is withdrawn."""
        if plan.resolved_day is None:
            yield plan.resolved
        end = delay_rules.blackout_end(plan.resolved_day, plan.effective, self.model.terms)
        yield from self._hold_deferral(reg, end, "blackout", plan)

    def _hold_deferral(self, reg: DemandRegistration, end: int, basis: str,
                       plan) -> Generator:
        m, cal = self.model, self.model.calendar
        yield cal.until(end, Order.ACTION)
        if reg.withdrawn:
            return
        reg.delay_end = cal.now
        m.log.record(cal.now, ev.DEFERRAL_ENDED, self.name, "NVCA IRA", dict(
            cycle=reg.cycle, basis=basis, days=cal.now - reg.received_day,
            offering=getattr(plan, "id", None),
            offering_effective=getattr(plan, "effective", None)))

    def cooldown_days(self) -> list[int]:
        """Effective dates of the statements that start a §1(c) cooldown."""
        m = self.model
        terms = m.terms
        own = ({o.id for o in m.offerings if o.investors_may_include}
               if terms.cooldown_scope == "company_registrations" else ())
        return [day for day, registrable, form, sid in self.statements
                if limits.counts_for_cooldown(registrable, form, terms, sid in own)]

    # --- Filing and effectiveness ----------------------------------------------------
    def file(self, reg: DemandRegistration, ready_without_info: int, drafted_day: int) -> None:
        """File the statement (§1(a), §2(a)), registering what authorized capital allows."""
        m = self.model
        today = reg.filed_day = m.calendar.now
        registered, unregistered = self.capital.allocate(reg)
        underwritten = reg.filed_underwritten = reg.underwritten   # §1(c): the holders' method
        if underwritten:
            self._cut_back_demand(reg, registered)
        reg.registered, reg.unregistered_capital = registered, unregistered
        suspension_end = max((d for d in (reg.delay_end, reg.cooldown_end) if d is not None),
                             default=None)
        deadline = delay_rules.excused_deadline(reg.deadline, suspension_end)
        m.log.record(today, ev.STATEMENT_FILED, self.name,
                     "PIPE RRA" if reg.mandatory else "§1(a)", dict(
            cycle=reg.cycle, second=reg.second, sellers=tuple(registered),
            registered=tuple(registered.items()),
            shares_requested=sum(reg.requested.values()),
            shares_registered=sum(registered.values()),
            shares_unregistered_capital=sum(unregistered.values()),
            other_holder_shares=sum(reg.other_requested.values()), floor=reg.floor,
            deadline=reg.deadline, excused_deadline=deadline, drafted_day=drafted_day,
            capital_headroom=self.capital.headroom, underwritten=underwritten))
        if m.terms.s3_demands_per_12_months > 0:
            m.log.events[-1].details["form"] = "S-3" if reg.s3 else "long-form"
        fault = information.filing_delay_fault(today, deadline, ready_without_info,
                                               reg.info_done_day, reg.info_late)
        # §8(c): a breach every Investor waived is none; one some waived remains toward
        # the others (the verdict names both).
        extra = self.waivers.breach_details(reg, DEADLINE, today) if fault == "company" else {}
        if fault is not None and extra is not None:
            clause = "§6" if fault == "investor" else (
                "PIPE RRA" if reg.mandatory else "§1(a)")
            m.log.record(today, ev.FILING_DEADLINE_MISSED, self.name, clause, dict(
                cycle=reg.cycle, days_late=today - deadline, deadline=deadline, fault=fault,
                window_empty=reg.floor > reg.deadline, **extra))
        extra = self.waivers.breach_details(reg, FLOOR, reg.floor) if today < reg.floor else None
        if extra is not None:
            m.log.record(today, ev.FILED_BEFORE_FLOOR, self.name, "§1(a)", dict(
                cycle=reg.cycle, days_early=reg.floor - today, floor=reg.floor, **extra))
        if unregistered:
            self.capital.schedule_increase(reg)
        damages.after_filing(m, reg, deadline, fault)

    def _cut_back_demand(self, reg: DemandRegistration, registered: dict[str, int]) -> None:
        """An underwritten demand registration: the `demand_cutback` switch decides (§1(b))."""
        m = self.model
        sellers = [cutback.Seller(name, shares, m.investors_by_name[name].holds,
                                  m.investors_by_name[name].group, True)
                   for name, shares in registered.items()]
        sellers += [cutback.Seller(name, shares, shares, None, False)
                    for name, shares in reg.other_requested.items()]
        alloc = m.underwriter.include_in_demand(reg, sellers)
        for name in registered:
            cut = registered[name] - alloc.get(name, 0)
            registered[name] -= cut
            m.holdings.release(name, reg.key, cut)     # cut shares are free again
        for name in reg.other_requested:
            reg.other_requested[name] = alloc.get(name, 0)

    def become_effective(self, reg: DemandRegistration, company_delay: int) -> None:
        """The statement is effective: check the target, satisfy the demand (§1(a), §1(c))."""
        m, terms, log = self.model, self.model.terms, self.model.log
        today = reg.effective_day = m.calendar.now
        if reg.mandatory:
            self._mandatory_effective(reg)
            return
        target = demand_rules.effectiveness_target_day(reg.filed_day, terms)
        log.record(today, ev.STATEMENT_EFFECTIVE, self.name, "§1(a)", dict(
            cycle=reg.cycle, second=reg.second, days_from_filing=today - reg.filed_day,
            target_day=target, shares=sum(reg.registered.values())))
        if today > target:
            log.record(today, ev.TARGET_MISSED, self.name, "§1(a)", dict(
                cycle=reg.cycle, days_over=today - target, company_delay_days=company_delay,
                breach=demand_rules.target_miss_is_breach(reg.filed_day, today, company_delay,
                                                          terms)))
        specified, covered = sum(reg.requested.values()), sum(reg.registered.values())
        satisfied = limits.effective_statement_satisfies_demand(
            specified, covered, reg.underwritten, reg.filed_underwritten, terms)
        if satisfied:
            counts = not reg.second and not reg.s3    # an S-3 demand has its own allowance
            if counts:
                self.demands_used += 1
            log.record(today, ev.DEMAND_SATISFIED, self.name, "§1(c)", dict(
                cycle=reg.cycle, how="effective", counts=counts,
                demands_used=self.demands_used))
        else:
            log.record(today, ev.DEMAND_NOT_SATISFIED, self.name, "§1(c)", dict(
                cycle=reg.cycle, second=reg.second, shares_requested=specified,
                shares_registered=covered, underwritten_requested=reg.underwritten,
                underwritten=reg.filed_underwritten, demands_used=self.demands_used))
        # A demand statement is a resale statement (§7): form and shares both count.
        self.statements.append((today, limits.registers_registrable(covered), True,
                                reg.key))
        self.active.discard(reg.cycle)
        self._settle(reg)
        costs.pay_registration_expenses(m, f"demand-{reg.cycle}", sum(reg.registered.values())
                                        + sum(reg.other_requested.values()), withdrawn=False)
        damages.after_effective(m, reg)
        effectiveness.keep_effective(self, reg)
        self.capital.after_effective(reg)
        if not satisfied and not reg.second and not reg.s3:   # §1(c): not used up
            m.investor_group.schedule_demand(base_day=today, second=False)

    def settled(self, reg: DemandRegistration):
        """A signal that succeeds when ``reg`` is effective or withdrawn (an offering held
        back for it waits on it, agents.offerings.hold_back)."""
        sig = self._settle_waiters.get(reg.cycle)
        if sig is None:
            sig = self._settle_waiters[reg.cycle] = self.model.calendar.signal()
        return sig

    def _settle(self, reg: DemandRegistration) -> None:
        sig = self._settle_waiters.pop(reg.cycle, None)
        if sig is not None and not sig.triggered:
            sig.succeed()

    # --- Mandatory resale registration (PIPE RRA) -----------------------------------
    def require_registration(self) -> None:
        """PIPE RRA: "PIPE resale registration: file within 30 days of closing" -- at the
        closing the Company must register all Registrable Shares for resale: no Demand
        Notice, no Company Notice, no joinder window, no floor. The registration takes
        the next demand cycle's number (its draws: prep days, §6 answers, review,
        suspensions)."""
        m, terms = self.model, self.model.terms
        group = m.investor_group
        cycle = group.cycles
        group.cycles += 1
        today = m.calendar.now
        requested = {}
        for inv in m.investors:
            shares = m.holdings.commit(inv.name, f"demand-{cycle}", inv.registrable)
            if shares:
                requested[inv.name] = shares
        reg = DemandRegistration(cycle=cycle, second=False, initiating=tuple(requested),
                                 requested=requested, demand_sent_day=today, mandatory=True)
        reg.received_day, reg.floor = today, today
        reg.deadline = resale.closing_filing_deadline_day(today, terms)
        m.registrations.append(reg)
        m.log.record(today, ev.REGISTRATION_REQUIRED, self.name, "PIPE RRA", dict(
            cycle=cycle, shares=sum(requested.values()), filing_deadline=reg.deadline,
            effective_deadline=resale.closing_effective_deadline_day(today, False, terms),
            effective_deadline_reviewed=resale.closing_effective_deadline_day(
                today, True, terms)))
        self.active.add(cycle)
        m.calendar.process(self.mandatory_registration(reg))

    def mandatory_registration(self, reg: DemandRegistration) -> Generator:
        """SimPy process of the mandatory registration: drafting from the closing, §6
        requests to every Investor, filing, review, effectiveness (PIPE RRA)."""
        m, cal = self.model, self.model.calendar
        prep_done = reg.received_day + m.policy.prep_days(self.stream, reg.cycle)
        sellers = tuple(reg.requested)
        m.log.record(cal.now, ev.INFO_REQUESTED, self.name, "§6", dict(
            cycle=reg.cycle, investors=sellers, due_days=self.info_due_days))
        for name in sellers:
            self.request_info(reg, m.investors_by_name[name])
        reg.scope_closed = True
        yield cal.until(prep_done, Order.ACTION)
        ready_without_info = cal.now
        if reg.info_pending:
            yield reg.info_waiter
        self.file(reg, ready_without_info, prep_done)
        company_delay = yield from review(m, reg)
        if company_delay is None or reg.withdrawn:
            return
        self.become_effective(reg, company_delay)

    def _mandatory_effective(self, reg: DemandRegistration) -> None:
        """The mandatory statement is effective (PIPE RRA): no demand is used; damages
        for a late filing or effectiveness; the statement is kept effective (§2)."""
        m = self.model
        today = reg.effective_day
        shares = sum(reg.registered.values())
        m.log.record(today, ev.STATEMENT_EFFECTIVE, self.name, "PIPE RRA", dict(
            cycle=reg.cycle, second=False, days_from_filing=today - reg.filed_day,
            target_day=resale.effectiveness_deadline_day(reg.filed_day, bool(reg.reviewed),
                                                         m.terms, reg.received_day),
            shares=shares))
        self.statements.append((today, limits.registers_registrable(shares), True, reg.key))
        self.active.discard(reg.cycle)
        self._settle(reg)
        costs.pay_registration_expenses(m, reg.key, shares, withdrawn=False)
        damages.after_effective(m, reg)
        effectiveness.keep_effective(self, reg)
        self.capital.after_effective(reg)

    def withdraw_at_investors_request(self, reg: DemandRegistration, causes: tuple[str, ...],
                                      made_known_day: int | None) -> bool:
        """Withdrawn at the Investors' request (§1(c)); returns whether that used up the
        demand (the rule reads the causes, the day any information was made known and the
        request day)."""
        m = self.model
        today = m.calendar.now
        reg.withdrawn = True
        if reg.filed_day < 0:
            self._release_requests(reg)
        else:                                 # a withdrawn statement registers nothing
            self.capital.release(reg)
        used = limits.withdrawal_uses_demand(causes, made_known_day, reg.demand_sent_day)
        if used and not reg.second and not reg.s3:
            self.demands_used += 1
        m.log.record(today, ev.STATEMENT_WITHDRAWN, "investors", "§1(c)", dict(
            cycle=reg.cycle, filed=reg.filed_day >= 0, at_investors_request=True,
            causes=causes, made_known_day=made_known_day, request_day=reg.demand_sent_day,
            price_at_request=round(m.price_at(reg.demand_sent_day), 6),
            price=round(m.price_at(today), 6),
            demand_used=used))
        self.active.discard(reg.cycle)
        self._settle(reg)
        if reg.filed_day >= 0:
            costs.pay_registration_expenses(m, f"demand-{reg.cycle}", sum(
                reg.registered.values()) + sum(reg.other_requested.values()), withdrawn=True)
        if reg.info_waiter is not None and not reg.info_waiter.triggered:
            reg.info_waiter.succeed()
        return used
