"""The Company's own registrations (§3): notice, piggy-back, cutback, withdrawal.

The scenario draws the Company's registrations (type, size, underwritten or not, timing).
For one Investors may join (§3(a)) the Company gives every Investor a Registration Notice
before filing; each Investor elects by its policy and its Piggy-back Request must be
received within the window after the notice is *given*. Other Holders may sell in an
underwritten offering (§3(c) "other stockholders"). On the pricing day the Underwriter
either pulls the deal (the Company withdraws, §3(b), and still pays its expenses, §4) or
sets its marketing limit; Investors who refuse the underwriting terms drop out, and the
§3(c) cutback divides the room. The offering also matters to the demand path: one under
way or planned at a demand supports the §1(d) delay, and its effective date starts a
§1(c) cooldown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generator

from agents import claims, costs, effectiveness
from agents.deal import Deal
from sim.engine import events as ev
from sim.engine.calendar import Order
from sim.engine.streams import Layout, Purpose
from agents.effectiveness import poisson_count
from sim.law.rules import expenses as costs_rules
from sim.law.rules import limits, notices, securities
from sim.law.days import last_day_within
from sim.law.rules.piggyback import EXCLUDED_TYPES, investors_may_include, piggyback_last_day

PER_OFFERING = 8


def offering_stream_width(max_count: int) -> int:
    """Slots of the ``offerings`` stream: the count, then eight per offering."""
    n = 1 + PER_OFFERING * max_count
    return (n + 3) // 4 * 4


# The ``offerings`` stream: the number of offerings (slot 0), then per offering k (slot
# 1 + 8k) its plan day, lead time, type, underwriting, review, distribution, size, and
# the delay of the Registration Notice (§3(a)).
OFFERINGS = Layout("offerings", lambda sc: offering_stream_width(sc.offerings.max_count),
                   PER_OFFERING, start=1, blocks=lambda sc: range(sc.offerings.max_count),
                   head=dict(count=Purpose(0)), purposes=dict(
    plan=Purpose(0),
    lead=Purpose(1, dist=lambda sc, _: sc.offerings.plan_lead_days),
    type=Purpose(2),
    underwritten=Purpose(3),
    review=Purpose(4, dist=lambda sc, _: sc.offerings.review_days),
    distribution=Purpose(5, dist=lambda sc, _: sc.offerings.distribution_days),
    size=Purpose(6),
    notice=Purpose(7, dist=lambda sc, _: sc.company.notice_delay_days)),
    # Whether the Company holds offering k back for a pending registration of the
    # Investors (§1(c), §1(d)): far from the blocks, so no slot above moves.
    far=dict(hold_back=Purpose(0)), far_base=100_000)
TYPES = ("public", "stock_plan", "rule_145", "convertible_debt")


@dataclass(slots=True)
class OfferingPlan:
    """One registration of the Company's own securities."""

    id: str
    type: str
    plan_day: int
    file_day: int
    decision_day: int            # planned effective day (or the withdrawal day if scripted)
    underwritten: bool
    distribution_days: int
    company_shares: int = 0
    index: int = 0
    scripted_withdrawal: bool = False
    marketing_limit: int | None = None     # fixed by a script; else the Underwriter's
    notice_day: int | None = None          # fixed by a script; else the Company's policy
    resolved_day: int | None = None
    effective: bool = False
    resolved: object = None      # SimPy event, succeeded when effective or withdrawn
    notice_given_day: int | None = None    # the day the Registration Notice was sent
    notice_given: dict = field(default_factory=dict)   # investor id -> §8(a) given day
    requests: dict = field(default_factory=dict)   # investor id -> shares (timely requests)
    others: dict = field(default_factory=dict)     # Other Holder id -> shares

    @property
    def investors_may_include(self) -> bool:
        """§3(a): a registration Investors could piggy-back on."""
        return investors_may_include(self.type)


def draw_offerings(model: Deal) -> list[OfferingPlan]:
    """The deal's offerings: from the script if it names them, else from the scenario."""
    scripted = model.policy.script.offerings
    if scripted is not None:
        return [OfferingPlan(f"offering-{k + 1}", o.type, o.plan_day, o.file_day,
                             o.effective_day if o.effective_day is not None else o.withdrawn_day,
                             o.underwritten, o.distribution_days, o.company_shares, k,
                             scripted_withdrawal=o.withdrawn_day is not None,
                             marketing_limit=o.marketing_limit, notice_day=o.notice_day)
                for k, o in enumerate(scripted)]
    spec, s = model.world.offerings, model.offerings_stream
    horizon = model.world.horizon_days
    count = poisson_count(spec.rate_per_year * horizon / 365, s.u(OFFERINGS.slot("count")),
                          spec.max_count)
    plans, slot = [], OFFERINGS.slot
    for k in range(count):
        plan_day = int(s.u(slot("plan", k)) * horizon)
        file_day = plan_day + s.days(spec.plan_lead_days, slot("lead", k))
        u, cum, kind = s.u(slot("type", k)), 0.0, TYPES[-1]
        for t in TYPES:
            cum += spec.type_probs.get(t, 0.0)
            if u < cum:
                kind = t
                break
        underwritten = kind == "public" and s.chance(spec.underwritten_prob,
                                                     slot("underwritten", k))
        # A stock-plan (S-8) statement is effective on filing; others after review.
        review = 0 if kind == "stock_plan" else s.days(spec.review_days,
                                                      slot("review", k))
        dist = s.days(spec.distribution_days, slot("distribution", k))
        size = int(s.sample(spec.company_shares, slot("size", k)))
        plans.append(OfferingPlan(f"offering-{k + 1}", kind, plan_day, file_day,
                                  file_day + review, underwritten, dist, size, k))
    plans.sort(key=lambda p: (p.plan_day, p.id))
    return plans


def offering_process(model: Deal, plan: OfferingPlan) -> Generator:
    """SimPy process of one Company registration, from fixed plans to distribution."""
    cal, log, company = model.calendar, model.log, model.company
    yield cal.until(plan.plan_day, Order.ACTION)
    log.record(cal.now, ev.OFFERING_PLANNED, "company", "§1(d)", dict(
        offering=plan.id, type=plan.type, file_day=plan.file_day, underwritten=plan.underwritten,
        company_shares=plan.company_shares, investors_may_include=plan.investors_may_include))
    give_registration_notice(model, plan)
    if plan.underwritten:
        for holder in model.other_holders:
            holder.consider_offering(plan)
    yield cal.until(plan.file_day, Order.ACTION)
    held = yield from hold_back(model, plan)
    log.record(cal.now, ev.OFFERING_FILED, "company", "§3(a)", dict(
        offering=plan.id, type=plan.type, investors_may_include=plan.investors_may_include))
    yield cal.until(plan.decision_day + held, Order.COMMISSION)
    go = not plan.scripted_withdrawal and (
        not plan.underwritten or model.underwriter.proceeds(plan, cal.now))
    plan.resolved_day = cal.now
    if go:
        included = model.underwriter.include(plan) if plan.underwritten else dict(plan.requests)
        plan.effective = True
        # §1(c) scope facts, logged so that the audit decides with the same rule.
        investor_shares = sum(v for k, v in included.items() if k in model.investors_by_name)
        form = model.world.offerings.form_permits_resale[plan.type]
        company.statements.append((cal.now, limits.registers_registrable(investor_shares),
                                   form, plan.id))
        log.record(cal.now, ev.OFFERING_EFFECTIVE, "company", "§1(c)", dict(
            offering=plan.id, type=plan.type, company_shares=plan.company_shares,
            investor_shares=investor_shares,
            other_holder_shares=sum(v for k, v in included.items()
                                    if k not in model.investors_by_name),
            form_permits_resale=form,
            starts_cooldown_until=last_day_within(cal.now, model.terms.cooldown_days)))
        costs.pay_registration_expenses(model, plan.id, plan.company_shares + sum(included.values()),
                                          withdrawn=False)
        sell_in_offering(model, plan, included)
    else:
        log.record(cal.now, ev.OFFERING_WITHDRAWN, "company", "§3(b)", dict(
            offering=plan.id, type=plan.type, pulled_by_underwriter=not plan.scripted_withdrawal,
            requests_dropped=len(plan.requests)))
        costs.pay_registration_expenses(model, plan.id, plan.company_shares + sum(
            plan.requests.values()), withdrawn=True)
        model.holdings.release_all(plan.id)      # the requested shares are free again
    plan.resolved.succeed()
    if go and plan.underwritten:
        yield cal.until(cal.now + plan.distribution_days, Order.ACTION)
        log.record(cal.now, ev.OFFERING_DISTRIBUTED, "underwriter", "§2(b)", dict(
            offering=plan.id))


#: Offerings that raise money for the Company: the ones it may hold back, at its cost of
#: capital, while the Investors' resale registration is pending.
RAISES_CAPITAL = frozenset({"public", "convertible_debt"})


def pending_registration(model: Deal, plan: OfferingPlan):
    """A demand or mandatory registration of the Investors pending now (received or
    required, not yet effective or withdrawn) that the Company did not hold back for
    ``plan`` (a §1(d) delay, or an NVCA IRA blackout: that demand waits for this offering,
    which must not wait for it in turn), or None."""
    company = model.company
    if not company.active:
        return None
    delayed = {e.details["cycle"] for e in model.log.of_kind(ev.DELAY_INVOKED,
                                                             ev.DEMAND_DEFERRED)
               if e.details.get("offering") == plan.id}
    for reg in model.registrations:
        if (reg.cycle in company.active and reg.cycle not in delayed and not reg.withdrawn
                and reg.effective_day < 0):
            return reg
    return None


def hold_back(model: Deal, plan: OfferingPlan) -> Generator:
    """§1(c), §1(d): an offering about to file while the Investors' registration is
    pending (and not delayed for it): the Company holds it back when its policy says so
    (``holds_back``: a draw with ``offerings.hold_back_prob``, or the strategic
    comparison of competition and cost of capital) until that statement is effective or withdrawn, at a
    cost of the offering's value x ``company.cost_of_capital`` x days / 365 (the money
    comes later). Returns the days held (docs/hold-back.md)."""
    if plan.type not in RAISES_CAPITAL or (
            model.world.offerings.hold_back_prob == 0
            and not model.world.strategy.company.offering_competition_fraction):
        return 0
    reg = pending_registration(model, plan)
    if reg is None or not model.policy.holds_back(model.offerings_stream, plan, reg):
        return 0
    cal, log = model.calendar, model.log
    start = cal.now
    value = plan.company_shares * model.share_price(start)
    log.record(start, ev.OFFERING_HELD_BACK, "company", "§1(d)", dict(
        offering=plan.id, cycle=reg.cycle, shares=plan.company_shares,
        value_usd=round(value, 2)))
    yield model.company.settled(reg)
    held = cal.now - start
    log.record(cal.now, ev.OFFERING_RELEASED, "company", "§1(d)", dict(
        offering=plan.id, held_days=held, cost_usd=round(
            value * model.world.company.cost_of_capital * held / 365, 2)))
    return held


def give_registration_notice(model: Deal, plan: OfferingPlan) -> None:
    """§3(a): "prior to filing the registration statement ... promptly give each Investor
    written notice" -- or, for an excluded registration, log why none is due."""
    cal, log = model.calendar, model.log
    if not plan.investors_may_include:
        log.record(cal.now, ev.REGISTRATION_NOTICE_NOT_REQUIRED, "company", "§3(a)", dict(
            offering=plan.id, type=plan.type, reason=EXCLUDED_TYPES[plan.type]))
        return
    delay = model.policy.registration_notice_delay(model.offerings_stream, plan)

    def give(_event=None) -> None:
        sent = plan.notice_given_day = cal.now
        # One receipt per Investor (a dozen per notice): lookups hoisted out of the loop.
        # Each learns of the notice on arrival; its window runs from the day the notice is
        # given, which §8(a) ties to the method.
        method, terms, latency, at = (model.company.notice_method, model.terms,
                                      model.policy.latency, cal.at)
        given_to, given_day, arrivals = plan.notice_given, notices.given_day, []
        for inv in model.investors:
            got = notices.received_day(sent, latency(
                inv.piggyback_stream, method, inv.piggyback_slot(plan, "latency_in"),
                inv.name, "company"))
            given_to[inv.name] = given_day(sent, got, terms, method)
            arrivals.append((got, inv))
        log.record(sent, ev.REGISTRATION_NOTICE_GIVEN, "company", "§3(a)", dict(
            offering=plan.id, recipients=tuple(i.name for i in model.investors),
            file_day=plan.file_day, before_filing=sent < plan.file_day, method=method,
            last_day=piggyback_last_day(max(given_to.values(), default=sent), terms)))
        for got, inv in arrivals:
            at(got, Order.RECEIPT, lambda _, inv=inv: inv.on_registration_notice(plan))

    cal.at(cal.now + delay, Order.ACTION, give)


def on_piggyback_request(model: Deal, plan: OfferingPlan, investor: str, shares: int,
                         sent_day: int) -> None:
    """§3(a): a Piggy-back Request counts if "received within twenty (20) days after the
    date on which the Registration Notice is given", and before the registration is over."""
    cal = model.calendar
    # The shares committed when the request was sent, as since adjusted (§7).
    shares = model.holdings.in_registration(plan.id, investor)
    last = piggyback_last_day(plan.notice_given[investor], model.terms)
    timely = cal.now <= last and plan.resolved_day is None
    if timely:
        plan.requests[investor] = shares     # committed when the request was sent
    else:
        model.holdings.release(investor, plan.id, shares)
    model.log.record(cal.now, ev.PIGGYBACK_REQUESTED if timely else ev.PIGGYBACK_REJECTED,
                     investor, "§3(a)", dict(offering=plan.id, shares=shares, sent_day=sent_day,
                                             last_day=last, resolved=plan.resolved_day is not None))


def sell_in_offering(model: Deal, plan: OfferingPlan, included: dict[str, int]) -> None:
    """The included holders sell in the Company's offering: their shares stop being
    Registrable Shares (§7), an Investor's warrant shares only if it exercises
    (recitals: not out of the money, not after expiry), they bear their selling costs
    (§4), claims may follow (§5) with each cap at the seller's net proceeds."""
    today = model.calendar.now
    price, terms, investors = model.share_price(today), model.terms, model.investors_by_name
    holdings = model.holdings
    sales = {name: securities.warrant_sale(shares, price, today, model.warrant_expiry_day,
                                           terms)
             for name, shares in included.items() if shares and name in investors}
    if sales:
        effectiveness.record_warrants(model, plan.id, sales, price)
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
                model, plan.id, name, sold, plan.underwritten,
                exercise_usd=sale.exercise_usd if sale else 0.0)
        else:
            gross = net_usd = 0.0
        if sale:
            net[name] = net_usd
            gross_total += gross
    holdings.release_all(plan.id)   # what was not included or not sold is free again
    company_gross = plan.company_shares * price
    company_net = company_gross - costs_rules.selling_costs(
        company_gross, plan.underwritten, model.expense_figures)
    claims.schedule_claim(model, plan.id, claims.OFFERING_BASE + plan.index, net,
                          gross_total, company_net, plan.underwritten)
